// SPDX-License-Identifier: MIT
/// \file Instrumentation of a program's runs, shared by every run of one exploration:
/// - ordering sites (mmcheck audit): every fence, ordered access, lock or TLB handshake a
///   model executes, named by thread, source line and kernel primitive; one site can be
///   weakened (a fence dropped, an order relaxed) for a whole exploration, with no rebuild;
/// - check counts (vacuity): in how many complete executions each property was evaluated,
///   and, for an implication, in how many its premise held.
/// The runtime fills it; explorers never look at it.
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mmcheck {

/// One ordering of a model, as the static code that performs it in one thread. A primitive
/// called from a helper of the model that two threads run is two sites, one per thread.
struct OrderingSite {
    std::string thread;    ///< thread name ("GUP-fast on CPU0")
    std::string file;      ///< source file of the model line (as the compiler spelled it)
    std::uint32_t line = 0;
    std::string function;  ///< kernel primitive ("smp_mb__after_atomic") or C++ operation
    std::string kind;      ///< "barrier", "leading mb", "acquire load", "lock acquire", ...
    std::string weakening; ///< what audit does to it ("drop", "relax to relaxed")

    friend auto operator<=>(const OrderingSite& a, const OrderingSite& b) {
        if (auto c = a.file <=> b.file; c != 0) return c;
        if (auto c = a.line <=> b.line; c != 0) return c;
        if (auto c = a.thread <=> b.thread; c != 0) return c;
        if (auto c = a.function <=> b.function; c != 0) return c;
        return a.kind <=> b.kind;
    }
    friend bool operator==(const OrderingSite& a, const OrderingSite& b) { return (a <=> b) == 0; }
};

/// How often one property was evaluated, over the complete executions.
struct CheckCount {
    std::uint64_t evaluated = 0;  ///< executions in which check() / check_implies() ran
    std::uint64_t exercised = 0;  ///< of those, executions in which a premise held (check(): all)
    bool implication = false;     ///< checked with check_implies() at least once
};

class Instrumentation {
public:
    /// Record every ordering site executed (audit discovery).
    bool record_sites = false;
    /// Count check evaluations (vacuity).
    bool count_checks = false;
    /// The site to weaken in every run, if any.
    std::optional<OrderingSite> weakened;

    /// The weakened site has no weaker form under the memory model explored (a lock's
    /// order under LKMM, lock.cat): set by the runtime, read by audit().
    void mark_not_weakenable() { not_weakenable_.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool not_weakenable() const { return not_weakenable_.load(std::memory_order_relaxed); }

    void add_sites(const std::set<OrderingSite>& s) {
        const std::lock_guard<std::mutex> lock(mu_);
        sites_.insert(s.begin(), s.end());
    }
    [[nodiscard]] std::vector<OrderingSite> sites() const {
        const std::lock_guard<std::mutex> lock(mu_);
        return {sites_.begin(), sites_.end()};
    }
    /// One complete execution's evaluations: property -> premise held at least once.
    void add_execution(const std::map<std::string, bool, std::less<>>& evaluated,
                       const std::set<std::string, std::less<>>& implications) {
        const std::lock_guard<std::mutex> lock(mu_);
        if (!counting_) return;
        ++complete_;
        for (const auto& [p, held] : evaluated) {
            CheckCount& c = checks_[p];
            ++c.evaluated;
            if (held) ++c.exercised;
        }
        for (const auto& p : implications) checks_[p].implication = true;
    }
    [[nodiscard]] std::map<std::string, CheckCount, std::less<>> checks() const {
        const std::lock_guard<std::mutex> lock(mu_);
        return checks_;
    }
    [[nodiscard]] std::uint64_t complete_executions() const {
        const std::lock_guard<std::mutex> lock(mu_);
        return complete_;
    }

    /// Partitioned exploration (explore/partition.hpp): a worker runs executions another
    /// worker counts; their checks are not counted twice. Set on a worker's own instance.
    void set_counting(bool on) {
        const std::lock_guard<std::mutex> lock(mu_);
        counting_ = on;
    }
    /// Adds another instance's sites and counts (the workers' of one exploration).
    void add_counts(std::uint64_t complete, const std::map<std::string, CheckCount, std::less<>>& checks,
                    const std::vector<OrderingSite>& sites = {}) {
        const std::lock_guard<std::mutex> lock(mu_);
        complete_ += complete;
        for (const auto& [p, c] : checks) {
            CheckCount& m = checks_[p];
            m.evaluated += c.evaluated;
            m.exercised += c.exercised;
            m.implication = m.implication || c.implication;
        }
        sites_.insert(sites.begin(), sites.end());
    }

private:
    bool counting_ = true;
    mutable std::mutex mu_;
    std::atomic<bool> not_weakenable_{false};
    std::set<OrderingSite> sites_;
    std::map<std::string, CheckCount, std::less<>> checks_;
    std::uint64_t complete_ = 0;
};

/// Why a safe verdict checked nothing, or nothing: every complete execution skipped every
/// check (none ran, or there were no complete executions), or an implication's premise held
/// in none of them. Empty when the checks were exercised.
inline std::string vacuity_finding(const Instrumentation& in) {
    if (in.complete_executions() == 0) return "no complete execution: every execution blocked, nothing was checked";
    const auto checks = in.checks();
    std::uint64_t exercised = 0;
    for (const auto& [p, c] : checks) exercised += c.exercised;
    if (checks.empty()) return "no check() ran in any of the " + std::to_string(in.complete_executions()) + " complete executions";
    for (const auto& [p, c] : checks)
        if (c.exercised == 0)
            return "the premise of \"" + p + "\" held in none of the " + std::to_string(in.complete_executions()) +
                   " complete executions (evaluated in " + std::to_string(c.evaluated) + ")";
    (void)exercised;
    return {};
}

}  // namespace mmcheck
