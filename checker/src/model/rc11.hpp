// SPDX-License-Identifier: MIT
/// \file RC11 consistency (Lahav, Vafeiadis, Kang, Hur, Dreyer, PLDI 2017), incrementally: the
/// explorer adds one event at a time to a consistent graph, so most axioms reduce to bounds on
/// where a new read may read from and where a new write may go in coherence order.
///
///   hb  = (po ∪ sw)+, computed as views (vector clocks) per event;
///   sw  = [E⊒rel]; ([F]; po)?; rs; rf; [R⊒rlx]; (po; [F])?; [E⊒acq]
///   rs  = [W]; po|loc?; [W⊒rlx]; (rf; rmw)*
///   (COHERENCE)   hb; eco? irreflexive
///   (ATOMICITY)   rmw ∩ (fr; co) = ∅
///   (SC)          psc acyclic
///   (NO-THIN-AIR) po ∪ rf acyclic — holds by construction: a read only reads a write that
///                 is not (po ∪ rf)-after it.
#pragma once

#include "graph/execution_graph.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace mmcheck::rc11 {

/// Sets e.hb and e.porf for an event about to be appended at the end of thread t: the
/// po-predecessor's prefixes (or the spawn event's, for a spawned thread's first event) plus
/// the event itself. Reads and fences need apply_read_views / apply_fence_views afterwards.
void init_views(const ExecutionGraph& g, ThreadId t, std::uint16_t index, Event& e);

/// For a read whose rf is set: porf gains rf's prefix; an acquire read synchronises with the
/// release sequence its write belongs to (hb gains rf's msg view). Join reads its End.
void apply_read_views(const ExecutionGraph& g, Event& r);

/// An acquire fence synchronises through every atomic read po-before it (sw's (po; [F])?).
void apply_fence_views(const ExecutionGraph& g, ThreadId t, std::uint16_t index, Event& f);

/// The view a reader of write `w` (at (t,index)) synchronises with: w's own hb if it is a
/// release, the last release fence's hb before it, earlier release writes of the thread to the
/// same location (rs's po|loc), and for an RMW the msg view of the write it read (rf; rmw).
void compute_msg_view(const ExecutionGraph& g, ThreadId t, std::uint16_t index, Event& w);

/// Lowest co index a read or write with happens-before prefix `hb` may read from / follow,
/// by COHERENCE: at least every write to `loc` in the prefix (CoWR, CoWW) and every write read
/// by a read in the prefix (CoRR, CoRW). The read `skip_read` and the write `skip_write` are
/// left out of the prefix (the event being placed). -1 = the initial write.
int coherence_lower_bound(const ExecutionGraph& g, LocId loc, const View& hb, EventId skip_read,
                          EventId skip_write);

/// True when `w` is read by an exclusive (RMW) read other than `except`: ATOMICITY then forbids
/// a second RMW from reading it, and any write from being placed right after it. A walk over
/// the whole graph: what the explorer's sanity checks use.
bool read_by_exclusive(const ExecutionGraph& g, EventId w, EventId except);

/// read_by_exclusive without the walk (it was 7 % of mutex-N4-K3's CPU, asked for every
/// candidate write of a new read and every coherence position of a new write), for the
/// optimal explorer's graphs, where ATOMICITY holds in this shape: an exclusive read's write
/// part is its po-next event, placed in coherence right after the write the read reads
/// (co_positions never places a write there, and a moot RMW's graph is never asked), unless
/// that write part is not added yet (the read is its thread's last event) or not placed yet
/// (it is the last event). So only w's co-successor and each thread's last two events are
/// looked at: O(threads).
bool read_by_exclusive_placed(const ExecutionGraph& g, EventId w, EventId except);

/// Full check of the SC axiom: psc = psc_base ∪ psc_F acyclic (RC11 / C++20 semantics of
/// seq_cst accesses and fences), on the graph of the k seq_cst events with each edge read off
/// the hb views and coherence positions (rc11_psc.cpp): O(k² + fences·n) per call. The
/// explorer calls it once the graph holds seq_cst events. Exactly psc_acyclic_dense(g).
bool psc_acyclic(const ExecutionGraph& g);

/// The SC axiom for a graph that differs from a psc-acyclic one only by its newest event `e`
/// (a read or write, po-last in its thread and hb-before nothing) with its rf or coherence
/// position just chosen: the explorer's forward step. Every psc edge the graph gains is into
/// e, out of e, or f → b for a seq_cst fence f hb-before e composed with an edge out of e
/// (rc11_psc.cpp); so when e reads or is the co-latest write (no edge leaves e), or is not
/// seq_cst and no seq_cst fence is hb-before it, no cycle can appear and nothing is computed.
/// Otherwise exactly psc_acyclic(g).
bool psc_acyclic_adding(const ExecutionGraph& g, EventId e);

/// The same axiom by dense n×n relations (base_relations, hb_from_views and
/// psc_acyclic(Relations)): the oracle of psc_acyclic and its fallback for graphs it does not
/// cover (more than 64 seq_cst events, a read of a write not yet in coherence order).
bool psc_acyclic_dense(const ExecutionGraph& g);

/// A data race involving `e` (a plain access, or an access to a plain location): another
/// conflicting access to the same location, in another thread, not hb-before `e`.
std::optional<EventId> find_race(const ExecutionGraph& g, EventId e);

}  // namespace mmcheck::rc11

#include "model/relation.hpp"

#include <vector>

namespace mmcheck::rc11 {

/// The graph's events numbered 0..n-1 (initial writes are not nodes: nothing can precede them
/// in po, rf, co or fr, so no cycle passes through them) with the base relations as matrices.
struct Relations {
    std::vector<EventId> ids;
    std::vector<int> loc;        ///< location, or -1 for fences, spawns, joins, ends
    std::vector<char> sc;        ///< seq_cst access or fence
    std::vector<char> fence;
    Relation po, rf, co, fr, hb;
    [[nodiscard]] std::size_t size() const { return ids.size(); }
};

/// Builds ids, loc, sc, fence, po, rf, co (transitive) and fr = rf⁻¹; co (reads of the initial
/// write are fr-before every write to their location). Leaves hb empty.
Relations base_relations(const ExecutionGraph& g);

/// hb from the views the explorer maintains.
void hb_from_views(const ExecutionGraph& g, Relations& r);

/// The SC axiom on relations whose hb is filled:
///   scb      = po ∪ po|≠loc; hb; po|≠loc ∪ hb|loc ∪ co ∪ fr
///   psc_base = ([E^sc] ∪ [F^sc]; hb?); scb; ([E^sc] ∪ hb?; [F^sc])
///   psc_F    = [F^sc]; (hb ∪ hb; eco; hb); [F^sc]
///   acyclic(psc_base ∪ psc_F)
bool psc_acyclic(const Relations& r);

}  // namespace mmcheck::rc11
