// SPDX-License-Identifier: MIT
/// \file Signal handlers and the ends that cannot wait (see signals.hpp).
#include "signals.hpp"

#include "exit_codes.hpp"

#include "report/file_io.hpp"
#include "report/text_escape.hpp"
#include "runtime/runtime.hpp"

#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>

#include <signal.h>
#include <unistd.h>

namespace mmcheck::cli {
namespace {

std::atomic<int> g_interrupted{0};

void write_stderr(const char* s) noexcept {
    std::size_t left = std::strlen(s);
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, s, left);
        if (n <= 0) return;
        s += n;
        left -= static_cast<std::size_t>(n);
    }
}

extern "C" void on_interrupt(int sig) {
    int expected = 0;
    if (g_interrupted.compare_exchange_strong(expected, sig)) {
        write_stderr("\nmmcheck: interrupted; stopping at the next safe point (again to end at once)\n");
        return;
    }
    // The second one: end now, leaving no temporary file behind.
    remove_pending_temporaries();
    write_stderr("\nmmcheck: interrupted again; ending at once\n");
    ::_exit(exit_code::kInterruptedBase + sig);
}

extern "C" void on_segv(int sig, siginfo_t* info, void*) {
    char msg[512];
    if (info != nullptr && stack_overflow_message(info->si_addr, msg, sizeof msg)) {
        remove_pending_temporaries();
        write_stderr("mmcheck: inconclusive: ");
        write_stderr(msg);
        write_stderr("\n");
        ::_exit(exit_code::kInconclusive);
    }
    // Not a model thread's stack: a real crash. Let it happen with the default action.
    ::signal(sig, SIG_DFL);
}

}  // namespace

void install_signal_handlers() {
    struct sigaction sa{};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocking read is interrupted too
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);

    struct sigaction segv{};
    segv.sa_sigaction = on_segv;
    sigemptyset(&segv.sa_mask);
    segv.sa_flags = SA_SIGINFO | SA_ONSTACK;  // the faulting stack is full: run on the alternate one
    ::sigaction(SIGSEGV, &segv, nullptr);
    ::sigaction(SIGBUS, &segv, nullptr);

    ::signal(SIGXFSZ, SIG_IGN);
}

const std::atomic<int>& interrupt_flag() { return g_interrupted; }

int interrupted_exit_code() {
    const int sig = g_interrupted.load();
    return sig == 0 ? 0 : exit_code::kInterruptedBase + sig;
}

void end_stalled_run(double time_limit, const std::string& running) {
    remove_pending_temporaries();
    std::cout << std::flush;
    std::ostringstream limit;
    limit << time_limit;
    const std::string line = "mmcheck: inconclusive: time limit of " + limit.str() + " s reached while " +
                             escape_for_message(running) +
                             " ran without returning to the checker (a loop without shared accesses?)\n";
    write_stderr(line.c_str());
    ::_exit(exit_code::kInconclusive);
}

}  // namespace mmcheck::cli
