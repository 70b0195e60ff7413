/// Sparse physical memory: 4 KiB pages allocated (zeroed) on first touch, so a 64 GiB machine costs nothing
/// until it is used.
///
/// Pages are found through a two-level table (4096 × 4096 entries covers 64 GiB). The memory can take a
/// snapshot (after loading a program) and later restore it by copying back only the pages written since.
final class PhysicalMemory {
    static let pageSize = 4096
    private static let leafBits: UInt64 = 12
    private static let leafCount = 1 << 12

    /// Size of the physical address space in bytes.
    let size: UInt64
    private let topCount: Int
    private let top: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutableRawPointer?>?>
    /// Physical page numbers of every allocated page, for teardown and reset.
    private var allocated: [UInt64] = []
    /// Pages captured by the snapshot: page number → saved contents.
    private var snapshot: [UInt64: UnsafeMutableRawPointer] = [:]
    private var hasSnapshot = false
    /// Pages written since the snapshot (their original bytes are in `snapshot` or they were new).
    private var dirtySinceSnapshot: Set<UInt64> = []
    /// Physical page numbers that hold decoded instructions.
    private(set) var codePages: Set<UInt64> = []

    /// Creates an empty memory of `size` bytes, rounded up to a power of two of at least 16 MiB (so every
    /// address below 2^`addressBits` is RAM).
    init(size: UInt64) {
        var rounded: UInt64 = 1 << 24
        while rounded < size && rounded < 1 << 52 { rounded <<= 1 }
        let pages = rounded / 4096
        topCount = Int((pages + UInt64(Self.leafCount) - 1) / UInt64(Self.leafCount))
        self.size = UInt64(topCount) * UInt64(Self.leafCount) * 4096
        top = .allocate(capacity: max(topCount, 1))
        top.initialize(repeating: nil, count: max(topCount, 1))
    }

    deinit {
        for pfn in allocated {
            let (t, l) = Self.split(pfn)
            top[t]![l]!.deallocate()
        }
        for i in 0..<topCount { top[i]?.deallocate() }
        top.deallocate()
        for page in snapshot.values { page.deallocate() }
    }

    @inline(__always)
    private static func split(_ pfn: UInt64) -> (Int, Int) {
        (Int(pfn >> leafBits), Int(pfn & UInt64(leafCount - 1)))
    }

    /// The physical-address width (MAXPHYADDR): log2 of `size`.
    var addressBits: Int { size.trailingZeroBitCount }


    /// The host memory backing physical page `pfn`, allocating a zeroed page on first touch.
    /// - Precondition: `pfn` is inside the address space.
    func page(_ pfn: UInt64) -> UnsafeMutableRawPointer {
        let (t, l) = Self.split(pfn)
        if let leaf = top[t], let p = leaf[l] { return p }
        if top[t] == nil {
            let leaf = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: Self.leafCount)
            leaf.initialize(repeating: nil, count: Self.leafCount)
            top[t] = leaf
        }
        let p = UnsafeMutableRawPointer.allocate(byteCount: Self.pageSize, alignment: Self.pageSize)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: Self.pageSize)
        top[t]![l] = p
        allocated.append(pfn)
        return p
    }

    /// Marks a page as about to be written: remembers its original contents for `restoreSnapshot()`.
    func willWrite(_ pfn: UInt64) {
        guard hasSnapshot, !dirtySinceSnapshot.contains(pfn) else { return }
        dirtySinceSnapshot.insert(pfn)
        let (t, l) = Self.split(pfn)
        if let leaf = top[t], let p = leaf[l], snapshot[pfn] == nil {
            let copy = UnsafeMutableRawPointer.allocate(byteCount: Self.pageSize, alignment: 16)
            copy.copyMemory(from: p, byteCount: Self.pageSize)
            snapshot[pfn] = copy
        }
    }

    /// Records that decoded instructions were taken from page `pfn`.
    func markCode(_ pfn: UInt64) { codePages.insert(pfn) }

    /// Forgets every code page (after the decoded-instruction cache is flushed).
    func clearCodePages() { codePages.removeAll(keepingCapacity: true) }

    /// Captures the current contents as the state `restoreSnapshot()` returns to.
    func takeSnapshot() {
        for page in snapshot.values { page.deallocate() }
        snapshot.removeAll()
        dirtySinceSnapshot.removeAll()
        hasSnapshot = true
    }

    /// Restores every page written since `takeSnapshot()`; pages first touched since then become zero.
    /// - Returns: The physical page numbers restored (their decoded code must be invalidated).
    @discardableResult
    func restoreSnapshot() -> Set<UInt64> {
        let dirty = dirtySinceSnapshot
        for pfn in dirty {
            let p = page(pfn)
            if let saved = snapshot[pfn] {
                p.copyMemory(from: saved, byteCount: Self.pageSize)
            } else {
                p.initializeMemory(as: UInt8.self, repeating: 0, count: Self.pageSize)
            }
        }
        dirtySinceSnapshot.removeAll(keepingCapacity: true)
        return dirty
    }

    /// Copies bytes in at a physical address (loader path; no permission checks).
    func write(_ bytes: [UInt8], at address: UInt64) {
        var offset = 0
        while offset < bytes.count {
            let a = address + UInt64(offset)
            let inPage = Int(a & 4095)
            let n = min(Self.pageSize - inPage, bytes.count - offset)
            willWrite(a >> 12)
            let p = page(a >> 12)
            bytes.withUnsafeBytes { src in
                (p + inPage).copyMemory(from: src.baseAddress! + offset, byteCount: n)
            }
            offset += n
        }
    }

    /// Copies bytes out of a physical address (untouched pages read as zero without being allocated).
    func read(at address: UInt64, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let a = address + UInt64(offset)
            let inPage = Int(a & 4095)
            let n = min(Self.pageSize - inPage, count - offset)
            let (t, l) = Self.split(a >> 12)
            if t < topCount, let leaf = top[t], let p = leaf[l] {
                out.withUnsafeMutableBytes { dst in
                    (dst.baseAddress! + offset).copyMemory(from: p + inPage, byteCount: n)
                }
            }
            offset += n
        }
        return out
    }
}
