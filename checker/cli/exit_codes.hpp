// SPDX-License-Identifier: MIT
/// \file The exit codes of the mmcheck command: a contract with CI (CBMC's discipline).
/// Listed in README.md as well; tests check each one.
#pragma once

namespace mmcheck::exit_code {

/// Every verdict as expected (run: no violation found).
inline constexpr int kOk = 0;
/// Usage error: unknown option, missing argument, conflicting options (CLI11's codes map here).
inline constexpr int kUsage = 1;
/// Bad input: a scenario, trace or litmus file that cannot be read or is invalid.
inline constexpr int kBadInput = 2;
/// Inconclusive: a limit (executions, time, event bound) was hit before exploration ended.
inline constexpr int kInconclusive = 5;
/// Internal error: a bug in mmcheck itself.
inline constexpr int kInternal = 6;
/// A violation was found, or a verdict differs from its scenario's expectation.
inline constexpr int kViolation = 10;
/// Interrupted by signal S (SIGINT, SIGTERM): 128 + S, the shell's convention (130, 143).
inline constexpr int kInterruptedBase = 128;

}  // namespace mmcheck::exit_code
