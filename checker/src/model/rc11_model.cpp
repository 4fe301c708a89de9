// SPDX-License-Identifier: MIT
/// \file RC11 behind the MemoryModel interface, and the registry of models.
#include "model/lkmm.hpp"
#include "model/memory_model.hpp"
#include "model/rc11.hpp"
#include "model/rc11_reference.hpp"

namespace mmcheck {

namespace {

class Rc11Model final : public MemoryModel {
public:
    [[nodiscard]] MemoryModelKind kind() const override { return MemoryModelKind::RC11; }
    [[nodiscard]] bool has_event(EventKind, std::uint16_t flags, LkmmTag) const override {
        // LKMM-only fences (rcu_read_lock, smp_rmb as an LKMM fence, ...) mean nothing in C++11.
        return (flags & kLkmmOnly) == 0;
    }
    [[nodiscard]] std::optional<std::string> check(const ExecutionGraph& g) const override {
        return rc11::reference_check(g);
    }
    [[nodiscard]] bool porf_acyclic() const override { return true; }
    [[nodiscard]] std::optional<EventId> find_race(const ExecutionGraph& g, EventId e) const override {
        return rc11::find_race(g, e);
    }
};

}  // namespace

const char* memory_model_name(MemoryModelKind k) {
    switch (k) {
        case MemoryModelKind::RC11: return "rc11";
        case MemoryModelKind::LKMM: return "lkmm";
    }
    return "?";
}

const char* memory_model_title(MemoryModelKind k) {
    switch (k) {
        case MemoryModelKind::RC11: return "RC11";
        case MemoryModelKind::LKMM: return "LKMM";
    }
    return "?";
}

std::optional<MemoryModelKind> parse_memory_model(std::string_view name) {
    if (name == "rc11") return MemoryModelKind::RC11;
    if (name == "lkmm") return MemoryModelKind::LKMM;
    return std::nullopt;
}

const MemoryModel& memory_model(MemoryModelKind k) {
    static const Rc11Model rc11_model;
    if (k == MemoryModelKind::LKMM) return lkmm::model();
    return rc11_model;
}

}  // namespace mmcheck
