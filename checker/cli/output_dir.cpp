// SPDX-License-Identifier: MIT
/// \file The output folder (see output_dir.hpp).
#include "output_dir.hpp"

#include "report/scenario.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace mmcheck::cli {

namespace fs = std::filesystem;

void add_out_option(CLI::App* cmd, std::string& value) {
    cmd->add_option("--out", value,
                    "Directory for the files this command writes (default: $MMCHECK_OUT, else build/mmcheck-out "
                    "in the project when build/ exists, else a temporary directory); never results/")
        ->type_name("DIR");
}

fs::path resolve_output_dir(const std::string& option, const fs::path& project_root) {
    if (!option.empty()) return option;
    if (const char* env = std::getenv("MMCHECK_OUT"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    // The project's build/ (ignored by git in mmcheck's tree), never the folder this mmcheck
    // was built in: an installed mmcheck must not write into someone's old build tree.
    const fs::path build = project_root.empty() ? fs::path() : project_root / "build";
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
