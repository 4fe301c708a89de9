// SPDX-License-Identifier: MIT
/// \file ExplorerBase implementation.
#include "explore/explorer_base.hpp"

#include "explore/violation_builder.hpp"
#include "model/rc11.hpp"

#include "graph/tool_limit.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace mmcheck {

Event make_event(const ExecutionGraph& g, ThreadId t, const EventRequest& req) {
    Event e;
    e.kind = req.kind;
    e.mode = req.mode;
    e.succ_mode = req.mode;
    e.fail_mode = req.fail_mode;
    e.write_mode = req.write_mode;
    e.loc = req.loc;
    e.value = req.value;
    e.flags = req.flags;
    e.other = req.other;
    e.op = req.op;
    e.label = req.label;
    e.src = req.src;
    e.lk = req.lk;
    e.write_lk = req.write_lk;
    e.deps = req.deps;
    if (req.update != nullptr) e.update = std::make_shared<const UpdateFn>(*req.update);
    rc11::init_views(g, t, static_cast<std::uint16_t>(g.thread_size(t)), e);
    return e;
}

bool append_choiceless(ExecutionGraph& g, ThreadId t, const EventRequest& req, Event& e) {
    const auto idx = static_cast<std::uint16_t>(g.thread_size(t));
    switch (req.kind) {
        case EventKind::Fence: rc11::apply_fence_views(g, t, idx, e); break;
        case EventKind::Spawn:
            e.other = g.add_thread(req.spawn_name, true, EventId{static_cast<std::uint16_t>(t), idx});
            break;
        case EventKind::Join: {
            // A join reads the joined thread's End: its last event (the runtime waits for it).
            const auto& ev = g.thread_events(req.other);
            e.rf = EventId{static_cast<std::uint16_t>(req.other), static_cast<std::uint16_t>(ev.size() - 1)};
            rc11::apply_read_views(g, e);
            break;
        }
        case EventKind::End: break;
        case EventKind::Read:
        case EventKind::Write: return false;
    }
    g.append(t, std::move(e));
    return true;
}

bool read_writes_on(const Event& r, std::int64_t v) {
    if (r.has(kLock)) return v == 0;  // lock and trylock take a free mutex
    if (r.update) return (*r.update)(v).has_value();
    return false;
}

void set_read_from(ExecutionGraph& g, EventId id, EventId w, bool spurious) {
    Event& r = g.event(id);
    r.rf = w;
    r.value = g.write_value(w);
    r.flags &= static_cast<std::uint16_t>(~(kRmwRead | kSpurious | kBlocked | kRace));
    const bool conditional = r.has(kUpdate) || r.has(kLock);
    const bool writes = !spurious && read_writes_on(r, r.value);
    if (writes) r.flags |= kRmwRead;
    if (spurious) r.flags |= kSpurious;
    // A conditional RMW that does not write is a plain read with the failure order.
    if (conditional) r.mode = writes ? r.succ_mode : r.fail_mode;
    rc11::init_views(g, id.thread, id.index, r);
    rc11::apply_read_views(g, r);
}

ExplorerBase::ExplorerBase(const Program& program, const ExploreOptions& options)
    : program_(program), options_(options), model_(memory_model(options.model)), shard_(options.shard.get()) {}

void ExplorerBase::stop_here() {
    stop_ = true;
    if (shard_ != nullptr) shard_->stopped_here();
}

const char* ExplorerBase::intern(std::string_view s) {
    // Labels end up in violations that outlive the explorer (traces are written after
    // explore() returns), so the table is process-wide and never shrinks; it holds one copy
    // of each distinct label text. A mutex because `check --jobs` explores on several threads.
    static std::mutex mu;
    static std::set<std::string, std::less<>> table;
    std::lock_guard<std::mutex> lock(mu);
    auto it = table.find(s);
    if (it == table.end()) it = table.emplace(s).first;
    return it->c_str();
}

