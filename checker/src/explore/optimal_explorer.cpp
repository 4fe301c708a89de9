// SPDX-License-Identifier: MIT
/// \file The optimal explorer: TruSt (Kokologiannakis, Marmanis, Gladstein, Vafeiadis, POPL
/// 2022) for RC11 with coherence order. Every consistent execution graph is visited exactly
/// once, with no set of visited graphs:
///
///  * events are added one at a time in a fixed order (the runtime runs the lowest-numbered
///    runnable thread); each carries a stamp, its place in that order;
///  * a new read branches over every write it may consistently read (forward);
///  * a new write branches over its consistent coherence positions, and may *revisit* an
///    existing read r that is not in its (po ∪ rf)-prefix: the events added after r and not in
///    the write's prefix are deleted and r reads the write. To generate each graph once, the
///    revisit happens only when r and every deleted event were added "maximally" — a read
///    reading the co-latest write, a write placed co-last — among the events added before them
///    plus the write's prefix. The revisited read is restamped as the newest event, so stamp
///    order keeps extending po ∪ rf and every stamp-prefix is a well-formed graph.
///
/// Search state is a stack of frames. Within a frame, alternatives are (stamp, choice) items:
/// the graph is cut back to the stamp and the choice applied. A backward revisit pushes a new
/// frame holding a copy of the revisited graph, so memory stays polynomial (one graph per
/// nested revisit) and the order of exploration is deterministic.
#include "explore/explorer.hpp"

#include "explore/explorer_base.hpp"
#include "model/rc11.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <set>
#include <climits>
#include <map>
#include <string>
#include <string_view>

namespace mmcheck {

namespace {

/// A read forced to a value in the cyclic part (explore_porf_parts): the read at
/// po index `index` of `thread`, if it reads `loc`, takes `value` with its write left open
/// (an unresolved rf), to be chosen among the writes of that value once the threads stopped.
struct Guess {
    ThreadId thread = 0;
    std::uint16_t index = 0;
    LocId loc = 0;
    std::int64_t value = 0;
    auto operator<=>(const Guess&) const = default;
};
using GuessSet = std::vector<Guess>;  // sorted, at most one guess per read

/// What the runs of the cyclic part share: the guess sets found so far (each explored once,
/// in the order found), the value domain and the offer sites (explore/README.md, "The cyclic
/// part").
struct CyclicPart {
    std::set<GuessSet> found;
    std::deque<GuessSet> queue;
    /// (location, value): the initial values and the values of justified writes.
    std::set<std::pair<LocId, std::int64_t>> domain;
    /// Offer sites by location: a run's guess set and one more read it may force (the value
    /// of the Guess is unused); each site is offered every value of its location's domain,
    /// the ones found later too.
    std::map<LocId, std::vector<std::pair<GuessSet, Guess>>> sites;
    std::set<std::pair<GuessSet, Guess>> known_sites;

    void offer(GuessSet s) {
        std::sort(s.begin(), s.end());
        if (found.insert(s).second) queue.push_back(std::move(s));
    }
    void offer(const GuessSet& base, Guess g) {
        GuessSet s = base;
        s.push_back(g);
        offer(std::move(s));
    }
    void add_site(const GuessSet& base, const Guess& site) {
        if (!known_sites.insert({base, site}).second) return;
        sites[site.loc].emplace_back(base, site);
        for (auto it = domain.lower_bound({site.loc, INT64_MIN}); it != domain.end() && it->first == site.loc; ++it) {
            Guess g = site;
            g.value = it->second;
            offer(base, g);
        }
    }
    void add_value(LocId loc, std::int64_t v) {
        if (!domain.insert({loc, v}).second) return;
        const auto f = sites.find(loc);
        if (f == sites.end()) return;
        // By index: offer() never adds sites, but keep the loop valid if it ever did.
        for (std::size_t i = 0; i < f->second.size(); ++i) {
            Guess g = f->second[i].second;
            g.value = v;
            offer(f->second[i].first, g);
        }
    }
};

/// The canonical guess set of a complete graph, the one guess set whose run counts it: start
/// from the reads that read a write of a higher-numbered thread (without their rf edges po ∪
/// rf is acyclic: every other edge goes forward in (thread, index) order) and drop each in
/// turn, lowest (thread, index) first, if po ∪ rf stays acyclic without it. The result is
/// minimal (restoring any one rf edge closes a cycle: a later drop only restores edges).
/// Empty iff po ∪ rf is acyclic.
GuessSet canonical_guesses(const ExecutionGraph& g) {
    if (porf_acyclic_without(g, {})) return {};
    std::vector<EventId> s;
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i)
            if (ev[i].is_read() && !ev[i].rf.is_init() && !ev[i].rf.is_unresolved() && ev[i].rf.thread > t)
                s.push_back(EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)});
    }
    for (std::size_t k = 0; k < s.size();) {
        std::vector<EventId> trial = s;
        trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(k));
        if (porf_acyclic_without(g, trial))
            s = std::move(trial);
        else
            ++k;
    }
    GuessSet out;
    for (const EventId r : s) out.push_back(Guess{r.thread, r.index, g.event(r).loc, g.event(r).value});
    std::sort(out.begin(), out.end());
    return out;
}

