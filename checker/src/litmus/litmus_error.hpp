// SPDX-License-Identifier: MIT
/// \file The one error type of the litmus front end: a position in a litmus file and a message.
/// Library code never prints; the CLI prints what() (control characters escaped) as a single `file:line:column: message`
/// line, the form editors and compilers use, so a user can jump straight to the problem.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mmcheck::litmus {

/// `text` safe to print on a terminal: every byte outside printable ASCII (control characters,
/// escape sequences, DEL, bytes of other encodings) becomes `\xNN`, so a file or test name can
/// never drive the user's terminal.
inline std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

/// A 1-based line and column in a litmus file.
struct SourcePos {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

/// A litmus file that cannot be read, is malformed, or uses something mmcheck does not model.
class LitmusError : public std::runtime_error {
public:
    LitmusError(std::string file, SourcePos pos, std::string message)
        : std::runtime_error(printable(file) + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                             ": " + printable(message)),
          file_(std::move(file)), pos_(pos), message_(std::move(message)) {}

    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] std::uint32_t line() const { return pos_.line; }
    [[nodiscard]] std::uint32_t column() const { return pos_.column; }
    /// The message without the position.
    [[nodiscard]] const std::string& message() const { return message_; }

private:
    std::string file_;
    SourcePos pos_;
    std::string message_;
};

}  // namespace mmcheck::litmus