void ExplorerBase::report_violation(ViolationKind kind, std::string message, std::optional<ThreadId> thread,
                                    SourceRef src, const Outcome* outcome) {
    // Another worker's run of the shared skeleton: that worker reports it.
    if (shard_ != nullptr && !shard_->recording()) return;
    if (shard_ != nullptr) shard_->record.violation_keys.push_back(shard_->key());
    if (options_.keep_violation) {
        Violation v = make_violation(graph(), kind, std::move(message), thread, src);
        if (outcome != nullptr) {
            v.outcome = *outcome;
            std::sort(v.outcome.begin(), v.outcome.end());
        }
        v.execution = result_.stats.executions() + 1;
        if (!options_.keep_violation(v)) {
            if (shard_ != nullptr) shard_->record.violation_keys.pop_back();
            return;
        }
        result_.violations.push_back(std::move(v));
        if (options_.stop_at_first_violation) stop_here();
        return;
    }
    // Collecting all violations: the same failure (kind, message, thread, source line) shows
    // in many executions that share its prefix; report it once.
    for (const auto& v : result_.violations)
        if (v.kind == kind && v.message == message && v.thread == thread && v.src.line == src.line &&
            std::string_view(v.src.file) == src.file) {
            if (shard_ != nullptr) shard_->record.violation_keys.pop_back();
            return;
        }
    Violation v = make_violation(graph(), kind, std::move(message), thread, src);
    if (outcome != nullptr) {
        v.outcome = *outcome;
        std::sort(v.outcome.begin(), v.outcome.end());
    }
    v.execution = result_.stats.executions() + 1;
    result_.violations.push_back(std::move(v));
    if (kind == ViolationKind::Livelock) {
        // The event bound cut one branch: exploration goes on, and the run ends bounded.
        result_.limit_hit = "livelock";
        result_.exhaustive = false;
        return;
    }
    if (options_.stop_at_first_violation) stop_here();
}

void ExplorerBase::locate_last_violation(EventId at) {
    if (result_.violations.empty()) return;
    Violation& v = result_.violations.back();
    if (v.execution != result_.stats.executions() + 1) return;  // reported by an earlier run
    if (at.thread < v.graph.num_threads() && at.index < v.graph.thread_size(at.thread)) v.event = at;
}

bool ExplorerBase::check_race(EventId e) {
    auto& g = graph();
    Event& ev = g.event(e);
    if ((!ev.is_read() && !ev.is_write()) || g.location(ev.loc).kind != LocKind::Plain) return false;
    const auto other = model_.find_race(g, e);
    if (!other) return false;
    ev.flags |= kRace;
    std::string msg = "data race on '" + g.location(ev.loc).name + "' between thread '" + g.thread(e.thread).name +
                      "' and thread '" + g.thread(other->thread).name + "'";
    const std::size_t before = result_.violations.size();
    report_violation(ViolationKind::Race, std::move(msg), e.thread, ev.src, nullptr);
    if (result_.violations.size() > before) {
        result_.violations.back().event = e;
        result_.violations.back().other = *other;
    }
    return true;
}

bool ExplorerBase::waits_on_stale_value(const Runtime& rt) {
    // A waiting read (await, lock) that failed on a value some co-later write replaced is an
    // artefact of this execution: a real spin would read again and see the newer write, and
    // the execution where it does is explored separately. Such a run is no execution of the
    // program (GenMC counts none either); a blocked execution is one where every wait failed
    // on the co-latest write of its location (a real stuck wait or deadlock).
    const auto& g = graph();
    for (const auto& b : rt.blocked_threads()) {
        if (b.joining || !b.on) continue;
        const Event& r = g.event(*b.on);
        const auto& co = g.co(r.loc);
        if (co.empty() ? !r.rf.is_init() : co.back() != r.rf) return true;
    }
    return false;
}

