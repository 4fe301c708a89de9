// SPDX-License-Identifier: MIT
/// \file `mmcheck litmus FILE|DIR...`: runs herd7 C litmus tests on the engine and prints
/// herd-style results (or one JSON object per test).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace mmcheck::cli {

struct LitmusCommandOptions {
    std::vector<std::string> paths;  ///< files, or directories searched for *.litmus
    std::string format = "text";     ///< "text" or "json"
    std::uint64_t max_executions = 0;
    double time_limit = 0;
    std::string model;               ///< --model rc11|lkmm; empty: the front end's choice
};

/// Parses every file first: a malformed one is reported as one `file:line:column: message`
/// line on `err`, nothing goes to `out`, and the result is exit_code::kBadInput. Otherwise
/// runs each test and prints it. Returns kOk, kViolation (a verdict differs from the file's
/// Result: line, or a race or run-time error was found), kInconclusive (a limit was hit) or
/// kInternal.
int run_litmus_command(const LitmusCommandOptions& options, std::ostream& out, std::ostream& err);

/// Adds the `litmus` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void add_litmus_subcommand(CLI::App& app, int& exit_code);

}  // namespace mmcheck::cli
