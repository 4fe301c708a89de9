// SPDX-License-Identifier: MIT
/// \file Differential tests: on seeded random programs the optimal explorer and the
/// brute-force explorer agree on the outcomes and on the number of distinct consistent graphs,
/// the optimal one never visits a graph twice, and every graph it visits passes the reference
/// RC11 checker.
#include "random_program.hpp"

#include "model/lkmm.hpp"
#include "model/rc11.hpp"
#include "model/rc11_reference.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <unordered_set>

using namespace mmcheck;
using namespace mmcheck::testing;

namespace {

struct Comparison {
    bool ok = true;
    std::string why;
    /// Keeps the first failure only, with what was compared, the seed and the program.
    void fail(const std::string& what, std::uint32_t seed, const RandomSpec& spec, const std::string& reason) {
        if (!ok) return;
        ok = false;
        why = what + std::to_string(seed) + ": " + reason + "\n" + spec.describe();
    }
};

Comparison compare_spec(std::uint32_t seed, const RandomSpec& spec) {
    const Program prog = random_program(spec);
    Comparison c;
    auto fail = [&](const std::string& why) { c.fail("seed ", seed, spec, why); };

    std::unordered_set<std::string> seen;
    std::uint64_t duplicates = 0, inconsistent = 0;
    ExploreOptions opt;
    opt.stop_at_first_violation = false;
    opt.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!seen.insert(canonical_text(g)).second) ++duplicates;
        if (rc11::reference_check(g)) ++inconsistent;
    };
    const ExploreResult fast = explore(prog, opt);

    ExploreOptions bopt;
    bopt.stop_at_first_violation = false;
    const ExploreResult brute = explore_brute_force(prog, bopt);

    if (duplicates != 0) fail(std::to_string(duplicates) + " graphs visited twice by the optimal explorer");
    if (inconsistent != 0) fail(std::to_string(inconsistent) + " inconsistent graphs visited by the optimal explorer");
    if (fast.stats.complete != brute.stats.complete)
        fail("complete executions: optimal " + std::to_string(fast.stats.complete) + ", brute force " +
             std::to_string(brute.stats.complete));
    // Both count a blocked graph only when every wait failed on the co-latest write (a run
    // waiting on a stale value is no execution); brute force may still count more of them
    // than the optimal explorer reaches (issue 14: not yet understood), never fewer.
    if (fast.stats.blocked > brute.stats.blocked)
        fail("blocked executions: optimal " + std::to_string(fast.stats.blocked) + ", brute force " +
             std::to_string(brute.stats.blocked));
    std::vector<Outcome> a, b;
    for (const auto& [o, n] : fast.outcomes) a.push_back(o);
    for (const auto& [o, n] : brute.outcomes) b.push_back(o);
    if (a != b) fail("outcome sets differ: optimal " + std::to_string(a.size()) + ", brute force " + std::to_string(b.size()));
    // Races and stuck waits found by one explorer are found by the other. (Kinds, not
    // messages: brute force adds a racing pair in both orders and names it from either end.)
    std::set<int> va, vb;
    for (const auto& v : fast.violations) va.insert(static_cast<int>(v.kind));
    for (const auto& v : brute.violations) vb.insert(static_cast<int>(v.kind));
    if (va != vb) fail("violations differ: optimal " + std::to_string(va.size()) + ", brute force " + std::to_string(vb.size()));
    return c;
}

Comparison compare(std::uint32_t seed, int max_threads, int max_ops, int max_total = 14) {
    return compare_spec(seed, random_spec(seed, max_threads, max_ops, max_total));
}

}  // namespace

/// Seeds first .. first + count - 1 compared by `compare_seed`; the first three disagreements
/// are shown.
template <class CompareSeed>
void sweep_seeds(std::uint32_t first, std::uint32_t count, CompareSeed compare_seed) {
    int failures = 0;
    for (std::uint32_t seed = first; seed < first + count; ++seed) {
        const Comparison c = compare_seed(seed);
        if (!c.ok) {
            ++failures;
            if (failures <= 3) UNSCOPED_INFO(c.why);
        }
    }
    CHECK(failures == 0);
}

