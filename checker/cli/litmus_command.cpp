// SPDX-License-Identifier: MIT
#include "litmus_command.hpp"

#include "exit_codes.hpp"
#include "numeric_option.hpp"
#include "litmus/format.hpp"
#include "litmus/parser.hpp"
#include "litmus/run.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace mmcheck::cli {
namespace {

namespace fs = std::filesystem;

// A directory contributes its *.litmus files (recursively, sorted, so runs are reproducible).
std::vector<fs::path> collect(const std::vector<std::string>& paths) {
    std::vector<fs::path> files;
    for (const std::string& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> found;
            for (const auto& entry : fs::recursive_directory_iterator(p))
                if (entry.is_regular_file() && entry.path().extension() == ".litmus") found.push_back(entry.path());
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.emplace_back(p);
        }
    }
    return files;
}

}  // namespace

int run_litmus_command(const LitmusCommandOptions& options, std::ostream& out, std::ostream& err) {
    if (options.format != "text" && options.format != "json") {
        err << "mmcheck litmus: --format must be text or json\n";
        return exit_code::kUsage;
    }
    std::optional<MemoryModelKind> model;
    if (!options.model.empty()) model = parse_memory_model(options.model);
    const std::vector<fs::path> files = collect(options.paths);
    if (files.empty()) {
        err << "mmcheck litmus: no .litmus file found\n";
        return exit_code::kBadInput;
    }
    // Each file is parsed and run on its own: a file that is rejected gives its one
    // `file:line:column: message` line on stderr and the others still run (a corpus run
    // reports every rejection); the exit code is then 2.
    bool rejected = false;
    bool violation = false;
    bool bounded = false;
    bool first = true;
    litmus::LitmusRunOptions ro;
    ro.max_executions = options.max_executions;
    ro.time_limit_seconds = options.time_limit;
    ro.model = model;
    for (const fs::path& f : files) {
        try {
            auto test = std::make_shared<const litmus::LitmusTest>(litmus::load_litmus_file(f, model));
            const litmus::LitmusResult r = litmus::run_litmus(test, ro);
            if (!r.errors.empty()) {
                // The test fails at run time: bad input, one line, and no verdict.
                err << r.errors.front() << '\n';
                rejected = true;
                continue;
            }
            if (options.format == "json") {
                // Invalid UTF-8 in a name is replaced rather than aborting the dump.
                out << litmus::format_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            } else {
                if (!first) out << '\n';
                out << litmus::format_text(r);
            }
            out.flush();
            first = false;
            // The event bound (a livelock "violation") is a limit, not a property: inconclusive.
            const bool real = std::any_of(r.violations.begin(), r.violations.end(),
                                          [](const std::string& v) { return v.rfind("livelock:", 0) != 0; });
            violation = violation || r.differs_from_result_line() || real;
            bounded = bounded || !r.exhaustive;
        } catch (const litmus::LitmusError& e) {
            err << e.what() << '\n';
            rejected = true;
        } catch (const std::exception& e) {
            err << "mmcheck litmus: internal error: " << f.string() << ": " << e.what() << '\n';
            return exit_code::kInternal;
        }
    }
    if (rejected) return exit_code::kBadInput;
    if (violation) return exit_code::kViolation;
    if (bounded) return exit_code::kInconclusive;
    return exit_code::kOk;
}

void add_litmus_subcommand(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<LitmusCommandOptions>();
    CLI::App* sub = app.add_subcommand(
        "litmus", "Run herd7 C litmus tests (C11 atomics and kernel primitives) under RC11 or LKMM and print herd-style results");
    sub->add_option("paths", opts->paths, "Litmus files, or directories holding *.litmus files")->required();
    sub->add_option("--format", opts->format, "Output: text (herd7 style) or json (one object per line and test)")
        ->check(CLI::IsMember({"text", "json"}));
    // Numbers as text, range-checked like every other verb's (numeric_option.hpp): exit 2.
    auto max_text = std::make_shared<std::optional<std::string>>();
    auto time_text = std::make_shared<std::optional<std::string>>();
    sub->add_option("--max-executions", *max_text, "Stop each test after this many executions (0: no limit)")->type_name("N");
    sub->add_option("--time-limit", *time_text, "Stop each test after this many seconds (0: no limit)")->type_name("SECONDS");
    sub->add_option("--model", opts->model, "Memory model: rc11 or lkmm (default: LKMM for a test using kernel primitives, RC11 otherwise)")
        ->check(CLI::IsMember({"rc11", "lkmm"}))
        ->type_name("MODEL");
    sub->callback([opts, max_text, time_text, &exit_code] {
        if (*max_text) opts->max_executions = parse_count("--max-executions", **max_text, 0, 1'000'000'000'000'000'000ULL);
        if (*time_text) opts->time_limit = parse_seconds("--time-limit", **time_text);
        exit_code = run_litmus_command(*opts, std::cout, std::cerr);
    });
}

}  // namespace mmcheck::cli
