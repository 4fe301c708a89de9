// SPDX-License-Identifier: MIT
/// \file Runtime: runs one execution of a model at a time, each model thread on its own fiber
/// (Boost.Context), like Relacy. It implements the model API's ExecutionContext: an operation
/// whose event is already in the graph is replayed (its value comes from the graph); a new one
/// goes to the Driver.
#pragma once

#include "runtime/driver.hpp"
#include "runtime/program.hpp"

#include <boost/context/detail/fcontext.hpp>
#include <boost/context/stack_context.hpp>

#include <functional>

#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace mmcheck {

/// How one run of the program ended.
enum class RunStatus : std::uint8_t {
    Complete,  ///< every thread finished; final() ran
    Blocked,   ///< some thread is blocked (assume, await, lock, join) and nothing else can run
    Aborted,   ///< the driver ended the run early (inconsistent choice, stop at first violation)
    Violated,  ///< a thread stopped at a violation; the others ran on (collect-all mode)
};

/// Reusable fiber stacks: allocating a stack per thread per execution would dominate the
/// cost of small executions.
class StackPool;

/// For a SIGSEGV handler: when `fault_address` is on the guard page of the model thread running
/// on this OS thread, writes "thread 'NAME' overflowed its stack of N KiB ..." into buf[0..n)
/// and returns true. Async-signal-safe.
bool stack_overflow_message(const void* fault_address, char* buf, std::size_t n) noexcept;

class Runtime final : public ExecutionContext {
public:
    /// `max_events_per_thread`: the event bound beyond which a thread is reported as a livelock.
    /// `stack_size`: bytes of each model thread's stack (0: kDefaultStackSize).
    Runtime(const Program& program, Driver& driver, std::uint32_t max_events_per_thread,
            std::size_t stack_size = 0);
    ~Runtime() override;
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    /// Runs the program once against the driver's current graph.
    RunStatus run_once();
    /// Final values observed by the last complete run.
    [[nodiscard]] const Outcome& outcome() const { return outcome_; }
    /// Threads blocked at the end of the last blocked run, with the event they block on (a
    /// waiting read), if any.
    struct BlockedThread {
        ThreadId thread;
        std::optional<EventId> on;  ///< the waiting read (await, lock); none for assume/join
        bool joining = false;       ///< waiting for another thread to finish
    };
    [[nodiscard]] const std::vector<BlockedThread>& blocked_threads() const { return blocked_; }
    /// Events replayed or added in the last run.
    [[nodiscard]] std::uint64_t events_in_run() const { return events_in_run_; }

    static constexpr std::size_t kDefaultStackSize = 256 * 1024;
    static constexpr std::size_t kMinStackSize = 64 * 1024;
    static constexpr std::size_t kMaxStackSize = std::size_t{1} << 30;

