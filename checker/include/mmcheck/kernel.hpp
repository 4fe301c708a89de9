// SPDX-License-Identifier: MIT
/// \file The Linux-kernel vocabulary for models, on top of model.hpp: READ_ONCE/WRITE_ONCE,
/// the smp_* barriers, atomic_t operations, bitops, spinlocks, the page lock and narrow
/// (wrapping) counters. Each primitive is mapped onto C++11/RC11 as in the table below, which
/// follows protocols/00-modelling-kit.md section 0.1. Where the mapping is stronger or weaker
/// than the Linux-kernel memory model (LKMM) the last column says so; a model that relies on
/// one of those differences must say so in its own comments.
///
/// Abbreviations: RLX/ACQ/REL/SC = memory_order_relaxed/acquire/release/seq_cst;
/// MB = fence(seq_cst) (std::atomic_thread_fence).
///
/// | Kernel (LKMM)                               | mmcheck encoding                          | vs LKMM  |
/// |---------------------------------------------|-------------------------------------------|----------|
/// | READ_ONCE, atomic_read, test_bit            | load(RLX)                                 | weaker where the kernel relies on an address/data dependency (use smp_load_acquire / ACQ in the model and say so) |
/// | WRITE_ONCE, atomic_set                      | store(RLX)                                | equal |
/// | smp_load_acquire, atomic_read_acquire       | load(ACQ)                                 | equal (RCpc) |
/// | smp_store_release, atomic_set_release       | store(REL)                                | equal |
/// | smp_mb, smp_mb__before_atomic, smp_mb__after_atomic, smp_mb__after_spinlock | fence(SC) | equal for MP/SB/WRC; RC11 SC fences also forbid IRIW+fences |
/// | smp_wmb                                     | fence(REL)                                | stronger: also orders earlier loads before later stores |
/// | smp_rmb                                     | fence(ACQ)                                | stronger: also orders earlier loads before later stores |
/// | atomic_inc/dec/add/sub, set_bit, clear_bit  | fetch_add/fetch_sub/fetch_or/fetch_and(RLX) | equal (unordered RMW) |
/// | atomic_{inc,dec,add,sub}_return, atomic_dec_and_test, atomic_inc_and_test, atomic_add_negative, xchg, test_and_set_bit, test_and_clear_bit | MB; RMW(RLX); MB | equal. NOT a bare SC RMW: that would not order the surrounding relaxed accesses to other locations (weaker than the kernel) |
/// | test_and_{set,clear}_bit when the bit is already in the requested state | MB; RMW(RLX) rewriting the same value; MB | equal: fully ordered even then (Documentation/atomic_bitops.txt, since 2022) |
/// | cmpxchg, atomic_cmpxchg, atomic_add_unless, atomic_inc_not_zero | MB; CAS(RLX); MB on success, MB; failed CAS(RLX) on failure | on FAILURE stronger than LKMM ("conditional RMWs are unordered on failure"): the leading MB cannot depend on the outcome, so a failed attempt still orders everything before it |
/// | xchg_relaxed / _acquire / _release, cmpxchg_relaxed / _acquire / _release | exchange / CAS with RLX / ACQ / REL; a failed cmpxchg_acquire reads RLX | equal |
/// | test_and_set_bit_lock                       | RMW(ACQ) on success; load(RLX) (no write) when the bit was set | equal |
/// | clear_bit_unlock                            | fetch_and(REL)                            | equal |
/// | __set_bit, __clear_bit (non-atomic)         | load(RLX); store(RLX) (two steps)         | equal for word-sized fields: lost updates are possible, tearing is not modelled |
/// | spin_lock / spin_trylock / spin_unlock      | mmcheck::mutex lock (ACQ RMW, waits) / try_lock / unlock (REL store) | equal. Neither LKMM nor C++ orders a store before spin_lock against a load after it (x86 does: locked RMW). Use smp_mb__after_spinlock for that |
/// | lock_page / trylock_page / unlock_page (PG_locked) | a separate mmcheck::mutex per page     | equal (ACQUIRE/RELEASE bit lock; the other page flags are not folded in) |
/// | narrow counters (e.g. a 3-bit refcount)     | atomic<int> with ValueType{Bits, signed}  | RMW arithmetic wraps at Bits, as hardware arithmetic wraps at 32/64 bits |
///
/// Under LKMM (`--model lkmm`) every primitive emits the event linux-kernel.def gives it,
/// through ExecutionContext::annotate / lkmm_fence (docs/lkmm-api.md); under RC11 the
/// annotations are ignored and the C++11 mapping above is what runs, unchanged:
///
/// | Kernel                                   | LKMM event(s) emitted                              |
/// |------------------------------------------|----------------------------------------------------|
/// | READ_ONCE, WRITE_ONCE, atomic_read/set, test_bit, *_relaxed RMWs | Once access (R[once], W[once]) |
/// | smp_load_acquire / smp_store_release     | R[acquire] / W[release]                            |
/// | smp_mb / smp_wmb / smp_rmb               | F[mb] / F[wmb] (W→W only) / F[rmb] (R→R only)      |
/// | smp_mb__before_atomic / __after_atomic / __after_spinlock / __after_unlock_lock | their .bell fences |
/// | barrier()                                | F[barrier] (no event under RC11)                   |
/// | atomic_inc/dec/add/sub, set_bit, clear_bit | Noreturn RMW                                     |
/// | value-returning RMWs, xchg, cmpxchg, atomic_add_unless, test_and_*_bit | one RMW tagged Mb; the C++11 mapping's two fences do not exist (NotLkmm). A failed cmpxchg / add_unless is a FailedRMW: unordered, as LKMM says |
/// | spin_lock / spin_trylock / spin_unlock, lock_page, ... | lock.cat's LKR+LKW / LF / UL             |
/// | rcu_read_lock/unlock, synchronize_rcu, srcu_* | Rcu-lock, Rcu-unlock, Sync-rcu, Srcu-* (kernel/rcu.hpp) |
///
/// Dependencies. Model code runs natively, so the engine cannot see a C++ `if` or pointer.
/// A model states the dependencies the kernel code relies on (kernel/dep.hpp): take
/// `last_read_dep()` right after the read (or use rcu_dereference, which returns it), then pass
/// `addr_dep(d)` / `data_dep(d)` to the dependent READ_ONCE / WRITE_ONCE / smp_store_release /
/// rcu_assign_pointer / plain access. A C++ `if` on a value read is NOT a control dependency
/// unless the model states `ctrl_dep(d)`: the model is then weaker than LKMM (it allows the
/// load-buffering executions a kernel control dependency forbids), so it can raise a false
/// alarm but never hide an execution LKMM allows. Under RC11 no dependency orders anything
/// (RC11 has none), which is weaker than LKMM in the same direction.
///
/// The hardware objects of the modelling kit (section 0.2: the PTE word, the per-CPU TLB with
/// its IPI handshake, the hardware dirty-bit update) live in mmcheck/kernel/pte.hpp and
/// mmcheck/kernel/tlb.hpp, included at the end of this header when present.
///
/// Every function takes a trailing defaulted std::source_location, so a trace names the line
/// of the model that called READ_ONCE, not this header. Every ordered primitive opens a
/// KernelOpScope with its name, so `mmcheck audit` names its orderings after it
/// ("atomic_dec_and_test", leading / trailing mb) at the caller's line.
#pragma once

