// SPDX-License-Identifier: MIT
/// \file Exploration statistics as a reader counts them.
#include "report/statistics.hpp"

#include <cstdio>

namespace mmcheck {
namespace {

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

}  // namespace

bool ends_execution_uncounted(const Violation& v) {
    switch (v.kind) {
        case ViolationKind::Check: return v.thread.has_value();  // in final(): the execution is complete
        case ViolationKind::Stuck:
        case ViolationKind::Deadlock: return false;              // found in a blocked execution
        case ViolationKind::Race:
        case ViolationKind::UseAfterFree:
        case ViolationKind::DoubleFree:
        case ViolationKind::Exception:
        case ViolationKind::LockMisuse:
        case ViolationKind::Livelock: return true;
    }
    return true;
}

ExecutionCounts execution_counts(const ExploreStats& s, std::uint64_t violating) {
    return ExecutionCounts{s.complete, s.blocked, violating};
}

ExecutionCounts execution_counts(const ExploreResult& r) {
    std::uint64_t violating = 0;
    // Each such violation aborts its execution, so there is one per violating execution.
    for (const auto& v : r.violations)
        if (ends_execution_uncounted(v)) ++violating;
    return execution_counts(r.stats, violating);
}

std::string stats_text(const ExecutionCounts& c, const ExploreStats& s) {
    const std::uint64_t n = c.total();
    std::string t = std::to_string(n) + (n == 1 ? " execution (" : " executions (") + std::to_string(c.complete) +
                    " complete, " + std::to_string(c.blocked) + " blocked";
    if (c.violating > 0) t += ", " + std::to_string(c.violating) + " violating";
    t += "), " + std::to_string(s.events) + " events, " + fixed(s.seconds, 2) + " s";
    if (s.seconds > 0) t += ", " + fixed(static_cast<double>(n) / s.seconds, 0) + " executions/s";
    return t;
}

}  // namespace mmcheck
