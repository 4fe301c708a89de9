// SPDX-License-Identifier: MIT
/// \file File reading and atomic writing with one-line errors.
#include "report/file_io.hpp"

#include "report/scenario.hpp"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mmcheck {

namespace {
/// The temporary files being written now, for remove_pending_temporaries(): fixed slots, so a
/// signal handler can read them without allocating or locking.
constexpr std::size_t kSlots = 64;
constexpr std::size_t kPathMax = 4096;
struct PendingSlot {
    std::atomic<int> state{0};  // 0 free, 1 being filled or emptied, 2 holds a path
    char path[kPathMax];
};
PendingSlot g_pending[kSlots];

/// Registers `path`; returns its slot, or kSlots when none is free or the path is too long
/// (the write still works, only the emergency clean-up would miss it).
std::size_t register_pending(const std::string& path) {
    if (path.size() + 1 > kPathMax) return kSlots;
    for (std::size_t i = 0; i < kSlots; ++i) {
        int expected = 0;
        if (g_pending[i].state.compare_exchange_strong(expected, 1)) {
            std::memcpy(g_pending[i].path, path.c_str(), path.size() + 1);
            g_pending[i].state.store(2);
            return i;
        }
    }
    return kSlots;
}
void unregister_pending(std::size_t slot) {
    if (slot < kSlots) g_pending[slot].state.store(0);
}

/// True for a name write_file_atomically gives its temporary: ".NAME.tmp.XXXXXX".
bool is_temporary_name(const std::string& name) {
    const auto at = name.rfind(".tmp.");
    if (name.size() < 2 || name[0] != '.' || at == std::string::npos || at == 0) return false;
    const std::string suffix = name.substr(at + 5);
    if (suffix.size() != 6) return false;
    for (const char c : suffix)
        if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    return true;
}
}  // namespace

void remove_pending_temporaries() noexcept {
    for (auto& slot : g_pending)
        if (slot.state.load() == 2) ::unlink(slot.path);
}

std::size_t remove_stale_temporaries(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return 0;
    std::vector<std::filesystem::path> stale;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && is_temporary_name(it->path().filename().string())) stale.push_back(it->path());
    }
    std::size_t n = 0;
    for (const auto& p : stale)
        if (std::filesystem::remove(p, ec)) ++n;
    return n;
}

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
    const std::size_t slot = register_pending(tmpl);
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
    if (saved != 0) ::unlink(tmpl.c_str());
    unregister_pending(slot);
    if (saved != 0) {
        throw InputError("cannot write " + file.string() + ": " + std::strerror(saved));
    }
}

}  // namespace mmcheck
