// SPDX-License-Identifier: MIT
/// \file mmcheck audit: for each safe scenario, every ordering site its model executes and
/// whether the proof needs it (explore/audit.hpp). Counterexamples of load-bearing sites are
/// written like any other, under <out>/audit/<scenario>/site-<N>.{json,txt} (output_dir.hpp).
#include "audit_command.hpp"

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output_dir.hpp"
#include "signals.hpp"

#include "explore/audit.hpp"
#include "report/file_io.hpp"
#include "report/judgement.hpp"
#include "report/scenario.hpp"
#include "report/timeline.hpp"
#include "report/trace.hpp"

#include <mmcheck/registry.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

namespace mmcheck::cli {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

std::string normalise(std::string n) {
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0) n.resize(n.size() - 5);
    if (n.rfind("scenarios/", 0) == 0) n.erase(0, 10);
    if (n.rfind("./", 0) == 0) n.erase(0, 2);
    return n;
}

/// A source file relative to the source root, as traces name it.
std::string relative_file(const std::string& file, const std::string& root) {
    std::string f = file;
    if (!root.empty()) {
        std::string r = root;
        if (r.back() != '/') r += '/';
        if (f.rfind(r, 0) == 0) f.erase(0, r.size());
    }
    // A build whose compiler saw relative paths (ccache's base_dir) spells them from the
    // build directory: the part after the last "../" is relative to the source root.
    while (f.rfind("../", 0) == 0) f.erase(0, 3);
    return f;
}

std::string display(const fs::path& p) {
    std::error_code ec;
    const fs::path rel = fs::relative(p, fs::current_path(ec), ec);
    if (!ec && !rel.empty() && rel.native().rfind("..", 0) != 0) return rel.string();
    return p.string();
}

struct SiteRow {
    const SiteAudit* audit;
    std::string file;            ///< relative
    std::string result;          ///< "load-bearing", "redundant", "inconclusive (time-limit)"
    std::string violation;       ///< the violation without the site
    std::string counterexample;  ///< file written, or empty
};

}  // namespace

