// SPDX-License-Identifier: MIT
/// \file The mmcheck command: parses the command line (CLI11) and the environment, runs one
/// subcommand, and turns every failure into one line on stderr and an exit code from
/// exit_codes.hpp. The only place that decides what is printed and how the process ends.
#include "audit_command.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "litmus_command.hpp"
#include "model_source.hpp"
#include "models_command.hpp"
#include "numeric_option.hpp"
#include "output_dir.hpp"
#include "mmcheck_build_info.hpp"
#include "project_root.hpp"
#include "settings.hpp"
#include "signals.hpp"

#include "report/file_io.hpp"
#include "report/scenario.hpp"
#include "report/text_escape.hpp"
#include "runtime/runtime.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace {

using namespace mmcheck;
using namespace mmcheck::cli;

/// Standard output with control characters made visible (\x1b), newlines and tabs kept: a
/// model, thread, location or property name with an escape sequence in it is printed, never
/// obeyed by the terminal. Every verb's text, timelines and --format output go through it
/// (JSON escapes control characters itself).
class EscapingBuf : public std::streambuf {
public:
    explicit EscapingBuf(std::streambuf* out) : out_(out) {}

protected:
    int_type overflow(int_type ch) override {
        if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
        const char c = traits_type::to_char_type(ch);
        return put(c) ? ch : traits_type::eof();
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        std::streamsize i = 0;
        while (i < n) {
            // Runs of ordinary bytes in one call.
            std::streamsize j = i;
            while (j < n && !special(s[j])) ++j;
            if (j > i && out_->sputn(s + i, j - i) != j - i) return i;
            if (j < n && !put(s[j])) return j;
            i = j < n ? j + 1 : j;
        }
        return n;
    }
    int sync() override { return out_->pubsync(); }

private:
    static bool special(char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
    }
    bool put(char c) {
        if (!special(c)) return out_->sputc(c) != traits_type::eof();
        const std::string e = escape_for_message(std::string_view(&c, 1));
        return out_->sputn(e.data(), static_cast<std::streamsize>(e.size())) == static_cast<std::streamsize>(e.size());
    }
    std::streambuf* out_;
};

/// Raw option values as parsed; turned into Settings once the environment is read.
struct RawOptions {
    // Numbers are kept as text and range-checked in resolve() (numeric_option.hpp): CLI11's
    // own conversion wraps "-1" to 2^64-1 and accepts "nan".
    std::optional<std::string> max_executions;
    std::optional<std::string> time_limit;
    std::optional<std::string> stack_size;
    bool all_violations = false;
    std::string model;  ///< --model; empty: not given
    std::string format = "text";
    bool quiet = false;
    std::string results_dir;
    std::string scenarios_dir;
    std::string out_dir;
    std::string root_dir;                    ///< --root
    std::vector<std::string> model_sources;  ///< --model-source FILE.cpp (model_source.hpp)
};

/// The options shared by every command that explores.
void add_run_options(CLI::App* cmd, RawOptions& o) {
    cmd->add_option("--max-executions", o.max_executions,
                    "Stop after N executions (0: no limit); overrides the scenario and $MMCHECK_MAX_EXECUTIONS")
        ->type_name("N");
    cmd->add_option("--time-limit", o.time_limit,
                    "Stop after SECONDS (0: no limit); overrides the scenario and $MMCHECK_TIME_LIMIT. "
                    "Model code that never returns to the checker is stopped one second after it (exit 5)")
        ->type_name("SECONDS");
    cmd->add_option("--stack-size", o.stack_size,
                    "Stack of each model thread, e.g. 1M (default 256K, 64K..1G); a thread that needs more ends the run inconclusive (exit 5)")
        ->type_name("BYTES");
    cmd->add_flag("--all-violations", o.all_violations, "Report every violation (default: stop at the first)");
}