struct ReadOption {
    EventId w;
    bool spurious;
    bool moot;  // an RMW reading a write another RMW already took: only its revisits matter
};

class OptimalExplorer final : public ExplorerBase {
public:
    /// `by_check`: every choice is filtered by the model's whole-graph check instead of RC11's
    /// views (coherence lower bounds from hb, psc): the porf-acyclic part of a model with po ∪
    /// rf cycles (explore_porf_acyclic).
    OptimalExplorer(const Program& p, const ExploreOptions& o, bool by_check = false)
        : ExplorerBase(p, o), by_check_(by_check) {
        frames_.emplace_back();
    }
    /// A run of the cyclic part (explore_porf_parts): TruSt by the model's check with
    /// the reads of `guesses` forced to their values; every forced read is given a write of its
    /// value by a higher-numbered thread once the threads stopped (complete_graph), and a graph
    /// is counted only if `guesses` is its canonical guess set (canonical_guesses). Runs offer
    /// `cyc` further guess sets (offer_sites, offer_cycle_closing) and grow its value domain.
    OptimalExplorer(const Program& p, const ExploreOptions& o, CyclicPart& cyc, GuessSet guesses)
        : ExplorerBase(p, o), by_check_(true), cyc_(&cyc), guesses_(std::move(guesses)) {
        frames_.emplace_back();
    }

    ExecutionGraph& graph() override { return frames_.back().graph; }
    AddStatus add_event(ThreadId t, const EventRequest& req) override;
    [[nodiscard]] bool defers_waits() const override { return true; }
    bool complete_graph() override;
    void report_violation(ViolationKind kind, std::string message, std::optional<ThreadId> thread, SourceRef src,
                          const Outcome* outcome) override;

protected:
    bool next_execution() override;

private:
    enum class ItemKind : std::uint8_t { ReadFrom, Moot, CoPosition, Revisit, Fulfil };
    /// One pending alternative: cut the frame's graph to `cut`, then apply the choice.
    struct WorkItem {
        ItemKind kind;
        bool spurious = false;
        std::uint32_t cut = 0;
        EventId event;   // the read (ReadFrom), the write (CoPosition, Revisit)
        EventId target;  // ReadFrom: the write read; Revisit: the read revisited
        int pos = -1;    // CoPosition: insert after this co index; Fulfil: the guess's index
    };
    struct Frame {
        ExecutionGraph graph;
        std::vector<WorkItem> work;
    };

    AddStatus add_read(ThreadId t, Event&& e, const WaitPredicate* wait);
    AddStatus add_write(ThreadId t, Event&& e);
    /// Fills opts_ with the writes a new read may read.
    void read_options(ExecutionGraph& g, EventId r, const WaitPredicate* wait);
    /// Fills pos_ with the coherence positions a write may take.
    void co_positions(ExecutionGraph& g, EventId w, int lb, bool forward);
    bool sc_ok(const ExecutionGraph& g) const { return !has_sc_ || rc11::psc_acyclic(g); }
    /// RC11's coherence lower bound for an event with hb view `hb`, or (by_check_) none: the
    /// whole-graph check then rejects what coherence forbids.
    int co_lower_bound(const ExecutionGraph& g, LocId loc, const View& hb, EventId e, EventId skip) const {
        return by_check_ ? -1 : rc11::coherence_lower_bound(g, loc, hb, e, skip);
    }
    [[nodiscard]] bool consistent(const ExecutionGraph& g) const { return !model_.check(g).has_value(); }
    void push_revisits(EventId a);
    bool maximal(const ExecutionGraph& g, EventId e, EventId a, const View& porf_a) const;
    bool all_maximal(const ExecutionGraph& g, EventId r, EventId a) const;
    bool apply(const WorkItem& it);
    bool apply_revisit(const WorkItem& it);

    /// A finished frame's storage for the next revisit: copying a graph into one that has
    /// held a graph before reuses its vectors (allocation and frees were 10 % of
    /// mutex-N4-K3's CPU). Contents are meaningless; only capacity is reused.
    Frame spare_frame() {
        if (spares_.empty()) return Frame{};
        Frame f = std::move(spares_.back());
        spares_.pop_back();
        f.work.clear();
        return f;
    }

    /// Gives a frame's storage back to the spares when the revisit building it is dropped
    /// (a frame pushed on the stack was moved from and holds nothing).
    struct SpareOnExit {
        std::vector<Frame>& spares;
        Frame& frame;
        SpareOnExit(std::vector<Frame>& s, Frame& f) : spares(s), frame(f) {}
        SpareOnExit(const SpareOnExit&) = delete;
        SpareOnExit& operator=(const SpareOnExit&) = delete;
        ~SpareOnExit() {
            if (frame.graph.num_threads() != 0) spares.push_back(std::move(frame));
        }
    };

