// SPDX-License-Identifier: MIT
/// \file The bridge from model code to the runtime: every shared-memory operation of a model
/// goes through the ExecutionContext of the execution being explored.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

namespace mmcheck {

/// Identifies a shared location (atomic, var or mutex) within one model instance. Locations are
/// numbered in the order the model creates them, which is the same in every execution.
using LocId = std::uint32_t;

/// Identifies a model thread. Threads declared by Model::threads() are 0..n-1 in declaration
/// order; spawned threads get the next free number when their spawn event is first added.
using ThreadId = std::uint32_t;

/// What kind of object a location is. Only Plain locations can race (C++ non-atomics).
enum class LocKind : std::uint8_t { Atomic, Plain, Mutex };

/// Width and signedness of a location's values: RMW arithmetic wraps to this width, the way
/// the hardware (and C++ unsigned arithmetic) does, so narrow counters overflow for real.
struct ValueType {
    std::uint8_t bits = 64;
    bool is_signed = true;

    /// Wraps v to this width (two's complement for signed types).
    [[nodiscard]] std::int64_t normalize(std::int64_t v) const {
        if (bits >= 64) return v;
        const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
        std::uint64_t u = static_cast<std::uint64_t>(v) & mask;
        if (is_signed && (u >> (bits - 1)) != 0) u |= ~mask;
        return static_cast<std::int64_t>(u);
    }
};

/// A read-modify-write as a function of the old value: returns the new value, or nullopt when
/// the operation does not write (a failed CAS, a failed atomic_add_unless). A read whose update
/// writes is *exclusive*: RC11 atomicity lets no other write sit between it and its source.
using UpdateFn = std::function<std::optional<std::int64_t>(std::int64_t)>;

/// What an update did: the value it read, and whether it wrote.
struct UpdateResult {
    std::int64_t old;
    bool wrote;
};

/// A condition on the value read by a waiting read (await, lock).
using WaitPredicate = std::function<bool(std::int64_t)>;

/// An object-lifetime error found by a model's kernel objects (mmcheck/kernel/object.hpp): an
/// access to an object after its last reference was put and it was freed, or a second free.
/// Reported as violations of kind "use-after-free" / "double-free".
enum class LifetimeError : std::uint8_t { UseAfterFree, DoubleFree };

/// How a source location is carried into events (file name is a static string).
struct SourceRef {
    const char* file = "";
    std::uint32_t line = 0;
    static SourceRef from(const std::source_location& l) {
        return SourceRef{l.file_name(), static_cast<std::uint32_t>(l.line())};
    }
};

/// What an event is under the Linux-kernel memory model (LKMM; tools/memory-model in the kernel
/// tree). RC11 ignores it. The access tags are linux-kernel.bell's `Accesses` (ONCE, RELEASE,
/// ACQUIRE, NORETURN, MB; plain is "no tag"); the fence tags its `Barriers`; the SRCU tags its
/// `SRCU` enum. lock.cat's LKR/LKW/UL/LF/RL/RU need no tag: they are the events of mutex
/// operations (lock, trylock, unlock, and a plain load of a mutex: spin_is_locked).
enum class LkmmTag : std::uint8_t {
    Derived,     ///< no LKMM annotation: derived from the C++ order (see docs/lkmm-api.md)
    // --- accesses (loads, stores, both events of an RMW) ---
    Plain,       ///< a plain C access (`*x`, `x = v`): can race (linux-kernel.bell Plain)
    Once,        ///< READ_ONCE, WRITE_ONCE, *_relaxed RMWs, rcu_dereference, atomic_read/set
    Acquire,     ///< smp_load_acquire, *_acquire RMWs (acquire only on the read, .bell:45)
    Release,     ///< smp_store_release, rcu_assign_pointer, *_release RMWs (on the write, .bell:46)
    Noreturn,    ///< non-value-returning RMWs (atomic_inc, atomic_add, ...; .bell:19, :48)
    Mb,          ///< fully ordered value-returning RMWs (xchg, cmpxchg, atomic_*_return, ...)
    // --- fences (linux-kernel.bell enum Barriers) ---
    FenceMb,               ///< smp_mb()
    Wmb,                   ///< smp_wmb()
    Rmb,                   ///< smp_rmb()
    Barrier,               ///< barrier(): a compiler barrier (only in the .cat's `barrier`)
    RcuLock,               ///< rcu_read_lock()
    RcuUnlock,             ///< rcu_read_unlock()
    SyncRcu,               ///< synchronize_rcu(), synchronize_rcu_expedited()
    BeforeAtomic,          ///< smp_mb__before_atomic()
    AfterAtomic,           ///< smp_mb__after_atomic()
    AfterSpinlock,         ///< smp_mb__after_spinlock()
    AfterUnlockLock,       ///< smp_mb__after_unlock_lock()
    AfterSrcuReadUnlock,   ///< smp_mb__after_srcu_read_unlock()
    // --- SRCU (linux-kernel.def: srcu_read_lock is a load of the srcu_struct, unlock a store) ---
    SrcuLock,    ///< srcu_read_lock(s), srcu_down_read(s): a read of location s
    SrcuUnlock,  ///< srcu_read_unlock(s, idx), srcu_up_read(s, idx): a write of idx to s
    SyncSrcu,    ///< synchronize_srcu(s): a fence on location s (lkmm_fence with the location)
    // --- emission control ---
    NotLkmm,     ///< an event only the C++11 mapping needs (the fences around a fully ordered
                 ///< RMW): under LKMM it does not exist
};

/// LKMM dependencies of an event: the earlier reads of the same thread it depends on, by their
/// po index (ExecutionContext::last_read()). `addr`: the location accessed was computed from
/// the read; `data`: the value written was; `ctrl`: the event only executes because of a
/// branch on the read (herd7: every event po-after the branch). Dependencies carried through
/// plain stores and loads (linux-kernel.bell's carry-dep) are derived by the checker from data
/// and rf; a model states only the direct ones.
struct Dependencies {
    std::vector<std::uint32_t> addr;
    std::vector<std::uint32_t> data;
    std::vector<std::uint32_t> ctrl;
    [[nodiscard]] bool empty() const { return addr.empty() && data.empty() && ctrl.empty(); }
};

/// What the next operation of a thread means under LKMM: its tag and its dependencies. It
/// applies to every event of that one operation (both events of an RMW or a lock).
struct LkmmAnnotation {
    LkmmTag tag = LkmmTag::Derived;
    Dependencies deps;
};

/// The operations a model can perform. Implemented by the runtime (checker/src/runtime), which
/// replays the operation from the current execution graph or asks the explorer to add it.
/// Model code never calls this directly: it uses atomic<T>, var<T>, mutex and the free
/// functions of model.hpp.
class ExecutionContext {
public:
    virtual ~ExecutionContext() = default;

