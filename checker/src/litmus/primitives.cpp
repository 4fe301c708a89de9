// SPDX-License-Identifier: MIT
#include "litmus/primitives.hpp"

#include <map>
#include <string>

namespace mmcheck::litmus {
namespace {

using MO = std::memory_order;

// The names are built from families (atomic_fetch_add + _relaxed/_acquire/_release), so the
// strings must outlive the views in Primitive: they live in this map's keys.
class Table {
public:
    Table() {
        build_c11();
        kernel_ = true;
        build_kernel();
    }
    const Primitive* find(std::string_view name) const {
        auto it = map_.find(name);
        return it == map_.end() ? nullptr : &it->second;
    }
    const Primitive* find_kernel(std::string_view name) const {
        auto it = kernel_alternatives_.find(name);
        return it == kernel_alternatives_.end() ? nullptr : &it->second;
    }

private:
    // A name registered twice is one both C11 and the kernel define with different argument
    // orders (atomic_fetch_add(obj, arg) vs atomic_fetch_add(i, v)): the C11 row (added first)
    // stays the primary one, the kernel row is kept as its alternative.
    void add(const std::string& name, Primitive p) {
        p.kernel = kernel_;
        auto [it, inserted] = map_.emplace(name, p);
        if (!inserted) {
            auto [alt, alt_inserted] = kernel_alternatives_.emplace(name, p);
            alt->second.name = alt->first;
            return;
        }
        it->second.name = it->first;
    }

    static Primitive load(MO mo, bool lvalue) {
        Primitive p; p.op = PrimOp::Load; p.arity = 1; p.loc_arg = 0; p.loc_is_lvalue = lvalue; p.order = mo;
        return p;
    }
    static Primitive store(MO mo, bool lvalue) {
        Primitive p; p.op = PrimOp::Store; p.arity = 2; p.loc_arg = 0; p.loc_is_lvalue = lvalue;
        p.value_arg = 1; p.order = mo; p.returns_value = false;
        return p;
    }
    static Primitive tagged(Primitive p, LkmmTag tag) {
        p.lkmm = tag;
        return p;
    }
    static Primitive fence(MO mo) {
        Primitive p; p.op = PrimOp::Fence; p.order = mo; p.returns_value = false;
        return p;
    }

    void build_c11() {
        // The plain forms are seq_cst; the _explicit forms take their orders as arguments.
        Primitive p = load(MO::seq_cst, false);
        add("atomic_load", p);
        p.arity = 2; p.order_from = OrderFrom::Arguments; p.order_arg = 1;
        add("atomic_load_explicit", p);

        p = store(MO::seq_cst, false);
        add("atomic_store", p);
        p.arity = 3; p.order_from = OrderFrom::Arguments; p.order_arg = 2;
        add("atomic_store_explicit", p);

        const std::pair<const char*, RmwFn> rmws[] = {
            {"exchange", RmwFn::Exchange}, {"fetch_add", RmwFn::Add}, {"fetch_sub", RmwFn::Sub},
            {"fetch_and", RmwFn::And},     {"fetch_or", RmwFn::Or},   {"fetch_xor", RmwFn::Xor}};
        for (const auto& [suffix, fn] : rmws) {
            Primitive r; r.op = PrimOp::Rmw; r.arity = 2; r.loc_arg = 0; r.value_arg = 1; r.fn = fn;
            r.result = RmwResult::Old; r.order = MO::seq_cst;
            add(std::string("atomic_") + suffix, r);
            r.arity = 3; r.order_from = OrderFrom::Arguments; r.order_arg = 2;
            add(std::string("atomic_") + suffix + "_explicit", r);
        }

        for (bool weak : {false, true}) {
            const std::string base = weak ? "atomic_compare_exchange_weak" : "atomic_compare_exchange_strong";
            Primitive c; c.op = PrimOp::C11Cas; c.arity = 3; c.loc_arg = 0; c.expected_arg = 1;
            c.value2_arg = 2; c.order = MO::seq_cst; c.weak = weak;
            add(base, c);
            c.arity = 5; c.order_from = OrderFrom::Arguments; c.order_arg = 3; c.order2_arg = 4;
            add(base + "_explicit", c);
        }

        Primitive f = fence(MO::seq_cst);
        f.arity = 1; f.order_from = OrderFrom::Arguments; f.order_arg = 0;
        add("atomic_thread_fence", f);
    }

