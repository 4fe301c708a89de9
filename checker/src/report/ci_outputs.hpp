// SPDX-License-Identifier: MIT
/// \file The records of `mmcheck check` in the forms CI systems read besides JUnit: SARIF 2.1.0
/// (code scanning: one result per scenario that is not a pass, located at the model line of
/// the violated check, with the counterexample's steps as a code flow), GitHub Actions
/// workflow commands (annotations on the model lines), and a Markdown verdict table that a
/// pipeline can post on a pull request.
#pragma once

#include "report/check_report.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mmcheck {

/// Where a record points a reviewer: the source line of the violated check when there is a
/// counterexample, else the scenario file (line 1).
struct RecordLocation {
    std::string file;
    std::uint32_t line = 1;
};
RecordLocation record_location(const CheckRecord& r);

/// SARIF 2.1.0 log with one run; results for mismatches ("error"), internal errors ("error")
/// and inconclusive runs ("warning"); passes give none.
nlohmann::ordered_json render_sarif(const std::vector<CheckRecord>& records, const std::string& tool_version);

/// GitHub Actions workflow commands, one line per record that is not a pass:
/// `::error file=models/x.cpp,line=72,title=mmcheck x/V1::...` (`::warning` when inconclusive).
std::string render_github_annotations(const std::vector<CheckRecord>& records);

/// A Markdown summary: the overall verdict, a table of every scenario's verdict, and each
/// mismatch's timeline in a collapsed section.
std::string render_summary_markdown(const std::vector<CheckRecord>& records, double seconds);

}  // namespace mmcheck
