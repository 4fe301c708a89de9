// SPDX-License-Identifier: MIT
/// \file The classic litmus shapes (SB, MP, LB, S, R, 2+2W, WRC, IRIW, ISA2, RWC, W+RWC, CoRR,
/// CoRW, CoWR, CoWW, and 3- and 4-thread rings and chains) as C++ models, each in several
/// memory-order flavours. They pin the engine to RC11: tests/engine/litmus_shapes_test.cpp
/// asserts the exact outcome set and number of executions of every shape and flavour.
///
/// Conventions shared by every shape (scenarios rely on them):
/// - threads are "P0", "P1", ... (herd style); locations are int atomics "x", "y", "z", "w",
///   all initially 0;
/// - every value an access returns lands in a register observed as "T:rN": thread T, N-th
///   value-returning access of that thread (loads, and the old value of an RMW);
/// - final() observes every register and the final value of every location (by its name) and
///   calls check(!weak, "<shape> weak outcome"), where weak is the outcome the shape is about.
///
/// Flavours (variants), as meaningful per shape:
/// - "rlx": every access relaxed;
/// - "ra": stores release, loads acquire;
/// - "sc": every access seq_cst;
/// - "fenced": relaxed accesses with a seq_cst fence between each two consecutive accesses of
///   a thread;
/// - "fenced-ra": relaxed accesses with release/acquire fences between them: acquire between
///   two loads, release between two stores, acq_rel between a load and a store or a store and
///   a load (the last cannot help: no C++ fence but seq_cst orders a store before a load);
/// - "rmw": the "ra" flavour with every load replaced by fetch_add(0, acq_rel), an RMW that
///   reads the value and writes it back; in shapes without loads (2+2W, 3.2W, CoWW) every
///   store is replaced by exchange(v, acq_rel) instead, whose old value is a register.
/// Some shapes add their own variants (IRIW "sc-reads", MP "rs-po"); "mp-relseq" is its own
/// model for release sequences through another thread's RMW.

#include <mmcheck/model.hpp>
#include <mmcheck/registry.hpp>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mmcheck::litmus {
namespace {

/// How a flavour (variant) turns a shape's abstract loads and stores into C++ operations.
struct Style {
    enum class Fences : std::uint8_t { None, SeqCst, AcqRel };
    std::memory_order load = relaxed;
    std::memory_order store = relaxed;
    Fences fences = Fences::None;
    bool rmw = false;  ///< loads become fetch_add(0, acq_rel) (or stores exchanges, see Shape)
};

/// The style of a variant. Shape-specific variants ("sc-reads", "rs-po") are listed here too,
/// so every shape parses its variant the same way; a variant a shape does not register is
/// rejected by the registry before the model is built.
Style style_of(const std::string& v) {
    using F = Style::Fences;
    if (v == "rlx") return Style{relaxed, relaxed, F::None, false};
    if (v == "ra") return Style{acquire, release, F::None, false};
    if (v == "sc") return Style{seq_cst, seq_cst, F::None, false};
    if (v == "fenced") return Style{relaxed, relaxed, F::SeqCst, false};
    if (v == "fenced-ra") return Style{relaxed, relaxed, F::AcqRel, false};
    if (v == "rmw") return Style{acquire, release, F::None, true};
    if (v == "sc-reads") return Style{seq_cst, relaxed, F::None, false};
    if (v == "rs-po") return Style{acquire, release, F::None, false};
    throw std::invalid_argument("litmus shape: unknown variant '" + v + "'");
}

/// One thread's view of its flavour: issues loads and stores with the style's orders, puts
/// the style's fences between consecutive accesses, and records every returned value as the
/// thread's next register.
class ThreadCode {
public:
    ThreadCode(const Style& style, bool rmw_stores, std::vector<std::int64_t>& regs)
        : style_(style), rmw_stores_(rmw_stores), regs_(regs) {}

    std::int64_t ld(const atomic<int>& a) {
        between(Access::Load);
        const std::int64_t v = style_.rmw ? a.fetch_add(0, acq_rel) : a.load(style_.load);
        regs_.push_back(v);
        return v;
    }

