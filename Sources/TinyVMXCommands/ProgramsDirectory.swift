import Foundation

/// Where the repository's `Programs/` folder is: `$TINYVMX_PROGRAMS`, else `./Programs`, else the one next to
/// these sources (a build from the repository).
public enum ProgramsDirectory {
    public static var path: String {
        if let env = ProcessInfo.processInfo.environment["TINYVMX_PROGRAMS"] { return env }
        if FileManager.default.fileExists(atPath: "Programs/bench") { return "Programs" }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Programs").path
    }

    /// The path of a file inside `Programs/`.
    public static func file(_ relative: String) -> String { path + "/" + relative }
}
