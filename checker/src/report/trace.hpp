// SPDX-License-Identifier: MIT
/// \file The counterexample trace: one violating execution as data, independent of the engine's
/// in-memory graph, so it can be written as JSON (results/trace.schema.json is the contract),
/// read back, rendered as a timeline or a DOT graph, and replayed.
#pragma once

#include "explore/explorer.hpp"
#include "report/scenario.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mmcheck {

/// Version of the trace format; bumped on any incompatible change of the schema.
inline constexpr int kTraceFormatVersion = 1;
/// The schema identifier written in every trace.
inline constexpr const char* kTraceSchemaId = "mmcheck.counterexample/1";

/// One event of the trace. Events are numbered by `seq` from 1 in the trace's linear order
/// (consistent with po and rf); seq 0 stands for the initial write of a location.
struct TraceEvent {
    std::uint32_t seq = 0;
    ThreadId thread = 0;
    std::uint32_t index = 0;          ///< position in its thread (po)
    EventKind kind = EventKind::Read;
    std::string op;                   ///< "load", "store", "fetch_add", "lock", ...
    Mode mode = Mode::Rlx;
    std::uint16_t flags = 0;          ///< EventFlag bits
    std::optional<LocId> location;    ///< reads and writes
    std::optional<std::int64_t> value_read;
    std::optional<std::int64_t> value_written;
    std::optional<std::uint32_t> reads_from;  ///< seq of the write read (0: initial write); joins: the End
    std::optional<std::uint32_t> co_position;  ///< writes: 1-based position in coherence (init is 0)
    bool stale = false;               ///< see is_stale_read() in trace.cpp and scenarios/README.md
    std::optional<ThreadId> other_thread;  ///< spawn: the child; join: the joined thread
    std::string label;                ///< step label set by the model, or empty
    std::string file;                 ///< source file, relative to the source root when inside it
    std::uint32_t line = 0;

    [[nodiscard]] bool has(EventFlag f) const { return (flags & f) != 0; }
};

struct TraceThread {
    ThreadId id = 0;
    std::string name;
    bool spawned = false;
};

struct TraceLocation {
    LocId id = 0;
    std::string name;
    LocKind kind = LocKind::Atomic;
    std::int64_t initial = 0;
    std::int64_t final_value = 0;     ///< value of the co-last write in this execution
};

struct TraceViolation {
    ViolationKind kind = ViolationKind::Check;
    std::string message;
    std::optional<ThreadId> thread;
    std::optional<std::uint32_t> event;   ///< seq
    std::optional<std::uint32_t> other;   ///< seq (a race's other access)
    std::string file;
    std::uint32_t line = 0;
    std::uint64_t execution = 0;          ///< which execution (1-based) showed it
};

/// Every option that affects the order of exploration and what an execution is. Budgets
/// (max executions, time) only decide where exploration stops, not which execution comes
/// first, so they are left out: CI may tighten them without changing committed traces.
struct ReplayOptions {
    std::string explorer = "optimal";
    bool stop_at_first_violation = true;
    std::uint32_t max_events_per_thread = 5000;
    /// The memory model ("rc11", "lkmm"); written only when not rc11, so RC11 traces keep
    /// their bytes.
    std::string memory_model = "rc11";
};

struct Trace {
    std::string tool_version;
    std::string scenario;          ///< scenario name ("litmus/mp-rlx"), or empty
    std::string scenario_hash;
    std::string model;
    std::string variant;
    std::map<std::string, std::int64_t, std::less<>> params;
    std::string memory_model = "rc11";
    TraceViolation violation;
    std::vector<TraceThread> threads;
    std::vector<TraceLocation> locations;
    std::vector<TraceEvent> events;   ///< in seq order
    Outcome outcome;
    std::string outcome_class;        ///< per the scenario's table, or empty
    ExploreStats stats;               ///< at the time the trace was written
    bool exhaustive = false;
    std::string limit_hit;
    std::vector<Decision> decisions;
    ReplayOptions replay_options;
    double seconds = 0;               ///< the only timing field (excluded from comparisons)

    /// The event with this seq (1-based), or null.
    [[nodiscard]] const TraceEvent* find(std::uint32_t seq) const {
        return seq >= 1 && seq <= events.size() ? &events[seq - 1] : nullptr;
    }
};

/// What a trace is built from besides the violation itself.
struct TraceContext {
    std::string tool_version;
    std::string scenario;
    std::string scenario_hash;
    std::string model;
    std::string variant;
    std::map<std::string, std::int64_t, std::less<>> params;
    ReplayOptions replay_options;
    std::string source_root;          ///< prefix stripped from source files (deterministic traces)
    /// Stripped when source_root is not a prefix: the source tree mmcheck was built from, where
    /// its built-in models live (a project elsewhere still names them models/x.cpp).
    std::string fallback_source_root;
    const OutcomeTable* outcomes = nullptr;
};

/// Linearises the violation's graph (in the order it carries) into a trace.
Trace make_trace(const Violation& v, const ExploreResult& result, const TraceContext& ctx);

/// The JSON form; key order is fixed so equal traces give equal bytes.
nlohmann::ordered_json trace_to_json(const Trace& t);
/// Serialised JSON text (2-space indent, trailing newline).
std::string trace_to_text(const Trace& t);

/// Reads a trace back. Throws InputError naming `display` and the first bad field (wrong
/// version, truncated file, missing or mistyped field).
Trace trace_from_json(const std::string& text, const std::string& display);

/// True when two serialised traces are equal apart from the timing field.
bool same_trace_ignoring_timing(const std::string& a, const std::string& b);

/// The name of a location kind in traces ("atomic", "plain", "mutex").
const char* loc_kind_name(LocKind k);

}  // namespace mmcheck
