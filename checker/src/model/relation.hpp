// SPDX-License-Identifier: MIT
/// \file Relation: a binary relation over n nodes as a bit matrix, with the operators the
/// axiomatic definitions use (union, composition ';', transitive closure '+', acyclicity).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace mmcheck {

class Relation {
public:
    explicit Relation(std::size_t n = 0) : n_(n), words_((n + 63) / 64) {
        // Graphs of up to 64 events (nearly all of them) use inline rows: the checks run on
        // every choice of the explorers, and allocating there dominated their cost.
        if (n_ > kInline)
            big_.assign(n_ * words_, 0);
        else
            std::fill_n(small_.begin(), n_, 0);  // only the rows in use
    }
    Relation(const Relation& o) : n_(o.n_), words_(o.words_), big_(o.big_) {
        if (n_ <= kInline) std::copy_n(o.small_.begin(), n_, small_.begin());
    }
    Relation& operator=(const Relation& o) {
        if (this != &o) {
            n_ = o.n_;
            words_ = o.words_;
            big_ = o.big_;
            if (n_ <= kInline) std::copy_n(o.small_.begin(), n_, small_.begin());
        }
        return *this;
    }

    [[nodiscard]] std::size_t size() const { return n_; }
    void set(std::size_t a, std::size_t b) { data()[a * words_ + b / 64] |= std::uint64_t{1} << (b % 64); }
    [[nodiscard]] bool get(std::size_t a, std::size_t b) const {
        return (data()[a * words_ + b / 64] >> (b % 64)) & 1U;
    }
    /// this ∪= o
    void unite(const Relation& o) {
        std::uint64_t* d = data();
        const std::uint64_t* od = o.data();
        for (std::size_t i = 0; i < n_ * words_; ++i) d[i] |= od[i];
    }
    /// this ; o   (a, c) iff ∃b. this(a, b) ∧ o(b, c)
    [[nodiscard]] Relation then(const Relation& o) const {
        Relation r(n_);
        for (std::size_t a = 0; a < n_; ++a) {
            std::uint64_t* out = &r.data()[a * words_];
            for (std::size_t w = 0; w < words_; ++w) {
                std::uint64_t m = data()[a * words_ + w];
                while (m != 0) {
                    const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(m));
                    m &= m - 1;
                    const std::uint64_t* in = &o.data()[b * words_];
                    for (std::size_t k = 0; k < words_; ++k) out[k] |= in[k];
                }
            }
        }
        return r;
    }
    /// Transitive closure (Warshall on bit rows).
    void close() {
        for (std::size_t k = 0; k < n_; ++k) {
            const std::uint64_t* rowk = &data()[k * words_];
            for (std::size_t a = 0; a < n_; ++a) {
                if (!get(a, k)) continue;
                std::uint64_t* rowa = &data()[a * words_];
                for (std::size_t w = 0; w < words_; ++w) rowa[w] |= rowk[w];
            }
        }
    }
    /// this ∩= o
    void intersect(const Relation& o) {
        std::uint64_t* d = data();
        const std::uint64_t* od = o.data();
        for (std::size_t i = 0; i < n_ * words_; ++i) d[i] &= od[i];
    }
    /// this \= o
    void subtract(const Relation& o) {
        std::uint64_t* d = data();
        const std::uint64_t* od = o.data();
        for (std::size_t i = 0; i < n_ * words_; ++i) d[i] &= ~od[i];
    }
    /// The converse relation (b, a) for every (a, b).
    [[nodiscard]] Relation inverse() const {
        Relation r(n_);
        // Set bits only: the checks invert sparse relations (rf, rscs) on every choice.
        for (std::size_t a = 0; a < n_; ++a)
            for (std::size_t w = 0; w < words_; ++w) {
                std::uint64_t m = data()[a * words_ + w];
                while (m != 0) {
                    r.set(w * 64 + static_cast<std::size_t>(std::countr_zero(m)), a);
                    m &= m - 1;
                }
            }
        return r;
    }
    [[nodiscard]] bool empty() const {
        const std::uint64_t* d = data();
        for (std::size_t i = 0; i < n_ * words_; ++i)
            if (d[i] != 0) return false;
        return true;
    }
    friend bool operator==(const Relation& a, const Relation& b) {
        if (a.n_ != b.n_) return false;
        return std::equal(a.data(), a.data() + a.n_ * a.words_, b.data());
    }
    [[nodiscard]] bool irreflexive() const {
        for (std::size_t a = 0; a < n_; ++a)
            if (get(a, a)) return false;
        return true;
    }
    /// Acyclic iff the transitive closure is irreflexive.
    [[nodiscard]] bool acyclic() const {
        Relation c = *this;
        c.close();
        return c.irreflexive();
    }

private:
    static constexpr std::size_t kInline = 64;
    std::uint64_t* data() { return n_ <= kInline ? small_.data() : big_.data(); }
    [[nodiscard]] const std::uint64_t* data() const { return n_ <= kInline ? small_.data() : big_.data(); }

    std::size_t n_;
    std::size_t words_;
    std::array<std::uint64_t, kInline> small_;  // one word per row when n <= 64; rows >= n unused
    std::vector<std::uint64_t> big_;
};

}  // namespace mmcheck
