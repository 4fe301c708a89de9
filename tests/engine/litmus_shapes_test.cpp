// SPDX-License-Identifier: MIT
/// \file The classic litmus shapes of models/litmus/classic.cpp against RC11 (Lahav, Vafeiadis,
/// Kang, Hur, Dreyer, PLDI 2017). For every shape and flavour: the exact set of final outcomes
/// RC11 allows and the exact number of complete executions (distinct consistent graphs), from
/// both the optimal and the brute-force explorer.
///
/// Notation in the comments: W/R for stores/loads (Wx1 = store 1 to x), F for fences, "->"
/// po (program order), rf/co/fr (fr = rf^-1;co), sw/hb (RC11's synchronises-with and
/// happens-before, hb = (po | sw)+), eco = (rf | co | fr)+. The RC11 axioms cited:
///   COHERENCE    hb;eco? irreflexive
///   ATOMICITY    rmw & (fr;co) empty
///   SC           psc = psc_base | psc_F acyclic, psc_F = [F_sc];(hb | hb;eco;hb);[F_sc]
///   NO-THIN-AIR  po | rf acyclic
/// RC11 release sequences: rs = [W];po|loc?;[W>=rlx];(rf;rmw)*, and sw goes from a release
/// write (or a release fence po-before a write) to an acquire read (or an acquire fence
/// po-after a read) that reads from the release sequence.
///
/// Counting executions: a graph is its rf and co choices. A read picks any write of its
/// location; an RMW (here fetch_add(0)/exchange) must sit right after the write it reads in
/// co (ATOMICITY), so the co order of a location with only RMWs besides one store fixes the
/// rf of those RMWs. Each count below is "all choices" minus those an axiom forbids.
///
/// Flavours (see classic.cpp): rlx; ra (release stores, acquire loads); sc; fenced (relaxed
/// with seq_cst fences between consecutive accesses); fenced-ra (relaxed with acquire fence
/// between loads, release fence between stores, acq_rel fence between a load and a store);
/// rmw (ra with every load a fetch_add(0, acq_rel); shapes without loads use exchange(v,
/// acq_rel) stores instead).
///
/// The expected sets were worked out by hand and cross-checked with an independent
/// enumeration of the RC11 axioms written for this purpose (not part of the tree).

#include "explore/explorer.hpp"

#include <mmcheck/registry.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using mmcheck::Outcome;
using OutcomeSet = std::set<Outcome>;
/// Each observed name with the values it can take; every() is their cartesian product.
using Domains = std::vector<std::pair<std::string, std::vector<std::int64_t>>>;

/// Read access to one outcome by observed name.
class Row {
public:
    explicit Row(const Outcome& o) : o_(o) {}
    std::int64_t operator[](std::string_view name) const {
        for (const auto& [k, v] : o_)
            if (k == name) return v;
        FAIL("outcome has no value named " << name);
        return 0;
    }

private:
    const Outcome& o_;
};
using Pred = std::function<bool(const Row&)>;

Outcome sorted(Outcome o) {
    std::sort(o.begin(), o.end());
    return o;
}

/// Every combination of the domains' values.
OutcomeSet every(const Domains& d) {
    OutcomeSet out{Outcome{}};
    for (const auto& [name, values] : d) {
        OutcomeSet next;
        for (const auto& partial : out)
            for (const auto v : values) {
                Outcome o = partial;
                o.emplace_back(name, v);
                next.insert(o);
            }
        out = std::move(next);
    }
    OutcomeSet result;
    for (const auto& o : out) result.insert(sorted(o));
    return result;
}

/// Every combination except those satisfying `weak`: the shape's weak outcome is forbidden.
OutcomeSet every_but(const Domains& d, const Pred& weak) {
    OutcomeSet out;
    for (const auto& o : every(d))
        if (!weak(Row(o))) out.insert(o);
    return out;
}

std::string show(const Outcome& o) {
    std::ostringstream s;
    for (const auto& [k, v] : o) s << k << '=' << v << ' ';
    return s.str();
}

std::string show(const OutcomeSet& set) {
    std::string s;
    for (const auto& o : set) s += "  " + show(o) + "\n";
    return s.empty() ? "  (none)\n" : s;
}

/// A shape: its registered name, what its outcomes range over, and its weak outcome.
struct ShapeSpec {
    const char* model;
    Domains domains;
    Pred weak;
};

/// Runs one explorer and checks outcomes, count, and the weak-outcome check() verdict.
void expect_explorer(const char* explorer_name,
                     mmcheck::ExploreResult (*explorer)(const mmcheck::Program&, const mmcheck::ExploreOptions&),
                     const ShapeSpec& shape, const char* variant, const OutcomeSet& expected,
                     std::uint64_t executions) {
    const mmcheck::ModelInfo* info = mmcheck::ModelRegistry::instance().find(shape.model);
    REQUIRE(info != nullptr);
    REQUIRE(info->find_variant(variant) != nullptr);
    mmcheck::Program program;
    program.variant = variant;
    program.make = info->make;
    mmcheck::ExploreOptions options;
    options.stop_at_first_violation = false;
    const mmcheck::ExploreResult result = explorer(program, options);

    OutcomeSet got;
    for (const auto& [o, n] : result.outcomes) got.insert(o);
    OutcomeSet missing;
    OutcomeSet extra;
    std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                        std::inserter(missing, missing.end()));
    std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(),
                        std::inserter(extra, extra.end()));
    INFO(explorer_name << " explorer, " << shape.model << " " << variant);
    INFO("outcomes RC11 allows but the explorer did not produce:\n" << show(missing));
    INFO("outcomes the explorer produced but RC11 forbids:\n" << show(extra));
    CHECK(missing.empty());
    CHECK(extra.empty());
    CHECK(result.exhaustive);
    CHECK(result.stats.blocked == 0);
    CHECK(result.stats.complete == executions);

    // The model's final check fails exactly when the weak outcome is among the allowed ones.
    const bool weak_allowed = std::any_of(expected.begin(), expected.end(),
                                          [&](const Outcome& o) { return shape.weak(Row(o)); });
    const std::string message = std::string(shape.model) + " weak outcome";
    CHECK(result.violations.empty() == !weak_allowed);
    for (const auto& v : result.violations) {
        CHECK(v.kind == mmcheck::ViolationKind::Check);
        CHECK(v.message == message);
    }
}

/// The expected outcomes and execution count, from both explorers.
void expect_rc11(const ShapeSpec& shape, const char* variant, const OutcomeSet& expected,
                 std::uint64_t executions) {
    expect_explorer("optimal", &mmcheck::explore, shape, variant, expected, executions);
    expect_explorer("brute-force", &mmcheck::explore_brute_force, shape, variant, expected,
                    executions);
}

/// Weak outcome allowed: every combination of the domains occurs.
void expect_allowed(const ShapeSpec& shape, const char* variant, std::uint64_t executions) {
    expect_rc11(shape, variant, every(shape.domains), executions);
}

/// Weak outcome forbidden: every combination but the weak ones occurs.
void expect_forbidden(const ShapeSpec& shape, const char* variant, std::uint64_t executions) {
    expect_rc11(shape, variant, every_but(shape.domains, shape.weak), executions);
}

const std::vector<std::int64_t> kBit{0, 1};
const std::vector<std::int64_t> kOne{1};

