// SPDX-License-Identifier: MIT
/// \file seqcount readers against a writer (issue 10): the zone span seqlock of
/// include/linux/memory_hotplug.h, read by page_outside_zone_boundaries() (mm/page_alloc.c)
/// while memory hotplug resizes the zone (resize_zone_range() in mm/memory_hotplug.c):
///
///     writer (zone_span_writelock = write_seqlock(&zone->span_seqlock)):
///         zone->zone_start_pfn = start_pfn;  zone->spanned_pages = end_pfn - start_pfn;
///     reader:
///         do {
///             seq = zone_span_seqbegin(zone);       // read_seqbegin: begin + smp_rmb
///             start_pfn = zone->zone_start_pfn;
///             sp = zone->spanned_pages;
///         } while (zone_span_seqretry(zone, seq)); // read_seqretry: smp_rmb + recheck
///
/// Here the writer moves the zone's start from pfn 0 to pfn 4 keeping its end at pfn 8
/// (spanned 8 -> 4). A reader that accepts a pair must see start + spanned == 8: either the
/// old pair or the new one ("zone span read is not torn"). A reader whose retry fails stops
/// (the next attempt is the same race again).
///
/// Variants: ok; no-begin-rmb (raw __read_seqcount_begin without its smp_rmb: the data loads
/// may be satisfied before the sequence load); no-retry-rmb (__read_seqcount_retry without
/// the smp_rmb); no-retry (the reader does not recheck the sequence). Each broken variant is a
/// torn read under both models; `readers` runs one or two readers.
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <string>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

class ZoneSpanSeq final : public Model {
public:
    void threads() override {
        thread("W memory hotplug resize_zone_range (CPU0)", [this] { writer(); });
        for (int i = 1; i <= param("readers"); ++i)
            thread("R" + std::to_string(i) + " page_outside_zone_boundaries (CPU" + std::to_string(i) + ")",
                   [this] { reader(); });
    }

private:
    const bool begin_rmb_ = !variant_is("no-begin-rmb");
    const bool retry_rmb_ = !variant_is("no-retry-rmb");
    const bool retry_ = !variant_is("no-retry");

    spinlock_t lock_{"zone->span_seqlock.lock"};
    seqcount_t seq_{"zone->span_seqlock.seqcount"};
    atomic<unsigned> start_pfn_{"zone->zone_start_pfn", 0u};
    atomic<unsigned> spanned_{"zone->spanned_pages", 8u};

    void writer() {
        label("[W1] write_seqlock");
        spin_lock(lock_);
        write_seqcount_begin(seq_);
        label("[W2] resize_zone_range");
        WRITE_ONCE(start_pfn_, 4u);
        WRITE_ONCE(spanned_, 4u);
        label("[W3] write_sequnlock");
        write_seqcount_end(seq_);
        spin_unlock(lock_);
    }

    void reader() {
        label("[R1] zone_span_seqbegin");
        const unsigned s = begin_rmb_ ? read_seqcount_begin(seq_) : __read_seqcount_begin(seq_);
        label("[R2] read start and span");
        const unsigned start = READ_ONCE(start_pfn_);
        const unsigned sp = READ_ONCE(spanned_);
        if (retry_) {
            label("[R3] zone_span_seqretry");
            const bool retry = retry_rmb_ ? read_seqcount_retry(seq_, s) : __read_seqcount_retry(seq_, s);
            if (retry) return;
        }
        check(start + sp == 8u, "zone span read is not torn");
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(ZoneSpanSeq, "seqcount", "seqcount: zone span seqlock readers against memory hotplug",
                       ({{"ok", "read_seqcount_begin / read_seqcount_retry as in the kernel"},
                         {"no-begin-rmb", "the reader's begin without smp_rmb"},
                         {"no-retry-rmb", "the reader's retry without smp_rmb"},
                         {"no-retry", "the reader does not recheck the sequence"}}),
                       ({{"readers", 1, 1, 2, "reader threads"}}));
