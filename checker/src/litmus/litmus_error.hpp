// SPDX-License-Identifier: MIT
/// \file The one error type of the litmus front end: a position in a litmus file and a message.
/// Library code never prints; the CLI prints what() as a single `file:line:column: message`
/// line, the form editors and compilers use, so a user can jump straight to the problem.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mmcheck::litmus {

/// A 1-based line and column in a litmus file.
struct SourcePos {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

/// A litmus file that cannot be read, is malformed, or uses something mmcheck does not model.
class LitmusError : public std::runtime_error {
public:
    LitmusError(std::string file, SourcePos pos, std::string message)
        : std::runtime_error(file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                             ": " + message),
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
