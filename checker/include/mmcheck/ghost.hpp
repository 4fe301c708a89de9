// SPDX-License-Identifier: MIT
/// \file ghost<T>: observation-only state (kit 0.3's ghosts), outside the memory model.
///
/// A ghost is model state the kernel does not have ("pins held", "this PTE was zapped"),
/// kept only to state a property. Reading or writing one adds no event: the explorer never
/// sees it, so a ghost cannot order anything, cannot be read from a write (no rf, no
/// synchronisation through a fence), and adds no executions. An atomic<T> used as a ghost
/// does all three (issue 11: gup_pin's observer awaited a ghost with acquire against a ghost
/// release; refpage's true reference count was an atomic read across threads).
///
/// The rule that makes a ghost's value a function of the execution. The model instance is
/// constructed afresh for every run (replays and revisits included), so a ghost starts from
/// its initial value each time and its value is whatever the run's model code wrote. Model
/// threads run one after the other on fibers in an order of the runtime's choosing, which is
/// a function of the graph but not of the memory model: a thread reading another thread's
/// ghost write mid-execution would read the scheduler, not the execution. So:
///   - `get()` in Model::final() sees every write (all threads have finished);
///   - `get()` in a model thread is allowed only on a ghost no other thread writes (a
///     thread-local ghost: the value depends only on the thread's own prefix);
///   - `set()` from two threads is refused (the last one would win by schedule);
///     `add()` from any number of threads is allowed (addition commutes, so final() reads
///     the same sum in any schedule).
/// A breach throws std::logic_error naming the ghost (reported as the model's exception).
/// What one thread must know of another (a pin is held, the page was freed) it learns through
/// memory the kernel has, under the memory model, or the property moves to final().
#pragma once

#include <mmcheck/context.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mmcheck {

template <class T>
class ghost {
public:
    explicit ghost(std::string_view name, T initial = T{}) : name_(name), value_(initial) {}
    ghost(const ghost&) = delete;
    ghost& operator=(const ghost&) = delete;

    /// The value: in final(), or in the one thread that writes it (see the file comment).
    T get() const {
        if (const auto t = running()) {
            if (many_writers_ || (writer_ && *writer_ != *t))
                fail("read by thread " + std::to_string(*t) + " before final(), but thread " +
                     std::to_string(*writer_) + " writes it");
            reader_ = *t;
        }
        return value_;
    }
    operator T() const { return get(); }  // NOLINT: reads like a plain variable

    /// Sets the value; from one thread only (or in final()).
    void set(T v) {
        if (const auto t = running()) {
            if (set_by_ && *set_by_ != *t)
                fail("set by threads " + std::to_string(*set_by_) + " and " + std::to_string(*t) +
                     ": the value would depend on the runtime's schedule (use add())");
            set_by_ = *t;
            note_writer(*t);
        }
        value_ = v;
    }
    /// Adds `d` (commutative: any number of threads may add).
    void add(T d) {
        if (const auto t = running()) note_writer(*t);
        value_ = static_cast<T>(value_ + d);
    }

    [[nodiscard]] const std::string& name() const { return name_; }

private:
    static std::optional<ThreadId> running() {
        if (auto* c = detail::current_context_or_null()) return c->running_thread();
        return std::nullopt;
    }
    void note_writer(ThreadId t) {
        if (writer_ && *writer_ != t) many_writers_ = true;
        if (!writer_) writer_ = t;
        if (reader_ && *reader_ != t)
            fail("written by thread " + std::to_string(t) + " after thread " + std::to_string(*reader_) +
                 " read it before final()");
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw std::logic_error("ghost '" + name_ + "' " + what +
                               ": a ghost carries no ordering, so only its writer thread or final() may read it");
    }

    std::string name_;
    T value_;
    std::optional<ThreadId> writer_, set_by_;
    mutable std::optional<ThreadId> reader_;
    bool many_writers_ = false;
};

}  // namespace mmcheck