    // --- set-up (model construction) ---
    virtual LocId new_location(std::string_view name, LocKind kind, ValueType type,
                               std::int64_t initial) = 0;
    virtual const std::string& variant() const = 0;
    virtual std::int64_t param(std::string_view name) const = 0;
    virtual void declare_thread(std::string name, std::function<void()> body) = 0;

    // --- shared-memory events ---
    virtual std::int64_t load(LocId loc, std::memory_order order, SourceRef src) = 0;
    virtual void store(LocId loc, std::int64_t value, std::memory_order order, SourceRef src) = 0;
    /// Returns the old value. `success`/`failure` orders as for compare_exchange; `op_name`
    /// (a string literal such as "fetch_add") is shown in traces. With `may_fail_spuriously`
    /// (compare_exchange_weak) an attempt whose update would write may also fail, as a
    /// separate explored choice. With `wraps_result` the value `fn` returns is wrapped to the
    /// location's width (atomic<T>::update); the context keeps that wrapper in storage of its
    /// own, not on the calling thread's stack (docs/mmcheck.md, "Threads that stop").
    virtual UpdateResult update(LocId loc, const UpdateFn& fn, std::memory_order success,
                                std::memory_order failure, const char* op_name, SourceRef src,
                                bool may_fail_spuriously = false, bool wraps_result = false) = 0;
    virtual void fence(std::memory_order order, SourceRef src) = 0;
    /// A read that only lets the thread go on when `pred` holds of the value read (GenMC's
    /// spin-assume): a value that fails it blocks the thread in this execution.
    virtual std::int64_t await(LocId loc, std::memory_order order, const WaitPredicate& pred,
                               SourceRef src) = 0;
    virtual void lock(LocId mutex, SourceRef src) = 0;
    virtual bool try_lock(LocId mutex, SourceRef src) = 0;
    virtual void unlock(LocId mutex, SourceRef src) = 0;

