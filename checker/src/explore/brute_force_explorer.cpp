// SPDX-License-Identifier: MIT
/// \file The brute-force reference explorer and replay.
///
/// Brute force: one decision vector (loom's idea: the DFS stack is the list of choices made
/// and how many there were) over three kinds of choice — which thread adds the next event,
/// which write (of all writes to the location so far) a read reads, and where (of all
/// positions) a write goes in coherence order. After every event the whole graph goes through
/// the reference RC11 checker, which prunes inconsistent prefixes (consistency is
/// prefix-closed). Every consistent graph arises from some order of adding events, since po ∪
/// rf is acyclic; each distinct graph is counted once by its canonical text.
///
/// Replay: the same runtime driven by a recorded decision sequence.
#include "explore/explorer.hpp"

#include "explore/explorer_base.hpp"
#include "model/rc11.hpp"
#include "model/rc11_reference.hpp"

#include <unordered_set>

namespace mmcheck {

namespace {

class BruteForceExplorer final : public ExplorerBase {
public:
    using ExplorerBase::ExplorerBase;
    ExecutionGraph& graph() override { return graph_; }
    [[nodiscard]] bool picks_threads() const override { return true; }
    std::optional<ThreadId> pick_thread(const std::vector<ThreadId>& ready) override {
        return ready[choose(ready.size())];
    }
    AddStatus add_event(ThreadId t, const EventRequest& req) override;

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

