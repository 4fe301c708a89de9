// SPDX-License-Identifier: MIT
/// \file Running a litmus test on the engine and judging its condition herd-style: the
/// outcome table the explorer returns is the set of final states; the condition is evaluated
/// over it here (the engine knows nothing about litmus conditions).
#pragma once

#include "litmus/ast.hpp"
#include "model/memory_model.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmcheck::litmus {

/// herd's observation: how often the condition's proposition holds over final states.
enum class Observation : std::uint8_t { Never, Sometimes, Always };
const char* observation_name(Observation o);

struct LitmusRunOptions {
    std::uint64_t max_executions = 0;  ///< 0: no limit
    double time_limit_seconds = 0;     ///< 0: no limit
    /// The memory model; nullopt: the test's own (LitmusTest::model: `--model` given to the
    /// parser, else LKMM for a kernel test, RC11 otherwise).
    std::optional<MemoryModelKind> model;
    /// Use the brute-force reference explorer (tests cross-check the two explorers).
    bool brute_force = false;
};

/// One reachable final state: a value per LitmusTest::observed name, in that order.
struct FinalState {
    std::vector<std::int64_t> values;
    std::uint64_t executions = 0;  ///< complete executions ending in it
    bool satisfies = false;        ///< the condition's proposition holds
    friend bool operator<(const FinalState& a, const FinalState& b) { return a.values < b.values; }
};

struct LitmusResult {
    std::shared_ptr<const LitmusTest> test;
    std::vector<FinalState> states;  ///< sorted by value
    std::uint64_t positive = 0;      ///< complete executions whose final state satisfies the proposition
    std::uint64_t negative = 0;
    bool ok = false;                 ///< herd's Ok/No: the quantified condition holds
    Observation observation = Observation::Never;
    std::uint64_t executions = 0;    ///< complete executions explored
    std::uint64_t blocked = 0;       ///< blocked ones (a spin_lock that never got the lock, ...)
    double seconds = 0;
    bool exhaustive = true;
    std::string limit_hit;
    /// Violations the engine found on the way (data races on plain locations, run-time errors),
    /// one line each: kind and message.
    std::vector<std::string> violations;
    /// Run-time errors of the test itself (the model threw: a dereference of a value that is no
    /// address, a division by zero), one `file:line:column: Pn: message` each. A test with an
    /// error has no verdict: the CLI prints the first error and exits 2.
    std::vector<std::string> errors;
    /// Remarks the reader needs to judge the verdict (rcu markers, rcu_dereference mapping).
    std::vector<std::string> notes;
    /// The memory model the test ran under.
    MemoryModelKind model = MemoryModelKind::RC11;
    /// The flags the memory model raised over all executions (LKMM: herd7's, e.g.
    /// "data-race"), sorted, each once.
    std::vector<std::string> flags;

    /// True when the file has a Result: line and it differs from the observation.
    [[nodiscard]] bool differs_from_result_line() const;
};

/// Explores every consistent execution of `test` under its memory model and judges its
/// condition. Throws LitmusError when the model is RC11 and the test uses a construct only
/// LKMM defines.
LitmusResult run_litmus(std::shared_ptr<const LitmusTest> test, const LitmusRunOptions& options = {});

/// Whether `p` holds of the final state `values` (indexed like LitmusTest::observed).
bool evaluate(const Prop& p, const std::vector<std::int64_t>& values);

}  // namespace mmcheck::litmus