void sweep(std::uint32_t first, std::uint32_t count, int max_total) {
    sweep_seeds(first, count, [max_total](std::uint32_t seed) { return compare(seed, 4, 6, max_total); });
}

TEST_CASE("The optimal explorer agrees with brute force on 1000 random programs", "[core][explore][random]") {
    // 2-4 threads, 1-3 locations, up to 6 events per thread and 10 in all: brute force
    // enumerates schedules, so larger programs go to the [long] test below.
    sweep(1, 1000, 10);
}

TEST_CASE("The optimal explorer agrees with brute force on 400 random programs that wait and lock",
          "[core][explore][random]") {
    // Awaits, fetch_adds and critical sections under one mutex: the same complete and blocked
    // graph counts and outcomes, each graph once, the same violation kinds (stuck, deadlock,
    // races), although the optimal explorer explores no wait that fails on a stale value and
    // adds waiting reads after every other thread's events.
    sweep_seeds(1, 400, [](std::uint32_t seed) { return compare_spec(seed, random_spec_blocking(seed)); });
}

TEST_CASE("The optimal explorer agrees with brute force on 100 random programs with several critical sections "
          "per thread",
          "[core][explore][random]") {
    // Issue 14: a lock that waits on a mutex its holder has since released is explored but not
    // counted. Any shortcut for those runs must keep these counts: several lock/unlock pairs
    // per thread, and loads, stores and fetch_adds of the same locations outside the lock (a
    // write outside it may revisit a read made before a waiting lock and delete the wait).
    sweep_seeds(1, 100, [](std::uint32_t seed) { return compare_spec(seed, random_spec_locking(seed)); });
}

TEST_CASE("The O(threads) ATOMICITY question answers as the walk over the graph on every graph the optimal "
          "explorer visits",
          "[core][explore][random]") {
    // rc11::read_by_exclusive_placed relies on the shape of the optimal explorer's graphs (an
    // RMW's write part placed right after the write its read part reads); on every complete or
    // blocked graph of random programs with RMWs, waits and locks, for every write and every
    // exclusive read left out, it must answer as rc11::read_by_exclusive.
    int disagreements = 0;
    std::uint64_t read_by_rmw = 0;  // questions answered "yes": the programs do have RMWs
    std::string first;
    for (std::uint32_t seed = 1; seed <= 1000; ++seed) {
        const RandomSpec spec = seed % 2 == 0 ? random_spec_locking(seed) : random_spec_blocking(seed);
        const Program prog = random_program(spec);
        ExploreOptions opt;
        opt.stop_at_first_violation = false;
        opt.on_execution = [&](const ExecutionGraph& g, bool) {
            std::vector<EventId> writes, excepts{EventId{}};
            for (std::size_t l = 0; l < g.num_locations(); ++l) writes.push_back(EventId::init(static_cast<LocId>(l)));
            for (std::size_t t = 0; t < g.num_threads(); ++t) {
                const auto& ev = g.thread_events(static_cast<ThreadId>(t));
                for (std::size_t i = 0; i < ev.size(); ++i) {
                    const EventId id{static_cast<std::uint16_t>(t), static_cast<std::uint16_t>(i)};
                    if (ev[i].is_write() && ev[i].co_pos >= 0) writes.push_back(id);
                    if (ev[i].is_read() && ev[i].has(kRmwRead)) excepts.push_back(id);
                }
            }
            for (EventId w : writes)
                for (EventId x : excepts) {
                    const bool walk = rc11::read_by_exclusive(g, w, x);
                    read_by_rmw += walk ? 1 : 0;
                    if (rc11::read_by_exclusive_placed(g, w, x) != walk && disagreements++ == 0)
                        first = "seed " + std::to_string(seed) + "\n" + spec.describe();
                }
        };
        (void)explore(prog, opt);
    }
    INFO(first);
    CHECK(disagreements == 0);
    CHECK(read_by_rmw > 1000);
}

