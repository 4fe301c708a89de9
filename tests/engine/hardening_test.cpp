// SPDX-License-Identifier: MIT
/// \file Issue 9, the engine half: kernel.hpp's conditional RMW helpers explore exhaustively
/// when threads race on them (and agree with the brute-force explorer), lock misuse is a
/// violation, stuck is told from deadlock, and tool limits (threads, stack) end a run as
/// inconclusive instead of blaming the model.
#include "explore/explorer.hpp"

#include <mmcheck/kernel.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <vector>
#include <string>

using namespace mmcheck;
using namespace mmcheck::kernel;

namespace {

/// A model of `n` threads, each running `op` once on the shared word (and recording whether
/// it succeeded), with `initial` as the word's first value.
struct Racing : Model {
    using Op = std::function<bool(const atomic<int>& v, int thread)>;
    static inline Op op;
    static inline int n = 2;
    static inline int initial = 1;
    atomic<int> v{"v", initial};
    int ok[4] = {0, 0, 0, 0};
    void threads() override {
        for (int t = 0; t < n; ++t)
            thread("T" + std::to_string(t), [this, t] { ok[t] = op(v, t) ? 1 : 0; });
    }
    void final() override {
        for (int t = 0; t < n; ++t) observe("ok" + std::to_string(t), ok[t]);
        observe("v", v.load(relaxed));
        check(true, "ran to the end");
    }
};

Program racing_program() {
    Program p;
    p.variant = "default";
    p.make = [] { return std::unique_ptr<Model>(new Racing()); };
    return p;
}

ExploreOptions all() {
    ExploreOptions o;
    o.stop_at_first_violation = false;
    return o;
}

/// Explores `op` raced by `threads` threads: exhaustive, safe, and the same executions and
/// outcomes as brute force. Returns the optimal explorer's result.
ExploreResult race(const Racing::Op& op, int threads, int initial) {
    Racing::op = op;
    Racing::n = threads;
    Racing::initial = initial;
    const ExploreResult fast = explore(racing_program(), all());
    const ExploreResult brute = explore_brute_force(racing_program(), all());
    INFO("threads " << threads << ", initial " << initial);
    CHECK(fast.violations.empty());
    if (!fast.violations.empty()) INFO(fast.violations.front().message);
    CHECK(fast.exhaustive);
    CHECK(fast.verdict == Verdict::Safe);
    CHECK(fast.stats.complete > 0);
    CHECK(fast.stats.complete == brute.stats.complete);
    CHECK(fast.stats.blocked == brute.stats.blocked);
    CHECK(fast.outcomes.size() == brute.outcomes.size());
    return fast;
}

/// The number of threads whose op succeeded, per outcome, as a set.
std::set<std::int64_t> successes(const ExploreResult& r, int threads) {
    std::set<std::int64_t> out;
    for (const auto& [o, count] : r.outcomes) {
        std::int64_t k = 0;
        for (const auto& [name, value] : o)
            if (name.rfind("ok", 0) == 0) k += value;
        (void)count;
        (void)threads;
        out.insert(k);
    }
    return out;
}

}  // namespace

TEST_CASE("Two and three threads racing atomic_inc_not_zero on one refcount explore exhaustively", "[core][hardening]") {
    const Racing::Op inc = [](const atomic<int>& v, int) { return atomic_inc_not_zero(v); };
    for (const int n : {2, 3}) {
        // A live refcount: every try-get succeeds.
        const ExploreResult live = race(inc, n, 1);
        CHECK(successes(live, n) == std::set<std::int64_t>{n});
        // A dead one: none does.
        const ExploreResult dead = race(inc, n, 0);
        CHECK(successes(dead, n) == std::set<std::int64_t>{0});
    }
}

TEST_CASE("A try-get racing a put explores both orders of atomic_inc_not_zero and atomic_dec_and_test", "[core][hardening]") {
    const Racing::Op get_or_put = [](const atomic<int>& v, int t) {
        if (t == 0) return atomic_dec_and_test(v);
        return atomic_inc_not_zero(v);
    };
    for (const int n : {2, 3}) {
        const ExploreResult r = race(get_or_put, n, 1);
        // The put can come first (the try-gets fail) or after a try-get (it does not free).
        CHECK(r.outcomes.size() >= 2);
    }
}

