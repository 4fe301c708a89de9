// SPDX-License-Identifier: MIT
/// \file Timeline rendering.
#include "report/timeline.hpp"

#include "report/outcome_table.hpp"

#include <algorithm>
#include <map>

namespace mmcheck {
namespace {

std::string loc_name(const Trace& t, const TraceEvent& e) {
    if (!e.location || *e.location >= t.locations.size()) return "?";
    return t.locations[*e.location].name;
}

std::string short_file(const std::string& f) {
    const auto slash = f.rfind('/');
    return slash == std::string::npos ? f : f.substr(slash + 1);
}

/// The write of an RMW follows its read in po; when it also follows it in the trace order the
/// two are shown as one row, the way the operation reads in the source.
const TraceEvent* rmw_partner(const Trace& t, const TraceEvent& read) {
    if (!read.has(kRmwRead)) return nullptr;
    const TraceEvent* next = t.find(read.seq + 1);
    if (next != nullptr && next->thread == read.thread && next->index == read.index + 1 && next->has(kRmwWrite))
        return next;
    return nullptr;
}

std::string rf_text(const Trace& t, const TraceEvent& e) {
    if (!e.reads_from) return "";
    std::string s = *e.reads_from == 0 ? "  <- init" : "  <- #" + std::to_string(*e.reads_from);
    if (e.stale && e.location) {
        // Name the newest write the reader should have seen: the co-latest one shown above.
        std::uint32_t rf_co = 0;
        if (*e.reads_from != 0) {
            const TraceEvent* w = t.find(*e.reads_from);
            if (w != nullptr && w->co_position) rf_co = *w->co_position;
        }
        const TraceEvent* newest = nullptr;
        for (const auto& w : t.events) {
            if (w.seq >= e.seq) break;
            if (w.location == e.location && w.value_written && w.co_position && *w.co_position > rf_co &&
                (newest == nullptr || *w.co_position > *newest->co_position))
                newest = &w;
        }
        s += "  STALE";
        if (newest != nullptr)
            s += " (#" + std::to_string(newest->seq) + " wrote " + std::to_string(*newest->value_written) + ")";
    }
    return s;
}

std::size_t writes_to(const Trace& t, LocId l) {
    return static_cast<std::size_t>(std::count_if(t.events.begin(), t.events.end(), [l](const TraceEvent& e) {
        return e.location == l && e.value_written.has_value();
    }));
}

std::string co_text(const Trace& t, const TraceEvent& w) {
    // Coherence positions only matter to a reader when a location has several writes.
    if (!w.co_position || !w.location || writes_to(t, *w.location) < 2) return "";
    return "  [co " + std::to_string(*w.co_position) + "]";
}

std::string thread_header(const Trace& t, ThreadId id) {
    std::string s = "T" + std::to_string(id);
    if (id < t.threads.size() && !t.threads[id].name.empty()) s += " " + t.threads[id].name;
    return s;
}

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

}  // namespace

std::string event_cell_text(const Trace& t, const TraceEvent& e) {
    std::string s;
    if (!e.label.empty()) s += e.label + ": ";
    const std::string loc = loc_name(t, e);
    const std::string mo = mode_name(e.mode);
    switch (e.kind) {
        case EventKind::Read: {
            const TraceEvent* w = rmw_partner(t, e);
            if (e.has(kLock)) {
                s += "lock(" + loc + ")";
                // The mutex was held: the thread waits here (for ever, if nothing unlocks it).
                if (e.has(kBlocked)) s += " (waits: held)";
            } else {
                s += loc + "." + e.op + "(" + mo + ") = " + std::to_string(e.value_read.value_or(0));
                if (w != nullptr && w->value_written) s += " -> " + std::to_string(*w->value_written);
                if (e.has(kSpurious)) s += " (spurious failure)";
                else if (e.has(kRmwFailed)) s += " (no write)";
                if (e.has(kBlocked)) s += " (blocks: condition false)";
            }
            s += rf_text(t, e);
            if (w != nullptr) s += co_text(t, *w);
            break;
        }
        case EventKind::Write:
            if (e.has(kUnlock)) s += "unlock(" + loc + ")";
            else if (e.has(kRmwWrite)) s += loc + "." + e.op + "(" + mo + ") writes " + std::to_string(e.value_written.value_or(0));
            else s += loc + "." + e.op + "(" + std::to_string(e.value_written.value_or(0)) + ", " + mo + ")";
            s += co_text(t, e);
            break;
        case EventKind::Fence: s += "fence(" + mo + ")"; break;
        case EventKind::Spawn: s += "spawn " + (e.other_thread ? thread_header(t, *e.other_thread) : std::string("?")); break;
        case EventKind::Join: s += "join " + (e.other_thread ? thread_header(t, *e.other_thread) : std::string("?")); break;
        case EventKind::End: s += "(thread ends)"; break;
    }
    return s;
}

std::string render_timeline(const Trace& t) {
    std::string out;
    out += (t.scenario.empty() ? std::string("(no scenario)") : t.scenario) + ": model " + t.model + ", variant " + t.variant;
    if (!t.params.empty()) {
        out += ", params";
        for (const auto& [k, v] : t.params) out += " " + k + "=" + std::to_string(v);
    }
    out += ", memory model " + t.memory_model + "\n";
    const TraceViolation& v = t.violation;
    out += std::string("violation: ") + violation_kind_name(v.kind) + ": " + v.message;
    if (v.event) out += " at #" + std::to_string(*v.event);
    if (v.other) out += " and #" + std::to_string(*v.other);
    if (!v.event && v.kind == ViolationKind::Check && !v.thread) out += " (in final())";
    if (!v.file.empty()) out += "  [" + v.file + ":" + std::to_string(v.line) + "]";
    out += "\n\n";

    // Rows: one per shown event (an RMW's write part is folded into its read's row; thread
    // ends are bookkeeping and only shown when a violation points at them).
    struct Row {
        const TraceEvent* event;
        std::string seq;
        std::string cell;
        std::string note;
    };
    std::vector<Row> rows;
    std::vector<bool> folded(t.events.size() + 2, false);
    for (const auto& e : t.events) {
        if (folded[e.seq]) continue;
        const bool pointed = (v.event && *v.event == e.seq) || (v.other && *v.other == e.seq);
        if (e.kind == EventKind::End && !pointed) continue;
        Row r{&e, "#" + std::to_string(e.seq), event_cell_text(t, e), ""};
        if (e.kind == EventKind::Read) {
            if (const TraceEvent* w = rmw_partner(t, e)) {
                folded[w->seq] = true;
                r.seq += "-" + std::to_string(w->seq);
            }
        }
        const auto mark = [&](std::uint32_t s) { return s == e.seq || (folded[s] && s == e.seq + 1); };
        if (v.event && mark(*v.event)) {
            r.note = std::string("<== ") + violation_kind_name(v.kind);
            if (v.other) r.note += " with #" + std::to_string(*v.other);
            else r.note += ": " + v.message;
        } else if (v.other && mark(*v.other)) {
            r.note = std::string("<== ") + violation_kind_name(v.kind) + " with #" + std::to_string(*v.event);
        }
        if (!e.file.empty()) r.note = short_file(e.file) + ":" + std::to_string(e.line) + (r.note.empty() ? "" : "  " + r.note);
        rows.push_back(std::move(r));
    }

    const std::size_t nthreads = t.threads.size();
    std::vector<std::size_t> width(nthreads, 0);
    for (ThreadId th = 0; th < nthreads; ++th) width[th] = thread_header(t, th).size();
    std::size_t seq_w = 1;
    for (const auto& r : rows) {
        if (r.event->thread < nthreads) width[r.event->thread] = std::max(width[r.event->thread], r.cell.size());
        seq_w = std::max(seq_w, r.seq.size());
    }
    const auto line = [&](const std::string& first, const std::vector<std::string>& cells, const std::string& note) {
        std::string l = " " + pad(first, seq_w) + " ";
        for (std::size_t i = 0; i < nthreads; ++i) l += "| " + pad(cells[i], width[i]) + " ";
        if (!note.empty()) l += "|  " + note;
        while (!l.empty() && l.back() == ' ') l.pop_back();
        return l + "\n";
    };
    std::vector<std::string> headers(nthreads);
    for (ThreadId th = 0; th < nthreads; ++th) headers[th] = thread_header(t, th);
    out += line("", headers, "source");
    std::string rule = std::string(seq_w + 2, '-');
    for (std::size_t i = 0; i < nthreads; ++i) rule += "+" + std::string(width[i] + 2, '-');
    rule += "+--------\n";
    out += rule;
    for (const auto& r : rows) {
        std::vector<std::string> cells(nthreads);
        if (r.event->thread < nthreads) cells[r.event->thread] = r.cell;
        out += line(r.seq, cells, r.note);
    }
    out += rule;
    out += "  <- #n: reads from event n (init: the initial value); STALE: a newer write to the same\n"
           "  location is already above in this order; [co k]: k-th write in coherence order.\n\n";

    if (!t.outcome.empty()) {
        out += "final outcome: " + outcome_text(t.outcome);
        if (!t.outcome_class.empty()) out += "  (" + t.outcome_class + " by the scenario)";
        out += "\n";
    }
    out += "locations:";
    for (const auto& l : t.locations)
        out += " " + l.name + " " + std::to_string(l.initial) + "->" + std::to_string(l.final_value) + (&l == &t.locations.back() ? "" : ",");
    out += "\n";
    return out;
}

}  // namespace mmcheck
