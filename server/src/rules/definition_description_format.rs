//! `definition-description-format`: a comment right above `FROM … AS name` or `ARG name`
//! that does not start with the name (opt-in).

use crate::rules::suppression::is_suppression;
use crate::text::line_break_at;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Comment, Instruction, Kind};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a comment line directly above `FROM <image> AS <name>` or `ARG <name>`
    /// whose first word is not the stage name (or one of the `ARG` names). This is
    /// BuildKit's experimental `InvalidDefinitionDescription` check.
    ///
    /// The description is the block of comment lines right above the instruction, up
    /// to an empty `#` line; it is accepted when one of its lines starts with the name
    /// (a multi-line description whose first line names the stage is what
    /// `--call=outline` shows). BuildKit's check looks only at the last line of the
    /// block and would also report that case; we do not, because the outline shows it
    /// correctly. BuildKit's documentation says a blank
    /// line also separates a comment from the instruction; its parser has, in some
    /// versions, kept comments across blank lines. We follow the documentation: a
    /// comment separated by a blank line is never a description. Parser directives and
    /// suppression pragmas (`# hadolint ignore=…`) are not descriptions either and are
    /// not reported.
    ///
    /// Off by default; turn it on when you publish build targets and arguments with
    /// `docker buildx build --call=outline` or `--call=targets`.
    ///
    /// ## Why is this bad?
    /// `--call=outline` and `--call=targets` show the comment right above a stage or
    /// argument as its description only when it starts with the name (`# build-cli
    /// builds the CLI binary`). A comment in another form is silently dropped from
    /// that documentation, or, if it was not meant as a description, sits where a
    /// description is expected.
    ///
    /// ## Example
    /// ```dockerfile
    /// # Compile the CLI
    /// FROM golang:1.23 AS build-cli
    /// # the version to build
    /// ARG VERSION=1.0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # build-cli compiles the CLI
    /// FROM golang:1.23 AS build-cli
    /// # VERSION is the version to build
    /// ARG VERSION=1.0
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts an empty `#` line between the comment and the instruction,
    /// which BuildKit's documentation gives as the way to mark a comment as not a
    /// description. It is safe: only the build outline changes. Rewording the comment
    /// into a description is left to the author.
    ///
    /// ## References
    /// - BuildKit check `InvalidDefinitionDescription` (experimental; enable with
    ///   `# check=experimental=InvalidDefinitionDescription`)
    /// - Docker docs, "docker buildx build", "--call" (descriptions)
    pub(crate) RULE {
        id: "definition-description-format",
        summary: "Comment above a stage or ARG is not a description",
        level: Off,
        fix: Always,
        hadolint: [],
        buildkit: ["InvalidDefinitionDescription"],
        check: check,
    }
}

/// The names a description of `inst` may start with (stage names lower-cased, as
/// BuildKit compares them).
fn defined_names(inst: &Instruction) -> Vec<String> {
    match inst.kind {
        Kind::From => match inst.args.words.as_slice() {
            [_, as_kw, name] if as_kw.text.eq_ignore_ascii_case("as") => {
                vec![name.text.to_ascii_lowercase()]
            }
            _ => Vec::new(),
        },
        Kind::Arg => inst.args.pairs.iter().map(|p| p.key.text.clone()).collect(),
        _ => Vec::new(),
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let index = ctx.line_index;
    // Top-level comments by the line they are on; the comments are in file order.
    let comments: Vec<&Comment> = ctx
        .syntax
        .comments
        .iter()
        .filter(|c| !c.in_continuation)
        .collect();
    for inst in &ctx.syntax.instructions {
        let names = defined_names(inst);
        if names.is_empty() {
            continue;
        }
        let line = index.line_of(inst.range.start());
        if line == 0 {
            continue;
        }
        let Ok(mut at) =
            comments.binary_search_by_key(&(line - 1), |c| index.line_of(c.range.start()))
        else {
            continue;
        };
        let last = comments[at];
        if last.text.is_empty()
            || is_suppression(&last.text)
            || ctx.syntax.directives.iter().any(|d| d.range == last.range)
        {
            continue;
        }
        // The description block: the comment lines right above, up to an empty `#`.
        let mut described = false;
        loop {
            let c = comments[at];
            if c.text.is_empty() {
                break;
            }
            let first = c.text.split(' ').next().unwrap_or("");
            if names.iter().any(|n| n == first) {
                described = true;
                break;
            }
            if at == 0
                || index.line_of(comments[at - 1].range.start()) + 1
                    != index.line_of(c.range.start())
            {
                break;
            }
            at -= 1;
        }
        if described {
            continue;
        }
        let c = last;
        let example = if names.len() == 1 { names[0].as_str() } else { "<name>" };
        let what = if inst.kind == Kind::From {
            "stage"
        } else {
            "build argument"
        };
        acc.report(
            &RULE,
            c.range,
            format!(
                "A comment right above a {what} is its description in `--call=outline`; start it with the name (`# {example} …`), or put an empty `#` line between"
            ),
        )
        .with_fix(
            "Separate the comment with an empty `#` line",
            Applicability::Safe,
            vec![TextEdit::insert(
                index.line_start(line),
                format!("#{}", line_break_at(ctx.text, c.range.end())),
            )],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fix_raw, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_non_descriptions() {
        check_rule(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# Compile the CLI
FROM golang:1.23 AS build-cli
# the version to build
ARG VERSION=1.0 COMMIT
"#,
            expect![[r#"
                2 | # Compile the CLI
                  | ^^^^^^^^^^^^^^^^^ definition-description-format: A comment right above a stage is its description in `--call=outline`; start it with the name (`# build-cli …`), or put an empty `#` line between
                4 | # the version to build
                  | ^^^^^^^^^^^^^^^^^^^^^^ definition-description-format: A comment right above a build argument is its description in `--call=outline`; start it with the name (`# <name> …`), or put an empty `#` line between
            "#]],
        );
    }

    #[test]
    fn accepts_descriptions_and_separated_comments() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
FROM golang:1.23 AS build-cli
# build-cli2 compiles the CLI
FROM golang:1.23 AS Build-CLI2
# COMMIT is the commit to build.
# It must be a full SHA.
ARG VERSION COMMIT
# not a description
#
ARG OTHER
# also not a description

FROM alpine:3.20 AS final
# plain stage without a name
FROM alpine:3.20
# hadolint ignore=DL3006
FROM base AS x
"#,
        );
    }

    #[test]
    fn separates_the_comment() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
# Compile the CLI
FROM golang:1.23 AS build-cli
"#,
            expect![[r#"
                FROM alpine:3.20
                # Compile the CLI
                #
                FROM golang:1.23 AS build-cli
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf() {
        check_rule_fix_raw(
            &RULE,
            "# Compiles the sources\r\nFROM golang:1.23 AS build\r\n",
            expect![[r#"
                # Compiles the sources␍
                #␍
                FROM golang:1.23 AS build␍
            "#]],
        );
    }
}
