// SPDX-License-Identifier: MIT
/// \file RCU and SRCU (include/linux/rcupdate.h, include/linux/srcu.h).
///
/// Under LKMM these are the model's own primitives: rcu_read_lock / rcu_read_unlock /
/// synchronize_rcu are linux-kernel.def's F[rcu-lock], F[rcu-unlock], F[sync-rcu], and SRCU
/// is its Srcu-lock load / Srcu-unlock store / Sync-srcu fence, judged by linux-kernel.cat's
/// rcu axiom. C++11 has no RCU, so under RC11 a grace period is implemented with atomics, the
/// classic way (a reader count and SC fences):
///
///     rcu_read_lock:   readers.fetch_add(1, relaxed); fence(seq_cst);
///     rcu_read_unlock: readers.fetch_sub(1, release);
///     synchronize_rcu: fence(seq_cst); await(readers == 0, acquire); fence(seq_cst);
///
/// Why it is a grace period under RC11: when synchronize_rcu reads 0 from the counter's
/// modification order at point k, every reader whose lock RMW is before k has its unlock (a
/// release RMW, mo-after its lock) before k too, so its critical section happens before the
/// updater's return (release sequences of RMWs). A reader whose lock is after k read-from a
/// write after the updater's read (fr), so the updater's SC fence precedes the reader's in
/// psc and, as in SB+fences, the reader cannot miss a store the updater made before
/// synchronize_rcu. It is stronger than the kernel in one way: a reader in any critical
/// section delays the grace period, also one that started after it (the kernel's too may
/// wait for it; LKMM does not require it).
///
/// The model declares the RCU state as a member (`kernel::rcu_domain rcu{"rcu"};`) and passes
/// it; under LKMM its counter exists but has no event. Which implementation runs is decided
/// by the model's event set (ExecutionContext::has_rcu_fences), never by naming the model.
#pragma once

#include <mmcheck/kernel.hpp>
#include <mmcheck/kernel/dep.hpp>

#include <source_location>
#include <string>
#include <string_view>

namespace mmcheck::kernel {

/// The state of one RCU flavour (the RC11 reader count).
class rcu_domain {
public:
    explicit rcu_domain(std::string_view name = "rcu") : readers_(std::string(name) + ".readers", 0) {}
    [[nodiscard]] const atomic<int>& readers() const { return readers_; }

private:
    atomic<int> readers_;
};

namespace impl {
inline bool lkmm_rcu() { return detail::current_context().has_rcu_fences(); }
inline void rcu_fence(LkmmTag t, loc_t l, std::optional<LocId> srcu = std::nullopt) {
    detail::current_context().lkmm_fence(t, srcu, Dependencies{}, SourceRef::from(l));
}
}  // namespace impl

/// rcu_read_lock().
inline void rcu_read_lock(const rcu_domain& rcu, loc_t l = loc_t::current()) {
    KernelOpScope k_{"rcu_read_lock", l};
    if (impl::lkmm_rcu()) return impl::rcu_fence(LkmmTag::RcuLock, l);
    rcu.readers().fetch_add(1, relaxed, l);
    fence(seq_cst, l);
}
/// rcu_read_unlock().
inline void rcu_read_unlock(const rcu_domain& rcu, loc_t l = loc_t::current()) {
    KernelOpScope k_{"rcu_read_unlock", l};
    if (impl::lkmm_rcu()) return impl::rcu_fence(LkmmTag::RcuUnlock, l);
    rcu.readers().fetch_sub(1, release, l);
}
/// synchronize_rcu(): waits for a grace period.
inline void synchronize_rcu(const rcu_domain& rcu, loc_t l = loc_t::current()) {
    KernelOpScope k_{"synchronize_rcu", l};
    if (impl::lkmm_rcu()) return impl::rcu_fence(LkmmTag::SyncRcu, l);
    fence(seq_cst, l);
    (void)rcu.readers().await([](int n) { return n == 0; }, acquire, l);
    fence(seq_cst, l);
}

/// rcu_dereference(p): linux-kernel.def `__load{once}(X)`; the kernel relies on the address
/// dependency of what follows (state it with addr_dep(last_read_dep())). Under RC11 a relaxed
/// load would drop that dependency, so it is an acquire load (C++ compilers implement consume
/// as acquire): stronger than LKMM, which orders only the dependent accesses.
template <class T>
T rcu_dereference(const atomic<T>& p, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    return p.load(acquire, l);
}
/// rcu_assign_pointer(p, v): linux-kernel.def `__store{release}(X, V)`.
template <class T>
void rcu_assign_pointer(const atomic<T>& p, std::type_identity_t<T> v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"rcu_assign_pointer", l};
    impl::lk(LkmmTag::Release);
    p.store(v, release, l);
}
/// rcu_assign_pointer with stated dependencies (data_dep: the pointer stored was computed
/// from a read).
template <class T>
void rcu_assign_pointer(const atomic<T>& p, std::type_identity_t<T> v, Dependencies deps,
                        loc_t l = loc_t::current()) {
    KernelOpScope k_{"rcu_assign_pointer", l};
    impl::lk(LkmmTag::Release, std::move(deps));
    p.store(v, release, l);
}

