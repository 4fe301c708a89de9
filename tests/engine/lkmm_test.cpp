// SPDX-License-Identifier: MIT
/// \file LKMM shapes as C++ models on the engine's LKMM API (annotate, last_read, lkmm_fence),
/// each with the outcome herd7's linux-kernel.cat gives, derived in the comment from the .cat
/// (cat:N cites linux-kernel.cat, bell:N linux-kernel.bell, lock:N lock.cat; herdtools7's
/// catalogue/linux). Every shape runs on explore() under LKMM (the porf-acyclic part plus the
/// cyclic part by forced reads, explore_porf_parts); the brute-force explorer (under LKMM, the
/// value-guessing reference) and the speculative explorer must find the same graphs
/// (explore_porf_acyclic: those without a po ∪ rf cycle); no graph is visited twice, and every
/// graph visited passes the LKMM checker.
///
/// Notation: Wx1 = store 1 to x, Rx = load of x, "->" po. The axioms:
///   happens-before  acyclic hb,  hb = [Marked];(ppo | rfe | ((prop \ id) & int));[Marked]
///   propagation     acyclic pb,  pb = prop;strong-fence;hb*;[Marked]
///   rcu             irreflexive rb,  rb = prop;rcu-fence;hb*;pb*;[Marked]
///   coherence       acyclic po-loc | com
#include "explore/explorer.hpp"
#include "model/lkmm.hpp"

#include <mmcheck/kernel.hpp>
#include <mmcheck/model.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

using namespace mmcheck;

namespace {

/// A register: the value read and the po index of the read (to name it in a dependency).
struct Reg {
    std::int64_t v = 0;
    std::uint32_t at = 0;
};

Dependencies addr(const Reg& r) { return Dependencies{{r.at}, {}, {}}; }
Dependencies data(const Reg& r) { return Dependencies{{}, {r.at}, {}}; }
Dependencies ctrl(const Reg& r) { return Dependencies{{}, {}, {r.at}}; }

ExecutionContext& ctx() { return detail::current_context(); }

std::memory_order order_of(LkmmTag t) {
    switch (t) {
        case LkmmTag::Acquire: return std::memory_order_acquire;
        case LkmmTag::Release: return std::memory_order_release;
        case LkmmTag::Mb: return std::memory_order_seq_cst;
        default: return std::memory_order_relaxed;
    }
}

Reg rd(const atomic<std::int64_t>& x, LkmmTag tag = LkmmTag::Once, Dependencies d = {}) {
    ctx().annotate(LkmmAnnotation{tag, std::move(d)});
    Reg r;
    r.v = x.load(order_of(tag));
    r.at = *ctx().last_read();
    return r;
}
void wr(const atomic<std::int64_t>& x, std::int64_t v, LkmmTag tag = LkmmTag::Once, Dependencies d = {}) {
    ctx().annotate(LkmmAnnotation{tag, std::move(d)});
    x.store(v, order_of(tag));
}
Reg plain_rd(const var<std::int64_t>& x) {
    Reg r;
    r.v = x.get();
    r.at = *ctx().last_read();
    return r;
}
void plain_wr(const var<std::int64_t>& x, std::int64_t v) { x.set(v); }
void fence(LkmmTag tag, std::optional<LocId> srcu = std::nullopt) {
    ctx().lkmm_fence(tag, srcu, Dependencies{}, SourceRef{__FILE__, 0});
}

/// A shape: locations x, y, z, s (an srcu_struct), s2, a plain location p, a spinlock l, and
/// thread bodies; final() observes every register set.
struct Shape : Model {
    using Body = std::function<void(Shape&)>;
    atomic<std::int64_t> x{"x", 0}, y{"y", 0}, z{"z", 0}, s{"s", 0}, s2{"s2", 0};
    var<std::int64_t> p{"p", 0};
    mutex l{"l"};
    std::map<std::string, Reg> reg;
    const std::vector<Body>& bodies;

