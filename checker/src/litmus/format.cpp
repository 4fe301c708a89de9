// SPDX-License-Identifier: MIT
#include "litmus/format.hpp"

#include <cstdio>
#include <sstream>

namespace mmcheck::litmus {
namespace {

int prop_prec(const Prop& p) {
    switch (p.kind) {
        case Prop::Kind::Or: return 1;
        case Prop::Kind::And: return 2;
        default: return 3;
    }
}

std::string prop_text(const LitmusTest& t, const Prop& p) {
    auto sub = [&](const Prop& q, int min) {
        std::string s = prop_text(t, q);
        return prop_prec(q) < min ? "(" + s + ")" : s;
    };
    switch (p.kind) {
        case Prop::Kind::True: return "true";
        case Prop::Kind::False: return "false";
        case Prop::Kind::Atom: return p.name + "=" + value_text(t, p.value);
        case Prop::Kind::Not: return "~" + sub(*p.lhs, 3);
        case Prop::Kind::And: return sub(*p.lhs, 2) + " /\\ " + sub(*p.rhs, 3);
        case Prop::Kind::Or: return sub(*p.lhs, 1) + " \\/ " + sub(*p.rhs, 2);
    }
    return "?";
}

const char* kind_word(Quantifier q) {
    switch (q) {
        case Quantifier::Exists: return "Allowed";
        case Quantifier::NotExists: return "Forbidden";
        case Quantifier::Forall: return "Required";
    }
    return "?";
}

}  // namespace

std::string condition_text(const LitmusTest& t) {
    const char* q = t.condition.quantifier == Quantifier::Exists      ? "exists"
                    : t.condition.quantifier == Quantifier::NotExists ? "~exists"
                                                                      : "forall";
    return std::string(q) + " (" + prop_text(t, t.condition.prop) + ")";
}

std::string state_text(const LitmusTest& t, const std::vector<std::int64_t>& values) {
    std::string s;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) s += ' ';
        s += t.observed[i].name + "=" + value_text(t, values[i]) + ";";
    }
    return s;
}

std::string format_text(const LitmusResult& r) {
    const LitmusTest& t = *r.test;
    std::ostringstream o;
    o << "Test " << t.name << ' ' << kind_word(t.condition.quantifier) << '\n';
    o << "States " << r.states.size() << '\n';
    for (const FinalState& s : r.states) o << state_text(t, s.values) << '\n';
    o << (r.ok ? "Ok" : "No") << '\n';
    o << "Witnesses\n";
    o << "Positive: " << r.positive << " Negative: " << r.negative << '\n';
    // herd7 prints the flags its model raised here (e.g. "Flag data-race").
    for (const std::string& f : r.flags) o << "Flag " << f << '\n';
    o << "Condition " << condition_text(t) << '\n';
    o << "Observation " << t.name << ' ' << observation_name(r.observation) << ' ' << r.positive << ' ' << r.negative
      << '\n';
    if (t.result_line) {
        o << "Result " << t.name << ' ' << *t.result_line << " (file)";
        if (r.differs_from_result_line())
            o << " DIFFERS: mmcheck (" << memory_model_title(r.model) << ") says " << observation_name(r.observation);
        else
            o << " matches";
        o << '\n';
    }
    for (const std::string& n : r.notes) o << "Note " << n << '\n';
    for (const std::string& v : r.violations) o << "Violation " << v << '\n';
    if (!r.exhaustive) o << "Bounded " << t.name << " exploration stopped early (" << r.limit_hit << "): states may be missing\n";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", r.seconds);
    o << "Model " << t.name << ' ' << memory_model_name(r.model) << '\n';
    o << "Executions " << t.name << ' ' << r.executions << " complete, " << r.blocked << " blocked (" << secs << " s)\n";
    return o.str();
}

nlohmann::ordered_json format_json(const LitmusResult& r) {
    const LitmusTest& t = *r.test;
    nlohmann::ordered_json j;
    j["file"] = t.file;
    j["name"] = t.name;
    j["model"] = memory_model_name(r.model);
    nlohmann::ordered_json states = nlohmann::ordered_json::array();
    for (const FinalState& s : r.states) {
        nlohmann::ordered_json st = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            if (location_of(t, s.values[i])) st[t.observed[i].name] = value_text(t, s.values[i]);
            else st[t.observed[i].name] = s.values[i];
        }
        states.push_back(std::move(st));
    }
    j["states"] = std::move(states);
    j["condition"] = condition_text(t);
    j["ok"] = r.ok;
    j["verdict"] = observation_name(r.observation);
    j["positive"] = r.positive;
    j["negative"] = r.negative;
    j["executions"] = r.executions;
    j["blocked"] = r.blocked;
    j["exhaustive"] = r.exhaustive;
    j["result_line"] = t.result_line ? nlohmann::ordered_json(*t.result_line) : nlohmann::ordered_json(nullptr);
    j["differs"] = r.differs_from_result_line();
    j["notes"] = r.notes;
    j["violations"] = r.violations;
    j["flags"] = r.flags;
    return j;
}

}  // namespace mmcheck::litmus
