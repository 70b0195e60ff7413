/// The run loop: find or decode the block at RIP, execute it, follow cached successor links, stop on an
/// event or when the budget is spent.
extension Core {
    /// What ended a call to `run(fuel:)`, before it is turned into a public `StopReason`.
    enum InternalStop {
        case halt
        case exception(Fault)
        case budget
        case unsupported
    }

    /// Most instructions in one decoded block.
    static let maxBlockLength = 64

    /// Decodes the block at `address`.
    /// - Throws: The fetch fault if the first instruction cannot be fetched.
    func decodeBlock(at address: UInt64) throws(ExecutionEvent) -> Int32 {
        var decoded: [DecodedInstruction] = []
        var pc = address
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        defer { buffer.deallocate() }
        decoding: while decoded.count < Self.maxBlockLength {
            let available: Int
            let pending: Fault?
            do {
                (available, pending) = try fetch(pc, into: buffer)
            } catch {
                if decoded.isEmpty { throw error }
                break  // the fault is raised when execution reaches this instruction
            }
            var insn: DecodedInstruction
            switch decoder.decode(buffer, count: available, address: pc) {
            case .instruction(let d):
                insn = d
            case .invalid:
                if let pending {
                    // The instruction runs into a page that cannot be fetched.
                    if decoded.isEmpty { throw .exception(pending) }
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
            decoded.append(insn)
            if insn.opcode.endsBlock { break }
            pc = insn.nextAddress
            if (pc ^ address) >> 12 != 0 && !decoded.isEmpty { break }  // keep a block within its first page
        }
        if decoded.isEmpty { throw .exception(.ud()) }
        statistics.blocksDecoded += 1
        statistics.instructionsDecoded += UInt64(decoded.count)
        return blocks.add(decoded, at: address)
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

    /// Runs until an event or until `fuelUsed` reaches `limit`; RFLAGS is complete when it returns.
    func run(fuelLimit limit: UInt64) -> InternalStop {
        defer { materializeFlags() }
        return runBlocks(fuelLimit: limit)
    }

    private func runBlocks(fuelLimit limit: UInt64) -> InternalStop {
        fuelLimit = limit
        var previous: Int32 = -1
        while true {
            if fuelUsed >= limit { return .budget }
            let address = rip
            var current: Int32 = -1
            if previous >= 0 && blocks.isValid(previous) {
                let b = blocks.blocks[Int(previous)]
                if b.successorAddress0 == address {
                    current = b.successorIndex0
                } else if b.successorAddress1 == address {
                    current = b.successorIndex1
                }
            }
            if current < 0 || !blocks.isValid(current) || blocks.blocks[Int(current)].start != address {
                if let found = blocks.lookup(address) {
                    current = found
                } else {
                    do {
                        current = try decodeBlock(at: address)
                    } catch {
                        return stop(for: error, at: nil)
                    }
                }
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
            let block = blocks.blocks[Int(current)]
            let count = Int(block.count)
            let remaining = limit - fuelUsed
            let runnable = UInt64(count) <= remaining ? count : Int(remaining)
            var p = UnsafePointer(blocks.instructions + Int(block.first))
            // An instruction that needs exact counters (string, RDTSC) is always its block's last one.
            let exactLast = blocks.instructions[Int(block.first) + count - 1].needsExactCount
            let plain = exactLast && runnable == count ? count - 1 : runnable
            var done = 0
            codeWasModified = false
            do {
                while done < plain {
                    try execute(p)
                    done &+= 1
                    if codeWasModified || done == plain { break }
                    p += 1
                }
                // `p` is now the last instruction executed (or the first, if none was).
                if done == plain && plain < runnable && !codeWasModified {
                    if done > 0 { p += 1 }
                    instructionCount &+= UInt64(done)
                    fuelUsed &+= UInt64(done)
                    done = 0
                    stringInterrupted = false
                    try executeExactCount(p)
                    if !stringInterrupted { done = 1 }
                }
            } catch {
                instructionCount &+= UInt64(done)
                fuelUsed &+= UInt64(done)
                return stop(for: error, at: p)
            }
            // Branches and string instructions set RIP; otherwise the run continues after the last one.
            if !p.pointee.setsRIP { rip = p.pointee.nextAddress }
            instructionCount &+= UInt64(done)
            fuelUsed &+= UInt64(done)
            previous = codeWasModified ? -1 : current
        }
    }

    /// Turns an event thrown by `p` (or by fetching at RIP when `p` is nil) into a stop, setting RIP and
    /// CR2 as the CPU would when the exception is delivered (IDTR limit 0: delivery stops the run).
    private func stop(for event: ExecutionEvent, at p: UnsafePointer<DecodedInstruction>?) -> InternalStop {
        switch event {
        case .halt:
            // HLT retired; RIP points after it.
            instructionCount &+= 1
            fuelUsed &+= 1
            if let p { rip = p.pointee.nextAddress }
            return .halt
        case .unsupported:
            if let p { rip = p.pointee.address }
            return .unsupported
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
            if let address = fault.pageFaultAddress { state.pointee.cr2 = address }
            return .exception(fault)
        }
    }
}

extension Opcode {
    /// Instructions that need the exact retired count (string iterations charge the budget; RDTSC reads it),
    /// so the run loop brings the counters up to date before them. All of them end their block.
    var readsInstructionCount: Bool {
        switch self {
        case .movs, .stos, .lods, .cmps, .scas, .rdtsc: return true
        default: return false
        }
    }
}