    // Kernel RMW forms: the bare name is fully ordered (fences around a relaxed RMW, modelling
    // kit 0.1 and 0.4.3), the suffixed ones carry their order on the RMW itself.
    template <class Fill>
    void add_forms(const std::string& base, Fill fill) {
        const std::pair<const char*, MO> forms[] = {
            {"_relaxed", MO::relaxed}, {"_acquire", MO::acquire}, {"_release", MO::release}};
        // linux-kernel.def: the bare form is {mb}, the suffixed ones {once}, {acquire}, {release}.
        const LkmmTag tags[] = {LkmmTag::Once, LkmmTag::Acquire, LkmmTag::Release};
        Primitive p; fill(p);
        p.order_from = OrderFrom::FullyOrdered; p.order = MO::relaxed; p.lkmm = LkmmTag::Mb;
        add(base, p);
        int k = 0;
        for (const auto& [suffix, mo] : forms) {
            Primitive q; fill(q);
            q.order_from = OrderFrom::Fixed; q.order = mo; q.lkmm = tags[k++];
            add(base + suffix, q);
        }
    }

    void build_kernel() {
        // Each row: the C++11 mapping (modelling kit) and the linux-kernel.def annotation.
        add("READ_ONCE", tagged(load(MO::relaxed, true), LkmmTag::Once));
        add("WRITE_ONCE", tagged(store(MO::relaxed, true), LkmmTag::Once));
        add("smp_load_acquire", tagged(load(MO::acquire, false), LkmmTag::Acquire));
        add("smp_store_release", tagged(store(MO::release, false), LkmmTag::Release));
        // C++11: stronger than the kernel (an acquire load); LKMM: {once}, ordered by the
        // address dependencies the interpreter states.
        add("rcu_dereference", tagged(load(MO::acquire, true), LkmmTag::Once));
        add("rcu_assign_pointer", tagged(store(MO::release, true), LkmmTag::Release));
        add("atomic_read", tagged(load(MO::relaxed, false), LkmmTag::Once));
        add("atomic_read_acquire", tagged(load(MO::acquire, false), LkmmTag::Acquire));
        add("atomic_set", tagged(store(MO::relaxed, false), LkmmTag::Once));
        add("atomic_set_release", tagged(store(MO::release, false), LkmmTag::Release));

        add("smp_mb", tagged(fence(MO::seq_cst), LkmmTag::FenceMb));
        add("smp_wmb", tagged(fence(MO::release), LkmmTag::Wmb));   // C++11: stronger (also orders load->store)
        add("smp_rmb", tagged(fence(MO::acquire), LkmmTag::Rmb));   // C++11: stronger (also orders load->store)
        add("smp_mb__before_atomic", tagged(fence(MO::seq_cst), LkmmTag::BeforeAtomic));
        add("smp_mb__after_atomic", tagged(fence(MO::seq_cst), LkmmTag::AfterAtomic));
        add("smp_mb__after_spinlock", tagged(fence(MO::seq_cst), LkmmTag::AfterSpinlock));

        // Fences only LKMM has. rcu_read_lock/unlock and barrier() order nothing in C++11
        // terms, so RC11 accepts them as markers; the others have no C++11 counterpart and
        // RC11 rejects them (unsupported_reason).
        auto lkmm_fence = [](LkmmTag tag, bool only) {
            Primitive f; f.op = PrimOp::LkmmFence; f.returns_value = false; f.lkmm = tag; f.lkmm_only = only;
            return f;
        };
        add("rcu_read_lock", lkmm_fence(LkmmTag::RcuLock, false));
        add("rcu_read_unlock", lkmm_fence(LkmmTag::RcuUnlock, false));
        add("barrier", lkmm_fence(LkmmTag::Barrier, false));
        add("synchronize_rcu", lkmm_fence(LkmmTag::SyncRcu, true));
        add("synchronize_rcu_expedited", lkmm_fence(LkmmTag::SyncRcu, true));
        add("smp_mb__after_unlock_lock", lkmm_fence(LkmmTag::AfterUnlockLock, true));
        add("smp_mb__after_srcu_read_unlock", lkmm_fence(LkmmTag::AfterSrcuReadUnlock, true));
        {
            // linux-kernel.def: srcu_read_lock(X) __load{srcu-lock}(*X); srcu_read_unlock(X,Y)
            // { __store{srcu-unlock}(*X,Y); }; srcu_down_read/srcu_up_read the same;
            // synchronize_srcu(X) { __srcu{sync-srcu}(X); }.
            Primitive l; l.op = PrimOp::SrcuLock; l.arity = 1; l.loc_arg = 0; l.lkmm = LkmmTag::SrcuLock; l.lkmm_only = true;
            add("srcu_read_lock", l);
            add("srcu_down_read", l);
            Primitive u; u.op = PrimOp::SrcuUnlock; u.arity = 2; u.loc_arg = 0; u.value_arg = 1; u.returns_value = false;
            u.lkmm = LkmmTag::SrcuUnlock; u.lkmm_only = true;
            add("srcu_read_unlock", u);
            add("srcu_up_read", u);
            Primitive y; y.op = PrimOp::SyncSrcu; y.arity = 1; y.loc_arg = 0; y.returns_value = false;
            y.lkmm = LkmmTag::SyncSrcu; y.lkmm_only = true;
            add("synchronize_srcu", y);
            add("synchronize_srcu_expedited", y);
            // linux-kernel.def: smp_store_mb(X,V) { __store{once}(X,V); __fence{mb}; }
            Primitive m = store(MO::relaxed, false); m.op = PrimOp::StoreMb; m.lkmm = LkmmTag::Once; m.lkmm_only = true;
            add("smp_store_mb", m);
        }

        add_forms("xchg", [](Primitive& p) {
            p.op = PrimOp::Rmw; p.arity = 2; p.loc_arg = 0; p.value_arg = 1; p.fn = RmwFn::Exchange;
        });
        add_forms("atomic_xchg", [](Primitive& p) {
            p.op = PrimOp::Rmw; p.arity = 2; p.loc_arg = 0; p.value_arg = 1; p.fn = RmwFn::Exchange;
        });
        for (const char* base : {"cmpxchg", "atomic_cmpxchg"}) {
            add_forms(base, [](Primitive& p) {
                p.op = PrimOp::KernelCmpxchg; p.arity = 3; p.loc_arg = 0; p.value_arg = 1; p.value2_arg = 2;
            });
        }

        // Non-value-returning RMWs are unordered: a relaxed RMW (modelling kit 0.1).
        const std::pair<const char*, RmwFn> binops[] = {
            {"add", RmwFn::Add}, {"sub", RmwFn::Sub}, {"and", RmwFn::And},
            {"or", RmwFn::Or},   {"xor", RmwFn::Xor}, {"andnot", RmwFn::AndNot}};
        for (const auto& [op, fn] : binops) {
            Primitive p; p.op = PrimOp::Rmw; p.arity = 2; p.value_arg = 0; p.loc_arg = 1; p.fn = fn;
            p.result = RmwResult::Nothing; p.returns_value = false; p.order = MO::relaxed; p.lkmm = LkmmTag::Noreturn;
            add(std::string("atomic_") + op, p);
            const RmwFn f = fn;
            add_forms(std::string("atomic_fetch_") + op, [f](Primitive& q) {
                q.op = PrimOp::Rmw; q.arity = 2; q.value_arg = 0; q.loc_arg = 1; q.fn = f; q.result = RmwResult::Old;
            });
            if (fn == RmwFn::Add || fn == RmwFn::Sub) {
                add_forms(std::string("atomic_") + op + "_return", [f](Primitive& q) {
                    q.op = PrimOp::Rmw; q.arity = 2; q.value_arg = 0; q.loc_arg = 1; q.fn = f; q.result = RmwResult::New;
                });
            }
        }
        const std::pair<const char*, RmwFn> unops[] = {{"inc", RmwFn::Add}, {"dec", RmwFn::Sub}};
        for (const auto& [op, fn] : unops) {
            Primitive p; p.op = PrimOp::Rmw; p.arity = 1; p.loc_arg = 0; p.constant = 1; p.fn = fn;
            p.result = RmwResult::Nothing; p.returns_value = false; p.order = MO::relaxed; p.lkmm = LkmmTag::Noreturn;
            add(std::string("atomic_") + op, p);
            const RmwFn f = fn;
            add_forms(std::string("atomic_") + op + "_return", [f](Primitive& q) {
                q.op = PrimOp::Rmw; q.arity = 1; q.loc_arg = 0; q.constant = 1; q.fn = f; q.result = RmwResult::New;
            });
            add_forms(std::string("atomic_fetch_") + op, [f](Primitive& q) {
                q.op = PrimOp::Rmw; q.arity = 1; q.loc_arg = 0; q.constant = 1; q.fn = f; q.result = RmwResult::Old;
            });
            Primitive t; t.op = PrimOp::Rmw; t.arity = 1; t.loc_arg = 0; t.constant = 1; t.fn = fn;
            t.result = RmwResult::IsZero; t.order_from = OrderFrom::FullyOrdered; t.lkmm = LkmmTag::Mb;
            add(std::string("atomic_") + op + "_and_test", t);
        }
        {
            Primitive t; t.op = PrimOp::Rmw; t.arity = 2; t.value_arg = 0; t.loc_arg = 1; t.fn = RmwFn::Sub;
            t.result = RmwResult::IsZero; t.order_from = OrderFrom::FullyOrdered; t.lkmm = LkmmTag::Mb;
            add("atomic_sub_and_test", t);
            t.fn = RmwFn::Add; t.result = RmwResult::IsNegative;
            add("atomic_add_negative", t);
        }
        {
            Primitive u; u.op = PrimOp::AddUnless; u.arity = 3; u.loc_arg = 0; u.value_arg = 1; u.value2_arg = 2;
            u.fn = RmwFn::Add; u.order_from = OrderFrom::FullyOrdered; u.lkmm = LkmmTag::Mb;
            add("atomic_add_unless", u);
            Primitive z; z.op = PrimOp::AddUnless; z.arity = 1; z.loc_arg = 0; z.constant = 1;
            z.fn = RmwFn::Add; z.order_from = OrderFrom::FullyOrdered; z.lkmm = LkmmTag::Mb;  // unless 0: value2 absent
            add("atomic_inc_not_zero", z);
        }

        Primitive l; l.arity = 1; l.loc_arg = 0; l.returns_value = false;
        l.op = PrimOp::SpinLock; add("spin_lock", l);
        l.op = PrimOp::SpinUnlock; add("spin_unlock", l);
        l.returns_value = true;
        l.op = PrimOp::SpinTrylock; add("spin_trylock", l);
        l.op = PrimOp::SpinIsLocked; add("spin_is_locked", l);
    }

