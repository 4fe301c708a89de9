// SPDX-License-Identifier: MIT
/// \file Brief 05: reference pages (Peter Collingbourne, John Hubbard, 2020).
///
/// v1 (MAP_REFPAGE): refpage_fault() takes a reference with get_user_pages() (the checked
/// try_get_page()) and returns VM_FAULT_LOCKED without locking the page; the core maps it like
/// a file page, one reference and one _mapcount per PTE. v2 (zero-page-like): no per-PTE
/// reference or mapcount (vm_normal_page() returns NULL), lifetime from the struct file.
///
/// Groups of variants (brief 5.5):
///   V5.1, V5.2  the page-lock contract of VM_FAULT_LOCKED (__do_fault(), do_read_fault());
///   V5.3, V5.4  per-PTE counting with 3-bit wrapping counters (checked vs unchecked gets);
///   V5.5        v2 lifetime: munmap (zap + TLB flush, then fput) vs close() and a user CPU;
///               V5.5-fput-early drops the mapping's file reference before the TLB flush;
///   V5.6        v2 with GUP taking references on the refpage (checked try_grab, or not); GUP
///               runs under mmap_lock on the VMA, whose vm_file keeps the owner reference, and
///               its pins outlive munmap and close (the last put may be an unpin or ->release).
///
/// Properties: "P1 lock ownership" (inline, holders of the page lock), "P1 VM_FAULT_LOCKED page
/// locked" (the DEBUG_VM VM_BUG_ON_PAGE), "P2 mapcount truth" (final: PTEs map it =>
/// page_mapped()), "P3 no premature free" (inline at the free and at every access through a
/// TLB).
#include <mmcheck/ghost.hpp>
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <optional>
#include <string>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

constexpr unsigned PG_locked = 0;
constexpr unsigned kRefpagePfn = 3;

class Refpage final : public Model {
public:
    Refpage() {
        if (v2_lifetime_) u_entry_ = cpu1_.add_entry(pte_, PTE_NONE);
    }

    void threads() override {
        if (lock_group_) {
            thread("F refpage fault (CPU1)", [this] { refpage_fault_locked(); });
            if (param("lockers") >= 1) thread("M migration (CPU0)", [this] { page_lock_user("M"); });
            if (param("lockers") >= 2) thread("L reclaim (CPU2)", [this] { page_lock_user("L"); });
        } else if (count_group_) {
            thread("F refpage faults (CPU1)", [this] { refpage_faults(); });
            if (param("dups") > 0 || param("zaps") > 0) thread("D fork child (CPU2)", [this] { fork_dups(); });
        } else if (v2_lifetime_) {
            thread("U user (CPU1)", [this] { user(); });
            thread("M munmap (CPU0)", [this] { munmap(); });
            thread("C close(fd) (CPU2)", [this] { close_fd(); });
        } else {
            thread("G GUP (CPU1)", [this] { gup(); });
            thread("M munmap (CPU0)", [this] { munmap_vma_only(); });
            thread("C close(fd) (CPU2)", [this] { close_fd(); });
        }
    }

    void final() override {
        observe("ref", k3(ref_.load()));
        observe("mapcount", mapcount_.load());
        observe("ptes", ptes_.get());
        if (count_group_) {
            // page_mapped() is _mapcount >= 0; reclaim / rmap trust it.
            check(ptes_.get() == 0 || mapcount_.load() >= 0, "P2 mapcount truth");
        }
    }

private:
    // --- variants ---
    const bool lock_group_ = variant_is("V5.1") || variant_is("V5.2");
    const bool debug_vm_ = variant_is("V5.1");
    const bool count_group_ = variant_is("V5.3") || variant_is("V5.4");
    const bool dups_checked_ = variant_is("V5.3");
    const bool v2_lifetime_ = variant_is("V5.5") || variant_is("V5.5-fput-early");
    const bool fput_early_ = variant_is("V5.5-fput-early");

