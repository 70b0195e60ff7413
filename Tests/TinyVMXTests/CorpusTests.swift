import Testing
import TinyVMX

/// Every program in `Programs/` that declares expectations runs and meets them.
@Suite struct CorpusTests {
    static let programsDirectory: String = {
        var url = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        url = "/" + url + "/Programs"
        return url
    }()

    static let programs: [CorpusProgram] = (try? CorpusProgram.all(in: programsDirectory)) ?? []

    @Test func corpusIsNotEmpty() throws {
        _ = try CorpusProgram.all(in: Self.programsDirectory)  // surfaces a malformed expectation
        #expect(Self.programs.count >= 15, "found \(Self.programs.count) corpus programs in \(Self.programsDirectory)")
    }

    @Test(arguments: programs.map(\.path))
    func programMeetsItsExpectations(path: String) throws {
        let program = try CorpusProgram(path: path)
        let (result, failures) = try program.check()
        #expect(failures.isEmpty, "\(path): \(failures.joined(separator: "; ")) (stop \(result.stop))")
    }

    @Test func checkReportsAViolatedExpectation() throws {
        // The runner itself must not be vacuous: a wrong expectation is reported.
        var program = try CorpusProgram(path: Self.programsDirectory + "/snippets/add_hlt.S")
        program.expectations.append((key: "rax", value: "0x2b"))
        let (_, failures) = try program.check()
        #expect(failures == ["rax: expected 0x2b, got 0x2a"])
    }
}
