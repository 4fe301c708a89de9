// SPDX-License-Identifier: MIT
/// \file Exploration statistics as a reader counts them. The engine counts complete and blocked
/// executions; an execution ended early by a violation inside a thread (a failed check(), a
/// data race, an exception, a livelock) is neither, so "explored: 0 executions" would hide the
/// one execution that found the bug. Here it is counted as "violating".
#pragma once

#include "explore/result.hpp"

#include <cstdint>
#include <string>

namespace mmcheck {

struct ExecutionCounts {
    std::uint64_t complete = 0;   ///< every thread finished (includes a failed final() check)
    std::uint64_t blocked = 0;    ///< discarded by assume/await/lock (includes stuck and deadlock)
    std::uint64_t violating = 0;  ///< ended early by a violation in a thread; counted by neither
    [[nodiscard]] std::uint64_t total() const { return complete + blocked + violating; }
};

/// True when the execution that showed `v` was ended by it, so the engine counted it neither as
/// complete (a failed check in final() is counted complete) nor as blocked (stuck, deadlock).
bool ends_execution_uncounted(const Violation& v);

/// The counts of a finished exploration.
ExecutionCounts execution_counts(const ExploreResult& r);
/// The counts from statistics alone (during a run, or when violating ones are known).
ExecutionCounts execution_counts(const ExploreStats& s, std::uint64_t violating = 0);

/// "12 executions (10 complete, 2 blocked), 345 events, 0.12 s, 100 executions/s"; with
/// violating executions "1 execution (0 complete, 0 blocked, 1 violating), ...".
std::string stats_text(const ExecutionCounts& c, const ExploreStats& s);

}  // namespace mmcheck
