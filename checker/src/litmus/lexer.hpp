// SPDX-License-Identifier: MIT
/// \file Tokens of a herd7 C litmus file. Comments are kept aside because one of them may carry
/// the `Result:` line that the kernel's tests use to state their expected verdict.
#pragma once

#include "litmus/litmus_error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmcheck::litmus {

struct Token {
    enum class Kind : std::uint8_t { Ident, Int, Punct, End };
    Kind kind = Kind::End;
    std::string text;
    std::int64_t value = 0;
    SourcePos pos;
};

struct Comment {
    std::string text;
    SourcePos pos;
};

struct LexedFile {
    std::string test_name;  ///< the word after the leading `C`
    SourcePos name_pos;
    std::vector<Token> tokens;  ///< ends with an End token
    std::vector<Comment> comments;
};

/// Splits `text` into tokens. `(* ... *)` (nested, as in OCaml) and C comments are skipped;
/// `(*` followed by an identifier or `(` is C code (`(*p)`), not a comment. Braces, brackets
/// and parentheses must balance. Throws LitmusError.
LexedFile lex(std::string_view text, const std::string& file);

}  // namespace mmcheck::litmus
