// SPDX-License-Identifier: MIT
/// \file Brief 04: khugepaged mTHP collapse through migration entries (Dev Jain's scheme, David
/// Hildenbrand's requirements, 2025) and the baseline PMD-clearing collapse
/// (collapse_huge_page() under mmap_write_lock).
///
/// Actors (brief 4.3), selected by parameters so that each scenario runs only the actors its
/// property needs (the brief checked K||U||G, K||Z, K||Z||U and the rollback separately):
///   K  khugepaged: Dev's scheme (variants V4.0 to V4.8) or the baseline T (V4.9);
///   U  (user=1) a user CPU storing through a stale writable TLB entry for the old page, or
///      (user=2) loading through a cold TLB, i.e. a hardware page walk (P-e);
///   G  (gup=1) GUP-fast on its own CPU, without IRQ exclusion of the flush unless ipi=1;
///   F  (fault=1) the fault handler meeting a migration entry (do_swap_page ->
///      migration_entry_wait());
///   Z  (zap=1) MADV_DONTNEED under mmap_read_lock (zap_pte_range -> zap_nonpresent_ptes()).
/// Not modelled: the rmap walkers RW (they cannot reach the folio while it is locked and
/// replaced by a migration entry, which P-d already covers), the dirty-bit transfer (only
/// relevant with MADV_FREE, brief 4.6), page-table reuse after the baseline's PMD clear.
///
/// Properties (brief 4.4): "P-a no lost write", "P-b pins follow the mapping" (final),
/// "P-c MADV_DONTNEED semantics" (final), "P-d migration entry with folio locked" (inline in F
/// and Z), "P-e publication" (inline in U's walk).
#include <mmcheck/ghost.hpp>
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <deque>
#include <string>
#include <vector>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

constexpr unsigned PG_locked = 0;
/// pfns: the old small folios are 1..N, the new (collapsed) folio's pages are 8..8+N-1.
constexpr unsigned old_pfn(std::size_t i) { return 1 + static_cast<unsigned>(i); }
constexpr unsigned new_pfn(std::size_t i) { return 8 + static_cast<unsigned>(i); }
/// Page contents: the old pages hold 1, U's stores write 2, 3; a freshly allocated new folio
/// holds 0 until the copy (what a reader must never see through the new mapping).
constexpr int kOldInitial = 1;
/// What the buddy allocator leaves in a freed page (it reuses the memory).
constexpr int kFreed = -1;
constexpr int kUninitialised = 0;
/// Expected refcount of an old folio at the check: its mapping + khugepaged's isolation.
constexpr int kExpectedRefs = 2;

class Collapse final : public Model {
public:
    Collapse() {
        pte_.reserve(n_);  // U's TLB entry points at pte_[0]
        for (std::size_t i = 0; i < n_; ++i) {
            const std::string s = std::to_string(i);
            pte_.emplace_back("pte[" + s + "]", old_pte(i));
            ref_.emplace_back("old" + s + "->_refcount", 1);
            old_flags_.emplace_back("old" + s + "->flags", 0U);
            old_data_.emplace_back("old" + s + " data", kOldInitial);
            new_data_.emplace_back("new" + s + " data", kUninitialised);
            last_.emplace_back("last[" + s + "]", kOldInitial);
            zapped_.emplace_back("zapped[" + s + "]", 0);
            freed_old_.emplace_back("freed_old[" + s + "]", 0);
        }
        // U's TLB: user=1 holds a stale writable dirty entry for the old page (it has written
        // before); user=2 starts cold and walks. The baseline walks through the PMD.
        const pteval_t cached = param("user") == 1 ? old_pte(0) : PTE_NONE;
        u_entry_ = cpu_u_.add_entry(pte_[0], cached, baseline_ ? &pmd_ : nullptr);
    }

    /// collapse_migration() keeps the saved PTEs in a std::vector local and can stop (a
    /// failed check, a lock that blocks): unwind it, so no execution leaks the vector.
    [[nodiscard]] bool unwinds_stopped_threads() const override { return true; }
    void threads() override {
        thread("K khugepaged (CPU0)", [this] { baseline_ ? collapse_baseline() : collapse_migration(); });
        if (param("user") != 0) thread("U user (CPU1)", [this] { user(); });
        if (param("gup") != 0) thread("G GUP-fast (CPU2)", [this] { gup_fast(); });
        if (param("fault") != 0) thread("F fault on migration entry (CPU3)", [this] { fault(); });
        if (param("zap") != 0) thread("Z MADV_DONTNEED (CPU4)", [this] { zap(); });
    }

