// SPDX-License-Identifier: MIT
/// \file Your own models: `mmcheck models` (the registry), `mmcheck new NAME` (a skeleton model
/// and scenario) and `mmcheck run FILE.cpp` (a model file without CMake, model_source.hpp).
#pragma once

#include "settings.hpp"

#include <string>
#include <vector>

namespace mmcheck::cli {

/// True for the argument of `run` that names a model file rather than a scenario (*.cpp, *.cc, *.cxx).
bool is_model_file(const std::string& arg);

/// `mmcheck models`: every registered model, its variants (the first is the default) and
/// parameters (name, default, range, description); text or one JSON document.
int cmd_models(const Settings& s);

/// `mmcheck run FILE.cpp`: loads the file's models and runs each once, with `variant` (empty:
/// its first) and `params` ("NAME=INTEGER"), as a scenario expecting "safe" would.
int cmd_run_model_file(const Settings& s, const std::string& file, const std::string& variant,
                       const std::vector<std::string>& params);

/// `mmcheck new NAME`: writes models/NAME.cpp and scenarios/NAME/correct.json under the
/// project (`root`, else the nearest folder with scenarios/, else the current directory);
/// never overwrites a file.
int cmd_new(const std::string& root, const std::string& name);

}  // namespace mmcheck::cli
