// SPDX-License-Identifier: MIT
#include "litmus_command.hpp"

#include "exit_codes.hpp"
#include "litmus/format.hpp"
#include "litmus/parser.hpp"
#include "litmus/run.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

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
            if (options.format == "json") {
                out << litmus::format_json(r).dump() << '\n';
            } else {
                if (!first) out << '\n';
                out << litmus::format_text(r);
            }
            out.flush();
            first = false;
            violation = violation || r.differs_from_result_line() || !r.violations.empty();
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
    sub->add_option("--max-executions", opts->max_executions, "Stop each test after this many executions (0: no limit)");
    sub->add_option("--time-limit", opts->time_limit, "Stop each test after this many seconds (0: no limit)");
    sub->add_option("--model", opts->model, "Memory model: rc11 or lkmm (default: LKMM for a test using kernel primitives, RC11 otherwise)")
        ->check(CLI::IsMember({"rc11", "lkmm"}))
        ->type_name("MODEL");
    sub->callback([opts, &exit_code] { exit_code = run_litmus_command(*opts, std::cout, std::cerr); });
}

}  // namespace mmcheck::cli
