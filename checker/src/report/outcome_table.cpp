// SPDX-License-Identifier: MIT
/// \file Outcome classification and the Always / Sometimes / Never summary.
#include "report/outcome_table.hpp"

#include <algorithm>
#include <set>

namespace mmcheck {

bool outcome_matches(const OutcomePattern& p, const Outcome& outcome) {
    for (const auto& [name, value] : p.values) {
        const auto it = std::find_if(outcome.begin(), outcome.end(),
                                     [&n = name](const auto& kv) { return kv.first == n; });  // clang 14: no binding capture
        if (it == outcome.end() || it->second != value) return false;
    }
    return true;
}

OutcomeClass classify_outcome(const OutcomeTable& table, const Outcome& outcome) {
    for (const auto& p : table.patterns)
        if (outcome_matches(p, outcome)) return p.cls;
    return table.fallback;
}

const char* observation_name(Observation o) {
    switch (o) {
        case Observation::Always: return "Always";
        case Observation::Sometimes: return "Sometimes";
        case Observation::Never: return "Never";
    }
    return "?";
}

OutcomeReport judge_outcomes(const OutcomeTable& table, const std::map<Outcome, std::uint64_t>& outcomes) {
    OutcomeReport r;
    std::set<std::string> seen_names;
    for (const auto& [o, n] : outcomes) {
        r.total += n;
        for (const auto& kv : o) seen_names.insert(kv.first);
        if (classify_outcome(table, o) == OutcomeClass::Forbidden) r.forbidden_seen.emplace_back(o, n);
    }
    for (const auto& p : table.patterns) {
        PatternReport pr;
        pr.pattern = &p;
        for (const auto& [o, n] : outcomes)
            if (outcome_matches(p, o)) pr.matching += n;
        pr.observation = pr.matching == 0 ? Observation::Never
                         : pr.matching == r.total ? Observation::Always
                                                  : Observation::Sometimes;
        r.patterns.push_back(pr);
        // A misspelt name would make a forbidden pattern match nothing and pass silently.
        if (!outcomes.empty())
            for (const auto& kv : p.values)
                if (seen_names.count(kv.first) == 0 &&
                    std::find(r.unknown_names.begin(), r.unknown_names.end(), kv.first) == r.unknown_names.end())
                    r.unknown_names.push_back(kv.first);
    }
    return r;
}

std::string outcome_text(const Outcome& o) {
    std::string s;
    for (const auto& [k, v] : o) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
    return s.empty() ? "(no observed values)" : s;
}

std::string pattern_text(const OutcomePattern& p) {
    std::string s;
    for (const auto& [k, v] : p.values) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
    return s;
}

}  // namespace mmcheck
