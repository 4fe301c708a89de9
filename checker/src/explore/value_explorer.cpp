// SPDX-License-Identifier: MIT
/// \file The value-guessing explorer: exact exploration for memory models that allow po ∪ rf
/// cycles (LKMM's load buffering, where a read may read from a write po-after a read that
/// reads from ...).
///
/// A thread's events are a function of the values its reads return, so a run need not know
/// where a read reads from, only its value:
///  * threads run one after the other (the runtime's default order); a new read takes a
///    value from the location's value domain (a decision); a write is only appended;
///  * once every thread has finished, blocked or stopped (Driver::complete_graph), each read
///    picks a write of its location with the value it took (rf), and each write a place in
///    its location's coherence order (co); after every choice the model's whole-graph check
///    runs on the partial graph, which prunes (every LKMM axiom only grows with rf and co);
///  * decisions form one path (loom's DFS: the choice made and how many there were), so each
///    leaf is one graph, distinct leaves are distinct graphs (a graph fixes every value, rf
///    and co choice), and each consistent graph is counted once.
///
/// The value domain of a location starts as its initial value. One full exploration with
/// domain D gives the values written by justified writes (note_justified: writes whose
/// po-earlier reads read, consistently so far, the initial value or justified writes), D';
/// exploration repeats with D' until it no longer grows (a graph found in an earlier round is
/// found again and counted once). A domain still growing after kMaxRounds rounds ends
/// exploration as not exhaustive ("value-domain").
///
/// Violations found while threads run (a failed check()) are held back until the graph is
/// complete and consistent: a guessed value may belong to no consistent execution.
#include "explore/explorer.hpp"

#include "explore/explorer_base.hpp"
#include "explore/violation_builder.hpp"
#include "model/rc11.hpp"

#include <set>
#include <unordered_set>

namespace mmcheck {

namespace {

class ValueExplorer final : public ExplorerBase {
public:
    ValueExplorer(const Program& p, const ExploreOptions& o) : ExplorerBase(p, o) {}
    ExecutionGraph& graph() override { return graph_; }
    AddStatus add_event(ThreadId t, const EventRequest& req) override;
    bool complete_graph() override;
    void report_violation(ViolationKind kind, std::string message, std::optional<ThreadId> thread, SourceRef src,
                          const Outcome* outcome) override;

protected:
    bool next_execution() override;
    bool accept_execution(RunStatus) override { return seen_.insert(canonical_text(graph_)).second; }

private:
    std::size_t choose(std::size_t n) {
        if (pos_ < path_.size()) return path_[pos_++].first;
        path_.emplace_back(0, n);
        ++pos_;
        return 0;
    }
    [[nodiscard]] bool consistent() const { return !model_.check(graph_).has_value(); }
    bool note_justified(bool ok);
    void reset_graph();

    struct Pending {
        ViolationKind kind;
        std::string message;
        std::optional<ThreadId> thread;
        SourceRef src;
    };

