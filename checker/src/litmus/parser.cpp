// SPDX-License-Identifier: MIT
#include "litmus/parser.hpp"

#include "litmus/lexer.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace mmcheck::litmus {
namespace {

using Kind = Token::Kind;

struct TypeInfo {
    bool atomic = false;
    bool spinlock = false;
    std::uint8_t pointer_depth = 0;
};

bool is_type_word(std::string_view w) {
    static const std::set<std::string_view> words = {
        "int",        "long",       "unsigned",    "signed",     "short",        "char",
        "volatile",   "const",      "atomic_int",  "atomic_long", "atomic_uint",  "atomic_ulong",
        "atomic_bool","atomic_char","atomic_short","atomic_llong","atomic_t",     "atomic_long_t",
        "atomic64_t", "spinlock_t", "intptr_t",    "uintptr_t",  "u8",           "u16",
        "u32",        "u64",        "s8",          "s16",        "s32",          "s64",
        "bool",       "_Bool",      "size_t",     "struct",      "srcu_struct", "void"};
    return words.contains(w);
}

bool is_atomic_type_word(std::string_view w) { return w.starts_with("atomic"); }

// Types only kernel code has: a test declaring them is a kernel test.
bool is_kernel_type_word(std::string_view w) {
    return w == "atomic_t" || w == "atomic_long_t" || w == "atomic64_t" || w == "spinlock_t" || w == "srcu_struct" ||
           w == "u8" || w == "u16" || w == "u32" || w == "u64" || w == "s8" || w == "s16" || w == "s32" || w == "s64";
}

// Register use-before-set is tracked per program path: after an if, a register counts as set
// when either branch sets it (herd's registers start at 0, so a path-insensitive "maybe set" is
// the friendliest check that still catches a read of a register nothing ever writes).
class Parser {
public:
    Parser(std::string_view text, const std::string& file, std::optional<MemoryModelKind> model)
        : file_(file), lx_(lex(text, file)), forced_model_(model) {
        t_.file = file;
        t_.name = lx_.test_name;
    }

    LitmusTest run() {
        find_result_line();
        parse_init();
        while (peek().kind == Kind::Ident && is_thread_name(peek().text)) parse_thread();
        if (t_.threads.empty()) fail(peek().pos, "expected a thread 'P0(...) { ... }'");
        resolve_register_inits();
        if (peek().kind == Kind::Ident && peek().text == "locations") parse_locations_line();
        parse_condition();
        if (peek().kind != Kind::End) fail(peek().pos, "unexpected '" + peek().text + "' after the final condition");
        choose_model();
        classify_locations();
        build_observed();
        return std::move(t_);
    }

private:
    // --- tokens ---
    [[noreturn]] void fail(SourcePos p, const std::string& msg) const { throw LitmusError(file_, p, msg); }
    const Token& peek(std::size_t k = 0) const {
        return lx_.tokens[std::min(p_ + k, lx_.tokens.size() - 1)];
    }
    const Token& take() {
        const Token& t = peek();
        if (p_ < lx_.tokens.size() - 1) ++p_;
        return t;
    }
    bool is_punct(std::string_view s, std::size_t k = 0) const {
        return peek(k).kind == Kind::Punct && peek(k).text == s;
    }
    bool accept(std::string_view s) {
        if (!is_punct(s)) return false;
        take();
        return true;
    }
    static std::string describe(const Token& t) {
        return t.kind == Kind::End ? std::string("end of file") : "'" + t.text + "'";
    }
    const Token& expect(std::string_view s, std::string_view context) {
        if (!is_punct(s))
            fail(peek().pos, "expected '" + std::string(s) + "' " + std::string(context) + ", found " + describe(peek()));
        return take();
    }
    const Token& expect_ident(std::string_view context) {
        if (peek().kind != Kind::Ident)
            fail(peek().pos, "expected " + std::string(context) + ", found " + describe(peek()));
        return take();
    }
    static bool is_thread_name(const std::string& s) {
        return s.size() >= 2 && s[0] == 'P' &&
               std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
    }

    // A thread or init-block thread number, checked before any narrowing: P4294967297 must not
    // run as P1.
    static std::uint64_t thread_number(std::string_view digits) {
        std::uint64_t v = 0;
        for (const char c : digits) v = std::min<std::uint64_t>(v * 10 + static_cast<std::uint64_t>(c - '0'), kNoThread);
        return v;
    }
    static constexpr std::uint64_t kNoThread = std::uint64_t{1} << 40;  // saturates: no wrap
    void check_thread_number(SourcePos pos, std::uint64_t n, const std::string& what) const {
        if (n >= kMaxLitmusThreads)
            fail(pos, what + ": thread number out of range (a test has at most " + std::to_string(kMaxLitmusThreads) +
                          " threads, P0 to P" + std::to_string(kMaxLitmusThreads - 1) + ")");
    }

    // Counts one level of nesting for as long as it lives (kMaxNesting, ast.hpp).
    class Nest {
    public:
        Nest(Parser& p, SourcePos pos) : p_(p) {
            if (++p_.depth_ > kMaxNesting) p_.fail(pos, "nesting deeper than " + std::to_string(kMaxNesting));
        }
        ~Nest() { --p_.depth_; }
        Nest(const Nest&) = delete;
        Nest& operator=(const Nest&) = delete;

    private:
        Parser& p_;
    };

    void find_result_line() {
        static const std::regex re(R"(Result:\s*([A-Za-z]+))");
        for (const Comment& c : lx_.comments) {
            std::smatch m;
            if (std::regex_search(c.text, m, re)) {
                t_.result_line = m[1].str();
                return;
            }
        }
    }

