import ArgumentParser
import Foundation
import TinyVMX
import TinyVMXLab

/// `tinyvmx cost`: CR2 writes per transition for each variant over a workload of many transitions.
public struct CostCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Count CR2 reads and writes per VM entry/exit transition for each variant over a workload.",
        discussion: """
            Each MOV to CR2 is serializing. The default cost per write, 70 cycles, is the figure KVM commit \
            d3edefc0 ("Only reload guest cr2 if different from host cr2") gave for one skipped write.
            """
    )

    @Option(name: .customLong("guest"), help: ArgumentHelp(
        "A built-in guest name or a guest file (default pf_handler).", valueName: "GUEST"))
    var guest: String = LabGuest.defaultName

    @Option(name: .customLong("variant"), help: ArgumentHelp(
        "NAME=FILE or a built-in name (repeatable; default stock, patched, marked).", valueName: "NAME=FILE"))
    var variants: [String] = []

    @Option(help: "Transitions to run (default 1000).")
    var transitions = 1000

    @Option(help: "Fraction of transitions on which the guest takes a #PF (default 0.2).")
    var guestFaultRate = 0.2

    @Option(help: "Fraction of transitions before which the host takes a #PF (default 0.05).")
    var hostFaultRate = 0.05

    @Option(help: "Cycles charged per CR2 write (default 70, KVM commit d3edefc0).")
    var cyclesPerCR2Write = CR2CostReport.defaultCyclesPerCR2Write

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "Execution tier: interpreter, jit or auto (results are identical; only speed differs).")
    var engine: Machine.Engine = .auto

    public init() {}

    public func run() throws {
        var output = StandardOutput()
        try execute(to: &output)
    }

    public func execute<Out: TextOutputStream>(to output: inout Out) throws {
        var options = LabOptions()
        options.guest = guest
        options.variants = variants
        options.engine = engine
        let built = try options.lab()
        let schedule = LabSchedule(
            transitions: transitions, guestFaultRate: guestFaultRate, hostFaultRate: hostFaultRate)
        let report = try labStep { () throws(LabError) in
            try built.cost(schedule, cyclesPerCR2Write: cyclesPerCR2Write)
        }
        if json {
            print(Self.json(report, guest: built.guest).rendered, to: &output)
        } else {
            print(Self.text(report, guest: built.guest), to: &output)
        }
    }

    static func json(_ report: CR2CostReport, guest: String) -> JSONValue {
        .object([
            ("guest", .string(guest)),
            ("transitions", .number(UInt64(report.schedule.transitions))),
            ("guestFaultRate", .decimal(report.schedule.guestFaultRate)),
            ("hostFaultRate", .decimal(report.schedule.hostFaultRate)),
            ("guestFaults", .number(UInt64(report.guestFaults))),
            ("hostFaults", .number(UInt64(report.hostFaults))),
            ("cyclesPerCR2Write", .decimal(report.cyclesPerCR2Write)),
            (
                "variants",
                .array(report.rows.map { row in
                    .object([
                        ("name", .string(row.variant)),
                        ("cr2Writes", .number(UInt64(row.cr2Writes))),
                        ("cr2Reads", .number(UInt64(row.cr2Reads))),
                        ("writesPerTransition", .decimal(row.writesPerTransition)),
                        ("readsPerTransition", .decimal(row.readsPerTransition)),
                        ("transitionsWithWrites", .number(UInt64(row.transitionsWithWrites))),
                        ("transitionsWithTwoWrites", .number(UInt64(row.transitionsWithTwoWrites))),
                        ("cyclesPerTransition", .decimal(report.cycles(row))),
                        ("extraWritesPerTransition", .decimal(report.extraWrites(row))),
                        ("extraCyclesPerTransition", .decimal(report.extraWrites(row) * report.cyclesPerCR2Write)),
                        ("routineInstructions", .number(UInt64(row.routineInstructions))),
                    ])
                })
            ),
        ])
    }

    static func text(_ report: CR2CostReport, guest: String) -> String {
        let s = report.schedule
        var lines = [
            "CR2 cost: guest \(guest), \(s.transitions) transitions; guest faulted on \(report.guestFaults), "
                + "host faulted before \(report.hostFaults); \(Self.number(report.cyclesPerCR2Write)) cycles per "
                + "CR2 write",
            "",
        ]
        let base = report.rows.first?.variant ?? "-"
        lines.append(
            LabText.table(
                ["variant", "CR2 writes", "writes/transition", "reads/transition", "with 2 writes",
                 "cycles/transition", "extra vs \(base)"],
                report.rows.map { row in
                    [
                        row.variant, "\(row.cr2Writes)", Self.number(row.writesPerTransition),
                        Self.number(row.readsPerTransition), "\(row.transitionsWithTwoWrites)",
                        Self.number(report.cycles(row)),
                        "\(Self.number(report.extraWrites(row))) writes = "
                            + "\(Self.number(report.extraWrites(row) * report.cyclesPerCR2Write)) cycles",
                    ]
                }))
        return lines.joined(separator: "\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }
}