#include <mmcheck/model.hpp>

#include <cstdint>
#include <optional>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mmcheck::kernel {

using loc_t = std::source_location;

namespace impl {
/// The LKMM tag (and dependencies) of the calling thread's next operation; ignored by RC11.
inline void lk(LkmmTag t, Dependencies d = {}) {
    detail::current_context().annotate(LkmmAnnotation{t, std::move(d)});
}
}  // namespace impl

// ----------------------------------------------------------------------------------------------
// Plain accesses and barriers
// ----------------------------------------------------------------------------------------------

/// READ_ONCE(x): a single-copy-atomic load; relaxed (no dependency ordering in C++).
template <class T>
T READ_ONCE(const atomic<T>& x, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    return x.load(relaxed, l);
}
/// READ_ONCE(x) with stated LKMM dependencies (e.g. addr_dep(d): `x` was found through the
/// value of the read d, as in `READ_ONCE(p->field)` after `p = rcu_dereference(gp)`).
template <class T>
T READ_ONCE(const atomic<T>& x, Dependencies deps, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once, std::move(deps));
    return x.load(relaxed, l);
}
/// WRITE_ONCE(x, v): a single-copy-atomic store; relaxed.
template <class T>
void WRITE_ONCE(const atomic<T>& x, std::type_identity_t<T> v, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    x.store(v, relaxed, l);
}
/// WRITE_ONCE(x, v) with stated LKMM dependencies (data_dep(d): v was computed from read d).
template <class T>
void WRITE_ONCE(const atomic<T>& x, std::type_identity_t<T> v, Dependencies deps, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once, std::move(deps));
    x.store(v, relaxed, l);
}
/// smp_load_acquire(&x).
template <class T>
T smp_load_acquire(const atomic<T>& x, loc_t l = loc_t::current()) {
    KernelOpScope k_{"smp_load_acquire", l};
    impl::lk(LkmmTag::Acquire);
    return x.load(acquire, l);
}
/// smp_store_release(&x, v).
template <class T>
void smp_store_release(const atomic<T>& x, std::type_identity_t<T> v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"smp_store_release", l};
    impl::lk(LkmmTag::Release);
    x.store(v, release, l);
}
/// smp_store_release(&x, v) with stated LKMM dependencies.
template <class T>
void smp_store_release(const atomic<T>& x, std::type_identity_t<T> v, Dependencies deps, loc_t l = loc_t::current()) {
    KernelOpScope k_{"smp_store_release", l};
    impl::lk(LkmmTag::Release, std::move(deps));
    x.store(v, release, l);
}

