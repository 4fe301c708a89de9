// SPDX-License-Identifier: MIT
/// \file Brief 01 (protocols/01-page-tail.md): compound_head() on a tail page P racing with
/// split, free and reuse of its compound page.
///
/// One tail page P of a compound page A; a second compound page B can reuse P after it is
/// freed. Two generations of the encoding are modelled:
///  * legacy (2011-2015): PG_tail (`T`, a bit of P->flags, kept as its own location) and
///    P->first_page (`F`, in a union with private/ptl/slab_cache, so it can hold garbage);
///  * current (1d798ca3f164, v4.4 to today): one word P->compound_head (`W`), bit 0 = tail,
///    the rest the head pointer; it overlays lru.next and the buddy/pcp list links.
///
/// Threads: R, the reader (a physical scanner holding no reference, or GUP-fast's
/// try_get_folio()), and W, the owner of the compound page followed by the page allocator.
/// The variant picks the code of each; see the table in the brief (section 1.5).
///
/// Properties (brief 1.4):
///  * "P1 no garbage head": compound_head(P) returns P, A or B, never NULL/garbage;
///  * "P1b PageTail implies a head other than P": the caller of V1.8 relies on it;
///  * "P2 reference pins the folio": once try_get_folio() returned f, P is still part of f
///    and f is allocated, for as long as the reference is held;
///  * "P4 non-tail page has its own flags": a reader that decides "not a tail" from
///    compound_head and then reads P->flags must see the flags the split copied in.
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

// "Addresses" of struct pages and other values of the modelled words. Heads are even, so
// head|1 is the tail encoding of the current scheme.
constexpr int k_null = 0;
constexpr int k_page_p = 0x10;   // the tail page P itself
constexpr int k_page_a = 0x20;   // its compound head A
constexpr int k_page_b = 0x30;   // the head of a later compound page B that reuses P
constexpr int k_list = 0x40;     // an (even) buddy/pcp list pointer overlaying compound_head
constexpr int k_garbage = 0x70;  // slab_cache/private/mapping bits overlaying first_page
constexpr int k_odd_junk = 0x51; // a union user that sets bit 0 of the word (V1.7): X|1, X not a head
constexpr int k_none = -1;       // try_get_folio() failed

// Flag values of P->flags for V1.11: the stale tail-page flags and the head's flags copied in
// by the split (e.g. PG_lru).
constexpr int k_tail_flags = 0;
constexpr int k_head_flags = 1;

bool is_page(int h) { return h == k_page_p || h == k_page_a || h == k_page_b; }

class PageTail : public Model {
public:
    void threads() override {
        thread("R (reader)", [this] { reader(); });
        thread("W (owner / allocator)", [this] { writer(); });
        if (spec_) thread("S (speculative getter)", [this] { speculative_getter(); });
    }

    void final() override {
        observe("R:head", r_head_);
        observe("R:head2", r_head2_);
        observe("P->compound_head", compound_head_.load());
    }

private:
    /// spec=1: a third CPU takes a speculative reference on P by pfn and drops it.
    const bool spec_ = param("spec") != 0;

    // ---- registers of R, for the outcome table ----
    int r_head_ = k_none;   // what compound_head()/try_get_folio() returned
    int r_head2_ = k_none;  // R's later look (P2) or second compound_head() call

