// SPDX-License-Identifier: MIT
/// \file The project a command works on: the folder holding scenarios/ (and results/), found
/// from the current directory upward, or given by --root/--scenarios/$MMCHECK_SCENARIOS.
/// Never the source tree mmcheck was built from: an installed mmcheck works in any project.
#pragma once

#include <filesystem>
#include <string>

namespace mmcheck::cli {

struct ProjectPaths {
    std::filesystem::path root;       ///< absolute; empty when no scenarios/ was found
    std::filesystem::path scenarios;  ///< as shown in messages (relative to the current directory when below it)
    std::string not_found;            ///< when scenarios is empty: the one-line reason and how to point at one
};

/// `root_option` (--root), `scenarios_option` (--scenarios; else $MMCHECK_SCENARIOS): explicit
/// choices; otherwise the nearest folder from the current directory upward that has a
/// scenarios/ folder. Throws InputError when --root is not a folder.
ProjectPaths find_project(const std::string& root_option, const std::string& scenarios_option);

}  // namespace mmcheck::cli