/// smp_mb(): full barrier (LKMM F[mb]).
inline void smp_mb(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_mb", l}; impl::lk(LkmmTag::FenceMb); fence(seq_cst, l); }
/// smp_wmb(): store->store barrier. RC11: a release fence (stronger than LKMM); LKMM: F[wmb].
inline void smp_wmb(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_wmb", l}; impl::lk(LkmmTag::Wmb); fence(release, l); }
/// smp_rmb(): load->load barrier. RC11: an acquire fence (stronger than LKMM); LKMM: F[rmb].
inline void smp_rmb(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_rmb", l}; impl::lk(LkmmTag::Rmb); fence(acquire, l); }
/// smp_mb__before_atomic(): upgrades the following unordered RMW to full ordering.
inline void smp_mb__before_atomic(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_mb__before_atomic", l}; impl::lk(LkmmTag::BeforeAtomic); fence(seq_cst, l); }
/// smp_mb__after_atomic(): upgrades the preceding unordered RMW to full ordering.
inline void smp_mb__after_atomic(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_mb__after_atomic", l}; impl::lk(LkmmTag::AfterAtomic); fence(seq_cst, l); }
/// smp_mb__after_spinlock(): makes the preceding spin_lock() a full barrier.
inline void smp_mb__after_spinlock(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_mb__after_spinlock", l}; impl::lk(LkmmTag::AfterSpinlock); fence(seq_cst, l); }
/// smp_mb__after_unlock_lock(): makes a preceding unlock + lock pair a full barrier
/// (RC11: a full fence after the lock, which is at least as strong).
inline void smp_mb__after_unlock_lock(loc_t l = loc_t::current()) { KernelOpScope k_{"smp_mb__after_unlock_lock", l}; impl::lk(LkmmTag::AfterUnlockLock); fence(seq_cst, l); }
/// barrier(): a compiler barrier. LKMM F[barrier]; no event under RC11 (a C++ compiler
/// barrier orders nothing between threads).
inline void barrier(loc_t l = loc_t::current()) {
    detail::current_context().lkmm_fence(LkmmTag::Barrier, std::nullopt, Dependencies{}, SourceRef::from(l));
}

// ----------------------------------------------------------------------------------------------
// atomic_t and friends. Generic over atomic<T> so that narrow counters and longs work too.
// ----------------------------------------------------------------------------------------------

using atomic_t = atomic<int>;
using atomic_long_t = atomic<long>;

namespace impl {
/// The value an RMW with operand `i` writes over `old`, wrapped to the location's width.
template <class T>
T wrapped(const atomic<T>& v, std::int64_t raw) {
    return static_cast<T>(v.type().normalize(raw));
}
template <class T>
std::int64_t raw_add(T a, T b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(a)) +
                                     static_cast<std::uint64_t>(static_cast<std::int64_t>(b)));
}
template <class T>
std::int64_t raw_sub(T a, T b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(a)) -
                                     static_cast<std::uint64_t>(static_cast<std::int64_t>(b)));
}
/// A fully ordered RMW: MB; fetch_op(RLX); MB under RC11. Under LKMM the two fences do not
/// exist (NotLkmm) and the RMW is one operation tagged Mb (linux-kernel.def: xchg,
/// atomic_*_return, atomic_fetch_* are __xchg{mb} / __atomic_op_return{mb}).
template <class T, class Op>
T fully_ordered(Op op, loc_t l, Dependencies deps = {}) {
    lk(LkmmTag::NotLkmm);
    fence(seq_cst, l);
    lk(LkmmTag::Mb, std::move(deps));
    const T old = op();
    lk(LkmmTag::NotLkmm);
    fence(seq_cst, l);
    return old;
}
}  // namespace impl

/// atomic_read(v): relaxed load.
template <class T>
T atomic_read(const atomic<T>& v, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    return v.load(relaxed, l);
}
/// atomic_set(v, i): relaxed store.
template <class T>
void atomic_set(const atomic<T>& v, std::type_identity_t<T> i, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    v.store(i, relaxed, l);
}
/// atomic_read_acquire(v).
template <class T>
T atomic_read_acquire(const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_read_acquire", l};
    impl::lk(LkmmTag::Acquire);
    return v.load(acquire, l);
}
/// atomic_set_release(v, i) (e.g. page_ref_unfreeze).
template <class T>
void atomic_set_release(const atomic<T>& v, std::type_identity_t<T> i, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_set_release", l};
    impl::lk(LkmmTag::Release);
    v.store(i, release, l);
}

// Non-value-returning RMWs: unordered.
template <class T>
void atomic_add(std::type_identity_t<T> i, const atomic<T>& v, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Noreturn);
    v.fetch_add(i, relaxed, l);
}
template <class T>
void atomic_sub(std::type_identity_t<T> i, const atomic<T>& v, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Noreturn);
    v.fetch_sub(i, relaxed, l);
}
template <class T>
void atomic_inc(const atomic<T>& v, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Noreturn);
    v.fetch_add(T{1}, relaxed, l);
}
template <class T>
void atomic_dec(const atomic<T>& v, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Noreturn);
    v.fetch_sub(T{1}, relaxed, l);
}