TEST_CASE("The optimal explorer agrees with brute force on 150 larger random programs", "[long][explore][random]") {
    // Up to 14 events in all: brute force needs seconds to minutes per program here (about
    // 30 minutes for the 150 on the 2-core machine), hence [long].
    sweep(100001, 150, 14);
}

namespace {

/// How the graphs an explorer visited differ from the reference's (both sets of graph texts).
std::string graph_set_difference(const std::set<std::string>& visited, const std::set<std::string>& reference) {
    std::size_t missing = 0, extra = 0;
    for (const auto& g : reference) missing += visited.count(g) == 0 ? 1 : 0;
    for (const auto& g : visited) extra += reference.count(g) == 0 ? 1 : 0;
    return "graph sets differ: " + std::to_string(missing) + " missing, " + std::to_string(extra) + " extra";
}

/// LKMM: the speculative explorer (explore_allowing_porf_cycles, kept as a second exact
/// explorer) and the value-guessing reference (brute force under a model with po ∪ rf cycles)
/// find the same set of graphs, each once, all consistent by the LKMM checker, with the same
/// outcomes and violation kinds. (explore() under LKMM is compare_lkmm_parts's.)
Comparison compare_lkmm(std::uint32_t seed, int max_threads, int max_ops, int max_total) {
    const RandomSpec spec = random_spec_lkmm(seed, max_threads, max_ops, max_total);
    const Program prog = random_program(spec);
    Comparison c;
    auto fail = [&](const std::string& why) { c.fail("lkmm seed ", seed, spec, why); };
    std::set<std::string> fast_graphs, brute_graphs;
    std::uint64_t duplicates = 0, inconsistent = 0, brute_duplicates = 0;
    ExploreOptions opt;
    opt.model = MemoryModelKind::LKMM;
    opt.stop_at_first_violation = false;
    opt.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!fast_graphs.insert(canonical_text(g)).second) ++duplicates;
        if (lkmm::check(g)) ++inconsistent;
    };
    const ExploreResult fast = explore_allowing_porf_cycles(prog, opt);
    ExploreOptions bopt = opt;
    bopt.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!brute_graphs.insert(canonical_text(g)).second) ++brute_duplicates;
    };
    const ExploreResult brute = explore_brute_force(prog, bopt);
    if (duplicates != 0) fail(std::to_string(duplicates) + " graphs visited twice by the speculative explorer");
    if (brute_duplicates != 0) fail(std::to_string(brute_duplicates) + " graphs counted twice by the reference");
    if (inconsistent != 0) fail(std::to_string(inconsistent) + " inconsistent graphs visited");
    if (!fast.exhaustive || !brute.exhaustive) fail("not exhaustive");
    if (fast_graphs != brute_graphs) fail(graph_set_difference(fast_graphs, brute_graphs));
    std::vector<Outcome> a, b;
    for (const auto& [o, n] : fast.outcomes) a.push_back(o);
    for (const auto& [o, n] : brute.outcomes) b.push_back(o);
    if (a != b) fail("outcome sets differ");
    std::set<int> va, vb;
    for (const auto& v : fast.violations) va.insert(static_cast<int>(v.kind));
    for (const auto& v : brute.violations) vb.insert(static_cast<int>(v.kind));
    if (va != vb) fail("violation kinds differ");
    return c;
}

/// A graph's text with each event's LKMM tag (lkmm::tag_of) and dependencies: canonical_text
/// leaves them out, and an explorer that builds an event itself (the optimal explorer's moot
/// RMW write) must label it as the runtime does, or the whole-graph check judges another graph.
std::string lkmm_text(const ExecutionGraph& g) {
    std::string out = canonical_text(g);
    for (std::size_t t = 0; t < g.num_threads(); ++t) {
        out += 'T';
        for (const Event& e : g.thread_events(static_cast<ThreadId>(t))) {
            out += std::to_string(static_cast<int>(lkmm::tag_of(g, e)));
            if (e.deps) {
                for (const auto* d : {&e.deps->addr, &e.deps->data, &e.deps->ctrl}) {
                    out += '/';
                    for (std::uint32_t i : *d) out += std::to_string(i) + ',';
                }
            }
            out += ';';
        }
    }
    return out;
}

