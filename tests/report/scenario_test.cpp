// SPDX-License-Identifier: MIT
/// \file Scenario parsing and validation: each kind of field error gives one line naming the
/// file, the field, what is wrong and what was expected.
#include "report/scenario.hpp"
#include "report_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck;

namespace {

Scenario parse(const std::string& text) {
    static const ModelRegistry reg = test::make_registry();
    return parse_scenario(text, "litmus/x", "scenarios/litmus/x.json", reg);
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

const std::string kHead = R"("model": "mp", "description": "d", "source": "s", )";

}  // namespace

TEST_CASE("a valid scenario is parsed with defaults filled in", "[core][report][scenario]") {
    const Scenario s = parse("{" + kHead + R"("expect": "safe"})");
    CHECK(s.name == "litmus/x");
    CHECK(s.variant == "rlx");  // the model's first variant
    CHECK(s.params.at("n") == 2);
    CHECK(s.expect.safe);
    CHECK(s.limits.max_events_per_thread == 5000);
    CHECK(s.hash.rfind("fnv1a64:", 0) == 0);
    CHECK(s.hash.size() == 8 + 16);
}

TEST_CASE("a full scenario is parsed", "[core][report][scenario]") {
    const Scenario s = parse("{" + kHead + R"("variant": "ra", "params": {"n": 3}, "tags": ["litmus", "mp"],
        "limits": {"max_executions": 10, "time_limit": 1.5, "max_events_per_thread": 100},
        "expect": {"violation": "check", "property": "mp weak outcome"},
        "outcomes": {"acceptable": [{"1:r0": 0}], "forbidden": [{"1:r0": 1, "1:r1": 0}], "default": "acceptable"}})");
    CHECK(s.variant == "ra");
    CHECK(s.params.at("n") == 3);
    CHECK(s.has_tag("mp"));
    CHECK_FALSE(s.has_tag("x"));
    CHECK(s.limits.max_executions == 10);
    CHECK(s.limits.time_limit == 1.5);
    CHECK_FALSE(s.expect.safe);
    CHECK(s.expect.kind == ViolationKind::Check);
    CHECK(s.expect.property == "mp weak outcome");
    REQUIRE(s.outcomes.patterns.size() == 2);
    CHECK(s.outcomes.patterns[0].cls == OutcomeClass::Forbidden);  // most severe first
    CHECK(s.outcomes.fallback == OutcomeClass::Acceptable);
    CHECK(expectation_text(s.expect) == "violation (check: mp weak outcome)");
}

TEST_CASE("the hash ignores formatting", "[core][report][scenario]") {
    const Scenario a = parse("{" + kHead + R"("expect": "safe"})");
    const Scenario b = parse("{\n  " + kHead + "\n  \"expect\":   \"safe\"\n}\n");
    CHECK(a.hash == b.hash);
}

TEST_CASE("each kind of scenario error is one precise line", "[core][report][scenario]") {
    const std::string f = "scenarios/litmus/x.json: ";
    CHECK(error_of(R"({"model": "nope", "description": "d", "source": "s", "expect": "safe"})") ==
          f + "field 'model': unknown model \"nope\", expected one of: mp");
    CHECK(error_of("{" + kHead + R"("variant": "relaxed", "expect": "safe"})") ==
          f + "field 'variant': model \"mp\" has no variant \"relaxed\", expected one of: rlx, ra");
    CHECK(error_of("{" + kHead + R"("params": {"n": 9}, "expect": "safe"})") ==
          f + "field 'params.n': value 9 is out of range 1..4");
    CHECK(error_of("{" + kHead + R"("params": {"m": 1}, "expect": "safe"})") ==
          f + "field 'params.m': model \"mp\" has no such parameter, expected one of: n");
    CHECK(error_of("{" + kHead + R"("params": {"n": "2"}, "expect": "safe"})") ==
          f + "field 'params.n': is a string, expected an integer");
    CHECK(error_of("{" + kHead + R"("tags": "litmus", "expect": "safe"})") ==
          f + "field 'tags': is a string, expected an array of strings");
    CHECK(error_of(R"({"model": "mp", "source": "s", "expect": "safe"})") ==
          f + "field 'description': missing, this field is required");
    CHECK(error_of("{" + kHead + R"("expects": "safe"})") ==
          f + "field 'expects': unknown key, expected one of: model, variant, params, description, source, tags, limits, expect, models, outcomes");
    CHECK(error_of("{" + kHead + R"("expect": "unsafe"})").find("field 'expect': value \"unsafe\" is not an expectation") != std::string::npos);
    CHECK(error_of("{" + kHead + R"("expect": {"violation": "crash"}})").find("field 'expect.violation': value \"crash\" is not a violation kind") != std::string::npos);
    CHECK(error_of("{" + kHead + R"("expect": {"violation": "check"}})") ==
          f + "field 'expect.property': missing, expected the name of the check that fails");
    CHECK(error_of("{" + kHead + R"("expect": "safe", "limits": {"time_limit": -1}})").find("field 'limits.time_limit'") != std::string::npos);
    CHECK(error_of("{" + kHead + R"("expect": "safe", "outcomes": {"forbidden": [{"1:r0": true}]}})") ==
          f + "field 'outcomes.forbidden[0].1:r0': is a boolean, expected an integer");
    CHECK(error_of("{" + kHead + "\n\"expect\": \"safe\",\n}") ==
          f + "malformed JSON at line 3, column 1: unexpected '}'");
    CHECK(error_of("[1]") == f + "is an array, expected a JSON object");
}

