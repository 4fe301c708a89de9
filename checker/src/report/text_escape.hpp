// SPDX-License-Identifier: MIT
/// \file Control characters made visible: a name or value from an input file or the command
/// line that is echoed in a message must not move the cursor, recolour the terminal or split
/// the one-line error in two.
#pragma once

#include <string>
#include <string_view>

namespace mmcheck {

/// `s` with every control character (0x00-0x1f, 0x7f) written as \n, \t, \r or \xHH, and a
/// backslash as itself; other bytes (UTF-8 included) unchanged.
std::string escape_for_message(std::string_view s);

}  // namespace mmcheck