int cmd_audit(const Settings& s, const std::vector<std::string>& names, const std::string& tag,
              double per_site_time_limit, unsigned jobs) {
    const ModelRegistry& reg = ModelRegistry::instance();
    std::vector<Scenario> scenarios;
    if (!names.empty()) {
        for (const auto& n : names) scenarios.push_back(load_scenario(s.scenarios_dir, normalise(n), reg));
    } else {
        for (const auto& n : list_scenario_names(s.scenarios_dir)) {
            Scenario sc = load_scenario(s.scenarios_dir, n, reg);
            if ((tag.empty() || sc.has_tag(tag)) && sc.expect.safe) scenarios.push_back(std::move(sc));
        }
        if (scenarios.empty())
            throw InputError("no safe scenario" + (tag.empty() ? std::string() : " has tag \"" + tag + "\"") +
                             " (audit explains safe verdicts; see mmcheck list)");
    }
    ensure_output_dir(s.out_dir);
    const fs::path out_root = s.out_dir / "audit";  // never results/: only check --bless writes there
    const auto start = std::chrono::steady_clock::now();
    int code = exit_code::kOk;
    ordered_json audits = ordered_json::array();
    std::mutex progress_mu;

    for (const Scenario& sc : scenarios) {
        const ModelInfo* info = reg.find(sc.model);
        Program p;
        p.variant = sc.variant;
        p.params = sc.params;
        p.make = info->make;
        AuditOptions o;
        o.explore.stop_at_first_violation = true;
        o.explore.model = s.model.value_or(MemoryModelKind::RC11);
        o.explore.max_executions = s.max_executions.value_or(sc.limits.max_executions);
        o.explore.time_limit_seconds = s.time_limit.value_or(sc.limits.time_limit);
        o.explore.max_events_per_thread = sc.limits.max_events_per_thread;
        o.explore.stack_size = s.stack_size.value_or(0);
        o.explore.interrupted = &interrupt_flag();
        o.per_site_time_limit = per_site_time_limit;
        o.jobs = jobs;
        if (!s.quiet && s.format == Format::Text)
            o.on_site = [&](std::size_t i, std::size_t n, const OrderingSite&) {
                const std::lock_guard<std::mutex> lock(progress_mu);
                std::cerr << "\r" << sc.name << ": site " << (i + 1) << "/" << n << "   " << std::flush;
            };
        const AuditResult a = audit(p, o);
        if (o.on_site) std::cerr << "\r\033[K" << std::flush;

        // "model" is the memory model the sites were weakened under (issue 11's schema);
        // the protocol model is "protocol".
        ordered_json entry{{"scenario", sc.name},
                           {"model", memory_model_name(o.explore.model)},
                           {"protocol", sc.model},
                           {"variant", sc.variant}};
        if (!sc.expect.safe || a.baseline.verdict != Verdict::Safe) {
            const std::string actual = actual_text(a.baseline);
            const std::string why = !sc.expect.safe ? "the scenario expects " + expectation_text(sc.expect)
                                                    : "the scenario is not safe: " + actual;
            if (a.baseline.verdict != Verdict::Safe)
                code = a.baseline.verdict == Verdict::Bounded ? std::max(code, exit_code::kInconclusive)
                                                              : exit_code::kViolation;
            entry["skipped"] = why + " (audit explains safe verdicts)";
            entry["sites"] = ordered_json::array();
            audits.push_back(entry);
            if (s.format == Format::Text) std::cout << "== " << sc.name << ": skipped: " << why << "\n\n";
            continue;
        }

        TraceContext ctx;
        ctx.tool_version = tool_version();
        ctx.scenario = sc.name;
        ctx.scenario_hash = sc.hash;
        ctx.model = sc.model;
        ctx.variant = sc.variant;
        ctx.params = sc.params;
        ctx.replay_options.stop_at_first_violation = true;
        ctx.replay_options.max_events_per_thread = o.explore.max_events_per_thread;
        ctx.replay_options.memory_model = memory_model_name(o.explore.model);
        ctx.source_root = s.source_root;
        ctx.fallback_source_root = s.build_source_root;
        ctx.outcomes = &sc.outcomes;

        std::vector<SiteRow> rows;
        std::size_t bearing = 0, redundant = 0, cut = 0, fixed = 0;
        for (std::size_t i = 0; i < a.sites.size(); ++i) {
            const SiteAudit& sa = a.sites[i];
            SiteRow r{&sa, relative_file(sa.site.file, s.source_root), site_verdict_name(sa.verdict), "", ""};
            if (sa.verdict == SiteVerdict::LoadBearing) {
                ++bearing;
                r.violation = actual_text(sa.result);
                if (!sa.result.violations.empty()) {
                    // Written like any counterexample; its header names the weakened site,
                    // since a replay of the unweakened model would not show it.
                    Trace t = make_trace(sa.result.violations.front(), sa.result, ctx);
                    const std::string stem = "site-" + std::to_string(i + 1);
                    const fs::path dir = out_root / sc.name;
                    std::error_code ec;
                    fs::create_directories(dir, ec);
                    if (ec) throw InputError("cannot write results to " + dir.string() + ": " + ec.message());
                    const std::string header = "audit: " + sc.name + " with " + sa.site.weakening + " of " +
                                               sa.site.function + " (" + sa.site.kind + ") at " + r.file + ":" +
                                               std::to_string(sa.site.line) + " in " + sa.site.thread + "\n";
                    write_file_atomically(dir / (stem + ".json"), trace_to_text(t));
                    write_file_atomically(dir / (stem + ".txt"), header + render_timeline(t));
                    r.counterexample = display(dir / (stem + ".txt"));
                }
            } else if (sa.verdict == SiteVerdict::Redundant) {
                ++redundant;
            } else if (sa.verdict == SiteVerdict::NotWeakenable) {
                ++fixed;
            } else {
                ++cut;
                r.result += " (" + (sa.result.limit_hit.empty() ? std::string("limit") : sa.result.limit_hit) + ")";
                code = std::max(code, exit_code::kInconclusive);
            }
            rows.push_back(std::move(r));
        }

        ordered_json sites = ordered_json::array();
        for (const auto& r : rows) {
            const SiteAudit& sa = *r.audit;
            ordered_json j{{"file", r.file},
                           {"line", sa.site.line},
                           {"thread", sa.site.thread},
                           {"function", sa.site.function},
                           {"kind", sa.site.kind},
                           {"weakening", sa.site.weakening},
                           {"load_bearing", sa.verdict == SiteVerdict::LoadBearing},
                           {"result", r.result},
                           {"counterexample", nullptr}};
            if (sa.verdict == SiteVerdict::LoadBearing) {
                j["violation"] = r.violation;
                if (!r.counterexample.empty()) j["counterexample"] = r.counterexample;
            }
            if (sa.verdict == SiteVerdict::Inconclusive) j["limit_hit"] = sa.result.limit_hit;
            j["executions"] = sa.result.stats.complete + sa.result.stats.blocked;
            sites.push_back(std::move(j));
        }
        entry["baseline_executions"] = a.baseline.stats.complete + a.baseline.stats.blocked;
        entry["sites"] = sites;
        audits.push_back(std::move(entry));

        if (s.format == Format::Json) continue;
        std::cout << "== " << sc.name << " (" << memory_model_name(o.explore.model) << "): " << rows.size() << " ordering sites: " << bearing << " load-bearing, "
                  << redundant << " redundant"
                  << (fixed > 0 ? ", " + std::to_string(fixed) + " not weakenable under " + memory_model_name(o.explore.model) : "")
                  << (cut > 0 ? ", " + std::to_string(cut) + " cut by a limit" : "")
                  << '\n';
        std::size_t wl = 4, wt = 6, wf = 8, wk = 4;
        for (const auto& r : rows) {
            wl = std::max(wl, r.file.size() + 1 + std::to_string(r.audit->site.line).size());
            wt = std::max(wt, r.audit->site.thread.size());
            wf = std::max(wf, r.audit->site.function.size());
            wk = std::max(wk, r.audit->site.kind.size());
        }
        const auto pad = [](const std::string& x, std::size_t w) { return x.size() < w ? x + std::string(w - x.size(), ' ') : x; };
        if (!s.quiet)
            std::cout << "  " << pad("SITE", wl) << "  " << pad("THREAD", wt) << "  " << pad("FUNCTION", wf) << "  "
                      << pad("KIND", wk) << "  VERDICT\n";
        for (const auto& r : rows) {
            std::cout << "  " << pad(r.file + ":" + std::to_string(r.audit->site.line), wl) << "  "
                      << pad(r.audit->site.thread, wt) << "  " << pad(r.audit->site.function, wf) << "  "
                      << pad(r.audit->site.kind, wk) << "  " << r.result;
            if (!r.violation.empty()) std::cout << ": without it " << r.violation;
            if (!r.counterexample.empty()) std::cout << " (" << r.counterexample << ")";
            std::cout << '\n';
        }
        std::cout << '\n' << std::flush;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s.format == Format::Json) {
        ordered_json doc{{"schema", "mmcheck.audit/1"}, {"audits", audits}, {"exit_code", code}};
        std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    if (!s.quiet)
        std::cerr << "mmcheck: audit: " << scenarios.size() << " scenarios in " << static_cast<long>(seconds * 1000)
                  << " ms\n";
    return code;
}

}  // namespace mmcheck::cli
