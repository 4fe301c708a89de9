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
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::shared_ptr<const LitmusTest> test;
    try {
        test = std::make_shared<const LitmusTest>(parse_litmus(text, "fuzz.litmus"));
    } catch (const LitmusError&) {
        return 0;
    }
    // A bound small enough for thousands of inputs a second, large enough to reach the
    // interpreter's every path: several executions of every thread.
    LitmusRunOptions options;
    options.max_executions = 40;
    options.time_limit_seconds = 5;
    const LitmusResult r = run_litmus(test, options);
    (void)format_text(r);
    (void)format_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
