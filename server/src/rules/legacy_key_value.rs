//! `legacy-key-value`: `ENV key value` / `LABEL key value` instead of `key=value`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
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
    /// The fix writes `key=value`, quoting the value in double quotes when it contains
    /// blanks. It is safe and offered only when that keeps the value identical: the
    /// value is on one line and has no quotes or escape characters.
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
            let gap = TextRange::new(pair.key.range.end(), value.range.start());
            let source = &ctx.text[value.range.range()];
            let plain = source == value.text
                && !ctx.text[gap.range()].contains(['\n', '\r'])
                && !value.text.contains(['"', '\'', '\\', '`', escape]);
            if plain {
                let mut edits = vec![TextEdit::replace(gap, "=")];
                if value.text.contains([' ', '\t']) {
                    edits = vec![TextEdit::replace(
                        TextRange::new(gap.start(), value.range.end()),
                        format!("=\"{}\"", value.text),
                    )];
                }
                d.with_fix("Use `key=value`", Applicability::Safe, edits);
            }
        }
    }
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
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
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
"#,
            expect![[r#"
                FROM alpine:3.20
                ENV PATH=/opt/bin:$PATH
                ENV MSG="hello   world"
                LABEL quoted "kept as is"
            "#]],
        );
    }
}
