// SPDX-License-Identifier: MIT
/// \file Verdict against expectation, outcome tables, JUnit XML and atomic file writing.
#include "report/check_report.hpp"
#include "report/file_io.hpp"
#include "report/judgement.hpp"
#include "report/outcome_table.hpp"
#include "report_fixtures.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace mmcheck;

namespace {

Scenario scenario(bool safe) {
    Scenario s;
    s.name = "litmus/mp";
    s.expect.safe = safe;
    s.expect.kind = ViolationKind::Check;
    s.expect.property = "mp weak outcome";
    return s;
}

ExploreResult violated(ViolationKind k, const std::string& msg) {
    ExploreResult r;
    r.verdict = Verdict::Violation;
    r.exhaustive = false;
    Violation v;
    v.kind = k;
    v.message = msg;
    r.violations.push_back(v);
    return r;
}

}  // namespace

TEST_CASE("verdicts are judged against expectations both ways", "[core][report][judgement]") {
    ExploreResult safe;
    CHECK(judge(scenario(true), safe).status == CheckStatus::Pass);
    CHECK(judge(scenario(false), safe).status == CheckStatus::Mismatch);
    const auto v = violated(ViolationKind::Check, "mp weak outcome");
    const Judgement j = judge(scenario(false), v);
    CHECK(j.status == CheckStatus::Pass);
    CHECK(j.matched_violation == 0u);
    CHECK(j.actual == "violation (check: mp weak outcome)");
    CHECK(judge(scenario(true), v).status == CheckStatus::Mismatch);
    CHECK(judge(scenario(false), violated(ViolationKind::Check, "other")).status == CheckStatus::Mismatch);
    CHECK(judge(scenario(false), violated(ViolationKind::Race, "mp weak outcome")).status == CheckStatus::Mismatch);
    ExploreResult bounded;
    bounded.verdict = Verdict::Bounded;
    bounded.exhaustive = false;
    bounded.limit_hit = "max-executions";
    const Judgement b = judge(scenario(true), bounded);
    CHECK(b.status == CheckStatus::Inconclusive);
    CHECK(b.actual == "bounded (max-executions)");
}

TEST_CASE("outcome tables classify and count (Always / Sometimes / Never)", "[core][report][outcomes]") {
    OutcomeTable t;
    t.patterns.push_back(OutcomePattern{{{"1:r0", 1}, {"1:r1", 0}}, OutcomeClass::Forbidden});
    t.patterns.push_back(OutcomePattern{{{"1:r0", 0}}, OutcomeClass::Acceptable});
    t.fallback = OutcomeClass::Acceptable;
    const Outcome weak{{"1:r0", 1}, {"1:r1", 0}}, zero{{"1:r0", 0}, {"1:r1", 0}}, both{{"1:r0", 1}, {"1:r1", 1}};
    CHECK(classify_outcome(t, weak) == OutcomeClass::Forbidden);
    CHECK(classify_outcome(t, zero) == OutcomeClass::Acceptable);
    const OutcomeReport ok = judge_outcomes(t, {{zero, 2}, {both, 1}});
    CHECK_FALSE(ok.failed());
    CHECK(ok.total == 3);
    CHECK(ok.patterns[0].observation == Observation::Never);
    CHECK(ok.patterns[1].observation == Observation::Sometimes);
    const OutcomeReport bad = judge_outcomes(t, {{weak, 1}, {zero, 1}});
    CHECK(bad.failed());
    t.patterns.push_back(OutcomePattern{{{"1:r9", 0}}, OutcomeClass::Interesting});
    CHECK(judge_outcomes(t, {{zero, 1}}).unknown_names == std::vector<std::string>{"1:r9"});

    Scenario s = scenario(true);
    s.outcomes = t;
    s.outcomes.patterns.pop_back();
    ExploreResult r;
    r.outcomes = {{weak, 1}};
    const Judgement j = judge(s, r);
    CHECK(j.status == CheckStatus::Mismatch);
    CHECK(j.detail == "forbidden outcome 1:r0=1, 1:r1=0 observed in 1 executions");
}

TEST_CASE("JUnit XML counts failures and escapes text", "[core][report][junit]") {
    CheckRecord pass{"litmus/a", "safe", {}, {}, true, "", "", GoldenStatus::None};
    CheckRecord fail = pass;
    fail.scenario = "litmus/<b>";
    fail.judgement.status = CheckStatus::Mismatch;
    fail.judgement.detail = "expected safe & found \"violation\"";
    const std::string x = render_junit({pass, fail}, 1.5);
    CHECK(x.find("tests=\"2\" failures=\"1\"") != std::string::npos);
    CHECK(x.find("name=\"litmus/&lt;b&gt;\"") != std::string::npos);
    CHECK(x.find("message=\"expected safe &amp; found &quot;violation&quot;\"") != std::string::npos);
    const auto j = summary_json({pass, fail}, 1.5, "0.1.0");
    CHECK(j["counts"]["mismatch"] == 1);
}

TEST_CASE("files are written atomically and failures leave nothing behind", "[core][report][file_io]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("mmcheck-report-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    write_file_atomically(dir / "a" / "t.json", "one\n");
    CHECK(read_text_file(dir / "a" / "t.json") == "one\n");
    write_file_atomically(dir / "a" / "t.json", "two\n");
    CHECK(read_text_file(dir / "a" / "t.json") == "two\n");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "a")) ++files;
    CHECK(files == 1);  // no temporary left behind
    CHECK_THROWS_AS(write_file_atomically("/proc/mmcheck/t.json", "x"), InputError);
    CHECK_THROWS_AS(read_text_file(dir / "missing.json"), InputError);
    fs::remove_all(dir);
}
