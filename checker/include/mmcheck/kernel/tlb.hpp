// SPDX-License-Identifier: MIT
/// \file A per-CPU TLB (modelling kit 0.2): cached copies of PTEs that a user CPU uses without
/// touching memory, the hardware dirty-bit update that is written through to the in-memory PTE
/// and faults when the PTE is no longer present and writable, and the TLB flush as a
/// handshake with each target CPU (the IPI / TLBI+DSB), plus the IRQ-disabled sections of
/// GUP-fast with and without exclusion against the flush.
///
/// Mutual atomicity. Each user access ("TLB lookup + data access") runs while holding the
/// CPU's `insn` mutex; a flush takes each target CPU's `insn` mutex, invalidates its entries
/// and releases it. The mutex gives release/acquire edges both ways: after a flush returns no
/// stale access can happen on that CPU, and every earlier stale store happens-before the rest
/// of the flusher's code.
///
/// GUP-fast runs with IRQs disabled (local_irq_save() in gup_fast()). With TlbFlushKind::Ipi
/// (x86: the flush is an IPI that waits for IRQs to be enabled) local_irq_disable() takes the
/// same `insn` mutex, so a flush cannot complete while a GUP-fast walk is in progress. With
/// TlbFlushKind::Broadcast (arm64 TLBI, RCU table free) the flush does not wait for it:
/// local_irq_disable() then takes a separate `irq` mutex that only a real IPI
/// (tlb_remove_table_sync_one()) takes. The kit asks to always model the Broadcast case
/// (David Hildenbrand, 088b8aa537c2).
///
///     Tlb cpu1{"CPU1", TlbFlushKind::Broadcast};
///     auto e = cpu1.add_entry(pte, pfn_pte(1, true, true));   // stale writable dirty entry
///     ...
///     auto r = cpu1.access(e, TlbAccessKind::Write, [&](unsigned pfn) { data.fetch_add(1, relaxed); });
///     if (r.outcome == TlbOutcome::Fault) { /* the fault handler; the model decides */ }
#pragma once

#include <mmcheck/kernel/pte.hpp>
#include <mmcheck/model.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mmcheck::kernel {

/// Whether IRQ-disabled sections exclude a TLB flush (see the file comment).
enum class TlbFlushKind : std::uint8_t { Ipi, Broadcast };

enum class TlbAccessKind : std::uint8_t { Read, Write };

/// How an access went: through a cached translation, through a fresh page walk, or a fault
/// (no usable present entry, or the dirty-bit update trapped); a fault does no data access.
enum class TlbOutcome : std::uint8_t { Hit, Fill, Fault };

struct TlbResult {
    TlbOutcome outcome;
    /// The translation used (Hit, Fill) or the PTE value that made it fault (for a fault on
    /// a cached entry whose dirty-bit update trapped: the in-memory value seen by the update).
    pteval_t pte;
    [[nodiscard]] bool ok() const { return outcome != TlbOutcome::Fault; }
    [[nodiscard]] unsigned pfn() const { return pte_pfn(pte); }
};

/// One CPU's TLB and its IPI handshake mutexes.
class Tlb {
public:
    explicit Tlb(std::string_view cpu_name, TlbFlushKind kind = TlbFlushKind::Broadcast)
        : cpu_(cpu_name),
          kind_(kind),
          insn_(std::string(cpu_name) + ".insn"),
          irq_(std::string(cpu_name) + ".irq") {}

    /// Adds an entry translating the address mapped by `pte`, initially caching `cached`
    /// (PTE_NONE: invalid; a present value: a stale or current translation the CPU already
    /// holds). Call from the model's constructor. `pte` must outlive the TLB. With `pmd`, the
    /// page walk first reads that upper-level entry (acquire) and faults unless it is present
    /// (the PTE table is then reachable only through it, as after pmdp_collapse_flush()).
    std::size_t add_entry(const Pte& pte, pteval_t cached = PTE_NONE, const Pte* pmd = nullptr) {
        entries_.push_back(Entry{&pte, pmd, var<pteval_t>(cpu_ + ".tlb[" + pte.name() + "]", cached)});
        return entries_.size() - 1;
    }

