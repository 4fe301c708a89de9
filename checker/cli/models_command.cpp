// SPDX-License-Identifier: MIT
/// \file `mmcheck models`, `mmcheck new`, `mmcheck run FILE.cpp` (see models_command.hpp).
#include "models_command.hpp"

#include "commands.hpp"
#include "exit_codes.hpp"
#include "model_source.hpp"
#include "project_root.hpp"

#include "report/file_io.hpp"
#include "report/scenario.hpp"

#include <mmcheck/registry.hpp>

#include <nlohmann/json.hpp>

#include <iostream>

namespace mmcheck::cli {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The skeleton `mmcheck new` writes; @NAME@ and @CLASS@ are replaced.
constexpr const char* kModelSkeleton = R"SKEL(// SPDX-License-Identifier: MIT
/// \file @NAME@: ONE LINE SAYING WHICH PROTOCOL THIS CHECKS AND WHICH KERNEL CODE IT MIRRORS.
/// Written by `mmcheck new @NAME@`: an example protocol (a writer publishes data behind a
/// flag) whose comments teach the model API. Replace it with yours. The API is in
/// <mmcheck/model.hpp> and <mmcheck/kernel.hpp>; the guide is docs/own-models.md.
#include <mmcheck/kernel.hpp>    // READ_ONCE, WRITE_ONCE, smp_store_release, spinlock_t, ...
#include <mmcheck/registry.hpp>  // MMCHECK_REGISTER_MODEL

using namespace mmcheck;
using namespace mmcheck::kernel;

namespace {

// A model is a class derived from Model. It is constructed afresh for every execution the
// checker explores: members are the shared memory (atomic<T> for marked accesses, var<T>
// for plain ones, where a data race is itself a violation) and the threads' registers.
class @CLASS@ : public Model {
public:
    atomic<int> data{"data", 0};    // the name is what counterexamples show
    atomic<int> ready{"ready", 0};
    int r_ready = 0, r_data = 0;    // registers: per execution, read by final()

    // The threads run concurrently: the checker explores every interleaving and every value
    // each load may read under the memory model (RC11 by default; --model lkmm).
    void threads() override {
        const int value = static_cast<int>(param("value"));  // set by a scenario's "params"
        thread("writer", [this, value] {
            WRITE_ONCE(data, value);
            // A variant is one form of the protocol: the correct one, or a broken one that
            // shows the property is really checked (its scenario expects a violation).
            if (variant_is("correct"))
                smp_store_release(ready, 1);
            else
                WRITE_ONCE(ready, 1);
        });
        thread("reader", [this] {
            r_ready = smp_load_acquire(ready);
            r_data = READ_ONCE(data);
        });
    }

    // final() runs after every thread ended. check(cond, "property") (or check_implies) is
    // the property: an execution where it fails is a counterexample, printed as a timeline.
    // observe() records final values for traces and a scenario's "outcomes" table.
    void final() override {
        observe("reader:ready", r_ready);
        observe("reader:data", r_data);
        check_implies(r_ready == 1, r_data == param("value"), "data published before ready");
    }
};

}  // namespace

// Registration: the name scenarios use, a description, the variants {name, description}
// (the first is the default) and the integer parameters {name, default, min, max,
// description}. Lists with commas go in parentheses (macro arguments split at commas).
MMCHECK_REGISTER_MODEL(@CLASS@, "@NAME@", "@NAME@: a writer publishes data behind a flag (skeleton from mmcheck new)",
                       ({{"correct", "ready is set with smp_store_release after data"},
                         {"broken", "ready is set with WRITE_ONCE: a reader may see ready and stale data"}}),
                       ({{"value", 1, 1, 3, "the value the writer publishes"}}));
)SKEL";

constexpr const char* kScenarioSkeleton = R"SKEL({
  "model": "@NAME@",
  "variant": "correct",
  "params": {"value": 2},
  "description": "@NAME@, correct: a reader that sees ready sees the data (written by mmcheck new; a scenario for the broken variant would expect {\"violation\": \"check\", \"property\": \"data published before ready\"})",
  "source": "models/@NAME@.cpp",
  "tags": ["@NAME@"],
  "expect": "safe"
}
)SKEL";

std::string fill(std::string text, const std::string& name, const std::string& cls) {
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"@NAME@", name}, {"@CLASS@", cls}})
        for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    return text;
}

}  // namespace

bool is_model_file(const std::string& arg) {
    return ends_with(arg, ".cpp") || ends_with(arg, ".cc") || ends_with(arg, ".cxx");
}

