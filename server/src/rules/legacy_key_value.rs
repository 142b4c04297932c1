//! `legacy-key-value`: `ENV key value` / `LABEL key value` instead of `key=value`.

use crate::text::line_break_at;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Joined, Kind, Word};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `ENV` and `LABEL` written in the legacy whitespace-separated form
    /// (`ENV key value`), including `ONBUILD ENV` / `ONBUILD LABEL` triggers. `ARG` is
    /// not concerned: `ARG a b` declares two arguments.
    ///
    /// ## Why is this bad?
    /// In the legacy form the value is the whole rest of the line, so `ENV A 1 B 2` sets
    /// `A` to `1 B 2` instead of two variables, and one instruction can only set one
    /// value. The `key=value` form is unambiguous and is the only one the reference
    /// documents; the legacy form may be removed in a future syntax.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV production
    /// LABEL version 1.0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// LABEL version=1.0
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes `key=value`. BuildKit reads the legacy value with the same word
    /// lexer as a `key=value` word (quotes removed, escapes and `$VAR` processed), so
    /// a value that is one word already (`/opt/bin:$PATH`, `"a b"`) only gets the `=`.
    /// A value with blanks outside quotes is wrapped in double quotes and rewritten so
    /// that every character keeps its meaning: `$VAR` still expands, `'…'` parts get
    /// their `"`, `$` and escape characters escaped, `"…"` parts are kept, and runs of
    /// blanks and the blanks that start continuation lines are kept (continuation
    /// lines stay where they are). Comment lines between the key and the value are
    /// kept on their own lines after `KEY="\`; the first value line then loses its
    /// indentation, which would otherwise become part of the value. It is safe. No fix is offered for a key that is not
    /// plain text, an unterminated quote, or quotes inside `${…}`.
    ///
    /// ## References
    /// - BuildKit check `LegacyKeyValueFormat` (its documentation also shows `ARG`, but
    ///   it is only emitted for `ENV` and `LABEL`)
    /// - Dockerfile reference, "ENV" and "LABEL"
    pub(crate) RULE {
        id: "legacy-key-value",
        summary: "ENV or LABEL in the legacy `key value` form",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: ["LegacyKeyValueFormat"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let escape = ctx.syntax.escape;
    for inst in &ctx.syntax.instructions {
        let eff = inst.effective();
        if !matches!(eff.kind, Kind::Env | Kind::Label) {
            continue;
        }
        let keyword = eff.keyword.to_ascii_uppercase();
        for pair in eff.args.pairs.iter().filter(|p| p.legacy) {
            let Some(value) = &pair.value else {
                continue;
            };
            let d = acc.report(
                &RULE,
                pair.key.range.cover(value.range),
                format!(
                    "`{keyword} {} {}` uses the legacy form; write `{keyword} {}=…`",
                    pair.key.text,
                    short(&value.text),
                    pair.key.text
                ),
            );
            if let Some(edits) = rewrite(
                ctx.text,
                &inst.joined,
                &pair.key,
                value,
                &inst.inner_comments,
                escape,
            ) {
                let title = if edits.iter().any(|e| e.new_text.contains('"')) {
                    format!("Write `{}=\"…\"`", pair.key.text)
                } else {
                    format!("Write `{}=…`", pair.key.text)
                };
                d.with_fix(title, Applicability::Safe, edits);
            }
        }
    }
}

/// Edits turning `key value` into `key=value`, with the value wrapped in double quotes
/// when it has blanks outside quotes. BuildKit runs the legacy value through the same
/// word lexer as a `key=value` word (quotes removed, escapes and `$VAR` processed), so
/// the rewrite keeps every character's meaning: text inside `'…'` gets `"`, `$` and the
/// escape character escaped, `"…"` parts are kept as written, and an escaped character
/// outside quotes keeps its escape only where double quotes still need it. Continuation
/// lines (and the blanks starting them) stay where they are: each character is edited
/// in place. `None` when the value cannot be rewritten with certainty.
fn rewrite(
    text: &str,
    joined: &Joined,
    key: &Word,
    value: &Word,
    comments: &[TextRange],
    escape: char,
) -> Option<Vec<TextEdit>> {
    let plain_key = |k: &str| {
        !k.is_empty()
            && !k.contains(['"', '\'', '$', '=', escape])
            && text.get(key.range.range()) == Some(k)
    };
    if !plain_key(&key.text) || value.text.is_empty() {
        return None;
    }
    let v = value.text.as_str();
    let j0 = joined.to_joined(value.range.start())?;
    if joined.text.get(j0..j0 + v.len()) != Some(v) {
        return None;
    }
    // `${A:-"x y"}`: quotes inside a substitution; too rare to be worth the risk.
    if v.contains("${") && v.contains(['"', '\'']) {
        return None;
    }
    // The replacement of every character of the value, by byte offset in `v`.
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let mut blank = false;
    let mut quote: Option<char> = None;
    let mut it = v.char_indices().peekable();
    let special = |c: char| c == '"' || c == '$' || c == escape;
    while let Some((i, c)) = it.next() {
        let len = c.len_utf8();
        match quote {
            None if c == escape => {
                let (k, n) = it.next()?;
                if !special(n) {
                    // `\x` outside quotes is a literal `x`; inside `"…"` a plain `x`.
                    out.push((i, len, String::new()));
                }
                let _ = k;
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                out.push((i, len, String::new()));
            }
            // Go's `unicode.IsSpace`, which BuildKit splits words on.
            None if c.is_whitespace() => blank = true,
            None => {}
            Some(q) if c == q => {
                quote = None;
                out.push((i, len, String::new()));
            }
            Some('"') if c == escape => {
                it.next()?;
            }
            Some('\'') if special(c) => out.push((i, len, format!("{escape}{c}"))),
            Some(_) => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    let gap = TextRange::new(key.range.end(), value.range.start());
    let quote = if blank { "\"" } else { "" };
    // Comment lines between the key and the value stay, on their own lines: the
    // value then starts at the beginning of its line (blanks there would be part of
    // the joined line, between `=` and the value).
    let kept: Vec<&TextRange> = comments
        .iter()
        .filter(|c| gap.start() <= c.start() && c.end() <= gap.end())
        .collect();
    let mut opening = format!("={quote}");
    if let Some(first) = kept.first() {
        opening.push(escape);
        opening.push_str(line_break_at(text, first.end()));
        for c in &kept {
            let line_start = text[..c.start()].rfind('\n').map_or(0, |i| i + 1);
            opening.push_str(&text[line_start..c.end()]);
            opening.push_str(line_break_at(text, c.end()));
        }
    }
    if !blank {
        // One word already: `KEY "a b"`, `KEY /opt/bin:$PATH`.
        return Some(vec![TextEdit::replace(gap, opening)]);
    }
    let mut edits = vec![TextEdit::replace(gap, opening)];
    for (i, len, new) in out {
        let at = joined.to_source(j0 + i);
        // A character split by a continuation cannot be edited in place.
        if joined.to_source(j0 + i + len - 1) != at + len - 1 {
            return None;
        }
        edits.push(TextEdit::replace(TextRange::new(at, at + len), new));
    }
    edits.push(TextEdit::insert(value.range.end(), "\""));
    Some(coalesce(edits))
}

/// Merges edits that touch (sorted, non-overlapping) into one.
fn coalesce(mut edits: Vec<TextEdit>) -> Vec<TextEdit> {
    edits.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut out: Vec<TextEdit> = Vec::new();
    for e in edits {
        match out.last_mut() {
            Some(last) if last.range.end() == e.range.start() => {
                last.range = TextRange::new(last.range.start(), e.range.end());
                last.new_text.push_str(&e.new_text);
            }
            _ => out.push(e),
        }
    }
    out
}

fn short(value: &str) -> String {
    match value.char_indices().nth(24) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not, diagnostics_of, check_rule_fix_raw};
    use expect_test::expect;

    #[test]
    fn catches_legacy_pairs() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
ENV NODE_ENV production
LABEL description "a long text"
ONBUILD ENV A 1 B 2
"#,
            expect![[r#"
                2 | ENV NODE_ENV production
                  |     ^^^^^^^^^^^^^^^^^^^ legacy-key-value: `ENV NODE_ENV production` uses the legacy form; write `ENV NODE_ENV=…`
                3 | LABEL description "a long text"
                  |       ^^^^^^^^^^^^^^^^^^^^^^^^^ legacy-key-value: `LABEL description "a long text"` uses the legacy form; write `LABEL description=…`
                4 | ONBUILD ENV A 1 B 2
                  |             ^^^^^^^ legacy-key-value: `ENV A 1 B 2` uses the legacy form; write `ENV A=…`
            "#]],
        );
    }

    #[test]
    fn accepts_key_value_pairs() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20
ENV NODE_ENV=production A="x y"
LABEL a=b c="d e"
ARG A B
"#,
        );
    }

    #[test]
    fn rewrites_simple_values() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
ENV PATH /opt/bin:$PATH
ENV MSG hello   world
LABEL quoted "kept as is"
ONBUILD ENV A 1 B 2
"#,
            expect![[r#"
                FROM alpine:3.20
                ENV PATH=/opt/bin:$PATH
                ENV MSG="hello   world"
                LABEL quoted="kept as is"
                ONBUILD ENV A="1 B 2"
            "#]],
        );
    }

    #[test]
    fn rewrites_quotes_and_escapes_keeping_the_value() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
ENV A it\'s \"$HOME\" 'a $b "c"' "d $e" f\ g \$h
LABEL b "x y" z
"#,
            expect![[r#"
                FROM alpine:3.20
                ENV A="it's \"$HOME\" a \$b \"c\" d $e f g \$h"
                LABEL b="x y z"
            "#]],
        );
    }

    #[test]
    fn keeps_continuation_lines() {
        check_rule_fix_raw(
            &RULE,
            "FROM alpine:3.20\r\nENV LIST a b \\\r\n    c  d\r\nENV \\\r\n  K v\r\n",
            expect![[r#"
                FROM alpine:3.20␍
                ENV LIST="a b \␍
                    c  d"␍
                ENV \␍
                  K=v␍
            "#]],
        );
        check_rule_fix(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
ENV DIR C:\Program Files\App `
    more
"#,
            expect![[r##"
                # escape=`
                FROM mcr.microsoft.com/windows/servercore:ltsc2022
                ENV DIR="C:\Program Files\App `
                    more"
            "##]],
        );
    }

    #[test]
    fn keeps_comments_between_key_and_value() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
ENV GPG_KEYS \
# Eric Evans
	CEC86BB4 \
# Sylvain
	514A2AD6
ENV ONE \
  # a comment
  word
"#,
            expect![[r#"
                FROM alpine:3.20
                ENV GPG_KEYS="\
                # Eric Evans
                CEC86BB4 \
                # Sylvain
                	514A2AD6"
                ENV ONE=\
                  # a comment
                word
            "#]],
        );
    }

    #[test]
    fn values_stay_identical() {
        use crate::semantic::expand::expand;
        let cases = [
            (
                "FROM a\nENV A it\\'s \\\"$HOME\\\" 'a $b \"c\"' \"d $e\" f\\ g \\$h",
                '\\',
            ),
            ("FROM a\nENV A x 'it''s' \\'q\\' \"\\$\\x\"", '\\'),
            ("FROM a\nENV A  x   y\\\n   z", '\\'),
            ("FROM a\nENV A \\\n# c\n\t x \\\n# d\n\t y", '\\'),
            ("FROM a\nLABEL A 'q \\ r' s", '\\'),
            ("FROM a\nENV A x\u{a0}y", '\\'),
            ("# escape=`\nFROM a\nENV A C:\\x y `$z '`'", '`'),
        ];
        for (text, escape) in cases {
            let diags = diagnostics_of(&RULE, text);
            assert!(!diags.is_empty(), "no finding in {text:?}");
            let fix = diags[0].fixes.first().expect("a fix");
            let fixed = crate::text::apply_edits(text, &fix.edits);
            let value = |t: &str| {
                let syntax = crate::syntax::parse(t);
                let pair = &syntax.instructions[1].args.pairs[0];
                let v = pair.value.as_ref().unwrap().text.clone();
                expand(&v, escape, &|n| Some(format!("<{n}>"))).unwrap()
            };
            assert_eq!(value(text), value(&fixed), "{fixed}");
            assert!(!crate::syntax::parse(&fixed).instructions[1].args.pairs[0].legacy);
        }
    }

    #[test]
    fn no_fix_when_unsure() {
        for text in [
            "FROM a\nENV A it's",
            "FROM a\nENV A ${B:-\"x y\"} c",
            "FROM a\nENV \"A\" b c",
        ] {
            let diags = diagnostics_of(&RULE, text);
            assert_eq!(diags.len(), 1, "{text}");
            assert!(diags[0].fixes.is_empty(), "{text}");
        }
    }
}
