// SPDX-License-Identifier: MIT
/// \file Brief 02 (protocols/02-gup-pin.md): GUP pins against page_mkclean, fork, KSM and
/// migration. Three protocols of the same discussion, one model with variants per family:
///
///  * 2A (V2A.*): Jerome Glisse's pin-flag proposal (Dec 2018, seed thread "mm: introduce
///    put_user_page*()"): GUP increments _mapcount and sets PagePin; page_mkclean clears the
///    flag and re-sets it when there are more mapcount references than mappings. Plus John
///    Hubbard's lock_page alternative (V2A.7, V2A.8) and the writeback extension (V2A.9*).
///  * 2B: what was merged: pins counted in _refcount (GUP_PIN_COUNTING_BIAS) and the
///    PageAnonExclusive handshake of include/linux/rmap.h (A1-A4 against GUP-fast's B1-B5),
///    with the barriers of 088b8aa537c2 and the variants without them.
///  * 2C: fork (copy_present_pte) against GUP-fast, protected by mm->write_protect_seq
///    (57efa1fe5957).
///
/// Properties:
///  * "NFN-final": after everything finished, pins > 0 implies PagePin (2A);
///  * "NFN-always": the pin holder (GUP's caller, after GUP returned) sees PagePin (2A, John's objection);
///  * "WB-safety": no page is pinned and under writeback without a bounce buffer (V2A.9*);
///  * "pin vs shared": a successful GUP-fast pin never coexists with the page having been
///    made "maybe shared" by KSM/migration (2B) or COW-shared by fork (2C).
#include <mmcheck/ghost.hpp>
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <string>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

// page->flags bits (the numbers are the model's).
constexpr unsigned PG_writeback = 1;
constexpr unsigned PG_pin = 2;             // Jerome's PagePin / John's PageDmaPinned
constexpr unsigned PG_anon_exclusive = 3;  // PageAnonExclusive (2B)
// mm->flags
constexpr unsigned MMF_HAS_PINNED = 0;

// Scaled-down GUP_PIN_COUNTING_BIAS (1024 in the kernel): a pin adds BIAS to _refcount.
constexpr int GUP_PIN_COUNTING_BIAS = 4;
constexpr unsigned k_pfn = 1;

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

class GupPin : public Model {
public:
    void threads() override {
        if (starts_with(variant(), "V2A")) {
            threads_2a();
        } else if (starts_with(variant(), "2B")) {
            threads_2b();
        } else {
            threads_2c();
        }
    }

    void final() override {
        if (starts_with(variant(), "V2A")) {
            const int pins = pins_.get();
            const bool pf = (pin_word().load() & (1UL << PG_pin)) != 0;
            observe("pins", pins);
            observe("PagePin", pf ? 1 : 0);
            observe("mapcount", mapcount_.load());
            check(pins == 0 || pf, "NFN-final");
            if (wb_ext()) {
                observe("use_bounce", use_bounce_.get());
                check(!(gup_ok_.get() != 0 && wb_started_.get() != 0 && use_bounce_.get() == 0),
                      "WB-safety");
            }
        } else {
            observe("g_ok", g_ok_.get());
            observe("shared", shared_.get());
            check(!(g_ok_.get() != 0 && shared_.get() != 0), "pin vs shared");
        }
    }

private:
    // ============================== state ==============================
    // page->flags: PG_writeback, the pin flag and PG_anon_exclusive share one word, as in
    // the kernel (V2A.9 depends on that: see writeback_start()).
    atomic<unsigned long> flags_{"page->flags", initial_flags()};
    // V2A.9-sepwords only: the pin flag in a word of its own (the brief's litmus reduction).
    atomic<unsigned long> pin_flags_{"page->pin_flag_word", 0};
    // 2A: mappings plus pins (the kernel's _mapcount + 1; starts with one mapping).
    atomic_t mapcount_{"page->_mapcount", 1};
    atomic_t pte_2a_[2] = {atomic_t{"vma0 pte (maps page)", 1}, atomic_t{"vma1 pte (child)", 0}};
    spinlock_t ptl_[2] = {spinlock_t{"vma0 PTL"}, spinlock_t{"vma1 PTL"}};
    page_lock_t page_lock_{"page PG_locked"};
    atomic_t refcount_{"page->_refcount", 1};
    // 2B / 2C: the PTE mapping the anon page, writable unless the scenario says otherwise.
    Pte pte_{"pte", pfn_pte(k_pfn, param("ro") == 0)};
    atomic<unsigned long> mm_flags_{"mm->flags", 0};
    atomic_t write_protect_seq_{"mm->write_protect_seq", 0};
    mutex insn_{"CPU1 insn (IRQs off)"};  // 2B-b-ipi: GUP-fast's IRQ-disabled section
    // ghosts (kit 0.3; ghost.hpp): no events, so no ordering; read in final(), or by their
    // only writer (pins_ by the pin holder's own check, NFN-always)
    ghost<int> pins_{"pins", 0};
    ghost<int> gup_ok_{"gup_ok", 0};
    ghost<int> wb_started_{"wb_started", 0};
    ghost<int> use_bounce_{"use_bounce", 0};
    ghost<int> g_ok_{"g_ok", 0};
    ghost<int> shared_{"shared", 0};

