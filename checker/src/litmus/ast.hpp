// SPDX-License-Identifier: MIT
/// \file The parsed and resolved form of a herd7 C litmus test. The parser fills it and checks
/// it (every name resolved, every call known, every memory order valid), so the interpreter
/// (litmus_model.hpp) never meets a malformed test and never needs a name lookup.
#pragma once

#include "graph/view.hpp"
#include "litmus/litmus_error.hpp"
#include "litmus/primitives.hpp"
#include "model/memory_model.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mmcheck::litmus {

/// Pointers are values too (`int *p = y;`, `1:r0=x`): the address of location i is
/// kAddressBase + i, far from any integer a litmus test uses, so outputs can print it by name.
inline constexpr std::int64_t kAddressBase = std::int64_t{1} << 40;

/// The engine's thread limit (graph/view.hpp, kMaxThreads): a test has threads P0 to P63.
inline constexpr std::uint32_t kMaxLitmusThreads = static_cast<std::uint32_t>(kMaxThreads);

/// How deeply a test may nest blocks, `if`s, parentheses, calls, dereferences and `~` in the
/// condition, all counted together. The parser rejects deeper input with "nesting deeper than
/// 200" (exit 2): the interpreter runs on a model thread's fixed stack (kLitmusStackSize) and
/// recurses once per level, and 200 levels is far beyond any real litmus test. Flat sequences (statements,
/// operator chains, prefix operators, conjunctions) are not nesting and have no such limit.
inline constexpr std::uint32_t kMaxNesting = 200;

/// The model-thread stack of a litmus run (run.cpp): 200 levels of the interpreter with its
/// dependency sets need about 260 KiB, over the runtime's default 256 KiB; 1 MiB leaves room.
/// Under AddressSanitizer (the asan preset) every frame carries redzones and 200 levels
/// overflow 1 MiB (seen: a 197-deep call chain), so that build gives 4 MiB.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::size_t kLitmusStackSize = std::size_t{4} << 20;
#else
inline constexpr std::size_t kLitmusStackSize = std::size_t{1} << 20;
#endif

/// How a shared location is modelled. A location is Plain (a C++ non-atomic, so races are
/// found) when the test only ever touches it with plain `*x` accesses and its type is not an
/// atomic type; every other location is an atomic, and spinlock_t is a mutex.
enum class LocClass : std::uint8_t { Atomic, Plain, Spinlock };

struct Location {
    std::string name;
    SourcePos pos;
    std::uint8_t pointer_depth = 0;  ///< 1 for `int *p`: its values are addresses
    bool atomic_type = false;        ///< declared atomic_int, atomic_t, ...: plain access is seq_cst
    LocClass cls = LocClass::Atomic;
    std::int64_t initial = 0;
    // Filled while checking: how the threads access it by name.
    bool plain_access = false;
    bool marked_access = false;
    /// Accessed plainly under LKMM: an atomic whose plain accesses are tagged Plain, as
    /// linux-kernel.bell's Plain = M \ Marked does per event (RC11 rejects a location
    /// accessed both plainly and with marked accesses).
    bool mixed = false;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    enum class Kind : std::uint8_t {
        Int,       ///< literal `value`
        Register,  ///< register `index` of the thread
        Address,   ///< a thread parameter: the address of location `index`
        Deref,     ///< `*args[0]`: a plain read of the location args[0] points to
        Unary,     ///< prefix operators `ops` ("!", "-", "~"; outermost first) applied to args[0]
        Binary,    ///< a left-associative chain: args[0] ops[0] args[1] ops[1] args[2] ...
        Call,      ///< `prim` applied to args
    };
    Kind kind = Kind::Int;
    SourcePos pos;
    std::int64_t value = 0;
    std::uint32_t index = 0;
    /// Unary and Binary: the operators. A run of prefix operators (`!!!!x`) and a chain of
    /// binary operators of decreasing-or-equal precedence (`1+1+...+1`, `a*b+c`) are one node
    /// each, so the interpreter evaluates them in a loop: input length never becomes
    /// recursion depth (only nesting does, bounded by kMaxNesting).
    std::vector<std::string> ops;
    std::string text;  ///< the name as written (registers, parameters, calls)
    std::vector<ExprPtr> args;
    // Calls only:
    std::optional<Primitive> prim;
    std::memory_order order = std::memory_order_relaxed;   ///< resolved (success) order
    std::memory_order order2 = std::memory_order_relaxed;  ///< resolved failure order (CAS)
    const Expr* loc = nullptr;  ///< the address expression of the location operated on
    std::string label;          ///< "P0 line 12: READ_ONCE", shown in traces
};

