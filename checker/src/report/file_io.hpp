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

/// Removes the temporary files of writes still in progress (write_file_atomically). Async-
/// signal-safe: for a process that must end at once (a second SIGINT, the watchdog), so that
/// even then no `.NAME.tmp.XXXXXX` is left behind.
void remove_pending_temporaries() noexcept;

/// Removes the temporary files (`.NAME.tmp.XXXXXX`) that a killed earlier run left under
/// `dir` (recursively); returns how many. A missing `dir` is not an error.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace mmcheck
