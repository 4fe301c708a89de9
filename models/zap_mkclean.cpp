// SPDX-License-Identifier: MIT
/// \file Brief 03: zap_pte_range() against folio_mkclean() and writeback, with a user CPU that
/// still holds a TLB entry for the page being unmapped (Nadav Amit / Linus Torvalds, Oct 2022;
/// 5df397dec7c4 "mm: delay page_remove_rmap() until after the TLB has been flushed").
///
/// Actors (brief 3.4), one MAP_SHARED file page with dirty accounting:
///   A  zap_pte_range() on CPU0 (munmap / MADV_DONTNEED), in the order the variant selects;
///   B  a user thread on CPU1 storing through its TLB entry (a stale P(W,D) translation);
///   C  writeback on CPU2: folio_clear_dirty_for_io() (folio_mkclean() + folio_test_clear_dirty())
///      then the I/O, which writes a snapshot of the page to "disk";
///   R  (param reclaim=1) shrink_folio_list() on CPU3, releasing the buffers of a clean,
///      unmapped folio (filemap_release_folio()), Nadav's warning about deferred dirtying.
/// Sub-model 3b (variants "3b", "3b-xchg"): a mapping without write-notify, where the PTE's
/// hardware dirty bit is the only record of a write; A clears the PTE either with the atomic
/// ptep_get_and_clear() or with a load followed by a store.
///
/// Properties: "P1 no lost write" (final: PG_dirty || disk == data), "P2 mkclean contract"
/// (inline at B's store: no store lands on a folio that writeback has cleaned and that nobody
/// re-dirtied, read from folio->flags' PG_writeback and PG_dirty in one load), "P3 buffers on folio_mark_dirty" (inline in A's folio_mark_dirty(), with R).
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <string>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

/// Bits of folio->flags.
constexpr unsigned PG_dirty = 0;
/// PG_writeback: set by folio_start_writeback() once the folio is cleaned for I/O, cleared by
/// folio_end_writeback() when the I/O completes. It is the kernel's own record of "writeback
/// has cleaned this folio and its I/O is in flight", the window P2 is about.
constexpr unsigned PG_writeback = 1;
/// The pfn of the file folio.
constexpr unsigned kFolioPfn = 1;

class ZapMkclean final : public Model {
public:
    ZapMkclean()
        : b_entry_(cpu1_.add_entry(pte_, initial_pte())) {}

    void threads() override {
        thread("A zap_pte_range (CPU0)", [this] { zap(); });
        thread("B user (CPU1)", [this] { user(); });
        if (!sub3b_) thread("C writeback (CPU2)", [this] { writeback(); });
        if (!sub3b_ && param("reclaim") != 0) thread("R shrink_folio_list (CPU3)", [this] { reclaim(); });
    }

    void final() override {
        const bool dirty = (flags_.load() & (1U << PG_dirty)) != 0;
        observe("PG_dirty", dirty ? 1 : 0);
        observe("data", data_.load());
        observe("disk", disk_.load());
        check(dirty || disk_.load() == data_.load(), "P1 no lost write");
    }

private:
    // --- variant selection (brief 3.6 and 3.7) ---
    const bool sub3b_ = variant_is("3b") || variant_is("3b-xchg");
    /// 3b: "read PTE; write NONE" as two steps instead of ptep_get_and_clear().
    const bool nonatomic_clear_ = variant_is("3b");
    /// V2, V2b: Linus' first idea, set_page_dirty() carried past the flush.
    const bool deferred_dirty_ = variant_is("V2") || variant_is("V2b");
    /// V1, V2b, V4: page_remove_rmap() inside the PTE loop, before the flush (pre-6.2).
    const bool rmap_early_ = variant_is("V1") || variant_is("V2b") || variant_is("V4");
    /// V0, V1 and 3b: force_flush, so the TLB flush happens before the PTL is dropped.
    const bool flush_under_ptl_ = variant_is("V0") || variant_is("V1") || sub3b_;
    const PteXchg xchg_kind_ = param("arm64") != 0 ? PteXchg::Relaxed : PteXchg::FullyOrdered;
    const bool check_p2_ = param("check_p2") != 0;

    /// Brief 3.3: B has already written once through a write fault, so the PTE and B's TLB
    /// entry are P(W=1, D=1) and the folio is dirty. 3b: a clean P(W=1, D=0), folio clean.
    [[nodiscard]] pteval_t initial_pte() const { return pfn_pte(kFolioPfn, true, !sub3b_); }

