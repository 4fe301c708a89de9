// SPDX-License-Identifier: MIT
/// \file Field-by-field validation of JSON input (scenarios, traces) that turns the first
/// problem into one line: "FILE: field 'a.b[2]': what is wrong, expected what". Internal to
/// the report library.
#pragma once

#include "report/scenario.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mmcheck::detail {

/// "an integer", "a string", ... for messages.
const char* json_type_name(const nlohmann::json& j);

/// "line L, column C" of a byte offset, for parse errors.
std::string line_column(const std::string& text, std::size_t byte);

class FieldErrors {
public:
    explicit FieldErrors(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& what) const;
    [[noreturn]] void fail_file(const std::string& what) const;

    /// Parses `text` as one JSON document, or fails naming the position.
    [[nodiscard]] nlohmann::json parse(const std::string& text) const;

    void expect_type(const nlohmann::json& j, const std::string& field, bool ok, const char* expected) const;
    /// Fails when `obj` lacks `key`; returns the value otherwise.
    const nlohmann::json& required(const nlohmann::json& obj, const std::string& prefix, const char* key) const;
    /// Rejects keys outside `allowed`, naming the allowed ones (typos are the usual cause).
    void only_keys(const nlohmann::json& obj, const std::string& prefix, const std::vector<std::string>& allowed) const;
    std::int64_t integer(const nlohmann::json& j, const std::string& field, std::int64_t lo, std::int64_t hi) const;
    std::string string(const nlohmann::json& j, const std::string& field, bool nonempty = true) const;
    bool boolean(const nlohmann::json& j, const std::string& field) const;

private:
    std::string file_;
};

}  // namespace mmcheck::detail
