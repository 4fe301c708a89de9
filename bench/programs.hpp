// SPDX-License-Identifier: MIT
/// \file BenchProgram: the fixed benchmark programs (written against the model API) and the
/// number of complete executions each must have. Shared by mmcheck_bench (every size) and the
/// test suite (the small sizes, tests/engine/bench_programs_test.cpp).
#pragma once

#include <mmcheck/model.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmcheck::bench {

struct BenchProgram {
    std::string name;
    std::function<std::unique_ptr<Model>()> make;
    /// Complete executions: GenMC v0.11's count (../shared/bench/counts.md, RC11, raw options)
    /// or a closed form that agrees with it; nullopt where neither is known.
    std::optional<std::uint64_t> expected;
    /// The program has no await, lock or assume, so no execution may block.
    bool never_blocks = true;
    /// Small enough (well under a second) for the default test suite.
    bool small = false;
};

/// Every benchmark program, each family in growing size.
std::vector<BenchProgram> programs();

}  // namespace mmcheck::bench
