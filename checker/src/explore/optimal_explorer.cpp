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

namespace mmcheck {

namespace {

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

    ExecutionGraph& graph() override { return frames_.back().graph; }
    AddStatus add_event(ThreadId t, const EventRequest& req) override;
    [[nodiscard]] bool defers_waits() const override { return true; }

protected:
    bool next_execution() override;

private:
    enum class ItemKind : std::uint8_t { ReadFrom, Moot, CoPosition, Revisit };
    /// One pending alternative: cut the frame's graph to `cut`, then apply the choice.
    struct WorkItem {
        ItemKind kind;
        bool spurious = false;
        std::uint32_t cut = 0;
        EventId event;   // the read (ReadFrom), the write (CoPosition, Revisit)
        EventId target;  // ReadFrom: the write read; Revisit: the read revisited
        int pos = -1;    // CoPosition: insert after this co index
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

    std::vector<Frame> frames_;
    const bool by_check_;
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
    if (w.has(kRmwWrite)) {
        // ATOMICITY: an RMW's write immediately follows the write its read part reads.
        const Event& r = g.event(EventId{wid.thread, static_cast<std::uint16_t>(wid.index - 1)});
        const int p = g.co_index(r.rf);
        if (p >= lb) pos.push_back(p);
    } else {
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
        if (rc11::read_by_exclusive(g, g.event(read).rf, read))
            throw DriverError("internal error: an executed RMW reads a write another RMW took");
    }
    const int lb = co_lower_bound(g, g.event(id).loc, g.event(id).hb, id, id);
    co_positions(g, id, lb, true);
    const auto& pos = pos_;
    if (pos.empty()) return AddStatus::Abort;
    g.co_insert_after(id, pos[0]);
    push_revisits(id);
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
            if (!r.is_read() || r.loc != aw.loc) continue;
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
    switch (it.kind) {
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
            req.lk = r.lk;
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
        if (rc11::read_by_exclusive_placed(g, g.event(read).rf, read)) return false;
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

bool OptimalExplorer::next_execution() {
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

ExploreResult explore(const Program& program, const ExploreOptions& options) {
    // TruSt's revisits assume po ∪ rf acyclic; a model that allows load buffering (LKMM) is
    // explored by its own exact explorer.
    if (!memory_model(options.model).porf_acyclic()) return explore_allowing_porf_cycles(program, options);
    OptimalExplorer ex(program, options);
    return ex.run();
}

}  // namespace mmcheck
