// SPDX-License-Identifier: MIT
/// \file mmcheck_bench: fixed programs written against the model API, run through the optimal
/// or the brute-force explorer, one program per process (so peak_rss_kb is per program), one
/// JSON object per line on stdout.
///
///   mmcheck_bench --list
///   mmcheck_bench --program fadd-N4-K3 --explorer optimal [--time-limit 60]
///   mmcheck_bench --check      # optimal counts against their closed forms; exit 1 on mismatch

#include "explore/explorer.hpp"

#include <mmcheck/model.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmcheck::bench {
namespace {

// --- programs ------------------------------------------------------------------------------

/// fadd-N{N}-K{K}: N threads, each doing K relaxed fetch_add(1) on one atomic. Every
/// interleaving of the RMWs is a distinct co order: (NK)! / (K!)^N graphs.
class Fadd final : public Model {
public:
    Fadd(int n, int k) : n_(n), k_(k) {}
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this] {
                for (int i = 0; i < k_; ++i) x_.fetch_add(1, relaxed);
            });
    }

private:
    int n_, k_;
    atomic<int> x_{"x", 0};
};

/// sb-ring-N{N}[-sc]: thread i stores x[i]=1 then loads x[(i+1)%N]. 2^N graphs relaxed,
/// 2^N - 1 seq_cst (all loads reading 0 is a psc cycle).
class SbRing final : public Model {
public:
    SbRing(int n, std::memory_order mo) : n_(n), mo_(mo) {
        for (int i = 0; i < n_; ++i) x_.emplace_back("x[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this, t] {
                x_[static_cast<std::size_t>(t)].store(1, mo_);
                (void)x_[static_cast<std::size_t>((t + 1) % n_)].load(mo_);
            });
    }

private:
    int n_;
    std::memory_order mo_;
    std::vector<atomic<int>> x_;
};

/// mp-chain-N{N}: T0 writes data (relaxed) and flag[1] (release); relay Ti (1 <= i < N-1)
/// acquires flag[i] and forwards the value read to flag[i+1] with a release store; the last
/// thread acquires flag[N-1] and reads data. N-1 release/acquire hops; a 1 at the end must
/// see the data.
class MpChain final : public Model {
public:
    explicit MpChain(int n) : n_(n) {
        for (int i = 0; i < n_; ++i) flag_.emplace_back("flag[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        thread("T0", [this] {
            data_.store(1, relaxed);
            flag_[1].store(1, release);
        });
        for (int t = 1; t < n_ - 1; ++t)
            thread("T" + std::to_string(t), [this, t] {
                const auto i = static_cast<std::size_t>(t);
                flag_[i + 1].store(flag_[i].load(acquire), release);
            });
        thread("T" + std::to_string(n_ - 1), [this] {
            const int f = flag_[static_cast<std::size_t>(n_ - 1)].load(acquire);
            const int d = data_.load(relaxed);
            check(!(f == 1 && d == 0), "message arrives with its data");
        });
    }

private:
    int n_;
    atomic<int> data_{"data", 0};
    std::vector<atomic<int>> flag_;
};

/// lastzero-N{N}: a[0..N] atomic zeros; T0 reads a[N], a[N-1], ... (acquire) until it reads
/// 0; Tj (1..N) does a[j] = a[j-1] + 1 (acquire load, release store).
class LastZero final : public Model {
public:
    explicit LastZero(int n) : n_(n) {
        for (int i = 0; i <= n_; ++i) a_.emplace_back("a[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        thread("T0", [this] {
            for (int i = n_; i >= 0; --i)
                if (a_[static_cast<std::size_t>(i)].load(acquire) == 0) break;
        });
        for (int j = 1; j <= n_; ++j)
            thread("T" + std::to_string(j), [this, j] {
                const auto i = static_cast<std::size_t>(j);
                a_[i].store(a_[i - 1].load(acquire) + 1, release);
            });
    }

private:
    int n_;
    std::vector<atomic<int>> a_;
};

/// casrot-N{N}: x = 0; thread i in 1..N does one relaxed strong CAS of x from i-1 to i.
class CasRot final : public Model {
public:
    explicit CasRot(int n) : n_(n) {}
    void threads() override {
        for (int i = 1; i <= n_; ++i)
            thread("T" + std::to_string(i), [this, i] {
                int expected = i - 1;
                x_.compare_exchange_strong(expected, i, relaxed, relaxed);
            });
    }

private:
    int n_;
    atomic<int> x_{"x", 0};
};

// --- the program table ---------------------------------------------------------------------

struct BenchProgram {
    std::string name;
    std::function<std::unique_ptr<Model>()> make;
    std::optional<std::uint64_t> expected;  ///< closed-form number of complete executions
};