// ---------------------------------------------------------------------------------------------
// SB: P0: Wx1; r0=Ry || P1: Wy1; r0=Rx. Weak: 0:r0=0 and 1:r0=0.
// Each load reads the init write or the other thread's store: 2 x 2 = 4 graphs, each a
// different outcome; x and y end 1.
const ShapeSpec kSb{"sb", {{"0:r0", kBit}, {"1:r0", kBit}, {"x", kOne}, {"y", kOne}},
                    [](const Row& r) { return r["0:r0"] == 0 && r["1:r0"] == 0; }};

// Relaxed: no sw at all, hb = po; both reads of 0 give Ry -fr-> Wy and Rx -fr-> Wx, and no
// axiom sees a cycle (po;fr;po;fr is not hb;eco). 4 graphs.
TEST_CASE("store buffering with relaxed accesses lets both loads read 0", "[core][shapes]") {
    expect_allowed(kSb, "rlx", 4);
}

// Release/acquire: a load that reads 0 reads init, so there is no sw; same as relaxed. 4.
TEST_CASE("store buffering with release/acquire still lets both loads read 0", "[core][shapes]") {
    expect_allowed(kSb, "ra", 4);
}

// seq_cst: the weak graph has Wx -po-> Ry -fr-> Wy -po-> Rx -fr-> Wx, all SC events and
// po, fr in scb: a psc cycle (SC). 4 - 1 = 3.
TEST_CASE("store buffering with seq_cst accesses forbids both loads reading 0", "[core][shapes]") {
    expect_forbidden(kSb, "sc", 3);
}

// seq_cst fences: F0 -po-> Ry -fr-> Wy -po-> F1 is hb;eco;hb from F0 to F1, and symmetrically
// F1 to F0: a psc_F cycle (SC). 3.
TEST_CASE("store buffering with seq_cst fences forbids both loads reading 0", "[core][shapes]") {
    expect_forbidden(kSb, "fenced", 3);
}

// acq_rel fences between a store and a load give no sw here (the loads read init), so the
// weak graph stays consistent. 4.
TEST_CASE("store buffering with acq_rel fences still lets both loads read 0", "[core][shapes]") {
    expect_allowed(kSb, "fenced-ra", 4);
}

// Loads as fetch_add(0, acq_rel): an RMW that reads init sits right after init in co, before
// the other thread's store (ATOMICITY fixes co). No sw arises from reading init, so the weak
// graph is consistent: RMWs are not fences in C++. 2 x 2 rf choices, co forced: 4.
TEST_CASE("store buffering with RMW loads still lets both loads read 0", "[core][shapes]") {
    expect_allowed(kSb, "rmw", 4);
}

// ---------------------------------------------------------------------------------------------
// MP: P0: Wx1; Wy1 || P1: r0=Ry; r1=Rx. Weak: 1:r0=1 and 1:r1=0 (flag seen, data not).
// 2 x 2 rf choices.
const ShapeSpec kMp{"mp", {{"1:r0", kBit}, {"1:r1", kBit}, {"x", kOne}, {"y", kOne}},
                    [](const Row& r) { return r["1:r0"] != 0 && r["1:r1"] == 0; }};

// Relaxed: no sw, the weak graph has no hb;eco cycle. 4.
TEST_CASE("message passing with relaxed accesses can show the stale data", "[core][shapes]") {
    expect_allowed(kMp, "rlx", 4);
}

// Release/acquire: Ry reading Wy1 is sw, so Wx1 -hb-> Rx; Rx reading init gives
// Rx -fr-> Wx1: hb;eco reflexive (COHERENCE). 4 - 1 = 3.
TEST_CASE("message passing with release/acquire never shows the stale data", "[core][shapes]") {
    expect_forbidden(kMp, "ra", 3);
}

// seq_cst accesses are release/acquire too: forbidden by COHERENCE as above (and by SC). 3.
TEST_CASE("message passing with seq_cst accesses never shows the stale data", "[core][shapes]") {
    expect_forbidden(kMp, "sc", 3);
}

// seq_cst fences are release and acquire fences: F0 -po-> Wy1 -rf-> Ry -po-> F1 is sw, so
// Wx1 -hb-> Rx and reading init breaks COHERENCE. 3.
TEST_CASE("message passing with seq_cst fences never shows the stale data", "[core][shapes]") {
    expect_forbidden(kMp, "fenced", 3);
}

// Release fence before Wy1, acquire fence after Ry: sw from fence to fence, as above. 3.
TEST_CASE("message passing with release and acquire fences never shows the stale data",
          "[core][shapes]") {
    expect_forbidden(kMp, "fenced-ra", 3);
}

// Ry and Rx become fetch_add(0, acq_rel). y: if P1's RMW reads Wy1 (release) it synchronises,
// so its RMW on x must be co-after Wx1 and read it (COHERENCE): 1 graph. If it reads init, it
// sits before Wy1 in co; its x RMW reads init (co before Wx1) or Wx1: 2 graphs. 3 in all.
TEST_CASE("message passing with RMW loads never shows the stale data", "[core][shapes]") {
    expect_forbidden(kMp, "rmw", 3);
}

// rs-po: P0: Wx1 (rlx); Wy1 (rel); Wy2 (rlx) || P1: r0=Ry (acq); r1=Rx (rlx). RC11's release
// sequence of Wy1 includes the po-later Wy2 ([W];po|loc?;[W]), so reading 2 is sw from Wy1
// and Rx must read 1 (COHERENCE), as when reading 1. co on y is forced by po (init, 1, 2).
// Graphs: Ry=0 with Rx in {0, 1} (2), Ry=1 with Rx=1, Ry=2 with Rx=1: 4.
TEST_CASE("message passing through a later relaxed store of the same thread still synchronises",
          "[core][shapes]") {
    const Domains d{{"1:r0", {0, 1, 2}}, {"1:r1", kBit}, {"x", kOne}, {"y", {2}}};
    expect_rc11(kMp, "rs-po", every_but(d, kMp.weak), 4);
}

// ---------------------------------------------------------------------------------------------
// LB: P0: r0=Rx; Wy1 || P1: r0=Ry; Wx1. Weak: both loads read 1. Both reading 1 makes
// Rx -po-> Wy1 -rf-> Ry -po-> Wx1 -rf-> Rx a po|rf cycle, forbidden in every flavour
// (NO-THIN-AIR). 2 x 2 rf choices minus that one: 3.
const ShapeSpec kLb{"lb", {{"0:r0", kBit}, {"1:r0", kBit}, {"x", kOne}, {"y", kOne}},
                    [](const Row& r) { return r["0:r0"] == 1 && r["1:r0"] == 1; }};

TEST_CASE("load buffering with relaxed accesses never reads from the future", "[core][shapes]") {
    expect_forbidden(kLb, "rlx", 3);
}
TEST_CASE("load buffering with release/acquire never reads from the future", "[core][shapes]") {
    expect_forbidden(kLb, "ra", 3);
}
TEST_CASE("load buffering with seq_cst accesses never reads from the future", "[core][shapes]") {
    expect_forbidden(kLb, "sc", 3);
}
TEST_CASE("load buffering with seq_cst fences never reads from the future", "[core][shapes]") {
    expect_forbidden(kLb, "fenced", 3);
}
TEST_CASE("load buffering with acq_rel fences never reads from the future", "[core][shapes]") {
    expect_forbidden(kLb, "fenced-ra", 3);
}
// RMW loads: each RMW reads init (co right after it, then the other store) or the other
// store (co after it): the same 2 x 2 choices, minus the po|rf cycle. 3.
TEST_CASE("load buffering with RMW loads never reads from the future", "[core][shapes]") {
    expect_forbidden(kLb, "rmw", 3);
}

