// SPDX-License-Identifier: MIT
/// \file The model author's API: shared locations (atomic<T>, var<T>, mutex), fences, threads,
/// checks, waits and step labels. A model is ordinary C++ run on fibers, once per execution.
///
/// A model is a class derived from mmcheck::Model. Its members are the shared state; it
/// declares its threads in threads() and may check the final state in final(). It is
/// constructed afresh for every execution, so members hold per-execution state (registers).
///
///     struct MessagePassing : mmcheck::Model {
///         mmcheck::atomic<int> data{"data", 0}, flag{"flag", 0};
///         int r0 = 0, r1 = 0;
///         void threads() override {
///             thread("writer", [this] { data.store(1, relaxed); flag.store(1, release); });
///             thread("reader", [this] { r0 = flag.load(acquire); r1 = data.load(relaxed); });
///         }
///         void final() override {
///             observe("1:r0", r0); observe("1:r1", r1);
///             check(!(r0 == 1 && r1 == 0), "message passed");
///         }
///     };
///     MMCHECK_REGISTER_MODEL(MessagePassing, "mp", "message passing",
///                            (std::vector<mmcheck::VariantInfo>{{"rlx", ""}, {"ra", ""}}), ({}));
///
/// (Lists with commas go in parentheses: the preprocessor splits macro arguments at commas.)
#pragma once

#include <mmcheck/context.hpp>

#include <concepts>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace mmcheck {

inline constexpr std::memory_order relaxed = std::memory_order_relaxed;
inline constexpr std::memory_order consume = std::memory_order_consume;  // treated as acquire
inline constexpr std::memory_order acquire = std::memory_order_acquire;
inline constexpr std::memory_order release = std::memory_order_release;
inline constexpr std::memory_order acq_rel = std::memory_order_acq_rel;
inline constexpr std::memory_order seq_cst = std::memory_order_seq_cst;

/// The failure order C++ derives from a CAS success order ([atomics.types.operations]).
constexpr std::memory_order default_failure_order(std::memory_order success) {
    switch (success) {
        case std::memory_order_acq_rel: return std::memory_order_acquire;
        case std::memory_order_release: return std::memory_order_relaxed;
        default: return success;
    }
}

namespace detail {
template <class T>
ValueType value_type_of() {
    static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "locations hold integral values");
    using U = std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::type_identity<T>>;
    using V = typename U::type;
    if constexpr (std::is_same_v<V, bool>) return ValueType{1, false};
    return ValueType{static_cast<std::uint8_t>(sizeof(V) * 8), std::is_signed_v<V>};
}
template <class T>
std::int64_t to_raw(T v) { return static_cast<std::int64_t>(v); }
template <class T>
T from_raw(std::int64_t v) { return static_cast<T>(v); }
}  // namespace detail

/// A C++11 atomic location of integral type T. Every operation is one event (an RMW is a read
/// and a write, added together). Handles are cheap to copy; copies name the same location.
template <class T>
class atomic {
public:
    /// Creates the location; `name` is what traces show ("page->_refcount").
    explicit atomic(std::string_view name, T initial = T{}, ValueType type = detail::value_type_of<T>())
        : type_(type),
          id_(detail::current_context().new_location(name, LocKind::Atomic, type, detail::to_raw(initial))) {}