    unsigned long initial_flags() const {
        // 2B: the anon page starts exclusive to its mm.
        return starts_with(variant(), "2B") ? (1UL << PG_anon_exclusive) : 0UL;
    }
    bool wb_ext() const { return starts_with(variant(), "V2A.9"); }
    const atomic<unsigned long>& pin_word() const {
        return variant_is("V2A.9-sepwords") || variant_is("V2A.9-mb") ? pin_flags_ : flags_;
    }

    // ============================== 2A ==============================

    void threads_2a() {
        const bool john = variant_is("V2A.7") || variant_is("V2A.8");
        const std::int64_t actors = param("actors");
        if (john) {
            thread("GUP", [this] { variant_is("V2A.8") ? gup_john_fast() : gup_john(); });
            thread("page_mkclean", [this] { page_mkclean_john(); });
            if (actors >= 1) thread("ZAP vma0", [this] { zap(0); });
            return;
        }
        if (wb_ext()) {
            thread("GUP", [this] { gup_jerome(); });
            thread("writeback", [this] {
                page_mkclean_jerome();
                writeback_start();
            });
            return;
        }
        thread("GUP", [this] { gup_jerome(); });
        thread("page_mkclean", [this] { page_mkclean_jerome(); });
        if (variant_is("V2A.5")) thread("FORK", [this] { fork_copy(); });
        if (actors >= 1) thread("ZAP vma0", [this] { zap(0); });
        if (actors >= 2) thread("GUP+PUP", [this] {
            if (gup_jerome()) put_user_page();
        });
    }

    /// Jerome's GUP (the pin part of get_user_pages() in his proposal). Returns true when
    /// the page is pinned.
    bool gup_jerome() {
        bool wb = false;
        bool pin = false;
        if (wb_ext()) {
            label("[G0] wb = PageWriteback(page); pin = PagePin(page)");
            wb = test_bit(PG_writeback, flags_);
            pin = test_bit(PG_pin, pin_word());
            if (wb && !pin) return false;  // wait/retry: this GUP does not pin
            label("[G1] smp_rmb()");
            smp_rmb();
        }
        if (variant_is("V2A.4")) {
            // GUP sets the pin before counting it in _mapcount.
            label("[G4] SetPagePin(page)");
            set_bit(PG_pin, pin_word());
            label("[G2] atomic_inc(&page->_mapcount)");
            atomic_inc(mapcount_);
        } else {
            label("[G2] atomic_inc(&page->_mapcount)");
            atomic_inc(mapcount_);
            if (!variant_is("V2A.2")) {
                label("[G3] smp_wmb()");
                smp_wmb();
            }
            label("[G4] SetPagePin(page)");
            set_bit(PG_pin, pin_word());
        }
        if (wb_ext()) {
            if (variant_is("V2A.9-mb")) {
                label("[G5] smp_mb__after_atomic()");
                smp_mb__after_atomic();
            } else {
                label("[G5] smp_wmb()");
                smp_wmb();
            }
            label("[G6] if (!wb && !pin && PageWriteback(page)) back off");
            if (!wb && !pin && test_bit(PG_writeback, flags_)) {
                atomic_dec(mapcount_);
                return false;  // retry later: this GUP does not pin
            }
            gup_ok_.set(1);
        }
        pins_.add(1);
        if (variant_is("V2A.6")) pin_holder_check();
        return true;
    }

