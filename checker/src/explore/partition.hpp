// SPDX-License-Identifier: MIT
/// \file Partitioned exploration: one exploration split among N workers (threads of one
/// process with `explore_parallel`, or processes on different machines with one `ShardSpec`
/// each), with counts, verdict and first counterexample identical to a single worker.
///
/// The partition is of the explorer's search tree, and deterministic. Every work item the
/// explorer pops is a node. An item popped while fewer than `split_items` items are open is
/// in the *skeleton*: every worker applies it (each run counted only by worker key mod N). An
/// item popped while more are open is a *root*: the i-th root belongs to worker i mod N, which alone
/// explores its whole subtree; the others drop it, after which every worker is again in the
/// same state. Each graph is thus explored and counted by exactly one worker, and counts add up.
///
/// Nodes are numbered by `key` (skeleton pops and roots, in the single worker's order), so
/// "which violation comes first" is the smallest key: a worker records, at the start of every
/// key it owns, its totals so far (a `Segment`), and `merge_shards` cuts every worker's totals
/// at the first key past the first stopping event (a violation when exploration stops at the
/// first one, a tool limit), which is exactly where the single worker stops. Workers of one
/// process share the smallest stopping key, so none explores far past it.
#pragma once

#include "explore/result.hpp"

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mmcheck {

struct ExploreOptions;
struct Program;

/// Part `index` (0-based) of `count`.
struct ShardSpec {
    std::uint32_t index = 0;
    std::uint32_t count = 1;
};

/// Parses "K/N" (1 ≤ K ≤ N ≤ 4096, K 1-based as in a CI matrix or a job array) into
/// ShardSpec{K-1, N}; nullopt for anything else.
std::optional<ShardSpec> parse_shard_spec(const std::string& text);

/// A worker's totals at the start of a key it owns.
struct Segment {
    std::uint64_t key = 0;
    ExploreStats stats;
    std::map<Outcome, std::uint64_t> outcomes;
    std::set<std::string> flags;
    std::size_t violations = 0;  ///< violations recorded before this key
};

/// What one worker records besides its ExploreResult.
struct ShardRecord {
    std::vector<Segment> segments;              ///< one per owned key, in key order
    std::vector<std::uint64_t> violation_keys;  ///< the key of each result violation
    std::optional<std::uint64_t> stop_key;      ///< key of the event that stopped it (violation, tool limit)
    bool partitioned = true;  ///< false: the explorer cannot partition (LKMM); see explore()
};

/// One worker's part of one exploration: the cursor the explorer drives and what it records.
/// Explorers call only the hooks marked "explorer".
class ShardRun {
public:
    /// `shared_stop`: the smallest stopping key among workers of this process, or null.
    ShardRun(ShardSpec spec, std::uint64_t split_items, std::atomic<std::uint64_t>* shared_stop = nullptr)
        : spec_(spec), split_items_(split_items), shared_stop_(shared_stop), recording_(spec.index == 0) {}

    [[nodiscard]] ShardSpec spec() const { return spec_; }

    /// Explorer: a work item was just popped; `open_after_pop` work items remain open in all
    /// frames. False: it roots another worker's subtree; drop it (do not apply it).
    bool owns(std::uint64_t open_after_pop);

    /// Whether the current run is this worker's to count (skeleton runs of other workers and
    /// nothing else are run but not counted).
    [[nodiscard]] bool recording() const { return recording_; }
    [[nodiscard]] std::uint64_t key() const { return key_; }
    /// True once (per key) when a recorded key starts: take a Segment.
    bool segment_due() {
        if (!recording_ || segment_key_ == key_) return false;
        segment_key_ = key_;
        return true;
    }
    /// A stopping event at the current key: published to the other workers.
    void stopped_here();
    /// Whether another worker stopped at a key before the current one: nothing after it counts.
    [[nodiscard]] bool past_stop() const {
        return shared_stop_ != nullptr && key_ > shared_stop_->load(std::memory_order_relaxed);
    }

    ShardRecord record;

private:
    ShardSpec spec_;
    std::uint64_t split_items_;
    std::atomic<std::uint64_t>* shared_stop_;
    bool recording_ = false;
    bool in_subtree_ = false;
    std::uint64_t dealt_ = 0;  ///< roots dealt so far
    std::uint64_t floor_ = 0;  ///< open items when the current subtree's root was popped
    std::uint64_t key_ = 0;
    std::uint64_t segment_key_ = std::numeric_limits<std::uint64_t>::max();
};

/// Open items at which the tree is split among `workers` (enough roots per worker to even out
/// subtrees of very different sizes).
std::uint64_t default_split_items(std::uint32_t workers);

/// One worker's outcome, as merge_shards takes it.
struct ShardResult {
    ShardSpec spec;
    ExploreResult result;
    ShardRecord record;
};

/// Adds the workers' results up to what one worker gives: counts, outcomes, flags, verdict,
/// violations (in the single worker's order, each with its execution number). Every part
/// 0..N-1 must be there once (the caller checks).
ExploreResult merge_shards(std::vector<ShardResult> parts);

/// How a parallel exploration went, per worker (for the bench and the CLI's note).
struct ParallelInfo {
    bool fell_back = false;                  ///< one worker only: the model does not partition (LKMM)
    std::vector<double> worker_cpu_seconds;  ///< CPU time of each worker thread
    std::vector<ExploreStats> worker_stats;  ///< what each worker counted
};

/// Explores `program` with `workers` threads (each its own runtime), merged. Under a model
/// the explorer cannot partition (LKMM) it runs one worker and sets info->fell_back.
ExploreResult explore_parallel(const Program& program, const ExploreOptions& options, std::uint32_t workers,
                               ParallelInfo* info = nullptr);

/// Explores part `spec` of `program` (one shard of a distributed run). `split_items` 0: the
/// default for spec.count (tests split small programs early).
ShardResult explore_shard(const Program& program, const ExploreOptions& options, ShardSpec spec,
                          std::uint64_t split_items = 0);

}  // namespace mmcheck
