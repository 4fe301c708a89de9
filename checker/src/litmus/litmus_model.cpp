// SPDX-License-Identifier: MIT
#include "litmus/litmus_model.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mmcheck::litmus {

namespace {
using MO = std::memory_order;

std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t wrap_mul(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

std::int64_t apply(RmwFn fn, std::int64_t old, std::int64_t operand) {
    switch (fn) {
        case RmwFn::Exchange: return operand;
        case RmwFn::Add: return wrap_add(old, operand);
        case RmwFn::Sub: return wrap_sub(old, operand);
        case RmwFn::And: return old & operand;
        case RmwFn::Or: return old | operand;
        case RmwFn::Xor: return old ^ operand;
        case RmwFn::AndNot: return old & ~operand;
    }
    return operand;
}
}  // namespace

/// The reads (po indices, ExecutionContext::last_read) a value was computed from: what
/// herd7 derives from register data flow to build addr, data and ctrl (linux-kernel.bell).
/// Allocated from the model's arena (LitmusModel::arena_): a stopped thread's frames are
/// abandoned, not unwound, so their sets must not own memory of their own.
using DepSet = std::pmr::vector<std::uint32_t>;

void merge(DepSet& into, const DepSet& from) {
    for (std::uint32_t i : from)
        if (std::find(into.begin(), into.end(), i) == into.end()) into.push_back(i);
}

/// Runs one thread's statements. Errors found only at run time (a register holding no
/// address is dereferenced, a division by zero) throw, which the engine reports as an
/// "exception" violation with the execution that shows it.
///
/// Every access states its LKMM annotation (the primitive's linux-kernel.def tag) and its
/// dependencies through ExecutionContext::annotate; under RC11 both are ignored, so one
/// interpreter serves both models. Registers carry the reads their value depends on: an
/// access through a register is address dependent on them, a stored value data dependent,
/// and every event inside an `if`'s branches control dependent on the reads of its condition
/// (herd7's ctrl; events after the if are not, as the corpus shows).
class Interpreter {
public:
    Interpreter(LitmusModel& m, std::uint32_t thread)
        : m_(m), t_(*m.test_), thread_(thread), regs_(m.registers_[thread]),
          reg_deps_(regs_.size(), &m.arena_), ctrl_(&m.arena_) {}

    void run(const Block& b) {
        for (const Stmt& s : b) exec(s);
    }

private:
    [[noreturn]] void error(SourcePos p, const std::string& msg) const {
        throw std::runtime_error(printable(t_.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                                           ": P" + std::to_string(t_.threads[thread_].id) + ": " + msg));
    }

    ExecutionContext& ctx() const { return detail::current_context(); }
    /// An empty dependency set in the model's arena.
    DepSet deps() const { return DepSet(&m_.arena_); }

    /// Announces the next operation's LKMM tag and dependencies (ignored under RC11).
    void annotate(LkmmTag tag, const DepSet& addr = {}, const DepSet& data = {}) const {
        LkmmAnnotation a;
        a.tag = tag;
        a.deps.addr.assign(addr.begin(), addr.end());
        a.deps.data.assign(data.begin(), data.end());
        a.deps.ctrl.assign(ctrl_.begin(), ctrl_.end());
        ctx().annotate(a);
    }
    /// The read the last operation made, as a dependency set.
    DepSet read_dep() const {
        DepSet d = deps();
        if (auto r = ctx().last_read()) d.push_back(*r);
        return d;
    }

    void exec(const Stmt& s) {
        switch (s.kind) {
            case Stmt::Kind::Assign: {
                DepSet d = deps();
                regs_[s.reg] = eval(*s.value, d);
                reg_deps_[s.reg] = std::move(d);
                return;
            }
            case Stmt::Kind::Store: {
                DepSet addr = deps(), data = deps();
                const std::uint32_t loc = address(*s.address, addr);
                const std::int64_t v = eval(*s.value, data);
                plain_store(loc, v, s.pos, s.label, addr, data);
                return;
            }
            case Stmt::Kind::Eval: {
                DepSet d = deps();
                (void)eval(*s.value, d);
                return;
            }
            case Stmt::Kind::If: {
                // herd7's ctrl reaches the events of the branch taken, not those after the
                // if (the corpus's C-JO-OOTA-3 and C-non-race1 are Sometimes because of it).
                DepSet d = deps();
                const bool taken = eval(*s.value, d) != 0;
                const DepSet outer(ctrl_, &m_.arena_);
                merge(ctrl_, d);
                if (taken) run(s.then_body); else run(s.else_body);
                ctrl_ = outer;
                return;
            }
            case Stmt::Kind::Compound: run(s.then_body); return;
        }
    }

