// SPDX-License-Identifier: MIT
/// \file LKMM consistency as a whole-graph relational checker, the fast form: the relations of
/// lkmm_reference.cpp on SmallRelation (one word per row, no allocation), each built only
/// when an axiom needs it, rcu-order's fixpoint iterated semi-naively. Graphs of more than 64
/// nodes go to the reference checker; tests/engine/lkmm_fast_test.cpp compares the two.
///
/// The reference is herd7's catalogue/linux (the kernel's tools/memory-model, lkmmv2):
/// "bell:N" cites linux-kernel.bell, "cat:N" linux-kernel.cat, "lock:N" lock.cat, "def" the
/// macros of linux-kernel.def. herd7's `let` is lexically scoped: a relation redefined later in
/// a file (bell:93-96 dependencies, cat:165-166 fence and strong-fence, lock:70-153 R, W, rf,
/// co) is used in its new form only by the definitions after it; the code keeps that order.
///
/// Nodes are the events of the graph plus one initial write (IW) per location. IW belongs to
/// no thread, so every pair involving it is external (ext), as in herd7.
#include "model/lkmm.hpp"

#include "model/lkmm_reference.hpp"
#include "model/small_relation.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace mmcheck::lkmm {

LkmmTag tag_of(const ExecutionGraph& g, const Event& e) {
    if (e.lk != LkmmTag::Derived) return e.lk;
    if (e.kind == EventKind::Fence) return e.mode == Mode::Rlx ? LkmmTag::Barrier : LkmmTag::FenceMb;
    if (!e.is_read() && !e.is_write()) return LkmmTag::Derived;
    if (g.location(e.loc).kind == LocKind::Plain || e.mode == Mode::NA) return LkmmTag::Plain;
    // Both events of an RMW that wrote take the tag of its success order. A C++-style update
    // that did not write (no kernel tag: the kernel's RMW helpers tag their events, kernel.hpp)
    // is a read with its C++ failure order, as in C11 ([atomics.types.operations]); e.mode
    // holds that order. kernel/tlb.hpp's page walk relies on this: its acquire stands in for
    // the walk's address dependency whether or not it sets the dirty bit.
    const bool rmw = e.has(kRmwRead) || e.has(kRmwWrite);
    switch (rmw ? e.succ_mode : e.mode) {
        case Mode::NA: return LkmmTag::Plain;
        case Mode::Rlx: return LkmmTag::Once;
        case Mode::Acq: return LkmmTag::Acquire;
        case Mode::Rel: return LkmmTag::Release;
        case Mode::AcqRel:
        case Mode::SC: return LkmmTag::Mb;
    }
    return LkmmTag::Once;
}

namespace {

using Rel = SmallRelation;

/// Everything the axioms and flags need, computed once per graph of at most 64 nodes: the
/// same relations as the reference checker (lkmm_reference.cpp), each set a word, each
/// relation a SmallRelation, so that a check allocates nothing.
struct Model {
    std::size_t n = 0;
    Bits all = 0;  // the nodes 0 .. n-1
    std::array<EventId, SmallRelation::kMax> ids{};
    std::array<const Event*, SmallRelation::kMax> ev{};  // null for initial writes
    std::array<std::int64_t, SmallRelation::kMax> value{};

    // Sets (bell:16-37 event classes, bell:44-54 filtered tags, lock:14-30 lock events).
    Bits R = 0, W = 0, M = 0, F = 0, IW = 0, RMW = 0, FailedRMW = 0, Acquire = 0, Release = 0, Mb = 0,
         Noreturn = 0, Marked = 0, Plain = 0;
    Bits Wmb = 0, Rmb = 0, Barrier = 0, RcuLock = 0, RcuUnlock = 0, SyncRcu = 0, BeforeAtomic = 0,
         AfterAtomic = 0, AfterSpinlock = 0, AfterUnlockLock = 0, AfterSrcuReadUnlock = 0, SrcuLock = 0,
         SrcuUnlock = 0, SyncSrcu = 0;
    Bits LKR = 0, LKW = 0, UL = 0, LF = 0, RL = 0, RU = 0;

    Rel po, loc_rel, int_rel, ext, po_loc, rf, co, fr, rfe, rfi, coe, fre, rmw;
    Rel addr, data, ctrl, base_data;
    Rel rcu_rscs, srcu_rscs;

    // cat relations
    Rel acq_po, po_rel, po_unlock_lock_po, rmb, wmb, mb, gp, strong_fence, nonrw_fence, fence;
    Rel ppo, cumul_fence, prop, hb, pb, rcu_order, rcu_fence, rb, rmw_sequence;
    Rel strong_fence2, fence2;  // cat:165-166: with rcu-fence
    Rel hb_star;                // cat:117's hb*, kept for the RCU relations

    /// Empties every set (relations are rebuilt at their size before use).
    void reset() {
        for (Bits* s : {&R, &W, &M, &F, &IW, &RMW, &FailedRMW, &Acquire, &Release, &Mb, &Noreturn, &Marked, &Plain,
                        &Wmb, &Rmb, &Barrier, &RcuLock, &RcuUnlock, &SyncRcu, &BeforeAtomic, &AfterAtomic,
                        &AfterSpinlock, &AfterUnlockLock, &AfterSrcuReadUnlock, &SrcuLock, &SrcuUnlock, &SyncSrcu,
                        &LKR, &LKW, &UL, &LF, &RL, &RU})
            *s = 0;
    }

