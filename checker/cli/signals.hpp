// SPDX-License-Identifier: MIT
/// \file How the process ends when it must end early: SIGINT/SIGTERM (stop at the next safe
/// point, then "interrupted" and exit 128+signal; a second one ends at once), a model thread
/// that overflows its stack (SIGSEGV on the guard page: one line, exit 5), model code that
/// never returns under --time-limit (the watchdog: one line, exit 5), and SIGXFSZ (ignored,
/// so a write beyond the file-size limit fails with EFBIG and leaves no partial file). Every
/// path that ends the process at once removes the temporary files of writes in progress.
#pragma once

#include <atomic>
#include <string>

namespace mmcheck::cli {

/// Installs the handlers above; call once at start.
void install_signal_handlers();

/// Non-zero (the signal number) once SIGINT or SIGTERM arrived: stop at the next safe point.
const std::atomic<int>& interrupt_flag();

/// The exit code for an interrupted run (128 + the signal), or 0 when not interrupted.
int interrupted_exit_code();

/// The watchdog's stall handler (ExploreOptions::on_stall): one line naming `running`, then
/// exit 5 at once (the stalled model code cannot be unwound).
[[noreturn]] void end_stalled_run(double time_limit, const std::string& running);

}  // namespace mmcheck::cli