TEST_CASE("Every conditional kernel.hpp helper raced by two and three threads explores exhaustively", "[core][hardening]") {
    const std::vector<std::pair<const char*, Racing::Op>> helpers = {
        {"atomic_add_unless", [](const atomic<int>& v, int) { return atomic_add_unless(v, 2, 3); }},
        {"cmpxchg", [](const atomic<int>& v, int t) { return cmpxchg(v, 1, t + 5) == 1; }},
        {"atomic_cmpxchg", [](const atomic<int>& v, int t) { return atomic_cmpxchg(v, 1, t + 5) == 1; }},
        {"cmpxchg_relaxed", [](const atomic<int>& v, int t) { return cmpxchg_relaxed(v, 1, t + 5) == 1; }},
        {"cmpxchg_acquire", [](const atomic<int>& v, int t) { return cmpxchg_acquire(v, 1, t + 5) == 1; }},
        {"cmpxchg_release", [](const atomic<int>& v, int t) { return cmpxchg_release(v, 1, t + 5) == 1; }},
        {"test_and_set_bit_lock", [](const atomic<int>& v, int) { return !test_and_set_bit_lock(1, v); }},
        {"test_and_set_bit", [](const atomic<int>& v, int) { return !test_and_set_bit(1, v); }},
        {"test_and_clear_bit", [](const atomic<int>& v, int) { return test_and_clear_bit(0, v); }},
        {"atomic_dec_and_test", [](const atomic<int>& v, int) { return atomic_dec_and_test(v); }},
        {"atomic_inc_and_test", [](const atomic<int>& v, int) { return atomic_inc_and_test(v); }},
        {"atomic_add_negative", [](const atomic<int>& v, int) { return atomic_add_negative(-1, v); }},
    };
    for (const auto& [name, op] : helpers) {
        INFO(name);
        for (const int n : {2, 3}) {
            const ExploreResult r = race(op, n, 1);
            // Exactly one winner where the helper admits one (the value 1 is consumed once).
            const std::string h = name;
            if (h.rfind("cmpxchg", 0) == 0 || h == "atomic_cmpxchg" || h == "test_and_set_bit_lock" ||
                h == "test_and_set_bit" || h == "test_and_clear_bit")
                CHECK(successes(r, n) == std::set<std::int64_t>{1});
        }
    }
}

TEST_CASE("A narrow counter's atomic_inc_not_zero wraps and still explores exhaustively", "[core][hardening]") {
    struct Narrow : Model {
        narrow_counter<2> c{"c", 3};
        int a = 0, b = 0;
        void threads() override {
            thread("A", [this] { a = atomic_inc_not_zero(c) ? 1 : 0; });
            thread("B", [this] { b = atomic_inc_not_zero(c) ? 1 : 0; });
        }
        void final() override {
            observe("a", a);
            observe("b", b);
            // 3 + 1 wraps to 0 in two bits: the second try-get then fails.
            check(a + b == 1, "exactly one try-get succeeds on a 2-bit counter at 3");
        }
    };
    Program p;
    p.make = [] { return std::unique_ptr<Model>(new Narrow()); };
    const ExploreResult r = explore(p, all());
    CHECK(r.violations.empty());
    CHECK(r.exhaustive);
    CHECK(r.stats.complete == explore_brute_force(p, all()).stats.complete);
}

namespace {
struct Flaky : Model {
    static inline int runs = 0;
    atomic<int> x{"x", 0}, y{"y", 0};
    void threads() override {
        thread("A", [this] {
            x.store(1, relaxed);
            (void)y.load(relaxed);
        });
        thread("B", [this] {
            // Depends on state outside mmcheck: a different operation on the second run.
            if (runs++ == 0) (void)x.load(relaxed);
            else y.store(1, relaxed);
            (void)x.load(relaxed);
        });
    }
};
}  // namespace

TEST_CASE("A model that is not deterministic is named by the model line where the runs diverged", "[core][hardening]") {
    Program p;
    p.make = [] { return std::unique_ptr<Model>(new Flaky()); };
    Flaky::runs = 0;
    try {
        (void)explore(p, all());
        FAIL("no nondeterminism reported");
    } catch (const std::exception& e) {
        const std::string m = e.what();
        INFO(m);
        CHECK(m.find("not deterministic") != std::string::npos);
        CHECK(m.find("thread 'B'") != std::string::npos);
        CHECK(m.find("hardening_test.cpp:") != std::string::npos);
    }
}