    /// po ; [s] ; po, cat:10: row a is the po-successors of the s-events po-after a.
    [[nodiscard]] Rel fencerel(Bits s) const {
        Rel r(n);
        if ((s & all) == 0) return r;
        for (std::size_t a = 0; a < n; ++a) r.row(a) = po.image(po.row(a) & s);
        return r;
    }
};

/// Bit a of s.
bool in(Bits s, std::size_t a) { return (s >> a) & 1U; }

/// The nodes of the graph: the initial write of every location, then every event of every
/// thread, thread by thread in program order (so po is a run of bits per thread). Returns
/// false when there are more than 64.
bool build_base(const ExecutionGraph& g, Model& m) {
    std::size_t n = g.num_locations();
    if (g.num_threads() > SmallRelation::kMax) return false;
    std::array<std::size_t, SmallRelation::kMax> first{};  // node of each thread's event 0
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        first[t] = n;
        n += g.thread_size(static_cast<ThreadId>(t));
    }
    if (n > SmallRelation::kMax) return false;
    m.n = n;
    m.all = all_nodes(n);
    for (Rel* r : {&m.po, &m.loc_rel, &m.int_rel, &m.ext, &m.rf, &m.co, &m.rmw, &m.base_data, &m.addr, &m.ctrl,
                   &m.rcu_rscs, &m.srcu_rscs, &m.fr, &m.po_loc, &m.rfe, &m.rfi, &m.coe, &m.fre})
        r->clear(n);
    auto idx = [&](EventId e) { return e.is_init() ? static_cast<std::size_t>(e.index) : first[e.thread] + e.index; };

