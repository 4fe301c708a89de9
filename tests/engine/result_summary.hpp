// SPDX-License-Identifier: MIT
/// \file What must be equal between one worker and a merged partition or shard files, as text
/// (so a failure shows it): verdict, counts, outcomes with their weights, violations (with
/// the size of their graphs unless `graphs` is false: a shard file carries a violation as its
/// trace, compared separately, not as a graph).
#pragma once

#include "explore/result.hpp"

#include <sstream>
#include <string>

namespace mmcheck::testing {

inline std::string result_summary(const ExploreResult& r, bool graphs = true) {
    std::ostringstream s;
    s << verdict_name(r.verdict) << " complete " << r.stats.complete << " blocked " << r.stats.blocked << " events "
      << r.stats.events << " revisits " << r.stats.revisits << " exhaustive " << r.exhaustive << " limit '"
      << r.limit_hit << "' outcomes " << r.outcomes.size();
    std::uint64_t n = 0;
    for (const auto& [o, k] : r.outcomes) n += k * (o.size() + 1);
    s << "/" << n << " violations " << r.violations.size();
    for (const auto& v : r.violations) {
        s << " [" << violation_kind_name(v.kind) << " '" << v.message << "' at execution " << v.execution;
        if (graphs) s << " with " << v.graph.num_threads() << " threads, " << v.decisions.size() << " decisions";
        s << "]";
    }
    return s.str();
}

}  // namespace mmcheck::testing
