// SPDX-License-Identifier: MIT
/// \file Comparing an exploration with what its scenario expects: the verdict of the CI gate
/// for one scenario (pass, mismatch, or inconclusive when a limit stopped exploration).
#pragma once

#include "explore/result.hpp"
#include "report/outcome_table.hpp"
#include "report/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mmcheck {

enum class CheckStatus : std::uint8_t {
    Pass,          ///< verdict (and outcomes) as expected
    Mismatch,      ///< verdict or outcomes differ from the expectation (or the trace changed)
    Inconclusive,  ///< a limit was hit before exploration could decide
};
const char* check_status_name(CheckStatus s);

struct Judgement {
    CheckStatus status = CheckStatus::Pass;
    std::string actual;   ///< "safe", "violation (check: mp weak outcome)", "bounded (time-limit)"
    std::string detail;   ///< why, for a mismatch or an inconclusive run; empty on a pass
    std::optional<OutcomeReport> outcomes;  ///< when the table was judged (exhaustive runs only)
    /// Index in ExploreResult::violations of the violation that matched the expectation.
    std::optional<std::size_t> matched_violation;
};

/// The text of a verdict with its first violation or the limit hit.
std::string actual_text(const ExploreResult& r);

/// Judges `result` against `scenario`'s expectation and outcome table. The outcome table is
/// judged only when exploration was exhaustive, since a partial table proves nothing.
Judgement judge(const Scenario& scenario, const ExploreResult& result);

}  // namespace mmcheck
