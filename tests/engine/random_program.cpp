// SPDX-License-Identifier: MIT
#include "random_program.hpp"

#include <mmcheck/kernel.hpp>

#include <algorithm>
#include <optional>
#include <sstream>

namespace mmcheck::testing {

namespace {

const char* order_name(std::memory_order o) {
    switch (o) {
        case std::memory_order_relaxed: return "rlx";
        case std::memory_order_consume: return "con";
        case std::memory_order_acquire: return "acq";
        case std::memory_order_release: return "rel";
        case std::memory_order_acq_rel: return "ar";
        case std::memory_order_seq_cst: return "sc";
    }
    return "?";
}

class RandomModel final : public Model {
public:
    explicit RandomModel(std::shared_ptr<const RandomSpec> spec) : spec_(std::move(spec)) {
        for (int l = 0; l < spec_->locations; ++l) {
            names_.push_back("x" + std::to_string(l));
            locs_.push_back(atomic<int>(names_.back(), 0));
        }
        plain_.emplace_back("d", 0);
        for (const auto& th : spec_->threads)
            for (const auto& op : th)
                if (op.kind == RandomOp::Locked && mutex_.empty()) mutex_.emplace_back("m");
        regs_.resize(spec_->threads.size());
        for (std::size_t t = 0; t < spec_->threads.size(); ++t) regs_[t].assign(spec_->threads[t].size(), -1);
    }

    void threads() override {
        for (std::size_t t = 0; t < spec_->threads.size(); ++t)
            thread("P" + std::to_string(t), [this, t] { run(t); });
    }

    void final() override {
        for (std::size_t t = 0; t < regs_.size(); ++t)
            for (std::size_t i = 0; i < regs_[t].size(); ++i)
                observe(std::to_string(t) + ":r" + std::to_string(i), regs_[t][i]);
        for (std::size_t l = 0; l < locs_.size(); ++l) observe(names_[l], locs_[l].load());
        observe("d", plain_[0].get());
    }

private:
    void run(std::size_t t) {
        long long last = 1;
        std::optional<std::uint32_t> last_read;  // po index of the latest read (dependencies)
        const auto& ops = spec_->threads[t];
        for (std::size_t i = 0; i < ops.size(); ++i) {
            const RandomOp& op = ops[i];
            if (op.only_if_last_nonzero && last == 0) continue;
            const atomic<int>& x = locs_[static_cast<std::size_t>(op.loc)];
            long long r = -1;
            if (op.kind != RandomOp::Fence && (op.tag != LkmmTag::Derived || (op.dep != RandomOp::None && last_read))) {
                Dependencies d;
                if (last_read && op.dep == RandomOp::Addr) d.addr.push_back(*last_read);
                if (last_read && op.dep == RandomOp::Data) d.data.push_back(*last_read);
                if (last_read && op.dep == RandomOp::Ctrl) d.ctrl.push_back(*last_read);
                detail::current_context().annotate(LkmmAnnotation{op.tag, std::move(d)});
            }
            switch (op.kind) {
                case RandomOp::Load: r = x.load(op.order); break;
                case RandomOp::Store: x.store(op.a, op.order); break;
                case RandomOp::FetchAdd: r = x.fetch_add(op.a, op.order); break;
                case RandomOp::Exchange: r = x.exchange(op.a, op.order); break;
                case RandomOp::Cas: {
                    int e = op.a;
                    r = x.compare_exchange_strong(e, op.b, op.order, op.failure) ? 1 : 0;
                    break;
                }
                case RandomOp::CasWeak: {
                    int e = op.a;
                    r = x.compare_exchange_weak(e, op.b, op.order, op.failure) ? 1 : 0;
                    break;
                }
                case RandomOp::Fence:
                    // The LKMM flavour's fences exist only under LKMM (smp_rmb, barrier, ...).
                    if (op.tag != LkmmTag::Derived)
                        detail::current_context().lkmm_fence(op.tag, std::nullopt, Dependencies{}, SourceRef{});
                    else
                        fence(op.order);
                    break;
                case RandomOp::PlainLoad: r = plain_[0].get(); break;
                case RandomOp::PlainStore: plain_[0].set(op.a); break;
                case RandomOp::Await: {
                    const int want = op.a;
                    r = x.await([want](int v) { return v == want; }, op.order);
                    break;
                }
                case RandomOp::Kernel: r = kernel_rmw(op, x); break;
                case RandomOp::Locked:
                    mutex_[0].lock();
                    r = x.load(std::memory_order_relaxed);
                    x.store(op.a, std::memory_order_relaxed);
                    mutex_[0].unlock();
                    break;
            }
            regs_[t][i] = r;
            if (r != -1) last = r;
            if (op.kind != RandomOp::Fence && op.kind != RandomOp::Store && op.kind != RandomOp::PlainStore)
                last_read = detail::current_context().last_read();
        }
    }