    /// put_user_page() in Jerome's proposal.
    void put_user_page() {
        pins_.add(-1);
        label("[P1] atomic_dec(&page->_mapcount)");
        atomic_dec(mapcount_);
        label("[P2] put_page(page)");
        atomic_dec_and_test(refcount_);
    }

    /// C4: the rmap walk counting the page's mappings, each PTE read under its PTL
    /// (page_vma_mapped_walk in page_mkclean_one()).
    int count_mappings() {
        int cnt = 0;
        for (int i = 0; i < 2; ++i) {
            spin_lock(ptl_[i]);
            cnt += READ_ONCE(pte_2a_[i]);
            spin_unlock(ptl_[i]);
        }
        return cnt;
    }

    /// Jerome's page_mkclean() (called with the page locked by the writeback caller).
    void page_mkclean_jerome() {
        bool pinned = false;
        if (variant_is("V2A.3")) {
            // An unordered test-and-clear (a relaxed fetch_and), and no C2.
            label("[C1] pinned = TestClearPagePin(page) (unordered)");
            pinned = (pin_word().fetch_and(~(1UL << PG_pin), relaxed) & (1UL << PG_pin)) != 0;
        } else {
            label("[C1] pinned = TestClearPagePin(page)");
            pinned = test_and_clear_bit(PG_pin, pin_word());
            label("[C2] smp_mb()");
            smp_mb();
        }
        label("[C3] map_and_pin_count = atomic_read(&page->_mapcount)");
        const int mc = atomic_read(mapcount_);
        label("[C4] map_count = rmap_walk(page)");
        const int cnt = count_mappings();
        label("[C5] if (pinned && map_count < map_and_pin_count) SetPagePin(page)");
        if (pinned && cnt < mc) set_bit(PG_pin, pin_word());
    }

    /// Writeback start, after page_mkclean in the same thread (folio_clear_dirty_for_io()
    /// then __folio_start_writeback()), in Jerome's extension.
    void writeback_start() {
        label("[T1] TestSetPageWriteback(page)");
        test_and_set_bit(PG_writeback, flags_);
        wb_started_.set(1);
        label("[T2] smp_wmb()");
        smp_wmb();
        label("[T3] use_bounce_page = PagePin(page)");
        use_bounce_.set(test_bit(PG_pin, pin_word()) ? 1 : 0);
    }

    /// munmap of VMA i: zap_pte_range() clears the PTE and page_remove_rmap() drops the
    /// mapcount, under the PTL.
    void zap(int i) {
        label("ZAP: spin_lock(ptl)");
        spin_lock(ptl_[i]);
        label("ZAP: pte_clear");
        WRITE_ONCE(pte_2a_[i], 0);
        label("ZAP: page_remove_rmap: atomic_add_negative(-1, &page->_mapcount)");
        atomic_add_negative(-1, mapcount_);
        spin_unlock(ptl_[i]);
    }

    /// fork() of a MAP_PRIVATE file VMA with an anon_vma: copy_present_ptes() holds both
    /// PTLs but not the page lock; it dups the rmap, then sets the child's PTE.
    void fork_copy() {
        label("FORK: spin_lock(dst PTL); spin_lock(src PTL)");
        spin_lock(ptl_[1]);
        spin_lock(ptl_[0]);
        label("FORK: page_dup_rmap: atomic_inc(&page->_mapcount)");
        atomic_inc(mapcount_);
        label("FORK: set_pte_at(child)");
        WRITE_ONCE(pte_2a_[1], 1);
        spin_unlock(ptl_[0]);
        spin_unlock(ptl_[1]);
    }

    /// NFN-always: while the pin is held, a reader of the pin flag finds it set. The reader
    /// is the pin holder itself (GUP's caller, after GUP returned), so it knows the pin is
    /// held through program order. (This was an observer thread awaiting a ghost `gup_done`
    /// with acquire against GUP's ghost release: a ghost ordering the observer after GUP,
    /// which issue 11 removes; ghosts carry no ordering, ghost.hpp.)
    void pin_holder_check() {
        label("[OBS] pin holder: pins > 0 => PagePin(page)");
        check(pins_.get() == 0 || test_bit(PG_pin, pin_word()), "NFN-always");
    }