    // --- types ---
    TypeInfo parse_type(std::string_view context) {
        TypeInfo ti;
        if (peek().kind != Kind::Ident || !is_type_word(peek().text))
            fail(peek().pos, "unknown " + std::string(context) + " type " + describe(peek()));
        while (peek().kind == Kind::Ident && is_type_word(peek().text)) {
            const Token& w = take();
            if (is_atomic_type_word(w.text)) ti.atomic = true;
            if (is_kernel_type_word(w.text)) t_.uses_kernel = true;
            if (w.text == "spinlock_t") ti.spinlock = true;
        }
        while (accept("*")) ++ti.pointer_depth;
        return ti;
    }

    // --- init block ---
    std::uint32_t add_location(const std::string& name, SourcePos pos, const TypeInfo& ti) {
        if (auto it = loc_index_.find(name); it != loc_index_.end()) return it->second;
        Location l;
        l.name = name;
        l.pos = pos;
        l.pointer_depth = ti.pointer_depth;
        l.atomic_type = ti.atomic;
        l.cls = ti.spinlock ? LocClass::Spinlock : LocClass::Atomic;
        t_.locations.push_back(l);
        const auto idx = static_cast<std::uint32_t>(t_.locations.size() - 1);
        loc_index_.emplace(name, idx);
        return idx;
    }

    struct InitValue {
        std::int64_t value = 0;
        std::string location;  // non-empty: the address of this location
        SourcePos pos;
    };
    InitValue parse_init_value() {
        InitValue v;
        v.pos = peek().pos;
        const bool neg = accept("-");
        if (peek().kind == Kind::Int) {
            v.value = take().value;
            if (neg) v.value = -v.value;
            return v;
        }
        if (!neg && peek().kind == Kind::Ident && peek().text == "ATOMIC_INIT" && is_punct("(", 1)) {
            // atomic_t v = ATOMIC_INIT(i) (linux-kernel.def has no event for it: an initial value)
            take();
            take();
            t_.uses_kernel = true;
            const bool neg2 = accept("-");
            if (peek().kind != Kind::Int) fail(peek().pos, "bad init: ATOMIC_INIT takes a number, found " + describe(peek()));
            v.value = take().value;
            if (neg2) v.value = -v.value;
            expect(")", "to close ATOMIC_INIT");
            return v;
        }
        if (!neg) {
            accept("&");
            if (peek().kind == Kind::Ident && !is_type_word(peek().text)) {
                v.location = take().text;
                return v;
            }
        }
        fail(peek().pos, "bad init: expected a number or a location name, found " + describe(peek()));
    }

    struct PendingRegInit {
        std::uint32_t thread;  // range-checked against kMaxLitmusThreads before narrowing
        std::string reg;
        InitValue value;
        SourcePos pos;
    };
    struct PendingLocInit {
        std::uint32_t loc;
        InitValue value;
    };

    void parse_init() {
        if (!is_punct("{")) fail(peek().pos, "bad init: expected the initial state '{ ... }', found " + describe(peek()));
        take();
        std::vector<PendingLocInit> pending;
        while (!is_punct("}")) {
            if (peek().kind == Kind::End) fail(peek().pos, "bad init: unterminated initial state");
            const Token& first = peek();
            if (first.kind == Kind::Int && is_punct(":", 1)) {
                take();
                take();
                check_thread_number(first.pos, static_cast<std::uint64_t>(first.value), "bad init");
                const Token& reg = expect_ident("a register name in the init block");
                expect("=", "after the register in the init block");
                PendingRegInit r{static_cast<std::uint32_t>(first.value), reg.text, parse_init_value(), first.pos};
                reg_init_names_.emplace(r.thread, r.reg);
                reg_inits_.push_back(r);
            } else if (first.kind == Kind::Ident && is_type_word(first.text)) {
                const TypeInfo ti = parse_type("init");
                if (peek().kind == Kind::Int && is_punct(":", 1)) {
                    // `int *1:r1;` or `int 1:r1 = x;`: a typed register of thread 1.
                    const Token& th = take();
                    take();
                    const Token& reg = expect_ident("a register name in the init block");
                    InitValue v;
                    v.pos = reg.pos;
                    if (accept("=")) v = parse_init_value();
                    reg_inits_.push_back(PendingRegInit{static_cast<std::uint32_t>(th.value), reg.text, v, th.pos});
                    if (!accept(";") && !accept(",") && !is_punct("}"))
                        fail(peek().pos, "bad init: expected ';' between initialisations, found " + describe(peek()));
                    continue;
                }
                const Token& name = expect_ident("a location name in the init block");
                if (loc_index_.contains(name.text)) fail(name.pos, "bad init: location '" + name.text + "' declared twice");
                const std::uint32_t idx = add_location(name.text, name.pos, ti);
                if (accept("=")) pending.push_back(PendingLocInit{idx, parse_init_value()});
            } else if (first.kind == Kind::Ident) {
                take();
                if (!is_punct("="))
                    fail(peek().pos, "bad init: expected '=' after '" + first.text + "', found " + describe(peek()));
                take();
                const std::uint32_t idx = add_location(first.text, first.pos, TypeInfo{});
                pending.push_back(PendingLocInit{idx, parse_init_value()});
            } else {
                fail(first.pos, "bad init: expected a declaration such as 'int x = 0;', found " + describe(first));
            }
            if (!accept(";") && !accept(",") && !is_punct("}"))
                fail(peek().pos, "bad init: expected ';' between initialisations, found " + describe(peek()));
        }
        take();
        for (const PendingLocInit& p : pending) {
            if (!p.value.location.empty()) {
                // herd7 declares a location named only as an initial value (`x1=y1;`).
                const std::uint32_t target = add_location(p.value.location, p.value.pos, TypeInfo{});
                Location& l = t_.locations[p.loc];
                l.initial = kAddressBase + target;
                if (l.pointer_depth == 0) l.pointer_depth = 1;
            } else {
                t_.locations[p.loc].initial = p.value.value;
            }
            const Location& l = t_.locations[p.loc];
            if (l.cls == LocClass::Spinlock && l.initial != 0)
                fail(p.value.pos, "bad init: a spinlock starts unlocked (0)");
        }
    }

