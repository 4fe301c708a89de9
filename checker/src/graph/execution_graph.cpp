// SPDX-License-Identifier: MIT
/// \file ExecutionGraph implementation.
#include "graph/execution_graph.hpp"

#include "graph/tool_limit.hpp"

#include <algorithm>
#include <stdexcept>

namespace mmcheck {

Mode mode_from(std::memory_order mo) {
    switch (mo) {
        case std::memory_order_relaxed: return Mode::Rlx;
        case std::memory_order_consume:  // compilers promote consume to acquire; so do we
        case std::memory_order_acquire: return Mode::Acq;
        case std::memory_order_release: return Mode::Rel;
        case std::memory_order_acq_rel: return Mode::AcqRel;
        case std::memory_order_seq_cst: return Mode::SC;
    }
    return Mode::SC;
}

const char* mode_name(Mode m) {
    switch (m) {
        case Mode::NA: return "na";
        case Mode::Rlx: return "rlx";
        case Mode::Acq: return "acq";
        case Mode::Rel: return "rel";
        case Mode::AcqRel: return "acq_rel";
        case Mode::SC: return "sc";
    }
    return "?";
}

const char* kind_name(EventKind k) {
    switch (k) {
        case EventKind::Read: return "read";
        case EventKind::Write: return "write";
        case EventKind::Fence: return "fence";
        case EventKind::Spawn: return "spawn";
        case EventKind::Join: return "join";
        case EventKind::End: return "end";
    }
    return "?";
}

const char* lkmm_tag_name(LkmmTag t) {
    switch (t) {
        case LkmmTag::Derived: return "derived";
        case LkmmTag::Plain: return "plain";
        case LkmmTag::Once: return "once";
        case LkmmTag::Acquire: return "acquire";
        case LkmmTag::Release: return "release";
        case LkmmTag::Noreturn: return "noreturn";
        case LkmmTag::Mb: return "mb";
        case LkmmTag::FenceMb: return "smp_mb";
        case LkmmTag::Wmb: return "smp_wmb";
        case LkmmTag::Rmb: return "smp_rmb";
        case LkmmTag::Barrier: return "barrier";
        case LkmmTag::RcuLock: return "rcu_read_lock";
        case LkmmTag::RcuUnlock: return "rcu_read_unlock";
        case LkmmTag::SyncRcu: return "synchronize_rcu";
        case LkmmTag::BeforeAtomic: return "smp_mb__before_atomic";
        case LkmmTag::AfterAtomic: return "smp_mb__after_atomic";
        case LkmmTag::AfterSpinlock: return "smp_mb__after_spinlock";
        case LkmmTag::AfterUnlockLock: return "smp_mb__after_unlock_lock";
        case LkmmTag::AfterSrcuReadUnlock: return "smp_mb__after_srcu_read_unlock";
        case LkmmTag::SrcuLock: return "srcu_read_lock";
        case LkmmTag::SrcuUnlock: return "srcu_read_unlock";
        case LkmmTag::SyncSrcu: return "synchronize_srcu";
        case LkmmTag::NotLkmm: return "not-lkmm";
    }
    return "?";
}

LocId ExecutionGraph::add_location(LocationInfo info) {
    locations_.push_back(std::move(info));
    co_.emplace_back();
    return static_cast<LocId>(locations_.size() - 1);
}

ThreadId ExecutionGraph::add_thread(std::string name, bool spawned, EventId spawn_event) {
    ThreadInfo info{std::move(name), spawned, true, spawn_event};
    if (spawned) {
        for (std::size_t t = 0; t < threads_.size(); ++t) {
            if (!threads_[t].live) {
                threads_[t] = std::move(info);
                return static_cast<ThreadId>(t);
            }
        }
    }
    if (threads_.size() >= kMaxThreads)
        throw ToolLimitError("max-threads", "the model has more than " + std::to_string(kMaxThreads) +
                                                " threads, the most mmcheck supports (thread '" + info.name + "' is one too many)");
    threads_.push_back(std::move(info));
    events_.emplace_back();
    return static_cast<ThreadId>(threads_.size() - 1);
}

EventId ExecutionGraph::append(ThreadId t, Event&& e) {
    e.stamp = next_stamp_++;
    e.added = e.stamp;
    e.co_pos = -2;  // placed by co_insert_after
    auto& v = events_[t];
    if (v.size() >= 0xFFFF) throw std::runtime_error("too many events in one thread");
    v.push_back(std::move(e));
    return EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(v.size() - 1)};
}

std::size_t ExecutionGraph::num_events() const {
    std::size_t n = 0;
    for (const auto& v : events_) n += v.size();
    return n;
}

