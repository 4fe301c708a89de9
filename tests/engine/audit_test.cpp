// SPDX-License-Identifier: MIT
/// \file mmcheck audit's engine half: ordering sites are named after the kernel primitive and
/// the model line that called it, each half of a fully ordered RMW is its own site, and
/// weakening a site changes the verdict exactly when the proof needs it. Vacuity counting
/// sees a check that never ran and an implication whose premise never held.
#include "explore/audit.hpp"

#include <mmcheck/kernel.hpp>
#include <mmcheck/registry.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace mmcheck;
using namespace mmcheck::kernel;

namespace {

Program registered(const std::string& model, const std::string& variant) {
    const ModelInfo* info = ModelRegistry::instance().find(model);
    REQUIRE(info != nullptr);
    Program p;
    p.variant = variant;
    for (const auto& prm : info->params) p.params[prm.name] = prm.default_value;
    p.make = info->make;
    return p;
}

template <class M>
Program program_of() {
    Program p;
    p.make = [] { return std::unique_ptr<Model>(new M()); };
    return p;
}

const SiteAudit* find(const AuditResult& a, const std::string& function, const std::string& kind,
                      const std::string& thread = "") {
    for (const auto& s : a.sites)
        if (s.site.function == function && s.site.kind == kind && (thread.empty() || s.site.thread == thread))
            return &s;
    return nullptr;
}

/// SB whose stores are fully ordered RMWs (atomic_inc_return: MB; RMW; MB), and where P1
/// has a redundant extra smp_mb() before its store: the trailing mb of each RMW, between
/// the store and the load, carries the proof; the leading ones and the extra barrier do not.
struct SbThroughRmw : Model {
    atomic<int> x{"x", 0}, y{"y", 0};
    int r0 = 0, r1 = 0;
    void threads() override {
        thread("P0", [this] {
            atomic_inc_return(x);
            r0 = READ_ONCE(y);
        });
        thread("P1", [this] {
            smp_mb();
            atomic_inc_return(y);
            r1 = READ_ONCE(x);
        });
    }
    void final() override { check(!(r0 == 0 && r1 == 0), "sb"); }
};

/// MP in the kernel's vocabulary: WRITE_ONCE x; smp_store_release y || smp_load_acquire y;
/// READ_ONCE x. With the release weakened to WRITE_ONCE it is MP+poonceonces on P0's side,
/// which LKMM allows; an smp_wmb between the two writes (cat:35 wmb) keeps them ordered.
template <bool ExtraWmb>
struct KernelMp : Model {
    atomic<int> x{"x", 0}, y{"y", 0};
    int r0 = 0, r1 = 0;
    void threads() override {
        thread("P0", [this] {
            WRITE_ONCE(x, 1);
            if (ExtraWmb) smp_wmb();
            smp_store_release(y, 1);
        });
        thread("P1", [this] {
            r0 = smp_load_acquire(y);
            r1 = READ_ONCE(x);
        });
    }
    void final() override { check(!(r0 == 1 && r1 == 0), "mp"); }
};

/// SB with smp_mb() on both sides.
struct KernelSbMb : Model {
    atomic<int> x{"x", 0}, y{"y", 0};
    int r0 = 0, r1 = 0;
    void threads() override {
        thread("P0", [this] {
            WRITE_ONCE(x, 1);
            smp_mb();
            r0 = READ_ONCE(y);
        });
        thread("P1", [this] {
            WRITE_ONCE(y, 1);
            smp_mb();
            r1 = READ_ONCE(x);
        });
    }
    void final() override { check(!(r0 == 0 && r1 == 0), "sb"); }
};

/// MP through a spinlock: the lock's order is LKMM's lock.cat, not a C++ order.
struct KernelLockedMp : Model {
    spinlock_t lock{"lock"};
    atomic<int> x{"x", 0}, y{"y", 0};
    int r0 = 0, r1 = 0;
    void threads() override {
        thread("P0", [this] {
            spin_lock(lock);
            WRITE_ONCE(x, 1);
            WRITE_ONCE(y, 1);
            spin_unlock(lock);
        });
        thread("P1", [this] {
            spin_lock(lock);
            r0 = READ_ONCE(y);
            r1 = READ_ONCE(x);
            spin_unlock(lock);
        });
    }
    void final() override { check(!(r0 == 1 && r1 == 0), "mp"); }
};

AuditOptions lkmm_audit() {
    AuditOptions o;
    o.explore.model = MemoryModelKind::LKMM;
    return o;
}

}  // namespace