    // --- threads ---
    struct Scope {
        std::map<std::string, std::uint32_t> params;     // name -> location
        std::map<std::string, std::uint32_t> registers;  // name -> slot
        // Registers possibly set so far, and the order they became set in, so an `if` can undo
        // what its then-branch set in time proportional to that branch (no copy of the set).
        std::vector<char> is_set;
        std::vector<std::uint32_t> trail;
        void mark(std::uint32_t slot) {
            if (slot >= is_set.size()) is_set.resize(slot + 1, 0);
            if (is_set[slot] != 0) return;
            is_set[slot] = 1;
            trail.push_back(slot);
        }
        [[nodiscard]] bool contains(std::uint32_t slot) const { return slot < is_set.size() && is_set[slot] != 0; }
        std::vector<std::uint32_t> undo_to(std::size_t mark_at) {
            std::vector<std::uint32_t> undone(trail.begin() + static_cast<std::ptrdiff_t>(mark_at), trail.end());
            for (std::uint32_t r : undone) is_set[r] = 0;
            trail.resize(mark_at);
            return undone;
        }
    };

    void parse_thread() {
        const Token& head = take();
        const std::uint64_t number = thread_number(std::string_view(head.text).substr(1));
        check_thread_number(head.pos, number, "thread " + head.text);
        const auto id = static_cast<std::uint32_t>(number);
        for (const Thread& th : t_.threads)
            if (th.id == id)
                fail(head.pos, "duplicate thread " + head.text + " (first defined at line " + std::to_string(th.pos.line) + ")");
        if (id != t_.threads.size())
            fail(head.pos, "threads must be numbered P0, P1, ... in order: expected P" +
                               std::to_string(t_.threads.size()) + ", found " + head.text);
        Thread th;
        th.id = id;
        th.pos = head.pos;
        Scope sc;
        expect("(", "after the thread name");
        if (!is_punct(")")) {
            do {
                const TypeInfo ti = parse_type("parameter");
                const Token& name = expect_ident("a parameter name");
                if (ti.pointer_depth == 0)
                    fail(name.pos, "thread parameter '" + name.text + "' must be a pointer to a shared location (e.g. int *" +
                                       name.text + ")");
                if (sc.params.contains(name.text)) fail(name.pos, "parameter '" + name.text + "' given twice");
                TypeInfo loc_type = ti;
                loc_type.pointer_depth = static_cast<std::uint8_t>(ti.pointer_depth - 1);
                const bool known = loc_index_.contains(name.text);
                const std::uint32_t idx = add_location(name.text, name.pos, loc_type);
                Location& l = t_.locations[idx];
                if (known && (l.cls == LocClass::Spinlock) != ti.spinlock)
                    fail(name.pos, "parameter '" + name.text + "' has a type that differs from its declaration at line " +
                                       std::to_string(l.pos.line));
                if (known && ti.atomic) l.atomic_type = true;
                sc.params.emplace(name.text, idx);
                th.params.push_back(name.text);
            } while (accept(","));
        }
        expect(")", "to close the parameter list");
        cur_ = &th;
        scope_ = &sc;
        th.body = parse_block();
        cur_ = nullptr;
        scope_ = nullptr;
        t_.threads.push_back(std::move(th));
        reg_index_.push_back(std::move(sc.registers));
    }

    Block parse_block() {
        const Nest nest(*this, peek().pos);
        expect("{", "to open a block");
        Block b;
        while (!is_punct("}")) {
            if (peek().kind == Kind::End) fail(peek().pos, "unbalanced braces: expected '}'");
            parse_statement(b);
        }
        take();
        return b;
    }

    std::uint32_t declare_register(const Token& name, std::uint8_t depth) {
        if (scope_->params.contains(name.text))
            fail(name.pos, "register '" + name.text + "' has the name of a parameter of P" + std::to_string(cur_->id));
        if (auto it = scope_->registers.find(name.text); it != scope_->registers.end()) return it->second;
        Register r;
        r.name = name.text;
        r.pointer_depth = depth;
        cur_->registers.push_back(r);
        const auto slot = static_cast<std::uint32_t>(cur_->registers.size() - 1);
        scope_->registers.emplace(name.text, slot);
        return slot;
    }

    // Parses one statement and appends what it does to `out` (declarations without
    // initialiser add nothing). The plain reads it contains are known once it is complete:
    // until then a `*x` may still turn out to be the lvalue of a READ_ONCE.
    void parse_statement(Block& out) {
        parse_statement_inner(out);
        flush_plain_reads();
    }

