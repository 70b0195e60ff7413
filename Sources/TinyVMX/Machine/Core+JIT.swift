import CTinyVMXNative
import Glibc

/// The run loop's second tier: hot decoded blocks are compiled (`JITEngine`) and entered from `runBlocks`.
///
/// The dispatcher enters a compiled block only if the whole block fits in the budget, charging it in advance
/// (`context.fuel` = what is left after it); compiled code chains to further blocks while their lengths fit.
/// With breakpoints armed the budget handed over is zero, so exactly one block runs and every block start is
/// seen by the breakpoint check. On return the counters advance by exactly what ran, the status flags come
/// back from the context, and a TLB miss is finished by interpreting that one instruction.
extension Core {
    /// Heat at which `auto` compiles a decoded block (`jit` compiles on the first dispatch). A dispatch adds
    /// 1 + count / 8: 16 dispatches for a block of up to 7 instructions, 2 for a loop body repeated 64
    /// instructions long (it runs many iterations per dispatch).
    static let autoThreshold: UInt32 = 16

    /// The compiled form of decoded block `index`, compiling it if it is hot enough.
    @inline(__always)
    func nativeBlock(_ index: Int32) -> Int32 {
        let b = blocks.blocks + Int(index)
        let native = b.pointee.native
        if native != BlockCache.notCompiled { return native }
        b.pointee.heat &+= 1 &+ UInt32(truncatingIfNeeded: b.pointee.count) / 8
        if b.pointee.heat < jitThreshold { return BlockCache.notCompiled }
        return compileBlock(index)
    }

    @inline(never)
    private func compileBlock(_ index: Int32) -> Int32 {
        let b = blocks.blocks + Int(index)
        if jit == nil {
            guard JITEngine.hostSupported, let engine = try? JITEngine(context: context, capacity: configuration.jitCodeBytes) else {
                jitThreshold = .max  // this host cannot run generated code: interpret
                return BlockCache.notCompiled
            }
            jit = engine
        }
        guard let jit else { return BlockCache.notCompiled }
        let started = Self.monotonicNanoseconds()
        let result = try? jit.compile(
            blocks.instructions + Int(b.pointee.first), count: Int(b.pointee.count), blockIndex: index,
            user: blocksAreUser)
        statistics.jitTranslationNanoseconds &+= Self.monotonicNanoseconds() &- started
        if jit.isFull {
            // Start over with an empty arena; a block that does not fit even then stays interpreted.
            let alone = jit.compiled.isEmpty
            dropCompiledCode()
            if alone {
                b.pointee.native = BlockCache.refused
                return BlockCache.refused
            }
            return BlockCache.notCompiled
        }
        guard let result else {
            b.pointee.native = BlockCache.refused
            return BlockCache.refused
        }
        statistics.jitBlocksCompiled &+= 1
        b.pointee.native = result
        return result
    }

    /// Forgets all compiled code (decoded blocks stay, unless the caller drops them too).
    func dropCompiledCode() {
        guard let jit, !jit.compiled.isEmpty || jit.isFull else { return }
        jit.isFull = false
        if (try? jit.reset()) == nil { self.jit = nil; jitThreshold = .max }
        blocks.forgetCompiledCode()
        otherPrivilegeBlocks.forgetCompiledCode()
        statistics.jitInvalidations &+= 1
    }

    /// Runs compiled block `native` (its start is RIP) and what it chains to, within `limit`.
    /// - Returns: A stop from the instruction a TLB miss handed back, or `nil` to go on dispatching.
    func runNative(_ native: Int32, limit: UInt64) -> InternalStop? {
        guard let jit else { return nil }
        let entry = jit.compiled[Int(native)]
        let n = UInt64(entry.count)
        let initial = breakpoints.isEmpty ? limit &- fuelUsed &- n : 0
        context.pointee.fuel = initial
        if lazy.pointee.kind != .none { materializeFlags() }
        jit.remember(rip, entry.checked)
        let status = tvx_jit_call(
            UnsafeRawPointer(bitPattern: UInt(jit.prologue)), context, UnsafeRawPointer(bitPattern: UInt(entry.unchecked)))
        let ran = initial &+ n &- context.pointee.fuel
        instructionCount &+= ran
        fuelUsed &+= ran
        statistics.jitInstructions &+= ran
        statistics.jitExits &+= 1
        setStatusFlags(context.pointee.flags & RFLAGS.status)
        guard status == UInt32(TVX_JIT_MISS) else { return nil }
        statistics.jitMisses &+= 1
        let block = blocks.blocks[Int(context.pointee.exit_block)]
        return interpretOne(blocks.instructions + Int(block.first) + Int(context.pointee.exit_index))
    }

    /// Executes one decoded instruction with the run loop's bookkeeping (the instruction a TLB miss left).
    private func interpretOne(_ p: UnsafePointer<DecodedInstruction>) -> InternalStop? {
        codeWasModified = false
        do {
            try execute(p)
        } catch {
            return raise(error, at: p) ?? .events
        }
        if !p.pointee.setsRIP { rip = p.pointee.nextAddress }
        instructionCount &+= 1
        fuelUsed &+= 1
        if codeWasModified && checkEvents { return .events }
        return nil
    }

    static func monotonicNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
