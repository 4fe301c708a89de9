// SPDX-License-Identifier: MIT
// The litmus parser and checker, without the engine: the shape of the AST, the primitive
// mapping, and one position-exact error per kind of malformed file.
#include "litmus_test_util.hpp"

#include <catch2/catch.hpp>

using namespace mmcheck::litmus;
using namespace mmcheck::litmus::testing;

namespace {
const Expr& call_of(const Stmt& s) {
    REQUIRE(s.value);
    REQUIRE(s.value->kind == Expr::Kind::Call);
    return *s.value;
}
}  // namespace

TEST_CASE("litmus parser: header, init, threads, locations, condition", "[core][litmus]") {
    const LitmusTest t = parse_litmus(R"(C SB+test
(* Result: Sometimes *)
{ int x = 0; int *p = y; y = 3; 1:r2 = 5; }
P0(int *x, int **p) { int r0 = READ_ONCE(*x); int *r1 = rcu_dereference(*p); }
P1(atomic_int *y) { int r2; int r3 = (*y) + r2; }
locations [x]
~exists (0:r0=1 \/ ~(1:r3=0 /\ [y]=3) /\ 0:r1=y)
)", "t.litmus");
    CHECK(t.name == "SB+test");
    REQUIRE(t.result_line);
    CHECK(*t.result_line == "Sometimes");
    REQUIRE(t.locations.size() == 3);
    CHECK(t.locations[1].name == "p");
    CHECK(t.locations[1].initial == kAddressBase + 2);
    CHECK(t.locations[2].initial == 3);
    CHECK(t.locations[2].cls == LocClass::Atomic);  // plain access on an atomic_int: seq_cst
    CHECK(t.threads[1].registers[0].initial == 5);
    CHECK(t.condition.quantifier == Quantifier::NotExists);
    // The locations line plus the names of the condition, registers first.
    std::vector<std::string> names;
    for (const Observed& o : t.observed) names.push_back(o.name);
    CHECK(names == std::vector<std::string>{"0:r0", "0:r1", "1:r3", "x", "y"});
    CHECK(condition_text(t) == "~exists (0:r0=1 \\/ ~(1:r3=0 /\\ y=3) /\\ 0:r1=y)");
}

TEST_CASE("litmus parser: without a locations line every register and location is observed", "[core][litmus]") {
    const LitmusTest t = parse_litmus("C a\n{}\nP0(int *x, spinlock_t *l) { spin_lock(l); int r0 = READ_ONCE(*x); spin_unlock(l); }\nexists (0:r0=0)\n", "a");
    std::vector<std::string> names;
    for (const Observed& o : t.observed) names.push_back(o.name);
    CHECK(names == std::vector<std::string>{"0:r0", "x"});  // no spinlock word
}

TEST_CASE("litmus parser: kernel primitives follow the modelling kit's mapping", "[core][litmus]") {
    const LitmusTest t = parse_litmus(R"(C map
{}
P0(int *x, atomic_t *v)
{
	smp_wmb();
	smp_rmb();
	smp_mb();
	int a = xchg(x, 1);
	int b = xchg_acquire(x, 2);
	atomic_add(3, v);
	int c = cmpxchg_release(x, 1, 2);
	int d = atomic_inc_return_relaxed(v);
	smp_store_release(x, 4);
	int e = smp_load_acquire(x);
}
exists (0:a=0)
)", "map");
    const Block& b = t.threads[0].body;
    REQUIRE(b.size() == 10);
    CHECK(call_of(b[0]).prim->op == PrimOp::Fence);
    CHECK(call_of(b[0]).order == std::memory_order_release);
    CHECK(call_of(b[1]).order == std::memory_order_acquire);
    CHECK(call_of(b[2]).order == std::memory_order_seq_cst);
    CHECK(call_of(b[3]).prim->order_from == OrderFrom::FullyOrdered);
    CHECK(call_of(b[4]).prim->order_from == OrderFrom::Fixed);
    CHECK(call_of(b[4]).order == std::memory_order_acquire);
    const Expr& add = call_of(b[5]);
    CHECK(add.prim->result == RmwResult::Nothing);
    CHECK(add.order == std::memory_order_relaxed);
    REQUIRE(add.loc != nullptr);
    CHECK(add.loc->kind == Expr::Kind::Address);
    CHECK(add.loc->index == 1);  // atomic_add(i, v): the location is the second argument
    CHECK(call_of(b[6]).prim->op == PrimOp::KernelCmpxchg);
    CHECK(call_of(b[6]).order == std::memory_order_release);
    CHECK(call_of(b[7]).prim->result == RmwResult::New);
    CHECK(call_of(b[8]).order == std::memory_order_release);
    CHECK(call_of(b[9]).order == std::memory_order_acquire);
}