    explicit Shape(const std::vector<Body>& b) : bodies(b) {}
    void threads() override {
        for (std::size_t i = 0; i < bodies.size(); ++i)
            thread("P" + std::to_string(i), [this, i] { bodies[i](*this); });
    }
    void final() override {
        for (const auto& [k, r] : reg) observe(k, r.v);
        observe("z", z.load(relaxed));
    }
};

struct Run {
    std::set<Outcome> outcomes;
    std::set<std::string> flags;
    std::uint64_t complete = 0;
};

/// Explores `bodies` under LKMM on the exact explorer, with the cross-checks of the file
/// comment.
Run lkmm_run(const std::vector<Shape::Body>& bodies) {
    Program prog;
    prog.make = [&bodies] { return std::unique_ptr<Model>(new Shape(bodies)); };
    ExploreOptions o;
    o.model = MemoryModelKind::LKMM;
    o.stop_at_first_violation = false;
    std::unordered_set<std::string> seen;
    std::uint64_t duplicates = 0, inconsistent = 0;
    o.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!seen.insert(canonical_text(g)).second) ++duplicates;
        if (lkmm::check(g)) ++inconsistent;
    };
    const ExploreResult r = explore(prog, o);
    CHECK(duplicates == 0);
    CHECK(inconsistent == 0);
    CHECK(r.exhaustive);

    // Brute force under LKMM is the value-guessing reference: the same graphs.
    ExploreOptions b = o;
    std::uint64_t missing = 0, found = 0;
    std::set<std::string> reference;
    b.on_execution = [&](const ExecutionGraph& g, bool) {
        ++found;
        reference.insert(canonical_text(g));
        if (seen.count(canonical_text(g)) == 0) ++missing;
    };
    (void)explore_brute_force(prog, b);
    CHECK(missing == 0);
    CHECK(found == seen.size());

    // The porf-acyclic part (TruSt with the LKMM check) visits exactly the graphs above that
    // have no po ∪ rf cycle, each once.
    ExploreOptions a = o;
    std::set<std::string> acyclic, expected;
    std::uint64_t acyclic_duplicates = 0, acyclic_inconsistent = 0;
    a.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!acyclic.insert(canonical_text(g)).second) ++acyclic_duplicates;
        if (lkmm::check(g)) ++acyclic_inconsistent;
    };
    b.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!has_porf_cycle(g)) expected.insert(canonical_text(g));
    };
    (void)explore_porf_acyclic(prog, a);
    (void)explore_brute_force(prog, b);
    CHECK(acyclic_duplicates == 0);
    CHECK(acyclic_inconsistent == 0);
    CHECK(acyclic == expected);

    // explore() is the two parts (explore_porf_parts); the speculative explorer, kept as a
    // second exact explorer, visits the same graphs, each once.
    ExploreOptions p = o;
    std::set<std::string> speculative;
    std::uint64_t speculative_duplicates = 0;
    p.on_execution = [&](const ExecutionGraph& g, bool) {
        if (!speculative.insert(canonical_text(g)).second) ++speculative_duplicates;
    };
    const ExploreResult pr = explore_allowing_porf_cycles(prog, p);
    CHECK(speculative_duplicates == 0);
    CHECK(pr.exhaustive);
    CHECK(speculative == reference);

    Run out;
    for (const auto& [oc, n] : r.outcomes) out.outcomes.insert(oc);
    out.flags = r.flags;
    out.complete = r.stats.complete;
    return out;
}

/// Whether some final state has every (name, value) of `want`.
bool exists(const Run& r, const std::map<std::string, std::int64_t>& want) {
    for (const Outcome& o : r.outcomes) {
        std::size_t hit = 0;
        for (const auto& [k, v] : o) {
            auto it = want.find(k);
            if (it != want.end() && it->second == v) ++hit;
        }
        if (hit == want.size()) return true;
    }
    return false;
}

using B = Shape::Body;
using T = LkmmTag;

}  // namespace

// ---------------------------------------------------------------------------------------
// LB: P0: r0 = Rx; Wy1   P1: r1 = Ry; Wx1   exists r0=1 /\ r1=1
// The cycle is Rx ->po Wy ->rfe Ry ->po Wx ->rfe Rx. rfe is in hb (cat:109); po from a read
// to a later write is in ppo only through a dependency (to-w, cat:91-93: rwdep), a fence
// (cat:95: fence & int) or acq-po/po-rel (cat:28-29, nonrw-fence). Without either on both
// sides, hb has no cycle: allowed.
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM LB: load buffering without dependencies is allowed (a po ∪ rf cycle)", "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& m) { m.reg["0:r0"] = rd(m.x); wr(m.y, 1); },
        [](Shape& m) { m.reg["1:r1"] = rd(m.y); wr(m.x, 1); },
    };
    const Run r = lkmm_run(bodies);
    CHECK(exists(r, {{"0:r0", 1}, {"1:r1", 1}}));
    CHECK(r.outcomes.size() == 4);
}

