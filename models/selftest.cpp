// SPDX-License-Identifier: MIT
/// \file Self-tests of the checker's own honesty checks, not a kernel protocol: a message
/// passing model whose property is checked (a) as it should be, (b) behind a branch no
/// execution takes, (c) as an implication whose premise never holds. `mmcheck check` must
/// pass (a) and report (b) and (c) as "vacuous" (issue 11): a safe verdict that checked
/// nothing proves nothing.
#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

using namespace mmcheck;
using namespace mmcheck::kernel;

namespace {

class Vacuity : public Model {
public:
    atomic<int> data{"data", 0}, flag{"flag", 0};
    int r_flag = 0, r_data = 0;

    void threads() override {
        thread("writer", [this] {
            WRITE_ONCE(data, 1);
            smp_store_release(flag, 1);
        });
        thread("reader", [this] {
            r_flag = smp_load_acquire(flag);
            r_data = READ_ONCE(data);
        });
    }
    void final() override {
        const bool passed = r_flag == 1;
        if (variant_is("exercised")) check_implies(passed, r_data == 1, "message passed");
        // No execution reads flag == 2: the check below never runs.
        if (variant_is("unreachable") && r_flag == 2) check(r_data == 1, "message passed");
        // Never true: the implication holds in every execution, vacuously.
        if (variant_is("premise-never")) check_implies(r_flag == 2, r_data == 1, "message passed");
    }
};

}  // namespace

MMCHECK_REGISTER_MODEL(Vacuity, "selftest-vacuity",
                       "checker self-test: a property checked, never checked, or vacuously true",
                       ({{"exercised", "the check runs, its premise holds in some executions"},
                         {"unreachable", "the check sits behind a branch no execution takes"},
                         {"premise-never", "an implication whose premise never holds"}}),
                       ({}));
