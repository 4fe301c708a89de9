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

/// How a source location is carried into events (file name is a static string).
struct SourceRef {
    const char* file = "";
    std::uint32_t line = 0;
    static SourceRef from(const std::source_location& l) {
        return SourceRef{l.file_name(), static_cast<std::uint32_t>(l.line())};
    }
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
    /// separate explored choice.
    virtual UpdateResult update(LocId loc, const UpdateFn& fn, std::memory_order success,
                                std::memory_order failure, const char* op_name, SourceRef src,
                                bool may_fail_spuriously = false) = 0;
    virtual void fence(std::memory_order order, SourceRef src) = 0;
    /// A read that only lets the thread go on when `pred` holds of the value read (GenMC's
    /// spin-assume): a value that fails it blocks the thread in this execution.
    virtual std::int64_t await(LocId loc, std::memory_order order, const WaitPredicate& pred,
                               SourceRef src) = 0;
    virtual void lock(LocId mutex, SourceRef src) = 0;
    virtual bool try_lock(LocId mutex, SourceRef src) = 0;
    virtual void unlock(LocId mutex, SourceRef src) = 0;

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

    // --- instrumentation (mmcheck audit, vacuity); model code uses model.hpp's wrappers ---
    /// Opens a kernel primitive called at `src` (e.g. "atomic_dec_and_test"): every ordering
    /// inside it, up to the matching end_kernel_op(), is attributed to that call and name, so
    /// `mmcheck audit` can name and weaken it. `part` names one ordering of a primitive that
    /// has several ("dsb(ish) after TLBI"); nested scopes keep the outermost name.
    virtual void begin_kernel_op(const char* name, SourceRef src, const char* part) {
        (void)name, (void)src, (void)part;
    }
    virtual void end_kernel_op() {}
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
