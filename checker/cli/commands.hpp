// SPDX-License-Identifier: MIT
/// \file The mmcheck subcommands. Each returns its exit code (exit_codes.hpp) and throws
/// InputError for bad input and UsageError for usage errors; main() maps those.
#pragma once

#include "settings.hpp"

#include <string>
#include <vector>

namespace mmcheck {
struct Scenario;
}

namespace mmcheck::cli {

/// The version written into traces and printed by --version.
const char* tool_version();

int cmd_list(const Settings& s, const std::string& tag);
int cmd_run(const Settings& s, const std::vector<std::string>& names);
/// `run` on scenarios already loaded (cmd_run, and `run FILE.cpp`'s scenarios made up in place).
int run_scenarios(const Settings& s, const std::vector<Scenario>& scenarios);
int cmd_check(const Settings& s, const std::vector<std::string>& names, const std::string& tag,
              const std::string& junit_file, unsigned jobs, bool bless);

/// What `check` writes besides its lines on stdout and summary.json in the output folder.
struct CheckOptions {
    std::string junit_file;       ///< --junit FILE
    std::string sarif_file;       ///< --sarif FILE (SARIF 2.1.0)
    std::string summary_md_file;  ///< --summary-md FILE (Markdown verdict table)
    std::string html_dir;         ///< --html DIR: one page per counterexample and index.html
    bool html_hb = false;         ///< --html-hb: sw/hb edges in the pages
    bool github = false;          ///< --github: GitHub Actions annotations on stdout
    std::string changed_since;    ///< --changed-since REV: only scenarios a change since REV touches
    unsigned jobs = 1;
    bool bless = false;
};
int cmd_check(const Settings& s, const std::vector<std::string>& names, const std::string& tag, const CheckOptions& opts);
/// `merge FILE...`: adds the shard files of one `run NAME --shard I/N` matrix up to the
/// unsharded result and reports it as `run NAME` would (output, files, exit code).
int cmd_merge(const Settings& s, const std::vector<std::string>& files);
int cmd_replay(const Settings& s, const std::string& file);
/// `format`: "text" (timeline), "dot", "json" (the trace as read, normalised) or "html" (one
/// self-contained page; `hb` adds sw/hb edges).
int cmd_explain(const std::string& file, const std::string& format, bool hb = false);

}  // namespace mmcheck::cli
