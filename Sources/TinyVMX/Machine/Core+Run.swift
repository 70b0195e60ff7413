/// The run loop: find or decode the block at RIP, execute it, follow cached successor links, stop on an
/// event or when the budget is spent.
extension Core {
    /// What ended a call to `run(fuel:)`, before it is turned into a public `StopReason`.
    enum InternalStop {
        case halt
        /// An exception that could not be delivered (the bare profile's missing IDT).
        case exception(Fault)
        case budget
        case unsupported
        /// A fault while delivering #DF: the processor shuts down.
        case tripleFault
        /// Internal to the run loop: something changed that the event check must see (a delivery, HLT,
        /// an instruction that opened an interrupt window).
        case events
        /// A block was about to start at one of `breakpoints`.
        case breakpoint
    }

    /// Most instructions in one decoded block.
    static let maxBlockLength = 64

    /// Decodes the block at `address`.
    ///
    /// A block follows direct JMP and CALL to their targets and conditional branches the way they most
    /// likely go (backward: taken, as in a loop; forward: not taken), so a loop body repeats in its block up
    /// to `maxBlockLength` and the run loop dispatches once for many iterations. A conditional branch
    /// going the other way ends the block there (the run loop's side exit). Blocks stay within the page
    /// of their first instruction; an instruction already in the block is copied, not decoded again.
    ///
    /// Without `follow` a block ends at its first branch. Blocks start that way: code that runs a few times
    /// (the lab re-decodes everything after each VM transition) would otherwise pay for decoding paths it
    /// never takes. The run loop decodes a block again with `follow` once it is hot (`promote`), in
    /// place of the short one (`replacing`, the same index, so links to it stay valid).
    /// - Throws: The fetch fault if the first instruction cannot be fetched.
    func decodeBlock(at address: UInt64, follow: Bool = false, replacing: Int32? = nil) throws(ExecutionEvent) -> Int32 {
        var decoded: [DecodedInstruction] = []
        var fresh = 0  // instructions Capstone decoded (the rest are copies)
        let invalidations = statistics.codeInvalidations
        var pc = address
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        defer { buffer.deallocate() }
        decoding: while decoded.count < Self.maxBlockLength {
            var insn: DecodedInstruction
            if let seen = decoded.firstIndex(where: { $0.address == pc }) {
                insn = decoded[seen]
            } else {
                let available: Int
                let pending: ExecutionEvent?
                do {
                    (available, pending) = try fetch(pc, into: buffer)
                } catch {
                    if decoded.isEmpty { throw error }
                    break  // the fault is raised when execution reaches this instruction
                }
                switch decoder.decode(buffer, count: available, address: pc) {
                case .instruction(let d):
                    insn = d
                case .invalid:
                    if let pending {
                        // The instruction runs into a page that cannot be fetched.
                        if decoded.isEmpty { throw pending }
                        break decoding
                    }
                    insn = DecodedInstruction()
                    insn.opcode = isOverlongInstruction(at: pc) ? .overlong : .ud2
                    insn.address = pc
                    insn.length = 1
                }
                if insn.hasLockPrefix && (!insn.opcode.isLockable || insn.operand0.kind != .memory) {
                    insn.opcode = .ud2
                }
                Specializer.specialize(&insn)
                insn.setsRIP = insn.opcode.setsRIP
                insn.needsExactCount = insn.opcode.readsInstructionCount
                insn.continuesIfTaken = insn.opcode == .jcc && insn.target <= insn.address
                fresh += 1
            }
            decoded.append(insn)
            switch insn.opcode {
            case _ where !follow && insn.opcode.endsBlock: break decoding
            case .jmp, .call: pc = insn.target
            case .jcc: pc = insn.continuesIfTaken ? insn.target : insn.nextAddress
            case _ where insn.opcode.endsBlock: break decoding
            default: pc = insn.nextAddress
            }
            if (pc ^ address) >> 12 != 0 { break }  // keep a block within its first page
        }
        if decoded.isEmpty { throw .exception(.ud()) }
        statistics.blocksDecoded += 1
        statistics.instructionsDecoded += UInt64(fresh)
        statistics.blockInstructions += UInt64(decoded.count)
        // Fetching can write an accessed bit into a page holding decoded code, which drops every block: then
        // `replacing` no longer names one, and the decoding is added as a new block.
        if let replacing, statistics.codeInvalidations == invalidations {
            blocks.replace(replacing, with: decoded)
            return replacing
        }
        return blocks.add(decoded, at: address, followsBranches: follow)
    }

