// SPDX-License-Identifier: MIT
/// \file The mmcheck subcommands: list, run, check, replay, explain. Human text goes to stdout,
/// progress to stderr; with --format json stdout holds exactly one JSON document.
#include "commands.hpp"

#include "changed_since.hpp"
#include "exit_codes.hpp"
#include "output_dir.hpp"
#include "progress.hpp"
#include "signals.hpp"

#include "explore/explorer.hpp"
#include "explore/partition.hpp"
#include "report/check_report.hpp"
#include "report/ci_outputs.hpp"
#include "report/dot.hpp"
#include "report/file_io.hpp"
#include "report/golden.hpp"
#include "report/html.hpp"
#include "report/judgement.hpp"
#include "report/outcome_table.hpp"
#include "report/scenario.hpp"
#include "report/shard_file.hpp"
#include "report/statistics.hpp"
#include "report/timeline.hpp"
#include "report/trace.hpp"

#include <mmcheck/registry.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

#include <unistd.h>

#ifndef MMCHECK_VERSION
#define MMCHECK_VERSION "0.0.0"
#endif

namespace mmcheck::cli {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

/// Accepts "litmus/mp-rlx", "scenarios/litmus/mp-rlx.json" and the like.
std::string normalise_name(std::string n) {
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0) n.resize(n.size() - 5);
    if (n.rfind("scenarios/", 0) == 0) n.erase(0, 10);
    if (n.rfind("./", 0) == 0) n.erase(0, 2);
    return n;
}

std::vector<Scenario> load_all(const Settings& s, const std::vector<std::string>& names, const std::string& tag) {
    std::vector<Scenario> out;
    const ModelRegistry& reg = ModelRegistry::instance();
    // --model overrides the scenario's memory model(s): one run under it.
    const auto model_of = [&s](Scenario sc) { return s.model ? sc.under(*s.model) : sc; };
    if (!names.empty()) {
        for (const auto& n : names) out.push_back(model_of(load_scenario(s.scenarios_dir, normalise_name(n), reg)));
        return out;
    }
    const auto all = list_scenario_names(s.scenarios_dir);
    if (all.empty()) throw InputError("no scenarios found under " + s.scenarios_dir.string() + " (expected *.json files)");
    for (const auto& n : all) {
        Scenario sc = load_scenario(s.scenarios_dir, n, reg);  // validates every file, even filtered-out ones
        if (tag.empty() || sc.has_tag(tag)) out.push_back(model_of(std::move(sc)));
    }
    if (out.empty()) throw InputError("no scenario has tag \"" + tag + "\" (see mmcheck list)");
    return out;
}

