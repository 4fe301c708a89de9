// SPDX-License-Identifier: MIT
/// \file What an exploration returns: a closed verdict (CBMC style), statistics, the outcome
/// table, and each violation with its whole graph and the decisions that replay it.
#pragma once

#include "graph/execution_graph.hpp"
#include "runtime/violation_kind.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmcheck {

const char* violation_kind_name(ViolationKind k);
std::optional<ViolationKind> parse_violation_kind(std::string_view s);

/// The overall answer of one exploration.
enum class Verdict : std::uint8_t {
    Safe,       ///< every consistent execution explored; no violation
    Violation,  ///< at least one violation found
    Bounded,    ///< a limit stopped exploration first and nothing was found: inconclusive
};
const char* verdict_name(Verdict v);

/// One step of a replay token, in the order the events were added (stamp order, which extends
/// po ∪ rf): which thread adds its next event, and for a read the write it reads from, for a
/// write the write it follows in coherence order.
struct Decision {
    std::uint16_t thread = 0;
    std::uint16_t index = 0;
    std::optional<EventId> rf;        ///< reads and joins
    std::optional<EventId> co_after;  ///< writes (init = right after the initial write)
    bool spurious = false;            ///< a weak CAS failed spuriously
};

struct Violation {
    ViolationKind kind = ViolationKind::Check;
    std::string message;
    std::optional<ThreadId> thread;  ///< absent for a failed final check
    std::optional<EventId> event;    ///< the event at which it shows (the racing access, ...)
    std::optional<EventId> other;    ///< for a race: the other access
    SourceRef src;
    ExecutionGraph graph;            ///< the execution that shows it
    std::vector<EventId> order;      ///< every event of `graph`, consistent with po and rf
    std::vector<Decision> decisions; ///< replays `graph`
    Outcome outcome;                 ///< final values, when the violation is in final()
    std::uint64_t execution = 0;     ///< 1-based number of the execution that found it
};

struct ExploreStats {
    std::uint64_t complete = 0;   ///< complete executions (every thread finished)
    std::uint64_t blocked = 0;    ///< executions discarded by assume/await/lock (not violations)
    std::uint64_t events = 0;     ///< events added or replayed, over all executions
    std::uint64_t revisits = 0;   ///< backward revisits performed
    double seconds = 0;
    [[nodiscard]] std::uint64_t executions() const { return complete + blocked; }
};

struct ExploreResult {
    Verdict verdict = Verdict::Safe;
    ExploreStats stats;
    std::vector<Violation> violations;
    std::map<Outcome, std::uint64_t> outcomes;  ///< outcome -> complete executions showing it
    bool exhaustive = true;   ///< false when a limit or a violation stopped exploration early
    std::string limit_hit;    ///< "max-executions", "time-limit", "livelock", "max-threads", "stack-size", "interrupted", or empty
    std::string limit_detail; ///< a tool limit's one-line explanation (max-threads, stack-size), or empty
    /// Flags the memory model raised on complete executions (LKMM: herd7's "data-race",
    /// "unmatched-rcu-lock", ...); empty under RC11.
    std::set<std::string> flags;
};

/// Sets `r.verdict` from its violations and `exhaustive` (the one rule, shared by the
/// explorers and merge_shards): a violation other than a livelock is a Violation; otherwise a
/// limit (exhaustive false) or a livelock (the event bound cut a run) makes it Bounded, and
/// `exhaustive` false; else Safe.
void settle_verdict(ExploreResult& r);

}  // namespace mmcheck