    void parse_statement_inner(Block& out) {
        const Token& t = peek();
        if (is_punct(";")) { take(); return; }
        if (is_punct("{")) {
            Stmt s;
            s.kind = Stmt::Kind::Compound;
            s.pos = t.pos;
            s.then_body = parse_block();
            out.push_back(std::move(s));
            return;
        }
        if (t.kind == Kind::Ident && t.text == "if") {
            const Nest nest(*this, t.pos);
            take();
            Stmt s;
            s.kind = Stmt::Kind::If;
            s.pos = t.pos;
            expect("(", "after 'if'");
            s.value = parse_expr(true);
            expect(")", "to close the if condition");
            const std::size_t mark = scope_->trail.size();
            s.then_body = parse_branch();
            const std::vector<std::uint32_t> set_by_then = scope_->undo_to(mark);
            if (peek().kind == Kind::Ident && peek().text == "else") {
                take();
                s.else_body = parse_branch();
            }
            for (std::uint32_t r : set_by_then) scope_->mark(r);
            out.push_back(std::move(s));
            return;
        }
        if (t.kind == Kind::Ident && (t.text == "while" || t.text == "for" || t.text == "do" || t.text == "goto"))
            fail(t.pos, "'" + t.text + "' loops are not supported: exploration needs loop-free threads (unroll by hand)");
        if (t.kind == Kind::Ident && (t.text == "return" || t.text == "switch" || t.text == "else"))
            fail(t.pos, "'" + t.text + "' is not supported here");
        if (t.kind == Kind::Ident && is_type_word(t.text)) {
            // int r0; int r1 = e; int *r2, r3 = e;
            std::uint8_t base_depth = 0;
            while (peek().kind == Kind::Ident && is_type_word(peek().text)) take();
            do {
                std::uint8_t depth = base_depth;
                while (accept("*")) ++depth;
                const Token& name = expect_ident("a register name");
                const std::uint32_t slot = declare_register(name, depth);
                if (accept("=")) {
                    Stmt s;
                    s.kind = Stmt::Kind::Assign;
                    s.pos = name.pos;
                    s.reg = slot;
                    // As in C, the name is in scope in its own initialiser (diy7 writes
                    // `int r4 = (r1 != r4);`); herd7's registers start at 0.
                    scope_->mark(slot);
                    s.value = parse_expr(true);
                    out.push_back(std::move(s));
                }
            } while (accept(","));
            expect(";", "after the declaration");
            return;
        }
        if (t.kind == Kind::Ident && is_punct("=", 1)) {
            if (scope_->params.contains(t.text))
                fail(t.pos, "cannot assign to parameter '" + t.text + "' (a pointer); write *" + t.text + " = ... or WRITE_ONCE(*" +
                                t.text + ", ...)");
            take();
            take();
            const std::uint32_t slot = declare_register(t, 0);
            Stmt s;
            s.kind = Stmt::Kind::Assign;
            s.pos = t.pos;
            s.reg = slot;
            s.value = parse_expr(true);
            scope_->mark(slot);
            expect(";", "after the assignment");
            out.push_back(std::move(s));
            return;
        }
        if (is_punct("*")) {
            const SourcePos pos = t.pos;
            ExprPtr lhs = parse_unary(true, /*as_store_target=*/true);
            if (lhs->kind != Expr::Kind::Deref) fail(pos, "expected a store '*x = value;'");
            expect("=", "in the store '*x = value'");
            Stmt s;
            s.kind = Stmt::Kind::Store;
            s.pos = pos;
            s.address = std::move(lhs->args[0]);
            note_plain_access(*s.address);
            s.value = parse_expr(true);
            s.label = "P" + std::to_string(cur_->id) + " line " + std::to_string(pos.line) + ": plain store";
            expect(";", "after the store");
            out.push_back(std::move(s));
            return;
        }
        Stmt s;
        s.kind = Stmt::Kind::Eval;
        s.pos = t.pos;
        s.value = parse_expr(false);
        if (s.value->kind != Expr::Kind::Call) fail(t.pos, "expected a statement, found an expression with no effect");
        expect(";", "after the call");
        out.push_back(std::move(s));
    }

    Block parse_branch() {
        Block b;
        if (is_punct("{")) {
            b = parse_block();
        } else {
            parse_statement(b);
        }
        return b;
    }