/// Fails early, before a long exploration, when results cannot be written.
void ensure_writable(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError("cannot write results to " + dir.string() + ": " + ec.message());
    std::string probe = (dir / ".mmcheck-probe.XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) throw InputError("cannot write results to " + dir.string() + ": " + std::strerror(errno));
    ::close(fd);
    ::unlink(probe.c_str());
}

struct ScenarioRun {
    ExploreResult result;
    Judgement judgement;
    std::vector<Trace> traces;  ///< the expected violation first when there is one
};

ExploreOptions explore_options(const Scenario& sc, const Settings& s) {
    ExploreOptions o;
    o.stop_at_first_violation = !s.all_violations;
    o.model = s.model.value_or(sc.memory_model);
    o.max_executions = s.max_executions.value_or(sc.limits.max_executions);
    o.time_limit_seconds = s.time_limit.value_or(sc.limits.time_limit);
    o.max_events_per_thread = sc.limits.max_events_per_thread;
    o.progress_interval_seconds = Progress::kInterval;
    o.stack_size = s.stack_size.value_or(0);
    o.interrupted = &interrupt_flag();
    const double limit = o.time_limit_seconds;
    o.on_stall = [limit](const std::string& running) { end_stalled_run(limit, running); };
    return o;
}

Program program_of(const ModelInfo& info, const std::string& variant,
                   const std::map<std::string, std::int64_t, std::less<>>& params) {
    Program p;
    p.variant = variant;
    p.params = params;
    p.make = info.make;
    return p;
}

TraceContext trace_context(const Scenario& sc, const Settings& s, const ExploreOptions& o) {
    TraceContext c;
    c.tool_version = tool_version();
    c.scenario = sc.name;
    c.scenario_hash = sc.hash;
    c.model = sc.model;
    c.variant = sc.variant;
    c.params = sc.params;
    c.replay_options.stop_at_first_violation = o.stop_at_first_violation;
    c.replay_options.max_events_per_thread = o.max_events_per_thread;
    c.replay_options.memory_model = memory_model_name(o.model);
    c.source_root = s.source_root;
    c.fallback_source_root = s.build_source_root;
    c.outcomes = &sc.outcomes;
    return c;
}

/// Judges a run against its scenario, with the vacuity rule, and orders its traces.
void judge_run(const Scenario& sc, const Instrumentation& in, ScenarioRun& run) {
    run.judgement = judge(sc, run.result);
    // A safe verdict must have checked something (issue 11): a check never evaluated, or an
    // implication whose premise never held, proves nothing. An outcome table is a property
    // of its own, so a scenario with one needs no check().
    if (run.judgement.status == CheckStatus::Pass && run.result.verdict == Verdict::Safe) {
        std::string why = vacuity_finding(in);
        const bool no_checks = in.checks().empty();
        if (!why.empty() && !(no_checks && !sc.outcomes.empty() && in.complete_executions() > 0)) {
            run.judgement.status = CheckStatus::Mismatch;
            run.judgement.actual = "vacuous";
            run.judgement.detail = "vacuous: " + why;
        }
    }
}

/// The order `run` reports violations in: the expected one first.
std::vector<std::size_t> trace_order(const ScenarioRun& run) {
    std::vector<std::size_t> order;
    if (run.judgement.matched_violation) order.push_back(*run.judgement.matched_violation);
    for (std::size_t i = 0; i < run.result.violations.size(); ++i)
        if (!run.judgement.matched_violation || i != *run.judgement.matched_violation) order.push_back(i);
    return order;
}

Program scenario_program(const Scenario& sc) {
    const ModelInfo* info = ModelRegistry::instance().find(sc.model);
    Program program = program_of(*info, sc.variant, sc.params);
    program.instrumentation = std::make_shared<Instrumentation>();
    program.instrumentation->count_checks = true;
    return program;
}

ScenarioRun run_scenario(const Scenario& sc, const Settings& s, Progress* progress) {
    ExploreOptions o = explore_options(sc, s);
    if (progress != nullptr) o.progress = [progress](const ExploreStats& st) { progress->update(st); };
    ScenarioRun run;
    const Program program = scenario_program(sc);
    if (s.jobs > 1) {
        ParallelInfo parallel;
        run.result = explore_parallel(program, o, s.jobs, &parallel);
        if (parallel.fell_back)
            std::cerr << "mmcheck: run: " << sc.name << ": the " << memory_model_name(o.model)
                      << " explorer does not partition; --jobs " << s.jobs << " explored it with one worker\n";
    } else {
        run.result = explore(program, o);
    }
    judge_run(sc, *program.instrumentation, run);
    const TraceContext ctx = trace_context(sc, s, o);
    for (const std::size_t i : trace_order(run)) run.traces.push_back(make_trace(run.result.violations[i], run.result, ctx));
    return run;
}

/// <dir>/<name>.json for the first counterexample, <name>.violation-K.json for the others.
fs::path trace_path(const fs::path& dir, const std::string& name, std::size_t k, const char* ext) {
    if (k == 0) return dir / (name + ext);
    return dir / (name + ".violation-" + std::to_string(k + 1) + ext);
}

/// Writes a trace and its timeline unless the files already hold it (apart from timing): an
/// unchanged counterexample leaves a committed file, and `git status`, untouched.
bool write_trace_files(const fs::path& json_file, const fs::path& txt_file, const std::string& json,
                       const std::string& txt) {
    std::error_code ec;
    bool same = fs::exists(json_file, ec) && fs::exists(txt_file, ec);
    if (same) same = same_trace_ignoring_timing(read_text_file(json_file), json) && read_text_file(txt_file) == txt;
    if (same) return false;
    write_file_atomically(json_file, json);
    write_file_atomically(txt_file, txt);
    return true;
}

std::string display(const fs::path& p) {
    std::error_code ec;
    const fs::path rel = fs::relative(p, fs::current_path(ec), ec);
    if (!ec && !rel.empty() && rel.native().rfind("..", 0) != 0) return rel.string();
    return p.string();
}

ordered_json stats_json(const ExploreResult& r) {
    return ordered_json{{"complete", r.stats.complete}, {"blocked", r.stats.blocked},
                        {"violating", execution_counts(r).violating}, {"events", r.stats.events},
                        {"revisits", r.stats.revisits}, {"seconds", r.stats.seconds},
                        {"exhaustive", r.exhaustive},   {"limit_hit", r.limit_hit}};
}

void print_outcomes(const Judgement& j) {
    if (!j.outcomes) return;
    std::cout << "outcomes (" << j.outcomes->total << " complete executions):\n";
    for (const auto& p : j.outcomes->patterns)
        std::cout << "  " << outcome_class_name(p.pattern->cls) << "  " << pattern_text(*p.pattern) << ": "
                  << observation_name(p.observation) << " (" << p.matching << ")\n";
}

/// Replays the committed counterexample's decisions on the current model and compares the
/// execution it gives with the committed one: empty when it is still the same execution.
std::string replay_difference(const Scenario& sc, const Settings& s, const Trace& golden) {
    const ModelInfo* info = ModelRegistry::instance().find(sc.model);
    if (info == nullptr) return "model " + sc.model + " is not registered";
    ExploreOptions o = explore_options(sc, s);
    o.stop_at_first_violation = true;
    o.max_events_per_thread = golden.replay_options.max_events_per_thread;
    try {
        ExploreResult r = replay(program_of(*info, sc.variant, sc.params), golden.decisions, o);
        const auto same = std::find_if(r.violations.begin(), r.violations.end(), [&golden](const Violation& v) {
            return v.kind == golden.violation.kind && v.message == golden.violation.message;
        });
        if (same == r.violations.end())
            return "the committed execution no longer shows " + std::string(violation_kind_name(golden.violation.kind)) +
                   ": " + golden.violation.message;
        const Trace now = make_trace(*same, r, trace_context(sc, s, o));
        return execution_difference(golden, now);
    } catch (const ReplayError& e) {
        return std::string("the model no longer produces the committed execution: ") + e.what();
    }
}

/// Explores the current model looking for the committed counterexample among its violating
/// executions (by execution_difference, so source lines and fences aside): empty when it is
/// still there. Replay alone misses it when an edit shifted the decision sequence (a barrier
/// removed before the committed execution's reads), although the execution still exists.
std::string search_difference(const Scenario& sc, const Settings& s, const Trace& golden) {
    const ModelInfo* info = ModelRegistry::instance().find(sc.model);
    if (info == nullptr) return "model " + sc.model + " is not registered";
    ExploreOptions o = explore_options(sc, s);
    o.stop_at_first_violation = true;
    o.max_events_per_thread = golden.replay_options.max_events_per_thread;
    const TraceContext ctx = trace_context(sc, s, o);
    const ExploreResult none;
    o.keep_violation = [&](const Violation& v) {
        if (v.kind != golden.violation.kind || v.message != golden.violation.message) return false;
        return execution_difference(golden, make_trace(v, none, ctx)).empty();
    };
    const ExploreResult r = explore(program_of(*info, sc.variant, sc.params), o);
    return r.violations.empty() ? "not found" : "";
}

/// Compares a scenario's counterexample with the committed one by execution and records the
/// outcome. Only --bless writes under results/; a changed or missing counterexample goes to
/// the output folder for review.
void judge_golden(const Scenario& sc, const Settings& s, const CheckOptions& opts, const Trace& found, CheckRecord& rec) {
    const fs::path jf = trace_path(s.results_dir, sc.run_name(), 0, ".json"), tf = trace_path(s.results_dir, sc.run_name(), 0, ".txt");
    const fs::path oj = trace_path(s.out_dir, sc.run_name(), 0, ".json"), ot = trace_path(s.out_dir, sc.run_name(), 0, ".txt");
    const std::string json = trace_to_text(found);
    const std::string txt = render_timeline(found);
    rec.trace_file = display(jf);
    std::error_code ec;
    // Leftovers of older mmcheck versions, which wrote .new files beside the committed ones.
    const auto remove_new_files = [&] {
        fs::remove(fs::path(jf.string() + ".new"), ec);
        fs::remove(fs::path(tf.string() + ".new"), ec);
    };
    if (!fs::exists(jf, ec)) {
        if (opts.bless) {
            write_trace_files(jf, tf, json, txt);
            remove_new_files();
            rec.golden = GoldenStatus::New;
            return;
        }
        write_trace_files(oj, ot, json, txt);
        rec.golden = GoldenStatus::Missing;
        rec.new_trace_file = display(oj);
        if (rec.judgement.status == CheckStatus::Pass) {
            rec.judgement.status = CheckStatus::Mismatch;
            rec.judgement.detail = "missing counterexample: run check --bless (found now: " + display(ot) + ")";
        }
        return;
    }
    std::string diff;
    try {
        const Trace golden = trace_from_json(read_text_file(jf), display(jf));
        diff = execution_difference(golden, found);
        // The first counterexample found may move (exploration order) while the committed one
        // is still an execution of the model: it passes if it replays to the same events.
        if (!diff.empty() && replay_difference(sc, s, golden).empty()) diff.clear();
        if (!diff.empty() && search_difference(sc, s, golden).empty()) diff.clear();
    } catch (const InputError& e) {
        diff = std::string("the committed counterexample cannot be read: ") + e.what();
    }
    if (diff.empty()) {
        rec.golden = GoldenStatus::Unchanged;
        // --bless refreshes what people read (source lines) when only that moved.
        if (opts.bless && write_trace_files(jf, tf, json, txt)) rec.golden = GoldenStatus::Blessed;
        if (opts.bless) remove_new_files();
        return;
    }
    if (opts.bless) {
        write_trace_files(jf, tf, json, txt);
        remove_new_files();
        rec.golden = GoldenStatus::Blessed;
        return;
    }
    write_trace_files(oj, ot, json, txt);
    rec.golden = GoldenStatus::Changed;
    rec.new_trace_file = display(oj);
    if (rec.judgement.status == CheckStatus::Pass) {
        rec.judgement.status = CheckStatus::Mismatch;
        rec.judgement.detail = "counterexample changed (" + diff + "): compare " + display(tf) + " with " + display(ot) +
                               "; accept with mmcheck check --bless";
    }
}

/// Writes a file of the report, naming it in the error if that fails.
void write_report_file(const std::string& file, const std::string& text) {
    const fs::path p(file);
    std::error_code ec;
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    write_file_atomically(p, text);
}

/// Prints one scenario's run as `mmcheck run` does (text, or one entry appended to `runs` with
/// --format json) and writes its counterexamples to the output folder; returns its exit code.
int report_run(const Scenario& sc, const Settings& s, const ScenarioRun& run, ordered_json& runs) {
    const ExploreResult& r = run.result;
    const int code = r.verdict == Verdict::Violation ? exit_code::kViolation
                     : r.verdict == Verdict::Bounded    ? exit_code::kInconclusive
                                                        : exit_code::kOk;

    std::vector<std::string> files;
    for (std::size_t k = 0; k < run.traces.size(); ++k) {
        const fs::path jf = trace_path(s.out_dir, sc.run_name(), k, ".json"), tf = trace_path(s.out_dir, sc.run_name(), k, ".txt");
        write_trace_files(jf, tf, trace_to_text(run.traces[k]), render_timeline(run.traces[k]));
        files.push_back(display(jf));
    }

    if (s.format == Format::Json) {
        ordered_json e{{"scenario", sc.name}, {"model", sc.model}, {"variant", sc.variant},
                       {"verdict", verdict_name(r.verdict)}, {"actual", run.judgement.actual},
                       {"expected", expectation_text(sc.expect)},
                       {"as_expected", run.judgement.status == CheckStatus::Pass},
                       {"stats", stats_json(r)}};
        ordered_json traces = ordered_json::array();
        for (std::size_t k = 0; k < run.traces.size(); ++k)
            traces.push_back(ordered_json{{"file", files[k]}, {"trace", trace_to_json(run.traces[k])}});
        e["counterexamples"] = traces;
        runs.push_back(std::move(e));
        return code;
    }
    std::cout << "== " << sc.name << ": " << sc.description << "\n";
    std::cout << "verdict:  " << run.judgement.actual << "   (expected " << expectation_text(sc.expect)
              << (run.judgement.status == CheckStatus::Pass ? ", as expected" : ", NOT as expected") << ")\n";
    if (s.quiet) return code;
    std::cout << "explored: " << stats_text(execution_counts(r), r.stats);
    if (!r.exhaustive)
        std::cout << (r.limit_hit.empty() ? std::string(", stopped at the first violation") : ", stopped by limit " + r.limit_hit);
    else
        std::cout << ", exhaustive";
    std::cout << '\n';
    if (!run.judgement.detail.empty()) std::cout << "note:     " << run.judgement.detail << '\n';
    if (!r.limit_detail.empty()) std::cout << "limit:    " << r.limit_detail << '\n';
    print_outcomes(run.judgement);
    for (std::size_t k = 0; k < run.traces.size(); ++k) {
        std::cout << '\n' << render_timeline(run.traces[k]) << '\n';
        std::cout << "counterexample: " << files[k] << "  (replay: mmcheck replay " << files[k] << ")\n";
    }
    std::cout << '\n';
    return code;
}


/// The file a shard writes: --shard-out, else <out>/<run name>.shard-I-of-N.json.
fs::path shard_file_path(const Settings& s, const Scenario& sc) {
    if (!s.shard_out.empty()) return s.shard_out;
    return s.out_dir / (sc.run_name() + ".shard-" + std::to_string(s.shard->index + 1) + "-of-" +
                        std::to_string(s.shard->count) + ".json");
}

ShardHeader shard_header(const Scenario& sc, const ExploreOptions& o, std::uint32_t count) {
    ShardHeader h;
    h.tool_version = tool_version();
    h.scenario = sc.name;
    h.scenario_hash = sc.hash;
    h.model = sc.model;
    h.variant = sc.variant;
    h.params = sc.params;
    h.memory_model = memory_model_name(o.model);
    h.stop_at_first_violation = o.stop_at_first_violation;
    h.max_executions = o.max_executions;
    h.time_limit = o.time_limit_seconds;
    h.max_events_per_thread = o.max_events_per_thread;
    h.stack_size = o.stack_size;
    h.count = count;
    return h;
}

/// `run NAME --shard I/N`: explores part I of N and writes it as a shard file (atomically).
/// Its exit code says only whether the part was explored and written (the verdict is
/// merge's): 0, or 128+S when a signal cut it (the file, written still, says so).
int run_shard(const Settings& s, const Scenario& sc) {
    const ShardSpec spec = *s.shard;
    const fs::path file = shard_file_path(s, sc);
    ensure_output_dir(s.out_dir);
    remove_stale_temporaries(s.out_dir);
    if (file.has_parent_path()) ensure_writable(file.parent_path());
    ExploreOptions o = explore_options(sc, s);
    const std::string part = std::to_string(spec.index + 1) + "/" + std::to_string(spec.count);
    Progress progress(sc.name + " shard " + part, !s.quiet);
    o.progress = [&progress](const ExploreStats& st) { progress.update(st); };
    const Program program = scenario_program(sc);
    ShardFile f;
    f.header = shard_header(sc, o, spec.count);
    f.part = explore_shard(program, o, spec);
    progress.finish(f.part.result, "part " + part);
    if (!f.part.record.partitioned && !s.quiet)
        std::cerr << "mmcheck: run: " << sc.name << ": the " << memory_model_name(o.model)
                  << " explorer does not partition; shard 1/" << spec.count << " explores it all"
                  << (spec.index == 0 ? "" : ", this shard nothing") << '\n';
    const TraceContext ctx = trace_context(sc, s, o);
    for (const Violation& v : f.part.result.violations) f.traces.push_back(make_trace(v, f.part.result, ctx));
    f.part.result.violations.clear();
    f.checked_executions = program.instrumentation->complete_executions();
    for (const auto& [name, c] : program.instrumentation->checks())
        f.checks[name] = ShardCheckCount{c.evaluated, c.exercised, c.implication};
    write_file_atomically(file, shard_to_text(f));
    const int code = interrupted_exit_code() != 0 ? interrupted_exit_code() : exit_code::kOk;
    const ExploreResult& r = f.part.result;
    if (s.format == Format::Json) {
        ordered_json doc{{"schema", "mmcheck.shard-run/1"},
                         {"tool", {{"name", "mmcheck"}, {"version", tool_version()}}},
                         {"scenario", sc.name},
                         {"shard", {{"index", spec.index + 1}, {"count", spec.count}}},
                         {"partitioned", f.part.record.partitioned},
                         {"file", display(file)},
                         {"stats", ordered_json{{"complete", r.stats.complete}, {"blocked", r.stats.blocked},
                                                {"violations", f.traces.size()}, {"seconds", r.stats.seconds}}},
                         {"exit_code", code}};
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
        std::cout << "shard " << part << " of " << sc.name << ": " << r.stats.complete << " complete, " << r.stats.blocked
                  << " blocked, " << f.traces.size() << (f.traces.size() == 1 ? " violation" : " violations")
                  << " in this part; wrote " << display(file) << '\n';
        if (!s.quiet) std::cout << "merge every part with: mmcheck merge FILE... (the verdict is merge's)\n";
    }
    return code;
}

}  // namespace