    // ---- legacy encoding: P->flags PG_tail and P->first_page ----
    // V1.2 and V1.5 start from a free page P that prep_compound_page() makes a tail of B;
    // the other legacy variants from P a tail of A.
    bool starts_free() const { return variant_is("V1.2") || variant_is("V1.5"); }
    atomic<bool> tail_{"P->flags:PG_tail", !starts_free()};
    atomic_t first_page_{"P->first_page", starts_free() ? k_null : k_page_a};
    // ---- current encoding: P->compound_head ----
    atomic_t compound_head_{"P->compound_head", k_page_a | 1};
    // ---- the rest of P->flags (V1.11 family) ----
    atomic_t flags_{"P->flags", k_tail_flags};
    // ---- reference counts; tail pages keep 0 ----
    atomic_t ref_a_{"A->_refcount", 1};  // the owner's reference
    atomic_t ref_p_{"P->_refcount", 0};
    atomic_t ref_b_{"B->_refcount", 1};  // B is allocated by someone else already
    // ---- page memory: false once the buddy allocator has the page (free_pages_prepare()
    // and the buddy list reuse the struct page; a user of a freed page reads that). Not a
    // ghost: a relaxed location the memory model governs like any other (issue 11). ----
    atomic<bool> alive_a_{"A allocated (struct page memory)", true};
    atomic<bool> alive_p_{"P allocated (struct page memory)", true};
    atomic<bool> alive_b_{"B allocated (struct page memory)", true};

    const atomic_t& ref_of(int page) const {
        if (page == k_page_a) return ref_a_;
        if (page == k_page_b) return ref_b_;
        return ref_p_;
    }
    const atomic<bool>& alive_of(int page) const {
        if (page == k_page_a) return alive_a_;
        if (page == k_page_b) return alive_b_;
        return alive_p_;
    }

    // ================================ readers ================================

    /// S: a pfn walker (e.g. compaction's isolate_migratepages_block(), or
    /// folio_get_nontail_page()) holding no reference: get_page_unless_zero(P), then
    /// put_page(P), which puts page_folio(P), read afresh. It is why the split clears
    /// PageTail before unfreezing P ("Clear PageTail before unfreezing page refcount",
    /// __split_huge_page_tail()): the get succeeds only after the unfreeze, and must then
    /// find P its own head, or its put lands on A.
    void speculative_getter() {
        label("[S-1] get_page_unless_zero(P)");
        if (!atomic_inc_not_zero(ref_p_)) return;
        label("[S-2] put_page(P): folio_put(page_folio(P))");
        folio_put(compound_head_bit0());
    }

    /// Pre-2014 compound_head(): single PageTail check, then first_page.
    int compound_head_single() {
        label("[R1] t = PageTail(P)");
        const bool t = READ_ONCE(tail_);  // test_bit(PG_tail): RLX
        if (!t) return k_page_p;
        label("[R2] h = P->first_page");
        return READ_ONCE(first_page_);
    }

    /// compound_head() of 668f9abbd433 (2014), Andrea's compound_trans_head() pattern:
    /// PageTail, first_page, smp_rmb(), PageTail again.
    int compound_head_double(bool with_rmb) {
        label("[R1] t1 = PageTail(P)");
        const bool t1 = READ_ONCE(tail_);
        if (!t1) return k_page_p;
        // Ordered after t1 only by the control dependency, which orders no load (V1.5).
        label("[R2] h = P->first_page");
        const int h = READ_ONCE(first_page_);
        if (with_rmb) smp_rmb();
        label("[R3] t2 = PageTail(P)");
        const bool t2 = READ_ONCE(tail_);
        return t2 ? h : k_page_p;
    }

    /// _compound_head() / page_folio() since 1d798ca3f164: one READ_ONCE of the word.
    /// `mo` is acquire where the model then dereferences the head (the kernel's address
    /// dependency, which C++ relaxed does not give: stronger than the kernel, kit 0.4.1).
    int compound_head_bit0(std::memory_order mo = relaxed) {
        const int v = compound_head_.load(mo);
        return (v & 1) != 0 ? v - 1 : k_page_p;
    }

    /// folio_put(): atomic_dec_and_test, and free to the buddy allocator on zero.
    bool folio_put(int page) {
        if (spec_) {
            // With the speculative getter (spec=1), DEBUG_VM's VM_BUG_ON_PAGE(page_ref_count
            // == 0) in put_page_testzero(): the same fully ordered decrement, whose new
            // value is tested for a put on a zero refcount as well as for 0.
            const int left = atomic_dec_return(ref_of(page));
            check(left >= 0, "P5 no put on a zero refcount");
            if (left != 0) return false;
        } else if (!atomic_dec_and_test(ref_of(page))) {
            return false;
        }
        WRITE_ONCE(alive_of(page), false);  // ghost: the page went back to the buddy allocator
        return true;
    }