// Value-returning RMWs: fully ordered (MB; RMW(RLX); MB).
/// atomic_add_return(i, v): returns the new value.
template <class T>
T atomic_add_return(std::type_identity_t<T> i, const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_add_return", l};
    const T old = impl::fully_ordered<T>([&] { return v.fetch_add(i, relaxed, l); }, l);
    return impl::wrapped(v, impl::raw_add<T>(old, i));
}
/// atomic_sub_return(i, v): returns the new value.
template <class T>
T atomic_sub_return(std::type_identity_t<T> i, const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_sub_return", l};
    const T old = impl::fully_ordered<T>([&] { return v.fetch_sub(i, relaxed, l); }, l);
    return impl::wrapped(v, impl::raw_sub<T>(old, i));
}
template <class T>
T atomic_inc_return(const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_inc_return", l};
    return atomic_add_return<T>(T{1}, v, l);
}
template <class T>
T atomic_dec_return(const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_dec_return", l};
    return atomic_sub_return<T>(T{1}, v, l);
}
/// atomic_dec_and_test(v): true when the new value is 0 (e.g. put_page_testzero).
template <class T>
bool atomic_dec_and_test(const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_dec_and_test", l};
    return atomic_sub_return<T>(T{1}, v, l) == T{0};
}
/// atomic_inc_and_test(v): true when the new value is 0.
template <class T>
bool atomic_inc_and_test(const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_inc_and_test", l};
    return atomic_add_return<T>(T{1}, v, l) == T{0};
}
/// atomic_add_negative(i, v): true when the new value is negative (for a narrow signed
/// counter, negative in its own width).
template <class T>
bool atomic_add_negative(std::type_identity_t<T> i, const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_add_negative", l};
    return atomic_add_return<T>(i, v, l) < T{0};
}
/// xchg(ptr, new): fully ordered exchange; returns the old value.
template <class T>
T xchg(const atomic<T>& v, std::type_identity_t<T> n, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xchg", l};
    return impl::fully_ordered<T>([&] { return v.exchange(n, relaxed, l); }, l);
}
template <class T>
T xchg_relaxed(const atomic<T>& v, std::type_identity_t<T> n, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    return v.exchange(n, relaxed, l);
}
template <class T>
T xchg_acquire(const atomic<T>& v, std::type_identity_t<T> n, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xchg_acquire", l};
    impl::lk(LkmmTag::Acquire);
    return v.exchange(n, acquire, l);
}
template <class T>
T xchg_release(const atomic<T>& v, std::type_identity_t<T> n, loc_t l = loc_t::current()) {
    KernelOpScope k_{"xchg_release", l};
    impl::lk(LkmmTag::Release);
    return v.exchange(n, release, l);
}

