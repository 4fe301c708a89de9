// SPDX-License-Identifier: MIT
// libFuzzer target: the litmus front end end to end. Any byte string is lexed and parsed; a
// test that parses is run on the engine under a small exploration bound and formatted both
// ways. A LitmusError is the expected answer to bad input; anything else escaping (another
// exception, a crash, a sanitizer report, a hang) is a bug.
#include "litmus/format.hpp"
#include "litmus/parser.hpp"
#include "litmus/run.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mmcheck::litmus;
    using mmcheck::MemoryModelKind;
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::shared_ptr<const LitmusTest> test;
    try {
        test = std::make_shared<const LitmusTest>(parse_litmus(text, "fuzz.litmus"));
        // This target looks for crashes in the parser and the interpreter, not for verdicts,
        // so the exploration is pinned to a cheap bound. A kernel test defaults to LKMM, whose
        // speculative explorer spends up to seconds on one larger test, and libFuzzer runs
        // every seed file (2,219 with ../shared/litmus) before its time limit applies: a test
        // that needs nothing only LKMM defines is parsed again and run under RC11 (the
        // interpreter's paths are the same; the parser ran above under the test's own model).
        // Tests with an LKMM-only construct still run under LKMM, under the same bound.
        if (test->model == MemoryModelKind::LKMM && test->lkmm_only.empty())
            test = std::make_shared<const LitmusTest>(parse_litmus(text, "fuzz.litmus", MemoryModelKind::RC11));
    } catch (const LitmusError&) {
        return 0;
    }
    // A few executions of every thread reach every interpreter path a test has; the time limit
    // (checked between executions) caps a test whose executions are few but slow.
    LitmusRunOptions options;
    options.max_executions = 8;
    options.time_limit_seconds = 0.5;
    const LitmusResult r = run_litmus(test, options);
    (void)format_text(r);
    (void)format_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
