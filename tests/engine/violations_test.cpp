// SPDX-License-Identifier: MIT
/// \file Each kind of violation is reported with its kind and a graph that shows it; blocked
/// executions, spawn/join, weak CAS, replay and limits behave as documented.
#include "explore/explorer.hpp"
#include "model/rc11_reference.hpp"

#include <mmcheck/model.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace mmcheck;

namespace {

template <class M>
Program program_of(std::string variant = "default") {
    Program p;
    p.variant = std::move(variant);
    p.make = [] { return std::unique_ptr<Model>(new M()); };
    return p;
}

ExploreOptions all_violations() {
    ExploreOptions o;
    o.stop_at_first_violation = false;
    return o;
}

/// Counts events of `g` satisfying `pred`.
template <class Pred>
std::size_t count_events(const ExecutionGraph& g, Pred pred) {
    std::size_t n = 0;
    for (std::size_t t = 0; t < g.num_threads(); ++t)
        for (const Event& e : g.thread_events(static_cast<ThreadId>(t))) n += pred(e) ? 1 : 0;
    return n;
}

// Two threads increment a plain counter without synchronisation.
struct RacyCounter : Model {
    var<int> counter{"counter", 0};
    void threads() override {
        thread("A", [this] { counter = counter + 1; });
        thread("B", [this] { counter = counter + 1; });
    }
};

// The same with a mutex: no race, and the final value is always 2.
struct LockedCounter : Model {
    var<int> counter{"counter", 0};
    mutex m{"m"};
    void threads() override {
        for (const char* name : {"A", "B"})
            thread(name, [this] {
                m.lock();
                counter = counter + 1;
                m.unlock();
            });
    }
    void final() override {
        observe("counter", counter);
        check(counter == 2, "no lost update");
    }
};

// Lock order inversion.
struct AbBa : Model {
    mutex a{"a"}, b{"b"};
    void threads() override {
        thread("P0", [this] { a.lock(); b.lock(); b.unlock(); a.unlock(); });
        thread("P1", [this] { b.lock(); a.lock(); a.unlock(); b.unlock(); });
    }
};

// A waiter whose flag is never set when the setter is disabled.
struct Waiter : Model {
    atomic<int> flag{"flag", 0};
    void threads() override {
        thread("waiter", [this] { flag.await([](int v) { return v == 1; }, acquire); });
        thread("setter", [this] {
            if (!variant_is("never")) flag.store(1, release);
        });
    }
};

struct Thrower : Model {
    atomic<int> x{"x", 0};
    void threads() override {
        thread("T", [this] {
            if (x.load(relaxed) == 0) throw std::runtime_error("boom");
        });
    }
};

struct Spinner : Model {
    atomic<int> x{"x", 0};
    void threads() override {
        thread("spin", [this] {
            while (x.load(relaxed) == 0) {
            }
        });
    }
};

struct SpawnJoin : Model {
    var<int> data{"data", 0};
    int seen = -1;
    void threads() override {
        thread("parent", [this] {
            auto child = spawn("child", [this] { data = 42; });
            join(child);
            seen = data;  // ordered by join: no race
        });
    }
    void final() override { observe("seen", seen); }
};

struct WeakCas : Model {
    atomic<int> x{"x", 0};
    int ok = -1;
    void threads() override {
        thread("T", [this] {
            int expected = 0;
            ok = x.compare_exchange_weak(expected, 1, relaxed, relaxed) ? 1 : 0;
        });
    }
    void final() override {
        observe("ok", ok);
        observe("x", x.load());
    }
};

struct MpRelaxed : Model {
    atomic<int> data{"data", 0}, flag{"flag", 0};
    int r0 = 0, r1 = 0;
    void threads() override {
        thread("writer", [this] {
            label("[W1] write data");
            data.store(1, relaxed);
            label("[W2] set flag");
            flag.store(1, relaxed);
        });
        thread("reader", [this] {
            r0 = flag.load(relaxed);
            r1 = data.load(relaxed);
        });
    }
    void final() override {
        observe("r0", r0);
        observe("r1", r1);
        check(!(r0 == 1 && r1 == 0), "message passed");
    }
};

}  // namespace

TEST_CASE("A data race on a plain location is reported with both accesses", "[core][violations]") {
    const ExploreResult r = explore(program_of<RacyCounter>(), ExploreOptions{});
    REQUIRE(r.verdict == Verdict::Violation);
    REQUIRE(r.violations.size() == 1);
    const Violation& v = r.violations[0];
    CHECK(v.kind == ViolationKind::Race);
    REQUIRE(v.event.has_value());
    REQUIRE(v.other.has_value());
    CHECK(v.event->thread != v.other->thread);
    const Event& a = v.graph.event(*v.event);
    const Event& b = v.graph.event(*v.other);
    CHECK(a.loc == b.loc);
    CHECK((a.is_write() || b.is_write()));
    CHECK(!a.hb.contains(v.other->thread, v.other->index));  // not ordered by happens-before
}

