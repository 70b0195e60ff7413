import Foundation
import Testing

import TinyVMX

/// Tests for the ELF object parser, the linker and the toolchain driver (they run the real `as` and `cc`).
@Suite struct ELFLoaderTests {
    // MARK: Helpers

    /// A little-endian integer of `size` bytes read from the image at `address`.
    func read(_ image: ProgramImage, _ address: UInt64, size: Int) throws -> UInt64 {
        let segment = try #require(image.segment(containing: address))
        let start = Int(address - segment.address)
        try #require(start + size <= segment.bytes.count)
        return segment.bytes[start..<start + size].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The signed 32-bit field at `address`.
    func readInt32(_ image: ProgramImage, _ address: UInt64) throws -> Int64 {
        Int64(Int32(truncatingIfNeeded: try read(image, address, size: 4)))
    }

    /// The bytes of a small valid object with one relocation in `.text`.
    func smallObject() throws -> [UInt8] {
        try Toolchain.assemble(
            """
                .globl _start
            _start:
                call helper
                hlt
            helper:
                lea value(%rip), %rax
                ret
                .data
            value:
                .quad _start
            """)
    }

    func u16(_ bytes: [UInt8], _ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
    func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A fresh directory for source files, removed by the caller.
    func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: Linking assembled objects

    @Test func linksSectionsDataReferencesCallsAndBSS() throws {
        let source = """
                .text
                .globl _start
            _start:
                lea message(%rip), %rsi
                movabs $message, %rax
                call helper
                hlt
                .section .text.helper, "ax", @progbits
                .globl helper
            helper:
                ret
                .data
                .globl message
            message:
                .ascii "hi"
                .quad helper
                .bss
                .balign 64
            buffer:
                .skip 100
            """
        let object = try Toolchain.assembleObject(source)
        let textRelocations = try #require(object.relocationSections.first { $0.name == ".rela.text" })
        #expect(textRelocations.relocations.map(\.type) == [2, 1, 4])  // PC32, 64, PLT32
        #expect(object.relocationSections.first { $0.name == ".rela.data" }?.relocations.map(\.type) == [1])

        let image = try ELFLinker.link(object: Toolchain.assemble(source), at: 0x10000, entry: nil)
        let start = try #require(image.symbols["_start"])
        let message = try #require(image.symbols["message"])
        let helper = try #require(image.symbols["helper"])
        let buffer = try #require(image.symbols["buffer"])
        #expect(start == 0x10000 && image.entry == start)

        // lea disp32 at +3 (ends at +7), movabs imm64 at +9, call rel32 at +18 (ends at +22).
        #expect(try readInt32(image, start + 3) == Int64(message) - Int64(start + 7))
        #expect(try read(image, start + 9, size: 8) == message)
        #expect(try readInt32(image, start + 18) == Int64(helper) - Int64(start + 22))
        #expect(try read(image, message + 2, size: 8) == helper)
        #expect(try read(image, message, size: 2) == 0x6968)  // "hi"

        let names = image.segments.map(\.name)
        #expect(Set(names) == [".text", ".text.helper", ".data", ".bss"])
        let text = try #require(image.segments.first { $0.name == ".text" })
        let helperText = try #require(image.segments.first { $0.name == ".text.helper" })
        let data = try #require(image.segments.first { $0.name == ".data" })
        let bss = try #require(image.segments.first { $0.name == ".bss" })
        #expect(text.isExecutable && !text.isWritable && helperText.isExecutable && helperText.address == helper)
        #expect(data.isWritable && !data.isExecutable && data.address == message)
        #expect(bss.isWritable && !bss.isExecutable)
        #expect(bss.address == buffer && bss.address % 64 == 0 && bss.bytes == [UInt8](repeating: 0, count: 100))
        for (earlier, later) in zip(image.segments, image.segments.dropFirst()) {
            #expect(earlier.endAddress <= later.address)
        }
    }

    @Test func placesCommonSymbolsAfterSectionsAndResolvesWeakUndefinedToZero() throws {
        let image = try Toolchain.assembleProgram(
            """
                .globl _start
                .weak maybe
            _start:
                movabs $maybe, %rax
                movabs $shared, %rbx
                .comm shared, 256, 32
            """, at: 0x1000)
        let shared = try #require(image.symbols["shared"])
        let common = try #require(image.segments.first { $0.name == "COMMON" })
        #expect(shared == common.address && shared % 32 == 0 && common.bytes.count == 256 && common.isWritable)
        #expect(try read(image, 0x1002, size: 8) == 0)
        #expect(try read(image, 0x100c, size: 8) == shared)
    }

    @Test func entryDefaultsToStartAndAcceptsSymbolsAndNumbers() throws {
        let source = """
                .globl _start
            _start:
                nop
            other:
                hlt
            """
        #expect(try Toolchain.assembleProgram(source, at: 0x2000).entry == 0x2000)
        #expect(try Toolchain.assembleProgram(source, at: 0x2000, entry: "other").entry == 0x2001)
        #expect(try Toolchain.assembleProgram(source, at: 0x2000, entry: "0x1234").entry == 0x1234)
        #expect(try Toolchain.assembleProgram(source, at: 0x2000, entry: "4660").entry == 4660)
        #expect(throws: LoadError.missingEntrySymbol("nothere")) {
            try Toolchain.assembleProgram(source, at: 0x2000, entry: "nothere")
        }
        #expect(throws: LoadError.missingEntrySymbol("_start")) {
            try Toolchain.assembleProgram("main: hlt", at: 0x2000)
        }
    }