    void final() override {
        for (std::size_t i = 0; i < n_; ++i) {
            const std::string s = std::to_string(i);
            const pteval_t p = pte_[i].word().load();
            observe("pte[" + s + "]", p);
            const int last = last_[i].get();
            // P-a is about a mapping that survives: a zapped address's data is discarded by
            // MADV_DONTNEED's own semantics (P-c and P-f cover it). check_implies, so that a
            // scenario in which no mapping survives is reported vacuous (issue 11: V4.0-zap).
            if (zapped_[i].get() == 0) {
                check_implies(p == new_pte(i), new_data_[i].load() == last, "P-a no lost write");
                check_implies(p == old_pte(i), old_data_[i].load() == last, "P-a no lost write");
            }
            // P-f: once zap freed the old page (after its TLB flush, tlb_finish_mmu()), no
            // store through a stale TLB entry may land on it: the freed page's last write is
            // the allocator's.
            if (freed_old_[i].get() != 0)
                check(old_data_[i].load() == kFreed, "P-f no access to a freed page");
            check(!(g_pinned_old_.get() != 0 && i == 0 && p == new_pte(i)), "P-b pins follow the mapping");
            check(zapped_[i].get() == 0 || pte_none(p), "P-c MADV_DONTNEED semantics");
        }
    }

private:
    // --- variants (brief 4.5) ---
    const bool baseline_ = variant_is("V4.9");
    const bool no_flush_ = variant_is("V4.1");
    const bool refcheck_first_ = variant_is("V4.2");
    const bool copy_while_present_ = variant_is("V4.3");
    const bool no_mb_ = variant_is("V4.4");
    const bool blind_install_ = variant_is("V4.5");
    const bool blind_rollback_ = variant_is("V4.6");
    const bool early_unlock_ = variant_is("V4.7");
    const bool no_wmb_ = variant_is("V4.8");
    const std::size_t n_ = static_cast<std::size_t>(param("ptes"));
    const PteXchg xchg_kind_ = param("arm64") != 0 ? PteXchg::Relaxed : PteXchg::FullyOrdered;
    const TlbFlushKind flush_kind_ = param("ipi") != 0 ? TlbFlushKind::Ipi : TlbFlushKind::Broadcast;
    const bool batched_flush_ = param("batched_flush") != 0;

    static constexpr pteval_t old_pte(std::size_t i) { return pfn_pte(old_pfn(i), true, true); }
    static constexpr pteval_t new_pte(std::size_t i) { return pfn_pte(new_pfn(i), true, true); }
    static constexpr pteval_t mig_pte(std::size_t i) { return make_writable_migration_entry(old_pfn(i)); }
    /// The PMD entry pointing at the PTE table (present) or cleared.
    static constexpr pteval_t kPmdTable = pfn_pte(15, true, false);

    // --- shared state (brief 4.2) ---
    Pte pmd_{"pmd", kPmdTable};
    std::vector<Pte> pte_;
    std::vector<atomic<int>> ref_, old_data_, new_data_;
    /// Ghosts (ghost.hpp: no events, no ordering; written by U resp. Z, read in final()):
    /// the last value U stored at address i, and whether Z zapped address i.
    std::deque<ghost<int>> last_, zapped_;
    /// Ghost: Z's folio_put freed the old folio at address i (written by Z, read in final()).
    std::deque<ghost<int>> freed_old_;
    std::vector<atomic<unsigned>> old_flags_;  // PG_locked: the folio lock as the kernel's bit
    spinlock_t ptl_{"ptl"};
    spinlock_t pmd_ptl_{"pmd_ptl"};
    Tlb cpu_u_{"CPU1", flush_kind_};
    Tlb cpu_g_{"CPU2", flush_kind_};
    std::size_t u_entry_ = 0;
    ghost<int> g_pinned_old_{"g_pinned_old", 0};  // ghost: G holds a pin on the old folio

    // --- helpers mirroring kernel functions ---