    // --- expressions ---
    static int precedence(const Token& t) {
        if (t.kind != Kind::Punct) return -1;
        static const std::map<std::string, int, std::less<>> prec = {
            {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6}, {"<", 7},  {"<=", 7},
            {">", 7},  {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},  {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
        auto it = prec.find(t.text);
        return it == prec.end() ? -1 : it->second;
    }

    // `need_value`: the result is used (a void call is then an error).
    // Precedence climbing. The right operand takes only operators that bind tighter, so the
    // operators met in this loop never bind tighter than the chain built so far: operators of
    // the chain's own precedence extend it (one node, evaluated in a loop; left-associative
    // like C), a looser one starts a new node above it. Recursion depth is thus bounded by the
    // number of precedence levels per nesting level, whatever the chain's length.
    ExprPtr parse_expr(bool need_value, int min_prec = 1) {
        ExprPtr lhs = parse_unary(need_value);
        int chain_prec = -1;  // precedence of the chain `lhs` built here; -1: lhs is an operand
        for (;;) {
            const int p = precedence(peek());
            if (p < min_prec) return lhs;
            const Token& op = take();
            require_value(*lhs);
            ExprPtr rhs = parse_expr(true, p + 1);
            if (p == chain_prec) {
                lhs->ops.push_back(op.text);
                lhs->args.push_back(std::move(rhs));
                continue;
            }
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::Binary;
            e->pos = op.pos;
            e->ops.push_back(op.text);
            e->args.push_back(std::move(lhs));
            e->args.push_back(std::move(rhs));
            lhs = std::move(e);
            chain_prec = p;
        }
    }

    void require_value(const Expr& e) const {
        if (e.kind == Expr::Kind::Call && !e.prim->returns_value)
            fail(e.pos, std::string(e.prim->name) + " returns no value");
    }

    // A run of prefix operators is read in a loop into one Unary node; only `*` recurses (and
    // counts as nesting).
    ExprPtr parse_unary(bool need_value, bool as_store_target = false) {
        const Token& first = peek();
        std::vector<std::string> ops;
        while (is_punct("!") || is_punct("-") || is_punct("~")) ops.push_back(take().text);
        ExprPtr operand = parse_operand(need_value || !ops.empty(), as_store_target && ops.empty());
        if (ops.empty()) return operand;
        auto e = std::make_unique<Expr>();
        e->kind = Expr::Kind::Unary;
        e->pos = first.pos;
        e->ops = std::move(ops);
        e->args.push_back(std::move(operand));
        return e;
    }

    ExprPtr parse_operand(bool need_value, bool as_store_target) {
        const Token& t = peek();
        if (is_punct("*")) {
            const Nest nest(*this, t.pos);
            take();
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::Deref;
            e->pos = t.pos;
            e->args.push_back(parse_unary(true));
            // A plain read, unless this is the target of a store or the lvalue of READ_ONCE
            // (the caller reclassifies those).
            if (!as_store_target) pending_plain_reads_.push_back(e.get());
            return e;
        }
        if (is_punct("(") && peek(1).kind == Kind::Ident && is_type_word(peek(1).text)) {
            // A cast such as (intptr_t *)r1 or (int)x: values are untyped 64-bit words (a
            // pointer is an address), so a cast changes nothing.
            take();
            (void)parse_type("cast");
            expect(")", "to close the cast");
            return parse_unary(need_value, as_store_target);
        }
        if (is_punct("&"))
            fail(t.pos, "'&' is not supported: a parameter x already denotes the address of location x");
        ExprPtr e = parse_primary();
        if (need_value) require_value(*e);
        return e;
    }

    ExprPtr parse_primary() {
        const Token& t = peek();
        if (is_punct("(")) {
            const Nest nest(*this, t.pos);
            take();
            ExprPtr e = parse_expr(true);
            expect(")", "to close the parenthesis");
            return e;
        }
        if (t.kind == Kind::Int) {
            take();
            auto e = std::make_unique<Expr>();
            e->kind = Expr::Kind::Int;
            e->pos = t.pos;
            e->value = t.value;
            return e;
        }
        if (t.kind == Kind::Ident) {
            take();
            if (is_punct("(")) return parse_call(t);
            return resolve_name(t);
        }
        fail(t.pos, "expected an expression, found " + describe(t));
    }

    ExprPtr resolve_name(const Token& t) {
        auto e = std::make_unique<Expr>();
        e->pos = t.pos;
        e->text = t.text;
        if (auto it = scope_->registers.find(t.text); it != scope_->registers.end()) {
            if (!scope_->contains(it->second) && !reg_init_names_.contains({cur_->id, t.text}))
                fail(t.pos, "register '" + t.text + "' of P" + std::to_string(cur_->id) + " is used before it is set");
            e->kind = Expr::Kind::Register;
            e->index = it->second;
            return e;
        }
        if (auto it = scope_->params.find(t.text); it != scope_->params.end()) {
            e->kind = Expr::Kind::Address;
            e->index = it->second;
            return e;
        }
        if (t.text == "NULL") {
            e->kind = Expr::Kind::Int;
            return e;
        }
        if (t.text.starts_with("memory_order"))
            fail(t.pos, "memory order '" + t.text + "' where a value is expected");
        if (loc_index_.contains(t.text))
            fail(t.pos, "unknown thread parameter '" + t.text + "': location " + t.text + " is not a parameter of P" +
                            std::to_string(cur_->id));
        fail(t.pos, "unknown identifier '" + t.text + "' in P" + std::to_string(cur_->id) +
                        ": neither a parameter nor a register");
    }

    std::memory_order parse_order_arg() {
        const Token& t = peek();
        if (t.kind != Kind::Ident) fail(t.pos, "expected a memory order such as memory_order_relaxed, found " + describe(t));
        take();
        auto mo = parse_memory_order(t.text);
        if (!mo) fail(t.pos, "unknown memory order '" + t.text + "'");
        return *mo;
    }

    // Whether `e` is statically a pointer: a thread parameter, or a register declared `int *r`.
    bool is_pointer_arg(const Expr* e) const {
        if (e == nullptr) return false;
        if (e->kind == Expr::Kind::Address) return true;
        return e->kind == Expr::Kind::Register && cur_->registers[e->index].pointer_depth > 0;
    }

    ExprPtr parse_call(const Token& name) {
        const Nest nest(*this, name.pos);
        auto prim = find_primitive(name.text);
        if (!prim) {
            std::string msg = "unsupported primitive '" + name.text + "'";
            if (const char* why = unsupported_reason(name.text)) msg += std::string(": ") + why;
            fail(name.pos, msg);
        }
        auto e = std::make_unique<Expr>();
        e->kind = Expr::Kind::Call;
        e->pos = name.pos;
        e->text = name.text;
        e->prim = prim;
        e->order = prim->order;
        e->order2 = prim->order;
        e->label = "P" + std::to_string(cur_->id) + " line " + std::to_string(name.pos.line) + ": " + name.text;
        expect("(", "after the function name");
        std::vector<SourcePos> arg_pos;
        int i = 0;
        if (!is_punct(")")) {
            do {
                arg_pos.push_back(peek().pos);
                if (prim->order_from == OrderFrom::Arguments && i == prim->order_arg) {
                    e->order = parse_order_arg();
                    if (prim->order2_arg < 0) e->order2 = e->order;
                    e->args.push_back(nullptr);
                } else if (prim->order_from == OrderFrom::Arguments && i == prim->order2_arg) {
                    e->order2 = parse_order_arg();
                    e->args.push_back(nullptr);
                } else {
                    e->args.push_back(parse_expr(true));
                }
                ++i;
            } while (accept(","));
        }
        const Token& close = expect(")", "to close the argument list");
        // atomic_fetch_{add,sub,and,or,xor} name both C11's (object, operand) and the kernel's
        // (operand, counter) (tools/memory-model/linux-kernel.def: atomic_fetch_add(V,X)). The
        // pointer decides: the kernel form when only the second argument is one, C11 otherwise
        // (as herd would with C11 semantics).
        if (auto kernel = find_kernel_alternative(name.text);
            kernel && e->args.size() == 2 && !is_pointer_arg(e->args[0].get()) && is_pointer_arg(e->args[1].get())) {
            prim = kernel;
            e->prim = prim;
            e->order = prim->order;
            e->order2 = prim->order;
        }
        if (e->args.size() != prim->arity)
            fail(e->args.size() > prim->arity ? arg_pos[prim->arity] : close.pos,
                 name.text + " takes " + std::to_string(prim->arity) + " argument" + (prim->arity == 1 ? "" : "s") +
                     ", found " + std::to_string(e->args.size()));
        if (prim->order_from == OrderFrom::Arguments) {
            if (prim->order2_arg < 0 && prim->op == PrimOp::C11Cas) e->order2 = default_failure(e->order);
            check_orders(*e, arg_pos);
        }
        if (prim->loc_arg >= 0) {
            Expr* arg = e->args[static_cast<std::size_t>(prim->loc_arg)].get();
            const SourcePos apos = arg_pos[static_cast<std::size_t>(prim->loc_arg)];
            if (prim->loc_is_lvalue) {
                if (arg->kind != Expr::Kind::Deref)
                    fail(apos, name.text + " takes an lvalue such as *x, not a pointer");
                // The lvalue *x of READ_ONCE is not a plain read of x.
                std::erase(pending_plain_reads_, arg);
                e->loc = arg->args[0].get();
            } else {
                e->loc = arg;
            }
            note_marked_access(*e, apos);
        }
        if (prim->expected_arg >= 0) {
            // herd's C11 convention: the expected value lives in a location the thread owns.
            const Expr* exp = e->args[static_cast<std::size_t>(prim->expected_arg)].get();
            if (exp->kind == Expr::Kind::Address) t_.locations[exp->index].plain_access = true;
        }
        if (prim->lkmm == LkmmTag::RcuLock || prim->lkmm == LkmmTag::RcuUnlock) t_.uses_rcu_markers = true;
        (prim->kernel ? t_.uses_kernel : t_.uses_c11) = true;
        if (prim->lkmm_only) {
            std::string msg = "unsupported primitive '" + name.text + "'";
            if (const char* why = unsupported_reason(name.text)) msg += std::string(": ") + why;
            t_.lkmm_only.push_back(LkmmOnly{name.pos, msg});
        }
        if (name.text == "rcu_dereference") t_.uses_rcu_dereference = true;
        return e;
    }

    static std::memory_order default_failure(std::memory_order mo) {
        if (mo == std::memory_order_acq_rel) return std::memory_order_acquire;
        if (mo == std::memory_order_release) return std::memory_order_relaxed;
        return mo;
    }

    void check_orders(const Expr& e, const std::vector<SourcePos>& arg_pos) const {
        using MO = std::memory_order;
        const Primitive& p = *e.prim;
        auto bad = [&](int arg, MO mo, const char* what) {
            fail(arg_pos[static_cast<std::size_t>(arg)], "memory_order_" + std::string(memory_order_name(mo)) +
                                                             " is not a valid order for " + what);
        };
        if (p.op == PrimOp::Load && (e.order == MO::release || e.order == MO::acq_rel)) bad(p.order_arg, e.order, "a load");
        if (p.op == PrimOp::Store && (e.order == MO::acquire || e.order == MO::consume || e.order == MO::acq_rel))
            bad(p.order_arg, e.order, "a store");
        if (p.op == PrimOp::C11Cas && p.order2_arg >= 0 && (e.order2 == MO::release || e.order2 == MO::acq_rel))
            bad(p.order2_arg, e.order2, "the failure of a compare-exchange");
    }

    void flush_plain_reads() {
        for (Expr* d : pending_plain_reads_) note_plain_access(*d->args[0]);
        pending_plain_reads_.clear();
    }

    void note_plain_access(const Expr& address) {
        if (address.kind != Expr::Kind::Address) return;
        Location& l = t_.locations[address.index];
        if (l.cls == LocClass::Spinlock)
            fail(address.pos, "plain access to spinlock '" + l.name + "'; use spin_lock/spin_unlock");
        l.plain_access = true;
    }

    void note_marked_access(const Expr& call, SourcePos apos) {
        const Expr& a = *call.loc;
        if (a.kind != Expr::Kind::Address) return;
        Location& l = t_.locations[a.index];
        const PrimOp op = call.prim->op;
        const bool lock_op = op == PrimOp::SpinLock || op == PrimOp::SpinUnlock || op == PrimOp::SpinTrylock ||
                             op == PrimOp::SpinIsLocked;
        if (lock_op && l.cls != LocClass::Spinlock)
            fail(apos, call.text + " needs a spinlock_t location; '" + l.name + "' is not declared spinlock_t");
        if (!lock_op && l.cls == LocClass::Spinlock)
            fail(apos, call.text + " on spinlock '" + l.name + "'; only spin_* operations apply to a spinlock_t");
        l.marked_access = true;
    }

    // --- after the threads ---
    void resolve_register_inits() {
        for (const PendingRegInit& r : reg_inits_) {
            if (r.thread >= t_.threads.size()) fail(r.pos, "bad init: thread P" + std::to_string(r.thread) + " does not exist");
            Thread& th = t_.threads[r.thread];
            auto [slot, added] = reg_index_[r.thread].emplace(r.reg, static_cast<std::uint32_t>(th.registers.size()));
            if (added) th.registers.push_back(Register{r.reg, 0, 0});
            Register* it = &th.registers[slot->second];
            if (!r.value.location.empty()) {
                auto li = loc_index_.find(r.value.location);
                if (li == loc_index_.end()) fail(r.value.pos, "bad init: '" + r.value.location + "' is not a location of the test");
                it->initial = kAddressBase + li->second;
            } else {
                it->initial = r.value.value;
            }
        }
    }

    // `T:r`, `x`, `[x]` or `*x` in the locations line and the condition.
    std::string parse_observed_name() {
        const Token& t = peek();
        if (t.kind == Kind::Int && is_punct(":", 1)) {
            take();
            take();
            const Token& reg = expect_ident("a register name after ':'");
            if (t.value >= static_cast<std::int64_t>(t_.threads.size()))
                fail(t.pos, "condition on an unknown location: thread P" + std::to_string(t.value) + " does not exist");
            Thread& th = t_.threads[static_cast<std::size_t>(t.value)];
            auto& index = reg_index_[static_cast<std::size_t>(t.value)];
            const bool known = index.contains(reg.text);
            // herd7 lists a register the thread never sets (its value is 0) on a locations line.
            if (!known && in_locations_line_) {
                index.emplace(reg.text, static_cast<std::uint32_t>(th.registers.size()));
                th.registers.push_back(Register{reg.text, 0, 0});
            } else if (!known)
                fail(reg.pos, "condition on an unknown location: P" + std::to_string(t.value) + " has no register '" +
                                  reg.text + "'");
            return std::to_string(t.value) + ":" + reg.text;
        }
        const bool bracket = accept("[");
        if (!bracket) accept("*");
        const Token& name = expect_ident("a register (T:r) or a location");
        if (bracket) expect("]", "after the location");
        auto it = loc_index_.find(name.text);
        if (it == loc_index_.end())
            fail(name.pos, "condition on an unknown location: '" + name.text + "' is not a location of the test");
        if (t_.locations[it->second].cls == LocClass::Spinlock)
            fail(name.pos, "the final value of spinlock '" + name.text + "' cannot be observed");
        return name.text;
    }

    void parse_locations_line() {
        take();
        in_locations_line_ = true;
        t_.has_locations_line = true;
        expect("[", "after 'locations'");
        while (!is_punct("]")) {
            const std::string n = parse_observed_name();
            if (listed_set_.insert(n).second) listed_.push_back(n);
            if (!accept(";") && !is_punct("]")) fail(peek().pos, "expected ';' or ']' in the locations line, found " + describe(peek()));
        }
        take();
        in_locations_line_ = false;
    }

    void parse_condition() {
        if (peek().kind == Kind::Ident && peek().text == "filter") {
            take();
            t_.condition.filter = parse_disjunction();
        }
        const Token& t = peek();
        t_.condition.pos = t.pos;
        if (t.kind == Kind::End)
            fail(t.pos, "missing final condition: expected 'exists', '~exists' or 'forall'");
        if (t.kind == Kind::Ident && t.text == "exists") {
            take();
            t_.condition.quantifier = Quantifier::Exists;
        } else if (t.kind == Kind::Ident && t.text == "forall") {
            take();
            t_.condition.quantifier = Quantifier::Forall;
        } else if (is_punct("~") && peek(1).kind == Kind::Ident && peek(1).text == "exists") {
            take();
            take();
            t_.condition.quantifier = Quantifier::NotExists;
        } else {
            fail(t.pos, "expected the final condition ('exists', '~exists' or 'forall'), found " + describe(t));
        }
        t_.condition.prop = parse_disjunction();
    }

    // A chain of \/ (or /\) of any length is one node with its terms in a vector.
    Prop parse_disjunction() {
        Prop first = parse_conjunction();
        if (!is_punct("\\/")) return first;
        Prop p;
        p.kind = Prop::Kind::Or;
        p.pos = peek().pos;
        p.terms.push_back(std::move(first));
        while (accept("\\/")) p.terms.push_back(parse_conjunction());
        return p;
    }
    Prop parse_conjunction() {
        Prop first = parse_prop_unary();
        if (!is_punct("/\\")) return first;
        Prop p;
        p.kind = Prop::Kind::And;
        p.pos = peek().pos;
        p.terms.push_back(std::move(first));
        while (accept("/\\")) p.terms.push_back(parse_prop_unary());
        return p;
    }
    Prop parse_prop_unary() {
        const Token& t = peek();
        Prop p;
        p.pos = t.pos;
        if (is_punct("~")) {
            const Nest nest(*this, t.pos);
            take();
            p.kind = Prop::Kind::Not;
            p.lhs = std::make_unique<Prop>(parse_prop_unary());
            return p;
        }
        if (is_punct("(")) {
            const Nest nest(*this, t.pos);
            take();
            Prop inner = parse_disjunction();
            expect(")", "to close the parenthesis in the condition");
            return inner;
        }
        if (t.kind == Kind::Ident && (t.text == "true" || t.text == "false")) {
            take();
            p.kind = t.text == "true" ? Prop::Kind::True : Prop::Kind::False;
            return p;
        }
        if (t.kind == Kind::End) fail(t.pos, "incomplete condition: expected a proposition such as 0:r0=1");
        p.kind = Prop::Kind::Atom;
        p.name = parse_observed_name();
        expect("=", "in the condition (T:r=value or x=value)");
        const Token& v = peek();
        const bool neg = accept("-");
        if (peek().kind == Kind::Int && is_punct(":", 1)) {
            // 0:r1=1:r2: two observed names compared
            if (neg) fail(v.pos, "expected a value in the condition, found '-'");
            p.rhs_name = parse_observed_name();
            if (cond_names_set_.insert(p.rhs_name).second) cond_names_.push_back(p.rhs_name);
        } else if (peek().kind == Kind::Int) {
            p.value = take().value;
            if (neg) p.value = -p.value;
        } else if (!neg && peek().kind == Kind::Ident) {
            const Token& n = take();
            auto it = loc_index_.find(n.text);
            if (it == loc_index_.end())
                fail(n.pos, "condition on an unknown location: '" + n.text + "' is not a location of the test");
            p.value = kAddressBase + it->second;
        } else {
            fail(v.pos, "expected a value in the condition, found " + describe(v));
        }
        if (cond_names_set_.insert(p.name).second) cond_names_.push_back(p.name);
        return p;
    }

    // `--model` when given; else LKMM for a test that uses kernel primitives or types and no
    // C11 call, RC11 for any other. Under RC11 a construct only LKMM defines is an error.
    void choose_model() {
        if (forced_model_) t_.model = *forced_model_;
        else t_.model = t_.uses_kernel && !t_.uses_c11 ? MemoryModelKind::LKMM : MemoryModelKind::RC11;
        if (t_.model == MemoryModelKind::RC11 && !t_.lkmm_only.empty())
            fail(t_.lkmm_only.front().pos, t_.lkmm_only.front().message);
    }

    void classify_locations() {
        for (Location& l : t_.locations) {
            if (l.cls == LocClass::Spinlock) continue;
            if (l.plain_access && !l.atomic_type && t_.model == MemoryModelKind::LKMM) {
                // Under LKMM a plain access is a Plain event that may race (herd7 flags the
                // data race and still gives the execution an outcome), not a C++ non-atomic.
                l.mixed = true;
                l.cls = LocClass::Atomic;
            } else if (l.plain_access && !l.marked_access && !l.atomic_type) {
                l.cls = LocClass::Plain;
            } else if (l.plain_access && l.marked_access && !l.atomic_type) {
                fail(l.pos, "location '" + l.name +
                                "' is accessed both plainly (*" + l.name + ") and with marked accesses; mmcheck models each "
                                "location as either a C++ non-atomic or an atomic, so declare it atomic_int or use one kind");
            } else {
                l.cls = LocClass::Atomic;
            }
        }
    }

    void build_observed() {
        std::vector<std::string> names;
        if (t_.has_locations_line) {
            names = listed_;
            for (const std::string& n : cond_names_)
                if (!listed_set_.contains(n)) names.push_back(n);
        } else {
            for (const Thread& th : t_.threads)
                for (const Register& r : th.registers) names.push_back(std::to_string(th.id) + ":" + r.name);
            for (const Location& l : t_.locations)
                if (l.cls != LocClass::Spinlock) names.push_back(l.name);
        }
        for (const std::string& n : names) {
            Observed o;
            o.name = n;
            if (auto colon = n.find(':'); colon != std::string::npos) {
                o.is_register = true;
                o.thread = static_cast<std::uint32_t>(std::stoul(n.substr(0, colon)));
                o.index = reg_index_[o.thread].at(n.substr(colon + 1));
            } else {
                o.index = loc_index_.at(n);
            }
            t_.observed.push_back(o);
        }
        // herd's order: registers by thread, then shared locations, each by name.
        std::stable_sort(t_.observed.begin(), t_.observed.end(), [](const Observed& a, const Observed& b) {
            if (a.is_register != b.is_register) return a.is_register;
            if (a.is_register && a.thread != b.thread) return a.thread < b.thread;
            return a.name < b.name;
        });
        for (std::uint32_t i = 0; i < t_.observed.size(); ++i) observed_index_.emplace(t_.observed[i].name, i);
        resolve_atoms(t_.condition.prop);
        if (t_.condition.filter) resolve_atoms(*t_.condition.filter);
    }

    // Recursion only through `~` and parentheses (kMaxNesting); conjunctions are loops.
    void resolve_atoms(Prop& p) {
        if (p.kind == Prop::Kind::Atom) {
            p.observed = observed_index_.at(p.name);
            if (!p.rhs_name.empty()) p.rhs_observed = observed_index_.at(p.rhs_name);
        }
        if (p.lhs) resolve_atoms(*p.lhs);
        for (Prop& q : p.terms) resolve_atoms(q);
    }

    const std::string& file_;
    LexedFile lx_;
    std::optional<MemoryModelKind> forced_model_;
    std::size_t p_ = 0;
    LitmusTest t_;
    std::map<std::string, std::uint32_t> loc_index_;
    std::vector<PendingRegInit> reg_inits_;
    Thread* cur_ = nullptr;
    Scope* scope_ = nullptr;
    std::vector<Expr*> pending_plain_reads_;
    std::vector<std::string> listed_;
    std::vector<std::string> cond_names_;
    bool in_locations_line_ = false;
    // Lookups that keep parsing linear in the size of the test (20,000 registers must not
    // take seconds): names already listed, register names per thread, observed names.
    std::set<std::string> listed_set_;
    std::set<std::string> cond_names_set_;
    std::set<std::pair<std::uint32_t, std::string>> reg_init_names_;
    std::vector<std::map<std::string, std::uint32_t>> reg_index_;
    std::map<std::string, std::uint32_t> observed_index_;
    std::uint32_t depth_ = 0;  // current nesting (kMaxNesting)
};

}  // namespace

LitmusTest parse_litmus(std::string_view text, const std::string& file, std::optional<MemoryModelKind> model) {
    return Parser(text, file, model).run();
}

LitmusTest load_litmus_file(const std::filesystem::path& path, std::optional<MemoryModelKind> model) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LitmusError(path.string(), SourcePos{1, 1}, "cannot read the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_litmus(ss.str(), path.string(), model);
}

}  // namespace mmcheck::litmus
