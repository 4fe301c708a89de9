// SPDX-License-Identifier: MIT
/// \file Progress lines.
#include "progress.hpp"

#include "report/text_escape.hpp"

#include <iostream>

#include <unistd.h>

namespace mmcheck::cli {
namespace {

/// Runs shorter than this print no progress: a line that appears and vanishes is noise.
constexpr double kQuietStart = 2.0;
/// Off a terminal, one line this often keeps CI logs alive without flooding them.
constexpr double kPlainEvery = 5.0;

}  // namespace

Progress::Progress(std::string name, bool enabled)
    : name_(escape_for_message(name)), enabled_(enabled), tty_(::isatty(STDERR_FILENO) == 1) {}

void Progress::update(const ExploreStats& s) {
    if (!enabled_ || s.seconds < kQuietStart) return;
    const std::string line = "mmcheck: " + name_ + ": " + stats_text(execution_counts(s), s) + " ...";
    if (tty_) {
        std::cerr << "\r\033[K" << line << std::flush;
        drawn_ = true;
    } else if (s.seconds - last_plain_ >= kPlainEvery || last_plain_ == 0) {
        std::cerr << line << '\n' << std::flush;
        last_plain_ = s.seconds;
    }
}

void Progress::clear() {
    if (drawn_) std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
}

void Progress::finish(const ExploreResult& r, const std::string& verdict) {
    if (!enabled_) return;
    if (drawn_) std::cerr << "\r\033[K";
    std::cerr << "mmcheck: " << name_ << ": " << verdict << "; " << stats_text(execution_counts(r), r.stats) << '\n' << std::flush;
    drawn_ = false;
}

}  // namespace mmcheck::cli
