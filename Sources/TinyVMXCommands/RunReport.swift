import Foundation
import TinyVMX

/// The end-of-run report of `tinyvmx run`, as text or as the JSON contract other tools rely on.
struct RunReport {
    let machine: Machine
    let result: RunResult

    static let reportedRegisters: [Register] = [
        .rax, .rbx, .rcx, .rdx, .rsi, .rdi, .rbp, .rsp, .r8, .r9, .r10, .r11, .r12, .r13, .r14, .r15,
        .rip, .rflags, .cr0, .cr2, .cr3, .cr4, .efer, .fsBase, .gsBase,
    ]

    var stopFields: (vector: UInt8?, errorCode: UInt32?, message: String) {
        switch result.stop {
        case .halt: return (nil, nil, "hlt executed")
        case .instructionLimit: return (nil, nil, "instruction budget exhausted")
        case .breakpoint: return (nil, nil, "breakpoint reached")
        case .exception(let v, let e):
            let name = ExceptionName.of(v)
            var m = "\(name) (vector \(v))" + (e.map { " error code 0x\(String($0, radix: 16))" } ?? "")
            if v == 14 { m += " at 0x\(String(machine[.cr2], radix: 16))" }
            if v == 6 {
                // Name what could not be executed: Capstone's text if it decodes (e.g. UD2), else the raw bytes.
                let bytes = machine.instructionBytes(at: result.rip)
                let hex = bytes.prefix(machine.disassemble(at: result.rip)?.bytes.count ?? bytes.count)
                    .map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
                if let text = machine.disassemble(at: result.rip)?.text {
                    m += " at 0x\(String(result.rip, radix: 16)): bytes \(hex) (\(text))"
                } else {
                    m += " at 0x\(String(result.rip, radix: 16)): no instruction decodes from the bytes fetched there: \(hex)"
                }
            }
            return (v, e, m)
        case .unsupported(let u): return (nil, nil, u.description)
        case .tripleFault:
            return (nil, nil, "triple fault: a fault while delivering #DF shut the processor down")
        }
    }

    var json: JSONValue {
        let s = stopFields
        let stop: JSONValue = .object([
            ("reason", .string(result.stop.name)),
            ("rip", .hex(result.rip)),
            ("vector", s.vector.map { .number(UInt64($0)) } ?? .null),
            ("errorCode", s.errorCode.map { .number(UInt64($0)) } ?? .null),
            ("message", .string(s.message)),
        ])
        let registers: JSONValue = .object(Self.reportedRegisters.map { ($0.rawValue, .hex(machine[$0])) })
        let stats = machine.statistics
        return .object([
            ("stop", stop),
            ("instructions", .number(result.instructions)),
            ("registers", registers),
            ("stats", .object([
                ("blocksDecoded", .number(stats.blocksDecoded)),
                ("instructionsDecoded", .number(stats.instructionsDecoded)),
                ("codeInvalidations", .number(stats.codeInvalidations)),
                ("cr2Writes", .number(stats.cr2Writes)),
                ("cr2Reads", .number(stats.cr2Reads)),
                ("exceptionsDelivered", .number(stats.exceptionsDelivered)),
                ("nmisDelivered", .number(stats.nmisDelivered)),
                ("interruptsDelivered", .number(stats.interruptsDelivered)),
                ("vmEntries", .number(stats.vmEntries)),
                ("vmExits", .number(stats.vmExits)),
            ])),
            ("engine", .object([
                ("name", .string(machine.configuration.engine.rawValue)),
                ("blocksCompiled", .number(stats.jitBlocksCompiled)),
                ("translationMicroseconds", .decimal((Double(stats.jitTranslationNanoseconds) / 100).rounded() / 10)),
                ("compiledInstructions", .number(stats.jitInstructions)),
                ("interpretedInstructions", .number(result.instructions &- stats.jitInstructions)),
                ("exitsToDispatcher", .number(stats.jitExits)),
                ("tlbMissExits", .number(stats.jitMisses)),
                ("invalidations", .number(stats.jitInvalidations)),
            ])),
            ("system", .object([
                ("cpl", .number(machine[.cs] & 3)),
                ("cs", .hex(machine[.cs])),
                ("idtr", .hex(machine[.idtrBase])),
                ("nmiBlocked", .bool(machine.nmiBlocked)),
                ("nmiPending", .bool(machine.nmiPending)),
                ("barePageTables", .hex(machine.barePageTables)),
            ])),
            ("vmx", vmxJSON),
        ])
    }

    /// `"vmx": {"operation", "currentVMCS", "exits", "lastExit": {reason, qualification, intrInfo, guestRIP}}`.
    var vmxJSON: JSONValue {
        let v = machine.vmx
        let lastExit: JSONValue = v.lastExit.map { e in
            .object([
                ("reason", .number(UInt64(e.reason))),
                ("name", .string(VMExitReason.name(e.reason))),
                ("qualification", .hex(e.qualification)),
                ("intrInfo", .hex(UInt64(e.interruptionInfo))),
                ("intrErrorCode", .hex(UInt64(e.interruptionErrorCode))),
                ("idtVectoringInfo", .hex(UInt64(e.idtVectoringInfo))),
                ("guestRIP", .hex(e.guestRIP)),
                ("instructionLength", .number(UInt64(e.instructionLength))),
                ("guestLinearAddress", .hex(e.guestLinearAddress)),
                ("guestPhysicalAddress", .hex(e.guestPhysicalAddress)),
            ])
        } ?? .null
        return .object([
            ("operation", .string(v.operation.rawValue)),
            ("currentVMCS", v.currentVMCS.map { .hex($0) } ?? .null),
            ("entries", .number(v.entries)),
            ("exits", .number(v.exits)),
            ("lastExit", lastExit),
        ])
    }

    /// Every non-zero field of the current VMCS by name (`--vmcs`), or why there is none.
    var vmcsLines: [String] {
        do {
            return try machine.nonZeroVMCSFields().map { field, value in
                "\(field.name.padding(toLength: 52, withPad: " ", startingAt: 0)) "
                    + "0x\(String(field.encoding, radix: 16).leftPadded(to: 4))  0x\(String(value, radix: 16))"
            }
        } catch {
            return ["vmcs: \(error)"]
        }
    }

    var vmcsJSON: JSONValue {
        guard let fields = try? machine.nonZeroVMCSFields() else { return .null }
        return .object(fields.map { ($0.field.name, .hex($0.value)) })
    }

    var text: String {
        var lines = ["stop: \(result.stop.name) at 0x\(String(result.rip, radix: 16)) — \(stopFields.message)",
                     "instructions: \(result.instructions)"]
        let regs = Self.reportedRegisters
        for row in stride(from: 0, to: regs.count, by: 4) {
            lines.append(regs[row..<min(row + 4, regs.count)].map {
                "\($0.rawValue.leftPadded(to: 6, with: " ")) 0x\(String(machine[$0], radix: 16).leftPadded(to: 16))"
            }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

/// Mnemonics of the exception vectors, for messages.
enum ExceptionName {
    static func of(_ vector: UInt8) -> String {
        let names: [UInt8: String] = [0: "#DE", 1: "#DB", 2: "NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 7: "#NM",
                                      8: "#DF", 10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF",
                                      17: "#AC", 18: "#MC", 19: "#XM"]
        return names[vector] ?? "vector \(vector)"
    }
}
