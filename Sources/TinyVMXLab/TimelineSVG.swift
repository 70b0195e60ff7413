/// A timeline of one transition per variant as SVG: one cell per instruction boundary of the routine (guest
/// boundaries included), coloured by who owns CR2 there, with the VM entry/exit, the CR2 writes and the
/// after-exit NMI window marked. Hovering a cell shows its boundary, RIP, instruction and CR2.
public struct TimelineSVG: Sendable {
    public struct Row: Sendable {
        public var variant: String
        public var window: TransitionWindow
        /// What an NMI injected at each boundary saw (from a sweep); nil: use the CR2 live at the boundary.
        public var nmiSaw: [CR2Owner?]?

        public init(variant: String, window: TransitionWindow, nmiSaw: [CR2Owner?]?) {
            self.variant = variant
            self.window = window
            self.nmiSaw = nmiSaw
        }
    }

    public var title: String
    public var rows: [Row]

    public init(title: String, rows: [Row]) {
        self.title = title
        self.rows = rows
    }

    static let colours: [CR2Owner: String] = [.host: "#4c78a8", .guest: "#f58518", .other: "#bab0ac"]

    public var rendered: String {
        let longest = max(rows.map(\.window.boundaries.count).max() ?? 1, 1)
        let cell = max(3.0, min(9.0, 1100.0 / Double(longest)))
        let left = 90.0
        let rowHeight = 64.0
        let width = left + cell * Double(longest) + 170
        let height = 60 + rowHeight * Double(rows.count) + 70
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            font-family="monospace" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="8" y="18" font-size="13">\(Self.escape(title))</text>
            <text x="\(left)" y="36" fill="#555">instruction boundaries of vmx_vcpu_enter_exit, first instruction \
            to the boundary after its RET →</text>

            """
        for (r, row) in rows.enumerated() {
            let y = 50 + rowHeight * Double(r)
            out += "<text x=\"8\" y=\"\(y + 20)\" font-size=\"12\">\(Self.escape(row.variant))</text>\n"
            let boundaries = row.window.boundaries
            for (i, b) in boundaries.enumerated() {
                let x = left + cell * Double(i)
                let owner = row.nmiSaw?[i] ?? b.owner
                let tip = "#\(b.index) \(b.phase.rawValue) rip 0x\(String(b.rip, radix: 16)) \(b.instruction) "
                    + "CR2 0x\(String(b.cr2, radix: 16)) (\(owner.rawValue))" + (b.event.map { " → \($0)" } ?? "")
                out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"26\" "
                    + "fill=\"\(Self.colours[owner]!)\"><title>\(Self.escape(tip))</title></rect>\n"
                if b.phase == .guest {
                    out += "<rect x=\"\(x)\" y=\"\(y + 28)\" width=\"\(cell)\" height=\"6\" fill=\"#444\"/>\n"
                }
                if b.cr2Access == "write" {
                    out += "<path d=\"M\(x) \(y - 1) l\(cell / 2) 6 l\(cell / 2) -6 z\" fill=\"black\">"
                        + "<title>MOV to CR2</title></path>\n"
                }
                if let event = b.event, event.hasPrefix("VM") {
                    let mark = x + cell
                    out += "<line x1=\"\(mark)\" y1=\"\(y - 4)\" x2=\"\(mark)\" y2=\"\(y + 40)\" stroke=\"black\" "
                        + "stroke-width=\"1.5\"/><text x=\"\(mark + 2)\" y=\"\(y + 46)\" font-size=\"10\">"
                        + "\(Self.escape(event))</text>\n"
                }
            }
            // The after-exit NMI window: after-exit boundaries where CR2 (or what the NMI saw) was the guest's.
            let window = boundaries.indices.filter {
                boundaries[$0].phase == .afterExit && (row.nmiSaw?[$0] ?? boundaries[$0].owner) == .guest
            }
            if let first = window.first, let last = window.last {
                let x = left + cell * Double(first)
                out += "<rect x=\"\(x)\" y=\"\(y - 3)\" width=\"\(cell * Double(last - first + 1))\" height=\"32\" "
                    + "fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n"
            }
            let end = left + cell * Double(boundaries.count) + 6
            let lingering = row.window.guestCR2BoundariesAfterReturn
            let note = lingering > 0
                ? "NMI window \(window.count) + \(lingering) after RET → \(row.window.afterReturnEnd)"
                : "NMI window \(window.count), closed before RET"
            out += "<text x=\"\(end)\" y=\"\(y + 17)\" fill=\"#d62728\">\(Self.escape(note))</text>\n"
        }
        let legendY = 50 + rowHeight * Double(rows.count) + 10
        out += """
            <rect x="8" y="\(legendY)" width="12" height="12" fill="\(Self.colours[.host]!)"/>\
            <text x="24" y="\(legendY + 10)">host CR2</text>
            <rect x="100" y="\(legendY)" width="12" height="12" fill="\(Self.colours[.guest]!)"/>\
            <text x="116" y="\(legendY + 10)">guest CR2</text>
            <rect x="200" y="\(legendY)" width="12" height="12" fill="\(Self.colours[.other]!)"/>\
            <text x="216" y="\(legendY + 10)">other</text>
            <rect x="270" y="\(legendY + 3)" width="24" height="6" fill="#444"/>\
            <text x="300" y="\(legendY + 10)">guest running</text>
            <rect x="410" y="\(legendY)" width="24" height="12" fill="none" stroke="#d62728" stroke-width="2"/>\
            <text x="440" y="\(legendY + 10)">NMI window after VM exit (an NMI here sees the guest's CR2)</text>
            <path d="M8 \(legendY + 24) l6 6 l6 -6 z" fill="black"/><text x="24" y="\(legendY + 32)">MOV to CR2</text>
            </svg>

            """
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
