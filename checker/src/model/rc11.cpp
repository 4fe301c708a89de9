// SPDX-License-Identifier: MIT
/// \file RC11 consistency, incremental part and the SC axiom.
#include "model/rc11.hpp"

#include <algorithm>

namespace mmcheck::rc11 {

void init_views(const ExecutionGraph& g, ThreadId t, std::uint16_t index, Event& e) {
    if (index > 0) {
        const Event& pred = g.thread_events(t)[index - 1];
        e.hb = pred.hb;
        e.porf = pred.porf;
    } else if (g.thread(t).spawned) {
        // Thread creation: the spawn is po-before (hence hb-before) the child's first event.
        const Event& sp = g.event(g.thread(t).spawn_event);
        e.hb = sp.hb;
        e.porf = sp.porf;
    } else {
        e.hb = View{};
        e.porf = View{};
    }
    e.hb[t] = static_cast<std::uint16_t>(index + 1);
    e.porf[t] = static_cast<std::uint16_t>(index + 1);
    e.msg = View{};
}

void apply_read_views(const ExecutionGraph& g, Event& r) {
    if (r.rf.is_init()) return;  // initial writes are hb-before everything already
    const Event& w = g.event(r.rf);
    r.porf.join(w.porf);
    if (r.kind == EventKind::Join) {
        r.hb.join(w.hb);  // thread join: the child's end is hb-before the join
        return;
    }
    // sw: an atomic acquire read synchronises with the release sequence rf belongs to.
    if (is_atomic(r.mode) && is_acquire(r.mode)) r.hb.join(w.msg);
}

void apply_fence_views(const ExecutionGraph& g, ThreadId t, std::uint16_t index, Event& f) {
    if (!is_acquire(f.mode)) return;
    // sw's (po; [F])? suffix: every atomic read po-before an acquire fence synchronises. Reads
    // before the previous acquire fence are already in that fence's hb (and so in ours).
    const auto& ev = g.thread_events(t);
    for (int i = index - 1; i >= 0; --i) {
        const Event& x = ev[static_cast<std::size_t>(i)];
        if (x.kind == EventKind::Fence && is_acquire(x.mode)) break;
        if (x.is_read() && is_atomic(x.mode) && !x.rf.is_init() && !x.rf.is_unresolved())
            f.hb.join(g.event(x.rf).msg);
    }
}

void compute_msg_view(const ExecutionGraph& g, ThreadId t, std::uint16_t index, Event& w) {
    w.msg = View{};
    if (!is_atomic(w.mode)) return;
    if (is_release(w.mode)) w.msg = w.hb;
    const auto& ev = g.thread_events(t);
    bool fence_seen = false;
    bool same_loc_release_seen = false;
    for (int i = index - 1; i >= 0 && !(fence_seen && same_loc_release_seen); --i) {
        const Event& x = ev[static_cast<std::size_t>(i)];
        if (!fence_seen && x.kind == EventKind::Fence && is_release(x.mode)) {
            // [F⊒rel]; po; rs: a release fence before the write (views grow along po, so
            // the latest such fence suffices).
            w.msg.join(x.hb);
            fence_seen = true;
        } else if (!same_loc_release_seen && x.is_write() && x.loc == w.loc && is_release(x.mode)) {
            // rs = [W]; po|loc?; ...: a later same-thread write to the location continues
            // the release sequence of an earlier release write (RC11, not C++20).
            w.msg.join(x.hb);
            same_loc_release_seen = true;
        }
    }
    // rs's (rf; rmw)*: an RMW continues the release sequence of the write it reads.
    if (w.has(kRmwWrite) && index > 0) {
        const Event& r = ev[index - 1];
        if (!r.rf.is_init() && !r.rf.is_unresolved()) w.msg.join(g.event(r.rf).msg);
    }
}

int coherence_lower_bound(const ExecutionGraph& g, LocId loc, const View& hb, EventId skip_read,
                          EventId skip_write) {
    const auto& co = g.co(loc);
    int lb = -1;
    for (int i = static_cast<int>(co.size()) - 1; i >= 0; --i) {
        const EventId w = co[static_cast<std::size_t>(i)];
        if (w != skip_write && hb.contains(w.thread, w.index)) {
            lb = i;  // CoWW / CoWR: a write in the prefix bounds from below
            break;
        }
    }
    // CoRR / CoRW: per thread, the po-latest read of `loc` in the prefix reads the co-latest
    // write among that thread's reads (coherence of the existing graph), so one per thread.
    // No read can raise a bound that is already the co-last write: then the walk is skipped
    // (a new lock or await read mostly has the latest write in its prefix).
    const int top = static_cast<int>(co.size()) - 1;
    for (std::size_t t = 0; t < g.num_threads() && lb < top; ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (int i = static_cast<int>(std::min<std::size_t>(hb[t], ev.size())) - 1; i >= 0; --i) {
            const Event& x = ev[static_cast<std::size_t>(i)];
            if (!x.is_read() || x.loc != loc) continue;
            const EventId id{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            if (id == skip_read) continue;
            lb = std::max(lb, g.co_index(x.rf));
            break;
        }
    }
    return lb;
}

bool read_by_exclusive(const ExecutionGraph& g, EventId w, EventId except) {
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i)
            if (ev[i].is_read() && ev[i].has(kRmwRead) && ev[i].rf == w &&
                EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)} != except)
                return true;
    }
    return false;
}