TEST_CASE("under LKMM a weakened smp_store_release is a WRITE_ONCE, so MP needs it unless an smp_wmb orders the writes",
          "[core][audit][lkmm]") {
    const AuditResult bare = audit(program_of<KernelMp<false>>(), lkmm_audit());
    REQUIRE(bare.baseline.verdict == Verdict::Safe);
    const SiteAudit* rel = find(bare, "smp_store_release", "release store", "P0");
    const SiteAudit* acq = find(bare, "smp_load_acquire", "acquire load", "P1");
    REQUIRE(rel != nullptr);
    REQUIRE(acq != nullptr);
    CHECK(rel->verdict == SiteVerdict::LoadBearing);
    CHECK(acq->verdict == SiteVerdict::LoadBearing);

    const AuditResult fenced = audit(program_of<KernelMp<true>>(), lkmm_audit());
    REQUIRE(fenced.baseline.verdict == Verdict::Safe);
    rel = find(fenced, "smp_store_release", "release store", "P0");
    const SiteAudit* wmb = find(fenced, "smp_wmb", "barrier", "P0");
    REQUIRE(rel != nullptr);
    REQUIRE(wmb != nullptr);
    CHECK(rel->verdict == SiteVerdict::Redundant);
    CHECK(wmb->verdict == SiteVerdict::Redundant);  // the release orders the writes as well
}

TEST_CASE("under LKMM the trailing mb of a fully ordered RMW carries SB and the leading one does not",
          "[core][audit][lkmm]") {
    const AuditResult a = audit(program_of<SbThroughRmw>(), lkmm_audit());
    REQUIRE(a.baseline.verdict == Verdict::Safe);
    REQUIRE(a.sites.size() == 5);
    for (const char* t : {"P0", "P1"}) {
        const SiteAudit* lead = find(a, "atomic_inc_return", "leading mb", t);
        const SiteAudit* trail = find(a, "atomic_inc_return", "trailing mb", t);
        REQUIRE(lead != nullptr);
        REQUIRE(trail != nullptr);
        CHECK(lead->verdict == SiteVerdict::Redundant);
        CHECK(trail->verdict == SiteVerdict::LoadBearing);
    }
    const SiteAudit* extra = find(a, "smp_mb", "barrier", "P1");
    REQUIRE(extra != nullptr);
    CHECK(extra->verdict == SiteVerdict::Redundant);
}

TEST_CASE("under LKMM dropping an smp_mb drops its F[mb], and SB needs both", "[core][audit][lkmm]") {
    const AuditResult a = audit(program_of<KernelSbMb>(), lkmm_audit());
    REQUIRE(a.baseline.verdict == Verdict::Safe);
    REQUIRE(a.sites.size() == 2);
    for (const auto& s : a.sites) {
        CHECK(s.site.function == "smp_mb");
        CHECK(s.verdict == SiteVerdict::LoadBearing);
    }
}

TEST_CASE("under LKMM a lock's order is not weakenable, and the audit says so instead of calling it redundant",
          "[core][audit][lkmm]") {
    const AuditResult a = audit(program_of<KernelLockedMp>(), lkmm_audit());
    REQUIRE(a.baseline.verdict == Verdict::Safe);
    REQUIRE_FALSE(a.sites.empty());
    for (const auto& s : a.sites) CHECK(s.verdict == SiteVerdict::NotWeakenable);
    // Under RC11 the same sites are weakened (the unlock's release carries MP).
    const AuditResult rc11 = audit(program_of<KernelLockedMp>(), AuditOptions{});
    REQUIRE(rc11.sites.size() == a.sites.size());
    CHECK(std::any_of(rc11.sites.begin(), rc11.sites.end(),
                      [](const SiteAudit& s) { return s.verdict == SiteVerdict::LoadBearing; }));
}