int cmd_models(const Settings& s) {
    const auto& all = ModelRegistry::instance().all();
    if (s.format == Format::Json) {
        ordered_json models = ordered_json::array();
        for (const auto& m : all) {
            ordered_json variants = ordered_json::array(), params = ordered_json::array();
            for (const auto& v : m.variants) variants.push_back({{"name", v.name}, {"description", v.description}});
            for (const auto& p : m.params)
                params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max},
                                  {"description", p.description}});
            models.push_back({{"name", m.name}, {"description", m.description}, {"variants", variants}, {"params", params}});
        }
        std::cout << ordered_json{{"schema", "mmcheck.models/1"}, {"models", models}}.dump(2) << '\n';
        return exit_code::kOk;
    }
    for (const auto& m : all) {
        std::cout << m.name << ": " << m.description << '\n';
        std::cout << "  variants (first is the default):\n";
        for (const auto& v : m.variants) std::cout << "    " << v.name << (v.description.empty() ? "" : "  " + v.description) << '\n';
        if (!m.params.empty()) std::cout << "  parameters (default, range):\n";
        for (const auto& p : m.params)
            std::cout << "    " << p.name << " = " << p.default_value << "  [" << p.min << ".." << p.max << "]"
                      << (p.description.empty() ? "" : "  " + p.description) << '\n';
    }
    return exit_code::kOk;
}

int cmd_run_model_file(const Settings& s, const std::string& file, const std::string& variant,
                       const std::vector<std::string>& params) {
    ordered_json given = ordered_json::object();
    for (const auto& kv : params) {
        const auto eq = kv.find('=');
        std::size_t used = 0;
        long long v = 0;
        bool ok = eq != std::string::npos && eq > 0 && eq + 1 < kv.size();
        if (ok) {
            try {
                v = std::stoll(kv.substr(eq + 1), &used);
                ok = used == kv.size() - eq - 1;
            } catch (const std::exception&) {
                ok = false;
            }
        }
        if (!ok) throw UsageError("--param '" + kv + "': expected NAME=INTEGER");
        given[kv.substr(0, eq)] = v;
    }
    const std::vector<std::string> models = load_model_source(file, s.quiet);
    const ModelRegistry& reg = ModelRegistry::instance();
    std::vector<Scenario> scenarios;
    for (const auto& m : models) {
        const ModelInfo* info = reg.find(m);
        // The scenario a file run stands for, validated like a scenario file: an unknown
        // variant or parameter, or a value out of range, is one line naming the file.
        ordered_json sc{{"model", m}, {"variant", variant.empty() ? info->variants.front().name : variant},
                        {"params", given}, {"description", info->description}, {"source", file}, {"expect", "safe"}};
        const std::string name = m + "/" + sc["variant"].get<std::string>();
        scenarios.push_back(parse_scenario(sc.dump(2), name, file, reg));
    }
    return run_scenarios(s, scenarios);
}

int cmd_new(const std::string& root_option, const std::string& name) {
    bool ok = !name.empty() && name.size() <= 64 && name[0] >= 'a' && name[0] <= 'z';
    for (const char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) throw UsageError("new: '" + name + "' is not a model name (lower case letters, digits and _, starting with a letter)");
    if (ModelRegistry::instance().find(name) != nullptr)
        throw InputError("new: a model named \"" + name + "\" is already registered (see mmcheck models)");
    fs::path root;
    if (!root_option.empty()) {
        root = root_option;
    } else {
        const ProjectPaths p = find_project("", "");
        root = p.scenarios.empty() ? fs::path(".") : p.root;
    }
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw InputError("new: --root " + root.string() + ": no such folder");
    std::string cls = "Model_";
    for (const char c : name) cls += c;  // a valid identifier: letters, digits, _
    const fs::path model = (root / "models" / (name + ".cpp")).lexically_normal();
    const fs::path scenario = (root / "scenarios" / name / "correct.json").lexically_normal();
    for (const auto& f : {model, scenario})
        if (fs::exists(f, ec)) throw InputError("new: " + f.string() + " already exists; nothing written");
    fs::create_directories(model.parent_path(), ec);
    fs::create_directories(scenario.parent_path(), ec);
    write_file_atomically(model, fill(kModelSkeleton, name, cls));
    write_file_atomically(scenario, fill(kScenarioSkeleton, name, cls));
    std::cout << "wrote " << model.string() << "\nwrote " << scenario.string() << '\n';
    // In mmcheck's own tree every models/*.cpp is built into mmcheck (models/CMakeLists.txt).
    const fs::path in_tree = root / "models" / "CMakeLists.txt";
    const bool mmcheck_tree = fs::exists(in_tree, ec) && read_text_file(in_tree).find("mmcheck_models") != std::string::npos;
    if (mmcheck_tree)
        std::cout << "next: cmake --build --preset release, then mmcheck check " << name << "/correct\n";
    else
        std::cout << "next: mmcheck check --model-source " << model.string() << ' ' << name
                  << "/correct, or add " << model.string() << " to mmcheck_add_checker(... SOURCES ...)\n";
    return exit_code::kOk;
}

}  // namespace mmcheck::cli