    // --- shared state (brief 3.3) ---
    Pte pte_{"pte", initial_pte()};
    Tlb cpu1_{"CPU1"};
    std::size_t b_entry_;
    /// page->_mapcount: 0 = mapped once; folio_mapped() is _mapcount >= 0.
    atomic_t mapcount_{"folio->_mapcount", 0};
    /// PG_dirty starts set (brief 3.3: the write fault dirtied the folio), unless pg_dirty=0:
    /// the folio was cleaned since, and the only record of B's write is the PTE's dirty bit
    /// (the state zap's folio_mark_dirty [A3] and writeback's re-dirtying [C5] exist for;
    /// with PG_dirty already set neither can matter: issue 11).
    atomic<unsigned> flags_{"folio->flags", sub3b_ || param("pg_dirty") == 0 ? 0U : (1U << PG_dirty)};
    spinlock_t ptl_{"ptl"};
    page_lock_t folio_lock_{"folio lock"};
    /// Page contents (RLX, kit 0.2) and the copy on disk. 3b starts clean: disk == data.
    atomic<int> data_{"page data", 1};
    atomic<int> disk_{"disk", sub3b_ ? 1 : 0};
    atomic<int> buffers_{"folio buffers", 1};

    // --- helpers mirroring kernel functions ---

    /// folio_mapped(): atomic_read(&page->_mapcount) >= 0.
    bool folio_mapped() { return atomic_read(mapcount_) >= 0; }

    /// folio_remove_rmap_ptes() for a small folio: atomic_add_negative(-1, &page->_mapcount),
    /// fully ordered (brief 3.8: the chain in V0 needs it).
    void folio_remove_rmap_ptes() { atomic_add_negative(-1, mapcount_); }

    /// folio_mark_dirty() -> filemap_dirty_folio() -> folio_test_set_dirty(): fully ordered.
    /// A buffer-head filesystem's dirty path needs the folio's buffers (block_dirty_folio()).
    void folio_mark_dirty_from_zap() {
        if (param("reclaim") != 0) check(atomic_read(buffers_) != 0, "P3 buffers on folio_mark_dirty");
        test_and_set_bit(PG_dirty, flags_);
    }

    /// tlb_flush_mmu_tlbonly(): flush CPU1's TLB, synchronously (the handshake of kit 0.2),
    /// with the architecture's barriers for the flushing CPU (arm64's dsb(ish), x86's IPI).
    /// batched_flush=1 keeps only the handshake (flush_tlb_batched(), kit 0.2's flush with no
    /// ordering for the flusher): the brief's setting for "encode atomic_add_negative as
    /// MB; RMW; MB or the chain breaks" (brief 3.8), which audit then checks.
    void tlb_flush_mmu_tlbonly() {
        if (param("batched_flush") != 0)
            flush_tlb_batched({cpu1_});
        else
            flush_tlb_range({cpu1_});
    }

