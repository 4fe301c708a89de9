// SPDX-License-Identifier: MIT
/// \file SmallRelation: a binary relation over at most 64 nodes, one 64-bit word per row, with
/// the operators of the axiomatic definitions written so that a whole-graph check allocates
/// nothing and visits only set bits: sets are words (`Bits`), a composition with diag(S) is a
/// row or column mask, ';' ORs the rows of the set bits, '+' is a depth-first closure (Warshall
/// only for a cyclic relation), acyclicity is a depth-first search.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace mmcheck {

/// A set of at most 64 nodes.
using Bits = std::uint64_t;

constexpr Bits bit(std::size_t a) { return Bits{1} << a; }
/// The nodes 0 .. n-1.
constexpr Bits all_nodes(std::size_t n) { return n >= 64 ? ~Bits{0} : bit(n) - 1; }

class SmallRelation {
public:
    static constexpr std::size_t kMax = 64;

    SmallRelation() : n_(0) {}
    /// The empty relation over n <= 64 nodes (only the rows in use are written).
    explicit SmallRelation(std::size_t n) : n_(n) {
        for (std::size_t a = 0; a < n_; ++a) row_[a] = 0;
    }
    SmallRelation(const SmallRelation& o) : n_(o.n_) {
        for (std::size_t a = 0; a < n_; ++a) row_[a] = o.row_[a];
    }
    SmallRelation& operator=(const SmallRelation& o) {
        n_ = o.n_;
        for (std::size_t a = 0; a < n_; ++a) row_[a] = o.row_[a];
        return *this;
    }
    /// Makes this the empty relation over n nodes, in place.
    void clear(std::size_t n) {
        n_ = n;
        for (std::size_t a = 0; a < n_; ++a) row_[a] = 0;
    }
    /// The identity over n nodes.
    static SmallRelation identity(std::size_t n) {
        SmallRelation r(n);
        for (std::size_t a = 0; a < n; ++a) r.row_[a] = bit(a);
        return r;
    }

    [[nodiscard]] std::size_t size() const { return n_; }
    [[nodiscard]] Bits row(std::size_t a) const { return row_[a]; }
    Bits& row(std::size_t a) { return row_[a]; }
    void set(std::size_t a, std::size_t b) { row_[a] |= bit(b); }
    [[nodiscard]] bool get(std::size_t a, std::size_t b) const { return (row_[a] >> b) & 1U; }

    SmallRelation& operator|=(const SmallRelation& o) {
        for (std::size_t a = 0; a < n_; ++a) row_[a] |= o.row_[a];
        return *this;
    }
    SmallRelation& operator&=(const SmallRelation& o) {
        for (std::size_t a = 0; a < n_; ++a) row_[a] &= o.row_[a];
        return *this;
    }
    /// this \= o
    SmallRelation& operator-=(const SmallRelation& o) {
        for (std::size_t a = 0; a < n_; ++a) row_[a] &= ~o.row_[a];
        return *this;
    }
    friend SmallRelation operator|(SmallRelation a, const SmallRelation& b) { return a |= b; }
    friend SmallRelation operator&(SmallRelation a, const SmallRelation& b) { return a &= b; }
    friend SmallRelation operator-(SmallRelation a, const SmallRelation& b) { return a -= b; }