TEST_CASE("LKMM LB: a data dependency on each side forbids the cycle (rwdep in ppo)", "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& m) { auto r = m.reg["0:r0"] = rd(m.x); wr(m.y, 1, T::Once, data(r)); },
        [](Shape& m) { auto r = m.reg["1:r1"] = rd(m.y); wr(m.x, 1, T::Once, data(r)); },
    };
    const Run r = lkmm_run(bodies);
    CHECK_FALSE(exists(r, {{"0:r0", 1}, {"1:r1", 1}}));
    CHECK(r.outcomes.size() == 3);
}

TEST_CASE("LKMM LB: control dependencies and address dependencies order a read before a later write", "[core][lkmm]") {
    const std::vector<B> ctrls{
        [](Shape& m) { auto r = m.reg["0:r0"] = rd(m.x); if (r.v != 0) wr(m.y, 1, T::Once, ctrl(r)); },
        [](Shape& m) { auto r = m.reg["1:r1"] = rd(m.y); if (r.v != 0) wr(m.x, 1, T::Once, ctrl(r)); },
    };
    // Without the branch the writes never happen; with ctrl + a write always: LB+ctrls.
    const std::vector<B> ctrl_always{
        [](Shape& m) { auto r = m.reg["0:r0"] = rd(m.x); wr(m.y, 1, T::Once, ctrl(r)); },
        [](Shape& m) { auto r = m.reg["1:r1"] = rd(m.y); wr(m.x, 1, T::Once, ctrl(r)); },
    };
    const std::vector<B> addrs{
        [](Shape& m) { auto r = m.reg["0:r0"] = rd(m.x); wr(m.y, 1, T::Once, addr(r)); },
        [](Shape& m) { auto r = m.reg["1:r1"] = rd(m.y); wr(m.x, 1, T::Once, addr(r)); },
    };
    CHECK_FALSE(exists(lkmm_run(ctrls), {{"0:r0", 1}, {"1:r1", 1}}));
    CHECK_FALSE(exists(lkmm_run(ctrl_always), {{"0:r0", 1}, {"1:r1", 1}}));
    CHECK_FALSE(exists(lkmm_run(addrs), {{"0:r0", 1}, {"1:r1", 1}}));
}

TEST_CASE("LKMM LB: a dependency on one side only leaves the cycle allowed", "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& m) { auto r = m.reg["0:r0"] = rd(m.x); wr(m.y, 1, T::Once, data(r)); },
        [](Shape& m) { m.reg["1:r1"] = rd(m.y); wr(m.x, 1); },
    };
    CHECK(exists(lkmm_run(bodies), {{"0:r0", 1}, {"1:r1", 1}}));
}

TEST_CASE("LKMM LB: two reads of the cycle's write are forced together (each in the other's write's prefix)",
          "[core][lkmm]") {
    // P0: r0 = Rx; r1 = Rx; Wy1   P1: r2 = Ry; Wx1   exists r0=1 /\ r1=1 /\ r2=1: both of P0's
    // reads are on a cycle through P1's Wx1; nothing orders a read before a later write
    // (no dependency, fence, acquire or release): allowed. The graph needs both reads forced
    // at once: forcing r0 alone leaves r1 to read x's initial value (Wx1 comes later), which
    // coherence forbids after r0 read Wx1 (CoRR, cat:80), so no run of {r0} is a step to it;
    // the cycle-closing offer made when Wx1 is added in that run forces r1 too
    // (explore/README.md, "The cyclic part").
    const std::vector<B> bodies{
        [](Shape& m) { m.reg["0:r0"] = rd(m.x); m.reg["0:r1"] = rd(m.x); wr(m.y, 1); },
        [](Shape& m) { m.reg["1:r2"] = rd(m.y); wr(m.x, 1); },
    };
    CHECK(exists(lkmm_run(bodies), {{"0:r0", 1}, {"0:r1", 1}, {"1:r2", 1}}));
}

TEST_CASE("LKMM LB: acquire on one side and release on the other forbid the cycle", "[core][lkmm]") {
    // acq-po (cat:28) and po-rel (cat:29) are nonrw-fence, so fence & int is in ppo.
    const std::vector<B> bodies{
        [](Shape& m) { m.reg["0:r0"] = rd(m.x, T::Acquire); wr(m.y, 1); },
        [](Shape& m) { m.reg["1:r1"] = rd(m.y); wr(m.x, 1, T::Release); },
    };
    CHECK_FALSE(exists(lkmm_run(bodies), {{"0:r0", 1}, {"1:r1", 1}}));
}

