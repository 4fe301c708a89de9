// SPDX-License-Identifier: MIT
/// \file Progress of one exploration on stderr: nothing for short runs, then executions so far,
/// rate and elapsed time, redrawn in place on a terminal and as a plain line every few seconds
/// otherwise (CI logs); always a final statistics line unless quiet.
#pragma once

#include "explore/result.hpp"
#include "report/statistics.hpp"

#include <chrono>
#include <string>

namespace mmcheck::cli {

class Progress {
public:
    /// `name`: what runs (a scenario name); `enabled`: false with --quiet.
    Progress(std::string name, bool enabled);

    /// Called by the explorer about every progress interval.
    void update(const ExploreStats& s);
    /// Erases a line drawn in place (before other output on the terminal).
    void clear();
    /// Ends the progress display and writes the final statistics line (counting an execution
    /// that a violation ended as "violating", see report/statistics.hpp).
    void finish(const ExploreResult& r, const std::string& verdict);

    /// How often the explorer should call update().
    static constexpr double kInterval = 0.5;

private:
    std::string name_;
    bool enabled_;
    bool tty_;
    bool drawn_ = false;          ///< a line is drawn in place and must be cleared
    double last_plain_ = 0;       ///< elapsed seconds at the last plain line
};

}  // namespace mmcheck::cli
