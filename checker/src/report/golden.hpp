// SPDX-License-Identifier: MIT
/// \file Comparing a counterexample with the committed one (the golden) by execution, not by
/// text: two traces describe the same counterexample when they have the same violation and
/// the same events (kind, thread, position, operation, order, location, values, label, rf
/// and co choices, stale marks), the same threads, locations and final outcome. Source files
/// and lines, statistics, timing, the tool version and the scenario hash are shown to people
/// but are not part of the execution: a comment line added to a model moves every line
/// number below it without changing what the protocol does. Fence events are left out too
/// (events renumbered over the rest): a fence has no value, rf or co, so an execution that
/// still violates with the same accesses after a barrier was removed or added is the same
/// counterexample (the barrier was not what prevented it).
#pragma once

#include "report/trace.hpp"

#include <string>

namespace mmcheck {

/// The first difference between the executions of `golden` and `now`, as one sentence naming
/// the field ("event #4: value_read 0 -> 1"), or empty when they are the same execution.
std::string execution_difference(const Trace& golden, const Trace& now);

}  // namespace mmcheck