TEST_CASE("a scenario names its memory models, each with its expectation and limits", "[core][report][scenario]") {
    const Scenario s = parse("{" + kHead + R"("limits": {"max_executions": 7},
        "models": {"lkmm": {"expect": "safe", "limits": {"time_limit": 60}},
                   "rc11": {"expect": {"violation": "use-after-free"}}}})");
    REQUIRE(s.models.size() == 2);
    CHECK(s.models[0].model == MemoryModelKind::RC11);  // rc11 first whatever the file order
    CHECK(s.models[1].model == MemoryModelKind::LKMM);
    CHECK(s.memory_model == MemoryModelKind::RC11);
    CHECK(s.expect.kind == ViolationKind::UseAfterFree);
    CHECK(s.run_name() == "litmus/x");
    const Scenario l = s.under(MemoryModelKind::LKMM);
    CHECK(l.run_name() == "litmus/x.lkmm");
    CHECK(l.expect.safe);
    CHECK(l.limits.time_limit == 60);
    CHECK(l.limits.max_executions == 7);  // the scenario's limits, with the model's overrides
    const Scenario only = parse("{" + kHead + R"("models": {"lkmm": {"expect": {"violation": "double-free"}}}})");
    CHECK(only.memory_model == MemoryModelKind::LKMM);
    CHECK(only.run_name() == "litmus/x.lkmm");
    CHECK(only.expect.kind == ViolationKind::DoubleFree);
    // A model the file does not name (--model): the first model's expectation.
    CHECK(only.under(MemoryModelKind::RC11).expect.kind == ViolationKind::DoubleFree);
    const Scenario plain = parse("{" + kHead + R"("expect": "safe"})");
    REQUIRE(plain.models.size() == 1);
    CHECK(plain.models[0].model == MemoryModelKind::RC11);
}

TEST_CASE("memory-model errors in a scenario are one precise line", "[core][report][scenario]") {
    const std::string f = "scenarios/litmus/x.json: ";
    CHECK(error_of("{" + kHead + R"("models": {"sc": {"expect": "safe"}}})") ==
          f + "field 'models.sc': unknown key, expected one of: rc11, lkmm");
    CHECK(error_of("{" + kHead + R"("models": {"lkmm": {"expect": "safe", "expected": 1}}})") ==
          f + "field 'models.lkmm.expected': unknown key, expected one of: expect, limits");
    CHECK(error_of("{" + kHead + R"("models": {"lkmm": {}}})") == f + "field 'models.lkmm.expect': missing, this field is required");
    CHECK(error_of("{" + kHead + R"("models": {}})").find("field 'models': is an object") != std::string::npos);
    CHECK(error_of("{" + kHead + R"("expect": "safe", "models": {"lkmm": {"expect": "safe"}}})").find("field 'models': given with a top-level 'expect'") != std::string::npos);
    CHECK(error_of("{" + kHead + R"("models": {"lkmm": {"expect": {"violation": "check"}}}})") ==
          f + "field 'models.lkmm.expect.property': missing, expected the name of the check that fails");
    CHECK(error_of(R"({"model": "mp", "description": "d", "source": "s"})").find("field 'expect': missing") != std::string::npos);
}

TEST_CASE("every error message is a single line", "[core][report][scenario]") {
    for (const std::string& text : {std::string("{"), std::string("{\"model\": 1}"), "{" + kHead + "\"expect\": 1}"}) {
        const std::string e = error_of(text);
        CHECK(e.find('\n') == std::string::npos);
        CHECK(e.rfind("scenarios/litmus/x.json: ", 0) == 0);
    }
}
