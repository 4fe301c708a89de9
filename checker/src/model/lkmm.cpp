// SPDX-License-Identifier: MIT
/// \file LKMM consistency as a whole-graph relational checker.
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

#include "model/relation.hpp"

#include <algorithm>
#include <functional>

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

using Set = std::vector<char>;

Relation diag(const Set& s) {
    Relation r(s.size());
    for (std::size_t a = 0; a < s.size(); ++a)
        if (s[a]) r.set(a, a);
    return r;
}
/// [A] ; r ; [B]
Relation restrict(const Set& a, const Relation& r, const Set& b) {
    Relation out(r.size());
    for (std::size_t x = 0; x < r.size(); ++x) {
        if (!a[x]) continue;
        for (std::size_t y = 0; y < r.size(); ++y)
            if (b[y] && r.get(x, y)) out.set(x, y);
    }
    return out;
}
Relation operator|(Relation a, const Relation& b) {
    a.unite(b);
    return a;
}
Relation operator&(Relation a, const Relation& b) {
    a.intersect(b);
    return a;
}
Relation operator-(Relation a, const Relation& b) {
    a.subtract(b);
    return a;
}
/// a ; b
Relation operator*(const Relation& a, const Relation& b) { return a.then(b); }
/// r? (reflexive closure)
Relation opt(Relation r) {
    for (std::size_t a = 0; a < r.size(); ++a) r.set(a, a);
    return r;
}
/// r+
Relation plus(Relation r) {
    r.close();
    return r;
}
/// r*
Relation star(Relation r) { return opt(plus(std::move(r))); }
Set set_or(Set a, const Set& b) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(a[i] || b[i]);
    return a;
}
Set set_not(Set a) {
    for (auto& x : a) x = static_cast<char>(!x);
    return a;
}
Set set_minus(Set a, const Set& b) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(a[i] && !b[i]);
    return a;
}
Set domain(const Relation& r) {
    Set s(r.size(), 0);
    for (std::size_t a = 0; a < r.size(); ++a)
        for (std::size_t b = 0; b < r.size(); ++b)
            if (r.get(a, b)) { s[a] = 1; break; }
    return s;
}
Set range(const Relation& r) {
    Set s(r.size(), 0);
    for (std::size_t a = 0; a < r.size(); ++a)
        for (std::size_t b = 0; b < r.size(); ++b)
            if (r.get(a, b)) s[b] = 1;
    return s;
}
bool empty_set(const Set& s) { return std::none_of(s.begin(), s.end(), [](char c) { return c != 0; }); }

/// Everything the axioms and flags need, computed once per graph.
struct Model {
    std::size_t n = 0;
    std::vector<EventId> ids;
    std::vector<const Event*> ev;  // null for initial writes
    std::vector<int> thread;       // -1 for initial writes
    std::vector<int> loc;          // -1: no location
    std::vector<std::int64_t> value;

    // Sets (bell:16-37 event classes, bell:44-54 filtered tags, lock:14-30 lock events).
    Set R, W, M, F, IW, RMW, FailedRMW, Acquire, Release, Mb, Noreturn, Marked, Plain;
    Set Wmb, Rmb, Barrier, RcuLock, RcuUnlock, SyncRcu, BeforeAtomic, AfterAtomic, AfterSpinlock,
        AfterUnlockLock, AfterSrcuReadUnlock, SrcuLock, SrcuUnlock, SyncSrcu;
    Set LKR, LKW, UL, LF, RL, RU;

    Relation po, loc_rel, int_rel, ext, po_loc, rf, co, fr, rfe, rfi, coe, fre, rmw;
    Relation addr, data, ctrl, base_data;
    Relation rcu_rscs, srcu_rscs;

    // cat relations
    Relation acq_po, po_rel, po_unlock_lock_po, rmb, wmb, mb, gp, strong_fence, nonrw_fence, fence;
    Relation ppo, cumul_fence, prop, hb, pb, rcu_link, rcu_order, rcu_fence, rb, rmw_sequence;
    Relation strong_fence2, fence2;  // cat:165-166: with rcu-fence

    Relation hb_star;  // cat:117's hb*, kept for the RCU relations

    /// po ; [s] ; po, cat:10 (empty at once when no event is in s: po ; X costs n^3/64).
    Relation fencerel(const Set& s) const { return empty_set(s) ? Relation(n) : po * diag(s) * po; }
};