    T load(std::memory_order mo = seq_cst,
           std::source_location l = std::source_location::current()) const {
        return detail::from_raw<T>(detail::current_context().load(id_, mo, SourceRef::from(l)));
    }
    void store(T v, std::memory_order mo = seq_cst,
               std::source_location l = std::source_location::current()) const {
        detail::current_context().store(id_, type_.normalize(detail::to_raw(v)), mo, SourceRef::from(l));
    }
    T exchange(T v, std::memory_order mo = seq_cst,
               std::source_location l = std::source_location::current()) const {
        const std::int64_t nv = type_.normalize(detail::to_raw(v));
        return rmw([nv](std::int64_t) { return std::optional<std::int64_t>(nv); }, mo, "exchange", l);
    }
    T fetch_add(T v, std::memory_order mo = seq_cst,
                std::source_location l = std::source_location::current()) const {
        return arith(detail::to_raw(v), mo, "fetch_add", l, [](std::int64_t a, std::int64_t b) { return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b)); });
    }
    T fetch_sub(T v, std::memory_order mo = seq_cst,
                std::source_location l = std::source_location::current()) const {
        return arith(detail::to_raw(v), mo, "fetch_sub", l, [](std::int64_t a, std::int64_t b) { return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)); });
    }
    T fetch_and(T v, std::memory_order mo = seq_cst,
                std::source_location l = std::source_location::current()) const {
        return arith(detail::to_raw(v), mo, "fetch_and", l, [](std::int64_t a, std::int64_t b) { return a & b; });
    }
    T fetch_or(T v, std::memory_order mo = seq_cst,
               std::source_location l = std::source_location::current()) const {
        return arith(detail::to_raw(v), mo, "fetch_or", l, [](std::int64_t a, std::int64_t b) { return a | b; });
    }
    T fetch_xor(T v, std::memory_order mo = seq_cst,
                std::source_location l = std::source_location::current()) const {
        return arith(detail::to_raw(v), mo, "fetch_xor", l, [](std::int64_t a, std::int64_t b) { return a ^ b; });
    }
    /// Strong CAS: fails only when the value read differs from `expected`, which it then updates.
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success = seq_cst,
                                 std::memory_order failure = std::memory_order(-1),
                                 std::source_location l = std::source_location::current()) const {
        return cas(expected, desired, success, failure, false, l);
    }
    /// Weak CAS: may also fail spuriously (reading the expected value without writing).
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success = seq_cst,
                               std::memory_order failure = std::memory_order(-1),
                               std::source_location l = std::source_location::current()) const {
        return cas(expected, desired, success, failure, true, l);
    }
    /// A general conditional RMW: `fn(old)` gives the new value or nullopt (no write, and the
    /// read uses the failure order). Kernel helpers such as atomic_add_unless build on this.
    T update(const UpdateFn& fn, std::memory_order success, std::memory_order failure,
             const char* op_name = "update",
             std::source_location l = std::source_location::current()) const {
        // The context wraps fn's result to this location's width: a wrapper built here
        // would own a copy of fn on the thread's stack, leaked when the thread stops inside
        // the update (a stopped thread is abandoned, not unwound).
        return detail::from_raw<T>(detail::current_context().update(
            id_, fn, success, failure, op_name, SourceRef::from(l), false, true).old);
    }
    /// Waits until `pred(value)` holds; returns that value. Exploration stays finite: a read of
    /// a value failing `pred` blocks this execution (or is reported as stuck if it can never
    /// change).
    template <class Pred>
    T await(Pred pred, std::memory_order mo = seq_cst,
            std::source_location l = std::source_location::current()) const {
        return detail::from_raw<T>(detail::current_context().await(
            id_, mo, [&pred](std::int64_t v) { return static_cast<bool>(pred(detail::from_raw<T>(v))); },
            SourceRef::from(l)));
    }

    [[nodiscard]] LocId id() const { return id_; }
    [[nodiscard]] ValueType type() const { return type_; }

