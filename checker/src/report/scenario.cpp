// SPDX-License-Identifier: MIT
/// \file Scenario loading and validation: every problem becomes one line naming the file and
/// the field, what is wrong and what was expected, because a CI log shows nothing else.
#include "report/scenario.hpp"

#include "report/file_io.hpp"
#include "report/json_fields.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cstdio>

namespace mmcheck {
namespace {

using nlohmann::json;
using detail::FieldErrors;
using detail::json_type_name;

OutcomeClass parse_class(const FieldErrors& err, const json& j, const std::string& field) {
    const std::string s = err.string(j, field);
    if (s == "acceptable") return OutcomeClass::Acceptable;
    if (s == "interesting") return OutcomeClass::Interesting;
    if (s == "forbidden") return OutcomeClass::Forbidden;
    err.fail(field, "value \"" + s + "\" is not a class, expected acceptable, interesting or forbidden");
}

Expectation parse_expect(const FieldErrors& err, const json& j, const std::string& field) {
    Expectation e;
    if (j.is_string()) {
        if (j.get<std::string>() != "safe")
            err.fail(field, "value " + j.dump() + " is not an expectation, expected \"safe\" or {\"violation\": KIND, ...}");
        return e;
    }
    err.expect_type(j, field, j.is_object(), "\"safe\" or an object {\"violation\": KIND, \"property\": NAME}");
    err.only_keys(j, field + ".", {"violation", "property"});
    if (!j.contains("violation")) err.fail(field + ".violation", "missing, expected a violation kind");
    const std::string kind = err.string(j["violation"], field + ".violation");
    const auto k = parse_violation_kind(kind);
    if (!k)
        err.fail(field + ".violation", "value \"" + kind +
                                         "\" is not a violation kind, expected check, race, deadlock, stuck, exception, livelock, use-after-free, double-free or lock-misuse");
    e.safe = false;
    e.kind = *k;
    if (j.contains("property")) {
        if (e.kind != ViolationKind::Check)
            err.fail(field + ".property", "only a violation of kind check names a property");
        e.property = err.string(j["property"], field + ".property");
    } else if (e.kind == ViolationKind::Check) {
        err.fail(field + ".property", "missing, expected the name of the check that fails");
    }
    return e;
}

void parse_limits(const FieldErrors& err, const json& l, const std::string& field, ScenarioLimits& out) {
    err.expect_type(l, field, l.is_object(), "an object");
    err.only_keys(l, field + ".", {"max_executions", "time_limit", "max_events_per_thread"});
    if (l.contains("max_executions"))
        out.max_executions = static_cast<std::uint64_t>(err.integer(l["max_executions"], field + ".max_executions", 0, INT64_MAX));
    if (l.contains("time_limit")) {
        const json& t = l["time_limit"];
        err.expect_type(t, field + ".time_limit", t.is_number(), "a number of seconds");
        out.time_limit = t.get<double>();
        if (out.time_limit < 0) err.fail(field + ".time_limit", "value " + t.dump() + " is negative, expected seconds >= 0");
    }
    if (l.contains("max_events_per_thread"))
        out.max_events_per_thread = static_cast<std::uint32_t>(
            err.integer(l["max_events_per_thread"], field + ".max_events_per_thread", 1, 0xFFFF));
}

OutcomeTable parse_outcomes(const FieldErrors& err, const json& j) {
    OutcomeTable t;
    err.expect_type(j, "outcomes", j.is_object(), "an object with acceptable, interesting, forbidden, default");
    err.only_keys(j, "outcomes.", {"acceptable", "interesting", "forbidden", "default"});
    // File order of the classes is not kept by nlohmann::json; a fixed order (forbidden
    // first) makes the first-match rule independent of how the file is written.
    const std::pair<const char*, OutcomeClass> classes[] = {{"forbidden", OutcomeClass::Forbidden},
                                                            {"interesting", OutcomeClass::Interesting},
                                                            {"acceptable", OutcomeClass::Acceptable}};
    for (const auto& [key, cls] : classes) {
        if (!j.contains(key)) continue;
        const std::string field = std::string("outcomes.") + key;
        const json& list = j[key];
        err.expect_type(list, field, list.is_array(), "an array of objects such as {\"1:r0\": 1}");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string f = field + "[" + std::to_string(i) + "]";
            err.expect_type(list[i], f, list[i].is_object() && !list[i].empty(),
                            "a non-empty object of observed names and integer values");
            OutcomePattern p;
            p.cls = cls;
            for (const auto& [name, value] : list[i].items())
                p.values[name] = err.integer(value, f + "." + name, INT64_MIN, INT64_MAX);
            t.patterns.push_back(std::move(p));
        }
    }
    if (j.contains("default")) t.fallback = parse_class(err, j["default"], "outcomes.default");
    return t;
}

}  // namespace

