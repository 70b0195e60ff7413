import CTinyVMXNative
import Foundation
import Glibc

/// The compiled-code side of a `Core`: the arena, the table of compiled blocks, links waiting for their
/// targets, the indirect-branch cache, and the counters `Machine.Statistics` reports.
///
/// Compiled code is derived from decoded blocks, so it lives exactly as long as they do: whatever drops
/// decoded code (a store into code, a paging change, a VM transition) calls `reset()`.
final class JITEngine {
    /// A compiled block's entries (absolute addresses) and its length in guest instructions.
    struct Compiled {
        var checked: UInt64
        var unchecked: UInt64
        var count: Int32
    }

    /// Blocks are compiled per privilege class (as they are decoded): a guest address plus CPL 3 or not.
    struct Key: Hashable {
        var address: UInt64
        var user: Bool
    }

    let arena: CodeArena
    private(set) var prologue: UInt64 = 0
    private(set) var epilogue: UInt64 = 0
    /// Where empty indirect-branch cache entries point: returns `TVX_JIT_NEXT`.
    private(set) var missStub: UInt64 = 0
    private(set) var compiled: [Compiled] = []
    private var byKey: [Key: Int32] = [:]
    /// rel32 fields (arena offsets) of exits to blocks not compiled yet.
    private var pending: [Key: [Int]] = [:]
    let context: UnsafeMutablePointer<tvx_jit_context>
    let jumpCache: UnsafeMutablePointer<tvx_jump_cache_entry>

    /// Whether this host can run generated code (x86-64 with BMI2).
    static var hostSupported: Bool { tvx_host_has_bmi2() != 0 }

    /// - Parameter capacity: Bytes of executable memory (`Machine.Configuration.jitCodeBytes`).
    init(context: UnsafeMutablePointer<tvx_jit_context>, capacity: Int) throws {
        self.context = context
        jumpCache = (UnsafeMutableRawPointer(context) + tvx_ctx_jump_cache())
            .assumingMemoryBound(to: tvx_jump_cache_entry.self)
        arena = try CodeArena(capacity: max(capacity, 512))
        try emitRuntime()
    }

    /// Drops every compiled block.
    func reset() throws {
        arena.reset()
        compiled.removeAll(keepingCapacity: true)
        byKey.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        try emitRuntime()
    }

    /// The shared prologue (C entry: save callee-saved registers, R15 ← context, R14 ← fuel, load the guest's
    /// status flags, jump to the block in RSI), epilogue (save flags and fuel, restore, return EAX) and
    /// cache-miss stub.
    private func emitRuntime() throws {
        var e = X86Emitter(origin: arena.nextAddress)
        for r: UInt8 in [3, 5, 12, 13, 14, 15] {
            if r >= 8 { e.byte(0x41) }
            e.byte(0x50 | (r & 7))
        }
        e.move(X86Emitter.Reg.r15, X86Emitter.Reg.rdi)
        e.load(JITCompiler.fuel, context: tvx_ctx_fuel())
        e.load(X86Emitter.Reg.rcx, context: Int(TVX_CTX_RFLAGS))
        e.byte(0x81); e.byte(0xE1); e.int32(UInt32(RFLAGS.status))  // and ecx, status
        e.byte(0x83); e.byte(0xC9); e.byte(0x02)  // or ecx, 2 (bit 1 is always set)
        e.byte(0x51)  // push rcx
        e.byte(0x9D)  // popfq
        e.jumpIndirect(X86Emitter.Reg.rsi)
        let epilogueOffset = e.count
        e.byte(0x9C)  // pushfq
        e.byte(0x59)  // pop rcx
        e.store(X86Emitter.Reg.rcx, context: tvx_ctx_flags())
        e.store(JITCompiler.fuel, context: tvx_ctx_fuel())
        for r: UInt8 in [15, 14, 13, 12, 5, 3] {
            if r >= 8 { e.byte(0x41) }
            e.byte(0x58 | (r & 7))
        }
        e.byte(0xC3)
        let missOffset = e.count
        JITCompiler.emitReturn(&e, rip: nil, status: TVX_JIT_NEXT, epilogue: e.origin &+ UInt64(epilogueOffset))
        guard let offset = try arena.append(e.bytes) else { throw CodeArena.ArenaError.mapFailed(errno: ENOMEM) }
        let base = arena.baseAddress &+ UInt64(offset)
        prologue = base
        epilogue = base &+ UInt64(epilogueOffset)
        missStub = base &+ UInt64(missOffset)
        clearJumpCache()
    }

    /// Empties the indirect-branch cache (its entries are for one privilege class).
    func clearJumpCache() {
        for i in 0..<Int(TVX_JUMP_CACHE_SIZE) {
            jumpCache[i] = tvx_jump_cache_entry(not_guest: 0, host: missStub)
        }
    }

    /// Lets indirect branches to `address` go straight to `entry`.
    @inline(__always)
    func remember(_ address: UInt64, _ entry: UInt64) {
        jumpCache[Int(address & 0xFF)] = tvx_jump_cache_entry(not_guest: ~address, host: entry)
    }

    /// Compiles the longest prefix of a decoded block the JIT handles, links it to compiled successors and
    /// links waiting predecessors to it.
    /// - Returns: Its index in `compiled`, or `nil` if its first instruction is not compiled or the arena
    ///   is full (`isFull`).
    func compile(_ insns: UnsafePointer<DecodedInstruction>, count: Int, blockIndex: Int32, user: Bool) throws -> Int32? {
        let origin = arena.nextAddress
        var compiler = JITCompiler(
            origin: origin, insns: insns, blockIndex: blockIndex, epilogue: epilogue,
            resolve: { [unowned self] target in
                self.byKey[Key(address: target, user: user)].map { self.compiled[Int($0)].checked }
            })
        guard let out = compiler.compile(available: count) else { return nil }
        guard let offset = try arena.append(out.bytes) else {
            isFull = true
            return nil
        }
        if let dumpDirectory {
            // TINYVMX_JIT_DUMP=DIR: each block's code as DIR/<guest address>.bin, for objdump -D -b binary -mi386:x86-64.
            let path = "\(dumpDirectory)/\(String(insns[0].address, radix: 16))-at-\(String(origin, radix: 16)).bin"
            _ = FileManager.default.createFile(atPath: path, contents: Data(out.bytes))
        }
        let index = Int32(compiled.count)
        compiled.append(Compiled(
            checked: origin &+ UInt64(out.checkedEntry), unchecked: origin &+ UInt64(out.uncheckedEntry),
            count: Int32(out.count)))
        let key = Key(address: insns[0].address, user: user)
        byKey[key] = index
        for link in out.links { pending[Key(address: link.target, user: user), default: []].append(offset + link.field) }
        if let waiting = pending.removeValue(forKey: key) {
            for field in waiting {
                try arena.write(X86Emitter.rel32(at: arena.baseAddress &+ UInt64(field), to: compiled[Int(index)].checked), at: field)
            }
        }
        instructionsCompiled &+= UInt64(out.count)
        return index
    }

    private let dumpDirectory = ProcessInfo.processInfo.environment["TINYVMX_JIT_DUMP"]

    /// Set when a block did not fit; the owner resets the engine.
    var isFull = false
    /// Guest instructions compiled since the engine was created.
    private(set) var instructionsCompiled: UInt64 = 0
}
