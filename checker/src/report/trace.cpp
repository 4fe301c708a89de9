// SPDX-License-Identifier: MIT
/// \file Building, writing and reading counterexample traces.
#include "report/trace.hpp"

#include "report/json_fields.hpp"
#include "report/outcome_table.hpp"

#include <algorithm>
#include <climits>
#include <map>

namespace mmcheck {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

struct FlagName {
    EventFlag flag;
    const char* name;
};
constexpr FlagName kFlagNames[] = {
    {kRmwRead, "rmw-read"}, {kRmwWrite, "rmw-write"}, {kAwait, "await"},   {kBlocked, "blocked"},
    {kLock, "lock"},        {kUnlock, "unlock"},      {kRmwFailed, "rmw-failed"}, {kSpurious, "spurious"},
};

constexpr Mode kModes[] = {Mode::NA, Mode::Rlx, Mode::Acq, Mode::Rel, Mode::AcqRel, Mode::SC};
constexpr EventKind kKinds[] = {EventKind::Read, EventKind::Write, EventKind::Fence,
                                EventKind::Spawn, EventKind::Join, EventKind::End};
constexpr LocKind kLocKinds[] = {LocKind::Atomic, LocKind::Plain, LocKind::Mutex};

/// Source paths come from std::source_location, i.e. from wherever the tree was built; the
/// root is stripped so traces are the same in every checkout (golden files in review).
std::string relative_source(const char* file, const std::string& root, const std::string& fallback = {}) {
    std::string f = file == nullptr ? "" : file;
    for (const std::string* r : {&root, &fallback}) {
        if (r->empty()) continue;
        std::string prefix = *r;
        if (prefix.back() != '/') prefix += '/';
        if (f.rfind(prefix, 0) == 0) {
            f.erase(0, prefix.size());
            break;
        }
    }
    // A compiler launcher that rewrites absolute paths (ccache with base_dir) makes them
    // relative to the object's build folder, e.g. "../../../models/x.cpp" from
    // build/release/models: climbing out of a build tree inside the source tree lands on the
    // source root, so the leading "../" are dropped to name the file as every build does.
    while (f.rfind("../", 0) == 0) f.erase(0, 3);
    return f;
}

ordered_json event_id_json(const std::optional<EventId>& e) {
    if (!e) return nullptr;
    if (e->is_init()) return ordered_json{{"init", e->index}};
    return ordered_json{{"thread", e->thread}, {"index", e->index}};
}

template <class T>
ordered_json opt(const std::optional<T>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json seq_or_init(const std::optional<std::uint32_t>& s) {
    if (!s) return nullptr;
    if (*s == 0) return "init";
    return *s;
}

/// Prints the top two levels indented and everything deeper on one line: one event or
/// decision per line keeps traces short and makes a changed counterexample a readable diff.
/// Text from models (labels, names) is not guaranteed UTF-8; bad bytes become U+FFFD rather
/// than losing the counterexample.
void dump_pretty(const ordered_json& j, int depth, std::string& out) {
    const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    const std::string inner(static_cast<std::size_t>(depth + 1) * 2, ' ');
    if (depth >= 2 || !(j.is_object() || j.is_array()) || j.empty()) {
        out += j.dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
    out += j.is_object() ? "{\n" : "[\n";
    bool first = true;
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (!first) out += ",\n";
            first = false;
            out += inner + json(it.key()).dump(-1, ' ', false, json::error_handler_t::replace) + ": ";
            dump_pretty(it.value(), depth + 1, out);
        }
    } else {
        for (const auto& v : j) {
            if (!first) out += ",\n";
            first = false;
            out += inner;
            dump_pretty(v, depth + 1, out);
        }
    }
    out += "\n" + pad + (j.is_object() ? "}" : "]");
}

}  // namespace

const char* loc_kind_name(LocKind k) {
    switch (k) {
        case LocKind::Atomic: return "atomic";
        case LocKind::Plain: return "plain";
        case LocKind::Mutex: return "mutex";
    }
    return "?";
}