    ExecutionGraph graph_;
    std::vector<std::pair<std::size_t, std::size_t>> path_;
    std::size_t pos_ = 0;
    std::unordered_set<std::string> seen_;
    std::vector<std::set<std::int64_t>> domain_;  ///< per location: values a read may take
    std::vector<std::set<std::int64_t>> found_;   ///< values written in consistent graphs
    std::vector<Pending> pending_;                ///< violations of the run, not yet confirmed
    bool graph_complete_ = false;                 ///< complete_graph() succeeded for this run
    /// Rounds of value-domain growth. A graph found in one round is found again in every
    /// later one (its values stay in the domain); seen_ keeps it counted once.
    int rounds_ = 0;
    static constexpr int kMaxRounds = 8;
};

void ValueExplorer::reset_graph() {
    ExecutionGraph fresh;
    for (std::size_t l = 0; l < graph_.num_locations(); ++l) fresh.add_location(graph_.location(static_cast<LocId>(l)));
    for (std::size_t t = 0; t < graph_.num_threads(); ++t)
        if (!graph_.thread(static_cast<ThreadId>(t)).spawned)
            fresh.add_thread(graph_.thread(static_cast<ThreadId>(t)).name, false, EventId{});
    graph_ = std::move(fresh);
}

AddStatus ValueExplorer::add_event(ThreadId t, const EventRequest& req) {
    ExecutionGraph& g = graph_;
    Event e = make_event(g, t, req);
    switch (req.kind) {
        case EventKind::Read: {
            if (domain_.size() < g.num_locations()) {
                domain_.resize(g.num_locations());
                found_.resize(g.num_locations());
            }
            auto& dom = domain_[req.loc];
            dom.insert(g.location(req.loc).initial);
            std::vector<std::pair<std::int64_t, bool>> opts;
            for (std::int64_t v : dom) {
                opts.emplace_back(v, false);
                if (e.has(kWeak) && read_writes_on(e, v)) opts.emplace_back(v, true);
            }
            const auto [v, spurious] = opts[choose(opts.size())];
            const EventId id = g.append(t, std::move(e));
            Event& r = g.event(id);
            // As set_read_from, with the value alone: the write it reads is chosen at the end.
            r.rf = EventId::unresolved();
            r.value = v;
            r.flags &= static_cast<std::uint16_t>(~(kRmwRead | kSpurious | kBlocked | kRace));
            const bool conditional = r.has(kUpdate) || r.has(kLock);
            const bool writes = !spurious && read_writes_on(r, v);
            if (writes) r.flags |= kRmwRead;
            if (spurious) r.flags |= kSpurious;
            if (conditional) r.mode = writes ? r.succ_mode : r.fail_mode;
            return AddStatus::Ok;
        }
        case EventKind::Write: {
            e.msg = View{};
            g.append(t, std::move(e));
            return AddStatus::Ok;
        }
        default: append_choiceless(g, t, req, e); return AddStatus::Ok;
    }
}

bool ValueExplorer::complete_graph() {
    ExecutionGraph& g = graph_;
    if (found_.size() < g.num_locations()) found_.resize(g.num_locations());

    // rf: per read, a write of its location with the value it took.
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i) {
            if (!ev[i].is_read()) continue;
            const EventId rid{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            const LocId loc = ev[i].loc;
            const std::int64_t v = ev[i].value;
            std::vector<EventId> cands;
            if (g.location(loc).initial == v) cands.push_back(EventId::init(loc));
            for (std::size_t u = 0; u < g.num_threads(); ++u) {
                const auto& wu = g.thread_events(static_cast<ThreadId>(u));
                for (std::size_t j = 0; j < wu.size(); ++j)
                    if (wu[j].is_write() && wu[j].loc == loc && wu[j].value == v)
                        cands.push_back(EventId{static_cast<std::uint16_t>(u), static_cast<std::uint16_t>(j)});
            }
            if (cands.empty()) return note_justified(false);  // no write gives that value
            g.event(rid).rf = cands[choose(cands.size())];
            if (!consistent()) {
                g.event(rid).rf = EventId::unresolved();
                return note_justified(false);
            }
        }
    }
    note_justified(true);
    // co: each write in turn takes a place among the writes of its location placed so far.
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        const auto& ev = g.thread_events(static_cast<ThreadId>(t));
        for (std::size_t i = 0; i < ev.size(); ++i) {
            if (!ev[i].is_write()) continue;
            const EventId wid{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
            const std::size_t n = g.co(ev[i].loc).size();
            g.co_insert_after(wid, static_cast<int>(choose(n + 1)) - 1);
            if (!consistent()) return false;
        }
    }
    // The graph is complete and consistent: the violations its threads met are real.
    graph_complete_ = true;
    for (Pending& p : pending_) ExplorerBase::report_violation(p.kind, std::move(p.message), p.thread, p.src, nullptr);
    pending_.clear();
    return true;
}

bool ValueExplorer::note_justified(bool ok) {
    // A justified write's value joins the next round's domain. A value that only justifies
    // itself (out of thin air) never does, and a computed value read back (r = x; x = r + 1)
    // stops growing once no consistent partial graph writes it.
    for_each_justified_write(graph_, [this](const Event& w) { found_[w.loc].insert(w.value); });
    return ok;
}

void ValueExplorer::report_violation(ViolationKind kind, std::string message, std::optional<ThreadId> thread,
                                     SourceRef src, const Outcome* outcome) {
    // While threads run, the values read are guesses: hold the violation until the graph is
    // known to be consistent. Violations of complete executions (final(), the model's flags,
    // stuck or deadlocked threads) come after complete_graph() and are real.
    if (!graph_complete_) {
        pending_.push_back(Pending{kind, std::move(message), thread, src});
        return;
    }
    ExplorerBase::report_violation(kind, std::move(message), thread, src, outcome);
}

bool ValueExplorer::next_execution() {
    pending_.clear();
    graph_complete_ = false;
    while (!path_.empty() && path_.back().first + 1 >= path_.back().second) path_.pop_back();
    if (path_.empty()) {
        // One round is over: repeat with the values consistent graphs wrote, until the
        // domain no longer grows; only the last round counts.
        bool grew = false;
        if (domain_.size() < found_.size()) domain_.resize(found_.size());
        for (std::size_t l = 0; l < found_.size(); ++l) {
            for (std::int64_t v : found_[l]) grew = domain_[l].insert(v).second || grew;
            found_[l].clear();
        }
        if (!grew) return false;
        if (++rounds_ >= kMaxRounds) {
            // Values keep growing (a computed value read back, as in r = x; x = r + 1): the
            // domain has no fixpoint in reach, so exploration is not exhaustive.
            result_.limit_hit = "value-domain";
            result_.exhaustive = false;
            return false;
        }
    } else {
        ++path_.back().first;
    }
    pos_ = 0;
    reset_graph();
    return true;
}

}  // namespace

ExploreResult explore_value_guessing(const Program& program, const ExploreOptions& options) {
    ValueExplorer ex(program, options);
    return ex.run();
}

}  // namespace mmcheck
