// SPDX-License-Identifier: MIT
/// \file The settings every command receives, after command line and environment are resolved.
#pragma once

#include "explore/partition.hpp"
#include "model/memory_model.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace mmcheck::cli {

enum class Format { Text, Json };

/// A usage error found after parsing (conflicting options, a bad environment value): exit 1.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Settings {
    std::optional<std::uint64_t> max_executions;  ///< overrides the scenario's limit
    std::optional<double> time_limit;             ///< seconds; overrides the scenario's limit
    std::optional<std::size_t> stack_size;        ///< bytes per model thread (--stack-size)
    bool all_violations = false;
    /// --model: the memory model, overriding the scenario's (and a trace's, for replay).
    std::optional<MemoryModelKind> model;
    Format format = Format::Text;
    bool quiet = false;
    std::filesystem::path scenarios_dir;
    std::filesystem::path results_dir;   ///< committed counterexamples; only check --bless writes here
    std::filesystem::path out_dir;       ///< everything else a command writes (output_dir.hpp)
    std::string source_root;
    /// run --jobs: workers exploring each scenario (explore/partition.hpp); 1: one.
    unsigned jobs = 1;
    /// run --shard I/N: explore part I of N of one scenario and write a shard file.
    std::optional<ShardSpec> shard;
    std::string shard_out;  ///< run --shard-out FILE; empty: <out>/<name>.shard-I-of-N.json
    std::string build_source_root;  ///< the tree this mmcheck was built from (its built-in models)  ///< stripped from source paths in traces
};

}  // namespace mmcheck::cli
