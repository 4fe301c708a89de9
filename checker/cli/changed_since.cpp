// SPDX-License-Identifier: MIT
/// \file Selecting scenarios by what changed since a git revision (see changed_since.hpp).
#include "changed_since.hpp"

#include "report/file_io.hpp"
#include "report/scenario.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <sys/wait.h>

namespace mmcheck::cli {
namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (const char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

/// Runs git in `dir`; returns its stdout, or throws InputError with `what` when it fails.
std::string git(const fs::path& dir, const std::string& args, const std::string& what) {
    const std::string cmd = "git -C " + shell_quote(dir.string()) + " " + args + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) throw InputError("--changed-since: cannot run git: " + what);
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw InputError("--changed-since: " + what);
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

/// The first string literal after each MMCHECK_REGISTER_MODEL( in a model source: the
/// model's name (registry.hpp's macro takes the type first, then the name).
std::vector<std::string> registered_models(const std::string& text) {
    std::vector<std::string> out;
    const std::string macro = "MMCHECK_REGISTER_MODEL(";
    for (std::size_t at = text.find(macro); at != std::string::npos; at = text.find(macro, at + 1)) {
        // Skip the macro's own definition and mentions in comments.
        const std::size_t line_start = text.rfind('\n', at);
        const std::string before = text.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                               at - (line_start == std::string::npos ? 0 : line_start + 1));
        if (before.find("define") != std::string::npos || before.find("//") != std::string::npos ||
            before.find('*') != std::string::npos)
            continue;
        const std::size_t q1 = text.find('"', at);
        if (q1 == std::string::npos) break;
        const std::size_t q2 = text.find('"', q1 + 1);
        if (q2 == std::string::npos) break;
        out.push_back(text.substr(q1 + 1, q2 - q1 - 1));
    }
    return out;
}

/// Local includes of a file, as paths relative to `root` (only those that exist in the tree).
std::vector<std::string> local_includes(const fs::path& root, const std::string& rel) {
    std::vector<std::string> out;
    std::ifstream in(root / rel);
    const fs::path dir = fs::path(rel).parent_path();
    std::error_code ec;
    for (std::string l; std::getline(in, l);) {
        std::size_t i = l.find_first_not_of(" \t");
        if (i == std::string::npos || l[i] != '#') continue;
        i = l.find("include", i);
        if (i == std::string::npos) continue;
        const std::size_t open = l.find_first_of("\"<", i);
        if (open == std::string::npos) continue;
        const std::size_t close = l.find(l[open] == '"' ? '"' : '>', open + 1);
        if (close == std::string::npos) continue;
        const std::string inc = l.substr(open + 1, close - open - 1);
        std::vector<fs::path> candidates;
        if (l[open] == '"') candidates.push_back(dir / inc);
        candidates.push_back(fs::path("checker/include") / inc);
        candidates.push_back(fs::path("checker/src") / inc);
        candidates.push_back(fs::path("models") / inc);
        for (const auto& c : candidates) {
            const fs::path norm = c.lexically_normal();
            if (fs::is_regular_file(root / norm, ec)) {
                out.push_back(norm.generic_string());
                break;
            }
        }
    }
    return out;
}

void include_closure(const fs::path& root, const std::string& rel, std::set<std::string>& seen) {
    for (const auto& inc : local_includes(root, rel))
        if (seen.insert(inc).second) include_closure(root, inc, seen);
}

/// Files whose change is a change of the engine or the build: every scenario is affected.
bool is_engine_file(const std::string& f) {
    if (f == "CMakeLists.txt" || f == "CMakePresets.json") return true;
    if (ends_with(f, "CMakeLists.txt") && (starts_with(f, "checker/") || starts_with(f, "models/"))) return true;
    if (starts_with(f, "checker/include/")) return false;  // by inclusion only
    if (!starts_with(f, "checker/")) return false;
    return !ends_with(f, ".md");
}

}  // namespace

std::vector<ChangedScenario> scenarios_changed_since(const fs::path& scenarios_dir, const std::string& rev,
                                                     const std::vector<std::pair<std::string, std::string>>& scenarios) {
    std::error_code ec;
    fs::path root = scenarios_dir.parent_path();
    if (root.empty()) root = ".";
    root = fs::absolute(root, ec).lexically_normal();
    if (!root.empty() && root.filename().empty()) root = root.parent_path();
    const auto top_lines = lines_of(git(root, "rev-parse --show-toplevel", root.string() + " is not inside a git work tree"));
    if (top_lines.empty()) throw InputError("--changed-since: " + root.string() + " is not inside a git work tree");
    const fs::path top = fs::weakly_canonical(top_lines.front(), ec);
    const std::string prefix = fs::weakly_canonical(root, ec).lexically_relative(top).generic_string();
    git(root, "rev-parse --verify --quiet " + shell_quote(rev + "^{commit}"), "'" + rev + "' is not a git revision here");

    // Paths relative to the repository's top, made relative to the root of scenarios/.
    std::vector<std::string> changed;
    const auto add = [&](const std::string& from_top) {
        const std::string rel = prefix == "." || prefix.empty()
                                    ? from_top
                                    : (starts_with(from_top, prefix + "/") ? from_top.substr(prefix.size() + 1) : std::string());
        if (!rel.empty()) changed.push_back(rel);
    };
    for (const auto& f : lines_of(git(root, "diff --name-only --no-renames " + shell_quote(rev) + " --", "git diff failed")))
        add(f);
    for (const auto& f : lines_of(git(root, "ls-files --others --exclude-standard --full-name", "git ls-files failed"))) add(f);

    std::string engine;  // the first engine file changed
    for (const auto& f : changed)
        if (engine.empty() && is_engine_file(f)) engine = f;

    // Model name -> its source files, and each source's local includes.
    std::map<std::string, std::set<std::string>> model_sources;
    std::map<std::string, std::set<std::string>> includes_of;
    if (fs::is_directory(root / "models", ec)) {
        for (auto it = fs::recursive_directory_iterator(root / "models", ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            if (!it->is_regular_file(ec)) continue;
            const std::string rel = fs::relative(it->path(), root, ec).generic_string();
            if (!(ends_with(rel, ".cpp") || ends_with(rel, ".cc"))) continue;
            const auto models = registered_models(read_text_file(it->path()));
            if (models.empty()) continue;
            for (const auto& m : models) model_sources[m].insert(rel);
            include_closure(root, rel, includes_of[rel]);
        }
    }

    std::vector<ChangedScenario> out;
    for (const auto& [name, model] : scenarios) {
        std::string reason;
        for (const auto& f : changed) {
            if (f == "scenarios/" + name + ".json") reason = "scenario file " + f + " changed";
            else if (f == "results/" + name + ".json" || f == "results/" + name + ".txt")
                reason = "committed counterexample " + f + " changed";
            if (!reason.empty()) break;
        }
        const auto src = model_sources.find(model);
        if (reason.empty() && src != model_sources.end()) {
            for (const auto& f : changed) {
                if (src->second.count(f) != 0) {
                    reason = "model source " + f + " changed";
                    break;
                }
            }
            for (const auto& f : changed) {
                if (!reason.empty()) break;
                for (const auto& s : src->second) {
                    if (includes_of[s].count(f) != 0) {
                        reason = "header " + f + " changed (included by " + s + ")";
                        break;
                    }
                }
            }
        }
        if (reason.empty() && !engine.empty()) reason = "engine changed: " + engine;
        if (!reason.empty()) out.push_back(ChangedScenario{name, reason});
    }
    return out;
}

}  // namespace mmcheck::cli