void ExplorerBase::classify_blocked(const Runtime& rt) {
    // Threads wait for ever only when none of them can move again. A thread blocked on a
    // stale read (not the co-latest write) is an artefact of this execution: re-reading, it
    // would see the newer write, and the execution where it does is explored separately. A
    // thread stopped by assume() discards the execution. So report stuck or deadlock only
    // when every blocked thread waits on the co-latest write of its location.
    const auto& g = graph();
    const auto& blocked = rt.blocked_threads();
    for (const auto& b : blocked) {
        if (b.joining) continue;  // waits for a thread that is itself blocked
        if (!b.on) return;        // assume(false) discards the execution
        const Event& r = g.event(*b.on);
        const auto& co = g.co(r.loc);
        const bool latest = co.empty() ? r.rf.is_init() : co.back() == r.rf;
        if (!latest) return;
    }
    // Deadlock or stuck: follow each mutex waiter to the holder of its mutex (the thread whose
    // lock wrote the value it read), and on. A chain that closes on itself, or ends at a holder
    // that will never unlock (finished, or stopped), is a deadlock. A chain that ends at a
    // thread waiting in await() is that thread being stuck: the mutex waiters only wait behind
    // it, and the await is what to look at.
    const auto waiting_read = [&](ThreadId t) -> std::optional<EventId> {
        for (const auto& b : blocked)
            if (b.thread == t && !b.joining) return b.on;
        return std::nullopt;
    };
    std::optional<Runtime::BlockedThread> deadlocked, stuck;
    for (const auto& b : blocked) {
        if (b.joining) continue;
        const Event& r = g.event(*b.on);
        if (!r.has(kLock)) {
            if (!stuck) stuck = b;
            continue;
        }
        if (deadlocked) continue;
        std::vector<ThreadId> seen{b.thread};
        std::optional<EventId> on = b.on;
        for (;;) {
            const Event& w = g.event(*on);
            if (!w.has(kLock)) break;  // ends at an await: stuck
            if (w.rf.is_init() || w.rf.is_unresolved()) {
                deadlocked = b;  // a mutex that starts locked and is never released
                break;
            }
            const ThreadId holder = w.rf.thread;
            if (std::find(seen.begin(), seen.end(), holder) != seen.end()) {
                deadlocked = b;  // a cycle of lock waiters
                break;
            }
            on = waiting_read(holder);
            if (!on) {
                deadlocked = b;  // the holder ended without unlocking
                break;
            }
            seen.push_back(holder);
        }
    }
    const std::optional<Runtime::BlockedThread> culprit = deadlocked ? deadlocked : stuck;
    if (!culprit) return;
    const Event& r = g.event(*culprit->on);
    const bool lock = r.has(kLock);
    std::string msg = lock ? "thread '" + g.thread(culprit->thread).name + "' waits for mutex '" +
                                 g.location(r.loc).name + "', which is never released"
                           : "thread '" + g.thread(culprit->thread).name + "' waits on '" +
                                 g.location(r.loc).name + "' (value " + std::to_string(r.value) + ") for ever";
    report_violation(lock ? ViolationKind::Deadlock : ViolationKind::Stuck, std::move(msg), culprit->thread, r.src,
                     nullptr);
    // Only a violation this run reported: a duplicate (--all-violations) or another worker's
    // run reports none, and an earlier violation's event must not be overwritten.
    locate_last_violation(*culprit->on);
}

void ExplorerBase::note_flags(const Runtime& rt) {
    // The model's flags on a complete execution (herd7's `flag` statements). A data race is
    // also a violation, as under RC11: the execution still counts (LKMM defines its outcome).
    for (std::string& f : model_.flags(graph())) {
        if (f == "data-race") {
            // Name one racing pair, as an RC11 race report does; the second access is the
            // one the timeline marks (its thread and source line head the report).
            const auto pair = model_.race_witness(graph());
            const std::size_t before = result_.violations.size();
            if (pair) {
                const auto& g = graph();
                const Event& second = g.event(pair->second);
                std::string msg = "data race on '" + g.location(second.loc).name + "' between thread '" +
                                  g.thread(pair->first.thread).name + "' and thread '" +
                                  g.thread(pair->second.thread).name + "' (" + model_.name() + " flag data-race)";
                report_violation(ViolationKind::Race, std::move(msg), pair->second.thread, second.src, &rt.outcome());
                if (result_.violations.size() > before) {
                    result_.violations.back().event = pair->second;
                    result_.violations.back().other = pair->first;
                }
            } else {
                std::string msg = std::string("data race (") + model_.name() + " flag data-race)";
                report_violation(ViolationKind::Race, std::move(msg), std::nullopt, SourceRef{}, &rt.outcome());
            }
        }
        result_.flags.insert(std::move(f));
    }
}

bool ExplorerBase::limits_hit() {
    if (options_.interrupted != nullptr && options_.interrupted->load(std::memory_order_relaxed) != 0) {
        result_.limit_hit = "interrupted";
        return true;
    }
    if (options_.max_executions != 0 && result_.stats.executions() >= options_.max_executions) {
        result_.limit_hit = "max-executions";
        return true;
    }
    if (options_.time_limit_seconds > 0) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (s >= options_.time_limit_seconds) {
            result_.limit_hit = "time-limit";
            return true;
        }
    }
    return false;
}