/// The check builds the relations in stages and stops at the first violated axiom, in the
/// order axioms() tests them: the base relations (events, po, rf, co, fr, rmw, dependencies,
/// critical sections) decide lock.cat's axioms, coherence and atomic; hb needs cat:27-110;
/// propagation cat:117; rcu cat:134-169. A partial graph the explorer rejects is usually
/// rejected by coherence, and then nothing past the base is built. Every relation is the same
/// as when built all at once.
void build_base(const ExecutionGraph& g, Model& m) {
    // Nodes: the initial write of every location, then every event of every thread.
    std::vector<std::vector<std::size_t>> node(g.num_threads());
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        m.ids.push_back(EventId::init(static_cast<LocId>(l)));
        m.ev.push_back(nullptr);
        m.thread.push_back(-1);
        m.loc.push_back(static_cast<int>(l));
        m.value.push_back(g.location(static_cast<LocId>(l)).initial);
    }
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& evs = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < evs.size(); ++i) {
            node[t].push_back(m.ids.size());
            m.ids.push_back(EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)});
            const Event& e = evs[i];
            m.ev.push_back(&e);
            m.thread.push_back(static_cast<int>(t));
            const bool mem = e.is_read() || e.is_write();
            const bool sync_srcu = e.kind == EventKind::Fence && tag_of(g, e) == LkmmTag::SyncSrcu;
            m.loc.push_back(mem || sync_srcu ? static_cast<int>(e.loc) : -1);
            m.value.push_back(e.value);
        }
    }
    const std::size_t n = m.n = m.ids.size();
    auto idx = [&](EventId e) { return e.is_init() ? static_cast<std::size_t>(e.index) : node[e.thread][e.index]; };
    auto mk = [n] { return Set(n, 0); };
    for (Set* s : {&m.R, &m.W, &m.M, &m.F, &m.IW, &m.RMW, &m.FailedRMW, &m.Acquire, &m.Release, &m.Mb, &m.Noreturn,
                   &m.Marked, &m.Plain, &m.Wmb, &m.Rmb, &m.Barrier, &m.RcuLock, &m.RcuUnlock, &m.SyncRcu,
                   &m.BeforeAtomic, &m.AfterAtomic, &m.AfterSpinlock, &m.AfterUnlockLock, &m.AfterSrcuReadUnlock,
                   &m.SrcuLock, &m.SrcuUnlock, &m.SyncSrcu, &m.LKR, &m.LKW, &m.UL, &m.LF, &m.RL, &m.RU})
        *s = mk();
    for (Relation* r : {&m.po, &m.loc_rel, &m.int_rel, &m.ext, &m.rf, &m.co, &m.rmw, &m.base_data, &m.addr, &m.ctrl})
        *r = Relation(n);

    for (std::size_t a = 0; a < n; ++a) {
        if (m.ev[a] == nullptr) {
            m.IW[a] = m.W[a] = m.M[a] = m.Marked[a] = 1;  // bell:88 IW is Marked
            continue;
        }
        const Event& e = *m.ev[a];
        const LkmmTag tag = tag_of(g, e);
        const bool mutex_loc = (e.is_read() || e.is_write()) && g.location(e.loc).kind == LocKind::Mutex;
        if (e.kind == EventKind::Fence) {
            m.F[a] = 1;
            switch (tag) {
                case LkmmTag::FenceMb: m.Mb[a] = 1; break;  // bell:27 'MB (smp_mb)
                case LkmmTag::Wmb: m.Wmb[a] = 1; break;
                case LkmmTag::Rmb: m.Rmb[a] = 1; break;
                case LkmmTag::Barrier: m.Barrier[a] = 1; break;
                case LkmmTag::RcuLock: m.RcuLock[a] = 1; break;
                case LkmmTag::RcuUnlock: m.RcuUnlock[a] = 1; break;
                case LkmmTag::SyncRcu: m.SyncRcu[a] = 1; break;
                case LkmmTag::BeforeAtomic: m.BeforeAtomic[a] = 1; break;
                case LkmmTag::AfterAtomic: m.AfterAtomic[a] = 1; break;
                case LkmmTag::AfterSpinlock: m.AfterSpinlock[a] = 1; break;
                case LkmmTag::AfterUnlockLock: m.AfterUnlockLock[a] = 1; break;
                case LkmmTag::AfterSrcuReadUnlock: m.AfterSrcuReadUnlock[a] = 1; break;
                case LkmmTag::SyncSrcu: m.SyncSrcu[a] = 1; break;
                default: break;  // an access tag on a fence means nothing
            }
            m.Marked[a] = 1;  // bell:88 (~M)
            continue;
        }
        if (!e.is_read() && !e.is_write()) {
            m.Marked[a] = 1;  // spawn, join, end: not memory accesses
            continue;
        }
        if (e.is_read()) m.R[a] = 1;
        if (e.is_write()) m.W[a] = 1;
        m.M[a] = 1;
        // lock:14-30: the events of spinlock operations.
        if (e.is_read() && e.has(kLock)) (e.has(kRmwRead) ? m.LKR : m.LF)[a] = 1;
        if (e.is_write() && e.has(kLock)) m.LKW[a] = 1;
        if (e.is_write() && e.has(kUnlock)) m.UL[a] = 1;
        if (e.is_read() && !e.has(kLock) && mutex_loc) (e.value != 0 ? m.RL : m.RU)[a] = 1;
        if (tag == LkmmTag::SrcuLock && e.is_read()) m.SrcuLock[a] = 1;
        if (tag == LkmmTag::SrcuUnlock && e.is_write()) m.SrcuUnlock[a] = 1;
        // bell:21-23 RMW: the events of an RMW instruction (not of a lock, lock:45 adds
        // lk-rmw to rmw only); bell:44 FailedRMW: an RMW instruction that did not write.
        const bool lock_event = e.has(kLock) || e.has(kUnlock);
        if (!lock_event && (e.has(kUpdate) || e.has(kRmwWrite))) m.RMW[a] = 1;
        // FailedRMW is LKMM's notion for the kernel's RMW primitives (their helpers tag the
        // events); an untagged C++-style update that fails is a read with its failure order
        // (tag_of above), not an unordered FailedRMW.
        if (!lock_event && e.is_read() && e.has(kUpdate) && !e.has(kRmwRead) && e.lk != LkmmTag::Derived)
            m.FailedRMW[a] = 1;
        const bool failed = m.FailedRMW[a] != 0;
        if (tag == LkmmTag::Acquire && e.is_read() && !failed) m.Acquire[a] = 1;   // bell:45
        if (tag == LkmmTag::Release && e.is_write() && !failed) m.Release[a] = 1;  // bell:46
        if (tag == LkmmTag::Mb && !failed) m.Mb[a] = 1;                            // bell:47
        if (tag == LkmmTag::Noreturn && e.is_read()) m.Noreturn[a] = 1;            // bell:48
        // bell:88-90 Marked and Plain.
        const bool marked = tag == LkmmTag::Once || tag == LkmmTag::Release || tag == LkmmTag::Acquire ||
                            tag == LkmmTag::Mb || m.RMW[a] || m.LKR[a] || m.LKW[a] || m.UL[a] || m.LF[a] ||
                            m.RL[a] || m.RU[a] || m.SrcuLock[a] || m.SrcuUnlock[a];
        m.Marked[a] = marked ? 1 : 0;
        m.Plain[a] = marked ? 0 : 1;
    }
    // lock:36 LF = LF | RL; lock:73-74 Release | UL, Acquire | LKR.
    m.LF = set_or(m.LF, m.RL);
    m.Release = set_or(m.Release, m.UL);
    m.Acquire = set_or(m.Acquire, m.LKR);

    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b) {
            if (m.loc[a] >= 0 && m.loc[a] == m.loc[b]) m.loc_rel.set(a, b);
            const bool same = m.thread[a] >= 0 && m.thread[a] == m.thread[b];
            if (same) m.int_rel.set(a, b);
            else m.ext.set(a, b);
            if (same && m.ids[a].index < m.ids[b].index) m.po.set(a, b);
        }
    m.po_loc = m.po & m.loc_rel;

    // rf, co (IW first), rmw, dependencies.
    for (std::size_t a = 0; a < n; ++a) {
        const Event* e = m.ev[a];
        if (e == nullptr) continue;
        if (e->is_read() && !e->rf.is_unresolved()) m.rf.set(idx(e->rf), a);
        if (e->is_write() && e->has(kRmwWrite) && m.ids[a].index > 0)
            m.rmw.set(idx(EventId{m.ids[a].thread, static_cast<std::uint16_t>(m.ids[a].index - 1)}), a);
        if (e->deps) {
            auto add = [&](const std::vector<std::uint32_t>& from, Relation& rel) {
                for (std::uint32_t i : from) {
                    // Only earlier reads of the same thread (docs/lkmm-api.md); anything else
                    // is not a dependency.
                    if (i >= m.ids[a].index) continue;
                    const std::size_t src = node[m.ids[a].thread][i];
                    if (m.R[src]) rel.set(src, a);
                }
            };
            add(e->deps->addr, m.addr);
            add(e->deps->data, m.base_data);
            add(e->deps->ctrl, m.ctrl);
        }
    }
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        const auto& co = g.co(static_cast<LocId>(l));
        std::vector<std::size_t> order{l};
        for (EventId w : co) order.push_back(idx(w));
        for (std::size_t i = 0; i < order.size(); ++i)
            for (std::size_t j = i + 1; j < order.size(); ++j) m.co.set(order[i], order[j]);
    }
    m.fr = m.rf.inverse() * m.co;  // lock:153
    m.rfe = m.rf & m.ext;
    m.rfi = m.rf & m.int_rel;
    m.coe = m.co & m.ext;
    m.fre = m.fr & m.ext;

    // bell:57-66 rcu-rscs: nested rcu_read_lock/unlock matched innermost first (the fixpoint
    // pairs an unmatched lock with the next unmatched unlock when no unmatched event lies
    // between: bracket matching along po).
    m.rcu_rscs = Relation(n);
    for (std::size_t t = 0; t < node.size(); ++t) {
        std::vector<std::size_t> stack;
        for (std::size_t a : node[t]) {
            if (m.RcuLock[a]) stack.push_back(a);
            else if (m.RcuUnlock[a] && !stack.empty()) {
                m.rcu_rscs.set(stack.back(), a);
                stack.pop_back();
            }
        }
    }
    // bell:73-74 srcu-rscs (with the dependencies of the source, before bell:93-96).
    {
        const Set not_srcu_unlock = set_not(m.SrcuUnlock);
        const Relation carry_srcu_data = star(m.base_data * diag(not_srcu_unlock) * m.rf);
        m.srcu_rscs = restrict(m.SrcuLock, carry_srcu_data * m.base_data, m.SrcuUnlock) & m.loc_rel;
        // bell:93-96 dependencies carried through plain accesses.
        const Relation carry_dep = star(m.base_data * diag(not_srcu_unlock) * m.rfi);
        m.addr = carry_dep * m.addr;
        m.ctrl = carry_dep * m.ctrl;
        m.data = carry_dep * m.base_data;
    }

}