namespace impl {
/// A strong CAS with the given orders; returns the value read (== `expected` on success).
template <class T>
T cas_value(const atomic<T>& v, T expected, T desired, std::memory_order success,
            std::memory_order failure, loc_t l) {
    T e = expected;
    lk(success == relaxed ? LkmmTag::Once : success == acquire ? LkmmTag::Acquire : LkmmTag::Release);
    v.compare_exchange_strong(e, desired, success, failure, l);
    return e;  // unchanged on success, the value read on failure
}
}  // namespace impl

/// cmpxchg(ptr, old, new): returns the value read; fully ordered on success. On failure the
/// leading MB has still executed (stronger than LKMM's "unordered on failure").
template <class T>
T cmpxchg(const atomic<T>& v, std::type_identity_t<T> old, std::type_identity_t<T> n,
          loc_t l = loc_t::current()) {
    KernelOpScope k_{"cmpxchg", l};
    impl::lk(LkmmTag::NotLkmm);
    fence(seq_cst, l);
    T e = old;
    impl::lk(LkmmTag::Mb);  // a failed cmpxchg is a FailedRMW under LKMM: unordered
    if (v.compare_exchange_strong(e, n, relaxed, relaxed, l)) {
        impl::lk(LkmmTag::NotLkmm);
        fence(seq_cst, l);
    }
    return e;
}
template <class T>
T cmpxchg_relaxed(const atomic<T>& v, std::type_identity_t<T> old, std::type_identity_t<T> n,
                  loc_t l = loc_t::current()) {
    return impl::cas_value<T>(v, old, n, relaxed, relaxed, l);
}
template <class T>
T cmpxchg_acquire(const atomic<T>& v, std::type_identity_t<T> old, std::type_identity_t<T> n,
                  loc_t l = loc_t::current()) {
    KernelOpScope k_{"cmpxchg_acquire", l};
    return impl::cas_value<T>(v, old, n, acquire, relaxed, l);
}
template <class T>
T cmpxchg_release(const atomic<T>& v, std::type_identity_t<T> old, std::type_identity_t<T> n,
                  loc_t l = loc_t::current()) {
    KernelOpScope k_{"cmpxchg_release", l};
    return impl::cas_value<T>(v, old, n, release, relaxed, l);
}
/// atomic_cmpxchg(v, old, new): as cmpxchg.
template <class T>
T atomic_cmpxchg(const atomic<T>& v, std::type_identity_t<T> old, std::type_identity_t<T> n,
                 loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_cmpxchg", l};
    return cmpxchg<T>(v, old, n, l);
}
/// atomic_add_unless(v, a, u): adds a unless the value is u; true when it added. Fully
/// ordered on success; on failure only the leading MB (see the table).
template <class T>
bool atomic_add_unless(const atomic<T>& v, std::type_identity_t<T> a, std::type_identity_t<T> u,
                       loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_add_unless", l};
    impl::lk(LkmmTag::NotLkmm);
    fence(seq_cst, l);
    const ValueType t = v.type();
    const auto ra = static_cast<std::int64_t>(a);
    const std::int64_t unless = t.normalize(static_cast<std::int64_t>(u));
    // Decide on the value the RMW returns, never on state captured by the update function: a
    // revisit re-evaluates the function after this frame is gone, and a flag written from
    // inside it would make two executions of the same graph disagree (atomic_add_unless in
    // include/linux/atomic/atomic-instrumented.h is "return raw_atomic_fetch_add_unless(v, a,
    // u) != u" for the same reason: the result is a function of the old value).
    impl::lk(LkmmTag::Mb);  // failing (old == u) it is a FailedRMW under LKMM: unordered
    // Two words of capture fit std::function's inline buffer, so nothing on this frame owns
    // heap memory while the thread may stop inside the update; atomic<T>::update wraps the
    // sum to the location's width.
    const T old = v.update(
        [ra, unless](std::int64_t o) -> std::optional<std::int64_t> {
            if (o == unless) return std::nullopt;
            return static_cast<std::int64_t>(static_cast<std::uint64_t>(o) + static_cast<std::uint64_t>(ra));
        },
        relaxed, relaxed, "atomic_add_unless", l);
    const bool added = t.normalize(static_cast<std::int64_t>(old)) != unless;
    if (added) {
        impl::lk(LkmmTag::NotLkmm);
        fence(seq_cst, l);
    }
    return added;
}
/// atomic_inc_not_zero(v) (get_page_unless_zero, folio_try_get).
template <class T>
bool atomic_inc_not_zero(const atomic<T>& v, loc_t l = loc_t::current()) {
    KernelOpScope k_{"atomic_inc_not_zero", l};
    return atomic_add_unless<T>(v, T{1}, T{0}, l);
}

