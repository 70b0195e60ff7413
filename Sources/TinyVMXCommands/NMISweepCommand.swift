import ArgumentParser
import TinyVMX
import TinyVMXLab

/// `tinyvmx nmi-sweep`: one host NMI per instruction boundary of the routine, and the CR2 the NMI handler saw.
public struct NMISweepCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "nmi-sweep",
        abstract: "Inject a host NMI at every instruction boundary of the routine and classify the CR2 it sees.",
        discussion: """
            The last transition is replayed once per boundary, from the routine's first instruction to the \
            boundary after its RET (guest boundaries included: there the NMI causes an NMI exit and the host \
            handles it after the routine returns). The Linux-like NMI handler records the CR2 it reads on entry.
            """
    )

    @OptionGroup var lab: LabOptions

    @Option(help: "Transitions to run; the sweep covers the last (default 2).")
    var transitions = 2

    public init() {}

    public func run() throws {
        var output = StandardOutput()
        try execute(to: &output)
    }

    public func execute<Out: TextOutputStream>(to output: inout Out) throws {
        let built = try lab.lab()
        let results = try labStep { () throws(LabError) in try built.sweep(LabSchedule(transitions: transitions)) }
        try lab.writeSVG {
            TimelineSVG(
                title: "What a host NMI at each boundary sees in CR2: guest \(lab.guestName)",
                rows: results.map { .init(variant: $0.variant, window: $0.window, nmiSaw: $0.points.map(\.owner)) }
            ).rendered
        }
        lab.print(
            json: { Self.json(results, guest: built.guest) }, text: { Self.text(results, guest: built.guest) },
            to: &output)
    }

    static func json(_ results: [NMISweepResult], guest: String) -> JSONValue {
        .object([
            ("guest", .string(guest)),
            (
                "variants",
                .array(results.map { r in
                    .object([
                        ("name", .string(r.variant)),
                        ("boundaries", .number(UInt64(r.boundaries))),
                        ("afterExitBoundaries", .number(UInt64(r.afterExitBoundaries))),
                        ("nmiSawGuestCR2", .number(UInt64(r.nmiSawGuestCR2))),
                        (
                            "window",
                            .array(r.guestCR2Window.map {
                                .object([
                                    ("rip", .hex($0.boundary.rip)), ("instruction", .string($0.boundary.instruction)),
                                ])
                            })
                        ),
                        ("beforeEntryGuestCR2", .number(UInt64(r.beforeEntryGuestCR2))),
                        ("guestPhaseGuestCR2", .number(UInt64(r.guestPhaseGuestCR2))),
                        ("guestCR2BoundariesAfterReturn", .number(UInt64(r.window.guestCR2BoundariesAfterReturn))),
                        ("afterReturnEnd", .string(r.window.afterReturnEnd)),
                        (
                            "points",
                            .array(r.points.map { p in
                                .object([
                                    ("index", .number(UInt64(p.boundary.index))), ("rip", .hex(p.boundary.rip)),
                                    ("phase", .string(p.boundary.phase.rawValue)),
                                    ("instruction", .string(p.boundary.instruction)),
                                    ("nmiCR2", p.nmiCR2.map(JSONValue.hex) ?? .null),
                                    ("owner", p.owner.map { .string($0.rawValue) } ?? .null),
                                ])
                            })
                        ),
                    ])
                })
            ),
        ])
    }

    static func text(_ results: [NMISweepResult], guest: String) -> String {
        var lines = ["NMI sweep: guest \(guest), one host NMI per instruction boundary of vmx_vcpu_enter_exit", ""]
        lines.append(
            LabText.table(
                ["variant", "boundaries", "saw guest CR2", "before entry", "in guest", "after exit",
                 "after-exit window", "after RET"],
                results.map { r in
                    [
                        r.variant, "\(r.boundaries)", "\(r.nmiSawGuestCR2)", "\(r.beforeEntryGuestCR2)",
                        "\(r.guestPhaseGuestCR2)", "\(r.afterExitBoundaries)", "\(r.guestCR2Window.count)",
                        r.window.guestCR2BoundariesAfterReturn > 0
                            ? "+\(r.window.guestCR2BoundariesAfterReturn) until \(r.window.afterReturnEnd)" : "closed",
                    ]
                }))
        for r in results {
            lines.append("")
            let window = r.guestCR2Window
            lines.append(
                "\(r.variant): \(window.count) boundaries after the VM exit where an NMI sees the guest's CR2"
                    + (r.window.guestCR2BoundariesAfterReturn > 0
                        ? ", and the window is still open when the routine returns" : ", closed before the return"))
            for p in window {
                lines.append("  0x\(String(p.boundary.rip, radix: 16))  \(p.boundary.instruction)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