namespace {
/// Whether the event at (t, i) is an exclusive read of `w` other than `except`.
bool exclusive_read_of(const ExecutionGraph& g, std::size_t t, std::size_t i, EventId w, EventId except) {
    const Event& x = g.thread_events(static_cast<ThreadId>(t))[i];
    return x.is_read() && x.has(kRmwRead) && x.rf == w &&
           EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)} != except;
}
}  // namespace

bool read_by_exclusive_placed(const ExecutionGraph& g, EventId w, EventId except) {
    // A placed write part right after w in coherence: its read (the po-previous event).
    const int p = g.co_index(w);
    if (p >= -1) {
        const auto& co = g.co(g.loc_of(w));
        const auto next = static_cast<std::size_t>(p + 1);
        if (next < co.size()) {
            const EventId s = co[next];
            if (s.index > 0 && g.event(s).has(kRmwWrite) && exclusive_read_of(g, s.thread, s.index - 1u, w, except))
                return true;
        }
    }
    // Write parts not added (the read is last) or not placed yet (the write part is last).
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        if (ev.empty()) continue;
        const std::size_t last = ev.size() - 1;
        if (exclusive_read_of(g, t, last, w, except)) return true;
        if (last > 0 && ev[last].has(kRmwWrite) && ev[last].co_pos == -2 &&
            exclusive_read_of(g, t, last - 1, w, except))
            return true;
    }
    return false;
}

std::optional<EventId> find_race(const ExecutionGraph& g, EventId id) {
    const Event& e = g.event(id);
    if ((!e.is_read() && !e.is_write()) || g.location(e.loc).kind != LocKind::Plain) return std::nullopt;
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        if (t == id.thread) continue;
        // The events of t in e's hb prefix (the first e.hb[t]) cannot race with e: start after.
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = e.hb[t]; i < ev.size(); ++i) {
            const Event& x = ev[i];
            if ((!x.is_read() && !x.is_write()) || x.loc != e.loc) continue;
            if (!x.is_write() && !e.is_write()) continue;
            return EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
        }
    }
    return std::nullopt;
}

