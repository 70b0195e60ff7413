/// An NMI or interrupt injection asked for from outside the program, in the one text syntax the CLI options
/// (`--nmi-at-instruction`, `--nmi-at-rip`, `--interrupt-at-instruction`) and corpus directives
/// (`# nmi-at-instruction:` …) share.
public enum EventInjection: Sendable, Equatable {
    /// An NMI before instruction N (counting from 1).
    case nmiBeforeInstruction(UInt64)
    /// An NMI the `occurrence`-th time RIP reaches `target`: a symbol of the program or a number.
    case nmiAtRIP(target: String, occurrence: Int)
    /// External interrupt `vector` before instruction N.
    case interruptBeforeInstruction(UInt64, vector: UInt8)

    /// `N` (decimal or 0x hex, from 1).
    public static func nmi(beforeInstruction text: String) throws(EventInjectionError) -> EventInjection {
        .nmiBeforeInstruction(try instructionNumber(text, option: "nmi-at-instruction"))
    }

    /// `ADDRESS|SYMBOL[:OCCURRENCE]`, OCCURRENCE from 1 (default 1).
    public static func nmi(atRIP text: String) throws(EventInjectionError) -> EventInjection {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), !parts[0].isEmpty else {
            throw EventInjectionError("nmi-at-rip takes ADDRESS[:OCCURRENCE], got \"\(text)\"")
        }
        var occurrence = 1
        if parts.count == 2 {
            guard let o = Int(parts[1]), o >= 1 else {
                throw EventInjectionError("nmi-at-rip: occurrence must be a number from 1, got \"\(parts[1])\"")
            }
            occurrence = o
        }
        return .nmiAtRIP(target: parts[0], occurrence: occurrence)
    }

    /// `N:VECTOR`, N from 1, VECTOR 0–255 (decimal or 0x hex).
    public static func interrupt(_ text: String) throws(EventInjectionError) -> EventInjection {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let vector = number(parts[1]).flatMap({ UInt8(exactly: $0) }) else {
            throw EventInjectionError("interrupt-at-instruction takes N:VECTOR (N from 1, VECTOR 0-255), got \"\(text)\"")
        }
        return .interruptBeforeInstruction(try instructionNumber(parts[0], option: "interrupt-at-instruction"), vector: vector)
    }

    /// Arms the injection on `machine`, resolving a RIP target through the program's `symbols` first.
    /// - Throws: `EventInjectionError` for an instruction number of 0 or a target that is neither a symbol
    ///   nor a number.
    public func schedule(on machine: Machine, symbols: [String: UInt64]) throws(EventInjectionError) {
        switch self {
        case .nmiBeforeInstruction(let n):
            guard n >= 1 else { throw EventInjectionError("nmi-at-instruction counts from 1, got 0") }
            machine.scheduleNMI(beforeInstruction: n)
        case .nmiAtRIP(let target, let occurrence):
            guard let address = symbols[target] ?? Self.number(target) else {
                throw EventInjectionError("nmi-at-rip: \"\(target)\" is neither a number nor a symbol of the program")
            }
            machine.scheduleNMI(atRIP: address, occurrence: max(occurrence, 1))
        case .interruptBeforeInstruction(let n, let vector):
            guard n >= 1 else { throw EventInjectionError("interrupt-at-instruction counts from 1, got 0") }
            machine.scheduleInterrupt(vector: vector, beforeInstruction: n)
        }
    }

    private static func instructionNumber(_ text: String, option: String) throws(EventInjectionError) -> UInt64 {
        guard let n = number(text), n >= 1 else {
            throw EventInjectionError("\(option): \"\(text)\" is not an instruction number (counting from 1)")
        }
        return n
    }

    /// Decimal or `0x` hex.
    static func number(_ text: String) -> UInt64? {
        let t = text.lowercased()
        return t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    }
}

/// A malformed injection request: the message names the option and the text.
public struct EventInjectionError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