    /// folio_trylock(): test_and_set_bit_lock(PG_locked) (ACQUIRE on success).
    bool folio_trylock(std::size_t i) { return !test_and_set_bit_lock(PG_locked, old_flags_[i]); }
    /// folio_unlock(): clear_bit_unlock(PG_locked) (RELEASE), wakes the migration waiters.
    void folio_unlock(std::size_t i) { clear_bit_unlock(PG_locked, old_flags_[i]); }
    /// folio_test_locked(): test_bit (relaxed), as pfn_swap_entry_folio()'s BUG_ON reads it.
    bool folio_test_locked(std::size_t i) { return test_bit(PG_locked, old_flags_[i]); }

    /// The flush after the migration entries: synchronous (flush_tlb_range(), arm64's ends in
    /// dsb(ish)) or batched (TTU_BATCH_FLUSH: the dsb comes after the code modelled here).
    void flush_all_cpus() {
        if (batched_flush_) flush_tlb_batched({cpu_u_, cpu_g_});
        else flush_tlb_range({cpu_u_, cpu_g_});
    }

    /// __collapse_huge_page_copy(): copy_mc_user_highpage() per page (RLX load + RLX store).
    void copy_pages() {
        for (std::size_t i = 0; i < n_; ++i) {
            label("[K6] __collapse_huge_page_copy: copy old -> new");
            const int v = old_data_[i].load(relaxed);
            new_data_[i].store(v, relaxed);
        }
    }

    /// Puts back the saved PTEs of the first `count` entries (__collapse_huge_page_copy_failed /
    /// remove_migration_ptes(): only entries that are still our migration entries, unless the
    /// variant restores blindly). Caller holds the PTL.
    void restore_ptes(std::size_t count, const std::vector<pteval_t>& save, bool blind) {
        for (std::size_t i = 0; i < count; ++i) {
            const pteval_t cur = ptep_get(pte_[i]);
            if (blind || cur == mig_pte(i)) set_pte_at(pte_[i], save[i]);
        }
    }

    /// K, Dev Jain's scheme (brief 4.3), with the variant's change.
    void collapse_migration() {
        std::vector<pteval_t> save(n_, PTE_NONE);
        std::size_t locked = 0;
        std::size_t migrated = 0;
        bool ok = true;
        label("[K1] spin_lock(ptl) (mmap_read_lock held: the VMA is stable)");
        spin_lock(ptl_);
        for (std::size_t i = 0; i < n_ && ok; ++i) {
            label("[K2] scan: ptep_get, require present");
            const pteval_t p = ptep_get(pte_[i]);
            if (!pte_present(p) || pte_pfn(p) != old_pfn(i)) { ok = false; break; }
            label("[K2] folio_trylock(old) + isolate (folio_get)");
            if (!folio_trylock(i)) { ok = false; break; }
            ++locked;
            atomic_inc(ref_[i]);
            save[i] = p;
            if (refcheck_first_) {
                // V4.2: the Dec 2024 RFC checks references in the isolate step, PTEs present.
                label("[K4] refcount check (V4.2: before the migration entry)");
                ok = ok && atomic_read(ref_[i]) == kExpectedRefs;
            }
            if (!copy_while_present_) {
                // try_to_migrate_one(): ptep_get_and_clear() then set_pte_at(migration entry).
                label("[K3] ptep_get_and_clear + set_pte_at(migration entry)");
                save[i] = ptep_get_and_clear(pte_[i], xchg_kind_);
                set_pte_at(pte_[i], mig_pte(i));
                ++migrated;
            }
        }
        if (!ok) {
            label("[K9] isolation failed: restore migration entries, unlock");
            restore_ptes(migrated, save, blind_rollback_);
            spin_unlock(ptl_);
            for (std::size_t i = 0; i < locked; ++i) folio_unlock(i);
            return;
        }
        if (copy_while_present_) {
            collapse_copy_while_present();
            return;
        }
        if (!no_flush_) {
            // The flush must complete before the refcount check and the copy.
            label("[K3'] flush_tlb_range (all CPUs)");
            flush_all_cpus();
        }
        if (!no_mb_) {
            // Do not rely on the flush to order against GUP-fast (kit 0.2, brief 2B).
            label("[K3''] smp_mb()");
            smp_mb();
        }
        if (!refcheck_first_) {
            for (std::size_t i = 0; i < n_; ++i) {
                label("[K4] refcount check: folio_ref_count(old) == expected");
                ok = ok && atomic_read(ref_[i]) == kExpectedRefs;
            }
        }
        label("[K5] spin_unlock(ptl)");
        spin_unlock(ptl_);
        if (!ok) {
            label("[K9] rollback (refcount): spin_lock(ptl)");
            spin_lock(ptl_);
            restore_ptes(migrated, save, blind_rollback_);
            spin_unlock(ptl_);
            for (std::size_t i = 0; i < n_; ++i) folio_unlock(i);
            return;
        }
        copy_pages();
        if (param("copy_fails") != 0) {
            // copy_mc_user_highpage() hit a machine check: back off with the saved PTEs.
            label("[K9] copy failed: rollback, spin_lock(ptl)");
            spin_lock(ptl_);
            restore_ptes(n_, save, blind_rollback_);
            spin_unlock(ptl_);
            for (std::size_t i = 0; i < n_; ++i) folio_unlock(i);
            return;
        }
        if (!no_wmb_) {
            label("[K7] __folio_mark_uptodate: smp_wmb()");
            smp_wmb();
        }
        if (early_unlock_) {
            for (std::size_t i = 0; i < n_; ++i) {
                label("[K8'] folio_unlock(old) (V4.7: before replacing the migration entries)");
                folio_unlock(i);
            }
        }
        label("[K8] spin_lock(ptl); set_ptes(new) where still migration entries");
        spin_lock(ptl_);
        for (std::size_t i = 0; i < n_; ++i) {
            if (blind_install_ || ptep_get(pte_[i]) == mig_pte(i)) set_pte_at(pte_[i], new_pte(i));
        }
        spin_unlock(ptl_);
        if (!early_unlock_) {
            for (std::size_t i = 0; i < n_; ++i) {
                label("[K10] folio_unlock(old): wakes migration_entry_wait_on_locked()");
                folio_unlock(i);
            }
        }
    }