void build_hb(Model& m) {
    const std::size_t n = m.n;
    // ---- cat:27-72 basic relations ----
    const Relation dM = diag(m.M);
    m.acq_po = restrict(m.Acquire, m.po, m.M);                          // cat:28
    m.po_rel = restrict(m.M, m.po, m.Release);                          // cat:29
    m.po_unlock_lock_po = empty_set(m.UL) || empty_set(m.LKR)
                              ? Relation(n)
                              : m.po * diag(m.UL) * (m.po | m.rf) * diag(m.LKR) * m.po;  // cat:30
    const Set R4rmb = set_minus(m.R, m.Noreturn);                       // cat:33
    m.rmb = restrict(R4rmb, m.fencerel(m.Rmb), R4rmb);                  // cat:34
    m.wmb = restrict(m.W, m.fencerel(m.Wmb), m.W);                      // cat:35
    {
        Set mb_r(n, 0), mb_w(n, 0);
        for (std::size_t a = 0; a < n; ++a) {
            mb_r[a] = static_cast<char>(m.Mb[a] && m.R[a]);
            mb_w[a] = static_cast<char>(m.Mb[a] && m.W[a]);
        }
        m.mb = restrict(m.M, m.fencerel(m.Mb), m.M) |                                    // cat:36
               restrict(m.M, m.po, mb_r) |                                              // cat:45
               restrict(mb_w, m.po, m.M) |                                              // cat:46
               dM * m.fencerel(m.BeforeAtomic) * diag(m.RMW) * opt(m.po) * dM |          // cat:47
               dM * opt(m.po) * diag(m.RMW) * m.fencerel(m.AfterAtomic) * dM |           // cat:48
               dM * opt(m.po) * diag(m.LKW) * m.fencerel(m.AfterSpinlock) * dM |         // cat:49
               dM * m.po_unlock_lock_po * diag(m.AfterUnlockLock) * m.po * dM |         // cat:61-62
               dM * opt(m.po) * diag(m.SrcuUnlock) * m.fencerel(m.AfterSrcuReadUnlock) * dM;  // cat:63
    }
    const Set sync = set_or(m.SyncRcu, m.SyncSrcu);
    m.gp = empty_set(sync) ? Relation(n) : m.po * diag(sync) * opt(m.po);  // cat:64
    m.strong_fence = m.mb | m.gp;                                       // cat:65
    m.nonrw_fence = m.strong_fence | m.po_rel | m.acq_po;               // cat:67
    m.fence = m.nonrw_fence | m.wmb | m.rmb;                            // cat:68

    // ---- cat:89-110 ppo, prop, hb ----
    const Relation dep = m.addr | m.data;                               // cat:90
    const Relation rwdep = (dep | m.ctrl) * diag(m.W);                  // cat:91
    const Relation overwrite = m.co | m.fr;                             // cat:92
    const Relation to_w = rwdep | (overwrite & m.int_rel) | m.addr * diag(m.Plain) * m.wmb;  // cat:93
    const Relation to_r = m.addr * diag(m.R) | dep * diag(m.Marked) * m.rfi;               // cat:94
    m.ppo = to_r | to_w | (m.fence & m.int_rel) | (m.po_unlock_lock_po & m.int_rel);      // cat:95
    const Relation dMarked = diag(m.Marked);
    auto a_cumul = [&](const Relation& r) { return opt(m.rfe * dMarked) * r; };            // cat:98
    m.rmw_sequence = star(m.rf * m.rmw);                                                  // cat:99
    m.cumul_fence = dMarked * (a_cumul(m.strong_fence | m.po_rel) | m.wmb | m.po_unlock_lock_po) * dMarked *
                    m.rmw_sequence;                                                       // cat:100-101
    m.prop = dMarked * opt(overwrite & m.ext) * star(m.cumul_fence) * dMarked * opt(m.rfe) * dMarked;  // cat:102-103
    {
        Relation id(n);
        for (std::size_t a = 0; a < n; ++a) id.set(a, a);
        m.hb = dMarked * (m.ppo | m.rfe | ((m.prop - id) & m.int_rel)) * dMarked;         // cat:109
    }
}

