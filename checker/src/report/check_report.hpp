// SPDX-License-Identifier: MIT
/// \file The artefacts of `mmcheck check`: one record per scenario, rendered as JUnit XML (for
/// CI dashboards) and as results/summary.json (for scripts).
#pragma once

#include "explore/result.hpp"
#include "report/judgement.hpp"
#include "report/trace.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace mmcheck {

/// What happened to the committed counterexample of a scenario.
enum class GoldenStatus : std::uint8_t {
    None,       ///< no violation, so no counterexample
    Unchanged,  ///< equal to the committed one apart from timing
    New,        ///< none was committed; written
    Changed,    ///< differs from the committed one (a mismatch unless blessed)
    Blessed,    ///< differed and was rewritten (check --bless)
    Missing,    ///< a violation but no committed counterexample (a mismatch unless blessed)
};
const char* golden_status_name(GoldenStatus s);

struct CheckRecord {
    std::string scenario;
    std::string expected;
    Judgement judgement;
    ExploreStats stats;
    bool exhaustive = true;
    std::string limit_hit;
    std::string trace_file;     ///< relative results path of the counterexample, or empty
    GoldenStatus golden = GoldenStatus::None;
    std::uint64_t violating = 0;  ///< executions ended by a violation in a thread (report/statistics.hpp)
    /// Set when exploring this scenario failed inside mmcheck (an internal error): the record
    /// is an "error", neither pass nor mismatch, and the other scenarios still run.
    std::string error{};
    std::string scenario_file{};  ///< the scenario's file as shown (locates records without a trace)
    std::string new_trace_file{}; ///< the counterexample found now, in the output folder, when it
                                  ///< differs from the committed one or none is committed
    /// The counterexample found now (its timeline goes into JUnit, its steps into SARIF).
    std::shared_ptr<const Trace> counterexample{};

    [[nodiscard]] bool is_error() const { return !error.empty(); }
    /// "pass", "mismatch", "inconclusive" or "error".
    [[nodiscard]] const char* status_name() const;
};

/// JUnit XML: one testsuite "mmcheck", one testcase per scenario; a mismatch is a <failure>
/// whose body holds the counterexample's timeline, an internal error is an <error>, an
/// inconclusive run is <skipped> (neither passed nor failed, as CI dashboards expect).
std::string render_junit(const std::vector<CheckRecord>& records, double seconds);

/// results/summary.json (no timing fields except `seconds` per record and in total).
nlohmann::ordered_json summary_json(const std::vector<CheckRecord>& records, double seconds,
                                    const std::string& tool_version);

/// Escapes text for XML attributes and content.
std::string xml_escape(const std::string& s);

}  // namespace mmcheck
