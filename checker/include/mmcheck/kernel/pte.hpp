// SPDX-License-Identifier: MIT
/// \file A page-table entry as one atomic word (modelling kit 0.2): the encodings of a present
/// entry (pfn, write, dirty), a migration entry (pfn, writable) and the empty entry, pure
/// helpers to build and test them (named as in arch/x86/include/asm/pgtable.h and
/// include/linux/swapops.h), and the kernel's accesses to a PTE (ptep_get, set_pte_at,
/// ptep_get_and_clear in its fully ordered x86 and relaxed arm64 forms).
///
/// Encoding of a pteval_t (8 bits, so a trace shows one small number per PTE):
///
///     bit 0  _PAGE_PRESENT     the hardware may use the entry
///     bit 1  _PAGE_RW          writable
///     bit 2  _PAGE_DIRTY       the hardware dirty bit (set by a store through the entry)
///     bit 3  _PAGE_MIGRATION   a non-present migration entry (swp entry of type migration)
///     bits 4..7                the pfn (0..15); a migration entry keeps its folio's pfn here
///
/// The empty entry (pte_none) is 0. A migration entry is never present; its bit 1 says whether
/// it is a writable migration entry (make_writable_migration_entry).
#pragma once

#include <mmcheck/model.hpp>

#include <cstdint>
#include <source_location>
#include <string>
#include <string_view>