    /// kernel.hpp's RMW helper of `op` on x (the helpers annotate their own events).
    static long long kernel_rmw(const RandomOp& op, const atomic<int>& x) {
        using namespace mmcheck::kernel;
        switch (op.helper) {
            case RandomOp::AddUnless: return atomic_add_unless(x, op.a, op.b) ? 1 : 0;
            case RandomOp::IncNotZero: return atomic_inc_not_zero(x) ? 1 : 0;
            case RandomOp::Cmpxchg: return cmpxchg(x, op.a, op.b);
            case RandomOp::CmpxchgAcquire: return cmpxchg_acquire(x, op.a, op.b);
            case RandomOp::CmpxchgRelease: return cmpxchg_release(x, op.a, op.b);
            case RandomOp::CmpxchgRelaxed: return cmpxchg_relaxed(x, op.a, op.b);
            case RandomOp::AtomicInc: atomic_inc(x); return -1;
            case RandomOp::DecReturn: return atomic_dec_return(x);
            case RandomOp::Xchg: return xchg(x, op.a);
            case RandomOp::XchgAcquire: return xchg_acquire(x, op.a);
            case RandomOp::kKernelRmws: break;
        }
        return -1;
    }

    std::shared_ptr<const RandomSpec> spec_;
    std::vector<std::string> names_;
    std::vector<atomic<int>> locs_;
    std::vector<var<int>> plain_;  // one non-atomic location: races are part of the comparison
    std::vector<mutex> mutex_;     // one mutex (Locked)
    std::vector<std::vector<long long>> regs_;
};

}  // namespace

std::string RandomSpec::describe() const {
    std::ostringstream os;
    os << locations << " locations\n";
    for (std::size_t t = 0; t < threads.size(); ++t) {
        os << "P" << t << ":";
        for (const auto& op : threads[t]) {
            static const char* names[] = {"ld", "st", "fadd", "xchg", "cas", "casw", "fence", "await", "pld", "pst", "locked", "kernel"};
            static const char* helpers[] = {"add_unless", "inc_not_zero", "cmpxchg", "cmpxchg_acquire", "cmpxchg_release",
                                            "cmpxchg_relaxed", "atomic_inc", "atomic_dec_return", "xchg", "xchg_acquire"};
            os << ' ' << (op.only_if_last_nonzero ? "?" : "") << names[op.kind] << '.' << order_name(op.order);
            if (op.kind == RandomOp::Kernel) os << ':' << helpers[op.helper];
            if (op.tag != LkmmTag::Derived) os << '[' << static_cast<int>(op.tag) << ']';
            if (op.dep != RandomOp::None) os << "{" << "-adc"[op.dep] << '}';
            if (op.kind == RandomOp::Cas || op.kind == RandomOp::CasWeak) os << '/' << order_name(op.failure);
            if (op.kind != RandomOp::Fence) os << "(x" << op.loc << ',' << op.a << ',' << op.b << ')';
        }
        os << '\n';
    }
    return os.str();
}

namespace {

/// What every generator below shares, in the order its draws are made (so each seed keeps its
/// program): 1..max_locations locations, 2..max_threads threads, a budget of operations dealt
/// round-robin (a full thread skips its turn without a draw), each made by `make_op(pick, s)`.
template <class MakeOp>
RandomSpec deal_ops(std::uint32_t seed, int max_locations, int max_threads, int max_ops, int max_total, int min_extra,
                    MakeOp make_op) {
    std::mt19937 rng(seed);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    RandomSpec s;
    s.locations = pick(1, max_locations);
    const int nthreads = pick(2, max_threads);
    // Keep most programs small enough for brute force; a few reach the full max_ops per thread.
    const int least = nthreads + min_extra;
    const int budget = pick(least, std::max(least, std::min(nthreads * max_ops, max_total)));
    s.threads.resize(static_cast<std::size_t>(nthreads));
    for (int i = 0; i < budget; ++i) {
        auto& th = s.threads[static_cast<std::size_t>(i % nthreads)];
        if (static_cast<int>(th.size()) >= max_ops) continue;
        th.push_back(make_op(pick, s));
    }
    return s;
}

}  // namespace

RandomSpec random_spec(std::uint32_t seed, int max_threads, int max_ops, int max_total) {
    RandomSpec s = deal_ops(seed, 3, max_threads, max_ops, max_total, 0, [](auto& pick, const RandomSpec& spec) {
        RandomOp op;
        const int k = pick(0, 99);
        op.kind = k < 27 ? RandomOp::Load
                  : k < 52 ? RandomOp::Store
                  : k < 60 ? RandomOp::FetchAdd
                  : k < 66 ? RandomOp::Exchange
                  : k < 74 ? RandomOp::Cas
                  : k < 79 ? RandomOp::CasWeak
                  : k < 90 ? RandomOp::Fence
                  : k < 94 ? RandomOp::Await
                  : k < 97 ? RandomOp::PlainLoad
                           : RandomOp::PlainStore;
        op.loc = pick(0, spec.locations - 1);
        op.a = pick(0, 2);
        op.b = pick(1, 2);
        static const std::memory_order loads[] = {std::memory_order_relaxed, std::memory_order_acquire,
                                                  std::memory_order_seq_cst};
        static const std::memory_order stores[] = {std::memory_order_relaxed, std::memory_order_release,
                                                   std::memory_order_seq_cst};
        static const std::memory_order rmws[] = {std::memory_order_relaxed, std::memory_order_acquire,
                                                 std::memory_order_release, std::memory_order_acq_rel,
                                                 std::memory_order_seq_cst};
        static const std::memory_order fences[] = {std::memory_order_acquire, std::memory_order_release,
                                                   std::memory_order_acq_rel, std::memory_order_seq_cst};
        switch (op.kind) {
            case RandomOp::Load:
            case RandomOp::Await: op.order = loads[pick(0, 2)]; break;
            case RandomOp::Store:
            case RandomOp::PlainStore: op.order = stores[pick(0, 2)]; op.a = pick(1, 2); break;
            case RandomOp::PlainLoad: break;
            case RandomOp::Fence: op.order = fences[pick(0, 3)]; break;
            default:
                op.order = rmws[pick(0, 4)];
                op.failure = loads[pick(0, 2)];
                if (op.failure == std::memory_order_seq_cst && op.order != std::memory_order_seq_cst)
                    op.failure = std::memory_order_relaxed;
                if (op.kind == RandomOp::FetchAdd || op.kind == RandomOp::Exchange) op.a = pick(1, 2);
        }
        op.only_if_last_nonzero = pick(0, 9) == 0;
        return op;
    });
    for (auto& th : s.threads)
        if (th.empty()) th.push_back(RandomOp{RandomOp::Store, 0, std::memory_order_relaxed, std::memory_order_relaxed, 1, 1, false});
    return s;
}

RandomSpec random_spec_lkmm(std::uint32_t seed, int max_threads, int max_ops, int max_total) {
    RandomSpec s = deal_ops(seed, 3, max_threads, max_ops, max_total, 0, [](auto& pick, const RandomSpec& spec) {
        constexpr std::memory_order rlx = std::memory_order_relaxed;
        RandomOp op;
        const int k = pick(0, 99);
        op.kind = k < 32 ? RandomOp::Load
                  : k < 62 ? RandomOp::Store
                  : k < 69 ? RandomOp::FetchAdd
                  : k < 74 ? RandomOp::Exchange
                  : k < 80 ? RandomOp::Cas
                  : k < 91 ? RandomOp::Fence
                  : k < 94 ? RandomOp::Await
                  : k < 97 ? RandomOp::PlainLoad
                           : RandomOp::PlainStore;
        op.loc = pick(0, spec.locations - 1);
        op.a = pick(0, 2);
        op.b = pick(1, 2);
        op.order = rlx;
        op.failure = rlx;
        switch (op.kind) {
            case RandomOp::Load:
            case RandomOp::Await: {
                static const LkmmTag t[] = {LkmmTag::Once, LkmmTag::Once, LkmmTag::Acquire};
                op.tag = t[pick(0, 2)];
                if (op.tag == LkmmTag::Acquire) op.order = std::memory_order_acquire;
                break;
            }
            case RandomOp::Store: {
                static const LkmmTag t[] = {LkmmTag::Once, LkmmTag::Once, LkmmTag::Release};
                op.tag = t[pick(0, 2)];
                if (op.tag == LkmmTag::Release) op.order = std::memory_order_release;
                op.a = pick(1, 2);
                break;
            }
            case RandomOp::PlainStore: op.a = pick(1, 2); break;
            case RandomOp::PlainLoad: break;
            case RandomOp::Fence: {
                static const LkmmTag t[] = {LkmmTag::FenceMb, LkmmTag::Wmb, LkmmTag::Rmb, LkmmTag::BeforeAtomic,
                                            LkmmTag::AfterAtomic, LkmmTag::Barrier};
                op.tag = t[pick(0, 5)];
                op.order = std::memory_order_seq_cst;
                break;
            }
            default: {
                static const LkmmTag t[] = {LkmmTag::Once, LkmmTag::Acquire, LkmmTag::Release, LkmmTag::Mb,
                                            LkmmTag::Noreturn};
                op.tag = t[pick(0, op.kind == RandomOp::FetchAdd ? 4 : 3)];
                op.order = op.tag == LkmmTag::Mb ? std::memory_order_seq_cst
                           : op.tag == LkmmTag::Acquire ? std::memory_order_acquire
                           : op.tag == LkmmTag::Release ? std::memory_order_release
                                                         : rlx;
                if (op.kind == RandomOp::FetchAdd || op.kind == RandomOp::Exchange) op.a = pick(1, 2);
            }
        }
        // Dependencies on the thread's latest read: address, data (stores and RMWs), control.
        if (op.kind != RandomOp::Fence && pick(0, 2) == 0) {
            const int d = pick(0, 2);
            op.dep = d == 0 ? RandomOp::Addr : d == 1 ? RandomOp::Data : RandomOp::Ctrl;
            if (op.dep == RandomOp::Data && (op.kind == RandomOp::Load || op.kind == RandomOp::Await ||
                                             op.kind == RandomOp::PlainLoad))
                op.dep = RandomOp::Ctrl;
        }
        op.only_if_last_nonzero = pick(0, 9) == 0;
        return op;
    });
    for (auto& th : s.threads)
        if (th.empty()) {
            RandomOp st;
            st.kind = RandomOp::Store;
            st.a = 1;
            st.tag = LkmmTag::Once;
            th.push_back(st);
        }
    return s;
}

RandomSpec random_spec_kernel(std::uint32_t seed, int max_threads, int max_ops, int max_total) {
    return deal_ops(seed, 2, max_threads, max_ops, max_total, 0, [](auto& pick, const RandomSpec& spec) {
        RandomOp op;
        const int k = pick(0, 99);
        op.kind = k < 25 ? RandomOp::Load : k < 45 ? RandomOp::Store : k < 90 ? RandomOp::Kernel : RandomOp::Fence;
        op.loc = pick(0, spec.locations - 1);
        op.a = pick(0, 2);
        op.b = pick(0, 2);
        switch (op.kind) {
            case RandomOp::Load:
                op.tag = pick(0, 2) == 0 ? LkmmTag::Acquire : LkmmTag::Once;
                op.order = op.tag == LkmmTag::Acquire ? std::memory_order_acquire : std::memory_order_relaxed;
                break;
            case RandomOp::Store:
                op.tag = pick(0, 2) == 0 ? LkmmTag::Release : LkmmTag::Once;
                op.order = op.tag == LkmmTag::Release ? std::memory_order_release : std::memory_order_relaxed;
                op.a = pick(1, 2);
                break;
            case RandomOp::Fence: {
                static const LkmmTag t[] = {LkmmTag::FenceMb, LkmmTag::Wmb, LkmmTag::Rmb};
                op.tag = t[pick(0, 2)];
                break;
            }
            default:
                op.helper = static_cast<RandomOp::KernelRmw>(pick(0, RandomOp::kKernelRmws - 1));
                if (op.helper == RandomOp::AddUnless || op.helper == RandomOp::Xchg || op.helper == RandomOp::XchgAcquire)
                    op.a = pick(1, 2);
                break;
        }
        op.only_if_last_nonzero = pick(0, 9) == 0;
        return op;
    });
}

RandomSpec random_spec_blocking(std::uint32_t seed, int max_threads, int max_ops, int max_total) {
    RandomSpec s = deal_ops(seed, 2, max_threads, max_ops, max_total, 0, [](auto& pick, const RandomSpec& spec) {
        static const std::memory_order loads[] = {std::memory_order_relaxed, std::memory_order_acquire,
                                                  std::memory_order_seq_cst};
        static const std::memory_order stores[] = {std::memory_order_relaxed, std::memory_order_release,
                                                   std::memory_order_seq_cst};
        RandomOp op;
        const int k = pick(0, 99);
        op.kind = k < 12 ? RandomOp::Load
                  : k < 34 ? RandomOp::Store
                  : k < 52 ? RandomOp::FetchAdd
                  : k < 78 ? RandomOp::Await
                           : RandomOp::Locked;
        op.loc = pick(0, spec.locations - 1);
        op.a = pick(0, 2);
        switch (op.kind) {
            case RandomOp::Load:
            case RandomOp::Await: op.order = loads[pick(0, 2)]; break;
            case RandomOp::Store: op.order = stores[pick(0, 2)]; op.a = pick(1, 2); break;
            case RandomOp::FetchAdd: op.order = std::memory_order_acq_rel; op.a = 1; break;
            default: op.a = pick(1, 2); break;
        }
        return op;
    });
    return s;
}

RandomSpec random_spec_locking(std::uint32_t seed, int max_threads, int max_ops, int max_total) {
    RandomSpec s = deal_ops(seed, 2, max_threads, max_ops, max_total, 1, [](auto& pick, const RandomSpec& spec) {
        RandomOp op;
        const int k = pick(0, 99);
        op.kind = k < 55 ? RandomOp::Locked
                  : k < 70 ? RandomOp::Store
                  : k < 80 ? RandomOp::Load
                  : k < 90 ? RandomOp::FetchAdd
                           : RandomOp::Await;
        op.loc = pick(0, spec.locations - 1);
        switch (op.kind) {
            case RandomOp::Load: op.order = pick(0, 1) == 0 ? std::memory_order_relaxed : std::memory_order_acquire; break;
            case RandomOp::Await: op.order = std::memory_order_acquire; op.a = pick(0, 2); break;
            case RandomOp::Store:
                op.order = pick(0, 1) == 0 ? std::memory_order_relaxed : std::memory_order_release;
                op.a = pick(1, 2);
                break;
            case RandomOp::FetchAdd: op.order = std::memory_order_acq_rel; op.a = 1; break;
            default: op.a = pick(1, 2); break;
        }
        return op;
    });
    return s;
}

Program random_program(const RandomSpec& spec) {
    auto shared = std::make_shared<const RandomSpec>(spec);
    Program p;
    p.make = [shared] { return std::unique_ptr<Model>(new RandomModel(shared)); };
    return p;
}

}  // namespace mmcheck::testing
