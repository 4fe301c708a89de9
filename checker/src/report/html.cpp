// SPDX-License-Identifier: MIT
/// \file The HTML view of a trace (see html.hpp).
#include "report/html.hpp"

#include "report/timeline.hpp"

#include <algorithm>
#include <map>

namespace mmcheck {
namespace {

std::string esc(const std::string& s) {
    std::string o;
    for (const char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

/// Cut to `n` characters (UTF-8 aware enough: never splits a multi-byte sequence).
std::string cut(const std::string& s, std::size_t n) {
    if (s.size() <= n) return s;
    std::size_t k = n - 1;
    while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    return s.substr(0, k) + "\xE2\x80\xA6";  // …
}

std::string basename(const std::string& f) {
    const auto slash = f.rfind('/');
    return slash == std::string::npos ? f : f.substr(slash + 1);
}

// Same rules as dot.cpp: a release fence po-before the write, an acquire fence po-after the read.
bool release_side(const Trace& t, const TraceEvent& w) {
    if (is_release(w.mode)) return true;
    for (const auto& e : t.events)
        if (e.thread == w.thread && e.index < w.index && e.kind == EventKind::Fence && is_release(e.mode)) return true;
    return false;
}
bool acquire_side(const Trace& t, const TraceEvent& r) {
    if (is_acquire(r.mode)) return true;
    for (const auto& e : t.events)
        if (e.thread == r.thread && e.index > r.index && e.kind == EventKind::Fence && is_acquire(e.mode)) return true;
    return false;
}

constexpr double kCharW = 7.2;    // 12px monospace
constexpr double kRowH = 46;
constexpr double kBoxH = 36;
constexpr double kTop = 56;       // below the thread headers
constexpr double kGutter = 64;    // step numbers
constexpr double kPad = 120;      // room for edges between columns
constexpr std::size_t kMaxChars = 64;

const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#1b1f24;background:#fff}
h1{font-size:18px;margin:0 0 4px}
.sub{color:#555;font-size:13px;margin-bottom:8px}
.violation{border-left:4px solid #c62828;background:#fdecea;padding:6px 10px;margin:8px 0 12px;font-size:14px}
.legend{font-size:12px;color:#333;margin:6px 0}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:22px;height:0;border-top:2px solid;vertical-align:middle;margin-right:4px}
svg text{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
svg .th-name{font-family:system-ui,sans-serif;font-size:14px;font-weight:600}
svg .th-box{fill:#eef2f7;stroke:#9aa7b8}
svg .col{fill:#f8f9fb}
svg .ev rect{fill:#fff;stroke:#b0b8c4;rx:4}
svg .ev.write rect{fill:#fff8e6}
svg .ev.read rect{fill:#eef7ff}
svg .ev.fence rect{fill:#f3f3f3}
svg .ev.stale rect{fill:#ffe9e9;stroke:#c62828;stroke-width:2}
svg .ev.culprit rect{stroke:#c62828;stroke-width:3}
svg .lbl{fill:#5a3d99;font-size:11px}
svg .op{fill:#111}
svg .seq{fill:#777}
svg .src{fill:#777;font-size:11px}
svg .edge{fill:none;stroke-width:1.6}
svg .rf{stroke:#2e7d32}
svg .co{stroke:#ef6c00;stroke-dasharray:5 3}
svg .fr{stroke:#e57373;stroke-width:1.3;stroke-dasharray:1 3}
svg .fr.stale{stroke:#c62828;stroke-width:2.6;stroke-dasharray:none}
svg .sw{stroke:#1565c0;stroke-dasharray:2 3}
svg .edge-label{font-size:10px}
table{border-collapse:collapse;font-size:13px;margin-top:6px}
td,th{border:1px solid #ccd;padding:3px 8px;text-align:left}
th{background:#eef2f7}
.changed{font-weight:600}
)css";

}  // namespace

std::string render_html(const Trace& t, const HtmlOptions& options) {
    // Text of each event: its step label and its operation (the timeline's cell without label).
    struct Cell {
        std::string label, op, src;
    };
    std::map<std::uint32_t, Cell> cells;
    std::map<ThreadId, std::size_t> width_chars;
    for (const auto& e : t.events) {
        TraceEvent bare = e;
        bare.label.clear();
        Cell c{e.label, event_cell_text(t, bare), e.file.empty() ? "" : basename(e.file) + ":" + std::to_string(e.line)};
        width_chars[e.thread] = std::max({width_chars[e.thread], std::min(c.op.size(), kMaxChars), std::min(c.label.size(), kMaxChars)});
        cells[e.seq] = std::move(c);
    }
    // Column geometry.
    std::map<ThreadId, double> col_x, col_w;
    double x = kGutter;
    for (const auto& th : t.threads) {
        const std::string head = "T" + std::to_string(th.id) + " " + th.name;
        const double w = std::max({180.0, (static_cast<double>(width_chars[th.id]) + 2) * kCharW + 16,
                                   std::min<double>(static_cast<double>(head.size()), kMaxChars) * 8.0 + 24});
        col_x[th.id] = x;
        col_w[th.id] = w;
        x += w + kPad;
    }
    const double src_x = x;
    const double width = src_x + 140;
    const double height = kTop + static_cast<double>(t.events.size()) * kRowH + 16;
    const auto row_y = [](std::uint32_t seq) { return kTop + (seq - 1) * kRowH; };
    const auto box_l = [&](const TraceEvent& e) { return col_x[e.thread] + 8; };
    const auto box_r = [&](const TraceEvent& e) { return col_x[e.thread] + col_w[e.thread] - 8; };
    const auto mid_y = [&](const TraceEvent& e) { return row_y(e.seq) + kBoxH / 2; };

    // An edge between two events: side to side across columns, a bow on the right within one.
    const auto edge = [&](const TraceEvent& a, const TraceEvent& b, const std::string& cls, const std::string& label) {
        double x1, y1 = mid_y(a), x2, y2 = mid_y(b);
        std::string d;
        if (a.thread == b.thread) {
            x1 = box_r(a);
            x2 = box_r(b);
            const double bow = 14 + std::min(60.0, std::abs(y2 - y1) / 8);
            d = "M" + num(x1) + "," + num(y1 - 6) + " C" + num(x1 + bow) + "," + num(y1 - 6) + " " + num(x2 + bow) + "," +
                num(y2 + 6) + " " + num(x2) + "," + num(y2 + 6);
        } else {
            const bool right = col_x[a.thread] < col_x[b.thread];
            x1 = right ? box_r(a) : box_l(a);
            x2 = right ? box_l(b) : box_r(b);
            const double dx = (x2 - x1) * 0.45;
            d = "M" + num(x1) + "," + num(y1) + " C" + num(x1 + dx) + "," + num(y1) + " " + num(x2 - dx) + "," + num(y2) + " " +
                num(x2) + "," + num(y2);
        }
        const std::string kind = cls.substr(0, cls.find(' '));
        std::string s = "<path class=\"edge " + cls + "\" data-from=\"" + std::to_string(a.seq) + "\" data-to=\"" +
                        std::to_string(b.seq) + "\" d=\"" + d + "\" marker-end=\"url(#arrow-" + kind + ")\"><title>" + esc(label) +
                        ": #" + std::to_string(a.seq) + " -> #" + std::to_string(b.seq) + "</title></path>\n";
        return s;
    };

    std::string svg;
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " +
           num(width) + " " + num(height) + "\" role=\"img\">\n<defs>\n";
    for (const auto& [cls, color] : std::vector<std::pair<std::string, std::string>>{
             {"rf", "#2e7d32"}, {"co", "#ef6c00"}, {"fr", "#c62828"}, {"sw", "#1565c0"}})
        svg += "<marker id=\"arrow-" + cls + "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
               "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" + color + "\"/></marker>\n";
    svg += "</defs>\n";
    // Thread columns with their headers and events.
    for (const auto& th : t.threads) {
        const double cx = col_x[th.id], cw = col_w[th.id];
        svg += "<g class=\"thread\" data-thread=\"" + std::to_string(th.id) + "\">\n";
        svg += "<rect class=\"col\" x=\"" + num(cx) + "\" y=\"" + num(kTop - 8) + "\" width=\"" + num(cw) + "\" height=\"" +
               num(height - kTop) + "\"/>\n";
        svg += "<rect class=\"th-box\" x=\"" + num(cx) + "\" y=\"6\" width=\"" + num(cw) + "\" height=\"36\" rx=\"4\"/>\n";
        const std::string head = "T" + std::to_string(th.id) + " " + th.name;
        svg += "<text class=\"th-name\" x=\"" + num(cx + 10) + "\" y=\"29\">" + esc(cut(head, static_cast<std::size_t>((cw - 20) / 8))) +
               "<title>" + esc(head) + "</title></text>\n";
        for (const auto& e : t.events) {
            if (e.thread != th.id) continue;
            const Cell& c = cells[e.seq];
            const bool culprit = (t.violation.event && *t.violation.event == e.seq) || (t.violation.other && *t.violation.other == e.seq);
            std::string cls = "ev";
            cls += e.kind == EventKind::Read ? " read" : e.kind == EventKind::Write ? " write" : e.kind == EventKind::Fence ? " fence" : " other";
            if (e.stale) cls += " stale";
            if (culprit) cls += " culprit";
            const double y = row_y(e.seq);
            svg += "<g class=\"event " + cls + "\" data-seq=\"" + std::to_string(e.seq) + "\" data-thread=\"" + std::to_string(e.thread) + "\">";
            svg += "<title>" + esc("#" + std::to_string(e.seq) + " " + (c.label.empty() ? "" : c.label + ": ") + c.op +
                                   (c.src.empty() ? "" : "  [" + e.file + ":" + std::to_string(e.line) + "]")) + "</title>";
            svg += "<rect x=\"" + num(box_l(e)) + "\" y=\"" + num(y) + "\" width=\"" + num(box_r(e) - box_l(e)) + "\" height=\"" +
                   num(kBoxH) + "\"/>";
            const std::size_t max_chars = static_cast<std::size_t>((box_r(e) - box_l(e) - 12) / kCharW);
            if (c.label.empty()) {
                svg += "<text class=\"op\" x=\"" + num(box_l(e) + 6) + "\" y=\"" + num(y + 22) + "\">" + esc(cut(c.op, max_chars)) + "</text>";
            } else {
                svg += "<text class=\"lbl\" x=\"" + num(box_l(e) + 6) + "\" y=\"" + num(y + 14) + "\">" + esc(cut(c.label, max_chars)) + "</text>";
                svg += "<text class=\"op\" x=\"" + num(box_l(e) + 6) + "\" y=\"" + num(y + 30) + "\">" + esc(cut(c.op, max_chars)) + "</text>";
            }
            svg += "</g>\n";
        }
        svg += "</g>\n";
    }
    // Step numbers and source lines.
    svg += "<g class=\"gutter\">";
    for (const auto& e : t.events) {
        svg += "<text class=\"seq\" x=\"8\" y=\"" + num(row_y(e.seq) + 22) + "\">#" + std::to_string(e.seq) + "</text>";
        if (!cells[e.seq].src.empty())
            svg += "<text class=\"src\" x=\"" + num(src_x + 4) + "\" y=\"" + num(row_y(e.seq) + 22) + "\">" + esc(cells[e.seq].src) + "</text>";
    }
    svg += "<text class=\"src\" x=\"" + num(src_x + 4) + "\" y=\"29\">source</text></g>\n";

    // Edges: rf from each write to its readers; co between consecutive writes of a location;
    // fr from a stale read to the write that overwrote what it read (fr = rf^-1 ; co).
    svg += "<g class=\"edges\">\n";
    std::map<LocId, std::map<std::uint32_t, const TraceEvent*>> co;
    for (const auto& e : t.events)
        if (e.location && e.co_position) co[*e.location][*e.co_position] = &e;
    for (const auto& [loc, writes] : co) {
        const TraceEvent* prev = nullptr;
        for (const auto& [pos, w] : writes) {
            if (prev != nullptr) svg += edge(*prev, *w, "co", "co " + t.locations[loc].name);
            prev = w;
        }
    }
    for (const auto& r : t.events) {
        if (r.kind != EventKind::Read || !r.reads_from) continue;
        const TraceEvent* w = *r.reads_from == 0 ? nullptr : t.find(*r.reads_from);
        if (w != nullptr) svg += edge(*w, r, "rf", "rf");
        if (options.hb && w != nullptr && w->thread != r.thread && release_side(t, *w) && acquire_side(t, r))
            svg += edge(*w, r, "sw", "sw (hence hb)");
        // fr: to the co-successor of the write read, the write this read "missed". An RMW's
        // read is followed in co by its own write (atomicity), so it has no other fr edge.
        if (r.location && !r.has(kRmwRead)) {
            const std::uint32_t read_pos = w == nullptr ? 0 : w->co_position.value_or(0);
            const auto it = co.find(*r.location);
            if (it != co.end()) {
                const auto next = it->second.upper_bound(read_pos);
                if (next != it->second.end())
                    svg += edge(r, *next->second, r.stale ? "fr stale" : "fr", r.stale ? "fr (stale read)" : "fr (from-read)");
            }
        }
    }
    svg += "</g>\n</svg>\n";

    std::string title = (t.scenario.empty() ? t.model + "/" + t.variant : t.scenario) + ": " + violation_kind_name(t.violation.kind) +
                        ": " + t.violation.message;
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title) + "</title>\n";
    h += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    h += "<h1>" + esc(t.scenario.empty() ? t.model + "/" + t.variant : t.scenario) + "</h1>\n";
    std::string params;
    for (const auto& [k, v] : t.params) params += (params.empty() ? "" : " ") + k + "=" + std::to_string(v);
    h += "<div class=\"sub\">model " + esc(t.model) + ", variant " + esc(t.variant) + (params.empty() ? "" : ", params " + esc(params)) +
         ", memory model " + esc(t.memory_model) + "</div>\n";
    h += "<div class=\"violation\"><b>" + esc(std::string(violation_kind_name(t.violation.kind)) + ": " + t.violation.message) + "</b>";
    if (!t.violation.file.empty()) h += " &nbsp;<code>" + esc(t.violation.file + ":" + std::to_string(t.violation.line)) + "</code>";
    if (t.violation.event) h += " &nbsp;at #" + std::to_string(*t.violation.event);
    h += "</div>\n";
    h += "<div class=\"legend\"><span><i style=\"border-color:#2e7d32\"></i>rf: reads from</span>"
         "<span><i style=\"border-color:#ef6c00;border-top-style:dashed\"></i>co: coherence order</span>"
         "<span><i style=\"border-color:#e57373;border-top-style:dotted\"></i>fr: from-read (the write a read missed)</span>"
         "<span><i style=\"border-color:#c62828\"></i>fr of a stale read (the newer write is above it)</span>";
    if (options.hb) h += "<span><i style=\"border-color:#1565c0;border-top-style:dotted\"></i>sw: synchronises with (hb)</span>";
    h += "<span>[co k]: k-th write in coherence order; init: the initial value</span></div>\n";
    h += svg;
    // The final state.
    h += "<h2 style=\"font-size:15px\">Final state</h2>\n";
    if (!t.outcome.empty()) {
        std::string o;
        for (const auto& [k, v] : t.outcome) o += (o.empty() ? "" : ", ") + k + "=" + std::to_string(v);
        h += "<div>outcome: <code>" + esc(o) + "</code>" + (t.outcome_class.empty() ? "" : " (" + esc(t.outcome_class) + ")") + "</div>\n";
    }
    h += "<table class=\"final\"><tr><th>location</th><th>initial</th><th>final</th></tr>\n";
    for (const auto& l : t.locations)
        h += std::string("<tr") + (l.initial != l.final_value ? " class=\"changed\"" : "") + "><td>" + esc(l.name) + "</td><td>" +
             std::to_string(l.initial) + "</td><td>" + std::to_string(l.final_value) + "</td></tr>\n";
    h += "</table>\n</body>\n</html>\n";
    return h;
}

std::string render_html_index(const std::vector<HtmlIndexEntry>& entries) {
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mmcheck check</title>\n<style>" +
                    std::string(kStyle) + ".pass{color:#2e7d32}.mismatch,.error{color:#c62828;font-weight:600}.inconclusive{color:#ef6c00}"
                    "</style>\n</head>\n<body>\n<h1>mmcheck check</h1>\n";
    h += "<table><tr><th>scenario</th><th>status</th><th>expected</th><th>actual</th><th>counterexample</th></tr>\n";
    for (const auto& e : entries) {
        h += "<tr><td>" + esc(e.scenario) + "</td><td class=\"" + esc(e.status) + "\">" + esc(e.status) + "</td><td>" + esc(e.expected) +
             "</td><td>" + esc(e.actual) + "</td><td>" +
             (e.page.empty() ? std::string() : "<a href=\"" + esc(e.page) + "\">" + esc(e.page) + "</a>") + "</td></tr>\n";
    }
    h += "</table>\n</body>\n</html>\n";
    return h;
}

}  // namespace mmcheck
