//! `unknown-instruction`: a keyword that is not one of the 18 Dockerfile instructions.

use crate::rules::instruction_casing::majority_lower;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports an instruction keyword that is not one of the 18 instructions of the
    /// Dockerfile reference (`FROM`, `RUN`, `COPY`, …), usually a typo such as `RUM` or
    /// `COPPY`. The message names the closest known keyword. `ONBUILD` triggers are
    /// checked too.
    ///
    /// ## Why is this bad?
    /// BuildKit parses the line but then refuses the whole file with "unknown
    /// instruction", so nothing is built.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUM apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix safety
    /// When the keyword is at most two edits away from a known one, a fix replaces it
    /// with that keyword. It is marked unsafe: the closest keyword is a guess, and the
    /// arguments were written for whatever the author meant.
    ///
    /// ## References
    /// - BuildKit parser error "unknown instruction" (`instructions/parse.go`), which
    ///   makes the same suggestion
    /// - Dockerfile reference, "Overview" (the list of instructions)
    pub(crate) RULE {
        id: "unknown-instruction",
        summary: "Unknown instruction keyword",
        level: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let lower = majority_lower(&ctx.syntax.instructions);
    for inst in &ctx.syntax.instructions {
        report(inst, lower, acc);
        if let Some(trigger) = &inst.trigger {
            report(trigger, lower, acc);
        }
    }
}

fn report(inst: &Instruction, lower_majority: bool, acc: &mut Diagnostics) {
    if inst.kind != Kind::Unknown {
        return;
    }
    let upper = inst.keyword.to_ascii_uppercase();
    let best = Kind::ALL
        .iter()
        .map(|k| (strsim::levenshtein(&upper, k.name()), k.name()))
        .min_by_key(|&(d, _)| d);
    let Some((distance, suggestion)) = best else {
        return;
    };
    let close = distance <= 2 && distance < upper.len();
    let message = if close {
        format!(
            "Unknown instruction `{}`; did you mean `{suggestion}`?",
            inst.keyword
        )
    } else {
        format!(
            "Unknown instruction `{}`; use one of the Dockerfile instructions (FROM, RUN, COPY, …)",
            inst.keyword
        )
    };
    let d = acc.report(&RULE, inst.keyword_range, message);
    if close {
        // Keep the author's case style: all lower case stays lower case, and a mixed
        // case keyword follows the file's majority.
        let lower_keyword = inst.keyword.chars().all(|c| !c.is_ascii_uppercase());
        let mixed = !lower_keyword && inst.keyword.chars().any(|c| c.is_ascii_lowercase());
        let replacement = if lower_keyword || (mixed && lower_majority) {
            suggestion.to_ascii_lowercase()
        } else {
            suggestion.to_string()
        };
        d.with_fix(
            format!("Replace `{}` with `{replacement}`", inst.keyword),
            Applicability::Unsafe,
            vec![TextEdit::replace(inst.keyword_range, replacement)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of};
    use expect_test::expect;

    #[test]
    fn catches_typos_and_garbage() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
RUM apk add curl
copyy a b
ONBUILD WORKDIRR /app
FOOBARBAZ x
"#,
            expect![[r#"
                2 | RUM apk add curl
                  | ^^^ unknown-instruction: Unknown instruction `RUM`; did you mean `RUN`?
                3 | copyy a b
                  | ^^^^^ unknown-instruction: Unknown instruction `copyy`; did you mean `COPY`?
                4 | ONBUILD WORKDIRR /app
                  |         ^^^^^^^^ unknown-instruction: Unknown instruction `WORKDIRR`; did you mean `WORKDIR`?
                5 | FOOBARBAZ x
                  | ^^^^^^^^^ unknown-instruction: Unknown instruction `FOOBARBAZ`; use one of the Dockerfile instructions (FROM, RUN, COPY, …)
            "#]],
        );
    }

    #[test]
    fn accepts_every_instruction_in_any_case() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
ARG V=1
from alpine:3.20 AS base
Run echo hi
ONBUILD RUN echo later
HEALTHCHECK NONE
"#,
        );
    }

    #[test]
    fn fixes_close_typos() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
RUM apk add curl
copyy a b
"#,
            expect![[r#"
                FROM alpine:3.20
                RUN apk add curl
                copy a b
            "#]],
        );
    }

    #[test]
    fn fixes_onbuild_triggers() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine:3.20
ONBUILD RUm make
Entrypoynt ["x"]
"#,
            expect![[r#"
                --- Replace `RUm` with `RUN` (unsafe)
                FROM alpine:3.20
                ONBUILD RUN make
                Entrypoynt ["x"]
                --- Replace `Entrypoynt` with `ENTRYPOINT` (unsafe)
                FROM alpine:3.20
                ONBUILD RUm make
                ENTRYPOINT ["x"]
            "#]],
        );
        let diags = diagnostics_of(&RULE, "FROM alpine\nFROBNICATE x\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.is_empty());
    }
}