namespace mmcheck::kernel {

/// The value of a page-table entry.
using pteval_t = std::uint8_t;

inline constexpr pteval_t _PAGE_PRESENT = 1U << 0;    // NOLINT: kernel name
inline constexpr pteval_t _PAGE_RW = 1U << 1;         // NOLINT: kernel name
inline constexpr pteval_t _PAGE_DIRTY = 1U << 2;      // NOLINT: kernel name
inline constexpr pteval_t _PAGE_MIGRATION = 1U << 3;  // NOLINT: swp type "migration"
inline constexpr unsigned PTE_PFN_SHIFT = 4;
inline constexpr unsigned PTE_PFN_MAX = 15;

/// The empty entry.
inline constexpr pteval_t PTE_NONE = 0;

// --- tests (pte_none(), pte_present(), pte_write(), pte_dirty(), is_migration_entry()) ---

constexpr bool pte_none(pteval_t p) { return p == PTE_NONE; }
constexpr bool pte_present(pteval_t p) { return (p & _PAGE_PRESENT) != 0; }
/// Only meaningful for a present entry (the kernel asks pte_write() of present PTEs only).
constexpr bool pte_write(pteval_t p) { return pte_present(p) && (p & _PAGE_RW) != 0; }
constexpr bool pte_dirty(pteval_t p) { return pte_present(p) && (p & _PAGE_DIRTY) != 0; }
constexpr bool is_migration_entry(pteval_t p) {
    return !pte_present(p) && (p & _PAGE_MIGRATION) != 0;
}
constexpr bool is_writable_migration_entry(pteval_t p) {
    return is_migration_entry(p) && (p & _PAGE_RW) != 0;
}
/// pte_pfn() of a present entry, swp_offset_pfn() of a migration entry.
constexpr unsigned pte_pfn(pteval_t p) { return static_cast<unsigned>(p >> PTE_PFN_SHIFT); }
constexpr unsigned swp_offset_pfn(pteval_t p) { return pte_pfn(p); }

// --- constructors and modifiers (pfn_pte(), pte_mkdirty(), ..., make_migration_entry()) ---

/// A present entry for `pfn` (pfn_pte(pfn, prot) with the prot reduced to W and D).
constexpr pteval_t pfn_pte(unsigned pfn, bool write, bool dirty = false) {
    return static_cast<pteval_t>(((pfn & PTE_PFN_MAX) << PTE_PFN_SHIFT) | _PAGE_PRESENT |
                                 (write ? _PAGE_RW : 0U) | (dirty ? _PAGE_DIRTY : 0U));
}
constexpr pteval_t pte_mkdirty(pteval_t p) { return static_cast<pteval_t>(p | _PAGE_DIRTY); }
constexpr pteval_t pte_mkclean(pteval_t p) { return static_cast<pteval_t>(p & ~_PAGE_DIRTY); }
constexpr pteval_t pte_mkwrite(pteval_t p) { return static_cast<pteval_t>(p | _PAGE_RW); }
constexpr pteval_t pte_wrprotect(pteval_t p) { return static_cast<pteval_t>(p & ~_PAGE_RW); }

/// A migration entry for `pfn` (make_readable_migration_entry / make_writable_migration_entry
/// composed with swp_entry_to_pte()).
constexpr pteval_t make_migration_entry(unsigned pfn, bool writable) {
    return static_cast<pteval_t>(((pfn & PTE_PFN_MAX) << PTE_PFN_SHIFT) | _PAGE_MIGRATION |
                                 (writable ? _PAGE_RW : 0U));
}
constexpr pteval_t make_readable_migration_entry(unsigned pfn) { return make_migration_entry(pfn, false); }
constexpr pteval_t make_writable_migration_entry(unsigned pfn) { return make_migration_entry(pfn, true); }

/// "P(pfn=2,W,D)", "MIG(pfn=2,W)", "NONE": for observe() names and model comments.
inline std::string pte_to_string(pteval_t p) {
    if (pte_none(p)) return "NONE";
    std::string s = is_migration_entry(p) ? "MIG(pfn=" : pte_present(p) ? "P(pfn=" : "?(pfn=";
    s += std::to_string(pte_pfn(p));
    if ((p & _PAGE_RW) != 0) s += ",W";
    if ((p & _PAGE_DIRTY) != 0) s += ",D";
    return s + ")";
}

/// One page-table entry in memory: an atomic word. Kernel code reaches it through the free
/// functions below (the model's pte_t *).
class Pte {
public:
    explicit Pte(std::string_view name, pteval_t initial = PTE_NONE) : name_(name), word_(name, initial) {}
    /// The underlying location (the hardware walker and TLB use it directly).
    [[nodiscard]] const atomic<pteval_t>& word() const { return word_; }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::string name_;
    atomic<pteval_t> word_;
};

/// How an architecture implements ptep_get_and_clear(): x86 uses a locked xchg, fully ordered
/// like the kernel's xchg(); arm64 uses xchg_relaxed (kit 0.2: "write both variants").
enum class PteXchg : std::uint8_t { FullyOrdered, Relaxed };

/// ptep_get() / ptep_get_lockless(): READ_ONCE of the entry. Pass `acquire` where the caller
/// relies on the address dependency from the PTE to the data behind it (kit 0.4.1; stronger
/// than the kernel, noted at the call site).
inline pteval_t ptep_get(const Pte& pte, std::memory_order mo = relaxed,
                         std::source_location l = std::source_location::current()) {
    return pte.word().load(mo, l);
}

/// set_pte_at() / set_ptes() for one entry / pte_clear(): WRITE_ONCE of the entry.
inline void set_pte_at(const Pte& pte, pteval_t v,
                       std::source_location l = std::source_location::current()) {
    pte.word().store(v, relaxed, l);
}
inline void pte_clear(const Pte& pte, std::source_location l = std::source_location::current()) {
    pte.word().store(PTE_NONE, relaxed, l);
}

/// ptep_get_and_clear() / ptep_get_and_clear_full(): atomically read the entry and empty it,
/// so a concurrent hardware dirty-bit update is either seen in the old value or fails.
/// FullyOrdered is smp_mb(); xchg_relaxed(); smp_mb() (kit 0.1: not a seq_cst RMW alone).
inline pteval_t ptep_get_and_clear(const Pte& pte, PteXchg kind,
                                   std::source_location l = std::source_location::current()) {
    if (kind == PteXchg::FullyOrdered) fence(seq_cst, l);
    const pteval_t old = pte.word().exchange(PTE_NONE, relaxed, l);
    if (kind == PteXchg::FullyOrdered) fence(seq_cst, l);
    return old;
}

/// ptep_set_wrprotect(): clear W atomically (a non-value-returning RMW, unordered).
inline void ptep_set_wrprotect(const Pte& pte, std::source_location l = std::source_location::current()) {
    pte.word().fetch_and(static_cast<pteval_t>(~_PAGE_RW), relaxed, l);
}

}  // namespace mmcheck::kernel