// ---------------------------------------------------------------------------------------------
// S: P0: Wx2; Wy1 || P1: r0=Ry; Wx1. Weak: 1:r0=1 and x=2 (Wx1 co-before Wx2).
// Ry has 2 rf choices, x has 2 co orders: 4 graphs.
const ShapeSpec kS{"s", {{"1:r0", kBit}, {"x", {1, 2}}, {"y", kOne}},
                   [](const Row& r) { return r["1:r0"] == 1 && r["x"] == 2; }};

// Relaxed: no hb from Wx2 to Wx1, so either co order is coherent. 4.
TEST_CASE("S with relaxed accesses lets the reader's store be overwritten", "[core][shapes]") {
    expect_allowed(kS, "rlx", 4);
}
// Release/acquire: Ry reading Wy1 is sw, so Wx2 -hb-> Wx1; Wx1 -co-> Wx2 would close
// hb;eco (COHERENCE). 3.
TEST_CASE("S with release/acquire orders the two stores to x", "[core][shapes]") {
    expect_forbidden(kS, "ra", 3);
}
TEST_CASE("S with seq_cst accesses orders the two stores to x", "[core][shapes]") {
    expect_forbidden(kS, "sc", 3);
}
// seq_cst fences: F0 -po-> Wy1 -rf-> Ry -po-> F1 is a fence-to-fence sw, so Wx2 -hb-> Wx1
// again (COHERENCE). 3.
TEST_CASE("S with seq_cst fences orders the two stores to x", "[core][shapes]") {
    expect_forbidden(kS, "fenced", 3);
}
// Release fence in P0, acq_rel fence between P1's load and store: fence-to-fence sw. 3.
TEST_CASE("S with release/acquire fences orders the two stores to x", "[core][shapes]") {
    expect_forbidden(kS, "fenced-ra", 3);
}
// Ry as fetch_add(0, acq_rel): reading Wy1 (release) is sw as in ra; reading init puts the
// RMW before Wy1 in co. 2 y-graphs x 2 co orders on x, minus the weak one: 3.
TEST_CASE("S with an RMW load orders the two stores to x", "[core][shapes]") {
    expect_forbidden(kS, "rmw", 3);
}

// ---------------------------------------------------------------------------------------------
// R: P0: Wx1; Wy1 || P1: Wy2; r0=Rx. Weak: y=2 (Wy1 co-before Wy2) and 1:r0=0.
// 2 co orders on y x 2 rf choices for Rx: 4.
const ShapeSpec kR{"r", {{"1:r0", kBit}, {"x", kOne}, {"y", {1, 2}}},
                   [](const Row& r) { return r["y"] == 2 && r["1:r0"] == 0; }};

TEST_CASE("R with relaxed accesses allows the weak outcome", "[core][shapes]") {
    expect_allowed(kR, "rlx", 4);
}
// Release/acquire: co is not synchronisation; Rx reads init with no sw. Allowed. 4.
TEST_CASE("R with release/acquire allows the weak outcome", "[core][shapes]") {
    expect_allowed(kR, "ra", 4);
}
// seq_cst: Wx1 -po-> Wy1 -co-> Wy2 -po-> Rx -fr-> Wx1 is a psc cycle (SC). 3.
TEST_CASE("R with seq_cst accesses forbids the weak outcome", "[core][shapes]") {
    expect_forbidden(kR, "sc", 3);
}
// seq_cst fences: F0 -po-> Wy1 -co-> Wy2 -po-> F1 and F1 -po-> Rx -fr-> Wx1 -po-> F0 are
// both hb;eco;hb: a psc_F cycle (SC). 3.
TEST_CASE("R with seq_cst fences forbids the weak outcome", "[core][shapes]") {
    expect_forbidden(kR, "fenced", 3);
}
// Release fence in P0 and acq_rel fence between P1's store and load: nothing reads a value
// across threads, so no sw. 4.
TEST_CASE("R with release/acquire fences allows the weak outcome", "[core][shapes]") {
    expect_allowed(kR, "fenced-ra", 4);
}
// Rx as fetch_add(0, acq_rel): reading init puts it before Wx1 in co, still no sw. 4.
TEST_CASE("R with an RMW load allows the weak outcome", "[core][shapes]") {
    expect_allowed(kR, "rmw", 4);
}

// ---------------------------------------------------------------------------------------------
// 2+2W: P0: Wx1; Wy2 || P1: Wy1; Wx2. Weak: x=1 and y=1 (each first store co-last).
// 2 co orders on x x 2 on y: 4 graphs, told apart by the final values.
const ShapeSpec k2p2w{"2+2w", {{"x", {1, 2}}, {"y", {1, 2}}},
                      [](const Row& r) { return r["x"] == 1 && r["y"] == 1; }};

// Relaxed: po;co;po;co is no hb;eco cycle. 4.
TEST_CASE("2+2W with relaxed stores allows each first store to end last", "[core][shapes]") {
    expect_allowed(k2p2w, "rlx", 4);
}
// Release stores: no reads, no sw. 4.
TEST_CASE("2+2W with release stores allows each first store to end last", "[core][shapes]") {
    expect_allowed(k2p2w, "ra", 4);
}
// seq_cst: Wx1 -po-> Wy2 -co-> Wy1 -po-> Wx2 -co-> Wx1: psc cycle (SC). 3.
TEST_CASE("2+2W with seq_cst stores forbids each first store ending last", "[core][shapes]") {
    expect_forbidden(k2p2w, "sc", 3);
}
// seq_cst fences: F0 -po-> Wy2 -co-> Wy1 -po-> F1 and back through x: psc_F cycle (SC). 3.
TEST_CASE("2+2W with seq_cst fences forbids each first store ending last", "[core][shapes]") {
    expect_forbidden(k2p2w, "fenced", 3);
}
// Release fences without any read: no sw. 4.
TEST_CASE("2+2W with release fences allows each first store to end last", "[core][shapes]") {
    expect_allowed(k2p2w, "fenced-ra", 4);
}
// Stores as exchange(v, acq_rel): each exchange reads its co-predecessor (ATOMICITY), so the
// reads see values. In the weak graph (Wy2 co-before Wy1, Wx2 co-before Wx1) Wy1 reads Wy2
// and Wx1 reads Wx2, both release-to-acquire: Wx1 -po-> Wy2 -sw-> Wy1 -po-> Wx2 -sw-> Wx1 is
// an hb cycle (COHERENCE). 4 - 1 = 3. Registers: each exchange returns its co-predecessor's
// value (0 for the first after init).
TEST_CASE("2+2W with acq_rel exchanges forbids each first store ending last", "[core][shapes]") {
    // co x: Wx1 < Wx2 gives 0:r0=0, 1:r1=1, x=2; Wx2 < Wx1 gives 1:r1=0, 0:r0=2, x=1.
    // co y: Wy2 < Wy1 gives 0:r1=0, 1:r0=2, y=1; Wy1 < Wy2 gives 1:r0=0, 0:r1=1, y=2.
    const OutcomeSet expected{
        sorted({{"0:r0", 0}, {"1:r1", 1}, {"x", 2}, {"0:r1", 0}, {"1:r0", 2}, {"y", 1}}),
        sorted({{"0:r0", 0}, {"1:r1", 1}, {"x", 2}, {"1:r0", 0}, {"0:r1", 1}, {"y", 2}}),
        sorted({{"1:r1", 0}, {"0:r0", 2}, {"x", 1}, {"1:r0", 0}, {"0:r1", 1}, {"y", 2}}),
    };
    expect_rc11(k2p2w, "rmw", expected, 3);
}

