// SPDX-License-Identifier: MIT
/// \file JUnit XML and summary.json.
#include "report/check_report.hpp"

#include "report/timeline.hpp"

#include <cstdio>

namespace mmcheck {
namespace {

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

}  // namespace

const char* golden_status_name(GoldenStatus s) {
    switch (s) {
        case GoldenStatus::None: return "none";
        case GoldenStatus::Unchanged: return "unchanged";
        case GoldenStatus::New: return "new";
        case GoldenStatus::Changed: return "changed";
        case GoldenStatus::Blessed: return "blessed";
        case GoldenStatus::Missing: return "missing";
    }
    return "?";
}

const char* CheckRecord::status_name() const {
    return is_error() ? "error" : check_status_name(judgement.status);
}

std::string xml_escape(const std::string& s) {
    std::string o;
    for (const char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            default:
                // XML 1.0 forbids most control characters even when escaped.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') o += '?';
                else o += c;
        }
    }
    return o;
}

std::string render_junit(const std::vector<CheckRecord>& records, double seconds) {
    std::size_t failures = 0, skipped = 0, errors = 0;
    for (const auto& r : records) {
        if (r.is_error()) ++errors;
        else if (r.judgement.status == CheckStatus::Mismatch) ++failures;
        else if (r.judgement.status == CheckStatus::Inconclusive) ++skipped;
    }
    const std::string counts = "tests=\"" + std::to_string(records.size()) + "\" failures=\"" + std::to_string(failures) +
                               "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
                               "\" time=\"" + seconds_text(seconds) + "\"";
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<testsuites name=\"mmcheck\" " + counts + ">\n";
    x += "  <testsuite name=\"mmcheck check\" " + counts + ">\n";
    for (const auto& r : records) {
        const auto slash = r.scenario.rfind('/');
        const std::string classname = "scenarios." + (slash == std::string::npos ? std::string("root") : r.scenario.substr(0, slash));
        x += "    <testcase classname=\"" + xml_escape(classname) + "\" name=\"" + xml_escape(r.scenario) + "\" time=\"" +
             seconds_text(r.stats.seconds) + "\">\n";
        std::string body = "expected: " + r.expected + "\nactual: " + r.judgement.actual + "\n" +
                           (r.judgement.detail.empty() ? "" : r.judgement.detail + "\n") +
                           (r.trace_file.empty() ? "" : "counterexample: " + r.trace_file + "\n") +
                           (r.new_trace_file.empty() ? "" : "found now: " + r.new_trace_file + "\n");
        if (r.is_error()) {
            x += "      <error message=\"" + xml_escape("internal error: " + r.error) + "\" type=\"internal-error\">" +
                 xml_escape("internal error: " + r.error + "\n") + "</error>\n";
        } else if (r.judgement.status == CheckStatus::Mismatch) {
            // The timeline itself, so a reviewer reads the counterexample in the CI page.
            std::string failure = body;
            if (r.counterexample) failure += "\n" + render_timeline(*r.counterexample);
            x += "      <failure message=\"" + xml_escape(r.judgement.detail.empty() ? "expected " + r.expected + ", got " + r.judgement.actual : r.judgement.detail) +
                 "\" type=\"mismatch\">" + xml_escape(failure) + "</failure>\n";
        } else if (r.judgement.status == CheckStatus::Inconclusive) {
            x += "      <skipped message=\"" + xml_escape("inconclusive: " + r.judgement.detail) + "\"/>\n";
        }
        x += "      <system-out>" + xml_escape(body) + "</system-out>\n";
        x += "    </testcase>\n";
    }
    x += "  </testsuite>\n</testsuites>\n";
    return x;
}

nlohmann::ordered_json summary_json(const std::vector<CheckRecord>& records, double seconds,
                                    const std::string& tool_version) {
    using nlohmann::ordered_json;
    ordered_json j;
    j["schema"] = "mmcheck.summary/1";
    j["tool"] = ordered_json{{"name", "mmcheck"}, {"version", tool_version}};
    std::size_t pass = 0, mismatch = 0, inconclusive = 0, errors = 0;
    ordered_json list = ordered_json::array();
    for (const auto& r : records) {
        if (r.is_error()) ++errors;
        else switch (r.judgement.status) {
            case CheckStatus::Pass: ++pass; break;
            case CheckStatus::Mismatch: ++mismatch; break;
            case CheckStatus::Inconclusive: ++inconclusive; break;
        }
        ordered_json e;
        e["scenario"] = r.scenario;
        e["status"] = r.status_name();
        e["expected"] = r.expected;
        e["actual"] = r.judgement.actual;
        e["detail"] = r.judgement.detail;
        e["exhaustive"] = r.exhaustive;
        e["limit_hit"] = r.limit_hit;
        e["stats"] = ordered_json{{"complete", r.stats.complete}, {"blocked", r.stats.blocked}, {"violating", r.violating},
                                  {"events", r.stats.events}, {"revisits", r.stats.revisits}};
        e["trace"] = r.trace_file.empty() ? ordered_json(nullptr) : ordered_json(r.trace_file);
        e["golden"] = golden_status_name(r.golden);
        if (!r.new_trace_file.empty()) e["new_trace"] = r.new_trace_file;
        if (r.is_error()) e["error"] = r.error;
        if (r.judgement.outcomes) {
            ordered_json pats = ordered_json::array();
            for (const auto& p : r.judgement.outcomes->patterns) {
                ordered_json values = ordered_json::object();
                for (const auto& [k, v] : p.pattern->values) values[k] = v;
                pats.push_back(ordered_json{{"outcome", values}, {"class", outcome_class_name(p.pattern->cls)},
                                            {"observed", observation_name(p.observation)}, {"executions", p.matching}});
            }
            e["outcomes"] = ordered_json{{"total", r.judgement.outcomes->total}, {"patterns", pats}};
        }
        e["seconds"] = r.stats.seconds;
        list.push_back(std::move(e));
    }
    j["counts"] = ordered_json{{"scenarios", records.size()}, {"pass", pass}, {"mismatch", mismatch}, {"inconclusive", inconclusive}, {"error", errors}};
    j["scenarios"] = list;
    j["seconds"] = seconds;
    return j;
}

}  // namespace mmcheck
