// SPDX-License-Identifier: MIT
/// \file The artefacts of `mmcheck check`: one record per scenario, rendered as JUnit XML (for
/// CI dashboards) and as results/summary.json (for scripts).
#pragma once

#include "explore/result.hpp"
#include "report/judgement.hpp"

#include <nlohmann/json.hpp>

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
};

/// JUnit XML: one testsuite "mmcheck", one testcase per scenario; a mismatch is a <failure>,
/// an inconclusive run is <skipped> (neither passed nor failed, as CI dashboards expect).
std::string render_junit(const std::vector<CheckRecord>& records, double seconds);

/// results/summary.json (no timing fields except `seconds` per record and in total).
nlohmann::ordered_json summary_json(const std::vector<CheckRecord>& records, double seconds,
                                    const std::string& tool_version);

/// Escapes text for XML attributes and content.
std::string xml_escape(const std::string& s);

}  // namespace mmcheck
