// SPDX-License-Identifier: MIT
/// \file RC11's SC axiom (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing Sequential Consistency
/// in C/C++11", PLDI 2017, section 3, axiom (SC)) checked on the graph of the k seq_cst events
/// only, each psc edge read off the hb views and coherence positions the explorer maintains
/// instead of composing dense n×n relations (rc11.cpp's psc_acyclic(Relations), which stays the
/// oracle: tests/engine/psc_test.cpp compares the two on random seq_cst programs).
///
///   scb      = po ∪ po|≠loc; hb; po|≠loc ∪ hb|loc ∪ co ∪ fr
///   psc_base = ([E^sc] ∪ [F^sc]; hb?); scb; ([E^sc] ∪ hb?; [F^sc])
///   psc_F    = [F^sc]; (hb ∪ hb; eco; hb); [F^sc]
///
/// hb(x, y) iff x is in y's view and x ≠ y; views are hb-closed (the view of an event is the
/// union of its own thread's prefix and of views of events hb-before it), so hb is transitive
/// and a view grows along po. With that, for seq_cst accesses a, b and seq_cst fences f, g:
///
///  * a → b: po(a, b); or x0(a) ∈ view(y0(b)), x0(a) the first po-successor of a on another
///    location and y0(b) the last po-predecessor of b on another location (every x po|≠loc-after
///    a is po-after x0(a), every y po|≠loc-before b is po-before y0(b)); or same location and
///    hb(a, b); or co/fr: key(a) < co(b), key = a write's co position, a read's rf's.
///  * f → b: ([F^sc]; hb?; po) gives f ∈ view(pred(b)), which also covers the po|≠loc; hb;
///    po|≠loc term (f po x' hb y po b puts f in view(pred(b))); hb|loc needs f hb x hb b with x on
///    b's location (searched only when f is in view(b) but not in view(pred(b)), i.e. hb enters
///    b by sw or spawn); co/fr: some x on b's location with f hb x and key(x) < co(b).
///  * a → g: symmetrically succ(a) ∈ view(g); a hb y hb g with y on a's location; co/fr into a
///    write y hb-before g: key(a) < co(y).
///  * f → g: psc_base between fences is included in psc_F (scb ⊆ hb ∪ co ∪ fr and hb is
///    transitive), so hb(f, g), or hb; eco; hb: x hb-after f and y hb-before g on one location
///    with eco(x, y). eco = rf ∪ (co ∪ fr); rf? on one location is an order on keys:
///    eco(x, y) iff A(x) < B(y) with A = 2·key (+1 for a read), B = 2·key + 1 (x = y gives a
///    false eco edge, but then hb(f, g) holds anyway).
///
/// Graphs the shortcut does not cover (more than 64 seq_cst events, a read reading a write not
/// yet in coherence order) go to the dense check.
#include "model/rc11.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdint>
#include <vector>

