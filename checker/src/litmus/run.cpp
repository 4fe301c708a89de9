// SPDX-License-Identifier: MIT
#include "litmus/run.hpp"

#include "explore/explorer.hpp"
#include "litmus/litmus_model.hpp"

#include <algorithm>
#include <map>
#include <string_view>

namespace mmcheck::litmus {

const char* observation_name(Observation o) {
    switch (o) {
        case Observation::Never: return "Never";
        case Observation::Sometimes: return "Sometimes";
        case Observation::Always: return "Always";
    }
    return "?";
}

bool LitmusResult::differs_from_result_line() const {
    return test->result_line && *test->result_line != observation_name(observation);
}

bool evaluate(const Prop& p, const std::vector<std::int64_t>& values) {
    switch (p.kind) {
        case Prop::Kind::True: return true;
        case Prop::Kind::False: return false;
        case Prop::Kind::Atom:
            return values[p.observed] == (p.rhs_name.empty() ? p.value : values[p.rhs_observed]);
        case Prop::Kind::Not: return !evaluate(*p.lhs, values);
        case Prop::Kind::And:
            return std::all_of(p.terms.begin(), p.terms.end(), [&](const Prop& q) { return evaluate(q, values); });
        case Prop::Kind::Or:
            return std::any_of(p.terms.begin(), p.terms.end(), [&](const Prop& q) { return evaluate(q, values); });
    }
    return false;
}

LitmusResult run_litmus(std::shared_ptr<const LitmusTest> test, const LitmusRunOptions& options) {
    LitmusResult r;
    r.test = test;
    Program program;
    program.variant = "default";
    program.make = [test]() -> std::unique_ptr<Model> { return std::make_unique<LitmusModel>(test); };
    ExploreOptions eo;
    // Every final state is wanted, so a race does not stop the exploration.
    eo.stop_at_first_violation = false;
    eo.max_executions = options.max_executions;
    eo.time_limit_seconds = options.time_limit_seconds;
    // The interpreter recurses once per nesting level (at most kMaxNesting, ast.hpp) before the
    // innermost operation reaches the runtime's stack check; with dependency tracking (DepSet
    // per operand) a level takes about 1.3 KiB, more than the default 256 KiB stack leaves for
    // 200 levels. A litmus thread gets kLitmusStackSize instead.
    eo.stack_size = kLitmusStackSize;
    eo.model = options.model.value_or(test->model);
    r.model = eo.model;
    if (eo.model == MemoryModelKind::RC11 && !test->lkmm_only.empty())
        throw LitmusError(test->file, test->lkmm_only.front().pos, test->lkmm_only.front().message);
    if (eo.model != test->model)
        throw LitmusError(test->file, SourcePos{1, 1}, std::string("the test was parsed for ") +
                                                           memory_model_title(test->model) + ", not " +
                                                           memory_model_title(eo.model) + " (pass the model to the parser)");
    const ExploreResult er = options.brute_force ? explore_brute_force(program, eo) : explore(program, eo);
    r.flags.assign(er.flags.begin(), er.flags.end());

    std::map<std::string, std::size_t, std::less<>> column;
    for (std::size_t i = 0; i < test->observed.size(); ++i) column.emplace(test->observed[i].name, i);
    std::map<std::vector<std::int64_t>, std::uint64_t> merged;
    for (const auto& [outcome, count] : er.outcomes) {
        std::vector<std::int64_t> values(test->observed.size(), 0);
        for (const auto& [name, value] : outcome)
            if (auto it = column.find(name); it != column.end()) values[it->second] = value;
        merged[values] += count;
    }
    for (const auto& [values, count] : merged) {
        if (test->condition.filter && !evaluate(*test->condition.filter, values)) continue;
        FinalState s;
        s.values = values;
        s.executions = count;
        s.satisfies = evaluate(test->condition.prop, values);
        (s.satisfies ? r.positive : r.negative) += count;
        r.states.push_back(std::move(s));
    }
    std::sort(r.states.begin(), r.states.end());
    switch (test->condition.quantifier) {
        case Quantifier::Exists: r.ok = r.positive > 0; break;
        case Quantifier::NotExists: r.ok = r.positive == 0; break;
        case Quantifier::Forall: r.ok = r.negative == 0; break;
    }
    r.observation = r.positive == 0 ? Observation::Never : r.negative == 0 ? Observation::Always : Observation::Sometimes;
    r.executions = er.stats.complete;
    r.blocked = er.stats.blocked;
    r.seconds = er.stats.seconds;
    r.exhaustive = er.exhaustive;
    r.limit_hit = er.limit_hit;
    // One line per distinct violation: the same race shows in many executions.
    for (const Violation& v : er.violations) {
        // A litmus thread is loop-free, so exceeding the event bound is the bound being too
        // small for a long thread, not a livelock: the run is inconclusive, not a violation.
        if (v.kind == ViolationKind::Livelock) {
            r.limit_hit = "event bound: " + v.message;
            continue;
        }
        // The interpreter throws only for a test that is wrong at run time (a dereference of a
        // non-address, a division by zero): an error of the input, never a verdict.
        if (v.kind == ViolationKind::Exception) {
            // The interpreter's messages already start with `file:line:column:`; anything else
            // (the engine refusing the model) is pinned to the test's first line.
            static constexpr std::string_view kPrefix = "exception in model code: ";
            const std::string where = printable(test->file) + ":";
            std::string msg = v.message;
            if (msg.starts_with(kPrefix) && msg.substr(kPrefix.size()).starts_with(where)) msg.erase(0, kPrefix.size());
            else msg = where + "1:1: " + printable(msg);
            if (std::find(r.errors.begin(), r.errors.end(), msg) == r.errors.end()) r.errors.push_back(std::move(msg));
            continue;
        }
        std::string line = std::string(violation_kind_name(v.kind)) + ": " + v.message;
        if (std::find(r.violations.begin(), r.violations.end(), line) == r.violations.end())
            r.violations.push_back(std::move(line));
    }
    if (test->uses_rcu_markers && r.model == MemoryModelKind::RC11)
        r.notes.push_back("rcu_read_lock/rcu_read_unlock are accepted as markers only: the test has no grace-period "
                          "primitive, and in C++11 terms they order nothing");
    if (test->uses_rcu_dereference && r.model == MemoryModelKind::RC11)
        r.notes.push_back("rcu_dereference is mapped to an acquire load, stronger than the kernel's dependency "
                          "ordering");
    return r;
}

}  // namespace mmcheck::litmus