// ---------------------------------------------------------------------------------------------
// WRC: P0: Wx1 || P1: r0=Rx; Wy1 || P2: r0=Ry; r1=Rx. Weak: 1:r0=1, 2:r0=1, 2:r1=0.
// Three loads with 2 rf choices each: 8 graphs.
const ShapeSpec kWrc{"wrc", {{"1:r0", kBit}, {"2:r0", kBit}, {"2:r1", kBit}, {"x", kOne}, {"y", kOne}},
                     [](const Row& r) { return r["1:r0"] == 1 && r["2:r0"] == 1 && r["2:r1"] == 0; }};

// Relaxed: no hb across threads. 8.
TEST_CASE("WRC with relaxed accesses is not causal", "[core][shapes]") {
    expect_allowed(kWrc, "rlx", 8);
}
// Release/acquire: Wx1 -sw-> P1.Rx -po-> Wy1 -sw-> P2.Ry -po-> P2.Rx, so Wx1 -hb-> P2.Rx and
// reading init gives P2.Rx -fr-> Wx1: hb;eco reflexive (COHERENCE). hb is transitive:
// release/acquire is cumulative. 7.
TEST_CASE("WRC with release/acquire is causal", "[core][shapes]") {
    expect_forbidden(kWrc, "ra", 7);
}
TEST_CASE("WRC with seq_cst accesses is causal", "[core][shapes]") {
    expect_forbidden(kWrc, "sc", 7);
}
// seq_cst fences in P1 (between Rx and Wy1) and P2 (between its loads); Wx1 is relaxed and
// P0 has no fence, so nothing synchronises with P0. But F1 -po-> Wy1 -rf-> P2.Ry -po-> F2
// is a fence-to-fence sw, so P1.Rx -hb-> P2.Rx; with P1.Rx reading Wx1 and P2.Rx reading
// init, P2.Rx -fr-> Wx1 -rf-> P1.Rx is eco back: hb;eco reflexive (COHERENCE). 7.
TEST_CASE("WRC with seq_cst fences is causal", "[core][shapes]") {
    expect_forbidden(kWrc, "fenced", 7);
}
// acq_rel fence in P1, acquire fence in P2: the same fence-to-fence sw and read-read
// coherence through hb. 7.
TEST_CASE("WRC with release/acquire fences is causal", "[core][shapes]") {
    expect_forbidden(kWrc, "fenced-ra", 7);
}
// Loads as fetch_add(0, acq_rel): x has Wx1 and the RMWs A (P1) and B (P2); y has Wy1 and
// P2's RMW C. co on x: the 3! orders of {Wx1, A, B} (each RMW reads its co-predecessor);
// on y: C before or after Wy1.
// - C after Wy1 (C reads Wy1, sw): A -hb-> B, so B co-before A is hb;eco (COHERENCE): only
//   the 3 x-orders with A before B.
// - C before Wy1 (reads init): no constraint from P1 to P2; all 6 x-orders are consistent.
// 3 + 6 = 9 graphs; the weak outcome needs A to read 1, C to read 1 and B to read 0 (B
// before Wx1 and A), excluded by the first case. Outcomes: all 8 but the weak one.
TEST_CASE("WRC with RMW loads is causal", "[core][shapes]") {
    expect_forbidden(kWrc, "rmw", 9);
}

// ---------------------------------------------------------------------------------------------
// IRIW: P0: Wx1 || P1: Wy1 || P2: r0=Rx; r1=Ry || P3: r0=Ry; r1=Rx.
// Weak: 2:r0=1, 2:r1=0, 3:r0=1, 3:r1=0 (the readers disagree on the order of the writes).
// Four loads, 2 rf choices each: 16.
const ShapeSpec kIriw{"iriw",
                      {{"2:r0", kBit}, {"2:r1", kBit}, {"3:r0", kBit}, {"3:r1", kBit}, {"x", kOne}, {"y", kOne}},
                      [](const Row& r) {
                          return r["2:r0"] == 1 && r["2:r1"] == 0 && r["3:r0"] == 1 && r["3:r1"] == 0;
                      }};

TEST_CASE("IRIW with relaxed accesses lets readers disagree on the order of writes", "[core][shapes]") {
    expect_allowed(kIriw, "rlx", 16);
}
// Release/acquire: the only sw edges are Wx1 -> P2.Rx and Wy1 -> P3.Ry; no hb reaches from
// one reader to the other, and fr;po;rf is no hb;eco cycle. RC11 is not multi-copy atomic
// for release/acquire. 16.
TEST_CASE("IRIW with release/acquire lets readers disagree on the order of writes", "[core][shapes]") {
    expect_allowed(kIriw, "ra", 16);
}
// seq_cst: P2.Rx -po-> P2.Ry -fr-> Wy1 -rf-> P3.Ry -po-> P3.Rx -fr-> Wx1 -rf-> P2.Rx; the SC
// events are linked in scb (po, fr, and Wy1 -hb|loc-> P3.Ry via sw): psc cycle (SC). 15.
TEST_CASE("IRIW with seq_cst accesses forbids readers disagreeing", "[core][shapes]") {
    expect_forbidden(kIriw, "sc", 15);
}
// seq_cst fences between the reads, relaxed writes: F2 -po-> P2.Ry -fr-> Wy1 -rf-> P3.Ry
// -po-> F3 is hb;eco;hb (eco = fr;rf), and symmetrically F3 to F2: psc_F cycle (SC), the
// RC11/C++20 fence rule. 15.
TEST_CASE("IRIW with seq_cst fences between the reads forbids readers disagreeing even with relaxed writes",
          "[core][shapes]") {
    expect_forbidden(kIriw, "fenced", 15);
}
// Acquire fences between the reads give sw only from the writer to the reader. 16.
TEST_CASE("IRIW with acquire fences lets readers disagree", "[core][shapes]") {
    expect_allowed(kIriw, "fenced-ra", 16);
}
// seq_cst reads, relaxed writes: psc edges must start and end at SC events (the reads).
// scb links P2.Rx -po-> P2.Ry and P3.Ry -po-> P3.Rx; fr goes to the relaxed writes, which
// are not SC, and the writes synchronise with nothing (relaxed), so no hb reaches from one
// reader to the other: no path from P2's reads to P3's in psc. Acyclic: allowed in RC11. 16.
TEST_CASE("IRIW with seq_cst reads but relaxed writes lets readers disagree", "[core][shapes]") {
    expect_allowed(kIriw, "sc-reads", 16);
}
// Reads as fetch_add(0, acq_rel): x holds Wx1, A = P2's RMW, B = P3's RMW (6 co orders, each
// RMW reading its co-predecessor); y holds Wy1, C = P2's, D = P3's (6 orders). RMW-to-RMW rf
// is release-to-acquire (sw); from Wy1 / Wx1 too, but those chains end at the plain store.
// Let X = "B immediately before A on x" (sw P3 -> P2: B -sw-> A), Y = "C immediately before
// D on y" (sw P2 -> P3). X and Y together: A -po-> C -sw-> D -po-> B -sw-> A, an hb cycle.
// X alone: D -po-> B -hb-> A -po-> C, so C co-before D is hb;eco (COHERENCE): 3 y-orders
// (D before C) remain. Y alone: symmetric, 3 x-orders. Neither: no hb between the readers,
// 4 x 4 orders. 2 x 2 orders are X resp. Y: 0 + 2*3 + 2*3 + 16 = 28.
// The weak outcome (A reads 1, B reads 0: B < Wx1 < A; D reads 1, C reads 0: C < Wy1 < D)
// is in the "neither" case: allowed, like ra. All 16 register combinations occur.
TEST_CASE("IRIW with acq_rel RMW reads lets readers disagree", "[core][shapes]") {
    expect_allowed(kIriw, "rmw", 28);
}