/// LKMM's porf-acyclic part: TruSt filtered by the LKMM check (explore_porf_acyclic) visits
/// exactly the reference's graphs without a po ∪ rf cycle, each once, all consistent, each
/// event labelled (LKMM tag, dependencies) as in the reference's graph.
Comparison compare_lkmm_acyclic(std::uint32_t seed, const RandomSpec& spec) {
    const Program prog = random_program(spec);
    Comparison c;
    auto fail = [&](const std::string& why) { c.fail("lkmm acyclic seed ", seed, spec, why); };
    std::set<std::string> fast_graphs, brute_graphs;
    std::uint64_t duplicates = 0, inconsistent = 0, cyclic = 0;
    ExploreOptions opt;
    opt.model = MemoryModelKind::LKMM;
    opt.stop_at_first_violation = false;
    opt.on_execution = [&](const ExecutionGraph& g, bool blocked) {
        if (!fast_graphs.insert(lkmm_text(g) + (blocked ? "B" : "")).second) ++duplicates;
        if (lkmm::check(g)) ++inconsistent;
        if (has_porf_cycle(g)) ++cyclic;
    };
    const ExploreResult fast = explore_porf_acyclic(prog, opt);
    ExploreOptions bopt = opt;
    bopt.on_execution = [&](const ExecutionGraph& g, bool blocked) {
        if (!has_porf_cycle(g)) brute_graphs.insert(lkmm_text(g) + (blocked ? "B" : ""));
    };
    const ExploreResult brute = explore_brute_force(prog, bopt);
    if (duplicates != 0) fail(std::to_string(duplicates) + " graphs visited twice");
    if (inconsistent != 0) fail(std::to_string(inconsistent) + " inconsistent graphs visited");
    if (cyclic != 0) fail(std::to_string(cyclic) + " graphs with a po ∪ rf cycle visited");
    if (!fast.exhaustive || !brute.exhaustive) fail("not exhaustive");
    if (fast_graphs != brute_graphs) fail(graph_set_difference(fast_graphs, brute_graphs));
    return c;
}

/// LKMM's two parts (explore(), i.e. explore_porf_parts): TruSt with the LKMM check, then the cyclic part by
/// forced reads, visit exactly the reference's graphs (complete and blocked), each once, all
/// consistent, with the same outcomes and violation kinds.
Comparison compare_lkmm_parts(std::uint32_t seed, const RandomSpec& spec) {
    const Program prog = random_program(spec);
    Comparison c;
    auto fail = [&](const std::string& why) { c.fail("lkmm parts seed ", seed, spec, why); };
    std::set<std::string> fast_graphs, brute_graphs;
    std::uint64_t duplicates = 0, inconsistent = 0;
    ExploreOptions opt;
    opt.model = MemoryModelKind::LKMM;
    opt.stop_at_first_violation = false;
    opt.on_execution = [&](const ExecutionGraph& g, bool blocked) {
        if (!fast_graphs.insert(lkmm_text(g) + (blocked ? "B" : "")).second) ++duplicates;
        if (lkmm::check(g)) ++inconsistent;
    };
    const ExploreResult fast = explore(prog, opt);  // explore_porf_parts under LKMM
    ExploreOptions bopt = opt;
    bopt.on_execution = [&](const ExecutionGraph& g, bool blocked) {
        brute_graphs.insert(lkmm_text(g) + (blocked ? "B" : ""));
    };
    const ExploreResult brute = explore_brute_force(prog, bopt);
    if (duplicates != 0) fail(std::to_string(duplicates) + " graphs visited twice");
    if (inconsistent != 0) fail(std::to_string(inconsistent) + " inconsistent graphs visited");
    if (!fast.exhaustive || !brute.exhaustive) fail("not exhaustive");
    if (fast_graphs != brute_graphs) fail(graph_set_difference(fast_graphs, brute_graphs));
    std::vector<Outcome> a, b;
    for (const auto& [o, n] : fast.outcomes) a.push_back(o);
    for (const auto& [o, n] : brute.outcomes) b.push_back(o);
    if (a != b) fail("outcome sets differ");
    std::set<int> va, vb;
    for (const auto& v : fast.violations) va.insert(static_cast<int>(v.kind));
    for (const auto& v : brute.violations) vb.insert(static_cast<int>(v.kind));
    if (va != vb) fail("violation kinds differ");
    return c;
}