TEST_CASE("audit finds both fences of SB+fences load-bearing", "[core][audit]") {
    const AuditResult a = audit(registered("sb", "fenced"), AuditOptions{});
    REQUIRE(a.baseline.verdict == Verdict::Safe);
    REQUIRE(a.sites.size() == 2);
    for (const auto& s : a.sites) {
        CHECK(s.site.kind == "seq_cst fence");
        CHECK(s.verdict == SiteVerdict::LoadBearing);
        REQUIRE_FALSE(s.result.violations.empty());
        CHECK(s.result.violations.front().message == "sb weak outcome");
    }
    CHECK(a.sites[0].site.thread != a.sites[1].site.thread);
}

TEST_CASE("audit finds the release and the acquire of MP load-bearing", "[core][audit]") {
    const AuditResult a = audit(registered("mp", "ra"), AuditOptions{});
    REQUIRE(a.sites.size() == 2);
    REQUIRE(find(a, "store", "release store", "P0") != nullptr);
    REQUIRE(find(a, "load", "acquire load", "P1") != nullptr);
    for (const auto& s : a.sites) CHECK(s.verdict == SiteVerdict::LoadBearing);
}

TEST_CASE("audit names kernel primitives and each half of a fully ordered RMW", "[core][audit]") {
    const AuditResult a = audit(program_of<SbThroughRmw>(), AuditOptions{});
    REQUIRE(a.baseline.verdict == Verdict::Safe);
    REQUIRE(a.sites.size() == 5);
    for (const char* t : {"P0", "P1"}) {
        const SiteAudit* lead = find(a, "atomic_inc_return", "leading mb", t);
        const SiteAudit* trail = find(a, "atomic_inc_return", "trailing mb", t);
        REQUIRE(lead != nullptr);
        REQUIRE(trail != nullptr);
        CHECK(lead->verdict == SiteVerdict::Redundant);
        CHECK(trail->verdict == SiteVerdict::LoadBearing);
        CHECK(trail->site.line == lead->site.line);
    }
    const SiteAudit* extra = find(a, "smp_mb", "barrier", "P1");
    REQUIRE(extra != nullptr);
    CHECK(extra->verdict == SiteVerdict::Redundant);
    CHECK(extra->site.file.find("audit_test.cpp") != std::string::npos);
}

TEST_CASE("audit gives the same answers with several jobs", "[core][audit]") {
    AuditOptions o;
    o.jobs = 2;
    const AuditResult a = audit(program_of<SbThroughRmw>(), o);
    const AuditResult b = audit(program_of<SbThroughRmw>(), AuditOptions{});
    REQUIRE(a.sites.size() == b.sites.size());
    for (std::size_t i = 0; i < a.sites.size(); ++i) {
        CHECK(a.sites[i].site == b.sites[i].site);
        CHECK(a.sites[i].verdict == b.sites[i].verdict);
    }
}

TEST_CASE("vacuity counting sees unreachable checks and premises that never hold", "[core][audit]") {
    for (const char* v : {"unreachable", "premise-never", "exercised"}) {
        Program p = registered("selftest-vacuity", v);
        p.instrumentation = std::make_shared<Instrumentation>();
        p.instrumentation->count_checks = true;
        const ExploreResult r = explore(p, ExploreOptions{});
        REQUIRE(r.verdict == Verdict::Safe);
        const std::string why = vacuity_finding(*p.instrumentation);
        INFO(v << ": " << why);
        CHECK(why.empty() == (std::string(v) == "exercised"));
    }
}
