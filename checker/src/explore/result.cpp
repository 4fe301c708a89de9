// SPDX-License-Identifier: MIT
/// \file Names of verdicts and violation kinds; building a Violation from a graph.
#include "explore/result.hpp"

#include "explore/violation_builder.hpp"

#include <algorithm>

namespace mmcheck {

const char* violation_kind_name(ViolationKind k) {
    switch (k) {
        case ViolationKind::Check: return "check";
        case ViolationKind::Race: return "race";
        case ViolationKind::Deadlock: return "deadlock";
        case ViolationKind::Stuck: return "stuck";
        case ViolationKind::Exception: return "exception";
        case ViolationKind::Livelock: return "livelock";
        case ViolationKind::UseAfterFree: return "use-after-free";
        case ViolationKind::DoubleFree: return "double-free";
        case ViolationKind::LockMisuse: return "lock-misuse";
    }
    return "?";
}

std::optional<ViolationKind> parse_violation_kind(std::string_view s) {
    for (auto k : {ViolationKind::Check, ViolationKind::Race, ViolationKind::Deadlock, ViolationKind::Stuck,
                   ViolationKind::Exception, ViolationKind::Livelock, ViolationKind::UseAfterFree,
                   ViolationKind::DoubleFree, ViolationKind::LockMisuse})
        if (s == violation_kind_name(k)) return k;
    return std::nullopt;
}

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::Safe: return "safe";
        case Verdict::Violation: return "violation";
        case Verdict::Bounded: return "bounded";
    }
    return "?";
}

void settle_verdict(ExploreResult& r) {
    bool real_violation = false;
    for (const auto& v : r.violations) real_violation = real_violation || v.kind != ViolationKind::Livelock;
    if (real_violation) {
        r.verdict = Verdict::Violation;
    } else if (!r.exhaustive || !r.violations.empty()) {
        // A limit (or the event bound, reported as a livelock) cut exploration: inconclusive.
        r.verdict = Verdict::Bounded;
        r.exhaustive = false;
    } else {
        r.verdict = Verdict::Safe;
    }
}

std::vector<EventId> linear_order(const ExecutionGraph& g) {
    std::vector<EventId> order;
    for (std::size_t t = 0; t < g.num_threads(); ++t)
        for (std::size_t i = 0; i < g.thread_size(static_cast<ThreadId>(t)); ++i)
            order.push_back(EventId{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)});
    // Stamps extend po ∪ rf (a revisited read is restamped after the write it reads), so
    // stamp order is a linearisation a reader can follow top to bottom.
    std::sort(order.begin(), order.end(),
              [&](EventId a, EventId b) { return g.event(a).stamp < g.event(b).stamp; });
    return order;
}

std::vector<Decision> decisions_of(const ExecutionGraph& g) {
    std::vector<Decision> out;
    for (EventId id : linear_order(g)) {
        const Event& e = g.event(id);
        Decision d;
        d.thread = id.thread;
        d.index = id.index;
        if (e.is_read() || e.kind == EventKind::Join) d.rf = e.rf;
        if (e.is_write()) {
            const int pos = g.co_index(id);
            d.co_after = pos <= 0 ? EventId::init(e.loc) : g.co(e.loc)[static_cast<std::size_t>(pos - 1)];
        }
        d.spurious = e.has(kSpurious);
        out.push_back(d);
    }
    return out;
}

Violation make_violation(const ExecutionGraph& g, ViolationKind kind, std::string message,
                         std::optional<ThreadId> thread, SourceRef src) {
    Violation v;
    v.kind = kind;
    v.message = std::move(message);
    v.thread = thread;
    v.src = src;
    v.graph = g;
    v.order = linear_order(g);
    v.decisions = decisions_of(g);
    if (thread && *thread < g.num_threads() && g.thread_size(*thread) > 0)
        v.event = EventId{static_cast<std::uint16_t>(*thread),
                          static_cast<std::uint16_t>(g.thread_size(*thread) - 1)};
    return v;
}

}  // namespace mmcheck