void sweep_lkmm(std::uint32_t first, std::uint32_t count, int max_total) {
    sweep_seeds(first, count, [max_total](std::uint32_t seed) { return compare_lkmm(seed, 3, 5, max_total); });
}

}  // namespace

TEST_CASE("Under LKMM the speculative explorer agrees with the value-guessing reference on 300 random programs "
          "with dependencies and fences",
          "[core][explore][random][lkmm]") {
    sweep_lkmm(1, 300, 9);
}

TEST_CASE("Under LKMM the speculative explorer agrees with the reference on 300 larger random programs",
          "[long][explore][random][lkmm]") {
    sweep_lkmm(200001, 300, 12);
}

TEST_CASE("Under LKMM TruSt with the LKMM check visits exactly the reference's graphs without a po ∪ rf cycle "
          "on 300 random programs",
          "[core][explore][random][lkmm]") {
    sweep_seeds(1, 300, [](std::uint32_t seed) { return compare_lkmm_acyclic(seed, random_spec_lkmm(seed, 3, 5, 9)); });
}

TEST_CASE("Under LKMM TruSt with the LKMM check visits exactly the reference's porf-acyclic graphs on random "
          "programs that wait and lock",
          "[core][explore][random][lkmm]") {
    // Awaits and spin locks (lock.cat's events) with the optimal explorer's deferred waits
    // and its cut of waits on a stale value, under LKMM's check.
    // The value-guessing reference needs 2-67 s on some of these programs (blocking seeds 1, 5,
    // 27, 38, 47; locking 1, 5): the default suite takes ranges without them (blocking 1-80
    // and locking 1-6 agreed when swept with "[.sweepacyclic]").
    sweep_seeds(6, 21, [](std::uint32_t seed) { return compare_lkmm_acyclic(seed, random_spec_blocking(seed)); });
    sweep_seeds(2, 3, [](std::uint32_t seed) { return compare_lkmm_acyclic(seed, random_spec_locking(seed)); });
}

TEST_CASE("Under LKMM the porf-acyclic part plus the cyclic part by forced reads visit exactly the reference's "
          "graphs on 300 random programs with dependencies and fences",
          "[core][explore][random][lkmm]") {
    sweep_seeds(1, 300, [](std::uint32_t seed) { return compare_lkmm_parts(seed, random_spec_lkmm(seed, 3, 5, 9)); });
}

TEST_CASE("Under LKMM the two parts visit exactly the reference's graphs on random programs that wait and lock",
          "[core][explore][random][lkmm]") {
    // The ranges of the porf-acyclic test above (the reference is slow on the others).
    sweep_seeds(6, 21, [](std::uint32_t seed) { return compare_lkmm_parts(seed, random_spec_blocking(seed)); });
    sweep_seeds(2, 3, [](std::uint32_t seed) { return compare_lkmm_parts(seed, random_spec_locking(seed)); });
}

TEST_CASE("Under LKMM the two parts visit exactly the reference's graphs on 300 random programs of kernel.hpp RMW "
          "helpers that fail and succeed",
          "[core][explore][random][lkmm]") {
    // Forced reads of conditional RMWs (a forced value decides success, FailedRMW, bell:44).
    sweep_seeds(1, 300, [](std::uint32_t seed) { return compare_lkmm_parts(seed, random_spec_kernel(seed)); });
}

