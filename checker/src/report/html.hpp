// SPDX-License-Identifier: MIT
/// \file A counterexample as one self-contained HTML page for review: inline SVG and CSS, no
/// script, nothing fetched. One column per thread headed by its name, one row per event in
/// the timeline's order with its step label and source line; rf arrows from each write to
/// its readers, co order per location, fr edges of stale reads highlighted, sw (and the hb
/// they create) on request, the violation and the final state below.
///
/// The DOM is part of the contract (a test counts it in a real browser): each thread column
/// is a `<g class="thread" data-thread="N">`, each event a `<g class="event" data-seq="N">`,
/// each rf edge from a write event a `<path class="edge rf">` (reads from the initial value
/// are marked "init" in the event's text, there being no write box to start from), co edges
/// `class="edge co"`, fr edges `class="edge fr"` (from a read to the co-successor of the write
/// it read, the write it missed; `class="edge fr stale"` for a stale read), sw edges
/// `class="edge sw"`.
#pragma once

#include "report/trace.hpp"

#include <string>
#include <vector>

namespace mmcheck {

struct HtmlOptions {
    bool hb = false;  ///< draw sw edges (release -> acquire synchronisation, which makes hb)
};

std::string render_html(const Trace& t, const HtmlOptions& options = {});

/// One line of `check --html`'s index page.
struct HtmlIndexEntry {
    std::string scenario;
    std::string status;    ///< "pass", "mismatch", "inconclusive", "error"
    std::string expected;
    std::string actual;
    std::string page;      ///< relative link to the counterexample's page, or empty
};
std::string render_html_index(const std::vector<HtmlIndexEntry>& entries);

}  // namespace mmcheck
