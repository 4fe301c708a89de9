// SPDX-License-Identifier: MIT
/// \file Barrier audit: which orderings of a safe program carry its proof. The program is
/// explored once to find every ordering site it executes (runtime/instrumentation.hpp), then
/// once per site with that site weakened (a fence dropped, an order relaxed, one half of a
/// fully ordered RMW dropped). A site whose weakening lets a violation through is
/// load-bearing; one whose weakening stays safe, exhaustively, is redundant.
#pragma once

#include "explore/explorer.hpp"
#include "runtime/instrumentation.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace mmcheck {

enum class SiteVerdict : std::uint8_t {
    LoadBearing,  ///< without it a violation appears (the site's result holds it)
    Redundant,    ///< without it the program is still safe, exhaustively
    Inconclusive, ///< a limit cut the exploration first
    /// the memory model has no weaker form of it (a lock's order under LKMM, lock.cat): the
    /// exploration ran unweakened and says nothing about the site
    NotWeakenable,
};
const char* site_verdict_name(SiteVerdict v);

struct SiteAudit {
    OrderingSite site;
    SiteVerdict verdict = SiteVerdict::Inconclusive;
    ExploreResult result;  ///< the exploration with the site weakened
};

struct AuditResult {
    ExploreResult baseline;        ///< the unweakened exploration (it found the sites)
    std::vector<SiteAudit> sites;  ///< in OrderingSite order (file, line, thread, ...)
};

struct AuditOptions {
    ExploreOptions explore;            ///< for the baseline and, with the time limit below, each site
    double per_site_time_limit = 0;    ///< seconds; 0: none
    unsigned jobs = 1;                 ///< sites explored in parallel
    /// Called before each site is explored (index, count, site), for progress; with jobs > 1
    /// from several threads at once.
    std::function<void(std::size_t, std::size_t, const OrderingSite&)> on_site;
};

/// Audits `program` (its instrumentation is replaced). When the baseline is not safe the
/// sites are still listed but not explored (their verdicts stay Inconclusive).
AuditResult audit(const Program& program, const AuditOptions& options);

}  // namespace mmcheck