    /// The guess of the read at `id`, if any.
    const Guess* guess_at(EventId id) const {
        for (const Guess& q : guesses_)
            if (q.thread == id.thread && q.index == id.index) return &q;
        return nullptr;
    }
    /// The forced read of guess k in `g` (null: not added in this run).
    Event* guessed_read(ExecutionGraph& g, std::size_t k) const {
        const Guess& q = guesses_[k];
        if (q.thread >= g.num_threads() || q.index >= g.thread_size(q.thread)) return nullptr;
        Event& e = g.event(EventId{static_cast<std::uint16_t>(q.thread), q.index});
        return e.is_read() && e.loc == q.loc ? &e : nullptr;
    }
    /// Gives the forced reads from guess k on their writes back (a work item changes the
    /// graph: the writes they were given may be gone; complete_graph chooses again).
    void unfulfil(ExecutionGraph& g, std::size_t from = 0) const {
        for (std::size_t k = from; k < guesses_.size(); ++k)
            if (Event* e = guessed_read(g, k)) e->rf = EventId::unresolved();
    }
    /// The cyclic part's cycle-closing offers from a leaf whose forced reads are unresolved.
    void offer_cycle_closing(const ExecutionGraph& g);
    /// The cyclic part's value-domain offers from a leaf (explore/README.md, "The cyclic part").
    void offer_sites(const ExecutionGraph& g);
    /// Adds the values of the leaf's justified writes to the value domain.
    void add_justified_values(const ExecutionGraph& g);

    std::vector<Frame> frames_;
    const bool by_check_;
    CyclicPart* const cyc_ = nullptr;
    const GuessSet guesses_;
    struct HeldViolation {
        ViolationKind kind;
        std::string message;
        std::optional<ThreadId> thread;
        SourceRef src;
    };
    std::vector<HeldViolation> held_;  ///< found while forced values were not yet justified
    bool graph_complete_ = false;      ///< complete_graph() accepted this run's graph
    std::vector<Frame> spares_;  // at most as many as frames_ ever held
    // What read_options and co_positions found, used before either is called again: members
    // so that their storage is reused (a vector per added event was 3 % of mutex-N4-K2's
    // instructions in malloc and free).
    std::vector<ReadOption> opts_;
    std::vector<int> pos_;
    bool has_sc_ = false;  // once a seq_cst event exists, every choice is checked against psc
};

AddStatus OptimalExplorer::add_event(ThreadId t, const EventRequest& req) {
    ExecutionGraph& g = graph();
    Event e = make_event(g, t, req);
    if (!by_check_ && (e.mode == Mode::SC || e.fail_mode == Mode::SC) &&
        (e.kind == EventKind::Read || e.kind == EventKind::Write || e.kind == EventKind::Fence))
        has_sc_ = true;
    switch (req.kind) {
        case EventKind::Read: return add_read(t, std::move(e), req.wait);
        case EventKind::Write: return add_write(t, std::move(e));
        default:
            append_choiceless(g, t, req, e);
            // Under a model checked whole (by_check_), a fence adds ordering: a strong fence
            // or a grace period (synchronize_rcu) can close a cycle by itself.
            if (by_check_ && !consistent(g)) return AddStatus::Abort;
            return AddStatus::Ok;
    }
}

void OptimalExplorer::read_options(ExecutionGraph& g, EventId rid, const WaitPredicate* wait) {
    const Event& r = g.event(rid);
    const LocId loc = r.loc;
    const int lb = co_lower_bound(g, loc, r.hb, rid, rid);
    std::vector<ReadOption>& opts = opts_;
    opts.clear();
    const auto& co = g.co(loc);
    // Latest write first: the first execution is the most "sequential" one.
    for (int i = static_cast<int>(co.size()) - 1; i >= lb; --i) {
        const EventId w = i >= 0 ? co[static_cast<std::size_t>(i)] : EventId::init(loc);
        if (read_writes_on(g.event(rid), g.write_value(w))) {
            // ATOMICITY forbids two RMWs reading the same write, but the option is kept
            // ("moot", as in GenMC): this RMW's write will revisit the RMW that read `w` first,
            // which is how the other order of the two RMWs is reached; the moot graph itself
            // is abandoned once that revisit is recorded (see add_write).
            opts.push_back({w, false, rc11::read_by_exclusive_placed(g, w, rid)});
            if (g.event(rid).has(kWeak)) opts.push_back({w, true, false});
        } else {
            opts.push_back({w, false, false});
        }
    }
    if (g.event(rid).has(kAwait)) {
        // A waiting read (await, lock) whose value fails its condition blocks its thread. It
        // is worth exploring only when it reads the co-latest write: a real spin would read
        // again and see that write. A stale one is never added maximally (the co-later write
        // was added before it), so no revisit ever deletes or revisits it, and its thread
        // stays blocked on a stale value in every graph that extends it: none is complete.
        const bool lock = g.event(rid).has(kLock);
        const EventId latest = co.empty() ? EventId::init(loc) : co.back();
        std::erase_if(opts, [&](const ReadOption& o) {
            const std::int64_t v = g.write_value(o.w);
            const bool fails = lock ? v != 0 : wait != nullptr && !(*wait)(v);
            return fails && o.w != latest;
        });
    }
    if (by_check_) {
        // The graph without r was consistent: keep the writes r may read in a consistent graph.
        std::erase_if(opts, [&](const ReadOption& o) {
            set_read_from(g, rid, o.w, o.spurious);
            return !consistent(g);
        });
    }
    if (has_sc_) {
        // The graph without r was consistent (every forward step and revisit is checked), so
        // only the cycles r's rf can close are looked for.
        std::erase_if(opts, [&](const ReadOption& o) {
            set_read_from(g, rid, o.w, o.spurious);
            return !rc11::psc_acyclic_adding(g, rid);
        });
    }
}