Trace make_trace(const Violation& v, const ExploreResult& result, const TraceContext& ctx) {
    const ExecutionGraph& g = v.graph;
    Trace t;
    t.tool_version = ctx.tool_version;
    t.scenario = ctx.scenario;
    t.scenario_hash = ctx.scenario_hash;
    t.model = ctx.model;
    t.variant = ctx.variant;
    t.params = ctx.params;
    t.replay_options = ctx.replay_options;
    t.memory_model = ctx.replay_options.memory_model;  // the counterexample records its model

    std::vector<EventId> order = v.order;
    if (order.empty()) {
        // Stamps extend po ∪ rf, so stamp order is a valid linearisation when none is given.
        for (ThreadId th = 0; th < g.num_threads(); ++th)
            for (std::size_t i = 0; i < g.thread_size(th); ++i)
                order.push_back(EventId{static_cast<std::uint16_t>(th), static_cast<std::uint16_t>(i)});
        std::stable_sort(order.begin(), order.end(),
                         [&g](EventId a, EventId b) { return g.stamp_of(a) < g.stamp_of(b); });
    }
    std::map<EventId, std::uint32_t> seq_of;
    for (std::size_t i = 0; i < order.size(); ++i) seq_of[order[i]] = static_cast<std::uint32_t>(i + 1);
    const auto seq = [&seq_of](EventId e) -> std::optional<std::uint32_t> {
        if (e.is_init()) return 0u;
        const auto it = seq_of.find(e);
        if (it == seq_of.end()) return std::nullopt;
        return it->second;
    };

    for (ThreadId th = 0; th < g.num_threads(); ++th) {
        const ThreadInfo& info = g.thread(th);
        t.threads.push_back(TraceThread{th, info.name, info.spawned});
    }
    for (LocId l = 0; l < g.num_locations(); ++l) {
        const LocationInfo& info = g.location(l);
        t.locations.push_back(TraceLocation{l, info.name, info.kind, info.initial, g.final_value(l)});
    }

    for (std::size_t i = 0; i < order.size(); ++i) {
        const EventId id = order[i];
        const Event& e = g.event(id);
        TraceEvent te;
        te.seq = static_cast<std::uint32_t>(i + 1);
        te.thread = id.thread;
        te.index = id.index;
        te.kind = e.kind;
        te.op = e.op == nullptr ? "" : e.op;
        te.mode = e.mode;
        te.flags = e.flags;
        te.label = e.label == nullptr ? "" : e.label;
        te.file = relative_source(e.src.file, ctx.source_root, ctx.fallback_source_root);
        te.line = e.src.line;
        if (e.is_read() || e.is_write()) te.location = e.loc;
        if (e.is_read()) {
            te.value_read = e.value;
            te.reads_from = seq(e.rf);
            // Stale (Relacy's [NOT CURRENT]): a write co-after the one read appears earlier
            // in this trace's order, so a reader of the timeline has already seen it happen.
            const int rf_pos = g.co_index(e.rf);
            for (const EventId w : g.co(e.loc)) {
                if (g.co_index(w) <= rf_pos) continue;
                const auto ws = seq(w);
                if (ws && *ws < te.seq) {
                    te.stale = true;
                    break;
                }
            }
        }
        if (e.is_write()) {
            te.value_written = e.value;
            te.co_position = static_cast<std::uint32_t>(g.co_index(id) + 1);
        }
        if (e.kind == EventKind::Join) te.reads_from = seq(e.rf);
        if (e.kind == EventKind::Spawn || e.kind == EventKind::Join) te.other_thread = e.other;
        t.events.push_back(std::move(te));
    }

    TraceViolation& tv = t.violation;
    tv.kind = v.kind;
    tv.message = v.message;
    tv.thread = v.thread;
    if (v.event) tv.event = seq(*v.event);
    if (v.other) tv.other = seq(*v.other);
    tv.file = relative_source(v.src.file, ctx.source_root, ctx.fallback_source_root);
    tv.line = v.src.line;
    tv.execution = v.execution;

    t.outcome = v.outcome;
    if (ctx.outcomes != nullptr && !ctx.outcomes->empty() && !v.outcome.empty())
        t.outcome_class = outcome_class_name(classify_outcome(*ctx.outcomes, v.outcome));
    t.stats = result.stats;
    t.exhaustive = result.exhaustive;
    t.limit_hit = result.limit_hit;
    t.decisions = v.decisions;
    t.seconds = result.stats.seconds;
    return t;
}