    /// John Hubbard's alternative: GUP under lock_page.
    void gup_john() {
        label("[J1] lock_page(page)");
        lock_page(page_lock_);
        label("[J2] atomic_inc(&page->_mapcount)");
        atomic_inc(mapcount_);
        label("[J3] SetPageDmaPinned(page)");
        set_bit(PG_pin, flags_);
        label("[J4] unlock_page(page)");
        unlock_page(page_lock_);
        pins_.add(1);
        pin_holder_check();
    }

    /// John's scheme with a GUP-fast that cannot sleep on lock_page (Jerome: "page lock is
    /// pointless and it will not work for GUP fast").
    void gup_john_fast() {
        label("[J2] atomic_inc(&page->_mapcount) (GUP-fast, no page lock)");
        atomic_inc(mapcount_);
        label("[J3] SetPageDmaPinned(page)");
        set_bit(PG_pin, flags_);
        pins_.add(1);
        pin_holder_check();
    }

    /// John's page_mkclean: under lock_page, clear the flag only when every mapcount
    /// reference is a mapping.
    void page_mkclean_john() {
        label("[K1] lock_page(page)");
        lock_page(page_lock_);
        label("[K2] mappings = rmap_walk(page)");
        const int cnt = count_mappings();
        label("[K3] if (mappings == atomic_read(&page->_mapcount)) ClearPageDmaPinned(page)");
        if (cnt == atomic_read(mapcount_)) clear_bit(PG_pin, flags_);
        label("[K4] unlock_page(page)");
        unlock_page(page_lock_);
    }

    // ============================== 2B ==============================

    void threads_2b() {
        thread("K (KSM/migration)", [this] { ksm_make_shared(); });
        thread("G (GUP-fast FOLL_PIN)", [this] { gup_fast_anon(); });
    }

    /// __folio_try_share_anon_rmap() as used by try_to_migrate_one() / KSM's
    /// write_protect_page(): steps A1-A4 of the comment in include/linux/rmap.h.
    void ksm_make_shared() {
        const bool ipi = variant_is("2B-b-ipi");
        label("(A1) old = ptep_clear_flush(pte)");
        // arm64's ptep_get_and_clear() is xchg_relaxed; x86's is a fully ordered xchg.
        const pteval_t old =
            ptep_get_and_clear(pte_, variant_is("2B-b-x86") ? PteXchg::FullyOrdered : PteXchg::Relaxed);
        if (ipi) {
            // flush_tlb_range() by IPI: waits until CPU1 has IRQs enabled again.
            label("(A1) flush_tlb: IPI to CPU1");
            insn_.lock();
            insn_.unlock();
        }
        if (!starts_with(variant(), "2B-b")) {
            label("(A1) smp_mb()");  // added by 088b8aa537c2
            smp_mb();
        }
        label("(A2) if (folio_maybe_dma_pinned(folio)) restore pte; fail");
        if (READ_ONCE(refcount_) >= GUP_PIN_COUNTING_BIAS) {
            set_pte_at(pte_, old);
            return;
        }
        label("(A3) ClearPageAnonExclusive(page)");
        clear_bit(PG_anon_exclusive, flags_);
        if (!starts_with(variant(), "2B-c") || variant_is("2B-c-g")) {
            label("(A3) smp_mb__after_atomic()");
            smp_mb__after_atomic();
        }
        label("(A4) set_pte_at(pte, R/O entry)");
        // KSM's write_protect_page() restores a read-only entry: for an already read-only
        // PTE the very same value (the ABA of case (iii)).
        set_pte_at(pte_, pte_wrprotect(old));
        shared_.set(1);
    }

    /// Unpin after a failed re-check: gup_put_folio() -> folio_put_refs(), fully ordered.
    void unpin_2b() {
        label("unpin: folio_put_refs(folio, BIAS)");
        atomic_sub_return(GUP_PIN_COUNTING_BIAS, refcount_);
    }

