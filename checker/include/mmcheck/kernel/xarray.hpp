// SPDX-License-Identifier: MIT
/// \file xa_load-style slot publication (lib/xarray.c, include/linux/xarray.h): an XArray
/// slot holds an entry (here an integer handle; 0 is NULL), written by xas_store with
/// rcu_assign_pointer and read by xa_load / xas_load / xas_reload with rcu_dereference
/// (xa_entry: `rcu_dereference_check(xa->xa_head, ...)` on the slot). The tree's interior
/// nodes are not modelled: one slot per index.
#pragma once

#include <mmcheck/kernel.hpp>
#include <mmcheck/kernel/rcu.hpp>

#include <source_location>
#include <string_view>

namespace mmcheck::kernel {

struct xa_slot {
    explicit xa_slot(std::string_view name, int entry = 0) : entry_(name, entry) {}
    [[nodiscard]] const atomic<int>& raw() const { return entry_; }

private:
    atomic<int> entry_;
};

/// xa_load(xa, index) / xas_load(xas): the entry, rcu_dereference'd (under rcu_read_lock).
/// last_read_dep() right after it names the read, for an address dependency on the entry.
inline int xa_load(const xa_slot& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xa_load", l};
    return rcu_dereference(s.raw(), l);
}
/// xas_reload(xas): re-reads the slot the walk ended at (`xa_entry(xas->xa, node, offset)`),
/// to recheck that the entry found is still there after taking a reference on it.
inline int xas_reload(const xa_slot& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xas_reload", l};
    return rcu_dereference(s.raw(), l);
}
/// xas_store(xas, entry) / xa_store: publishes the entry with rcu_assign_pointer, so a reader
/// that finds it sees the entry's initialisation.
inline void xa_store(const xa_slot& s, int entry, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xa_store", l};
    rcu_assign_pointer(s.raw(), entry, l);
}
/// xa_erase / xas_store(xas, NULL) (page_cache_delete's __filemap_remove_folio).
inline void xa_erase(const xa_slot& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xa_erase", l};
    rcu_assign_pointer(s.raw(), 0, l);
}

}  // namespace mmcheck::kernel