    std::array<Bits, SmallRelation::kMax> loc_nodes{};  // per location (fits: a location has its IW node)
    std::array<int, SmallRelation::kMax> loc{};
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        m.ids[l] = EventId::init(static_cast<LocId>(l));
        m.ev[l] = nullptr;
        m.value[l] = g.location(static_cast<LocId>(l)).initial;
        loc[l] = static_cast<int>(l);
        loc_nodes[l] |= bit(l);
        m.IW |= bit(l);  // bell:88 IW is Marked
    }
    m.W = m.M = m.Marked = m.IW;
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& evs = g.thread_events(static_cast<ThreadId>(t));
        const Bits thread_nodes = evs.empty() ? 0 : all_nodes(first[t] + evs.size()) & ~all_nodes(first[t]);
        for (std::size_t i = 0; i < evs.size(); ++i) {
            const std::size_t a = first[t] + i;
            const Event& e = evs[i];
            m.ids[a] = EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            m.ev[a] = &e;
            m.value[a] = e.value;
            m.int_rel.row(a) = thread_nodes;
            m.po.row(a) = thread_nodes & ~all_nodes(a + 1);
            const LkmmTag tag = tag_of(g, e);
            const bool mem = e.is_read() || e.is_write();
            const bool sync_srcu = e.kind == EventKind::Fence && tag == LkmmTag::SyncSrcu;
            loc[a] = mem || sync_srcu ? static_cast<int>(e.loc) : -1;
            if (loc[a] >= 0) loc_nodes[static_cast<std::size_t>(loc[a])] |= bit(a);
            const Bits b = bit(a);
            if (e.kind == EventKind::Fence) {
                m.F |= b;
                switch (tag) {
                    case LkmmTag::FenceMb: m.Mb |= b; break;  // bell:27 'MB (smp_mb)
                    case LkmmTag::Wmb: m.Wmb |= b; break;
                    case LkmmTag::Rmb: m.Rmb |= b; break;
                    case LkmmTag::Barrier: m.Barrier |= b; break;
                    case LkmmTag::RcuLock: m.RcuLock |= b; break;
                    case LkmmTag::RcuUnlock: m.RcuUnlock |= b; break;
                    case LkmmTag::SyncRcu: m.SyncRcu |= b; break;
                    case LkmmTag::BeforeAtomic: m.BeforeAtomic |= b; break;
                    case LkmmTag::AfterAtomic: m.AfterAtomic |= b; break;
                    case LkmmTag::AfterSpinlock: m.AfterSpinlock |= b; break;
                    case LkmmTag::AfterUnlockLock: m.AfterUnlockLock |= b; break;
                    case LkmmTag::AfterSrcuReadUnlock: m.AfterSrcuReadUnlock |= b; break;
                    case LkmmTag::SyncSrcu: m.SyncSrcu |= b; break;
                    default: break;  // an access tag on a fence means nothing
                }
                m.Marked |= b;  // bell:88 (~M)
                continue;
            }
            if (!mem) {
                m.Marked |= b;  // spawn, join, end: not memory accesses
                continue;
            }
            const bool mutex_loc = g.location(e.loc).kind == LocKind::Mutex;
            if (e.is_read()) m.R |= b;
            if (e.is_write()) m.W |= b;
            m.M |= b;
            // lock:14-30: the events of spinlock operations.
            if (e.is_read() && e.has(kLock)) (e.has(kRmwRead) ? m.LKR : m.LF) |= b;
            if (e.is_write() && e.has(kLock)) m.LKW |= b;
            if (e.is_write() && e.has(kUnlock)) m.UL |= b;
            if (e.is_read() && !e.has(kLock) && mutex_loc) (e.value != 0 ? m.RL : m.RU) |= b;
            if (tag == LkmmTag::SrcuLock && e.is_read()) m.SrcuLock |= b;
            if (tag == LkmmTag::SrcuUnlock && e.is_write()) m.SrcuUnlock |= b;
            // bell:21-23 RMW: the events of an RMW instruction (not of a lock, lock:45 adds
            // lk-rmw to rmw only); bell:44 FailedRMW: an RMW instruction that did not write.
            const bool lock_event = e.has(kLock) || e.has(kUnlock);
            if (!lock_event && (e.has(kUpdate) || e.has(kRmwWrite))) m.RMW |= b;
            // FailedRMW is LKMM's notion for the kernel's RMW primitives (their helpers tag the
            // events); an untagged C++-style update that fails is a read with its failure order
            // (tag_of), not an unordered FailedRMW.
            const bool failed =
                !lock_event && e.is_read() && e.has(kUpdate) && !e.has(kRmwRead) && e.lk != LkmmTag::Derived;
            if (failed) m.FailedRMW |= b;
            if (tag == LkmmTag::Acquire && e.is_read() && !failed) m.Acquire |= b;   // bell:45
            if (tag == LkmmTag::Release && e.is_write() && !failed) m.Release |= b;  // bell:46
            if (tag == LkmmTag::Mb && !failed) m.Mb |= b;                            // bell:47
            if (tag == LkmmTag::Noreturn && e.is_read()) m.Noreturn |= b;            // bell:48
            // bell:88-90 Marked and Plain.
            const bool marked = tag == LkmmTag::Once || tag == LkmmTag::Release || tag == LkmmTag::Acquire ||
                                tag == LkmmTag::Mb || in(m.RMW | m.LKR | m.LKW | m.UL | m.LF | m.RL | m.RU |
                                                             m.SrcuLock | m.SrcuUnlock, a);
            (marked ? m.Marked : m.Plain) |= b;
        }
    }
    // lock:36 LF = LF | RL; lock:73-74 Release | UL, Acquire | LKR.
    m.LF |= m.RL;
    m.Release |= m.UL;
    m.Acquire |= m.LKR;

    for (std::size_t a = 0; a < n; ++a) {
        if (loc[a] >= 0) m.loc_rel.row(a) = loc_nodes[static_cast<std::size_t>(loc[a])];
        m.ext.row(a) = m.all & ~m.int_rel.row(a);  // an IW node is external to every node, itself too
    }

    // rf, co (IW first), rmw, dependencies.
    for (std::size_t a = 0; a < n; ++a) {
        const Event* e = m.ev[a];
        if (e == nullptr) continue;
        if (e->is_read() && !e->rf.is_unresolved()) m.rf.set(idx(e->rf), a);
        if (e->is_write() && e->has(kRmwWrite) && m.ids[a].index > 0) m.rmw.set(a - 1, a);
        if (e->deps) {
            const std::size_t t0 = first[m.ids[a].thread];
            auto add = [&](const std::vector<std::uint32_t>& from, Rel& rel) {
                for (std::uint32_t i : from) {
                    // Only earlier reads of the same thread (docs/lkmm-api.md); anything else
                    // is not a dependency.
                    if (i >= m.ids[a].index) continue;
                    if (in(m.R, t0 + i)) rel.set(t0 + i, a);
                }
            };
            add(e->deps->addr, m.addr);
            add(e->deps->data, m.base_data);
            add(e->deps->ctrl, m.ctrl);
        }
    }
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        // Each write is co-before every write after it in the list (IW first).
        Bits later = 0;
        const auto& co = g.co(static_cast<LocId>(l));
        for (std::size_t i = co.size(); i-- > 0;) {
            const std::size_t w = idx(co[i]);
            m.co.row(w) = later;
            later |= bit(w);
        }
        m.co.row(l) = later;
    }
    // lock:153 fr = rf^-1 ; co: a read's row is the co-successors of the write it reads.
    for (std::size_t w = 0; w < n; ++w)
        for (Bits r = m.rf.row(w); r != 0; r &= r - 1) m.fr.row(static_cast<std::size_t>(std::countr_zero(r))) = m.co.row(w);
    for (std::size_t a = 0; a < n; ++a) {
        m.po_loc.row(a) = m.po.row(a) & m.loc_rel.row(a);
        m.rfe.row(a) = m.rf.row(a) & m.ext.row(a);
        m.rfi.row(a) = m.rf.row(a) & m.int_rel.row(a);
        m.coe.row(a) = m.co.row(a) & m.ext.row(a);
        m.fre.row(a) = m.fr.row(a) & m.ext.row(a);
    }

    // bell:57-66 rcu-rscs: nested rcu_read_lock/unlock matched innermost first (the fixpoint
    // pairs an unmatched lock with the next unmatched unlock when no unmatched event lies
    // between: bracket matching along po).
    if (m.RcuLock != 0 && m.RcuUnlock != 0) {
        for (std::size_t t = 0; t < g.num_threads(); ++t) {
            std::array<std::uint8_t, SmallRelation::kMax> stack{};
            std::size_t sp = 0;
            for (std::size_t a = first[t]; a < first[t] + g.thread_size(static_cast<ThreadId>(t)); ++a) {
                if (in(m.RcuLock, a)) stack[sp++] = static_cast<std::uint8_t>(a);
                else if (in(m.RcuUnlock, a) && sp > 0) m.rcu_rscs.set(stack[--sp], a);
            }
        }
    }
    // bell:73-74 srcu-rscs (with the dependencies of the source, before bell:93-96): both need
    // a data dependency (without one, carry-srcu-data;data is empty and carry-dep is id).
    m.data = m.base_data;
    if (!m.base_data.empty()) {
        const Bits not_srcu_unlock = ~m.SrcuUnlock;
        if (m.SrcuLock != 0 && m.SrcuUnlock != 0) {
            const Rel carry_srcu_data = (m.base_data.then_set(not_srcu_unlock) * m.rf).star();
            m.srcu_rscs = (carry_srcu_data * m.base_data).restrict(m.SrcuLock, m.SrcuUnlock) & m.loc_rel;
        }
        // bell:93-96 dependencies carried through plain accesses.
        const Rel carry_dep = (m.base_data.then_set(not_srcu_unlock) * m.rfi).star();
        m.addr = carry_dep * m.addr;
        m.ctrl = carry_dep * m.ctrl;
        m.data = carry_dep * m.base_data;
    }
    return true;
}

/// The rows of r ∪ id applied to s: s ∪ r.image(s) (r* for r = r+, or r? for any r).
Bits refl_image(const Rel& r, Bits s) { return s | r.image(s); }