    /// The pin half of try_grab_folio_fast(): folio_ref_try_add(), the rest of the bias,
    /// and (since 088b8aa537c2) smp_mb__after_atomic().
    bool try_grab_folio_fast(bool mb_after) {
        // 2C numbers GUP-fast's steps [G0]..[G5]; 2B uses the brief's (B1)..(B5).
        const std::string step = starts_with(variant(), "2C") ? "[G3] " : "(B3) ";
        label(step + "folio_ref_try_add(folio, 1)");
        if (!atomic_inc_not_zero(refcount_)) return false;
        label(step + "folio_ref_add(folio, GUP_PIN_COUNTING_BIAS - 1)");
        atomic_add(GUP_PIN_COUNTING_BIAS - 1, refcount_);
        if (mb_after) {
            label(step + "smp_mb__after_atomic()");
            smp_mb__after_atomic();
        }
        return true;
    }

    /// gup_fast_pte_range() with FOLL_PIN (FOLL_WRITE unless the PTE is read-only).
    void gup_fast_anon() {
        const bool ipi = variant_is("2B-b-ipi");
        const bool foll_write = param("ro") == 0;
        if (ipi) {
            label("local_irq_save (IPI-exclusion)");
            insn_.lock();
        }
        [&] {
            label("(B1) p = ptep_get_lockless(pte)");
            const pteval_t p = ptep_get(pte_);
            if (!pte_present(p)) return;
            label("(B2) if (FOLL_WRITE && !pte_write(p)) bail");
            if (foll_write && !pte_write(p)) return;
            if (!try_grab_folio_fast(!variant_is("2B-a"))) return;
            label("(B4) if (ptep_get(pte) != p) unpin; bail");
            if (ptep_get(pte_) != p) {
                unpin_2b();
                return;
            }
            if (!starts_with(variant(), "2B-c") || variant_is("2B-c-k")) {
                label("(B4) smp_rmb() (gup_must_unshare)");
                smp_rmb();
            }
            label("(B5) if (!pte_write(p) && !PageAnonExclusive(page)) unpin; bail");
            if (!pte_write(p) && !test_bit(PG_anon_exclusive, flags_)) {
                unpin_2b();
                return;
            }
            g_ok_.set(1);
        }();
        if (ipi) insn_.unlock();
    }

    // ============================== 2C ==============================

    void threads_2c() {
        thread("G (GUP-fast FOLL_PIN|FOLL_WRITE)", [this] { gup_fast_fork(); });
        thread("fork (copy_present_pte)", [this] { fork_copy_anon(); });
    }

    /// lockless_pages_from_mm() + gup_fast_pte_range() with FOLL_PIN|FOLL_WRITE.
    void gup_fast_fork() {
        const bool seqcount = !variant_is("2C-noseq");
        label("[G0] mm_set_has_pinned_flag: set_bit(MMF_HAS_PINNED, &mm->flags)");
        set_bit(MMF_HAS_PINNED, mm_flags_);
        int s = 0;
        if (seqcount) {
            label("[G1] s = raw_read_seqcount(&mm->write_protect_seq)");
            s = READ_ONCE(write_protect_seq_);
            smp_rmb();
            if ((s & 1) != 0) return;  // fork in progress: fall back to slow GUP
        }
        label("[G2] p = ptep_get_lockless(pte)");
        const pteval_t p = ptep_get(pte_);
        if (!pte_write(p)) return;
        if (!try_grab_folio_fast(true)) return;
        label("[G4] if (ptep_get(pte) != p) unpin; bail");
        if (ptep_get(pte_) != p) {
            unpin_2b();
            return;
        }
        if (seqcount) {
            label("[G5] read_seqcount_retry(&mm->write_protect_seq, s)");
            smp_rmb();
            if (READ_ONCE(write_protect_seq_) != s) {
                unpin_2b();
                return;  // fall back to slow GUP, which takes mmap_lock
            }
        }
        g_ok_.set(1);
    }

