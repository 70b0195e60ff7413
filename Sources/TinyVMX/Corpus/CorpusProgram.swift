import Foundation

/// A program of the `Programs/` corpus with the outcome its comments promise.
///
/// Expectations are comment lines at the top of the source (`#` for assembly, `//` for C):
/// ```
/// # set: rbx=0x28                 registers before the run (repeatable)
/// # max-instructions: 1000        budget (default Machine.defaultMaxInstructions)
/// # expect: stop=halt rax=0x2a    stop reason, vector, errorCode, instructions, rip, any register
/// ```
/// `expect` also takes the statistics counters (`cr2Writes`, `vmExits`, …), `vmx` (the VMX operation:
/// none, root, non-root), and `exitReason` / `exitQualification` of the last VM exit.
/// Every `expect` key must hold after the run; a program with no `expect` line is not a corpus program.
public struct CorpusProgram: Sendable {
    public var path: String
    public var setup: [(Register, UInt64)]
    public var maxInstructions: UInt64
    /// Expected values by key: `stop`, `vector`, `errorCode`, `instructions`, or a register name.
    public var expectations: [(key: String, value: String)]
    /// `# nmi-at-instruction: N…`, `# nmi-at-rip: SYMBOL|ADDRESS[:OCCURRENCE]…` and
    /// `# interrupt-at-instruction: N:VECTOR…`, in the CLI options' syntax.
    public var injections: [EventInjection] = []

    private static let injectionDirectives: [(key: String, parse: @Sendable (String) throws -> EventInjection)] = [
        ("nmi-at-instruction:", { try EventInjection.nmi(beforeInstruction: $0) }),
        ("nmi-at-rip:", { try EventInjection.nmi(atRIP: $0) }),
        ("interrupt-at-instruction:", { try EventInjection.interrupt($0) }),
    ]

    /// Reads the expectation comments of a source file.
    /// - Throws: `CorpusError` naming the file and line for anything malformed.
    public init(path: String) throws {
        self.path = path
        setup = []
        maxInstructions = Machine.defaultMaxInstructions
        expectations = []
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("#") || line.hasPrefix("//") else { continue }
            line = String(line.drop { $0 == "#" || $0 == "/" }).trimmingCharacters(in: .whitespaces)
            if let rest = Self.value(of: "expect:", in: line) {
                for pair in rest.split(separator: " ") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2 else { throw CorpusError.malformed(path: path, line: n + 1, text: String(raw)) }
                    expectations.append((kv[0], kv[1]))
                }
            } else if let rest = Self.value(of: "set:", in: line) {
                for pair in rest.split(separator: " ") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2, let reg = Register(name: kv[0]), let v = Self.number(kv[1]) else {
                        throw CorpusError.malformed(path: path, line: n + 1, text: String(raw))
                    }
                    setup.append((reg, v))
                }
            } else if let (key, parse) = Self.injectionDirectives.first(where: { line.hasPrefix($0.key) }) {
                for item in Self.value(of: key, in: line)!.split(separator: " ") {
                    guard let injection = try? parse(String(item)) else {
                        throw CorpusError.malformed(path: path, line: n + 1, text: String(raw))
                    }
                    injections.append(injection)
                }
            } else if let rest = Self.value(of: "max-instructions:", in: line) {
                guard let v = Self.number(rest) else { throw CorpusError.malformed(path: path, line: n + 1, text: String(raw)) }
                maxInstructions = v
            }
        }
    }

    private static func value(of key: String, in line: String) -> String? {
        line.hasPrefix(key) ? String(line.dropFirst(key.count)).trimmingCharacters(in: .whitespaces) : nil
    }

    static func number(_ s: String) -> UInt64? {
        s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    }

    /// Whether the file declares any expectation.
    public var isCorpusProgram: Bool { !expectations.isEmpty }

    /// Every corpus program under `directory`, recursively, sorted by path.
    public static func all(in directory: String) throws -> [CorpusProgram] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [CorpusProgram] = []
        for case let relative as String in walker
        where [".S", ".s", ".c"].contains(where: { relative.hasSuffix($0) }) {
            let program = try CorpusProgram(path: directory + "/" + relative)
            if program.isCorpusProgram { found.append(program) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Builds, loads and runs the program on a new machine (its register setup and injections applied).
    /// - Returns: The machine after the run, the loaded image and the run's result.
    public func run(configuration: Machine.Configuration = .init()) throws -> (Machine, ProgramImage, RunResult) {
        let image = try Toolchain.loadProgram(path: path, baseAddress: Machine.defaultLoadAddress, entry: nil)
        let machine = Machine(configuration: configuration)
        machine.load(image)
        for (reg, v) in setup { machine[reg] = v }
        for injection in injections {
            do { try injection.schedule(on: machine, symbols: image.symbols) } catch {
                throw CorpusError.badInjection(path: path, message: error.description)
            }
        }
        return (machine, image, machine.run(maxInstructions: maxInstructions))
    }

    /// Builds, loads and runs the program on a new machine, then checks every expectation.
    /// - Returns: The run and the list of expectations that did not hold (empty when it passed).
    public func check(configuration: Machine.Configuration = .init()) throws -> (RunResult, [String]) {
        let (machine, _, result) = try run(configuration: configuration)
        let stats = machine.statistics
        let counters: [String: UInt64] = [
            "cr2Writes": stats.cr2Writes, "cr2Reads": stats.cr2Reads, "exceptionsDelivered": stats.exceptionsDelivered,
            "nmisDelivered": stats.nmisDelivered, "interruptsDelivered": stats.interruptsDelivered,
            "vmEntries": stats.vmEntries, "vmExits": stats.vmExits,
            "exitReason": UInt64(machine.vmx.lastExit?.reason ?? 0),
            "exitQualification": machine.vmx.lastExit?.qualification ?? 0,
        ]
        var failures: [String] = []
        for (key, expected) in expectations {
            let actual: String
            switch key {
            case "stop": actual = result.stop.name
            case "vmx": actual = machine.vmx.operation.rawValue
            case "instructions": actual = String(result.instructions)
            case "vector":
                if case .exception(let v, _) = result.stop { actual = String(v) } else { actual = "none" }
            case "errorCode":
                if case .exception(_, let e?) = result.stop { actual = "0x" + String(e, radix: 16) } else { actual = "none" }
            case _ where counters[key] != nil: actual = String(counters[key]!)
            default:
                guard let reg = Register(name: key) else {
                    failures.append("unknown expectation key \(key)")
                    continue
                }
                actual = "0x" + String(machine[reg], radix: 16)
            }
            let matches = actual == expected
                || (Self.number(expected) != nil && Self.number(expected) == Self.number(actual))
            if !matches { failures.append("\(key): expected \(expected), got \(actual)") }
        }
        return (result, failures)
    }
}

/// A corpus file whose expectation comments cannot be read.
public enum CorpusError: Error, CustomStringConvertible {
    case malformed(path: String, line: Int, text: String)
    case badInjection(path: String, message: String)

    public var description: String {
        switch self {
        case .malformed(let path, let line, let text): return "\(path):\(line): cannot read expectation \"\(text)\""
        case .badInjection(let path, let message): return "\(path): \(message)"
        }
    }
}