    // --- LKMM (ignored by RC11; see docs/lkmm-api.md) ---
    /// Annotates the calling thread's next operation (load, store, update, fence, lock, ...).
    virtual void annotate(const LkmmAnnotation& a) { (void)a; }
    /// po index of the calling thread's most recent read event (for an RMW or a lock: its
    /// read part), to name it in a later Dependencies; nullopt when it has read nothing.
    virtual std::optional<std::uint32_t> last_read() const { return std::nullopt; }
    /// A fence that exists only under LKMM (rcu_read_lock, synchronize_rcu, barrier, smp_rmb,
    /// ...; `srcu` is the srcu_struct location of synchronize_srcu). Under RC11 it adds no
    /// event. `deps` as for annotate (a fence may be control dependent).
    virtual void lkmm_fence(LkmmTag tag, std::optional<LocId> srcu, const Dependencies& deps, SourceRef src) {
        (void)tag; (void)srcu; (void)deps; (void)src;
    }

    // --- control ---
    virtual void check(bool ok, std::string_view message, SourceRef src) = 0;
    virtual void assume(bool ok, SourceRef src) = 0;
    virtual void label(std::string_view text) = 0;
    virtual ThreadId spawn(std::string name, std::function<void()> body, SourceRef src) = 0;
    virtual void join(ThreadId thread, SourceRef src) = 0;
    /// Records a named value of the final outcome (only in Model::final()).
    virtual void observe(std::string_view name, std::int64_t value) = 0;
    /// True while Model::final() runs: loads then read the final value and add no event.
    virtual bool in_final() const = 0;
    /// The model thread whose code is running (nullopt during set-up and in Model::final()).
    /// ghost<T> uses it to refuse a read of another thread's ghost write (ghost.hpp).
    virtual std::optional<ThreadId> running_thread() const { return std::nullopt; }

    // --- instrumentation (mmcheck audit, vacuity); model code uses model.hpp's wrappers ---
    /// Opens a kernel primitive called at `src` (e.g. "atomic_dec_and_test"): every ordering
    /// inside it, up to the matching end_kernel_op(), is attributed to that call and name, so
    /// `mmcheck audit` can name and weaken it. `part` names one ordering of a primitive that
    /// has several ("dsb(ish) after TLBI"); nested scopes keep the outermost name.
    virtual void begin_kernel_op(const char* name, SourceRef src, const char* part) {
        (void)name, (void)src, (void)part;
    }
    virtual void end_kernel_op() {}

    // --- kernel objects (mmcheck/kernel/object.hpp) ---
    /// Reports a lifetime error as its own violation kind (use-after-free, double-free).
    virtual void lifetime_violation(LifetimeError e, std::string_view message, SourceRef src) {
        (void)e;
        check(false, message, src);
    }
    /// Whether the memory model explored has RCU as primitives (LKMM's Rcu-lock, Rcu-unlock
    /// and Sync-rcu fences). When it does not (RC11), kernel/rcu.hpp implements grace periods
    /// with atomics. Answered by the model's event set (an LKMM-only fence exists or not), so
    /// model code never names the memory model.
    virtual bool has_rcu_fences() const { return false; }
    /// An implication checked as such: the property is exercised only in executions where the
    /// premise held, which vacuity detection counts.
    virtual void check_implies(bool premise, bool conclusion, std::string_view message, SourceRef src) {
        if (premise) check(conclusion, message, src);
    }
};

namespace detail {
/// The context of the execution running on this OS thread; set by the runtime.
ExecutionContext& current_context();
void set_current_context(ExecutionContext* ctx);
/// The current context, or null outside an execution (for destructors, which must not throw).
ExecutionContext* current_context_or_null() noexcept;
}  // namespace detail

}  // namespace mmcheck
