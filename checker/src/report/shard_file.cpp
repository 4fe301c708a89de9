// SPDX-License-Identifier: MIT
/// \file The shard file (see shard_file.hpp): writing, reading with one-line field errors, and
/// merging the parts of one exploration.
#include "report/shard_file.hpp"

#include "report/json_fields.hpp"
#include "report/text_escape.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <deque>
#include <utility>

namespace mmcheck {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

ordered_json stats_json(const ExploreStats& s) {
    return ordered_json{{"complete", s.complete}, {"blocked", s.blocked}, {"events", s.events},
                        {"revisits", s.revisits}, {"seconds", s.seconds}};
}

/// Outcomes are written once each in "outcome_values" and referred to by index, so the
/// segments (one per key the part owns) stay small.
class OutcomeIndex {
public:
    std::size_t of(const Outcome& o) {
        const auto [it, fresh] = index_.try_emplace(o, values_.size());
        if (fresh) values_.push_back(o);
        return it->second;
    }
    ordered_json counts(const std::map<Outcome, std::uint64_t>& m) {
        ordered_json a = ordered_json::array();
        for (const auto& [o, n] : m) a.push_back(ordered_json::array({of(o), n}));
        return a;
    }
    [[nodiscard]] ordered_json values() const {
        ordered_json a = ordered_json::array();
        for (const Outcome& o : values_) {
            ordered_json pairs = ordered_json::array();
            for (const auto& [k, v] : o) pairs.push_back(ordered_json::array({k, v}));
            a.push_back(std::move(pairs));
        }
        return a;
    }

private:
    std::map<Outcome, std::size_t> index_;
    std::vector<Outcome> values_;
};

ordered_json flags_json(const std::set<std::string>& flags) {
    ordered_json a = ordered_json::array();
    for (const auto& f : flags) a.push_back(f);
    return a;
}

std::uint64_t count(const detail::FieldErrors& err, const json& obj, const std::string& prefix, const char* key) {
    return static_cast<std::uint64_t>(err.integer(err.required(obj, prefix, key), prefix + key, 0, INT64_MAX));
}

void expect_object(const detail::FieldErrors& err, const json& j, const std::string& field) {
    err.expect_type(j, field.empty() ? std::string("(document)") : field, j.is_object(), "an object");
}

void expect_array(const detail::FieldErrors& err, const json& j, const std::string& field) {
    err.expect_type(j, field, j.is_array(), "an array");
}

ExploreStats read_stats(const detail::FieldErrors& err, const json& j, const std::string& field) {
    expect_object(err, j, field);
    const std::string p = field + ".";
    ExploreStats s;
    s.complete = count(err, j, p, "complete");
    s.blocked = count(err, j, p, "blocked");
    s.events = count(err, j, p, "events");
    s.revisits = count(err, j, p, "revisits");
    const json& secs = err.required(j, p, "seconds");
    err.expect_type(secs, p + "seconds", secs.is_number() && secs.get<double>() >= 0, "a number of seconds");
    s.seconds = secs.get<double>();
    return s;
}

std::map<Outcome, std::uint64_t> read_counts(const detail::FieldErrors& err, const json& j, const std::string& field,
                                             const std::vector<Outcome>& values) {
    expect_array(err, j, field);
    std::map<Outcome, std::uint64_t> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string f = field + "[" + std::to_string(i) + "]";
        err.expect_type(j[i], f, j[i].is_array() && j[i].size() == 2, "a pair [outcome index, count]");
        const auto idx = err.integer(j[i][0], f + "[0]", 0, static_cast<std::int64_t>(values.size()) - 1);
        out[values[static_cast<std::size_t>(idx)]] += static_cast<std::uint64_t>(err.integer(j[i][1], f + "[1]", 0, INT64_MAX));
    }
    return out;
}

std::set<std::string> read_flags(const detail::FieldErrors& err, const json& j, const std::string& field) {
    expect_array(err, j, field);
    std::set<std::string> out;
    for (std::size_t i = 0; i < j.size(); ++i) out.insert(err.string(j[i], field + "[" + std::to_string(i) + "]"));
    return out;
}

}  // namespace