ordered_json trace_to_json(const Trace& t) {
    ordered_json j;
    j["schema"] = kTraceSchemaId;
    j["format_version"] = kTraceFormatVersion;
    j["tool"] = ordered_json{{"name", "mmcheck"}, {"version", t.tool_version}};
    j["scenario"] = ordered_json{{"name", t.scenario}, {"hash", t.scenario_hash}};
    j["model"] = t.model;
    j["variant"] = t.variant;
    ordered_json params = ordered_json::object();
    for (const auto& [k, val] : t.params) params[k] = val;
    j["params"] = params;
    j["memory_model"] = t.memory_model;

    const TraceViolation& v = t.violation;
    ordered_json vj;
    vj["kind"] = violation_kind_name(v.kind);
    vj["message"] = v.message;
    vj["thread"] = opt(v.thread);
    vj["event"] = opt(v.event);
    vj["other"] = opt(v.other);
    vj["source"] = ordered_json{{"file", v.file}, {"line", v.line}};
    vj["execution"] = v.execution;
    j["violation"] = vj;

    ordered_json threads = ordered_json::array();
    for (const auto& th : t.threads)
        threads.push_back(ordered_json{{"id", th.id}, {"name", th.name}, {"spawned", th.spawned}});
    j["threads"] = threads;
    ordered_json locs = ordered_json::array();
    for (const auto& l : t.locations)
        locs.push_back(ordered_json{{"id", l.id}, {"name", l.name}, {"kind", loc_kind_name(l.kind)},
                                    {"initial", l.initial}, {"final", l.final_value}});
    j["locations"] = locs;

    ordered_json events = ordered_json::array();
    for (const auto& e : t.events) {
        ordered_json ej;
        ej["seq"] = e.seq;
        ej["thread"] = e.thread;
        ej["index"] = e.index;
        ej["kind"] = kind_name(e.kind);
        ej["op"] = e.op;
        ej["order"] = mode_name(e.mode);
        ej["location"] = opt(e.location);
        ej["value_read"] = opt(e.value_read);
        ej["value_written"] = opt(e.value_written);
        ej["reads_from"] = seq_or_init(e.reads_from);
        ej["co_position"] = opt(e.co_position);
        ej["stale"] = e.stale;
        ordered_json flags = ordered_json::array();
        for (const auto& f : kFlagNames)
            if (e.has(f.flag)) flags.push_back(f.name);
        ej["flags"] = flags;
        ej["other_thread"] = opt(e.other_thread);
        ej["label"] = e.label.empty() ? ordered_json(nullptr) : ordered_json(e.label);
        ej["source"] = ordered_json{{"file", e.file}, {"line", e.line}};
        events.push_back(std::move(ej));
    }
    j["events"] = events;

    ordered_json outcome = ordered_json::object();
    for (const auto& [k, val] : t.outcome) outcome[k] = val;
    j["outcome"] = outcome;
    j["outcome_class"] = t.outcome_class.empty() ? ordered_json(nullptr) : ordered_json(t.outcome_class);
    j["stats"] = ordered_json{{"complete", t.stats.complete}, {"blocked", t.stats.blocked},
                              {"events", t.stats.events},     {"revisits", t.stats.revisits},
                              {"exhaustive", t.exhaustive},   {"limit_hit", t.limit_hit}};
    ordered_json decisions = ordered_json::array();
    for (const auto& d : t.decisions)
        decisions.push_back(ordered_json{{"thread", d.thread}, {"index", d.index}, {"rf", event_id_json(d.rf)},
                                         {"co_after", event_id_json(d.co_after)}, {"spurious", d.spurious}});
    const ReplayOptions& ro = t.replay_options;
    ordered_json options{{"explorer", ro.explorer},
                         {"stop_at_first_violation", ro.stop_at_first_violation},
                         {"max_events_per_thread", ro.max_events_per_thread}};
    if (ro.memory_model != "rc11") options["memory_model"] = ro.memory_model;
    j["replay"] = ordered_json{
        {"tool_version", t.tool_version},
        {"scenario_hash", t.scenario_hash},
        {"options", options},
        {"decisions", decisions}};
    // No timing: a trace is a committed artefact, byte-identical across runs and --jobs
    // (timings go to the terminal and summary.json). Older traces carry elapsed_seconds; the
    // reader still accepts it.
    return j;
}