void build_pb(Model& m) {
    m.hb_star = star(m.hb);
    m.pb = m.prop * m.strong_fence * m.hb_star * diag(m.Marked);                         // cat:117
}

void build_rcu(Model& m) {
    const std::size_t n = m.n;
    // ---- cat:134-169 RCU ----
    if (empty_set(m.SyncRcu) && empty_set(m.SyncSrcu)) {
        // Every term of rcu-order's fixpoint (cat:154-163) starts or ends with rcu-gp or
        // srcu-gp, or is rcu-order;rcu-link;rcu-order: without a grace period it is empty,
        // and so are rcu-fence (cat:164) and rb (cat:169).
        m.rcu_link = m.rcu_order = m.rcu_fence = m.rb = Relation(n);
        m.fence2 = m.fence;
        m.strong_fence2 = m.strong_fence;
        return;
    }
    const Relation& hb_star = m.hb_star;
    const Relation dMarked = diag(m.Marked);
    const Relation pb_star = star(m.pb);
    m.rcu_link = opt(m.po) * hb_star * pb_star * m.prop * m.po;                           // cat:144
    {
        const Relation rcu_gp = diag(m.SyncRcu);                                          // cat:134
        const Relation srcu_gp = diag(m.SyncSrcu);                                        // cat:135
        const Relation rcu_rscsi = m.rcu_rscs.inverse();                                  // cat:136
        const Relation srcu_rscsi = m.srcu_rscs.inverse();                                // cat:137
        const Relation& link = m.rcu_link;
        // cat:154-163: the least fixpoint of the recursive definition.
        Relation order(n);
        for (;;) {
            Relation next = rcu_gp | srcu_gp | rcu_gp * link * rcu_rscsi |
                            ((srcu_gp * link * srcu_rscsi) & m.loc_rel) | rcu_rscsi * link * rcu_gp |
                            ((srcu_rscsi * link * srcu_gp) & m.loc_rel) |
                            rcu_gp * link * order * link * rcu_rscsi |
                            ((srcu_gp * link * order * link * srcu_rscsi) & m.loc_rel) |
                            rcu_rscsi * link * order * link * rcu_gp |
                            ((srcu_rscsi * link * order * link * srcu_gp) & m.loc_rel) |
                            order * link * order;
            if (next == order) break;
            order = std::move(next);
        }
        m.rcu_order = std::move(order);
    }
    m.rcu_fence = m.po * m.rcu_order * opt(m.po);                                         // cat:164
    m.fence2 = m.fence | m.rcu_fence;                                                     // cat:165
    m.strong_fence2 = m.strong_fence | m.rcu_fence;                                       // cat:166
    m.rb = m.prop * m.rcu_fence * hb_star * pb_star * dMarked;                            // cat:169
}


