import Foundation

/// Builds loadable programs from source files and strings with the system toolchain (GNU `as` and `cc`).
///
/// By file extension (case-sensitive):
/// - `.s`: `as --64 -I DIR [--defsym NAME=VALUE...] -o OUT IN`, DIR being the source's directory so that
///   `.include "x.inc"` finds files beside it.
/// - `.S`: two steps, so each tool reports its own failure: `cc -E -x assembler-with-cpp -I DIR [-D...] -o PRE IN`,
///   then `as` as above on the preprocessed text (whose line markers keep diagnostics pointing at `IN`).
/// - `.c`: `cc` with ``cFlags`` `-I DIR [-D...] -c -o OUT IN`.
/// - `.o`: read as is. `.bin`: a flat binary (``ProgramImage/flat(_:at:)``), entered at its first byte.
///
/// AT&T and Intel syntax both work: a file selects Intel with its own `.intel_syntax noprefix` directive; the
/// string helpers take a ``Syntax`` and add that directive for you. Objects are linked by ``ELFLinker``.
/// Intermediate files live in a fresh directory under the system temporary directory, removed before returning,
/// so concurrent calls never collide. Every function here runs external processes and blocks until they finish.
public enum Toolchain {
    /// The assembly syntax of a source string.
    public enum Syntax: Sendable, Equatable {
        /// AT&T syntax, GNU `as`'s default (`mov $1, %eax`).
        case att
        /// Intel syntax without register prefixes (`mov eax, 1`): `.intel_syntax noprefix` is prepended.
        case intel
    }

    /// The flags `cc` compiles C with: freestanding, non-PIC kernel-style code for addresses below 2 GiB.
    ///
    /// `-fno-pic -fno-pie -mcmodel=small` makes every absolute reference an `R_X86_64_32`/`32S` field and every call
    /// a `PLT32` one, all resolved by ``ELFLinker`` without a GOT or PLT, so the program must be loaded below 2 GiB
    /// (`-mcmodel=kernel` would require the top 2 GiB instead). `-mno-red-zone` keeps interrupt and exception frames
    /// from clobbering leaf functions' locals; `-mgeneral-regs-only` keeps SSE/x87 out of generated code (as in
    /// kernels; floating point in C becomes a compile error); no stack protector, unwind tables or CET notes, which
    /// would need a runtime or load unused sections; `-fno-common` puts tentative definitions in `.bss`.
    public static let cFlags: [String] = [
        "-O2", "-ffreestanding", "-fno-pic", "-fno-pie", "-mcmodel=small", "-mno-red-zone", "-mgeneral-regs-only",
        "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fcf-protection=none",
        "-fno-common",
    ]

    /// Builds (if needed) and links the program in a file, choosing the tools by its extension.
    /// - Parameters:
    ///   - path: A `.S`, `.s`, `.c`, `.o` or `.bin` file.
    ///   - baseAddress: The guest address of the first section (or of a flat binary's first byte).
    ///   - entry: The entry symbol or a decimal/`0x` address; `nil` means `_start` (ignored for `.bin`: the entry is
    ///     `baseAddress`).
    ///   - defines: `NAME` or `NAME=VALUE` macros: `-D` for `.S` and `.c`, `--defsym` for `.s` (value 1 if omitted).
    /// - Returns: The linked image.
    /// - Throws: ``LoadError/unsupportedFileExtension(path:)``, ``LoadError/io(path:reason:)``,
    ///   ``LoadError/toolNotFound(tool:package:)``, ``LoadError/toolFailed(tool:status:stderr:)``, or any parse or
    ///   link error of ``ELFLinker``.
    public static func loadProgram(
        path: String, baseAddress: UInt64, entry: String?, defines: [String] = []
    ) throws(LoadError) -> ProgramImage {
        if URL(fileURLWithPath: path).pathExtension == "bin" {
            return ProgramImage.flat(try readFile(path), at: baseAddress)
        }
        return try ELFLinker.link(object: buildObject(path: path, defines: defines), at: baseAddress, entry: entry)
    }

