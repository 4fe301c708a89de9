// SPDX-License-Identifier: MIT
/// \file `check --changed-since REV`: the scenarios a change since a git revision can affect.
/// A scenario is selected when its scenario file or committed counterexample changed, when
/// its model's source file changed, when a header that source includes (transitively:
/// `#include "..."` and `<mmcheck/...>`) changed, or when the engine changed (anything else
/// under checker/, or a CMake file), which selects everything. Documentation and tests
/// select nothing. Uncommitted and untracked files count as changed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mmcheck::cli {

struct ChangedScenario {
    std::string name;
    std::string reason;  ///< "model source models/gup_pin.cpp changed", ...
};

/// `scenarios`: every scenario as (name, model). `scenarios_dir` is the repository's
/// scenarios/ folder; its parent is taken as the repository's root. Throws InputError when
/// git cannot be run there or REV is not a revision. The result is in `scenarios`' order.
std::vector<ChangedScenario> scenarios_changed_since(const std::filesystem::path& scenarios_dir, const std::string& rev,
                                                     const std::vector<std::pair<std::string, std::string>>& scenarios);

}  // namespace mmcheck::cli