    void st(const atomic<int>& a, int value) {
        between(Access::Store);
        if (style_.rmw && rmw_stores_)
            regs_.push_back(a.exchange(value, acq_rel));
        else
            a.store(value, style_.store);
    }

private:
    enum class Access : std::uint8_t { None, Load, Store };

    void between(Access next) {
        const Access prev = std::exchange(prev_, next);
        if (prev == Access::None) return;
        switch (style_.fences) {
            case Style::Fences::None: break;
            case Style::Fences::SeqCst: fence(seq_cst); break;
            case Style::Fences::AcqRel:
                // Acquire fence orders earlier loads, release fence later stores; for a store
                // followed by a load only acq_rel is left, and it orders nothing there.
                if (prev == Access::Load && next == Access::Load)
                    fence(acquire);
                else if (prev == Access::Store && next == Access::Store)
                    fence(release);
                else
                    fence(acq_rel);
                break;
        }
    }

    Style style_;
    bool rmw_stores_;
    std::vector<std::int64_t>& regs_;
    Access prev_ = Access::None;
};

/// Base of the shapes: named locations, per-thread registers, and the observation of both.
class Shape : public Model {
protected:
    /// `rmw_stores`: the shape has no loads, so its "rmw" flavour turns stores into exchanges.
    explicit Shape(const char* name, bool rmw_stores = false)
        : name_(name), style_(style_of(variant())), rmw_stores_(rmw_stores) {}

    /// Creates location `name` (initially 0) and remembers it for the final observation.
    atomic<int> shared(const char* name) {
        locs_.emplace_back(name, atomic<int>(name, 0));
        return locs_.back().second;
    }

    /// Declares thread P<t> running `body` with the flavour's accesses.
    template <class Body>
    void proc(std::size_t t, Body body) {
        thread("P" + std::to_string(t), [this, t, body] {
            ThreadCode code(style_, rmw_stores_, regs_.at(t));
            body(code);
        });
    }

    /// Records `v` as the next register of thread t (for shapes that write code by hand).
    void record(std::size_t t, std::int64_t v) { regs_.at(t).push_back(v); }

    /// Register N of thread T (0 when the thread did not produce it).
    [[nodiscard]] std::int64_t r(std::size_t t, std::size_t n) const {
        const auto& v = regs_.at(t);
        return n < v.size() ? v[n] : 0;
    }

    /// Observes every register and location, then checks that the weak outcome did not happen.
    void observe_and_check(bool weak) const {
        for (std::size_t t = 0; t < regs_.size(); ++t)
            for (std::size_t n = 0; n < regs_[t].size(); ++n)
                observe(std::to_string(t) + ":r" + std::to_string(n), regs_[t][n]);
        for (const auto& [name, loc] : locs_) observe(name, loc.load(relaxed));
        check(!weak, std::string(name_) + " weak outcome");
    }

private:
    const char* name_;
    Style style_;
    bool rmw_stores_;
    std::vector<std::pair<std::string, atomic<int>>> locs_;
    std::array<std::vector<std::int64_t>, 4> regs_;
};

// --- two-thread shapes -------------------------------------------------------------------

/// SB: P0: x=1; r0=y || P1: y=1; r0=x. Weak: both loads read 0.
struct StoreBuffering final : Shape {
    StoreBuffering() : Shape("sb") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.ld(y); });
        proc(1, [this](ThreadCode& c) { c.st(y, 1); c.ld(x); });
    }
    void final() override { observe_and_check(r(0, 0) == 0 && r(1, 0) == 0); }
};

/// MP: P0: x=1; y=1 || P1: r0=y; r1=x. Weak: flag seen, data not.
/// Variant "rs-po": P0: x=1 (rlx); y=1 (rel); y=2 (rlx) || P1: r0=y (acq); r1=x (rlx). RC11's
/// release sequence includes po-later stores to the same location by the same thread, so
/// reading 2 still synchronises with y=1. (C++20 dropped that part; RC11 keeps it.)
struct MessagePassing final : Shape {
    MessagePassing() : Shape("mp") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        if (variant_is("rs-po")) {
            thread("P0", [this] {
                x.store(1, relaxed);
                y.store(1, release);
                y.store(2, relaxed);
            });
            thread("P1", [this] {
                record(1, y.load(acquire));
                record(1, x.load(relaxed));
            });
            return;
        }
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) != 0 && r(1, 1) == 0); }
};