namespace {
struct LockMisuse : Model {
    mutex m{"m"};
    atomic<int> x{"x", 0};
    spinlock_t ptl{"ptl"};
    void threads() override {
        if (variant_is("unlock-unheld")) {
            thread("A", [this] { m.unlock(); });
        } else if (variant_is("unlock-twice")) {
            thread("A", [this] {
                m.lock();
                m.unlock();
                m.unlock();
            });
        } else if (variant_is("unlock-other")) {
            thread("A", [this] {
                m.lock();
                x.store(1, relaxed);
                m.unlock();
            });
            thread("B", [this] {
                if (x.load(relaxed) == 1) m.unlock();
            });
        } else if (variant_is("spin-unlock-unheld")) {
            thread("A", [this] { spin_unlock(ptl); });
        } else if (variant_is("double-lock")) {
            thread("A", [this] {
                m.lock();
                m.lock();
            });
        } else if (variant_is("correct")) {
            for (const char* n : {"A", "B"})
                thread(n, [this] {
                    m.lock();
                    x.store(x.load(relaxed) + 1, relaxed);
                    m.unlock();
                    spin_lock(ptl);
                    spin_unlock(ptl);
                });
        }
    }
    void final() override { check(true, "ran"); }
};

ExploreResult run_lock_misuse(const std::string& variant) {
    Program p;
    p.variant = variant;
    p.make = [] { return std::unique_ptr<Model>(new LockMisuse()); };
    return explore(p, ExploreOptions{});
}
}  // namespace

TEST_CASE("Unlocking a mutex or spinlock the thread does not hold is a lock-misuse violation", "[core][hardening]") {
    for (const char* v : {"unlock-unheld", "unlock-twice", "unlock-other", "spin-unlock-unheld"}) {
        INFO(v);
        const ExploreResult r = run_lock_misuse(v);
        REQUIRE(r.violations.size() == 1);
        CHECK(r.verdict == Verdict::Violation);
        CHECK(r.violations[0].kind == ViolationKind::LockMisuse);
        CHECK(r.violations[0].message.find("which it does not hold") != std::string::npos);
        CHECK(r.violations[0].src.line != 0);
    }
}

TEST_CASE("Locking a mutex twice in one thread is a lock-misuse violation, not a deadlock", "[core][hardening]") {
    const ExploreResult r = run_lock_misuse("double-lock");
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].kind == ViolationKind::LockMisuse);
    CHECK(r.violations[0].message == "thread 'A' locks mutex 'm', which it already holds");
}

TEST_CASE("Correct locking is not lock misuse", "[core][hardening]") {
    const ExploreResult r = run_lock_misuse("correct");
    CHECK(r.violations.empty());
    CHECK(r.verdict == Verdict::Safe);
}

namespace {
struct Waits : Model {
    mutex a{"a"}, b{"b"};
    atomic<int> flag{"flag", 0};
    void threads() override {
        if (variant_is("behind-await")) {
            thread("holder", [this] {
                a.lock();
                flag.await([](int v) { return v == 1; }, acquire);
                a.unlock();
            });
            thread("waiter", [this] {
                a.lock();
                a.unlock();
            });
        } else if (variant_is("chain-behind-await")) {
            thread("holder", [this] {
                a.lock();
                flag.await([](int v) { return v == 1; }, acquire);
                a.unlock();
            });
            thread("middle", [this] {
                b.lock();
                a.lock();
                a.unlock();
                b.unlock();
            });
            thread("last", [this] {
                b.lock();
                b.unlock();
            });
        } else if (variant_is("abba")) {
            thread("P0", [this] { a.lock(); b.lock(); b.unlock(); a.unlock(); });
            thread("P1", [this] { b.lock(); a.lock(); a.unlock(); b.unlock(); });
        } else if (variant_is("never-released")) {
            thread("P0", [this] { a.lock(); });
            thread("P1", [this] { a.lock(); });
        }
    }
    void final() override { check(true, "ran"); }
};

Violation first_violation(const std::string& variant) {
    Program p;
    p.variant = variant;
    p.make = [] { return std::unique_ptr<Model>(new Waits()); };
    const ExploreResult r = explore(p, ExploreOptions{});
    REQUIRE(!r.violations.empty());
    return r.violations.front();
}
}  // namespace

TEST_CASE("A thread waiting for a mutex held by a thread stuck in await is stuck, not deadlocked", "[core][hardening]") {
    for (const char* v : {"behind-await", "chain-behind-await"}) {
        INFO(v);
        const Violation x = first_violation(v);
        CHECK(x.kind == ViolationKind::Stuck);
        CHECK(x.message.find("thread 'holder' waits on 'flag'") != std::string::npos);
    }
}

TEST_CASE("A cycle of lock waiters, or a mutex never released, is still a deadlock", "[core][hardening]") {
    CHECK(first_violation("abba").kind == ViolationKind::Deadlock);
    CHECK(first_violation("never-released").kind == ViolationKind::Deadlock);
}

