// SPDX-License-Identifier: MIT
/// \file Range-checked numbers from the command line and the environment.
#include "numeric_option.hpp"

#include "report/scenario.hpp"
#include "report/text_escape.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace mmcheck::cli {
namespace {

[[noreturn]] void bad(const std::string& what, const std::string& text, const std::string& expected) {
    throw InputError(what + ": '" + escape_for_message(text) + "' is not " + expected);
}

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (const char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

std::uint64_t parse_count(const std::string& what, const std::string& text, std::uint64_t lo, std::uint64_t hi) {
    const std::string expected = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
    if (!all_digits(text)) bad(what, text, expected);
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v < lo || v > hi) bad(what, text, expected);
    return v;
}

double parse_seconds(const std::string& what, const std::string& text) {
    static constexpr double kMax = 1e9;
    const std::string expected = "a number of seconds in 0..1e9 (0: no limit)";
    // Digits with at most one '.', nothing else: no sign, exponent, hex, nan or inf.
    bool dot = false, digit = false;
    for (const char c : text) {
        if (c >= '0' && c <= '9') digit = true;
        else if (c == '.' && !dot) dot = true;
        else bad(what, text, expected);
    }
    if (!digit) bad(what, text, expected);
    errno = 0;
    const double v = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE || !std::isfinite(v) || v < 0 || v > kMax) bad(what, text, expected);
    return v;
}

std::uint64_t parse_bytes(const std::string& what, const std::string& text, std::uint64_t lo, std::uint64_t hi) {
    const std::string expected = "a size in " + std::to_string(lo) + ".." + std::to_string(hi) +
                                 " bytes (a number, optionally with K, M or G)";
    std::string digits = text;
    std::uint64_t unit = 1;
    if (!digits.empty()) {
        switch (digits.back()) {
            case 'K': case 'k': unit = 1024; break;
            case 'M': case 'm': unit = 1024 * 1024; break;
            case 'G': case 'g': unit = 1024ULL * 1024 * 1024; break;
            default: break;
        }
        if (unit != 1) digits.pop_back();
    }
    if (!all_digits(digits)) bad(what, text, expected);
    errno = 0;
    const unsigned long long v = std::strtoull(digits.c_str(), nullptr, 10);
    if (errno == ERANGE || v > hi / unit || v * unit < lo) bad(what, text, expected);
    return v * unit;
}

std::optional<std::string> env_text(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

}  // namespace mmcheck::cli