    /// Turns a `.S`, `.s` or `.c` file into relocatable object bytes, or reads a `.o` file.
    /// - Parameters:
    ///   - path: The source or object file.
    ///   - defines: `NAME` or `NAME=VALUE` macros, as for ``loadProgram(path:baseAddress:entry:defines:)``.
    ///   - includeDirectories: More `-I` directories for `.S` and `.c` (the file's own directory is always one).
    /// - Returns: The ELF object file's bytes.
    /// - Throws: ``LoadError/unsupportedFileExtension(path:)`` (also for `.bin`), ``LoadError/io(path:reason:)``,
    ///   ``LoadError/toolNotFound(tool:package:)``, ``LoadError/toolFailed(tool:status:stderr:)``.
    public static func buildObject(
        path: String, defines: [String] = [], includeDirectories: [String] = []
    ) throws(LoadError) -> [UInt8] {
        let includes = includeDirectories.flatMap { ["-I", $0] }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        switch url.pathExtension {
        case "o":
            return try readFile(path)
        case "s":
            guard FileManager.default.fileExists(atPath: path) else { throw .io(path: path, reason: "no such file") }
            return try withTemporaryDirectory { (temporary) throws(LoadError) in
                try runAssembler(input: path, includeDirectory: directory, defines: defines, in: temporary)
            }
        case "S":
            guard FileManager.default.fileExists(atPath: path) else { throw .io(path: path, reason: "no such file") }
            return try withTemporaryDirectory { (temporary) throws(LoadError) in
                let preprocessed = temporary + "/preprocessed.s"
                try run(
                    .compiler,
                    ["-E", "-x", "assembler-with-cpp", "-I", directory] + includes
                        + defines.map { "-D" + $0 } + ["-o", preprocessed, path])
                return try runAssembler(input: preprocessed, includeDirectory: directory, defines: [], in: temporary)
            }
        case "c":
            guard FileManager.default.fileExists(atPath: path) else { throw .io(path: path, reason: "no such file") }
            return try withTemporaryDirectory { (temporary) throws(LoadError) in
                let output = temporary + "/out.o"
                try run(
                    .compiler, cFlags + ["-I", directory] + includes + defines.map { "-D" + $0 } + ["-c", "-o", output, path])
                return try readFile(output)
            }
        default:
            throw .unsupportedFileExtension(path: path)
        }
    }

    /// Assembles a source string with one `as` run and returns the object file's bytes.
    ///
    /// Assemble many snippets at once by labelling each and passing the concatenation; then slice the result with
    /// ``assembleObject(_:syntax:)`` and ``ELFObject/snippets(inSection:)``.
    /// - Parameters:
    ///   - source: Assembly text (any GNU `as` directives, sections and labels).
    ///   - syntax: ``Syntax/att`` (default) or ``Syntax/intel``.
    /// - Returns: The ELF64 relocatable object.
    /// - Throws: ``LoadError/toolNotFound(tool:package:)``, ``LoadError/toolFailed(tool:status:stderr:)`` with the
    ///   assembler's messages, ``LoadError/io(path:reason:)``.
    public static func assemble(_ source: String, syntax: Syntax = .att) throws(LoadError) -> [UInt8] {
        try withTemporaryDirectory { (temporary) throws(LoadError) in
            let input = temporary + "/source.s"
            let text = (syntax == .intel ? ".intel_syntax noprefix\n" : "") + source + "\n"
            try writeFile(input, text)
            return try runAssembler(input: input, includeDirectory: temporary, defines: [], in: temporary)
        }
    }

    /// Assembles a source string and parses the object, for access to its sections, symbols and snippets.
    /// - Parameters:
    ///   - source: Assembly text.
    ///   - syntax: ``Syntax/att`` (default) or ``Syntax/intel``.
    /// - Returns: The parsed object.
    /// - Throws: The errors of ``assemble(_:syntax:)`` and of ``ELFObject/init(bytes:)``.
    public static func assembleObject(_ source: String, syntax: Syntax = .att) throws(LoadError) -> ELFObject {
        try ELFObject(bytes: assemble(source, syntax: syntax))
    }

    /// Assembles a source string and links it at `baseAddress`.
    /// - Parameters:
    ///   - source: Assembly text.
    ///   - baseAddress: The guest address of the first section.
    ///   - entry: The entry symbol or a decimal/`0x` address; `nil` means `_start`.
    ///   - syntax: ``Syntax/att`` (default) or ``Syntax/intel``.
    /// - Returns: The linked image.
    /// - Throws: The errors of ``assemble(_:syntax:)`` and of ``ELFLinker/link(object:at:entry:)``.
    public static func assembleProgram(
        _ source: String, at baseAddress: UInt64, entry: String? = nil, syntax: Syntax = .att
    ) throws(LoadError) -> ProgramImage {
        try ELFLinker.link(object: assemble(source, syntax: syntax), at: baseAddress, entry: entry)
    }