namespace {

/// The hidden sweeps' loop: seeds MMCHECK_FROM (default 1) to MMCHECK_FROM + MMCHECK_COUNT - 1
/// (default none: ctest discovers hidden tests too), programs of MMCHECK_KIND
/// (lkmm|blocking|locking|kernel; lkmm programs of MMCHECK_TOTAL events, default 9); prints the
/// seeds that take more than half a second and the first five disagreements.
void sweep_from_env(Comparison (*compare)(std::uint32_t, const RandomSpec&)) {
    const char* from = std::getenv("MMCHECK_FROM");
    const char* count = std::getenv("MMCHECK_COUNT");
    const char* kind = std::getenv("MMCHECK_KIND");
    const char* total = std::getenv("MMCHECK_TOTAL");
    const std::uint32_t first = from ? static_cast<std::uint32_t>(std::stoul(from)) : 1;
    const std::uint32_t n = count ? static_cast<std::uint32_t>(std::stoul(count)) : 0;
    const std::string k = kind ? kind : "lkmm";
    int shown = 0;
    for (std::uint32_t seed = first; seed < first + n && shown < 5; ++seed) {
        const auto t0 = std::chrono::steady_clock::now();
        const RandomSpec spec = k == "blocking"  ? random_spec_blocking(seed)
                                : k == "locking" ? random_spec_locking(seed)
                                : k == "kernel"  ? random_spec_kernel(seed)
                                                 : random_spec_lkmm(seed, 3, 5, total ? std::stoi(total) : 9);
        const Comparison c = compare(seed, spec);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (dt > 0.5) std::printf("seed %u took %.1f s\n", seed, dt);
        if (!c.ok) {
            std::printf("%s\n", c.why.c_str());
            ++shown;
        }
        std::fflush(stdout);
    }
}

}  // namespace

// MMCHECK_FROM=n MMCHECK_COUNT=k MMCHECK_KIND=lkmm|blocking|locking|kernel mmcheck_tests "[.sweepparts]": per-seed
// times and disagreements of the two-part comparison.
TEST_CASE("Random programs can be swept for the two LKMM parts", "[.sweepparts]") {
    sweep_from_env(compare_lkmm_parts);
    SUCCEED();
}


TEST_CASE("Under LKMM TruSt with the LKMM check visits exactly the reference's porf-acyclic graphs on 300 random "
          "programs of kernel.hpp RMW helpers that fail and succeed",
          "[core][explore][random][lkmm]") {
    // atomic_add_unless, atomic_inc_not_zero and the cmpxchg family fail as well as succeed
    // (FailedRMW, bell:44), and fully ordered helpers are Mb only by their tag (relaxed C++
    // orders, bell:47): an RMW that takes a write another RMW took first is a moot read whose
    // write the explorer builds itself (page_tail/V1.10's false P5 under LKMM came from there).
    sweep_seeds(1, 300, [](std::uint32_t seed) { return compare_lkmm_acyclic(seed, random_spec_kernel(seed)); });
}

// MMCHECK_FROM=n MMCHECK_COUNT=k MMCHECK_KIND=lkmm|blocking|locking|kernel mmcheck_tests "[.sweepacyclic]": per-seed
// times and disagreements of the porf-acyclic comparison.
TEST_CASE("Random programs can be swept for the porf-acyclic part", "[.sweepacyclic]") {
    sweep_from_env(compare_lkmm_acyclic);
    SUCCEED();
}

// MMCHECK_FROM=n MMCHECK_COUNT=k MMCHECK_TOTAL=m mmcheck_tests "[.sweeplkmm]": the first LKMM
// disagreements, printed.
TEST_CASE("Random LKMM programs can be swept for the first disagreement", "[.sweeplkmm]") {
    const char* from = std::getenv("MMCHECK_FROM");
    const char* count = std::getenv("MMCHECK_COUNT");
    const char* total = std::getenv("MMCHECK_TOTAL");
    const std::uint32_t first = from ? static_cast<std::uint32_t>(std::stoul(from)) : 1;
    // Without MMCHECK_COUNT it checks nothing: ctest discovers hidden tests too, and the
    // [core] test above already covers seeds 1-300.
    const std::uint32_t n = count ? static_cast<std::uint32_t>(std::stoul(count)) : 0;
    int shown = 0;
    for (std::uint32_t seed = first; seed < first + n && shown < 3; ++seed) {
        const auto t0 = std::chrono::steady_clock::now();
        const Comparison c = compare_lkmm(seed, 3, 5, total ? std::stoi(total) : 9);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (dt > 0.5) std::printf("seed %u took %.1f s\n", seed, dt);
        std::fflush(stdout);
        if (!c.ok) {
            std::printf("%s\n", c.why.c_str());
            ++shown;
        }
    }
    SUCCEED();
}