std::string trace_to_text(const Trace& t) {
    std::string out;
    dump_pretty(trace_to_json(t), 0, out);
    out += '\n';
    return out;
}

bool same_trace_ignoring_timing(const std::string& a, const std::string& b) {
    json ja = json::parse(a, nullptr, false);
    json jb = json::parse(b, nullptr, false);
    if (ja.is_discarded() || jb.is_discarded() || !ja.is_object() || !jb.is_object()) return false;
    ja.erase("elapsed_seconds");
    jb.erase("elapsed_seconds");
    return ja == jb;
}

namespace {

std::optional<EventId> parse_event_id(const detail::FieldErrors& err, const json& j, const std::string& field) {
    if (j.is_null()) return std::nullopt;
    err.expect_type(j, field, j.is_object(), "null, {\"init\": LOC} or {\"thread\": T, \"index\": I}");
    if (j.contains("init"))
        return EventId::init(static_cast<LocId>(err.integer(j["init"], field + ".init", 0, 0xFFFE)));
    EventId e;
    e.thread = static_cast<std::uint16_t>(err.integer(err.required(j, field + ".", "thread"), field + ".thread", 0, 0xFFFE));
    e.index = static_cast<std::uint16_t>(err.integer(err.required(j, field + ".", "index"), field + ".index", 0, 0xFFFF));
    return e;
}

template <class T, std::size_t N, class NameFn>
T parse_enum(const detail::FieldErrors& err, const json& j, const std::string& field, const T (&values)[N], NameFn name) {
    const std::string s = err.string(j, field);
    std::string list;
    for (const T v : values) {
        if (s == name(v)) return v;
        list += (list.empty() ? "" : ", ") + std::string(name(v));
    }
    err.fail(field, "value \"" + s + "\" is not known, expected one of: " + list);
}

std::optional<std::int64_t> opt_int(const detail::FieldErrors& err, const json& j, const std::string& field) {
    if (j.is_null()) return std::nullopt;
    return err.integer(j, field, INT64_MIN, INT64_MAX);
}

}  // namespace

