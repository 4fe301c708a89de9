// SPDX-License-Identifier: MIT
/// \file seqcount_t (include/linux/seqlock.h), each helper as its kernel definition. The
/// sequence is one word; writers are serialized by their own lock (not modelled here), so
/// `s->sequence++` is a READ_ONCE and a WRITE_ONCE (LKMM: two once accesses; the kernel's
/// plain increment is KCSAN-annotated as such).
#pragma once

#include <mmcheck/kernel.hpp>

#include <source_location>
#include <string_view>

namespace mmcheck::kernel {

struct seqcount_t {
    explicit seqcount_t(std::string_view name) : sequence(name, 0u) {}
    atomic<unsigned> sequence;
};

namespace impl {
inline void seq_inc(const seqcount_t& s, loc_t l) {
    const unsigned v = READ_ONCE(s.sequence, l);
    WRITE_ONCE(s.sequence, v + 1u, l);
}
}  // namespace impl

/// write_seqcount_begin(s): do_raw_write_seqcount_begin: `s->sequence++; smp_wmb();`.
inline void write_seqcount_begin(const seqcount_t& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"write_seqcount_begin", l};
    impl::seq_inc(s, l);
    smp_wmb(l);
}
/// write_seqcount_end(s): do_raw_write_seqcount_end: `smp_wmb(); s->sequence++;`.
inline void write_seqcount_end(const seqcount_t& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"write_seqcount_end", l};
    smp_wmb(l);
    impl::seq_inc(s, l);
}
/// raw_write_seqcount_barrier(s): `s->sequence++; smp_wmb(); s->sequence++;`.
inline void raw_write_seqcount_barrier(const seqcount_t& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"raw_write_seqcount_barrier", l};
    impl::seq_inc(s, l);
    smp_wmb(l);
    impl::seq_inc(s, l);
}
/// __read_seqcount_begin(s): `while ((seq = READ_ONCE(s->sequence)) & 1) cpu_relax();`, a
/// wait for an even sequence (an await: a read of an odd value blocks that execution).
inline unsigned __read_seqcount_begin(const seqcount_t& s, loc_t l = loc_t::current()) {
    impl::lk(LkmmTag::Once);
    return s.sequence.await([](unsigned v) { return (v & 1u) == 0; }, relaxed, l);
}
/// read_seqcount_begin(s): raw_read_seqcount_begin: `__read_seqcount_begin(s); smp_rmb();`.
inline unsigned read_seqcount_begin(const seqcount_t& s, loc_t l = loc_t::current()) {
    KernelOpScope k_{"read_seqcount_begin", l};
    const unsigned seq = __read_seqcount_begin(s, l);
    smp_rmb(l);
    return seq;
}
/// __read_seqcount_retry(s, start): `READ_ONCE(s->sequence) != start` (no barrier).
inline bool __read_seqcount_retry(const seqcount_t& s, unsigned start, loc_t l = loc_t::current()) {
    return READ_ONCE(s.sequence, l) != start;
}
/// read_seqcount_retry(s, start): `smp_rmb(); return __read_seqcount_retry(s, start);`.
inline bool read_seqcount_retry(const seqcount_t& s, unsigned start, loc_t l = loc_t::current()) {
    KernelOpScope k_{"read_seqcount_retry", l};
    smp_rmb(l);
    return __read_seqcount_retry(s, start, l);
}

}  // namespace mmcheck::kernel
