/// Reuses Capstone handles across machines: opening one costs more than a short snippet's whole run.
///
/// A machine takes a decoder when it is created and gives it back when it is freed; a decoder is only ever
/// used by one machine at a time.
enum DecoderPool {
    nonisolated(unsafe) private static var idle: [Decoder] = []
    private static let lock = Lock()
    /// Idle decoders kept at most.
    private static let capacity = 16

    static func take() -> Decoder {
        lock.withLock { idle.popLast() } ?? Decoder()
    }

    static func give(_ decoder: Decoder) {
        lock.withLock {
            if idle.count < capacity { idle.append(decoder) }
        }
    }
}