/// struct srcu_struct: under LKMM the location its read-side events access
/// (linux-kernel.def: srcu_read_lock is a load of it, srcu_read_unlock a store of the index);
/// under RC11 a reader count, as rcu_domain.
class srcu_struct {
public:
    explicit srcu_struct(std::string_view name)
        : s_(name, 0), readers_(std::string(name) + ".readers", 0) {}
    [[nodiscard]] const atomic<int>& loc() const { return s_; }
    [[nodiscard]] const atomic<int>& readers() const { return readers_; }

private:
    atomic<int> s_;
    atomic<int> readers_;
};

/// The index srcu_read_lock returns: its value, and (LKMM) the read it came from, on which
/// srcu_read_unlock's store is data dependent (linux-kernel.bell pairs them through it).
struct srcu_idx {
    int value = 0;
    dep_t from;
};

/// srcu_read_lock(ssp).
inline srcu_idx srcu_read_lock(const srcu_struct& ssp, loc_t l = loc_t::current()) {
    KernelOpScope k_{"srcu_read_lock", l};
    if (impl::lkmm_rcu()) {
        impl::lk(LkmmTag::SrcuLock);
        const int v = ssp.loc().load(relaxed, l);
        return srcu_idx{v, last_read_dep()};
    }
    ssp.readers().fetch_add(1, relaxed, l);
    fence(seq_cst, l);
    return srcu_idx{};
}
/// srcu_read_unlock(ssp, idx).
inline void srcu_read_unlock(const srcu_struct& ssp, const srcu_idx& idx, loc_t l = loc_t::current()) {
    KernelOpScope k_{"srcu_read_unlock", l};
    if (impl::lkmm_rcu()) {
        impl::lk(LkmmTag::SrcuUnlock, data_dep(idx.from));
        ssp.loc().store(idx.value, relaxed, l);
        return;
    }
    ssp.readers().fetch_sub(1, release, l);
}
/// synchronize_srcu(ssp): a grace period for readers of this srcu_struct only.
inline void synchronize_srcu(const srcu_struct& ssp, loc_t l = loc_t::current()) {
    KernelOpScope k_{"synchronize_srcu", l};
    if (impl::lkmm_rcu()) return impl::rcu_fence(LkmmTag::SyncSrcu, l, ssp.loc().id());
    fence(seq_cst, l);
    (void)ssp.readers().await([](int n) { return n == 0; }, acquire, l);
    fence(seq_cst, l);
}
/// smp_mb__after_srcu_read_unlock().
inline void smp_mb__after_srcu_read_unlock(loc_t l = loc_t::current()) {
    KernelOpScope k_{"smp_mb__after_srcu_read_unlock", l};
    impl::lk(LkmmTag::AfterSrcuReadUnlock);
    fence(seq_cst, l);
}

}  // namespace mmcheck::kernel