    // --- shared state (brief 5.2) ---
    /// page->_refcount as a 3-bit two's complement counter: the location holds the unbounded
    /// count and every kernel read of it sees the low 3 bits (k3()). Wrapping commutes with
    /// addition, so the kernel code reads exactly what a 3-bit counter would give it, and the
    /// value each RMW returns is also the true number of references at that point of the
    /// counter's modification order: P3 needs no ghost (issue 11: the "true refs" ghost was
    /// an atomic read across threads, which can carry ordering).
    atomic<int> ref_{"refpage->_refcount (unbounded; the kernel sees 3 bits)", 1};
    /// page->_mapcount as a 3-bit two's complement counter.
    narrow_signed_counter<3> mapcount_{"refpage->_mapcount", -1};
    atomic<unsigned> flags_{"refpage->flags", 0U};
    spinlock_t ptl_{"ptl"};
    /// Ghost (ghost.hpp: no events, read in final() only): PTEs mapping the page.
    ghost<int> ptes_{"ptes", 0};
    /// Page-lock protected data (e.g. page->private of a page under migration), a plain C
    /// field: two holders at once, or a lock whose acquire/release does not order the
    /// critical sections, is a data race on it (issue 11: a ghost "holders" count checked
    /// only mutual exclusion, so relaxing the lock's orders survived).
    var<int> locked_data_{"refpage->private (page-lock protected)", 0};
    /// v2: the page's memory. __free_page() gives it back to the buddy allocator, which
    /// reuses it (kPoison); a user access through a stale TLB entry reads it.
    atomic<int> contents_{"refpage contents", kContents};
    static constexpr int kContents = 1;
    static constexpr int kPoison = -1;
    /// The kernel's view of the 3-bit refcount.
    static int k3(int v) { return static_cast<int>(ValueType{3, true}.normalize(v)); }
    /// v2: the struct file's reference (fd + the mapping's vm_file), an atomic_long.
    atomic<long> file_ref_{"file->f_count", 2};
    Pte pte_{"pte", PTE_NONE};
    Tlb cpu1_{"CPU1"};
    std::size_t u_entry_ = 0;
    mutex mmap_lock_{"mmap_lock"};
    atomic<int> vma_{"vma present", 1};

    // --- page lock as the PG_locked bit, so that VM_BUG_ON_PAGE(!PageLocked) can read it ---

    /// lock_page(): test_and_set_bit_lock(PG_locked) until it succeeds. A failed attempt has
    /// no effect, so the wait is an assume on success (GenMC's spin-assume).
    void lock_page_bit() {
        assume(!test_and_set_bit_lock(PG_locked, flags_));
    }
    /// unlock_page(): clear_bit_unlock(PG_locked), whoever holds it.
    void unlock_page_bit() { clear_bit_unlock(PG_locked, flags_); }

    /// try_get_page() (2019): WARN_ON_ONCE(page_ref_count(page) <= 0) -> fail; page_ref_inc().
    /// The check and the increment are separate steps, as in the kernel.
    bool try_get_page() {
        if (k3(atomic_read(ref_)) <= 0) return false;
        atomic_inc(ref_);
        return true;
    }
    /// get_page(): unchecked increment (only a DEBUG_VM check in the kernel).
    void get_page() {
        atomic_inc(ref_);
    }
    /// put_page(): put_page_testzero() is atomic_dec_and_test() of the 3-bit counter: a fully
    /// ordered decrement (atomic_dec_return here, the same MB; RMW; MB) whose new value the
    /// kernel tests for 0 in 3 bits; then free.
    void put_page() {
        const int left = atomic_dec_return(ref_);
        if (k3(left) == 0) free_page(left);
    }
    /// __free_page(): nothing may still reference, map or cache the page. `left` is the true
    /// count the freeing decrement left (unbounded).
    void free_page(int left) {
        label("[P] refcount hit 0: free the refpage");
        check(left == 0, "P3 no premature free");
        if (v2_lifetime_) check(pte_none(ptep_get(pte_)), "P3 no premature free");
        contents_.store(kPoison, relaxed);
    }

    // --- V5.1 / V5.2: the VM_FAULT_LOCKED contract ---

