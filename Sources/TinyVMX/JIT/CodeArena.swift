import Glibc

/// Executable memory for generated code, never writable and executable at the same time (W^X).
///
/// The arena is one private anonymous mapping, normally `PROT_READ | PROT_EXEC`. Writing code (appending a
/// block, linking a branch) flips only the touched pages to `PROT_READ | PROT_WRITE`, copies the bytes and
/// flips them back before any of it can run. Space is handed out by a bump pointer; `reset()` forgets it all.
final class CodeArena {
    enum ArenaError: Error {
        case mapFailed(errno: Int32)
        case protectFailed(errno: Int32)
    }

    let base: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var used = 0
    /// Times pages were flipped to writable (each followed by a flip back).
    private(set) var protectionChanges = 0

    init(capacity: Int) throws {
        let p = mmap(nil, capacity, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { throw ArenaError.mapFailed(errno: errno) }
        base = p
        self.capacity = capacity
    }

    deinit { munmap(base, capacity) }

    var baseAddress: UInt64 { UInt64(UInt(bitPattern: base)) }
    /// Where the next `append` will place its bytes.
    var nextAddress: UInt64 { baseAddress &+ UInt64(used) }
    var available: Int { capacity - used }

    /// Copies `bytes` to the end of the used space (16-byte aligned).
    /// - Returns: Their offset, or `nil` if the arena is full.
    func append(_ bytes: [UInt8]) throws -> Int? {
        guard bytes.count <= available else { return nil }
        let offset = used
        try write(bytes, at: offset)
        used = (offset + bytes.count + 15) & ~15
        return offset
    }

    /// Overwrites already placed code (linking a branch): the pages are writable only while copying.
    func write(_ bytes: [UInt8], at offset: Int) throws {
        let page = 4096
        let first = offset & ~(page - 1)
        let end = (offset + bytes.count + page - 1) & ~(page - 1)
        guard mprotect(base + first, end - first, PROT_READ | PROT_WRITE) == 0 else {
            throw ArenaError.protectFailed(errno: errno)
        }
        protectionChanges += 1
        bytes.withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        guard mprotect(base + first, end - first, PROT_READ | PROT_EXEC) == 0 else {
            throw ArenaError.protectFailed(errno: errno)
        }
    }

    /// Forgets every block (the mapping is kept).
    func reset() { used = 0 }
}