private:
    T rmw(UpdateFn fn, std::memory_order mo, const char* name, const std::source_location& l) const {
        return detail::from_raw<T>(detail::current_context().update(
            id_, fn, mo, default_failure_order(mo), name, SourceRef::from(l)).old);
    }
    template <class Op>
    T arith(std::int64_t operand, std::memory_order mo, const char* name,
            const std::source_location& l, Op op) const {
        const ValueType t = type_;
        return rmw([operand, t, op](std::int64_t old) { return std::optional<std::int64_t>(t.normalize(op(old, operand))); },
                   mo, name, l);
    }
    bool cas(T& expected, T desired, std::memory_order success, std::memory_order failure,
             bool weak, const std::source_location& l) const {
        if (failure == std::memory_order(-1)) failure = default_failure_order(success);
        const std::int64_t exp = type_.normalize(detail::to_raw(expected));
        const std::int64_t des = type_.normalize(detail::to_raw(desired));
        // A weak CAS that reads the expected value may still fail spuriously: the explorer
        // treats that as one more choice for the same read.
        const UpdateResult r = detail::current_context().update(
            id_, [exp, des](std::int64_t v) -> std::optional<std::int64_t> {
                if (v == exp) return des;
                return std::nullopt;
            }, success, failure, weak ? "compare_exchange_weak" : "compare_exchange_strong",
            SourceRef::from(l), weak);
        if (r.wrote) return true;
        expected = detail::from_raw<T>(r.old);
        return false;
    }

    ValueType type_;
    LocId id_;
};

/// A non-atomic location: two conflicting accesses not ordered by happens-before are a data
/// race, which C++ makes undefined behaviour and mmcheck reports as a violation.
template <class T>
class var {
public:
    explicit var(std::string_view name, T initial = T{})
        : id_(detail::current_context().new_location(name, LocKind::Plain, detail::value_type_of<T>(),
                                                     detail::to_raw(initial))) {}
    T get(std::source_location l = std::source_location::current()) const {
        return detail::from_raw<T>(detail::current_context().load(id_, relaxed_na(), SourceRef::from(l)));
    }
    void set(T v, std::source_location l = std::source_location::current()) const {
        detail::current_context().store(id_, detail::to_raw(v), relaxed_na(), SourceRef::from(l));
    }
    operator T() const { return get(); }  // NOLINT: reads like a plain variable
    const var& operator=(T v) const { set(v); return *this; }
    [[nodiscard]] LocId id() const { return id_; }

private:
    // Plain locations ignore the order; the runtime marks their events non-atomic.
    static constexpr std::memory_order relaxed_na() { return std::memory_order_relaxed; }
    LocId id_;
};

/// A mutex: lock is an acquire RMW that waits for the mutex to be free, unlock a release store.
/// A set of threads each waiting for a mutex that is never released is a deadlock.
class mutex {
public:
    explicit mutex(std::string_view name)
        : id_(detail::current_context().new_location(name, LocKind::Mutex, ValueType{1, false}, 0)) {}
    void lock(std::source_location l = std::source_location::current()) const {
        detail::current_context().lock(id_, SourceRef::from(l));
    }
    bool try_lock(std::source_location l = std::source_location::current()) const {
        return detail::current_context().try_lock(id_, SourceRef::from(l));
    }
    void unlock(std::source_location l = std::source_location::current()) const {
        detail::current_context().unlock(id_, SourceRef::from(l));
    }
    /// Reads the lock word (1 while held) without taking the mutex: the kernel's
    /// spin_is_locked() is a relaxed load of it.
    bool is_locked(std::memory_order mo = relaxed,
                   std::source_location l = std::source_location::current()) const {
        return detail::current_context().load(id_, mo, SourceRef::from(l)) != 0;
    }
    [[nodiscard]] LocId id() const { return id_; }

private:
    LocId id_;
};

/// std::atomic_thread_fence.
inline void fence(std::memory_order mo, std::source_location l = std::source_location::current()) {
    detail::current_context().fence(mo, SourceRef::from(l));
}

/// A property: when `ok` is false the execution violates it (kind "check"; the message names
/// the property). Usable in threads and in Model::final().
inline void check(bool ok, std::string_view property,
                  std::source_location l = std::source_location::current()) {
    detail::current_context().check(ok, property, SourceRef::from(l));
}

/// The property "premise implies conclusion", checked as an implication: it fails when the
/// premise holds and the conclusion does not. Unlike `check(!premise || conclusion, ...)`,
/// mmcheck counts the executions in which the premise held, and `mmcheck check` reports a safe
/// scenario whose premise never held as vacuous.
inline void check_implies(bool premise, bool conclusion, std::string_view property,
                          std::source_location l = std::source_location::current()) {
    detail::current_context().check_implies(premise, conclusion, property, SourceRef::from(l));
}