// ---------------------------------------------------------------------------------------------
// ISA2: P0: Wx1; Wy1 || P1: r0=Ry; Wz1 || P2: r0=Rz; r1=Rx. Weak: 1:r0=1, 2:r0=1, 2:r1=0.
// Three loads: 8 graphs.
const ShapeSpec kIsa2{"isa2",
                      {{"1:r0", kBit}, {"2:r0", kBit}, {"2:r1", kBit}, {"x", kOne}, {"y", kOne}, {"z", kOne}},
                      [](const Row& r) { return r["1:r0"] == 1 && r["2:r0"] == 1 && r["2:r1"] == 0; }};

TEST_CASE("ISA2 with relaxed accesses loses the message", "[core][shapes]") {
    expect_allowed(kIsa2, "rlx", 8);
}
// Release/acquire: Wx1 -po-> Wy1 -sw-> P1.Ry -po-> Wz1 -sw-> P2.Rz -po-> P2.Rx, hb; reading
// init is hb;fr (COHERENCE). 7.
TEST_CASE("ISA2 with release/acquire passes the message through the relay", "[core][shapes]") {
    expect_forbidden(kIsa2, "ra", 7);
}
TEST_CASE("ISA2 with seq_cst accesses passes the message through the relay", "[core][shapes]") {
    expect_forbidden(kIsa2, "sc", 7);
}
// seq_cst fences are release/acquire fences: fence-to-fence sw along the chain. 7.
TEST_CASE("ISA2 with seq_cst fences passes the message through the relay", "[core][shapes]") {
    expect_forbidden(kIsa2, "fenced", 7);
}
TEST_CASE("ISA2 with release/acquire fences passes the message through the relay", "[core][shapes]") {
    expect_forbidden(kIsa2, "fenced-ra", 7);
}
// Loads as fetch_add(0, acq_rel): each location has one store and one RMW, so its co order
// is fixed by the RMW's rf (2 choices each, 8 graphs); the weak graph keeps the ra sw chain
// (COHERENCE). 7.
TEST_CASE("ISA2 with RMW loads passes the message through the relay", "[core][shapes]") {
    expect_forbidden(kIsa2, "rmw", 7);
}

// ---------------------------------------------------------------------------------------------
// RWC: P0: Wx1 || P1: r0=Rx; r1=Ry || P2: Wy1; r0=Rx. Weak: 1:r0=1, 1:r1=0, 2:r0=0.
// Three loads: 8.
const ShapeSpec kRwc{"rwc", {{"1:r0", kBit}, {"1:r1", kBit}, {"2:r0", kBit}, {"x", kOne}, {"y", kOne}},
                     [](const Row& r) { return r["1:r0"] == 1 && r["1:r1"] == 0 && r["2:r0"] == 0; }};

TEST_CASE("RWC with relaxed accesses allows the weak outcome", "[core][shapes]") {
    expect_allowed(kRwc, "rlx", 8);
}
// Release/acquire: sw only Wx1 -> P1.Rx; P2's store-then-load is not ordered by ra. 8.
TEST_CASE("RWC with release/acquire allows the weak outcome", "[core][shapes]") {
    expect_allowed(kRwc, "ra", 8);
}
// seq_cst: Wx1 -rf-> P1.Rx (sw, hb|loc) -po-> P1.Ry -fr-> Wy1 -po-> P2.Rx -fr-> Wx1: psc
// cycle (SC). 7.
TEST_CASE("RWC with seq_cst accesses forbids the weak outcome", "[core][shapes]") {
    expect_forbidden(kRwc, "sc", 7);
}
// seq_cst fences in P1 and P2: F1 -po-> P1.Ry -fr-> Wy1 -po-> F2 and F2 -po-> P2.Rx -fr->
// Wx1 -rf-> P1.Rx -po-> F1 are hb;eco;hb: psc_F cycle (SC), without a fence in P0. 7.
TEST_CASE("RWC with seq_cst fences forbids the weak outcome", "[core][shapes]") {
    expect_forbidden(kRwc, "fenced", 7);
}
// Acquire fence in P1, acq_rel fence between P2's store and load: no SC, nothing orders
// P2's store before its load. 8.
TEST_CASE("RWC with release/acquire fences allows the weak outcome", "[core][shapes]") {
    expect_allowed(kRwc, "fenced-ra", 8);
}
// Loads as fetch_add(0, acq_rel): x holds Wx1, A = P1's RMW, B = P2's RMW (3! co orders,
// each RMW reading its co-predecessor); y holds Wy1 and C = P1's RMW (C before or after Wy1):
// 12 combinations. When B is immediately before A on x, A reads B: B -sw-> A (acq_rel both
// ways), so Wy1 -po-> B -sw-> A -po-> C makes Wy1 -hb-> C, and C before Wy1 (C -fr-> Wy1)
// is hb;eco (COHERENCE). That excludes 2 x-orders (B A Wx1, Wx1 B A) with C first: 10.
// Every other sw (Wx1 -> A or B, A -> B, Wy1 -> C) points along co and closes no cycle.
// The weak outcome (B reads init, A reads Wx1, C reads init) is the order (B Wx1 A) with C
// before Wy1: consistent, as in ra. All 8 outcomes.
TEST_CASE("RWC with RMW loads allows the weak outcome", "[core][shapes]") {
    expect_allowed(kRwc, "rmw", 10);
}

// ---------------------------------------------------------------------------------------------
// W+RWC: P0: Wx1; Wy1 || P1: r0=Ry; r1=Rz || P2: Wz1; r0=Rx. Weak: 1:r0=1, 1:r1=0, 2:r0=0.
// Three loads: 8.
const ShapeSpec kWrwc{"w+rwc",
                      {{"1:r0", kBit}, {"1:r1", kBit}, {"2:r0", kBit}, {"x", kOne}, {"y", kOne}, {"z", kOne}},
                      [](const Row& r) { return r["1:r0"] == 1 && r["1:r1"] == 0 && r["2:r0"] == 0; }};