    /// try_get_folio() in mm/gup.c (Jann Horn's 2021 fix adds the re-check).
    int try_get_folio(bool recheck) {
        for (;;) {
            label("[R1] folio = page_folio(page)");
            const int f = compound_head_bit0(acquire);
            label("[R2] folio_ref_try_add(folio, 1)");
            // atomic_add_unless(&ref, 1, 0): fully ordered on success, never 0 -> 1 (P3).
            if (!atomic_inc_not_zero(ref_of(f))) return k_none;
            if (!recheck) return f;  // pre-2021 try_grab_compound_head()
            label("[R3] re-check page_folio(page) == folio");
            if (compound_head_bit0(acquire) == f) return f;
            label("[R4] folio_put(folio); retry");
            folio_put(f);
        }
    }

    void reader() {
        if (variant_is("V1.1") || variant_is("V1.2")) {
            const int h = compound_head_single();
            label("[R9] page_count(h) dereferences h");
            check(is_page(h), "P1 no garbage head");
        } else if (variant_is("V1.3") || variant_is("V1.3-no-rmb") || variant_is("V1.3-no-wmb") ||
                   variant_is("V1.4") || variant_is("V1.5")) {
            const int h = compound_head_double(!variant_is("V1.3-no-rmb"));
            label("[R9] page_count(h) dereferences h");
            check(is_page(h), "P1 no garbage head");
        } else if (variant_is("V1.6") || variant_is("V1.7")) {
            // A physical scanner calling compound_head() on P twice (e.g. two pfn walks).
            for (int i = 0; i < 2; ++i) {
                label("[R1] v = READ_ONCE(P->compound_head)");
                const int h = compound_head_bit0();
                label("[R9] page_count(h) dereferences h");
                check(is_page(h), "P1 no garbage head");
            }
        } else if (variant_is("V1.8")) {
            // "if (PageTail(p)) h = compound_head(p)": two separate READ_ONCEs of the word.
            label("[R1] PageTail(P): READ_ONCE(P->compound_head) & 1");
            if ((READ_ONCE(compound_head_) & 1) != 0) {
                label("[R2] h = compound_head(P): READ_ONCE(P->compound_head)");
                const int h = compound_head_bit0();
                check(h != k_page_p, "P1b PageTail implies a head other than P");
            }
        } else if (variant_is("V1.9") || variant_is("V1.10")) {
            const int f = try_get_folio(variant_is("V1.10"));
            r_head_ = f;
            if (f == k_none) return;  // GUP-fast falls back to the slow path
            // P2: the caller uses the reference as a pin on page P's folio.
            label("[R5] use the pin: page_folio(page) == folio, folio allocated");
            const int h = compound_head_bit0(acquire);
            r_head2_ = h;
            const bool alive = READ_ONCE(alive_of(f));
            check(h == f && alive, "P2 reference pins the folio");
            label("[R6] folio_put(folio)");
            folio_put(f);
        } else if (variant_is("V1.11d")) {
            // Reference first (folio_get_nontail_page = get_page_unless_zero(P), fully
            // ordered): only succeeds once P is no longer a tail (tails keep refcount 0).
            label("[R0] get_page_unless_zero(P)");
            if (!atomic_inc_not_zero(ref_p_)) return;
            label("[R1] v = READ_ONCE(P->compound_head)");
            if ((READ_ONCE(compound_head_) & 1) == 0) {
                label("[R2] read P->flags (e.g. PageLRU)");
                check(READ_ONCE(flags_) == k_head_flags, "P4 non-tail page has its own flags");
            }
        } else {
            // V1.11, V1.11b, V1.11c: compound_head() then P's own flags, no reference.
            label("[R1] v = READ_ONCE(P->compound_head)");
            if ((READ_ONCE(compound_head_) & 1) == 0) {
                if (variant_is("V1.11c")) smp_rmb();
                // V1.11/V1.11b: only a control dependency from the word to this load.
                label("[R2] read P->flags (e.g. PageLRU)");
                check(READ_ONCE(flags_) == k_head_flags, "P4 non-tail page has its own flags");
            }
        }
    }

