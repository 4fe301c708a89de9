// SPDX-License-Identifier: MIT
/// \file RCU-deferred free against a reader (issue 10), the pattern of every RCU-protected MM
/// pointer (e.g. mm/memcontrol.c's memcg->objcg, mm/vmalloc.c's vmap areas): the updater
/// publishes a new object with rcu_assign_pointer, waits for a grace period with
/// synchronize_rcu() and frees the old one; a reader dereferences the pointer inside
/// rcu_read_lock() and uses the object it found:
///
///     updater:  new->val = 2; rcu_assign_pointer(gp, new); synchronize_rcu(); kfree(old);
///     reader:   rcu_read_lock(); p = rcu_dereference(gp); v = READ_ONCE(p->val); ...use p...;
///               rcu_read_unlock();
///
/// Properties: no use-after-free of either object; a reader that found the new object sees
/// its initialisation ("reader sees an initialised object": rcu_assign_pointer's release,
/// with the reader's address dependency under LKMM or its acquire load under RC11).
///
/// Variants: ok; outside-lock (the reader's use comes after rcu_read_unlock: the grace period
/// no longer covers it: use-after-free); no-sync (the updater frees without
/// synchronize_rcu: use-after-free). `readers` runs one or two readers.
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <string>

namespace {

using namespace mmcheck;
using namespace mmcheck::kernel;

class RcuFree final : public Model {
public:
    /// reader() keeps a dep_t (a std::vector) across READ_ONCE, check and rcu_read_unlock, any
    /// of which can stop the thread: unwind it, so no execution leaks the vector.
    [[nodiscard]] bool unwinds_stopped_threads() const override { return true; }
    void threads() override {
        thread("U updater (CPU0)", [this] { updater(); });
        for (int i = 1; i <= param("readers"); ++i)
            thread("R" + std::to_string(i) + " reader (CPU" + std::to_string(i) + ")", [this] { reader(); });
    }

private:
    const bool outside_ = variant_is("outside-lock");
    const bool sync_ = !variant_is("no-sync");

    rcu_domain rcu_{"rcu"};
    atomic<int> gp_{"gp", 1};             // which object gp points to: 1 (old) or 2 (new)
    atomic<int> val1_{"old->val", 1};
    atomic<int> val2_{"new->val", 0};     // initialised by the updater before publication
    kobject old_{"old"};
    kobject new_{"new"};

    void updater() {
        label("[U1] initialise new; rcu_assign_pointer(gp, new)");
        WRITE_ONCE(val2_, 2);
        rcu_assign_pointer(gp_, 2);
        if (sync_) {
            label("[U2] synchronize_rcu");
            synchronize_rcu(rcu_);
        }
        label("[U3] kfree(old)");
        old_.free();
    }

    void reader() {
        label("[R1] rcu_read_lock; rcu_dereference(gp)");
        rcu_read_lock(rcu_);
        const int p = rcu_dereference(gp_);
        const dep_t d = last_read_dep();
        label("[R2] READ_ONCE(p->val)");
        const int v = READ_ONCE(p == 1 ? val1_ : val2_, addr_dep(d));
        check(v == p, "reader sees an initialised object");
        if (outside_) rcu_read_unlock(rcu_);
        label("[R3] use p");
        (p == 1 ? old_ : new_).use();
        if (!outside_) rcu_read_unlock(rcu_);
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(RcuFree, "rcu", "RCU: deferred free after synchronize_rcu against readers",
                       ({{"ok", "reader inside rcu_read_lock, free after synchronize_rcu"},
                         {"outside-lock", "the reader uses the object after rcu_read_unlock"},
                         {"no-sync", "the updater frees without synchronize_rcu"}}),
                       ({{"readers", 1, 1, 2, "reader threads"}}));