TEST_CASE("A mutex orders the critical sections, so there is no race and no lost update", "[core][violations]") {
    const ExploreResult r = explore(program_of<LockedCounter>(), all_violations());
    CHECK(r.verdict == Verdict::Safe);
    CHECK(r.stats.complete == 2);  // A first or B first
    REQUIRE(r.outcomes.size() == 1);
    CHECK(r.outcomes.begin()->first == Outcome{{"counter", 2}});
}

TEST_CASE("Lock order inversion is reported as a deadlock with both threads waiting", "[core][violations]") {
    const ExploreResult r = explore(program_of<AbBa>(), all_violations());
    CHECK(r.verdict == Verdict::Violation);
    CHECK(r.stats.complete == 2);  // one thread takes both mutexes first
    REQUIRE(!r.violations.empty());
    const Violation& v = r.violations[0];
    CHECK(v.kind == ViolationKind::Deadlock);
    // The graph shows both first locks taken and both second lock attempts blocked.
    CHECK(count_events(v.graph, [](const Event& e) { return e.has(kLock) && e.has(kBlocked); }) == 2);
    CHECK(count_events(v.graph, [](const Event& e) { return e.has(kLock) && e.has(kRmwRead); }) == 2);
}

TEST_CASE("A wait that can never be satisfied is reported as stuck", "[core][violations]") {
    const ExploreResult never = explore(program_of<Waiter>("never"), all_violations());
    CHECK(never.verdict == Verdict::Violation);
    REQUIRE(never.violations.size() == 1);
    CHECK(never.violations[0].kind == ViolationKind::Stuck);
    REQUIRE(never.violations[0].event.has_value());
    CHECK(never.violations[0].graph.event(*never.violations[0].event).value == 0);

    // With the setter, the waiter sees the flag (complete). Reading the stale 0 is no
    // execution at all (issue 14): a real spin would read again and see the flag, and the
    // read of the new value is the execution explored.
    const ExploreResult ok = explore(program_of<Waiter>(), all_violations());
    CHECK(ok.verdict == Verdict::Safe);
    CHECK(ok.stats.complete == 1);
    CHECK(ok.stats.blocked == 0);
}

TEST_CASE("An exception thrown by model code is a violation of its own kind", "[core][violations]") {
    const ExploreResult r = explore(program_of<Thrower>(), ExploreOptions{});
    CHECK(r.verdict == Verdict::Violation);
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].kind == ViolationKind::Exception);
    CHECK(r.violations[0].message.find("boom") != std::string::npos);
}

TEST_CASE("A thread that spins past its event bound makes the run bounded, never safe", "[core][violations]") {
    ExploreOptions o;
    o.max_events_per_thread = 50;
    const ExploreResult r = explore(program_of<Spinner>(), o);
    CHECK(r.verdict == Verdict::Bounded);
    CHECK_FALSE(r.exhaustive);
    CHECK(r.limit_hit == "livelock");
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].kind == ViolationKind::Livelock);
}

TEST_CASE("A failed check carries the whole graph, an order consistent with po and rf, and its outcome", "[core][violations]") {
    const ExploreResult r = explore(program_of<MpRelaxed>(), ExploreOptions{});
    REQUIRE(r.verdict == Verdict::Violation);
    const Violation& v = r.violations[0];
    CHECK(v.kind == ViolationKind::Check);
    CHECK(v.message == "message passed");
    CHECK(v.outcome == Outcome{{"r0", 1}, {"r1", 0}});
    CHECK_FALSE(rc11::reference_check(v.graph).has_value());
    REQUIRE(v.order.size() == v.graph.num_events());
    // Every event comes after its po-predecessor and after the write it reads.
    for (std::size_t i = 0; i < v.order.size(); ++i) {
        const EventId e = v.order[i];
        auto pos = [&](EventId x) {
            return static_cast<std::size_t>(std::find(v.order.begin(), v.order.end(), x) - v.order.begin());
        };
        if (e.index > 0) CHECK(pos(EventId{e.thread, static_cast<std::uint16_t>(e.index - 1)}) < i);
        const Event& ev = v.graph.event(e);
        if (ev.is_read() && !ev.rf.is_init()) CHECK(pos(ev.rf) < i);
    }
    // Step labels reach the graph.
    CHECK(count_events(v.graph, [](const Event& e) { return e.label != nullptr && std::string(e.label) == "[W2] set flag"; }) == 1);
}

TEST_CASE("A violation replays from its decisions to the same violation", "[core][violations]") {
    const ExploreResult r = explore(program_of<MpRelaxed>(), ExploreOptions{});
    REQUIRE(r.verdict == Verdict::Violation);
    const ExploreResult again = replay(program_of<MpRelaxed>(), r.violations[0].decisions, ExploreOptions{});
    REQUIRE(again.verdict == Verdict::Violation);
    CHECK(again.violations[0].message == r.violations[0].message);
    CHECK(canonical_text(again.violations[0].graph) == canonical_text(r.violations[0].graph));
}

TEST_CASE("Replaying decisions that the model no longer matches is an error, not a crash", "[core][violations]") {
    const ExploreResult r = explore(program_of<MpRelaxed>(), ExploreOptions{});
    auto decisions = r.violations[0].decisions;
    decisions[0].thread = 1;  // thread 1's first event is a read, not thread 0's write
    CHECK_THROWS_AS(replay(program_of<MpRelaxed>(), decisions, ExploreOptions{}), ReplayError);
}

