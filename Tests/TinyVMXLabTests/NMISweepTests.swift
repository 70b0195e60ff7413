import Foundation
import Testing
import TinyVMX
@testable import TinyVMXLab

/// "The best we can do is restore host CR2 within a few instructions of VM-Exit": one host NMI per boundary.
@Suite struct NMISweepTests {
    @Test func theWindowIsOpenForStockAndClosesAtTheRestoreForPatched() throws {
        let lab = try CR2Lab(programs: programs, variants: [.stock(programs: programs), .patched(programs: programs)])
        let results = try lab.sweep()
        let (stock, patched) = (results[0], results[1])
        for result in results {
            // The handler reads CR2 first: in root operation it sees what was live at that boundary. (An NMI in
            // the guest causes an NMI exit instead; the host calls the handler after the routine returns.)
            for point in result.points where point.boundary.phase != .guest {
                #expect(point.nmiCR2 == point.boundary.cr2, "\(result.variant) boundary \(point.boundary.index)")
                #expect(point.owner == point.boundary.owner)
            }
            #expect(result.afterExitBoundaries > 0)
            #expect(!result.guestCR2Window.isEmpty, "\(result.variant): an NMI right after the exit sees the guest's CR2")
            // The first after-exit boundary is the HOST_RIP landing.
            let landing = try #require(result.points.first { $0.boundary.phase == .afterExit })
            #expect(landing.owner == .guest && landing.boundary.rip == lab.symbol("vmx_vmexit", variant: result.variant))
        }
        // Stock: every after-exit boundary sees the guest's CR2, and it stays loaded after the return.
        #expect(stock.guestCR2Window.count == stock.afterExitBoundaries)
        #expect(stock.window.guestCR2BoundariesAfterReturn > 0)
        // Patched: the window ends at the MOV to CR2 that restores the host's value and is closed by the return.
        let last = try #require(patched.guestCR2Window.last)
        #expect(last.boundary.instruction.hasPrefix("mov cr2"))
        #expect(patched.guestCR2Window.count < patched.afterExitBoundaries)
        #expect(patched.window.guestCR2BoundariesAfterReturn == 0)
        #expect(patched.points.last?.owner == .host)
        let stockTotal = stock.guestCR2Window.count + stock.window.guestCR2BoundariesAfterReturn
        #expect(patched.guestCR2Window.count < stockTotal)
        // NMIs in the guest are handled after the routine returns: stock's handler then sees the guest's CR2.
        #expect(stock.guestPhaseGuestCR2 > 0 && patched.guestPhaseGuestCR2 == 0)
    }
}

/// "This likely adds two extra CR2 writes on the majority of entry/exit transitions."
@Suite struct CR2CostTests {
    @Test func patchedAddsAboutTwoWritesPerTransitionWithAFaultingGuest() throws {
        let lab = try CR2Lab(programs: programs, variants: [.stock(programs: programs), .patched(programs: programs)])
        let report = try lab.cost(LabSchedule(transitions: 40, guestFaultRate: 1, hostFaultRate: 0))
        let (stock, patched) = (report.rows[0], report.rows[1])
        #expect(stock.cr2Writes == 0, "the guest's CR2 is still loaded at the next entry: nothing to write")
        // Transition 0 restores only (the host CR2 and the fresh vCPU's are both 0); every later one loads and restores.
        #expect(patched.cr2Writes == 2 * 40 - 1)
        #expect(patched.transitionsWithTwoWrites == 39)
        #expect(report.extraWrites(patched) > 1.9)
        #expect(report.cycles(patched) == patched.writesPerTransition * 70)
        #expect(stock.readsPerTransition == 2 && patched.readsPerTransition == 2)
    }

    @Test func aGuestThatNeverFaultsOnAHostThatNeverFaultsCostsNoWrites() throws {
        let lab = try CR2Lab(programs: programs, guest: "never_faults")
        let report = try lab.cost(LabSchedule(transitions: 20, guestFaultRate: 0, hostFaultRate: 0))
        #expect(report.rows.map(\.variant) == ["stock", "patched", "marked"])
        #expect(report.rows.allSatisfy { $0.cr2Writes == 0 })
    }

    @Test func ratesAreSpreadEvenly() throws {
        let lab = try CR2Lab(programs: programs, variants: [.stock(programs: programs)])
        let report = try lab.cost(LabSchedule(transitions: 50, guestFaultRate: 0.2, hostFaultRate: 0.1))
        #expect(report.guestFaults == 10 && report.hostFaults == 5)
        // Stock writes CR2 exactly when the host faulted since the last entry (the live CR2 changed).
        #expect(report.rows[0].cr2Writes == 5)
    }
}

extension CR2Lab {
    /// A symbol of a variant's linked image.
    func symbol(_ name: String, variant: String) -> UInt64? {
        images[variants.firstIndex { $0.name == variant } ?? 0].symbols[name]
    }
}
