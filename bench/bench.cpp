// SPDX-License-Identifier: MIT
/// \file mmcheck_bench: fixed programs written against the model API, run through the optimal
/// or the brute-force explorer, one program per process (so peak_rss_kb is per program), one
/// JSON object per line on stdout.
///
///   mmcheck_bench --list
///   mmcheck_bench --program fadd-N4-K3 --explorer optimal [--time-limit 60]
///   mmcheck_bench --program NAME --check    # also checks its counts; exit 1 and one FAIL line
///                                           # on stderr when they are wrong
///   mmcheck_bench --check [--time-limit S]  # every program; one line each; exit 1 on a failure
///
/// A count is wrong when the run is not exhaustive (a limit stopped it), reports a violation,
/// finds other than the expected number of complete executions (GenMC's, see programs.cpp), or
/// blocks in a program that has no await, lock or assume.

#include "explore/explorer.hpp"
#include "explore/partition.hpp"
#include "programs.hpp"

#include <mmcheck/model.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace mmcheck::bench {
namespace {

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // kilobytes on Linux
}

/// The memory model of every run (--model): under LKMM "optimal" is the speculative explorer
/// and "brute" the value-guessing reference.
MemoryModelKind g_model = MemoryModelKind::RC11;
/// Workers of the optimal explorer (--jobs; explore/partition.hpp) and what they did.
std::uint32_t g_jobs = 1;
ParallelInfo g_parallel;

ExploreResult run(const BenchProgram& prog, bool brute, double time_limit) {
    Program program;
    program.make = prog.make;
    ExploreOptions options;
    options.model = g_model;
    options.stop_at_first_violation = false;
    options.time_limit_seconds = time_limit;
    if (brute) return explore_brute_force(program, options);
    if (g_jobs > 1) return explore_parallel(program, options, g_jobs, &g_parallel);
    return explore(program, options);
}

nlohmann::ordered_json report(const BenchProgram& prog, bool brute, const ExploreResult& r) {
    const double s = r.stats.seconds;
    nlohmann::ordered_json j;
    j["program"] = prog.name;
    j["explorer"] = brute ? "brute" : "optimal";
    if (g_model != MemoryModelKind::RC11) j["model"] = memory_model_name(g_model);
    j["executions"] = r.stats.complete;
    j["blocked"] = r.stats.blocked;
    j["events"] = r.stats.events;
    j["seconds"] = s;
    j["executions_per_s"] = s > 0 ? static_cast<double>(r.stats.executions()) / s : 0.0;
    j["events_per_s"] = s > 0 ? static_cast<double>(r.stats.events) / s : 0.0;
    j["peak_rss_kb"] = peak_rss_kb();
    if (!brute && g_jobs > 1) {
        // Wall time above; here each worker's CPU time and executions, to judge the balance.
        j["jobs"] = g_jobs;
        if (g_parallel.fell_back) j["jobs_fell_back"] = true;
        nlohmann::ordered_json w = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < g_parallel.worker_stats.size(); ++i)
            w.push_back({{"cpu_seconds", g_parallel.worker_cpu_seconds[i]},
                         {"executions", g_parallel.worker_stats[i].executions()}});
        j["workers"] = w;
    }
    if (!r.exhaustive) j["bounded"] = r.limit_hit.empty() ? "yes" : r.limit_hit;
    return j;
}

/// Why the run's counts are wrong, or empty when they are right.
std::string count_error(const BenchProgram& prog, const ExploreResult& r) {
    if (!r.violations.empty())
        return "reported a violation: " + r.violations.front().message;
    if (!r.exhaustive) return "stopped early (" + (r.limit_hit.empty() ? std::string("limit") : r.limit_hit) + ")";
    if (prog.expected && r.stats.complete != *prog.expected)
        return std::to_string(r.stats.complete) + " complete executions, expected " + std::to_string(*prog.expected);
    if (prog.never_blocks && r.stats.blocked != 0)
        return std::to_string(r.stats.blocked) + " blocked executions in a program that cannot block";
    return {};
}

/// Runs one program; an exception escaping the explorer is an error, never a silent zero.
std::optional<ExploreResult> run_checked(const BenchProgram& prog, bool brute, double time_limit, std::string& error) {
    try {
        return run(prog, brute, time_limit);
    } catch (const std::exception& ex) {
        error = std::string("error: ") + ex.what();
    }
    return std::nullopt;
}

int check_counts(double time_limit) {
    int failures = 0;
    for (const auto& prog : programs()) {
        std::string error;
        const auto r = run_checked(prog, false, time_limit, error);
        if (r) error = count_error(prog, *r);
        if (!error.empty()) ++failures;
        std::cout << (error.empty() ? "ok   " : "FAIL ") << prog.name << ": ";
        if (r) std::cout << r->stats.complete << " complete, " << r->stats.blocked << " blocked";
        if (!error.empty()) std::cout << (r ? "; " : "") << error;
        std::cout << std::endl;
    }
    if (failures != 0) std::cout << failures << " program(s) FAILED\n";
    return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace mmcheck::bench

int main(int argc, char** argv) {
    using namespace mmcheck::bench;
    CLI::App app{"mmcheck benchmark: fixed programs through the optimal or brute-force explorer"};
    bool list = false;
    bool check = false;
    std::string program;
    std::string explorer = "optimal";
    double time_limit = 0;
    app.add_flag("--list", list, "print the program names, one per line");
    std::string model_name = "rc11";
    app.add_option("--model", model_name, "memory model: rc11 or lkmm (lkmm: optimal runs the speculative explorer, "
                                          "brute the value-guessing reference)")
        ->check(CLI::IsMember({"rc11", "lkmm"}));
    app.add_flag("--check", check, "check counts (of --program, or of every program) against GenMC's");
    app.add_option("--program", program, "program to run");
    app.add_option("--explorer", explorer, "optimal or brute")->check(CLI::IsMember({"optimal", "brute"}));
    app.add_option("--jobs", g_jobs, "workers of the optimal explorer (explore/partition.hpp)")->check(CLI::Range(1, 256));
    app.add_option("--time-limit", time_limit, "seconds before exploration stops (0: none); the run is then marked bounded");
    CLI11_PARSE(app, argc, argv);
    g_model = *mmcheck::parse_memory_model(model_name);

    if (list) {
        for (const auto& p : programs()) std::cout << p.name << '\n';
        return 0;
    }
    if (check && program.empty()) return check_counts(time_limit);
    for (const auto& p : programs()) {
        if (p.name != program) continue;
        const bool brute = explorer == "brute";
        std::string error;
        const auto result = run_checked(p, brute, time_limit, error);
        if (!result) {
            std::cout << nlohmann::ordered_json{{"program", p.name}, {"explorer", explorer}, {"error", error}}.dump() << std::endl;
            std::cerr << "FAIL " << p.name << ": " << error << '\n';
            return 1;
        }
        std::cout << report(p, brute, *result).dump() << std::endl;
        if (check && !brute) {
            error = count_error(p, *result);
            if (!error.empty()) {
                std::cerr << "FAIL " << p.name << ": " << error << '\n';
                return 1;
            }
        }
        return 0;
    }
    std::cerr << "unknown program '" << program << "' (see --list)\n";
    return 2;
}
