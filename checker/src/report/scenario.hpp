// SPDX-License-Identifier: MIT
/// \file A scenario: a named, declarative run of a registered model (variant, parameters,
/// limits) with the verdict and final outcomes it is expected to give. Loaded from
/// scenarios/<name>.json; see scenarios/README.md for the format.
#pragma once

#include "explore/result.hpp"
#include "model/memory_model.hpp"

#include <mmcheck/registry.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mmcheck {

/// Bad input (a scenario, a trace, an unreadable file). The message is one complete line
/// naming the file, the field, what is wrong and what was expected; the CLI prints it as is.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What a scenario expects of a whole exploration.
struct Expectation {
    bool safe = true;                       ///< "expect": "safe"
    ViolationKind kind = ViolationKind::Check;  ///< otherwise: a violation of this kind
    std::string property;                   ///< for kind check: the property (check message)
};

/// How an outcome is classified (JCStress's ACCEPTABLE / ACCEPTABLE_INTERESTING / FORBIDDEN).
enum class OutcomeClass : std::uint8_t { Acceptable, Interesting, Forbidden };
const char* outcome_class_name(OutcomeClass c);

/// One declared outcome: a partial assignment of observed names to values. It matches an
/// outcome that has every listed name with that value (unlisted names are free).
struct OutcomePattern {
    std::map<std::string, std::int64_t> values;
    OutcomeClass cls = OutcomeClass::Acceptable;
};

/// The outcome table of a scenario: forbidden patterns first, then interesting, then
/// acceptable (the first match wins, so the most severe class decides), and the class of an
/// outcome that matches none (JCStress's default entry).
struct OutcomeTable {
    std::vector<OutcomePattern> patterns;
    OutcomeClass fallback = OutcomeClass::Forbidden;
    [[nodiscard]] bool empty() const { return patterns.empty(); }
};

/// Exploration limits of a scenario (0: no limit).
struct ScenarioLimits {
    std::uint64_t max_executions = 0;
    double time_limit = 0;
    std::uint32_t max_events_per_thread = 5000;
};

/// What a scenario expects under one memory model ("models": {"lkmm": {...}}).
struct ModelExpectation {
    MemoryModelKind model = MemoryModelKind::RC11;
    Expectation expect;
    ScenarioLimits limits;            ///< the scenario's limits, with this model's overrides
};

struct Scenario {
    std::string name;                 ///< path under scenarios/ without ".json"
    std::filesystem::path file;       ///< the file it was read from
    std::string model;
    std::string variant;              ///< defaulted to the model's first variant
    std::map<std::string, std::int64_t, std::less<>> params;  ///< every parameter, defaults filled in
    std::string description;
    std::string source;
    std::vector<std::string> tags;
    ScenarioLimits limits;
    Expectation expect;
    OutcomeTable outcomes;
    std::string hash;                 ///< of the file's canonical JSON, "fnv1a64:<16 hex>"
    /// Every memory model the scenario is checked under, in file order of rc11, lkmm (one
    /// entry, rc11 with the top-level expect, when the file has no "models").
    std::vector<ModelExpectation> models;
    /// The model of this run: `expect` and `limits` above are those of this model.
    MemoryModelKind memory_model = MemoryModelKind::RC11;

    [[nodiscard]] bool has_tag(std::string_view t) const;
    /// The name of this run: `name` under RC11, `name.<model>` otherwise (so its committed
    /// counterexample is results/<name>.<model>.json).
    [[nodiscard]] std::string run_name() const;
    /// This scenario as run under `m`: its expectation and limits for `m` when the file names
    /// it, else (an override with --model) the first model's.
    [[nodiscard]] Scenario under(MemoryModelKind m) const;
    /// Whether the file names model `m`.
    [[nodiscard]] bool names_model(MemoryModelKind m) const;
};

/// The text of an expectation: "safe", "violation (check: mp weak outcome)".
std::string expectation_text(const Expectation& e);

/// Parses and validates a scenario. `display_path` is how the file is named in errors.
/// Throws InputError with a one-line message on the first problem.
Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& display_path, const ModelRegistry& registry);

/// Reads scenarios/<name>.json under `root` and validates it. Throws InputError.
Scenario load_scenario(const std::filesystem::path& root, const std::string& name,
                       const ModelRegistry& registry);

/// Names of every scenario under `root` (recursively, *.json), sorted.
std::vector<std::string> list_scenario_names(const std::filesystem::path& root);

/// A stable 64-bit FNV-1a hash as "fnv1a64:<16 hex digits>".
std::string fnv1a_hex(std::string_view bytes);

}  // namespace mmcheck
