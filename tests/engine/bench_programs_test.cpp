// SPDX-License-Identifier: MIT
/// \file The small benchmark programs (bench/programs.cpp: mutex, spin barrier, turn chain,
/// seq_cst and fenced rings, fetch_add counters, ...) have exactly GenMC v0.11's number of
/// complete executions (../shared/bench/counts.md), and the ones without await or lock never
/// block. The large sizes are checked by `scripts/bench --check`, not here.
#include "explore/explorer.hpp"
#include "programs.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck;

namespace {

/// Every execution of `prog` (no stop at a violation), with its counts in the test's log.
ExploreResult explore_all(const bench::BenchProgram& prog) {
    Program program;
    program.make = prog.make;
    ExploreOptions options;
    options.stop_at_first_violation = false;
    ExploreResult r = explore(program, options);
    UNSCOPED_INFO(prog.name << ": " << r.stats.complete << " complete, " << r.stats.blocked << " blocked");
    return r;
}

}  // namespace

TEST_CASE("The small benchmark programs have GenMC's number of complete executions", "[core][bench]") {
    int checked = 0;
    for (const auto& prog : bench::programs()) {
        if (!prog.small || !prog.expected) continue;
        ++checked;
        const ExploreResult r = explore_all(prog);
        CHECK(r.violations.empty());
        CHECK(r.exhaustive);
        CHECK(r.stats.complete == *prog.expected);
        if (prog.never_blocks) CHECK(r.stats.blocked == 0);
    }
    CHECK(checked >= 60);
}

TEST_CASE("Spin barriers never block", "[core][bench]") {
    // A wait that fails on a value already overwritten is not an execution (a real spin reads
    // again): what is left blocked is a wait on the latest value. A spin barrier's awaits are
    // added after every fetch_add, so none of its executions blocks.
    int checked = 0;
    for (const auto& prog : bench::programs()) {
        const bool barrier = prog.name.rfind("spin-barrier-", 0) == 0;
        if (!prog.small || !barrier) continue;
        ++checked;
        const ExploreResult r = explore_all(prog);
        CHECK(r.stats.blocked == 0);
    }
    CHECK(checked >= 3);
}

namespace {

/// `n` threads: thread i stores 1 to y[i] (relaxed), and thread 0 then also loads y[n-1],
/// which reads 0 or 1: exactly 2 executions, whatever n.
class ManyThreads final : public Model {
public:
    explicit ManyThreads(int n) : n_(n) {
        for (int i = 0; i < n_; ++i) y_.emplace_back("y[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this, t] {
                y_[static_cast<std::size_t>(t)].store(1, relaxed);
                if (t == 0) (void)y_[static_cast<std::size_t>(n_ - 1)].load(relaxed);
            });
    }

private:
    int n_;
    std::vector<atomic<int>> y_;
};

ExploreResult explore_threads(int n) {
    Program program;
    program.make = [n] { return std::make_unique<ManyThreads>(n); };
    ExploreOptions options;
    options.stop_at_first_violation = false;
    return explore(program, options);
}

}  // namespace

TEST_CASE("A model of 64 threads is explored, and a 65th thread is refused", "[core][bench]") {
    const ExploreResult ok = explore_threads(64);
    CHECK(ok.violations.empty());
    CHECK(ok.exhaustive);
    CHECK(ok.stats.complete == 2);
    // Beyond the limit there is no execution to count: the run is refused (reported as a
    // violation of the model's setup, or as a limit), never counted as safe.
    bool refused = false;
    try {
        const ExploreResult over = explore_threads(65);
        refused = over.stats.complete == 0 && over.verdict != Verdict::Safe;
    } catch (const std::exception&) {
        refused = true;
    }
    CHECK(refused);
}