void build_hb(Model& m) {
    const std::size_t n = m.n;
    // ---- cat:27-72 basic relations, row by row ----
    const Bits R4rmb = m.R & ~m.Noreturn;  // cat:33
    const bool pulp = m.UL != 0 && m.LKR != 0;
    m.acq_po.clear(n);
    m.po_rel.clear(n);
    m.po_unlock_lock_po.clear(n);
    m.rmb.clear(n);
    m.wmb.clear(n);
    m.mb.clear(n);
    m.gp.clear(n);
    const Bits sync = m.SyncRcu | m.SyncSrcu;
    for (std::size_t a = 0; a < n; ++a) {
        const Bits po = m.po.row(a);
        if (po == 0) continue;  // every relation below starts with a po edge out of a
        if (in(m.Acquire, a)) m.acq_po.row(a) = po & m.M;                        // cat:28
        if (in(m.M, a)) m.po_rel.row(a) = po & m.Release;                         // cat:29
        if (pulp) {
            // cat:30 po ; [UL] ; (po | rf) ; [LKR] ; po
            const Bits ul = po & m.UL;
            if (ul != 0) m.po_unlock_lock_po.row(a) = m.po.image((m.po.image(ul) | m.rf.image(ul)) & m.LKR);
        }
        if (in(R4rmb, a) && (po & m.Rmb) != 0) m.rmb.row(a) = m.po.image(po & m.Rmb) & R4rmb;  // cat:34
        if (in(m.W, a) && (po & m.Wmb) != 0) m.wmb.row(a) = m.po.image(po & m.Wmb) & m.W;      // cat:35
        if (in(m.M, a)) {
            Bits mb = m.po.image(po & m.Mb) | (po & m.Mb & m.R);                 // cat:36, cat:45
            // po? ; [X] ; fencerel(Y): X-events at or po-after a, then past a Y fence.
            auto after = [&](Bits x, Bits y) {
                const Bits xs = (po | bit(a)) & x;
                return xs == 0 || y == 0 ? Bits{0} : m.po.image(m.po.image(xs) & y);
            };
            if (m.BeforeAtomic != 0 && m.RMW != 0) {
                // cat:47 fencerel(Before-atomic) ; [RMW] ; po?
                const Bits rmw = m.po.image(po & m.BeforeAtomic) & m.RMW;
                mb |= refl_image(m.po, rmw);
            }
            mb |= after(m.RMW, m.AfterAtomic);                                    // cat:48
            mb |= after(m.LKW, m.AfterSpinlock);                                  // cat:49
            mb |= after(m.SrcuUnlock, m.AfterSrcuReadUnlock);                     // cat:63
            m.mb.row(a) = mb & m.M;
        }
        if (in(m.Mb & m.W, a)) m.mb.row(a) |= po & m.M;                           // cat:46
        if ((po & sync) != 0) m.gp.row(a) = refl_image(m.po, po & sync);          // cat:64
    }
    if (m.AfterUnlockLock != 0 && pulp)
        for (std::size_t a = 0; a < n; ++a)                                       // cat:61-62
            if (in(m.M, a)) m.mb.row(a) |= m.po.image(m.po_unlock_lock_po.row(a) & m.AfterUnlockLock) & m.M;
    m.strong_fence.clear(n);
    m.nonrw_fence.clear(n);
    m.fence.clear(n);
    for (std::size_t a = 0; a < n; ++a) {
        m.strong_fence.row(a) = m.mb.row(a) | m.gp.row(a);                                   // cat:65
        m.nonrw_fence.row(a) = m.strong_fence.row(a) | m.po_rel.row(a) | m.acq_po.row(a);    // cat:67
        m.fence.row(a) = m.nonrw_fence.row(a) | m.wmb.row(a) | m.rmb.row(a);                 // cat:68
    }

    // ---- cat:89-110 ppo, prop, hb ----
    m.ppo.clear(n);
    for (std::size_t a = 0; a < n; ++a) {
        const Bits dep = m.addr.row(a) | m.data.row(a);                                      // cat:90
        const Bits rwdep = (dep | m.ctrl.row(a)) & m.W;                                      // cat:91
        Bits to_w = rwdep | ((m.co.row(a) | m.fr.row(a)) & m.int_rel.row(a));               // cat:92-93
        if (m.Wmb != 0) to_w |= m.wmb.image(m.addr.row(a) & m.Plain);
        const Bits to_r = (m.addr.row(a) & m.R) | m.rfi.image(dep & m.Marked);              // cat:94
        m.ppo.row(a) = to_r | to_w | ((m.fence.row(a) | m.po_unlock_lock_po.row(a)) & m.int_rel.row(a));  // cat:95
    }
    const Rel rf_rmw = m.rf * m.rmw;
    m.rmw_sequence = rf_rmw.star();                                                          // cat:99
    const bool rmw_sequence_id = rf_rmw.empty();
    // cat:100-101 cumul-fence = [Marked] ; (A-cumul(strong-fence | po-rel) | wmb |
    // po-unlock-lock-po) ; [Marked] ; rmw-sequence, with A-cumul(r) = (rfe ; [Marked])? ; r
    m.cumul_fence.clear(n);
    for (std::size_t a = 0; a < n; ++a) {
        if (!in(m.Marked, a)) continue;
        const Bits through = m.rfe.row(a) & m.Marked;
        Bits c = m.strong_fence.row(a) | m.po_rel.row(a) | m.wmb.row(a) | m.po_unlock_lock_po.row(a);
        if (through != 0) c |= m.strong_fence.image(through) | m.po_rel.image(through);
        c &= m.Marked;
        m.cumul_fence.row(a) = rmw_sequence_id ? c : m.rmw_sequence.image(c);
    }
    // cat:102-103 prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
    const Rel cumul_plus = m.cumul_fence.plus();
    m.prop.clear(n);
    for (std::size_t a = 0; a < n; ++a) {
        if (!in(m.Marked, a)) continue;
        const Bits x = refl_image(cumul_plus, bit(a) | ((m.co.row(a) | m.fr.row(a)) & m.ext.row(a))) & m.Marked;
        m.prop.row(a) = x | (m.rfe.image(x) & m.Marked);
    }
    // cat:109 hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
    m.hb.clear(n);
    for (std::size_t a = 0; a < n; ++a)
        if (in(m.Marked, a))
            m.hb.row(a) = (m.ppo.row(a) | m.rfe.row(a) | (m.prop.row(a) & m.int_rel.row(a) & ~bit(a))) & m.Marked;
}

