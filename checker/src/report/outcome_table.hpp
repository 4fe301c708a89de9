// SPDX-License-Identifier: MIT
/// \file Judging the final outcomes of an exploration against a scenario's outcome table, in
/// the spirit of JCStress (acceptable / interesting / forbidden) and herd7 (each declared
/// outcome is reported as Always, Sometimes or Never, with counts).
#pragma once

#include "explore/result.hpp"
#include "report/scenario.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mmcheck {

/// True when `outcome` has every name of `p` with that value.
bool outcome_matches(const OutcomePattern& p, const Outcome& outcome);

/// The class of an outcome: the first matching pattern (forbidden first), else the fallback.
OutcomeClass classify_outcome(const OutcomeTable& table, const Outcome& outcome);

/// herd7's quantifier over the complete executions.
enum class Observation : std::uint8_t { Always, Sometimes, Never };
const char* observation_name(Observation o);

/// What happened to one declared pattern.
struct PatternReport {
    const OutcomePattern* pattern = nullptr;
    std::uint64_t matching = 0;   ///< complete executions whose outcome matches
    Observation observation = Observation::Never;
};

struct OutcomeReport {
    std::vector<PatternReport> patterns;
    std::uint64_t total = 0;                       ///< complete executions with an outcome
    std::vector<std::pair<Outcome, std::uint64_t>> forbidden_seen;  ///< outcomes classed forbidden
    std::vector<std::string> unknown_names;        ///< names in patterns that no outcome has
    /// A forbidden outcome was observed, or a pattern names an unobserved name.
    [[nodiscard]] bool failed() const { return !forbidden_seen.empty() || !unknown_names.empty(); }
};

/// Judges `outcomes` (outcome -> count) against `table`.
OutcomeReport judge_outcomes(const OutcomeTable& table, const std::map<Outcome, std::uint64_t>& outcomes);

/// "1:r0=1, 1:r1=0".
std::string outcome_text(const Outcome& o);
std::string pattern_text(const OutcomePattern& p);

}  // namespace mmcheck