    /// Dispatches of a short block (one that ends at its first branch) before it is decoded again following
    /// its branches.
    static let promotionThreshold: UInt8 = 8

    /// Decodes block `index` again, following branches (it has become hot). A fetch fault keeps the short
    /// block (it is raised when execution gets there).
    /// - Returns: `false` if decoded code was dropped meanwhile (`index` names no block any more).
    @inline(never)
    func promote(_ index: Int32) -> Bool {
        let invalidations = statistics.codeInvalidations
        let start = blocks.blocks[Int(index)].start
        if (try? decodeBlock(at: start, follow: true, replacing: index)) == nil {
            blocks.blocks[Int(index)].followsBranches = true  // do not try again
        }
        return statistics.codeInvalidations == invalidations
    }

    /// Whether the bytes at `address`, which Capstone refused, are an instruction longer than 15 bytes.
    private func isOverlongInstruction(at address: UInt64) -> Bool {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        defer { buffer.deallocate() }
        guard let (available, _) = try? fetch(address, into: buffer, count: 32) else { return false }
        let bytes = Array(UnsafeBufferPointer(start: buffer, count: available))
        return CapstoneErrata.isOverlong(bytes) { candidate in
            candidate.withUnsafeBufferPointer { buf in
                if case .instruction(let d) = decoder.decode(buf.baseAddress!, count: buf.count, address: address) {
                    return Int(d.length)
                }
                return nil
            }
        }
    }

    /// Runs until a stop or until `fuelUsed` reaches `limit`; RFLAGS is complete when it returns.
    ///
    /// Between runs of blocks it checks events at the instruction boundary: scheduled injections that are
    /// due, a pending NMI (unless blocked), a pending external interrupt (if IF = 1 and no STI shadow), and
    /// the halt state. Blocks are run only up to the next scheduled injection, one instruction at a time
    /// while RIP triggers are armed or an STI shadow is about to end with interrupts pending.
    func run(fuelLimit limit: UInt64) -> InternalStop {
        defer { materializeFlags() }
        while true {
            if events.interruptShadowPending {
                events.interruptShadowPending = false
                events.interruptShadowEnd = instructionCount &+ 1
            }
            fireDueEvents()
            switch deliverPendingEvent() {
            case .some(.events):
                // Delivered (or exited): the handler's first instruction is a new boundary.
                if stopAfterEvent { return .budget }
                continue
            case .some(let stop): return stop
            case .none: break
            }
            if events.halted {
                if wakeFromHalt() { continue }
                return .halt
            }
            if fuelUsed >= limit { return .budget }
            var sub = limit
            if let next = events.scheduled.first {
                sub = min(sub, fuelUsed &+ (next.count &- instructionCount))
            }
            if vmx.isNonRoot, let deadline = vmx.timerDeadline {
                sub = min(sub, fuelUsed &+ (deadline &- instructionCount))
            }
            // Step through an STI shadow when something waits for its end: a pending interrupt, or a guest's
            // interrupt- or NMI-window exiting.
            let shadowed = instructionCount < events.interruptShadowEnd
                && (!events.pendingInterrupts.isEmpty || (vmx.isNonRoot && vmx.controls.watchesEventWindows))
            // TF at the start of an instruction: a single-step #DB trap follows it (each REP iteration too).
            let singleStep = rflags & RFLAGS.tf != 0
            if !events.ripTriggers.isEmpty || shadowed || singleStep { sub = min(sub, fuelUsed &+ 1) }
            checkEvents = false
            let fuelBefore = fuelUsed
            let deliveriesBefore = statistics.exceptionsDelivered
            let exitsBefore = vmx.exits
            switch runBlocks(fuelLimit: sub) {
            case .budget, .events:
                // No trap if the step delivered an event (delivery clears TF) or nothing completed.
                if singleStep && fuelUsed > fuelBefore && statistics.exceptionsDelivered == deliveriesBefore
                    && !events.halted
                {
                    let trap = Fault(vector: 1, errorCode: nil, isTrap: true)
                    if let stop = deliverException(trap, returnRIP: rip, instructionAddress: rip) { return stop }
                }
                let eventHappened = statistics.exceptionsDelivered != deliveriesBefore || vmx.exits != exitsBefore
                if stopAfterEvent && fuelUsed == fuelBefore && eventHappened { return .budget }
                continue
            case let stop: return stop
            }
        }
    }