    /// A user load or store through entry `i` as one step under the `insn` mutex. On a hit or
    /// a successful walk, `on_data(pfn)` performs the data access (the model's page contents)
    /// while the mutex is still held. A write through a translation with D=0 first sets D in
    /// the in-memory PTE with an atomic update that requires the PTE to be present, writable
    /// and for the same pfn; otherwise the store faults (Mel Gorman in try_to_unmap_one(): "a
    /// clear->dirty transition on a cached TLB entry is written through and traps if the PTE
    /// is unmapped"). A write through a cached D=1 entry touches no PTE at all. A fault
    /// invalidates the entry (the CPU drops the translation of a faulting address).
    template <class OnData>
    TlbResult access(std::size_t i, TlbAccessKind kind, OnData&& on_data) {
        const bool write = kind == TlbAccessKind::Write;
        Entry& e = entries_.at(i);
        insn_.lock();
        pteval_t tr = e.cached.get();
        TlbOutcome how = TlbOutcome::Hit;
        const bool usable = pte_present(tr) && (!write || pte_write(tr));
        if (!usable) {
            how = TlbOutcome::Fill;
            if (e.pmd != nullptr) {
                const pteval_t pmdval = e.pmd->word().load(acquire);
                if (!pte_present(pmdval)) return fault(e, PTE_NONE);
            }
            // The page walk. Acquire stands in for the hardware address dependency from the
            // PTE to the data behind it (kit 0.4.1; stronger than the hardware). A write walk
            // sets D in the same locked access, as x86 sets A/D while walking.
            if (write) {
                tr = e.pte->word().update(
                    [](std::int64_t old) -> std::optional<std::int64_t> {
                        const auto p = static_cast<pteval_t>(old);
                        if (pte_write(p) && !pte_dirty(p)) return pte_mkdirty(p);
                        return std::nullopt;
                    },
                    acquire, acquire, "hw_walk_set_dirty");
                if (!pte_write(tr)) return fault(e, tr);
                tr = pte_mkdirty(tr);
            } else {
                tr = e.pte->word().load(acquire);
                if (!pte_present(tr)) return fault(e, tr);
            }
            e.cached.set(tr);
        } else if (write && !pte_dirty(tr)) {
            // Hardware dirty-bit update through a cached writable clean entry: written through
            // to the in-memory PTE, traps if it is no longer present+writable for this pfn.
            const unsigned pfn = pte_pfn(tr);
            const pteval_t old = e.pte->word().update(
                [pfn](std::int64_t o) -> std::optional<std::int64_t> {
                    const auto p = static_cast<pteval_t>(o);
                    if (pte_write(p) && pte_pfn(p) == pfn && !pte_dirty(p)) return pte_mkdirty(p);
                    return std::nullopt;
                },
                relaxed, relaxed, "hw_set_dirty");
            if (!(pte_write(old) && pte_pfn(old) == pfn)) return fault(e, old);
            tr = pte_mkdirty(tr);
            e.cached.set(tr);
        }
        on_data(pte_pfn(tr));
        insn_.unlock();
        return TlbResult{how, tr};
    }

    /// The flush IPI handler on this CPU (flush_tlb_func()): runs in the handshake, so it is
    /// atomic with respect to this CPU's accesses. Invalidates every entry.
    void flush_handshake() {
        // A broadcast TLBI does not interrupt a CPU; with nothing cached there is nothing to
        // invalidate and no access to be atomic with, so the handshake would be vacuous.
        if (entries_.empty() && kind_ == TlbFlushKind::Broadcast) return;
        insn_.lock();
        for (auto& e : entries_) e.cached.set(PTE_NONE);
        insn_.unlock();
    }
    /// As flush_handshake() for one entry (flush_tlb_page()).
    void flush_handshake(std::size_t i) {
        insn_.lock();
        entries_.at(i).cached.set(PTE_NONE);
        insn_.unlock();
    }

    /// local_irq_save() in gup_fast(): with IPI flushes it holds off any flush of this CPU;
    /// with broadcast flushes only a real IPI (tlb_remove_table_sync_one()) waits for it.
    void local_irq_disable() { irq_mutex().lock(); }
    void local_irq_enable() { irq_mutex().unlock(); }

