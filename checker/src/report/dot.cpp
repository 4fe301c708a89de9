// SPDX-License-Identifier: MIT
/// \file DOT rendering of a trace.
#include "report/dot.hpp"

#include "report/timeline.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mmcheck {
namespace {

std::string quote(const std::string& s) {
    std::string q = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

std::string node(std::uint32_t seq) { return "e" + std::to_string(seq); }
std::string init_node(LocId l) { return "init" + std::to_string(l); }

/// A release fence po-before `w` in its thread makes a later rf edge synchronising (fence sw).
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

}  // namespace

std::string render_dot(const Trace& t) {
    // newrank lets rank=same reach across the thread clusters: each timeline row is one rank,
    // so the threads stand side by side as pinned columns, time going down as in the timeline.
    std::string out = "digraph execution {\n  rankdir=TB;\n  newrank=true;\n  node [shape=box, fontname=\"monospace\"];\n";
    out += "  label=" + quote(t.scenario + " (" + t.model + "/" + t.variant + "): " +
                              violation_kind_name(t.violation.kind) + ": " + t.violation.message) + ";\n";
    // Initial writes of the locations some read or write touches.
    std::set<LocId> used;
    for (const auto& e : t.events)
        if (e.location) used.insert(*e.location);
    for (const LocId l : used)
        out += "  " + init_node(l) + " [label=" + quote("init " + t.locations[l].name + " = " + std::to_string(t.locations[l].initial)) +
               ", style=dashed];\n";
    for (const auto& th : t.threads) {
        // Not a cluster: dot reorders clusters regardless of the flat edges that pin the
        // columns, so a thread's column is headed by a header node instead of a box.
        out += "  subgraph thread_t" + std::to_string(th.id) + " {\n";
        out += "    head" + std::to_string(th.id) + " [label=" + quote("T" + std::to_string(th.id) + " " + th.name) +
               ", shape=box, style=\"filled,bold\", fillcolor=lightgrey];\n";
        // Invisible grid cells on the rows of the other threads' events keep this column
        // in place on every rank (see the pinned rows below).
        // Each is as wide as the column's widest event, so the columns do not overlap.
        std::size_t chars = th.name.size() + 4;
        for (const auto& e : t.events)
            if (e.thread == th.id) chars = std::max(chars, event_cell_text(t, e).size() + 5);
        const std::string width = std::to_string(0.12 * static_cast<double>(chars) + 0.3);
        for (const auto& e : t.events)
            if (e.thread != th.id)
                out += "    g" + std::to_string(e.seq) + "_" + std::to_string(th.id) + " [label=\"\", shape=box, style=invis, width=" +
                       width + "];\n";
        for (const auto& e : t.events) {
            if (e.thread != th.id) continue;
            const bool bad = (t.violation.event && *t.violation.event == e.seq) || (t.violation.other && *t.violation.other == e.seq);
            out += "    " + node(e.seq) + " [label=" + quote("#" + std::to_string(e.seq) + " " + event_cell_text(t, e)) +
                   (bad ? ", color=red, penwidth=2" : "") + (e.stale ? ", style=bold" : "") + "];\n";
        }
        out += "  }\n";
    }
    // The pinned rows: a grid. Each timeline row is one rank holding its row marker and one
    // cell per thread (the event, or an invisible point), chained left to right in thread
    // order by invisible flat edges and linked top to bottom per thread, so the thread
    // columns stand side by side in order and time goes down as in the timeline.
    const auto cell = [&](std::uint32_t seq, ThreadId th) {
        if (seq == 0) return "head" + std::to_string(th);
        const TraceEvent* e = t.find(seq);
        return e != nullptr && e->thread == th ? node(seq) : "g" + std::to_string(seq) + "_" + std::to_string(th);
    };
    out += "  node [shape=plaintext, fontcolor=gray40];\n  row0 [label=\"\"];\n";
    for (const auto& e : t.events) out += "  row" + std::to_string(e.seq) + " [label=\"#" + std::to_string(e.seq) + "\"];\n";
    for (std::uint32_t seq = 0; seq <= t.events.size(); ++seq) {
        std::string rank = "  {rank=same; row" + std::to_string(seq) + ";";
        std::string chain = "  row" + std::to_string(seq);
        for (const auto& th : t.threads) {
            rank += " " + cell(seq, th.id) + ";";
            chain += " -> " + cell(seq, th.id);
        }
        out += rank + "}\n" + chain + " [style=invis];\n";
        if (seq == 0) continue;
        out += "  row" + std::to_string(seq - 1) + " -> row" + std::to_string(seq) + " [style=invis];\n";
        for (const auto& th : t.threads)
            out += "  " + cell(seq - 1, th.id) + " -> " + cell(seq, th.id) + " [style=invis];\n";
    }
    // po: consecutive events of each thread (by index).
    std::map<ThreadId, std::map<std::uint32_t, std::uint32_t>> by_thread;
    for (const auto& e : t.events) by_thread[e.thread][e.index] = e.seq;
    for (const auto& [th, events] : by_thread) {
        const std::uint32_t* prev = nullptr;
        for (const auto& [idx, seq] : events) {
            if (prev != nullptr) out += "  " + node(*prev) + " -> " + node(seq) + " [label=\"po\"];\n";
            prev = &seq;
        }
    }
    // rf and sw.
    for (const auto& r : t.events) {
        if (!r.reads_from) continue;
        const std::string from = *r.reads_from == 0 ? init_node(r.location.value_or(0)) : node(*r.reads_from);
        out += "  " + from + " -> " + node(r.seq) + " [label=\"rf\", color=darkgreen, fontcolor=darkgreen, constraint=false];\n";
        if (*r.reads_from == 0 || r.kind != EventKind::Read) continue;
        const TraceEvent* w = t.find(*r.reads_from);
        if (w != nullptr && w->thread != r.thread && release_side(t, *w) && acquire_side(t, r))
            out += "  " + node(w->seq) + " -> " + node(r.seq) + " [label=\"sw\", color=blue, fontcolor=blue, style=dashed, constraint=false];\n";
    }
    // mo: consecutive writes of each location in coherence order, from its initial write.
    std::map<LocId, std::map<std::uint32_t, std::uint32_t>> co;
    for (const auto& e : t.events)
        if (e.location && e.co_position) co[*e.location][*e.co_position] = e.seq;
    for (const auto& [l, writes] : co) {
        std::string prev = init_node(l);
        for (const auto& [pos, seq] : writes) {
            out += "  " + prev + " -> " + node(seq) + " [label=\"mo\", color=orange, fontcolor=orange, constraint=false];\n";
            prev = node(seq);
        }
    }
    // fr = rf^-1 ; mo, drawn to the immediate mo-successor of the write read. A stale read's
    // fr edge goes to a write already above it in the timeline: the edge that explains it.
    for (const auto& r : t.events) {
        // An RMW's read is followed in mo by its own write (atomicity): no other fr edge.
        if (r.kind != EventKind::Read || !r.reads_from || !r.location || r.has(kRmwRead)) continue;
        const auto it = co.find(*r.location);
        if (it == co.end()) continue;
        const TraceEvent* w = *r.reads_from == 0 ? nullptr : t.find(*r.reads_from);
        const std::uint32_t pos = w == nullptr ? 0 : w->co_position.value_or(0);
        const auto next = it->second.upper_bound(pos);
        if (next == it->second.end()) continue;
        out += "  " + node(r.seq) + " -> " + node(next->second) +
               (r.stale ? " [label=\"fr (stale)\", color=red, fontcolor=red, penwidth=2, constraint=false];\n"
                        : " [label=\"fr\", color=red3, fontcolor=red3, style=dotted, constraint=false];\n");
    }
    out += "}\n";
    return out;
}

}  // namespace mmcheck