    /// Makes scheduled injections that are due pending: by count, and RIP triggers at the current boundary
    /// (each boundary counted once, even if the loop looks at it twice).
    private func fireDueEvents() {
        while let first = events.scheduled.first, first.count <= instructionCount {
            events.scheduled.removeFirst()
            events.raise(first.event)
        }
        guard !events.ripTriggers.isEmpty else { return }
        let boundary = (instructionCount, rip)
        guard boundary != lastTriggerBoundary else { return }
        lastTriggerBoundary = boundary
        for i in events.ripTriggers.indices.reversed() where events.ripTriggers[i].address == rip {
            events.ripTriggers[i].remaining -= 1
            if events.ripTriggers[i].remaining == 0 {
                events.ripTriggers.remove(at: i)
                events.raise(.nmi)
            }
        }
    }

    /// Delivers a pending NMI (if not blocked) or external interrupt (if IF = 1 and no STI shadow).
    /// - Returns: `nil` if nothing was deliverable, `.events` after a delivery, or a stop.
    private func deliverPendingEvent() -> InternalStop? {
        if vmx.isNonRoot, let exit = boundaryExit() {
            vmExit(exit)
            return .events
        }
        if events.nmiPending && !events.nmiBlocked {
            events.nmiPending = false
            events.nmiBlocked = true
            if events.exceptionsStopRun { return .exception(Fault(vector: 2, errorCode: nil)) }
            return deliverNesting(Delivery(vector: 2, errorCode: nil, source: .nmi, returnRIP: rip)) ?? .events
        }
        if !events.pendingInterrupts.isEmpty && rflags & RFLAGS.if != 0 && instructionCount >= events.interruptShadowEnd {
            let vector = events.pendingInterrupts.removeFirst()
            if events.exceptionsStopRun { return .exception(Fault(vector: vector, errorCode: nil)) }
            return deliverNesting(Delivery(vector: vector, errorCode: nil, source: .external, returnRIP: rip)) ?? .events
        }
        return nil
    }

    /// While halted with nothing deliverable: time jumps to the next scheduled injection that can wake the
    /// CPU (an NMI, or an interrupt with IF = 1), firing everything scheduled up to it. A halted guest also
    /// wakes for an interrupt whatever IF with external-interrupt exiting, and time jumps to the
    /// VMX-preemption timer's expiry when nothing scheduled comes first.
    /// - Returns: `false` if nothing can (the run stops with `halt`).
    private func wakeFromHalt() -> Bool {
        let interruptsEnabled = rflags & RFLAGS.if != 0
            || (vmx.isNonRoot && vmx.controls.has(pin: Pin.externalInterruptExiting))
        let index = events.scheduled.firstIndex { entry in
            switch entry.event {
            case .nmi: return !events.nmiBlocked
            case .interrupt: return interruptsEnabled
            }
        }
        if vmx.isNonRoot, let deadline = vmx.timerDeadline, index.map({ events.scheduled[$0].count > deadline }) ?? true {
            vmx.timerDeadline = instructionCount
            return true
        }
        guard let index else { return false }
        for entry in events.scheduled[...index] { events.raise(entry.event) }
        events.scheduled.removeFirst(index + 1)
        return true
    }