/// LB: P0: r0=x; y=1 || P1: r0=y; x=1. Weak: both loads read 1.
struct LoadBuffering final : Shape {
    LoadBuffering() : Shape("lb") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.ld(x); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(x, 1); });
    }
    void final() override { observe_and_check(r(0, 0) == 1 && r(1, 0) == 1); }
};

/// S: P0: x=2; y=1 || P1: r0=y; x=1. Weak: P1 sees y=1 yet its x=1 is coherence-before x=2.
struct ShapeS final : Shape {
    ShapeS() : Shape("s") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 2); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(x, 1); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && x.load(relaxed) == 2); }
};

/// R: P0: x=1; y=1 || P1: y=2; r0=x. Weak: y=1 coherence-before y=2, yet P1 misses x=1.
struct ShapeR final : Shape {
    ShapeR() : Shape("r") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.st(y, 2); c.ld(x); });
    }
    void final() override { observe_and_check(y.load(relaxed) == 2 && r(1, 0) == 0); }
};

/// 2+2W: P0: x=1; y=2 || P1: y=1; x=2. Weak: each thread's first store is coherence-last.
struct TwoPlusTwoW final : Shape {
    TwoPlusTwoW() : Shape("2+2w", true) {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 2); });
        proc(1, [this](ThreadCode& c) { c.st(y, 1); c.st(x, 2); });
    }
    void final() override { observe_and_check(x.load(relaxed) == 1 && y.load(relaxed) == 1); }
};

// --- multi-copy atomicity and cumulativity shapes ------------------------------------------

/// WRC: P0: x=1 || P1: r0=x; y=1 || P2: r0=y; r1=x. Weak: 1:r0=1, 2:r0=1, 2:r1=0.
struct WriteToReadCausality final : Shape {
    WriteToReadCausality() : Shape("wrc") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(x); c.st(y, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(y); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && r(2, 0) == 1 && r(2, 1) == 0); }
};

/// IRIW: P0: x=1 || P1: y=1 || P2: r0=x; r1=y || P3: r0=y; r1=x. Weak: the readers see the
/// two independent writes in opposite orders. Variant "sc-reads": relaxed stores, seq_cst loads.
struct Iriw final : Shape {
    Iriw() : Shape("iriw") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); });
        proc(1, [this](ThreadCode& c) { c.st(y, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(x); c.ld(y); });
        proc(3, [this](ThreadCode& c) { c.ld(y); c.ld(x); });
    }
    void final() override {
        observe_and_check(r(2, 0) == 1 && r(2, 1) == 0 && r(3, 0) == 1 && r(3, 1) == 0);
    }
};

/// ISA2: P0: x=1; y=1 || P1: r0=y; z=1 || P2: r0=z; r1=x. Weak: 1:r0=1, 2:r0=1, 2:r1=0.
struct Isa2 final : Shape {
    explicit Isa2(const char* name = "isa2") : Shape(name) {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(z, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(z); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && r(2, 0) == 1 && r(2, 1) == 0); }
};

/// RWC: P0: x=1 || P1: r0=x; r1=y || P2: y=1; r0=x. Weak: 1:r0=1, 1:r1=0, 2:r0=0.
struct ReadWriteCausality final : Shape {
    ReadWriteCausality() : Shape("rwc") {}
    atomic<int> x = shared("x"), y = shared("y");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(x); c.ld(y); });
        proc(2, [this](ThreadCode& c) { c.st(y, 1); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && r(1, 1) == 0 && r(2, 0) == 0); }
};

/// W+RWC: P0: x=1; y=1 || P1: r0=y; r1=z || P2: z=1; r0=x. Weak: 1:r0=1, 1:r1=0, 2:r0=0.
struct WPlusRwc final : Shape {
    WPlusRwc() : Shape("w+rwc") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.ld(z); });
        proc(2, [this](ThreadCode& c) { c.st(z, 1); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && r(1, 1) == 0 && r(2, 0) == 0); }
};

