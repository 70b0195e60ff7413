import Foundation

/// A minimal mutex for process-wide tables built once.
final class Lock: @unchecked Sendable {
    private let mutex = NSLock()

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try body()
    }
}