    /// The body of an IPI that does nothing but wait for IRQs to be enabled on this CPU
    /// (tlb_remove_table_sync_one() -> smp_call_function(tlb_remove_table_smp_sync)).
    void ipi_sync() {
        irq_mutex().lock();
        irq_mutex().unlock();
    }

    [[nodiscard]] TlbFlushKind kind() const { return kind_; }
    [[nodiscard]] const std::string& cpu_name() const { return cpu_; }

private:
    struct Entry {
        const Pte* pte;
        const Pte* pmd;
        var<pteval_t> cached;
    };

    TlbResult fault(Entry& e, pteval_t seen) {
        e.cached.set(PTE_NONE);
        insn_.unlock();
        return TlbResult{TlbOutcome::Fault, seen};
    }
    const mutex& irq_mutex() const { return kind_ == TlbFlushKind::Ipi ? insn_ : irq_; }

    std::string cpu_;
    TlbFlushKind kind_;
    mutex insn_;
    mutex irq_;
    std::deque<Entry> entries_;  // deque: stable addresses while entries are added
};

/// flush_tlb_range() / tlb_flush_mmu_tlbonly() / the flush in ptep_clear_flush(): a
/// synchronous flush of every listed CPU, returning only when each has acknowledged. The
/// flushing CPU's own ordering depends on the architecture, named by the CPUs' flush kind:
/// - Broadcast (arm64, __flush_tlb_range() / flush_tlb_page()): dsb(ishst) before the TLBI
///   (a store barrier, modelled as a release fence: stronger, as smp_wmb) and dsb(ish) after
///   it, which completes every earlier access before any later one (a seq_cst fence);
/// - Ipi (x86, flush_tlb_mm_range() -> on_each_cpu_cond_mask()): queueing the call is a
///   locked RMW and INVLPG serialises, so the flush is a full barrier (a seq_cst fence after
///   the handshakes; x86's TSO gives the rest).
/// A flush whose completion is deferred (try_to_unmap_one()/try_to_migrate_one() with
/// TTU_BATCH_FLUSH: the dsb comes in arch_tlbbatch_flush(), after the code being modelled)
/// is flush_tlb_batched(): no ordering on the flushing CPU.
inline void flush_tlb_range(std::initializer_list<std::reference_wrapper<Tlb>> cpus,
                            std::source_location l = std::source_location::current()) {
    const bool arm64 = cpus.size() == 0 || cpus.begin()->get().kind() == TlbFlushKind::Broadcast;
    KernelOpScope k{"flush_tlb_range", l};
    if (arm64) {
        KernelOpScope p{"flush_tlb_range", l, "dsb(ishst) before TLBI (arm64)"};
        fence(release, l);
    }
    {
        KernelOpScope p{"flush_tlb_range", l, "TLB handshake"};
        for (Tlb& t : cpus) t.flush_handshake();
    }
    KernelOpScope p{"flush_tlb_range", l, arm64 ? "dsb(ish) after TLBI (arm64)" : "IPI + INVLPG (x86)"};
    label(arm64 ? "arm64 flush_tlb_range: dsb(ish) after TLBI" : "x86 flush_tlb_range: IPI + INVLPG, full barrier");
    fence(seq_cst, l);
}

/// A batched / deferred flush (arch_tlbbatch_add_pending(), TTU_BATCH_FLUSH): the target CPUs
/// stop using the translation (the handshake), but the flushing CPU's completion barrier is
/// deferred past the code being modelled, so it orders nothing on the flusher.
inline void flush_tlb_batched(std::initializer_list<std::reference_wrapper<Tlb>> cpus,
                              std::source_location l = std::source_location::current()) {
    KernelOpScope k{"flush_tlb_batched", l, "TLB handshake"};
    for (Tlb& t : cpus) t.flush_handshake();
}

/// tlb_remove_table_sync_one(): an IPI to every listed CPU that waits for their IRQ-disabled
/// sections (GUP-fast) to end, on every architecture.
inline void tlb_remove_table_sync_one(std::initializer_list<std::reference_wrapper<Tlb>> cpus) {
    for (Tlb& t : cpus) t.ipi_sync();
}

}  // namespace mmcheck::kernel