/// cat:117 pb = prop ; strong-fence ; hb* ; [Marked]
void build_pb(Model& m) {
    m.pb.clear(m.n);
    if (m.strong_fence.empty()) return;
    for (std::size_t a = 0; a < m.n; ++a)
        if (m.prop.row(a) != 0) m.pb.row(a) = m.hb_star.image(m.strong_fence.image(m.prop.row(a))) & m.Marked;
}

/// cat:134-169 RCU. With `full_rb` false, rb is left empty and the result says whether it is
/// irreflexive (the rcu axiom, cat:171); with it true, rb is built (plain accesses need it).
bool build_rcu(Model& m, bool full_rb) {
    const std::size_t n = m.n;
    m.rb.clear(n);
    if (m.SyncRcu == 0 && m.SyncSrcu == 0) {
        // Every term of rcu-order's fixpoint (cat:154-163) starts or ends with rcu-gp or
        // srcu-gp, or is rcu-order;rcu-link;rcu-order: without a grace period it is empty,
        // and so are rcu-fence (cat:164) and rb (cat:169).
        m.rcu_order.clear(n);
        m.rcu_fence.clear(n);
        m.fence2 = m.fence;
        m.strong_fence2 = m.strong_fence;
        return true;
    }
    const Rel pb_plus = m.pb.plus();
    // cat:134-137: rcu-gp = [Sync-rcu], srcu-gp = [Sync-srcu], rcu-rscsi, srcu-rscsi. The
    // terms with rcu-rscsi need an RCU read-side critical section, those with srcu-rscsi an
    // SRCU one; without one they are empty and skipped.
    const Bits G = m.SyncRcu, Gs = m.SyncSrcu;
    const bool rcu = G != 0 && !m.rcu_rscs.empty();
    const bool srcu = Gs != 0 && !m.srcu_rscs.empty();
    const Rel rcu_rscsi = m.rcu_rscs.inverse();
    const Rel srcu_rscsi = m.srcu_rscs.inverse();
    // cat:144 rcu-link = po? ; hb* ; pb* ; prop ; po. Every term of cat:154-163 applies
    // rcu-link only after rcu-gp, srcu-gp, rcu-rscsi, srcu-rscsi or rcu-order, whose targets
    // are grace periods and the lock events of critical sections: only their rows are built.
    const Bits heads = G | Gs | rcu_rscsi.range() | srcu_rscsi.range();
    Rel link(n);
    for (Bits h = heads; h != 0; h &= h - 1) {
        const std::size_t a = static_cast<std::size_t>(std::countr_zero(h));
        const Bits hb = m.hb_star.image(refl_image(m.po, bit(a)));
        link.row(a) = m.po.image(m.prop.image(refl_image(pb_plus, hb)));
    }
    // cat:154-163, the constant terms (those without rcu-order):
    //   rcu-gp | srcu-gp | rcu-gp;rcu-link;rcu-rscsi | (srcu-gp;rcu-link;srcu-rscsi) & loc
    //   | rcu-rscsi;rcu-link;rcu-gp | (srcu-rscsi;rcu-link;srcu-gp) & loc
    Rel order(n);
    for (std::size_t a = 0; a < n; ++a) {
        Bits r = 0;
        if (in(G, a)) r |= bit(a) | (rcu ? rcu_rscsi.image(link.row(a)) : 0);
        if (in(Gs, a)) r |= bit(a) | (srcu ? srcu_rscsi.image(link.row(a)) & m.loc_rel.row(a) : 0);
        if (rcu) r |= link.image(rcu_rscsi.row(a)) & G;
        if (srcu) r |= link.image(srcu_rscsi.row(a)) & Gs & m.loc_rel.row(a);
        order.row(a) = r;
    }
    // The least fixpoint, iterated semi-naively from the constant terms: the recursive terms
    //   rcu-gp;rcu-link;rcu-order;rcu-link;rcu-rscsi | (srcu-gp;...;srcu-rscsi) & loc
    //   | rcu-rscsi;rcu-link;rcu-order;rcu-link;rcu-gp | (srcu-rscsi;...;srcu-gp) & loc
    //   | rcu-order;rcu-link;rcu-order
    // are unions of compositions, each linear in rcu-order except the last, so each round
    // composes only the pairs gained in the previous one (delta) with the whole relation.
    // (The range of rcu-order is in `heads`, so link's rows suffice.)
    Rel delta = order;
    for (;;) {
        Rel next(n);
        // X = rcu-link ; delta ; rcu-link on the rows of `heads` (the first events of the
        // linear terms and, through rscsi, the lock events).
        Rel x(n);
        for (Bits h = heads; h != 0; h &= h - 1) {
            const std::size_t a = static_cast<std::size_t>(std::countr_zero(h));
            x.row(a) = link.image(delta.image(link.row(a)));
        }
        bool grew = false;
        for (std::size_t a = 0; a < n; ++a) {
            // delta;link;order | order;link;delta
            Bits r = order.image(link.image(delta.row(a))) | delta.image(link.image(order.row(a)));
            if (rcu && in(G, a)) r |= rcu_rscsi.image(x.row(a));
            if (srcu && in(Gs, a)) r |= srcu_rscsi.image(x.row(a)) & m.loc_rel.row(a);
            if (rcu) r |= x.image(rcu_rscsi.row(a)) & G;
            if (srcu) r |= x.image(srcu_rscsi.row(a)) & Gs & m.loc_rel.row(a);
            next.row(a) = r & ~order.row(a);
            if (next.row(a) != 0) grew = true;
        }
        if (!grew) break;
        order |= next;
        delta = next;
    }
    m.rcu_order = std::move(order);
    m.rcu_fence.clear(n);                                                        // cat:164
    for (std::size_t a = 0; a < n; ++a)
        if (m.po.row(a) != 0) m.rcu_fence.row(a) = refl_image(m.po, m.rcu_order.image(m.po.row(a)));
    m.fence2 = m.fence | m.rcu_fence;                                            // cat:165
    m.strong_fence2 = m.strong_fence | m.rcu_fence;                              // cat:166
    // cat:169 rb = prop ; rcu-fence ; hb* ; pb* ; [Marked]; cat:171 irreflexive rb.
    bool irreflexive = true;
    for (std::size_t a = 0; a < n; ++a) {
        if (!full_rb && !in(m.Marked, a)) continue;
        const Bits f = m.rcu_fence.image(m.prop.row(a));
        if (f == 0) continue;
        const Bits r = refl_image(pb_plus, m.hb_star.image(f)) & m.Marked;
        if (full_rb) m.rb.row(a) = r;
        if (in(r, a)) {
            irreflexive = false;
            if (!full_rb) break;
        }
    }
    return irreflexive;
}