    /// Runs decoded blocks until the budget `limit` is reached or something needs the event check.
    ///
    /// `previous` is the block that just ran; its two cached successor links usually name the next block
    /// without a hash lookup. Links and `previous` stay valid because blocks are only ever removed all at
    /// once (`flushDecodedCode`, a CPL swap), and both set `codeWasModified`, which clears `previous`.
    private func runBlocks(fuelLimit limit: UInt64) -> InternalStop {
        fuelLimit = limit
        var previous: Int32 = -1
        while true {
            if fuelUsed >= limit { return .budget }
            let address = rip
            let armed = !breakpoints.isEmpty
            if armed && breakpoints.contains(address) && fuelUsed != breakpointRunStart {
                return .breakpoint
            }
            var current: Int32 = -1
            if previous >= 0 {
                assert(blocks.isValid(previous), "a flush must clear previous (codeWasModified)")
                let b = blocks.blocks + Int(previous)
                if b.pointee.successorAddress0 == address {
                    current = b.pointee.successorIndex0
                } else if b.pointee.successorAddress1 == address {
                    current = b.pointee.successorIndex1
                }
            }
            if current < 0 {
                if let found = blocks.lookup(address) {
                    current = found
                } else {
                    do {
                        current = try decodeBlock(at: address)
                    } catch {
                        return raise(error, at: nil) ?? .events
                    }
                }
                // (Decoding can drop every block, `previous` with them: see `decodeBlock`.)
                if previous >= 0 && blocks.isValid(previous) {
                    let pb = blocks.blocks + Int(previous)
                    if pb.pointee.successorIndex0 < 0 {
                        pb.pointee.successorAddress0 = address
                        pb.pointee.successorIndex0 = current
                    } else {
                        pb.pointee.successorAddress1 = address
                        pb.pointee.successorIndex1 = current
                    }
                }
            }
            // `blocks.blocks` only moves when a block is added; promotion and compiling replace in place.
            let block = blocks.blocks + Int(current)
            if !block.pointee.followsBranches {
                block.pointee.dispatches &+= 1
                // Not while running one instruction at a time: each step would promote another block.
                if block.pointee.dispatches >= Self.promotionThreshold && limit &- fuelUsed > 1 && !promote(current) {
                    previous = -1
                    continue
                }
            }
            if jitThreshold != .max {
                // Compiled code is a prefix of the block (up to its first branch); a breakpoint after that
                // prefix does not keep it from running.
                let native = nativeBlock(current)
                if native >= 0, let jit, case let n = Int(jit.compiled[Int(native)].count), UInt64(n) <= limit &- fuelUsed,
                    !armed || breakpointIndex(in: current) >= n
                {
                    if let stop = runNative(native, limit: limit) { return stop }
                    previous = -1
                    continue
                }
            }
            let count = Int(block.pointee.count)
            var p = UnsafePointer(blocks.instructions + Int(block.pointee.first))
            // Instructions that may run, and those of them that run plainly: all but a last one that needs
            // exact counters (`Opcode.readsInstructionCount`: always its block's last instruction). The budget
            // or a breakpoint inside the block (the next dispatch stops there) can end the run sooner.
            var runnable = count
            var plain = block.pointee.endsWithExactCount ? count &- 1 : count
            if armed || UInt64(truncatingIfNeeded: count) > limit &- fuelUsed {
                runnable = Int(min(limit &- fuelUsed, UInt64(count)))
                if armed { runnable = min(runnable, breakpointIndex(in: current)) }
                plain = block.pointee.endsWithExactCount && runnable == count ? count &- 1 : runnable
            }
            var done = 0
            var leftEarly = false
            codeWasModified = false
            if plain > 0 {
                let first = p
                let last = p + (plain &- 1)
                do {
                    while true {
                        if try executeFast(p) {
                            leftEarly = true
                            break
                        }
                        if p == last { break }
                        p += 1
                    }
                } catch {
                    instructionCount &+= UInt64(first.distance(to: p))
                    fuelUsed &+= UInt64(first.distance(to: p))
                    return raise(error, at: p) ?? .events
                }
                // `p` is the last instruction executed.
                done = p == last ? plain : first.distance(to: p) &+ 1
            }
            // The last instruction needs exact counters, and no side exit (a branch the other way, modified
            // code, an event window) ended the block before it.
            if plain < runnable && done == plain && !leftEarly {
                if done > 0 { p += 1 }
                instructionCount &+= UInt64(truncatingIfNeeded: done)
                fuelUsed &+= UInt64(truncatingIfNeeded: done)
                done = 0
                stringInterrupted = false
                do {
                    try executeExactCount(p)
                } catch {
                    return raise(error, at: p) ?? .events
                }
                if !stringInterrupted { done = 1 }
            }
            // Branches and string instructions set RIP; otherwise the run continues after the last one.
            if !p.pointee.setsRIP { rip = p.pointee.nextAddress }
            instructionCount &+= UInt64(truncatingIfNeeded: done)
            fuelUsed &+= UInt64(truncatingIfNeeded: done)
            if codeWasModified {
                previous = -1
                // `openEventWindow` sets both flags, so the common path pays one test per block, not two.
                if checkEvents { return .events }
            } else {
                previous = current
            }
        }
    }

