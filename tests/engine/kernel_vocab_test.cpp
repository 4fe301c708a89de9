// SPDX-License-Identifier: MIT
/// \file The MM vocabulary of kernel.hpp and kernel/*.hpp, each helper run under both memory
/// models (RC11 and LKMM) and explored exhaustively: the refcount helpers racing on one
/// counter with two and three threads, folio_ref_freeze against folio_try_get, object
/// lifetime (use-after-free, double-free), seqcount_t, RCU, XArray slot publication and the
/// barriers whose meaning differs between the models.
#include "explore/explorer.hpp"

#include <mmcheck/kernel.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>

using namespace mmcheck;
using namespace mmcheck::kernel;

namespace {

void obs(std::string_view name, std::int64_t v) { detail::current_context().observe(name, v); }

/// A model made of lambdas over a fixed set of locations.
struct Vocab : Model {
    using Body = std::function<void(Vocab&)>;
    atomic_t ref{"ref", 1};
    folio f{"folio", 1};
    kref_object obj{"obj", 1};
    atomic<int> x{"x", 0}, y{"y", 0}, gp{"gp", 1};
    seqcount_t seq{"seq"};
    rcu_domain rcu{"rcu"};
    xa_slot slot{"slot", 0};
    std::map<std::string, std::int64_t> reg;
    const std::vector<Body>& bodies;
    const std::function<void(Vocab&)>* fin;

    Vocab(const std::vector<Body>& b, const std::function<void(Vocab&)>* f_) : bodies(b), fin(f_) {}
    /// Some bodies keep a dep_t (a std::vector) across an access (docs/mmcheck.md, "Threads
    /// that stop"): unwind stopped threads, or LeakSanitizer reports it under the asan preset.
    [[nodiscard]] bool unwinds_stopped_threads() const override { return true; }
    void threads() override {
        for (std::size_t i = 0; i < bodies.size(); ++i)
            thread("P" + std::to_string(i), [this, i] { bodies[i](*this); });
    }
    void final() override {
        for (const auto& [k, v] : reg) observe(k, v);
        if (fin != nullptr && *fin) (*fin)(*this);
    }
};

ExploreResult run(MemoryModelKind m, const std::vector<Vocab::Body>& bodies,
                  std::function<void(Vocab&)> fin = {}, bool all = true) {
    Program prog;
    prog.make = [&bodies, &fin] { return std::unique_ptr<Model>(new Vocab(bodies, &fin)); };
    ExploreOptions o;
    o.model = m;
    o.stop_at_first_violation = !all;
    return explore(prog, o);
}

std::set<Outcome> outcomes(const ExploreResult& r) {
    std::set<Outcome> s;
    for (const auto& [o, n] : r.outcomes) s.insert(o);
    return s;
}

bool has_violation(const ExploreResult& r, ViolationKind k) {
    for (const auto& v : r.violations)
        if (v.kind == k) return true;
    return false;
}

const MemoryModelKind kBoth[] = {MemoryModelKind::RC11, MemoryModelKind::LKMM};
const char* name_of(MemoryModelKind m) { return m == MemoryModelKind::RC11 ? "rc11" : "lkmm"; }

using B = Vocab::Body;

}  // namespace

TEST_CASE("Two threads racing atomic_inc_not_zero on one refcount explore exhaustively under both models",
          "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        // From 1 both increments succeed; the counter ends at 3.
        const std::vector<B> bodies{[](Vocab& v) { v.reg["0:ok"] = atomic_inc_not_zero(v.ref); },
                                    [](Vocab& v) { v.reg["1:ok"] = atomic_inc_not_zero(v.ref); }};
        const auto r = run(m, bodies, [](Vocab& v) { obs("ref", v.ref.load(relaxed)); });
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);
        CHECK(outcomes(r) == std::set<Outcome>{{{"0:ok", 1}, {"1:ok", 1}, {"ref", 3}}});
    }
}