// ----------------------------------------------------------------------------------------------
// Bitops on a word (page->flags and the like)
// ----------------------------------------------------------------------------------------------

namespace impl {
template <class T>
T bit_mask(unsigned nr) {
    return static_cast<T>(static_cast<std::uint64_t>(1) << nr);
}
}  // namespace impl

/// set_bit(nr, w): unordered atomic OR.
template <class T>
void set_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Noreturn);
    w.fetch_or(impl::bit_mask<T>(nr), relaxed, l);
}
/// clear_bit(nr, w): unordered atomic AND-NOT.
template <class T>
void clear_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Noreturn);
    w.fetch_and(static_cast<T>(~impl::bit_mask<T>(nr)), relaxed, l);
}
/// test_bit(nr, w): relaxed load.
template <class T>
bool test_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    return (w.load(relaxed, l) & impl::bit_mask<T>(nr)) != T{0};
}
/// test_and_set_bit(nr, w): fully ordered even when the bit was already set.
template <class T>
bool test_and_set_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    KernelOpScope k_{"test_and_set_bit", l};
    const T m = impl::bit_mask<T>(nr);
    return (impl::fully_ordered<T>([&] { return w.fetch_or(m, relaxed, l); }, l) & m) != T{0};
}
/// test_and_clear_bit(nr, w): fully ordered even when the bit was already clear.
template <class T>
bool test_and_clear_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    KernelOpScope k_{"test_and_clear_bit", l};
    const T m = impl::bit_mask<T>(nr);
    return (impl::fully_ordered<T>([&] { return w.fetch_and(static_cast<T>(~m), relaxed, l); }, l) &
            m) != T{0};
}
/// test_and_set_bit_lock(nr, w): ACQUIRE when it sets the bit (returns false); when the bit
/// is already set it does not write and is unordered (returns true).
template <class T>
bool test_and_set_bit_lock(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    KernelOpScope k_{"test_and_set_bit_lock", l};
    const auto m = static_cast<std::int64_t>(impl::bit_mask<T>(nr));
    impl::lk(LkmmTag::Acquire);  // set: acquire; already set: a FailedRMW, unordered
    const T old = w.update(
        [m](std::int64_t o) -> std::optional<std::int64_t> {
            if ((o & m) != 0) return std::nullopt;
            return o | m;
        },
        acquire, relaxed, "test_and_set_bit_lock", l);
    return (static_cast<std::int64_t>(old) & m) != 0;
}
/// clear_bit_unlock(nr, w): RELEASE.
template <class T>
void clear_bit_unlock(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    KernelOpScope k_{"clear_bit_unlock", l};
    impl::lk(LkmmTag::Release);
    w.fetch_and(static_cast<T>(~impl::bit_mask<T>(nr)), release, l);
}
/// __set_bit(nr, w): non-atomic read-modify-write as two relaxed steps (updates can be lost).
template <class T>
void __set_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    const T old = w.load(relaxed, l);
    w.store(static_cast<T>(old | impl::bit_mask<T>(nr)), relaxed, l);
}
/// __clear_bit(nr, w): non-atomic, as __set_bit.
template <class T>
void __clear_bit(unsigned nr, const atomic<T>& w, loc_t l = loc_t::current()) {
    const T old = w.load(relaxed, l);
    w.store(static_cast<T>(old & static_cast<T>(~impl::bit_mask<T>(nr))), relaxed, l);
}