// --- coherence shapes (one location) --------------------------------------------------------

/// CoRR: P0: x=1 || P1: r0=x; r1=x. Weak: the second read goes back to the initial value.
struct CoRR final : Shape {
    CoRR() : Shape("corr") {}
    atomic<int> x = shared("x");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(x); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && r(1, 1) == 0); }
};

/// CoRW: P0: r0=x; x=1 || P1: x=2. Weak: P0 reads 2 although its own later x=1 is
/// coherence-before x=2.
struct CoRW final : Shape {
    CoRW() : Shape("corw") {}
    atomic<int> x = shared("x");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.ld(x); c.st(x, 1); });
        proc(1, [this](ThreadCode& c) { c.st(x, 2); });
    }
    void final() override { observe_and_check(r(0, 0) == 2 && x.load(relaxed) == 2); }
};

/// CoWR: P0: x=1; r0=x || P1: x=2. Weak: P0 reads a write coherence-before its own x=1 (the
/// initial 0, or 2 when x=1 ends last).
struct CoWR final : Shape {
    CoWR() : Shape("cowr") {}
    atomic<int> x = shared("x");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.ld(x); });
        proc(1, [this](ThreadCode& c) { c.st(x, 2); });
    }
    void final() override {
        observe_and_check(r(0, 0) == 0 || (r(0, 0) == 2 && x.load(relaxed) == 1));
    }
};

/// CoWW: P0: x=1; x=2 || P1: x=3. Weak: P0's x=1 ends coherence-last.
struct CoWW final : Shape {
    CoWW() : Shape("coww", true) {}
    atomic<int> x = shared("x");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(x, 2); });
        proc(1, [this](ThreadCode& c) { c.st(x, 3); });
    }
    void final() override { observe_and_check(x.load(relaxed) == 1); }
};

// --- 3- and 4-thread rings and chains -----------------------------------------------------

/// SB ring of 3: Pi: x[i]=1; r0=x[i+1 mod 3]. Weak: every load reads 0.
struct Sb3 final : Shape {
    Sb3() : Shape("sb3") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.ld(y); });
        proc(1, [this](ThreadCode& c) { c.st(y, 1); c.ld(z); });
        proc(2, [this](ThreadCode& c) { c.st(z, 1); c.ld(x); });
    }
    void final() override { observe_and_check(r(0, 0) == 0 && r(1, 0) == 0 && r(2, 0) == 0); }
};

/// SB ring of 4 (x, y, z, w).
struct Sb4 final : Shape {
    Sb4() : Shape("sb4") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z"), w = shared("w");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.ld(y); });
        proc(1, [this](ThreadCode& c) { c.st(y, 1); c.ld(z); });
        proc(2, [this](ThreadCode& c) { c.st(z, 1); c.ld(w); });
        proc(3, [this](ThreadCode& c) { c.st(w, 1); c.ld(x); });
    }
    void final() override {
        observe_and_check(r(0, 0) == 0 && r(1, 0) == 0 && r(2, 0) == 0 && r(3, 0) == 0);
    }
};

/// LB ring of 3: Pi: r0=x[i]; x[i+1 mod 3]=1. Weak: every load reads 1.
struct Lb3 final : Shape {
    Lb3() : Shape("lb3") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.ld(x); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(z, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(z); c.st(x, 1); });
    }
    void final() override { observe_and_check(r(0, 0) == 1 && r(1, 0) == 1 && r(2, 0) == 1); }
};

/// LB ring of 4 (x, y, z, w).
struct Lb4 final : Shape {
    Lb4() : Shape("lb4") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z"), w = shared("w");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.ld(x); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(z, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(z); c.st(w, 1); });
        proc(3, [this](ThreadCode& c) { c.ld(w); c.st(x, 1); });
    }
    void final() override {
        observe_and_check(r(0, 0) == 1 && r(1, 0) == 1 && r(2, 0) == 1 && r(3, 0) == 1);
    }
};