TEST_CASE("atomic_inc_not_zero never revives a counter that a third thread dropped to zero", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) { v.reg["0:zero"] = atomic_dec_and_test(v.ref); },
                                    [](Vocab& v) { v.reg["1:ok"] = atomic_inc_not_zero(v.ref); },
                                    [](Vocab& v) { v.reg["2:ok"] = atomic_inc_not_zero(v.ref); }};
        const auto r = run(m, bodies, [](Vocab& v) { obs("ref", v.ref.load(relaxed)); });
        CHECK(r.exhaustive);
        for (const auto& o : outcomes(r)) {
            std::map<std::string, std::int64_t> k(o.begin(), o.end());
            // The counter is the number of successful try-gets, and it hit zero only when none
            // came first (then both fail).
            CHECK(k["ref"] == k["1:ok"] + k["2:ok"]);
            if (k["0:zero"] == 1) CHECK(k["ref"] == 0);
        }
        // A try-get before the drop keeps the counter alive for the other one: either both
        // succeed (ref 2) or the drop came first and both fail.
        CHECK(outcomes(r) == std::set<Outcome>{{{"0:zero", 0}, {"1:ok", 1}, {"2:ok", 1}, {"ref", 2}},
                                               {{"0:zero", 1}, {"1:ok", 0}, {"2:ok", 0}, {"ref", 0}}});
    }
}

namespace {
void three_threads_try_get_vs_put(MemoryModelKind m) {
    {
        INFO(name_of(m));
        const std::vector<B> bodies{
            [](Vocab& v) { v.reg["0:freed"] = folio_put(v.f); },
            [](Vocab& v) {
                const bool got = folio_try_get(v.f);
                v.reg["1:ok"] = got;
                if (got) {
                    v.f.life.use();
                    v.reg["1:freed"] = folio_put(v.f);
                }
            },
            [](Vocab& v) {
                const bool got = folio_try_get_rcu(v.f);
                v.reg["2:ok"] = got;
                if (got) {
                    v.f.life.use();
                    v.reg["2:freed"] = folio_put(v.f);
                }
            }};
        const auto r = run(m, bodies);
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);  // no use-after-free, no double-free
        for (const auto& o : outcomes(r)) {
            std::map<std::string, std::int64_t> k(o.begin(), o.end());
            CHECK(k["0:freed"] + k["1:freed"] + k["2:freed"] == 1);  // exactly one free
        }
    }
}
}  // namespace

TEST_CASE("Three threads racing folio_try_get against folio_put: a reference is taken only on a live folio (RC11)",
          "[core][kernel]") {
    three_threads_try_get_vs_put(MemoryModelKind::RC11);
}

// About 3 minutes on the exact LKMM explorer (value guessing), so [long].
TEST_CASE("Three threads racing folio_try_get against folio_put: a reference is taken only on a live folio (LKMM)",
          "[long][kernel]") {
    three_threads_try_get_vs_put(MemoryModelKind::LKMM);
}

TEST_CASE("folio_ref_freeze and folio_try_get exclude each other", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) { v.reg["0:frozen"] = folio_ref_freeze(v.f, 1); },
                                    [](Vocab& v) { v.reg["1:ok"] = folio_try_get(v.f); }};
        const auto r = run(m, bodies, [](Vocab& v) { obs("ref", folio_ref_count(v.f)); });
        CHECK(r.exhaustive);
        CHECK(outcomes(r) == std::set<Outcome>{{{"0:frozen", 0}, {"1:ok", 1}, {"ref", 2}},
                                               {{"0:frozen", 1}, {"1:ok", 0}, {"ref", 0}}});
    }
}

TEST_CASE("folio_ref_unfreeze publishes the frozen folio's updates to the next folio_try_get", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) {
                                        v.reg["0:frozen"] = folio_ref_freeze(v.f, 1);
                                        if (v.reg["0:frozen"] == 0) return;
                                        WRITE_ONCE(v.x, 1);
                                        folio_ref_unfreeze(v.f, 1);
                                    },
                                    [](Vocab& v) {
                                        v.reg["1:ok"] = folio_try_get(v.f);
                                        v.reg["1:x"] = READ_ONCE(v.x);
                                    }};
        const auto r = run(m, bodies);
        CHECK(r.exhaustive);
        // A try-get that succeeds on a folio that was frozen read the count the release store
        // of folio_ref_unfreeze wrote: it sees x = 1.
        CHECK(outcomes(r) == std::set<Outcome>{{{"0:frozen", 0}, {"1:ok", 1}, {"1:x", 0}},
                                               {{"0:frozen", 1}, {"1:ok", 0}, {"1:x", 0}},
                                               {{"0:frozen", 1}, {"1:ok", 0}, {"1:x", 1}},
                                               {{"0:frozen", 1}, {"1:ok", 1}, {"1:x", 1}}});
    }
}