TEST_CASE("W+RWC with relaxed accesses allows the weak outcome", "[core][shapes]") {
    expect_allowed(kWrwc, "rlx", 8);
}
// Release/acquire: Wx1 -hb-> P1's loads, but P2's Wz1 -po-> Rx is unordered. 8.
TEST_CASE("W+RWC with release/acquire allows the weak outcome", "[core][shapes]") {
    expect_allowed(kWrwc, "ra", 8);
}
// seq_cst: Wx1 -po-> Wy1 -rf/sw-> P1.Ry -po-> P1.Rz -fr-> Wz1 -po-> P2.Rx -fr-> Wx1: psc
// cycle (SC). 7.
TEST_CASE("W+RWC with seq_cst accesses forbids the weak outcome", "[core][shapes]") {
    expect_forbidden(kWrwc, "sc", 7);
}
// seq_cst fences in all three threads: F0 -> F1 (sw via y), F1 -> F2 (fr via z), F2 -> F0
// (fr via x), each hb or hb;eco;hb: psc_F cycle (SC). 7.
TEST_CASE("W+RWC with seq_cst fences forbids the weak outcome", "[core][shapes]") {
    expect_forbidden(kWrwc, "fenced", 7);
}
TEST_CASE("W+RWC with release/acquire fences allows the weak outcome", "[core][shapes]") {
    expect_allowed(kWrwc, "fenced-ra", 8);
}
// Loads as fetch_add(0, acq_rel): each location has one store and one RMW (co fixed by rf):
// 8 graphs, the weak one consistent as in ra (no sw from P1 to P2: P1's z-RMW precedes Wz1).
TEST_CASE("W+RWC with RMW loads allows the weak outcome", "[core][shapes]") {
    expect_allowed(kWrwc, "rmw", 8);
}

// ---------------------------------------------------------------------------------------------
// CoRR: P0: Wx1 || P1: r0=Rx; r1=Rx. Weak: 1:r0=1, 1:r1=0. Reading Wx1 then init:
// R1 -po-> R2 -fr-> Wx1 -rf-> R1 is hb;eco (COHERENCE), in every flavour.
// Graphs: (init, init), (init, Wx1), (Wx1, Wx1): 3.
const ShapeSpec kCorr{"corr", {{"1:r0", kBit}, {"1:r1", kBit}, {"x", kOne}},
                      [](const Row& r) { return r["1:r0"] == 1 && r["1:r1"] == 0; }};

TEST_CASE("CoRR with relaxed reads never goes back in coherence order", "[core][shapes]") {
    expect_forbidden(kCorr, "rlx", 3);
}
TEST_CASE("CoRR with acquire reads never goes back in coherence order", "[core][shapes]") {
    expect_forbidden(kCorr, "ra", 3);
}
TEST_CASE("CoRR with seq_cst accesses never goes back in coherence order", "[core][shapes]") {
    expect_forbidden(kCorr, "sc", 3);
}
// Reads as RMWs: the three writes Wx1, A, B (P1's RMWs, A -po-> B) — B before A in co is
// hb;eco (COHERENCE); the orders with A before B are (Wx1 A B), (A Wx1 B), (A B Wx1): 3,
// with A/B reading (1,1), (0,1), (0,0).
TEST_CASE("CoRR with RMW reads never goes back in coherence order", "[core][shapes]") {
    expect_forbidden(kCorr, "rmw", 3);
}

// ---------------------------------------------------------------------------------------------
// CoRW: P0: r0=Rx; Wx1 || P1: Wx2. Weak: 0:r0=2 and x=2: Rx reads Wx2 while the po-later
// Wx1 is co-before Wx2: Rx -po-> Wx1 -co-> Wx2 -rf-> Rx is hb;eco (COHERENCE).
// Graphs: co (1 < 2) with Rx reading init; co (2 < 1) with Rx reading init or Wx2: 3.
const ShapeSpec kCorw{"corw", {{"0:r0", {0, 2}}, {"x", {1, 2}}},
                      [](const Row& r) { return r["0:r0"] == 2 && r["x"] == 2; }};

TEST_CASE("CoRW with relaxed accesses never reads from a later store", "[core][shapes]") {
    expect_forbidden(kCorw, "rlx", 3);
}
TEST_CASE("CoRW with release/acquire never reads from a later store", "[core][shapes]") {
    expect_forbidden(kCorw, "ra", 3);
}
TEST_CASE("CoRW with seq_cst accesses never reads from a later store", "[core][shapes]") {
    expect_forbidden(kCorw, "sc", 3);
}
// Rx as fetch_add(0, acq_rel), A: A -po-> Wx1 so A co-before Wx1 (COHERENCE); orders of
// {A, Wx1, Wx2} with A before Wx1: (A 1 2), (A 2 1), (2 A 1): 3, with A reading 0, 0, 2 and
// x = 2, 1, 1.
TEST_CASE("CoRW with an RMW read never reads from a later store", "[core][shapes]") {
    expect_forbidden(kCorw, "rmw", 3);
}

// ---------------------------------------------------------------------------------------------
// CoWR: P0: Wx1; r0=Rx || P1: Wx2. Weak: Rx reads a write co-before its own po-earlier Wx1
// (init, or Wx2 when Wx1 is co-last): Wx1 -po-> Rx -fr-> Wx1 is hb;eco (COHERENCE).
// Graphs: co (1 < 2): Rx reads Wx1 or Wx2; co (2 < 1): Rx reads Wx1: 3.
const ShapeSpec kCowr{"cowr", {{"0:r0", {0, 1, 2}}, {"x", {1, 2}}},
                      [](const Row& r) { return r["0:r0"] == 0 || (r["0:r0"] == 2 && r["x"] == 1); }};

TEST_CASE("CoWR with relaxed accesses never reads past its own store", "[core][shapes]") {
    expect_forbidden(kCowr, "rlx", 3);
}
TEST_CASE("CoWR with release/acquire never reads past its own store", "[core][shapes]") {
    expect_forbidden(kCowr, "ra", 3);
}
TEST_CASE("CoWR with seq_cst accesses never reads past its own store", "[core][shapes]") {
    expect_forbidden(kCowr, "sc", 3);
}
// Rx as an RMW A after Wx1: A after Wx1 in co; orders (1 A 2), (1 2 A), (2 1 A): A reads
// 1, 2, 1 and x ends 2, 2 (A writes back the 2 it read), 1. 3.
TEST_CASE("CoWR with an RMW read never reads past its own store", "[core][shapes]") {
    expect_forbidden(kCowr, "rmw", 3);
}

// ---------------------------------------------------------------------------------------------
// CoWW: P0: Wx1; Wx2 || P1: Wx3. Weak: x=1: Wx1 -po-> Wx2 -co-> Wx1 is hb;eco (COHERENCE).
// co orders with Wx1 before Wx2: Wx3 first, middle or last: 3 graphs; x ends 2 or 3.
const ShapeSpec kCoww{"coww", {{"x", {1, 2, 3}}}, [](const Row& r) { return r["x"] == 1; }};

TEST_CASE("CoWW with relaxed stores keeps program order in coherence order", "[core][shapes]") {
    expect_forbidden(kCoww, "rlx", 3);
}
TEST_CASE("CoWW with release stores keeps program order in coherence order", "[core][shapes]") {
    expect_forbidden(kCoww, "ra", 3);
}
TEST_CASE("CoWW with seq_cst stores keeps program order in coherence order", "[core][shapes]") {
    expect_forbidden(kCoww, "sc", 3);
}
// Stores as exchanges: each returns its co-predecessor's value. (3 1 2): 0:r0=3, 0:r1=1,
// 1:r0=0, x=2; (1 3 2): 0:r0=0, 1:r0=1, 0:r1=3, x=2; (1 2 3): 0:r0=0, 0:r1=1, 1:r0=2, x=3.
TEST_CASE("CoWW with exchanges keeps program order in coherence order", "[core][shapes]") {
    const OutcomeSet expected{
        sorted({{"0:r0", 3}, {"0:r1", 1}, {"1:r0", 0}, {"x", 2}}),
        sorted({{"0:r0", 0}, {"0:r1", 3}, {"1:r0", 1}, {"x", 2}}),
        sorted({{"0:r0", 0}, {"0:r1", 1}, {"1:r0", 2}, {"x", 3}}),
    };
    expect_rc11(kCoww, "rmw", expected, 3);
}

