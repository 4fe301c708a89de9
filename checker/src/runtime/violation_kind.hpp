// SPDX-License-Identifier: MIT
/// \file What the runtime reports about an execution: the kinds of violation (a closed set,
/// named in checker/src/explore/result.hpp) and the final outcome.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mmcheck {

/// The kinds of violation (closed set; the CLI and scenarios name them by these strings).
enum class ViolationKind : std::uint8_t {
    Check,      ///< a check() failed ("check")
    Race,       ///< a data race on a var<T> ("race")
    Deadlock,   ///< threads wait for mutexes that are never released ("deadlock")
    Stuck,      ///< a thread awaits a condition that can never become true ("stuck")
    Exception,  ///< model code threw ("exception")
    Livelock,   ///< a thread exceeded its event bound ("livelock"; makes the run bounded)
    UseAfterFree,  ///< a kernel object accessed after it was freed ("use-after-free")
    DoubleFree,    ///< a kernel object freed twice ("double-free")
    LockMisuse, ///< unlock of a mutex the thread does not hold, or a second lock by its holder ("lock-misuse")
};

/// Final values observed by Model::final(), sorted by name: one row of an outcome table.
using Outcome = std::vector<std::pair<std::string, std::int64_t>>;

}  // namespace mmcheck
