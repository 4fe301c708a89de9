// SPDX-License-Identifier: MIT
/// \file The small benchmark programs (bench/programs.cpp: mutex, spin barrier, turn chain,
/// seq_cst and fenced rings, fetch_add counters, ...) have exactly GenMC v0.11's number of
/// complete executions (../shared/bench/counts.md), and the ones without await or lock never
/// block. The large sizes are checked by `scripts/bench --check`, not here.
#include "explore/explorer.hpp"
#include "programs.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck;

TEST_CASE("The small benchmark programs have GenMC's number of complete executions", "[core][bench]") {
    int checked = 0;
    for (const auto& prog : bench::programs()) {
        if (!prog.small || !prog.expected) continue;
        ++checked;
        Program program;
        program.make = prog.make;
        ExploreOptions options;
        options.stop_at_first_violation = false;
        const ExploreResult r = explore(program, options);
        INFO(prog.name << ": " << r.stats.complete << " complete, " << r.stats.blocked << " blocked");
        CHECK(r.violations.empty());
        CHECK(r.exhaustive);
        CHECK(r.stats.complete == *prog.expected);
        if (prog.never_blocks) CHECK(r.stats.blocked == 0);
    }
    CHECK(checked >= 60);
}
