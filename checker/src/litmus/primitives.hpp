// SPDX-License-Identifier: MIT
/// \file The table of calls a litmus thread may make (C11 atomics and kernel primitives), each
/// with its C++11 meaning. The kernel rows follow ../shared/protocols/00-modelling-kit.md
/// exactly; keeping the whole mapping in one table is what makes it reviewable.
#pragma once

#include <mmcheck/context.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mmcheck::litmus {

/// What a call does, independent of its memory order.
enum class PrimOp : std::uint8_t {
    Load,            ///< returns the value of the location
    Store,           ///< writes `value`
    Fence,           ///< atomic_thread_fence
    Rmw,             ///< unconditional read-modify-write (exchange, arithmetic)
    KernelCmpxchg,   ///< cmpxchg(p, old, new): returns the old value, writes only if equal
    C11Cas,          ///< atomic_compare_exchange_*(obj, expected_location, desired): returns 0/1
    AddUnless,       ///< atomic_add_unless(v, a, u): adds a unless the value is u; returns 0/1
    SpinLock,
    SpinUnlock,
    SpinTrylock,     ///< returns 1 when it took the lock
    SpinIsLocked,    ///< a relaxed load of the lock word
    LkmmFence,       ///< a fence only LKMM has (rcu_read_lock, synchronize_rcu, barrier, ...):
                     ///< under RC11 it adds no event (lkmm_fence)
    SrcuLock,        ///< srcu_read_lock(s): a load of s tagged Srcu-lock (linux-kernel.def)
    SrcuUnlock,      ///< srcu_read_unlock(s, idx): a store of idx to s tagged Srcu-unlock
    SyncSrcu,        ///< synchronize_srcu(s): an LKMM fence on s
    StoreMb,         ///< smp_store_mb(x, v): WRITE_ONCE then smp_mb (linux-kernel.def)
};

/// The arithmetic of an Rmw (and of AddUnless, always Add).
enum class RmwFn : std::uint8_t { Exchange, Add, Sub, And, Or, Xor, AndNot };

/// What an Rmw returns.
enum class RmwResult : std::uint8_t {
    Old,         ///< the value before (fetch_*, xchg)
    New,         ///< the value after (*_return)
    IsZero,      ///< 1 when the new value is zero (*_and_test)
    IsNegative,  ///< 1 when the new value is negative (atomic_add_negative)
    Nothing,     ///< a void kernel operation (atomic_inc); using its value is an error
};

/// How the memory order of a call is determined.
enum class OrderFrom : std::uint8_t {
    Fixed,       ///< `order` below
    Arguments,   ///< C11 *_explicit: memory_order arguments at `order_arg` (and `order2_arg`)
    FullyOrdered,///< kernel value-returning RMW: seq_cst fence, relaxed RMW, seq_cst fence
                 ///< (for conditional ones the trailing fence only when the RMW wrote)
};

/// One callable name. Argument indices are -1 when absent.
struct Primitive {
    std::string_view name;
    PrimOp op = PrimOp::Load;
    std::uint8_t arity = 0;
    std::int8_t loc_arg = -1;     ///< the location operated on
    bool loc_is_lvalue = false;   ///< READ_ONCE(*x) takes `*x`; smp_load_acquire(x) takes `x`
    std::int8_t value_arg = -1;   ///< stored value / RMW operand / cmpxchg expected / add_unless a
    std::int8_t value2_arg = -1;  ///< cmpxchg new / C11 CAS desired / add_unless u
    std::int8_t expected_arg = -1;///< C11 CAS: the location holding the expected value
    std::int64_t constant = 0;    ///< the operand of atomic_inc/dec when there is no value_arg
    RmwFn fn = RmwFn::Exchange;
    RmwResult result = RmwResult::Old;
    OrderFrom order_from = OrderFrom::Fixed;
    std::memory_order order = std::memory_order_relaxed;
    std::int8_t order_arg = -1;
    std::int8_t order2_arg = -1;  ///< C11 CAS failure order
    bool weak = false;            ///< compare_exchange_weak may fail spuriously
    bool returns_value = true;
    /// The LKMM annotation (linux-kernel.def) of the access or fence; Derived for C11 calls.
    LkmmTag lkmm = LkmmTag::Derived;
    bool kernel = false;     ///< a kernel primitive: the test is a kernel test (LKMM by default)
    bool lkmm_only = false;  ///< defined by LKMM but not by the kernel-to-C++11 mapping
};

/// The primitive called `name`, or nullopt when mmcheck does not know it.
std::optional<Primitive> find_primitive(std::string_view name);

/// For a name that C11 and the kernel both define with different argument orders
/// (atomic_fetch_{add,sub,and,or,xor}: C11 (object, operand), kernel (operand, counter)), the
/// kernel's row; find_primitive returns the C11 one. The parser picks by which argument is a
/// pointer. nullopt for every other name.
std::optional<Primitive> find_kernel_alternative(std::string_view name);

/// When `name` is a kernel primitive mmcheck deliberately does not model (grace periods,
/// SRCU, ...), the reason to give; nullptr for any other name.
const char* unsupported_reason(std::string_view name);

/// The memory order named `name` (memory_order_relaxed, ...), or nullopt.
std::optional<std::memory_order> parse_memory_order(std::string_view name);

/// The short herd-style name of an order ("relaxed", "seq_cst").
std::string_view memory_order_name(std::memory_order mo);

}  // namespace mmcheck::litmus