    // ================================ writers ================================

    /// __split_huge_page_refcount() (2014), per tail: clear PageTail before the union reuse.
    void split_2014(bool with_wmb) {
        label("[W1] __ClearPageTail(P): T = 0");
        WRITE_ONCE(tail_, false);
        if (with_wmb) smp_wmb();
        label("[W2] union reuse: P->first_page = GARBAGE");
        WRITE_ONCE(first_page_, k_garbage);
    }

    /// Legacy free of the compound page (put_page -> free_pages, union reused by the
    /// allocator/slab).
    void free_legacy() {
        label("[W1] free: __ClearPageTail(P): T = 0");
        WRITE_ONCE(tail_, false);
        label("[W2] free: union reused, P->first_page = NULL");
        WRITE_ONCE(first_page_, k_null);
    }

    /// prep_compound_page(B) for tail P: pre-2014 order (tail bit first, no barrier) or the
    /// 668f9abbd433 order (first_page, smp_wmb, tail bit).
    void prep_legacy(bool fixed_order) {
        if (fixed_order) {
            label("[W3] prep_compound_page(B): P->first_page = B");
            WRITE_ONCE(first_page_, k_page_b);
            smp_wmb();
            label("[W4] prep_compound_page(B): __SetPageTail(P)");
            WRITE_ONCE(tail_, true);
        } else {
            label("[W3] prep_compound_page(B) (pre-2014): __SetPageTail(P)");
            WRITE_ONCE(tail_, true);
            label("[W4] prep_compound_page(B) (pre-2014): P->first_page = B");
            WRITE_ONCE(first_page_, k_page_b);
        }
    }

    /// __split_huge_page_tail() / __split_folio_to_order() (mm/huge_memory.c) for tail P,
    /// after folio_ref_freeze(A). Returns false when the freeze fails (split aborted).
    bool split_today(bool with_wmb, bool freeze) {
        if (freeze) {
            label("[S1] folio_ref_freeze(A, 1)");  // cmpxchg of the head refcount to 0
            if (atomic_cmpxchg(ref_a_, 1, 0) != 1) return false;
        }
        label("[S2] copy head flags to P->flags");
        WRITE_ONCE(flags_, k_head_flags);
        // "Page flags must be visible before we make the page non-compound."
        if (with_wmb) smp_wmb();
        if (param("unfreeze_first") != 0) {
            // Mutation (issue 11): S3 and S4 swapped.
            label("[S4] page_ref_unfreeze(P, 1) (before S3: mutation)");
            atomic_set_release(ref_p_, 1);
            label("[S3] clear_compound_head(P)");
            WRITE_ONCE(compound_head_, 0);
        } else {
            label("[S3] clear_compound_head(P)");
            WRITE_ONCE(compound_head_, 0);
            // "Clear PageTail before unfreezing page refcount."
            label("[S4] page_ref_unfreeze(P, 1)");
            atomic_set_release(ref_p_, 1);
        }
        if (freeze) {
            label("[S5] page_ref_unfreeze(A, 1)");
            atomic_set_release(ref_a_, 1);
        }
        return true;
    }