    ExecutionGraph graph_;
    std::vector<std::pair<std::size_t, std::size_t>> path_;  // (choice, number of choices)
    std::size_t pos_ = 0;
    std::size_t replay_len_ = 0;  // choices of this run that replay the previous path
    std::unordered_set<std::string> seen_;
    /// Hashes of partial graphs already expanded: many schedules reach the same partial graph,
    /// and the state of a run is its graph (thread-local state is a function of the values
    /// read), so each is expanded once. This keeps brute force usable at ~24 events.
    std::unordered_set<std::size_t> expanded_;
};

AddStatus BruteForceExplorer::add_event(ThreadId t, const EventRequest& req) {
    ExecutionGraph& g = graph_;
    Event e = make_event(g, t, req);
    const std::uint16_t idx = static_cast<std::uint16_t>(g.thread_size(t));
    switch (req.kind) {
        case EventKind::Read: {
            const EventId id = g.append(t, std::move(e));
            std::vector<std::pair<EventId, bool>> opts;
            auto consider = [&](EventId w) {
                opts.emplace_back(w, false);
                if (g.event(id).has(kWeak) && read_writes_on(g.event(id), g.write_value(w))) opts.emplace_back(w, true);
            };
            consider(EventId::init(req.loc));
            for (EventId w : g.co(req.loc)) consider(w);
            const auto& o = opts[choose(opts.size())];
            set_read_from(g, id, o.first, o.second);
            break;
        }
        case EventKind::Write: {
            const EventId id = g.append(t, std::move(e));
            rc11::compute_msg_view(g, t, idx, g.event(id));
            const std::size_t n = g.co(req.loc).size();
            g.co_insert_after(id, static_cast<int>(choose(n + 1)) - 1);
            break;
        }
        default: append_choiceless(g, t, req, e); break;
    }
    if (model_.check(g)) return AddStatus::Abort;
    // Only a graph reached through a new choice is new territory: the replayed part of the
    // path rebuilds graphs expanded before.
    if (pos_ >= replay_len_ && !expanded_.insert(std::hash<std::string>{}(canonical_text(g))).second)
        return AddStatus::Abort;
    const EventId id{static_cast<std::uint16_t>(t), idx};
    return check_race(id) ? AddStatus::Violation : AddStatus::Ok;
}

bool BruteForceExplorer::next_execution() {
    while (!path_.empty() && path_.back().first + 1 >= path_.back().second) path_.pop_back();
    if (path_.empty()) return false;
    ++path_.back().first;
    pos_ = 0;
    replay_len_ = path_.size();
    // Every run starts from scratch: the path replays the earlier choices.
    ExecutionGraph fresh;
    for (std::size_t l = 0; l < graph_.num_locations(); ++l) fresh.add_location(graph_.location(static_cast<LocId>(l)));
    for (std::size_t t = 0; t < graph_.num_threads(); ++t)
        if (!graph_.thread(static_cast<ThreadId>(t)).spawned) fresh.add_thread(graph_.thread(static_cast<ThreadId>(t)).name, false, EventId{});
    graph_ = std::move(fresh);
    return true;
}

/// Runs the one execution a decision sequence describes.
class ReplayExplorer final : public ExplorerBase {
public:
    ReplayExplorer(const Program& p, const ExploreOptions& o, const std::vector<Decision>& d)
        : ExplorerBase(p, o), decisions_(d) {}
    ExecutionGraph& graph() override { return graph_; }
    [[nodiscard]] bool picks_threads() const override { return true; }
    std::optional<ThreadId> pick_thread(const std::vector<ThreadId>& ready) override {
        if (next_ >= decisions_.size()) return std::nullopt;
        const ThreadId t = decisions_[next_].thread;
        if (std::find(ready.begin(), ready.end(), t) == ready.end())
            throw ReplayError("replay: step " + std::to_string(next_ + 1) + " expects an event of thread " +
                              std::to_string(t) + ", which cannot run now");
        return t;
    }
    AddStatus add_event(ThreadId t, const EventRequest& req) override;

protected:
    bool next_execution() override { return false; }

private:
    const std::vector<Decision>& decisions_;
    std::size_t next_ = 0;
    ExecutionGraph graph_;
};

AddStatus ReplayExplorer::add_event(ThreadId t, const EventRequest& req) {
    ExecutionGraph& g = graph_;
    const std::uint16_t idx = static_cast<std::uint16_t>(g.thread_size(t));
    // An RMW's write part is added with its read, without a step of its own being picked.
    const bool rmw_write = (req.flags & kRmwWrite) != 0;
    if (next_ >= decisions_.size())
        throw ReplayError("replay: the model adds more events than the trace records");
    const Decision& d = decisions_[next_];
    if (d.thread != t || d.index != idx)
        throw ReplayError("replay: step " + std::to_string(next_ + 1) + " records event " + std::to_string(d.thread) +
                          ":" + std::to_string(d.index) + " but the model produced " + std::to_string(t) + ":" +
                          std::to_string(idx) + (rmw_write ? " (an RMW write)" : ""));
    ++next_;
    Event e = make_event(g, t, req);
    auto known_write = [&](EventId w, LocId loc) {
        if (w.is_init()) return w.index == loc;
        return g.contains(w) && g.event(w).is_write() && g.event(w).loc == loc;
    };
    switch (req.kind) {
        case EventKind::Read: {
            if (!d.rf || !known_write(*d.rf, req.loc))
                throw ReplayError("replay: step " + std::to_string(next_) + " reads from an event the model no longer has");
            const EventId id = g.append(t, std::move(e));
            set_read_from(g, id, *d.rf, d.spurious);
            break;
        }
        case EventKind::Write: {
            const EventId id = g.append(t, std::move(e));
            rc11::compute_msg_view(g, t, idx, g.event(id));
            if (!d.co_after || !known_write(*d.co_after, req.loc))
                throw ReplayError("replay: step " + std::to_string(next_) + " follows a write the model no longer has");
            g.co_insert_after(id, g.co_index(*d.co_after));
            break;
        }
        default: append_choiceless(g, t, req, e); break;
    }
    if (auto bad = model_.check(g))
        throw ReplayError(std::string("replay: the recorded execution is not ") +
                          memory_model_title(model_.kind()) +
                          "-consistent for this model (" + *bad + ")");
    if (check_race(EventId{static_cast<std::uint16_t>(t), idx})) return AddStatus::Violation;
    return AddStatus::Ok;
}

}  // namespace

ExploreResult explore_brute_force(const Program& program, const ExploreOptions& options) {
    // Interleavings only build po ∪ rf-acyclic graphs: under a model with load buffering the
    // reference enumerates values instead.
    if (!memory_model(options.model).porf_acyclic()) return explore_value_guessing(program, options);
    BruteForceExplorer ex(program, options);
    return ex.run();
}

ExploreResult replay(const Program& program, const std::vector<Decision>& decisions, const ExploreOptions& options) {
    ExploreOptions o = options;
    o.stop_at_first_violation = true;
    ReplayExplorer ex(program, o, decisions);
    return ex.run();
}

}  // namespace mmcheck
