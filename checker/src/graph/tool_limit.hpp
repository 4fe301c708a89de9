// SPDX-License-Identifier: MIT
/// \file ToolLimitError: the model needs more than mmcheck supports (threads, stack). Not a
/// property of the model, so never a violation: the explorer ends the run as inconclusive
/// (limit_hit = `limit`), and the CLI exits 5 with `what()` as its one line.
#pragma once

#include <stdexcept>
#include <string>

namespace mmcheck {

struct ToolLimitError : std::runtime_error {
    ToolLimitError(std::string limit_name, const std::string& message)
        : std::runtime_error(message), limit(std::move(limit_name)) {}
    std::string limit;  ///< "max-threads", "stack-size"
};

}  // namespace mmcheck
