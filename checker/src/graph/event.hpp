// SPDX-License-Identifier: MIT
/// \file Events of an execution graph (GenMC's vocabulary): an event is a thread and an index
/// in that thread's program order, with a label saying what it does.
#pragma once

#include "graph/view.hpp"

#include <mmcheck/context.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace mmcheck {

/// Thread and po-index of an event. Initial writes use thread kInitThread and the location as
/// index: each location has its own initialising write, first in coherence order.
struct EventId {
    static constexpr std::uint16_t kInitThread = 0xFFFF;
    std::uint16_t thread = kInitThread;
    std::uint16_t index = 0;

    static EventId init(LocId loc) { return EventId{kInitThread, static_cast<std::uint16_t>(loc)}; }
    /// The rf of a read whose write is not chosen yet (the value-guessing explorer chooses rf
    /// once all threads ran): whole-graph checkers give it no rf and no fr edge.
    static EventId unresolved() { return EventId{kInitThread, 0xFFFF}; }
    [[nodiscard]] bool is_init() const { return thread == kInitThread && index != 0xFFFF; }
    [[nodiscard]] bool is_unresolved() const { return thread == kInitThread && index == 0xFFFF; }
    friend bool operator==(EventId a, EventId b) = default;
    friend auto operator<=>(EventId a, EventId b) = default;
};

/// What an event does.
enum class EventKind : std::uint8_t {
    Read,   ///< a load, the read part of an RMW, a lock attempt, an await
    Write,  ///< a store, the write part of an RMW, an unlock
    Fence,
    Spawn,  ///< creates a thread; happens-before the child's first event
    Join,   ///< waits for a thread; its End happens-before the join
    End,    ///< last event of a spawned thread (what a join reads from)
};

/// Memory order of an event; consume is treated as acquire, NA marks plain (non-atomic) accesses.
enum class Mode : std::uint8_t { NA, Rlx, Acq, Rel, AcqRel, SC };

Mode mode_from(std::memory_order mo);
const char* mode_name(Mode m);
const char* kind_name(EventKind k);
/// The kernel's name for an LKMM tag ("once", "smp_wmb", "rcu_read_lock", ...).
const char* lkmm_tag_name(LkmmTag t);

inline bool is_acquire(Mode m) { return m == Mode::Acq || m == Mode::AcqRel || m == Mode::SC; }
inline bool is_release(Mode m) { return m == Mode::Rel || m == Mode::AcqRel || m == Mode::SC; }
inline bool is_atomic(Mode m) { return m != Mode::NA; }

/// Flags on an event.
enum EventFlag : std::uint16_t {
    kRmwRead = 1u << 0,    ///< read part of an RMW that writes (exclusive: RC11 atomicity)
    kRmwWrite = 1u << 1,   ///< write part of an RMW (its read is the po-previous event)
    kAwait = 1u << 2,      ///< a waiting read (await or lock): may block its thread
    kBlocked = 1u << 3,    ///< a waiting read whose value failed its condition
    kLock = 1u << 4,       ///< lock acquisition (read and write) on a mutex
    kUnlock = 1u << 5,     ///< mutex release
    kRmwFailed = 1u << 6,  ///< a conditional RMW that read but did not write (failed CAS)
    kSpurious = 1u << 7,   ///< a weak CAS that failed spuriously
    kWeak = 1u << 8,       ///< compare_exchange_weak: may fail spuriously
    kUpdate = 1u << 9,     ///< read part of an update (RMW, CAS): exclusivity depends on value
    kRace = 1u << 10,      ///< this access races (found when its rf was chosen): a violating run
    kLkmmOnly = 1u << 11,  ///< a fence that exists only under LKMM (ExecutionContext::lkmm_fence)
};

/// One event of the graph.
struct Event {
    EventKind kind = EventKind::Read;
    Mode mode = Mode::Rlx;
    std::uint16_t flags = 0;
    LocId loc = 0;                ///< for Read/Write
    std::int64_t value = 0;       ///< value read (Read) or written (Write)
    EventId rf;                   ///< Read: the write it reads from; Join: the child's End
    std::uint32_t stamp = 0;      ///< place in the order of addition; extends po ∪ rf
    /// When the event was added, before any restamping: a revisited read is restamped after
    /// the write it now reads (so stamps keep extending po ∪ rf), but TruSt's maximality
    /// judges an event by where it was first added.
    std::uint32_t added = 0;
    ThreadId other = 0;           ///< Spawn: the child; Join: the joined thread
    /// Write: its index in its location's coherence list, kept by ExecutionGraph (co_index);
    /// -2 while the write is not placed. A position index, not a search: co_index is asked
    /// for every read's rf in every coherence bound and maximality test (13 % of
    /// mutex-N5-K2's CPU as a linear search).
    std::int32_t co_pos = -2;
    View hb;                      ///< happens-before prefix, including the event itself
    View porf;                    ///< (po ∪ rf)* prefix, including the event itself
    View msg;                     ///< Write: what an acquire reader synchronises with (sw source)
    Mode succ_mode = Mode::Rlx;   ///< conditional reads (update, lock): order when it writes
    Mode fail_mode = Mode::Rlx;   ///< conditional reads: the order when it does not write
    Mode write_mode = Mode::Rlx;  ///< update and lock reads: the order of their write part
    /// Update reads: new value as a function of the value read (a pure function, copied from
    /// the model) so that a revisit can tell whether the RMW writes with another value.
    std::shared_ptr<const UpdateFn> update;
    /// LKMM meaning (RC11 ignores both): the tag of linux-kernel.bell, and the addr/data/ctrl
    /// dependencies on earlier reads of the thread (po indices; null when there are none).
    /// Sync-srcu fences keep their srcu_struct in `loc`.
    LkmmTag lk = LkmmTag::Derived;
    /// Update reads: the tag of their write part, for an explorer that adds that write (a
    /// revisit): lk, but for a fully ordered RMW whose trailing mb the audit dropped (Once).
    LkmmTag write_lk = LkmmTag::Derived;
    std::shared_ptr<const Dependencies> deps;
    const char* op = "";          ///< operation name for traces ("load", "fetch_add", ...)
    const char* label = nullptr;  ///< step label set by the model, or null
    SourceRef src;

    [[nodiscard]] bool has(EventFlag f) const { return (flags & f) != 0; }
    [[nodiscard]] bool is_read() const { return kind == EventKind::Read; }
    [[nodiscard]] bool is_write() const { return kind == EventKind::Write; }
};

}  // namespace mmcheck