    /// V4.3: the Dec 2024 RFC order. The PTL is held throughout, references were checked at
    /// isolation, the copy reads the old pages while their PTEs are still present, then
    /// __collapse_huge_page_copy_succeeded() clears them (with the flush) and set_ptes()
    /// installs the new folio.
    void collapse_copy_while_present() {
        bool ok = true;
        for (std::size_t i = 0; i < n_; ++i) {
            label("[K4] refcount check (isolate step, PTEs present)");
            ok = ok && atomic_read(ref_[i]) == kExpectedRefs;
        }
        if (!ok) {
            spin_unlock(ptl_);
            for (std::size_t i = 0; i < n_; ++i) folio_unlock(i);
            return;
        }
        copy_pages();
        for (std::size_t i = 0; i < n_; ++i) {
            label("[K5] __collapse_huge_page_copy_succeeded: ptep_clear");
            ptep_get_and_clear(pte_[i], xchg_kind_);
        }
        label("[K5'] flush_tlb_range");
        flush_all_cpus();
        smp_wmb();  // __folio_mark_uptodate()
        for (std::size_t i = 0; i < n_; ++i) {
            label("[K8] set_ptes(new)");
            set_pte_at(pte_[i], new_pte(i));
        }
        spin_unlock(ptl_);
        for (std::size_t i = 0; i < n_; ++i) folio_unlock(i);
    }

    /// K, baseline T: collapse_huge_page() for an mTHP range under mmap_write_lock (so F and Z,
    /// which need the mmap or VMA lock, cannot run concurrently and are not modelled with it).
    void collapse_baseline() {
        label("[T1] mmap_write_lock; pmdp_collapse_flush: clear the PMD");
        spin_lock(pmd_ptl_);
        const pteval_t pmdval = ptep_get_and_clear(pmd_, xchg_kind_);
        spin_unlock(pmd_ptl_);
        label("[T1'] pmdp_collapse_flush: flush_tlb_range");
        flush_all_cpus();
        // Jann Horn, 2ba99c5e0881: the flush does not IPI GUP-fast on RCU-table-free
        // architectures, so wait for IRQ-disabled sections explicitly.
        label("[T2] tlb_remove_table_sync_one()");
        tlb_remove_table_sync_one({cpu_g_});  // U never disables IRQs here
        bool ok = true;
        std::size_t locked = 0;
        label("[T3] __collapse_huge_page_isolate: spin_lock(ptl)");
        spin_lock(ptl_);
        for (std::size_t i = 0; i < n_ && ok; ++i) {
            const pteval_t p = ptep_get(pte_[i]);
            if (!pte_present(p) || !folio_trylock(i)) { ok = false; break; }
            ++locked;
            atomic_inc(ref_[i]);
            label("[T3'] refcount check");
            ok = atomic_read(ref_[i]) == kExpectedRefs;
        }
        spin_unlock(ptl_);
        if (ok) {
            copy_pages();
            label("[T4] __folio_mark_uptodate: smp_wmb()");
            smp_wmb();
            for (std::size_t i = 0; i < n_; ++i) {
                label("[T5] set the new PTEs in the detached table");
                set_pte_at(pte_[i], new_pte(i));
            }
        }
        label("[T6] smp_wmb(); pmd_populate() under pmd_ptl");
        smp_wmb();
        spin_lock(pmd_ptl_);
        set_pte_at(pmd_, pmdval);
        spin_unlock(pmd_ptl_);
        for (std::size_t i = 0; i < locked; ++i) folio_unlock(i);
    }