    /// A: zap_pte_range() -> zap_present_folio_ptes() for the one PTE, then the mmu_gather
    /// tail (tlb_flush_mmu_tlbonly(), tlb_flush_rmaps()), in the order the variant selects.
    void zap() {
        label("[A1] zap_pte_range: spin_lock(ptl)");
        spin_lock(ptl_);
        pteval_t old = 0;
        if (nonatomic_clear_) {
            // 3b: a non-atomic clear, "old = *ptep; pte_clear()" (what every unmap path avoids).
            label("[A2] old = ptep_get(pte) (non-atomic clear, step 1)");
            old = ptep_get(pte_);
            label("[A2'] pte_clear(pte) (non-atomic clear, step 2)");
            pte_clear(pte_);
        } else {
            label("[A2] zap_present_folio_ptes: get_and_clear_full_ptes()");
            old = ptep_get_and_clear(pte_, xchg_kind_);
        }
        const bool dirty = pte_dirty(old);
        if (dirty && !deferred_dirty_ && param("drop_a3") == 0) {
            // zap_present_folio_ptes(): if (pte_dirty(ptent)) folio_mark_dirty(folio), under PTL.
            label("[A3] folio_mark_dirty (under PTL)");
            folio_mark_dirty_from_zap();
        }
        if (rmap_early_) {
            // pre-6.2 zap_pte_range(): page_remove_rmap() right after clearing the PTE.
            label("[A4] page_remove_rmap (early, before the flush)");
            folio_remove_rmap_ptes();
        }
        if (flush_under_ptl_) {
            // force_flush: "Do the actual TLB flush before dropping ptl" (1cf35d47712d).
            label("[A5] tlb_flush_mmu_tlbonly (under PTL)");
            tlb_flush_mmu_tlbonly();
            if (!rmap_early_) {
                // v6.2+: delay_rmap -> tlb_flush_rmaps() after the flush, still under PTL.
                label("[A6] tlb_flush_rmaps: folio_remove_rmap_ptes (after the flush)");
                folio_remove_rmap_ptes();
            }
        }
        label("[A7] pte_unmap_unlock: spin_unlock(ptl)");
        spin_unlock(ptl_);
        if (!flush_under_ptl_) {
            // No force_flush: the flush comes with tlb_finish_mmu() after the PTL is dropped.
            label("[A8] tlb_flush_mmu: flush (after the PTL drop)");
            tlb_flush_mmu_tlbonly();
            if (dirty && deferred_dirty_) {
                // Linus' first idea: the dirty bit rides in the gather, set_page_dirty() runs
                // after the flush, "still before getting rid of the rmap".
                label("[A9] deferred folio_mark_dirty (after the flush)");
                folio_mark_dirty_from_zap();
            }
            if (!rmap_early_) {
                label("[A10] tlb_flush_rmaps: folio_remove_rmap_ptes (after the flush)");
                folio_remove_rmap_ptes();
            }
        }
    }

    /// B: user stores through CPU1's TLB, each one step under CPU1's insn mutex (kit 0.2).
    /// A fault ends B: the real write fault would go through page_mkwrite and re-dirty the
    /// folio before writing, so stopping there is sound (brief 3.4).
    void user() {
        const std::int64_t stores = param("stores");
        for (int k = 0; k < stores; ++k) {
            label("[B1] user store through the TLB (hardware dirty bit written through if D=0)");
            const TlbResult r = cpu1_.access(b_entry_, TlbAccessKind::Write, [this, k](unsigned) {
                if (check_p2_) {
                    // Brief 3.5's assert(!wb_clean || PG_dirty), with wb_clean read as the
                    // kernel records it (PG_writeback). One relaxed load of folio->flags: the
                    // property observes one state of the word, and a relaxed read creates no
                    // synchronisation (issue 11: the former wb_clean ghost was a second
                    // location read across threads).
                    const unsigned f = flags_.load(relaxed);
                    const bool cleaned = (f & (1U << PG_writeback)) != 0;
                    const bool dirty = (f & (1U << PG_dirty)) != 0;
                    check(!cleaned || dirty, "P2 mkclean contract");
                }
                data_.store(2 + k, relaxed);
            });
            if (!r.ok()) return;
        }
    }

    /// C: writeback of the locked folio: folio_clear_dirty_for_io(), then the I/O.
    void writeback() {
        label("[C0] folio_lock (writeback holds it throughout)");
        lock_page(folio_lock_);
        bool cleaned = false;
        // folio_mkclean(): if (!folio_mapped(folio)) return 0;
        label("[C1] folio_mkclean: folio_mapped()?");
        if (folio_mapped()) {
            // rmap_walk -> page_mkclean_one: page_vma_mapped_walk() with PVMW_SYNC takes the
            // PTL even when the PTE turns out to be none.
            label("[C2] page_vma_mapped_walk(PVMW_SYNC): spin_lock(ptl)");
            spin_lock(ptl_);
            const pteval_t e = ptep_get(pte_);
            // page_vma_mkclean_one(): if (!pte_dirty(entry) && !pte_write(entry)) continue;
            if (pte_present(e) && (pte_dirty(e) || pte_write(e))) {
                label("[C3] page_vma_mkclean_one: ptep_clear_flush");
                const pteval_t entry = ptep_get_and_clear(pte_, xchg_kind_);
                flush_tlb_range({cpu1_});  // flush_tlb_page() in ptep_clear_flush()
                label("[C4] page_vma_mkclean_one: set_pte_at(wrprotect, clean)");
                set_pte_at(pte_, pte_mkclean(pte_wrprotect(entry)));
                cleaned = true;
            }
            spin_unlock(ptl_);
        }
        if (cleaned && param("drop_c5") == 0) {
            // folio_clear_dirty_for_io(): if (folio_mkclean(folio)) folio_mark_dirty(folio);
            label("[C5] folio_mark_dirty (mkclean cleaned a PTE)");
            test_and_set_bit(PG_dirty, flags_);
        }
        label("[C6] folio_test_clear_dirty");
        if (test_and_clear_bit(PG_dirty, flags_)) {
            // ->writepage(): __folio_start_writeback() -> folio_test_set_writeback(), a fully
            // ordered test_and_set_bit(), before the bio is submitted.
            label("[C6a] folio_start_writeback: set PG_writeback");
            test_and_set_bit(PG_writeback, flags_);
            // The I/O reads the page after the dirty bit is cleared.
            label("[C7] writeback I/O: snapshot the page");
            const int snap = data_.load(relaxed);
            label("[C8] I/O completes: disk = snapshot");
            disk_.store(snap, relaxed);
            // folio_end_writeback() -> __folio_end_writeback() -> folio_xor_flags_has_waiters():
            // xor_unlock_is_negative_byte(), a RELEASE RMW clearing PG_writeback.
            label("[C8a] folio_end_writeback: clear PG_writeback (release)");
            clear_bit_unlock(PG_writeback, flags_);
        }
        label("[C9] folio_unlock");
        unlock_page(folio_lock_);
    }

