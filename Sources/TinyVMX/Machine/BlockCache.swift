/// Decoded instructions grouped into basic blocks, keyed by the linear address of their first instruction.
///
/// Instructions live in one flat buffer that is never shrunk, so a pointer into it stays valid while a block
/// runs even if the cache is flushed by that block (it is only overwritten by later decoding). Each block
/// remembers up to two successors so the run loop can follow a taken and a fall-through edge without hashing.
struct BlockCache {
    struct Block {
        var start: UInt64
        var first: Int32
        var count: Int32
        /// Its last instruction needs exact counters (`Opcode.readsInstructionCount`).
        var endsWithExactCount = false
        /// Decoded following branches (`Core.decodeBlock(at:follow:)`); else the run loop counts its
        /// `dispatches` to decode it again that way when it is hot.
        var followsBranches = false
        var dispatches: UInt8 = 0
        var successorAddress0: UInt64 = 1
        var successorIndex0: Int32 = -1
        var successorAddress1: UInt64 = 1
        var successorIndex1: Int32 = -1
        /// Index of its compiled form in `JITEngine.compiled`, or `notCompiled` / `refused`.
        var native: Int32 = BlockCache.notCompiled
        /// Times the dispatcher reached it while not compiled (the `auto` engine compiles hot blocks).
        var heat: UInt32 = 0
    }

    static let notCompiled: Int32 = -1
    /// The JIT does not handle its first instruction.
    static let refused: Int32 = -2

    private(set) var instructions: UnsafeMutablePointer<DecodedInstruction>
    private var instructionCapacity = 4096
    private(set) var instructionCount = 0
    private(set) var blocks: UnsafeMutablePointer<Block>
    private var blockCapacity = 512
    private(set) var blockCount = 0
    private var index: [UInt64: Int32] = [:]

    init() {
        instructions = .allocate(capacity: instructionCapacity)
        blocks = .allocate(capacity: blockCapacity)
    }

    /// Frees the buffers; the owner calls this once in its deinit (the struct itself is not reference counted).
    func deallocate() {
        instructions.deallocate()
        blocks.deallocate()
    }

    /// The block starting at `address`, if decoded.
    @inline(__always)
    func lookup(_ address: UInt64) -> Int32? { index[address] }

    /// Adds a block made of `decoded` (non-empty) starting at `address`.
    /// - Returns: Its index.
    mutating func add(_ decoded: [DecodedInstruction], at address: UInt64, followsBranches: Bool) -> Int32 {
        if blockCount == blockCapacity {
            let grown = UnsafeMutablePointer<Block>.allocate(capacity: blockCapacity * 2)
            grown.moveInitialize(from: blocks, count: blockCount)
            blocks.deallocate()
            blocks = grown
            blockCapacity *= 2
        }
        let first = appendInstructions(decoded)
        blocks[blockCount] = Block(
            start: address, first: first, count: Int32(decoded.count),
            endsWithExactCount: decoded[decoded.count - 1].needsExactCount, followsBranches: followsBranches)
        index[address] = Int32(blockCount)
        blockCount += 1
        return Int32(blockCount - 1)
    }

    /// Points block `index` at a new decoding of its code (`decoded`, non-empty), followed branches. Its
    /// index, start and compiled form stay (compiled code is the prefix up to the first branch, the same in
    /// both decodings), so other blocks' links to it stay valid; its own successor links start over (it
    /// leaves at other places now).
    mutating func replace(_ index: Int32, with decoded: [DecodedInstruction]) {
        let first = appendInstructions(decoded)
        blocks[Int(index)].successorAddress0 = 1
        blocks[Int(index)].successorIndex0 = -1
        blocks[Int(index)].successorAddress1 = 1
        blocks[Int(index)].successorIndex1 = -1
        blocks[Int(index)].first = first
        blocks[Int(index)].count = Int32(decoded.count)
        blocks[Int(index)].endsWithExactCount = decoded[decoded.count - 1].needsExactCount
        blocks[Int(index)].followsBranches = true
    }

    /// Copies `decoded` to the end of the instruction buffer, growing it if needed.
    /// - Returns: The index of the first copied instruction.
    private mutating func appendInstructions(_ decoded: [DecodedInstruction]) -> Int32 {
        if instructionCount + decoded.count > instructionCapacity {
            // Growing moves the buffer: only ever done between blocks, never while one runs.
            let newCapacity = max(instructionCapacity * 2, instructionCount + decoded.count)
            let grown = UnsafeMutablePointer<DecodedInstruction>.allocate(capacity: newCapacity)
            grown.moveInitialize(from: instructions, count: instructionCount)
            instructions.deallocate()
            instructions = grown
            instructionCapacity = newCapacity
        }
        (instructions + instructionCount).initialize(from: decoded, count: decoded.count)
        instructionCount += decoded.count
        return Int32(instructionCount - decoded.count)
    }

    /// Forgets every block (the buffers are kept).
    mutating func removeAll() {
        index.removeAll(keepingCapacity: true)
        instructionCount = 0
        blockCount = 0
    }

    /// Marks every block not compiled (the compiled code was dropped).
    mutating func forgetCompiledCode() {
        for i in 0..<blockCount {
            blocks[i].native = Self.notCompiled
            blocks[i].heat = 0
        }
    }

    /// Whether a block with this index exists (indices held by a caller are invalid after `removeAll`).
    @inline(__always)
    func isValid(_ block: Int32) -> Bool { block >= 0 && Int(block) < blockCount }
}
