// SPDX-License-Identifier: MIT
/// \file The shard file: one part of a distributed exploration (`mmcheck run NAME --shard I/N`)
/// as JSON, carrying everything `mmcheck merge` needs to add the parts up to exactly the
/// unsharded result (explore/partition.hpp): the part's totals and per-key segments, its
/// violations as counterexample traces (graph and replay decisions), the check counts behind
/// the vacuity rule, and a header (scenario, model, parameters, options, I and N) by which
/// merge refuses parts of different explorations. docs/mmcheck.md describes the format.
#pragma once

#include "explore/partition.hpp"
#include "report/trace.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mmcheck {

/// The format identifier written in every shard file; bumped on any incompatible change.
inline constexpr const char* kShardFormatId = "mmcheck.shard/1";

/// What every part of one exploration shares: a part with a different header is of another
/// exploration (another scenario, model, memory model, option or N) and cannot be merged.
struct ShardHeader {
    std::string tool_version;
    std::string scenario;       ///< scenario name ("litmus/mp-rlx")
    std::string scenario_hash;  ///< of the scenario file the part explored
    std::string model;
    std::string variant;
    std::map<std::string, std::int64_t, std::less<>> params;
    std::string memory_model = "rc11";
    bool stop_at_first_violation = true;
    std::uint64_t max_executions = 0;  ///< 0: no limit
    double time_limit = 0;             ///< seconds, per part; 0: no limit
    std::uint32_t max_events_per_thread = 0;
    std::uint64_t stack_size = 0;      ///< bytes per model thread; 0: the default
    std::uint32_t count = 1;           ///< N
};

/// A property's check counts (runtime/instrumentation.hpp's CheckCount, as data).
struct ShardCheckCount {
    std::uint64_t evaluated = 0;
    std::uint64_t exercised = 0;
    bool implication = false;
};

struct ShardFile {
    ShardHeader header;
    /// The part; `part.result.violations` is left empty (their graphs are `traces`).
    ShardResult part;
    std::vector<Trace> traces;  ///< one per violation of the part, in its order
    std::uint64_t checked_executions = 0;  ///< complete executions whose checks were counted
    std::map<std::string, ShardCheckCount, std::less<>> checks;
};

/// The JSON text (2-space indent, trailing newline).
std::string shard_to_text(const ShardFile& f);

/// Reads a shard file back. Throws InputError naming `display` and the first bad field.
ShardFile shard_from_json(const std::string& text, const std::string& display);

/// What the parts add up to: the unsharded result, and one trace per result violation (in its
/// order; execution number and statistics those of the unsharded run).
struct MergedShards {
    ShardHeader header;
    ExploreResult result;
    std::vector<Trace> traces;
    std::uint64_t checked_executions = 0;
    std::map<std::string, ShardCheckCount, std::less<>> checks;
};

/// Checks that `files` (named `displays`) are parts 1..N of one exploration, each once, and
/// merges them (merge_shards). Throws InputError naming the file and field of the first
/// problem: a part missing or given twice, a different header (scenario, model, options, N).
MergedShards merge_shard_files(std::vector<ShardFile> files, const std::vector<std::string>& displays);

}  // namespace mmcheck