    /// R: shrink_folio_list() for the file folio (brief 3.6, V2b extension).
    void reclaim() {
        label("[R1] shrink_folio_list: folio_trylock");
        if (!trylock_page(folio_lock_)) return;
        // A mapped folio goes to try_to_unmap(), which leaves it mapped here (the zap still
        // holds the mapping or its rmap); a dirty one goes to pageout(). Either way R backs off.
        label("[R2] folio_mapped() / folio_test_dirty()");
        if (!folio_mapped() && !test_bit(PG_dirty, flags_)) {
            // filemap_release_folio() frees the buffers; __remove_mapping()'s refcount freeze
            // then fails (the mmu_gather still holds a reference), so the folio stays cached.
            label("[R3] filemap_release_folio: buffers freed");
            atomic_set(buffers_, 0);
        }
        label("[R4] folio_unlock");
        unlock_page(folio_lock_);
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(
    ZapMkclean, "zap_mkclean",
    "Brief 03: zap_pte_range vs folio_mkclean/writeback with a stale TLB entry, and 3b (PTE clear vs hardware dirty bit)",
    ({{"V0", "v6.2+: dirty + TLB flush + rmap drop all under the PTL, rmap after the flush"},
      {"V1", "pre-6.2: rmap dropped before the flush (Nadav Amit's bug)"},
      {"V2", "Linus' first idea: deferred set_page_dirty after a flush outside the PTL, rmap late"},
      {"V2b", "deferred set_page_dirty and early rmap drop"},
      {"V3", "late rmap, dirty under the PTL, but the TLB flush after the PTL drop"},
      {"V4", "2014-era: dirty under the PTL, rmap early, flush after the PTL drop"},
      {"3b", "no write-notify: the PTE cleared by a load and a store, racing the hardware dirty bit"},
      {"3b-xchg", "no write-notify: the PTE cleared with ptep_get_and_clear()"}}),
    ({{"stores", 2, 1, 2, "user stores by B"},
      {"arm64", 1, 0, 1, "1: ptep_get_and_clear is xchg_relaxed (arm64); 0: fully ordered xchg (x86)"},
      {"reclaim", 0, 0, 1, "1: add the reclaim actor R and property P3"},
      {"batched_flush", 0, 0, 1, "1: zap's flush gives the flushing CPU no ordering (the handshake only, kit 0.2), to audit brief 3.8's fully ordered rmap drop; 0: synchronous flush_tlb_range with the architecture's barriers"},
      {"check_p2", 1, 0, 1, "0: do not check P2 (to look at P1 or P3 alone)"},
      {"pg_dirty", 1, 0, 1, "0: the folio starts clean, B's write recorded only in the PTE's dirty bit"},
      {"drop_a3", 0, 0, 1, "1: mutation (issue 11): zap without its folio_mark_dirty [A3]"},
      {"drop_c5", 0, 0, 1, "1: mutation (issue 11): writeback without re-dirtying after folio_mkclean [C5]"}}));