namespace mmcheck::rc11 {

namespace {

constexpr int kNone = INT_MIN;  // no coherence key (an unresolved read, a write not in co)

struct ScNode {
    EventId id;
    const Event* e;
    bool fence;
    int loc;    // -1 for fences
    int key;    // write: its co position; read: its rf's (-1 = initial write); kNone
    int co;     // write: its co position; kNone otherwise
    EventId x0;  // first po-successor on another location (valid iff has_x0)
    EventId y0;  // last po-predecessor on another location (valid iff has_y0)
    bool has_x0, has_y0;
};

/// Reused buffers: the explorer calls the check for every candidate rf and co position.
struct Scratch {
    std::vector<int> co_pos;  // per event slot: co position of a write, or kNone
    std::vector<ScNode> nodes;
    std::vector<std::size_t> fence_slot;  // node -> row of the fence tables
    std::vector<int> min_k, min_a, max_w, max_b;  // [fence row * locations + loc]
    std::vector<std::uint64_t> pred;
    // Prefix masks per thread t (offset[t] .. offset[t] + len_t): pre_idx[offset[t] + i] =
    // the seq_cst nodes of t with index < i; pre_x0 likewise for accesses whose x0 index < i
    // (x0 grows along po, so these are prefixes too).
    std::vector<std::size_t> offset;
    std::vector<std::uint64_t> pre_idx, pre_x0;
    std::vector<std::size_t> sc_threads;  // threads holding seq_cst nodes
    std::vector<std::uint64_t> loc_mask;   // seq_cst accesses per location
    std::vector<std::size_t> key_off;      // per location: start of its key_below row
    std::vector<std::uint64_t> key_below;  // see the co ∪ fr term
    std::vector<std::size_t> fence_nodes;  // the fence nodes, in node order
    // Per fence node (in fence_nodes order): the locations with an access hb-after it,
    // after_locs[after_begin[i] .. after_begin[i + 1]).
    std::vector<std::size_t> after_locs, after_begin;
};

bool is_access(const Event& e) { return e.is_read() || e.is_write(); }

bool in_view(EventId x, const Event& y) { return y.hb.contains(x.thread, x.index); }

}  // namespace

bool psc_acyclic(const ExecutionGraph& g) {
    thread_local Scratch s;
    const std::size_t nt = g.num_threads();
    // Event offsets: thread t's events are slots offset[t] .. offset[t] + len_t - 1 of the
    // flat per-event tables, with one spare slot per thread for the prefix masks below.
    s.offset.resize(nt + 1);
    s.offset[0] = 0;
    for (std::size_t t = 0; t < nt; ++t) s.offset[t + 1] = s.offset[t] + g.thread_size(static_cast<ThreadId>(t)) + 1;
    if (s.nodes.size() < 65) s.nodes.resize(65);
    std::size_t k = 0;
    for (std::size_t t = 0; t < nt && k <= 64; ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i) {
            const Event& e = ev[i];
            if (e.mode != Mode::SC || !(is_access(e) || e.kind == EventKind::Fence)) continue;
            if (k == 64) {
                k = 65;
                break;
            }
            ScNode& n = s.nodes[k++];
            n.id = EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            n.e = &e;
            n.fence = e.kind == EventKind::Fence;
            n.loc = n.fence ? -1 : static_cast<int>(e.loc);
            n.has_x0 = n.has_y0 = false;
        }
    }
    if (k == 0) return true;
    if (k > 64) return psc_acyclic_dense(g);

