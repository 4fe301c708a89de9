// SPDX-License-Identifier: MIT
/// \file Program: a model to run, with the variant and parameters it sees. The runtime builds a
/// fresh instance from it for every execution.
#pragma once

#include "runtime/instrumentation.hpp"

#include <mmcheck/model.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace mmcheck {

struct Program {
    std::string variant = "default";
    std::map<std::string, std::int64_t, std::less<>> params;
    std::function<std::unique_ptr<Model>()> make;
    /// Ordering sites and check counts of every run (mmcheck audit, vacuity); none: no cost.
    std::shared_ptr<Instrumentation> instrumentation;
};

}  // namespace mmcheck
