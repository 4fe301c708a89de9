// SPDX-License-Identifier: MIT
/// \file Seeded random programs for differential testing of the explorers: 2 to 4 threads,
/// 1 to 3 locations, up to 6 operations per thread, with every memory order, fences, RMWs,
/// CAS (strong and weak), waits, plain (racy) accesses and value-dependent control flow.
#pragma once

#include "explore/explorer.hpp"

#include <mmcheck/model.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace mmcheck::testing {

struct RandomOp {
    /// Locked: lock(m); r = x (relaxed); x = a (relaxed); unlock(m), on the program's one mutex.
    /// Kernel: the kernel.hpp RMW helper `helper` names (KernelRmw), as protocol models call it.
    enum Kind { Load, Store, FetchAdd, Exchange, Cas, CasWeak, Fence, Await, PlainLoad, PlainStore, Locked, Kernel } kind = Load;
    int loc = 0;
    std::memory_order order = std::memory_order_relaxed;
    std::memory_order failure = std::memory_order_relaxed;
    int a = 0, b = 0;
    bool only_if_last_nonzero = false;  // value-dependent control flow
    LkmmTag tag = LkmmTag::Derived;      // LKMM flavour: the annotation (fences: the fence)
    enum Dep { None, Addr, Data, Ctrl } dep = None;  // on the thread's latest read, if any
    /// kernel.hpp's RMW helpers: conditional ones (add_unless, inc_not_zero, the cmpxchg family)
    /// may fail, a FailedRMW under LKMM (bell:44); the fully ordered ones carry their Mb tag on
    /// relaxed C++ orders, so only the tag orders them (bell:47, cat:45-46).
    enum KernelRmw {
        AddUnless, IncNotZero, Cmpxchg, CmpxchgAcquire, CmpxchgRelease, CmpxchgRelaxed, AtomicInc, DecReturn,
        Xchg, XchgAcquire, kKernelRmws
    } helper = AddUnless;
};

struct RandomSpec {
    int locations = 1;
    std::vector<std::vector<RandomOp>> threads;

    [[nodiscard]] std::string describe() const;
};

/// `max_total` caps the events of the whole program so that brute force stays affordable.
RandomSpec random_spec(std::uint32_t seed, int max_threads = 4, int max_ops = 6, int max_total = 14);

/// The LKMM flavour: loads, stores, RMWs, CAS, waits and plain accesses with LKMM tags, the
/// kernel's fences, and dependencies. Values are 0..2, so load buffering of a stored value
/// is common.
RandomSpec random_spec_lkmm(std::uint32_t seed, int max_threads = 3, int max_ops = 5, int max_total = 10);

/// The blocking flavour: loads, stores, fetch_adds, awaits (on a value 0..2) and critical
/// sections under one mutex, so that waits block, go stale and deadlock often.
RandomSpec random_spec_blocking(std::uint32_t seed, int max_threads = 3, int max_ops = 3, int max_total = 6);

/// The locking flavour: mostly critical sections under the one mutex (several per thread),
/// with loads, stores, fetch_adds and awaits of the same locations outside it, so that a lock
/// taken by one thread is revisited by another's and a write outside the lock can revisit a
/// read made before a lock that waits (issue 14: the cases a cut of stale lock waits loses).
RandomSpec random_spec_locking(std::uint32_t seed, int max_threads = 3, int max_ops = 3, int max_total = 6);

/// The kernel flavour: READ_ONCE / smp_load_acquire, WRITE_ONCE / smp_store_release, the
/// kernel's fences, and kernel.hpp's RMW helpers (RandomOp::KernelRmw) racing on 1 or 2
/// counters, so that conditional RMWs fail and succeed and RMWs take writes other RMWs took
/// first (the optimal explorer's moot reads).
RandomSpec random_spec_kernel(std::uint32_t seed, int max_threads = 3, int max_ops = 4, int max_total = 8);

/// A Program running `spec`: registers and final location values are observed.
Program random_program(const RandomSpec& spec);

}  // namespace mmcheck::testing