    /// fork(): dup_mmap() under mmap_write_lock -> copy_page_range() -> copy_present_pte().
    void fork_copy_anon() {
        const bool seqcount = !variant_is("2C-noseq");
        if (seqcount) {
            label("[F0] raw_write_seqcount_begin(&mm->write_protect_seq): seq++; smp_wmb()");
            WRITE_ONCE(write_protect_seq_, 1);
            smp_wmb();
            if (variant_is("2C-mb")) {
                label("[F0] smp_mb() (proposed)");
                smp_mb();
            }
        }
        label("[F1] spin_lock(src PTL)");
        spin_lock(ptl_[0]);
        label("[F2] folio_needs_cow_for_dma(): MMF_HAS_PINNED && folio_maybe_dma_pinned()");
        const bool needs_cow = test_bit(MMF_HAS_PINNED, mm_flags_) &&
                               READ_ONCE(refcount_) >= GUP_PIN_COUNTING_BIAS;
        if (!needs_cow) {
            // Share the anon page with the child: folio_try_dup_anon_rmap_pte() (an anon
            // page: not __folio_dup_file_rmap()), then write-protect the parent's PTE.
            label("[F3] folio_try_dup_anon_rmap_pte(); ptep_set_wrprotect(parent pte)");
            ptep_set_wrprotect(pte_);
            shared_.set(1);
        }
        // else: copy_present_page() gives the child its own copy; the parent keeps its PTE.
        label("[F4] spin_unlock(src PTL)");
        spin_unlock(ptl_[0]);
        if (seqcount) {
            label("[F5] raw_write_seqcount_end: smp_wmb(); seq++");
            smp_wmb();
            WRITE_ONCE(write_protect_seq_, 2);
        }
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(
    GupPin, "gup_pin", "GUP pins vs page_mkclean, KSM/migration and fork (brief 02)",
    ({{"V2A.1", "Jerome's pin flag as written (actors: 0 G||C, 1 +ZAP, 2 +ZAP +GUP/PUP)"},
      {"V2A.2", "2A without [G3] smp_wmb"},
      {"V2A.3", "2A with [C1] an unordered test-and-clear and no [C2]"},
      {"V2A.4", "2A with GUP setting the pin before incrementing _mapcount"},
      {"V2A.5", "2A with fork adding a mapping during page_mkclean (no page lock)"},
      {"V2A.6", "2A with an observer (John's toggling objection): NFN-always"},
      {"V2A.7", "John's lock_page scheme (actors: 0 G||C, 1 +ZAP; G checks NFN-always as the pin holder)"},
      {"V2A.8", "John's scheme with a lock-free GUP-fast"},
      {"V2A.9", "writeback extension, [G5] smp_wmb, PG_writeback and the pin flag in page->flags"},
      {"V2A.9-sepwords", "V2A.9 with the pin flag in a word of its own (the brief's SB reduction)"},
      {"V2A.9-mb", "V2A.9-sepwords with [G5] smp_mb__after_atomic()"},
      {"2B", "merged PageAnonExclusive handshake, all barriers (ro: read-only PTE/pin)"},
      {"2B-a", "2B without smp_mb__after_atomic after the pin in GUP-fast (pre-088b8aa537c2)"},
      {"2B-b", "2B without smp_mb after ptep_clear_flush in K (arm64 xchg_relaxed, RCU GUP-fast)"},
      {"2B-b-x86", "2B-b with x86's fully ordered xchg in ptep_get_and_clear"},
      {"2B-b-ipi", "2B-b with IPI TLB flush excluding GUP-fast's IRQ-disabled walk"},
      {"2B-c", "2B without the A3 smp_mb__after_atomic / B4 smp_rmb pair"},
      {"2B-c-k", "2B without K's smp_mb__after_atomic after ClearPageAnonExclusive only"},
      {"2B-c-g", "2B without G's smp_rmb before PageAnonExclusive only"},
      {"2C", "fork vs GUP-fast with mm->write_protect_seq as merged"},
      {"2C-noseq", "fork vs GUP-fast without the seqcount"},
      {"2C-mb", "2C with smp_mb() after raw_write_seqcount_begin"}}),
    ({{"actors", 0, 0, 2, "2A: extra actors (1: ZAP of the mapping, 2: also a second GUP that unpins)"},
      {"ro", 0, 0, 1, "2B: the PTE is read-only and GUP pins read-only (KSM R/O case)"}}));
