// SPDX-License-Identifier: MIT
/// \file Partitioned exploration (explore/partition.hpp): N workers or N shards, merged, give
/// exactly what one worker gives (counts, outcomes, verdict, the first violation and its
/// execution number), and every graph is explored by exactly one worker.
#include "explore/partition.hpp"

#include "programs.hpp"
#include "random_program.hpp"

#include "result_summary.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <sstream>

using namespace mmcheck;
using namespace mmcheck::testing;

namespace {

std::map<std::string, int> graphs_of(const Program& p, ExploreOptions o, ShardSpec spec, std::uint64_t split,
                                     ExploreResult* out) {
    std::map<std::string, int> seen;
    o.on_execution = [&](const ExecutionGraph& g, bool) { ++seen[canonical_text(g)]; };
    ShardResult r = explore_shard(p, o, spec, split);
    if (out != nullptr) *out = std::move(r.result);
    return seen;
}

}  // namespace

TEST_CASE("Shards of a random program add up to one worker's counts, verdict and first violation", "[core][partition]") {
    int split_seen = 0;
    for (std::uint32_t seed = 1; seed <= 150; ++seed) {
        const RandomSpec spec = random_spec(seed, 4, 6, 14);
        const Program prog = random_program(spec);
        for (const bool stop_first : {true, false}) {
            ExploreOptions o;
            o.stop_at_first_violation = stop_first;
            const ExploreResult one = explore(prog, o);
            for (const std::uint32_t n : {2U, 3U}) {
                for (const std::uint64_t split : {1ULL, 3ULL, 8ULL}) {
                    std::vector<ShardResult> parts;
                    for (std::uint32_t k = 0; k < n; ++k) parts.push_back(explore_shard(prog, o, ShardSpec{k, n}, split));
                    for (const auto& p : parts) split_seen += p.record.segments.size() > 1 ? 1 : 0;
                    const ExploreResult merged = merge_shards(std::move(parts));
                    INFO("seed " << seed << ", " << n << " shards, split at " << split << " items, stop at first "
                                 << stop_first << "\n"
                                 << spec.describe());
                    REQUIRE(result_summary(merged) == result_summary(one));
                    REQUIRE(merged.outcomes == one.outcomes);
                    for (std::size_t i = 0; i < one.violations.size(); ++i)
                        REQUIRE(canonical_text(merged.violations[i].graph) == canonical_text(one.violations[i].graph));
                }
            }
        }
    }
    CHECK(split_seen > 100);  // the partition was exercised, not only the skeleton
}

TEST_CASE("Every graph of a random program is explored by exactly one shard", "[core][partition]") {
    for (std::uint32_t seed = 200; seed <= 260; ++seed) {
        const Program prog = random_program(random_spec(seed, 4, 6, 14));
        ExploreOptions o;
        o.stop_at_first_violation = false;
        const auto all = graphs_of(prog, o, ShardSpec{0, 1}, 1, nullptr);
        std::map<std::string, int> sum;
        for (std::uint32_t k = 0; k < 3; ++k)
            for (const auto& [g, c] : graphs_of(prog, o, ShardSpec{k, 3}, 2, nullptr)) sum[g] += c;
        INFO("seed " << seed);
        REQUIRE(sum == all);
    }
}

TEST_CASE("Two and three worker threads give one worker's result on the small benchmark programs", "[core][partition]") {
    int checked = 0;
    for (const auto& bp : bench::programs()) {
        if (!bp.small) continue;
        Program program;
        program.make = bp.make;
        for (const bool stop_first : {true, false}) {
            ExploreOptions o;
            o.stop_at_first_violation = stop_first;
            const ExploreResult one = explore(program, o);
            for (const std::uint32_t n : {2U, 3U}) {
                ParallelInfo info;
                const ExploreResult par = explore_parallel(program, o, n, &info);
                INFO(bp.name << ", " << n << " workers, stop at first " << stop_first);
                REQUIRE(result_summary(par) == result_summary(one));
                REQUIRE(par.outcomes == one.outcomes);
                REQUIRE(info.worker_stats.size() == n);
            }
        }
        ++checked;
    }
    CHECK(checked >= 60);
}

TEST_CASE("A shard value is K/N with 1 <= K <= N", "[core][partition]") {
    CHECK(parse_shard_spec("1/1").has_value());
    CHECK(parse_shard_spec("3/4")->index == 2);
    CHECK(parse_shard_spec("3/4")->count == 4);
    for (const char* bad : {"0/4", "5/4", "1/0", "4", "/4", "1/", "a/4", "1/4x", "-1/4", "1/99999", " 1/4"})
        CHECK_FALSE(parse_shard_spec(bad).has_value());
}