std::string shard_to_text(const ShardFile& f) {
    const ShardHeader& h = f.header;
    const ExploreResult& r = f.part.result;
    const ShardRecord& rec = f.part.record;
    OutcomeIndex outcomes;
    ordered_json j;
    j["format"] = kShardFormatId;
    j["tool"] = ordered_json{{"name", "mmcheck"}, {"version", h.tool_version}};
    j["scenario"] = ordered_json{{"name", h.scenario}, {"hash", h.scenario_hash}};
    j["model"] = h.model;
    j["variant"] = h.variant;
    ordered_json params = ordered_json::object();
    for (const auto& [k, v] : h.params) params[k] = v;
    j["params"] = params;
    j["memory_model"] = h.memory_model;
    j["options"] = ordered_json{{"stop_at_first_violation", h.stop_at_first_violation},
                                {"max_executions", h.max_executions},
                                {"time_limit", h.time_limit},
                                {"max_events_per_thread", h.max_events_per_thread},
                                {"stack_size", h.stack_size}};
    j["shard"] = ordered_json{{"index", f.part.spec.index + 1}, {"count", h.count}};
    j["partitioned"] = rec.partitioned;
    ordered_json result{{"verdict", verdict_name(r.verdict)}, {"exhaustive", r.exhaustive},
                        {"limit_hit", r.limit_hit},         {"limit_detail", r.limit_detail},
                        {"stats", stats_json(r.stats)}};
    result["outcomes"] = outcomes.counts(r.outcomes);
    result["flags"] = flags_json(r.flags);
    j["result"] = std::move(result);
    ordered_json segments = ordered_json::array();
    for (const Segment& s : rec.segments)
        segments.push_back(ordered_json{{"key", s.key},
                                        {"stats", stats_json(s.stats)},
                                        {"outcomes", outcomes.counts(s.outcomes)},
                                        {"flags", flags_json(s.flags)},
                                        {"violations", s.violations}});
    j["record"] = ordered_json{{"stop_key", rec.stop_key ? ordered_json(*rec.stop_key) : ordered_json(nullptr)},
                               {"violation_keys", rec.violation_keys},
                               {"segments", std::move(segments)}};
    j["outcome_values"] = outcomes.values();
    ordered_json props = ordered_json::object();
    for (const auto& [name, c] : f.checks)
        props[name] = ordered_json{{"evaluated", c.evaluated}, {"exercised", c.exercised}, {"implication", c.implication}};
    j["checks"] = ordered_json{{"executions", f.checked_executions}, {"properties", std::move(props)}};
    ordered_json violations = ordered_json::array();
    for (const Trace& t : f.traces) violations.push_back(trace_to_json(t));
    j["violations"] = std::move(violations);
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

ShardFile shard_from_json(const std::string& text, const std::string& display) {
    const detail::FieldErrors err(display);
    const json j = err.parse(text);
    expect_object(err, j, "");
    ShardFile f;
    ShardHeader& h = f.header;
    const std::string format = err.string(err.required(j, "", "format"), "format");
    if (format != kShardFormatId)
        err.fail("format", "\"" + escape_for_message(format) + "\" is not a shard file format this mmcheck reads, expected \"" +
                               kShardFormatId + "\"");
    const json& tool = err.required(j, "", "tool");
    expect_object(err, tool, "tool");
    h.tool_version = err.string(err.required(tool, "tool.", "version"), "tool.version");
    const json& sc = err.required(j, "", "scenario");
    expect_object(err, sc, "scenario");
    h.scenario = err.string(err.required(sc, "scenario.", "name"), "scenario.name");
    h.scenario_hash = err.string(err.required(sc, "scenario.", "hash"), "scenario.hash");
    h.model = err.string(err.required(j, "", "model"), "model");
    h.variant = err.string(err.required(j, "", "variant"), "variant", false);
    const json& params = err.required(j, "", "params");
    expect_object(err, params, "params");
    for (const auto& [k, v] : params.items()) h.params[k] = err.integer(v, "params." + k, INT64_MIN, INT64_MAX);
    h.memory_model = err.string(err.required(j, "", "memory_model"), "memory_model");
    if (h.memory_model != "rc11" && h.memory_model != "lkmm")
        err.fail("memory_model", "value \"" + escape_for_message(h.memory_model) + "\" is not a memory model, expected rc11 or lkmm");
    const json& o = err.required(j, "", "options");
    expect_object(err, o, "options");
    h.stop_at_first_violation = err.boolean(err.required(o, "options.", "stop_at_first_violation"), "options.stop_at_first_violation");
    h.max_executions = count(err, o, "options.", "max_executions");
    const json& tl = err.required(o, "options.", "time_limit");
    err.expect_type(tl, "options.time_limit", tl.is_number() && tl.get<double>() >= 0, "a number of seconds");
    h.time_limit = tl.get<double>();
    h.max_events_per_thread = static_cast<std::uint32_t>(
        err.integer(err.required(o, "options.", "max_events_per_thread"), "options.max_events_per_thread", 1, UINT32_MAX));
    h.stack_size = count(err, o, "options.", "stack_size");
    const json& shard = err.required(j, "", "shard");
    expect_object(err, shard, "shard");
    h.count = static_cast<std::uint32_t>(err.integer(err.required(shard, "shard.", "count"), "shard.count", 1, 4096));
    f.part.spec.count = h.count;
    f.part.spec.index = static_cast<std::uint32_t>(err.integer(err.required(shard, "shard.", "index"), "shard.index", 1, h.count) - 1);
    f.part.record.partitioned = err.boolean(err.required(j, "", "partitioned"), "partitioned");

    // Outcomes first: the counts below refer to them by index.
    const json& values = err.required(j, "", "outcome_values");
    expect_array(err, values, "outcome_values");
    std::vector<Outcome> outcome_values;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string fi = "outcome_values[" + std::to_string(i) + "]";
        expect_array(err, values[i], fi);
        Outcome out;
        for (std::size_t k = 0; k < values[i].size(); ++k) {
            const std::string fk = fi + "[" + std::to_string(k) + "]";
            const json& pair = values[i][k];
            err.expect_type(pair, fk, pair.is_array() && pair.size() == 2, "a pair [name, value]");
            out.emplace_back(err.string(pair[0], fk + "[0]"), err.integer(pair[1], fk + "[1]", INT64_MIN, INT64_MAX));
        }
        outcome_values.push_back(std::move(out));
    }

    const json& result = err.required(j, "", "result");
    expect_object(err, result, "result");
    ExploreResult& r = f.part.result;
    const std::string verdict = err.string(err.required(result, "result.", "verdict"), "result.verdict");
    if (verdict == "safe") r.verdict = Verdict::Safe;
    else if (verdict == "violation") r.verdict = Verdict::Violation;
    else if (verdict == "bounded") r.verdict = Verdict::Bounded;
    else err.fail("result.verdict", "value \"" + escape_for_message(verdict) + "\" is not a verdict, expected safe, violation or bounded");
    r.exhaustive = err.boolean(err.required(result, "result.", "exhaustive"), "result.exhaustive");
    r.limit_hit = err.string(err.required(result, "result.", "limit_hit"), "result.limit_hit", false);
    r.limit_detail = err.string(err.required(result, "result.", "limit_detail"), "result.limit_detail", false);
    r.stats = read_stats(err, err.required(result, "result.", "stats"), "result.stats");
    r.outcomes = read_counts(err, err.required(result, "result.", "outcomes"), "result.outcomes", outcome_values);
    r.flags = read_flags(err, err.required(result, "result.", "flags"), "result.flags");

    const json& rec = err.required(j, "", "record");
    expect_object(err, rec, "record");
    ShardRecord& record = f.part.record;
    const json& stop = err.required(rec, "record.", "stop_key");
    if (!stop.is_null()) record.stop_key = static_cast<std::uint64_t>(err.integer(stop, "record.stop_key", 0, INT64_MAX));
    const json& vkeys = err.required(rec, "record.", "violation_keys");
    expect_array(err, vkeys, "record.violation_keys");
    for (std::size_t i = 0; i < vkeys.size(); ++i)
        record.violation_keys.push_back(
            static_cast<std::uint64_t>(err.integer(vkeys[i], "record.violation_keys[" + std::to_string(i) + "]", 0, INT64_MAX)));
    const json& segs = err.required(rec, "record.", "segments");
    expect_array(err, segs, "record.segments");
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const std::string fi = "record.segments[" + std::to_string(i) + "]";
        expect_object(err, segs[i], fi);
        Segment s;
        s.key = count(err, segs[i], fi + ".", "key");
        if (!record.segments.empty() && s.key <= record.segments.back().key)
            err.fail(fi + ".key", "keys must increase (the previous segment's is " + std::to_string(record.segments.back().key) + ")");
        s.stats = read_stats(err, err.required(segs[i], fi + ".", "stats"), fi + ".stats");
        s.outcomes = read_counts(err, err.required(segs[i], fi + ".", "outcomes"), fi + ".outcomes", outcome_values);
        s.flags = read_flags(err, err.required(segs[i], fi + ".", "flags"), fi + ".flags");
        s.violations = count(err, segs[i], fi + ".", "violations");
        record.segments.push_back(std::move(s));
    }

    const json& checks = err.required(j, "", "checks");
    expect_object(err, checks, "checks");
    f.checked_executions = count(err, checks, "checks.", "executions");
    const json& props = err.required(checks, "checks.", "properties");
    expect_object(err, props, "checks.properties");
    for (const auto& [name, c] : props.items()) {
        const std::string fp = "checks.properties." + name;
        expect_object(err, c, fp);
        ShardCheckCount& cc = f.checks[name];
        cc.evaluated = count(err, c, fp + ".", "evaluated");
        cc.exercised = count(err, c, fp + ".", "exercised");
        cc.implication = err.boolean(err.required(c, fp + ".", "implication"), fp + ".implication");
    }

    const json& violations = err.required(j, "", "violations");
    expect_array(err, violations, "violations");
    for (std::size_t i = 0; i < violations.size(); ++i) {
        const std::string fi = "violations[" + std::to_string(i) + "]";
        expect_object(err, violations[i], fi);
        f.traces.push_back(trace_from_json(violations[i].dump(), display + ": " + fi));
    }
    // What merge_shards indexes by: a violation key per violation, segments counting no more
    // violations than there are.
    if (record.partitioned && record.violation_keys.size() != f.traces.size())
        err.fail("record.violation_keys", "has " + std::to_string(record.violation_keys.size()) + " keys for " +
                                              std::to_string(f.traces.size()) + " violations, expected one per violation");
    for (std::size_t i = 0; i < record.segments.size(); ++i)
        if (record.segments[i].violations > f.traces.size())
            err.fail("record.segments[" + std::to_string(i) + "].violations",
                     "counts " + std::to_string(record.segments[i].violations) + " violations, more than the " +
                         std::to_string(f.traces.size()) + " in the file");
    return f;
}

