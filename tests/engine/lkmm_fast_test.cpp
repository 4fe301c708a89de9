// SPDX-License-Identifier: MIT
/// \file The fast LKMM checker (model/lkmm.cpp: one word per relation row, stages built on
/// demand, rcu-order iterated semi-naively) against the reference (model/lkmm_reference.cpp:
/// every relation of the .cat as written, on dense matrices). Both must give the same axiom,
/// the same flags and the same race witness on every graph. The graphs: every execution of
/// our LKMM conformance files, of random LKMM programs and of a sample of the kernel's corpus
/// (RCU, SRCU, locks, plain accesses), and around each of them the graphs an explorer checks
/// on its way and rejects: every per-thread prefix, every other rf of each read and every other
/// co position of each write (most of them inconsistent, each failing some axiom).
#include "explore/explorer.hpp"
#include "litmus/litmus_model.hpp"
#include "litmus/parser.hpp"
#include "model/lkmm.hpp"
#include "model/lkmm_reference.hpp"
#include "random_program.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>

using namespace mmcheck;

namespace {

struct Tally {
    std::uint64_t graphs = 0;        // graphs compared
    std::map<std::string, std::uint64_t> verdicts;  // by axiom ("" for consistent)
    std::uint64_t disagreements = 0;
    std::string first;  // the first disagreement, with its graph
};

/// "axiom: count, ..." for the messages.
std::string describe(const Tally& t) {
    std::string out = std::to_string(t.graphs) + " graphs:";
    for (const auto& [axiom, count] : t.verdicts) out += " " + (axiom.empty() ? std::string("consistent") : axiom) + " " + std::to_string(count);
    return out;
}

std::string show(const std::optional<std::string>& v) { return v ? *v : std::string("consistent"); }

/// Compares the two checkers on `g`; on a consistent graph also flags and race witness.
void compare(const ExecutionGraph& g, Tally& t, const char* what) {
    ++t.graphs;
    const auto fast = lkmm::check(g);
    const auto ref = lkmm::reference_check(g);
    ++t.verdicts[fast.value_or("")];
    std::string why;
    if (fast != ref) why = "check: fast says " + show(fast) + ", reference " + show(ref);
    if (why.empty() && !fast) {
        if (lkmm::flags(g) != lkmm::reference_flags(g)) why = "flags differ";
        else if (lkmm::race_witness(g) != lkmm::reference_race_witness(g)) why = "race witness differs";
    }
    if (why.empty()) return;
    if (t.disagreements++ == 0) t.first = std::string(what) + ": " + why + "\n" + canonical_text(g);
}

/// Whether every read of `g` reads from an event still in `g` (a per-thread truncation can
/// cut a write that a kept read reads from; such a graph is not one an explorer builds).
bool rf_closed(const ExecutionGraph& g) {
    for (std::size_t t = 0; t < g.num_threads(); ++t)
        for (const Event& e : g.thread_events(static_cast<ThreadId>(t)))
            if (e.is_read() && !e.rf.is_unresolved() && !g.contains(e.rf)) return false;
    return true;
}

/// `g` and the graphs around it (file comment).
void compare_around(const ExecutionGraph& g, Tally& t) {
    compare(g, t, "execution");
    // Per-thread prefixes.
    for (std::size_t th = 0; th < g.num_threads(); ++th)
        for (std::size_t k = 0; k < g.thread_size(static_cast<ThreadId>(th)); ++k) {
            View keep;
            for (std::size_t u = 0; u < g.num_threads(); ++u)
                keep[u] = static_cast<std::uint16_t>(g.thread_size(static_cast<ThreadId>(u)));
            keep[th] = static_cast<std::uint16_t>(k);
            ExecutionGraph p = g;
            p.restrict_to(keep);
            if (rf_closed(p)) compare(p, t, "prefix");
        }
    // Every other rf of each read.
    for (std::size_t th = 0; th < g.num_threads(); ++th) {
        const auto& evs = g.thread_events(static_cast<ThreadId>(th));
        for (std::size_t i = 0; i < evs.size(); ++i) {
            const Event& r = evs[i];
            if (!r.is_read() || r.rf.is_unresolved()) continue;
            std::vector<EventId> writes{EventId::init(r.loc)};
            for (EventId w : g.co(r.loc)) writes.push_back(w);
            for (EventId w : writes) {
                if (w == r.rf) continue;
                ExecutionGraph m = g;
                m.event(EventId{static_cast<std::uint16_t>(th), static_cast<std::uint16_t>(i)}).rf = w;
                compare(m, t, "rf changed");
            }
        }
    }
    // Every other co position of each write.
    for (std::size_t l = 0; l < g.num_locations(); ++l) {
        const auto& co = g.co(static_cast<LocId>(l));
        for (std::size_t i = 0; i < co.size(); ++i)
            for (int after = -1; after < static_cast<int>(co.size()) - 1; ++after) {
                if (after == static_cast<int>(i) - 1) continue;  // its own position
                ExecutionGraph m = g;
                const EventId w = co[i];
                m.co_remove(w);
                m.co_insert_after(w, after);
                compare(m, t, "co changed");
            }
    }
}

/// Explores `prog` under LKMM and compares around the first `max_around` executions, and on
/// every execution.
void compare_program(const Program& prog, Tally& t, std::uint64_t max_around, std::size_t stack = 0) {
    ExploreOptions o;
    o.model = MemoryModelKind::LKMM;
    o.stop_at_first_violation = false;
    if (stack != 0) o.stack_size = stack;
    std::uint64_t seen = 0;
    o.on_execution = [&](const ExecutionGraph& g, bool) {
        if (seen++ < max_around) compare_around(g, t);
        else compare(g, t, "execution");
    };
    (void)explore(prog, o);
}

void compare_litmus(const std::filesystem::path& file, Tally& t, std::uint64_t max_around) {
    auto test = std::make_shared<const litmus::LitmusTest>(litmus::load_litmus_file(file, MemoryModelKind::LKMM));
    Program prog;
    prog.make = [test]() -> std::unique_ptr<Model> { return std::make_unique<litmus::LitmusModel>(test); };
    compare_program(prog, t, max_around, litmus::kLitmusStackSize);
}

/// A random LKMM graph of 2 to 4 threads: reads, writes, RMWs (successful and failed), every
/// fence tag, RCU and SRCU read-side sections and grace periods, spinlock events, plain
/// accesses and addr/data/ctrl dependencies. Events are generated in one global order; a read
/// mostly reads a write generated before it and co mostly follows that order (graphs that get
/// far into the axioms), sometimes anything of its location (every axiom's violations).
/// `large`: 40 to 58 events, so that with the 6 locations' initial writes the graph has up to
/// the fast checker's 64 nodes (its last word bits).
ExecutionGraph random_graph(std::mt19937& rng, bool large = false) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    ExecutionGraph g;
    // x, y, z: atomic; p: plain; l: a spinlock; s: an srcu_struct.
    const LocId x = g.add_location({"x", LocKind::Atomic, {}, 0});
    const LocId y = g.add_location({"y", LocKind::Atomic, {}, 0});
    const LocId z = g.add_location({"z", LocKind::Atomic, {}, 0});
    const LocId pl = g.add_location({"p", LocKind::Plain, {}, 0});
    const LocId l = g.add_location({"l", LocKind::Mutex, {}, 0});
    const LocId srcu = g.add_location({"s", LocKind::Atomic, {}, 0});
    const LocId data_locs[] = {x, y, z, pl};
    const int threads = 2 + pick(3);
    for (int t = 0; t < threads; ++t) g.add_thread("P" + std::to_string(t), false, EventId{});
    std::vector<std::vector<std::uint32_t>> reads(static_cast<std::size_t>(threads));  // po indices of reads
    std::vector<std::vector<EventId>> writes(g.num_locations());                       // in generation order
    std::vector<EventId> all_reads;
    const bool sc_ish = pick(4) != 0;
    const bool locks = pick(4) == 0;
    std::int64_t next_value = 1;
    const int total = large ? 40 + pick(19) : 4 + pick(14);
    for (int k = 0; k < total; ++k) {
        const auto t = static_cast<ThreadId>(pick(threads));
        auto deps = [&]() -> std::shared_ptr<const Dependencies> {
            const auto& rs = reads[t];
            if (rs.empty() || pick(2) == 0) return nullptr;
            auto d = std::make_shared<Dependencies>();
            for (int i = 0; i < 1 + pick(2); ++i) {
                const std::uint32_t r = rs[static_cast<std::size_t>(pick(static_cast<int>(rs.size())))];
                (pick(3) == 0 ? d->addr : pick(2) == 0 ? d->data : d->ctrl).push_back(r);
            }
            return d;
        };
        // The fields a read and a write share (each then draws its dependencies).
        auto access = [&](EventKind kind, LocId loc, LkmmTag tag, std::uint16_t flags, Mode mode) {
            Event e;
            e.kind = kind;
            e.loc = loc;
            e.lk = tag;
            e.mode = e.succ_mode = mode;
            e.flags = flags;
            return e;
        };
        auto read = [&](LocId loc, LkmmTag tag, std::uint16_t flags, Mode mode = Mode::Rlx) {
            Event e = access(EventKind::Read, loc, tag, flags, mode);
            e.deps = deps();
            const auto at = static_cast<std::uint32_t>(g.thread_size(t));
            const EventId id = g.append(t, e);
            reads[t].push_back(at);
            all_reads.push_back(id);
            return id;
        };
        auto write = [&](LocId loc, LkmmTag tag, std::uint16_t flags, Mode mode = Mode::Rlx) {
            Event e = access(EventKind::Write, loc, tag, flags, mode);
            e.value = next_value++;
            e.deps = deps();
            const EventId id = g.append(t, e);
            writes[loc].push_back(id);
            return id;
        };
        auto fence = [&](LkmmTag tag, LocId loc = 0) {
            Event e;
            e.kind = EventKind::Fence;
            e.lk = tag;
            e.loc = loc;
            g.append(t, e);
        };
        const LocId loc = data_locs[pick(4)];
        switch (pick(locks ? 12 : 10)) {
            case 0:
            case 1: {
                static const LkmmTag tags[] = {LkmmTag::Once, LkmmTag::Once, LkmmTag::Acquire, LkmmTag::Derived};
                read(loc, tags[pick(4)], 0, pick(3) == 0 ? Mode::NA : Mode::Rlx);
                break;
            }
            case 2:
            case 3: {
                static const LkmmTag tags[] = {LkmmTag::Once, LkmmTag::Once, LkmmTag::Release, LkmmTag::Derived};
                write(loc, tags[pick(4)], 0, pick(3) == 0 ? Mode::NA : Mode::Rlx);
                break;
            }
            case 4: {  // an RMW that writes
                static const LkmmTag tags[] = {LkmmTag::Mb, LkmmTag::Once, LkmmTag::Acquire, LkmmTag::Release,
                                               LkmmTag::Noreturn};
                const LkmmTag tag = tags[pick(5)];
                read(loc, tag, kRmwRead | kUpdate);
                write(loc, tag, kRmwWrite);
                break;
            }
            case 5:  // a failed kernel RMW
                read(loc, pick(2) == 0 ? LkmmTag::Mb : LkmmTag::Acquire, kUpdate);
                break;
            case 6:
            case 7: {
                static const LkmmTag tags[] = {LkmmTag::FenceMb,        LkmmTag::Wmb,          LkmmTag::Rmb,
                                               LkmmTag::Barrier,        LkmmTag::RcuLock,      LkmmTag::RcuUnlock,
                                               LkmmTag::SyncRcu,        LkmmTag::BeforeAtomic, LkmmTag::AfterAtomic,
                                               LkmmTag::AfterSpinlock,  LkmmTag::AfterUnlockLock,
                                               LkmmTag::AfterSrcuReadUnlock, LkmmTag::RcuLock, LkmmTag::RcuUnlock};
                fence(tags[pick(14)]);
                break;
            }
            case 8:
                fence(LkmmTag::SyncSrcu, srcu);
                break;
            case 9: {  // srcu_read_lock, or srcu_read_unlock with a data dependency on it
                if (pick(2) == 0) read(srcu, LkmmTag::SrcuLock, 0);
                else write(srcu, LkmmTag::SrcuUnlock, 0);
                break;
            }
            case 10:  // spin_lock (with `locks` only: a lock rarely pairs up at random)
                read(l, LkmmTag::Derived, kLock | kRmwRead | kUpdate, Mode::Acq);
                write(l, LkmmTag::Derived, kLock | kRmwWrite, Mode::Acq);
                break;
            default:  // spin_unlock, or spin_is_locked
                if (pick(3) == 0) read(l, LkmmTag::Derived, 0, Mode::Acq);
                else write(l, LkmmTag::Derived, kUnlock, Mode::Rel);
                break;
        }
    }
    // rf: a write generated before the read (sc_ish), else any write of the location.
    for (const EventId r : all_reads) {
        Event& e = g.event(r);
        std::vector<EventId> cands{EventId::init(e.loc)};
        for (EventId w : writes[e.loc])
            if (!sc_ish || pick(5) == 0 || g.event(w).stamp < e.stamp) cands.push_back(w);
        EventId w = cands[static_cast<std::size_t>(pick(static_cast<int>(cands.size())))];
        if (w == r) w = EventId::init(e.loc);
        e.rf = w;
        e.value = g.write_value(w);
    }
    // co: generation order, or shuffled.
    for (std::size_t loc = 0; loc < writes.size(); ++loc) {
        auto ws = writes[loc];
        if (!sc_ish || pick(4) == 0) std::shuffle(ws.begin(), ws.end(), rng);
        for (std::size_t i = 0; i < ws.size(); ++i) g.co_insert_after(ws[i], static_cast<int>(i) - 1);
    }
    return g;
}

