// SPDX-License-Identifier: MIT
/// \file Numbers from the command line and the environment, range-checked. Every numeric
/// option and variable goes through these, so that "-1", "1e999", "nan", "inf" and
/// "99999999999999999999" are one line and exit 2 (bad input) in every verb, instead of
/// wrapping, saturating or meaning "no limit".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mmcheck::cli {

/// A decimal integer in [lo, hi] (digits only: no sign, no spaces, no exponent). `what` names
/// the option or variable in the message. Throws InputError.
std::uint64_t parse_count(const std::string& what, const std::string& text, std::uint64_t lo, std::uint64_t hi);

/// Seconds: a finite decimal number in [0, 1e9] (0: no limit). Throws InputError.
double parse_seconds(const std::string& what, const std::string& text);

/// Bytes: a decimal integer with an optional K, M or G suffix (binary units), in [lo, hi].
/// Throws InputError.
std::uint64_t parse_bytes(const std::string& what, const std::string& text, std::uint64_t lo, std::uint64_t hi);

/// The environment variable `name` through parse, or nullopt when it is unset or empty.
std::optional<std::string> env_text(const char* name);

}  // namespace mmcheck::cli