Relations base_relations(const ExecutionGraph& g) {
    Relations r;
    std::vector<std::vector<std::size_t>> node(g.num_threads());
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i) {
            node[t].push_back(r.ids.size());
            r.ids.push_back(EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)});
            const Event& e = ev[i];
            const bool mem = e.is_read() || e.is_write();
            r.loc.push_back(mem ? static_cast<int>(e.loc) : -1);
            r.sc.push_back(e.mode == Mode::SC && (mem || e.kind == EventKind::Fence));
            r.fence.push_back(e.kind == EventKind::Fence);
        }
    }
    const std::size_t n = r.ids.size();
    r.po = Relation(n);
    r.rf = Relation(n);
    r.co = Relation(n);
    r.fr = Relation(n);
    r.hb = Relation(n);
    auto idx = [&](EventId e) { return node[e.thread][e.index]; };
    for (std::size_t t = 0; t < g.num_threads(); ++t)
        for (std::size_t i = 0; i < node[t].size(); ++i)
            for (std::size_t j = i + 1; j < node[t].size(); ++j) r.po.set(node[t][i], node[t][j]);
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        const auto& co = g.co(static_cast<LocId>(l));
        for (std::size_t i = 0; i < co.size(); ++i)
            for (std::size_t j = i + 1; j < co.size(); ++j) r.co.set(idx(co[i]), idx(co[j]));
    }
    for (std::size_t a = 0; a < n; ++a) {
        const Event& e = g.event(r.ids[a]);
        if (!e.is_read() || e.rf.is_unresolved()) continue;  // unresolved: no rf, no fr yet
        const auto& co = g.co(e.loc);
        if (e.rf.is_init()) {
            for (EventId w : co) r.fr.set(a, idx(w));  // everything is co-after the initial write
        } else {
            const std::size_t w = idx(e.rf);
            r.rf.set(w, a);
            for (EventId w2 : co)
                if (r.co.get(w, idx(w2))) r.fr.set(a, idx(w2));
        }
    }
    return r;
}

void hb_from_views(const ExecutionGraph& g, Relations& r) {
    const std::size_t n = r.size();
    for (std::size_t b = 0; b < n; ++b) {
        const View& v = g.event(r.ids[b]).hb;
        for (std::size_t a = 0; a < n; ++a)
            if (a != b && v.contains(r.ids[a].thread, r.ids[a].index)) r.hb.set(a, b);
    }
}

bool psc_acyclic(const Relations& r) {
    const std::size_t n = r.size();
    bool any_sc = false;
    for (char s : r.sc) any_sc = any_sc || s;
    if (!any_sc) return true;

    // scb = po ∪ po|≠loc; hb; po|≠loc ∪ hb|loc ∪ co ∪ fr
    Relation po_nl(n), hb_loc(n);
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = 0; b < n; ++b) {
            const bool same_loc = r.loc[a] >= 0 && r.loc[a] == r.loc[b];
            if (r.po.get(a, b) && !same_loc) po_nl.set(a, b);
            if (r.hb.get(a, b) && same_loc) hb_loc.set(a, b);
        }
    Relation scb = po_nl.then(r.hb).then(po_nl);
    scb.unite(r.po);
    scb.unite(hb_loc);
    scb.unite(r.co);
    scb.unite(r.fr);

    // left = [E^sc] ∪ [F^sc]; hb?   right = [E^sc] ∪ hb?; [F^sc]
    Relation left(n), right(n);
    for (std::size_t a = 0; a < n; ++a) {
        if (!r.sc[a]) continue;
        left.set(a, a);
        right.set(a, a);
        if (r.fence[a]) {
            for (std::size_t b = 0; b < n; ++b) {
                if (r.hb.get(a, b)) left.set(a, b);
                if (r.hb.get(b, a)) right.set(b, a);
            }
        }
    }
    Relation psc = left.then(scb).then(right);

    // psc_F = [F^sc]; (hb ∪ hb; eco; hb); [F^sc]
    bool has_sc_fence = false;
    for (std::size_t a = 0; a < n; ++a) has_sc_fence = has_sc_fence || (r.sc[a] && r.fence[a]);
    if (has_sc_fence) {
        Relation eco = r.rf;
        eco.unite(r.co);
        eco.unite(r.fr);
        eco.close();
        Relation mid = r.hb.then(eco).then(r.hb);
        mid.unite(r.hb);
        for (std::size_t a = 0; a < n; ++a) {
            if (!(r.sc[a] && r.fence[a])) continue;
            for (std::size_t b = 0; b < n; ++b)
                if (r.sc[b] && r.fence[b] && mid.get(a, b)) psc.set(a, b);
        }
    }
    // Only SC events carry psc edges, so a cycle, if any, lies among them.
    return psc.acyclic();
}

bool psc_acyclic_dense(const ExecutionGraph& g) {
    Relations r = base_relations(g);
    hb_from_views(g, r);
    return psc_acyclic(r);
}

}  // namespace mmcheck::rc11
