// SPDX-License-Identifier: MIT
/// \file Shared fixtures of the report tests: a private model registry and a hand-built MP
/// counterexample graph, so the report layer is tested without running the explorer.
#pragma once

#include "explore/result.hpp"

#include <mmcheck/registry.hpp>

namespace mmcheck::test {

struct NoThreads : Model {
    void threads() override {}
};

/// A registry with one model "mp" (variants rlx, ra; parameter n in 1..4, default 2).
inline ModelRegistry make_registry() {
    ModelRegistry r;
    r.add(ModelInfo{"mp", "message passing", {{"rlx", ""}, {"ra", ""}}, {{"n", 2, 1, 4, "threads"}},
                    [] { return std::unique_ptr<Model>(new NoThreads()); }});
    return r;
}

/// MP with relaxed accesses in its weak execution: P1 sees the flag (#2) but reads data from
/// init although #1 wrote data earlier in the order (a stale read).
inline Violation mp_violation() {
    ExecutionGraph g;
    g.add_location({"data", LocKind::Atomic, {}, 0});
    g.add_location({"flag", LocKind::Atomic, {}, 0});
    g.add_thread("P0", false, {});
    g.add_thread("P1", false, {});
    Event w;
    w.kind = EventKind::Write;
    w.value = 1;
    w.op = "store";
    w.src = {"/src/models/litmus/classic.cpp", 10};
    w.loc = 0;
    const EventId a = g.append(0, w);
    g.co_insert_after(a, -1);
    w.loc = 1;
    w.src.line = 11;
    const EventId b = g.append(0, w);
    g.co_insert_after(b, -1);
    Event r;
    r.kind = EventKind::Read;
    r.op = "load";
    r.src = {"/src/models/litmus/classic.cpp", 14};
    r.loc = 1;
    r.value = 1;
    r.rf = b;
    g.append(1, r);
    r.loc = 0;
    r.value = 0;
    r.rf = EventId::init(0);
    r.src.line = 15;
    r.label = "[R2] read data";
    g.append(1, r);

    Violation v;
    v.kind = ViolationKind::Check;
    v.message = "mp weak outcome";
    v.graph = g;
    v.src = {"/src/models/litmus/classic.cpp", 20};
    v.outcome = {{"1:r0", 1}, {"1:r1", 0}};
    v.execution = 3;
    v.decisions = {{0, 0, std::nullopt, EventId::init(0), false},
                   {0, 1, std::nullopt, EventId::init(1), false},
                   {1, 0, EventId{0, 1}, std::nullopt, false},
                   {1, 1, EventId::init(0), std::nullopt, false}};
    return v;
}

}  // namespace mmcheck::test
