// SPDX-License-Identifier: MIT
/// \file The mmcheck subcommands. Each returns its exit code (exit_codes.hpp) and throws
/// InputError for bad input and UsageError for usage errors; main() maps those.
#pragma once

#include "settings.hpp"

#include <string>
#include <vector>

namespace mmcheck::cli {

/// The version written into traces and printed by --version.
const char* tool_version();

int cmd_list(const Settings& s, const std::string& tag);
int cmd_run(const Settings& s, const std::vector<std::string>& names);
int cmd_check(const Settings& s, const std::vector<std::string>& names, const std::string& tag,
              const std::string& junit_file, unsigned jobs, bool bless);
int cmd_replay(const Settings& s, const std::string& file);
/// `format`: "text" (timeline), "dot" or "json" (the trace as read, normalised).
int cmd_explain(const std::string& file, const std::string& format);

}  // namespace mmcheck::cli
