// SPDX-License-Identifier: MIT
/// \file The output folder: where every command but `check --bless` writes files (run's
/// counterexamples, check's summary.json and changed or missing counterexamples, audit's
/// reports, the HTML views). results/ holds the committed counterexamples and only
/// `check --bless` writes there, so exploring never dirties a checkout.
#pragma once

#include <filesystem>
#include <string>

namespace CLI {
class App;
}

namespace mmcheck::cli {

/// Adds `--out DIR` to a subcommand; `value` receives the raw option.
void add_out_option(CLI::App* cmd, std::string& value);

/// The output folder: `option` when given, else $MMCHECK_OUT, else build/mmcheck-out in the
/// project (project_root.hpp) when build/ exists and is writable, else $TMPDIR/mmcheck-out-<uid>.
std::filesystem::path resolve_output_dir(const std::string& option, const std::filesystem::path& project_root = {});

/// Creates `dir` and checks that a file can be written there (before a long exploration);
/// throws InputError naming the folder otherwise.
void ensure_output_dir(const std::filesystem::path& dir);

}  // namespace mmcheck::cli