struct Stmt;
using Block = std::vector<Stmt>;

struct Stmt {
    enum class Kind : std::uint8_t {
        Assign,  ///< register `reg` = value
        Store,   ///< *address = value (plain write)
        Eval,    ///< a call for its effect
        If,      ///< if (value) then_body else else_body
        Compound,  ///< { then_body }
    };
    Kind kind = Kind::Eval;
    SourcePos pos;
    std::uint32_t reg = 0;
    ExprPtr address;
    ExprPtr value;
    Block then_body;
    Block else_body;
    std::string label;  ///< for plain stores
};

struct Register {
    std::string name;
    std::uint8_t pointer_depth = 0;
    std::int64_t initial = 0;  ///< `0:r0 = 1` in the init block
};

struct Thread {
    std::uint32_t id = 0;  ///< N of PN
    SourcePos pos;
    std::vector<std::string> params;
    std::vector<Register> registers;
    Block body;
};

/// A name of the final state: a register `T:r` or a shared location.
struct Observed {
    std::string name;          ///< "0:r0" or "x", as herd writes it
    bool is_register = false;
    std::uint32_t thread = 0;  ///< index into LitmusTest::threads
    std::uint32_t index = 0;   ///< register slot or location index
};

/// The final condition's proposition. A conjunction or disjunction of any length is one node
/// with its operands in `terms` (evaluated and printed in a loop); only `~` and parentheses
/// nest, up to kMaxNesting.
struct Prop {
    enum class Kind : std::uint8_t { True, False, Atom, Not, And, Or };
    Kind kind = Kind::True;
    SourcePos pos;
    std::string name;            ///< Atom: the observed name as written ("0:r0", "x")
    std::uint32_t observed = 0;  ///< Atom: index into LitmusTest::observed
    std::int64_t value = 0;      ///< Atom: the value compared with
    /// Atom `0:r1=1:r2` (herd compares two observed names): the right-hand name, else empty.
    std::string rhs_name;
    std::uint32_t rhs_observed = 0;
    std::unique_ptr<Prop> lhs;   ///< Not: the operand
    std::vector<Prop> terms;     ///< And, Or: the operands, two or more, in source order
};

enum class Quantifier : std::uint8_t { Exists, NotExists, Forall };

struct Condition {
    Quantifier quantifier = Quantifier::Exists;
    Prop prop;
    SourcePos pos;
    /// herd's `filter P`: final states where P does not hold are discarded before the
    /// condition is judged (they are not listed either).
    std::optional<Prop> filter;
};

/// A construct the test uses that only LKMM defines (synchronize_rcu, srcu_*, a location
/// accessed both plainly and marked, ...): under RC11 the test is rejected with this message.
struct LkmmOnly {
    SourcePos pos;
    std::string message;
};

struct LitmusTest {
    std::string file;
    std::string name;
    std::optional<std::string> result_line;  ///< "Never", "Sometimes" or "Always"
    std::vector<Location> locations;
    std::vector<Thread> threads;
    std::vector<Observed> observed;  ///< the names of every final state, in output order
    bool has_locations_line = false;
    Condition condition;
    bool uses_rcu_markers = false;
    bool uses_rcu_dereference = false;
    bool uses_kernel = false;  ///< a kernel primitive or type (READ_ONCE, spinlock_t, atomic_t, ...)
    bool uses_c11 = false;     ///< a C11 call (atomic_load_explicit, ...)
    std::vector<LkmmOnly> lkmm_only;
    /// The memory model the test is checked under: `--model`, else LKMM for a kernel test
    /// and RC11 for any other.
    MemoryModelKind model = MemoryModelKind::RC11;
};

/// The location addressed by value `v`, or nullopt when `v` is no address of this test.
inline std::optional<std::uint32_t> location_of(const LitmusTest& t, std::int64_t v) {
    if (v < kAddressBase || v >= kAddressBase + static_cast<std::int64_t>(t.locations.size())) return std::nullopt;
    return static_cast<std::uint32_t>(v - kAddressBase);
}

/// A value as herd prints it: an integer, or the name of the location it addresses.
inline std::string value_text(const LitmusTest& t, std::int64_t v) {
    if (auto l = location_of(t, v)) return t.locations[*l].name;
    return std::to_string(v);
}

}  // namespace mmcheck::litmus
