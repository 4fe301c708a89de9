// SPDX-License-Identifier: MIT
/// \file View: a vector clock over threads. view[t] is the number of events of thread t in a
/// po-closed prefix, so event (t, i) is in the prefix iff i < view[t].
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

namespace mmcheck {

/// Most threads a model may have (declared plus spawned). 64 covers GenMC's 18-thread ring and
/// per-CPU models of large machines.
inline constexpr std::size_t kMaxThreads = 64;

/// A prefix of an execution graph, one po-prefix length per thread. The first kInline threads
/// are stored inline, the others (a model with more than 16 threads) in a block allocated on
/// the first write to one of them: every event carries three views, and views of 64 inline
/// entries made them 384 bytes, which cost 2-18 % more instructions on graphs of a few threads
/// (wider copies, joins and cache footprint; docs/benchmarks.md).
struct View {
    static constexpr std::size_t kInline = 16;

    View() = default;
    View(const View& o) : small_(o.small_), big_(o.big_ ? std::make_unique<Big>(*o.big_) : nullptr) {}
    View& operator=(const View& o) {
        small_ = o.small_;
        if (!o.big_)
            big_.reset();
        else if (big_)
            *big_ = *o.big_;
        else
            big_ = std::make_unique<Big>(*o.big_);
        return *this;
    }
    View(View&&) noexcept = default;
    View& operator=(View&&) noexcept = default;
    ~View() = default;

    [[nodiscard]] bool contains(std::uint16_t thread, std::uint16_t index) const { return index < (*this)[thread]; }
    [[nodiscard]] std::uint16_t operator[](std::size_t t) const {
        if (t < kInline) return small_[t];
        return big_ ? (*big_)[t - kInline] : std::uint16_t{0};
    }
    std::uint16_t& operator[](std::size_t t) {
        if (t < kInline) return small_[t];
        if (!big_) big_ = std::make_unique<Big>();
        return (*big_)[t - kInline];
    }

    /// Pointwise maximum (union of prefixes).
    void join(const View& o) {
        for (std::size_t i = 0; i < kInline; ++i) small_[i] = std::max(small_[i], o.small_[i]);
        if (!o.big_) return;
        if (!big_) {
            big_ = std::make_unique<Big>(*o.big_);
            return;
        }
        for (std::size_t i = 0; i < big_->size(); ++i) (*big_)[i] = std::max((*big_)[i], (*o.big_)[i]);
    }
    friend bool operator==(const View& a, const View& b) {
        if (a.small_ != b.small_) return false;
        for (std::size_t t = kInline; t < kMaxThreads; ++t)
            if (a[t] != b[t]) return false;
        return true;
    }

private:
    using Big = std::array<std::uint16_t, kMaxThreads - kInline>;
    std::array<std::uint16_t, kInline> small_{};
    std::unique_ptr<Big> big_;  // threads kInline.. (zero when null)
};

}  // namespace mmcheck
