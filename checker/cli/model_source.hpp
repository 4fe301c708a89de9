// SPDX-License-Identifier: MIT
/// \file Model files without CMake: `mmcheck run FILE.cpp` and `--model-source FILE.cpp`
/// compile a model file into a shared object with the compiler and flags this mmcheck was
/// built with (build_info.hpp.in), cache it by content hash, and load it: its
/// MMCHECK_REGISTER_MODEL registrars then add its models to this executable's registry (the
/// executable exports its symbols, ENABLE_EXPORTS in CMake).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mmcheck::cli {

/// Compiles (or takes from the cache) and loads `file`; returns the names of the models it
/// registered. Throws InputError: the file is missing, does not compile (the compiler's
/// messages are printed on stderr first), cannot be loaded, registers no model or a model
/// whose name is taken. `quiet`: no "compiled"/"cached" line on stderr.
std::vector<std::string> load_model_source(const std::filesystem::path& file, bool quiet);

/// Where compiled model files are cached: $XDG_CACHE_HOME/mmcheck, else ~/.cache/mmcheck,
/// else $TMPDIR/mmcheck-cache-<uid>.
std::filesystem::path model_cache_dir();

}  // namespace mmcheck::cli
