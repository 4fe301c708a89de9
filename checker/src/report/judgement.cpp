// SPDX-License-Identifier: MIT
/// \file Verdict versus expectation.
#include "report/judgement.hpp"

namespace mmcheck {
namespace {

std::string violation_text(const Violation& v) {
    return std::string("violation (") + violation_kind_name(v.kind) + ": " + v.message + ")";
}

bool matches(const Expectation& e, const Violation& v) {
    return !e.safe && v.kind == e.kind && (e.kind != ViolationKind::Check || v.message == e.property);
}

}  // namespace

const char* check_status_name(CheckStatus s) {
    switch (s) {
        case CheckStatus::Pass: return "pass";
        case CheckStatus::Mismatch: return "mismatch";
        case CheckStatus::Inconclusive: return "inconclusive";
    }
    return "?";
}

std::string actual_text(const ExploreResult& r) {
    switch (r.verdict) {
        case Verdict::Safe: return "safe";
        case Verdict::Violation:
            return r.violations.empty() ? std::string("violation") : violation_text(r.violations.front());
        case Verdict::Bounded:
            return "bounded (" + (r.limit_hit.empty() ? std::string("limit") : r.limit_hit) + ")";
    }
    return "?";
}

Judgement judge(const Scenario& scenario, const ExploreResult& result) {
    Judgement j;
    j.actual = actual_text(result);
    const Expectation& e = scenario.expect;
    const std::string expected = expectation_text(e);
    switch (result.verdict) {
        case Verdict::Violation: {
            for (std::size_t i = 0; i < result.violations.size(); ++i) {
                if (matches(e, result.violations[i])) {
                    j.matched_violation = i;
                    break;
                }
            }
            if (!j.matched_violation) {
                j.status = CheckStatus::Mismatch;
                j.detail = "expected " + expected + ", found " + j.actual;
            }
            break;
        }
        case Verdict::Safe:
            if (!e.safe) {
                j.status = CheckStatus::Mismatch;
                j.detail = "expected " + expected + ", but exhaustive exploration found no violation";
            }
            break;
        case Verdict::Bounded:
            j.status = CheckStatus::Inconclusive;
            j.detail = "limit " + (result.limit_hit.empty() ? std::string("?") : result.limit_hit) + " hit after " +
                       std::to_string(result.stats.executions()) + " executions before " +
                       (e.safe ? "exploration ended" : "the expected violation was found");
            break;
    }
    if (result.exhaustive && !scenario.outcomes.empty()) {
        j.outcomes = judge_outcomes(scenario.outcomes, result.outcomes);
        if (j.status == CheckStatus::Pass && j.outcomes->failed()) {
            j.status = CheckStatus::Mismatch;
            if (!j.outcomes->unknown_names.empty()) {
                j.detail = "outcome table names '" + j.outcomes->unknown_names.front() + "', which the model never observes";
            } else {
                const auto& [o, n] = j.outcomes->forbidden_seen.front();
                j.detail = "forbidden outcome " + outcome_text(o) + " observed in " + std::to_string(n) + " executions";
            }
        }
    }
    return j;
}

}  // namespace mmcheck
