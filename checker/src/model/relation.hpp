// SPDX-License-Identifier: MIT
/// \file Relation: a binary relation over n nodes as a bit matrix, with the operators the
/// axiomatic definitions use (union, composition ';', transitive closure '+', acyclicity).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace mmcheck {

class Relation {
public:
    explicit Relation(std::size_t n = 0) : n_(n), words_((n + 63) / 64), bits_(n * words_, 0) {}

    [[nodiscard]] std::size_t size() const { return n_; }
    void set(std::size_t a, std::size_t b) { bits_[a * words_ + b / 64] |= std::uint64_t{1} << (b % 64); }
    [[nodiscard]] bool get(std::size_t a, std::size_t b) const {
        return (bits_[a * words_ + b / 64] >> (b % 64)) & 1U;
    }
    /// this ∪= o
    void unite(const Relation& o) {
        for (std::size_t i = 0; i < bits_.size(); ++i) bits_[i] |= o.bits_[i];
    }
    /// this ; o   (a, c) iff ∃b. this(a, b) ∧ o(b, c)
    [[nodiscard]] Relation then(const Relation& o) const {
        Relation r(n_);
        for (std::size_t a = 0; a < n_; ++a) {
            std::uint64_t* out = &r.bits_[a * words_];
            for (std::size_t w = 0; w < words_; ++w) {
                std::uint64_t m = bits_[a * words_ + w];
                while (m != 0) {
                    const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(m));
                    m &= m - 1;
                    const std::uint64_t* in = &o.bits_[b * words_];
                    for (std::size_t k = 0; k < words_; ++k) out[k] |= in[k];
                }
            }
        }
        return r;
    }
    /// Transitive closure (Warshall on bit rows).
    void close() {
        for (std::size_t k = 0; k < n_; ++k) {
            const std::uint64_t* rowk = &bits_[k * words_];
            for (std::size_t a = 0; a < n_; ++a) {
                if (!get(a, k)) continue;
                std::uint64_t* rowa = &bits_[a * words_];
                for (std::size_t w = 0; w < words_; ++w) rowa[w] |= rowk[w];
            }
        }
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
    std::size_t n_;
    std::size_t words_;
    std::vector<std::uint64_t> bits_;
};

}  // namespace mmcheck
