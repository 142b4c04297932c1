//! `env-self-reference`: `ENV a=1 b=$a`, where `b` sees the old `a`.

use crate::text::line_break_at;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::expand::scan;
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a variable reference in an `ENV` value to a name set by an earlier pair
    /// of the same `ENV` instruction (`ONBUILD ENV` included). A pair that refers to its
    /// own name (`ENV PATH=/opt/bin:$PATH`) is fine and not reported, and so is a
    /// reference to a pair that only re-exports a variable of the same name (`ENV
    /// VERSION=$VERSION URL=…/$VERSION`, common after `ARG VERSION`): old and new value
    /// are the same.
    ///
    /// A reference is reported even when the old value happens to equal the new one
    /// because the base image sets it (`ENV ProgramFiles="C:\Program Files"
    /// PSCORE="$ProgramFiles\…"` on Windows): the file then depends on that
    /// coincidence, and hadolint reports it too.
    ///
    /// ## Why is this bad?
    /// All values of one `ENV` are expanded with the variables as they were before the
    /// instruction. In `ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin`, `APP_BIN` becomes
    /// `/bin` (or the base image's old `APP_HOME`), not `/srv/app/bin`. Shells behave
    /// differently (`a=1 b=$a` in bash sees the new value), so the mistake is natural.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENV APP_HOME=/srv/app
    /// ENV APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Fix safety
    /// The fix splits the instruction before the pair that refers back, so it sees the
    /// new value. It is unsafe: it changes the value of the variable (to the one that
    /// was almost certainly meant) and adds a layer-less image config step.
    ///
    /// ## References
    /// - hadolint `DL3044` ("Do not refer to an environment variable within the same
    ///   ENV statement where it is defined")
    /// - Dockerfile reference, "Environment replacement"
    pub(crate) RULE {
        id: "env-self-reference",
        summary: "ENV value refers to a variable set in the same ENV",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3044"],
        buildkit: [],
        check: check,
    }
}

/// True when `value` is just `$name` / `${name}` (quoted or not).
fn reexports(value: Option<&str>, name: &str) -> bool {
    let Some(v) = value else {
        return false;
    };
    let v = v.trim_matches('"');
    v == format!("${name}") || v == format!("${{{name}}}")
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        let eff = inst.effective();
        if eff.kind != Kind::Env || eff.args.pairs.len() < 2 {
            continue;
        }
        let pairs = &eff.args.pairs;
        for (k, pair) in pairs.iter().enumerate().skip(1) {
            let Some(value) = &pair.value else {
                continue;
            };
            let (refs, _) = scan(&value.text, ctx.syntax.escape);
            // `ENV V=$V W=$V` re-exports an ARG: the old and the new `V` are the same.
            let earlier = |name: &str| {
                name != pair.key.text
                    && pairs[..k].iter().any(|p| {
                        p.key.text == name && !reexports(p.value.as_ref().map(|v| v.text.as_str()), name)
                    })
            };
            let Some(r) = refs.iter().find(|r| earlier(&r.name)) else {
                continue;
            };
            let range = if value.range.len() == value.text.len() {
                TextRange::new(
                    value.range.start() + r.range.start(),
                    value.range.start() + r.range.end(),
                )
            } else {
                value.range
            };
            let d = acc.report(
                &RULE,
                range,
                format!(
                    "`{}` is set earlier in this same ENV, but values are expanded before the instruction runs, so this sees its old value; set `{}` in a separate ENV",
                    r.name, pair.key.text
                ),
            );
            // Split before this pair when only blanks and line continuations separate it
            // from the previous one.
            let prev_end = pairs[k - 1].range.end();
            let between = &ctx.text[prev_end..pair.range.start()];
            let only_blanks = between
                .chars()
                .all(|c| c.is_whitespace() || c == ctx.syntax.escape);
            if only_blanks && !between.is_empty() {
                let keyword = if inst.kind == Kind::Onbuild {
                    format!("{} {}", inst.keyword, eff.keyword)
                } else {
                    eff.keyword.clone()
                };
                let line_end = ctx.text[prev_end..]
                    .find(['\r', '\n'])
                    .map_or(ctx.text.len(), |i| prev_end + i);
                let eol = line_break_at(ctx.text, line_end);
                d.with_fix(
                    format!(
                        "Set `{}` in its own ENV (it then sees the new `{}`)",
                        pair.key.text, r.name
                    ),
                    Applicability::Unsafe,
                    vec![TextEdit::replace(
                        TextRange::new(prev_end, pair.range.start()),
                        format!("{eol}{keyword} "),
                    )],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fix_raw, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_references_to_earlier_pairs() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin
ENV A=1 \
    B="${A:-x}" C='$A'
ONBUILD ENV X=1 Y=${X}
"#,
            expect![[r#"
                2 | ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin
                  |                               ^^^^^^^^^ env-self-reference: `APP_HOME` is set earlier in this same ENV, but values are expanded before the instruction runs, so this sees its old value; set `APP_BIN` in a separate ENV
                4 |     B="${A:-x}" C='$A'
                  |        ^^^^^^^ env-self-reference: `A` is set earlier in this same ENV, but values are expanded before the instruction runs, so this sees its old value; set `B` in a separate ENV
                5 | ONBUILD ENV X=1 Y=${X}
                  |                   ^^^^ env-self-reference: `X` is set earlier in this same ENV, but values are expanded before the instruction runs, so this sees its old value; set `Y` in a separate ENV
            "#]],
        );
    }

    #[test]
    fn accepts_self_and_earlier_instruction_references() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20
ENV APP_HOME=/srv/app
ENV APP_BIN=$APP_HOME/bin PATH=/opt/bin:$PATH
ENV B=$A A=1
ENV C=\$APP_HOME D=1
ENV E $E
ARG V=1
ENV V=$V W=${V}/x U="${V}"
"#,
        );
    }

    #[test]
    fn fix_splits_the_instruction() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
ENV A=1 B=$A C=$A D=2
ENV X=1 \
    Y=$X
onbuild env P=1 Q=$P
"#,
            expect![[r#"
                FROM alpine:3.20
                ENV A=1
                ENV B=$A
                ENV C=$A D=2
                ENV X=1
                ENV Y=$X
                onbuild env P=1
                onbuild env Q=$P
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf() {
        check_rule_fix_raw(
            &RULE,
            "FROM alpine:3.20\r\nENV A=1 \\\r\n    B=$A\r\n",
            expect![[r#"
                FROM alpine:3.20␍
                ENV A=1␍
                ENV B=$A␍
            "#]],
        );
    }
}
