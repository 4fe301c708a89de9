// SPDX-License-Identifier: MIT
/// \file One-line field errors for JSON input.
#include "report/json_fields.hpp"

#include "report/text_escape.hpp"

#include <algorithm>
#include <climits>

namespace mmcheck::detail {

using nlohmann::json;

const char* json_type_name(const json& j) {
    if (j.is_number_integer()) return "an integer";
    if (j.is_number()) return "a number";
    if (j.is_string()) return "a string";
    if (j.is_boolean()) return "a boolean";
    if (j.is_array()) return "an array";
    if (j.is_object()) return "an object";
    return "null";
}

std::string line_column(const std::string& text, std::size_t byte) {
    std::size_t line = 1, col = 1;
    // nlohmann reports the 1-based offset of the byte after the error, or past the end.
    for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

void FieldErrors::fail(const std::string& field, const std::string& what) const {
    throw InputError(file_ + ": field '" + field + "': " + what);
}

void FieldErrors::fail_file(const std::string& what) const { throw InputError(file_ + ": " + what); }

json FieldErrors::parse(const std::string& text) const {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        // Truncated: nlohmann says "end of input", or (inside a string or literal) reports the
        // token it was reading with the error one past the last byte.
        if (std::string(e.what()).find("end of input") != std::string::npos || e.byte > text.size())
            fail_file("malformed JSON: the document ends early (truncated file?) at " + line_column(text, e.byte));
        fail_file("malformed JSON at " + line_column(text, e.byte) + ": " +
                  (e.byte == 0 || e.byte > text.size() || static_cast<unsigned char>(text[e.byte - 1]) < 0x20
                       ? std::string("unexpected input")
                                                       : "unexpected '" + std::string(1, text[e.byte - 1]) + "'"));
    } catch (const json::out_of_range&) {
        // nlohmann throws this (not parse_error) for a number no double holds, e.g. 1e400;
        // found by fuzz_scenario (fuzz/regressions/scenario/number-overflow.json).
        fail_file("malformed JSON: a number is out of range (larger than a double can hold)");
    }
    // Duplicate keys are rejected, not resolved (nlohmann keeps the last, so a scenario or
    // trace edited by hand could silently say something else than its reader sees). A second
    // pass over the valid document with a callback that sees each key as it is read: one set
    // of keys per open object.
    std::vector<std::vector<std::string>> open;
    std::string duplicate;
    const json::parser_callback_t on_event = [&](int, json::parse_event_t ev, json& parsed) {
        switch (ev) {
            case json::parse_event_t::object_start: open.emplace_back(); break;
            case json::parse_event_t::object_end:
                if (!open.empty()) open.pop_back();
                break;
            case json::parse_event_t::key:
                if (!open.empty() && duplicate.empty()) {
                    auto& keys = open.back();
                    const std::string& k = parsed.get_ref<const std::string&>();
                    if (std::find(keys.begin(), keys.end(), k) != keys.end()) duplicate = k;
                    else keys.push_back(k);
                }
                break;
            default: break;
        }
        return true;
    };
    const json again = json::parse(text, on_event);
    (void)again;
    if (!duplicate.empty()) fail_file("duplicate key '" + escape_for_message(duplicate) + "' in one object");
    return j;
}

void FieldErrors::expect_type(const json& j, const std::string& field, bool ok, const char* expected) const {
    if (!ok) fail(field, std::string("is ") + json_type_name(j) + ", expected " + expected);
}

const json& FieldErrors::required(const json& obj, const std::string& prefix, const char* key) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(prefix + key, "missing, this field is required");
    return *it;
}

void FieldErrors::only_keys(const json& obj, const std::string& prefix, const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(prefix + key, "unknown key, expected one of: " + list);
    }
}

std::int64_t FieldErrors::integer(const json& j, const std::string& field, std::int64_t lo, std::int64_t hi) const {
    expect_type(j, field, j.is_number_integer(), "an integer");
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        fail(field, "value " + j.dump() + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    const std::int64_t v = j.get<std::int64_t>();
    if (v < lo || v > hi)
        fail(field, "value " + j.dump() + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
}

std::string FieldErrors::string(const json& j, const std::string& field, bool nonempty) const {
    expect_type(j, field, j.is_string(), "a string");
    std::string s = j.get<std::string>();
    if (nonempty && s.empty()) fail(field, "is empty, expected a non-empty string");
    return s;
}

bool FieldErrors::boolean(const json& j, const std::string& field) const {
    expect_type(j, field, j.is_boolean(), "a boolean");
    return j.get<bool>();
}

}  // namespace mmcheck::detail