    /// For a watchdog on another OS thread: a counter that moves whenever model code calls
    /// into the checker (or a run starts), and a description of the thread running now and
    /// its last event. Read without locking while model code runs and does not call in
    /// (that is when a watchdog asks): then nothing it reads is being written.
    [[nodiscard]] std::uint64_t heartbeat() const { return heartbeat_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::string describe_running() const;

    // ---- ExecutionContext ----
    LocId new_location(std::string_view name, LocKind kind, ValueType type, std::int64_t initial) override;
    const std::string& variant() const override { return program_.variant; }
    std::int64_t param(std::string_view name) const override;
    void declare_thread(std::string name, std::function<void()> body) override;
    std::int64_t load(LocId loc, std::memory_order order, SourceRef src) override;
    void store(LocId loc, std::int64_t value, std::memory_order order, SourceRef src) override;
    UpdateResult update(LocId loc, const UpdateFn& fn, std::memory_order success,
                        std::memory_order failure, const char* op_name, SourceRef src,
                        bool may_fail_spuriously, bool wraps_result) override;
    void fence(std::memory_order order, SourceRef src) override;
    std::int64_t await(LocId loc, std::memory_order order, const WaitPredicate& pred, SourceRef src) override;
    void lock(LocId mutex, SourceRef src) override;
    bool try_lock(LocId mutex, SourceRef src) override;
    void unlock(LocId mutex, SourceRef src) override;
    void check(bool ok, std::string_view message, SourceRef src) override;
    void assume(bool ok, SourceRef src) override;
    void label(std::string_view text) override;
    ThreadId spawn(std::string name, std::function<void()> body, SourceRef src) override;
    void join(ThreadId thread, SourceRef src) override;
    void observe(std::string_view name, std::int64_t value) override;
    bool in_final() const override { return in_final_; }
    std::optional<ThreadId> running_thread() const override {
        if (in_final_ || running_.empty()) return std::nullopt;
        return running_.back();
    }
    void begin_kernel_op(const char* name, SourceRef src, const char* part) override;
    void end_kernel_op() override;
    void check_implies(bool premise, bool conclusion, std::string_view message, SourceRef src) override;
    void annotate(const LkmmAnnotation& a) override;
    std::optional<std::uint32_t> last_read() const override;
    void lkmm_fence(LkmmTag tag, std::optional<LocId> srcu, const Dependencies& deps, SourceRef src) override;
    void lifetime_violation(LifetimeError e, std::string_view message, SourceRef src) override;
    bool has_rcu_fences() const override;

private:
    /// Deferred: paused before a new waiting read (Driver::defers_waits) until no thread is Ready.
    enum class ThreadStatus : std::uint8_t { Idle, Ready, Finished, Blocked, Joining, Stopped, Deferred };
    struct ThreadState {
        std::function<void()> body;
        /// The thread's own context while it is suspended (null: not started, or finished),
        /// and whoever resumed it while it runs. Raw Boost.Context contexts, not fibers: a
        /// stopped thread is abandoned (its stack goes back to the pool) without unwinding.
        boost::context::detail::fcontext_t fiber = nullptr;
        boost::context::detail::fcontext_t caller = nullptr;
        ThreadStatus status = ThreadStatus::Idle;
        bool started = false;
        bool wants_new_event = false;  ///< paused before a new event (picks_threads mode)
        std::uint16_t next = 0;        ///< po index of the thread's next event
        std::string label_text;        ///< label for the next event
        ThreadId join_target = 0;      ///< while Joining
        std::optional<EventId> blocked_on;
        /// Open kernel primitives (KernelOpScope), outermost first (audit's site names).
        struct KernelOp {
            const char* name;
            SourceRef src;
            const char* part;
            bool accessed = false;  ///< a memory access ran inside it (leading vs trailing mb)
        };
        std::vector<KernelOp> kernel_ops;
        /// The audit dropped the leading full barrier of the open fully ordered RMW (its
        /// NotLkmm fence): under LKMM its read is then no Mb event (linux-kernel.cat:45).
        bool leading_mb_dropped = false;
        /// The LKMM annotation for the thread's next operation (annotate), and the po index
        /// of its latest read (last_read).
        LkmmTag pending_tag = LkmmTag::Derived;
        std::shared_ptr<const Dependencies> pending_deps;
        std::optional<std::uint32_t> last_read;
        /// What the thread's current operation owns on the heap: its LKMM dependencies, the
        /// name and body of the thread it spawns, the wrapper of an atomic<T>::update function.
        /// Kept here, not in the runtime's frames on the fiber, from the start of next_event
        /// (the first point where the thread can stop) to the next operation: a thread that
        /// stops inside an operation is abandoned without unwinding (reset_threads), and this
        /// state is then freed with the rest of the ThreadState.
        std::shared_ptr<const Dependencies> op_deps;
        std::string op_spawn_name;
        std::function<void()> op_spawn_body;
        UpdateFn op_update;
        /// Mutexes this thread holds (lock misuse: unlock of one it does not hold, a second
        /// lock of one it holds). A function of the thread's own events, so replay agrees.
        std::vector<LocId> held;
        /// The fiber's stack, and the stack of whoever resumed it (AddressSanitizer's fiber
        /// annotations need both ends of every switch).
        boost::context::stack_context stack{};
        /// check_stack's limit for this stack (0: no stack yet): the lowest address a frame of
        /// the runtime may start at, computed once per stack instead of on every operation.
        std::uintptr_t stack_floor = 0;
        const void* caller_stack = nullptr;
        std::size_t caller_stack_size = 0;
    };

    RunStatus run_program();
    void reset_threads();
    void resume(ThreadId t);
    void suspend(ThreadId t);            // back to the scheduler; returns when resumed
    /// A fiber's entry point: runs thread `from.data`'s body, then leaves for good.
    [[noreturn]] static void fiber_main(boost::context::detail::transfer_t from);
    /// Thread t's body with the runtime's handling of what it throws.
    void run_body(ThreadId t);
    [[noreturn]] void stop_thread(ThreadId t, ThreadStatus status);
    void mark_violated(ThreadId t);             // a violation in thread t: stop it (or the run)
    [[noreturn]] void stop_violated(ThreadId t);
    void note_race();                           // the current thread's event races
    ThreadId self() const;
    /// Makes sure the thread's next event exists (replaying or asking the driver) and
    /// returns it; ends the thread's run on abort.
    const Event& next_event(EventRequest& req);
    void validate_replay(ThreadId t, const Event& e, const EventRequest& req) const;
    /// The failure paths of validate_replay and check_stack, out of line and cold: building
    /// their messages inline made both hot functions save registers and set up a frame on
    /// every call (5 % of mutex-N4-K2's instructions).
    [[noreturn, gnu::cold, gnu::noinline]] void replay_diverged(ThreadId t, const Event& e,
                                                               const EventRequest& req) const;
    [[noreturn, gnu::cold, gnu::noinline]] void stack_overflowed(ThreadId t) const;
    std::optional<ThreadId> pick_next();
    bool has_pending_rmw(ThreadId t) const;
    bool other_ready(ThreadId t) const;  ///< whether a thread other than t is Ready
    void take_mutex(LocId mutex, const char* op, SourceRef src, const EventRequest& read);
    /// Reports lock misuse by the current thread at `src` and stops it.
    [[noreturn]] void lock_misuse(std::string message, SourceRef src);
    /// Ends the current thread's run as a tool limit when its stack is nearly used up (called
    /// on every operation, so recursion that touches shared memory never hits the guard page).
    void check_stack();
    [[noreturn]] void block_on_last_event();
    /// An ordering of the current thread about to be added: records its site (audit) and
    /// returns true when it is the site to weaken in this exploration.
    bool ordering_site(const char* op, std::string kind, const char* weakening, SourceRef src);
    /// The site ordering_site would name, recording nothing (OrderingSite's identity).
    OrderingSite site_of(const char* op, std::string kind, const char* weakening, SourceRef src) const;
    /// The audit's kind for a fence of the current thread ("barrier", "leading mb", ...).
    std::string fence_kind(std::memory_order order) const;
    /// Whether the trailing full barrier of the fully ordered RMW being added (the fence
    /// kernel.hpp issues after it) is the site this exploration weakens.
    bool trailing_mb_weakened(SourceRef src) const;
    /// A lock, unlock or trylock site was hit: weakens `mode` when the memory model takes
    /// the order of lock events from it, else marks the site as not weakenable.
    void weaken_lock_order(Mode& mode);
    /// A memory access of the current thread (for leading/trailing fences of a primitive).
    void note_access();
    void count_check(std::string_view message, bool premise, bool implication);
    /// Moves the calling thread's pending LKMM annotation into `req` (and clears it).
    void take_annotation(EventRequest& req);

    const Program& program_;
    Driver& driver_;
    std::uint32_t max_events_per_thread_;
    std::size_t stack_size_;
    std::unique_ptr<StackPool> stacks_;
    std::unique_ptr<Model> model_;
    std::vector<ThreadState> threads_;
    std::vector<ThreadId> running_;  // stack of threads running (top = current)
    std::size_t declared_threads_ = 0;
    std::size_t threads_declared_first_run_ = 0;
    std::size_t locations_seen_ = 0;
    bool first_run_ = true;
    bool aborted_ = false;
    bool violated_ = false;
    bool in_final_ = false;
    bool tearing_down_ = false;       // fibers unwinding: model API calls do nothing
    bool unwinding_ = false;          // reset_threads: a resumed fiber throws StopThread
    ThreadId starting_ = 0;           // the thread whose fiber is being entered (fiber_main)
    bool priority_ = false;           // running a thread to complete a revisited RMW
    bool final_assume_failed_ = false;
    struct FinalFailure {
        std::string message;
        SourceRef src;
    };
    std::optional<FinalFailure> final_failure_;  // first failed check() of final()
    struct LifetimeFailure {
        LifetimeError error;
        std::string message;
        ThreadId thread;
        SourceRef src;
        EventId at;
    };
    // The first lifetime error of the run, reported once every thread finished: the thread
    // goes on, so an LKMM critical section around it is complete when the graph is judged.
    std::optional<LifetimeFailure> lifetime_failure_;
    std::exception_ptr internal_error_;  // nondeterministic model, driver failure, tool limit: rethrown
    Outcome outcome_;
    std::vector<BlockedThread> blocked_;
    std::uint64_t events_in_run_ = 0;
    std::atomic<std::uint64_t> heartbeat_{0};
    /// Moves the heartbeat. Only this runtime's OS thread writes it, so a relaxed load and
    /// store suffice (the watchdog only needs to see it move): a locked fetch_add on every
    /// operation was 6 % of mutex-N4-K3's CPU.
    void beat() { heartbeat_.store(heartbeat_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
    std::atomic<int> running_thread_{-1};  // for describe_running(); -1: the scheduler
    Instrumentation* instr_ = nullptr;  // program_.instrumentation, if any
    std::set<OrderingSite> sites_seen_;  // this exploration's sites, flushed after each run
    std::size_t sites_flushed_ = 0;
    std::map<std::string, bool, std::less<>> run_checks_;  // this run: property -> premise held
    std::set<std::string, std::less<>> run_implications_;
};

}  // namespace mmcheck
