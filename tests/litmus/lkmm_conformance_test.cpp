// SPDX-License-Identifier: MIT
// The LKMM conformance suite: every tests/litmus/lkmm/*.litmus file must give, under LKMM,
// exactly the final states its comment derives from linux-kernel.cat (not a superset, not a
// subset) and exactly the flags its ` * flags:` line names; the brute-force explorer must
// agree with the optimal one on each.
#include "litmus_test_util.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck::litmus;
using namespace mmcheck::litmus::testing;
using mmcheck::MemoryModelKind;

namespace {
const char* const kDir = MMCHECK_SOURCE_DIR "/tests/litmus/lkmm";

LitmusResult run_lkmm(const std::filesystem::path& f, bool brute_force = false) {
    LitmusRunOptions o;
    o.model = MemoryModelKind::LKMM;
    o.brute_force = brute_force;
    return run_litmus(std::make_shared<const LitmusTest>(load_litmus_file(f, MemoryModelKind::LKMM)), o);
}
}  // namespace

TEST_CASE("litmus LKMM conformance: each file gives exactly its LKMM final states and flags", "[core][litmus][lkmm]") {
    const auto files = litmus_files(kDir);
    REQUIRE(files.size() >= 25);
    for (const auto& f : files) {
        INFO("file: " << f.filename().string());
        const std::set<std::string> expected = expected_states(f);
        REQUIRE_FALSE(expected.empty());
        const LitmusResult r = run_lkmm(f);
        CHECK(r.model == MemoryModelKind::LKMM);
        CHECK(r.exhaustive);
        const std::set<std::string> actual = actual_states(r);
        std::vector<std::string> missing, extra;
        std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
        std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
        INFO("missing (LKMM allows, mmcheck did not find): " << Catch::Detail::stringify(missing));
        INFO("extra (LKMM forbids, mmcheck found): " << Catch::Detail::stringify(extra));
        CHECK(actual == expected);
        const std::set<std::string> flags(r.flags.begin(), r.flags.end());
        CHECK(flags == expected_flags(f));
    }
}

TEST_CASE("litmus LKMM conformance: the brute-force explorer finds the same states", "[core][litmus][lkmm]") {
    // Under LKMM the brute-force explorer is the value-guessing one (explore_value_guessing,
    // explorer.hpp): it guesses a load's value ahead of its write, so it also builds the po U rf
    // cycles the load-buffering files (LB+onces, LB+data+once) need. It must agree everywhere.
    for (const auto& f : litmus_files(kDir)) {
        INFO("file: " << f.filename().string());
        const LitmusResult a = run_lkmm(f);
        const LitmusResult b = run_lkmm(f, true);
        CHECK(actual_states(a) == actual_states(b));
        CHECK(a.flags == b.flags);
    }
}

TEST_CASE("litmus LKMM: the page-cache reuse shape is Never under LKMM and Sometimes under RC11", "[core][litmus][lkmm]") {
    const std::filesystem::path f = std::string(kDir) + "/pagecache-reuse+unlocklock+mb.litmus";
    CHECK(run_lkmm(f).observation == Observation::Never);
    CHECK(run_file(f).observation == Observation::Never);  // a kernel test: LKMM by default
    CHECK(run_file(f, MemoryModelKind::RC11).observation == Observation::Sometimes);
}

TEST_CASE("litmus: the model is LKMM for kernel primitives, RC11 for C11 calls, --model wins", "[core][litmus][lkmm]") {
    LitmusTest k = parse_litmus("C k\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n", "k");
    CHECK(k.model == MemoryModelKind::LKMM);
    const LitmusTest c = parse_litmus(
        "C c\n{}\nP0(atomic_int *x) { atomic_store_explicit(x, 1, memory_order_relaxed); }\nexists (x=1)\n", "c");
    CHECK(c.model == MemoryModelKind::RC11);
    const LitmusTest f =
        parse_litmus("C k\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n", "k", MemoryModelKind::RC11);
    CHECK(f.model == MemoryModelKind::RC11);
    const LitmusResult r = run_litmus(std::make_shared<const LitmusTest>(std::move(k)));
    CHECK(r.model == MemoryModelKind::LKMM);
    CHECK(format_json(r)["model"] == "lkmm");
    CHECK(format_text(r).find("Model k lkmm\n") != std::string::npos);
}

TEST_CASE("litmus parser: diy7 headers, filter, reg=reg conditions, casts and ATOMIC_INIT", "[core][litmus][lkmm]") {
    const char* text = R"(C diy+header
"PodWW Rfe PodRR Fre"
Cycle=Rfe PodRR Fre PodWW
Relax=
Safe=Rfe Fre
Generator=diy7 (version 7.56)
{ int y = 0; atomic_t v = ATOMIC_INIT(3); int *p = &y; }
P0(int *x, int **p, atomic_t *v)
{
	intptr_t r1 = (intptr_t)READ_ONCE(*(intptr_t **)p);
	WRITE_ONCE(*(int *)r1, 1);
	int r2 = atomic_add_return(2, v);
	int r3 = READ_ONCE(*x);
}
filter (0:r2=5)
exists (0:r3=0:r3 /\ y=1)
)";
    const auto tp = std::make_shared<const LitmusTest>(parse_litmus(text, "diy.litmus"));
    const LitmusTest& t = *tp;
    CHECK(t.name == "diy+header");
    CHECK(t.model == MemoryModelKind::LKMM);
    REQUIRE(t.condition.filter.has_value());
    const LitmusResult r = run_litmus(tp);
    CHECK(r.observation == Observation::Always);
    // atomic_add_return(i, v): the counter is the second argument (linux-kernel.def).
    for (const FinalState& s : r.states) CHECK(state_text(t, s.values).find("v=5;") != std::string::npos);
}
