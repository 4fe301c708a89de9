// SPDX-License-Identifier: MIT
/// \file The `fault` model: misbehaving model code, registered only in the test binary
/// mmcheck-faults (never in mmcheck), so that the CLI tests can show each fault diagnosed
/// with its documented exit code instead of a crash or a hang (issue 9).
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <cstdint>
#include <string>

using namespace mmcheck;
using namespace mmcheck::kernel;

namespace {

/// Recursion that only the guard page can stop: no call into the checker on the way down.
/// The volatile frame keeps the compiler from turning it into a loop.
[[gnu::noinline]] std::uint64_t recurse_silently(std::uint64_t depth) {
    volatile char frame[256];
    frame[0] = static_cast<char>(depth);
    if (depth == 0) return static_cast<std::uint64_t>(frame[0]);
    return recurse_silently(depth - 1) + static_cast<std::uint64_t>(frame[0]);
}

class Fault : public Model {
public:
    atomic<int> x{"x", 0};
    atomic<int> flag{"flag", 0};
    mutex m{"m"};
    spinlock_t ptl{"ptl"};

    [[gnu::noinline]] std::uint64_t recurse_reading(std::uint64_t depth) {
        volatile char frame[256];
        frame[0] = static_cast<char>(x.load(relaxed));
        if (depth == 0) return 0;
        return recurse_reading(depth - 1) + static_cast<std::uint64_t>(frame[0]);
    }

    void threads() override {
        if (variant_is("spin")) {
            thread("spinner", [this] {
                x.store(1, relaxed);
                volatile std::uint64_t n = 0;
                for (;;) n = n + 1;  // never returns to the checker
            });
        } else if (variant_is("recursion")) {
            thread("recurser", [this] {
                x.store(1, relaxed);
                (void)recurse_silently(std::uint64_t{1} << 40);
            });
        } else if (variant_is("recursion-reading")) {
            thread("recurser", [this] { (void)recurse_reading(std::uint64_t{1} << 40); });
        } else if (variant_is("unlock-unheld")) {
            thread("locker", [this] {
                m.lock();
                x.store(1, relaxed);
                m.unlock();
            });
            thread("stranger", [this] { m.unlock(); });
        } else if (variant_is("spin-unlock-unheld")) {
            thread("P0", [this] {
                spin_lock(ptl);
                spin_unlock(ptl);
                spin_unlock(ptl);
            });
        } else if (variant_is("double-lock")) {
            thread("P0", [this] {
                m.lock();
                m.lock();
                m.unlock();
            });
        } else if (variant_is("stuck-behind-await")) {
            // The holder of m waits for a flag nobody sets; the other thread waits for m. The
            // cause is the await, not a lock cycle: "stuck", not "deadlock".
            thread("holder", [this] {
                m.lock();
                flag.await([](int v) { return v == 1; }, acquire);
                m.unlock();
            });
            thread("waiter", [this] {
                m.lock();
                m.unlock();
            });
        } else if (variant_is("threads65")) {
            for (int i = 0; i < 65; ++i)
                thread("T" + std::to_string(i), [this] { x.fetch_add(1, relaxed); });
        } else if (variant_is("long")) {
            // Many executions, each returning to the checker often: an exploration that takes
            // minutes, for the signal tests (it must stop at the next execution boundary).
            for (int i = 0; i < 5; ++i)
                thread("L" + std::to_string(i), [this] {
                    for (int k = 0; k < 3; ++k) x.store(x.load(relaxed) + 1, relaxed);
                });
        } else if (variant_is("escape")) {
            thread("evil\x1b[31mname", [this] { x.store(1, relaxed); });
        }
    }
    void final() override {
        check(true, "reached the end");
        if (variant_is("escape")) check(x.load(relaxed) == 0, "x\x1b[2J stays 0");
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(Fault, "fault", "test-only: model code that misbehaves (issue 9)",
                       ({{"spin", "a thread loops forever without shared accesses"},
                         {"recursion", "a thread recurses without shared accesses until its stack is gone"},
                         {"recursion-reading", "a thread recurses, reading x at each level"},
                         {"unlock-unheld", "a thread unlocks a mutex another thread may hold, or nobody"},
                         {"spin-unlock-unheld", "spin_unlock of a spinlock already released"},
                         {"double-lock", "a thread locks a mutex it holds"},
                         {"stuck-behind-await", "a lock waiter behind a holder stuck in await"},
                         {"threads65", "65 threads, one more than mmcheck supports"},
                         {"long", "five threads of racy increments: a long exploration"},
                         {"escape", "names with terminal escape sequences"}}),
                       ({}));
