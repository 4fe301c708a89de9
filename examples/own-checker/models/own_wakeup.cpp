// The lost wake-up: a sleeper publishes "I am sleeping" then tests the condition; a waker
// sets the condition then tests for a sleeper (set_current_state() / try_to_wake_up() in
// kernel/sched/core.c; the full barrier each side needs is the comment above
// set_current_state() in include/linux/sched.h). Without both barriers each side can miss
// the other's store, and the sleeper sleeps forever.
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

using namespace mmcheck;
using namespace mmcheck::kernel;

struct OwnWakeup : Model {
    atomic<int> state{"sleeper->state", 0}, cond{"cond", 0};  // state 1: TASK_UNINTERRUPTIBLE
    int sleeps = 0, wakes = 0;

    void threads() override {
        thread("sleeper", [this] {
            WRITE_ONCE(state, 1);                  // set_current_state()
            if (variant_is("mb")) smp_mb();
            sleeps = READ_ONCE(cond) == 0;         // if (!cond) schedule();
        });
        thread("waker", [this] {
            WRITE_ONCE(cond, 1);
            if (variant_is("mb")) smp_mb();
            wakes = READ_ONCE(state) == 1;         // try_to_wake_up() sees a sleeper
        });
    }
    void final() override { check(!(sleeps && !wakes), "no lost wake-up"); }
};

MMCHECK_REGISTER_MODEL(OwnWakeup, "own_wakeup", "sleeper and waker: set_current_state() vs try_to_wake_up()",
                       ({{"mb", "smp_mb() on both sides, as set_current_state() has"},
                         {"no-mb", "no barriers: both loads may miss the other side's store"}}),
                       ({}));