/// --model rc11|lkmm (run, check, replay).
void add_model_option(CLI::App* cmd, RawOptions& o) {
    cmd->add_option("--model", o.model,
                    "Memory model: rc11 (C++11, the default) or lkmm (the Linux-kernel memory model); overrides the scenario's")
        ->check(CLI::IsMember({"rc11", "lkmm"}))
        ->type_name("MODEL");
}

void add_output_options(CLI::App* cmd, RawOptions& o, bool results) {
    cmd->add_option("--format", o.format, "Output on stdout: text, or json (exactly one JSON document)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_flag("-q,--quiet", o.quiet, "Only verdicts on stdout; no progress or statistics on stderr");
    if (results) {
        cmd->add_option("--results", o.results_dir, "Directory of the committed counterexamples (default: results/ next to scenarios/)")
            ->type_name("DIR");
        add_out_option(cmd, o.out_dir);
    }
    cmd->add_option("--scenarios", o.scenarios_dir, "Scenario directory (default: $MMCHECK_SCENARIOS, else scenarios/ in the project)")
        ->type_name("DIR");
    cmd->add_option("--root", o.root_dir, "The project: the folder holding scenarios/ and results/ (default: the nearest "
                                          "folder with a scenarios/ from the current directory upward)")
        ->type_name("DIR");
}

/// --model-source FILE.cpp: models compiled and loaded before the command runs.
void add_model_source_option(CLI::App* cmd, RawOptions& o) {
    cmd->add_option("--model-source", o.model_sources,
                    "Also load the models of this C++ file, compiled like `mmcheck run FILE.cpp` (repeatable)")
        ->type_name("FILE.cpp");
}

constexpr std::uint64_t kMaxCount = 1'000'000'000'000'000'000ULL;  // 10^18: far beyond any run

/// `need_scenarios`: the command reads scenarios/, so a missing one is bad input (exit 2).
Settings resolve(const RawOptions& o, bool need_scenarios = true) {
    Settings s;
    // Precedence: command line, then environment (so CI can set limits without editing
    // scenario files), then the scenario's own limits.
    if (o.max_executions) s.max_executions = parse_count("--max-executions", *o.max_executions, 0, kMaxCount);
    else if (auto e = env_text("MMCHECK_MAX_EXECUTIONS")) s.max_executions = parse_count("environment variable MMCHECK_MAX_EXECUTIONS", *e, 0, kMaxCount);
    if (o.time_limit) s.time_limit = parse_seconds("--time-limit", *o.time_limit);
    else if (auto e = env_text("MMCHECK_TIME_LIMIT")) s.time_limit = parse_seconds("environment variable MMCHECK_TIME_LIMIT", *e);
    if (o.stack_size)
        s.stack_size = parse_bytes("--stack-size", *o.stack_size, Runtime::kMinStackSize, Runtime::kMaxStackSize);
    s.all_violations = o.all_violations;
    if (!o.model.empty()) s.model = parse_memory_model(o.model);
    s.format = o.format == "json" ? Format::Json : Format::Text;
    s.quiet = o.quiet;
    // The project is found from the current directory (project_root.hpp), never from the
    // source tree this mmcheck was built in.
    const ProjectPaths project = find_project(o.root_dir, o.scenarios_dir);
    if (need_scenarios && project.scenarios.empty()) throw InputError(project.not_found);
    s.scenarios_dir = project.scenarios;
    if (!o.results_dir.empty()) s.results_dir = o.results_dir;
    else if (!project.scenarios.empty()) s.results_dir = project.scenarios.parent_path() / "results";
    if (s.results_dir.empty() && !project.scenarios.empty()) s.results_dir = "results";
    s.source_root = project.root.string();
    s.build_source_root = MMCHECK_BUILD_SOURCE_DIR;
    s.out_dir = resolve_output_dir(o.out_dir, project.root);
    for (const auto& f : o.model_sources) load_model_source(f, o.quiet);
    return s;
}

/// `models` needs no project: only the format and the model files to load.
Settings resolve_models(const RawOptions& o) {
    Settings s;
    s.format = o.format == "json" ? Format::Json : Format::Text;
    for (const auto& f : o.model_sources) load_model_source(f, o.quiet);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mmcheck: exhaustive model checking of Linux memory-management protocols under RC11.\n"
                 "Exit codes: 0 as expected, 10 violation or mismatch, 5 inconclusive (limit hit),\n"
                 "1 usage error, 2 bad input, 6 internal error, 128+N interrupted by signal N (130 SIGINT, 143 SIGTERM).",
                 "mmcheck"};
    app.set_version_flag("--version", std::string("mmcheck ") + tool_version());
    app.require_subcommand(1);
    app.fallthrough(false);

    install_signal_handlers();
    EscapingBuf escaping(std::cout.rdbuf());
    std::streambuf* const plain_stdout = std::cout.rdbuf(&escaping);
    struct RestoreStdout {
        std::streambuf* buf;
        ~RestoreStdout() {
            std::cout.flush();
            std::cout.rdbuf(buf);
        }
    } restore{plain_stdout};
    RawOptions o;
    std::string tag, junit, file, explain_format = "text";
    std::vector<std::string> names;
    std::string jobs_text = "1";
    const auto jobs_value = [&jobs_text] { return static_cast<unsigned>(parse_count("--jobs", jobs_text, 1, 256)); };
    bool bless = false;
    bool explain_hb = false;
    CheckOptions check_opts;
    int exit_code = exit_code::kOk;
    std::function<int()> action;

    CLI::App* list = app.add_subcommand("list", "List scenarios with their expected verdict and description");
    list->add_option("--tag", tag, "Only scenarios with this tag")->type_name("TAG");
    add_output_options(list, o, false);
    add_model_source_option(list, o);
    list->callback([&] { action = [&] { return cmd_list(resolve(o), tag); }; });

    CLI::App* run = app.add_subcommand("run", "Explore scenarios, or the models of one C++ file; print verdict, statistics and counterexample timelines");
    run->add_option("name", names, "Scenario names, e.g. litmus/mp-rlx (see mmcheck list), or one model file FILE.cpp")
        ->required()
        ->type_name("NAME|FILE.cpp");
    std::string file_variant;
    std::vector<std::string> file_params;
    run->add_option("--variant", file_variant, "run FILE.cpp: the variant (default: each model's first)")->type_name("V");
    run->add_option("--param", file_params, "run FILE.cpp: a parameter, NAME=INTEGER (repeatable)")->type_name("K=V");
    add_run_options(run, o);
    add_model_option(run, o);
    add_output_options(run, o, true);
    add_model_source_option(run, o);
    run->add_option("--jobs,-j", jobs_text,
                    "Workers exploring each scenario (1..256); counts, verdict and first counterexample as with one")
        ->type_name("N");
    std::string shard_text, shard_out;
    auto* shard_opt = run->add_option("--shard", shard_text,
                                      "Explore part I of N (1 <= I <= N <= 4096) of one scenario and write it as a shard file; "
                                      "mmcheck merge adds the N files up to the unsharded result")
                          ->type_name("I/N");
    run->add_option("--shard-out", shard_out, "run --shard: the shard file to write (default: <out>/NAME.shard-I-of-N.json)")
        ->type_name("FILE")
        ->needs(shard_opt);
    run->callback([&] {
        action = [&] {
            const unsigned run_jobs = jobs_value();
            std::optional<ShardSpec> shard;
            if (!shard_text.empty() || run->count("--shard") > 0) {
                shard = parse_shard_spec(shard_text);
                if (!shard) throw InputError("--shard: \"" + escape_for_message(shard_text) + "\" is not I/N with 1 <= I <= N <= 4096 (e.g. --shard 2/4)");
                if (run_jobs > 1) throw UsageError("--shard and --jobs exclude each other: a shard is explored by one worker");
            }
            const auto resolve = [&](const RawOptions& raw, bool need_scenarios = true) {
                Settings st = ::resolve(raw, need_scenarios);
                st.jobs = run_jobs;
                st.shard = shard;
                st.shard_out = shard_out;
                return st;
            };
            if (std::any_of(names.begin(), names.end(), is_model_file)) {
                if (shard) throw UsageError("--shard applies to scenarios, not to `mmcheck run FILE.cpp`");
                if (names.size() != 1) throw UsageError("run: one model file at a time, and not together with scenario names");
                return cmd_run_model_file(resolve(o, false), names[0], file_variant, file_params);
            }
            if (!file_variant.empty() || !file_params.empty())
                throw UsageError("--variant and --param apply to `mmcheck run FILE.cpp` only (a scenario names its own)");
            return cmd_run(resolve(o), names);
        };
    });

    CLI::App* check = app.add_subcommand("check", "Run scenarios and compare each verdict with its expectation (the CI gate)");
    auto* check_names = check->add_option("name", names, "Scenario names (default: all)")->type_name("NAME");
    auto* tag_opt = check->add_option("--tag", tag, "Only scenarios with this tag")->type_name("TAG");
    tag_opt->excludes(check_names);
    check->add_option("--junit", junit, "Write JUnit XML to FILE (a failure's body holds the timeline)")->type_name("FILE");
    check->add_option("--sarif", check_opts.sarif_file, "Write SARIF 2.1.0 to FILE (code scanning)")->type_name("FILE");
    check->add_option("--summary-md", check_opts.summary_md_file, "Write a Markdown verdict table to FILE")->type_name("FILE");
    check->add_option("--html", check_opts.html_dir, "Write one HTML page per counterexample and index.html to DIR")->type_name("DIR");
    check->add_flag("--html-hb", check_opts.html_hb, "Draw sw/hb edges in the --html pages");
    check->add_flag("--github", check_opts.github, "Print GitHub Actions annotations (::error file=...,line=...::) on stdout");
    check->add_option("--changed-since", check_opts.changed_since,
                      "Only scenarios whose model sources, headers, scenario or committed counterexample changed since git revision REV")
        ->type_name("REV");
    check->add_option("--jobs,-j", jobs_text, "Scenarios run in parallel (1..256)")->type_name("N");
    auto* bless_opt = check->add_flag("--bless", bless, "Accept new and changed counterexamples: write results/NAME.json and .txt (the only command that writes results/)");
    add_run_options(check, o);
    add_model_option(check, o);
    add_output_options(check, o, true);
    add_model_source_option(check, o);
    // Committed counterexamples are first-violation traces; --all-violations ones differ.
    bless_opt->excludes(check->get_option("--all-violations"));
    check->callback([&] {
        action = [&] {
            check_opts.junit_file = junit;
            check_opts.jobs = jobs_value();
            check_opts.bless = bless;
            return cmd_check(resolve(o), names, tag, check_opts);
        };
    });

    CLI::App* merge = app.add_subcommand("merge", "Add up the shard files of `run NAME --shard I/N` (all N of them) and report as `run NAME` would");
    std::vector<std::string> shard_files;
    merge->add_option("files", shard_files, "The shard files, one per part, in any order")->required()->type_name("FILE...");
    add_output_options(merge, o, false);
    add_out_option(merge, o.out_dir);
    add_model_source_option(merge, o);
    merge->callback([&] { action = [&] { return cmd_merge(resolve(o), shard_files); }; });

    CLI::App* rep = app.add_subcommand("replay", "Re-execute the execution recorded in a trace and confirm its violation");
    rep->add_option("file", file, "A trace written by run or check (results/NAME.json)")->required()->type_name("FILE");
    add_model_option(rep, o);
    add_output_options(rep, o, false);
    add_model_source_option(rep, o);
    rep->callback([&] { action = [&] { return cmd_replay(resolve(o, false), file); }; });

    CLI::App* explain = app.add_subcommand("explain", "Render a saved trace as a timeline or a Graphviz graph");
    explain->add_option("file", file, "A trace (results/NAME.json)")->required()->type_name("FILE");
    explain->add_option("--format", explain_format,
                        "text (timeline), dot (Graphviz), json (normalised trace) or html (one self-contained page)")
        ->check(CLI::IsMember({"text", "dot", "json", "html"}))
        ->capture_default_str();
    explain->add_flag("--hb", explain_hb, "html: also draw sw and hb edges");

    explain->callback([&] { action = [&] { return cmd_explain(file, explain_format, explain_hb); }; });

    CLI::App* aud = app.add_subcommand("audit", "For safe scenarios: which fences, orders and locks the proof needs (each weakened in turn)");
    auto* aud_names = aud->add_option("name", names, "Scenario names (default: every safe scenario)")->type_name("NAME");
    aud->add_option("--tag", tag, "Every safe scenario with this tag")->type_name("TAG")->excludes(aud_names);
    std::string per_site = "60";
    aud->add_option("--site-time-limit", per_site, "Seconds per weakened site (0: no limit); a site cut by it is inconclusive")
        ->type_name("SECONDS")
        ->capture_default_str();
    aud->add_option("--jobs,-j", jobs_text, "Sites explored in parallel (1..256)")->type_name("N");
    add_run_options(aud, o);
    add_model_option(aud, o);
    add_output_options(aud, o, true);
    add_model_source_option(aud, o);
    aud->callback([&] {
        action = [&] { return cmd_audit(resolve(o), names, tag, parse_seconds("--site-time-limit", per_site), jobs_value()); };
    });

    CLI::App* models = app.add_subcommand("models", "List every registered model with its variants and parameters");
    models->add_option("--format", o.format, "Output on stdout: text, or json (exactly one JSON document)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    add_model_source_option(models, o);
    models->callback([&] { action = [&] { return cmd_models(resolve_models(o)); }; });

    CLI::App* create = app.add_subcommand("new", "Write a model skeleton models/NAME.cpp and a scenario scenarios/NAME/correct.json");
    std::string new_name;
    create->add_option("name", new_name, "The model's name: lower case letters, digits and _")->required()->type_name("NAME");
    create->add_option("--root", o.root_dir, "The project to write into (default: the nearest folder with a scenarios/ "
                                             "from the current directory upward, else the current directory)")
        ->type_name("DIR");
    create->callback([&] { action = [&] { return cmd_new(o.root_dir, new_name); }; });

    add_litmus_subcommand(app, exit_code);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e) == 0 ? exit_code::kOk : exit_code::kUsage;
    } catch (const CLI::ParseError& e) {
        // CLI11's own codes (100-127) all mean "usage error" to a caller.
        std::cerr << "mmcheck: " << escape_for_message(e.what()) << " (see mmcheck --help)\n";
        return exit_code::kUsage;
    } catch (const mmcheck::InputError& e) {
        // A subcommand registered by another front end may run its work inside parse().
        std::cerr << "mmcheck: " << escape_for_message(e.what()) << '\n';
        return exit_code::kBadInput;
    } catch (const std::exception& e) {
        std::cerr << "mmcheck: internal error: " << escape_for_message(e.what()) << '\n';
        return exit_code::kInternal;
    }
    if (!action) return exit_code;  // a subcommand that did its work in its own callback

    try {
        return action();
    } catch (const UsageError& e) {
        std::cerr << "mmcheck: " << escape_for_message(e.what()) << '\n';
        return exit_code::kUsage;
    } catch (const InputError& e) {
        std::cerr << "mmcheck: " << escape_for_message(e.what()) << '\n';
        return exit_code::kBadInput;
    } catch (const std::exception& e) {
        std::cerr << "mmcheck: internal error: " << escape_for_message(e.what()) << '\n';
        return exit_code::kInternal;
    }
}
