// SPDX-License-Identifier: MIT
/// \file Building a Violation (graph, linear order, replay decisions) from an execution graph;
/// shared by every explorer.
#pragma once

#include "explore/result.hpp"

namespace mmcheck {

/// All events of `g` in stamp order, which extends po ∪ rf.
std::vector<EventId> linear_order(const ExecutionGraph& g);

/// The replay token of `g`: per event in stamp order, its rf (reads) or co predecessor (writes).
std::vector<Decision> decisions_of(const ExecutionGraph& g);

Violation make_violation(const ExecutionGraph& g, ViolationKind kind, std::string message,
                         std::optional<ThreadId> thread, SourceRef src);

}  // namespace mmcheck
