// SPDX-License-Identifier: MIT
/// \file The folio/page reference count (include/linux/page_ref.h, include/linux/mm.h),
/// each helper written as its kernel definition, on kernel.hpp's atomic_t operations so that
/// both memory models get the kernel's ordering (fully ordered value-returning RMWs; the
/// try-get is atomic_add_unless, unordered when it fails).
///
/// A folio here is its _refcount and the lifetime of its current identity (kobject): the
/// struct itself is never freed (struct pages live forever, which is what makes speculative
/// references possible), but the folio it held is freed when the last reference is put and
/// the memory handed out again (kobject::reuse).
#pragma once

#include <mmcheck/kernel.hpp>
#include <mmcheck/kernel/object.hpp>

#include <source_location>
#include <string>
#include <string_view>

namespace mmcheck::kernel {

struct folio {
    /// `name` ("folio"); `refs`: the initial _refcount (1: allocated, 0: free).
    explicit folio(std::string_view name, int refs = 1)
        : _refcount(std::string(name) + "->_refcount", refs), life(name) {}
    atomic_t _refcount;
    kobject life;  ///< the lifetime of the folio's current identity
};

/// folio_ref_count(folio): atomic_read(&folio->_refcount) (page_ref.h: page_ref_count).
inline int folio_ref_count(const folio& f, loc_t l = loc_t::current()) { return atomic_read(f._refcount, l); }

/// folio_ref_freeze(folio, count): page_ref_freeze: `likely(atomic_cmpxchg(&page->_refcount,
/// count, 0) == count)`: fully ordered when it freezes, unordered when it fails.
inline bool folio_ref_freeze(const folio& f, int count, loc_t l = loc_t::current()) {
    KernelOpScope k_{"folio_ref_freeze", l};
    return atomic_cmpxchg(f._refcount, count, 0, l) == count;
}
/// folio_ref_unfreeze(folio, count): page_ref_unfreeze: `atomic_set_release(&page->_refcount,
/// count)`.
inline void folio_ref_unfreeze(const folio& f, int count, loc_t l = loc_t::current()) {
    KernelOpScope k_{"folio_ref_unfreeze", l};
    atomic_set_release(f._refcount, count, l);
}

/// page_ref_add_unless(page, nr, u): `atomic_add_unless(&page->_refcount, nr, u)`.
inline bool page_ref_add_unless(const atomic_t& refcount, int nr, int u, loc_t l = loc_t::current()) {
    KernelOpScope k_{"page_ref_add_unless", l};
    return atomic_add_unless(refcount, nr, u, l);
}
/// get_page_unless_zero(page): `page_ref_add_unless(page, 1, 0)` (mm.h).
inline bool get_page_unless_zero(const atomic_t& refcount, loc_t l = loc_t::current()) {
    KernelOpScope k_{"get_page_unless_zero", l};
    return page_ref_add_unless(refcount, 1, 0, l);
}
/// folio_ref_try_add(folio, count): `folio_ref_add_unless(folio, count, 0)`, i.e.
/// page_ref_add_unless (page_ref.h; the CONFIG_TINY_RCU shortcut is not modelled: SMP).
inline bool folio_ref_try_add(const folio& f, int count, loc_t l = loc_t::current()) {
    KernelOpScope k_{"folio_ref_try_add", l};
    return page_ref_add_unless(f._refcount, count, 0, l);
}
/// folio_try_get(folio): `folio_ref_try_add(folio, 1)` (page_ref.h).
inline bool folio_try_get(const folio& f, loc_t l = loc_t::current()) {
    KernelOpScope k_{"folio_try_get", l};
    return folio_ref_try_add(f, 1, l);
}
/// folio_try_get_rcu(folio): the RCU form (older kernels; now folio_try_get under
/// rcu_read_lock): `folio_ref_try_add_rcu(folio, 1)`, on SMP the same atomic_add_unless.
inline bool folio_try_get_rcu(const folio& f, loc_t l = loc_t::current()) {
    KernelOpScope k_{"folio_try_get_rcu", l};
    return folio_ref_try_add(f, 1, l);
}
/// folio_get(folio): `folio_ref_inc(folio)`, atomic_inc: unordered (the caller holds a
/// reference already).
inline void folio_get(const folio& f, loc_t l = loc_t::current()) {
    atomic_inc(f._refcount, l);
}
/// folio_put_testzero(folio): `folio_ref_dec_and_test(folio)`, atomic_dec_and_test.
inline bool folio_put_testzero(const folio& f, loc_t l = loc_t::current()) {
    KernelOpScope k_{"folio_put_testzero", l};
    return atomic_dec_and_test(f._refcount, l);
}
/// folio_put(folio): `if (folio_put_testzero(folio)) __folio_put(folio);` (mm.h); the last put
/// frees the folio (a second free is a double-free). True when it freed.
inline bool folio_put(const folio& f, loc_t l = loc_t::current()) {
    if (!folio_put_testzero(f, l)) return false;
    f.life.free(l);
    return true;
}

}  // namespace mmcheck::kernel