/// cat:186-226 plain accesses: the relations both plain-coherence and data-race need.
struct PlainRelations {
    Relation pre_race, ww_vis, wr_vis, rw_xbstar;
};

PlainRelations plain_relations(const Model& m) {
    const std::size_t n = m.n;
    const Relation dMarked = diag(m.Marked);
    const Relation xbstar = star(m.hb | m.pb | m.rb);                                     // cat:192
    const Relation vis = star(m.cumul_fence) * opt(m.rfe) * dMarked *
                         ((m.strong_fence2 * dMarked * xbstar) | (xbstar & m.int_rel));  // cat:193-194
    const Set R4rmb = set_minus(m.R, m.Noreturn);
    const Set not_noreturn = set_not(m.Noreturn);
    const Relation rmb_fence = m.fencerel(m.Rmb);
    const Relation w_pre_bounded = dMarked * opt(m.addr | m.fence2);                      // cat:197
    const Relation r_pre_bounded =
        dMarked * opt(m.addr | m.nonrw_fence | restrict(R4rmb, rmb_fence, not_noreturn));  // cat:198-199
    const Relation w_post_bounded = opt(m.fence2) * dMarked * m.rmw_sequence;             // cat:200
    const Relation r_post_bounded =
        opt(m.nonrw_fence | restrict(not_noreturn, rmb_fence, R4rmb)) * dMarked;          // cat:201-202
    PlainRelations p;
    p.ww_vis = m.fence2 | (m.strong_fence2 * xbstar * w_pre_bounded) |
               (w_post_bounded * vis * w_pre_bounded);                                    // cat:205-206
    p.wr_vis = m.fence2 | (m.strong_fence2 * xbstar * r_pre_bounded) |
               (w_post_bounded * vis * r_pre_bounded);                                    // cat:207-208
    p.rw_xbstar = m.fence2 | (r_post_bounded * xbstar * w_pre_bounded);                   // cat:209
    // cat:212 pre-race = ext & ((Plain * M) | ((M \ IW) * Plain))
    p.pre_race = Relation(n);
    const Set m_not_iw = set_minus(m.M, m.IW);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b)
            if (m.ext.get(a, b) && ((m.Plain[a] && m.M[b]) || (m_not_iw[a] && m.Plain[b]))) p.pre_race.set(a, b);
    return p;
}

