// SPDX-License-Identifier: MIT
/// \file MemoryModel: the one interface through which the explorers, the runtime (via the
/// driver), the report and the CLI see a memory model. RC11 (rc11_model.cpp) and LKMM
/// (lkmm.cpp) are siblings behind it; nothing above model/ asks which one it has.
#pragma once

#include "graph/execution_graph.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmcheck {

/// The memory models mmcheck explores under.
enum class MemoryModelKind : std::uint8_t {
    RC11,  ///< C++11 repaired (Lahav et al., PLDI 2017): the default
    LKMM,  ///< the Linux-kernel memory model (tools/memory-model: linux-kernel.cat, .bell, lock.cat)
};

/// "rc11" or "lkmm": the names used by --model, scenario files, traces and JSON output.
const char* memory_model_name(MemoryModelKind k);
/// "RC11" or "LKMM": the name in prose.
const char* memory_model_title(MemoryModelKind k);
/// The model named `name` ("rc11", "lkmm"), or nullopt.
std::optional<MemoryModelKind> parse_memory_model(std::string_view name);

class MemoryModel {
public:
    virtual ~MemoryModel() = default;
    [[nodiscard]] virtual MemoryModelKind kind() const = 0;
    [[nodiscard]] const char* name() const { return memory_model_name(kind()); }

    /// Whether an event the model code asks for exists under this model: RC11 drops the
    /// LKMM-only fences (kLkmmOnly), LKMM drops events tagged LkmmTag::NotLkmm.
    [[nodiscard]] virtual bool has_event(EventKind kind, std::uint16_t flags, LkmmTag tag) const = 0;
    /// Whether lock, unlock and trylock events are ordered by their C++ order (Event::mode),
    /// so that a relaxed lock means something (mmcheck audit). LKMM: no (lock.cat).
    [[nodiscard]] virtual bool lock_order_from_mode() const { return true; }

    /// Whole-graph consistency, every axiom recomputed from po, rf, co and the events' labels:
    /// nullopt when `g` is consistent, otherwise the name of an axiom it violates (as the
    /// model's definition names it: "coherence", "happens-before", ...). `g` may be a prefix
    /// (every axiom of both models is prefix-closed).
    [[nodiscard]] virtual std::optional<std::string> check(const ExecutionGraph& g) const = 0;

    /// True when every consistent graph has an acyclic po ∪ rf (RC11's NO-THIN-AIR). When
    /// false (LKMM allows load buffering), an explorer must also build graphs where a read
    /// reads from a write po-after a read that reads from ... (a porf cycle).
    [[nodiscard]] virtual bool porf_acyclic() const = 0;

    /// Whether `e`, just added as the last event of its thread of a graph that was consistent
    /// before it (a read reading the co-latest write of its location, or a write placed
    /// co-last), is known to keep the graph consistent: it is then a sink of every relation
    /// the axioms use, so no new cycle or forbidden edge can arise. An explorer may skip the
    /// whole-graph check for such an event. False when the model does not know.
    [[nodiscard]] virtual bool appends_as_sink(const ExecutionGraph& g, const Event& e) const {
        (void)g;
        (void)e;
        return false;
    }

    /// A data race involving `e`, found when `e` gets its rf (RC11: a plain access not
    /// hb-ordered with a conflicting one). LKMM defines races on complete graphs (flags).
    [[nodiscard]] virtual std::optional<EventId> find_race(const ExecutionGraph& g, EventId e) const = 0;

    /// The flags herd7 would raise for a complete consistent graph (LKMM: "data-race",
    /// "unmatched-rcu-lock", ...); sorted, each once. RC11 raises none.
    [[nodiscard]] virtual std::vector<std::string> flags(const ExecutionGraph& g) const {
        (void)g;
        return {};
    }

    /// Two accesses of a flagged data race in a complete graph, to name them in the report
    /// (LKMM: the first pair of cat:221-226 in event order); nullopt when the model has no
    /// race flag or `g` has no race.
    [[nodiscard]] virtual std::optional<std::pair<EventId, EventId>> race_witness(const ExecutionGraph& g) const {
        (void)g;
        return std::nullopt;
    }
};

/// The model of kind `k` (a process-wide immutable instance).
const MemoryModel& memory_model(MemoryModelKind k);

}  // namespace mmcheck
