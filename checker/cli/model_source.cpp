// SPDX-License-Identifier: MIT
/// \file Compiling, caching and loading model files (see model_source.hpp).
#include "model_source.hpp"

#include "commands.hpp"
#include "mmcheck_build_info.hpp"

#include "report/file_io.hpp"
#include "report/scenario.hpp"

#include <mmcheck/registry.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mmcheck::cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

/// The public headers: <exe>/../include when installed, else the source tree's.
fs::path include_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "include";
        if (fs::exists(installed / "mmcheck" / "model.hpp", ec)) return installed;
    }
    const fs::path tree(MMCHECK_BUILD_INCLUDE_DIR);
    if (fs::exists(tree / "mmcheck" / "model.hpp", ec)) return tree;
    throw InputError("cannot compile model files: mmcheck's headers (mmcheck/model.hpp) are neither in " +
                     (exe.parent_path().parent_path() / "include").string() + " nor in " + tree.string());
}

/// Every file of the public headers, in a fixed order, so a header change invalidates the cache.
std::string headers_digest(const fs::path& inc) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(inc / "mmcheck", ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec)) files.push_back(it->path());
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& f : files) all += f.lexically_relative(inc).string() + '\n' + read_text_file(f) + '\n';
    return fnv1a_hex(all);
}

/// The flags model files are compiled with: mmcheck's own, then $MMCHECK_MODEL_CXXFLAGS.
std::vector<std::string> compile_flags() {
    std::vector<std::string> flags = split_words(MMCHECK_BUILD_CXXFLAGS);
    if (const char* extra = std::getenv("MMCHECK_MODEL_CXXFLAGS"); extra != nullptr)
        for (auto& w : split_words(extra)) flags.push_back(std::move(w));
    return flags;
}

/// Runs argv, its stdout and stderr into `log`; returns the exit status (-1: not started).
int run_compiler(const std::vector<std::string>& args, const fs::path& log) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        ::execvp(argv[0], argv.data());
        std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

fs::path model_cache_dir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') return fs::path(x) / "mmcheck";
    if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') return fs::path(h) / ".cache" / "mmcheck";
    std::error_code ec;
    fs::path tmp = fs::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    return tmp / ("mmcheck-cache-" + std::to_string(::getuid()));
}

std::vector<std::string> load_model_source(const fs::path& file, bool quiet) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw InputError(file.string() + ": no such model file");
    const std::string source = read_text_file(file);
    const fs::path inc = include_dir();
    const std::vector<std::string> flags = compile_flags();

    // The key: the file, the compiler and flags, the headers and this mmcheck's version.
    // Headers the file includes from its own folder are not part of it (docs/own-models.md).
    std::string key = std::string(MMCHECK_BUILD_CXX) + '\n' + tool_version() + '\n' + headers_digest(inc) + '\n';
    for (const auto& f : flags) key += f + ' ';
    key += '\n' + source;
    std::string hash = fnv1a_hex(key);
    hash = hash.substr(hash.find(':') + 1);

    const fs::path cache = model_cache_dir();
    fs::create_directories(cache, ec);
    if (ec) throw InputError("cannot create the model cache " + cache.string() + ": " + ec.message());
    const fs::path so = cache / (file.stem().string() + "-" + hash + ".so");
    if (fs::exists(so, ec)) {
        if (!quiet) std::cerr << "mmcheck: " << file.string() << ": cached build " << so.string() << '\n';
    } else {
        // Compile to a temporary name and rename: a cache never holds a half-written object.
        const std::string tmp = so.string() + ".tmp." + std::to_string(::getpid());
        const fs::path log = tmp + ".log";
        std::vector<std::string> args{MMCHECK_BUILD_CXX};
        args.insert(args.end(), flags.begin(), flags.end());
        for (const char* a : {"-fPIC", "-shared", "-I"}) args.emplace_back(a);
        args.push_back(inc.string());
        args.push_back(fs::absolute(file, ec).string());
        args.emplace_back("-o");
        args.push_back(tmp);
        const int rc = run_compiler(args, log);
        std::string messages = fs::exists(log, ec) ? read_text_file(log) : std::string();
        fs::remove(log, ec);
        if (rc != 0) {
            fs::remove(tmp, ec);
            std::cerr << messages;
            throw InputError(file.string() + ": does not compile (" + MMCHECK_BUILD_CXX + " exited with " +
                             std::to_string(rc) + "; its messages are above)");
        }
        fs::rename(tmp, so, ec);
        if (ec) throw InputError("cannot write " + so.string() + ": " + ec.message());
        if (!quiet) std::cerr << "mmcheck: " << file.string() << ": compiled " << so.string() << '\n';
    }

    ModelRegistry& reg = ModelRegistry::instance();
    const std::size_t before = reg.all().size(), dup_before = reg.duplicate_names().size();
    // Never closed: the models' code must stay mapped while the registry refers to it.
    if (::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL) == nullptr) {
        const char* err = ::dlerror();
        throw InputError(file.string() + ": cannot load the compiled model: " + (err != nullptr ? err : "unknown error"));
    }
    if (reg.duplicate_names().size() > dup_before)
        throw InputError(file.string() + ": registers model \"" + reg.duplicate_names()[dup_before] +
                         "\", a name already registered in this mmcheck (see mmcheck models)");
    std::vector<std::string> names;
    for (std::size_t i = before; i < reg.all().size(); ++i) names.push_back(reg.all()[i].name);
    if (names.empty())
        throw InputError(file.string() + ": registers no model (expected MMCHECK_REGISTER_MODEL(Type, \"name\", ...); see docs/own-models.md)");
    return names;
}

}  // namespace mmcheck::cli