// ---------------------------------------------------------------------------------------
// MP: P0: Wx1; Wy1   P1: r0 = Ry; r1 = Rx   exists r0=1 /\ r1=0
// The cycle Wx ->po Wy ->rfe Ry ->po Rx ->fre Wx: fre is not in hb, but prop (cat:102)
// starts with overwrite & ext: Rx ->fre Wx is prop when Wx's write side is ordered; the
// forbidding argument is hb: Rx ->fr Wx ... with wmb (cat:35) Wx ->wmb Wy, cumul-fence,
// and rmb (cat:34) Ry -> Rx in ppo; prop = fre;cumul-fence;rfe from Rx to Ry, and
// (prop \ id) & int gives Rx ->hb Ry, with Ry ->ppo Rx: an hb cycle. Either side missing:
// no cycle.
// ---------------------------------------------------------------------------------------

namespace {
std::vector<B> mp(T wtag1, LkmmTag wfence, T wtag2, T rtag1, LkmmTag rfence, T rtag2, bool addr_dep = false) {
    return {
        [=](Shape& m) {
            wr(m.x, 1, wtag1);
            if (wfence != T::Derived) fence(wfence);
            wr(m.y, 1, wtag2);
        },
        [=](Shape& m) {
            auto r = m.reg["1:r0"] = rd(m.y, rtag1);
            if (rfence != T::Derived) fence(rfence);
            m.reg["1:r1"] = rd(m.x, rtag2, addr_dep ? addr(r) : Dependencies{});
        },
    };
}
}  // namespace

TEST_CASE("LKMM MP: unordered, with wmb alone, with rmb alone the stale read is allowed", "[core][lkmm]") {
    const std::map<std::string, std::int64_t> weak{{"1:r0", 1}, {"1:r1", 0}};
    CHECK(exists(lkmm_run(mp(T::Once, T::Derived, T::Once, T::Once, T::Derived, T::Once)), weak));
    CHECK(exists(lkmm_run(mp(T::Once, T::Wmb, T::Once, T::Once, T::Derived, T::Once)), weak));
    CHECK(exists(lkmm_run(mp(T::Once, T::Derived, T::Once, T::Once, T::Rmb, T::Once)), weak));
    // smp_wmb orders writes only, smp_rmb reads only: swapped, they order nothing here.
    CHECK(exists(lkmm_run(mp(T::Once, T::Rmb, T::Once, T::Once, T::Wmb, T::Once)), weak));
}

TEST_CASE("LKMM MP: wmb+rmb, release+acquire, wmb+address dependency forbid the stale read", "[core][lkmm]") {
    const std::map<std::string, std::int64_t> weak{{"1:r0", 1}, {"1:r1", 0}};
    CHECK_FALSE(exists(lkmm_run(mp(T::Once, T::Wmb, T::Once, T::Once, T::Rmb, T::Once)), weak));
    CHECK_FALSE(exists(lkmm_run(mp(T::Once, T::Derived, T::Release, T::Acquire, T::Derived, T::Once)), weak));
    // cat:94 to-r = addr;[R]: an address dependency orders the two reads (rcu_dereference).
    CHECK_FALSE(exists(lkmm_run(mp(T::Once, T::Wmb, T::Once, T::Once, T::Derived, T::Once, true)), weak));
    // rcu_assign_pointer is a release store (def), rcu_dereference a once load (def).
    CHECK_FALSE(exists(lkmm_run(mp(T::Once, T::Derived, T::Release, T::Once, T::Derived, T::Once, true)), weak));
    // smp_mb on both sides.
    CHECK_FALSE(exists(lkmm_run(mp(T::Once, T::FenceMb, T::Once, T::Once, T::FenceMb, T::Once)), weak));
}

