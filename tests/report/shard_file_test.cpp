// SPDX-License-Identifier: MIT
/// \file Shard files (report/shard_file.hpp) and the verdict rule: shards of random programs
/// written as files, read back and merged give one worker's result and byte-identical
/// counterexample traces; two worker threads agree with one on random programs; a shard file
/// is read back as written; settle_verdict's cases.
#include "report/shard_file.hpp"

#include "../engine/random_program.hpp"

#include "../engine/result_summary.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace mmcheck;
using namespace mmcheck::testing;

namespace {

TraceContext context() {
    TraceContext c;
    c.tool_version = "test";
    c.scenario = "random";
    c.scenario_hash = "fnv1a64:0000000000000000";
    c.model = "random";
    c.variant = "v";
    return c;
}

ShardFile shard_file(const ShardResult& part, std::uint32_t count, bool stop_first) {
    ShardFile f;
    f.header.tool_version = "test";
    f.header.scenario = "random";
    f.header.scenario_hash = "fnv1a64:0000000000000000";
    f.header.model = "random";
    f.header.variant = "v";
    f.header.stop_at_first_violation = stop_first;
    f.header.max_events_per_thread = 5000;
    f.header.count = count;
    f.part = part;
    const TraceContext ctx = context();
    for (const Violation& v : part.result.violations) f.traces.push_back(make_trace(v, part.result, ctx));
    f.part.result.violations.clear();
    return f;
}

}  // namespace

TEST_CASE("Shard files of a random program, read back and merged, give one worker's result and traces byte for byte",
          "[core][partition][shard]") {
    int with_violation = 0;
    for (std::uint32_t seed = 1; seed <= 60; ++seed) {
        const RandomSpec spec = random_spec(seed, 4, 6, 14);
        const Program prog = random_program(spec);
        for (const bool stop_first : {true, false}) {
            ExploreOptions o;
            o.stop_at_first_violation = stop_first;
            const ExploreResult one = explore(prog, o);
            std::vector<std::string> one_traces;
            for (const Violation& v : one.violations) one_traces.push_back(trace_to_text(make_trace(v, one, context())));
            with_violation += one.violations.empty() ? 0 : 1;
            for (const std::uint32_t n : {2U, 3U}) {
                for (const std::uint64_t split : {1ULL, 8ULL}) {
                    std::vector<ShardFile> files;
                    std::vector<std::string> names;
                    // In reverse order: merge takes the files in any order.
                    for (std::uint32_t k = n; k-- > 0;) {
                        const std::string text = shard_to_text(shard_file(explore_shard(prog, o, ShardSpec{k, n}, split), n, stop_first));
                        names.push_back("shard-" + std::to_string(k + 1) + ".json");
                        files.push_back(shard_from_json(text, names.back()));
                        // Written as read: the reader loses nothing the writer wrote.
                        REQUIRE(shard_to_text(files.back()) == text);
                    }
                    const MergedShards m = merge_shard_files(std::move(files), names);
                    INFO("seed " << seed << ", " << n << " shards, split at " << split << ", stop at first " << stop_first
                                 << "\n" << spec.describe());
                    REQUIRE(result_summary(m.result, false) == result_summary(one, false));
                    REQUIRE(m.result.outcomes == one.outcomes);
                    REQUIRE(m.traces.size() == one_traces.size());
                    for (std::size_t i = 0; i < one_traces.size(); ++i) REQUIRE(trace_to_text(m.traces[i]) == one_traces[i]);
                }
            }
        }
    }
    CHECK(with_violation > 10);
}

TEST_CASE("Two worker threads give one worker's result on random programs", "[core][partition]") {
    std::vector<std::uint32_t> seeds{307};  // 307: a worker counted a revisit past another's stop
    for (std::uint32_t seed = 1; seed <= 40; ++seed) seeds.push_back(seed);
    for (const std::uint32_t seed : seeds) {
        const RandomSpec spec = random_spec(seed, 4, 6, 14);
        const Program prog = random_program(spec);
        for (const bool stop_first : {true, false}) {
            ExploreOptions o;
            o.stop_at_first_violation = stop_first;
            const ExploreResult one = explore(prog, o);
            const ExploreResult two = explore_parallel(prog, o, 2);
            INFO("seed " << seed << ", stop at first " << stop_first << "\n" << spec.describe());
            REQUIRE(result_summary(two, false) == result_summary(one, false));
            REQUIRE(two.outcomes == one.outcomes);
            for (std::size_t i = 0; i < one.violations.size(); ++i)
                REQUIRE(trace_to_text(make_trace(two.violations[i], two, context())) ==
                        trace_to_text(make_trace(one.violations[i], one, context())));
        }
    }
}

TEST_CASE("Merging refuses a missing shard, a shard twice and shards of different explorations", "[core][shard]") {
    const Program prog = random_program(random_spec(7, 3, 4, 10));
    ExploreOptions o;
    const auto file = [&](std::uint32_t k, std::uint32_t n) { return shard_file(explore_shard(prog, o, ShardSpec{k, n}, 1), n, true); };
    const auto refused = [](std::vector<ShardFile> fs, const std::string& words) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < fs.size(); ++i) names.push_back("f" + std::to_string(i + 1) + ".json");
        try {
            merge_shard_files(std::move(fs), names);
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(words) != std::string::npos);
            return;
        }
        FAIL("merged");
    };
    refused({file(0, 2)}, "1 of 2 shards missing (2/2)");
    refused({file(0, 2), file(0, 2), file(1, 2)}, "f2.json: field 'shard.index'");
    refused({file(0, 2), file(1, 3)}, "f2.json: field 'shard.count'");
    ShardFile other = file(1, 2);
    other.header.params["x"] = 1;
    refused({file(0, 2), other}, "f2.json: field 'params'");
    other = file(1, 2);
    other.header.stop_at_first_violation = false;
    refused({file(0, 2), other}, "f2.json: field 'options.stop_at_first_violation'");
}

TEST_CASE("The verdict rule: a violation, else a limit or a livelock is bounded, else safe", "[core][partition]") {
    ExploreResult r;
    settle_verdict(r);
    CHECK(r.verdict == Verdict::Safe);
    r.exhaustive = false;
    settle_verdict(r);
    CHECK(r.verdict == Verdict::Bounded);
    ExploreResult live;
    live.violations.push_back(Violation{});
    live.violations.back().kind = ViolationKind::Livelock;
    settle_verdict(live);
    CHECK(live.verdict == Verdict::Bounded);
    CHECK_FALSE(live.exhaustive);
    live.violations.push_back(Violation{});
    live.violations.back().kind = ViolationKind::Race;
    settle_verdict(live);
    CHECK(live.verdict == Verdict::Violation);
}
