//! `from-as-casing`: `AS` in a different case from its `FROM`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports the `AS` of `FROM image AS name` when its case does not match the case
    /// of `FROM`: `FROM alpine as build`, `from alpine AS build`, `FROM alpine As build`.
    /// As in BuildKit's `FromAsCasing` check, a `FROM` keyword in mixed case (`From`) is
    /// left to `instruction-casing` and its `AS` is not reported.
    ///
    /// ## Why is this bad?
    /// `AS` is case-insensitive, so the build is not affected; but a stage line that
    /// mixes cases reads as a typo and makes stage names harder to find by eye. BuildKit
    /// prints the same warning on every build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 as build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites `AS` in the case of `FROM`. It is safe: `AS` is
    /// case-insensitive.
    ///
    /// ## References
    /// - BuildKit check `FromAsCasing` (`frontend/dockerfile/instructions/parse.go`,
    ///   `doesFromCaseMatchAsCase`)
    /// - Dockerfile reference, "FROM"
    pub(crate) RULE {
        id: "from-as-casing",
        summary: "AS keyword not in the case of FROM",
        level: Info,
        fix: Always,
        hadolint: [],
        buildkit: ["FromAsCasing"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        if inst.kind != Kind::From {
            continue;
        }
        let [_, as_word, _] = inst.args.words.as_slice() else {
            continue;
        };
        if !as_word.text.eq_ignore_ascii_case("as") {
            continue;
        }
        let from = inst.keyword.as_str();
        let wanted = if from == from.to_ascii_lowercase() {
            "as"
        } else if from == from.to_ascii_uppercase() {
            "AS"
        } else {
            continue;
        };
        if as_word.text == wanted {
            continue;
        }
        acc.report(
            &RULE,
            as_word.range,
            format!(
                "`{}` does not match the case of `{from}`; write `{wanted}`",
                as_word.text
            ),
        )
        .with_fix(
            format!("Write `{wanted}`"),
            Applicability::Safe,
            vec![TextEdit::replace(as_word.range, wanted)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fix_raw, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_mismatched_as() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 as build
from alpine AS base
FROM alpine As final
"#,
            expect![[r#"
                1 | FROM golang:1.23 as build
                  |                  ^^ from-as-casing: `as` does not match the case of `FROM`; write `AS`
                2 | from alpine AS base
                  |             ^^ from-as-casing: `AS` does not match the case of `from`; write `as`
                3 | FROM alpine As final
                  |             ^^ from-as-casing: `As` does not match the case of `FROM`; write `AS`
            "#]],
        );
    }

    #[test]
    fn accepts_matching_and_mixed_from() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
from alpine as base
From alpine as other
FROM alpine
FROM alpine xs y
"#,
        );
    }

    #[test]
    fn fix_recases_as() {
        check_rule_fix(
            &RULE,
            r#"
FROM golang:1.23 as build
from alpine As base
"#,
            expect![[r#"
                FROM golang:1.23 AS build
                from alpine as base
            "#]],
        );
    }

    #[test]
    fn fix_on_a_continuation_line() {
        check_rule_fix_raw(
            &RULE,
            "FROM golang:1.23 \\\r\n    as build\r\nFROM alpine\r\n",
            expect![[r#"
                FROM golang:1.23 \␍
                    AS build␍
                FROM alpine␍
            "#]],
        );
    }
}
