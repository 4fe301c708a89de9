// SPDX-License-Identifier: MIT
/// \file Finding the project (see project_root.hpp).
#include "project_root.hpp"

#include "report/scenario.hpp"

#include <cstdlib>

namespace mmcheck::cli {

namespace fs = std::filesystem;

namespace {

/// `p` relative to the current directory when it lies below it ("scenarios"), else absolute.
fs::path shown(const fs::path& p) {
    std::error_code ec;
    const fs::path rel = fs::relative(p, fs::current_path(ec), ec);
    if (!ec && !rel.empty() && rel.native().rfind("..", 0) != 0) return rel;
    return p;
}

fs::path absolute_normal(const fs::path& p) {
    std::error_code ec;
    fs::path a = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (!a.empty() && a.filename().empty()) a = a.parent_path();
    return a;
}

}  // namespace

ProjectPaths find_project(const std::string& root_option, const std::string& scenarios_option) {
    ProjectPaths p;
    std::error_code ec;
    std::string scenarios = scenarios_option;
    if (scenarios.empty() && root_option.empty())
        if (const char* env = std::getenv("MMCHECK_SCENARIOS"); env != nullptr && *env != '\0') scenarios = env;
    if (!scenarios.empty()) {
        p.scenarios = scenarios;
        p.root = absolute_normal(p.scenarios).parent_path();
        return p;
    }
    if (!root_option.empty()) {
        if (!fs::is_directory(root_option, ec)) throw InputError("--root " + root_option + ": no such folder");
        p.root = absolute_normal(root_option);
        if (!fs::is_directory(p.root / "scenarios", ec)) {
            p.not_found = "--root " + root_option + ": it has no scenarios/ folder";
            return p;
        }
        p.scenarios = shown(p.root / "scenarios");
        return p;
    }
    const fs::path cwd = fs::current_path(ec);
    for (fs::path d = cwd; !d.empty(); d = d.parent_path()) {
        if (fs::is_directory(d / "scenarios", ec)) {
            p.root = absolute_normal(d);
            p.scenarios = d == cwd ? fs::path("scenarios") : d / "scenarios";
            return p;
        }
        if (d == d.parent_path()) break;
    }
    p.not_found = "no scenarios/ folder in " + cwd.string() +
                  " or any folder above it; run mmcheck inside a project, or point at one with --root DIR (or --scenarios DIR)";
    return p;
}

}  // namespace mmcheck::cli