AddStatus OptimalExplorer::add_read(ThreadId t, Event&& e, const WaitPredicate* wait) {
    ExecutionGraph& g = graph();
    const EventId id = g.append(t, std::move(e));
    if (const Guess* q = guess_at(id)) {
        // A forced read: its value is the guess, its write is chosen when the threads have
        // stopped (complete_graph). At another location the guess does not describe this
        // run: the run without it is explored by the guess set without it.
        if (q->loc != g.event(id).loc) return AddStatus::Abort;
        Event& r = g.event(id);
        r.rf = EventId::unresolved();
        r.value = q->value;
        r.flags &= static_cast<std::uint16_t>(~(kRmwRead | kSpurious | kBlocked | kRace));
        const bool conditional = r.has(kUpdate) || r.has(kLock);
        const bool writes = read_writes_on(r, q->value);
        if (writes) r.flags |= kRmwRead;
        if (conditional) r.mode = writes ? r.succ_mode : r.fail_mode;
        return consistent(g) ? AddStatus::Ok : AddStatus::Abort;
    }
    read_options(g, id, wait);
    const auto& opts = opts_;
    // Run the first real option now; every other one, moot ones included, is a work item.
    const auto first = std::find_if(opts.begin(), opts.end(), [](const ReadOption& o) { return !o.moot; });
    auto& work = frames_.back().work;
    const std::uint32_t stamp = g.event(id).stamp;
    for (std::size_t k = opts.size(); k-- > 0;) {
        if (opts.begin() + static_cast<std::ptrdiff_t>(k) == first) continue;
        work.push_back(WorkItem{opts[k].moot ? ItemKind::Moot : ItemKind::ReadFrom, opts[k].spurious, stamp, id,
                                opts[k].w, -1});
    }
    if (first == opts.end()) return AddStatus::Abort;
    set_read_from(g, id, first->w, first->spurious);
    return check_race(id) ? AddStatus::Violation : AddStatus::Ok;
}

/// `forward`: w is the newest event, added to a consistent graph (add_write); otherwise (a
/// revisit changed r's rf and deleted events too) the whole SC axiom is checked.
void OptimalExplorer::co_positions(ExecutionGraph& g, EventId wid, int lb, bool forward) {
    const Event& w = g.event(wid);
    std::vector<int>& pos = pos_;
    pos.clear();
    const Event& rmw_read =
        g.event(EventId{wid.thread, static_cast<std::uint16_t>(w.has(kRmwWrite) ? wid.index - 1 : wid.index)});
    if (w.has(kRmwWrite) && !rmw_read.rf.is_unresolved()) {
        // ATOMICITY: an RMW's write immediately follows the write its read part reads.
        const int p = g.co_index(rmw_read.rf);
        if (p >= lb) pos.push_back(p);
    } else {
        // (A forced read part reads a write chosen later: every place is offered, and the
        // check rejects the ones ATOMICITY forbids once it is chosen.)
        const auto& co = g.co(w.loc);
        for (int p = static_cast<int>(co.size()) - 1; p >= lb; --p) {
            const EventId prev = p >= 0 ? co[static_cast<std::size_t>(p)] : EventId::init(w.loc);
            // ATOMICITY: nothing may come between an RMW and the write it reads.
            if (rc11::read_by_exclusive_placed(g, prev, EventId{})) continue;
            pos.push_back(p);
        }
    }
    if (by_check_) {
        std::erase_if(pos, [&](int p) {
            g.co_insert_after(wid, p);
            const bool ok = consistent(g);
            g.co_remove(wid);
            return !ok;
        });
    }
    if (has_sc_) {
        std::erase_if(pos, [&](int p) {
            g.co_insert_after(wid, p);
            const bool ok = forward ? rc11::psc_acyclic_adding(g, wid) : rc11::psc_acyclic(g);
            g.co_remove(wid);
            return !ok;
        });
    }
}

AddStatus OptimalExplorer::add_write(ThreadId t, Event&& e) {
    ExecutionGraph& g = graph();
    const EventId id = g.append(t, std::move(e));
    rc11::compute_msg_view(g, t, id.index, g.event(id));
    if (g.event(id).has(kRmwWrite)) {
        // Invariant: an RMW that runs never reads a write another RMW took. Moot reads are
        // only ever Moot work items (never run), and a revisit that would make one is
        // dropped in apply_revisit.
        const EventId read{id.thread, static_cast<std::uint16_t>(id.index - 1)};
        if (!g.event(read).rf.is_unresolved() && rc11::read_by_exclusive(g, g.event(read).rf, read))
            throw DriverError("internal error: an executed RMW reads a write another RMW took");
    }
    const int lb = co_lower_bound(g, g.event(id).loc, g.event(id).hb, id, id);
    co_positions(g, id, lb, true);
    const auto& pos = pos_;
    if (pos.empty()) return AddStatus::Abort;
    g.co_insert_after(id, pos[0]);
    push_revisits(id);
    if (cyc_ != nullptr) {
        // A write with no forced read in its (po ∪ rf)-prefix is justified (every read before
        // it reads a write, in a consistent graph): its value joins the value domain.
        const bool justified = std::none_of(guesses_.begin(), guesses_.end(), [&](const Guess& q) {
            return g.event(id).porf.contains(static_cast<std::uint16_t>(q.thread), q.index);
        });
        if (justified) cyc_->add_value(g.event(id).loc, g.event(id).value);
    }
    auto& work = frames_.back().work;
    const std::uint32_t stamp = g.event(id).stamp;
    for (std::size_t k = pos.size(); k-- > 1;)
        work.push_back(WorkItem{ItemKind::CoPosition, false, stamp, id, EventId{}, pos[k]});
    return check_race(id) ? AddStatus::Violation : AddStatus::Ok;
}

