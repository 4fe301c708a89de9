// SPDX-License-Identifier: MIT
/// \file std::source_location for clang 14 with libstdc++ 12, force-included (-include) by the
/// `fuzz` preset only. libstdc++'s <source_location> needs __builtin_source_location, which
/// clang has only from version 15, so under clang 14 the header is empty; this stand-in gives
/// the same interface from the older __builtin_FILE/LINE/FUNCTION/COLUMN, evaluated at the
/// call site like the real one. g++ builds never see this file.
#pragma once

#include <version>

#if defined(__clang__) && !defined(__cpp_lib_source_location)
#include <cstdint>
namespace std {
struct source_location {
    static constexpr source_location current(const char* file = __builtin_FILE(), const char* function = __builtin_FUNCTION(),
                                             std::uint_least32_t line = __builtin_LINE(),
                                             std::uint_least32_t column = __builtin_COLUMN()) noexcept {
        source_location s;
        s.file_ = file;
        s.function_ = function;
        s.line_ = line;
        s.column_ = column;
        return s;
    }
    constexpr source_location() noexcept = default;
    [[nodiscard]] constexpr std::uint_least32_t line() const noexcept { return line_; }
    [[nodiscard]] constexpr std::uint_least32_t column() const noexcept { return column_; }
    [[nodiscard]] constexpr const char* file_name() const noexcept { return file_; }
    [[nodiscard]] constexpr const char* function_name() const noexcept { return function_; }

private:
    const char* file_ = "";
    const char* function_ = "";
    std::uint_least32_t line_ = 0;
    std::uint_least32_t column_ = 0;
};
}  // namespace std
#endif