const char* tool_version() { return MMCHECK_VERSION; }

int cmd_list(const Settings& s, const std::string& tag) {
    const auto scenarios = load_all(s, {}, tag);
    // One expectation, or one per memory model the scenario names ("rc11: safe; lkmm: ...").
    const auto expect_of = [&s](const Scenario& sc) {
        if (s.model || sc.models.size() <= 1) return expectation_text(sc.expect);
        std::string t;
        for (const auto& m : sc.models)
            t += (t.empty() ? "" : "; ") + std::string(memory_model_name(m.model)) + ": " + expectation_text(m.expect);
        return t;
    };
    if (s.format == Format::Json) {
        ordered_json list = ordered_json::array();
        for (const auto& sc : scenarios)
            list.push_back(ordered_json{{"name", sc.name}, {"model", sc.model}, {"variant", sc.variant},
                                        {"expect", expect_of(sc)}, {"tags", sc.tags},
                                        {"description", sc.description}});
        std::cout << ordered_json{{"scenarios", list}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return exit_code::kOk;
    }
    std::size_t nw = 4, ew = 6;
    for (const auto& sc : scenarios) {
        nw = std::max(nw, sc.name.size());
        ew = std::max(ew, expect_of(sc).size());
    }
    const auto pad = [](std::string x, std::size_t w) { return x.size() < w ? x + std::string(w - x.size(), ' ') : x; };
    if (!s.quiet) std::cout << pad("NAME", nw) << "  " << pad("EXPECT", ew) << "  DESCRIPTION\n";
    for (const auto& sc : scenarios)
        std::cout << pad(sc.name, nw) << "  " << pad(expect_of(sc), ew) << "  " << sc.description << '\n';
    return exit_code::kOk;
}

int cmd_run(const Settings& s, const std::vector<std::string>& names) {
    if (s.shard) {
        if (names.size() != 1) throw UsageError("run --shard: one scenario at a time (a shard is part of one exploration)");
        return run_shard(s, load_all(s, names, "").front());
    }
    return run_scenarios(s, load_all(s, names, ""));
}

int run_scenarios(const Settings& s, const std::vector<Scenario>& scenarios) {
    // Never results/: only check --bless writes the committed counterexamples.
    ensure_output_dir(s.out_dir);
    remove_stale_temporaries(s.out_dir);
    int code = exit_code::kOk;
    ordered_json doc{{"schema", "mmcheck.run/1"}, {"tool", {{"name", "mmcheck"}, {"version", tool_version()}}}};
    ordered_json runs = ordered_json::array();
    std::size_t finished = 0;
    ExploreStats so_far;
    for (const auto& sc : scenarios) {
        if (interrupted_exit_code() != 0) break;
        Progress progress(sc.name, !s.quiet);
        const ScenarioRun run = run_scenario(sc, s, &progress);
        ++finished;
        so_far.complete += run.result.stats.complete;
        so_far.blocked += run.result.stats.blocked;
        so_far.events += run.result.stats.events;
        so_far.seconds += run.result.stats.seconds;
        progress.finish(run.result, verdict_name(run.result.verdict));
        const int c = report_run(sc, s, run, runs);
        if (c == exit_code::kViolation) code = c;
        else if (c == exit_code::kInconclusive && code == exit_code::kOk) code = c;
    }
    if (const int sig = interrupted_exit_code(); sig != 0) {
        code = sig;
        // The statistics so far, and which scenarios never finished.
        std::cerr << "mmcheck: run: interrupted; " << finished << " of " << scenarios.size() << " scenarios finished, "
                  << stats_text(ExecutionCounts{so_far.complete, so_far.blocked, 0}, so_far) << '\n';
        if (s.format == Format::Json) doc["interrupted"] = true;
    }
    if (s.format == Format::Json) {
        doc["runs"] = runs;
        doc["exit_code"] = code;
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    return code;
}

int cmd_check(const Settings& s, const std::vector<std::string>& names, const std::string& tag,
              const std::string& junit_file, unsigned jobs, bool bless) {
    CheckOptions o;
    o.junit_file = junit_file;
    o.jobs = jobs;
    o.bless = bless;
    return cmd_check(s, names, tag, o);
}

int cmd_check(const Settings& s, const std::vector<std::string>& names_in, const std::string& tag, const CheckOptions& opts) {
    std::vector<std::string> names = names_in;
    if (!opts.changed_since.empty()) {
        std::vector<std::pair<std::string, std::string>> all;
        for (const auto& sc : load_all(s, {}, "")) all.emplace_back(sc.name, sc.model);
        const auto selected = scenarios_changed_since(s.scenarios_dir, opts.changed_since, all);
        if (s.format == Format::Text) {
            std::cout << "changed since " << opts.changed_since << ": " << selected.size()
                      << (selected.size() == 1 ? " scenario" : " scenarios") << '\n';
            for (const auto& c : selected) std::cout << "  " << c.name << "  (" << c.reason << ")\n";
        }
        if (selected.empty()) {
            if (s.format == Format::Json)
                std::cout << ordered_json{{"schema", "mmcheck.summary/1"}, {"changed_since", opts.changed_since}, {"scenarios", ordered_json::array()}, {"exit_code", 0}}.dump(2) << '\n';
            else
                std::cout << "check: nothing to check\n";
            return exit_code::kOk;
        }
        std::vector<std::string> keep;
        for (const auto& c : selected) keep.push_back(c.name);
        if (!names.empty()) {
            std::vector<std::string> both;
            for (const auto& n : keep)
                if (std::find(names.begin(), names.end(), n) != names.end()) both.push_back(n);
            keep = both;
        }
        names = keep;
    }
    auto scenarios = load_all(s, names, names.empty() ? tag : "");
    if (!tag.empty() && !names.empty()) {
        std::erase_if(scenarios, [&](const Scenario& sc) { return !sc.has_tag(tag); });
    }
    // Each scenario runs under every memory model it names (one run with --model).
    if (!s.model) {
        std::vector<Scenario> runs;
        for (const auto& sc : scenarios)
            for (const auto& m : sc.models) runs.push_back(sc.under(m.model));
        scenarios = std::move(runs);
    }
    if (opts.bless) ensure_writable(s.results_dir);
    ensure_output_dir(s.out_dir);
    // Temporaries of a run killed before it could rename them (SIGKILL, a full disk).
    remove_stale_temporaries(s.results_dir);
    remove_stale_temporaries(s.out_dir);
    for (const std::string* f : {&opts.junit_file, &opts.sarif_file, &opts.summary_md_file}) {
        if (f->empty()) continue;
        const fs::path jp(*f);
        ensure_writable(jp.has_parent_path() ? jp.parent_path() : fs::path("."));
    }
    if (!opts.html_dir.empty()) ensure_output_dir(opts.html_dir);
    const auto start = std::chrono::steady_clock::now();
    const std::size_t n = scenarios.size();
    std::vector<CheckRecord> records(n);
    std::vector<bool> done(n, false);
    std::mutex mu;
    std::condition_variable cv;
    std::atomic<std::size_t> next{0};
    std::exception_ptr write_failure;  // the first file a worker could not write

    // Lines come out in scenario order whatever order the workers finish in (determinism).
    std::size_t printed = 0;
    std::size_t pass = 0, mismatch = 0, inconclusive = 0, errors = 0;
    std::size_t nw = 0;
    for (const auto& sc : scenarios) nw = std::max(nw, sc.run_name().size());
    const auto print_ready = [&] {
        std::unique_lock<std::mutex> lock(mu);
        while (printed < n && done[printed]) {
            const CheckRecord& r = records[printed];
            if (r.is_error()) ++errors;
            else switch (r.judgement.status) {
                case CheckStatus::Pass: ++pass; break;
                case CheckStatus::Mismatch: ++mismatch; break;
                case CheckStatus::Inconclusive: ++inconclusive; break;
            }
            if (s.format == Format::Text && (!s.quiet || r.is_error() || r.judgement.status != CheckStatus::Pass)) {
                std::string status = r.is_error() ? "ERROR"
                                     : r.judgement.status == CheckStatus::Pass     ? "PASS"
                                     : r.judgement.status == CheckStatus::Mismatch ? "MISMATCH"
                                                                                   : "INCONCLUSIVE";
                std::string line = status + std::string(13 - status.size(), ' ') + r.scenario +
                                   std::string(nw + 2 - r.scenario.size(), ' ');
                if (r.is_error()) {
                    line += "internal error: " + r.error;
                } else {
                    line += r.judgement.actual;
                    const std::uint64_t execs = execution_counts(r.stats, r.violating).total();
                    line += "  [" + std::to_string(execs) + (execs == 1 ? " execution]" : " executions]");
                    if (r.golden == GoldenStatus::New) line += "  (new counterexample " + r.trace_file + ")";
                    if (r.golden == GoldenStatus::Blessed) line += "  (counterexample updated: " + r.trace_file + ")";
                }
                std::cout << line << '\n';
                if (!r.is_error() && !r.judgement.detail.empty()) std::cout << "             " << r.judgement.detail << '\n';
                std::cout << std::flush;
            }
            ++printed;
        }
    };
    std::vector<std::thread> workers;
    const unsigned nworkers = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, opts.jobs), n));
    const auto work = [&](bool show_progress) {
        for (std::size_t i = next++; i < n; i = next++) {
            const Scenario& sc = scenarios[i];
            CheckRecord rec;
            rec.scenario = sc.run_name();
            rec.expected = expectation_text(sc.expect);
            rec.scenario_file = display(sc.file);
            if (interrupted_exit_code() != 0) {
                // Never started: an unfinished scenario in every report, not a silent gap.
                rec.judgement.status = CheckStatus::Inconclusive;
                rec.judgement.actual = "not run";
                rec.judgement.detail = "interrupted before it started";
                rec.limit_hit = "interrupted";
                {
                    const std::lock_guard<std::mutex> lock(mu);
                    records[i] = std::move(rec);
                    done[i] = true;
                }
                cv.notify_all();
                if (nworkers == 1) print_ready();
                continue;
            }
            // One scenario's internal error is that scenario's result, not the end of the
            // report: the others still run and CI still gets JUnit, SARIF and summary.json.
            try {
                Progress progress(sc.name, show_progress);
                ScenarioRun run = run_scenario(sc, s, show_progress ? &progress : nullptr);
                progress.clear();
                rec.judgement = run.judgement;
                rec.stats = run.result.stats;
                rec.violating = execution_counts(run.result).violating;
                rec.exhaustive = run.result.exhaustive;
                rec.limit_hit = run.result.limit_hit;
                if (run.result.limit_hit == "interrupted") rec.judgement.detail = "interrupted";
                else if (!run.result.limit_detail.empty()) rec.judgement.detail = run.result.limit_detail;
                if (!run.traces.empty()) {
                    rec.counterexample = std::make_shared<const Trace>(run.traces.front());
                    judge_golden(sc, s, opts, run.traces.front(), rec);
                }
            } catch (const InputError& e) {
                // A file that cannot be written (full disk, file-size limit): not this
                // scenario's verdict and not a bug, but the whole run's bad input (exit 2).
                rec.error = e.what();
                const std::lock_guard<std::mutex> lock(mu);
                if (!write_failure) write_failure = std::current_exception();
            } catch (const std::exception& e) {
                rec.error = e.what();
                if (rec.error.empty()) rec.error = "unknown error";
            } catch (...) {
                rec.error = "unknown exception";
            }
            {
                const std::lock_guard<std::mutex> lock(mu);
                records[i] = std::move(rec);
                done[i] = true;
            }
            cv.notify_all();
            // On the main thread each line appears as soon as its scenario is done.
            if (nworkers == 1) print_ready();
        }
    };

    if (nworkers > 1)
        for (unsigned w = 0; w < nworkers; ++w) workers.emplace_back(work, false);

    if (nworkers == 1) {
        work(!s.quiet && s.format == Format::Text);
    } else {
        std::unique_lock<std::mutex> lock(mu);
        while (printed < n) {
            cv.wait(lock, [&] { return done[printed]; });
            lock.unlock();
            print_ready();
            lock.lock();
        }
    }
    for (auto& w : workers) w.join();
    if (write_failure) std::rethrow_exception(write_failure);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
        ordered_json summary = summary_json(records, seconds, tool_version());
        // Interrupted: the scenarios it cut or never started are inconclusive entries
        // (limit_hit "interrupted"), and the whole report says so.
        if (interrupted_exit_code() != 0) summary["interrupted"] = true;
        write_file_atomically(s.out_dir / "summary.json", summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    if (!opts.junit_file.empty()) write_report_file(opts.junit_file, render_junit(records, seconds));
    if (!opts.sarif_file.empty())
        write_report_file(opts.sarif_file, render_sarif(records, tool_version()).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    if (!opts.summary_md_file.empty()) write_report_file(opts.summary_md_file, render_summary_markdown(records, seconds));
    if (!opts.html_dir.empty()) {
        const fs::path dir(opts.html_dir);
        std::vector<HtmlIndexEntry> index;
        for (const auto& r : records) {
            HtmlIndexEntry e{r.scenario, r.status_name(), r.expected, r.is_error() ? "internal error: " + r.error : r.judgement.actual, ""};
            if (r.counterexample) {
                e.page = r.scenario + ".html";
                HtmlOptions ho;
                ho.hb = opts.html_hb;
                write_report_file((dir / e.page).string(), render_html(*r.counterexample, ho));
            }
            index.push_back(std::move(e));
        }
        write_report_file((dir / "index.html").string(), render_html_index(index));
    }
    // Workflow commands are read from both streams; stdout stays one JSON document with --format json.
    if (opts.github) (s.format == Format::Json ? std::cerr : std::cout) << render_github_annotations(records) << std::flush;

    // The worst outcome decides: an internal error, then a mismatch, then an inconclusive run.
    const int interrupted = interrupted_exit_code();
    const int code = interrupted != 0 ? interrupted
                     : errors > 0 ? exit_code::kInternal
                     : mismatch > 0 ? exit_code::kViolation
                     : inconclusive > 0 ? exit_code::kInconclusive
                                        : exit_code::kOk;
    if (s.format == Format::Json) {
        ordered_json doc = summary_json(records, seconds, tool_version());
        if (interrupted != 0) doc["interrupted"] = true;
        doc["exit_code"] = code;
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
        std::cout << "check: " << n << " scenarios: " << pass << " pass, " << mismatch << " mismatch, " << inconclusive
                  << " inconclusive" << (errors > 0 ? ", " + std::to_string(errors) + " error" : std::string()) << '\n';
    }
    if (!s.quiet || interrupted != 0) {
        ExploreStats total;
        ExecutionCounts counts;
        for (const auto& r : records) {
            counts.complete += r.stats.complete;
            counts.blocked += r.stats.blocked;
            counts.violating += r.violating;
            total.events += r.stats.events;
        }
        total.seconds = seconds;
        std::cerr << "mmcheck: check: "
                  << (interrupted != 0 ? "interrupted"
                      : code == 0 ? "ok" : code == exit_code::kInternal ? "error" : code == exit_code::kViolation ? "mismatch" : "inconclusive")
                  << "; " << n << " scenarios, " << stats_text(counts, total) << '\n';
    }
    return code;
}

int cmd_merge(const Settings& s, const std::vector<std::string>& files) {
    std::vector<ShardFile> shards;
    for (const auto& f : files) shards.push_back(shard_from_json(read_text_file(f), f));
    MergedShards m = merge_shard_files(std::move(shards), files);
    const ShardHeader& h = m.header;
    Scenario sc;
    try {
        sc = load_scenario(s.scenarios_dir, h.scenario, ModelRegistry::instance());
    } catch (const InputError& e) {
        throw InputError(files.front() + ": field 'scenario.name': scenario \"" + h.scenario + "\" cannot be loaded (" + e.what() + ")");
    }
    if (sc.hash != h.scenario_hash)
        throw InputError(files.front() + ": field 'scenario.hash': scenario " + h.scenario +
                         " changed since the shards ran (" + h.scenario_hash + ", now " + sc.hash + "): run the shards again");
    sc = sc.under(parse_memory_model(h.memory_model).value_or(MemoryModelKind::RC11));
    ensure_output_dir(s.out_dir);
    remove_stale_temporaries(s.out_dir);
    ScenarioRun run;
    run.result = std::move(m.result);
    Instrumentation in;
    std::map<std::string, CheckCount, std::less<>> checks;
    for (const auto& [name, c] : m.checks) checks[name] = CheckCount{c.evaluated, c.exercised, c.implication};
    in.add_counts(m.checked_executions, checks);
    judge_run(sc, in, run);
    for (const std::size_t i : trace_order(run)) run.traces.push_back(std::move(m.traces[i]));
    if (!s.quiet) std::cerr << "mmcheck: merge: " << sc.name << ": " << files.size() << " shards; " << verdict_name(run.result.verdict) << ", "
                            << stats_text(execution_counts(run.result), run.result.stats) << '\n';
    ordered_json runs = ordered_json::array();
    const int code = report_run(sc, s, run, runs);
    if (s.format == Format::Json) {
        ordered_json doc{{"schema", "mmcheck.run/1"}, {"tool", {{"name", "mmcheck"}, {"version", tool_version()}}}};
        doc["runs"] = runs;
        doc["exit_code"] = code;
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    return code;
}

int cmd_replay(const Settings& s, const std::string& file) {
    const Trace t = trace_from_json(read_text_file(file), file);
    const ModelRegistry& reg = ModelRegistry::instance();
    const ModelInfo* info = reg.find(t.model);
    if (info == nullptr) throw InputError(file + ": field 'model': unknown model \"" + t.model + "\", it is not registered in this mmcheck (a model file of your own: add --model-source FILE.cpp)");
    if (info->find_variant(t.variant) == nullptr)
        throw InputError(file + ": field 'variant': model \"" + t.model + "\" has no variant \"" + t.variant + "\"");
    for (const auto& [k, v] : t.params) {
        const ParamInfo* p = info->find_param(k);
        if (p == nullptr) throw InputError(file + ": field 'params." + k + "': model \"" + t.model + "\" has no such parameter");
    }
    std::map<std::string, std::int64_t, std::less<>> params;
    for (const auto& p : info->params) params[p.name] = p.default_value;
    for (const auto& [k, v] : t.params) params[k] = v;

    ExploreOptions o;
    o.stop_at_first_violation = true;
    o.max_events_per_thread = t.replay_options.max_events_per_thread;
    o.model = s.model.value_or(parse_memory_model(t.replay_options.memory_model).value_or(MemoryModelKind::RC11));
    const std::string recorded = std::string(violation_kind_name(t.violation.kind)) + ": " + t.violation.message;

    // Notes that explain a failed replay: the scenario or the tool changed since the trace.
    std::vector<std::string> notes;
    if (!t.scenario.empty() && !s.scenarios_dir.empty()) {
        try {
            const Scenario sc = load_scenario(s.scenarios_dir, t.scenario, reg);
            if (sc.hash != t.scenario_hash) notes.push_back("scenario " + t.scenario + " changed since the trace was written");
        } catch (const InputError&) {
            notes.push_back("scenario " + t.scenario + " no longer loads");
        }
    }
    if (t.tool_version != tool_version())
        notes.push_back("trace written by mmcheck " + t.tool_version + ", this is " + tool_version());

    std::string status, detail;
    int code = exit_code::kOk;
    try {
        const ExploreResult r = replay(program_of(*info, t.variant, params), t.decisions, o);
        const auto same = std::find_if(r.violations.begin(), r.violations.end(), [&t](const Violation& v) {
            return v.kind == t.violation.kind && v.message == t.violation.message;
        });
        if (same != r.violations.end()) {
            status = "confirmed";
            detail = "the recorded execution still shows " + recorded;
        } else {
            status = "not-reproduced";
            code = exit_code::kViolation;
            detail = "the recorded execution no longer shows " + recorded + "; it now gives " + actual_text(r) +
                     " (the model changed since the trace was written)";
        }
    } catch (const ReplayError& e) {
        status = "model-changed";
        code = exit_code::kViolation;
        detail = std::string("the model no longer produces the recorded execution: ") + e.what();
    }
    if (s.format == Format::Json) {
        ordered_json doc{{"schema", "mmcheck.replay/1"}, {"file", file}, {"status", status}, {"detail", detail},
                         {"violation", recorded}, {"notes", notes}, {"exit_code", code}};
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
        std::cout << "replay " << file << ": " << status << ": " << detail << '\n';
        for (const auto& n : notes) std::cout << "note: " << n << '\n';
    }
    return code;
}

int cmd_explain(const std::string& file, const std::string& format, bool hb) {
    const Trace t = trace_from_json(read_text_file(file), file);
    if (format == "html") {
        HtmlOptions o;
        o.hb = hb;
        std::cout << render_html(t, o);
    } else if (format == "dot") std::cout << render_dot(t);
    else if (format == "json") std::cout << trace_to_text(t);
    else std::cout << render_timeline(t);
    return exit_code::kOk;
}

}  // namespace mmcheck::cli