bool OptimalExplorer::maximal(const ExecutionGraph& g, EventId e, EventId a, const View& porf_a) const {
    const Event& ev = g.event(e);
    // Prev(e): the events added up to e, plus a's (po ∪ rf)-prefix (without a itself) — what
    // the graph holds when e is added again after the revisit.
    auto in_prev = [&](EventId x) {
        if (x.is_init()) return true;
        if (x == a) return false;
        return g.event(x).added <= ev.added || porf_a.contains(x.thread, x.index);
    };
    int from = -2;
    if (ev.is_read()) {
        // A forced read (cyclic part) has one choice, its guess: it is re-added the same.
        if (ev.rf.is_unresolved()) return true;
        if (ev.has(kSpurious)) return false;  // the non-spurious choice comes first
        // A read that was revisited reads a write added after it: it was not added
        // maximally, unless that write is in a's prefix (it is there when r is re-added).
        if (!in_prev(ev.rf)) return false;
        from = g.co_index(ev.rf);
    } else if (ev.is_write()) {
        from = g.co_index(e);
    } else {
        return true;
    }
    const auto& co = g.co(ev.loc);
    for (int i = static_cast<int>(co.size()) - 1; i > from; --i)
        if (in_prev(co[static_cast<std::size_t>(i)])) return false;
    return true;
}

bool OptimalExplorer::all_maximal(const ExecutionGraph& g, EventId r, EventId a) const {
    const View& porf_a = g.event(a).porf;
    if (!maximal(g, r, a, porf_a)) return false;
    const std::uint32_t sr = g.event(r).stamp;
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = ev.size(); i-- > 0 && ev[i].stamp > sr;) {
            const EventId x{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            if (porf_a.contains(x.thread, x.index)) break;  // the rest of the thread is kept
            if (!maximal(g, x, a, porf_a)) return false;
        }
    }
    return true;
}

void OptimalExplorer::push_revisits(EventId a) {
    const ExecutionGraph& g = graph();
    const Event& aw = g.event(a);
    auto& work = frames_.back().work;
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = aw.porf[t]; i < ev.size(); ++i) {
            const Event& r = ev[i];
            if (!r.is_read() || r.loc != aw.loc || r.rf.is_unresolved()) continue;  // a forced read keeps its guess
            const EventId rid{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            if (!all_maximal(g, rid, a)) continue;
            work.push_back(WorkItem{ItemKind::Revisit, false, aw.stamp, a, rid, -1});
            if (r.has(kWeak) && read_writes_on(r, aw.value))
                work.push_back(WorkItem{ItemKind::Revisit, true, aw.stamp, a, rid, -1});
        }
    }
}

bool OptimalExplorer::apply(const WorkItem& it) {
    ExecutionGraph& g = graph();
    if (!guesses_.empty() && it.kind != ItemKind::Fulfil) unfulfil(g);
    switch (it.kind) {
        case ItemKind::Fulfil:
            // The same graph, forced read `pos` given another write of its value (the ones
            // after it choose again).
            unfulfil(g, static_cast<std::size_t>(it.pos));
            guessed_read(g, static_cast<std::size_t>(it.pos))->rf = it.target;
            return true;
        case ItemKind::ReadFrom:
            g.cut_to_stamp(it.cut);
            set_read_from(g, it.event, it.target, it.spurious);
            // A race here is recorded (and the event marked); the run still goes on, for the
            // revisits the later writes may make.
            check_race(it.event);
            return true;
        case ItemKind::Moot: {
            // The RMW reads a write another RMW took (ATOMICITY fails), so no execution
            // follows; but its write revisits the other RMW, reaching the other order of the
            // two. Add the write part here, from the read's update, without running the model.
            g.cut_to_stamp(it.cut);
            set_read_from(g, it.event, it.target, false);
            const Event& r = g.event(it.event);
            const ThreadId t = it.event.thread;
            EventRequest req;
            req.kind = EventKind::Write;
            req.mode = r.write_mode;
            req.loc = r.loc;
            req.value = r.has(kLock) ? 1 : (*r.update)(r.value).value_or(r.value);
            req.flags = static_cast<std::uint16_t>(kRmwWrite | (r.flags & kLock));
            req.op = r.op;
            req.src = r.src;
            // The write carries the read's LKMM annotation, as the runtime gives it (one
            // annotation for both events of an RMW, Runtime::update and take_mutex). The
            // runtime only replays this write later, it never re-adds it, so a write left
            // untagged here stays untagged in every graph that extends it: kernel.hpp's
            // fully ordered RMWs (atomic_inc_not_zero: relaxed C++ orders, tagged Mb) lost
            // the [Mb & W] ; po edges of linux-kernel.cat:46 after the revisit, and
            // page_tail/V1.10 got an MP that (prop \ id) & int (cat:109) forbids.
            // An update's write part has a tag of its own (Event::write_lk: the audit's
            // dropped trailing mb); a lock's write has its read's.
            req.lk = r.has(kUpdate) ? r.write_lk : r.lk;
            req.deps = r.deps;
            Event w = make_event(g, t, req);
            const EventId wid = g.append(t, std::move(w));
            rc11::compute_msg_view(g, t, wid.index, g.event(wid));
            g.co_insert_after(wid, g.co_index(it.target));
            push_revisits(wid);
            return false;
        }
        case ItemKind::CoPosition:
            g.cut_to_stamp(it.cut);
            g.co_remove(it.event);
            g.co_insert_after(it.event, it.pos);
            return true;
        case ItemKind::Revisit: return apply_revisit(it);
    }
    return false;
}

