import Testing
import TinyVMXOracle

private let cf: UInt64 = 0x1, pf: UInt64 = 0x4, af: UInt64 = 0x10, zf: UInt64 = 0x40
private let sf: UInt64 = 0x80, df: UInt64 = 0x400, of: UInt64 = 0x800

private func littleEndian(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A state whose RSP points 4 KiB into the data region.
private func stackState() -> HostCPUState {
    var state = HostCPUState()
    state[.rsp] = HostCPU.dataAddress + 0x1000
    return state
}

@Suite("Host CPU oracle")
struct HostCPUTests {
    @Test func addOverflowSetsFlags() throws {
        var state = stackState()
        state[.rax] = 0x7FFF_FFFF_FFFF_FFFF
        state[.rbx] = 1
        let run = try HostCPU.run(code: [0x48, 0x01, 0xD8], state: state)  // add rax, rbx
        #expect(run.outcome == .completed)
        #expect(run.state[.rax] == 0x8000_0000_0000_0000)
        #expect(run.state.rflags & (cf | pf | af | zf | sf | of) == of | sf | af | pf)
        #expect(run.exitRIP == HostCPU.codeAddress + 3)
    }

    @Test func addCarryToZeroSetsFlags() throws {
        var state = stackState()
        state[.rax] = UInt64.max
        state[.rbx] = 1
        state.rflags = of | sf  // overwritten by the add
        let run = try HostCPU.run(code: [0x48, 0x01, 0xD8], state: state)
        #expect(run.state[.rax] == 0)
        #expect(run.state.rflags & (cf | pf | af | zf | sf | of) == cf | zf | af | pf)
    }

    @Test func inputFlagsAreLoaded() throws {
        var state = stackState()
        state.rflags = HostCPU.loadedFlagsMask | 0x4_0100  // AC and TF must be ignored
        let run = try HostCPU.run(code: [], state: state)
        #expect(run.outcome == .completed)
        #expect(run.state.rflags & HostCPU.loadedFlagsMask == HostCPU.loadedFlagsMask)
        #expect(run.state.rflags & 0x4_0100 == 0)
        state.rflags = 0
        let cleared = try HostCPU.run(code: [0xFD], state: state)  // std
        #expect(cleared.state.rflags & HostCPU.loadedFlagsMask == df)
        #expect(cleared.state.rflags & 0x202 == 0x202)  // IF and bit 1 from user mode
    }

    @Test func allRegistersLoadedAndStored() throws {
        var state = HostCPUState()
        for register in HostCPUState.Register.allCases {
            state[register] = 0x0101_0101_0101_0101 &* UInt64(register.rawValue + 1) ^ 0xA5
        }
        state[.rsp] = HostCPU.dataAddress + 0x1000
        let unchanged = try HostCPU.run(code: [], state: state)
        #expect(unchanged.state.gpr == state.gpr)
        #expect(unchanged.exitRIP == HostCPU.codeAddress)

        // push rdx; push rax; pop rbx
        let run = try HostCPU.run(code: [0x52, 0x50, 0x5B], state: state, data: [UInt8](repeating: 0xEE, count: 0x1000))
        var expected = state
        expected[.rbx] = state[.rax]
        expected[.rsp] = state[.rsp] - 8
        #expect(run.state.gpr == expected.gpr)
        #expect(Array(run.data[0xFF8..<0x1000]) == littleEndian(state[.rdx]))
        #expect(Array(run.data[0xFF0..<0xFF8]) == littleEndian(state[.rax]))
        #expect(run.data[0..<0xFF0].allSatisfy { $0 == 0xEE })
    }

    @Test func storeIsVisibleAndRestIsZero() throws {
        var state = stackState()
        state[.rax] = 0x1122_3344_5566_7788
        state[.rdi] = HostCPU.dataAddress + 0x8000
        let store = try HostCPU.run(code: [0x48, 0x89, 0x07], state: state, data: [1, 2, 3], dataLength: 0x8010)
        #expect(store.data.count == 0x8010)
        #expect(Array(store.data[0..<3]) == [1, 2, 3])
        #expect(Array(store.data[0x8000..<0x8008]) == littleEndian(0x1122_3344_5566_7788))
        #expect(store.data[3..<0x8000].allSatisfy { $0 == 0 })

        // The next run sees zeros past its data again: mov rax, [rdi]
        let load = try HostCPU.run(code: [0x48, 0x8B, 0x07], state: state, data: [9])
        #expect(load.state[.rax] == 0)
        #expect(load.data == [9])
    }

    @Test func divideByZeroFaults() throws {
        var state = stackState()
        state[.rax] = 10
        let run = try HostCPU.run(code: [0x90, 0x48, 0xF7, 0xF1], state: state)  // nop; div rcx
        #expect(run.outcome == .fault(signal: 8, vector: 0, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress + 1))
        #expect(run.exitRIP == HostCPU.codeAddress + 1)
        #expect(run.state[.rax] == 10)
        #expect(run.state[.rsp] == HostCPU.dataAddress + 0x1000)
    }

    @Test func ud2RaisesInvalidOpcode() throws {
        var state = stackState()
        state[.rax] = 0x0102_0304_0506_0708
        let data = [UInt8](repeating: 0xEE, count: 0x2000)
        let run = try HostCPU.run(code: [0x50, 0x0F, 0x0B], state: state, data: data)  // push rax; ud2
        #expect(run.outcome == .fault(signal: 4, vector: 6, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress + 1))
        #expect(run.state[.rsp] == HostCPU.dataAddress + 0xFF8)
        // Only the push changed the data: the kernel's signal frame went to the alternate stack.
        var expected = data
        expected.replaceSubrange(0xFF8..<0x1000, with: littleEndian(state[.rax]))
        #expect(run.data == expected)
    }

    @Test func faultWithUnusableStackPointerIsCaught() throws {
        var state = HostCPUState()
        state[.rsp] = 0  // no stack at all: the signal frame must go elsewhere
        let run = try HostCPU.run(code: [0x0F, 0x0B], state: state)
        #expect(run.outcome == .fault(signal: 4, vector: 6, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress))
        #expect(run.state[.rsp] == 0)
    }

    @Test func int3Traps() throws {
        let run = try HostCPU.run(code: [0x90, 0xCC, 0x90], state: stackState())
        // A trap: RIP is after int3.
        #expect(run.outcome == .fault(signal: 5, vector: 3, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress + 2))
    }

    @Test func trapFlagSingleStepsAndHostSurvives() throws {
        // push 0x100; popfq; nop: the single-step trap fires after the instruction following popfq.
        let run = try HostCPU.run(code: [0x68, 0x00, 0x01, 0x00, 0x00, 0x9D, 0x90, 0x90], state: stackState())
        #expect(run.outcome == .fault(signal: 5, vector: 1, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress + 7))
    }

    @Test func alignmentCheckFlagDoesNotLeak() throws {
        // push 0x40000; popfq: AC set at exit, cleared again before host code runs.
        let run = try HostCPU.run(code: [0x68, 0x00, 0x00, 0x04, 0x00, 0x9D], state: stackState())
        #expect(run.outcome == .completed)
        #expect(run.state.rflags & 0x4_0000 == 0x4_0000)
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let unaligned = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1, as: UInt64.self) }
        #expect(unaligned == 0x0908_0706_0504_0302)
    }

    @Test func storeToUnmappedAddressPageFaults() throws {
        var state = stackState()
        state[.rax] = 0x1000
        state[.rbx] = 42
        let run = try HostCPU.run(code: [0x48, 0x89, 0x18], state: state)  // mov [rax], rbx
        // Error code: write (2) from user mode (4), page not present.
        #expect(run.outcome == .fault(signal: 11, vector: 14, errorCode: 6, faultAddress: 0x1000, rip: HostCPU.codeAddress))
        #expect(run.state[.rbx] == 42)
    }

    @Test func codeRegionIsNotWritable() throws {
        var state = stackState()
        state[.rax] = HostCPU.codeAddress
        let run = try HostCPU.run(code: [0x48, 0x89, 0x18], state: state)
        // Present page (1), write (2), user (4).
        #expect(run.outcome == .fault(signal: 11, vector: 14, errorCode: 7, faultAddress: HostCPU.codeAddress, rip: HostCPU.codeAddress))
    }

    @Test func hltRaisesGeneralProtection() throws {
        let run = try HostCPU.run(code: [0xF4], state: stackState())
        #expect(run.outcome == .fault(signal: 11, vector: 13, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress))
    }

    @Test func runAfterFaultWorks() throws {
        for _ in 0..<3 {
            let fault = try HostCPU.run(code: [0x0F, 0x0B], state: stackState())
            #expect(fault.outcome != .completed)
            var state = stackState()
            state[.rax] = 5
            state[.rbx] = 6
            let run = try HostCPU.run(code: [0x48, 0x01, 0xD8], state: state)
            #expect(run.outcome == .completed)
            #expect(run.state[.rax] == 11)
        }
    }

    @Test func eachRunSeesOnlyItsOwnCode() throws {
        // A shorter snippet must not run into the previous one's bytes.
        let long = try HostCPU.run(code: [0x90, 0x90, 0x90, 0x0F, 0x0B], state: stackState())
        #expect(long.outcome == .fault(signal: 4, vector: 6, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress + 3))
        for code: [UInt8] in [[0x0F, 0x0B], [], [0x90], [0x0F, 0x0B], [0x90, 0x90]] {
            let run = try HostCPU.run(code: code, state: stackState())
            let expected: HostCPUOutcome = code.first == 0x0F
                ? .fault(signal: 4, vector: 6, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress)
                : .completed
            #expect(run.outcome == expected)
            #expect(run.exitRIP == HostCPU.codeAddress + (code.first == 0x0F ? 0 : UInt64(code.count)))
        }
    }

    @Test func systemCallIsStoppedBeforeItRuns() throws {
        var state = stackState()
        state[.rax] = 39  // getpid: harmless even if it ran, but then RAX would be the pid
        let run = try HostCPU.run(code: [0x0F, 0x05, 0x90], state: state)  // syscall; nop
        #expect(run.outcome == .fault(signal: 31, vector: -1, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress + 2))
        #expect(run.state[.rax] == 39)
        #expect(run.state[.rcx] == HostCPU.codeAddress + 2)  // set by the syscall instruction
        let next = try HostCPU.run(code: [0x90], state: stackState())
        #expect(next.outcome == .completed)
    }

    @Test func runawayLoopTimesOut() throws {
        let run = try HostCPU.run(code: [0x90, 0xEB, 0xFE], state: stackState(), timeLimit: .milliseconds(20))  // jmp $
        #expect(run.outcome == .timedOut(rip: HostCPU.codeAddress + 1))
        let next = try HostCPU.run(code: [0x90], state: stackState())
        #expect(next.outcome == .completed)
    }

    @Test func fsBaseChangeDoesNotLeak() throws {
        // wrfsbase rax: completes where FSGSBASE is enabled, #UD elsewhere; the host must survive.
        var state = stackState()
        state[.rax] = 0xDEAD_0000
        let run = try HostCPU.run(code: [0xF3, 0x48, 0x0F, 0xAE, 0xD0], state: state)
        #expect(run.outcome == .completed || run.outcome == .fault(signal: 4, vector: 6, errorCode: 0, faultAddress: 0, rip: HostCPU.codeAddress))
        let fault = try HostCPU.run(code: [0xF3, 0x48, 0x0F, 0xAE, 0xD0, 0x0F, 0x0B], state: state)
        #expect(fault.outcome != .completed)
    }

    @Test func setupErrorsAreThrown() {
        #expect(throws: HostCPUError.codeTooLarge(size: HostCPU.codeSize, limit: HostCPU.maxCodeLength)) {
            try HostCPU.run(code: [UInt8](repeating: 0x90, count: HostCPU.codeSize), state: HostCPUState())
        }
        #expect(throws: HostCPUError.wrongRegisterCount(3)) {
            try HostCPU.run(code: [], state: HostCPUState(gpr: [1, 2, 3]))
        }
        #expect(throws: HostCPUError.dataTooLarge(size: HostCPU.dataSize + 1, limit: HostCPU.dataSize)) {
            try HostCPU.run(code: [], state: HostCPUState(), dataLength: HostCPU.dataSize + 1)
        }
    }

    @Test func manyRunsAreFast() throws {
        var state = stackState()
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for i in 0..<2000 {
                state[.rax] = UInt64(i)
                state[.rbx] = 1
                let run = try HostCPU.run(code: [0x48, 0x01, 0xD8], state: state, data: [0, 0], dataLength: 64)
                #expect(run.state[.rax] == UInt64(i) + 1)
            }
        }
        print("2000 host-CPU runs took \(elapsed)")
        #expect(elapsed < .seconds(2))
    }
}
