// SPDX-License-Identifier: MIT
/// \file Reading whole files and writing them atomically (temporary file, then rename), so a
/// crash or a full disk never leaves a half-written trace or summary behind.
#pragma once

#include <filesystem>
#include <string>

namespace mmcheck {

/// Reads a whole file. Throws InputError ("cannot read FILE: reason").
std::string read_text_file(const std::filesystem::path& file);

/// Writes `content` to `file` through a temporary file in the same directory and a rename,
/// creating the parent directories. Throws InputError ("cannot write FILE: reason") and then
/// leaves neither `file` changed nor the temporary file behind.
void write_file_atomically(const std::filesystem::path& file, const std::string& content);

}  // namespace mmcheck
