// SPDX-License-Identifier: MIT
/// \file ExplorerBase: what every explorer shares — the run loop over executions, limits,
/// progress, statistics, outcomes and violations — and the construction of events from the
/// runtime's requests. Subclasses choose what a new event reads or where it goes, and which
/// execution comes next.
#pragma once

#include "explore/explorer.hpp"
#include "explore/partition.hpp"
#include "runtime/driver.hpp"
#include "runtime/runtime.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <string>

namespace mmcheck {

/// An event for `req` at the end of thread t, views initialised from its po-predecessor.
Event make_event(const ExecutionGraph& g, ThreadId t, const EventRequest& req);

/// Appends an event that involves no choice (fence, spawn, join, end) with its views; returns
/// false for reads and writes, which each explorer adds its own way.
bool append_choiceless(ExecutionGraph& g, ThreadId t, const EventRequest& req, Event& e);

/// Whether read `r` writes (is an exclusive RMW read) when it reads value v.
bool read_writes_on(const Event& r, std::int64_t v);

/// Makes read `r` read from `w`: value, exclusivity (unless spurious), effective memory order
/// and views. r must be the last event of its thread.
void set_read_from(ExecutionGraph& g, EventId r, EventId w, bool spurious);

class ExplorerBase : public Driver {
public:
    ExplorerBase(const Program& program, const ExploreOptions& options);

    /// Explores until the subclass has no next execution, a limit is hit, or (by default) the
    /// first violation.
    ExploreResult run();

    void report_violation(ViolationKind kind, std::string message, std::optional<ThreadId> thread,
                          SourceRef src, const Outcome* outcome) override;
    void locate_last_violation(EventId at) override;
    [[nodiscard]] bool stopping() const override { return stop_; }
    [[nodiscard]] bool keeps(const EventRequest& req) const override {
        return model_.has_event(req.kind, req.flags, req.lk);
    }
    [[nodiscard]] bool lock_order_weakenable() const override { return model_.lock_order_from_mode(); }
    const char* intern(std::string_view s) override;

protected:
    /// Prepares the next execution (restores a graph); false when exploration is over.
    virtual bool next_execution() = 0;
    /// Called when a run ends complete or blocked, before the execution is counted. Returns
    /// false to not count it (the brute-force explorer counts each distinct graph once).
    virtual bool accept_execution(RunStatus) { return true; }
    /// If `e` (just given its rf) races, records the race and marks `e` (kRace) so that runs
    /// replaying it count as violating. Returns whether it races.
    bool check_race(EventId e);

    const Program& program_;
    const ExploreOptions& options_;
    const MemoryModel& model_;  ///< the memory model of options_.model
    ExploreResult result_;
    /// This worker's part of a partitioned exploration (partition.hpp), or null: the explorer
    /// asks it which popped work items to apply.
    ShardRun* const shard_;

private:
    bool waits_on_stale_value(const Runtime& rt);
    void classify_blocked(const Runtime& rt);
    void note_flags(const Runtime& rt);
    bool limits_hit();
    /// Stops at a violation or a tool limit (and tells the other workers where).
    void stop_here();

    bool stop_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace mmcheck