/// MP chain over 3 threads (the ISA2 shape): P0: x=1; y=1 || P1: r0=y; z=1 || P2: r0=z; r1=x.
struct Mp3 final : Shape {
    Mp3() : Shape("mp3") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(z, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(z); c.ld(x); });
    }
    void final() override { observe_and_check(r(1, 0) == 1 && r(2, 0) == 1 && r(2, 1) == 0); }
};

/// MP chain over 4 threads: P0: x=1; y=1 || P1: r0=y; z=1 || P2: r0=z; w=1 || P3: r0=w; r1=x.
struct Mp4 final : Shape {
    Mp4() : Shape("mp4") {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z"), w = shared("w");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 1); });
        proc(1, [this](ThreadCode& c) { c.ld(y); c.st(z, 1); });
        proc(2, [this](ThreadCode& c) { c.ld(z); c.st(w, 1); });
        proc(3, [this](ThreadCode& c) { c.ld(w); c.ld(x); });
    }
    void final() override {
        observe_and_check(r(1, 0) == 1 && r(2, 0) == 1 && r(3, 0) == 1 && r(3, 1) == 0);
    }
};

/// 3.2W, the 2+2W ring of 3: P0: x=1; y=2 || P1: y=1; z=2 || P2: z=1; x=2. Weak: each
/// thread's first store is coherence-last.
struct ThreeTwoW final : Shape {
    ThreeTwoW() : Shape("3.2w", true) {}
    atomic<int> x = shared("x"), y = shared("y"), z = shared("z");
    void threads() override {
        proc(0, [this](ThreadCode& c) { c.st(x, 1); c.st(y, 2); });
        proc(1, [this](ThreadCode& c) { c.st(y, 1); c.st(z, 2); });
        proc(2, [this](ThreadCode& c) { c.st(z, 1); c.st(x, 2); });
    }
    void final() override {
        observe_and_check(x.load(relaxed) == 1 && y.load(relaxed) == 1 && z.load(relaxed) == 1);
    }
};

// --- release sequences through another thread -----------------------------------------------

/// MP whose flag is touched by a third thread between the release store and the acquire load:
/// P0: x=1 (rlx); y=1 (rel) || P1: (variant) || P2: r0=y (acq); r1=x (rlx).
/// - "rmw":   P1: r0 = y.fetch_add(2, rlx) — 3 can only be read from an RMW that read 1, which
///            continues P0's release sequence: reading 3 synchronises with P0.
/// - "cas":   P1: strong CAS y 1 -> 3 (rlx), r0 = old value — same, when it succeeds.
/// - "store": P1: y=3 (rlx) — a plain store of another thread ends the release sequence, so
///            reading 3 does not synchronise.
/// Weak: P2 reads 1 or 3 but misses x=1.
struct MpRelseq final : Model {
    atomic<int> x{"x", 0}, y{"y", 0};
    std::int64_t p1_ = 0;
    bool p1_returns_ = false;
    std::array<std::int64_t, 2> p2_{};
    void threads() override {
        thread("P0", [this] {
            x.store(1, relaxed);
            y.store(1, release);
        });
        thread("P1", [this] {
            if (variant_is("rmw")) {
                p1_ = y.fetch_add(2, relaxed);
                p1_returns_ = true;
            } else if (variant_is("cas")) {
                int expected = 1;
                y.compare_exchange_strong(expected, 3, relaxed, relaxed);
                p1_ = expected;
                p1_returns_ = true;
            } else {
                y.store(3, relaxed);
            }
        });
        thread("P2", [this] {
            p2_[0] = y.load(acquire);
            p2_[1] = x.load(relaxed);
        });
    }
    void final() override {
        if (p1_returns_) observe("1:r0", p1_);
        observe("2:r0", p2_[0]);
        observe("2:r1", p2_[1]);
        observe("x", x.load(relaxed));
        observe("y", y.load(relaxed));
        check(!((p2_[0] == 1 || p2_[0] == 3) && p2_[1] == 0), "mp-relseq weak outcome");
    }
};

