// SPDX-License-Identifier: MIT
/// \file Partitioned exploration (see partition.hpp).
#include "explore/partition.hpp"

#include "explore/explorer.hpp"
#include "model/memory_model.hpp"
#include "runtime/program.hpp"

#include <algorithm>
#include <charconv>
#include <exception>
#include <mutex>
#include <thread>

#include <time.h>

namespace mmcheck {

std::optional<ShardSpec> parse_shard_spec(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
    auto number = [](std::string_view s) -> std::optional<std::uint32_t> {
        std::uint32_t v = 0;
        if (s.empty() || s.size() > 4) return std::nullopt;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
        return v;
    };
    const auto k = number(std::string_view(text).substr(0, slash));
    const auto n = number(std::string_view(text).substr(slash + 1));
    if (!k || !n || *n < 1 || *n > 4096 || *k < 1 || *k > *n) return std::nullopt;
    return ShardSpec{*k - 1, *n};
}

std::uint64_t default_split_items(std::uint32_t workers) {
    // Open items grow about with the depth of the search tree: items popped with fewer open
    // are the skeleton (roughly the tree's top levels, run by every worker), the others roots
    // of subtrees dealt round-robin. 10 keeps the skeleton to about a thousand runs and the
    // subtrees small enough to even out between 2 workers; more workers need finer subtrees.
    std::uint64_t t = 8;
    for (std::uint32_t n = 1; n < workers; n *= 2) t += 2;
    return t;
}

bool ShardRun::owns(std::uint64_t open_after_pop) {
    // Inside a dealt subtree (this worker's: another's is never entered): its items lie above
    // the items open when its root was popped (work lists are LIFO, revisit frames on top).
    if (in_subtree_ && open_after_pop >= floor_) return true;
    in_subtree_ = false;
    ++key_;
    recording_ = key_ % spec_.count == spec_.index;
    if (open_after_pop + 1 < split_items_) return true;  // skeleton: every worker applies it
    // Dealt: this root's subtree is explored by its owner only. Roots are dealt by their own
    // count (skeleton pops between them would skew a deal by key).
    recording_ = dealt_++ % spec_.count == spec_.index;
    in_subtree_ = recording_;
    floor_ = open_after_pop;
    return recording_;
}

void ShardRun::stopped_here() {
    record.stop_key = key_;
    if (shared_stop_ == nullptr) return;
    std::uint64_t cur = shared_stop_->load(std::memory_order_relaxed);
    while (key_ < cur && !shared_stop_->compare_exchange_weak(cur, key_, std::memory_order_relaxed)) {
    }
}

namespace {

bool same_violation_class(const Violation& a, const Violation& b) {
    return a.kind == b.kind && a.message == b.message && a.thread == b.thread && a.src.line == b.src.line &&
           std::string_view(a.src.file == nullptr ? "" : a.src.file) == (b.src.file == nullptr ? "" : b.src.file);
}

/// Executions part `p` counted before key `key`.
std::uint64_t executions_before(const ShardResult& p, std::uint64_t key) {
    for (const Segment& s : p.record.segments)
        if (s.key >= key) return s.stats.executions();
    return p.result.stats.executions();
}

}  // namespace

ExploreResult merge_shards(std::vector<ShardResult> parts) {
    std::sort(parts.begin(), parts.end(),
              [](const ShardResult& a, const ShardResult& b) { return a.spec.index < b.spec.index; });
    ExploreResult out;
    if (parts.empty()) return out;
    // A model the explorer cannot partition: part 0 explored everything, the others nothing.
    for (const ShardResult& p : parts)
        if (!p.record.partitioned) return std::move(parts.front().result);

    // Where the single worker stops: the first stopping event, by key.
    std::optional<std::uint64_t> stop;
    std::size_t stopper = 0;
    for (std::size_t i = 0; i < parts.size(); ++i)
        if (parts[i].record.stop_key && (!stop || *parts[i].record.stop_key < *stop)) {
            stop = parts[i].record.stop_key;
            stopper = i;
        }

    struct Found {
        std::uint64_t key;
        std::size_t part;
        Violation v;
    };
    std::vector<Found> found;
    out.exhaustive = true;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        ShardResult& p = parts[i];
        // Totals up to the first owned key past the stop, or all of them.
        const Segment* cut = nullptr;
        if (stop)
            for (const Segment& s : p.record.segments)
                if (s.key > *stop) {
                    cut = &s;
                    break;
                }
        const ExploreStats& st = cut != nullptr ? cut->stats : p.result.stats;
        out.stats.complete += st.complete;
        out.stats.blocked += st.blocked;
        out.stats.events += st.events;
        out.stats.revisits += st.revisits;
        out.stats.seconds = std::max(out.stats.seconds, p.result.stats.seconds);
        for (const auto& [o, n] : cut != nullptr ? cut->outcomes : p.result.outcomes) out.outcomes[o] += n;
        for (const auto& f : cut != nullptr ? cut->flags : p.result.flags) out.flags.insert(f);
        const std::size_t nv = cut != nullptr ? cut->violations : p.result.violations.size();
        for (std::size_t k = 0; k < nv && k < p.record.violation_keys.size(); ++k)
            found.push_back(Found{p.record.violation_keys[k], i, std::move(p.result.violations[k])});
        // A budget (time, executions, an interrupt) cut this worker before the stop: the
        // merged run is inconclusive, as a single worker's would be.
        if (cut == nullptr && !(stop && i == stopper) && !p.result.limit_hit.empty() &&
            p.result.limit_hit != "livelock" && p.result.limit_detail.empty()) {
            out.exhaustive = false;
            if (out.limit_hit.empty()) out.limit_hit = p.result.limit_hit;
        }
    }
    std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.key < b.key; });
    for (Found& f : found) {
        if (stop && f.key > *stop) continue;
        // In the single worker's order, a violation like an earlier one is reported once.
        {
            bool dup = false;
            for (const Violation& v : out.violations) dup = dup || same_violation_class(v, f.v);
            if (dup) continue;
        }
        const ShardResult& own = parts[f.part];
        const std::uint64_t local_before = executions_before(own, f.key);
        std::uint64_t global_before = 0;
        for (const ShardResult& p : parts) global_before += executions_before(p, f.key);
        f.v.execution = f.v.execution - local_before + global_before;
        if (f.v.kind == ViolationKind::Livelock) {
            out.limit_hit = "livelock";
            out.exhaustive = false;
        }
        out.violations.push_back(std::move(f.v));
    }
    if (stop) {
        out.exhaustive = false;
        const ExploreResult& r = parts[stopper].result;
        if (!r.limit_detail.empty()) {  // a tool limit, not a violation
            out.limit_hit = r.limit_hit;
            out.limit_detail = r.limit_detail;
        }
    }
    settle_verdict(out);
    return out;
}

