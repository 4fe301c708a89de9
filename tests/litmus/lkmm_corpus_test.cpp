// SPDX-License-Identifier: MIT
// The kernel community's LKMM litmus corpus (../shared/litmus/lkmm-corpus, read in place: GPL
// test data) under LKMM, compared with herd7's current verdict for every file herd7 decides
// (herd7-verdicts.tsv). The agreement count is pinned and every file that is not run or
// disagrees is listed with its reason, so a change in either direction is noticed.
// Reproduce by hand: mmcheck litmus --model lkmm --format json --time-limit 20 DIR
#include "litmus_test_util.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

using namespace mmcheck::litmus;
using namespace mmcheck::litmus::testing;
using mmcheck::MemoryModelKind;

namespace {

const std::filesystem::path kCorpus = MMCHECK_SHARED_DIR "/litmus/lkmm-corpus";

std::map<std::string, std::string> herd7_verdicts() {
    std::map<std::string, std::string> out;
    std::ifstream in(kCorpus / "herd7-verdicts.tsv");
    std::string line;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        out.emplace(line.substr(0, tab), line.substr(tab + 1));
    }
    return out;
}

/// Files herd7 decides that mmcheck does not run or judges differently, each with the reason
/// (found by reading the file and linux-kernel.cat). Keep in step with docs/litmus-kernel.md.
const std::map<std::string, std::string>& known_exceptions() {
    static const std::map<std::string, std::string> m = {
    };
    return m;
}

}  // namespace

TEST_CASE("litmus LKMM corpus: verdicts agree with herd7 on the files it decides", "[long][litmus][lkmm]") {
    if (!std::filesystem::exists(kCorpus / "herd7-verdicts.tsv")) {
        WARN("skipped: " << kCorpus.string() << " is absent (the shared litmus corpus is not checked out)");
        return;
    }
    const auto verdicts = herd7_verdicts();
    REQUIRE(verdicts.size() > 1000);
    int run = 0, agree = 0;
    std::vector<std::string> unexpected;
    for (const auto& [rel, herd] : verdicts) {
        std::string outcome;
        try {
            LitmusRunOptions o;
            o.model = MemoryModelKind::LKMM;
            o.time_limit_seconds = 20;
            const LitmusResult r =
                run_litmus(std::make_shared<const LitmusTest>(load_litmus_file(kCorpus / rel, MemoryModelKind::LKMM)), o);
            ++run;
            if (!r.exhaustive) outcome = std::string("bounded: ") + r.limit_hit;
            else if (observation_name(r.observation) != herd) outcome = std::string("mmcheck says ") + observation_name(r.observation);
            else ++agree;
        } catch (const LitmusError& e) {
            outcome = std::string("rejected: ") + e.what();
        }
        const bool excepted = known_exceptions().contains(rel);
        if (!outcome.empty() && !excepted) unexpected.push_back(rel + " (herd7: " + herd + "): " + outcome);
        if (outcome.empty() && excepted) unexpected.push_back(rel + ": listed as an exception but now agrees");
    }
    INFO("run " << run << " of " << verdicts.size() << ", agree " << agree);
    for (const std::string& u : unexpected) UNSCOPED_INFO(u);
    CHECK(unexpected.empty());
    CHECK(agree == static_cast<int>(verdicts.size() - known_exceptions().size()));
}