TEST_CASE("page_ref_add_unless and get_page_unless_zero decide on the value read", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) { v.reg["0:ok"] = page_ref_add_unless(v.ref, 2, 3); },
                                    [](Vocab& v) { v.reg["1:ok"] = get_page_unless_zero(v.ref); }};
        const auto r = run(m, bodies, [](Vocab& v) { obs("ref", v.ref.load(relaxed)); });
        CHECK(r.exhaustive);
        // From 1: +2 then +1 = 4; +1 then (2 != 3) +2 = 4; both always succeed.
        CHECK(outcomes(r) == std::set<Outcome>{{{"0:ok", 1}, {"1:ok", 1}, {"ref", 4}}});
    }
}

TEST_CASE("A use after the last put is a use-after-free under both models", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) { (void)v.obj.put(); },
                                    [](Vocab& v) { v.obj.use(); }};  // no reference held
        const auto r = run(m, bodies);
        CHECK(r.verdict == Verdict::Violation);
        CHECK(has_violation(r, ViolationKind::UseAfterFree));
        CHECK(r.violations.front().message == "use-after-free of obj");
    }
}

TEST_CASE("A use under a reference, put with kref_put, is no use-after-free under both models", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) { (void)v.obj.put(); },
                                    [](Vocab& v) {
                                        if (!v.obj.get_unless_zero()) return;
                                        v.obj.use();
                                        (void)v.obj.put();
                                    }};
        const auto r = run(m, bodies);
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);
    }
}

TEST_CASE("Two frees of one object are a double-free under both models", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) { v.obj.free(); }, [](Vocab& v) { v.obj.free(); }};
        const auto r = run(m, bodies);
        CHECK(r.verdict == Verdict::Violation);
        CHECK(has_violation(r, ViolationKind::DoubleFree));
        CHECK(r.violations.front().message == "double-free of obj");
    }
}

namespace {
/// A seqcount writer of the pair (x, y) and a reader that accepts a pair only when the
/// sequence did not change; `drop` removes one of the reader's barriers.
std::vector<B> seqcount_bodies(int drop) {
    return {[](Vocab& v) {
                write_seqcount_begin(v.seq);
                WRITE_ONCE(v.x, 1);
                WRITE_ONCE(v.y, 1);
                write_seqcount_end(v.seq);
            },
            [drop](Vocab& v) {
                const unsigned s = drop == 1 ? __read_seqcount_begin(v.seq) : read_seqcount_begin(v.seq);
                const int a = READ_ONCE(v.x);
                const int b = READ_ONCE(v.y);
                const bool retry = drop == 2 ? false
                                 : drop == 3 ? __read_seqcount_retry(v.seq, s)
                                             : read_seqcount_retry(v.seq, s);
                if (!retry) check(a == b, "seqcount read is not torn");
            }};
}
}  // namespace

TEST_CASE("seqcount_t: a reader never accepts a torn pair; without the rmb or the retry it does", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const auto ok = seqcount_bodies(0);
        const auto r = run(m, ok);
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);
        for (int drop : {1, 2, 3}) {
            INFO("drop " << drop);
            const auto bad = seqcount_bodies(drop);
            CHECK(run(m, bad, {}, false).verdict == Verdict::Violation);
        }
    }
}

