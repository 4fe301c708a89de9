// SPDX-License-Identifier: MIT
/// \file The counterexample as a timeline in the style of the kernel mailing lists: one column
/// per thread, time going down, one row per event, reads annotated with the write they read
/// from and stale reads marked. Plain text, deterministic (it is committed under results/).
#pragma once

#include "report/trace.hpp"

#include <string>

namespace mmcheck {

/// The text of one event as a timeline cell, e.g. "flag.load(acq) = 1  <- #2".
std::string event_cell_text(const Trace& t, const TraceEvent& e);

/// The whole timeline: header, violation, table, final outcome and locations.
std::string render_timeline(const Trace& t);

}  // namespace mmcheck