/// cat:186-226 plain accesses: the relations both plain-coherence and data-race need.
struct PlainRelations {
    Rel pre_race, ww_vis, wr_vis, rw_xbstar;
};

PlainRelations plain_relations(const Model& m) {
    const std::size_t n = m.n;
    const Rel xbstar = (m.hb | m.pb | m.rb).star();                                  // cat:192
    const Rel vis = (m.cumul_fence.star() * m.rfe.opt()).then_set(m.Marked) *
                    ((m.strong_fence2.then_set(m.Marked) * xbstar) | (xbstar & m.int_rel));  // cat:193-194
    const Bits R4rmb = m.R & ~m.Noreturn;
    const Bits not_noreturn = ~m.Noreturn;
    const Rel rmb_fence = m.fencerel(m.Rmb);
    const Rel w_pre_bounded = (m.addr | m.fence2).opt().from_set(m.Marked);                     // cat:197
    const Rel r_pre_bounded =
        (m.addr | m.nonrw_fence | rmb_fence.restrict(R4rmb, not_noreturn)).opt().from_set(m.Marked);  // cat:198-199
    const Rel w_post_bounded = m.fence2.opt().then_set(m.Marked) * m.rmw_sequence;             // cat:200
    const Rel r_post_bounded = (m.nonrw_fence | rmb_fence.restrict(not_noreturn, R4rmb)).opt().then_set(m.Marked);  // cat:201-202
    PlainRelations p;
    const Rel sf2_xb = m.strong_fence2 * xbstar;
    const Rel wpost_vis = w_post_bounded * vis;
    p.ww_vis = m.fence2 | (sf2_xb * w_pre_bounded) | (wpost_vis * w_pre_bounded);  // cat:205-206
    p.wr_vis = m.fence2 | (sf2_xb * r_pre_bounded) | (wpost_vis * r_pre_bounded);  // cat:207-208
    p.rw_xbstar = m.fence2 | (r_post_bounded * xbstar * w_pre_bounded);              // cat:209
    // cat:212 pre-race = ext & ((Plain * M) | ((M \ IW) * Plain))
    p.pre_race = Rel(n);
    const Bits m_not_iw = m.M & ~m.IW;
    for (std::size_t a = 0; a < n; ++a)
        p.pre_race.row(a) = m.ext.row(a) & ((in(m.Plain, a) ? m.M : 0) | (in(m_not_iw, a) ? m.Plain : 0));
    return p;
}

/// cat:221-226: the racing pairs (ww-race | wr-race | rw-race). Needs hb, pb and rb built.
Rel data_races(const Model& m) {
    const PlainRelations p = plain_relations(m);
    Rel marked_w(m.n), w_marked(m.n);
    for (std::size_t a = 0; a < m.n; ++a) {
        if (in(m.Marked, a)) marked_w.row(a) = m.W;
        if (in(m.W, a)) w_marked.row(a) = m.Marked & m.all;
    }
    const Rel ww_nonrace = p.ww_vis & (marked_w | p.rw_xbstar) & (w_marked | p.wr_vis);  // cat:221
    const Rel ww_race = (p.pre_race & m.co) - ww_nonrace;                                // cat:222
    const Rel wr_race = ((p.pre_race & (m.co.opt() * m.rf)) - p.wr_vis) - p.rw_xbstar.inverse();  // cat:223
    const Rel rw_race = (p.pre_race & m.fr) - p.rw_xbstar;                               // cat:224
    return ww_race | wr_race | rw_race;
}

/// Builds hb (cat:109) and hb* of `m`; false when hb has a cycle (hb* is then still built).
bool build_hb_and_star(Model& m) {
    build_hb(m);
    Rel plus(m.n);
    if (m.hb.acyclic_closure(plus)) {
        m.hb_star = plus.opt();
        return true;
    }
    m.hb_star = m.hb.plus().opt();
    return false;
}

