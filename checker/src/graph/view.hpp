// SPDX-License-Identifier: MIT
/// \file View: a vector clock over threads. view[t] is the number of events of thread t in a
/// po-closed prefix, so event (t, i) is in the prefix iff i < view[t].
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace mmcheck {

/// Most threads a model may have (declared plus spawned). Views are fixed arrays so that the
/// explorer's hot path copies and joins them without allocating. 64 covers GenMC's 18-thread
/// ring and per-CPU models of large machines. Raising it from 16 costs 2-18 % more instructions
/// (callgrind: wider View copies and joins; docs/benchmarks.md has the figures).
inline constexpr std::size_t kMaxThreads = 64;

/// A prefix of an execution graph, one po-prefix length per thread.
struct View {
    std::array<std::uint16_t, kMaxThreads> len{};

    [[nodiscard]] bool contains(std::uint16_t thread, std::uint16_t index) const {
        return index < len[thread];
    }
    [[nodiscard]] std::uint16_t operator[](std::size_t t) const { return len[t]; }
    std::uint16_t& operator[](std::size_t t) { return len[t]; }

    /// Pointwise maximum (union of prefixes).
    void join(const View& o) {
        for (std::size_t i = 0; i < kMaxThreads; ++i) len[i] = std::max(len[i], o.len[i]);
    }
    friend bool operator==(const View&, const View&) = default;
};

}  // namespace mmcheck
