// SPDX-License-Identifier: MIT
/// \file The benchmark programs. The families and sizes mirror the C programs GenMC v0.11 was
/// run on (../shared/bench/genmc-c/, README.md there); the expected complete counts are
/// GenMC's (counts.md there) or the closed form noted at each family.

#include "programs.hpp"

namespace mmcheck::bench {
namespace {

/// fadd[-ar|-sc]-N{N}-K{K}: N threads, each doing K fetch_add(1) on one atomic (relaxed,
/// acq_rel or seq_cst). Every interleaving of the RMWs is a distinct co order:
/// (NK)! / (K!)^N graphs.
class Fadd final : public Model {
public:
    Fadd(int n, int k, std::memory_order mo) : n_(n), k_(k), mo_(mo) {}
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this] {
                for (int i = 0; i < k_; ++i) x_.fetch_add(1, mo_);
            });
    }

private:
    int n_, k_;
    std::memory_order mo_;
    atomic<int> x_{"x", 0};
};

/// sb-ring-N{N}[-sc]: thread i stores x[i]=1 then loads x[(i+1)%N]. 2^N graphs relaxed,
/// 2^N - 1 seq_cst (all loads reading 0 is a psc cycle). sb-ring-fence-N{N}: relaxed
/// accesses with a seq_cst fence between them (genmc-c/sb-ring-fence-N*.c): 2^N - 1 too.
class SbRing final : public Model {
public:
    SbRing(int n, std::memory_order mo, bool fence) : n_(n), mo_(mo), fence_(fence) {
        for (int i = 0; i < n_; ++i) x_.emplace_back("x[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this, t] {
                x_[static_cast<std::size_t>(t)].store(1, mo_);
                if (fence_) fence(seq_cst);
                (void)x_[static_cast<std::size_t>((t + 1) % n_)].load(mo_);
            });
    }

private:
    int n_;
    std::memory_order mo_;
    bool fence_;
    std::vector<atomic<int>> x_;
};

/// mp-chain-N{N}: T0 writes data (relaxed) and flag[1] (release); relay Ti (1 <= i < N-1)
/// acquires flag[i] and forwards the value read to flag[i+1] with a release store; the last
/// thread acquires flag[N-1] and reads data. N-1 release/acquire hops; a 1 at the end must
/// see the data.
class MpChain final : public Model {
public:
    explicit MpChain(int n) : n_(n) {
        for (int i = 0; i < n_; ++i) flag_.emplace_back("flag[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        thread("T0", [this] {
            data_.store(1, relaxed);
            flag_[1].store(1, release);
        });
        for (int t = 1; t < n_ - 1; ++t)
            thread("T" + std::to_string(t), [this, t] {
                const auto i = static_cast<std::size_t>(t);
                flag_[i + 1].store(flag_[i].load(acquire), release);
            });
        thread("T" + std::to_string(n_ - 1), [this] {
            const int f = flag_[static_cast<std::size_t>(n_ - 1)].load(acquire);
            const int d = data_.load(relaxed);
            check(!(f == 1 && d == 0), "message arrives with its data");
        });
    }

private:
    int n_;
    atomic<int> data_{"data", 0};
    std::vector<atomic<int>> flag_;
};

/// lastzero-N{N}: a[0..N] atomic zeros; T0 reads a[N], a[N-1], ... (acquire) until it reads
/// 0; Tj (1..N) does a[j] = a[j-1] + 1 (acquire load, release store).
class LastZero final : public Model {
public:
    explicit LastZero(int n) : n_(n) {
        for (int i = 0; i <= n_; ++i) a_.emplace_back("a[" + std::to_string(i) + "]", 0);
    }
    void threads() override {
        thread("T0", [this] {
            for (int i = n_; i >= 0; --i)
                if (a_[static_cast<std::size_t>(i)].load(acquire) == 0) break;
        });
        for (int j = 1; j <= n_; ++j)
            thread("T" + std::to_string(j), [this, j] {
                const auto i = static_cast<std::size_t>(j);
                a_[i].store(a_[i - 1].load(acquire) + 1, release);
            });
    }

private:
    int n_;
    std::vector<atomic<int>> a_;
};