namespace {
struct ManyThreads : Model {
    static inline int n = 17;
    atomic<int> x{"x", 0};
    void threads() override {
        for (int i = 0; i < n; ++i) thread("T" + std::to_string(i), [this] { x.store(1, relaxed); });
    }
};
struct Spawner : Model {
    atomic<int> x{"x", 0};
    void threads() override {
        thread("main", [this] {
            std::vector<ThreadHandle> kids;
            for (int i = 0; i < 64; ++i) kids.push_back(spawn("kid" + std::to_string(i), [this] { x.store(1, relaxed); }));
            for (const ThreadHandle k : kids) join(k);
        });
    }
};
}  // namespace

TEST_CASE("More threads than mmcheck supports is an inconclusive limit, not a violation of the model", "[core][hardening]") {
    Program p;
    p.make = [] { return std::unique_ptr<Model>(new ManyThreads()); };
    ManyThreads::n = 65;
    const ExploreResult r = explore(p, ExploreOptions{});
    CHECK(r.violations.empty());
    CHECK(r.verdict == Verdict::Bounded);
    CHECK(r.limit_hit == "max-threads");
    CHECK(r.limit_detail.find("more than 64 threads") != std::string::npos);
    CHECK(r.limit_detail.find("'T64'") != std::string::npos);

    Program s;
    s.make = [] { return std::unique_ptr<Model>(new Spawner()); };
    const ExploreResult rs = explore(s, ExploreOptions{});
    CHECK(rs.violations.empty());
    CHECK(rs.verdict == Verdict::Bounded);
    CHECK(rs.limit_hit == "max-threads");
}

namespace {
struct Recursion : Model {
    atomic<int> x{"x", 0};
    [[gnu::noinline]] int down(int depth) {
        volatile char frame[512];
        frame[0] = static_cast<char>(x.load(relaxed));
        if (depth == 0) return frame[0];
        return down(depth - 1) + frame[0];
    }
    void threads() override {
        thread("deep", [this] { (void)down(1 << 30); });
    }
};
}  // namespace

TEST_CASE("Recursion that exhausts a model thread's stack is a stack-size limit naming the thread", "[core][hardening]") {
    Program p;
    p.make = [] { return std::unique_ptr<Model>(new Recursion()); };
    ExploreOptions o;
    o.max_events_per_thread = 60000;  // the stack runs out first
    const ExploreResult r = explore(p, o);
    CHECK(r.violations.empty());
    CHECK(r.verdict == Verdict::Bounded);
    CHECK(r.limit_hit == "stack-size");
    CHECK(r.limit_detail == "thread 'deep' overflowed its stack of 256 KiB (deep recursion in model code?); raise it with --stack-size");
    o.stack_size = 1024 * 1024;
    const ExploreResult big = explore(p, o);
    CHECK(big.limit_detail.find("of 1024 KiB") != std::string::npos);
}

namespace {

/// Counts live instances of a local of the thread bodies (a stand-in for a local that owns
/// memory): T1 blocks in every execution where T0 holds the mutex for ever, and a spin
/// barrier's threads block in executions that wait on a stale value.
struct Tracked {
    static inline int live = 0;
    static inline int made = 0;
    Tracked() { ++live, ++made; }
    ~Tracked() { --live; }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;
};

struct StopsThreads : Model {
    static inline bool unwind = false;
    mutex m{"m"};
    atomic<int> cnt{"cnt", 0};
    [[nodiscard]] bool unwinds_stopped_threads() const override { return unwind; }
    void threads() override {
        thread("T0", [this] {
            const Tracked t;
            m.lock();  // never unlocked: T1 then waits for ever when T0 goes first
            cnt.fetch_add(1, acq_rel);
        });
        thread("T1", [this] {
            const Tracked t;
            m.lock();
            m.unlock();
            cnt.fetch_add(1, acq_rel);
            (void)cnt.await([](int v) { return v == 3; }, acquire);  // never: a stuck wait
        });
    }
};

ExploreResult explore_stopping(bool unwind) {
    StopsThreads::unwind = unwind;
    Tracked::live = Tracked::made = 0;
    Program p;
    p.variant = "default";
    p.make = [] { return std::unique_ptr<Model>(new StopsThreads()); };
    return explore(p, all());
}

}  // namespace