bool OptimalExplorer::apply_revisit(const WorkItem& it) {
    ExecutionGraph& from = frames_.back().graph;
    from.cut_to_stamp(it.cut);  // the graph as it was when `a` was added
    const EventId a = it.event;
    const EventId r = it.target;
    // Keep the events added before r, r itself, and a's (po ∪ rf)-prefix.
    const std::uint32_t sr = from.event(r).stamp;
    View keep = from.event(a).porf;
    for (std::size_t t = 0; t < from.num_threads(); ++t) {
        const auto& ev = from.thread_events(static_cast<ThreadId>(t));
        std::uint16_t n = 0;
        while (n < ev.size() && ev[n].stamp < sr) ++n;
        keep[t] = std::max(keep[t], n);
    }
    keep[r.thread] = static_cast<std::uint16_t>(r.index + 1);
    // The revisited graph goes in a new frame, so that the frame's other alternatives still
    // find their graph; when this was its last one, nothing reads that graph again (the frame
    // would be popped once the new one is done), so the revisit restricts it in place and the
    // frame becomes the revisit's: the same graphs in the same order, without the copy.
    const bool in_place = frames_.back().work.empty();
    Frame nf = in_place ? Frame{} : spare_frame();
    const SpareOnExit recycle{spares_, nf};  // a dropped revisit's storage is reused too
    if (in_place)
        from.restrict_to(keep);
    else
        nf.graph.assign_restricted(from, keep);  // only the kept events are copied
    Frame& target = in_place ? frames_.back() : nf;
    ExecutionGraph& g = target.graph;
    g.co_remove(a);
    // A kept access may have raced only with an event now deleted: its race flag goes
    // unless it still races (a cut to a stamp never needs this: a race is found when its
    // later access is added, so both ends have stamps at most that one's).
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i) {
            const EventId id{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            if (ev[i].has(kRace) && !rc11::find_race(g, id)) g.event(id).flags &= static_cast<std::uint16_t>(~kRace);
        }
    }
    g.restamp(r);
    set_read_from(g, r, a, it.spurious);
    // a's coherence position must now also respect r: COHERENCE from r's prefix.
    const Event& aw = g.event(a);
    const int lb = std::max(co_lower_bound(g, aw.loc, aw.hb, a, a), co_lower_bound(g, aw.loc, g.event(r).hb, r, a));
    if (g.event(r).has(kRmwRead) && rc11::read_by_exclusive_placed(g, a, r)) return false;
    if (aw.has(kRmwWrite)) {
        // A moot RMW's write: the revisited graph must no longer hold the RMW that took the
        // same write first (ATOMICITY).
        const EventId read{a.thread, static_cast<std::uint16_t>(a.index - 1)};
        if (!g.event(read).rf.is_unresolved() && rc11::read_by_exclusive_placed(g, g.event(read).rf, read))
            return false;
    }
    co_positions(g, a, lb, false);
    const auto& pos = pos_;
    if (pos.empty()) return false;
    g.co_insert_after(a, pos[0]);
    const std::uint32_t cut = g.event(r).stamp;
    for (std::size_t k = pos.size(); k-- > 1;)
        target.work.push_back(WorkItem{ItemKind::CoPosition, false, cut, a, EventId{}, pos[k]});
    if (!in_place) frames_.push_back(std::move(nf));
    ++result_.stats.revisits;
    check_race(r);
    return true;
}

