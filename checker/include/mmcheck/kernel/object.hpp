// SPDX-License-Identifier: MIT
/// \file Object lifetime: a kernel object (a folio's identity, a page table, an RCU-freed
/// struct) that is freed, and the two errors of its lifetime, use-after-free and double-free,
/// reported as violations of their own kinds.
///
/// The object's lifetime is a ghost location, like KASAN's shadow memory: free() writes
/// "freed" to it with an atomic exchange, and every use() of the object through a model's
/// handle reads it. Both are unordered (relaxed / LKMM once) accesses, so they add no
/// ordering to the protocol; what they observe is exactly the protocol's ordering:
///  - a use that happens before the free can never read "freed" (coherence), so it is fine;
///  - a use that the free happens before must read "freed": a use-after-free;
///  - a use unordered with the free may read either, and the checker explores both: the
///    execution where it reads "freed" is the use-after-free counterexample.
///  - two frees are two RMWs on the ghost; RMW atomicity makes the second read "freed": a
///    double-free, whatever the memory model.
#pragma once

#include <mmcheck/kernel.hpp>
#include <mmcheck/model.hpp>

#include <source_location>
#include <string>
#include <string_view>

namespace mmcheck::kernel {

class kobject {
public:
    /// `name` names the object in traces and messages ("folio"); the ghost location is
    /// "<name>.freed" (0: live, 1: freed).
    explicit kobject(std::string_view name)
        : name_(name), freed_(std::string(name) + ".freed", 0) {}

    /// A use of the object through a handle (a dereference of the pointer): a use-after-free
    /// when the object is freed.
    void use(std::source_location l = std::source_location::current()) const {
        KernelOpScope k_{"kasan_check_read", l};
        detail::current_context().annotate(LkmmAnnotation{LkmmTag::Once, {}});
        if (freed_.load(relaxed, l) != 0)
            detail::current_context().lifetime_violation(LifetimeError::UseAfterFree,
                                                         "use-after-free of " + name_, SourceRef::from(l));
    }
    /// Frees the object (kfree, free_unref_page, ...): a double-free when already freed.
    void free(std::source_location l = std::source_location::current()) const {
        KernelOpScope k_{"kfree", l};
        detail::current_context().annotate(LkmmAnnotation{LkmmTag::Once, {}});
        if (freed_.exchange(1, relaxed, l) != 0)
            detail::current_context().lifetime_violation(LifetimeError::DoubleFree,
                                                         "double-free of " + name_, SourceRef::from(l));
    }
    /// Reallocates a freed object as a new one (the allocator hands the memory out again):
    /// later uses are legal again. Only the allocator, which owns the freed object, calls it.
    void reuse(std::source_location l = std::source_location::current()) const {
        detail::current_context().annotate(LkmmAnnotation{LkmmTag::Once, {}});
        freed_.store(0, relaxed, l);
    }
    /// Whether the object is freed, read in Model::final() (the final value).
    [[nodiscard]] bool is_freed() const { return freed_.load(relaxed) != 0; }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::string name_;
    atomic<int> freed_;
};

/// A reference-counted kernel object whose last put frees it (kref_put, put_page): `get`
/// takes a reference, `put` drops one and frees the object when it was the last
/// (atomic_dec_and_test, fully ordered as kref_put's refcount_dec_and_test orders the
/// object's uses before its release).
class kref_object : public kobject {
public:
    explicit kref_object(std::string_view name, int initial_refs = 1)
        : kobject(name), refcount_(std::string(name) + "->refcount", initial_refs) {}
    [[nodiscard]] const atomic<int>& refcount() const { return refcount_; }
    /// kref_get: an unordered increment (the caller already holds a reference).
    void get(std::source_location l = std::source_location::current()) const { atomic_inc(refcount_, l); }
    /// kref_get_unless_zero: a reference unless the object is already on its way out.
    bool get_unless_zero(std::source_location l = std::source_location::current()) const {
        return atomic_inc_not_zero(refcount_, l);
    }
    /// kref_put: drops a reference; the last one frees the object. True when it freed.
    bool put(std::source_location l = std::source_location::current()) const {
        if (!atomic_dec_and_test(refcount_, l)) return false;
        free(l);
        return true;
    }

private:
    atomic<int> refcount_;
};

}  // namespace mmcheck::kernel