    std::map<std::string, Primitive, std::less<>> map_;
    std::map<std::string, Primitive, std::less<>> kernel_alternatives_;
    bool kernel_ = false;  ///< set while build_kernel adds its rows
};

const Table& table() {
    static const Table t;
    return t;
}

}  // namespace

std::optional<Primitive> find_primitive(std::string_view name) {
    if (const Primitive* p = table().find(name)) return *p;
    return std::nullopt;
}

std::optional<Primitive> find_kernel_alternative(std::string_view name) {
    if (const Primitive* p = table().find_kernel(name)) return *p;
    return std::nullopt;
}

const char* unsupported_reason(std::string_view name) {
    if (name == "synchronize_rcu" || name == "synchronize_rcu_expedited" || name == "synchronize_srcu" ||
        name == "synchronize_srcu_expedited" || name.starts_with("srcu_") || name == "smp_mb__after_srcu_read_unlock")
        return "RCU grace periods have no C++11 counterpart, and mmcheck does not guess one (use --model lkmm)";
    if (name == "smp_mb__after_unlock_lock" || name == "smp_store_mb")
        return "not in the kernel-to-C++11 mapping table (protocols/00-modelling-kit.md; use --model lkmm)";
    if (name == "call_rcu" || name == "rcu_barrier" || name == "kfree" || name == "synchronize_sched")
        return "not defined by LKMM (linux-kernel.def)";
    if (name.starts_with("test_and_") || name.ends_with("_bit") || name.ends_with("_bit_lock") ||
        name.ends_with("_bit_unlock"))
        return "bit operations are not in the litmus front end's mapping; use atomic_* on a word";
    if (name == "spin_lock_irq" || name == "spin_unlock_irq" || name == "spin_lock_irqsave" ||
        name == "spin_unlock_irqrestore" || name.starts_with("raw_spin_") || name.starts_with("read_lock") ||
        name.starts_with("write_lock") || name.starts_with("read_unlock") || name.starts_with("write_unlock"))
        return "only spin_lock, spin_unlock, spin_trylock and spin_is_locked are modelled";
    return nullptr;
}

std::optional<std::memory_order> parse_memory_order(std::string_view name) {
    if (name == "memory_order_relaxed") return MO::relaxed;
    if (name == "memory_order_consume") return MO::consume;
    if (name == "memory_order_acquire") return MO::acquire;
    if (name == "memory_order_release") return MO::release;
    if (name == "memory_order_acq_rel") return MO::acq_rel;
    if (name == "memory_order_seq_cst") return MO::seq_cst;
    return std::nullopt;
}

std::string_view memory_order_name(std::memory_order mo) {
    switch (mo) {
        case MO::relaxed: return "relaxed";
        case MO::consume: return "consume";
        case MO::acquire: return "acquire";
        case MO::release: return "release";
        case MO::acq_rel: return "acq_rel";
        case MO::seq_cst: return "seq_cst";
    }
    return "?";
}

}  // namespace mmcheck::litmus