    // Coherence positions of every write; a read whose write is not placed is left to the
    // dense check (its rf edge would count in eco without a position).
    s.co_pos.assign(s.offset[nt], kNone);
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        const auto& co = g.co(static_cast<LocId>(l));
        for (std::size_t i = 0; i < co.size(); ++i) s.co_pos[s.offset[co[i].thread] + co[i].index] = static_cast<int>(i);
    }
    bool unplaced_rf = false;
    auto key_of = [&](EventId id, const Event& e) {
        if (e.is_write()) return s.co_pos[s.offset[id.thread] + id.index];
        if (e.rf.is_unresolved()) return kNone;
        if (e.rf.is_init()) return -1;
        const int p = s.co_pos[s.offset[e.rf.thread] + e.rf.index];
        if (p == kNone) unplaced_rf = true;
        return p;
    };
    // Keys of every access (fence tables need non-seq_cst ones too).
    bool has_fence = false;
    for (std::size_t a = 0; a < k; ++a) {
        ScNode& n = s.nodes[a];
        if (n.fence) {
            has_fence = true;
            n.key = n.co = kNone;
            continue;
        }
        n.key = key_of(n.id, *n.e);
        n.co = n.e->is_write() ? n.key : kNone;
        const auto& ev = g.thread_events(n.id.thread);
        for (std::size_t i = n.id.index + 1u; i < ev.size(); ++i)
            if (!is_access(ev[i]) || static_cast<int>(ev[i].loc) != n.loc) {
                n.x0 = EventId{n.id.thread, static_cast<std::uint16_t>(i)};
                n.has_x0 = true;
                break;
            }
        for (std::size_t i = n.id.index; i-- > 0;)
            if (!is_access(ev[i]) || static_cast<int>(ev[i].loc) != n.loc) {
                n.y0 = EventId{n.id.thread, static_cast<std::uint16_t>(i)};
                n.has_y0 = true;
                break;
            }
    }
    const std::size_t nl = g.num_locations();
    if (has_fence) {
        // Per seq_cst fence and location: min key / min A over accesses hb-after it, max co /
        // max B over accesses hb-before it.
        s.fence_slot.assign(k, 0);
        std::size_t rows = 0;
        for (std::size_t a = 0; a < k; ++a)
            if (s.nodes[a].fence) s.fence_slot[a] = rows++;
        s.min_k.assign(rows * nl, INT_MAX);
        s.min_a.assign(rows * nl, INT_MAX);
        s.max_w.assign(rows * nl, kNone);
        s.max_b.assign(rows * nl, kNone);
        for (std::size_t t = 0; t < nt; ++t) {
            const auto& ev = g.thread_events(static_cast<ThreadId>(t));
            for (std::size_t i = 0; i < ev.size(); ++i) {
                const Event& x = ev[i];
                if (!is_access(x)) continue;
                const EventId xid{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
                const int key = key_of(xid, x);
                if (key == kNone) continue;
                const int a_key = 2 * key + (x.is_read() ? 1 : 0);
                const int b_key = 2 * key + 1;
                for (std::size_t f = 0; f < k; ++f) {
                    const ScNode& fn = s.nodes[f];
                    if (!fn.fence) continue;
                    const std::size_t cell = s.fence_slot[f] * nl + x.loc;
                    if (in_view(fn.id, x)) {  // hb(f, x): x is an access, so x ≠ f
                        s.min_k[cell] = std::min(s.min_k[cell], key);
                        s.min_a[cell] = std::min(s.min_a[cell], a_key);
                    }
                    if (in_view(xid, *fn.e)) {  // hb(x, f)
                        if (x.is_write()) s.max_w[cell] = std::max(s.max_w[cell], key);
                        s.max_b[cell] = std::max(s.max_b[cell], b_key);
                    }
                }
            }
        }
    }
    if (unplaced_rf) return psc_acyclic_dense(g);

    // hb|loc through a third event: some access x on `loc`, x ∉ {skip}, with hb(from, x) and
    // hb(x, to). Only asked when hb(from, to) holds but the po-based terms did not give the edge.
    auto hb_via_loc = [&](EventId from, const Event& to, int loc, EventId skip) {
        for (std::size_t t = 0; t < nt; ++t) {
            const auto& ev = g.thread_events(static_cast<ThreadId>(t));
            const std::size_t end = std::min<std::size_t>(to.hb[t], ev.size());
            for (std::size_t i = 0; i < end; ++i) {
                const Event& x = ev[i];
                const EventId xid{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
                if (!is_access(x) || static_cast<int>(x.loc) != loc || xid == skip || xid == from) continue;
                if (in_view(from, x)) return true;
            }
        }
        return false;
    };

    // An edge with a seq_cst fence at exactly one end (access → access edges are below).
    auto edge = [&](const ScNode& a, const ScNode& b) -> bool {
        if (a.fence && !b.fence) {
            const std::size_t cell = s.fence_slot[&a - s.nodes.data()] * nl + static_cast<std::size_t>(b.loc);
            if (b.co != kNone && s.min_k[cell] < b.co) return true;  // hb; (co ∪ fr)
            if (b.id.index > 0 && in_view(a.id, g.event(EventId{b.id.thread, static_cast<std::uint16_t>(b.id.index - 1)})))
                return true;  // hb?; po
            return in_view(a.id, *b.e) && hb_via_loc(a.id, *b.e, b.loc, b.id);  // hb; hb|loc
        }
        if (!a.fence && b.fence) {
            const std::size_t cell = s.fence_slot[&b - s.nodes.data()] * nl + static_cast<std::size_t>(a.loc);
            if (a.key != kNone && s.max_w[cell] != kNone && a.key < s.max_w[cell]) return true;  // (co ∪ fr); hb
            const auto& ev = g.thread_events(a.id.thread);
            if (a.id.index + 1u < ev.size() &&
                in_view(EventId{a.id.thread, static_cast<std::uint16_t>(a.id.index + 1)}, *b.e))
                return true;  // po; hb?
            return in_view(a.id, *b.e) && hb_via_loc(a.id, *b.e, a.loc, a.id);  // hb|loc; hb
        }
        return false;  // both fences (psc_F): by the caller, over the sparse location lists
    };

    // Predecessor masks. Access → access edges come a whole row at a time from the prefix
    // masks: hb-predecessors of b on thread t are the nodes with index < view(b)[t], the
    // po|≠loc; hb; po|≠loc predecessors those with x0 index < view(y0(b))[t].
    const auto bit = [](std::size_t a) { return std::uint64_t{1} << a; };
    s.pre_idx.assign(s.offset[nt], 0);
    s.pre_x0.assign(s.offset[nt], 0);
    s.loc_mask.assign(nl, 0);
    s.sc_threads.clear();
    std::uint64_t access_mask = 0;
    for (std::size_t a = 0; a < k; ++a) {
        const ScNode& n = s.nodes[a];
        if (s.sc_threads.empty() || s.sc_threads.back() != n.id.thread) s.sc_threads.push_back(n.id.thread);
        s.pre_idx[s.offset[n.id.thread] + n.id.index + 1] |= bit(a);
        if (n.fence) continue;
        access_mask |= bit(a);
        s.loc_mask[static_cast<std::size_t>(n.loc)] |= bit(a);
        if (n.has_x0) s.pre_x0[s.offset[n.id.thread] + n.x0.index + 1] |= bit(a);
    }
    for (std::size_t t = 0; t < nt; ++t)
        for (std::size_t i = s.offset[t] + 1; i < s.offset[t + 1]; ++i) {
            s.pre_idx[i] |= s.pre_idx[i - 1];
            s.pre_x0[i] |= s.pre_x0[i - 1];
        }
    auto prefix = [&](const std::vector<std::uint64_t>& pre, const View& v) {
        std::uint64_t m = 0;
        for (std::size_t t : s.sc_threads)
            m |= pre[s.offset[t] + std::min<std::size_t>(v[t], s.offset[t + 1] - s.offset[t] - 1)];
        return m;
    };
    // co ∪ fr into a write b: the accesses of b's location whose key is below co(b).
    // key_below[key_off[l] + c + 1] = seq_cst accesses of l with key < c (keys run from -1, the
    // initial write, to |co(l)| - 1), so each row costs one lookup instead of a pass over l's
    // accesses.
    s.key_off.resize(nl + 1);
    s.key_off[0] = 0;
    for (std::size_t l = 0; l < nl; ++l) s.key_off[l + 1] = s.key_off[l] + g.co(static_cast<LocId>(l)).size() + 2;
    s.key_below.assign(s.key_off[nl], 0);
    for (std::size_t a = 0; a < k; ++a) {
        const ScNode& n = s.nodes[a];
        if (!n.fence && n.key != kNone)
            s.key_below[s.key_off[static_cast<std::size_t>(n.loc)] + static_cast<std::size_t>(n.key + 2)] |= bit(a);
    }
    for (std::size_t l = 0; l < nl; ++l)
        for (std::size_t i = s.key_off[l] + 1; i < s.key_off[l + 1]; ++i) s.key_below[i] |= s.key_below[i - 1];
    s.pred.assign(k, 0);
    for (std::size_t b = 0; b < k; ++b) {
        const ScNode& nb = s.nodes[b];
        if (nb.fence) continue;
        std::uint64_t p = s.pre_idx[s.offset[nb.id.thread] + nb.id.index];                // po
        // hb|loc: by the prefix masks, or node by node when the location has fewer seq_cst
        // accesses than there are threads to look up.
        const std::uint64_t same_loc = s.loc_mask[static_cast<std::size_t>(nb.loc)] & ~bit(b);
        if (static_cast<std::size_t>(std::popcount(same_loc)) < s.sc_threads.size()) {
            for (std::uint64_t m = same_loc; m != 0; m &= m - 1) {
                const auto a = static_cast<std::size_t>(std::countr_zero(m));
                if (in_view(s.nodes[a].id, *nb.e)) p |= bit(a);
            }
        } else {
            p |= prefix(s.pre_idx, nb.e->hb) & same_loc;
        }
        if (nb.has_y0) p |= prefix(s.pre_x0, g.event(nb.y0).hb);                          // po|≠loc; hb; po|≠loc
        if (nb.co != kNone) p |= s.key_below[s.key_off[static_cast<std::size_t>(nb.loc)] + static_cast<std::size_t>(nb.co) + 1];  // co ∪ fr
        s.pred[b] = p & access_mask;
    }
    if (has_fence) {
        // Fence rows: the locations with an access hb-after the fence (min_a set), so that the
        // fence → fence test below visits those only instead of every location (a fence
        // usually has accesses of one or two locations after it: O(k²·locations) was 55 % of
        // the CPU of sb-ring-fence-N14).
        s.fence_nodes.clear();
        s.after_locs.clear();
        s.after_begin.clear();
        for (std::size_t a = 0; a < k; ++a) {
            if (!s.nodes[a].fence) continue;
            s.fence_nodes.push_back(a);
            s.after_begin.push_back(s.after_locs.size());
            const std::size_t row = s.fence_slot[a] * nl;
            for (std::size_t l = 0; l < nl; ++l)
                if (s.min_a[row + l] != INT_MAX) s.after_locs.push_back(l);
        }
        s.after_begin.push_back(s.after_locs.size());
        for (std::size_t fi = 0; fi < s.fence_nodes.size(); ++fi) {
            const std::size_t a = s.fence_nodes[fi];
            const ScNode& na = s.nodes[a];
            const std::size_t ra = s.fence_slot[a] * nl;
            for (std::size_t b = 0; b < k; ++b) {
                const ScNode& nb = s.nodes[b];
                bool e = false;
                if (!nb.fence) {
                    e = edge(na, nb);
                } else if (a != b && in_view(na.id, *nb.e)) {
                    e = true;  // psc_F: hb
                } else {
                    // psc_F: hb; eco; hb, through some location x and y share.
                    const std::size_t rb = s.fence_slot[b] * nl;
                    for (std::size_t j = s.after_begin[fi]; j < s.after_begin[fi + 1] && !e; ++j) {
                        const std::size_t l = s.after_locs[j];
                        e = s.max_b[rb + l] != kNone && s.min_a[ra + l] < s.max_b[rb + l];
                    }
                }
                if (e) s.pred[b] |= bit(a);
            }
            // Access → fence edges.
            for (std::size_t b = 0; b < k; ++b)
                if (!s.nodes[b].fence && edge(s.nodes[b], na)) s.pred[a] |= bit(b);
        }
    }
    // Acyclic iff repeatedly removing nodes without predecessors empties the graph.
    std::uint64_t rem = k == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << k) - 1;
    bool changed = true;
    while (rem != 0 && changed) {
        changed = false;
        for (std::uint64_t m = rem; m != 0; m &= m - 1) {
            const int v = std::countr_zero(m);
            if ((s.pred[static_cast<std::size_t>(v)] & rem) == 0) {
                rem &= ~(std::uint64_t{1} << v);
                changed = true;
            }
        }
    }
    return rem == 0;
}

