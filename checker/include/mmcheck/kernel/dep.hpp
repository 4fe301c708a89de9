// SPDX-License-Identifier: MIT
/// \file Dependencies in models (LKMM addr / data / ctrl). Model code runs natively, so the
/// engine cannot see that a C++ value flows from a read into an address or a stored value; a
/// model states it where the kernel code relies on it:
///
///     const int f = rcu_dereference(slot);            // p = rcu_dereference(gp)
///     const dep_t d = last_read_dep();                 // the register's shadow
///     int v = READ_ONCE(folios[f]->mapping, addr_dep(d));  // p->mapping: address dependency
///     WRITE_ONCE(y, v, data_dep(last_read_dep()));     // a value read, then stored
///
/// A C++ `if` on a value read is not a control dependency unless stated with ctrl_dep(d). The
/// model is then weaker than LKMM (it allows load-buffering executions that a kernel control
/// dependency forbids): it may raise a false alarm, never hide an execution LKMM allows. Under
/// RC11 no dependency orders anything (RC11 has none), weaker than LKMM in the same direction.
/// Dependencies carried through plain memory (linux-kernel.bell's carry-dep) are derived by
/// the checker; state only the direct ones (docs/lkmm-api.md).
#pragma once

#include <mmcheck/model.hpp>

#include <cstdint>
#include <source_location>
#include <utility>
#include <vector>

namespace mmcheck::kernel {

/// The reads (po indices of the calling thread) a register's value was computed from.
struct dep_t {
    std::vector<std::uint32_t> reads;
    [[nodiscard]] bool empty() const { return reads.empty(); }
};

/// The calling thread's latest read (for an RMW or a lock: its read part), as a dep_t. Take it
/// right after the read whose value the dependency carries.
inline dep_t last_read_dep() {
    dep_t d;
    if (auto r = detail::current_context().last_read()) d.reads.push_back(*r);
    return d;
}
/// A value computed from both registers depends on the reads of both.
inline dep_t operator|(dep_t a, const dep_t& b) {
    a.reads.insert(a.reads.end(), b.reads.begin(), b.reads.end());
    return a;
}
/// The next access's location was computed from `d` (`READ_ONCE(p->f)` after `p = ...`).
inline Dependencies addr_dep(const dep_t& d) { return Dependencies{d.reads, {}, {}}; }
/// The next store's value was computed from `d`.
inline Dependencies data_dep(const dep_t& d) { return Dependencies{{}, d.reads, {}}; }
/// The next access executes only because of a branch on `d` (state it where the kernel code
/// relies on a control dependency; see the file comment).
inline Dependencies ctrl_dep(const dep_t& d) { return Dependencies{{}, {}, d.reads}; }
/// Both sets of dependencies.
inline Dependencies operator+(Dependencies a, const Dependencies& b) {
    a.addr.insert(a.addr.end(), b.addr.begin(), b.addr.end());
    a.data.insert(a.data.end(), b.data.begin(), b.data.end());
    a.ctrl.insert(a.ctrl.end(), b.ctrl.begin(), b.ctrl.end());
    return a;
}

/// A plain C read (`*p`, `p->field`) of a var<T> with stated dependencies (LKMM Plain).
template <class T>
T plain_read(const var<T>& x, Dependencies deps = {}, std::source_location l = std::source_location::current()) {
    detail::current_context().annotate(LkmmAnnotation{LkmmTag::Plain, std::move(deps)});
    return x.get(l);
}
/// A plain C write (`p->field = v`) of a var<T> with stated dependencies (LKMM Plain).
template <class T>
void plain_write(const var<T>& x, std::type_identity_t<T> v, Dependencies deps = {},
                 std::source_location l = std::source_location::current()) {
    detail::current_context().annotate(LkmmAnnotation{LkmmTag::Plain, std::move(deps)});
    x.set(v, l);
}

}  // namespace mmcheck::kernel
