// SPDX-License-Identifier: MIT
/// \file The output folder (see output_dir.hpp).
#include "output_dir.hpp"

#include "report/scenario.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#ifndef MMCHECK_BINARY_DIR
#define MMCHECK_BINARY_DIR ""
#endif

namespace mmcheck::cli {

namespace fs = std::filesystem;

void add_out_option(CLI::App* cmd, std::string& value) {
    cmd->add_option("--out", value,
                    "Directory for the files this command writes (default: $MMCHECK_OUT, else mmcheck-out "
                    "in the build directory, else a temporary directory); never results/")
        ->type_name("DIR");
}

fs::path resolve_output_dir(const std::string& option) {
    if (!option.empty()) return option;
    if (const char* env = std::getenv("MMCHECK_OUT"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    const fs::path build(MMCHECK_BINARY_DIR);
    if (!build.empty() && fs::is_directory(build, ec) && ::access(build.c_str(), W_OK) == 0) return build / "mmcheck-out";
    fs::path tmp = fs::temp_directory_path(ec);
    if (ec) tmp = "/tmp";
    return tmp / ("mmcheck-out-" + std::to_string(::getuid()));
}

void ensure_output_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError("cannot write to " + dir.string() + ": " + ec.message());
    std::string probe = (dir / ".mmcheck-probe.XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) throw InputError("cannot write to " + dir.string() + ": " + std::strerror(errno));
    ::close(fd);
    ::unlink(probe.c_str());
}

}  // namespace mmcheck::cli