// ---------------------------------------------------------------------------------------
// SB: P0: Wx1; r0 = Ry   P1: Wy1; r1 = Rx   exists r0=0 /\ r1=0
// Wx ->po Ry ->fre Wy ->po Rx ->fre Wx: only pb (cat:117) can forbid it, and pb needs a
// strong fence (mb) on both sides: prop = fre from Ry to Wy, then strong-fence Wy -> Rx,
// then hb* ... pb cycle. Without fences: allowed.
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM SB: allowed without fences, forbidden with smp_mb on both sides", "[core][lkmm]") {
    auto sb = [](LkmmTag f) {
        return std::vector<B>{
            [f](Shape& m) { wr(m.x, 1); if (f != T::Derived) fence(f); m.reg["0:r0"] = rd(m.y); },
            [f](Shape& m) { wr(m.y, 1); if (f != T::Derived) fence(f); m.reg["1:r1"] = rd(m.x); },
        };
    };
    const std::map<std::string, std::int64_t> weak{{"0:r0", 0}, {"1:r1", 0}};
    CHECK(exists(lkmm_run(sb(T::Derived)), weak));
    CHECK(exists(lkmm_run(sb(T::Wmb)), weak));  // wmb is not a strong fence
    CHECK_FALSE(exists(lkmm_run(sb(T::FenceMb)), weak));
    // A fully ordered RMW acts as smp_mb on both sides of it (cat:45-46).
    auto sb_xchg = std::vector<B>{
        [](Shape& m) { ctx().annotate({T::Mb, {}}); (void)m.x.exchange(1, relaxed); m.reg["0:r0"] = rd(m.y); },
        [](Shape& m) { ctx().annotate({T::Mb, {}}); (void)m.y.exchange(1, relaxed); m.reg["1:r1"] = rd(m.x); },
    };
    CHECK_FALSE(exists(lkmm_run(sb_xchg), weak));
}

// ---------------------------------------------------------------------------------------
// WRC: P0: Wx1   P1: r0 = Rx; Wy1   P2: r1 = Ry; r2 = Rx   exists r0=1 /\ r1=1 /\ r2=0
// With P1's store a release and P2's reads ordered by rmb: A-cumul(po-rel) (cat:98, 100)
// makes Wx ->rfe Rx ->po-rel Wy a cumul-fence, so prop from P2's Rx (fre Wx, cumul-fence,
// rfe Ry) and Ry ->ppo(rmb) Rx close an hb cycle: forbidden. Unordered: allowed.
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM WRC: A-cumulativity of a release forbids it, plain once accesses allow it", "[core][lkmm]") {
    auto wrc = [](T st, LkmmTag f) {
        return std::vector<B>{
            [](Shape& m) { wr(m.x, 1); },
            [st](Shape& m) { m.reg["1:r0"] = rd(m.x); wr(m.y, 1, st); },
            [f](Shape& m) { m.reg["2:r1"] = rd(m.y); if (f != T::Derived) fence(f); m.reg["2:r2"] = rd(m.x); },
        };
    };
    const std::map<std::string, std::int64_t> weak{{"1:r0", 1}, {"2:r1", 1}, {"2:r2", 0}};
    CHECK(exists(lkmm_run(wrc(T::Once, T::Derived)), weak));
    CHECK(exists(lkmm_run(wrc(T::Once, T::Rmb)), weak));
    CHECK_FALSE(exists(lkmm_run(wrc(T::Release, T::Rmb)), weak));
}

// ISA2: P0: Wx1; Wy1(rel)   P1: r0 = Ry(acq); Wz1(rel)   P2: r1 = Rz(acq); r2 = Rx
// exists r0=1 /\ r1=1 /\ r2=0. Release/acquire chains: hb goes Wx ->ppo(po-rel) Wy ->rfe Ry
// ->ppo(acq-po) Wz ->rfe Rz ->ppo(acq-po) Rx, and Rx ->fre Wx with Wx ->po-rel Wy a
// cumul-fence makes prop Rx -> ... an hb cycle: forbidden.
TEST_CASE("LKMM ISA2: a release-acquire chain through three threads forbids the stale read", "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& m) { wr(m.x, 1); wr(m.y, 1, T::Release); },
        [](Shape& m) { m.reg["1:r0"] = rd(m.y, T::Acquire); wr(m.z, 1, T::Release); },
        [](Shape& m) { m.reg["2:r1"] = rd(m.z, T::Acquire); m.reg["2:r2"] = rd(m.x); },
    };
    CHECK_FALSE(exists(lkmm_run(bodies), {{"1:r0", 1}, {"2:r1", 1}, {"2:r2", 0}}));
}

