// SPDX-License-Identifier: MIT
/// \file Execution counts as a reader counts them: a violation inside a thread ends an execution
/// the engine counts neither complete nor blocked; report/statistics.hpp counts it "violating".
#include "report/statistics.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck;

namespace {

Violation violation(ViolationKind kind, bool in_thread) {
    Violation v;
    v.kind = kind;
    if (in_thread) v.thread = ThreadId{1};
    return v;
}

}  // namespace

TEST_CASE("violating executions: only those a violation ended before they were counted", "[core][report]") {
    CHECK(ends_execution_uncounted(violation(ViolationKind::Check, true)));
    CHECK_FALSE(ends_execution_uncounted(violation(ViolationKind::Check, false)));  // final(): complete
    CHECK_FALSE(ends_execution_uncounted(violation(ViolationKind::Stuck, true)));   // blocked
    CHECK_FALSE(ends_execution_uncounted(violation(ViolationKind::Deadlock, true)));
    CHECK(ends_execution_uncounted(violation(ViolationKind::Race, true)));
    CHECK(ends_execution_uncounted(violation(ViolationKind::Exception, true)));
    CHECK(ends_execution_uncounted(violation(ViolationKind::Exception, false)));  // in final(): aborted
    CHECK(ends_execution_uncounted(violation(ViolationKind::Livelock, true)));
}

TEST_CASE("statistics line: a run stopped at a violation in a thread shows that execution", "[core][report]") {
    ExploreResult r;
    r.violations.push_back(violation(ViolationKind::Check, true));
    r.stats.events = 6;
    const ExecutionCounts c = execution_counts(r);
    CHECK(c.total() == 1);
    CHECK(c.violating == 1);
    CHECK(stats_text(c, r.stats) == "1 execution (0 complete, 0 blocked, 1 violating), 6 events, 0.00 s");

    r.stats.complete = 10;
    r.stats.blocked = 2;
    r.violations.push_back(violation(ViolationKind::Stuck, true));
    r.violations.push_back(violation(ViolationKind::Race, true));
    r.stats.seconds = 0.5;
    CHECK(stats_text(execution_counts(r), r.stats) ==
          "14 executions (10 complete, 2 blocked, 2 violating), 6 events, 0.50 s, 28 executions/s");

    ExploreStats plain;
    plain.complete = 3;
    CHECK(stats_text(execution_counts(plain), plain) == "3 executions (3 complete, 0 blocked), 0 events, 0.00 s");
}
