// SPDX-License-Identifier: MIT
/// \file The counterexample as a Graphviz graph of the execution: one column per thread headed
/// by its name, the columns pinned side by side with one rank per timeline row (newrank), and po (black), rf
/// (green), mo (orange, coherence), fr (red: from a read to the mo-successor of the write it
/// read; bold for a stale read) and sw (blue, dashed) edges.
#pragma once

#include "report/trace.hpp"

#include <string>

namespace mmcheck {

/// A `digraph` in DOT syntax. sw edges are drawn for rf edges whose write is a release (or
/// follows a release fence in its thread) and whose read is an acquire (or precedes an
/// acquire fence); release sequences through RMWs are not drawn.
std::string render_dot(const Trace& t);

}  // namespace mmcheck
