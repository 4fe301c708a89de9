// SPDX-License-Identifier: MIT
// The kernel's own litmus tests (../shared/litmus/kernel, read in place: they are GPL test
// data) run under the kernel-to-C++11 mapping. Each verdict is pinned, so a change in the
// mapping or the engine is noticed; the differences from the files' Result: lines are the
// ones explained in docs/litmus-kernel.md, and no others.
#include "litmus_test_util.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <map>

using namespace mmcheck::litmus;
using namespace mmcheck::litmus::testing;

namespace {
struct Pinned {
    Observation cxx;     ///< the verdict under the C++11 mapping
    bool differs;        ///< it differs from the file's Result: line (see docs/litmus-kernel.md)
};

const std::map<std::string, Pinned>& pinned() {
    using O = Observation;
    static const std::map<std::string, Pinned> m = {
        {"CoRR+poonceonce+Once", {O::Never, false}},
        {"CoRW+poonceonce+Once", {O::Never, false}},
        {"CoWR+poonceonce+Once", {O::Never, false}},
        {"CoWW+poonceonce", {O::Never, false}},
        {"IRIW+fencembonceonces+OnceOnce", {O::Never, false}},
        {"IRIW+poonceonces+OnceOnce", {O::Sometimes, false}},
        {"ISA2+pooncelock+pooncelock+pombonce", {O::Sometimes, true}},
        {"ISA2+poonceonces", {O::Sometimes, false}},
        {"ISA2+pooncerelease+poacquirerelease+poacquireonce", {O::Never, false}},
        {"LB+fencembonceonce+ctrlonceonce", {O::Never, false}},
        {"LB+poacquireonce+pooncerelease", {O::Never, false}},
        {"LB+poonceonces", {O::Never, true}},
        {"LB+unlocklockonceonce+poacquireonce", {O::Never, false}},
        {"MP+fencewmbonceonce+fencermbonceonce", {O::Never, false}},
        {"MP+onceassign+derefonce", {O::Never, false}},
        {"MP+polockmbonce+poacquiresilsil", {O::Never, false}},
        {"MP+polockonce+poacquiresilsil", {O::Sometimes, false}},
        {"MP+polocks", {O::Never, false}},
        {"MP+poonceonces", {O::Sometimes, false}},
        {"MP+pooncerelease+poacquireonce", {O::Never, false}},
        {"MP+porevlocks", {O::Never, false}},
        {"MP+unlocklockonceonce+fencermbonceonce", {O::Sometimes, true}},
        {"R+fencembonceonces", {O::Never, false}},
        {"R+poonceonces", {O::Sometimes, false}},
        {"S+fencewmbonceonce+poacquireonce", {O::Never, false}},
        {"S+poonceonces", {O::Sometimes, false}},
        {"SB+fencembonceonces", {O::Never, false}},
        {"SB+poonceonces", {O::Sometimes, false}},
        {"SB+rfionceonce-poonceonces", {O::Sometimes, false}},
        {"WRC+poonceonces+Once", {O::Sometimes, false}},
        {"WRC+pooncerelease+fencermbonceonce+Once", {O::Never, false}},
        {"Z6.0+pooncelock+poonceLock+pombonce", {O::Never, false}},
        {"Z6.0+pooncelock+pooncelock+pombonce", {O::Sometimes, false}},
        {"Z6.0+pooncerelease+poacquirerelease+fencembonceonce", {O::Sometimes, false}},
        {"dep+plain", {O::Never, false}},
    };
    return m;
}
/// The suite is read in place from the project's shared folder; a clone without it beside
/// skips these tests with one line (ctest reports them as skipped: SKIP_REGULAR_EXPRESSION).
bool shared_kernel_suite_absent() {
    if (std::filesystem::is_directory(MMCHECK_SHARED_DIR "/litmus/kernel")) return false;
    WARN("SKIPPED: " MMCHECK_SHARED_DIR "/litmus/kernel is absent (the project's shared folder is not beside this clone)");
    return true;
}
}  // namespace