TEST_CASE("raw_write_seqcount_barrier makes a reader that saw the second store retry", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) {
                                        WRITE_ONCE(v.x, 1);
                                        raw_write_seqcount_barrier(v.seq);
                                        WRITE_ONCE(v.y, 1);
                                    },
                                    [](Vocab& v) {
                                        const unsigned s = read_seqcount_begin(v.seq);
                                        const int b = READ_ONCE(v.y);
                                        const int a = READ_ONCE(v.x);
                                        if (!read_seqcount_retry(v.seq, s)) check(!(b == 1 && a == 0), "barrier orders x before y");
                                    }};
        const auto r = run(m, bodies);
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);
    }
}

namespace {
/// RCU: the updater unpublishes the object (gp: 1 -> 0), waits for a grace period and frees
/// it; the reader dereferences gp inside (or, `outside`, outside) a read-side section.
std::vector<B> rcu_bodies(bool outside) {
    return {[](Vocab& v) {
                rcu_assign_pointer(v.gp, 0);
                synchronize_rcu(v.rcu);
                v.obj.free();
            },
            [outside](Vocab& v) {
                if (!outside) rcu_read_lock(v.rcu);
                const int p = rcu_dereference(v.gp);
                if (p != 0) v.obj.use();
                if (!outside) rcu_read_unlock(v.rcu);
            }};
}
}  // namespace

TEST_CASE("RCU: a free after synchronize_rcu is safe against a reader; outside rcu_read_lock it is a use-after-free",
          "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const auto ok = rcu_bodies(false);
        const auto r = run(m, ok);
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);
        const auto bad = rcu_bodies(true);
        const auto rb = run(m, bad);
        CHECK(has_violation(rb, ViolationKind::UseAfterFree));
    }
}

TEST_CASE("RCU: two readers and a grace period, each reader seeing the object or not, never freed under it",
          "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        auto b = rcu_bodies(false);
        b.push_back(b[1]);
        const auto r = run(m, b);
        CHECK(r.exhaustive);
        CHECK(r.verdict == Verdict::Safe);
    }
}

TEST_CASE("xa_store publishes an entry's initialisation to xa_load and an address-dependent read", "[core][kernel]") {
    for (auto m : kBoth) {
        INFO(name_of(m));
        const std::vector<B> bodies{[](Vocab& v) {
                                        WRITE_ONCE(v.x, 42);
                                        xa_store(v.slot, 1);
                                    },
                                    [](Vocab& v) {
                                        const int e = xa_load(v.slot);
                                        v.reg["1:e"] = e;
                                        v.reg["1:x"] = e != 0 ? READ_ONCE(v.x, addr_dep(last_read_dep())) : -1;
                                    }};
        const auto r = run(m, bodies);
        CHECK(r.exhaustive);
        CHECK(outcomes(r) == std::set<Outcome>{{{"1:e", 0}, {"1:x", -1}}, {{"1:e", 1}, {"1:x", 42}}});
    }
}

namespace {
/// MP: x then y written with `wbar` between; y then x read with `rbar` (0: none, 1: the
/// barrier, 2: an address dependency instead).
std::vector<B> mp(bool wmb, int rbar) {
    return {[wmb](Vocab& v) {
                WRITE_ONCE(v.x, 1);
                if (wmb) smp_wmb();
                WRITE_ONCE(v.y, 1);
            },
            [rbar](Vocab& v) {
                v.reg["1:y"] = READ_ONCE(v.y);
                const dep_t d = last_read_dep();
                if (rbar == 1) smp_rmb();
                v.reg["1:x"] = rbar == 2 ? READ_ONCE(v.x, addr_dep(d)) : READ_ONCE(v.x);
            }};
}
bool stale(const ExploreResult& r) {
    return r.outcomes.count(Outcome{{"1:x", 0}, {"1:y", 1}}) != 0;
}
}  // namespace

TEST_CASE("smp_wmb + smp_rmb forbid MP's stale read under both models; an address dependency only under LKMM",
          "[core][kernel]") {
    const auto a = mp(true, 1), b = mp(true, 2), c = mp(false, 1);
    CHECK_FALSE(stale(run(MemoryModelKind::RC11, a)));
    CHECK_FALSE(stale(run(MemoryModelKind::LKMM, a)));
    CHECK(stale(run(MemoryModelKind::RC11, b)));   // RC11 has no dependency ordering
    CHECK_FALSE(stale(run(MemoryModelKind::LKMM, b)));
    CHECK(stale(run(MemoryModelKind::RC11, c)));
    CHECK(stale(run(MemoryModelKind::LKMM, c)));
}

