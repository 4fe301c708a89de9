// SPDX-License-Identifier: MIT
/// \file The reference RC11 checker (Lahav et al., PLDI 2017, section 3), relation by relation.
#include "model/rc11_reference.hpp"

#include "model/rc11.hpp"

namespace mmcheck::rc11 {

namespace {

bool atomic_event(const Event& e) { return is_atomic(e.mode); }

}  // namespace

std::optional<std::string> reference_check(const ExecutionGraph& g) {
    Relations r = base_relations(g);
    const std::size_t n = r.size();
    auto ev = [&](std::size_t a) -> const Event& { return g.event(r.ids[a]); };
    std::vector<std::vector<std::size_t>> node(g.num_threads());
    for (std::size_t a = 0; a < n; ++a) {
        auto& v = node[r.ids[a].thread];
        if (v.size() <= r.ids[a].index) v.resize(r.ids[a].index + 1);
        v[r.ids[a].index] = a;
    }
    auto idx = [&](EventId e) { return node[e.thread][e.index]; };

    // sb: po, plus thread creation (spawn before the child) and join (child's end before join).
    Relation sb = r.po;
    Relation rmw(n);
    for (std::size_t a = 0; a < n; ++a) {
        const Event& e = ev(a);
        if (e.kind == EventKind::Spawn && e.other < g.num_threads())
            for (std::size_t c : node[e.other]) sb.set(a, c);
        if (e.kind == EventKind::Join && !e.rf.is_init()) sb.set(idx(e.rf), a);
        if (e.has(kRmwWrite)) rmw.set(idx(EventId{r.ids[a].thread, static_cast<std::uint16_t>(r.ids[a].index - 1)}), a);
    }
    sb.close();

    // NO-THIN-AIR: sb ∪ rf acyclic.
    {
        Relation sbrf = sb;
        sbrf.unite(r.rf);
        if (!sbrf.acyclic()) return "no-thin-air";
    }

    // rs = [W]; sb|loc?; [W⊒rlx]; (rf; rmw)*
    Relation rs(n);
    for (std::size_t a = 0; a < n; ++a) {
        if (!ev(a).is_write()) continue;
        for (std::size_t b = 0; b < n; ++b) {
            if (!ev(b).is_write() || !atomic_event(ev(b))) continue;
            if (a == b || (sb.get(a, b) && ev(a).loc == ev(b).loc)) rs.set(a, b);
        }
    }
    {
        Relation rfrmw = r.rf.then(rmw);
        Relation star = rfrmw;
        star.close();
        for (std::size_t a = 0; a < n; ++a) star.set(a, a);
        rs = rs.then(star);
    }
    // sw = [E⊒rel]; ([F]; sb)?; rs; rf; [R⊒rlx]; (sb; [F])?; [E⊒acq]
    Relation rel_pre(n), acq_post(n);
    for (std::size_t a = 0; a < n; ++a) {
        const Event& e = ev(a);
        if (!is_atomic(e.mode) || !is_release(e.mode) || (!e.is_write() && e.kind != EventKind::Fence)) {
        } else {
            rel_pre.set(a, a);
            if (e.kind == EventKind::Fence)
                for (std::size_t b = 0; b < n; ++b)
                    if (sb.get(a, b)) rel_pre.set(a, b);
        }
        if (is_atomic(e.mode) && is_acquire(e.mode) && (e.is_read() || e.kind == EventKind::Fence)) {
            acq_post.set(a, a);
            if (e.kind == EventKind::Fence)
                for (std::size_t b = 0; b < n; ++b)
                    if (sb.get(b, a)) acq_post.set(b, a);
        }
    }
    Relation rf_at(n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b)
            if (r.rf.get(a, b) && ev(b).is_read() && atomic_event(ev(b))) rf_at.set(a, b);
    Relation sw = rel_pre.then(rs).then(rf_at).then(acq_post);
    Relation hb = sb;
    hb.unite(sw);
    hb.close();
    r.hb = hb;

    // COHERENCE: hb; eco? irreflexive.
    Relation eco = r.rf;
    eco.unite(r.co);
    eco.unite(r.fr);
    eco.close();
    if (!hb.irreflexive()) return "coherence";
    {
        Relation hbeco = hb.then(eco);
        if (!hbeco.irreflexive()) return "coherence";
    }
    // ATOMICITY: rmw ∩ (fr; co) = ∅.
    {
        Relation frco = r.fr.then(r.co);
        for (std::size_t a = 0; a < n; ++a)
            for (std::size_t b = 0; b < n; ++b)
                if (rmw.get(a, b) && frco.get(a, b)) return "atomicity";
    }
    // An RMW must read: exclusive reads and their writes come in pairs.
    if (!psc_acyclic(r)) return "sc";
    return std::nullopt;
}

}  // namespace mmcheck::rc11