    std::uint32_t address(const Expr& e, DepSet& d) {
        const std::int64_t v = eval(e, d);
        auto loc = location_of(t_, v);
        if (!loc) error(e.pos, "dereferences " + std::to_string(v) + ", which is not the address of a location");
        return *loc;
    }

    // Plain `*x` accesses: a C++ non-atomic for a Plain location; on a location of atomic type
    // C semantics make it a seq_cst access; on a location also accessed with marked accesses
    // (LKMM only) a relaxed access tagged Plain.
    std::int64_t plain_load(std::uint32_t loc, SourcePos pos, const std::string& lbl, const DepSet& addr) {
        const LitmusModel::Slot& s = m_.slots_[loc];
        label(lbl);
        const Location& l = t_.locations[loc];
        if (s.plain) { annotate(LkmmTag::Plain, addr); return s.plain->get(); }
        if (s.atomic && (l.mixed || lkmm_plain(l))) { annotate(LkmmTag::Plain, addr); return s.atomic->load(MO::relaxed); }
        if (s.atomic && l.atomic_type) { annotate(LkmmTag::Derived, addr); return s.atomic->load(MO::seq_cst); }
        error(pos, "plain read of '" + l.name + "', which the test also accesses with marked accesses");
    }
    void plain_store(std::uint32_t loc, std::int64_t v, SourcePos pos, const std::string& lbl, const DepSet& addr,
                     const DepSet& data) {
        const LitmusModel::Slot& s = m_.slots_[loc];
        label(lbl);
        const Location& l = t_.locations[loc];
        if (s.plain) { annotate(LkmmTag::Plain, addr, data); return s.plain->set(v); }
        if (s.atomic && (l.mixed || lkmm_plain(l))) {
            annotate(LkmmTag::Plain, addr, data);
            return s.atomic->store(v, MO::relaxed);
        }
        if (s.atomic && l.atomic_type) { annotate(LkmmTag::Derived, addr, data); return s.atomic->store(v, MO::seq_cst); }
        error(pos, "plain write of '" + l.name + "', which the test also accesses with marked accesses");
    }

    // Under LKMM a plain access through a pointer to a location that is also accessed with
    // marked accesses is a Plain event (linux-kernel.bell: Plain = M \ Marked is per event),
    // as for a location accessed both ways by name (Location::mixed).
    bool lkmm_plain(const Location& l) const { return t_.model == MemoryModelKind::LKMM && !l.atomic_type; }

    const mmcheck::atomic<std::int64_t>& atomic_at(std::uint32_t loc, const Expr& call) const {
        const LitmusModel::Slot& s = m_.slots_[loc];
        if (!s.atomic)
            error(call.pos, call.text + " on '" + t_.locations[loc].name + "', which is " +
                                (s.lock ? "a spinlock" : "accessed plainly elsewhere (a non-atomic)"));
        return *s.atomic;
    }
    const mmcheck::mutex& lock_at(std::uint32_t loc, const Expr& call) const {
        const LitmusModel::Slot& s = m_.slots_[loc];
        if (!s.lock) error(call.pos, call.text + " on '" + t_.locations[loc].name + "', which is not a spinlock_t");
        return *s.lock;
    }

    static void label(const std::string& text) {
        if (!text.empty()) mmcheck::label(text);
    }

    std::int64_t arg(const Expr& call, std::int8_t i, DepSet& d) {
        return eval(*call.args[static_cast<std::size_t>(i)], d);
    }

    std::int64_t eval(const Expr& e, DepSet& d) {
        switch (e.kind) {
            case Expr::Kind::Int: return e.value;
            case Expr::Kind::Register: merge(d, reg_deps_[e.index]); return regs_[e.index];
            case Expr::Kind::Address: return kAddressBase + e.index;
            case Expr::Kind::Deref: {
                DepSet addr = deps();
                const std::uint32_t loc = address(*e.args[0], addr);
                // Labelled before the load: a temporary label string alive across it would
                // leak if the thread stopped there.
                label("P" + std::to_string(t_.threads[thread_].id) + " line " + std::to_string(e.pos.line) +
                      ": plain load");
                const std::int64_t v = plain_load(loc, e.pos, std::string(), addr);
                merge(d, read_dep());
                return v;
            }
            case Expr::Kind::Unary: {
                // Innermost operator first; a loop, however many there are (ast.hpp).
                std::int64_t v = eval(*e.args[0], d);
                for (auto op = e.ops.rbegin(); op != e.ops.rend(); ++op) {
                    if (*op == "!") v = v == 0 ? 1 : 0;
                    else if (*op == "-") v = wrap_sub(0, v);
                    else v = ~v;
                }
                return v;
            }
            case Expr::Kind::Binary: return binary(e, d);
            case Expr::Kind::Call: return call(e, d);
        }
        return 0;
    }