ShardResult explore_shard(const Program& program, const ExploreOptions& options, ShardSpec spec,
                          std::uint64_t split_items) {
    ShardResult part;
    part.spec = spec;
    if (!memory_model(options.model).porf_acyclic()) {
        // The two-part explorer (LKMM, explore_porf_parts) has no partition: part 1 explores everything.
        part.record.partitioned = false;
        if (spec.index == 0) {
            ExploreOptions o = options;
            o.shard = nullptr;
            part.result = explore(program, o);
        }
        return part;
    }
    ExploreOptions o = options;
    o.shard = std::make_shared<ShardRun>(spec, split_items != 0 ? split_items : default_split_items(spec.count));
    part.result = explore(program, o);
    part.record = std::move(o.shard->record);
    return part;
}

ExploreResult explore_parallel(const Program& program, const ExploreOptions& options, std::uint32_t workers,
                               ParallelInfo* info) {
    if (workers <= 1 || !memory_model(options.model).porf_acyclic()) {
        if (info != nullptr) info->fell_back = workers > 1;
        return explore(program, options);
    }
    std::vector<double> cpu(workers, 0.0);
    std::vector<std::shared_ptr<Instrumentation>> instruments(workers);
    std::atomic<std::uint64_t> stop{std::numeric_limits<std::uint64_t>::max()};
    std::vector<ShardResult> parts(workers);
    std::vector<std::exception_ptr> errors(workers);
    // Callbacks are the caller's: one worker at a time.
    std::mutex mu;
    std::vector<ExploreStats> progress(workers);
    std::vector<std::thread> threads;
    for (std::uint32_t w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            try {
                // Each worker counts its checks in its own instrumentation (it runs skeleton
                // executions another worker counts); they are added up below.
                Program own = program;
                if (program.instrumentation) {
                    own.instrumentation = std::make_shared<Instrumentation>();
                    own.instrumentation->record_sites = program.instrumentation->record_sites;
                    own.instrumentation->count_checks = program.instrumentation->count_checks;
                    own.instrumentation->weakened = program.instrumentation->weakened;
                    instruments[w] = own.instrumentation;
                }
                ExploreOptions o = options;
                o.shard = std::make_shared<ShardRun>(ShardSpec{w, workers}, default_split_items(workers), &stop);
                if (options.progress)
                    o.progress = [&, w](const ExploreStats& st) {
                        const std::lock_guard<std::mutex> lock(mu);
                        progress[w] = st;
                        ExploreStats sum;
                        for (const ExploreStats& s : progress) {
                            sum.complete += s.complete;
                            sum.blocked += s.blocked;
                            sum.events += s.events;
                            sum.revisits += s.revisits;
                            sum.seconds = std::max(sum.seconds, s.seconds);
                        }
                        options.progress(sum);
                    };
                if (options.on_execution)
                    o.on_execution = [&](const ExecutionGraph& g, bool blocked) {
                        const std::lock_guard<std::mutex> lock(mu);
                        options.on_execution(g, blocked);
                    };
                if (options.keep_violation)
                    o.keep_violation = [&](const Violation& v) {
                        const std::lock_guard<std::mutex> lock(mu);
                        return options.keep_violation(v);
                    };
                parts[w].spec = ShardSpec{w, workers};
                parts[w].result = explore(own, o);
                parts[w].record = std::move(o.shard->record);
                timespec ts{};
                if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
                    cpu[w] = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
            } catch (...) {
                errors[w] = std::current_exception();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    for (const auto& in : instruments)
        if (in) program.instrumentation->add_counts(in->complete_executions(), in->checks(), in->sites());
    if (info != nullptr) {
        info->worker_cpu_seconds = cpu;
        info->worker_stats.clear();
        for (const ShardResult& p : parts) info->worker_stats.push_back(p.result.stats);
    }
    return merge_shards(std::move(parts));
}

}  // namespace mmcheck
