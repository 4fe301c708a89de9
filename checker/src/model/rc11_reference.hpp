// SPDX-License-Identifier: MIT
/// \file The reference RC11 checker: every axiom computed from scratch on the relations of a
/// graph (po, rf, co, rmw, modes), without the views the explorer maintains. Slow and simple;
/// the brute-force explorer and the tests use it as the oracle for the optimal explorer.
#pragma once

#include "graph/execution_graph.hpp"

#include <optional>
#include <string>

namespace mmcheck::rc11 {

/// nullopt when `g` is RC11-consistent; otherwise the name of the axiom it violates
/// ("coherence", "atomicity", "sc", "no-thin-air").
std::optional<std::string> reference_check(const ExecutionGraph& g);

}  // namespace mmcheck::rc11