void ExecutionGraph::renumber_co(LocId l, std::size_t from) {
    const auto& list = co_[l];
    for (std::size_t i = from; i < list.size(); ++i) event(list[i]).co_pos = static_cast<std::int32_t>(i);
}

void ExecutionGraph::co_insert_after(EventId w, int after) {
    const LocId l = event(w).loc;
    auto& list = co_[l];
    list.insert(list.begin() + (after + 1), w);
    renumber_co(l, static_cast<std::size_t>(after + 1));
}

void ExecutionGraph::co_remove(EventId w) {
    Event& e = event(w);
    if (e.co_pos < 0) return;  // not placed
    auto& list = co_[e.loc];
    const auto p = static_cast<std::size_t>(e.co_pos);
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(p));
    e.co_pos = -2;
    renumber_co(e.loc, p);
}

void ExecutionGraph::cut_to_stamp(std::uint32_t s) {
    for (auto& v : events_) {
        // Stamps grow along po, so the events to drop are a suffix of each thread.
        while (!v.empty() && v.back().stamp > s) {
            note_dropped(v.back());
            v.pop_back();
        }
    }
    drop_dead_writes_from_co();
    free_unreferenced_threads();
}

void ExecutionGraph::restrict_to(const View& keep) {
    for (std::size_t t = 0; t < events_.size(); ++t) {
        auto& v = events_[t];
        if (v.size() <= keep[t]) continue;
        for (std::size_t i = keep[t]; i < v.size(); ++i) note_dropped(v[i]);
        v.resize(keep[t]);
    }
    drop_dead_writes_from_co();
    free_unreferenced_threads();
}

void ExecutionGraph::assign_restricted(const ExecutionGraph& src, const View& keep) {
    locations_ = src.locations_;
    threads_ = src.threads_;
    co_ = src.co_;
    next_stamp_ = src.next_stamp_;
    events_.resize(src.events_.size());
    for (std::size_t t = 0; t < events_.size(); ++t) {
        const auto& from = src.events_[t];
        const std::size_t n = std::min<std::size_t>(from.size(), keep[t]);
        events_[t].assign(from.begin(), from.begin() + static_cast<std::ptrdiff_t>(n));
        for (std::size_t i = n; i < from.size(); ++i) note_dropped(from[i]);  // co positions as in co_
    }
    drop_dead_writes_from_co();
    free_unreferenced_threads();
}

void ExecutionGraph::note_dropped(const Event& e) {
    if (!e.is_write() || e.co_pos < 0) return;  // only placed writes are in a coherence list
    auto& from = dropped_.from;
    if (from.size() < co_.size()) from.resize(co_.size(), kNoneDropped);
    if (from[e.loc] == kNoneDropped) dropped_.locations.push_back(e.loc);
    from[e.loc] = std::min(from[e.loc], e.co_pos);
}

void ExecutionGraph::drop_dead_writes_from_co() {
    // Only the locations a dropped write was placed in can hold dead writes, from the lowest
    // such position on (every truncation notes its dropped events: note_dropped).
    for (const LocId l : dropped_.locations) {
        const auto i = static_cast<std::size_t>(dropped_.from[l]);
        dropped_.from[l] = kNoneDropped;
        auto& list = co_[l];
        list.erase(std::remove_if(list.begin() + static_cast<std::ptrdiff_t>(i), list.end(),
                                  [this](EventId w) { return w.index >= events_[w.thread].size(); }),
                   list.end());
        renumber_co(l, i);
    }
    dropped_.locations.clear();
}

void ExecutionGraph::free_unreferenced_threads() {
    for (auto& th : threads_) {
        if (!th.spawned || !th.live) continue;
        if (!contains(th.spawn_event)) th.live = false;
    }
    while (!threads_.empty() && threads_.back().spawned && !threads_.back().live) {
        threads_.pop_back();
        events_.pop_back();
    }
}

std::string canonical_text(const ExecutionGraph& g) {
    std::string out;
    auto num = [&out](long long v, char sep) {
        out += std::to_string(v);
        out += sep;
    };
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        out += 'T';
        for (const Event& e : g.thread_events(static_cast<ThreadId>(t))) {
            num(static_cast<int>(e.kind), '.');
            num(static_cast<int>(e.mode), '.');
            num(e.loc, '.');
            num(e.value, '.');
            num(e.flags & (kRmwRead | kRmwWrite | kSpurious), '.');
            if (e.is_read() || e.kind == EventKind::Join) {
                num(e.rf.thread, ',');
                num(e.rf.index, ';');
            } else {
                out += ';';
            }
        }
    }
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        out += 'L';
        for (EventId w : g.co(static_cast<LocId>(l))) {
            num(w.thread, ',');
            num(w.index, ';');
        }
    }
    return out;
}

}  // namespace mmcheck