// ----------------------------------------------------------------------------------------------
// Locks
// ----------------------------------------------------------------------------------------------

/// spinlock_t (page-table lock, PMD lock, ...): an mmcheck::mutex, so a lock waits instead of
/// spinning and a cycle of waiters is reported as a deadlock.
class spinlock_t {
public:
    explicit spinlock_t(std::string_view name) : m_(name) {}
    [[nodiscard]] const mutex& raw() const { return m_; }

private:
    mutex m_;
};
inline void spin_lock(const spinlock_t& s, loc_t l = loc_t::current()) { KernelOpScope k_{"spin_lock", l}; s.raw().lock(l); }
inline void spin_unlock(const spinlock_t& s, loc_t l = loc_t::current()) { KernelOpScope k_{"spin_unlock", l}; s.raw().unlock(l); }
/// spin_trylock: true when the lock was taken (ACQUIRE); unordered on failure.
inline bool spin_trylock(const spinlock_t& s, loc_t l = loc_t::current()) { KernelOpScope k_{"spin_trylock", l}; return s.raw().try_lock(l); }

/// The page lock (PG_locked): a sleeping bit lock, ACQUIRE/RELEASE. Modelled as its own
/// mutex, apart from the rest of page->flags (kit 0.1).
class page_lock_t {
public:
    explicit page_lock_t(std::string_view name) : m_(name) {}
    [[nodiscard]] const mutex& raw() const { return m_; }

private:
    mutex m_;
};
/// lock_page / folio_lock.
inline void lock_page(const page_lock_t& p, loc_t l = loc_t::current()) { KernelOpScope k_{"lock_page", l}; p.raw().lock(l); }
/// trylock_page / folio_trylock: true when taken.
inline bool trylock_page(const page_lock_t& p, loc_t l = loc_t::current()) { KernelOpScope k_{"trylock_page", l}; return p.raw().try_lock(l); }
/// unlock_page / folio_unlock.
inline void unlock_page(const page_lock_t& p, loc_t l = loc_t::current()) { KernelOpScope k_{"unlock_page", l}; p.raw().unlock(l); }

// ----------------------------------------------------------------------------------------------
// Narrow counters
// ----------------------------------------------------------------------------------------------

/// A counter of `Bits` bits (e.g. a 3-bit refcount, so that an overflow takes 8 increments):
/// an atomic<int> whose RMW arithmetic wraps at that width, unsigned (0..2^Bits-1) or signed
/// (-2^(Bits-1)..2^(Bits-1)-1). Every function above that takes `const atomic<T>&` accepts it.
template <unsigned Bits, bool Signed = false>
class narrow_counter : public atomic<int> {
    static_assert(Bits >= 1 && Bits <= 31, "a narrow counter has 1..31 bits");

public:
    explicit narrow_counter(std::string_view name, int initial = 0)
        : atomic<int>(name, initial, ValueType{static_cast<std::uint8_t>(Bits), Signed}) {}
};
/// A signed narrow counter (e.g. a _mapcount that starts at -1).
template <unsigned Bits>
using narrow_signed_counter = narrow_counter<Bits, true>;

}  // namespace mmcheck::kernel

// The hardware objects of kit 0.2, owned by the other model engineer. Included last so that
// they can build on everything above.
// The MM vocabulary, one concept per header (kernel/README.md): dependencies, object
// lifetime, the folio refcount, seqcount_t, RCU/SRCU, XArray slots.
#include <mmcheck/kernel/dep.hpp>
#include <mmcheck/kernel/object.hpp>
#include <mmcheck/kernel/folio.hpp>
#include <mmcheck/kernel/seqcount.hpp>
#include <mmcheck/kernel/rcu.hpp>
#include <mmcheck/kernel/xarray.hpp>

#if __has_include(<mmcheck/kernel/pte.hpp>)
#include <mmcheck/kernel/pte.hpp>
#endif
#if __has_include(<mmcheck/kernel/tlb.hpp>)
#include <mmcheck/kernel/tlb.hpp>
#endif
