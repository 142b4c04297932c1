//! `stage-name-reserved`: a stage named `scratch` or `context`.

use crate::rules::copy_from_unknown_stage::{stage_name_refs, unused_stage_name};
use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `FROM … AS scratch` and `FROM … AS context` (in any letter case: stage
    /// names are lower-cased by BuildKit).
    ///
    /// ## Why is this bad?
    /// Both names already mean something to the builder. `scratch` is the empty base
    /// image: `FROM scratch` later in the file starts from nothing, not from your stage,
    /// so the stage can never be used as a base. `context` is the name BuildKit gives
    /// the build context in `COPY --from=context` and `--build-context`; a stage with
    /// that name makes such references ambiguous. Either way the file says one thing and
    /// builds another.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// RUN apk add --no-cache curl
    /// FROM scratch
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// RUN apk add --no-cache curl
    /// FROM base
    /// ```
    ///
    /// ## Fix safety
    /// The fix renames the stage to `<name>-2` together with every reference to it
    /// written in the file (`COPY --from=scratch`, `RUN --mount=from=…`; `FROM scratch`
    /// is the empty image, not a reference). It is unsafe: the new name is a
    /// placeholder to replace with a meaningful one, and `COPY --from=context` may have
    /// meant the build context. `ONBUILD` triggers are left alone: their `--from` is
    /// resolved in the downstream build.
    ///
    /// ## References
    /// - hadolint `DL3063`
    /// - BuildKit check `ReservedStageName`
    /// - Dockerfile reference, "FROM", "COPY --from"
    pub(crate) RULE {
        id: "stage-name-reserved",
        summary: "Stage name is reserved (scratch, context)",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3063"],
        buildkit: ["ReservedStageName"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
            continue;
        };
        let why = match name.as_str() {
            "scratch" => "`scratch` is the empty base image: `FROM scratch` will never refer to this stage",
            "context" => "`context` names the build context in `--from` and `--build-context`",
            _ => continue,
        };
        let d = acc.report(
            &RULE,
            word.range,
            format!("Stage name `{}` is reserved: {why}; choose another name", word.text),
        );
        if let Some(fix) = rename_fix(ctx, stage.index) {
            d.push_fix(fix);
        }
    }
}

/// Renames stage `index` to `<name>-2` (the first free suffix) with every reference
/// that resolves to it; unsafe, the new name is a placeholder. `None` when the name
/// itself is not written literally.
pub(crate) fn rename_fix(ctx: &RuleContext<'_>, index: usize) -> Option<Fix> {
    let stage = &ctx.model.stages[index];
    let (name, word) = (stage.name.as_ref()?, stage.name_word.as_ref()?);
    let refs = stage_name_refs(ctx, index, false);
    if !refs.contains(&word.range) {
        return None;
    }
    let new = unused_stage_name(ctx, index, name);
    let others = refs.len() - 1;
    let title = match others {
        0 => format!("Rename the stage `{}` to `{new}`", word.text),
        1 => format!("Rename the stage `{}` to `{new}` and its reference", word.text),
        n => format!("Rename the stage `{}` to `{new}` and its {n} references", word.text),
    };
    let edits = refs.iter().map(|&r| TextEdit::replace(r, new.clone())).collect();
    Some(Fix::new(title, Applicability::Unsafe, edits).also_editing(refs))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix_raw, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_reserved_names() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20 AS scratch
FROM alpine:3.20 as Context
"#,
            expect![[r#"
                1 | FROM alpine:3.20 AS scratch
                  |                     ^^^^^^^ stage-name-reserved: Stage name `scratch` is reserved: `scratch` is the empty base image: `FROM scratch` will never refer to this stage; choose another name
                2 | FROM alpine:3.20 as Context
                  |                     ^^^^^^^ stage-name-reserved: Stage name `Context` is reserved: `context` names the build context in `--from` and `--build-context`; choose another name
            "#]],
        );
    }

    #[test]
    fn fix_renames_stage_and_references() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine:3.20 AS scratch
RUN make
FROM scratch
COPY --from=scratch /out /out
RUN --mount=from=Scratch,target=/s ls /s
ONBUILD COPY --from=scratch /x /x
FROM alpine:3.20 AS context
FROM context
"#,
            expect![[r#"
                --- Rename the stage `scratch` to `scratch-2` and its 2 references (unsafe)
                FROM alpine:3.20 AS scratch-2
                RUN make
                FROM scratch
                COPY --from=scratch-2 /out /out
                RUN --mount=from=scratch-2,target=/s ls /s
                ONBUILD COPY --from=scratch /x /x
                FROM alpine:3.20 AS context
                FROM context
                --- Rename the stage `context` to `context-2` and its reference (unsafe)
                FROM alpine:3.20 AS scratch
                RUN make
                FROM scratch
                COPY --from=scratch /out /out
                RUN --mount=from=Scratch,target=/s ls /s
                ONBUILD COPY --from=scratch /x /x
                FROM alpine:3.20 AS context-2
                FROM context-2
            "#]],
        );
    }

    #[test]
    fn fix_in_crlf_and_escape_files() {
        check_rule_fix_raw(
            &RULE,
            "# escape=`\r\nFROM alpine AS Context\r\nFROM busybox\r\nCOPY `\r\n  --from=context /a /a\r\n",
            expect![[r#"
                # escape=`␍
                FROM alpine AS context-2␍
                FROM busybox␍
                COPY `␍
                  --from=context-2 /a /a␍
            "#]],
        );
    }

    #[test]
    fn accepts_other_names() {
        check_rule_not(
            &RULE,
            r#"
FROM scratch
FROM alpine:3.20 AS scratch-base
FROM alpine:3.20 AS build-context
FROM context
"#,
        );
    }
}
