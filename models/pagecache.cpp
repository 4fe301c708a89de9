// SPDX-License-Identifier: MIT
/// \file The page cache's speculative reference (issue 10): filemap_get_entry()'s lockless
/// lookup against reclaim's __remove_mapping() and the reuse of the folio by another file.
///
/// Lookup (mm/filemap.c, filemap_get_entry):
///
///     rcu_read_lock();
///   repeat:
///     folio = xas_load(&xas);                       // rcu_dereference of the slot
///     if (!folio || xa_is_value(folio)) goto out;
///     if (!folio_try_get(folio)) goto repeat;       // atomic_add_unless(&_refcount, 1, 0)
///     if (unlikely(folio != xas_reload(&xas))) {    // recheck: still in the page cache?
///             folio_put(folio); goto repeat; }
///   out:
///     rcu_read_unlock();
///
/// Reclaim (mm/vmscan.c, __remove_mapping, then shrink_folio_list's free):
///
///     xa_lock_irq(&mapping->i_pages);
///     refcount = 1 + folio_nr_pages(folio);         // the page cache's + isolation's
///     if (!folio_ref_freeze(folio, refcount)) goto cannot_free;   // cmpxchg(2, 0)
///     __filemap_remove_folio(folio, shadow);        // page_cache_delete: xas_store(NULL),
///                                                   //   folio->mapping = NULL
///     xa_unlock_irq(&mapping->i_pages);
///     ... free_unref_folios(): spin_lock(&zone->lock); onto the free list; spin_unlock
///
/// Allocator (mm/page_alloc.c rmqueue + prep_new_page, then another file's
/// filemap_add_folio): spin_lock(&zone->lock); off the free list; spin_unlock;
/// set_page_refcounted (set_page_count: atomic_set(&_refcount, 1)); folio->mapping = B;
/// xa_lock(B); xas_store(B's slot, folio); xa_unlock(B).
///
/// The argument for safety: a try-get succeeds only on a non-zero count. The freeze makes the
/// count 0 atomically with checking that only the page cache and reclaim hold references, so
/// a reader whose try-get comes first makes the freeze fail, and a reader whose try-get comes
/// after the freeze fails, unless the folio was freed and reused: then the count it
/// incremented is the new owner's, and the recheck must see the slot no longer pointing at
/// the folio. That needs the slot's erase (before the free) to be visible to the reader's
/// xas_reload whenever its try-get read the new owner's count: the erase reaches the
/// allocator through zone->lock, and the fully ordered try-get carries it on to the reload
/// (LKMM: cumulativity of the unlock-lock hand-over, pb through the Mb RMW). C++11 has no
/// such cumulativity through a relaxed store (atomic_set) read by a relaxed RMW: the
/// `handover` variant is a false alarm under RC11 (models/README.md).
///
/// Properties: "lookup returns a folio of its file" (the reader, holding its reference after
/// the recheck, reads folio->mapping == A) and use-after-free of the folio (the reader uses
/// it under its reference; reclaim frees it).
///
/// Variants:
///   safe             the folio is freed and stays free (no reuse): the recheck is not even
///                    needed; safe under both models
///   handover         the kernel: reuse by the allocator after the zone->lock hand-over
///   no-recheck       the lookup returns the folio without xas_reload
///   refcount-check   reclaim checks folio_ref_count() == 2 and then sets 0, instead of the
///                    atomic freeze (a try-get between the two is lost)
///   relaxed-try-get  the try-get is a relaxed atomic_add_unless (no full ordering)
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

constexpr int kFolio = 1;  // the folio's handle in a slot (0: NULL)
constexpr int kFileA = 1, kFileB = 2;

class PageCache final : public Model {
public:
    void threads() override {
        thread("R filemap_get_entry(A) (CPU0)", [this] { lookup(); });
        thread("V reclaim __remove_mapping (CPU1)", [this] { reclaim(); });
        if (reuse_) thread("P allocator + filemap_add_folio(B) (CPU2)", [this] { allocate(); });
    }

    void final() override {
        observe("ref", folio_ref_count(folio_));
        observe("mapping", mapping_.load(relaxed));
    }

private:
    const bool reuse_ = !variant_is("safe");
    const bool recheck_ = !variant_is("no-recheck");
    const bool freeze_ = !variant_is("refcount-check");
    const bool ordered_try_get_ = !variant_is("relaxed-try-get");