    /// F: refpage_fault() then __do_fault() / do_read_fault() / finish_fault().
    void refpage_fault_locked() {
        label("[F1] refpage_fault: get_user_pages (try_get_page)");
        if (!try_get_page()) return;  // VM_FAULT_SIGSEGV
        if (param("handler_locks") != 0) {
            // What the VM_FAULT_LOCKED contract asks of the handler (the control).
            label("[F1'] lock_page before returning VM_FAULT_LOCKED");
            lock_page_bit();
        }
        // returns VM_FAULT_LOCKED; __do_fault(): VM_BUG_ON_PAGE(!PageLocked(vmf->page)).
        if (debug_vm_) {
            label("[F2] __do_fault: VM_BUG_ON_PAGE(!PageLocked)");
            check(test_bit(PG_locked, flags_), "P1 VM_FAULT_LOCKED page locked");
        }
        label("[F3] finish_fault: map the PTE under the PTL");
        spin_lock(ptl_);
        atomic_inc_and_test(mapcount_);  // page_add_file_rmap()
        ptes_.add(1);
        spin_unlock(ptl_);
        label("[F4] do_read_fault: unlock_page");
        unlock_page_bit();
    }

    /// M, L: other users of the page lock (migration, reclaim of the source page).
    void page_lock_user(const char* who) {
        label(std::string("[") + who + "1] lock_page");
        lock_page_bit();
        label(std::string("[") + who + "2] inside the page-lock critical section: page->private");
        const int before = locked_data_.get();
        check(before == 0, "P1 lock ownership");
        locked_data_.set(1);
        locked_data_.set(0);
        label(std::string("[") + who + "3] unlock_page");
        unlock_page_bit();
    }

    // --- V5.3 / V5.4: per-PTE counting ---

    /// F_i: the v1 refpage fault, once per PTE (sequential faults of one thread).
    void refpage_faults() {
        for (std::int64_t i = 0; i < param("faults"); ++i) {
            label("[F1] refpage_fault: get_user_pages -> try_get_page (checked)");
            if (!try_get_page()) return;  // VM_FAULT_SIGSEGV: a DoS, not corruption
            label("[F3] finish_fault: spin_lock(ptl); page_add_file_rmap; set_pte");
            spin_lock(ptl_);
            atomic_inc_and_test(mapcount_);
            ptes_.add(1);
            spin_unlock(ptl_);
        }
    }

    /// D_i: fork copying the refpage's PTE into the child (copy_present_pte(): get_page() and
    /// page_dup_file_rmap(), an unordered atomic_inc), then Z: the child unmaps one PTE.
    void fork_dups() {
        for (std::int64_t i = 0; i < param("dups"); ++i) {
            label(dups_checked_ ? "[D1] fork: try_get_page (checked)" : "[D1] fork: get_page (unchecked)");
            if (dups_checked_) {
                if (!try_get_page()) return;
            } else {
                get_page();
            }
            label("[D2] fork: page_dup_file_rmap");
            atomic_inc(mapcount_);
            ptes_.add(1);
        }
        for (std::int64_t i = 0; i < param("zaps"); ++i) {
            label("[Z1] zap_pte_range: page_remove_rmap");
            ptes_.add(-1);
            atomic_add_negative(-1, mapcount_);
            label("[Z2] tlb_finish_mmu: put_page");
            put_page();
        }
    }

    // --- V5.5: v2 lifetime from the struct file ---

    /// U: a user CPU reading the refpage mapping; a miss faults into do_anonymous_page(),
    /// which maps pte_mkspecial(refpage) for a read fault, then the access is retried.
    void user() {
        for (int attempt = 0; attempt < 2; ++attempt) {
            label("[U1] user load through the TLB");
            const TlbResult r = cpu1_.access(u_entry_, TlbAccessKind::Read, [this](unsigned) {
                check(contents_.load(relaxed) != kPoison, "P3 no premature free");
            });
            if (r.ok()) return;
            label("[U2] do_anonymous_page (read fault): mmap_read_lock");
            mmap_lock_.lock();
            bool mapped = false;
            if (vma_.load(relaxed) != 0) {
                spin_lock(ptl_);
                if (pte_none(ptep_get(pte_))) {
                    label("[U3] set_pte_at(pte_mkspecial(refpage))");
                    set_pte_at(pte_, pfn_pte(kRefpagePfn, false));
                }
                spin_unlock(ptl_);
                mapped = true;
            }
            mmap_lock_.unlock();
            if (!mapped) return;  // SIGSEGV: the VMA is gone
        }
    }

