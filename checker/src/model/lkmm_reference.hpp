// SPDX-License-Identifier: MIT
/// \file The reference LKMM checker (lkmm_reference.cpp): every relation of the .cat built as
/// written on dense bit matrices. The oracle of the fast checker in tests/engine, and the
/// fast checker's fallback for graphs of more than 64 nodes. Same contracts as lkmm.hpp.
#pragma once

#include "graph/execution_graph.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mmcheck::lkmm {

std::optional<std::string> reference_check(const ExecutionGraph& g);
std::vector<std::string> reference_flags(const ExecutionGraph& g);
std::optional<std::pair<EventId, EventId>> reference_race_witness(const ExecutionGraph& g);

}  // namespace mmcheck::lkmm