/// The forward step (rc11.hpp). G is psc-acyclic and G' adds e, po-last and newest, so no old
/// event has e in its view: po, rf, co, fr and hb between old events are unchanged (e's
/// insertion into co keeps the order of the others; eco between old events through e reduces
/// to co or fr between them), and so is every scb pair of old events (x po|≠loc e hb y would
/// need y hb-after e). The psc edges G' gains are then
///  * into e, and out of e: scb leaves e only by co or fr (nothing is po- or hb-after e);
///  * f → b between old events, f a seq_cst fence with hb(f, e): psc_base's [F^sc]; hb; scb
///    with e as the hb-end, or psc_F's hb; eco; hb with e as eco's source. Both continue with
///    an edge out of e by co, fr or eco (= rf ∪ co ∪ fr up to composition, keys as above).
/// Out of e by co, fr or rf: a write co-after e (e a write), or co-after e's rf (e a read), or
/// a read of such a write; there is none when e is the co-latest write or reads it. A cycle of
/// G' uses a gained edge. With no edge out of e there is no f → b edge either, and a cycle
/// through e would need an edge out of it. When e is not seq_cst it is no psc node, and the
/// only gained edges are f → b, which need such an f.
bool psc_acyclic_adding(const ExecutionGraph& g, EventId id) {
    const Event& e = g.event(id);
    const auto& co = g.co(e.loc);
    const bool co_latest = e.is_write() ? (!co.empty() && co.back() == id)
                                        : (co.empty() ? e.rf.is_init() : e.rf == co.back());
    if (co_latest) return true;
    if (e.mode != Mode::SC) {
        // e is not a psc node: a gained edge is some f → b, f a seq_cst fence hb-before e.
        for (std::size_t t = 0; t < g.num_threads(); ++t) {
            const auto& ev = g.thread_events(static_cast<ThreadId>(t));
            const std::size_t end = std::min<std::size_t>(e.hb[t], ev.size());
            for (std::size_t i = 0; i < end; ++i)
                if (ev[i].kind == EventKind::Fence && ev[i].mode == Mode::SC) return psc_acyclic(g);
        }
        return true;
    }
    return psc_acyclic(g);
}

}  // namespace mmcheck::rc11
