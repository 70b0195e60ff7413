import Foundation
import Testing
import TinyVMX
@testable import TinyVMXLab

let programs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Programs").path

@Suite struct CR2DiffTests {
    @Test func smoke() throws {
        let lab = try CR2Lab(programs: programs)
        let results = try lab.diff()
        for r in results {
            print(r.variant, String(r.hostCR2BeforeEntry, radix: 16), r.guestCR2AtExit.map { String($0, radix: 16) } ?? "nil",
                  String(r.hostCR2AfterExit, radix: 16), String(r.oopsCR2, radix: 16), r.cr2Reads, r.cr2Writes, r.instructions, r.guestInstructions, r.exitReason ?? 999, r.oopsLine)
        }
    }
}