// Debugging aid, hidden from normal runs: MMCHECK_SEED=n MMCHECK_THREADS=t MMCHECK_OPS=k MMCHECK_TOTAL=m
// mmcheck_tests "[.debug]" prints the program and both explorers' figures.
TEST_CASE("One random program can be examined in detail", "[.debug]") {
    const char* s = std::getenv("MMCHECK_SEED");
    const char* th = std::getenv("MMCHECK_THREADS");
    const char* ops = std::getenv("MMCHECK_OPS");
    const char* total = std::getenv("MMCHECK_TOTAL");
    const std::uint32_t seed = s ? static_cast<std::uint32_t>(std::stoul(s)) : 1;
    const int max_threads = th ? std::stoi(th) : 4;
    const int max_ops = ops ? std::stoi(ops) : 6;
    const RandomSpec spec = random_spec(seed, max_threads, max_ops, total ? std::stoi(total) : 14);
    const Program prog = random_program(spec);
    std::unordered_set<std::string> seen;
    ExploreOptions opt;
    opt.stop_at_first_violation = false;
    opt.on_execution = [&](const ExecutionGraph& g, bool blocked) {
        const std::string c = canonical_text(g);
        const bool dup = !seen.insert(c).second;
        std::printf("%s%s %s\n", dup ? "DUP " : "", blocked ? "blocked" : "complete", c.c_str());
    };
    const ExploreResult fast = explore(prog, opt);
    std::unordered_set<std::string> bseen;
    ExploreOptions bopt;
    bopt.stop_at_first_violation = false;
    bopt.on_execution = [&](const ExecutionGraph& g, bool blocked) {
        std::printf("brute %s %s\n", blocked ? "blocked" : "complete", canonical_text(g).c_str());
    };
    const ExploreResult brute = explore_brute_force(prog, bopt);
    std::printf("%s\noptimal: %llu complete, %llu blocked; brute: %llu complete, %llu blocked\n",
                spec.describe().c_str(), static_cast<unsigned long long>(fast.stats.complete),
                static_cast<unsigned long long>(fast.stats.blocked),
                static_cast<unsigned long long>(brute.stats.complete),
                static_cast<unsigned long long>(brute.stats.blocked));
    SUCCEED();
}

// A sweep over small programs, for finding the smallest failing case:
// MMCHECK_THREADS=2 MMCHECK_OPS=3 mmcheck_tests "[.sweep]"
TEST_CASE("Small random programs can be swept for the first disagreement", "[.sweep]") {
    const char* th = std::getenv("MMCHECK_THREADS");
    const char* ops = std::getenv("MMCHECK_OPS");
    const int max_threads = th ? std::stoi(th) : 2;
    const int max_ops = ops ? std::stoi(ops) : 3;
    int shown = 0;
    const char* from = std::getenv("MMCHECK_FROM");
    const char* count = std::getenv("MMCHECK_COUNT");
    const std::uint32_t first = from ? static_cast<std::uint32_t>(std::stoul(from)) : 1;
    const std::uint32_t n = count ? static_cast<std::uint32_t>(std::stoul(count)) : 2000;
    for (std::uint32_t seed = first; seed < first + n && shown < 3; ++seed) {
        const auto t0 = std::chrono::steady_clock::now();
        const Comparison c = compare(seed, max_threads, max_ops);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (dt > 0.5) std::printf("seed %u took %.1f s\n", seed, dt);
        if ((seed - first + 1) % 50 == 0) std::printf("%u programs agree so far\n", seed - first + 1);
        std::fflush(stdout);
        if (!c.ok) {
            std::printf("%s\n", c.why.c_str());
            ++shown;
        }
    }
    SUCCEED();
}