    /// Compiles a C source string with ``cFlags`` and returns the object file's bytes.
    /// - Parameters:
    ///   - source: C text (freestanding: only compiler-provided headers such as `<stdint.h>` are available).
    ///   - extraFlags: More `cc` arguments, placed after ``cFlags``.
    /// - Returns: The ELF64 relocatable object.
    /// - Throws: ``LoadError/toolNotFound(tool:package:)``, ``LoadError/toolFailed(tool:status:stderr:)`` with the
    ///   compiler's messages, ``LoadError/io(path:reason:)``.
    public static func compileC(_ source: String, extraFlags: [String] = []) throws(LoadError) -> [UInt8] {
        try withTemporaryDirectory { (temporary) throws(LoadError) in
            let input = temporary + "/source.c"
            let output = temporary + "/out.o"
            try writeFile(input, source)
            try run(.compiler, cFlags + extraFlags + ["-c", "-o", output, input])
            return try readFile(output)
        }
    }
}

// MARK: - Processes and files

extension Toolchain {
    /// An external program and the Debian package that provides it, as named in
    /// ``LoadError/toolNotFound(tool:package:)``.
    public struct Tool: Sendable, Equatable {
        /// The executable's name, looked up on `PATH`.
        public var name: String
        /// The Debian package to install when it is missing.
        public var package: String

        /// Describes a tool.
        /// - Parameters:
        ///   - name: The executable's name, looked up on `PATH`.
        ///   - package: The Debian package that provides it.
        public init(name: String, package: String) {
            self.name = name
            self.package = package
        }

        /// GNU `as`, from `binutils`.
        public static let assembler = Tool(name: "as", package: "binutils")
        /// The system C compiler driver `cc`, from `gcc` (also the `.S` preprocessor).
        public static let compiler = Tool(name: "cc", package: "gcc")
    }

    /// Runs `as --64` on `input` and returns the object's bytes.
    private static func runAssembler(
        input: String, includeDirectory: String, defines: [String], in temporary: String
    ) throws(LoadError) -> [UInt8] {
        let output = temporary + "/out.o"
        let symbols = defines.flatMap { ["--defsym", $0.contains("=") ? $0 : $0 + "=1"] }
        try run(.assembler, ["--64", "-I", includeDirectory] + symbols + ["-o", output, input])
        return try readFile(output)
    }

    /// Runs `tool` with `arguments` and waits for it, its standard error captured in a file (no pipe to fill and
    /// deadlock on) and its standard output discarded.
    /// - Parameters:
    ///   - tool: The program to run.
    ///   - arguments: Its arguments (no shell is involved).
    /// - Throws: ``LoadError/toolNotFound(tool:package:)`` if it is not on `PATH`,
    ///   ``LoadError/toolFailed(tool:status:stderr:)`` if it exits non-zero or is killed (status 128 + signal).
    public static func run(_ tool: Tool, _ arguments: [String]) throws(LoadError) {
        guard let executable = find(tool.name) else { throw .toolNotFound(tool: tool.name, package: tool.package) }
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tinyvmx-\(UUID().uuidString).err"
        ).path
        guard FileManager.default.createFile(atPath: errorPath, contents: nil),
            let errorHandle = FileHandle(forWritingAtPath: errorPath)
        else {
            throw .io(path: errorPath, reason: "cannot create a file for \(tool.name)'s error output")
        }
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        process.environment = environment
        do {
            try process.run()
        } catch {
            try? errorHandle.close()
            throw .toolFailed(tool: tool.name, status: -1, stderr: "cannot start \(executable): \(error)")
        }
        process.waitUntilExit()
        try? errorHandle.close()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        guard status == 0 else {
            let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw .toolFailed(tool: tool.name, status: status, stderr: message)
        }
    }

    /// `name` itself if it is a path, else the first executable called `name` in the directories of `PATH`.
    private static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Calls `body` with a new empty directory, removing it (and all it holds) afterwards.
    private static func withTemporaryDirectory<T>(_ body: (String) throws(LoadError) -> T) throws(LoadError) -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .io(path: url.path, reason: "cannot create temporary directory: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// The bytes of the file at `path`.
    static func readFile(_ path: String) throws(LoadError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw .io(path: path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot read file")
        }
        return [UInt8](data)
    }

    /// Writes `text` as UTF-8 to `path`.
    private static func writeFile(_ path: String, _ text: String) throws(LoadError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw .io(path: path, reason: "cannot write file")
        }
    }
}
