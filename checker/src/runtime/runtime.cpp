// SPDX-License-Identifier: MIT
/// \file Runtime implementation: fibers, replay, and the bridge to the driver.
#include "runtime/runtime.hpp"

#include "graph/tool_limit.hpp"

#include <boost/context/protected_fixedsize_stack.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <signal.h>
#include <unistd.h>

// AddressSanitizer must be told about every switch between the scheduler's stack and a fiber's
// (compiler-rt's common_interface_defs.h, "fiber annotation" API): otherwise it takes a switch
// for a stack overflow or reports the other stack's frames as out of bounds. The fibers are
// raw fcontexts, which annotate nothing. GCC says ASan is on with __SANITIZE_ADDRESS__, clang
// (the fuzz preset) only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define MMCHECK_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MMCHECK_ASAN_FIBERS 1
#endif
#endif
#if defined(MMCHECK_ASAN_FIBERS)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace mmcheck {

namespace {
thread_local ExecutionContext* g_current = nullptr;

/// The page size, asked once: check_stack and resume run on every operation and every
/// switch, and sysconf was 1 % of mutex-N4-K3's CPU.
std::uintptr_t page_size() {
    static const auto size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

/// The fiber running on this OS thread, for the SIGSEGV handler (stack_overflow_message):
/// its guard page and name. Plain values written only by this thread, read only by a signal
/// handler on this thread.
struct RunningFiber {
    std::uintptr_t guard_lo = 0;  ///< the guard page below the stack: [guard_lo, guard_hi)
    std::uintptr_t guard_hi = 0;
    std::size_t stack_size = 0;
    const char* name = nullptr;
};
thread_local RunningFiber g_running_fiber;

/// An alternate signal stack for this OS thread, so that a SIGSEGV from a full fiber stack can
/// still run a handler. Removed when the thread ends.
struct AltStack {
    std::vector<char> mem;
    AltStack() : mem(std::max<std::size_t>(SIGSTKSZ, 64 * 1024)) {
        stack_t ss{};
        ss.ss_sp = mem.data();
        ss.ss_size = mem.size();
        ::sigaltstack(&ss, nullptr);
    }
    ~AltStack() {
        stack_t ss{};
        ss.ss_flags = SS_DISABLE;
        ::sigaltstack(&ss, nullptr);
    }
    AltStack(const AltStack&) = delete;
    AltStack& operator=(const AltStack&) = delete;
};

void install_alt_stack() {
    thread_local AltStack alt;
    (void)alt;
}

#if defined(MMCHECK_ASAN_FIBERS)
void start_switch(void** fake_stack, const void* bottom, std::size_t size) {
    __sanitizer_start_switch_fiber(fake_stack, bottom, size);
}
void finish_switch(void* fake_stack, const void** bottom, std::size_t* size) {
    __sanitizer_finish_switch_fiber(fake_stack, bottom, size);
}
/// A reused stack may still hold the redzones of an abandoned fiber's frames.
void fresh_stack(const void* bottom, std::size_t size) { __asan_unpoison_memory_region(bottom, size); }
#else
void start_switch(void**, const void*, std::size_t) {}
void finish_switch(void*, const void**, std::size_t*) {}
void fresh_stack(const void*, std::size_t) {}
#endif

namespace fctx = boost::context::detail;

/// Appends `s` to buf[*at..n) (async-signal-safe formatting for the SIGSEGV message).
void append(char* buf, std::size_t n, std::size_t* at, const char* s) {
    for (; *s != '\0' && *at + 1 < n; ++s) {
        const auto c = static_cast<unsigned char>(*s);
        buf[(*at)++] = c < 0x20 || c == 0x7f ? '?' : *s;  // a name's control characters stay invisible
    }
    buf[*at] = '\0';
}
void append_number(char* buf, std::size_t n, std::size_t* at, std::size_t v) {
    char digits[24];
    std::size_t k = 0;
    do {
        digits[k++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0 && k < sizeof digits);
    char out[24];
    for (std::size_t i = 0; i < k; ++i) out[i] = digits[k - 1 - i];
    out[k] = '\0';
    append(buf, n, at, out);
}

const char* order_name(std::memory_order mo) {
    switch (mo) {
        case std::memory_order_relaxed: return "relaxed";
        case std::memory_order_consume: return "consume";
        case std::memory_order_acquire: return "acquire";
        case std::memory_order_release: return "release";
        case std::memory_order_acq_rel: return "acq_rel";
        case std::memory_order_seq_cst: return "seq_cst";
    }
    return "?";
}

/// Thrown inside a fiber to leave a thread whose run is over (it is caught at the fiber's
/// entry, never by model code that rethrows unknown exceptions properly).
struct StopThread {};

/// The model produced a different event on replay than the graph recorded.
struct Nondeterminism : std::logic_error {
    using std::logic_error::logic_error;
};

Mode read_part(std::memory_order mo) {
    switch (mo) {
        case std::memory_order_relaxed:
        case std::memory_order_release: return Mode::Rlx;
        case std::memory_order_consume:
        case std::memory_order_acquire:
        case std::memory_order_acq_rel: return Mode::Acq;
        case std::memory_order_seq_cst: return Mode::SC;
    }
    return Mode::SC;
}

Mode write_part(std::memory_order mo) {
    switch (mo) {
        case std::memory_order_relaxed:
        case std::memory_order_consume:
        case std::memory_order_acquire: return Mode::Rlx;
        case std::memory_order_release:
        case std::memory_order_acq_rel: return Mode::Rel;
        case std::memory_order_seq_cst: return Mode::SC;
    }
    return Mode::SC;
}

/// An access's LKMM tag once the audit relaxes its order: the kernel's _relaxed form
/// (linux-kernel.def: smp_load_acquire -> READ_ONCE, smp_store_release -> WRITE_ONCE,
/// xchg / xchg_acquire / xchg_release -> xchg_relaxed are all {once}). Without a tag
/// (Derived) LKMM derives it from the relaxed C++ order (lkmm::tag_of), and RC11 reads no tag.
LkmmTag relaxed_tag(LkmmTag t) {
    return t == LkmmTag::Acquire || t == LkmmTag::Release || t == LkmmTag::Mb ? LkmmTag::Once : t;
}
}  // namespace

ExecutionContext& detail::current_context() {
    if (g_current == nullptr)
        throw std::logic_error("mmcheck model API used outside an execution (create locations in the model's constructor)");
    return *g_current;
}
void detail::set_current_context(ExecutionContext* ctx) { g_current = ctx; }
ExecutionContext* detail::current_context_or_null() noexcept { return g_current; }

bool stack_overflow_message(const void* fault_address, char* buf, std::size_t n) noexcept {
    const RunningFiber& f = g_running_fiber;
    const auto a = reinterpret_cast<std::uintptr_t>(fault_address);
    if (n == 0 || f.name == nullptr || a < f.guard_lo || a >= f.guard_hi) return false;
    std::size_t at = 0;
    buf[0] = '\0';
    append(buf, n, &at, "thread '");
    append(buf, n, &at, f.name);
    append(buf, n, &at, "' overflowed its stack of ");
    append_number(buf, n, &at, f.stack_size / 1024);
    append(buf, n, &at, " KiB (deep recursion in model code?); raise it with --stack-size");
    return true;
}

/// Fiber stacks, reused across executions. Guard pages (protected stacks) turn a stack
/// overflow in model code into a fault on the guard page (stack_overflow_message) instead of
/// memory corruption; check_stack() catches most overflows before that.
class StackPool {
public:
    explicit StackPool(std::size_t size) : alloc_(size) {}
    boost::context::stack_context take() {
        if (free_.empty()) return alloc_.allocate();
        auto s = free_.back();
        free_.pop_back();
        return s;
    }
    void give(boost::context::stack_context s) { free_.push_back(s); }
    ~StackPool() {
        for (auto& s : free_) alloc_.deallocate(s);
    }

private:
    boost::context::protected_fixedsize_stack alloc_;
    std::vector<boost::context::stack_context> free_;
};

Runtime::Runtime(const Program& program, Driver& driver, std::uint32_t max_events_per_thread,
                 std::size_t stack_size)
    : program_(program), driver_(driver), max_events_per_thread_(max_events_per_thread),
      stack_size_(stack_size == 0 ? kDefaultStackSize : std::clamp(stack_size, kMinStackSize, kMaxStackSize)),
      stacks_(std::make_unique<StackPool>(stack_size_)), instr_(program.instrumentation.get()) {
    threads_.reserve(kMaxThreads);  // fibers index threads_ across spawns: never reallocate
    install_alt_stack();
}

Runtime::~Runtime() {
    for (auto& th : threads_)
        if (th.stack.sp != nullptr) stacks_->give(th.stack);
    threads_.clear();
    model_.reset();
}

std::int64_t Runtime::param(std::string_view name) const {
    auto it = program_.params.find(name);
    if (it == program_.params.end())
        throw std::invalid_argument("model asked for parameter '" + std::string(name) + "', which has no value");
    return it->second;
}

LocId Runtime::new_location(std::string_view name, LocKind kind, ValueType type, std::int64_t initial) {
    if (!running_.empty() || in_final_)
        throw std::logic_error("locations must be created in the model's constructor");
    auto& g = driver_.graph();
    const auto id = static_cast<LocId>(locations_seen_++);
    if (id >= g.num_locations()) {
        g.add_location(LocationInfo{std::string(name), kind, type, type.normalize(initial)});
    } else if (g.location(id).kind != kind || g.location(id).initial != type.normalize(initial)) {
        throw Nondeterminism("the model created a different location #" + std::to_string(id) + " than before");
    }
    return id;
}

void Runtime::declare_thread(std::string name, std::function<void()> body) {
    if (!running_.empty()) throw std::logic_error("thread() is for Model::threads(); use spawn() inside a thread");
    auto& g = driver_.graph();
    const std::size_t t = declared_threads_++;
    if (t >= g.num_threads()) {
        g.add_thread(std::move(name), false, EventId{});
    }
    // Built in place: a ThreadState moved in and destroyed was half of this function's cost.
    ThreadState& st = threads_.emplace_back();
    st.body = std::move(body);
    st.status = ThreadStatus::Ready;
}

ThreadId Runtime::self() const { return running_.back(); }

void Runtime::reset_threads() {
    // A thread left suspended at the end of a run (blocked, stopped, or cut by an abort) is
    // abandoned: its stack goes back to the pool and the next run starts a fresh context on
    // it. Nothing unwinds, so destructors of the thread's locals do not run (docs/mmcheck.md,
    // "Threads that stop"): throwing through every stopped fiber was most of the CPU of
    // programs that block (the unwinder searching each frame's FDE, twice). A model that
    // needs them (Model::unwinds_stopped_threads) gets the old teardown: the fiber is resumed
    // once more with unwinding_ set, suspend() throws StopThread, and the model's frames
    // unwind to fiber_main (model API calls do nothing while tearing_down_).
    if (model_ && model_->unwinds_stopped_threads()) {
        unwinding_ = true;
        for (std::size_t t = 0; t < threads_.size(); ++t)
            if (threads_[t].started && threads_[t].fiber != nullptr) resume(static_cast<ThreadId>(t));
        unwinding_ = false;
    }
    for (auto& th : threads_)
        if (th.stack.sp != nullptr) stacks_->give(th.stack);
    threads_.clear();
    running_.clear();
}

void Runtime::suspend(ThreadId t) {
    void* fake = nullptr;
    start_switch(&fake, threads_[t].caller_stack, threads_[t].caller_stack_size);
    const fctx::transfer_t back = fctx::jump_fcontext(threads_[t].caller, nullptr);
    threads_[t].caller = back.fctx;  // whoever resumed this thread
    finish_switch(fake, &threads_[t].caller_stack, &threads_[t].caller_stack_size);
    if (unwinding_) throw StopThread{};
}

void Runtime::stop_thread(ThreadId t, ThreadStatus status) {
    threads_[t].status = status;
    suspend(t);  // never resumed: the fiber is abandoned (or unwound) when the run ends
    throw std::logic_error("a stopped thread was resumed");
}

void Runtime::run_body(ThreadId t) {
    try {
        threads_[t].body();
        if (driver_.graph().thread(t).spawned) {
            EventRequest end;
            end.kind = EventKind::End;
            end.op = "end";
            next_event(end);
        }
        threads_[t].status = ThreadStatus::Finished;
    } catch (const StopThread&) {
    } catch (const ToolLimitError&) {
        // Not the model's fault: the run ends, and the explorer reports the limit.
        threads_[t].status = ThreadStatus::Finished;
        aborted_ = true;
        internal_error_ = std::current_exception();
    } catch (const Nondeterminism&) {
        threads_[t].status = ThreadStatus::Finished;
        aborted_ = true;
        internal_error_ = std::current_exception();
    } catch (const DriverError&) {
        // The driver's own failure, not the model's: leave the fiber and rethrow from
        // run_once().
        threads_[t].status = ThreadStatus::Finished;
        aborted_ = true;
        internal_error_ = std::current_exception();
    } catch (const std::exception& ex) {
        driver_.report_violation(ViolationKind::Exception, std::string("exception in model code: ") + ex.what(), t,
                                 SourceRef{}, nullptr);
        mark_violated(t);
    } catch (...) {
        driver_.report_violation(ViolationKind::Exception, "exception in model code (not a std::exception)", t,
                                 SourceRef{}, nullptr);
        mark_violated(t);
    }
}

void Runtime::fiber_main(fctx::transfer_t from) {
    auto* rt = static_cast<Runtime*>(from.data);
    const ThreadId t = rt->starting_;
    rt->threads_[t].caller = from.fctx;
    finish_switch(nullptr, &rt->threads_[t].caller_stack, &rt->threads_[t].caller_stack_size);
    rt->run_body(t);
    // This stack is left for good (no fake frames to keep): the non-null data tells resume()
    // the thread is over. Nothing on this stack needs destroying: run_body returned.
    start_switch(nullptr, rt->threads_[t].caller_stack, rt->threads_[t].caller_stack_size);
    fctx::jump_fcontext(rt->threads_[t].caller, rt);
    std::abort();  // a finished fiber is never resumed
}

void Runtime::resume(ThreadId t) {
    ThreadState& th = threads_[t];
    if (!th.started) {
        th.started = true;
        th.stack = stacks_->take();
        // The runtime and the driver (consistency checks, revisits) run on this stack below
        // the model's frames: check_stack keeps them this much room.
        const std::size_t reserve = std::min<std::size_t>(48 * 1024, stack_size_ / 4);
        th.stack_floor = reinterpret_cast<std::uintptr_t>(th.stack.sp) - th.stack.size + reserve + page_size();
        fresh_stack(static_cast<const char*>(th.stack.sp) - th.stack.size, th.stack.size);
        th.fiber = fctx::make_fcontext(th.stack.sp, th.stack.size, &Runtime::fiber_main);
    }
    running_.push_back(t);
    const boost::context::stack_context& sc = threads_[t].stack;
    const auto top = reinterpret_cast<std::uintptr_t>(sc.sp);
    const std::uintptr_t bottom = top - sc.size;  // the guard page is the lowest page
    const RunningFiber saved = g_running_fiber;
    g_running_fiber = RunningFiber{bottom, bottom + page_size(), stack_size_,
                                   driver_.graph().thread(t).name.c_str()};
    running_thread_.store(static_cast<int>(t), std::memory_order_relaxed);
    beat();
    void* fake = nullptr;
    start_switch(&fake, reinterpret_cast<const void*>(bottom), sc.size);
    starting_ = t;
    const fctx::transfer_t back = fctx::jump_fcontext(threads_[t].fiber, this);
    threads_[t].fiber = back.data != nullptr ? nullptr : back.fctx;  // data: the thread is over
    finish_switch(fake, nullptr, nullptr);
    running_thread_.store(running_.size() > 1 ? static_cast<int>(running_[running_.size() - 2]) : -1,
                          std::memory_order_relaxed);
    g_running_fiber = saved;
    running_.pop_back();
}

void Runtime::check_stack() {
    // Keeps the room below the model's frames that resume() reserved (ThreadState::stack_floor).
    const ThreadId t = self();
    const std::uintptr_t floor = threads_[t].stack_floor;
    if (floor == 0) return;
    char probe = 0;
    const auto here = reinterpret_cast<std::uintptr_t>(&probe);
    if (here > floor) return;
    stack_overflowed(t);
}

void Runtime::stack_overflowed(ThreadId t) const {
    throw ToolLimitError("stack-size", "thread '" + driver_.graph().thread(t).name + "' overflowed its stack of " +
                                           std::to_string(stack_size_ / 1024) +
                                           " KiB (deep recursion in model code?); raise it with --stack-size");
}

std::string Runtime::describe_running() const {
    const int t = running_thread_.load(std::memory_order_relaxed);
    const auto& g = driver_.graph();
    if (t < 0 || static_cast<std::size_t>(t) >= g.num_threads()) return "the model's setup code";
    const auto tid = static_cast<ThreadId>(t);
    std::string s = "thread '" + g.thread(tid).name + "'";
    const auto& ev = g.thread_events(tid);
    const std::size_t done = static_cast<std::size_t>(t) < threads_.size() ? threads_[tid].next : 0;
    if (done == 0 || done > ev.size()) return s + " (no event yet)";
    const Event& e = ev[done - 1];
    s += " (last event: " + std::string(kind_name(e.kind)) + " " + e.op;
    if (e.is_read() || e.is_write()) s += " of '" + g.location(e.loc).name + "'";
    if (e.src.line != 0) s += " at " + std::string(e.src.file) + ":" + std::to_string(e.src.line);
    return s + ")";
}

bool Runtime::other_ready(ThreadId t) const {
    for (std::size_t u = 0; u < threads_.size(); ++u)
        if (u != t && threads_[u].status == ThreadStatus::Ready) return true;
    return false;
}

inline bool Runtime::has_pending_rmw(ThreadId t) const {
    const auto& ev = driver_.graph().thread_events(t);
    return !ev.empty() && ev.back().is_read() && ev.back().has(kRmwRead);
}

std::optional<ThreadId> Runtime::pick_next() {
    const auto& g = driver_.graph();
    for (std::size_t t = 0; t < threads_.size(); ++t) {
        ThreadState& th = threads_[t];
        if (th.status != ThreadStatus::Joining) continue;
        const auto& ev = g.thread_events(th.join_target);
        if (!ev.empty() && ev.back().kind == EventKind::End) th.status = ThreadStatus::Ready;
    }
    if (!driver_.picks_threads()) {
        // After a backward revisit an RMW's read may lack its write: complete it first, so an
        // RMW stays one step (the rule is a function of the graph, as TruSt's next_P must be).
        for (std::size_t t = 0; t < threads_.size(); ++t) {
            if (threads_[t].status == ThreadStatus::Ready && has_pending_rmw(static_cast<ThreadId>(t)) &&
                threads_[t].next <= g.thread_size(static_cast<ThreadId>(t))) {
                priority_ = true;
                return static_cast<ThreadId>(t);
            }
        }
        for (std::size_t t = 0; t < threads_.size(); ++t)
            if (threads_[t].status == ThreadStatus::Ready) return static_cast<ThreadId>(t);
        // Only threads paused before a waiting read are left: the lowest one adds its read.
        for (std::size_t t = 0; t < threads_.size(); ++t) {
            if (threads_[t].status == ThreadStatus::Deferred) {
                threads_[t].status = ThreadStatus::Ready;
                return static_cast<ThreadId>(t);
            }
        }
        return std::nullopt;
    }
    // The driver picks: first let every thread replay up to its first new event.
    for (std::size_t t = 0; t < threads_.size(); ++t)
        if (threads_[t].status == ThreadStatus::Ready && !threads_[t].wants_new_event)
            return static_cast<ThreadId>(t);
    std::vector<ThreadId> ready;
    for (std::size_t t = 0; t < threads_.size(); ++t)
        if (threads_[t].status == ThreadStatus::Ready) ready.push_back(static_cast<ThreadId>(t));
    if (ready.empty()) return std::nullopt;
    auto choice = driver_.pick_thread(ready);
    if (!choice) aborted_ = true;
    return choice;
}

void Runtime::validate_replay(ThreadId t, const Event& e, const EventRequest& req) const {
    bool same = e.kind == req.kind;
    if (same && (e.is_read() || e.is_write())) same = e.loc == req.loc;
    if (same && e.is_write() && !e.has(kRmwWrite)) same = e.value == req.value;
    // The same operation with the same orders: a conditional read's effective order depends
    // on the value read, so its declared success and failure orders are compared instead.
    const bool conditional = e.has(kUpdate) || e.has(kLock);
    if (same && !conditional && !e.has(kRmwWrite)) same = e.mode == req.mode;
    if (same && conditional) same = e.succ_mode == req.mode && e.fail_mode == req.fail_mode;
    if (same) same = (e.flags & (kAwait | kLock | kUnlock | kUpdate)) == (req.flags & (kAwait | kLock | kUnlock | kUpdate));
    // Operation names are string literals (or interned labels), so on replay the pointers are
    // almost always equal: compare them before the text (strcmp here was 2-4 % of big1's CPU).
    if (same && e.op != req.op) same = std::strcmp(e.op, req.op) == 0;
    if (!same) replay_diverged(t, e, req);
}

void Runtime::replay_diverged(ThreadId t, const Event& e, const EventRequest& req) const {
    // Name both operations by the model line (or kernel.hpp helper) that issued them: where
    // the two executions went apart is what the model's author must look at.
    const auto where = [](const char* op, SourceRef src) {
        std::string w = std::string(op);
        if (src.line != 0) w += " at " + std::string(src.file) + ":" + std::to_string(src.line);
        return w;
    };
    throw Nondeterminism("model is not deterministic: thread '" + driver_.graph().thread(t).name + "' event " +
                         std::to_string(threads_[t].next) + " was a " + kind_name(e.kind) + " (" +
                         where(e.op, e.src) + ") and is now a " + kind_name(req.kind) + " (" +
                         where(req.op, req.src) +
                         ") (model code must depend only on values it reads through mmcheck)");
}

const Event& Runtime::next_event(EventRequest& req) {
    const ThreadId t = self();
    beat();
    check_stack();
    ThreadState& th = threads_[t];
    // From here on the thread can stop (a replay that ends the run, a deferral, an abort):
    // what the request owns moves into the thread's state, which is freed whether or not the
    // thread's frames ever unwind (ThreadState::op_deps).
    // (Most operations own nothing: then nothing is moved, moving was 2 % of mutex-N4-K3's CPU.)
    if (req.deps || th.op_deps) th.op_deps = std::move(req.deps);
    if (!req.spawn_name.empty() || !th.op_spawn_name.empty()) th.op_spawn_name = std::move(req.spawn_name);
    auto& g = driver_.graph();
    if (th.next < g.thread_size(t)) {
        const Event& e = g.thread_events(t)[th.next];
        validate_replay(t, e, req);
        ++th.next;
        ++events_in_run_;
        th.label_text.clear();
        // The explorer found a race at this event when it chose its rf (already reported):
        // the run is a violating one.
        if (e.has(kRace)) note_race();
        if (e.is_read()) th.last_read = th.next - 1u;
        return e;
    }
    if (th.next >= max_events_per_thread_) {
        driver_.report_violation(ViolationKind::Livelock,
                                 "thread '" + g.thread(t).name + "' exceeded " +
                                     std::to_string(max_events_per_thread_) +
                                     " events: it may spin forever (use await() for waiting)",
                                 t, req.src, nullptr);
        stop_violated(t);
    }
    const bool rmw_write = (req.flags & kRmwWrite) != 0;
    if ((req.flags & (kAwait | kLock)) == kAwait && driver_.defers_waits() && !driver_.picks_threads() &&
        other_ready(t)) {
        // An await is added only once no other thread can add an event: then it sees every
        // write the others make before they wait themselves, and a spin that would fail on a
        // value about to be overwritten is not explored (GenMC reschedules such reads the
        // same way). Which event comes next is still a function of the graph. Locks are not
        // deferred (yet): that would change the first counterexample of lock-based models.
        th.status = ThreadStatus::Deferred;
        suspend(t);
    }
    if (driver_.picks_threads() && !rmw_write) {
        th.wants_new_event = true;
        suspend(t);
        threads_[t].wants_new_event = false;
    }
    if (!threads_[t].label_text.empty()) req.label = driver_.intern(threads_[t].label_text);
    threads_[t].label_text.clear();
    // The driver copies what it keeps; an exception from add_event unwinds these normally.
    ThreadState& owner = threads_[t];
    if (owner.op_deps) req.deps = std::move(owner.op_deps);
    if (!owner.op_spawn_name.empty()) req.spawn_name = std::move(owner.op_spawn_name);
    const AddStatus added = driver_.add_event(t, req);
    ThreadState& owner2 = threads_[t];
    if (req.deps) owner2.op_deps = std::move(req.deps);
    if (!req.spawn_name.empty()) owner2.op_spawn_name = std::move(req.spawn_name);
    switch (added) {
        case AddStatus::Ok: break;
        case AddStatus::Violation: note_race(); break;
        case AddStatus::Abort:
            aborted_ = true;
            stop_thread(t, ThreadStatus::Finished);
    }
    ThreadState& th2 = threads_[t];
    const std::uint16_t idx = th2.next++;
    ++events_in_run_;
    if (req.kind == EventKind::Read) th2.last_read = idx;
    if (priority_ && rmw_write) {
        // The RMW begun before a revisit is complete: back to the lowest runnable thread.
        priority_ = false;
        suspend(t);
    }
    return driver_.graph().thread_events(t)[idx];
}

std::int64_t Runtime::load(LocId loc, std::memory_order order, SourceRef src) {
    auto& g = driver_.graph();
    if (tearing_down_) return 0;
    if (in_final_) return g.final_value(loc);
    EventRequest req;
    req.kind = EventKind::Read;
    req.loc = loc;
    req.mode = g.location(loc).kind == LocKind::Plain ? Mode::NA : mode_from(order);
    req.op = "load";
    req.src = src;
    if (is_atomic(req.mode)) note_access();
    const bool weak = instr_ != nullptr && is_acquire(req.mode) &&
                      ordering_site("load", std::string(order_name(order)) + " load", "relax to relaxed", src);
    if (weak) req.mode = Mode::Rlx;
    take_annotation(req);
    if (weak) req.lk = relaxed_tag(req.lk);
    return next_event(req).value;
}

void Runtime::store(LocId loc, std::int64_t value, std::memory_order order, SourceRef src) {
    if (tearing_down_) return;
    auto& g = driver_.graph();
    if (in_final_) throw std::logic_error("stores are not allowed in final()");
    EventRequest req;
    req.kind = EventKind::Write;
    req.loc = loc;
    req.value = value;
    req.mode = g.location(loc).kind == LocKind::Plain ? Mode::NA : mode_from(order);
    req.op = "store";
    req.src = src;
    if (is_atomic(req.mode)) note_access();
    const bool weak = instr_ != nullptr && is_release(req.mode) &&
                      ordering_site("store", std::string(order_name(order)) + " store", "relax to relaxed", src);
    if (weak) req.mode = Mode::Rlx;
    take_annotation(req);
    if (weak) req.lk = relaxed_tag(req.lk);
    next_event(req);
}

UpdateResult Runtime::update(LocId loc, const UpdateFn& fn, std::memory_order success,
                             std::memory_order failure, const char* op_name, SourceRef src,
                             bool may_fail_spuriously, bool wraps_result) {
    if (tearing_down_) return UpdateResult{0, false};
    if (in_final_) throw std::logic_error("read-modify-writes are not allowed in final()");
    note_access();
    const bool weak = instr_ != nullptr &&
                      (success != std::memory_order_relaxed || failure != std::memory_order_relaxed) &&
                      ordering_site(op_name, std::string(order_name(success)) + " RMW", "relax to relaxed", src);
    if (weak) {
        success = std::memory_order_relaxed;
        failure = std::memory_order_relaxed;
    }
    const UpdateFn* f = &fn;
    const ValueType type = driver_.graph().location(loc).type;
    if (wraps_result && type.bits < 64 && !running_.empty()) {
        // atomic<T>::update: the result wrapped to the location's width. The wrapper owns a
        // copy of fn, so it lives in the thread's state, not in this frame (op_deps).
        UpdateFn& wrapped = threads_[self()].op_update;
        wrapped = [fn, type](std::int64_t old) -> std::optional<std::int64_t> {
            auto r = fn(old);
            if (r) return type.normalize(*r);
            return r;
        };
        f = &wrapped;
    }
    EventRequest req;
    req.kind = EventKind::Read;
    req.loc = loc;
    req.mode = read_part(success);
    req.fail_mode = mode_from(failure);
    req.write_mode = write_part(success);
    req.update = f;
    req.weak = may_fail_spuriously;
    req.flags = kUpdate | (may_fail_spuriously ? kWeak : 0);
    req.op = op_name;
    req.src = src;
    take_annotation(req);
    // A fully ordered kernel RMW (kernel.hpp: NotLkmm fence, Mb RMW, NotLkmm fence) is one
    // event under a model without the C++11 mapping's fences (LKMM): it is then the whole
    // primitive, and the timeline names it after the kernel helper the model called
    // (atomic_inc_not_zero, folio_try_get), not its building block. Under RC11 it keeps its
    // name, so RC11 traces are unchanged.
    if (req.lk == LkmmTag::Mb && !running_.empty() && !threads_[self()].kernel_ops.empty()) {
        EventRequest c11_fence;
        c11_fence.kind = EventKind::Fence;
        c11_fence.lk = LkmmTag::NotLkmm;
        if (!driver_.keeps(c11_fence)) req.op = threads_[self()].kernel_ops.front().name;
    }
    if (weak) req.lk = relaxed_tag(req.lk);
    // The audit's weakenings of a fully ordered RMW under LKMM: its leading mb is
    // `[M] ; po ; [Mb & R]` and its trailing mb `[Mb & W] ; po ; [M]` (linux-kernel.cat:45-46),
    // so dropping one leaves that event of the RMW unordered (Once). The C++11 mapping's
    // fences carry the same sites under RC11, which reads no tag: RC11 audits are unchanged.
    LkmmTag write_lk = req.lk;
    if (req.lk == LkmmTag::Mb && instr_ != nullptr && !running_.empty()) {
        if (threads_[self()].leading_mb_dropped) req.lk = LkmmTag::Once;
        if (trailing_mb_weakened(src)) write_lk = LkmmTag::Once;
    }
    if (!running_.empty()) threads_[self()].leading_mb_dropped = false;
    req.write_lk = write_lk;
    const Event& r = next_event(req);
    const std::int64_t old = r.value;
    if (!r.has(kRmwRead)) return UpdateResult{old, false};
    EventRequest w;
    w.kind = EventKind::Write;
    w.loc = loc;
    w.mode = write_part(success);
    auto nv = (*f)(old);
    w.value = nv ? *nv : old;
    w.flags = kRmwWrite;
    w.op = req.op;
    w.src = src;
    w.lk = write_lk;  // one annotation for both events of the RMW (but for a dropped trailing mb)
    w.deps = threads_[self()].op_deps;
    next_event(w);
    return UpdateResult{old, true};
}

void Runtime::fence(std::memory_order order, SourceRef src) {
    if (tearing_down_ || in_final_) return;
    if (instr_ != nullptr && ordering_site("atomic_thread_fence", fence_kind(order), "drop", src)) {
        // Dropped: no event under either model. An LKMM fence (smp_mb's F[mb], smp_wmb's
        // F[wmb], smp_mb__*) goes with the C++ one. A fully ordered RMW's C++ fences are no
        // events under LKMM (NotLkmm): there the dropped leading mb is its read's Mb tag,
        // taken off when the RMW is added (update), and a trailing mb is decided there too.
        EventRequest dropped;
        take_annotation(dropped);  // the annotation was this fence's: never the next op's
        const auto& ops = threads_[self()].kernel_ops;
        if (dropped.lk == LkmmTag::NotLkmm && !ops.empty() && !ops.front().accessed)
            threads_[self()].leading_mb_dropped = true;
        return;
    }
    EventRequest req;
    req.kind = EventKind::Fence;
    req.mode = mode_from(order);
    req.op = "fence";
    req.src = src;
    take_annotation(req);
    if (!driver_.keeps(req)) return;
    next_event(req);
}

std::int64_t Runtime::await(LocId loc, std::memory_order order, const WaitPredicate& pred, SourceRef src) {
    if (tearing_down_) return 0;
    auto& g = driver_.graph();
    if (in_final_) return g.final_value(loc);
    EventRequest req;
    req.kind = EventKind::Read;
    req.loc = loc;
    req.mode = g.location(loc).kind == LocKind::Plain ? Mode::NA : mode_from(order);
    req.flags = kAwait;
    req.wait = &pred;
    req.op = "await";
    req.src = src;
    if (is_atomic(req.mode)) note_access();
    const bool weak = instr_ != nullptr && is_acquire(req.mode) &&
                      ordering_site("await", std::string(order_name(order)) + " await", "relax to relaxed", src);
    if (weak) req.mode = Mode::Rlx;
    take_annotation(req);
    if (weak) req.lk = relaxed_tag(req.lk);
    const Event& e = next_event(req);
    const std::int64_t v = e.value;
    if (!pred(v)) block_on_last_event();
    return v;
}

void Runtime::lock_misuse(std::string message, SourceRef src) {
    const ThreadId t = self();
    driver_.report_violation(ViolationKind::LockMisuse, std::move(message), t, src, nullptr);
    stop_violated(t);
}

void Runtime::lock(LocId mutex, SourceRef src) {
    if (tearing_down_ || in_final_) return;
    {
        const auto& held = threads_[self()].held;
        // A second lock by the holder would wait for itself for ever (a self-deadlock that
        // lockdep reports as "possible recursive locking"): reported as misuse at the line.
        if (std::find(held.begin(), held.end(), mutex) != held.end())
            lock_misuse("thread '" + driver_.graph().thread(self()).name + "' locks mutex '" +
                            driver_.graph().location(mutex).name + "', which it already holds",
                        src);
    }
    EventRequest req;
    req.kind = EventKind::Read;
    req.loc = mutex;
    req.mode = Mode::Acq;
    req.flags = kAwait | kLock;
    req.op = "lock";
    req.src = src;
    note_access();
    if (instr_ != nullptr && ordering_site("lock", "lock acquire", "relax to relaxed", src))
        weaken_lock_order(req.mode);
    take_annotation(req);
    const Event& r = next_event(req);
    if (!r.has(kRmwRead)) block_on_last_event();  // held: wait (a read of 0 always takes it)
    take_mutex(mutex, "lock", src, req);
}

bool Runtime::try_lock(LocId mutex, SourceRef src) {
    if (tearing_down_ || in_final_) return false;
    EventRequest req;
    req.kind = EventKind::Read;
    req.loc = mutex;
    req.mode = Mode::Acq;
    req.fail_mode = Mode::Rlx;
    req.flags = kLock;
    req.op = "trylock";
    req.src = src;
    note_access();
    if (instr_ != nullptr && ordering_site("trylock", "trylock acquire", "relax to relaxed", src))
        weaken_lock_order(req.mode);
    take_annotation(req);
    const Event& r = next_event(req);
    if (!r.has(kRmwRead)) return false;
    take_mutex(mutex, "trylock", src, req);
    return true;
}

void Runtime::block_on_last_event() {
    // The waiting read just replayed or added failed its condition: the thread blocks on it
    // for this execution (stuck or deadlocked only if that read saw the latest write).
    const ThreadId t = self();
    const EventId id{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(threads_[t].next - 1)};
    driver_.graph().event(id).flags |= kBlocked;
    threads_[t].blocked_on = id;
    stop_thread(t, ThreadStatus::Blocked);
}

void Runtime::take_mutex(LocId mutex, const char* op, SourceRef src, const EventRequest& read) {
    // The write part of the lock's RMW: the mutex word becomes 1 (acquire is on the read).
    EventRequest w;
    w.kind = EventKind::Write;
    w.loc = mutex;
    w.mode = Mode::Rlx;
    w.value = 1;
    w.flags = kRmwWrite | kLock;
    w.op = op;
    w.src = src;
    w.lk = read.lk;
    w.deps = threads_[self()].op_deps;  // the lock's read left them there (next_event)
    next_event(w);
    threads_[self()].held.push_back(mutex);
}

void Runtime::unlock(LocId mutex, SourceRef src) {
    if (tearing_down_ || in_final_) return;
    {
        // Unlocking a mutex this thread does not hold (never taken, already released, or
        // taken by another thread) is a bug mutex_unlock's debug checks and lockdep report;
        // as a plain store it would silently release someone else's critical section.
        auto& held = threads_[self()].held;
        const auto it = std::find(held.begin(), held.end(), mutex);
        if (it == held.end())
            lock_misuse("thread '" + driver_.graph().thread(self()).name + "' unlocks mutex '" +
                            driver_.graph().location(mutex).name + "', which it does not hold",
                        src);
        held.erase(it);
    }
    EventRequest req;
    req.kind = EventKind::Write;
    req.loc = mutex;
    req.mode = Mode::Rel;
    req.value = 0;
    req.flags = kUnlock;
    req.op = "unlock";
    req.src = src;
    note_access();
    if (instr_ != nullptr && ordering_site("unlock", "unlock release", "relax to relaxed", src))
        weaken_lock_order(req.mode);
    take_annotation(req);
    next_event(req);
}

void Runtime::check(bool ok, std::string_view message, SourceRef src) {
    if (tearing_down_) return;
    count_check(message, true, false);
    if (ok) return;
    if (in_final_) {
        // The execution is complete and consistent: keep running final() so the outcome is
        // whole, and report the first failed check of it once final() is done.
        if (!final_failure_) final_failure_ = FinalFailure{std::string(message), src};
        return;
    }
    const ThreadId t = self();
    driver_.report_violation(ViolationKind::Check, std::string(message), t, src, nullptr);
    stop_violated(t);
}

void Runtime::check_implies(bool premise, bool conclusion, std::string_view message, SourceRef src) {
    if (tearing_down_) return;
    count_check(message, premise, true);
    if (premise) check(conclusion, message, src);
}

void Runtime::count_check(std::string_view message, bool premise, bool implication) {
    if (instr_ == nullptr || !instr_->count_checks) return;
    auto it = run_checks_.find(message);
    if (it == run_checks_.end()) it = run_checks_.emplace(std::string(message), false).first;
    if (premise) it->second = true;
    if (implication) run_implications_.emplace(message);
}

void Runtime::begin_kernel_op(const char* name, SourceRef src, const char* part) {
    if (tearing_down_ || in_final_ || running_.empty()) return;
    threads_[self()].kernel_ops.push_back(ThreadState::KernelOp{name, src, part});
}

void Runtime::end_kernel_op() {
    if (tearing_down_ || in_final_ || running_.empty()) return;
    auto& ops = threads_[self()].kernel_ops;
    if (!ops.empty()) ops.pop_back();
    if (ops.empty()) threads_[self()].leading_mb_dropped = false;  // a leading mb with no RMW after it
}

void Runtime::note_access() {
    if (running_.empty()) return;
    auto& ops = threads_[self()].kernel_ops;
    if (!ops.empty()) ops.front().accessed = true;
}

std::string Runtime::fence_kind(std::memory_order order) const {
    // A fence inside a kernel primitive is named by its role there: the barrier itself
    // (smp_mb), or the leading / trailing full barrier of a fully ordered RMW (kernel.hpp
    // writes those as MB; RMW(RLX); MB), or the part the primitive names.
    std::string kind = std::string(order_name(order)) + " fence";
    const auto& ops = threads_[self()].kernel_ops;
    if (!ops.empty()) {
        const char* part = nullptr;
        for (const auto& op : ops)
            if (op.part != nullptr) part = op.part;
        if (part != nullptr) kind = part;
        else if (ops.front().accessed) kind = "trailing mb";
        else if (std::strncmp(ops.front().name, "smp_", 4) == 0) kind = "barrier";
        else kind = "leading mb";
    }
    return kind;
}

bool Runtime::trailing_mb_weakened(SourceRef src) const {
    // kernel.hpp's fully ordered RMWs end with fence(seq_cst) inside the same primitive, after
    // the RMW's access: the site that fence names (fence_kind: "trailing mb" or the part).
    if (!instr_->weakened || threads_[self()].kernel_ops.empty()) return false;
    return *instr_->weakened == site_of("atomic_thread_fence", fence_kind(std::memory_order_seq_cst), "drop", src);
}

void Runtime::weaken_lock_order(Mode& mode) {
    if (driver_.lock_order_weakenable()) mode = Mode::Rlx;
    else instr_->mark_not_weakenable();
}

bool Runtime::ordering_site(const char* op, std::string kind, const char* weakening, SourceRef src) {
    if (running_.empty()) return false;
    OrderingSite site = site_of(op, std::move(kind), weakening, src);
    const bool hit = instr_->weakened && *instr_->weakened == site;
    if (instr_->record_sites) sites_seen_.insert(std::move(site));
    return hit;
}

OrderingSite Runtime::site_of(const char* op, std::string kind, const char* weakening, SourceRef src) const {
    const ThreadId t = self();
    const auto& ops = threads_[t].kernel_ops;
    OrderingSite site;
    site.thread = driver_.graph().thread(t).name;
    site.weakening = weakening;
    if (ops.empty()) {
        site.file = src.file;
        site.line = src.line;
        site.function = op;
    } else {
        // Named after the outermost primitive and the model line that called it; a part
        // named by any enclosing primitive (a TLB flush's handshake) is one site.
        site.file = ops.front().src.file;
        site.line = ops.front().src.line;
        site.function = ops.front().name;
        for (const auto& o : ops)
            if (o.part != nullptr) {
                kind = o.part;
                site.weakening = "remove its ordering";
            }
    }
    site.kind = std::move(kind);
    return site;
}

void Runtime::mark_violated(ThreadId t) {
    // With stop-at-first the run ends here. Otherwise only this thread stops: the others run
    // on, because their writes may revisit earlier reads, and the executions reached that
    // way must not be lost. The run itself counts as violating, not complete.
    if (driver_.stopping()) aborted_ = true;
    else violated_ = true;
    threads_[t].status = ThreadStatus::Stopped;
}

void Runtime::note_race() {
    // A race is reported where it is found; the thread goes on (see AddStatus::Violation).
    // With stop-at-first the run ends at once.
    const ThreadId t = self();
    if (driver_.stopping()) {
        aborted_ = true;
        stop_thread(t, ThreadStatus::Stopped);
    }
    violated_ = true;
}

void Runtime::stop_violated(ThreadId t) {
    mark_violated(t);
    stop_thread(t, ThreadStatus::Stopped);
}

void Runtime::assume(bool ok, SourceRef) {
    if (ok || tearing_down_) return;
    if (in_final_) {
        final_assume_failed_ = true;
        throw StopThread{};
    }
    const ThreadId t = self();
    threads_[t].blocked_on.reset();
    stop_thread(t, ThreadStatus::Blocked);
}

void Runtime::label(std::string_view text) {
    if (tearing_down_ || in_final_ || running_.empty()) return;
    threads_[self()].label_text.assign(text);
}

ThreadId Runtime::spawn(std::string name, std::function<void()> body, SourceRef src) {
    if (tearing_down_ || in_final_) throw std::logic_error("spawn() only inside a model thread");
    // The body waits in the parent's state, not in this frame, while the spawn event is
    // added: the parent can stop there (ThreadState::op_deps).
    const ThreadId parent = self();
    threads_[parent].op_spawn_body = std::move(body);
    EventRequest req;
    req.kind = EventKind::Spawn;
    req.spawn_name = std::move(name);
    req.op = "spawn";
    req.src = src;
    const ThreadId child = next_event(req).other;
    if (threads_.size() <= child) threads_.resize(child + 1);
    ThreadState& st = threads_[child];
    st = ThreadState{};
    st.body = std::move(threads_[parent].op_spawn_body);
    st.status = ThreadStatus::Ready;
    return child;
}

void Runtime::join(ThreadId thread, SourceRef src) {
    if (tearing_down_ || in_final_) return;
    auto& g = driver_.graph();
    if (thread >= g.num_threads() || !g.thread(thread).spawned)
        throw std::logic_error("join() takes a thread returned by spawn()");
    const ThreadId t = self();
    if (threads_[t].next >= g.thread_size(t)) {
        const auto& ev = g.thread_events(thread);
        if (ev.empty() || ev.back().kind != EventKind::End) {
            threads_[t].status = ThreadStatus::Joining;
            threads_[t].join_target = thread;
            suspend(t);
        }
    }
    EventRequest req;
    req.kind = EventKind::Join;
    req.other = thread;
    req.op = "join";
    req.src = src;
    next_event(req);
}

void Runtime::take_annotation(EventRequest& req) {
    if (running_.empty()) return;
    ThreadState& th = threads_[self()];
    req.lk = th.pending_tag;
    // (RC11 models annotate nothing: then there is nothing to move.)
    if (th.pending_deps || req.deps) req.deps = std::move(th.pending_deps);
    th.pending_tag = LkmmTag::Derived;
}

void Runtime::annotate(const LkmmAnnotation& a) {
    if (tearing_down_ || in_final_ || running_.empty()) return;
    ThreadState& th = threads_[self()];
    th.pending_tag = a.tag;
    th.pending_deps = a.deps.empty() ? nullptr : std::make_shared<const Dependencies>(a.deps);
}

std::optional<std::uint32_t> Runtime::last_read() const {
    if (running_.empty()) return std::nullopt;
    return threads_[self()].last_read;
}

void Runtime::lkmm_fence(LkmmTag tag, std::optional<LocId> srcu, const Dependencies& deps, SourceRef src) {
    if (tearing_down_ || in_final_) return;
    EventRequest req;
    req.kind = EventKind::Fence;
    req.mode = Mode::Rlx;
    req.flags = kLkmmOnly;
    req.loc = srcu.value_or(0);
    req.lk = tag;
    if (!deps.empty()) req.deps = std::make_shared<const Dependencies>(deps);
    req.op = lkmm_tag_name(tag);
    req.src = src;
    if (!driver_.keeps(req)) return;
    next_event(req);
}

void Runtime::lifetime_violation(LifetimeError e, std::string_view message, SourceRef src) {
    if (tearing_down_) return;
    if (in_final_) {
        // final() reads final values: a lifetime error found there is still a failed property.
        if (!final_failure_) final_failure_ = FinalFailure{std::string(message), src};
        return;
    }
    // The thread goes on and the error is reported when the execution is complete: under
    // LKMM a prefix can be consistent only because it is cut (a read-side critical section
    // without its rcu_read_unlock is not one the rcu axiom judges), so a use seen in a prefix
    // is a use-after-free only if the whole execution exists.
    if (lifetime_failure_) return;
    const ThreadId t = self();
    const auto& g = driver_.graph();
    const auto n = t < g.num_threads() ? g.thread_size(t) : 0;
    const EventId at{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(n > 0 ? n - 1 : 0)};
    lifetime_failure_ = LifetimeFailure{e, std::string(message), t, src, at};
}

bool Runtime::has_rcu_fences() const {
    EventRequest req;
    req.kind = EventKind::Fence;
    req.mode = Mode::Rlx;
    req.flags = kLkmmOnly;
    req.lk = LkmmTag::RcuLock;
    return driver_.keeps(req);
}

void Runtime::observe(std::string_view name, std::int64_t value) {
    if (!in_final_) throw std::logic_error("observe() is for Model::final()");
    outcome_.emplace_back(std::string(name), value);
}

RunStatus Runtime::run_once() {
    run_checks_.clear();
    run_implications_.clear();
    const RunStatus status = run_program();
    if (instr_ != nullptr) {
        if (instr_->record_sites && sites_seen_.size() != sites_flushed_) {
            instr_->add_sites(sites_seen_);
            sites_flushed_ = sites_seen_.size();
        }
        if (instr_->count_checks && status == RunStatus::Complete) instr_->add_execution(run_checks_, run_implications_);
    }
    return status;
}

RunStatus Runtime::run_program() {
    aborted_ = false;
    violated_ = false;
    final_assume_failed_ = false;
    final_failure_.reset();
    priority_ = false;
    internal_error_ = nullptr;
    outcome_.clear();
    blocked_.clear();
    events_in_run_ = 0;
    locations_seen_ = 0;
    declared_threads_ = 0;
    detail::set_current_context(this);
    beat();
    running_thread_.store(-1, std::memory_order_relaxed);
    struct Reset {
        Runtime* rt;
        ~Reset() {
            rt->tearing_down_ = true;
            rt->reset_threads();
            rt->model_.reset();
            rt->tearing_down_ = false;
            detail::set_current_context(nullptr);
        }
    } reset{this};

    try {
        model_ = program_.make();
        model_->threads();
    } catch (const Nondeterminism&) {
        throw;
    } catch (const ToolLimitError&) {
        throw;
    } catch (const std::exception& ex) {
        // Model code failing before any thread runs (constructor, threads(), too many
        // threads) is still the model's exception, reported like one thrown in a thread.
        driver_.report_violation(ViolationKind::Exception,
                                 std::string("exception while setting up the model: ") + ex.what(),
                                 std::nullopt, SourceRef{}, nullptr);
        return RunStatus::Aborted;
    }
    if (first_run_) {
        first_run_ = false;
        threads_declared_first_run_ = declared_threads_;
    } else if (declared_threads_ != threads_declared_first_run_) {
        throw Nondeterminism("model is not deterministic: it declared " + std::to_string(declared_threads_) +
                             " threads, and " + std::to_string(threads_declared_first_run_) + " before");
    }

    while (auto t = pick_next()) {
        resume(*t);
        if (aborted_) break;
    }
    if (internal_error_) std::rethrow_exception(internal_error_);
    if (!aborted_ && !driver_.complete_graph()) aborted_ = true;
    if (aborted_ || violated_) lifetime_failure_.reset();
    if (aborted_) return RunStatus::Aborted;
    if (violated_) return RunStatus::Violated;

    bool all_finished = true;
    for (std::size_t t = 0; t < threads_.size(); ++t) {
        const auto& th = threads_[t];
        if (th.status == ThreadStatus::Finished || th.status == ThreadStatus::Idle) continue;
        all_finished = false;
        blocked_.push_back(BlockedThread{static_cast<ThreadId>(t), th.blocked_on,
                                         th.status == ThreadStatus::Joining});
    }
    if (!all_finished) {
        lifetime_failure_.reset();
        return RunStatus::Blocked;
    }
    if (lifetime_failure_) {
        const ViolationKind kind = lifetime_failure_->error == LifetimeError::UseAfterFree
                                       ? ViolationKind::UseAfterFree
                                       : ViolationKind::DoubleFree;
        driver_.report_violation(kind, std::move(lifetime_failure_->message), lifetime_failure_->thread,
                                 lifetime_failure_->src, nullptr);
        driver_.locate_last_violation(lifetime_failure_->at);
        lifetime_failure_.reset();
        return RunStatus::Violated;
    }

    in_final_ = true;
    try {
        model_->final();
    } catch (const StopThread&) {
    } catch (const std::exception& ex) {
        in_final_ = false;
        driver_.report_violation(ViolationKind::Exception,
                                 std::string("exception in final(): ") + ex.what(), std::nullopt,
                                 SourceRef{}, &outcome_);
        return RunStatus::Violated;
    }
    in_final_ = false;
    std::sort(outcome_.begin(), outcome_.end());
    if (final_failure_) {
        driver_.report_violation(ViolationKind::Check, std::move(final_failure_->message), std::nullopt,
                                 final_failure_->src, &outcome_);
        final_failure_.reset();
    }
    if (aborted_) return RunStatus::Aborted;
    if (final_assume_failed_) return RunStatus::Blocked;
    return RunStatus::Complete;
}

}  // namespace mmcheck
