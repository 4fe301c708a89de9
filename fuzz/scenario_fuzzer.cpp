// SPDX-License-Identifier: MIT
// libFuzzer target: the scenario reader (scenarios/*.json) against the real model registry.
// InputError is the expected answer to bad input; anything else is a bug.
#include "mmcheck/registry.hpp"
#include "report/scenario.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const mmcheck::Scenario s = mmcheck::parse_scenario(text, "fuzz/scenario", "scenarios/fuzz/scenario.json",
                                                            mmcheck::ModelRegistry::instance());
        (void)mmcheck::expectation_text(s.expect);
    } catch (const mmcheck::InputError&) {
    }
    return 0;
}
