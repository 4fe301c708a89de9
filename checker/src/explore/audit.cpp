// SPDX-License-Identifier: MIT
#include "explore/audit.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <thread>

namespace mmcheck {

const char* site_verdict_name(SiteVerdict v) {
    switch (v) {
        case SiteVerdict::LoadBearing: return "load-bearing";
        case SiteVerdict::Redundant: return "redundant";
        case SiteVerdict::Inconclusive: return "inconclusive";
        case SiteVerdict::NotWeakenable: return "not weakenable";
    }
    return "?";
}

AuditResult audit(const Program& program, const AuditOptions& options) {
    AuditResult out;
    Program base = program;
    base.instrumentation = std::make_shared<Instrumentation>();
    base.instrumentation->record_sites = true;
    out.baseline = explore(base, options.explore);
    const std::vector<OrderingSite> sites = base.instrumentation->sites();
    const bool safe = out.baseline.verdict == Verdict::Safe;
    ExploreOptions per_site = options.explore;
    per_site.stop_at_first_violation = true;
    if (options.per_site_time_limit > 0) per_site.time_limit_seconds = options.per_site_time_limit;
    out.sites.resize(sites.size());
    for (std::size_t i = 0; i < sites.size(); ++i) out.sites[i].site = sites[i];
    if (!safe) return out;
    // Each site is its own exploration of its own program copy: nothing is shared but the
    // read-only model code, so sites run in parallel and the results do not depend on jobs.
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> errors(sites.size());
    const auto work = [&] {
        for (std::size_t i = next++; i < sites.size(); i = next++) {
            try {
                if (options.on_site) options.on_site(i, sites.size(), sites[i]);
                Program weak = program;
                weak.instrumentation = std::make_shared<Instrumentation>();
                weak.instrumentation->weakened = sites[i];
                SiteAudit& a = out.sites[i];
                a.result = explore(weak, per_site);
                switch (a.result.verdict) {
                    case Verdict::Violation: a.verdict = SiteVerdict::LoadBearing; break;
                    case Verdict::Safe: a.verdict = SiteVerdict::Redundant; break;
                    case Verdict::Bounded: a.verdict = SiteVerdict::Inconclusive; break;
                }
                if (weak.instrumentation->not_weakenable()) a.verdict = SiteVerdict::NotWeakenable;
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const unsigned n = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(sites.size())));
    std::vector<std::thread> workers;
    for (unsigned w = 1; w < n; ++w) workers.emplace_back(work);
    work();
    for (auto& w : workers) w.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    return out;
}

}  // namespace mmcheck
