// SPDX-License-Identifier: MIT
/// \file Driver: what the runtime asks of an explorer. The runtime runs model threads and
/// replays every event already in the driver's graph; for an event that is not there yet it
/// calls add_event(), and the driver decides what a read reads and where a write goes.
#pragma once

#include "graph/execution_graph.hpp"
#include "runtime/violation_kind.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mmcheck {

/// A new event as the model asked for it.
struct EventRequest {
    EventKind kind = EventKind::Read;
    Mode mode = Mode::Rlx;       ///< read/write/fence order; for updates the success order
    Mode fail_mode = Mode::Rlx;  ///< updates: the order of a read that does not write
    Mode write_mode = Mode::Rlx; ///< updates and locks: the order of the write part
    LocId loc = 0;
    std::int64_t value = 0;      ///< stores
    /// Updates (RMW): the new value as a function of the old. The driver keeps a copy with the
    /// event, because a backward revisit re-evaluates it for the revisiting write's value.
    const UpdateFn* update = nullptr;
    bool weak = false;           ///< compare_exchange_weak
    /// await: the condition the value read must meet (valid during add_event only).
    const WaitPredicate* wait = nullptr;
    std::uint16_t flags = 0;     ///< kAwait, kLock, kUnlock
    ThreadId other = 0;          ///< Join: the thread joined
    std::string spawn_name;      ///< Spawn: the child's name
    const char* op = "";
    const char* label = nullptr;
    SourceRef src;
    LkmmTag lk = LkmmTag::Derived;              ///< the LKMM annotation of the operation
    LkmmTag write_lk = LkmmTag::Derived;        ///< updates: the annotation of the write part
    std::shared_ptr<const Dependencies> deps;   ///< its dependencies (null: none)
};

/// What add_event tells the runtime.
enum class AddStatus : std::uint8_t {
    Ok,          ///< the event is in the graph; the thread goes on
    Violation,   ///< the event is in the graph and shows a violation (a race): the run is a
                 ///< violating one, but the thread goes on, so that its later writes still
                 ///< revisit earlier reads (some of those executions have no race at all)
    Abort,       ///< no consistent choice (or nothing more to learn): end this run
};

/// A failure of the driver itself (e.g. a replay token the model no longer matches), thrown
/// from add_event; the runtime lets it through to the caller instead of blaming the model.
struct DriverError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Driver {
public:
    virtual ~Driver() = default;
    virtual ExecutionGraph& graph() = 0;
    /// Adds the next event of thread t (at index graph().thread_size(t)).
    virtual AddStatus add_event(ThreadId t, const EventRequest& req) = 0;
    /// Records a violation found by the runtime (failed check, exception, livelock, stuck,
    /// deadlock) in the current graph. Returns true when exploration should stop.
    virtual void report_violation(ViolationKind kind, std::string message,
                                  std::optional<ThreadId> thread, SourceRef src,
                                  const Outcome* outcome) = 0;
    /// Points the violation just reported (in this run) at event `at` instead of its thread's
    /// last event: for a violation reported once the execution is complete (a lifetime error)
    /// but found at an earlier event.
    virtual void locate_last_violation(EventId at) { (void)at; }
    /// True when the driver chooses the thread of every new event itself (brute force, replay);
    /// otherwise the runtime runs the lowest-numbered runnable thread.
    [[nodiscard]] virtual bool picks_threads() const { return false; }
    /// Without picks_threads(): true when a thread about to add a new waiting read (await,
    /// lock) should let every other runnable thread go first (the explorer's order of
    /// addition stays a function of the graph: see Runtime::pick_next).
    [[nodiscard]] virtual bool defers_waits() const { return false; }
    /// True once exploration will stop (the first violation, by default): a run can end at
    /// once instead of letting its other threads go on.
    [[nodiscard]] virtual bool stopping() const = 0;
    /// With picks_threads(): which of `ready` (threads about to add a new event, ascending)
    /// adds next; nullopt ends the run (the driver has no use for more events).
    virtual std::optional<ThreadId> pick_thread(const std::vector<ThreadId>& ready) { return ready.front(); }
    /// Whether the event `req` exists under the memory model explored (an LKMM-only fence does
    /// not under RC11; a fence only the C++11 mapping needs does not under LKMM). The runtime
    /// adds no event, and replays none, for a request this rejects.
    [[nodiscard]] virtual bool keeps(const EventRequest& req) const { (void)req; return true; }
    /// Whether the memory model takes the order of lock, unlock and trylock events from their
    /// C++ order (RC11), so that the audit can relax it; LKMM's lock.cat orders them by kind.
    [[nodiscard]] virtual bool lock_order_weakenable() const { return true; }
    /// Called once every thread has finished, blocked or stopped, before final() (and before
    /// a violated run ends): a driver that leaves choices open while the threads run (LKMM's
    /// exploration chooses rf and co last) makes them here. False ends the run as aborted.
    virtual bool complete_graph() { return true; }
    /// Interned copy of a label (labels outlive the model instance that set them).
    virtual const char* intern(std::string_view s) = 0;
};

}  // namespace mmcheck