/// cat:221-226: the racing pairs (ww-race | wr-race | rw-race). Needs hb, pb and rb built.
Relation data_races(const Model& m) {
    const PlainRelations p = plain_relations(m);
    Relation marked_w(m.n), w_marked(m.n);
    for (std::size_t a = 0; a < m.n; ++a)
        for (std::size_t b = 0; b < m.n; ++b) {
            if (m.Marked[a] && m.W[b]) marked_w.set(a, b);
            if (m.W[a] && m.Marked[b]) w_marked.set(a, b);
        }
    const Relation ww_nonrace = p.ww_vis & (marked_w | p.rw_xbstar) & (w_marked | p.wr_vis);  // cat:221
    const Relation ww_race = (p.pre_race & m.co) - ww_nonrace;                                // cat:222
    const Relation wr_race = ((p.pre_race & (opt(m.co) * m.rf)) - p.wr_vis) - p.rw_xbstar.inverse();  // cat:223
    const Relation rw_race = (p.pre_race & m.fr) - p.rw_xbstar;                               // cat:224
    return ww_race | wr_race | rw_race;
}

/// The axioms, building each stage of `m` (a fresh build_base) just before its first use.
std::optional<std::string> axioms(Model& m) {
    // lock:55 lock-nest, lock:61 nested-is-locked, lock:82-83 unmatched-locks: each is about
    // an LKW event, so without one they hold.
    if (!empty_set(m.LKW)) {
    const Relation ul_between = m.po_loc * diag(m.UL) * m.po_loc;
    if (!(restrict(m.LKW, m.po_loc, m.LKR) - ul_between).empty()) return "lock-nest";
    if (!(restrict(m.LKW, m.po_loc, m.RU) - ul_between).empty()) return "nested-is-locked";
    // lock:77 critical, lock:82-83 unmatched-locks
    {
        Set lkw_ul = set_or(m.LKW, m.UL);
        const Relation critical = restrict(m.LKW, m.po_loc, m.UL) - m.po_loc * diag(lkw_ul) * m.po_loc;
        const Set unmatched = set_minus(m.LKW, domain(critical));
        Relation id(m.n);
        for (std::size_t a = 0; a < m.n; ++a) id.set(a, a);
        if (!(restrict(unmatched, m.loc_rel, unmatched) - id).empty()) return "unmatched-locks";
    }
    }
    // cat:80 coherence
    if (!(m.po_loc | m.rf | m.co | m.fr).acyclic()) return "coherence";
    // cat:83 atomic
    if (!(m.rmw & (m.fre * m.coe)).empty()) return "atomic";
    // cat:110 happens-before
    build_hb(m);
    if (!m.hb.acyclic()) return "happens-before";
    // cat:118 propagation
    build_pb(m);
    if (!m.pb.acyclic()) return "propagation";
    // cat:171 rcu
    build_rcu(m);
    if (!m.rb.irreflexive()) return "rcu";
    // cat:215-218 plain-coherence: each of its relations is a subset of pre-race & (rf | fr |
    // co); when that is empty (no plain access in a communication edge between threads)
    // the visibility relations need not be built.
    {
        const Set m_not_iw = set_minus(m.M, m.IW);
        const Relation com = m.rf | m.fr | m.co;
        bool any = false;
        for (std::size_t a = 0; a < m.n && !any; ++a)
            for (std::size_t b = 0; b < m.n && !any; ++b)
                any = com.get(a, b) && m.ext.get(a, b) && ((m.Plain[a] && m.M[b]) || (m_not_iw[a] && m.Plain[b]));
        if (!any) return std::nullopt;
    }
    const PlainRelations p = plain_relations(m);
    const Relation wr_incoh = p.pre_race & m.rf & p.rw_xbstar.inverse();
    const Relation rw_incoh = p.pre_race & m.fr & p.wr_vis.inverse();
    const Relation ww_incoh = p.pre_race & m.co & p.ww_vis.inverse();
    if (!(wr_incoh | rw_incoh | ww_incoh).empty()) return "plain-coherence";
    return std::nullopt;
}

