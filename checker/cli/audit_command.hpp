// SPDX-License-Identifier: MIT
/// \file mmcheck audit NAME... | --tag T: which orderings carry each safe scenario's proof.
#pragma once

#include "settings.hpp"

#include <string>
#include <vector>

namespace mmcheck::cli {

/// Audits the named scenarios, or every safe scenario (with `tag`: every safe one with it).
/// `per_site_time_limit`: seconds per weakened exploration (0: none). Exit code 0 when every
/// site was decided, 5 when a limit cut one, 10 when a named scenario is not safe.
int cmd_audit(const Settings& s, const std::vector<std::string>& names, const std::string& tag,
              double per_site_time_limit, unsigned jobs);

}  // namespace mmcheck::cli
