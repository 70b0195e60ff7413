import ArgumentParser
import TinyVMX
import TinyVMXLab

/// `tinyvmx cr2-diff`: the host's CR2 before and after one VM entry/exit for each variant of
/// `vmx_vcpu_enter_exit`, executed as machine code against a guest.
public struct CR2DiffCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cr2-diff",
        abstract: "Compare the host CR2 before entry and after exit for stock and patched KVM routines.",
        discussion: """
            Each transition: the host takes a #PF of its own (so CR2 is a host address), the guest takes and \
            handles a #PF, and vmx_vcpu_enter_exit runs as compiled machine code. The report is for the last \
            transition; reads, writes and instructions are the routine's own (VMX root operation).
            """
    )

    @OptionGroup var lab: LabOptions

    @Option(help: "Transitions to run; the report shows the last (default 2: a VMLAUNCH, then a VMRESUME).")
    var transitions = 2

    @Option(help: ArgumentHelp("Make the entry of transition T (from 0) fail (VMfailValid).", valueName: "T"))
    var failAt: Int?

    public init() {}

    public func run() throws {
        var output = StandardOutput()
        try execute(to: &output)
    }

    public func execute<Out: TextOutputStream>(to output: inout Out) throws {
        let built = try lab.lab()
        let schedule = LabSchedule(transitions: transitions, failAt: failAt)
        let results = try labStep { () throws(LabError) in try built.diff(schedule) }
        try lab.writeSVG {
            TimelineSVG(
                title: "CR2 owner per instruction boundary: guest \(lab.guestName), transition \(transitions)",
                rows: results.map { .init(variant: $0.variant, window: $0.window, nmiSaw: nil) }
            ).rendered
        }
        lab.print(
            json: { Self.json(results, guest: built.guest) }, text: { Self.text(results, guest: built.guest) },
            to: &output)
    }

    static func json(_ results: [CR2DiffResult], guest: String) -> JSONValue {
        .object([
            ("guest", .string(guest)),
            (
                "variants",
                .array(results.map { r in
                    .object([
                        ("name", .string(r.variant)),
                        ("transition", .number(UInt64(r.transition))),
                        ("hostCR2BeforeEntry", .hex(r.hostCR2BeforeEntry)),
                        ("guestCR2AtExit", r.guestCR2AtExit.map(JSONValue.hex) ?? .null),
                        ("hostCR2AfterExit", .hex(r.hostCR2AfterExit)),
                        ("oopsCR2", .hex(r.oopsCR2)),
                        ("cr2Writes", .number(UInt64(r.cr2Writes))),
                        ("cr2Reads", .number(UInt64(r.cr2Reads))),
                        ("instructions", .number(UInt64(r.instructions))),
                        ("exitReason", r.exitReason.map { .number(UInt64($0)) } ?? .null),
                        ("fail", .number(r.fail)),
                        ("ownerAfterExit", .string(r.ownerAfterExit.rawValue)),
                        ("vcpuCR2", .hex(r.vcpuCR2)),
                        ("guestInstructions", .number(UInt64(r.guestInstructions))),
                        ("guestFaulted", .bool(r.guestFaulted)),
                        ("hostFaulted", .bool(r.hostFaulted)),
                        ("cr2MarkedGuestOwned", .bool(r.cr2MarkedGuestOwned)),
                        ("oopsLine", .string(r.oopsLine)),
                        (
                            "totals",
                            .object([
                                ("transitions", .number(UInt64(r.transitions))),
                                ("cr2Writes", .number(UInt64(r.totalCR2Writes))),
                                ("cr2Reads", .number(UInt64(r.totalCR2Reads))),
                                ("instructions", .number(UInt64(r.totalInstructions))),
                            ])
                        ),
                    ])
                })
            ),
        ])
    }

    static func text(_ results: [CR2DiffResult], guest: String) -> String {
        guard let first = results.first else { return "no variants" }
        var lines = [
            "CR2 lab: guest \(guest), transition \(first.transition + 1) of \(first.transitions)"
                + " (host #PF before entry: \(first.hostFaulted ? "yes" : "no"),"
                + " guest #PF: \(first.guestFaulted ? "yes" : "no"))",
            "",
        ]
        let rows = results.map { r -> [String] in
            [
                r.variant, LabText.hex(r.hostCR2BeforeEntry), LabText.hex(r.guestCR2AtExit),
                LabText.hex(r.hostCR2AfterExit) + " (\(r.ownerAfterExit.rawValue))", LabText.hex(r.oopsCR2),
                "\(r.cr2Reads)/\(r.cr2Writes)", "\(r.instructions)",
                r.fail != 0 ? "VMfail" : r.exitReason.map { VMExitReason.name($0 & 0xFFFF) } ?? "-",
            ]
        }
        lines.append(
            LabText.table(
                ["variant", "host CR2 before entry", "guest CR2 at exit", "host CR2 after exit", "oops prints CR2",
                 "CR2 rd/wr", "insns", "exit"], rows))
        lines.append("")
        for r in results {
            let verdict: String
            switch r.ownerAfterExit {
            case .guest:
                verdict = "after the exit the host's CR2 holds the guest's \(LabText.hex(r.hostCR2AfterExit)); "
                    + "an oops now prints it as the host's fault address"
                    + (r.cr2MarkedGuestOwned ? " (the per-CPU flag says it is the guest's)" : "")
            case .host:
                verdict = "the host's CR2 \(LabText.hex(r.hostCR2AfterExit)) is back after the exit"
            case .other:
                verdict = "CR2 after the exit is \(LabText.hex(r.hostCR2AfterExit)), neither the host's nor the guest's"
            }
            lines.append("\(r.variant): \(verdict); \(r.cr2Writes) CR2 write(s) in this transition.")
        }
        lines.append("oops line (last variant): \(results.last?.oopsLine ?? "")")
        return lines.joined(separator: "\n")
    }
}