// ---------------------------------------------------------------------------------------------
// SB rings: Pi: W x_i 1; r0 = R x_(i+1). Weak: every load reads 0. N loads: 2^N graphs.
// Only seq_cst accesses or fences forbid the all-zero one: its po;fr ring is a psc cycle
// (psc_F for fences, each Fi -po-> R -fr-> W -po-> F(i+1) being hb;eco;hb): 2^N - 1.
const ShapeSpec kSb3{"sb3",
                     {{"0:r0", kBit}, {"1:r0", kBit}, {"2:r0", kBit}, {"x", kOne}, {"y", kOne}, {"z", kOne}},
                     [](const Row& r) { return r["0:r0"] == 0 && r["1:r0"] == 0 && r["2:r0"] == 0; }};
const ShapeSpec kSb4{"sb4",
                     {{"0:r0", kBit}, {"1:r0", kBit}, {"2:r0", kBit}, {"3:r0", kBit},
                      {"x", kOne}, {"y", kOne}, {"z", kOne}, {"w", kOne}},
                     [](const Row& r) {
                         return r["0:r0"] == 0 && r["1:r0"] == 0 && r["2:r0"] == 0 && r["3:r0"] == 0;
                     }};

TEST_CASE("a ring of three store buffers shows all zeros unless seq_cst", "[core][shapes]") {
    expect_allowed(kSb3, "rlx", 8);
    expect_allowed(kSb3, "ra", 8);
    expect_forbidden(kSb3, "sc", 7);
    expect_forbidden(kSb3, "fenced", 7);
    expect_allowed(kSb3, "fenced-ra", 8);
    expect_allowed(kSb3, "rmw", 8);  // RMW loads read init without sw, as in SB
}
TEST_CASE("a ring of four store buffers shows all zeros unless seq_cst", "[core][shapes]") {
    expect_allowed(kSb4, "rlx", 16);
    expect_allowed(kSb4, "ra", 16);
    expect_forbidden(kSb4, "sc", 15);
    expect_forbidden(kSb4, "fenced", 15);
    expect_allowed(kSb4, "fenced-ra", 16);
    expect_allowed(kSb4, "rmw", 16);
}

// ---------------------------------------------------------------------------------------------
// LB rings: Pi: r0 = R x_i; W x_(i+1) 1. Weak: every load reads 1, a po|rf cycle (NO-THIN-AIR)
// in every flavour. Any other subset of loads reading 1 is consistent: 2^N - 1.
const ShapeSpec kLb3{"lb3",
                     {{"0:r0", kBit}, {"1:r0", kBit}, {"2:r0", kBit}, {"x", kOne}, {"y", kOne}, {"z", kOne}},
                     [](const Row& r) { return r["0:r0"] == 1 && r["1:r0"] == 1 && r["2:r0"] == 1; }};
const ShapeSpec kLb4{"lb4",
                     {{"0:r0", kBit}, {"1:r0", kBit}, {"2:r0", kBit}, {"3:r0", kBit},
                      {"x", kOne}, {"y", kOne}, {"z", kOne}, {"w", kOne}},
                     [](const Row& r) {
                         return r["0:r0"] == 1 && r["1:r0"] == 1 && r["2:r0"] == 1 && r["3:r0"] == 1;
                     }};

TEST_CASE("a ring of three load buffers never reads from the future", "[core][shapes]") {
    for (const char* v : {"rlx", "ra", "sc", "fenced", "fenced-ra", "rmw"}) expect_forbidden(kLb3, v, 7);
}
TEST_CASE("a ring of four load buffers never reads from the future", "[core][shapes]") {
    for (const char* v : {"rlx", "ra", "sc", "fenced", "fenced-ra", "rmw"}) expect_forbidden(kLb4, v, 15);
}

// ---------------------------------------------------------------------------------------------
// MP chains: P0: Wx1; Wy1 || relays Pi: r0 = R flag_i; W flag_(i+1) 1 || last: r0 = R flag;
// r1 = Rx. Weak: every flag read 1 and the data read 0. N-1 flag loads + 1 data load: 2^N
// graphs. Any flavour with sw along every hop (ra, sc, fences, RMW loads) gives Wx1 -hb->
// the data load (COHERENCE forbids reading init): 2^N - 1. mp3 is the ISA2 shape.
const ShapeSpec kMp3{"mp3",
                     {{"1:r0", kBit}, {"2:r0", kBit}, {"2:r1", kBit}, {"x", kOne}, {"y", kOne}, {"z", kOne}},
                     [](const Row& r) { return r["1:r0"] == 1 && r["2:r0"] == 1 && r["2:r1"] == 0; }};
const ShapeSpec kMp4{"mp4",
                     {{"1:r0", kBit}, {"2:r0", kBit}, {"3:r0", kBit}, {"3:r1", kBit},
                      {"x", kOne}, {"y", kOne}, {"z", kOne}, {"w", kOne}},
                     [](const Row& r) {
                         return r["1:r0"] == 1 && r["2:r0"] == 1 && r["3:r0"] == 1 && r["3:r1"] == 0;
                     }};

TEST_CASE("a message passed along three threads arrives with release/acquire", "[core][shapes]") {
    expect_allowed(kMp3, "rlx", 8);
    for (const char* v : {"ra", "sc", "fenced", "fenced-ra", "rmw"}) expect_forbidden(kMp3, v, 7);
}
TEST_CASE("a message passed along four threads arrives with release/acquire", "[core][shapes]") {
    expect_allowed(kMp4, "rlx", 16);
    for (const char* v : {"ra", "sc", "fenced", "fenced-ra", "rmw"}) expect_forbidden(kMp4, v, 15);
}

// ---------------------------------------------------------------------------------------------
// 3.2W: P0: Wx1; Wy2 || P1: Wy1; Wz2 || P2: Wz1; Wx2. Weak: x=y=z=1 (each first store
// co-last). 2 co orders per location: 8. seq_cst stores or fences: the po;co ring is a psc
// (psc_F) cycle (SC): 7. Release stores/fences: no reads, no sw: 8.
const ShapeSpec k32w{"3.2w", {{"x", {1, 2}}, {"y", {1, 2}}, {"z", {1, 2}}},
                     [](const Row& r) { return r["x"] == 1 && r["y"] == 1 && r["z"] == 1; }};

TEST_CASE("a ring of three double writers ends with every first store last unless seq_cst",
          "[core][shapes]") {
    expect_allowed(k32w, "rlx", 8);
    expect_allowed(k32w, "ra", 8);
    expect_forbidden(k32w, "sc", 7);
    expect_forbidden(k32w, "fenced", 7);
    expect_allowed(k32w, "fenced-ra", 8);
}