std::uint64_t fadd_count(int n, int k) {
    // (NK)! / (K!)^N, as a product of binomials to stay within 64 bits: C(NK, K) C((N-1)K, K) ...
    std::uint64_t total = 1;
    for (int left = n * k; left > 0; left -= k) {
        std::uint64_t c = 1;  // C(left, k)
        for (int i = 1; i <= k; ++i) c = c * static_cast<std::uint64_t>(left - k + i) / static_cast<std::uint64_t>(i);
        total *= c;
    }
    return total;
}

std::vector<BenchProgram> programs() {
    std::vector<BenchProgram> p;
    for (int n = 2; n <= 5; ++n)
        for (int k = 1; k <= 3; ++k) {
            if (n == 5 && k == 3) continue;
            p.push_back({"fadd-N" + std::to_string(n) + "-K" + std::to_string(k),
                         [n, k] { return std::make_unique<Fadd>(n, k); }, fadd_count(n, k)});
        }
    for (int n = 2; n <= 8; ++n)
        p.push_back({"sb-ring-N" + std::to_string(n), [n] { return std::make_unique<SbRing>(n, relaxed); },
                     std::uint64_t{1} << n});
    for (int n = 2; n <= 8; ++n)
        p.push_back({"sb-ring-N" + std::to_string(n) + "-sc",
                     [n] { return std::make_unique<SbRing>(n, seq_cst); }, (std::uint64_t{1} << n) - 1});
    for (int n = 2; n <= 5; ++n)
        p.push_back({"mp-chain-N" + std::to_string(n), [n] { return std::make_unique<MpChain>(n); }, std::nullopt});
    for (int n : {5, 10, 15})
        p.push_back({"lastzero-N" + std::to_string(n), [n] { return std::make_unique<LastZero>(n); }, std::nullopt});
    for (int n = 2; n <= 9; ++n)
        p.push_back({"casrot-N" + std::to_string(n), [n] { return std::make_unique<CasRot>(n); }, std::nullopt});
    return p;
}

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // kilobytes on Linux
}

ExploreResult run(const BenchProgram& prog, bool brute, double time_limit,
                  MemoryModelKind model = MemoryModelKind::RC11) {
    Program program;
    program.make = prog.make;
    ExploreOptions options;
    options.model = model;
    options.stop_at_first_violation = false;
    options.time_limit_seconds = time_limit;
    return brute ? explore_brute_force(program, options) : explore(program, options);
}

nlohmann::ordered_json report(const BenchProgram& prog, bool brute, const ExploreResult& r, MemoryModelKind model) {
    const double s = r.stats.seconds;
    nlohmann::ordered_json j;
    j["program"] = prog.name;
    j["explorer"] = brute ? "brute" : "optimal";
    if (model != MemoryModelKind::RC11) j["model"] = memory_model_name(model);
    j["executions"] = r.stats.complete;
    j["blocked"] = r.stats.blocked;
    j["events"] = r.stats.events;
    j["seconds"] = s;
    j["executions_per_s"] = s > 0 ? static_cast<double>(r.stats.executions()) / s : 0.0;
    j["events_per_s"] = s > 0 ? static_cast<double>(r.stats.events) / s : 0.0;
    j["peak_rss_kb"] = peak_rss_kb();
    if (!r.exhaustive) j["bounded"] = r.limit_hit.empty() ? "yes" : r.limit_hit;
    return j;
}

int check_counts() {
    int failures = 0;
    for (const auto& prog : programs()) {
        if (!prog.expected) continue;
        const ExploreResult r = run(prog, false, 0);
        const bool ok = r.exhaustive && r.stats.complete == *prog.expected && r.stats.blocked == 0;
        if (!ok) ++failures;
        std::cout << (ok ? "ok   " : "FAIL ") << prog.name << ": " << r.stats.complete
                  << " complete executions, expected " << *prog.expected << '\n';
    }
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
    std::string model_name = "rc11";
    app.add_flag("--list", list, "print the program names, one per line");
    app.add_option("--model", model_name, "memory model: rc11 or lkmm (lkmm: explore runs the speculative explorer, "
                                          "brute the value-guessing reference)")
        ->check(CLI::IsMember({"rc11", "lkmm"}));
    app.add_flag("--check", check, "check optimal counts against their closed forms");
    app.add_option("--program", program, "program to run");
    app.add_option("--explorer", explorer, "optimal or brute")->check(CLI::IsMember({"optimal", "brute"}));
    app.add_option("--time-limit", time_limit, "seconds before exploration stops (0: none); the run is then marked bounded");
    CLI11_PARSE(app, argc, argv);

    if (list) {
        for (const auto& p : programs()) std::cout << p.name << '\n';
        return 0;
    }
    if (check) return check_counts();
    for (const auto& p : programs()) {
        if (p.name != program) continue;
        const bool brute = explorer == "brute";
        const mmcheck::MemoryModelKind model = *mmcheck::parse_memory_model(model_name);
        const auto result = run(p, brute, time_limit, model);
        std::cout << report(p, brute, result, model).dump() << std::endl;
        return 0;
    }
    std::cerr << "unknown program '" << program << "' (see --list)\n";
    return 2;
}
