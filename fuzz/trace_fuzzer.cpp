// SPDX-License-Identifier: MIT
// libFuzzer target: the counterexample trace reader (results/**/*.json, `mmcheck explain` and
// `replay`). A trace that reads back is written out again, and the result must read back:
// the writer accepts whatever the reader accepts. InputError is the expected answer to bad
// input; anything else is a bug.
#include "report/scenario.hpp"
#include "report/trace.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    mmcheck::Trace t;
    try {
        t = mmcheck::trace_from_json(text, "fuzz.json");
    } catch (const mmcheck::InputError&) {
        return 0;
    }
    const std::string again = mmcheck::trace_to_text(t);
    try {
        (void)mmcheck::trace_from_json(again, "fuzz-again.json");
    } catch (const mmcheck::InputError&) {
        std::abort();  // written by us, rejected by us: a bug
    }
    return 0;
}