Trace trace_from_json(const std::string& text, const std::string& display) {
    const detail::FieldErrors err(display);
    const json j = err.parse(text);
    if (!j.is_object()) err.fail_file(std::string("is ") + detail::json_type_name(j) + ", expected a trace object");
    const json& schema = err.required(j, "", "schema");
    if (!schema.is_string() || schema.get<std::string>() != kTraceSchemaId)
        err.fail("schema", "value " + schema.dump() + " is not a trace schema this mmcheck reads, expected \"" + kTraceSchemaId + "\"");
    const json& version = err.required(j, "", "format_version");
    if (!version.is_number_integer() || version.get<std::int64_t>() != kTraceFormatVersion)
        err.fail("format_version", "version " + version.dump() + " is not supported, expected " + std::to_string(kTraceFormatVersion));

    Trace t;
    const json& tool = err.required(j, "", "tool");
    t.tool_version = err.string(err.required(tool, "tool.", "version"), "tool.version", false);
    const json& sc = err.required(j, "", "scenario");
    t.scenario = err.string(err.required(sc, "scenario.", "name"), "scenario.name", false);
    t.scenario_hash = err.string(err.required(sc, "scenario.", "hash"), "scenario.hash", false);
    t.model = err.string(err.required(j, "", "model"), "model");
    t.variant = err.string(err.required(j, "", "variant"), "variant");
    const json& params = err.required(j, "", "params");
    err.expect_type(params, "params", params.is_object(), "an object");
    for (const auto& [k, val] : params.items()) t.params[k] = err.integer(val, "params." + k, INT64_MIN, INT64_MAX);
    t.memory_model = err.string(err.required(j, "", "memory_model"), "memory_model");

    const json& vj = err.required(j, "", "violation");
    err.expect_type(vj, "violation", vj.is_object(), "an object");
    {
        const std::string k = err.string(err.required(vj, "violation.", "kind"), "violation.kind");
        const auto kind = parse_violation_kind(k);
        if (!kind) err.fail("violation.kind", "value \"" + k + "\" is not a violation kind");
        t.violation.kind = *kind;
        t.violation.message = err.string(err.required(vj, "violation.", "message"), "violation.message", false);
        if (const auto v = opt_int(err, err.required(vj, "violation.", "thread"), "violation.thread"))
            t.violation.thread = static_cast<ThreadId>(*v);
        if (const auto v = opt_int(err, err.required(vj, "violation.", "event"), "violation.event"))
            t.violation.event = static_cast<std::uint32_t>(*v);
        if (const auto v = opt_int(err, err.required(vj, "violation.", "other"), "violation.other"))
            t.violation.other = static_cast<std::uint32_t>(*v);
        const json& src = err.required(vj, "violation.", "source");
        t.violation.file = err.string(err.required(src, "violation.source.", "file"), "violation.source.file", false);
        t.violation.line = static_cast<std::uint32_t>(err.integer(err.required(src, "violation.source.", "line"), "violation.source.line", 0, UINT32_MAX));
        t.violation.execution = static_cast<std::uint64_t>(err.integer(err.required(vj, "violation.", "execution"), "violation.execution", 0, INT64_MAX));
    }

    const json& threads = err.required(j, "", "threads");
    err.expect_type(threads, "threads", threads.is_array(), "an array");
    for (std::size_t i = 0; i < threads.size(); ++i) {
        const std::string f = "threads[" + std::to_string(i) + "]";
        const json& th = threads[i];
        err.expect_type(th, f, th.is_object(), "an object");
        TraceThread tt;
        tt.id = static_cast<ThreadId>(err.integer(err.required(th, f + ".", "id"), f + ".id", 0, kMaxThreads - 1));
        tt.name = err.string(err.required(th, f + ".", "name"), f + ".name", false);
        tt.spawned = err.boolean(err.required(th, f + ".", "spawned"), f + ".spawned");
        t.threads.push_back(std::move(tt));
    }
    const json& locs = err.required(j, "", "locations");
    err.expect_type(locs, "locations", locs.is_array(), "an array");
    for (std::size_t i = 0; i < locs.size(); ++i) {
        const std::string f = "locations[" + std::to_string(i) + "]";
        const json& l = locs[i];
        err.expect_type(l, f, l.is_object(), "an object");
        TraceLocation tl;
        tl.id = static_cast<LocId>(err.integer(err.required(l, f + ".", "id"), f + ".id", 0, 0xFFFE));
        tl.name = err.string(err.required(l, f + ".", "name"), f + ".name", false);
        tl.kind = parse_enum(err, err.required(l, f + ".", "kind"), f + ".kind", kLocKinds, loc_kind_name);
        tl.initial = err.integer(err.required(l, f + ".", "initial"), f + ".initial", INT64_MIN, INT64_MAX);
        tl.final_value = err.integer(err.required(l, f + ".", "final"), f + ".final", INT64_MIN, INT64_MAX);
        t.locations.push_back(std::move(tl));
    }

    const json& events = err.required(j, "", "events");
    err.expect_type(events, "events", events.is_array(), "an array");
    for (std::size_t i = 0; i < events.size(); ++i) {
        const std::string f = "events[" + std::to_string(i) + "]";
        const std::string p = f + ".";
        const json& e = events[i];
        err.expect_type(e, f, e.is_object(), "an object");
        TraceEvent te;
        te.seq = static_cast<std::uint32_t>(err.integer(err.required(e, p, "seq"), p + "seq", 1, UINT32_MAX));
        if (te.seq != i + 1) err.fail(p + "seq", "value " + std::to_string(te.seq) + " is out of sequence, expected " + std::to_string(i + 1));
        te.thread = static_cast<ThreadId>(err.integer(err.required(e, p, "thread"), p + "thread", 0, static_cast<std::int64_t>(t.threads.size()) - 1));
        te.index = static_cast<std::uint32_t>(err.integer(err.required(e, p, "index"), p + "index", 0, 0xFFFF));
        te.kind = parse_enum(err, err.required(e, p, "kind"), p + "kind", kKinds, kind_name);
        te.op = err.string(err.required(e, p, "op"), p + "op", false);
        te.mode = parse_enum(err, err.required(e, p, "order"), p + "order", kModes, mode_name);
        if (const auto v = opt_int(err, err.required(e, p, "location"), p + "location")) {
            if (*v < 0 || static_cast<std::size_t>(*v) >= t.locations.size())
                err.fail(p + "location", "value " + std::to_string(*v) + " names no location of the trace");
            te.location = static_cast<LocId>(*v);
        }
        te.value_read = opt_int(err, err.required(e, p, "value_read"), p + "value_read");
        te.value_written = opt_int(err, err.required(e, p, "value_written"), p + "value_written");
        const json& rf = err.required(e, p, "reads_from");
        if (rf.is_string() && rf.get<std::string>() == "init") {
            te.reads_from = 0;
        } else if (!rf.is_null()) {
            te.reads_from = static_cast<std::uint32_t>(err.integer(rf, p + "reads_from", 1, static_cast<std::int64_t>(events.size())));
        }
        if (const auto v = opt_int(err, err.required(e, p, "co_position"), p + "co_position"))
            te.co_position = static_cast<std::uint32_t>(*v);
        te.stale = err.boolean(err.required(e, p, "stale"), p + "stale");
        const json& flags = err.required(e, p, "flags");
        err.expect_type(flags, p + "flags", flags.is_array(), "an array of flag names");
        for (const auto& fl : flags) {
            const std::string name = err.string(fl, p + "flags");
            const auto it = std::find_if(std::begin(kFlagNames), std::end(kFlagNames),
                                         [&name](const FlagName& n) { return name == n.name; });
            if (it == std::end(kFlagNames)) err.fail(p + "flags", "flag \"" + name + "\" is not known");
            te.flags = static_cast<std::uint16_t>(te.flags | it->flag);
        }
        if (const auto v = opt_int(err, err.required(e, p, "other_thread"), p + "other_thread"))
            te.other_thread = static_cast<ThreadId>(*v);
        const json& label = err.required(e, p, "label");
        if (!label.is_null()) te.label = err.string(label, p + "label", false);
        const json& src = err.required(e, p, "source");
        te.file = err.string(err.required(src, p + "source.", "file"), p + "source.file", false);
        te.line = static_cast<std::uint32_t>(err.integer(err.required(src, p + "source.", "line"), p + "source.line", 0, UINT32_MAX));
        t.events.push_back(std::move(te));
    }

    const json& outcome = err.required(j, "", "outcome");
    err.expect_type(outcome, "outcome", outcome.is_object(), "an object");
    for (const auto& [k, val] : outcome.items()) t.outcome.emplace_back(k, err.integer(val, "outcome." + k, INT64_MIN, INT64_MAX));
    std::sort(t.outcome.begin(), t.outcome.end());
    const json& oc = err.required(j, "", "outcome_class");
    if (!oc.is_null()) t.outcome_class = err.string(oc, "outcome_class");

    const json& stats = err.required(j, "", "stats");
    const auto count = [&](const char* key) {
        return static_cast<std::uint64_t>(err.integer(err.required(stats, "stats.", key), std::string("stats.") + key, 0, INT64_MAX));
    };
    t.stats.complete = count("complete");
    t.stats.blocked = count("blocked");
    t.stats.events = count("events");
    t.stats.revisits = count("revisits");
    t.exhaustive = err.boolean(err.required(stats, "stats.", "exhaustive"), "stats.exhaustive");
    t.limit_hit = err.string(err.required(stats, "stats.", "limit_hit"), "stats.limit_hit", false);

    const json& replay = err.required(j, "", "replay");
    const json& ro = err.required(replay, "replay.", "options");
    t.replay_options.explorer = err.string(err.required(ro, "replay.options.", "explorer"), "replay.options.explorer");
    t.replay_options.stop_at_first_violation =
        err.boolean(err.required(ro, "replay.options.", "stop_at_first_violation"), "replay.options.stop_at_first_violation");
    t.replay_options.max_events_per_thread = static_cast<std::uint32_t>(
        err.integer(err.required(ro, "replay.options.", "max_events_per_thread"), "replay.options.max_events_per_thread", 1, 0xFFFF));
    if (ro.contains("memory_model")) {
        t.replay_options.memory_model = err.string(ro["memory_model"], "replay.options.memory_model");
        if (t.replay_options.memory_model != "rc11" && t.replay_options.memory_model != "lkmm")
            err.fail("replay.options.memory_model",
                     "value \"" + t.replay_options.memory_model + "\" is not a memory model, expected rc11 or lkmm");
    }
    const json& decisions = err.required(replay, "replay.", "decisions");
    err.expect_type(decisions, "replay.decisions", decisions.is_array(), "an array");
    for (std::size_t i = 0; i < decisions.size(); ++i) {
        const std::string f = "replay.decisions[" + std::to_string(i) + "]";
        const json& d = decisions[i];
        err.expect_type(d, f, d.is_object(), "an object");
        Decision dec;
        dec.thread = static_cast<std::uint16_t>(err.integer(err.required(d, f + ".", "thread"), f + ".thread", 0, kMaxThreads - 1));
        dec.index = static_cast<std::uint16_t>(err.integer(err.required(d, f + ".", "index"), f + ".index", 0, 0xFFFF));
        dec.rf = parse_event_id(err, err.required(d, f + ".", "rf"), f + ".rf");
        dec.co_after = parse_event_id(err, err.required(d, f + ".", "co_after"), f + ".co_after");
        dec.spurious = err.boolean(err.required(d, f + ".", "spurious"), f + ".spurious");
        t.decisions.push_back(dec);
    }
    if (const auto secs = j.find("elapsed_seconds"); secs != j.end()) {
        err.expect_type(*secs, "elapsed_seconds", secs->is_number(), "a number");
        t.seconds = secs->get<double>();
        t.stats.seconds = t.seconds;
    }

    // Cross-references and structure, so a renderer or replay can trust every seq it follows
    // (explain and replay read nothing else): at least one event; each thread's events have
    // the po indices 0..n-1 once each; a read reads from a write of its own location, never
    // from itself.
    if (t.events.empty()) err.fail("events", "is empty: a counterexample has at least one event");
    {
        std::vector<std::vector<bool>> seen(t.threads.size());
        for (const auto& e : t.events) {
            auto& s = seen[e.thread];
            if (s.size() <= e.index) s.resize(e.index + 1, false);
            if (s[e.index])
                err.fail("events[" + std::to_string(e.seq - 1) + "].index",
                         "value " + std::to_string(e.index) + " appears twice in thread " + std::to_string(e.thread));
            s[e.index] = true;
        }
        for (std::size_t th = 0; th < seen.size(); ++th)
            for (std::size_t i = 0; i < seen[th].size(); ++i)
                if (!seen[th][i])
                    err.fail("events", "thread " + std::to_string(th) + " has no event with index " + std::to_string(i) +
                                           " but a later one");
    }
    for (const auto& e : t.events) {
        const std::string p = "events[" + std::to_string(e.seq - 1) + "].";
        if (e.reads_from && *e.reads_from != 0 && *e.reads_from > t.events.size())
            err.fail(p + "reads_from", "names no event of the trace");
        if (e.reads_from && *e.reads_from == e.seq) err.fail(p + "reads_from", "the event reads from itself");
        if (e.kind == EventKind::Read && e.reads_from && *e.reads_from != 0) {
            const TraceEvent& w = t.events[*e.reads_from - 1];
            if (w.kind != EventKind::Write || w.location != e.location)
                err.fail(p + "reads_from", "value " + std::to_string(*e.reads_from) +
                                               " is not a write of the location this event reads");
        }
        if (e.other_thread && *e.other_thread >= t.threads.size())
            err.fail(p + "other_thread", "names no thread of the trace");
    }
    const auto check_seq = [&](const std::optional<std::uint32_t>& s, const char* field) {
        if (s && t.find(*s) == nullptr) err.fail(field, "value " + std::to_string(*s) + " names no event of the trace");
    };
    check_seq(t.violation.event, "violation.event");
    check_seq(t.violation.other, "violation.other");
    return t;
}

}  // namespace mmcheck
