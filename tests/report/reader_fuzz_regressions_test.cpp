// SPDX-License-Identifier: MIT
/// \file What the fuzzers found in the scenario and trace readers (docs/fuzzing.md), each with
/// the one-line error it now gets; the crashing inputs themselves are replayed from
/// fuzz/regressions/ by ctest `fuzz: ... crash regressions replay cleanly`.
#include "report/scenario.hpp"
#include "report/trace.hpp"
#include "report_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck;

namespace {

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("a JSON number no double holds is malformed JSON, not a crash", "[core][report][fuzz]") {
    // fuzz_scenario: `"params":1e400` made nlohmann throw out_of_range, which escaped the reader.
    static const ModelRegistry reg = test::make_registry();
    CHECK(error_of([] {
              (void)parse_scenario(R"({"model": "mp", "params": 1e400, "expect": "safe"})", "litmus/x",
                                   "scenarios/litmus/x.json", reg);
          }) == "scenarios/litmus/x.json: malformed JSON: a number is out of range (larger than a double can hold)");
    CHECK(error_of([] { (void)trace_from_json(R"({"format_version": -1e999})", "t.json"); }) ==
          "t.json: malformed JSON: a number is out of range (larger than a double can hold)");
}
