// SPDX-License-Identifier: MIT
/// \file Parsing and checking a herd7 C litmus test into a LitmusTest (ast.hpp).
#pragma once

#include "litmus/ast.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mmcheck::litmus {

/// Parses `text`, naming it `file` in errors. Resolves every name, checks every call against
/// the primitive table and every register use against its assignments; throws LitmusError
/// with the position of the first problem. `model` is `--model`; without it the test's own
/// choice (LitmusTest::model). Under RC11 a construct only LKMM defines is an error.
LitmusTest parse_litmus(std::string_view text, const std::string& file,
                        std::optional<MemoryModelKind> model = std::nullopt);

/// Reads and parses a file; an unreadable file is a LitmusError at 1:1.
LitmusTest load_litmus_file(const std::filesystem::path& path, std::optional<MemoryModelKind> model = std::nullopt);

}  // namespace mmcheck::litmus
