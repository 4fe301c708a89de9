// SPDX-License-Identifier: MIT
// The conformance suite: every tests/litmus/conformance/*.litmus file must give exactly the
// RC11 state set its comment works out (not a superset, not a subset).
#include "litmus_test_util.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck::litmus;
using namespace mmcheck::litmus::testing;

TEST_CASE("litmus conformance: each file gives exactly its RC11 final states", "[core][litmus]") {
    const auto files = litmus_files(MMCHECK_SOURCE_DIR "/tests/litmus/conformance");
    REQUIRE(files.size() >= 40);
    for (const auto& f : files) {
        INFO("file: " << f.filename().string());
        const std::set<std::string> expected = expected_states(f);
        REQUIRE_FALSE(expected.empty());
        const LitmusResult r = run_file(f);
        CHECK(r.exhaustive);
        CHECK(r.violations.empty());
        const std::set<std::string> actual = actual_states(r);
        std::vector<std::string> missing, extra;
        std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
        std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
        INFO("missing (RC11 allows, mmcheck did not find): " << Catch::Detail::stringify(missing));
        INFO("extra (RC11 forbids, mmcheck found): " << Catch::Detail::stringify(extra));
        CHECK(actual == expected);
    }
}

TEST_CASE("litmus conformance: verdicts of the landmark shapes", "[core][litmus]") {
    const std::string dir = MMCHECK_SOURCE_DIR "/tests/litmus/conformance/";
    // Load buffering is forbidden in RC11 (po U rf acyclic), unlike C11.
    CHECK(run_file(dir + "LB+rlx.litmus").observation == Observation::Never);
    // IRIW: seq_cst fences forbid it; seq_cst reads of relaxed writes do not.
    CHECK(run_file(dir + "IRIW+rlx+scfences.litmus").observation == Observation::Never);
    CHECK(run_file(dir + "IRIW+rlxwrites+screads.litmus").observation == Observation::Sometimes);
    CHECK(run_file(dir + "SB+rlx.litmus").observation == Observation::Sometimes);
    CHECK(run_file(dir + "SB+sc.litmus").observation == Observation::Never);
}

TEST_CASE("litmus: a racy plain access is reported as a race", "[core][litmus]") {
    const char* text = R"(C MP+na+rlx
{ x = 0; y = 0; }
P0(int *x, atomic_int *y) { *x = 1; atomic_store_explicit(y, 1, memory_order_relaxed); }
P1(int *x, atomic_int *y) { int r1 = 0; int r0 = atomic_load_explicit(y, memory_order_relaxed); if (r0) r1 = *x; }
exists (1:r0=1 /\ 1:r1=0)
)";
    const LitmusResult r = run_litmus(std::make_shared<const LitmusTest>(parse_litmus(text, "race.litmus")));
    REQUIRE_FALSE(r.violations.empty());
    CHECK(r.violations.front().rfind("race", 0) == 0);
}