TEST_CASE("litmus kernel suite: all 35 files parse, run under --model rc11, and keep their pinned C++11 verdicts", "[core][litmus]") {
    if (shared_kernel_suite_absent()) return;
    const auto files = litmus_files(MMCHECK_SHARED_DIR "/litmus/kernel");
    REQUIRE(files.size() == 35);
    REQUIRE(pinned().size() == 35);
    double seconds = 0;
    for (const auto& f : files) {
        const std::string name = f.stem().string();
        INFO("file: " << f.filename().string());
        auto it = pinned().find(name);
        REQUIRE(it != pinned().end());
        const auto start = std::chrono::steady_clock::now();
        const LitmusResult r = run_file(f, mmcheck::MemoryModelKind::RC11);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(r.test->result_line.has_value());
        CHECK(r.exhaustive);
        CHECK(r.violations.empty());
        INFO("mmcheck: " << observation_name(r.observation) << ", Result: line: " << *r.test->result_line);
        CHECK(r.observation == it->second.cxx);
        CHECK(r.differs_from_result_line() == it->second.differs);
    }
    // Acceptance: the whole kernel suite in under 10 seconds.
    INFO("kernel suite took " << seconds << " s");
    CHECK(seconds < 10.0);
}

TEST_CASE("litmus kernel suite: rcu markers and rcu_dereference are called out", "[core][litmus]") {
    if (shared_kernel_suite_absent()) return;
    const LitmusResult r =
        run_file(MMCHECK_SHARED_DIR "/litmus/kernel/MP+onceassign+derefonce.litmus", mmcheck::MemoryModelKind::RC11);
    REQUIRE(r.notes.size() == 2);
    CHECK(r.notes[0].find("rcu_read_lock") != std::string::npos);
    CHECK(r.notes[1].find("acquire") != std::string::npos);
    // The pointer value is printed by name, as herd does.
    CHECK(format_text(r).find("1:r0=x;") != std::string::npos);
}

TEST_CASE("litmus kernel suite: under LKMM all 35 files give their Result: line", "[core][litmus]") {
    if (!std::filesystem::exists(MMCHECK_SHARED_DIR "/litmus/kernel")) {
        WARN("skipped: " MMCHECK_SHARED_DIR "/litmus/kernel is absent");
        return;
    }
    const auto files = litmus_files(MMCHECK_SHARED_DIR "/litmus/kernel");
    REQUIRE(files.size() == 35);
    int agree = 0;
    for (const auto& f : files) {
        INFO("file: " << f.filename().string());
        // The test's own choice: every kernel file uses kernel primitives, so LKMM.
        const LitmusResult r = run_file(f);
        CHECK(r.model == mmcheck::MemoryModelKind::LKMM);
        REQUIRE(r.test->result_line.has_value());
        CHECK(r.exhaustive);
        INFO("mmcheck (LKMM): " << observation_name(r.observation) << ", Result: line: " << *r.test->result_line);
        CHECK_FALSE(r.differs_from_result_line());
        if (!r.differs_from_result_line()) ++agree;
    }
    CHECK(agree == 35);
}

TEST_CASE("litmus kernel suite: under LKMM the output names the model and no C++11 mapping note", "[core][litmus]") {
    if (!std::filesystem::exists(MMCHECK_SHARED_DIR "/litmus/kernel")) {
        WARN("skipped: " MMCHECK_SHARED_DIR "/litmus/kernel is absent");
        return;
    }
    const LitmusResult r = run_file(MMCHECK_SHARED_DIR "/litmus/kernel/MP+onceassign+derefonce.litmus");
    CHECK(r.model == mmcheck::MemoryModelKind::LKMM);
    CHECK(r.notes.empty());
    CHECK(format_text(r).find("Model MP+onceassign+derefonce lkmm") != std::string::npos);
    CHECK(format_json(r)["model"] == "lkmm");
}
