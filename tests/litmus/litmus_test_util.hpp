// SPDX-License-Identifier: MIT
/// \file Helpers shared by the litmus front-end tests: listing litmus files, reading the
/// `expect:` lines of a conformance file, and printing a result's states as herd does.
#pragma once

#include "litmus/format.hpp"
#include "litmus/parser.hpp"
#include "litmus/run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace mmcheck::litmus::testing {

inline std::vector<std::filesystem::path> litmus_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".litmus") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The states listed on ` * expect: ...` lines, normalised to single spaces.
inline std::set<std::string> expected_states(const std::filesystem::path& p) {
    static const std::regex re(R"(^\s*\*?\s*expect:\s*(.*?)\s*$)");
    std::set<std::string> out;
    std::istringstream in(read_text(p));
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, re)) out.insert(m[1].str());
    }
    return out;
}

/// The flags listed on a ` * flags: a b` line (none when there is no such line).
inline std::set<std::string> expected_flags(const std::filesystem::path& p) {
    static const std::regex re(R"(^\s*\*?\s*flags:\s*(.*?)\s*$)");
    std::set<std::string> out;
    std::istringstream in(read_text(p));
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_match(line, m, re)) continue;
        std::istringstream words(m[1].str());
        std::string w;
        while (words >> w) out.insert(w);
    }
    return out;
}

inline std::set<std::string> actual_states(const LitmusResult& r) {
    std::set<std::string> out;
    for (const FinalState& s : r.states) out.insert(state_text(*r.test, s.values));
    return out;
}

/// Runs a file under `model`, or under the model it chooses itself (LKMM for kernel tests).
inline LitmusResult run_file(const std::filesystem::path& p, std::optional<MemoryModelKind> model = std::nullopt) {
    LitmusRunOptions o;
    o.model = model;
    return run_litmus(std::make_shared<const LitmusTest>(load_litmus_file(p, model)), o);
}

}  // namespace mmcheck::litmus::testing
