/// Linear-address access: the software TLB in front of the page walk (`Core+Paging`), sized loads/stores and fetch.
extension Core {
    /// What an access is for; decides the #PF error code bits and which TLB is filled.
    enum Access: UInt8 {
        case read, write, fetch
    }

    /// Whether `address` is canonical (bits 63…47 all equal).
    @inline(__always)
    static func isCanonical(_ address: UInt64) -> Bool {
        let top = Int64(bitPattern: address) >> 47
        return top == 0 || top == -1
    }

    /// Fills the TLB for the page of `linear` and returns the host pointer of its first byte.
    /// A fault reports `linear` itself (CR2 gets the exact byte address); for the second page of a split
    /// access callers pass that page's first byte, as the CPU reports it.
    @inline(never)
    func fillTLB(_ linear: UInt64, _ access: Access) throws(ExecutionEvent) -> UnsafeMutableRawPointer {
        let t = try walk(linear, access, user: cpl == 3, update: true)
        let pfn = t.physical >> 12
        let host = memory.page(pfn)
        let slot = Int((linear >> 12) & UInt64(Self.tlbSize - 1))
        let flags = TLBEntryFlags(global: t.global, pageBits: t.pageBits)
        switch access {
        case .read, .fetch:
            tlbReadTag[slot] = Self.tlbTag(linear)
            tlbReadAddend[slot] = UInt64(UInt(bitPattern: host)) &- (linear & ~0xFFF)
            tlbReadFlags[slot] = flags
        case .write:
            memory.willWrite(pfn)
            if memory.codePages.contains(pfn) {
                // Stores into code go through the slow path every time, so decoded code is invalidated.
                flushDecodedCode()
            } else {
                tlbWriteTag[slot] = Self.tlbTag(linear)
                tlbWriteAddend[slot] = UInt64(UInt(bitPattern: host)) &- (linear & ~0xFFF)
                tlbWriteFlags[slot] = flags
            }
        }
        return host
    }

    /// Reads `size` bytes (1, 2, 4 or 8) at a linear address, little-endian.
    @inline(__always)
    func read(_ linear: UInt64, _ size: UInt8) throws(ExecutionEvent) -> UInt64 {
        let slot = Int((linear >> 12) & UInt64(Self.tlbSize - 1))
        let offset = Int(linear & 0xFFF)
        if tlbReadTag[slot] == Self.tlbTag(linear) && offset &+ Int(size) <= 4096 {
            let p = UnsafeMutableRawPointer(bitPattern: UInt(linear &+ tlbReadAddend[slot])).unsafelyUnwrapped
            switch size {
            case 1: return UInt64(p.load(as: UInt8.self))
            case 2: return UInt64(p.loadUnaligned(as: UInt16.self))
            case 4: return UInt64(p.loadUnaligned(as: UInt32.self))
            default: return p.loadUnaligned(as: UInt64.self)
            }
        }
        return try readSlow(linear, size)
    }

    @inline(never)
    func readSlow(_ linear: UInt64, _ size: UInt8) throws(ExecutionEvent) -> UInt64 {
        let offset = Int(linear & 0xFFF)
        if offset + Int(size) <= 4096 {
            let host = try fillTLB(linear, .read)
            var v: UInt64 = 0
            for i in 0..<Int(size) { v |= UInt64(host.load(fromByteOffset: offset + i, as: UInt8.self)) << (8 * i) }
            return v
        }
        // Crosses a page boundary: translate both pages before reading anything.
        let first = try fillTLB(linear, .read)
        let second = try fillTLB((linear &+ UInt64(size) &- 1) & ~0xFFF, .read)
        var v: UInt64 = 0
        for i in 0..<Int(size) {
            let o = offset + i
            let b = o < 4096 ? first.load(fromByteOffset: o, as: UInt8.self) : second.load(fromByteOffset: o - 4096, as: UInt8.self)
            v |= UInt64(b) << (8 * i)
        }
        return v
    }

    /// Reads the destination of a read-modify-write: the access is translated (and faults) as a write.
    @inline(__always)
    func readForWrite(_ linear: UInt64, _ size: UInt8) throws(ExecutionEvent) -> UInt64 {
        let slot = Int((linear >> 12) & UInt64(Self.tlbSize - 1))
        if tlbWriteTag[slot] != Self.tlbTag(linear) || Int(linear & 0xFFF) &+ Int(size) > 4096 {
            _ = try fillTLB(linear, .write)
            if Int(linear & 0xFFF) + Int(size) > 4096 {
                _ = try fillTLB((linear &+ UInt64(size) &- 1) & ~0xFFF, .write)
            }
        }
        return try read(linear, size)
    }

    /// Writes the low `size` bytes of `value` at a linear address.
    @inline(__always)
    func write(_ linear: UInt64, _ size: UInt8, _ value: UInt64) throws(ExecutionEvent) {
        let slot = Int((linear >> 12) & UInt64(Self.tlbSize - 1))
        let offset = Int(linear & 0xFFF)
        if tlbWriteTag[slot] == Self.tlbTag(linear) && offset &+ Int(size) <= 4096 {
            let p = UnsafeMutableRawPointer(bitPattern: UInt(linear &+ tlbWriteAddend[slot])).unsafelyUnwrapped
            switch size {
            case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
            case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
            case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
            default: p.storeBytes(of: value, as: UInt64.self)
            }
            return
        }
        try writeSlow(linear, size, value)
    }

    @inline(never)
    func writeSlow(_ linear: UInt64, _ size: UInt8, _ value: UInt64) throws(ExecutionEvent) {
        let offset = Int(linear & 0xFFF)
        let first = try fillTLB(linear, .write)
        let second = offset + Int(size) > 4096 ? try fillTLB((linear &+ UInt64(size) &- 1) & ~0xFFF, .write) : first
        for i in 0..<Int(size) {
            let o = offset + i
            let b = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))
            if o < 4096 {
                first.storeBytes(of: b, toByteOffset: o, as: UInt8.self)
            } else {
                second.storeBytes(of: b, toByteOffset: o - 4096, as: UInt8.self)
            }
        }
    }

    /// Records that a physical page holds decoded code; its write-TLB entries are dropped so every store to it
    /// takes the slow path and invalidates the decoded instructions.
    func markCode(_ pfn: UInt64) {
        guard !memory.codePages.contains(pfn) else { return }
        memory.markCode(pfn)
        tlbWriteTag.initialize(repeating: Self.invalidTag, count: Self.tlbSize)
    }

    /// Fetches up to `count` (at most 4096) instruction bytes at `linear` into `buffer`.
    /// - Returns: How many bytes could be fetched (fewer when the next page faults), and that page's fault
    ///   (or EPT exit).
    func fetch(
        _ linear: UInt64, into buffer: UnsafeMutablePointer<UInt8>, count: Int = 15
    ) throws(ExecutionEvent) -> (Int, ExecutionEvent?) {
        let first = try translate(linear, .fetch)
        markCode(first >> 12)
        let inFirst = min(count, 4096 - Int(linear & 0xFFF))
        let host = memory.page(first >> 12)
        for i in 0..<inFirst { buffer[i] = host.load(fromByteOffset: Int(linear & 0xFFF) + i, as: UInt8.self) }
        if inFirst == count { return (count, nil) }
        let next = linear &+ UInt64(inFirst)
        do {
            let second = try translate(next, .fetch)
            markCode(second >> 12)
            let host2 = memory.page(second >> 12)
            for i in inFirst..<count { buffer[i] = host2.load(fromByteOffset: i - inFirst, as: UInt8.self) }
            return (count, nil)
        } catch {
            return (inFirst, error)
        }
    }
}