    // A left-associative chain a0 op0 a1 op1 a2 ... in one loop (ast.hpp). && and || still
    // short-circuit: once the result is decided, C evaluates no further operand of the chain.
    // The dependencies are those of every operand evaluated (herd7's data/addr flow through
    // any arithmetic, e.g. `r1 & 0`).
    std::int64_t binary(const Expr& e, DepSet& d) {
        std::int64_t acc = eval(*e.args[0], d);
        for (std::size_t i = 0; i < e.ops.size(); ++i) {
            const std::string& op = e.ops[i];
            const Expr& rhs = *e.args[i + 1];
            if (op == "&&") acc = acc != 0 && eval(rhs, d) != 0 ? 1 : 0;
            else if (op == "||") acc = acc != 0 || eval(rhs, d) != 0 ? 1 : 0;
            else acc = apply_binary(op, acc, eval(rhs, d), rhs.pos);
        }
        return acc;
    }

    std::int64_t apply_binary(const std::string& op, std::int64_t a, std::int64_t b, SourcePos divisor_pos) const {
        if (op == "+") return wrap_add(a, b);
        if (op == "-") return wrap_sub(a, b);
        if (op == "*") return wrap_mul(a, b);
        if (op == "/" || op == "%") {
            if (b == 0) error(divisor_pos, "division by zero");
            if (a == INT64_MIN && b == -1) return op == "/" ? a : 0;
            return op == "/" ? a / b : a % b;
        }
        if (op == "&") return a & b;
        if (op == "|") return a | b;
        if (op == "^") return a ^ b;
        if (op == "<<") return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) << (b & 63));
        if (op == ">>") return a >> (b & 63);
        if (op == "==") return a == b;
        if (op == "!=") return a != b;
        if (op == "<") return a < b;
        if (op == "<=") return a <= b;
        if (op == ">") return a > b;
        if (op == ">=") return a >= b;
        error(divisor_pos, "unknown operator " + op);
    }

    SourceRef src(const Expr& e) const { return SourceRef{t_.file.c_str(), e.pos.line}; }

    /// This thread's Dependencies for an LKMM fence, cleared: kept in the model, not in the
    /// frame that calls lkmm_fence (see LitmusModel::arena_).
    Dependencies& op_deps() {
        Dependencies& d = m_.op_deps_[thread_];
        d.addr.clear(), d.data.clear(), d.ctrl.clear();
        return d;
    }

    std::int64_t call(const Expr& e, DepSet& d) {
        const Primitive& p = *e.prim;
        switch (p.op) {
            case PrimOp::Fence:
                // A fence both models have: smp_mb/wmb/rmb... carry their LKMM tag; a C11
                // atomic_thread_fence is Derived.
                annotate(p.lkmm);
                mmcheck::fence(e.order);
                return 0;
            case PrimOp::LkmmFence: {
                Dependencies& deps = op_deps();
                deps.ctrl.assign(ctrl_.begin(), ctrl_.end());
                label(e.label);
                ctx().lkmm_fence(p.lkmm, std::nullopt, deps, src(e));
                return 0;
            }
            case PrimOp::SyncSrcu: {
                DepSet addr = deps();
                const std::uint32_t loc = address(*e.loc, addr);
                Dependencies& deps = op_deps();
                deps.addr.assign(addr.begin(), addr.end());
                deps.ctrl.assign(ctrl_.begin(), ctrl_.end());
                label(e.label);
                ctx().lkmm_fence(p.lkmm, atomic_at(loc, e).id(), deps, src(e));
                return 0;
            }
            case PrimOp::Load:
            case PrimOp::SrcuLock: {
                DepSet addr = deps();
                const auto& a = atomic_at(address(*e.loc, addr), e);
                label(e.label);
                annotate(p.lkmm, addr);
                const std::int64_t v = a.load(e.order);
                merge(d, read_dep());
                return v;
            }
            case PrimOp::Store:
            case PrimOp::SrcuUnlock:
            case PrimOp::StoreMb: {
                DepSet addr = deps(), data = deps();
                const auto& a = atomic_at(address(*e.loc, addr), e);
                const std::int64_t v = arg(e, p.value_arg, data);
                label(e.label);
                annotate(p.lkmm, addr, data);
                a.store(v, e.order);
                if (p.op == PrimOp::StoreMb) {
                    // linux-kernel.def: smp_store_mb(X,V) { __store{once}(X,V); __fence{mb}; }
                    annotate(LkmmTag::FenceMb);
                    mmcheck::fence(MO::seq_cst);
                }
                return 0;
            }
            case PrimOp::Rmw: return rmw(e, d);
            case PrimOp::KernelCmpxchg:
            case PrimOp::AddUnless: return conditional(e, d);
            case PrimOp::C11Cas: return c11_cas(e, d);
            case PrimOp::SpinLock: {
                DepSet addr = deps();
                const auto& l = lock_at(address(*e.loc, addr), e);
                label(e.label);
                annotate(LkmmTag::Derived, addr);
                l.lock();
                return 0;
            }
            case PrimOp::SpinUnlock: {
                DepSet addr = deps();
                const auto& l = lock_at(address(*e.loc, addr), e);
                label(e.label);
                annotate(LkmmTag::Derived, addr);
                l.unlock();
                return 0;
            }
            case PrimOp::SpinTrylock: {
                DepSet addr = deps();
                const auto& l = lock_at(address(*e.loc, addr), e);
                label(e.label);
                annotate(LkmmTag::Derived, addr);
                const bool got = l.try_lock();
                merge(d, read_dep());
                return got ? 1 : 0;
            }
            case PrimOp::SpinIsLocked: {
                DepSet addr = deps();
                const auto& l = lock_at(address(*e.loc, addr), e);
                label(e.label);
                annotate(LkmmTag::Derived, addr);
                // The lock word itself (1 while held), as mutex::is_locked() reads it, but
                // through the context so the event carries the litmus file's line.
                const bool held = ctx().load(l.id(), MO::relaxed, src(e)) != 0;
                merge(d, read_dep());
                return held ? 1 : 0;
            }
        }
        return 0;
    }

    // A fully ordered kernel RMW: under RC11 seq_cst fences around a relaxed RMW (modelling
    // kit); under LKMM one RMW tagged Mb, the fences NotLkmm (docs/lkmm-api.md).
    static void full_fence() {
        detail::current_context().annotate(LkmmAnnotation{LkmmTag::NotLkmm, {}});
        mmcheck::fence(MO::seq_cst);
    }

    std::int64_t rmw(const Expr& e, DepSet& d) {
        const Primitive& p = *e.prim;
        DepSet addr = deps(), data = deps();
        const auto& a = atomic_at(address(*e.loc, addr), e);
        const std::int64_t operand = p.value_arg >= 0 ? arg(e, p.value_arg, data) : p.constant;
        const RmwFn fn = p.fn;
        const bool full = p.order_from == OrderFrom::FullyOrdered;
        const MO mo = full ? MO::relaxed : e.order;
        if (full) full_fence();
        label(e.label);
        annotate(p.lkmm, addr, data);
        const std::int64_t old = a.update([fn, operand](std::int64_t v) { return std::optional<std::int64_t>(apply(fn, v, operand)); },
                                          mo, default_failure_order(mo), p.name.data());
        const DepSet read = read_dep();
        if (full) full_fence();
        merge(d, read);
        const std::int64_t now = a.type().normalize(apply(fn, old, operand));
        switch (p.result) {
            case RmwResult::Old: return old;
            case RmwResult::New: return now;
            case RmwResult::IsZero: return now == 0 ? 1 : 0;
            case RmwResult::IsNegative: return now < 0 ? 1 : 0;
            case RmwResult::Nothing: return 0;
        }
        return old;
    }

    // cmpxchg and atomic_add_unless: ordered (fully, or by the suffix) only when they write;
    // a failed one is a relaxed read (Documentation/atomic_t.txt; LKMM: a FailedRMW,
    // linux-kernel.bell:44-47). Under RC11 the leading fence of a fully ordered one runs
    // before the outcome is known, so it is there on failure too: stronger than the kernel
    // there, and noted in the README.
    std::int64_t conditional(const Expr& e, DepSet& d) {
        const Primitive& p = *e.prim;
        DepSet addr = deps(), data = deps();
        const auto& a = atomic_at(address(*e.loc, addr), e);
        const bool full = p.order_from == OrderFrom::FullyOrdered;
        const MO success = full ? MO::relaxed : e.order;
        const bool is_add_unless = p.op == PrimOp::AddUnless;
        const std::int64_t v1 = p.value_arg >= 0 ? arg(e, p.value_arg, data) : p.constant;
        const std::int64_t v2 = p.value2_arg >= 0 ? arg(e, p.value2_arg, data) : 0;
        const ValueType type = a.type();
        auto fn = [is_add_unless, v1, v2, type](std::int64_t old) -> std::optional<std::int64_t> {
            if (is_add_unless) {
                if (old == type.normalize(v2)) return std::nullopt;
                return wrap_add(old, v1);
            }
            if (old != type.normalize(v1)) return std::nullopt;
            return v2;
        };
        if (full) full_fence();
        label(e.label);
        annotate(p.lkmm, addr, data);
        // The std::function (too big for its inline buffer) lives in the model, not here.
        UpdateFn& f = m_.op_fn_[thread_];
        f = fn;
        const std::int64_t old = a.update(f, success, MO::relaxed, p.name.data());
        const DepSet read = read_dep();
        const bool wrote = fn(old).has_value();
        if (full && wrote) full_fence();
        merge(d, read);
        if (is_add_unless) return wrote ? 1 : 0;
        return old;
    }

    // herd's C11 convention: `expected` is the address of a location the thread owns; it is
    // read before the CAS and overwritten with the value found when the CAS fails. Those two
    // accesses are the thread's own bookkeeping, so on an atomic location they are relaxed.
    std::int64_t c11_cas(const Expr& e, DepSet& d) {
        const Primitive& p = *e.prim;
        DepSet addr = deps(), data = deps();
        const auto& a = atomic_at(address(*e.loc, addr), e);
        const std::uint32_t exp_loc = address(*e.args[static_cast<std::size_t>(p.expected_arg)], addr);
        const std::int64_t desired = arg(e, p.value2_arg, data);
        const LitmusModel::Slot& es = m_.slots_[exp_loc];
        if (es.lock) error(e.pos, "the expected value of a compare-exchange cannot live in a spinlock");
        std::int64_t expected = es.plain ? es.plain->get() : es.atomic->load(MO::relaxed);
        label(e.label);
        annotate(p.lkmm, addr, data);
        const bool ok = p.weak ? a.compare_exchange_weak(expected, desired, e.order, e.order2)
                               : a.compare_exchange_strong(expected, desired, e.order, e.order2);
        merge(d, read_dep());
        if (!ok) {
            if (es.plain) es.plain->set(expected); else es.atomic->store(expected, MO::relaxed);
        }
        return ok ? 1 : 0;
    }

    LitmusModel& m_;
    const LitmusTest& t_;
    std::uint32_t thread_;
    std::vector<std::int64_t>& regs_;
    std::pmr::vector<DepSet> reg_deps_;  ///< per register: the reads its value depends on
    DepSet ctrl_;                   ///< the reads the events of the current branch are ctrl dependent on
};

