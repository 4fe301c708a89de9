// SPDX-License-Identifier: MIT
/// \file Execution equality of two traces (see golden.hpp for what counts).
#include "report/golden.hpp"

#include <map>
#include <sstream>

namespace mmcheck {
namespace {

template <class T>
std::string text_of(const std::optional<T>& v) {
    if (!v) return "none";
    std::ostringstream o;
    o << static_cast<std::int64_t>(*v);
    return o.str();
}

std::string text_of(const std::string& s) { return "\"" + s + "\""; }
std::string text_of(bool b) { return b ? "true" : "false"; }
template <class T>
    requires std::is_arithmetic_v<T>
std::string text_of(T v) {
    return std::to_string(static_cast<std::int64_t>(v));
}

/// Records the first difference only: later ones usually follow from it.
struct Diff {
    std::string first;
    template <class T>
    void field(const std::string& where, const T& a, const T& b) {
        if (first.empty() && !(a == b)) first = where + ": " + text_of(a) + " -> " + text_of(b);
    }
    void note(const std::string& what) {
        if (first.empty()) first = what;
    }
};

/// The flags a trace file records (trace.cpp's kFlagNames); the others (kWeak, kUpdate,
/// kRace) are engine bookkeeping that a trace read back does not carry.
constexpr std::uint16_t kRecordedFlags = kRmwRead | kRmwWrite | kAwait | kBlocked | kLock | kUnlock | kRmwFailed | kSpurious;

/// The trace without its fence events, with every event reference (seq, po index, rf,
/// the violation's events) renumbered over the events that remain. A fence carries no value
/// and takes no rf or co choice: a counterexample that still shows the same accesses, reads
/// and coherence without a fence (or with a new one) is the same counterexample. This is
/// what keeps the gate quiet on a violated scenario whose execution contained the barrier a
/// change removed, while every scenario that really breaks (a new violation, or a safe one
/// no longer safe) still fails.
Trace without_fences(const Trace& t) {
    Trace r = t;
    r.events.clear();
    std::map<std::uint32_t, std::uint32_t> seq_map;  // old seq -> new seq (0, the initial writes, stays 0)
    std::map<ThreadId, std::uint32_t> next_index;
    for (const TraceEvent& e : t.events) {
        if (e.kind == EventKind::Fence) continue;
        TraceEvent k = e;
        k.seq = static_cast<std::uint32_t>(r.events.size() + 1);
        k.index = next_index[e.thread]++;
        seq_map[e.seq] = k.seq;
        r.events.push_back(std::move(k));
    }
    const auto renumber = [&seq_map](std::optional<std::uint32_t>& ref) {
        if (!ref || *ref == 0) return;
        if (auto it = seq_map.find(*ref); it != seq_map.end()) ref = it->second;
    };
    for (TraceEvent& e : r.events) renumber(e.reads_from);
    renumber(r.violation.event);
    renumber(r.violation.other);
    return r;
}

std::string compare_executions(const Trace& golden, const Trace& now);

}  // namespace

std::string execution_difference(const Trace& golden_in, const Trace& now_in) {
    return compare_executions(without_fences(golden_in), without_fences(now_in));
}

namespace {

std::string compare_executions(const Trace& golden, const Trace& now) {
    Diff d;
    d.field("model", golden.model, now.model);
    d.field("variant", golden.variant, now.variant);
    d.field("memory model", golden.memory_model, now.memory_model);
    if (golden.params != now.params) d.note("params differ");

    const TraceViolation &gv = golden.violation, &nv = now.violation;
    d.field("violation kind", std::string(violation_kind_name(gv.kind)), std::string(violation_kind_name(nv.kind)));
    d.field("violation message", gv.message, nv.message);
    d.field("violation thread", gv.thread, nv.thread);
    d.field("violation event", gv.event, nv.event);
    d.field("violation other event", gv.other, nv.other);

    d.field("number of threads", golden.threads.size(), now.threads.size());
    for (std::size_t i = 0; i < golden.threads.size() && i < now.threads.size(); ++i) {
        const std::string w = "thread " + std::to_string(i);
        d.field(w + " name", golden.threads[i].name, now.threads[i].name);
        d.field(w + " spawned", golden.threads[i].spawned, now.threads[i].spawned);
    }
    d.field("number of locations", golden.locations.size(), now.locations.size());
    for (std::size_t i = 0; i < golden.locations.size() && i < now.locations.size(); ++i) {
        const TraceLocation &a = golden.locations[i], &b = now.locations[i];
        const std::string w = "location " + std::to_string(i) + " (" + a.name + ")";
        d.field(w + " name", a.name, b.name);
        d.field(w + " kind", std::string(loc_kind_name(a.kind)), std::string(loc_kind_name(b.kind)));
        d.field(w + " initial value", a.initial, b.initial);
        d.field(w + " final value", a.final_value, b.final_value);
    }

    d.field("number of events", golden.events.size(), now.events.size());
    for (std::size_t i = 0; i < golden.events.size() && i < now.events.size(); ++i) {
        const TraceEvent &a = golden.events[i], &b = now.events[i];
        const std::string w = "event #" + std::to_string(a.seq);
        d.field(w + " thread", a.thread, b.thread);
        d.field(w + " index", a.index, b.index);
        d.field(w + " kind", std::string(kind_name(a.kind)), std::string(kind_name(b.kind)));
        d.field(w + " op", a.op, b.op);
        d.field(w + " order", std::string(mode_name(a.mode)), std::string(mode_name(b.mode)));
        d.field(w + " flags", static_cast<std::uint16_t>(a.flags & kRecordedFlags),
                static_cast<std::uint16_t>(b.flags & kRecordedFlags));
        d.field(w + " location", a.location, b.location);
        d.field(w + " value_read", a.value_read, b.value_read);
        d.field(w + " value_written", a.value_written, b.value_written);
        d.field(w + " reads_from", a.reads_from, b.reads_from);
        d.field(w + " co_position", a.co_position, b.co_position);
        d.field(w + " stale", a.stale, b.stale);
        d.field(w + " other_thread", a.other_thread, b.other_thread);
        d.field(w + " label", a.label, b.label);
    }
    if (golden.outcome != now.outcome) d.note("final outcome differs");
    d.field("outcome class", golden.outcome_class, now.outcome_class);
    return d.first;
}

}  // namespace
}  // namespace mmcheck