/// The axioms, building each stage of `m` just before its first use.
std::optional<std::string> axioms(Model& m) {
    // lock:55 lock-nest, lock:61 nested-is-locked, lock:82-83 unmatched-locks: each is about
    // an LKW event, so without one they hold.
    if (m.LKW != 0) {
        const Rel ul_between = m.po_loc.then_set(m.UL) * m.po_loc;
        if (!(m.po_loc.restrict(m.LKW, m.LKR) - ul_between).empty()) return "lock-nest";
        if (!(m.po_loc.restrict(m.LKW, m.RU) - ul_between).empty()) return "nested-is-locked";
        // lock:77 critical, lock:82-83 unmatched-locks
        const Rel critical = m.po_loc.restrict(m.LKW, m.UL) - m.po_loc.then_set(m.LKW | m.UL) * m.po_loc;
        const Bits unmatched = m.LKW & ~critical.domain();
        for (std::size_t a = 0; a < m.n; ++a)
            if (in(unmatched, a) && (m.loc_rel.row(a) & unmatched & ~bit(a)) != 0) return "unmatched-locks";
    }
    // cat:80 coherence
    if (!(m.po_loc | m.rf | m.co | m.fr).acyclic()) return "coherence";
    // cat:83 atomic
    if (!(m.rmw & (m.fre * m.coe)).empty()) return "atomic";
    // cat:110 happens-before
    if (!build_hb_and_star(m)) return "happens-before";
    // cat:118 propagation
    build_pb(m);
    if (!m.pb.acyclic()) return "propagation";
    // cat:171 rcu
    if (!build_rcu(m, m.Plain != 0)) return "rcu";
    // cat:215-218 plain-coherence: each of its relations is a subset of pre-race & (rf | fr |
    // co); when that is empty (no plain access in a communication edge between threads)
    // the visibility relations need not be built.
    if (m.Plain == 0) return std::nullopt;
    {
        const Bits m_not_iw = m.M & ~m.IW;
        bool any = false;
        for (std::size_t a = 0; a < m.n && !any; ++a) {
            const Bits com = (m.rf.row(a) | m.fr.row(a) | m.co.row(a)) & m.ext.row(a);
            any = (in(m.Plain, a) && (com & m.M) != 0) || (in(m_not_iw, a) && (com & m.Plain) != 0);
        }
        if (!any) return std::nullopt;
    }
    const PlainRelations p = plain_relations(m);
    const Rel wr_incoh = p.pre_race & m.rf & p.rw_xbstar.inverse();
    const Rel rw_incoh = p.pre_race & m.fr & p.wr_vis.inverse();
    const Rel ww_incoh = p.pre_race & m.co & p.ww_vis.inverse();
    if (!(wr_incoh | rw_incoh | ww_incoh).empty()) return "plain-coherence";
    return std::nullopt;
}

/// hb, pb and the RCU relations, whatever the axioms say (flags and race witnesses of
/// complete graphs).
void build_orders(Model& m) {
    (void)build_hb_and_star(m);
    build_pb(m);
    (void)build_rcu(m, true);
}