TEST_CASE("smp_wmb orders only stores under LKMM (a release fence under RC11 also orders a load before a store)",
          "[core][kernel]") {
    // WRC-like: P0 reads x then (wmb) writes y; P1 reads y then (mb) writes x. LB outcome.
    const std::vector<B> lb{[](Vocab& v) {
                                v.reg["0:x"] = READ_ONCE(v.x);
                                smp_wmb();
                                WRITE_ONCE(v.y, 1);
                            },
                            [](Vocab& v) {
                                v.reg["1:y"] = READ_ONCE(v.y);
                                smp_mb();
                                WRITE_ONCE(v.x, 1);
                            }};
    const Outcome both{{"0:x", 1}, {"1:y", 1}};
    CHECK(run(MemoryModelKind::RC11, lb).outcomes.count(both) == 0);
    CHECK(run(MemoryModelKind::LKMM, lb).outcomes.count(both) == 1);
}

TEST_CASE("A fully ordered kernel RMW is one Mb RMW under LKMM and fence-RMW-fence under RC11", "[core][kernel]") {
    // SB with atomic_inc_return on a third location in each thread: fully ordered, so the
    // SB outcome is forbidden under both models; a failed cmpxchg orders nothing under LKMM.
    auto sb = [](bool failing) {
        return std::vector<B>{[failing](Vocab& v) {
                                  WRITE_ONCE(v.x, 1);
                                  if (failing) (void)cmpxchg(v.ref, 5, 6);
                                  else (void)atomic_inc_return(v.ref);
                                  v.reg["0:y"] = READ_ONCE(v.y);
                              },
                              [failing](Vocab& v) {
                                  WRITE_ONCE(v.y, 1);
                                  if (failing) (void)cmpxchg(v.ref, 5, 6);
                                  else (void)atomic_inc_return(v.ref);
                                  v.reg["1:x"] = READ_ONCE(v.x);
                              }};
    };
    const Outcome weak{{"0:y", 0}, {"1:x", 0}};
    const auto ok = sb(false), failing = sb(true);
    for (auto m : kBoth) {
        INFO(name_of(m));
        CHECK(run(m, ok).outcomes.count(weak) == 0);
    }
    // The C++11 mapping keeps the leading MB of a failed cmpxchg (stronger than LKMM).
    CHECK(run(MemoryModelKind::RC11, failing).outcomes.count(weak) == 0);
    CHECK(run(MemoryModelKind::LKMM, failing).outcomes.count(weak) == 1);
}

TEST_CASE("A fully ordered kernel RMW is one event named after the kernel helper under LKMM", "[core][kernel]") {
    const std::vector<B> bodies{[](Vocab& v) {
        label("[S1] take a reference");
        (void)atomic_inc_not_zero(v.ref);
    }};
    for (auto m : kBoth) {
        INFO(name_of(m));
        Program prog;
        const std::function<void(Vocab&)> none;
        prog.make = [&bodies, &none] { return std::unique_ptr<Model>(new Vocab(bodies, &none)); };
        ExploreOptions o;
        o.model = m;
        std::vector<std::string> ops;
        o.on_execution = [&](const ExecutionGraph& g, bool) {
            ops.clear();
            for (const Event& e : g.thread_events(0))
                if (e.kind != EventKind::End) ops.emplace_back(e.op);
        };
        (void)explore(prog, o);
        if (m == MemoryModelKind::LKMM)  // no C++11 fences: the RMW is the primitive
            CHECK(ops == std::vector<std::string>{"atomic_inc_not_zero", "atomic_inc_not_zero"});
        else  // RC11 keeps today's events: MB; RMW(RLX); MB
            CHECK(ops == std::vector<std::string>{"fence", "atomic_add_unless", "atomic_add_unless", "fence"});
    }
}
