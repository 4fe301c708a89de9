// SPDX-License-Identifier: MIT
/// \file Entry points of exploration: the optimal explorer (TruSt-style DPOR for RC11), the
/// brute-force reference explorer, and replay of a recorded decision sequence.
#pragma once

#include "explore/result.hpp"
#include "model/memory_model.hpp"
#include "runtime/driver.hpp"
#include "runtime/program.hpp"

#include <mmcheck/model.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mmcheck {

class ShardRun;

struct ExploreOptions {
    /// The memory model explored under (RC11 unless the scenario or --model says otherwise).
    MemoryModelKind model = MemoryModelKind::RC11;
    bool stop_at_first_violation = true;
    std::uint64_t max_executions = 0;       ///< 0: no limit
    double time_limit_seconds = 0;          ///< 0: no limit
    std::uint32_t max_events_per_thread = 5000;  ///< beyond it: a livelock, run is bounded
    /// Called about every `progress_interval_seconds` with the statistics so far.
    std::function<void(const ExploreStats&)> progress;
    double progress_interval_seconds = 1.0;
    /// Called for every execution that ends (complete or blocked), for tests: graph and
    /// whether it was blocked.
    std::function<void(const ExecutionGraph&, bool blocked)> on_execution;
    /// Bytes of each model thread's stack (0: Runtime::kDefaultStackSize). A thread that needs
    /// more ends the run inconclusive (limit_hit "stack-size").
    std::size_t stack_size = 0;
    /// When non-null and non-zero (a signal handler sets it), exploration stops at the next
    /// execution boundary, inconclusive (limit_hit "interrupted").
    const std::atomic<int>* interrupted = nullptr;
    /// With a time limit: called from a watchdog thread when model code has not returned to
    /// the checker for a second past the limit (a loop without shared accesses), with the
    /// running thread and its last event. Exploration cannot be stopped from outside model
    /// code, so the caller must end the process; without it there is no watchdog.
    std::function<void(const std::string& running)> on_stall;
    /// When set, a violation is recorded only if this returns true; the others are passed
    /// over (not deduplicated, not stopping) and exploration goes on. `check` uses it to ask
    /// whether a committed counterexample is still among the model's executions.
    std::function<bool(const Violation&)> keep_violation;
    /// When set, only this worker's part of the exploration is counted (explore/partition.hpp;
    /// set by explore_parallel and explore_shard, which also say which models partition).
    std::shared_ptr<ShardRun> shard;
};

/// Explores every execution of `program` consistent under options.model exactly once: the
/// optimal explorer, or explore_porf_parts for a model that allows po ∪ rf cycles.
ExploreResult explore(const Program& program, const ExploreOptions& options);

/// Enumerates every interleaving, reads-from and coherence choice and keeps the consistent
/// graphs (by the reference checker), counting each distinct graph once. Exponential: for
/// tests on small programs only. For a model that allows po ∪ rf cycles (LKMM), where no
/// interleaving reaches a load-buffering graph, it is explore_value_guessing.
ExploreResult explore_brute_force(const Program& program, const ExploreOptions& options);

/// Explores every consistent execution of a model that allows po ∪ rf cycles (LKMM's load
/// buffering) exactly once, pruning by the model at every event (speculative_explorer.cpp).
/// explore() used it for such models before explore_porf_parts; kept as a second exact
/// explorer, tested against the value-guessing reference.
ExploreResult explore_allowing_porf_cycles(const Program& program, const ExploreOptions& options);

/// Every consistent execution whose po ∪ rf is acyclic, exactly once: the optimal explorer
/// (TruSt) with each read's writes, each write's coherence places and each revisited graph
/// filtered by the model's whole-graph check (MemoryModel::check) instead of RC11's views.
/// Under RC11 it visits what explore() visits; under LKMM, the load-buffering-free part.
ExploreResult explore_porf_acyclic(const Program& program, const ExploreOptions& options);

/// Every consistent execution of a model that allows po ∪ rf cycles, each once, as two parts:
/// explore_porf_acyclic's TruSt run, then the cyclic part: runs of the same explorer with a
/// *guess set* of reads forced to values (the model code runs on with them), each forced read
/// then given a consistent write of its value by a higher-numbered thread. A cyclic graph is
/// counted only by the run of its canonical guess set (a function of the graph), so each once
/// with no set of visited graphs. Guess sets are offered from the value domain (initial values
/// and values of justified writes) and where a write closes a cycle (optimal_explorer.cpp;
/// the argument and its limits: explore/README.md, "The cyclic part"). What explore() runs
/// for such a model.
ExploreResult explore_porf_parts(const Program& program, const ExploreOptions& options);

/// Whether po ∪ rf of `g` has a cycle (a load-buffering graph); unresolved reads have no rf.
bool has_porf_cycle(const ExecutionGraph& g);
/// Whether po ∪ rf of `g` is acyclic once the reads in `cut` are taken to read nothing.
bool porf_acyclic_without(const ExecutionGraph& g, const std::vector<EventId>& cut);
/// Calls `f` on each justified write of `g`: every read po-before it in its thread reads the
/// initial value or a justified write (the value domain of both LKMM explorers).
void for_each_justified_write(const ExecutionGraph& g, const std::function<void(const Event&)>& f);

/// The reference for models that allow po ∪ rf cycles: every read guesses its value from a
/// per-location domain, rf and co are enumerated once the threads have run, each choice
/// pruned by the model's whole-graph check, distinct graphs counted once (value_explorer.cpp).
/// Exponential: for tests.
ExploreResult explore_value_guessing(const Program& program, const ExploreOptions& options);

/// Re-executes the single execution described by `decisions`. Throws ReplayError when the
/// model no longer produces those events (it changed since the trace was written).
ExploreResult replay(const Program& program, const std::vector<Decision>& decisions,
                     const ExploreOptions& options);

/// The model does not match a replay token.
struct ReplayError : DriverError {
    using DriverError::DriverError;
};

}  // namespace mmcheck