    void writer() {
        if (variant_is("V1.1") || variant_is("V1.3") || variant_is("V1.3-no-rmb")) {
            split_2014(true);
        } else if (variant_is("V1.3-no-wmb")) {
            split_2014(false);
        } else if (variant_is("V1.2")) {
            prep_legacy(false);
        } else if (variant_is("V1.4")) {
            free_legacy();
            prep_legacy(true);
        } else if (variant_is("V1.5")) {
            prep_legacy(true);
        } else if (variant_is("V1.6")) {
            // Split (today), the owner frees P, the allocator reuses it as a tail of B.
            if (!split_today(true, true)) return;
            label("[W5] put_page(P) -> free: buddy list link overlays compound_head");
            if (folio_put(k_page_p)) {
                WRITE_ONCE(compound_head_, k_list);
                label("[W6] prep_compound_page(B): set_compound_head(P, B)");
                WRITE_ONCE(compound_head_, k_page_b | 1);
            }
        } else if (variant_is("V1.7")) {
            label("[W1] free: clear_compound_head(P) (free_tail_page_prepare)");
            WRITE_ONCE(compound_head_, 0);
            label("[W2] another union user stores X|1 (breaks the bit-0 rule)");
            WRITE_ONCE(compound_head_, k_odd_junk);
        } else if (variant_is("V1.8")) {
            split_today(true, false);
        } else if (variant_is("V1.9") || variant_is("V1.10")) {
            // Split A, the owner drops its references, P is freed and reused by B.
            if (!split_today(true, true)) return;
            label("[W5] put_page(A)");
            folio_put(k_page_a);
            label("[W6] put_page(P)");
            if (folio_put(k_page_p)) {
                label("[W7] free P: buddy list link overlays compound_head");
                WRITE_ONCE(compound_head_, k_list);
                label("[W8] prep_compound_page(B): set_compound_head(P, B)");
                WRITE_ONCE(compound_head_, k_page_b | 1);
                WRITE_ONCE(alive_p_, true);  // ghost: P is allocated again (as part of B)
            }
        } else if (variant_is("V1.11") || variant_is("V1.11d")) {
            split_today(false, false);
            if (spec_) {
                // The owner's reference on A goes once it is done with the split.
                label("[W5] put_page(A)");
                folio_put(k_page_a);
            }
        } else {  // V1.11b, V1.11c
            split_today(true, false);
        }
    }

};

}  // namespace

MMCHECK_REGISTER_MODEL(
    PageTail, "page_tail",
    "compound_head() on a tail page racing with split, free and reuse (brief 01)",
    ({{"V1.1", "R-single x W-split-2014: single PageTail check reads garbage first_page"},
      {"V1.2", "R-single x pre-2014 prep_compound_page (tail bit set before first_page)"},
      {"V1.3", "R-double (with smp_rmb) x W-split-2014 (with smp_wmb): MP, safe"},
      {"V1.3-no-rmb", "V1.3 without the reader's smp_rmb (V1.3' of appendix A)"},
      {"V1.3-no-wmb", "V1.3 without the splitter's smp_wmb"},
      {"V1.4", "R-double x free -> prep_compound_page(B): the ABA of Hugh's worry"},
      {"V1.5", "R-double x 2014 prep_compound_page(B) only: control dependency t1->h"},
      {"V1.6", "R-bit0 x split-today, free, prep(B): every odd value is head+1"},
      {"V1.7", "R-bit0 x a union user storing an odd non-head value"},
      {"V1.8", "PageTail(p) then compound_head(p) as two separate READ_ONCEs"},
      {"V1.9", "try_get_folio without the re-check (pre-2021) x split, free, reuse"},
      {"V1.10", "try_get_folio with the re-check x split, free, reuse"},
      {"V1.11", "split-today without smp_wmb; reader compound_head then P->flags"},
      {"V1.11b", "split-today with smp_wmb; reader with only a control dependency"},
      {"V1.11c", "split-today with smp_wmb; reader with smp_rmb between the loads"},
      {"V1.11d", "split-today without smp_wmb; reader takes get_page_unless_zero(P) first"}}),
    ({{"spec", 0, 0, 1, "1: add S, a speculative get_page_unless_zero(P) + put_page(P) (V1.10, V1.11d), and DEBUG_VM's zero-refcount check in put_page_testzero()"},
      {"unfreeze_first", 0, 0, 1, "1: mutation (issue 11): the split unfreezes P's refcount before clearing its compound_head (S3 and S4 swapped)"}}));