// Stores as exchange(v, acq_rel): each exchange reads its co-predecessor, release to acquire.
// The weak graph has the sw ring Wx1 -po-> Wy2 -sw-> Wy1 -po-> Wz2 -sw-> Wz1 -po-> Wx2 -sw->
// Wx1: an hb cycle (COHERENCE). The other 7 co combinations have at most two of the three
// sw edges: no cycle. Registers follow from co: on x, (Wx1 < Wx2) gives 0:r0=0, 2:r1=1, x=2
// and (Wx2 < Wx1) gives 2:r1=0, 0:r0=2, x=1; likewise y (0:r1, 1:r0) and z (1:r1, 2:r0).
TEST_CASE("a ring of three double writers with acq_rel exchanges never ends with every first store last",
          "[core][shapes]") {
    OutcomeSet expected;
    for (const bool x_first_last : {false, true})
        for (const bool y_first_last : {false, true})
            for (const bool z_first_last : {false, true}) {
                if (x_first_last && y_first_last && z_first_last) continue;
                // Location written first by thread a (value 1, register a:r0) and second by
                // thread b (value 2, register b:r1).
                Outcome o;
                const auto add = [&o](bool first_last, const char* loc, const char* first_reg,
                                      const char* second_reg) {
                    o.emplace_back(first_reg, first_last ? 2 : 0);
                    o.emplace_back(second_reg, first_last ? 0 : 1);
                    o.emplace_back(loc, first_last ? 1 : 2);
                };
                add(x_first_last, "x", "0:r0", "2:r1");
                add(y_first_last, "y", "1:r0", "0:r1");
                add(z_first_last, "z", "2:r0", "1:r1");
                expected.insert(sorted(o));
            }
    expect_rc11(k32w, "rmw", expected, 7);
}

// ---------------------------------------------------------------------------------------------
// Release sequences through another thread: P0: Wx1 (rlx); Wy1 (rel) || P1: see variant ||
// P2: r0=Ry (acq); r1=Rx (rlx). Weak: P2 reads 1 or 3 but x=0.
const Pred kRelseqWeak = [](const Row& r) {
    return (r["2:r0"] == 1 || r["2:r0"] == 3) && r["2:r1"] == 0;
};
const ShapeSpec kRelseq{"mp-relseq", {}, kRelseqWeak};

// P1: 1:r0 = y.fetch_add(2, rlx). y: the RMW A reads init (co init A Wy1; A writes 2) or Wy1
// (co init Wy1 A; A writes 3). 3 can only come from A after Wy1, and RC11's release sequence
// of Wy1 includes A (rf;rmw), so reading 3 synchronises with Wy1 like reading 1.
// - A reads init (1:r0=0, y=1): Ry reads init, A (2) or Wy1 (1). init/2: Rx free (2 each);
//   1: Rx=1. 5 graphs.
// - A reads Wy1 (1:r0=1, y=3): Ry reads init (Rx free: 2), Wy1 (Rx=1) or A (3, Rx=1). 4.
// 9 graphs, 9 outcomes.
TEST_CASE("a relaxed RMW of another thread continues the release sequence", "[core][shapes]") {
    const OutcomeSet expected{
        sorted({{"1:r0", 0}, {"2:r0", 0}, {"2:r1", 0}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 0}, {"2:r0", 0}, {"2:r1", 1}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 0}, {"2:r0", 2}, {"2:r1", 0}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 0}, {"2:r0", 2}, {"2:r1", 1}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 0}, {"2:r0", 1}, {"2:r1", 1}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 1}, {"2:r0", 0}, {"2:r1", 0}, {"x", 1}, {"y", 3}}),
        sorted({{"1:r0", 1}, {"2:r0", 0}, {"2:r1", 1}, {"x", 1}, {"y", 3}}),
        sorted({{"1:r0", 1}, {"2:r0", 1}, {"2:r1", 1}, {"x", 1}, {"y", 3}}),
        sorted({{"1:r0", 1}, {"2:r0", 3}, {"2:r1", 1}, {"x", 1}, {"y", 3}}),
    };
    expect_rc11(kRelseq, "rmw", expected, 9);
}

// P1: strong CAS y 1 -> 3 (rlx), 1:r0 = the value it read. It succeeds only reading Wy1
// (then in Wy1's release sequence, as above); it fails reading init (a read only, no write).
// - CAS fails (1:r0=0, y=1): Ry reads init (Rx free: 2) or Wy1 (Rx=1): 3 graphs.
// - CAS succeeds (1:r0=1, y=3): Ry reads init (2), Wy1 (1) or the CAS (3, Rx=1): 4.
// 7 graphs, 7 outcomes.
TEST_CASE("a relaxed CAS of another thread continues the release sequence", "[core][shapes]") {
    const OutcomeSet expected{
        sorted({{"1:r0", 0}, {"2:r0", 0}, {"2:r1", 0}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 0}, {"2:r0", 0}, {"2:r1", 1}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 0}, {"2:r0", 1}, {"2:r1", 1}, {"x", 1}, {"y", 1}}),
        sorted({{"1:r0", 1}, {"2:r0", 0}, {"2:r1", 0}, {"x", 1}, {"y", 3}}),
        sorted({{"1:r0", 1}, {"2:r0", 0}, {"2:r1", 1}, {"x", 1}, {"y", 3}}),
        sorted({{"1:r0", 1}, {"2:r0", 1}, {"2:r1", 1}, {"x", 1}, {"y", 3}}),
        sorted({{"1:r0", 1}, {"2:r0", 3}, {"2:r1", 1}, {"x", 1}, {"y", 3}}),
    };
    expect_rc11(kRelseq, "cas", expected, 7);
}

// P1: Wy3 (rlx), a plain store of another thread: not in Wy1's release sequence, so reading 3
// gives no sw and Rx may read init. co on y: 2 orders (y ends 1 or 3). Ry reads init (Rx
// free: 2), Wy1 (Rx=1: 1) or Wy3 (Rx free: 2): 5 per co order, 10 graphs, 10 outcomes.
TEST_CASE("a relaxed store of another thread ends the release sequence", "[core][shapes]") {
    const Domains d{{"2:r0", {0, 1, 3}}, {"2:r1", kBit}, {"x", kOne}, {"y", {1, 3}}};
    // Forbidden: reading Wy1 (value 1) and missing x (COHERENCE via sw).
    expect_rc11(kRelseq, "store",
                every_but(d, [](const Row& r) { return r["2:r0"] == 1 && r["2:r1"] == 0; }), 10);
}

// ---------------------------------------------------------------------------------------------
TEST_CASE("every litmus shape is registered once with its flavours", "[core][shapes]") {
    const auto& registry = mmcheck::ModelRegistry::instance();
    CHECK(registry.duplicate_names().empty());
    for (const char* name : {"sb", "mp", "lb", "s", "r", "2+2w", "wrc", "iriw", "isa2", "rwc",
                             "w+rwc", "sb3", "sb4", "lb3", "lb4", "mp3", "mp4", "3.2w"}) {
        INFO(name);
        const mmcheck::ModelInfo* info = registry.find(name);
        REQUIRE(info != nullptr);
        for (const char* v : {"rlx", "ra", "sc", "fenced", "fenced-ra", "rmw"})
            CHECK(info->find_variant(v) != nullptr);
    }
    for (const char* name : {"corr", "corw", "cowr", "coww"}) {
        INFO(name);
        const mmcheck::ModelInfo* info = registry.find(name);
        REQUIRE(info != nullptr);
        for (const char* v : {"rlx", "ra", "sc", "rmw"}) CHECK(info->find_variant(v) != nullptr);
    }
    REQUIRE(registry.find("mp-relseq") != nullptr);
}

}  // namespace
