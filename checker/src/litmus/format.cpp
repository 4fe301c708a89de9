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

// Appends to `out` (linear in the length of a long conjunction); recursion only through `~`
// and parentheses, bounded by kMaxNesting. The first term of a chain is printed like the left
// operand of a left-associative operator, the others like right operands.
void prop_text(const LitmusTest& t, const Prop& p, std::string& out) {
    auto sub = [&](const Prop& q, int min) {
        const bool paren = prop_prec(q) < min;
        if (paren) out += '(';
        prop_text(t, q, out);
        if (paren) out += ')';
    };
    switch (p.kind) {
        case Prop::Kind::True: out += "true"; return;
        case Prop::Kind::False: out += "false"; return;
        case Prop::Kind::Atom: out += p.name + "=" + value_text(t, p.value); return;
        case Prop::Kind::Not: out += '~'; sub(*p.lhs, 3); return;
        case Prop::Kind::And:
        case Prop::Kind::Or: {
            const bool conj = p.kind == Prop::Kind::And;
            for (std::size_t i = 0; i < p.terms.size(); ++i) {
                if (i != 0) out += conj ? " /\\ " : " \\/ ";
                sub(p.terms[i], (conj ? 2 : 1) + (i == 0 ? 0 : 1));
            }
            return;
        }
    }
    out += '?';
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
    std::string s = std::string(q) + " (";
    prop_text(t, t.condition.prop, s);
    return s + ")";
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
    // The test name is the one free-form word of a litmus file: never echo raw control bytes.
    const std::string name = printable(t.name);
    std::ostringstream o;
    o << "Test " << name << ' ' << kind_word(t.condition.quantifier) << '\n';
    o << "States " << r.states.size() << '\n';
    for (const FinalState& s : r.states) o << state_text(t, s.values) << '\n';
    o << (r.ok ? "Ok" : "No") << '\n';
    o << "Witnesses\n";
    o << "Positive: " << r.positive << " Negative: " << r.negative << '\n';
    // herd7 prints the flags its model raised here (e.g. "Flag data-race").
    for (const std::string& f : r.flags) o << "Flag " << f << '\n';
    o << "Condition " << condition_text(t) << '\n';
    o << "Observation " << name << ' ' << observation_name(r.observation) << ' ' << r.positive << ' ' << r.negative
      << '\n';
    if (t.result_line) {
        o << "Result " << name << ' ' << *t.result_line << " (file)";
        if (r.differs_from_result_line())
            o << " DIFFERS: mmcheck (" << memory_model_title(r.model) << ") says " << observation_name(r.observation);
        else
            o << " matches";
        o << '\n';
    }
    for (const std::string& n : r.notes) o << "Note " << n << '\n';
    for (const std::string& v : r.violations) o << "Violation " << v << '\n';
    if (!r.exhaustive) o << "Bounded " << name << " exploration stopped early (" << r.limit_hit << "): states may be missing\n";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", r.seconds);
    o << "Model " << name << ' ' << memory_model_name(r.model) << '\n';
    o << "Executions " << name << ' ' << r.executions << " complete, " << r.blocked << " blocked (" << secs << " s)\n";
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
