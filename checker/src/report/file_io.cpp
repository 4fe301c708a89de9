// SPDX-License-Identifier: MIT
/// \file File reading and atomic writing with one-line errors.
#include "report/file_io.hpp"

#include "report/scenario.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mmcheck {

std::string read_text_file(const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
        throw InputError("cannot read " + file.string() + ": is a directory, expected a file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError("cannot read " + file.string() + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError("cannot read " + file.string() + ": read error");
    return ss.str();
}

void write_file_atomically(const std::filesystem::path& file, const std::string& content) {
    const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw InputError("cannot write " + file.string() + ": cannot create directory " + dir.string() + ": " + ec.message());
    // mkstemp gives a unique name in the target directory: rename() is atomic only within
    // one file system, and parallel `check --jobs` workers must not share a temporary.
    std::string tmpl = (dir / ("." + file.filename().string() + ".tmp.XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw InputError("cannot write " + file.string() + ": " + std::strerror(errno));
    const char* p = content.data();
    std::size_t left = content.size();
    int saved = 0;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            saved = errno;
            break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    // Temporary files from mkstemp are 0600; results are ordinary files.
    if (saved == 0 && ::fchmod(fd, 0644) != 0) saved = errno;
    if (::close(fd) != 0 && saved == 0) saved = errno;
    if (saved == 0 && ::rename(tmpl.c_str(), file.c_str()) != 0) saved = errno;
    if (saved != 0) {
        ::unlink(tmpl.c_str());
        throw InputError("cannot write " + file.string() + ": " + std::strerror(saved));
    }
}

}  // namespace mmcheck