TEST_CASE("litmus parser: C11 calls take their orders from arguments", "[core][litmus]") {
    const LitmusTest t = parse_litmus(R"(C c11
{ x = 0; e = 0; }
P0(atomic_int *x, int *e)
{
	int r0 = atomic_compare_exchange_weak_explicit(x, e, 1, memory_order_acq_rel, memory_order_acquire);
	int r1 = atomic_compare_exchange_strong(x, e, 2);
	atomic_thread_fence(memory_order_acq_rel);
	int r2 = atomic_fetch_xor_explicit(x, 3, memory_order_consume);
}
exists (0:r0=1)
)", "c11");
    const Block& b = t.threads[0].body;
    CHECK(b[0].value->prim->weak);
    CHECK(b[0].value->order == std::memory_order_acq_rel);
    CHECK(b[0].value->order2 == std::memory_order_acquire);
    CHECK(b[1].value->order == std::memory_order_seq_cst);
    CHECK(call_of(b[2]).order == std::memory_order_acq_rel);
    CHECK(b[3].value->order == std::memory_order_consume);
    CHECK(t.locations[1].cls == LocClass::Plain);  // the expected-value cell
}

TEST_CASE("litmus lexer: (* is a comment, (*p) is code", "[core][litmus]") {
    const LitmusTest t = parse_litmus("C c\n(* a (* nested *) comment *)\n{}\nP0(int *x) { int r0 = (*x); }\nexists (0:r0=0) (* bad *)\n", "c");
    REQUIRE(t.threads[0].body.size() == 1);
    CHECK(t.threads[0].body[0].value->kind == Expr::Kind::Deref);
    CHECK(t.locations[0].cls == LocClass::Plain);
}

TEST_CASE("litmus parser: every malformed file gives one positioned error", "[core][litmus]") {
    struct Case {
        const char* file;
        std::uint32_t line, column;
        const char* message;
    };
    const Case cases[] = {
        {"bad-init", 2, 7, "bad init"},
        {"condition-unknown-location", 7, 16, "condition on an unknown location: 'z'"},
        {"duplicate-thread", 7, 1, "duplicate thread P0"},
        {"empty", 1, 1, "empty file"},
        {"invalid-order-for-load", 5, 35, "memory_order_release is not a valid order for a load"},
        {"missing-condition", 7, 1, "missing final condition"},
        {"no-header", 1, 1, "expected 'C NAME'"},
        {"register-before-set", 7, 7, "register 'r0' of P0 is used before it is set"},
        {"unbalanced-braces", 4, 1, "unbalanced braces"},
        {"unknown-memory-order", 5, 30, "unknown memory order 'memory_order_sequential'"},
        {"unknown-register-in-condition", 7, 11, "P0 has no register 'r1'"},
        {"unknown-thread-parameter", 5, 14, "unknown thread parameter 'y'"},
        {"not-in-lkmm", 6, 2, "unsupported primitive 'call_rcu': not defined by LKMM"},
        {"void-value", 5, 11, "atomic_inc returns no value"},
        {"wrong-arity", 5, 15, "WRITE_ONCE takes 2 arguments"},
    };
    const std::string dir = MMCHECK_SOURCE_DIR "/tests/litmus/malformed/";
    // Every file of the folder is in the table.
    CHECK(litmus_files(dir).size() == std::size(cases));
    for (const Case& c : cases) {
        INFO("file: " << c.file);
        const std::string path = dir + c.file + ".litmus";
        try {
            (void)load_litmus_file(path);
            FAIL("no error");
        } catch (const LitmusError& e) {
            CHECK(e.file() == path);
            CHECK(e.line() == c.line);
            CHECK(e.column() == c.column);
            CHECK(e.message().find(c.message) != std::string::npos);
            const std::string what = e.what();
            CHECK(what.rfind(path + ":" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": ", 0) == 0);
            CHECK(what.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("litmus parser: constructs only LKMM defines are positioned errors under RC11", "[core][litmus]") {
    struct Case {
        const char* file;
        std::uint32_t line, column;
        const char* message;
    };
    const Case cases[] = {
        {"mixed-access", 2, 3, "accessed both plainly"},
        {"unsupported-primitive", 6, 2, "unsupported primitive 'synchronize_rcu'"},
        {"unsupported-srcu", 5, 12, "unsupported primitive 'srcu_read_lock'"},
    };
    const std::string dir = MMCHECK_SOURCE_DIR "/tests/litmus/malformed/rc11/";
    CHECK(litmus_files(dir).size() == std::size(cases));
    for (const Case& c : cases) {
        INFO("file: " << c.file);
        const std::string path = dir + c.file + ".litmus";
        try {
            (void)load_litmus_file(path, mmcheck::MemoryModelKind::RC11);
            FAIL("no error");
        } catch (const LitmusError& e) {
            CHECK(e.line() == c.line);
            CHECK(e.column() == c.column);
            CHECK(e.message().find(c.message) != std::string::npos);
        }
        // The same file is a kernel test, LKMM by default, and LKMM defines the construct.
        const LitmusTest t = load_litmus_file(path);
        CHECK(t.model == mmcheck::MemoryModelKind::LKMM);
    }
}