/// The .litmus files of `dir`, sorted (directory order varies).
std::vector<std::filesystem::path> sorted_litmus_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& f : std::filesystem::directory_iterator(dir))
        if (f.path().extension() == ".litmus") out.push_back(f.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("LKMM fast checker: gives the reference's verdict, flags and race witness on our LKMM litmus files",
          "[core][lkmm]") {
    Tally t;
    for (const auto& f : sorted_litmus_files(MMCHECK_SOURCE_DIR "/tests/litmus/lkmm")) compare_litmus(f, t, 1000);
    INFO(describe(t));
    INFO(t.first);
    CHECK(t.disagreements == 0);
    // The comparison covers consistent graphs and graphs failing each kind of axiom.
    CHECK(t.verdicts[""] > 100);
    for (const char* axiom : {"coherence", "atomic", "happens-before", "propagation", "rcu"}) {
        INFO(axiom);
        CHECK(t.verdicts[axiom] > 0);
    }
}

TEST_CASE("LKMM fast checker: gives the reference's verdict, flags and race witness on random LKMM graphs",
          "[core][lkmm]") {
    Tally t;
    std::mt19937 rng(20261207);
    for (int i = 0; i < 12000; ++i) {
        const ExecutionGraph g = random_graph(rng);
        if (i % 10 == 0) compare_around(g, t);
        else compare(g, t, "random graph");
    }
    for (int i = 0; i < 1500; ++i) compare(random_graph(rng, true), t, "large random graph");
    INFO(describe(t));
    INFO(t.first);
    CHECK(t.disagreements == 0);
    CHECK(t.verdicts[""] > 100);
    for (const char* axiom : {"lock-nest", "nested-is-locked", "unmatched-locks", "coherence", "atomic",
                              "happens-before", "propagation", "rcu", "plain-coherence"}) {
        INFO(axiom);
        CHECK(t.verdicts[axiom] > 0);
    }
}

TEST_CASE("LKMM fast checker: gives the reference's verdict, flags and race witness on random LKMM programs",
          "[core][lkmm]") {
    Tally t;
    for (std::uint32_t seed = 1; seed <= 400; ++seed) {
        const auto spec = testing::random_spec_lkmm(seed);
        compare_program(testing::random_program(spec), t, 10);
        if (t.disagreements != 0) {
            UNSCOPED_INFO("seed " << seed << ": " << spec.describe());
            break;
        }
    }
    INFO(describe(t));
    INFO(t.first);
    CHECK(t.disagreements == 0);
    CHECK(t.verdicts[""] > 100);
    for (const char* axiom : {"coherence", "atomic", "happens-before"}) {
        INFO(axiom);
        CHECK(t.verdicts[axiom] > 0);
    }
}

TEST_CASE("LKMM fast checker: gives the reference's verdict, flags and race witness on a sample of the kernel's corpus",
          "[core][lkmm]") {
    const std::filesystem::path corpus = MMCHECK_SHARED_DIR "/litmus/lkmm-corpus";
    if (!std::filesystem::exists(corpus / "manual")) {
        WARN("skipped: " << corpus.string() << " is absent (the shared litmus corpus is not checked out)");
        return;
    }
    Tally t;
    // RCU grace periods against nested readers, SRCU, lock hand-overs, plain accesses.
    for (const char* rel : {"auto/C-RR-G+RR-R+RR-G+RR-R.litmus", "manual/lwn573497/C-mp+o-srcu-o+rl-o-o+rul.litmus",
                            "manual/lwn573497/C-dist-r+o+rl-o-o-rul+o-srcu-o.litmus",
                            "manual/locked/WWC+onces+locked.litmus"}) {
        if (!std::filesystem::exists(corpus / rel)) continue;
        compare_litmus(corpus / rel, t, 40);
    }
    for (const char* dir : {"manual/rcu", "manual/srcu", "manual/plain", "manual/locked"}) {
        if (!std::filesystem::exists(corpus / dir)) continue;
        int files = 0;
        for (const auto& f : sorted_litmus_files(corpus / dir)) {
            if (files >= 12) break;
            try {
                compare_litmus(f, t, 8);
                ++files;
            } catch (const litmus::LitmusError&) {
                // a file the front end does not run (listed by the corpus test)
            }
        }
    }
    INFO(describe(t));
    INFO(t.first);
    CHECK(t.disagreements == 0);
    CHECK(t.verdicts["rcu"] > 0);
}