/// herd7's flags; builds the ordering stages of `m` (a fresh build_base) only when a plain
/// access needs them.
std::vector<std::string> all_flags(Model& m) {
    std::vector<std::string> out;
    // bell:69-70 nesting of rcu_read_lock/unlock
    if (!empty_set(set_minus(m.RcuLock, domain(m.rcu_rscs)))) out.emplace_back("unmatched-rcu-lock");
    if (!empty_set(set_minus(m.RcuUnlock, range(m.rcu_rscs)))) out.emplace_back("unmatched-rcu-unlock");
    // bell:77-85 SRCU
    if (!empty_set(set_minus(m.SrcuLock, domain(m.srcu_rscs)))) out.emplace_back("unmatched-srcu-lock");
    if (!empty_set(set_minus(m.SrcuUnlock, range(m.srcu_rscs)))) out.emplace_back("unmatched-srcu-unlock");
    {
        Relation id(m.n);
        for (std::size_t a = 0; a < m.n; ++a) id.set(a, a);
        if (!(m.srcu_rscs.inverse() * m.srcu_rscs - id).empty()) out.emplace_back("multiple-srcu-matches");
    }
    if (!empty_set(m.SyncSrcu) && !(m.rcu_rscs & m.fencerel(m.SyncSrcu)).empty()) out.emplace_back("invalid-sleep");
    for (std::size_t a = 0; a < m.n; ++a)
        for (std::size_t b = 0; b < m.n; ++b)
            if (m.srcu_rscs.get(a, b) && m.value[a] != m.value[b]) {
                out.emplace_back("srcu-bad-value-match");
                a = m.n;
                break;
            }
    // lock:41 mixed-lock-accesses: ordinary accesses to a spinlock or srcu_struct
    {
        Set all_locks = m.LKR;
        for (const Set* s : {&m.LKW, &m.UL, &m.LF, &m.RU, &m.SrcuLock, &m.SrcuUnlock, &m.SyncSrcu})
            all_locks = set_or(all_locks, *s);
        const Set ordinary = set_minus(set_minus(m.M, m.IW), all_locks);
        // Every flag of this block is about a lock event (LKW, LKR and UL are in all_locks).
        if (!empty_set(all_locks)) {
        if (!restrict(ordinary, m.loc_rel, all_locks).empty()) out.emplace_back("mixed-lock-accesses");
        // lock:48-49 (never raised by mmcheck's mutexes, kept for completeness)
        Relation lk_rmw = restrict(m.LKR, m.po_loc, m.LKW) - m.po * m.po;
        if (!empty_set(set_minus(m.LKW, range(lk_rmw)))) out.emplace_back("unpaired-LKW");
        if (!empty_set(set_minus(m.LKR, domain(lk_rmw)))) out.emplace_back("unpaired-LKR");
        // lock:79 unmatched-unlock
        const Relation critical =
            restrict(m.LKW, m.po_loc, m.UL) - m.po_loc * diag(set_or(m.LKW, m.UL)) * m.po_loc;
        if (!empty_set(set_minus(m.UL, range(critical)))) out.emplace_back("unmatched-unlock");
        }
    }
    // cat:187-189 mixed-accesses (about plain writes) and cat:221-226 data-race (each race is
    // in pre-race, cat:212, which needs a plain access): nothing to do without plain accesses.
    if (empty_set(m.Plain)) {
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
    build_hb(m);
    build_pb(m);
    build_rcu(m);
    {
        Set plain_w(m.n, 0);
        for (std::size_t a = 0; a < m.n; ++a) plain_w[a] = static_cast<char>(m.Plain[a] && m.W[a]);
        Set bar = m.Barrier;                                            // cat:69-71
        for (const Set* s : {&m.Rmb, &m.Wmb, &m.Mb, &m.SyncRcu, &m.SyncSrcu, &m.BeforeAtomic, &m.AfterAtomic,
                             &m.Acquire, &m.Release, &m.RcuLock, &m.RcuUnlock, &m.SrcuLock, &m.SrcuUnlock})
            bar = set_or(bar, *s);
        const Relation barrier = m.fencerel(bar) | m.po * diag(m.Release) | diag(m.Acquire) * m.po;  // cat:72
        const Relation unbarriered = m.po_loc - barrier;
        if (!(restrict(plain_w, unbarriered, m.Marked) | restrict(m.Marked, unbarriered, plain_w)).empty())
            out.emplace_back("mixed-accesses");
    }
    // cat:221-226 data-race
    if (!data_races(m).empty()) out.emplace_back("data-race");
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

std::optional<std::string> check(const ExecutionGraph& g) {
    Model m;
    build_base(g, m);
    return axioms(m);
}

std::vector<std::string> flags(const ExecutionGraph& g) {
    Model m;
    build_base(g, m);
    return all_flags(m);
}

std::optional<std::pair<EventId, EventId>> race_witness(const ExecutionGraph& g) {
    Model m;
    build_base(g, m);
    if (empty_set(m.Plain)) return std::nullopt;
    build_hb(m);
    build_pb(m);
    build_rcu(m);
    const Relation races = data_races(m);
    // The first pair in event order (threads, then program order): deterministic.
    for (std::size_t a = 0; a < m.n; ++a)
        for (std::size_t b = 0; b < m.n; ++b)
            if (races.get(a, b)) return std::make_pair(m.ids[a], m.ids[b]);
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