const char* outcome_class_name(OutcomeClass c) {
    switch (c) {
        case OutcomeClass::Acceptable: return "acceptable";
        case OutcomeClass::Interesting: return "interesting";
        case OutcomeClass::Forbidden: return "forbidden";
    }
    return "?";
}

bool Scenario::has_tag(std::string_view t) const {
    return std::find(tags.begin(), tags.end(), t) != tags.end();
}

std::string Scenario::run_name() const {
    if (memory_model == MemoryModelKind::RC11) return name;
    return name + "." + memory_model_name(memory_model);
}

bool Scenario::names_model(MemoryModelKind m) const {
    return std::any_of(models.begin(), models.end(), [m](const ModelExpectation& e) { return e.model == m; });
}

Scenario Scenario::under(MemoryModelKind m) const {
    Scenario s = *this;
    s.memory_model = m;
    const ModelExpectation* e = models.empty() ? nullptr : &models.front();
    for (const auto& x : models)
        if (x.model == m) e = &x;
    if (e != nullptr) {
        s.expect = e->expect;
        s.limits = e->limits;
    }
    return s;
}

std::string expectation_text(const Expectation& e) {
    if (e.safe) return "safe";
    std::string s = std::string("violation (") + violation_kind_name(e.kind);
    if (!e.property.empty()) s += ": " + e.property;
    return s + ")";
}

