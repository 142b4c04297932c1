//! `instruction-casing`: an instruction keyword in mixed case, or not in the case most
//! of the file uses.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// ## What it does
    /// Reports an instruction keyword that is not written in the case most keywords of
    /// the file use, exactly as BuildKit's `ConsistentInstructionCasing` check does:
    /// - keywords written all in lower case or all in upper case are counted; the
    ///   majority wins and a tie (or a file with no such keyword) means upper case;
    /// - every keyword that is not in the majority case is reported, and a keyword in
    ///   mixed case (`Run`, `From`) is always reported.
    ///
    /// Like BuildKit, the count covers `FROM` and the instructions of each stage; `ARG`s
    /// before the first `FROM` and the trigger of an `ONBUILD` are not counted. Unlike
    /// BuildKit, we also report those two when their casing differs from the majority
    /// (BuildKit never looks at them, but `onbuild run` in an upper-case file is just as
    /// inconsistent).
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, so this is about reading: a file that switches
    /// between `RUN` and `run` is harder to scan, and the convention (upper case,
    /// used by the Dockerfile reference) makes keywords stand out from their arguments.
    /// BuildKit prints the same warning on every build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// Copy app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// COPY app /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the keyword in the majority case. It is safe: keywords are
    /// case-insensitive.
    ///
    /// ## References
    /// - BuildKit check `ConsistentInstructionCasing`
    ///   (`frontend/dockerfile/dockerfile2llb/convert.go`, `validateCommandCasing`)
    /// - dockerfile-utils `instructionCasing` (which always asks for upper case)
    /// - Dockerfile reference, "Format": "the instruction is not case-sensitive.
    ///   However, convention is for them to be UPPERCASE"
    pub(crate) RULE {
        id: "instruction-casing",
        summary: "Instruction keyword not in the file's majority case",
        level: Info,
        fix: Always,
        hadolint: [],
        buildkit: ["ConsistentInstructionCasing"],
        check: check,
    }
}

/// `Some(true)` for an all-lower-case keyword, `Some(false)` for all upper case,
/// `None` for mixed case.
fn casing(keyword: &str) -> Option<bool> {
    if keyword == keyword.to_ascii_lowercase() {
        Some(true)
    } else if keyword == keyword.to_ascii_uppercase() {
        Some(false)
    } else {
        None
    }
}

/// True when the majority of counted keywords is lower case (ties: upper case).
pub(crate) fn majority_lower(instructions: &[Instruction]) -> bool {
    let Some(first_from) = instructions.iter().position(|i| i.kind == Kind::From) else {
        return false;
    };
    let (mut lower, mut upper) = (0usize, 0usize);
    for inst in &instructions[first_from..] {
        if inst.kind == Kind::Unknown {
            continue;
        }
        match casing(&inst.keyword) {
            Some(true) => lower += 1,
            Some(false) => upper += 1,
            None => {}
        }
    }
    lower > upper
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let lower = majority_lower(&ctx.syntax.instructions);
    for inst in &ctx.syntax.instructions {
        if inst.kind == Kind::Unknown {
            continue;
        }
        report(inst, lower, acc);
        if let Some(trigger) = &inst.trigger {
            if trigger.kind != Kind::Unknown {
                report(trigger, lower, acc);
            }
        }
    }
}

fn report(inst: &Instruction, lower: bool, acc: &mut Diagnostics) {
    let written = inst.keyword.as_str();
    let wanted = if lower {
        written.to_ascii_lowercase()
    } else {
        written.to_ascii_uppercase()
    };
    if written == wanted {
        return;
    }
    let case = if lower { "lower" } else { "upper" };
    let message = match casing(written) {
        None => format!("`{written}` mixes upper and lower case; write `{wanted}`, like most instructions in this file"),
        Some(_) => format!("`{written}` is not in {case} case like most instructions in this file; write `{wanted}`"),
    };
    let d = acc.report(&RULE, inst.keyword_range, message);
    if inst.keyword_range.len() == written.len() {
        d.with_fix(
            format!("Write `{wanted}`"),
            Applicability::Safe,
            vec![crate::text::TextEdit::replace(inst.keyword_range, wanted)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fix_raw, check_rule_not};
    use expect_test::expect;

    #[test]
    fn reports_minority_and_mixed_case() {
        check_rule(
            &RULE,
            r#"
FROM alpine
run echo hi
Copy a /a
onbuild run make
ONBUILD Run make
WORKDIR /app
"#,
            expect![[r#"
                2 | run echo hi
                  | ^^^ instruction-casing: `run` is not in upper case like most instructions in this file; write `RUN`
                3 | Copy a /a
                  | ^^^^ instruction-casing: `Copy` mixes upper and lower case; write `COPY`, like most instructions in this file
                4 | onbuild run make
                  | ^^^^^^^ instruction-casing: `onbuild` is not in upper case like most instructions in this file; write `ONBUILD`
                4 | onbuild run make
                  |         ^^^ instruction-casing: `run` is not in upper case like most instructions in this file; write `RUN`
                5 | ONBUILD Run make
                  |         ^^^ instruction-casing: `Run` mixes upper and lower case; write `RUN`, like most instructions in this file
            "#]],
        );
    }

    #[test]
    fn lower_case_majority_wins() {
        check_rule(
            &RULE,
            r#"
arg V=1
from alpine
run echo hi
RUN echo two
workdir /app
"#,
            expect![[r#"
                4 | RUN echo two
                  | ^^^ instruction-casing: `RUN` is not in lower case like most instructions in this file; write `run`
            "#]],
        );
    }

    #[test]
    fn tie_means_upper_case_and_meta_args_do_not_count() {
        check_rule(
            &RULE,
            r#"
arg A
arg B
arg C
from alpine
RUN true
"#,
            expect![[r#"
                1 | arg A
                  | ^^^ instruction-casing: `arg` is not in upper case like most instructions in this file; write `ARG`
                2 | arg B
                  | ^^^ instruction-casing: `arg` is not in upper case like most instructions in this file; write `ARG`
                3 | arg C
                  | ^^^ instruction-casing: `arg` is not in upper case like most instructions in this file; write `ARG`
                4 | from alpine
                  | ^^^^ instruction-casing: `from` is not in upper case like most instructions in this file; write `FROM`
            "#]],
        );
    }

    #[test]
    fn accepts_consistent_files() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN Write-Host hi
ONBUILD RUN make
"#,
        );
        check_rule_not(
            &RULE,
            r#"
from alpine
run echo hi
onbuild copy . /app
"#,
        );
    }

    #[test]
    fn fix_rewrites_keywords() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
Run echo hi
onbuild copy . /app
"#,
            expect![[r#"
                FROM alpine
                RUN echo hi
                ONBUILD COPY . /app
            "#]],
        );
    }

    #[test]
    fn fix_in_crlf_escape_files_with_continuations() {
        check_rule_fix_raw(
            &RULE,
            "# escape=`\r\nfrom alpine\r\nRUN echo `\r\n  hi\r\nrun x\r\nONBUILD RUN y\r\n",
            expect![[r#"
                # escape=`␍
                FROM alpine␍
                RUN echo `␍
                  hi␍
                RUN x␍
                ONBUILD RUN y␍
            "#]],
        );
    }
}