VariantInfo flavour_info(const char* name) {
    const std::string n = name;
    if (n == "rlx") return {n, "every access relaxed"};
    if (n == "ra") return {n, "release stores, acquire loads"};
    if (n == "sc") return {n, "every access seq_cst"};
    if (n == "fenced") return {n, "relaxed accesses, seq_cst fences between them"};
    if (n == "fenced-ra") return {n, "relaxed accesses, release/acquire fences between them"};
    if (n == "rmw") return {n, "release/acquire with loads as fetch_add(0, acq_rel) (stores as exchange when the shape has no loads)"};
    if (n == "sc-reads") return {n, "relaxed stores, seq_cst loads"};
    if (n == "rs-po") return {n, "release store then a relaxed store to the flag; acquire load reads either"};
    return {n, ""};
}

/// The flavours every multi-location shape has.
std::vector<VariantInfo> all_flavours() {
    return {flavour_info("rlx"), flavour_info("ra"), flavour_info("sc"), flavour_info("fenced"),
            flavour_info("fenced-ra"), flavour_info("rmw")};
}

/// One-location shapes: fences between accesses to one location add nothing coherence does
/// not already give, so they have no fenced flavours.
std::vector<VariantInfo> coherence_flavours() {
    return {flavour_info("rlx"), flavour_info("ra"), flavour_info("sc"), flavour_info("rmw")};
}

std::vector<VariantInfo> plus(std::vector<VariantInfo> v, const char* extra) {
    v.push_back(flavour_info(extra));
    return v;
}

std::vector<VariantInfo> relseq_variants() {
    return {{"rmw", "P1 continues the release sequence with fetch_add(2, relaxed)"},
            {"cas", "P1 continues the release sequence with a relaxed CAS 1 -> 3"},
            {"store", "P1 stores 3 (relaxed), which ends the release sequence"}};
}

}  // namespace

// The variant lists are parenthesised: the registration macro does not protect commas in braces.
MMCHECK_REGISTER_MODEL(StoreBuffering, "sb", "store buffering (SB)", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(MessagePassing, "mp", "message passing (MP)", (plus(all_flavours(), "rs-po")), {});
MMCHECK_REGISTER_MODEL(LoadBuffering, "lb", "load buffering (LB)", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(ShapeS, "s", "S: write-write then read-write", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(ShapeR, "r", "R: write-write then write-read", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(TwoPlusTwoW, "2+2w", "2+2W: two writers in opposite orders", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(WriteToReadCausality, "wrc", "write-to-read causality (WRC)", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(Iriw, "iriw", "independent reads of independent writes (IRIW)", (plus(all_flavours(), "sc-reads")), {});
MMCHECK_REGISTER_MODEL(Isa2, "isa2", "ISA2: message passed through a third thread", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(ReadWriteCausality, "rwc", "read-to-write causality (RWC)", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(WPlusRwc, "w+rwc", "W+RWC: RWC with the first write followed by a flag", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(CoRR, "corr", "coherence of two reads (CoRR)", (coherence_flavours()), {});
MMCHECK_REGISTER_MODEL(CoRW, "corw", "coherence of a read and a later write (CoRW)", (coherence_flavours()), {});
MMCHECK_REGISTER_MODEL(CoWR, "cowr", "coherence of a write and a later read (CoWR)", (coherence_flavours()), {});
MMCHECK_REGISTER_MODEL(CoWW, "coww", "coherence of two writes (CoWW)", (coherence_flavours()), {});
MMCHECK_REGISTER_MODEL(Sb3, "sb3", "store buffering ring of 3 threads", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(Sb4, "sb4", "store buffering ring of 4 threads", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(Lb3, "lb3", "load buffering ring of 3 threads", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(Lb4, "lb4", "load buffering ring of 4 threads", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(Mp3, "mp3", "message passing chain over 3 threads (ISA2 shape)", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(Mp4, "mp4", "message passing chain over 4 threads", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(ThreeTwoW, "3.2w", "3.2W: the 2+2W ring of 3 threads", (all_flavours()), {});
MMCHECK_REGISTER_MODEL(MpRelseq, "mp-relseq", "MP through another thread's RMW or store on the flag (release sequences)", (relseq_variants()), {});

}  // namespace mmcheck::litmus