    @Test func intelSyntaxStringsAndFilesAssemble() throws {
        let image = try Toolchain.assembleProgram("_start:\n mov eax, 1\n hlt", at: 0x3000, syntax: .intel)
        #expect(image.segments.first?.bytes == [0xb8, 1, 0, 0, 0, 0xf4])
        let declared = try Toolchain.assembleProgram(".intel_syntax noprefix\n_start: mov eax, 1\n hlt", at: 0x3000)
        #expect(declared.segments == image.segments)
    }

    // MARK: C and files

    @Test func compiledCLoadsWithCorrectRelocations() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kernel.c").path
        try """
        int counter;
        static int table[4] = {10, 20, 30, 40};
        __attribute__((noinline, section(".text.helper"))) int helper(int x) { return table[x & 3] + counter; }
        void _start(void) { counter = helper(counter) + 1; for (;;) {} }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let image = try Toolchain.loadProgram(path: path, baseAddress: 0x100000, entry: nil)
        let object = try ELFObject(bytes: Toolchain.buildObject(path: path))
        let start = try #require(image.symbols["_start"])
        let helper = try #require(image.symbols["helper"])
        let counter = try #require(image.symbols["counter"])
        let table = try #require(image.symbols["table"])
        #expect(image.entry == start)
        #expect(try (0..<4).map { try read(image, table + UInt64($0) * 4, size: 4) } == [10, 20, 30, 40])
        #expect(image.segment(containing: counter)?.isWritable == true)

        var checkedCall = false
        var checkedTable = false
        for relocationSection in object.relocationSections where relocationSection.name.hasPrefix(".rela.text") {
            let section = try #require(
                image.segments.first { $0.name == object.sections[relocationSection.targetSectionIndex].name })
            for relocation in relocationSection.relocations {
                let site = section.address + relocation.offset
                let symbol = object.symbols[relocation.symbolIndex]
                #expect([2, 4, 10, 11].contains(relocation.type), "unexpected relocation type \(relocation.type)")
                if relocation.type == 4 && symbol.name == "helper" {  // call/jmp rel32 ends at the field's end
                    #expect(try readInt32(image, site) == Int64(helper) - Int64(site + 4))
                    checkedCall = true
                } else if relocation.type == 11 {  // table(,%rdi,4): the array's address
                    #expect(try readInt32(image, site) == Int64(table))
                    checkedTable = true
                } else if relocation.type == 2 && symbol.name == "counter" && relocation.addend == -4 {
                    #expect(try readInt32(image, site) == Int64(counter) - Int64(site + 4))
                }
            }
        }
        #expect(checkedCall && checkedTable)
    }

    /// GNU ld, given a script that puts every section where ELFLinker put it, must produce the same bytes.
    @Test func matchesGNULdByteForByte() throws {
        let object = try Toolchain.compileC(
            """
            struct node { struct node *next; const char *name; long value; };
            static const char names[] = "alpha\\0beta";
            struct node second = { 0, names + 6, 2 };
            struct node first = { &second, names, 1 };
            long scratch[8];
            __attribute__((noinline, section(".text.walk"))) long walk(struct node *n) {
                long total = 0;
                for (; n; n = n->next) total += n->value * n->name[0];
                return total;
            }
            long pick(int i) {
                switch (i & 3) {
                case 0: return 11;
                case 1: return walk(&first);
                case 2: return 7;
                default: return (long)&scratch[i & 7];
                }
            }
            void _start(void) { scratch[1] = walk(&first) + pick((int)scratch[0]); for (;;) {} }
            """)
        let image = try ELFLinker.link(object: object, at: 0x40_0000, entry: nil)
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let objectPath = directory.appendingPathComponent("in.o").path
        let outputPath = directory.appendingPathComponent("out.elf").path
        try Data(object).write(to: URL(fileURLWithPath: objectPath))
        var script = "SECTIONS {\n"
        for segment in image.segments {
            script += "  \(segment.name) 0x\(String(segment.address, radix: 16)) : { *(\(segment.name)) }\n"
        }
        try (script + "}\n").write(to: directory.appendingPathComponent("link.ld"), atomically: true, encoding: .utf8)
        try runTool(
            "ld",
            [
                "--no-warn-rwx-segments", "-o", outputPath, "-T", directory.appendingPathComponent("link.ld").path,
                objectPath,
            ])
        var compared = 0
        for segment in image.segments where segment.name != ".bss" {
            let dump = directory.appendingPathComponent("section.bin").path
            try runTool("objcopy", ["-O", "binary", "--only-section=\(segment.name)", outputPath, dump])
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: dump))) == segment.bytes, "\(segment.name)")
            compared += 1
        }
        #expect(compared >= 4)
    }

    /// Runs a binutils program, failing the test if it exits non-zero.
    func runTool(_ name: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(name) \(arguments) failed")
    }

    @Test func preprocessedAssemblyFindsIncludesBesideTheSource() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ".set FROM_INCLUDE, 7\n".write(
            to: directory.appendingPathComponent("common.inc"), atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("boot.S").path
        try """
        #define VALUE 5 // C-style comments are the preprocessor's
            .include "common.inc"
            .globl _start
        _start:
            mov $VALUE, %eax
            mov $FROM_INCLUDE, %ebx
        #ifdef EXTRA
            hlt
        #endif
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let image = try Toolchain.loadProgram(path: path, baseAddress: 0x7000, entry: nil, defines: ["EXTRA"])
        #expect(image.segments.first?.bytes == [0xb8, 5, 0, 0, 0, 0xbb, 7, 0, 0, 0, 0xf4])

