import ArgumentParser
import Foundation
import TinyVMX
import TinyVMXLab

/// Options the CR2-lab commands share: which guest, which variants, and the output forms.
struct LabOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A built-in guest (pf_handler, never_faults, writes_cr2, exit_hlt, exit_cpuid, exit_ept, exit_nmi) or a "
            + "guest file (.S/.s/.c/.o defining guest_start).", valueName: "GUEST"))
    var guest: String = LabGuest.defaultName

    @Option(name: .customLong("variant"), help: ArgumentHelp(
        "A variant NAME=FILE.c|FILE.S|FILE.o defining vmx_vcpu_enter_exit, or a built-in name (stock, patched, "
            + "marked) (repeatable; default: the three built-ins).", valueName: "NAME=FILE"))
    var variants: [String] = []

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "Execution tier: interpreter, jit or auto (results are identical; only speed differs).")
    var engine: Machine.Engine = .auto

    @Option(help: ArgumentHelp("Also write a timeline of CR2 ownership as SVG to FILE.", valueName: "FILE"))
    var svg: String?

    /// Builds the lab (compiling the routines and the guest).
    func lab() throws -> CR2Lab {
        let programs = ProgramsDirectory.path
        do {
            let chosen = try variants.map { (text) throws(LabError) in try LabVariant.parse(text, programs: programs) }
            return try CR2Lab(programs: programs, guest: guest, variants: chosen.isEmpty ? nil : chosen, engine: engine)
        } catch {
            throw LoadFailure(message: error.description)
        }
    }

    /// Writes the SVG if `--svg` was given.
    func writeSVG(_ timeline: () -> String) throws {
        guard let svg else { return }
        do {
            try timeline().write(toFile: svg, atomically: true, encoding: .utf8)
        } catch {
            throw LoadFailure(message: "cannot write \(svg): \(error.localizedDescription)")
        }
    }

    /// The guest as reports name it.
    var guestName: String { guest }

    /// Prints the report as JSON or text, as `--json` says.
    func print<Out: TextOutputStream>(json: () -> JSONValue, text: () -> String, to output: inout Out) {
        Swift.print(self.json ? json().rendered : text(), to: &output)
    }
}

/// Runs a lab step, turning ``LabError`` into the one-line failure the CLI prints.
func labStep<T>(_ body: () throws(LabError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw LoadFailure(message: error.description)
    }
}

/// Formatting shared by the lab reports.
enum LabText {
    static func hex(_ value: UInt64?) -> String { value.map { "0x" + String($0, radix: 16) } ?? "-" }

    /// Left-aligned columns.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