void OptimalExplorer::offer_cycle_closing(const ExecutionGraph& g) {
    // Where a cycle can close (README fact (1): its last edge to appear is an rf edge into a
    // read r of the (po ∪ rf)-prefix of the write a it reads): TruSt never revisits such a
    // read; the cyclic part runs the program again with r forced to a's value instead. From a
    // leaf that is no fulfilled step (README, "The cyclic part": reads that must be forced
    // together), each write a with a forced read in its prefix offers the guess set plus r :=
    // a's value, for each read r of a lower-numbered thread (a canonical guess set holds only
    // reads of a higher-numbered thread's write) in a's prefix at a's location, if r reading a
    // is consistent on a's prefix (a read ordered before a by ppo closes an hb cycle, cat:109;
    // this prunes almost all offers).
    // The reads r that some forced read q's would-be write w' has in its prefix: w' of q's
    // location and value, by a higher-numbered thread, with q in its prefix (a write that
    // would close q's cycle, were the graph consistent with it).
    std::vector<View> fulfilling;
    for (const Guess& q : guesses_)
        for (std::size_t u = q.thread + 1; u < g.num_threads(); ++u)
            for (const Event& w : g.thread_events(static_cast<ThreadId>(u)))
                if (w.is_write() && w.loc == q.loc && w.value == q.value &&
                    w.porf.contains(static_cast<std::uint16_t>(q.thread), q.index))
                    fulfilling.push_back(w.porf);
    for (std::size_t u = 0; u < g.num_threads(); ++u) {
        const auto& wev = g.thread_events(static_cast<ThreadId>(u));
        for (std::size_t j = 0; j < wev.size(); ++j) {
            const Event& ae = wev[j];
            if (!ae.is_write()) continue;
            if (std::none_of(guesses_.begin(), guesses_.end(), [&](const Guess& q) {
                    return ae.porf.contains(static_cast<std::uint16_t>(q.thread), q.index);
                }))
                continue;
            const EventId a{static_cast<std::uint16_t>(u), static_cast<std::uint16_t>(j)};
            for (std::size_t t = 0; t < u; ++t) {
                const auto& ev = g.thread_events(static_cast<ThreadId>(t));
                for (std::size_t i = 0; i < ae.porf[t]; ++i) {
                    const Event& r = ev[i];
                    const EventId rid{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
                    if (!r.is_read() || r.loc != ae.loc || guess_at(rid) != nullptr) continue;
                    if (std::none_of(fulfilling.begin(), fulfilling.end(),
                                     [&](const View& v) { return v.contains(rid.thread, rid.index); }))
                        continue;
                    GuessSet s = guesses_;
                    s.push_back(Guess{rid.thread, rid.index, ae.loc, ae.value});
                    std::sort(s.begin(), s.end());
                    if (cyc_->found.count(s) != 0) continue;
                    ExecutionGraph h = g;
                    h.restrict_to(ae.porf);
                    h.event(rid).rf = a;
                    if (consistent(h)) cyc_->offer(std::move(s));
                }
            }
        }
    }
}

void OptimalExplorer::offer_sites(const ExecutionGraph& g) {
    // Every read not forced and outside the forced reads' (po ∪ rf)-prefixes is a site: this
    // run's guess set plus that read, with every value of its location's domain.
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i) {
            const EventId id{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            if (!ev[i].is_read() || guess_at(id) != nullptr) continue;
            const bool before_forced = std::any_of(guesses_.begin(), guesses_.end(), [&](const Guess& q) {
                return g.event(EventId{static_cast<std::uint16_t>(q.thread), q.index}).porf.contains(id.thread, id.index);
            });
            if (!before_forced) cyc_->add_site(guesses_, Guess{id.thread, id.index, ev[i].loc, 0});
        }
    }
}

void OptimalExplorer::add_justified_values(const ExecutionGraph& g) {
    for (LocId l = 0; l < g.num_locations(); ++l) cyc_->add_value(l, g.location(l).initial);
    for_each_justified_write(g, [this](const Event& w) { cyc_->add_value(w.loc, w.value); });
}

bool OptimalExplorer::complete_graph() {
    if (cyc_ == nullptr) return true;
    ExecutionGraph& g = graph();
    if (guesses_.empty()) {
        // The porf-acyclic part: every leaf is a graph; each of its reads is a site.
        offer_sites(g);
        add_justified_values(g);
        return true;
    }
    for (std::size_t k = 0; k < guesses_.size(); ++k)
        if (guessed_read(g, k) == nullptr) return false;  // the read was never made: another guess set's run
    // Each forced read, in guess order, reads a write of its value by a higher-numbered thread
    // (a canonical guess set holds no other read): the first choice here, the others as Fulfil
    // work items (each replays this graph and chooses again after it).
    for (std::size_t k = 0; k < guesses_.size(); ++k) {
        Event* r = guessed_read(g, k);
        if (!r->rf.is_unresolved()) continue;
        std::vector<EventId> opts;
        const auto& co = g.co(r->loc);
        for (std::size_t i = co.size(); i-- > 0;) {
            const EventId w = co[i];
            if (w.thread <= guesses_[k].thread || g.write_value(w) != guesses_[k].value) continue;
            guessed_read(g, k)->rf = w;
            if (consistent(g)) opts.push_back(w);
        }
        if (opts.empty()) {
            // Reads before k keep their writes: a pending Fulfil item of one of them replays
            // this graph with only its own read changed.
            unfulfil(g, k);
            ExecutionGraph h = g;
            unfulfil(h);
            offer_cycle_closing(h);
            return false;
        }
        for (std::size_t j = opts.size(); j-- > 1;)
            frames_.back().work.push_back(WorkItem{ItemKind::Fulfil, false, 0, EventId{}, opts[j], static_cast<int>(k)});
        guessed_read(g, k)->rf = opts[0];
    }
    add_justified_values(g);
    // The guess set is minimal for this graph when each forced read is in the (po ∪ rf)-prefix
    // of the write it reads, without the forced reads' rf edges (porf views are computed when
    // an event is added, before any forced read has its write): only then is the graph a step
    // towards a larger canonical set (README, "The cyclic part"), and only then can it be
    // canonical itself.
    for (std::size_t k = 0; k < guesses_.size(); ++k) {
        const Guess& q = guesses_[k];
        if (!g.event(guessed_read(g, k)->rf).porf.contains(static_cast<std::uint16_t>(q.thread), q.index)) {
            ExecutionGraph h = g;
            unfulfil(h);
            offer_cycle_closing(h);
            return false;
        }
    }
    offer_sites(g);
    // Each cyclic graph is counted by one run: its canonical guess set's.
    if (canonical_guesses(g) != guesses_) return false;
    graph_complete_ = true;
    for (HeldViolation& v : held_) ExplorerBase::report_violation(v.kind, std::move(v.message), v.thread, v.src, nullptr);
    held_.clear();
    return true;
}

