// SPDX-License-Identifier: MIT
/// \file LitmusModel: a parsed litmus test run as an mmcheck model. It interprets the AST on
/// the public model API, so a litmus test and a hand-written C++ model of the same shape go
/// through exactly the same engine and memory model.
#pragma once

#include "litmus/ast.hpp"

#include <mmcheck/model.hpp>

#include <memory>
#include <memory_resource>
#include <optional>
#include <vector>

namespace mmcheck::litmus {

class LitmusModel : public Model {
public:
    /// `test` is shared by every execution's model instance (it is immutable).
    explicit LitmusModel(std::shared_ptr<const LitmusTest> test);

    void threads() override;
    /// Observes every name of LitmusTest::observed (registers, and locations read at the end).
    void final() override;

private:
    /// One shared location as the model sees it; exactly one member is set, by LocClass.
    struct Slot {
        std::optional<mmcheck::atomic<std::int64_t>> atomic;
        std::optional<mmcheck::var<std::int64_t>> plain;
        std::optional<mmcheck::mutex> lock;
    };
    friend class Interpreter;

    std::shared_ptr<const LitmusTest> test_;
    std::vector<Slot> slots_;
    std::vector<std::vector<std::int64_t>> registers_;  ///< per thread, by register slot
    /// Everything the interpreter's frames allocate (dependency sets) comes from this arena,
    /// and what an operation must keep alive while it runs (a fence's Dependencies, a
    /// conditional RMW's function) lives in the per-thread slots below: a thread that stops
    /// (blocks on a spinlock, is cut at the end of a run) is abandoned without unwinding
    /// (docs/mmcheck.md, "Threads that stop"), and all of it is freed with this model
    /// instance after every execution instead of leaking from the abandoned frames.
    std::pmr::monotonic_buffer_resource arena_;
    std::vector<Dependencies> op_deps_;  ///< per thread
    std::vector<UpdateFn> op_fn_;        ///< per thread
};

}  // namespace mmcheck::litmus
