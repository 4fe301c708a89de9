// SPDX-License-Identifier: MIT
/// \file Traces: built from a violation, written, read back unchanged; stale reads; timeline
/// and DOT rendering; and the one-line errors for bad trace files.
#include "report/ci_outputs.hpp"
#include "report/dot.hpp"
#include "report/golden.hpp"
#include "report/html.hpp"
#include "report/timeline.hpp"
#include "report/trace.hpp"
#include "report_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck;

namespace {

Trace mp_trace() {
    ExploreResult r;
    r.verdict = Verdict::Violation;
    r.exhaustive = false;
    r.stats.complete = 3;
    r.stats.events = 12;
    r.stats.seconds = 0.25;
    TraceContext c;
    c.tool_version = "0.1.0";
    c.scenario = "litmus/mp-rlx";
    c.scenario_hash = "fnv1a64:0123456789abcdef";
    c.model = "mp";
    c.variant = "rlx";
    c.params = {{"n", 2}};
    c.source_root = "/src";
    return make_trace(test::mp_violation(), r, c);
}

std::string error_of(const std::string& text) {
    try {
        trace_from_json(text, "t.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("a trace numbers events in order and marks the stale read", "[core][report][trace]") {
    const Trace t = mp_trace();
    REQUIRE(t.events.size() == 4);
    CHECK(t.events[2].reads_from == 2u);
    CHECK(t.events[3].reads_from == 0u);  // init
    CHECK_FALSE(t.events[2].stale);
    CHECK(t.events[3].stale);             // #1 wrote data = 1 earlier in the order
    CHECK(t.events[0].co_position == 1u);
    CHECK(t.events[0].file == "models/litmus/classic.cpp");  // source root stripped
    CHECK(t.violation.file == "models/litmus/classic.cpp");
    CHECK_FALSE(t.violation.event.has_value());
    CHECK(t.locations[0].final_value == 1);
}

TEST_CASE("a trace survives a round trip through JSON byte for byte", "[core][report][trace]") {
    const Trace t = mp_trace();
    const std::string text = trace_to_text(t);
    const Trace back = trace_from_json(text, "t.json");
    CHECK(trace_to_text(back) == text);
    CHECK(back.decisions.size() == 4);
    CHECK(back.decisions[2].rf == EventId{0, 1});
    CHECK(back.decisions[0].co_after == EventId::init(0));
}

TEST_CASE("traces are compared ignoring the timing field only", "[core][report][trace]") {
    Trace a = mp_trace();
    Trace b = a;
    b.seconds = 99;
    CHECK(same_trace_ignoring_timing(trace_to_text(a), trace_to_text(b)));
    b.events[0].line = 12;
    CHECK_FALSE(same_trace_ignoring_timing(trace_to_text(a), trace_to_text(b)));
    CHECK_FALSE(same_trace_ignoring_timing(trace_to_text(a), "{"));
}

TEST_CASE("bad trace files give one line naming the field", "[core][report][trace]") {
    const std::string good = trace_to_text(mp_trace());
    CHECK(error_of(good.substr(0, good.size() / 2)).rfind("t.json: malformed JSON: the document ends early", 0) == 0);
    std::string wrong_version = good;
    wrong_version.replace(wrong_version.find("\"format_version\": 1"), 19, "\"format_version\": 7");
    CHECK(error_of(wrong_version) == "t.json: field 'format_version': version 7 is not supported, expected 1");
    std::string bad_rf = good;
    bad_rf.replace(bad_rf.find("\"reads_from\":2"), 14, "\"reads_from\":9");
    CHECK(error_of(bad_rf) == "t.json: field 'events[2].reads_from': value 9 is out of range 1..4");
    CHECK(error_of("{}") == "t.json: field 'schema': missing, this field is required");
}

TEST_CASE("the timeline has one column per thread and marks stale reads", "[core][report][timeline]") {
    const std::string tl = render_timeline(mp_trace());
    INFO(tl);
    CHECK(tl.find("| T0 P0") != std::string::npos);
    CHECK(tl.find("| T1 P1") != std::string::npos);
    CHECK(tl.find("data.store(1, rlx)") != std::string::npos);
    CHECK(tl.find("flag.load(rlx) = 1  <- #2") != std::string::npos);
    CHECK(tl.find("[R2] read data: data.load(rlx) = 0  <- init  STALE (#1 wrote 1)") != std::string::npos);
    CHECK(tl.find("violation: check: mp weak outcome (in final())") != std::string::npos);
    CHECK(tl.find("final outcome: 1:r0=1, 1:r1=0") != std::string::npos);
    // The reader's rows are in the second column: the first column is blank there.
    const auto row = tl.find(" #3 |");
    REQUIRE(row != std::string::npos);
    CHECK(tl.substr(row, 30).find("flag") == std::string::npos);
}

TEST_CASE("the DOT graph has po, rf and mo edges and sw for release/acquire", "[core][report][dot]") {
    Trace t = mp_trace();
    std::string dot = render_dot(t);
    CHECK(dot.rfind("digraph execution {", 0) == 0);
    CHECK(dot.find("e1 -> e2 [label=\"po\"]") != std::string::npos);
    CHECK(dot.find("e2 -> e3 [label=\"rf\"") != std::string::npos);
    CHECK(dot.find("init0 -> e4 [label=\"rf\"") != std::string::npos);
    CHECK(dot.find("init0 -> e1 [label=\"mo\"") != std::string::npos);
    CHECK(dot.find("sw") == std::string::npos);
    t.events[1].mode = Mode::Rel;
    t.events[2].mode = Mode::Acq;
    dot = render_dot(t);
    CHECK(dot.find("e2 -> e3 [label=\"sw\"") != std::string::npos);
}

TEST_CASE("two traces are the same execution whatever their source lines, statistics and timing", "[core][report][golden]") {
    const Trace a = mp_trace();
    Trace b = a;
    for (auto& e : b.events) e.line += 5;
    b.violation.line += 5;
    b.stats.complete += 7;
    b.seconds = 99;
    b.tool_version = "9.9.9";
    CHECK(execution_difference(a, b).empty());
    b.events[3].value_read = 1;
    CHECK(execution_difference(a, b) == "event #4 value_read: 0 -> 1");
    b = a;
    b.events[2].reads_from = 0;
    CHECK(execution_difference(a, b) == "event #3 reads_from: 2 -> 0");
    b = a;
    b.events[3].label = "[R9] other";
    CHECK(execution_difference(a, b).rfind("event #4 label", 0) == 0);
    b = a;
    b.events.pop_back();
    CHECK(execution_difference(a, b) == "number of events: 4 -> 3");
    b = a;
    b.violation.message = "other";
    CHECK(execution_difference(a, b).rfind("violation message", 0) == 0);
}

TEST_CASE("a counterexample that lost or gained a fence is the same execution", "[core][report][golden]") {
    const Trace a = mp_trace();
    // b: a with an smp_wmb()-like fence between the two writes of thread 0; every later event
    // renumbered, as the trace of the model with that barrier added would be.
    Trace b = a;
    TraceEvent fence = a.events[0];
    fence.kind = EventKind::Fence;
    fence.op = "fence";
    fence.location.reset();
    fence.value_written.reset();
    fence.co_position.reset();
    fence.seq = 2;
    fence.index = 1;
    b.events.insert(b.events.begin() + 1, fence);
    for (std::size_t i = 2; i < b.events.size(); ++i) {
        ++b.events[i].seq;
        if (b.events[i].thread == a.events[0].thread) ++b.events[i].index;
        if (b.events[i].reads_from && *b.events[i].reads_from >= 2) ++*b.events[i].reads_from;
    }
    CHECK(execution_difference(a, b).empty());
    CHECK(execution_difference(b, a).empty());
    // The accesses still count: the fenced execution reading data = 1 is another execution.
    b.events[4].value_read = 1;
    CHECK(execution_difference(a, b) == "event #4 value_read: 0 -> 1");
}

TEST_CASE("the DOT graph draws fr edges and pins the rows", "[core][report][dot]") {
    const std::string dot = render_dot(mp_trace());
    INFO(dot);
    // The stale read of data (#4, from init) missed #1: fr from #4 to #1, highlighted.
    CHECK(dot.find("e4 -> e1 [label=\"fr (stale)\", color=red") != std::string::npos);
    CHECK(dot.find("newrank=true") != std::string::npos);
    CHECK(dot.find("{rank=same; row3; g3_0; e3;}") != std::string::npos);
}

TEST_CASE("the HTML view has a column per thread and an arrow per rf edge, and no script", "[core][report][html]") {
    const std::string h = render_html(mp_trace());
    const auto count = [&h](const std::string& needle) {
        std::size_t n = 0;
        for (auto at = h.find(needle); at != std::string::npos; at = h.find(needle, at + 1)) ++n;
        return n;
    };
    CHECK(count("<g class=\"thread\"") == 2);
    CHECK(count("<g class=\"event ") == 4);
    CHECK(count("class=\"edge rf\"") == 1);
    CHECK(count("class=\"edge fr stale\"") == 1);
    CHECK(count("class=\"edge sw\"") == 0);
    CHECK(h.find("<script") == std::string::npos);
    CHECK(h.find("[R2] read data") != std::string::npos);
    HtmlOptions o;
    o.hb = true;
    Trace t = mp_trace();
    t.events[1].mode = Mode::Rel;
    t.events[2].mode = Mode::Acq;
    CHECK(render_html(t, o).find("class=\"edge sw\"") != std::string::npos);
}

TEST_CASE("SARIF, annotations and the Markdown summary locate a mismatch at the violated check", "[core][report][ci]") {
    CheckRecord r;
    r.scenario = "litmus/mp-rlx";
    r.expected = "safe";
    r.judgement.status = CheckStatus::Mismatch;
    r.judgement.actual = "violation (check: mp weak outcome)";
    r.counterexample = std::make_shared<const Trace>(mp_trace());
    CheckRecord ok;
    ok.scenario = "litmus/mp-ra";
    ok.expected = "safe";
    ok.judgement.actual = "safe";
    CheckRecord err;
    err.scenario = "x/err";
    err.error = "model is not deterministic";
    const std::vector<CheckRecord> records{r, ok, err};
    const RecordLocation at = record_location(r);
    CHECK(at.file == r.counterexample->violation.file);
    const auto sarif = render_sarif(records, "0.1.0");
    CHECK(sarif["version"] == "2.1.0");
    REQUIRE(sarif["runs"][0]["results"].size() == 2);
    const auto& res = sarif["runs"][0]["results"][0];
    CHECK(res["ruleId"] == "mmcheck/verdict-mismatch");
    CHECK(res["locations"][0]["physicalLocation"]["region"]["startLine"] == at.line);
    CHECK(res["codeFlows"][0]["threadFlows"].size() == 2);
    CHECK(sarif["runs"][0]["results"][1]["ruleId"] == "mmcheck/internal-error");
    const std::string ann = render_github_annotations(records);
    CHECK(ann.rfind("::error file=" + at.file + ",line=" + std::to_string(at.line) + ",title=mmcheck litmus/mp-rlx%3A mismatch::", 0) == 0);
    CHECK(ann.find("x/err") != std::string::npos);
    const std::string md = render_summary_markdown(records, 1.0);
    CHECK(md.find("| :x: mismatch | `litmus/mp-rlx` |") != std::string::npos);
    CHECK(md.find("| :boom: error | `x/err` |") != std::string::npos);
    const std::string junit = render_junit(records, 1.0);
    CHECK(junit.find("errors=\"1\"") != std::string::npos);
    CHECK(junit.find("<error message=\"internal error: model is not deterministic\"") != std::string::npos);
    CHECK(junit.find("STALE") != std::string::npos);  // the timeline in the failure
}
