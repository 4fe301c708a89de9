// SPDX-License-Identifier: MIT
/// \file SARIF, GitHub Actions annotations and the Markdown summary (see ci_outputs.hpp).
#include "report/ci_outputs.hpp"

#include "report/statistics.hpp"
#include "report/timeline.hpp"

#include <cstdio>

namespace mmcheck {
namespace {

using nlohmann::ordered_json;

bool is_pass(const CheckRecord& r) { return !r.is_error() && r.judgement.status == CheckStatus::Pass; }

std::string rule_of(const CheckRecord& r) {
    if (r.is_error()) return "mmcheck/internal-error";
    if (r.judgement.status == CheckStatus::Inconclusive) return "mmcheck/inconclusive";
    // A golden problem is the reason only when the verdict itself was as expected (the
    // detail then starts with it, see cli/commands.cpp).
    if (r.golden == GoldenStatus::Missing && r.judgement.detail.rfind("missing counterexample", 0) == 0)
        return "mmcheck/missing-counterexample";
    if (r.golden == GoldenStatus::Changed && r.judgement.detail.rfind("counterexample changed", 0) == 0)
        return "mmcheck/counterexample-changed";
    return "mmcheck/verdict-mismatch";
}

/// One sentence: what was expected, what was found, and why it fails.
std::string message_of(const CheckRecord& r) {
    if (r.is_error()) return r.scenario + ": internal error: " + r.error;
    std::string m = r.scenario + ": expected " + r.expected + ", got " + r.judgement.actual;
    if (!r.judgement.detail.empty()) m += "; " + r.judgement.detail;
    return m;
}

ordered_json physical(const std::string& file, std::uint32_t line) {
    return ordered_json{{"artifactLocation", {{"uri", file}}}, {"region", {{"startLine", line == 0 ? 1 : line}}}};
}

/// A step of the counterexample as one line: "#4 T1 P1: x.load(rlx) = 0 <- init STALE".
std::string step_text(const Trace& t, const TraceEvent& e) {
    std::string name = e.thread < t.threads.size() ? t.threads[e.thread].name : "";
    std::string s = "#" + std::to_string(e.seq) + " T" + std::to_string(e.thread) + (name.empty() ? "" : " " + name) + ": " +
                    event_cell_text(t, e);
    return s;
}

/// Workflow-command escaping (GitHub's toolkit: escapeData / escapeProperty).
std::string escape_data(const std::string& s) {
    std::string o;
    for (const char c : s) {
        if (c == '%') o += "%25";
        else if (c == '\r') o += "%0D";
        else if (c == '\n') o += "%0A";
        else o += c;
    }
    return o;
}
std::string escape_property(const std::string& s) {
    std::string o;
    for (const char c : escape_data(s)) {
        if (c == ':') o += "%3A";
        else if (c == ',') o += "%2C";
        else o += c;
    }
    return o;
}

std::string md_cell(const std::string& s) {
    std::string o;
    for (const char c : s) {
        if (c == '|') o += "\\|";
        else if (c == '\n') o += ' ';
        else o += c;
    }
    return o;
}

}  // namespace

RecordLocation record_location(const CheckRecord& r) {
    if (r.counterexample) {
        const Trace& t = *r.counterexample;
        if (!t.violation.file.empty()) return {t.violation.file, t.violation.line == 0 ? 1 : t.violation.line};
        if (t.violation.event) {
            if (const TraceEvent* e = t.find(*t.violation.event); e != nullptr && !e->file.empty())
                return {e->file, e->line == 0 ? 1 : e->line};
        }
    }
    return {r.scenario_file.empty() ? "scenarios/" + r.scenario + ".json" : r.scenario_file, 1};
}

ordered_json render_sarif(const std::vector<CheckRecord>& records, const std::string& tool_version) {
    const auto rule = [](const char* id, const char* text) {
        return ordered_json{{"id", id}, {"shortDescription", {{"text", text}}}};
    };
    ordered_json rules = ordered_json::array({
        rule("mmcheck/verdict-mismatch", "The scenario's verdict differs from its expectation"),
        rule("mmcheck/counterexample-changed", "The counterexample differs from the committed one"),
        rule("mmcheck/missing-counterexample", "A violation without a committed counterexample"),
        rule("mmcheck/inconclusive", "A limit was hit before the scenario was decided"),
        rule("mmcheck/internal-error", "mmcheck failed while checking the scenario"),
    });
    ordered_json results = ordered_json::array();
    for (const auto& r : records) {
        if (is_pass(r)) continue;
        const RecordLocation loc = record_location(r);
        ordered_json res;
        res["ruleId"] = rule_of(r);
        res["level"] = !r.is_error() && r.judgement.status == CheckStatus::Inconclusive ? "warning" : "error";
        res["message"] = ordered_json{{"text", message_of(r)}};
        res["locations"] = ordered_json::array({ordered_json{{"physicalLocation", physical(loc.file, loc.line)}}});
        res["partialFingerprints"] = ordered_json{{"mmcheckScenario/v1", r.scenario}};
        res["properties"] = ordered_json{{"scenario", r.scenario}, {"expected", r.expected},
                                         {"actual", r.judgement.actual}, {"status", r.status_name()}};
        if (r.counterexample) {
            // One thread flow per model thread; executionOrder is the timeline's row.
            const Trace& t = *r.counterexample;
            ordered_json flows = ordered_json::array();
            for (const auto& th : t.threads) {
                ordered_json steps = ordered_json::array();
                for (const auto& e : t.events) {
                    if (e.thread != th.id) continue;
                    ordered_json location{{"message", {{"text", step_text(t, e)}}}};
                    if (!e.file.empty()) location["physicalLocation"] = physical(e.file, e.line);
                    steps.push_back(ordered_json{{"location", location}, {"executionOrder", e.seq}});
                }
                if (steps.empty()) continue;
                flows.push_back(ordered_json{{"id", "T" + std::to_string(th.id)},
                                             {"message", {{"text", "T" + std::to_string(th.id) + " " + th.name}}},
                                             {"locations", steps}});
            }
            if (!flows.empty())
                res["codeFlows"] = ordered_json::array({ordered_json{
                    {"message", {{"text", std::string(violation_kind_name(t.violation.kind)) + ": " + t.violation.message}}},
                    {"threadFlows", flows}}});
        }
        results.push_back(std::move(res));
    }
    ordered_json driver{{"name", "mmcheck"}, {"version", tool_version}, {"semanticVersion", tool_version}, {"rules", rules}};
    ordered_json run{{"tool", {{"driver", driver}}}, {"results", results}, {"columnKind", "utf16CodeUnits"}};
    return ordered_json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                        {"version", "2.1.0"},
                        {"runs", ordered_json::array({run})}};
}