/// Names the ordering events of one kernel primitive for `mmcheck audit`: from construction to
/// destruction, fences and ordered accesses of the calling thread are attributed to `name`
/// called at `l` (the model line that called the primitive). See kernel.hpp.
class KernelOpScope {
public:
    KernelOpScope(const char* name, const std::source_location& l, const char* part = nullptr) {
        if (auto* c = detail::current_context_or_null()) c->begin_kernel_op(name, SourceRef::from(l), part);
    }
    ~KernelOpScope() {
        if (auto* c = detail::current_context_or_null()) c->end_kernel_op();
    }
    KernelOpScope(const KernelOpScope&) = delete;
    KernelOpScope& operator=(const KernelOpScope&) = delete;
};

/// Discards executions in which `ok` is false (they count as blocked, not as violations).
inline void assume(bool ok, std::source_location l = std::source_location::current()) {
    detail::current_context().assume(ok, SourceRef::from(l));
}

/// Names the calling thread's next step in traces, e.g. label("[G4] SetPagePin").
inline void label(std::string_view text) { detail::current_context().label(text); }

/// Handle of a spawned thread.
struct ThreadHandle {
    ThreadId id;
};

/// Starts a new thread from inside a model thread (the spawn happens-before its first event).
inline ThreadHandle spawn(std::string name, std::function<void()> body,
                          std::source_location l = std::source_location::current()) {
    return ThreadHandle{detail::current_context().spawn(std::move(name), std::move(body), SourceRef::from(l))};
}

/// Waits for a spawned thread to finish (its last event happens-before the join).
inline void join(ThreadHandle t, std::source_location l = std::source_location::current()) {
    detail::current_context().join(t.id, SourceRef::from(l));
}

/// Base of every model. Derived constructors create the shared locations; threads() declares
/// the threads; final() runs once all threads have finished and may check and observe.
class Model {
public:
    Model() = default;
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
    virtual ~Model() = default;

    /// Declares the model's threads with thread().
    virtual void threads() = 0;
    /// Runs after every thread finished (not in blocked executions). Loads here read the
    /// final value of a location and add no event.
    virtual void final() {}
    /// Whether a thread that stops before the end of its body (blocked in await, lock, join or
    /// assume(false), stopped at a violation, or cut at any operation when the explorer ends
    /// the run) is unwound so that the destructors of its locals run. By default it is not:
    /// its stack is reused by the next execution (unwinding costs more than most executions).
    /// A model whose thread code keeps a local that owns heap memory (std::vector, a long
    /// std::string, std::function with big captures, kernel::dep_t) across any operation
    /// returns true, or it leaks it once per stopped thread (LeakSanitizer reports it). The
    /// checker's own frames (runtime, kernel.hpp, litmus) own nothing then; members are freed.
    [[nodiscard]] virtual bool unwinds_stopped_threads() const { return false; }

protected:
    /// Declares a thread; `name` is shown in traces ("GUP on CPU0").
    void thread(std::string name, std::function<void()> body) {
        detail::current_context().declare_thread(std::move(name), std::move(body));
    }
    /// The selected variant (see MMCHECK_REGISTER_MODEL).
    [[nodiscard]] const std::string& variant() const { return detail::current_context().variant(); }
    [[nodiscard]] bool variant_is(std::string_view v) const { return variant() == v; }
    /// An integer parameter of the model, as set by the scenario (or its declared default).
    [[nodiscard]] std::int64_t param(std::string_view name) const {
        return detail::current_context().param(name);
    }
    /// Records a named value of the final outcome ("0:r0", "x"), for outcome tables.
    static void observe(std::string_view name, std::int64_t value) {
        detail::current_context().observe(name, value);
    }
};

}  // namespace mmcheck
