// SPDX-License-Identifier: MIT
/// \file LKMM consistency: the Linux-kernel memory model exactly as tools/memory-model defines
/// it (linux-kernel.cat, linux-kernel.bell, linux-kernel.def, lock.cat; herd7's lkmmv2
/// variant), as a whole-graph relational checker. Relations are named as in the .cat; every
/// axiom cites its line.
#pragma once

#include "graph/execution_graph.hpp"
#include "model/memory_model.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mmcheck::lkmm {

/// The LKMM tag of `e` in `g`: its annotation, or, for an unannotated event, the tag derived
/// from its C++ order (docs/lkmm-api.md): plain for non-atomics, once for relaxed, acquire
/// reads, release writes, mb for acq_rel/seq_cst RMWs and accesses, FenceMb for non-relaxed
/// fences.
LkmmTag tag_of(const ExecutionGraph& g, const Event& e);

/// nullopt when `g` is LKMM-consistent, else the name of the violated axiom.
std::optional<std::string> check(const ExecutionGraph& g);

/// herd7's flags for a consistent graph (sorted, each once).
std::vector<std::string> flags(const ExecutionGraph& g);

/// One pair of accesses that races in `g` (cat:221-226), the first in event order; nullopt
/// when `g` has no data race.
std::optional<std::pair<EventId, EventId>> race_witness(const ExecutionGraph& g);

/// LKMM behind the MemoryModel interface.
const MemoryModel& model();

}  // namespace mmcheck::lkmm
