// SPDX-License-Identifier: MIT
/// \file ExecutionGraph: the events of one (partial) execution with program order (per-thread
/// vectors), reads-from (Event::rf) and coherence order (one list of writes per location).
/// Restriction to a prefix is a per-thread truncation, which is what backtracking and
/// TruSt's backward revisits need.
#pragma once

#include "graph/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mmcheck {

/// A shared location as declared by the model.
struct LocationInfo {
    std::string name;
    LocKind kind = LocKind::Atomic;
    ValueType type;
    std::int64_t initial = 0;
};

/// A thread of the graph.
struct ThreadInfo {
    std::string name;
    bool spawned = false;   ///< created by a Spawn event rather than declared by the model
    bool live = true;       ///< false for a free slot (its spawn event was removed)
    EventId spawn_event;    ///< for spawned threads
};

class ExecutionGraph {
public:
    // ---- locations ----
    LocId add_location(LocationInfo info);
    [[nodiscard]] std::size_t num_locations() const { return locations_.size(); }
    [[nodiscard]] const LocationInfo& location(LocId l) const { return locations_[l]; }

    // ---- threads ----
    /// Adds a declared thread, or a spawned one in the lowest free slot; returns its id.
    ThreadId add_thread(std::string name, bool spawned, EventId spawn_event);
    [[nodiscard]] std::size_t num_threads() const { return threads_.size(); }
    [[nodiscard]] const ThreadInfo& thread(ThreadId t) const { return threads_[t]; }
    [[nodiscard]] std::size_t thread_size(ThreadId t) const { return events_[t].size(); }
    [[nodiscard]] const std::vector<Event>& thread_events(ThreadId t) const { return events_[t]; }

    // ---- events ----
    [[nodiscard]] const Event& event(EventId e) const { return events_[e.thread][e.index]; }
    Event& event(EventId e) { return events_[e.thread][e.index]; }
    [[nodiscard]] bool contains(EventId e) const {
        return e.is_init() || (e.thread < events_.size() && e.index < events_[e.thread].size());
    }
    /// Appends `e` to thread `t` with the next stamp; returns its id. Does not touch co.
    /// (By rvalue: an event moved through by value cost a move and a destructor per event.)
    EventId append(ThreadId t, Event&& e);
    EventId append(ThreadId t, const Event& e) { return append(t, Event(e)); }
    [[nodiscard]] std::size_t num_events() const;
    [[nodiscard]] std::uint32_t next_stamp() const { return next_stamp_; }
    /// Gives `e` the next stamp (a revisited read becomes the newest event).
    void restamp(EventId e) { event(e).stamp = next_stamp_++; }

    /// Value written by `w` (an initial write gives the location's initial value).
    [[nodiscard]] std::int64_t write_value(EventId w) const {
        return w.is_init() ? locations_[w.index].initial : event(w).value;
    }
    /// Location of a read or write (initial writes included).
    [[nodiscard]] LocId loc_of(EventId e) const { return e.is_init() ? e.index : event(e).loc; }
    /// Stamp of an event; initial writes come before everything.
    [[nodiscard]] std::uint32_t stamp_of(EventId e) const { return e.is_init() ? 0 : event(e).stamp; }

    // ---- coherence order ----
    /// Writes to `l` in coherence order, after the (implicit, first) initial write.
    [[nodiscard]] const std::vector<EventId>& co(LocId l) const { return co_[l]; }
    /// Position of `w` in co(l): -1 for the initial write, -2 for a write not placed yet.
    /// O(1): each placed write keeps its position (Event::co_pos).
    [[nodiscard]] int co_index(EventId w) const { return w.is_init() ? -1 : event(w).co_pos; }
    /// Inserts `w` so that it follows co position `after` (-1: right after the initial write).
    void co_insert_after(EventId w, int after);
    void co_remove(EventId w);
    /// Value of the co-last write to `l`: the final value once all threads finished.
    [[nodiscard]] std::int64_t final_value(LocId l) const {
        return co_[l].empty() ? locations_[l].initial : event(co_[l].back()).value;
    }

    // ---- restriction ----
    /// Keeps the events with stamp <= s (a porf-closed prefix, since stamps extend po ∪ rf).
    void cut_to_stamp(std::uint32_t s);
    /// Keeps, per thread, the first keep[t] events.
    void restrict_to(const View& keep);
    /// Becomes `src` restricted to `keep` (src = *this; restrict_to(keep), without copying the
    /// events it would drop): a backward revisit deletes a good part of the graph, and
    /// copying those events was 8 % of mutex-N4-K3's CPU. Reuses this graph's storage.
    void assign_restricted(const ExecutionGraph& src, const View& keep);

private:
    /// Records that a truncation drops `e`: a placed write leaves its coherence list in
    /// drop_dead_writes_from_co.
    void note_dropped(const Event& e);
    void drop_dead_writes_from_co();
    /// Re-numbers Event::co_pos of co(l) from position `from` on.
    void renumber_co(LocId l, std::size_t from);
    void free_unreferenced_threads();

    std::vector<LocationInfo> locations_;
    std::vector<ThreadInfo> threads_;
    std::vector<std::vector<Event>> events_;
    std::vector<std::vector<EventId>> co_;
    std::uint32_t next_stamp_ = 1;  // 0 is the initial writes'

    /// Per location, the lowest coherence position a truncation in progress drops (or
    /// kNoneDropped), and the locations it touched: drop_dead_writes_from_co then visits only
    /// those lists from there, instead of every list of every location on every cut (6 % of
    /// mutex-N4-K2's instructions). Scratch, all kNoneDropped between truncations: a graph copy
    /// does not copy it (a move takes it along).
    static constexpr std::int32_t kNoneDropped = INT32_MAX;
    struct DroppedWrites {
        std::vector<std::int32_t> from;
        std::vector<LocId> locations;
        DroppedWrites() = default;
        DroppedWrites(const DroppedWrites&) {}
        DroppedWrites& operator=(const DroppedWrites&) { return *this; }
        DroppedWrites(DroppedWrites&&) noexcept = default;  // a moved graph keeps its storage
        DroppedWrites& operator=(DroppedWrites&&) noexcept = default;
        ~DroppedWrites() = default;
    } dropped_;
};

/// A canonical text of a graph: per thread its events (kind, order, location, value, rf), then
/// coherence per location. Two graphs are the same execution iff their texts are equal (stamps
/// and labels do not count).
std::string canonical_text(const ExecutionGraph& g);

}  // namespace mmcheck