TEST_CASE("A spawned thread's work is ordered before the join", "[core][violations]") {
    const ExploreResult r = explore(program_of<SpawnJoin>(), all_violations());
    CHECK(r.verdict == Verdict::Safe);
    REQUIRE(r.outcomes.size() == 1);
    CHECK(r.outcomes.begin()->first == Outcome{{"seen", 42}});
}

TEST_CASE("A weak CAS may fail spuriously even when the value matches", "[core][violations]") {
    const ExploreResult r = explore(program_of<WeakCas>(), all_violations());
    CHECK(r.stats.complete == 2);
    CHECK(r.outcomes.count(Outcome{{"ok", 1}, {"x", 1}}) == 1);
    CHECK(r.outcomes.count(Outcome{{"ok", 0}, {"x", 0}}) == 1);
}

TEST_CASE("The execution limit stops exploration as bounded", "[core][violations]") {
    ExploreOptions o;
    o.max_executions = 1;
    const ExploreResult r = explore(program_of<LockedCounter>(), o);
    CHECK(r.verdict == Verdict::Bounded);
    CHECK(r.limit_hit == "max-executions");
}

TEST_CASE("Exploration order is deterministic", "[core][violations]") {
    std::vector<std::string> first, second;
    ExploreOptions a = all_violations();
    a.on_execution = [&](const ExecutionGraph& g, bool) { first.push_back(canonical_text(g)); };
    ExploreOptions b = all_violations();
    b.on_execution = [&](const ExecutionGraph& g, bool) { second.push_back(canonical_text(g)); };
    explore(program_of<AbBa>(), a);
    explore(program_of<AbBa>(), b);
    CHECK(first == second);
}

namespace {

// Collect-all mode: thread 0's two checks fail in different executions, one of which needs
// thread 1's write to revisit thread 0's read after the first failure.
struct TwoFailures : Model {
    atomic<int> x{"x", 0};
    void threads() override {
        thread("P0", [this] {
            const int r = x.load(relaxed);
            check(r == 1, "read 0");
            check(false, "read 1");
        });
        thread("P1", [this] { x.store(1, relaxed); });
    }
};

// A race between a spawned thread and its parent, and a third thread whose behaviour depends
// on the order of writes: the race must not hide its other executions.
struct SpawnRace : Model {
    var<int> d{"d", 0};
    atomic<int> x{"x", 0};
    void threads() override {
        thread("parent", [this] {
            spawn("child", [this] { d = 1; });
            d = 2;
            x.store(1, relaxed);
        });
        thread("other", [this] { x.store(2, relaxed); });
    }
};

struct ThrowsInThreads : Model {
    void threads() override { throw std::runtime_error("boom in threads()"); }
};

// Thread 0 spins (livelock); thread 1 has a real violation.
struct SpinAndFail : Model {
    atomic<int> x{"x", 0};
    void threads() override {
        thread("spin", [this] {
            while (x.load(relaxed) == 0) {
            }
        });
        thread("fail", [this] { check(false, "real violation"); });
    }
};

}  // namespace

TEST_CASE("Collecting all violations keeps exploring the other threads of a violating run", "[core][violations]") {
    const ExploreResult r = explore(program_of<TwoFailures>(), all_violations());
    CHECK(r.verdict == Verdict::Violation);
    CHECK(r.stats.complete == 0);
    std::vector<std::string> messages;
    for (const auto& v : r.violations) messages.push_back(v.message);
    std::sort(messages.begin(), messages.end());
    CHECK(messages == std::vector<std::string>{"read 0", "read 1"});
}

TEST_CASE("A race stops only its thread, and brute force agrees on the rest", "[core][violations]") {
    const ExploreResult fast = explore(program_of<SpawnRace>(), all_violations());
    const ExploreResult brute = explore_brute_force(program_of<SpawnRace>(), all_violations());
    CHECK(fast.verdict == Verdict::Violation);
    CHECK(brute.verdict == Verdict::Violation);
    REQUIRE(!fast.violations.empty());
    CHECK(fast.violations[0].kind == ViolationKind::Race);
    CHECK(fast.stats.complete == brute.stats.complete);
    CHECK(fast.stats.blocked == brute.stats.blocked);
}

TEST_CASE("An exception while setting up the model is a violation, not a crash", "[core][violations]") {
    const ExploreResult r = explore(program_of<ThrowsInThreads>(), ExploreOptions{});
    CHECK(r.verdict == Verdict::Violation);
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].kind == ViolationKind::Exception);
}

TEST_CASE("A livelock in one thread does not hide a real violation in another", "[core][violations]") {
    ExploreOptions o;
    o.max_events_per_thread = 20;
    const ExploreResult r = explore(program_of<SpinAndFail>(), o);
    CHECK(r.verdict == Verdict::Violation);
    bool found = false;
    for (const auto& v : r.violations) found = found || v.message == "real violation";
    CHECK(found);
}