namespace {
/// Watches a time-limited exploration from another OS thread. The explorer checks its limits
/// only between executions; model code that loops without calling into the checker never
/// gets there. When the runtime's heartbeat has not moved for a second after the limit, the
/// watchdog hands the running thread's description to on_stall (which ends the process).
class Watchdog {
public:
    Watchdog(const Runtime& rt, double limit_seconds, std::function<void(const std::string&)> on_stall)
        : rt_(rt), on_stall_(std::move(on_stall)) {
        if (!on_stall_ || limit_seconds <= 0) return;
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(limit_seconds));
        thread_ = std::thread([this, deadline] { watch(deadline); });
    }
    ~Watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

private:
    void watch(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (cv_.wait_until(lock, deadline, [this] { return done_; })) return;
        std::uint64_t seen = rt_.heartbeat();
        for (;;) {
            if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) return;
            const std::uint64_t now = rt_.heartbeat();
            if (now == seen) {
                on_stall_(rt_.describe_running());
                return;
            }
            seen = now;
        }
    }

    const Runtime& rt_;
    std::function<void(const std::string&)> on_stall_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};
}  // namespace

ExploreResult ExplorerBase::run() {
    start_ = last_progress_ = std::chrono::steady_clock::now();
    Runtime rt(program_, *this, options_.max_events_per_thread, options_.stack_size);
    const Watchdog watchdog(rt, options_.time_limit_seconds, options_.on_stall);
    bool more = true;
    std::uint64_t runs = 0;
    std::uint64_t revisits_before_node = 0;
    while (more && !stop_) {
        if (shard_ != nullptr && shard_->segment_due()) {
            // The totals before this node: its own revisit (made when it was applied) is its.
            ExploreStats before = result_.stats;
            before.revisits = revisits_before_node;
            // Outcomes are kept only where a stop can cut them (memory: one table per key).
            shard_->record.segments.push_back(Segment{
                shard_->key(), before,
                options_.stop_at_first_violation ? result_.outcomes : std::map<Outcome, std::uint64_t>{},
                result_.flags, result_.violations.size()});
        }
        const bool counted = shard_ == nullptr || shard_->recording();
        if (shard_ != nullptr && program_.instrumentation) program_.instrumentation->set_counting(counted);
        RunStatus st = RunStatus::Aborted;
        try {
            st = rt.run_once();
        } catch (const ToolLimitError& e) {
            // More threads or stack than mmcheck supports: a limit of the tool, not a
            // property of the model, so the run ends inconclusive. (In another worker's
            // skeleton run, that worker reports it; this one stops all the same.)
            if (!counted) break;
            if (shard_ != nullptr) shard_->stopped_here();
            result_.limit_hit = e.limit;
            result_.limit_detail = e.what();
            result_.exhaustive = false;
            more = false;
            break;
        }
        ++runs;
        if (counted) result_.stats.events += rt.events_in_run();
        // Aborted and violating runs are not executions to count: the violation is recorded.
        // Nor is a run in which a thread waits on a stale value (see waits_on_stale_value).
        if (st == RunStatus::Blocked && waits_on_stale_value(rt)) st = RunStatus::Aborted;
        if (counted && (st == RunStatus::Complete || st == RunStatus::Blocked) && accept_execution(st)) {
            if (options_.on_execution) options_.on_execution(graph(), st == RunStatus::Blocked);
            if (st == RunStatus::Complete) {
                ++result_.stats.complete;
                ++result_.outcomes[rt.outcome()];
                note_flags(rt);
            } else {
                classify_blocked(rt);
                ++result_.stats.blocked;
            }
        }
        if (stop_) break;
        if (limits_hit()) {
            result_.exhaustive = false;
            break;
        }
        if (options_.progress && (runs & 255U) == 0) {
            const auto now = std::chrono::steady_clock::now();
            if (std::chrono::duration<double>(now - last_progress_).count() >= options_.progress_interval_seconds) {
                last_progress_ = now;
                result_.stats.seconds = std::chrono::duration<double>(now - start_).count();
                options_.progress(result_.stats);
            }
        }
        const std::uint64_t revisits = result_.stats.revisits;
        revisits_before_node = revisits;
        more = next_execution();
        if (shard_ != nullptr) {
            // A revisit belongs to the node it starts: another worker's skeleton node counts it.
            if (!shard_->recording()) result_.stats.revisits = revisits;
            if (more && shard_->past_stop()) {
                // The node just popped lies past another worker's stop: its revisit is not
                // counted either (one worker never made it; no segment cuts it off here).
                result_.stats.revisits = revisits;
                result_.exhaustive = false;  // the rest comes after another worker's stop
                break;
            }
        }
    }
    if (stop_ && more) result_.exhaustive = false;
    if (!result_.limit_detail.empty()) result_.exhaustive = false;
    result_.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    settle_verdict(result_);
    return std::move(result_);
}

}  // namespace mmcheck