std::string fnv1a_hex(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return std::string("fnv1a64:") + buf;
}

Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& display_path, const ModelRegistry& registry) {
    const FieldErrors err(display_path.string());
    const json j = err.parse(text);
    if (!j.is_object()) err.fail_file(std::string("is ") + json_type_name(j) + ", expected a JSON object");
    err.only_keys(j, "", {"model", "variant", "params", "description", "source", "tags", "limits", "expect", "models", "outcomes"});

    Scenario s;
    s.name = name;
    s.file = display_path;
    // The hash covers the parsed content, so reformatting a file does not change it.
    s.hash = fnv1a_hex(j.dump());

    for (const char* required : {"model", "description", "source"})
        if (!j.contains(required)) err.fail(required, "missing, this field is required");
    if (!j.contains("expect") && !j.contains("models"))
        err.fail("expect", "missing, this field is required (or \"models\" with an expect per memory model)");
    if (j.contains("expect") && j.contains("models"))
        err.fail("models", "given with a top-level 'expect', expected the expectation in one place: move it into models.rc11");

    s.model = err.string(j["model"], "model");
    const ModelInfo* info = registry.find(s.model);
    if (info == nullptr) {
        std::string known;
        for (const auto& m : registry.all()) known += (known.empty() ? "" : ", ") + m.name;
        err.fail("model", "unknown model \"" + s.model + "\", expected one of: " + (known.empty() ? "(none registered)" : known));
    }
    s.variant = info->variants.front().name;
    if (j.contains("variant")) {
        s.variant = err.string(j["variant"], "variant");
        if (info->find_variant(s.variant) == nullptr) {
            std::string known;
            for (const auto& v : info->variants) known += (known.empty() ? "" : ", ") + v.name;
            err.fail("variant", "model \"" + s.model + "\" has no variant \"" + s.variant + "\", expected one of: " + known);
        }
    }
    for (const auto& p : info->params) s.params[p.name] = p.default_value;
    if (j.contains("params")) {
        const json& params = j["params"];
        err.expect_type(params, "params", params.is_object(), "an object of integer parameters");
        for (const auto& [key, value] : params.items()) {
            const ParamInfo* p = info->find_param(key);
            if (p == nullptr) {
                std::string known;
                for (const auto& q : info->params) known += (known.empty() ? "" : ", ") + q.name;
                err.fail("params." + key, "model \"" + s.model + "\" has no such parameter, expected one of: " +
                                              (known.empty() ? "(none)" : known));
            }
            s.params[key] = err.integer(value, "params." + key, p->min, p->max);
        }
    }
    s.description = err.string(j["description"], "description");
    s.source = err.string(j["source"], "source");
    if (j.contains("tags")) {
        const json& tags = j["tags"];
        err.expect_type(tags, "tags", tags.is_array(), "an array of strings");
        for (std::size_t i = 0; i < tags.size(); ++i)
            s.tags.push_back(err.string(tags[i], "tags[" + std::to_string(i) + "]"));
    }
    if (j.contains("limits")) parse_limits(err, j["limits"], "limits", s.limits);
    if (j.contains("expect")) {
        s.expect = parse_expect(err, j["expect"], "expect");
        s.models.push_back(ModelExpectation{MemoryModelKind::RC11, s.expect, s.limits});
    } else {
        const json& m = j["models"];
        err.expect_type(m, "models", m.is_object() && !m.empty(),
                        "a non-empty object such as {\"rc11\": {\"expect\": \"safe\"}, \"lkmm\": {...}}");
        err.only_keys(m, "models.", {"rc11", "lkmm"});
        // A fixed order (rc11, then lkmm): the file's key order is not kept by the parser.
        for (const char* key : {"rc11", "lkmm"}) {
            if (!m.contains(key)) continue;
            const std::string f = std::string("models.") + key;
            const json& e = m[key];
            err.expect_type(e, f, e.is_object(), "an object {\"expect\": ..., \"limits\": {...}}");
            err.only_keys(e, f + ".", {"expect", "limits"});
            if (!e.contains("expect")) err.fail(f + ".expect", "missing, this field is required");
            ModelExpectation me;
            me.model = *parse_memory_model(key);
            me.expect = parse_expect(err, e["expect"], f + ".expect");
            me.limits = s.limits;
            if (e.contains("limits")) parse_limits(err, e["limits"], f + ".limits", me.limits);
            s.models.push_back(std::move(me));
        }
        s.memory_model = s.models.front().model;
        s.expect = s.models.front().expect;
        s.limits = s.models.front().limits;
    }
    if (j.contains("outcomes")) s.outcomes = parse_outcomes(err, j["outcomes"]);
    return s;
}

Scenario load_scenario(const std::filesystem::path& root, const std::string& name,
                       const ModelRegistry& registry) {
    // Names are paths under the root; refusing ".." keeps a name from escaping it.
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/')
        throw InputError("unknown scenario \"" + name + "\": expected a name such as litmus/mp-rlx (see mmcheck list)");
    const std::filesystem::path file = root / (name + ".json");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw InputError("unknown scenario \"" + name + "\": no file " + file.string() + " (see mmcheck list)");
    return parse_scenario(read_text_file(file), name, file, registry);
}

std::vector<std::string> list_scenario_names(const std::filesystem::path& root) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) return names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        std::filesystem::path rel = std::filesystem::relative(entry.path(), root);
        rel.replace_extension();
        names.push_back(rel.generic_string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace mmcheck