    /// U: user accesses to address 0, each one step under U's insn mutex (kit 0.2).
    void user() {
        const bool write = param("user") == 1;
        for (std::int64_t k = 0; k < param("accesses"); ++k) {
            label(write ? "[U1] user store through the TLB" : "[U1] user load (page walk on a miss)");
            const TlbResult r = cpu_u_.access(
                u_entry_, write ? TlbAccessKind::Write : TlbAccessKind::Read,
                [this, write, k](unsigned pfn) {
                    const bool is_new = pfn == new_pfn(0);
                    const atomic<int>& page = is_new ? new_data_[0] : old_data_[0];
                    if (write) {
                        const int v = static_cast<int>(2 + k);
                        page.store(v, relaxed);
                        last_[0].set(v);
                    } else {
                        const int v = page.load(relaxed);
                        if (is_new) check(v != kUninitialised, "P-e publication");
                        check(v != kFreed, "P-f no access to a freed page");
                    }
                });
            // A fault goes to the fault handler (a migration entry: F's path; none: a new
            // zero-filled page, out of scope). The access has not happened; U stops.
            if (!r.ok()) return;
        }
    }

    /// G: gup_fast_pte_range() on address 0 (FOLL_GET), IRQs disabled.
    void gup_fast() {
        label("[G0] local_irq_save");
        cpu_g_.local_irq_disable();
        pteval_t pmdval = kPmdTable;
        if (baseline_) {
            label("[G1] pmdp_get_lockless");
            pmdval = ptep_get(pmd_);
        }
        if (pte_present(pmdval)) {
            label("[G2] ptep_get_lockless");
            const pteval_t p = ptep_get(pte_[0]);
            // A migration entry is not present: GUP-fast bails (slow GUP would wait on it).
            if (pte_present(p) && pte_pfn(p) == old_pfn(0)) {
                label("[G3] try_grab_folio_fast: folio_try_get (fully ordered)");
                if (atomic_inc_not_zero(ref_[0])) {
                    label("[G4] re-check pmd and pte");
                    const bool pmd_same = !baseline_ || ptep_get(pmd_) == pmdval;
                    if (!pmd_same || ptep_get(pte_[0]) != p) {
                        label("[G5] changed: gup_put_folio");
                        atomic_dec_return(ref_[0]);
                    } else {
                        label("[G5] pinned the old folio");
                        g_pinned_old_.set(1);
                    }
                }
            }
            // A present new entry: GUP pins the new folio, which is fine (not modelled).
        }
        label("[G6] local_irq_restore");
        cpu_g_.local_irq_enable();
    }

    /// F: do_swap_page() meeting a migration entry: migration_entry_wait().
    void fault() {
        label("[F1] migration_entry_wait: spin_lock(ptl)");
        spin_lock(ptl_);
        const pteval_t e = ptep_get(pte_[0]);
        bool wait = false;
        if (is_migration_entry(e)) {
            // pfn_swap_entry_folio(): BUG_ON(is_migration_entry(entry) && !folio_test_locked()).
            label("[F2] pfn_swap_entry_folio: folio must be locked");
            check(folio_test_locked(0), "P-d migration entry with folio locked");
            wait = true;
        }
        spin_unlock(ptl_);
        if (wait) {
            // migration_entry_wait_on_locked(): sleeps until folio_unlock(); then the fault
            // is retried (not modelled further).
            label("[F3] migration_entry_wait_on_locked: wait for folio_unlock");
            old_flags_[0].await([](unsigned f) { return (f & (1U << PG_locked)) == 0; }, acquire);
        }
    }