LitmusModel::LitmusModel(std::shared_ptr<const LitmusTest> test) : test_(std::move(test)) {
    slots_.resize(test_->locations.size());
    for (std::size_t i = 0; i < test_->locations.size(); ++i) {
        const Location& l = test_->locations[i];
        switch (l.cls) {
            case LocClass::Atomic: slots_[i].atomic.emplace(l.name, l.initial); break;
            case LocClass::Plain: slots_[i].plain.emplace(l.name, l.initial); break;
            case LocClass::Spinlock: slots_[i].lock.emplace(l.name); break;
        }
    }
    registers_.resize(test_->threads.size());
    op_deps_.resize(test_->threads.size());
    op_fn_.resize(test_->threads.size());
    for (std::size_t t = 0; t < test_->threads.size(); ++t)
        for (const Register& r : test_->threads[t].registers) registers_[t].push_back(r.initial);
}

void LitmusModel::threads() {
    for (std::uint32_t t = 0; t < test_->threads.size(); ++t) {
        thread("P" + std::to_string(test_->threads[t].id), [this, t] { Interpreter(*this, t).run(test_->threads[t].body); });
    }
}

void LitmusModel::final() {
    for (const Observed& o : test_->observed) {
        if (o.is_register) {
            observe(o.name, registers_[o.thread][o.index]);
            continue;
        }
        const Slot& s = slots_[o.index];
        if (s.atomic) observe(o.name, s.atomic->load(MO::relaxed));
        else if (s.plain) observe(o.name, s.plain->get());
    }
}

}  // namespace mmcheck::litmus