void OptimalExplorer::report_violation(ViolationKind kind, std::string message, std::optional<ThreadId> thread,
                                       SourceRef src, const Outcome* outcome) {
    // A forced value belongs to an execution only once a write of it is found consistent:
    // violations met while the threads run wait for complete_graph.
    if (!guesses_.empty() && !graph_complete_) {
        held_.push_back(HeldViolation{kind, std::move(message), thread, src});
        return;
    }
    ExplorerBase::report_violation(kind, std::move(message), thread, src, outcome);
}

bool OptimalExplorer::next_execution() {
    held_.clear();
    graph_complete_ = false;
    while (!stopping()) {
        Frame& f = frames_.back();
        if (f.work.empty()) {
            if (frames_.size() == 1) return false;
            spares_.push_back(std::move(frames_.back()));
            frames_.pop_back();
            continue;
        }
        const WorkItem it = f.work.back();
        f.work.pop_back();
        // Partitioned exploration (partition.hpp): another worker's subtree is dropped here.
        if (shard_ != nullptr) {
            std::uint64_t open = 0;
            for (const Frame& fr : frames_) open += fr.work.size();
            if (!shard_->owns(open)) continue;
        }
        if (apply(it)) return true;
    }
    return false;
}

}  // namespace

ExploreResult explore_porf_acyclic(const Program& program, const ExploreOptions& options) {
    OptimalExplorer ex(program, options, true);
    return ex.run();
}

ExploreResult explore_porf_parts(const Program& program, const ExploreOptions& options) {
    // The porf-acyclic part (TruSt by the model's check, no guess), then one run of the same
    // explorer per guess set it and the later runs offer, in the order offered, each counting
    // only the cyclic graphs whose canonical guess set is its own. Each run is a fresh
    // explorer: limits are what is left of the caller's, and execution numbers continue
    // across runs.
    const auto start = std::chrono::steady_clock::now();
    CyclicPart cyc;
    ExploreResult total;
    GuessSet guesses;
    for (;;) {
        ExploreOptions o = options;
        if (options.time_limit_seconds > 0) {
            const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            o.time_limit_seconds = std::max(options.time_limit_seconds - used, 1e-9);
        }
        if (options.max_executions != 0) o.max_executions = options.max_executions - total.stats.executions();
        OptimalExplorer ex(program, o, cyc, std::move(guesses));
        ExploreResult r = ex.run();
        const std::uint64_t before = total.stats.executions();
        total.stats.complete += r.stats.complete;
        total.stats.blocked += r.stats.blocked;
        total.stats.events += r.stats.events;
        total.stats.revisits += r.stats.revisits;
        for (auto& v : r.violations) {
            // Collecting every violation, each failure once (as ExplorerBase does in a run):
            // a later run may meet one an earlier run reported.
            const bool again = std::any_of(total.violations.begin(), total.violations.end(), [&](const Violation& u) {
                return u.kind == v.kind && u.message == v.message && u.thread == v.thread &&
                       u.src.line == v.src.line && std::string_view(u.src.file) == v.src.file;
            });
            if (again && !options.keep_violation) continue;
            v.execution += before;
            total.violations.push_back(std::move(v));
        }
        for (const auto& [out, n] : r.outcomes) total.outcomes[out] += n;
        total.flags.insert(r.flags.begin(), r.flags.end());
        if (total.limit_hit.empty() || total.limit_hit == "livelock") total.limit_hit = r.limit_hit.empty() ? total.limit_hit : r.limit_hit;
        if (total.limit_detail.empty()) total.limit_detail = r.limit_detail;
        if (!r.exhaustive) total.exhaustive = false;
        const bool stop = options.stop_at_first_violation && !r.violations.empty();
        // A livelock (the event bound cut one run) is reported and exploration goes on, as
        // in one run; every other limit stops it.
        const bool limit = (!r.limit_hit.empty() && r.limit_hit != "livelock") || !r.limit_detail.empty();
        if (stop || limit || cyc.queue.empty()) {
            if (stop && !cyc.queue.empty()) total.exhaustive = false;
            break;
        }
        if (options.max_executions != 0 && total.stats.executions() >= options.max_executions) {
            total.limit_hit = "max-executions";
            total.exhaustive = false;
            break;
        }
        guesses = std::move(cyc.queue.front());
        cyc.queue.pop_front();
    }
    total.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    settle_verdict(total);
    return total;
}

ExploreResult explore(const Program& program, const ExploreOptions& options) {
    // TruSt's revisits assume po ∪ rf acyclic; a model that allows load buffering (LKMM) is
    // explored by its own exact explorer.
    if (!memory_model(options.model).porf_acyclic()) return explore_porf_parts(program, options);
    OptimalExplorer ex(program, options);
    return ex.run();
}

}  // namespace mmcheck