    /// The index of the first instruction after the first of block `index` that is at a breakpoint, or
    /// `Int.max`.
    @inline(never)
    private func breakpointIndex(in index: Int32) -> Int {
        let block = blocks.blocks[Int(index)]
        for k in 1..<max(Int(block.count), 1) where breakpoints.contains(blocks.instructions[Int(block.first) + k].address) {
            return k
        }
        return .max
    }

    /// Handles an event thrown by `p` (or by fetching at RIP when `p` is nil): sets RIP as the CPU would
    /// (on a faulting instruction, after a trap or HLT) and delivers exceptions.
    /// - Returns: A stop, or `nil` when the run goes on (an exception was delivered, HLT waits for events).
    func raise(_ event: ExecutionEvent, at p: UnsafePointer<DecodedInstruction>?) -> InternalStop? {
        switch event {
        case .halt:
            // HLT retired; RIP points after it and the CPU waits for an event.
            instructionCount &+= 1
            fuelUsed &+= 1
            if let p { rip = p.pointee.nextAddress }
            events.halted = true
            return nil
        case .unsupported:
            if let p { rip = p.pointee.address }
            return .unsupported
        case .vmExit:
            // The instruction (or its access) caused the exit: it did not retire, RIP stays on it.
            if let p { rip = p.pointee.address }
            vmExit(pendingExit)
            return nil
        case .exception(let fault):
            if let p {
                if fault.isTrap {
                    instructionCount &+= 1
                    fuelUsed &+= 1
                    rip = p.pointee.nextAddress
                } else {
                    rip = p.pointee.address
                }
            }
            return deliverException(fault, returnRIP: rip, instructionAddress: p?.pointee.address ?? rip)
        }
    }
}

extension Opcode {
    /// Instructions that need the exact retired count, so the run loop brings the counters up to date before
    /// them: string iterations charge the budget, RDTSC and RDMSR of the TSC read it, VM entry starts the
    /// preemption timer from it, a VM exit records it. All of them end their block.
    var readsInstructionCount: Bool {
        switch self {
        case .movs, .stos, .lods, .cmps, .scas, .rdtsc: return true
        default: return isSystem
        }
    }
}