    /// The set reached from `from` in one step: ∪ { row(b) | b ∈ from }.
    [[nodiscard]] Bits image(Bits from) const {
        Bits out = 0;
        while (from != 0) {
            out |= row_[std::countr_zero(from)];
            from &= from - 1;
        }
        return out;
    }
    /// this ; o
    friend SmallRelation operator*(const SmallRelation& a, const SmallRelation& b) {
        SmallRelation r(a.n_);
        for (std::size_t x = 0; x < a.n_; ++x) r.row_[x] = b.image(a.row_[x]);
        return r;
    }
    /// [dom] ; this ; [ran]
    [[nodiscard]] SmallRelation restrict(Bits dom, Bits ran) const {
        SmallRelation r(n_);
        for (std::size_t a = 0; a < n_; ++a) r.row_[a] = (dom >> a) & 1U ? row_[a] & ran : 0;
        return r;
    }
    /// this ; [s]
    [[nodiscard]] SmallRelation then_set(Bits s) const { return restrict(~Bits{0}, s); }
    /// [s] ; this
    [[nodiscard]] SmallRelation from_set(Bits s) const { return restrict(s, ~Bits{0}); }
    /// this? (reflexive closure)
    [[nodiscard]] SmallRelation opt() const {
        SmallRelation r = *this;
        for (std::size_t a = 0; a < n_; ++a) r.row_[a] |= bit(a);
        return r;
    }
    [[nodiscard]] SmallRelation inverse() const {
        SmallRelation r(n_);
        for (std::size_t a = 0; a < n_; ++a)
            for (Bits m = row_[a]; m != 0; m &= m - 1) r.row_[std::countr_zero(m)] |= bit(a);
        return r;
    }
    [[nodiscard]] bool empty() const {
        Bits any = 0;
        for (std::size_t a = 0; a < n_; ++a) any |= row_[a];
        return any == 0;
    }
    friend bool operator==(const SmallRelation& a, const SmallRelation& b) {
        if (a.n_ != b.n_) return false;
        for (std::size_t x = 0; x < a.n_; ++x)
            if (a.row_[x] != b.row_[x]) return false;
        return true;
    }
    [[nodiscard]] bool irreflexive() const {
        for (std::size_t a = 0; a < n_; ++a)
            if (get(a, a)) return false;
        return true;
    }
    /// The nodes with a successor.
    [[nodiscard]] Bits domain() const {
        Bits d = 0;
        for (std::size_t a = 0; a < n_; ++a)
            if (row_[a] != 0) d |= bit(a);
        return d;
    }
    /// The nodes with a predecessor.
    [[nodiscard]] Bits range() const {
        Bits r = 0;
        for (std::size_t a = 0; a < n_; ++a) r |= row_[a];
        return r;
    }

    /// When the relation is acyclic, writes its transitive closure to `out` and returns true
    /// (a depth-first search: a node's closure is its row and the closures of its successors,
    /// finished before it); returns false on the first cycle found (`out` is then unspecified).
    bool acyclic_closure(SmallRelation& out) const {
        out.n_ = n_;
        Bits done = 0, on_stack = 0;
        std::array<std::uint8_t, kMax> stack{};
        std::array<Bits, kMax> pending{};
        for (std::size_t s = 0; s < n_; ++s) {
            if ((done >> s) & 1U) continue;
            std::size_t sp = 0;
            stack[sp] = static_cast<std::uint8_t>(s);
            pending[sp++] = row_[s];
            on_stack |= bit(s);
            while (sp > 0) {
                const std::size_t a = stack[sp - 1];
                const Bits p = pending[sp - 1] & ~done;
                if ((p & on_stack) != 0) return false;  // an edge back into the path
                if (p != 0) {
                    const std::size_t b = static_cast<std::size_t>(std::countr_zero(p));
                    pending[sp - 1] = p & (p - 1);
                    stack[sp] = static_cast<std::uint8_t>(b);
                    pending[sp++] = row_[b];
                    on_stack |= bit(b);
                } else {
                    out.row_[a] = row_[a] | out.image(row_[a]);
                    done |= bit(a);
                    on_stack &= ~bit(a);
                    --sp;
                }
            }
        }
        return true;
    }
    [[nodiscard]] bool acyclic() const {
        SmallRelation scratch(0);
        return acyclic_closure(scratch);
    }
    /// this+ (depth-first when acyclic, Warshall otherwise).
    [[nodiscard]] SmallRelation plus() const {
        SmallRelation c(0);
        if (acyclic_closure(c)) return c;
        c = *this;
        for (std::size_t k = 0; k < n_; ++k) {
            const Bits rowk = c.row_[k];
            for (std::size_t a = 0; a < n_; ++a)
                if ((c.row_[a] >> k) & 1U) c.row_[a] |= rowk;
        }
        return c;
    }
    /// this*
    [[nodiscard]] SmallRelation star() const {
        if (empty()) return identity(n_);
        return plus().opt();
    }

private:
    std::size_t n_;
    std::array<Bits, kMax> row_;  // rows >= n_ unused (and not initialized)
};

}  // namespace mmcheck