/// herd7's flags; builds the ordering stages of `m` only when a plain access needs them.
std::vector<std::string> all_flags(Model& m) {
    std::vector<std::string> out;
    // bell:69-70 nesting of rcu_read_lock/unlock
    if ((m.RcuLock & ~m.rcu_rscs.domain()) != 0) out.emplace_back("unmatched-rcu-lock");
    if ((m.RcuUnlock & ~m.rcu_rscs.range()) != 0) out.emplace_back("unmatched-rcu-unlock");
    // bell:77-85 SRCU
    if ((m.SrcuLock & ~m.srcu_rscs.domain()) != 0) out.emplace_back("unmatched-srcu-lock");
    if ((m.SrcuUnlock & ~m.srcu_rscs.range()) != 0) out.emplace_back("unmatched-srcu-unlock");
    if (!(m.srcu_rscs.inverse() * m.srcu_rscs - Rel::identity(m.n)).empty()) out.emplace_back("multiple-srcu-matches");
    if (m.SyncSrcu != 0 && !(m.rcu_rscs & m.fencerel(m.SyncSrcu)).empty()) out.emplace_back("invalid-sleep");
    {
        bool bad = false;
        for (std::size_t a = 0; a < m.n && !bad; ++a)
            for (Bits r = m.srcu_rscs.row(a); r != 0 && !bad; r &= r - 1)
                bad = m.value[a] != m.value[static_cast<std::size_t>(std::countr_zero(r))];
        if (bad) out.emplace_back("srcu-bad-value-match");
    }
    // lock:41 mixed-lock-accesses: ordinary accesses to a spinlock or srcu_struct
    {
        const Bits all_locks = m.LKR | m.LKW | m.UL | m.LF | m.RU | m.SrcuLock | m.SrcuUnlock | m.SyncSrcu;
        const Bits ordinary = m.M & ~m.IW & ~all_locks;
        // Every flag of this block is about a lock event (LKW, LKR and UL are in all_locks).
        if (all_locks != 0) {
            if (!m.loc_rel.restrict(ordinary, all_locks).empty()) out.emplace_back("mixed-lock-accesses");
            // lock:48-49 (never raised by mmcheck's mutexes, kept for completeness)
            const Rel lk_rmw = m.po_loc.restrict(m.LKR, m.LKW) - m.po * m.po;
            if ((m.LKW & ~lk_rmw.range()) != 0) out.emplace_back("unpaired-LKW");
            if ((m.LKR & ~lk_rmw.domain()) != 0) out.emplace_back("unpaired-LKR");
            // lock:79 unmatched-unlock
            const Rel critical = m.po_loc.restrict(m.LKW, m.UL) - m.po_loc.then_set(m.LKW | m.UL) * m.po_loc;
            if ((m.UL & ~critical.range()) != 0) out.emplace_back("unmatched-unlock");
        }
    }
    // cat:187-189 mixed-accesses (about plain writes) and cat:221-226 data-race (each race is
    // in pre-race, cat:212, which needs a plain access): nothing to do without plain accesses.
    if (m.Plain != 0) {
        build_orders(m);
        const Bits plain_w = m.Plain & m.W;
        const Bits bar = m.Barrier | m.Rmb | m.Wmb | m.Mb | m.SyncRcu | m.SyncSrcu | m.BeforeAtomic | m.AfterAtomic |
                         m.Acquire | m.Release | m.RcuLock | m.RcuUnlock | m.SrcuLock | m.SrcuUnlock;  // cat:69-71
        const Rel barrier = m.fencerel(bar) | m.po.then_set(m.Release) | m.po.from_set(m.Acquire);  // cat:72
        const Rel unbarriered = m.po_loc - barrier;
        if (!(unbarriered.restrict(plain_w, m.Marked) | unbarriered.restrict(m.Marked, plain_w)).empty())
            out.emplace_back("mixed-accesses");
        // cat:221-226 data-race
        if (!data_races(m).empty()) out.emplace_back("data-race");
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

/// A Model per thread, reused: its relations live inline, so a check allocates nothing.
Model& scratch() {
    thread_local Model m;
    m.reset();
    return m;
}

}  // namespace

std::optional<std::string> check(const ExecutionGraph& g) {
    Model& m = scratch();
    if (!build_base(g, m)) return reference_check(g);
    return axioms(m);
}

std::vector<std::string> flags(const ExecutionGraph& g) {
    Model& m = scratch();
    if (!build_base(g, m)) return reference_flags(g);
    return all_flags(m);
}

std::optional<std::pair<EventId, EventId>> race_witness(const ExecutionGraph& g) {
    Model& m = scratch();
    if (!build_base(g, m)) return reference_race_witness(g);
    if (m.Plain == 0) return std::nullopt;
    build_orders(m);
    const Rel races = data_races(m);
    // The first pair in event order (threads, then program order): deterministic.
    for (std::size_t a = 0; a < m.n; ++a)
        if (races.row(a) != 0) return std::make_pair(m.ids[a], m.ids[static_cast<std::size_t>(std::countr_zero(races.row(a)))]);
    return std::nullopt;
}

namespace {

/// `w` is an RMW's write placed co-last, and its read part (the event po-before it) reads
/// the write co-immediately before it (the initial one when w is first).
bool rmw_reads_co_predecessor(const ExecutionGraph& g, const Event& w) {
    const auto& co = g.co(w.loc);
    if (co.empty()) return false;
    const EventId id = co.back();
    if (id.index == 0 || &g.event(id) != &w) return false;
    const Event& r = g.event(EventId{id.thread, static_cast<std::uint16_t>(id.index - 1)});
    if (!r.is_read() || r.rf.is_unresolved()) return false;
    return co.size() == 1 ? r.rf.is_init() && r.rf.index == w.loc : r.rf == co[co.size() - 2];
}

class LkmmModel final : public MemoryModel {
public:
    [[nodiscard]] MemoryModelKind kind() const override { return MemoryModelKind::LKMM; }
    [[nodiscard]] bool has_event(EventKind, std::uint16_t, LkmmTag tag) const override {
        return tag != LkmmTag::NotLkmm;
    }
    /// lock.cat:73-74 makes every lock read an Acquire and every unlock a Release (Release |
    /// UL, Acquire | LKR) whatever the C++ order, and the kernel has no relaxed spin_lock:
    /// the audit reports such sites as not weakenable.
    [[nodiscard]] bool lock_order_from_mode() const override { return false; }
    [[nodiscard]] std::optional<std::string> check(const ExecutionGraph& g) const override {
        return lkmm::check(g);
    }
    [[nodiscard]] bool porf_acyclic() const override { return false; }
    [[nodiscard]] bool appends_as_sink(const ExecutionGraph& g, const Event& e) const override {
        // The last event of its thread has no po, addr, data or ctrl successor; a read of the
        // co-latest write has no fr successor (fr = rf^-1;co, cat:79 via .bell), a write
        // placed co-last no co successor and no reader yet. Every relation of the axioms is
        // built from these base edges and po-based fence relations, except three inverses:
        // fr (above), rcu-rscsi/srcu-rscsi (cat:136-137: from an unlock back to its lock,
        // so SRCU lock and unlock events are excluded; RCU's are fences, never passed here)
        // and the plain-coherence ones (cat:215-218: each needs a path out of the new event).
        // lock.cat's lock-nest, nested-is-locked and unmatched-locks (lock:55-83) constrain
        // incoming po-loc edges and its rf/co of lock events: every event of a mutex location
        // is excluded, as is an RMW's write (atomic, cat:83, compares it with its read's rf)
        // unless its read part reads the write just co-before it: then fre;coe from that read
        // only reaches writes co-after this one, and there are none.
        if (!e.is_read() && !e.is_write()) return false;
        if (e.has(kLock) || e.has(kUnlock)) return false;
        if (e.has(kRmwWrite) && !rmw_reads_co_predecessor(g, e)) return false;
        if (g.location(e.loc).kind == LocKind::Mutex) return false;
        const LkmmTag t = tag_of(g, e);
        return t != LkmmTag::SrcuLock && t != LkmmTag::SrcuUnlock;
    }
    [[nodiscard]] std::optional<EventId> find_race(const ExecutionGraph&, EventId) const override {
        return std::nullopt;  // LKMM races are flags of complete graphs (cat:226)
    }
    [[nodiscard]] std::vector<std::string> flags(const ExecutionGraph& g) const override {
        return lkmm::flags(g);
    }
    [[nodiscard]] std::optional<std::pair<EventId, EventId>> race_witness(const ExecutionGraph& g) const override {
        return lkmm::race_witness(g);
    }
};

}  // namespace

const MemoryModel& model() {
    static const LkmmModel m;
    return m;
}

}  // namespace mmcheck::lkmm
