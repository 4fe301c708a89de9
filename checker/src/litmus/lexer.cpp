// SPDX-License-Identifier: MIT
#include "litmus/lexer.hpp"

#include <cctype>
#include <charconv>

namespace mmcheck::litmus {
namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

class Lexer {
public:
    Lexer(std::string_view text, const std::string& file) : s_(text), file_(file) {}

    LexedFile run() {
        LexedFile out;
        skip_space_and_comments(out);
        if (at_end()) fail(pos(), "empty file: expected a litmus test starting with 'C NAME'");
        if (s_[i_] != 'C' || i_ + 1 >= s_.size() || std::isspace(static_cast<unsigned char>(s_[i_ + 1])) == 0)
            fail(pos(), "expected 'C NAME' (herd7 C litmus header)");
        advance();
        while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t')) advance();
        out.name_pos = pos();
        const std::size_t start = i_;
        while (!at_end() && std::isspace(static_cast<unsigned char>(s_[i_])) == 0) advance();
        out.test_name = std::string(s_.substr(start, i_ - start));
        if (out.test_name.empty()) fail(out.name_pos, "expected the test name after 'C'");
        skip_diy_header(out);

        for (;;) {
            skip_space_and_comments(out);
            if (at_end()) break;
            out.tokens.push_back(next_token());
        }
        Token end;
        end.kind = Token::Kind::End;
        end.pos = pos();
        out.tokens.push_back(end);
        check_balance(out.tokens);
        return out;
    }

private:
    // diy7 writes header lines between the name and the initial state: a quoted description
    // and `Key=value` lines (Hash=..., Cycle=..., Relax=...). herd7 ignores everything up to
    // the first `{`, and so does this (comments still count: one may carry the Result line).
    void skip_diy_header(LexedFile& out) {
        for (;;) {
            skip_space_and_comments(out);
            if (at_end() || s_[i_] == '{') return;
            if (s_[i_] == '"') {
                advance();
                while (!at_end() && s_[i_] != '"') advance();
                if (at_end()) fail(pos(), "unterminated quoted description in the test header");
                advance();
                continue;
            }
            while (!at_end() && s_[i_] != '\n') advance();
        }
    }

    [[noreturn]] void fail(SourcePos p, const std::string& msg) const { throw LitmusError(file_, p, msg); }
    bool at_end() const { return i_ >= s_.size(); }
    SourcePos pos() const { return SourcePos{line_, col_}; }
    void advance() {
        if (s_[i_] == '\n') { ++line_; col_ = 1; } else { ++col_; }
        ++i_;
    }
    bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }

    bool ocaml_comment_here() const {
        if (!starts("(*")) return false;
        if (i_ + 2 >= s_.size()) return true;
        const char c = s_[i_ + 2];
        return !is_ident_start(c) && c != '(';
    }

    void skip_space_and_comments(LexedFile& out) {
        for (;;) {
            while (!at_end() && std::isspace(static_cast<unsigned char>(s_[i_])) != 0) advance();
            if (at_end()) return;
            const SourcePos p = pos();
            if (ocaml_comment_here()) {
                const std::size_t start = i_;
                int depth = 0;
                do {
                    if (at_end()) fail(p, "unterminated comment '(*'");
                    if (starts("(*")) { ++depth; advance(); advance(); }
                    else if (starts("*)")) { --depth; advance(); advance(); }
                    else advance();
                } while (depth > 0);
                out.comments.push_back(Comment{std::string(s_.substr(start, i_ - start)), p});
            } else if (starts("/*")) {
                const std::size_t start = i_;
                advance(); advance();
                while (!starts("*/")) {
                    if (at_end()) fail(p, "unterminated comment '/*'");
                    advance();
                }
                advance(); advance();
                out.comments.push_back(Comment{std::string(s_.substr(start, i_ - start)), p});
            } else if (starts("//")) {
                const std::size_t start = i_;
                while (!at_end() && s_[i_] != '\n') advance();
                out.comments.push_back(Comment{std::string(s_.substr(start, i_ - start)), p});
            } else {
                return;
            }
        }
    }

    Token next_token() {
        Token t;
        t.pos = pos();
        const char c = s_[i_];
        if (is_ident_start(c)) {
            const std::size_t start = i_;
            while (!at_end() && is_ident_char(s_[i_])) advance();
            t.kind = Token::Kind::Ident;
            t.text = std::string(s_.substr(start, i_ - start));
            return t;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            const std::size_t start = i_;
            while (!at_end() && is_ident_char(s_[i_])) advance();
            t.kind = Token::Kind::Int;
            t.text = std::string(s_.substr(start, i_ - start));
            std::string_view digits = t.text;
            int base = 10;
            if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
                digits.remove_prefix(2);
                base = 16;
            }
            std::uint64_t v = 0;
            auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
            if (ec != std::errc() || ptr != digits.data() + digits.size() || v > static_cast<std::uint64_t>(INT64_MAX))
                fail(t.pos, "bad number '" + t.text + "'");
            t.value = static_cast<std::int64_t>(v);
            return t;
        }
        static constexpr std::string_view two[] = {"==", "!=", "<=", ">=", "&&", "||", "/\\", "\\/", "<<", ">>"};
        for (std::string_view p : two) {
            if (starts(p)) {
                advance(); advance();
                t.kind = Token::Kind::Punct;
                t.text = std::string(p);
                return t;
            }
        }
        static constexpr std::string_view one = "{}()[];,*&=<>+-/%^|!~:.?";
        if (one.find(c) != std::string_view::npos) {
            advance();
            t.kind = Token::Kind::Punct;
            t.text = std::string(1, c);
            return t;
        }
        if (c == '"') fail(t.pos, "unexpected string literal");
        fail(t.pos, std::string("unexpected character '") + c + "'");
    }

    void check_balance(const std::vector<Token>& toks) const {
        std::vector<const Token*> open;
        for (const Token& t : toks) {
            if (t.kind != Token::Kind::Punct) continue;
            if (t.text == "{" || t.text == "(" || t.text == "[") {
                open.push_back(&t);
            } else if (t.text == "}" || t.text == ")" || t.text == "]") {
                const char want = t.text == "}" ? '{' : t.text == ")" ? '(' : '[';
                if (open.empty())
                    fail(t.pos, std::string(want == '{' ? "unbalanced braces" : "unbalanced brackets") + ": '" +
                                    t.text + "' without a matching '" + want + "'");
                if (open.back()->text[0] != want)
                    fail(open.back()->pos, std::string(open.back()->text[0] == '{' ? "unbalanced braces"
                                                                                     : "unbalanced brackets") +
                                               ": '" + open.back()->text + "' closed by '" + t.text + "' at line " +
                                               std::to_string(t.pos.line));
                open.pop_back();
            }
        }
        if (!open.empty()) {
            // The outermost unclosed one is where the user lost track (a later thread's own
            // braces balance by themselves).
            const Token& t = *open.front();
            fail(t.pos, std::string(t.text == "{" ? "unbalanced braces" : "unbalanced brackets") + ": '" + t.text +
                            "' is never closed");
        }
    }

    std::string_view s_;
    const std::string& file_;
    std::size_t i_ = 0;
    std::uint32_t line_ = 1;
    std::uint32_t col_ = 1;
};

}  // namespace

LexedFile lex(std::string_view text, const std::string& file) { return Lexer(text, file).run(); }

}  // namespace mmcheck::litmus