        let plain = directory.appendingPathComponent("plain.s").path
        try "_start: mov $N, %eax\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let assembled = try Toolchain.loadProgram(path: plain, baseAddress: 0, entry: nil, defines: ["N=9"])
        #expect(assembled.segments.first?.bytes == [0xb8, 9, 0, 0, 0])

        let objectPath = directory.appendingPathComponent("prebuilt.o").path
        try Data(try Toolchain.buildObject(path: path)).write(to: URL(fileURLWithPath: objectPath))
        #expect(
            try Toolchain.loadProgram(path: objectPath, baseAddress: 0x7000, entry: nil).segments.first?.bytes.count
                == 10)

        let binPath = directory.appendingPathComponent("raw.bin").path
        try Data([0x90, 0xf4]).write(to: URL(fileURLWithPath: binPath))
        #expect(
            try Toolchain.loadProgram(path: binPath, baseAddress: 0x500, entry: nil) == .flat([0x90, 0xf4], at: 0x500))

        let unknown = directory.appendingPathComponent("notes.txt").path
        #expect(throws: LoadError.unsupportedFileExtension(path: unknown)) {
            try Toolchain.loadProgram(path: unknown, baseAddress: 0, entry: nil)
        }
        let missing = directory.appendingPathComponent("missing.o").path
        #expect(throws: LoadError.io(path: missing, reason: "no such file")) {
            try Toolchain.loadProgram(path: missing, baseAddress: 0, entry: nil)
        }
    }

    @Test func flatImageIsOneExecutableWritableSegment() {
        let image = ProgramImage.flat([1, 2, 3], at: 0x8000)
        #expect(image.entry == 0x8000 && image.symbols.isEmpty)
        #expect(
            image.segments == [
                .init(name: "flat", address: 0x8000, bytes: [1, 2, 3], isWritable: true, isExecutable: true)
            ])
    }

    // MARK: Snippets

    @Test func slicesThousandsOfSnippetsFromOneAssemblerRun() throws {
        var source = ""
        for index in 0..<2000 { source += "snippet_\(index): mov $\(index), %eax\n" }
        source += "far_jump: jmp elsewhere\n"
        let object = try Toolchain.assembleObject(source)
        let snippets = object.snippets()
        #expect(snippets.count == 2001)
        for (index, snippet) in snippets.prefix(2000).enumerated() {
            let value = UInt32(index)
            let expected: [UInt8] = [0xb8] + (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
            #expect(snippet.name == "snippet_\(index)" && snippet.bytes == expected && snippet.relocations.isEmpty)
        }
        let jump = try #require(object.snippet(named: "far_jump"))
        #expect(jump.bytes.count == 5 && jump.relocations.map(\.offset) == [1])
        #expect(object.snippet(named: "absent") == nil)
    }

    // MARK: Bad input

    @Test func rejectsEmptyTruncatedAndForeignFiles() throws {
        let object = try smallObject()
        #expect(throws: LoadError.emptyFile) { try ELFLinker.link(object: [], at: 0, entry: nil) }
        #expect(throws: LoadError.notELF(magic: Array("MZ\u{90}\u{0}".utf8).prefix(4).map { $0 })) {
            try ELFObject(bytes: Array("MZ\u{90}\u{0}rest".utf8))
        }
        #expect(throws: LoadError.truncated(what: "ELF header", offset: 0, length: 64, fileSize: 20)) {
            try ELFObject(bytes: Array(object.prefix(20)))
        }
        let tableOffset = u64(object, 40)
        let tableLength = UInt64(u16(object, 60) * 64)
        let cut = Array(object.prefix(Int(tableOffset) + 100))
        #expect(
            throws: LoadError.truncated(
                what: "section header table", offset: tableOffset, length: tableLength,
                fileSize: UInt64(cut.count))
        ) {
            try ELFObject(bytes: cut)
        }
        var machine = object
        machine[18] = 3  // EM_386
        #expect(throws: LoadError.unsupportedMachine(3)) { try ELFObject(bytes: machine) }
        var elfClass = object
        elfClass[4] = 1  // ELFCLASS32
        #expect(throws: LoadError.unsupportedClass(1)) { try ELFObject(bytes: elfClass) }
        var order = object
        order[5] = 2  // big-endian
        #expect(throws: LoadError.unsupportedByteOrder(2)) { try ELFObject(bytes: order) }
        var executable = object
        executable[16] = 2  // ET_EXEC
        #expect(throws: LoadError.unsupportedFileType(2)) { try ELFObject(bytes: executable) }
    }

    @Test func rejectsUnknownRelocationType() throws {
        var bytes = try smallObject()
        let object = try ELFObject(bytes: bytes)
        let relocations = try #require(object.section(named: ".rela.text"))
        let first = try #require(object.relocationSections.first { $0.name == ".rela.text" }?.relocations.first)
        bytes[Int(relocations.fileOffset) + 8] = 42  // r_info low byte: R_X86_64_REX_GOTPCRELX
        #expect(throws: LoadError.unsupportedRelocation(type: 42, section: ".text", offset: first.offset)) {
            try ELFLinker.link(object: bytes, at: 0x1000, entry: nil)
        }
    }

    @Test func rejectsUndefinedSymbols() {
        #expect(throws: LoadError.undefinedSymbol("missing_function")) {
            try Toolchain.assembleProgram("_start: call missing_function", at: 0x1000)
        }
    }

    @Test func rejectsRelocationOverflow() throws {
        let absolute = """
                .globl _start, target
            _start:
                .long target
            target:
                nop
            """
        #expect(
            throws: LoadError.relocationOverflow(
                type: 10, symbol: "target", section: ".text", offset: 0,
                value: 0x1_0000_0004)
        ) {
            try Toolchain.assembleProgram(absolute, at: 0x1_0000_0000)
        }
        #expect(
            try Toolchain.assembleProgram(absolute, at: 0xffff_0000).segments.first?.bytes.prefix(4)
                == [4, 0, 0xff, 0xff][...])
        let relative = """
                .globl _start, target
            _start:
                lea target+0x90000000(%rip), %rax
            target:
                nop
            """
        // S + A - P = (0x1007) + (0x90000000 - 4) - 0x1003 does not fit a signed 32-bit displacement.
        #expect(
            throws: LoadError.relocationOverflow(
                type: 2, symbol: "target", section: ".text", offset: 3,
                value: 0x9000_0000)
        ) {
            try Toolchain.assembleProgram(relative, at: 0x1000)
        }
    }

    @Test func reportsToolFailuresAndMissingTools() throws {
        do {
            _ = try Toolchain.assemble("bogus_instruction %eax")
            Issue.record("assembling garbage succeeded")
        } catch {
            guard case .toolFailed(let tool, let status, let stderr) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(tool == "as" && status != 0 && stderr.contains("no such instruction"))
        }
        #expect(throws: LoadError.toolNotFound(tool: "tinyvmx-no-such-tool", package: "nothing")) {
            try Toolchain.run(Toolchain.Tool(name: "tinyvmx-no-such-tool", package: "nothing"), [])
        }
        #expect(
            LoadError.toolNotFound(tool: "as", package: "binutils").description.contains("apt-get install binutils"))
    }

    /// Every truncation and many random corruptions of a valid object must end in a value or a typed error.
    @Test func survivesTruncationAndCorruption() throws {
        let object = try Toolchain.assemble(
            """
                .globl _start
                .weak maybe
            _start:
                call helper
                movabs $maybe, %rax
                .long buffer
                .comm shared, 64, 16
                .section .text.helper, "ax", @progbits
            helper:
                lea value(%rip), %rax
                ret
                .data
            value:
                .quad _start, shared
                .bss
                .balign 32
            buffer:
                .skip 48
            """)
        for length in 0..<object.count {
            _ = try? ELFLinker.link(object: Array(object.prefix(length)), at: 0x1000, entry: nil)
        }
        // Half of the corruptions hit the ELF header, section header table, symbol table or relocations.
        let parsed = try ELFObject(bytes: object)
        var tables = [0..<64, Int(u64(object, 40))..<object.count]
        for section in parsed.sections where section.type == 2 || section.type == 4 {
            tables.append(Int(section.fileOffset)..<Int(section.fileOffset + section.size))
        }
        let iterations = ProcessInfo.processInfo.environment["TINYVMX_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
        let seed = ProcessInfo.processInfo.environment["TINYVMX_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5eed
        var generator = SplitMix64(seed: seed)
        for _ in 0..<iterations {
            var bytes = object
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let range =
                    generator.next() % 2 == 0 ? 0..<bytes.count : tables[Int(generator.next() % UInt64(tables.count))]
                let index = range.lowerBound + Int(generator.next() % UInt64(range.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if let corrupted = try? ELFObject(bytes: bytes) {
                for section in corrupted.sections { _ = corrupted.snippets(inSection: section.name) }
                _ = corrupted.snippet(named: "helper")
            }
            do {
                let image = try ELFLinker.link(object: bytes, at: 0x1000, entry: "0x1000")
                #expect(image.entry == 0x1000)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}

/// Several objects linked into one image (the CR2 lab links harness, routine, vmenter and guest this way).
@Suite struct MultiObjectLinkTests {
    static func object(_ source: String) throws -> ELFObject { try Toolchain.assembleObject(source) }

    @Test func referencesResolveAcrossObjects() throws {
        let a = try Self.object(".globl _start\n_start: call helper\n movabs $value, %rax\n hlt\n")
        let b = try Self.object(".globl helper, value\nhelper: ret\n .data\nvalue: .quad 7\n")
        let image = try ELFLinker.link([a, b], at: 0x400000, entry: nil)
        let machine = Machine()
        machine.load(image)
        #expect(machine.run().stop == .halt)
        #expect(machine[.rax] == image.symbols["value"])
        #expect(image.symbols["helper"]! > image.symbols["_start"]!)
    }

    @Test func aGlobalDefinedTwiceIsAnError() throws {
        let a = try Self.object(".globl _start, twice\n_start: hlt\ntwice: ret\n")
        let b = try Self.object(".globl twice\ntwice: ret\n")
        #expect(throws: LoadError.duplicateSymbol("twice")) { try ELFLinker.link([a, b], at: 0x400000, entry: nil) }
    }

    @Test func aGlobalBeatsAWeakAndLocalsStayPrivate() throws {
        let a = try Self.object(".globl _start\n.weak pick\n_start: call pick\n call local\n hlt\npick: mov $1, %eax\n ret\nlocal: mov $10, %ebx\n ret\n")
        let b = try Self.object(".globl pick\npick: mov $2, %eax\n ret\nlocal: mov $20, %ebx\n ret\n")
        let machine = Machine()
        machine.load(try ELFLinker.link([a, b], at: 0x400000, entry: nil))
        #expect(machine.run().stop == .halt)
        #expect(machine[.rax] == 2 && machine[.rbx] == 10)
    }

    @Test func anUndefinedSymbolNamesItself() throws {
        let a = try Self.object(".globl _start\n_start: call nowhere\n hlt\n")
        #expect(throws: LoadError.undefinedSymbol("nowhere")) { try ELFLinker.link([a], at: 0x400000, entry: nil) }
    }
}

/// `Machine.run(until:)`: stops where control transfers to an address, never where it starts.
@Suite struct BreakpointTests {
    @Test func stopsAtACallTargetAndAReturnAddress() throws {
        let object = try Toolchain.assembleObject(
            ".globl _start, target, back\n_start: call target\nback: hlt\ntarget: mov $5, %eax\n ret\n")
        let image = try ELFLinker.link([object], at: 0x400000, entry: nil)
        let machine = Machine()
        machine.load(image)
        let first = machine.run(until: [image.symbols["target"]!, image.symbols["back"]!])
        #expect(first.stop == .breakpoint && first.rip == image.symbols["target"] && machine[.rax] == 0)
        let second = machine.run(until: [image.symbols["target"]!, image.symbols["back"]!])
        #expect(second.stop == .breakpoint && second.rip == image.symbols["back"] && machine[.rax] == 5)
        #expect(machine.run().stop == .halt)
    }
}