namespace {

std::string params_text(const std::map<std::string, std::int64_t, std::less<>>& p) {
    std::string t = "{";
    for (const auto& [k, v] : p) t += (t.size() > 1 ? ", " : "") + k + "=" + std::to_string(v);
    return t + "}";
}

std::string number_text(double d) {
    std::string t = std::to_string(d);
    while (!t.empty() && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
}

}  // namespace

MergedShards merge_shard_files(std::vector<ShardFile> files, const std::vector<std::string>& displays) {
    if (files.empty()) throw InputError("merge: no shard files given");
    const ShardHeader& h0 = files.front().header;
    const std::string& first = displays.front();
    // The first difference from the first file, named by its field.
    for (std::size_t i = 1; i < files.size(); ++i) {
        const ShardHeader& h = files[i].header;
        const detail::FieldErrors err(displays[i]);
        const auto differ = [&](const char* field, const std::string& mine, const std::string& theirs) {
            if (mine != theirs)
                err.fail(field, "\"" + escape_for_message(mine) + "\", but " + first + " has \"" + escape_for_message(theirs) +
                                    "\": the shards are not of one exploration");
        };
        differ("shard.count", std::to_string(h.count), std::to_string(h0.count));
        differ("scenario.name", h.scenario, h0.scenario);
        differ("scenario.hash", h.scenario_hash, h0.scenario_hash);
        differ("model", h.model, h0.model);
        differ("variant", h.variant, h0.variant);
        differ("params", params_text(h.params), params_text(h0.params));
        differ("memory_model", h.memory_model, h0.memory_model);
        differ("options.stop_at_first_violation", h.stop_at_first_violation ? "true" : "false",
               h0.stop_at_first_violation ? "true" : "false");
        differ("options.max_executions", std::to_string(h.max_executions), std::to_string(h0.max_executions));
        differ("options.time_limit", number_text(h.time_limit), number_text(h0.time_limit));
        differ("options.max_events_per_thread", std::to_string(h.max_events_per_thread), std::to_string(h0.max_events_per_thread));
        differ("options.stack_size", std::to_string(h.stack_size), std::to_string(h0.stack_size));
        // Another version may partition or explore differently: its parts do not add up.
        differ("tool.version", h.tool_version, h0.tool_version);
        differ("partitioned", files[i].part.record.partitioned ? "true" : "false",
               files.front().part.record.partitioned ? "true" : "false");
    }
    std::vector<std::size_t> where_index(h0.count, files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::uint32_t k = files[i].part.spec.index;
        if (where_index[k] != files.size())
            detail::FieldErrors(displays[i])
                .fail("shard.index", "shard " + std::to_string(k + 1) + "/" + std::to_string(h0.count) + " is also in " +
                                         displays[where_index[k]] + ": give each shard file once");
        where_index[k] = i;
    }
    std::string missing;
    std::size_t nmissing = 0;
    for (std::uint32_t k = 0; k < h0.count; ++k)
        if (where_index[k] == files.size()) {
            if (++nmissing <= 5) missing += (missing.empty() ? "" : ", ") + std::to_string(k + 1) + "/" + std::to_string(h0.count);
        }
    if (nmissing > 0)
        throw InputError("merge: " + escape_for_message(h0.scenario) + ": " + std::to_string(nmissing) + " of " +
                         std::to_string(h0.count) + " shards missing (" + missing + (nmissing > 5 ? ", ..." : "") +
                         "): merge needs the shard file of every part");

    // Violations for merge_shards, rebuilt from the traces with what it compares (kind,
    // message, thread, source) and renumbers (execution). Each one's src.file points at a
    // string of `files_text` of its own, which tells which trace a merged violation is.
    std::deque<std::string> files_text;
    std::map<const char*, std::pair<std::size_t, std::size_t>> trace_of;
    std::vector<ShardResult> parts;
    MergedShards out;
    out.header = h0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        ShardFile& f = files[i];
        f.part.result.violations.clear();
        for (std::size_t k = 0; k < f.traces.size(); ++k) {
            const Trace& t = f.traces[k];
            Violation v;
            v.kind = t.violation.kind;
            v.message = t.violation.message;
            v.thread = t.violation.thread;
            v.src.file = files_text.emplace_back(t.violation.file).c_str();
            v.src.line = t.violation.line;
            v.outcome = t.outcome;
            v.execution = t.violation.execution;
            trace_of[v.src.file] = {i, k};
            f.part.result.violations.push_back(std::move(v));
        }
        out.checked_executions += f.checked_executions;
        for (const auto& [name, c] : f.checks) {
            ShardCheckCount& m = out.checks[name];
            m.evaluated += c.evaluated;
            m.exercised += c.exercised;
            m.implication = m.implication || c.implication;
        }
        parts.push_back(f.part);
    }
    out.result = merge_shards(std::move(parts));
    for (Violation& v : out.result.violations) {
        const auto [i, k] = trace_of.at(v.src.file);
        Trace t = files[i].traces[k];
        // As make_trace would have written it from the unsharded result.
        t.violation.execution = v.execution;
        t.stats = out.result.stats;
        t.exhaustive = out.result.exhaustive;
        t.limit_hit = out.result.limit_hit;
        t.seconds = out.result.stats.seconds;
        out.traces.push_back(std::move(t));
        v.src.file = nullptr;  // `files_text` ends here; the trace names the file
    }
    return out;
}

}  // namespace mmcheck
