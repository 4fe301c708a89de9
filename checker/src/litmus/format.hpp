// SPDX-License-Identifier: MIT
/// \file Printing litmus results: herd7's text layout (so herd users can read and diff it) and
/// one JSON object per test (sorted states, so outputs diff cleanly). Returns strings; the CLI
/// decides where they go.
#pragma once

#include "litmus/run.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace mmcheck::litmus {

/// The condition as herd prints it: `exists (0:r0=0 /\ 1:r0=0)`.
std::string condition_text(const LitmusTest& t);

/// One final state as herd prints it: `0:r0=0; 1:r0=1; x=2;`.
std::string state_text(const LitmusTest& t, const std::vector<std::int64_t>& values);

/// herd-style block for one test, ending with a newline.
std::string format_text(const LitmusResult& r);

/// The JSON object of one test (the CLI prints it on one line).
nlohmann::ordered_json format_json(const LitmusResult& r);

}  // namespace mmcheck::litmus