    /// Z: MADV_DONTNEED of the last address under mmap_read_lock: zap_pte_range().
    void zap() {
        const std::size_t i = n_ - 1;
        label("[Z1] zap_pte_range: spin_lock(ptl)");
        spin_lock(ptl_);
        const pteval_t e = ptep_get(pte_[i]);
        bool flush = false;
        if (is_migration_entry(e)) {
            // zap_nonpresent_ptes(): pfn_swap_entry_folio() (BUG_ON unless locked), pte_clear.
            label("[Z2] zap_nonpresent_ptes: migration entry");
            check(folio_test_locked(i), "P-d migration entry with folio locked");
            pte_clear(pte_[i]);
            zapped_[i].set(1);
        } else if (pte_present(e)) {
            label("[Z2] zap_present_ptes: ptep_get_and_clear");
            ptep_get_and_clear(pte_[i], xchg_kind_);
            zapped_[i].set(1);
            flush = true;
        }
        label("[Z3] spin_unlock(ptl)");
        spin_unlock(ptl_);
        if (flush) {
            // Anonymous pages need no force_flush: the flush comes with tlb_finish_mmu().
            label("[Z4] tlb_finish_mmu: flush");
            if (param("zap_flush") != 0) flush_tlb_range({cpu_u_});
            // tlb_finish_mmu() -> tlb_batch_pages_flush() -> free_pages_and_swap_cache():
            // the folio's mapping reference goes only after the flush, which is what makes
            // a stale TLB entry harmless (P-f). The new folio's lifetime is not modelled.
            if (pte_pfn(e) == old_pfn(i)) {
                label("[Z5] tlb_finish_mmu: folio_put(old), freed on zero");
                if (atomic_dec_and_test(ref_[i])) {
                    old_data_[i].store(kFreed, relaxed);
                    freed_old_[i].set(1);
                }
            }
        }
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(
    Collapse, "collapse",
    "Brief 04: khugepaged mTHP collapse through migration entries, and the baseline PMD-clearing collapse",
    ({{"V4.0", "Dev's scheme: MIG + flush + mb + refcheck, copy outside the PTL, re-checked install, careful rollback"},
      {"V4.1", "no TLB flush after installing the migration entries"},
      {"V4.2", "refcount checked before the migration entries (PTEs still present)"},
      {"V4.3", "copy while the PTEs are present, then clear (Dec 2024 RFC order)"},
      {"V4.4", "no smp_mb between the migration entries and the refcount read"},
      {"V4.5", "blind install: set_ptes(NEW) without re-checking the migration entry"},
      {"V4.6", "blind rollback: restore the saved PTEs unconditionally after a copy failure"},
      {"V4.7", "old folios unlocked before the migration entries are replaced"},
      {"V4.8", "no smp_wmb between the copy and the install"},
      {"V4.9", "baseline: PMD clear + flush + tlb_remove_table_sync_one under mmap_write_lock"}}),
    ({{"ptes", 1, 1, 2, "PTEs in the collapsed range"},
      {"user", 0, 0, 2, "0: no user CPU; 1: stores through a stale TLB entry; 2: loads through a cold TLB"},
      {"accesses", 1, 1, 2, "user accesses"},
      {"gup", 0, 0, 1, "1: GUP-fast actor"},
      {"fault", 0, 0, 1, "1: fault handler on a migration entry"},
      {"zap", 0, 0, 1, "1: MADV_DONTNEED actor"},
      {"zap_flush", 1, 0, 1, "0: mutation (issue 11): MADV_DONTNEED's zap without its TLB flush before the folio is freed"},
      {"copy_fails", 0, 0, 1, "1: the copy fails (machine check) and khugepaged rolls back"},
      {"arm64", 1, 0, 1, "1: ptep_get_and_clear is xchg_relaxed; 0: fully ordered (x86)"},
      {"ipi", 0, 0, 1, "1: IPI flushes that wait for GUP-fast's IRQ-disabled section (x86)"},
      {"batched_flush", 0, 0, 1, "1: the flush after the migration entries is batched (TTU_BATCH_FLUSH: no dsb before the refcount read); 0: synchronous flush_tlb_range"}}));