TEST_CASE("A stopped thread's locals are destroyed only when the model asks for unwinding", "[core][hardening]") {
    // Both ways the exploration is the same; by default a blocked thread's stack is reused
    // without running the destructors of its locals (docs/mmcheck.md, "Threads that stop").
    const ExploreResult unwound = explore_stopping(true);
    CHECK(Tracked::made > 0);
    CHECK(Tracked::live == 0);
    const ExploreResult abandoned = explore_stopping(false);
    CHECK(Tracked::made > 0);
    CHECK(Tracked::live > 0);
    CHECK(unwound.stats.complete == abandoned.stats.complete);
    CHECK(unwound.stats.blocked == abandoned.stats.blocked);
    CHECK(unwound.stats.blocked > 0);
    CHECK(unwound.violations.size() == abandoned.violations.size());
}

namespace {

/// atomic<T>::update on a narrow location: the runtime (not the model API's frame) wraps the
/// result to the location's width, for the run that adds the update and for the explorer that
/// re-evaluates it when T1's store revisits its read.
struct NarrowUpdate : Model {
    atomic<std::uint8_t> x{"x", 250};
    void threads() override {
        thread("T0", [this] {
            (void)x.update([](std::int64_t v) { return std::optional<std::int64_t>(v + 10); }, relaxed, relaxed);
        });
        thread("T1", [this] { x.store(255, relaxed); });
    }
    void final() override { observe("x", x.load(relaxed)); }
};

std::set<std::int64_t> final_x(const ExploreResult& r) {
    std::set<std::int64_t> out;
    for (const auto& [o, count] : r.outcomes) {
        (void)count;
        for (const auto& [name, value] : o)
            if (name == "x") out.insert(value);
    }
    return out;
}

/// Threads that stop inside operations whose requests own heap memory: T1 blocks in a lock
/// that carries LKMM dependencies; T2 spawns a thread with a long name and a body whose
/// captures do not fit std::function's inline buffer, and runs narrow updates; either may be
/// cut anywhere by the brute-force explorer. None of that may leak when the threads are
/// abandoned: LeakSanitizer checks it under the asan preset.
struct StopsInOwningOps : Model {
    static inline bool unwind = false;
    mutex m{"m"};
    atomic<int> x{"x", 0};
    atomic<std::uint16_t> y{"y", 65530};
    [[nodiscard]] bool unwinds_stopped_threads() const override { return unwind; }
    void threads() override {
        thread("T0", [this] { m.lock(); });  // never unlocked
        thread("T1", [this] {
            (void)x.load(relaxed);
            const auto r = detail::current_context().last_read();
            detail::current_context().annotate(LkmmAnnotation{LkmmTag::Derived, Dependencies{{*r}, {}, {}}});
            m.lock();
            m.unlock();
        });
        thread("T2", [this] {
            const std::int64_t a = 1, b = 2, c = 3;
            const ThreadHandle h = spawn("a child thread whose name is longer than fifteen", [this, a, b, c] {
                x.store(static_cast<int>(a + b + c), relaxed);
            });
            (void)y.update([](std::int64_t v) { return std::optional<std::int64_t>(v + 7); }, relaxed, relaxed);
            join(h);
        });
    }
};

Program owning_ops_program() {
    Program p;
    p.variant = "default";
    p.make = [] { return std::unique_ptr<Model>(new StopsInOwningOps()); };
    return p;
}

}  // namespace

TEST_CASE("atomic<T>::update wraps its result to the location's width, also when a revisit re-evaluates it",
          "[core][hardening]") {
    Program p;
    p.variant = "default";
    p.make = [] { return std::unique_ptr<Model>(new NarrowUpdate()); };
    // T0 first: 250 + 10 wraps to 4, then T1 writes 255. T1 first: 255 + 10 wraps to 9.
    const ExploreResult fast = explore(p, all());
    const ExploreResult brute = explore_brute_force(p, all());
    CHECK(final_x(fast) == std::set<std::int64_t>{9, 255});
    CHECK(final_x(brute) == std::set<std::int64_t>{9, 255});
}

TEST_CASE("Threads stopped inside a lock with dependencies, a spawn or a narrow update explore the same abandoned or unwound",
          "[core][hardening]") {
    for (const bool brute : {false, true}) {
        INFO((brute ? "brute force" : "optimal"));
        StopsInOwningOps::unwind = true;
        const ExploreResult unwound = brute ? explore_brute_force(owning_ops_program(), all())
                                            : explore(owning_ops_program(), all());
        StopsInOwningOps::unwind = false;
        const ExploreResult abandoned = brute ? explore_brute_force(owning_ops_program(), all())
                                              : explore(owning_ops_program(), all());
        CHECK(unwound.stats.complete == abandoned.stats.complete);
        CHECK(unwound.stats.blocked == abandoned.stats.blocked);
        CHECK(abandoned.stats.blocked > 0);
        CHECK(unwound.outcomes == abandoned.outcomes);
    }
}