std::string render_github_annotations(const std::vector<CheckRecord>& records) {
    std::string out;
    for (const auto& r : records) {
        if (is_pass(r)) continue;
        const RecordLocation loc = record_location(r);
        const bool warning = !r.is_error() && r.judgement.status == CheckStatus::Inconclusive;
        std::string msg = message_of(r);
        if (!r.new_trace_file.empty()) msg += "\ncounterexample found now: " + r.new_trace_file;
        else if (!r.trace_file.empty()) msg += "\ncounterexample: " + r.trace_file;
        out += std::string(warning ? "::warning" : "::error") + " file=" + escape_property(loc.file) +
               ",line=" + std::to_string(loc.line) + ",title=" + escape_property("mmcheck " + r.scenario + ": " + r.status_name()) +
               "::" + escape_data(msg) + "\n";
    }
    return out;
}

std::string render_summary_markdown(const std::vector<CheckRecord>& records, double seconds) {
    std::size_t pass = 0, mismatch = 0, inconclusive = 0, errors = 0;
    for (const auto& r : records) {
        if (r.is_error()) ++errors;
        else if (r.judgement.status == CheckStatus::Pass) ++pass;
        else if (r.judgement.status == CheckStatus::Mismatch) ++mismatch;
        else ++inconclusive;
    }
    const bool ok = mismatch == 0 && errors == 0 && inconclusive == 0;
    std::string md = std::string("## mmcheck: ") + (ok ? "all scenarios as expected" : "the gate fails") + "\n\n";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", seconds);
    md += std::to_string(records.size()) + " scenarios: " + std::to_string(pass) + " pass, " + std::to_string(mismatch) +
          " mismatch, " + std::to_string(inconclusive) + " inconclusive, " + std::to_string(errors) + " error (" + secs + " s)\n\n";
    md += "| | scenario | expected | actual | executions | where |\n|---|---|---|---|---:|---|\n";
    for (const auto& r : records) {
        const char* mark = r.is_error() ? ":boom:" : r.judgement.status == CheckStatus::Pass ? ":white_check_mark:"
                                         : r.judgement.status == CheckStatus::Mismatch   ? ":x:"
                                                                                         : ":warning:";
        const RecordLocation loc = record_location(r);
        const std::string where = is_pass(r) ? "" : "`" + loc.file + ":" + std::to_string(loc.line) + "`";
        md += std::string("| ") + mark + " " + r.status_name() + " | `" + md_cell(r.scenario) + "` | " + md_cell(r.expected) + " | " +
              md_cell(r.is_error() ? "internal error: " + r.error : r.judgement.actual) + " | " +
              std::to_string(execution_counts(r.stats, r.violating).total()) + " | " + where + " |\n";
    }
    for (const auto& r : records) {
        if (is_pass(r)) continue;
        md += "\n<details><summary><code>" + r.scenario + "</code>: " + r.status_name() + "</summary>\n\n";
        md += md_cell(message_of(r)) + "\n";
        if (r.counterexample) md += "\n```\n" + render_timeline(*r.counterexample) + "```\n";
        md += "\n</details>\n";
    }
    return md;
}

}  // namespace mmcheck