    // --- shared state ---
    xa_slot slot_a_{"A->i_pages[0]", kFolio};
    xa_slot slot_b_{"B->i_pages[0]", 0};
    spinlock_t a_lock_{"A->i_pages.xa_lock"};
    spinlock_t b_lock_{"B->i_pages.xa_lock"};
    spinlock_t zone_lock_{"zone->lock"};
    folio folio_{"folio", 2};  // page cache + reclaim's isolation reference
    atomic<int> mapping_{"folio->mapping", kFileA};
    var<int> free_list_{"zone->free_area", 0};
    rcu_domain rcu_{"rcu"};

    bool try_get() {
        if (ordered_try_get_) return folio_try_get(folio_);
        // A relaxed try-get (what the kernel's does NOT do): atomic_add_unless without its
        // full ordering, LKMM once.
        detail::current_context().annotate(LkmmAnnotation{LkmmTag::Once, {}});
        const int old = folio_._refcount.update(
            [](std::int64_t o) -> std::optional<std::int64_t> {
                if (o == 0) return std::nullopt;
                return o + 1;
            },
            relaxed, relaxed, "atomic_add_unless_relaxed");
        return old != 0;
    }

    void lookup() {
        label("[R1] rcu_read_lock; xas_load");
        rcu_read_lock(rcu_);
        const int f = xa_load(slot_a_);
        if (f != kFolio) {  // NULL: not cached (a value entry is not modelled)
            rcu_read_unlock(rcu_);
            return;
        }
        label("[R2] folio_try_get");
        if (!try_get()) {  // `goto repeat` finds the slot empty or the folio reused: stop
            rcu_read_unlock(rcu_);
            return;
        }
        if (recheck_) {
            label("[R3] xas_reload recheck");
            if (xas_reload(slot_a_) != f) {
                label("[R3'] recheck failed: folio_put");
                (void)folio_put(folio_);
                rcu_read_unlock(rcu_);
                return;
            }
        }
        rcu_read_unlock(rcu_);
        label("[R4] use the folio under its reference");
        folio_.life.use();
        check(READ_ONCE(mapping_) == kFileA, "lookup returns a folio of its file");
        label("[R5] folio_put");
        (void)folio_put(folio_);
    }

    void reclaim() {
        label("[V1] xa_lock; folio_ref_freeze(2)");
        spin_lock(a_lock_);
        bool frozen = false;
        if (freeze_) {
            frozen = folio_ref_freeze(folio_, 2);
        } else {
            // The broken check-then-set: a try-get between the read and the store is lost.
            frozen = folio_ref_count(folio_) == 2;
            if (frozen) atomic_set(folio_._refcount, 0);
        }
        if (!frozen) {  // cannot_free: somebody holds a reference; the folio stays cached
            spin_unlock(a_lock_);
            return;
        }
        label("[V2] page_cache_delete: xas_store(NULL); mapping = NULL");
        xa_erase(slot_a_);
        WRITE_ONCE(mapping_, 0);
        spin_unlock(a_lock_);
        label("[V3] free_unref_folios: zone->lock, onto the free list");
        folio_.life.free();
        spin_lock(zone_lock_);
        free_list_ = 1;
        spin_unlock(zone_lock_);
    }

    void allocate() {
        label("[P1] rmqueue: zone->lock, off the free list");
        spin_lock(zone_lock_);
        const bool got = free_list_ == 1;
        if (got) free_list_ = 0;
        spin_unlock(zone_lock_);
        // The allocator runs until the folio is free; executions where it looked too early
        // are those where it allocated another page: nothing to model.
        assume(got);
        label("[P2] prep_new_page: set_page_refcounted");
        folio_.life.reuse();
        atomic_set(folio_._refcount, 1);
        label("[P3] filemap_add_folio(B): mapping = B; xas_store");
        WRITE_ONCE(mapping_, kFileB);
        spin_lock(b_lock_);
        folio_get(folio_);  // the page cache's reference (__filemap_add_folio: folio_ref_add)
        xa_store(slot_b_, kFolio);
        spin_unlock(b_lock_);
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(PageCache, "pagecache",
                       "page cache speculative reference: filemap_get_entry vs __remove_mapping and reuse",
                       ({{"safe", "the freed folio stays free (no reuse)"},
                         {"handover", "the kernel: reuse by the allocator after the zone->lock hand-over"},
                         {"no-recheck", "lookup without the xas_reload recheck"},
                         {"refcount-check", "reclaim checks the count, then sets 0, instead of freezing"},
                         {"relaxed-try-get", "the try-get is a relaxed atomic_add_unless"}}),
                       ({}));