// ---------------------------------------------------------------------------------------
// Locks (lock.cat): lock is LKR (Acquire, lock:74) + LKW, unlock UL (Release, lock:73).
// MP+polocks: both threads' accesses in critical sections of l: forbidden (po-unlock-lock-po,
// cat:30, is in ppo & int only within a thread, but UL is Release and LKR Acquire: hb).
// Z6.0+pooncelock+pooncelock+pombonce: P0: lock; Wx1; Wy1; unlock  P1: lock; r0 = Ry; Wz1;
// unlock  P2: Wz2; mb; r1 = Rx   exists r0=1 /\ z=2 /\ r1=0: allowed (an unlock+lock is not a
// full barrier for a third thread that takes no lock); with smp_mb__after_unlock_lock after
// P1's lock, the mb of cat:61-62 makes it forbidden.
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM locks: MP inside critical sections is forbidden", "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& m) { m.l.lock(); wr(m.x, 1); wr(m.y, 1); m.l.unlock(); },
        [](Shape& m) { m.l.lock(); m.reg["1:r0"] = rd(m.y); m.reg["1:r1"] = rd(m.x); m.l.unlock(); },
    };
    const Run r = lkmm_run(bodies);
    CHECK_FALSE(exists(r, {{"1:r0", 1}, {"1:r1", 0}}));
    CHECK(r.outcomes.size() == 2);
}

TEST_CASE("LKMM locks: Z6.0 is allowed, and forbidden with smp_mb__after_unlock_lock", "[core][lkmm]") {
    auto z6 = [](bool after_unlock_lock) {
        return std::vector<B>{
            [](Shape& m) { m.l.lock(); wr(m.x, 1); wr(m.y, 1); m.l.unlock(); },
            [after_unlock_lock](Shape& m) {
                m.l.lock();
                if (after_unlock_lock) fence(T::AfterUnlockLock);
                m.reg["1:r0"] = rd(m.y);
                wr(m.z, 1);
                m.l.unlock();
            },
            [](Shape& m) { wr(m.z, 2); fence(T::FenceMb); m.reg["2:r1"] = rd(m.x); },
        };
    };
    const std::map<std::string, std::int64_t> weak{{"1:r0", 1}, {"z", 2}, {"2:r1", 0}};
    CHECK(exists(lkmm_run(z6(false)), weak));
    CHECK_FALSE(exists(lkmm_run(z6(true)), weak));
}

// ---------------------------------------------------------------------------------------
// RCU: P0: rcu_read_lock; r0 = Rx; r1 = Ry; rcu_read_unlock   P1: Wy1; synchronize_rcu; Wx1
// exists r0=1 /\ r1=0 (the reader saw the new x but the old y: its critical section spans the
// grace period). rcu-order (cat:157) rcu-rscsi ; rcu-link ; rcu-gp gives rcu-fence from P0's
// Ry over the gp, and rb = prop;rcu-fence;... (cat:169) is reflexive: forbidden. Without the
// grace period: allowed. Nested read-side sections behave as the outer one (bell:57-66).
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM RCU: a grace period forbids a reader seeing both sides of it", "[core][lkmm]") {
    auto rcu = [](bool gp, bool nested) {
        return std::vector<B>{
            [nested](Shape& m) {
                fence(T::RcuLock);
                m.reg["0:r0"] = rd(m.x);
                if (nested) { fence(T::RcuLock); fence(T::RcuUnlock); }
                m.reg["0:r1"] = rd(m.y);
                fence(T::RcuUnlock);
            },
            [gp](Shape& m) { wr(m.y, 1); if (gp) fence(T::SyncRcu); wr(m.x, 1); },
        };
    };
    const std::map<std::string, std::int64_t> weak{{"0:r0", 1}, {"0:r1", 0}};
    CHECK(exists(lkmm_run(rcu(false, false)), weak));
    const Run r = lkmm_run(rcu(true, false));
    CHECK_FALSE(exists(r, weak));
    CHECK(r.outcomes.size() == 3);
    CHECK(r.flags.empty());
    CHECK_FALSE(exists(lkmm_run(rcu(true, true)), weak));
}

TEST_CASE("LKMM RCU: an unmatched rcu_read_lock raises herd7's flag", "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& m) { fence(T::RcuLock); m.reg["0:r0"] = rd(m.x); },
        [](Shape& m) { wr(m.x, 1); },
    };
    CHECK(lkmm_run(bodies).flags == std::set<std::string>{"unmatched-rcu-lock"});
}