    /// M: munmap(): detach the VMA, zap (vm_normal_page() is NULL: no ref, no mapcount),
    /// tlb_finish_mmu() flushes, then remove_vma() -> fput().
    void munmap() {
        label("[M1] munmap: mmap_write_lock; detach the VMA");
        mmap_lock_.lock();
        vma_.store(0, relaxed);
        label("[M2] zap_pte_range: ptep_get_and_clear (special PTE)");
        spin_lock(ptl_);
        ptep_get_and_clear(pte_, PteXchg::Relaxed);
        spin_unlock(ptl_);
        if (fput_early_) {
            label("[M4] fput (before the flush: V5.5-fput-early)");
            fput();
        }
        label("[M3] tlb_finish_mmu: flush_tlb_range");
        flush_tlb_range({cpu1_});
        if (!fput_early_) {
            label("[M4] remove_vma: fput");
            fput();
        }
        mmap_lock_.unlock();
    }

    /// M (V5.6): munmap() with no PTE or TLB state modelled (GUP's references do not depend
    /// on them): detach the VMA under mmap_write_lock, then remove_vma() -> fput(vm_file).
    void munmap_vma_only() {
        label("[M1] munmap: mmap_write_lock; detach the VMA");
        mmap_lock_.lock();
        vma_.store(0, relaxed);
        label("[M4] remove_vma: fput");
        fput();
        mmap_lock_.unlock();
    }

    /// fput(): the last reference runs ->release(), which put_page()s the refpage.
    void fput() {
        if (atomic_dec_and_test(file_ref_)) {
            label("[R1] refpage release: put_page(refpage)");
            put_page();
        }
    }

    /// C: close(fd) drops the file descriptor's reference (v2: V5.5 and V5.6).
    void close_fd() {
        label("[C1] close: fput");
        fput();
    }

    // --- V5.6: GUP references on the refpage ---

    /// G: __get_user_pages() under mmap_read_lock on a VMA found by find_vma(); the VMA's
    /// vm_file holds the file, which holds the owner reference, so the page cannot be freed
    /// under GUP's check-then-increment. follow_page_pte() returns the refpage like the zero
    /// page and GUP takes a reference (try_grab_folio(): checked, or a plain get with
    /// gup_checked=0); after mmap_read_unlock the caller unpins them all (unpin_user_pages()),
    /// possibly after munmap and close.
    void gup() {
        int got = 0;
        label("[G0] get_user_pages: mmap_read_lock; find_vma");
        mmap_lock_.lock();
        if (vma_.load(relaxed) != 0) {
            for (std::int64_t i = 0; i < param("gups"); ++i) {
                label("[G1] follow_page_pte: try_grab_folio");
                if (param("gup_checked") != 0) {
                    if (!try_get_page()) break;  // saturated: GUP fails
                } else {
                    get_page();
                }
                ++got;
            }
        }
        mmap_lock_.unlock();
        for (int i = 0; i < got; ++i) {
            label("[G2] unpin_user_page: put_page");
            put_page();
        }
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(
    Refpage, "refpage",
    "Brief 05: reference pages v1 (VM_FAULT_LOCKED, per-PTE counting with 3-bit wrapping counters) and v2 (zero-page-like)",
    ({{"V5.1", "v1: VM_FAULT_LOCKED without locking, DEBUG_VM on"},
      {"V5.2", "v1: VM_FAULT_LOCKED without locking, DEBUG_VM off, other page-lock users"},
      {"V5.3", "v1: every increment through the checked try_get_page (faults and fork)"},
      {"V5.4", "v1 plus the unchecked fork path (get_page + page_dup_file_rmap)"},
      {"V5.5", "v2: zero-page-like refpage, lifetime from the struct file"},
      {"V5.5-fput-early", "v2 with munmap dropping the file reference before the TLB flush"},
      {"V5.6", "v2 with GUP (under mmap_lock) taking references on the refpage, vs munmap and close"}}),
    ({{"lockers", 0, 0, 2, "V5.1/V5.2: other page-lock users"},
      {"handler_locks", 0, 0, 1, "V5.1/V5.2: 1 = the fault handler locks the page before VM_FAULT_LOCKED"},
      {"faults", 5, 0, 5, "V5.3/V5.4: refpage faults (checked)"},
      {"dups", 0, 0, 8, "V5.3/V5.4: fork PTE copies"},
      {"zaps", 0, 0, 1, "V5.3/V5.4: PTEs unmapped by the fork child"},
      {"gups", 5, 0, 8, "V5.6: GUP references taken"},
      {"gup_checked", 1, 0, 1, "V5.6: 1 = try_grab_folio refuses a non-positive refcount"}}));