/// casrot-N{N}: x = 0; thread i in 1..N does one relaxed strong CAS of x from i-1 to i.
class CasRot final : public Model {
public:
    explicit CasRot(int n) : n_(n) {}
    void threads() override {
        for (int i = 1; i <= n_; ++i)
            thread("T" + std::to_string(i), [this, i] {
                int expected = i - 1;
                x_.compare_exchange_strong(expected, i, relaxed, relaxed);
            });
    }

private:
    int n_;
    atomic<int> x_{"x", 0};
};

/// big1: GenMC's synthetic test (genmc-c/big1-nojoin.c): two readers of x, y, z, w (acquire)
/// against two writers of three release stores each to x, y and to z, w.
class Big1 final : public Model {
public:
    void threads() override {
        thread("one", [this] {
            for (int r = 0; r < 2; ++r)
                for (const auto* a : {&x_, &y_, &z_, &w_}) (void)a->load(acquire);
        });
        thread("two", [this] {
            for (const auto* a : {&x_, &y_, &z_, &w_, &x_, &y_}) (void)a->load(acquire);
        });
        thread("three", [this] {
            for (int v = 1; v <= 3; ++v) {
                x_.store(v, release);
                y_.store(v, release);
            }
        });
        thread("four", [this] {
            for (int v = 1; v <= 3; ++v) {
                z_.store(v, release);
                w_.store(v, release);
            }
        });
    }

private:
    atomic<int> x_{"x", 0}, y_{"y", 0}, z_{"z", 0}, w_{"w", 0};
};

/// mutex-N{N}-K{K}: N threads, each K times lock; c = c + 1 (plain); unlock
/// (genmc-c/mutex-N*-K*.c). The critical sections serialise like fetch_adds:
/// (NK)! / (K!)^N complete executions; final() checks no increment was lost.
class MutexCounter final : public Model {
public:
    MutexCounter(int n, int k) : n_(n), k_(k) {}
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this] {
                for (int i = 0; i < k_; ++i) {
                    m_.lock();
                    c_ = c_ + 1;
                    m_.unlock();
                }
            });
    }
    void final() override { check(c_ == n_ * k_, "no increment is lost"); }

private:
    int n_, k_;
    mutex m_{"m"};
    var<int> c_{"c", 0};
};

/// spin-barrier-N{N}: each thread does fetch_add(cnt, 1, acq_rel), then spins until cnt == N
/// (acquire) (genmc-c/spin-barrier-N*.c). N! complete executions (the order of the RMWs).
class SpinBarrier final : public Model {
public:
    explicit SpinBarrier(int n) : n_(n) {}
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this] {
                cnt_.fetch_add(1, acq_rel);
                (void)cnt_.await([this](int v) { return v == n_; }, acquire);
            });
    }

private:
    int n_;
    atomic<int> cnt_{"cnt", 0};
};

/// turn-chain-N{N}: thread i waits for turn == i (acquire), then stores i+1 (release)
/// (genmc-c/turn-chain-N*.c). One complete execution.
class TurnChain final : public Model {
public:
    explicit TurnChain(int n) : n_(n) {}
    void threads() override {
        for (int t = 0; t < n_; ++t)
            thread("T" + std::to_string(t), [this, t] {
                (void)turn_.await([t](int v) { return v == t; }, acquire);
                turn_.store(t + 1, release);
            });
    }

private:
    int n_;
    atomic<int> turn_{"turn", 0};
};

std::uint64_t fadd_count(int n, int k) {
    // (NK)! / (K!)^N, as a product of binomials to stay within 64 bits: C(NK, K) C((N-1)K, K) ...
    std::uint64_t total = 1;
    for (int left = n * k; left > 0; left -= k) {
        std::uint64_t c = 1;  // C(left, k)
        for (int i = 1; i <= k; ++i) c = c * static_cast<std::uint64_t>(left - k + i) / static_cast<std::uint64_t>(i);
        total *= c;
    }
    return total;
}