// SRCU (bell:73-74): srcu_read_lock(s) is a load of s, srcu_read_unlock(s, idx) a store of
// idx to s with a data dependency on it; synchronize_srcu(s) a grace period for s only
// (the "& loc" of cat:156-162). The RCU MP shape with SRCU: forbidden for the same
// srcu_struct, allowed for another one.
TEST_CASE("LKMM SRCU: a grace period orders only readers of its own srcu_struct", "[core][lkmm]") {
    auto srcu = [](bool same) {
        return std::vector<B>{
            [](Shape& m) {
                const Reg idx = rd(m.s, T::SrcuLock);
                m.reg["0:r0"] = rd(m.x);
                m.reg["0:r1"] = rd(m.y);
                wr(m.s, idx.v, T::SrcuUnlock, data(idx));
            },
            [same](Shape& m) { wr(m.y, 1); fence(T::SyncSrcu, same ? m.s.id() : m.s2.id()); wr(m.x, 1); },
        };
    };
    const std::map<std::string, std::int64_t> weak{{"0:r0", 1}, {"0:r1", 0}};
    const Run same = lkmm_run(srcu(true));
    CHECK_FALSE(exists(same, weak));
    CHECK(same.flags.empty());
    CHECK(exists(lkmm_run(srcu(false)), weak));
}

// ---------------------------------------------------------------------------------------
// Plain accesses (cat:186-226): two plain accesses to p in different threads, one a write,
// not ordered by wr-vis / rw-xbstar: herd7 flags data-race. A release/acquire message
// between them orders them (w-post-bounded; vis; r-pre-bounded): no race.
TEST_CASE("LKMM plain accesses: a race report names the racing pair, as an RC11 one does", "[core][lkmm]") {
    const std::vector<B> racy{
        [](Shape& m) { plain_wr(m.p, 1); },
        [](Shape& m) { m.reg["1:r0"] = plain_rd(m.p); },
    };
    Program prog;
    prog.make = [&racy] { return std::unique_ptr<Model>(new Shape(racy)); };
    ExploreOptions o;
    o.model = MemoryModelKind::LKMM;
    const ExploreResult r = explore(prog, o);
    REQUIRE(r.violations.size() == 1);
    const Violation& v = r.violations.front();
    CHECK(v.kind == ViolationKind::Race);
    CHECK(v.message.find("data race on 'p' between thread 'P") != std::string::npos);
    CHECK(v.message.find("(lkmm flag data-race)") != std::string::npos);
    REQUIRE(v.event.has_value());
    REQUIRE(v.other.has_value());
    CHECK(v.event->thread != v.other->thread);
    const ExecutionGraph& g = v.graph;
    CHECK(g.location(g.event(*v.event).loc).kind == LocKind::Plain);
    CHECK(g.event(*v.event).loc == g.event(*v.other).loc);
}

// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM plain accesses: an unordered plain write and read race; a release-acquire pair orders them",
          "[core][lkmm]") {
    const std::vector<B> racy{
        [](Shape& m) { plain_wr(m.p, 1); },
        [](Shape& m) { m.reg["1:r0"] = plain_rd(m.p); },
    };
    const Run r = lkmm_run(racy);
    CHECK(r.flags.count("data-race") == 1);
    CHECK(r.outcomes.size() == 2);  // racy executions keep their outcome, as in herd7

    const std::vector<B> ordered{
        [](Shape& m) { plain_wr(m.p, 1); wr(m.y, 1, T::Release); },
        [](Shape& m) {
            auto r0 = m.reg["1:r0"] = rd(m.y, T::Acquire);
            if (r0.v != 0) m.reg["1:r1"] = plain_rd(m.p);
        },
    };
    const Run o = lkmm_run(ordered);
    CHECK(o.flags.count("data-race") == 0);
    CHECK_FALSE(exists(o, {{"1:r0", 1}, {"1:r1", 0}}));
}

// Atomic RMWs: atomic_inc is Noreturn (bell:19), atomicity (cat:83) holds for all RMWs: two
// concurrent increments always give 2. A fully ordered RMW (Mb) orders like smp_mb around it.
TEST_CASE("LKMM RMWs: increments are atomic; value-returning ones are fully ordered", "[core][lkmm]") {
    const std::vector<B> incs{
        [](Shape& m) { ctx().annotate({T::Noreturn, {}}); (void)m.z.fetch_add(1, relaxed); },
        [](Shape& m) { ctx().annotate({T::Noreturn, {}}); (void)m.z.fetch_add(1, relaxed); },
    };
    const Run r = lkmm_run(incs);
    CHECK(r.outcomes.size() == 1);
    CHECK(exists(r, {{"z", 2}}));
    CHECK(r.complete == 2);
}

