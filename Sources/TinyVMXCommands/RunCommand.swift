import ArgumentParser
import Foundation
import TinyVMX

/// `tinyvmx run`: load a program (assembly, C, ELF object, flat binary or hex bytes), run it, report the stop.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a snippet in the bare profile and report why it stopped.",
        discussion: """
            PROGRAM is a .S/.s (assembled with `as --64`), .c (compiled freestanding with `cc -c`), .o (ELF64 \
            relocatable) or .bin (flat) file. Exit status is 0 for every architectural stop (halt, exception, \
            instruction-limit, unsupported) and non-zero only for usage or load errors.
            """
    )

    @Argument(help: "The program: .S .s .c .o or .bin (omit with --hex).")
    public var program: String?

    @Option(help: "Flat machine code as hex bytes instead of a file, e.g. \"48 01 d8 f4\".")
    public var hex: String?

    @Option(help: "Entry symbol or address (default: _start, or the load address for flat code).")
    public var entry: String?

    @Option(name: .customLong("set"), help: "Set a register before running, e.g. --set rax=0x10 (repeatable).")
    public var assignments: [String] = []

    @Option(help: "Instruction budget (default 100000000).")
    public var maxInstructions: UInt64 = Machine.defaultMaxInstructions

    @Option(help: ArgumentHelp(
        "Inject an NMI before instruction N retires, counting from 1 (repeatable).", valueName: "N"))
    public var nmiAtInstruction: [UInt64] = []

    @Option(help: ArgumentHelp(
        "Inject an NMI the OCCURRENCE-th time (default 1) RIP reaches ADDRESS (a number or a symbol) (repeatable).",
        valueName: "ADDRESS[:OCCURRENCE]"))
    public var nmiAtRip: [String] = []

    @Option(help: ArgumentHelp(
        "Inject external interrupt VECTOR before instruction N (delivered once IF=1) (repeatable).",
        valueName: "N:VECTOR"))
    public var interruptAtInstruction: [String] = []

    @Flag(help: "Print each instruction with the registers and flags it changed.")
    public var trace = false

    @Option(help: "Execution tier: interpreter, jit (compile every block) or auto (compile hot blocks).")
    public var engine: Machine.Engine = .auto

    @Flag(help: "Print one JSON object instead of text.")
    public var json = false

    @Flag(help: "Also dump every non-zero field of the current VMCS by name (JSON: a \"vmcs\" object).")
    public var vmcs = false

    public init() {}

    public func run() throws {
        var output = StandardOutput()
        try execute(to: &output)
    }

    /// Loads, runs and reports, writing the report (and a text trace) to `output`.
    public func execute<Out: TextOutputStream>(to output: inout Out) throws {
        var configuration = Machine.Configuration()
        configuration.engine = engine
        let machine = Machine(configuration: configuration)
        let image = try loadImage()
        machine.load(image)
        for assignment in assignments {
            let (register, value) = try Self.parseAssignment(assignment)
            machine[register] = value
        }
        try scheduleEvents(on: machine, symbols: image.symbols)
        let result: RunResult
        if trace {
            result = Tracer(machine: machine).run(maxInstructions: maxInstructions, json: json, to: &output)
        } else {
            result = machine.run(maxInstructions: maxInstructions)
        }
        let report = RunReport(machine: machine, result: result)
        if json {
            var object = report.json
            if vmcs, case .object(let fields) = object { object = .object(fields + [("vmcs", report.vmcsJSON)]) }
            print(object.rendered, to: &output)
        } else {
            print(report.text, to: &output)
            if vmcs { print((["current VMCS:"] + report.vmcsLines).joined(separator: "\n"), to: &output) }
        }
    }

    /// Arms the NMI and interrupt injections the options ask for (syntax shared with corpus directives).
    func scheduleEvents(on machine: Machine, symbols: [String: UInt64]) throws {
        do {
            let injections = try nmiAtInstruction.map { EventInjection.nmiBeforeInstruction($0) }
                + nmiAtRip.map(EventInjection.nmi(atRIP:)) + interruptAtInstruction.map(EventInjection.interrupt)
            for injection in injections { try injection.schedule(on: machine, symbols: symbols) }
        } catch {
            throw ValidationError("--\(error)")
        }
    }

    func loadImage() throws -> ProgramImage {
        if let hex {
            guard program == nil else { throw ValidationError("give either PROGRAM or --hex, not both") }
            let bytes = try Self.parseHex(hex)
            let address = try entry.map(Self.parseNumber) ?? Machine.defaultLoadAddress
            return ProgramImage.flat(bytes, at: address)
        }
        guard let program else { throw ValidationError("missing PROGRAM (or --hex BYTES)") }
        do {
            return try Toolchain.loadProgram(path: program, baseAddress: Machine.defaultLoadAddress, entry: entry)
        } catch {
            throw LoadFailure(message: "cannot load \(program): \(error)")
        }
    }

    static func parseHex(_ text: String) throws -> [UInt8] {
        let digits = text.filter { !$0.isWhitespace && $0 != "," }
        guard digits.count % 2 == 0, !digits.isEmpty else {
            throw ValidationError("--hex needs an even number of hex digits, got \"\(text)\"")
        }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else {
                throw ValidationError("--hex: \"\(digits[index..<next])\" is not a hex byte")
            }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    static func parseNumber(_ text: String) throws -> UInt64 {
        let t = text.lowercased()
        let value: UInt64?
        if t.hasPrefix("0x") {
            value = UInt64(t.dropFirst(2), radix: 16)
        } else if t.hasPrefix("-") {
            value = Int64(t).map { UInt64(bitPattern: $0) }
        } else {
            value = UInt64(t)
        }
        guard let value else { throw ValidationError("\"\(text)\" is not a number (decimal or 0x hex)") }
        return value
    }

    static func parseAssignment(_ text: String) throws -> (Register, UInt64) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--set takes REG=VALUE, got \"\(text)\"") }
        guard let register = Register(name: parts[0]) else {
            throw ValidationError("--set: unknown register \"\(parts[0])\"")
        }
        return (register, try parseNumber(parts[1]))
    }
}

/// A program that could not be built or loaded: printed as one line, exit status 1.
struct LoadFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Standard output as a `TextOutputStream`, so reports and traces can also be written to a string in tests.
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardOutput.write(Data(string.utf8)) }
}

extension Machine.Engine: ExpressibleByArgument {}