std::uint64_t factorial(int n) {
    std::uint64_t f = 1;
    for (int i = 2; i <= n; ++i) f *= static_cast<std::uint64_t>(i);
    return f;
}

std::string sized(const std::string& family, int n) { return family + "-N" + std::to_string(n); }
std::string sized(const std::string& family, int n, int k) {
    return sized(family, n) + "-K" + std::to_string(k);
}

}  // namespace

std::vector<BenchProgram> programs() {
    std::vector<BenchProgram> p;
    auto add = [&p](std::string name, std::function<std::unique_ptr<Model>()> make,
                    std::optional<std::uint64_t> expected, bool small, bool never_blocks = true) {
        p.push_back({std::move(name), std::move(make), expected, never_blocks, small});
    };
    struct FaddFamily {
        const char* name;
        std::memory_order mo;
    };
    for (const FaddFamily f : {FaddFamily{"fadd", relaxed}, FaddFamily{"fadd-ar", acq_rel}, FaddFamily{"fadd-sc", seq_cst}})
        for (int n = 2; n <= 5; ++n)
            for (int k = 1; k <= 3; ++k) {
                if (n == 5 && k == 3) continue;
                const std::uint64_t count = fadd_count(n, k);
                add(sized(f.name, n, k), [n, k, mo = f.mo] { return std::make_unique<Fadd>(n, k, mo); },
                    count, count <= 2520);
            }
    for (int n = 2; n <= 14; ++n)
        add(sized("sb-ring", n), [n] { return std::make_unique<SbRing>(n, relaxed, false); },
            std::uint64_t{1} << n, n <= 8);
    // The seq_cst and fenced rings at the sizes of genmc-c/: 2..14, 16 (and 18 for the fence).
    for (int n : {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16})
        add(sized("sb-ring", n) + "-sc", [n] { return std::make_unique<SbRing>(n, seq_cst, false); },
            (std::uint64_t{1} << n) - 1, n <= 8);
    for (int n : {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18})
        add(sized("sb-ring-fence", n), [n] { return std::make_unique<SbRing>(n, relaxed, true); },
            (std::uint64_t{1} << n) - 1, n <= 8);
    // GenMC's counts (counts.md): 2^N - 1.
    for (int n = 2; n <= 5; ++n)
        add(sized("mp-chain", n), [n] { return std::make_unique<MpChain>(n); },
            (std::uint64_t{1} << n) - 1, true);
    const std::uint64_t lastzero[] = {64, 3328, 147456};  // GenMC, counts.md: N = 5, 10, 15
    for (int i = 0; i < 3; ++i) {
        const int n = 5 * (i + 1);
        add(sized("lastzero", n), [n] { return std::make_unique<LastZero>(n); }, lastzero[i], n <= 10);
    }
    const std::uint64_t casrot[] = {2, 5, 14, 43, 144, 523, 2048, 8597};  // GenMC, counts.md: N = 2..9
    for (int n = 2; n <= 9; ++n)
        add(sized("casrot", n), [n] { return std::make_unique<CasRot>(n); },
            casrot[n - 2], n <= 8);
    add("big1", [] { return std::make_unique<Big1>(); }, 2950753, false);  // GenMC, counts.md
    for (int n = 2; n <= 5; ++n)
        for (int k = 1; k <= 3; ++k) {
            if (n == 5 && k == 3) continue;
            const std::uint64_t count = fadd_count(n, k);
            add(sized("mutex", n, k), [n, k] { return std::make_unique<MutexCounter>(n, k); }, count,
                count <= 90, false);
        }
    for (int n = 2; n <= 8; ++n)
        add(sized("spin-barrier", n), [n] { return std::make_unique<SpinBarrier>(n); }, factorial(n),
            n <= 4, false);
    for (int n = 2; n <= 8; ++n)
        add(sized("turn-chain", n), [n] { return std::make_unique<TurnChain>(n); }, 1, n <= 6, false);
    return p;
}

}  // namespace mmcheck::bench