// ---------------------------------------------------------------------------------------
// A C++-style update with no kernel tag that does not write is a read with its failure order
// (kernel/tlb.hpp's page walk: an acquire update that sets D only when the PTE is clean; its
// acquire stands in for the walk's address dependency either way). A kernel RMW that fails is
// LKMM's FailedRMW (bell:44), unordered: cmpxchg_acquire's failure orders nothing.
// MP: P0: Wx1; Wy1 (release)   P1: r0 = y.update(never writes) acquire; r1 = Rx
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM: an untagged update that fails keeps its acquire failure order; a failed kernel cmpxchg_acquire does not",
          "[core][lkmm]") {
    const std::map<std::string, std::int64_t> weak{{"1:r0", 1}, {"1:r1", 0}};
    const auto mp_update = [](bool kernel_tag) {
        return std::vector<B>{
            [](Shape& s) {
                wr(s.x, 1);
                wr(s.y, 1, T::Release);
            },
            [kernel_tag](Shape& s) {
                if (kernel_tag) ctx().annotate(LkmmAnnotation{T::Acquire, {}});
                Reg r0;
                r0.v = s.y.update([](std::int64_t) -> std::optional<std::int64_t> { return std::nullopt; },
                                  std::memory_order_acquire, std::memory_order_acquire, "walk");
                r0.at = *ctx().last_read();
                s.reg["1:r0"] = r0;
                s.reg["1:r1"] = rd(s.x);
            }};
    };
    CHECK_FALSE(exists(lkmm_run(mp_update(false)), weak));
    CHECK(exists(lkmm_run(mp_update(true)), weak));
}

// ---------------------------------------------------------------------------------------
// MP through a release store and kernel.hpp's atomic_inc_not_zero (page_tail/V1.10: S's
// get_page_unless_zero after the split's page_ref_unfreeze), with a second getter racing on
// the counter (y starts at 0, frozen):
// P0: Wx1; Wy1 (release)   P1: atomic_inc_not_zero(y)   P2: if (atomic_inc_not_zero(y)) r = Rx
// exists 2:ok=1 /\ 2:r=0. P2 succeeds only by reading Wy1, or P1's write whose read took Wy1
// (rf ; rmw, rmw-sequence, cat:99). Rx fre Wx1, po-rel Wx1 -> Wy1 (cumul-fence ; rmw-sequence,
// cat:100-101), then rfe to P2's Ry: prop from Rx to Ry (cat:102-103), within P2, so Rx ->hb
// Ry ((prop \ id) & int, cat:109). Ry -> W'y, its RMW's write, is overwrite & int (to-w,
// cat:92-93), and the successful RMW is Mb (bell:47), so [Mb & W] ; po (cat:46) puts W'y -> Rx
// in fence & int (ppo, cat:95): an hb cycle, forbidden. The exploration adds P1's RMW first,
// reading Wy1; P2's RMW reading Wy1 too is a moot option (optimal_explorer.cpp) whose write
// revisits P1's read. That write used to be built without the read's LKMM tag (a once write,
// no cat:46 edge), and explore_porf_acyclic reached the forbidden outcome.
// ---------------------------------------------------------------------------------------

TEST_CASE("LKMM: a successful atomic_inc_not_zero that took a write another RMW read first still orders like smp_mb",
          "[core][lkmm]") {
    const std::vector<B> bodies{
        [](Shape& s) {
            kernel::WRITE_ONCE(s.x, 1);
            kernel::smp_store_release(s.y, 1);
        },
        [](Shape& s) {
            Reg ok;
            ok.v = kernel::atomic_inc_not_zero(s.y) ? 1 : 0;
            s.reg["1:ok"] = ok;
        },
        [](Shape& s) {
            Reg ok;
            ok.v = kernel::atomic_inc_not_zero(s.y) ? 1 : 0;
            s.reg["2:ok"] = ok;
            if (ok.v != 0) s.reg["2:r"] = rd(s.x);
        }};
    const Run r = lkmm_run(bodies);
    CHECK(exists(r, {{"2:ok", 1}, {"2:r", 1}}));
    CHECK_FALSE(exists(r, {{"2:ok", 1}, {"2:r", 0}}));

    // The porf-acyclic explorer on its own (every graph here is porf-acyclic): the same
    // outcomes, never the forbidden one.
    Program prog;
    prog.make = [&bodies] { return std::unique_ptr<Model>(new Shape(bodies)); };
    ExploreOptions o;
    o.model = MemoryModelKind::LKMM;
    o.stop_at_first_violation = false;
    const ExploreResult acyclic = explore_porf_acyclic(prog, o);
    CHECK(acyclic.exhaustive);
    std::set<Outcome> outcomes;
    for (const auto& [oc, n] : acyclic.outcomes) outcomes.insert(oc);
    CHECK(outcomes == r.outcomes);
}
