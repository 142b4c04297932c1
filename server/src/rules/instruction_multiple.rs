//! `instruction-multiple`: more than one CMD, ENTRYPOINT or HEALTHCHECK in a stage.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that is followed by another one of
    /// the same kind in the same stage. The earlier, ineffective instruction is reported
    /// (as BuildKit does; hadolint reports the later one), because that is the line that
    /// does nothing and can be deleted. `ONBUILD` triggers are not counted: they apply
    /// to a downstream image.
    ///
    /// ## Why is this bad?
    /// Only the last one takes effect. The earlier one is dead code that misleads the
    /// reader about how the container starts or how its health is checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "manage.py", "migrate"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the earlier instruction's lines (comments above it stay). It is
    /// safe: the built image is the same, since only the last one of each kind takes
    /// effect. (`ENTRYPOINT` clears an inherited `CMD` unless the stage sets one; with
    /// one `CMD` or `ENTRYPOINT` of each kind still left in the stage, that does not
    /// change.) Whether the author meant the earlier one is for them to judge: the
    /// fix keeps what the build does today.
    ///
    /// ## References
    /// - hadolint `DL4003` (CMD), `DL4004` (ENTRYPOINT), `DL3012` (HEALTHCHECK)
    /// - BuildKit check `MultipleInstructionsDisallowed`
    /// - Trivy `DS-0016`, `DS-0007`, `DS-0023`
    /// - Dockerfile reference, "CMD", "ENTRYPOINT", "HEALTHCHECK"
    pub(crate) RULE {
        id: "instruction-multiple",
        summary: "More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
        level: Warning,
        fix: Always,
        hadolint: ["DL4003", "DL4004", "DL3012"],
        buildkit: ["MultipleInstructionsDisallowed"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    for stage in &ctx.model.stages {
        for kind in [Kind::Cmd, Kind::Entrypoint, Kind::Healthcheck] {
            let all: Vec<usize> = stage
                .instructions
                .clone()
                .filter(|&i| insts[i].kind == kind)
                .collect();
            let Some((&last, earlier)) = all.split_last() else {
                continue;
            };
            let last_line = ctx.line_index.line_of(insts[last].range.start()) + 1;
            for &i in earlier {
                let d = acc.report(
                    &RULE,
                    insts[i].keyword_range,
                    format!(
                        "This {} has no effect: the {} on line {last_line} replaces it; delete one of them",
                        kind.name(),
                        kind.name()
                    ),
                );
                d.unnecessary = true;
                d.with_fix(
                    format!(
                        "Delete this {} (the one on line {last_line} replaces it)",
                        kind.name()
                    ),
                    Applicability::Safe,
                    vec![delete_lines(ctx.text, insts[i].range)],
                );
            }
        }
    }
}

/// Deletes the whole lines of `range` (an instruction), final line break included;
/// lines around it (comments, blank lines) stay.
pub(super) fn delete_lines(text: &str, range: TextRange) -> TextEdit {
    TextEdit::delete(crate::fix::full_lines(text, range))
}

/// The line break the file uses: that of its first line, `\n` when it has none.
pub(super) fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// Inserts `line` as a new line just before the line where `at` starts, indented like
/// that line.
pub(super) fn insert_line_before(text: &str, at: usize, line: &str) -> TextEdit {
    let start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    TextEdit::insert(start, format!("{indent}{line}{}", line_break(text)))
}

/// Inserts `line` as a new line after the last line of `range` (an instruction),
/// indented like the line where `range` starts.
pub(super) fn insert_line_after(text: &str, range: TextRange, line: &str) -> TextEdit {
    let start = text[..range.start()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let end = crate::fix::full_lines(text, range).end();
    let nl = line_break(text);
    if end == text.len() && !text.ends_with(['\n', '\r']) {
        TextEdit::insert(end, format!("{nl}{indent}{line}"))
    } else {
        TextEdit::insert(end, format!("{indent}{line}{nl}"))
    }
}

/// Deletes `items[idx]` from a whitespace-separated list of words (EXPOSE ports,
/// LABEL pairs) with the blank that separates it from its neighbour, keeping
/// continuation lines intact: a word alone on a continued line takes its line with it.
pub(super) fn delete_list_item(text: &str, items: &[TextRange], idx: usize) -> TextEdit {
    let r = items[idx];
    let same_line = |a: usize, b: usize| !text[a..b].contains(['\n', '\r']);
    let next = items.get(idx + 1);
    let prev = idx.checked_sub(1).map(|p| items[p]);
    let range = match (prev, next) {
        (_, Some(n)) if same_line(r.end(), n.start()) => TextRange::new(r.start(), n.start()),
        (Some(p), _) if same_line(p.end(), r.start()) => TextRange::new(p.end(), r.end()),
        // The last word, on a continued line of its own: join the previous line's end.
        (Some(p), None) => TextRange::new(p.end(), r.end()),
        // The first word, the next on a later line: that line moves up.
        (None, Some(n)) => TextRange::new(r.start(), n.start()),
        // A word alone on a middle line: the whole line.
        (Some(_), Some(_)) => crate::fix::full_lines(text, r),
        (None, None) => r,
    };
    TextEdit::delete(range)
}

/// Inserts `line` into the final stage: before its first `CMD` or `ENTRYPOINT`, else
/// after its last instruction. Returns the edit and where it goes, for the title
/// ("before the CMD on line 9", "at the end of the file").
pub(super) fn insert_in_final_stage(ctx: &RuleContext<'_>, line: &str) -> Option<(TextEdit, String)> {
    let stage = ctx.model.final_stage()?;
    let insts = &ctx.syntax.instructions;
    let first_command = stage
        .instructions
        .clone()
        .find(|&i| matches!(insts[i].kind, Kind::Cmd | Kind::Entrypoint));
    if let Some(i) = first_command {
        return Some(insert_before_instruction(ctx, i, line));
    }
    let last = stage.instructions.end.checked_sub(1)?;
    let edit = insert_line_after(ctx.text, insts[last].range, line);
    let end = if last + 1 == insts.len() {
        "at the end of the file".to_string()
    } else {
        format!("after line {}", ctx.line_index.line_of(insts[last].range.end()) + 1)
    };
    Some((edit, end))
}

/// Inserts `line` before instruction `i`; returns the edit and "before the CMD on line 9".
pub(super) fn insert_before_instruction(ctx: &RuleContext<'_>, i: usize, line: &str) -> (TextEdit, String) {
    let inst = &ctx.syntax.instructions[i];
    (
        insert_line_before(ctx.text, inst.range.start(), line),
        format!(
            "before the {} on line {}",
            inst.kind.name(),
            ctx.line_index.line_of(inst.range.start()) + 1
        ),
    )
}

/// Test helper: applies the preferred fix (unsafe ones included) of every finding of
/// `rule` with the `[labels]` table `labels` (TOML, may be empty), checks each fix's
/// properties and that a second pass finds nothing to fix, and returns the text.
#[cfg(test)]
pub(super) fn fixed_with(rule: &'static crate::rules::RuleMeta, labels: &str, text: &str) -> String {
    use crate::rules::test_support::{check_fix_properties, diagnostics_of};
    let text = text.strip_prefix('\n').unwrap_or(text);
    let diags = |t: &str| -> Vec<crate::rules::Diagnostic> {
        if labels.is_empty() {
            return diagnostics_of(rule, t);
        }
        let (config, problems) =
            crate::config::load::parse_toml(&format!("[labels]\n{labels}\n"));
        assert!(problems.is_empty(), "{problems:?}");
        crate::ide::Analysis::new(t)
            .diagnostics(&config)
            .into_iter()
            .filter(|d| d.rule.id == rule.id)
            .collect()
    };
    let mut edits = Vec::new();
    for d in diags(text) {
        if let Some(fix) = d.fix_for(true) {
            check_fix_properties(text, &d, fix);
            edits.extend(fix.edits.iter().cloned());
        }
    }
    let fixed = crate::fix::apply(text, &edits).expect("edits apply");
    let again: Vec<_> = diags(&fixed)
        .into_iter()
        .filter(|d| !d.fixes.is_empty())
        .collect();
    assert!(again.is_empty(), "the fix does not converge:\n{fixed}");
    fixed
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_repeated_instructions() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
CMD ["python", "manage.py", "migrate"]
HEALTHCHECK NONE
ENTRYPOINT ["/entry"]
cmd gunicorn app:app
HEALTHCHECK CMD curl -f http://localhost/
CMD ["gunicorn", "app:app"]
"#,
            expect![[r#"
                2 | CMD ["python", "manage.py", "migrate"]
                  | ^^^ instruction-multiple: This CMD has no effect: the CMD on line 7 replaces it; delete one of them
                3 | HEALTHCHECK NONE
                  | ^^^^^^^^^^^ instruction-multiple: This HEALTHCHECK has no effect: the HEALTHCHECK on line 6 replaces it; delete one of them
                5 | cmd gunicorn app:app
                  | ^^^ instruction-multiple: This CMD has no effect: the CMD on line 7 replaces it; delete one of them
            "#]],
        );
    }

    #[test]
    fn accepts_one_per_stage_and_onbuild() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
CMD ["go", "test"]
ONBUILD CMD ["x"]
FROM alpine:3.20
CMD ["app"]
ONBUILD CMD ["y"]
ENTRYPOINT ["/entry"]
"#,
        );
    }

    #[test]
    fn fix_deletes_the_earlier_instructions() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim
# run the migrations
CMD ["python", "manage.py", \
     "migrate"]
HEALTHCHECK NONE
  ENTRYPOINT ["/entry"]
cmd gunicorn app:app
HEALTHCHECK CMD curl -f http://localhost/
CMD ["gunicorn", "app:app"]
"#,
            expect![[r#"
                FROM python:3.12-slim
                # run the migrations
                  ENTRYPOINT ["/entry"]
                HEALTHCHECK CMD curl -f http://localhost/
                CMD ["gunicorn", "app:app"]
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf_and_escape_backtick() {
        assert_eq!(
            super::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nCMD powershell `\r\n  -Command Start\r\nCMD [\"cmd\"]",
            ),
            "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nCMD [\"cmd\"]"
        );
        assert_eq!(
            super::fixed_with(&RULE, "", "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]"),
            "FROM alpine\nCMD [\"b\"]"
        );
    }

    /// Corpus review of this part's fixes: every fix of these rules on every file of
    /// the shared corpus, applied alone, must keep the syntax and the scope; prints
    /// counts and a sample of diffs. `cargo test -p dockerfile-lsp --lib
    /// corpus_instruction_fixes -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn corpus_instruction_fixes() {
        use crate::rules::{Level, Severity};
        const RULES: &[&str] = &[
            "workdir-relative", "copy-multi-source-dest-slash", "add-instead-of-copy",
            "expose-invalid-format", "expose-proto-casing", "expose-ssh-port",
            "instruction-multiple", "maintainer-deprecated", "label-oci-conventions",
            "user-missing", "healthcheck-missing", "cmd-entrypoint-missing",
            "node-env-not-production", "pid1-without-init",
        ];
        let root = std::path::Path::new("/work/shared/corpus/real");
        let mut files = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut config = crate::config::Config::default();
        for r in RULES {
            config.rules.insert(r.to_string(), Level::On(Severity::Hint));
        }
        let mut counts: std::collections::BTreeMap<(&str, String), usize> = Default::default();
        let mut shown: std::collections::BTreeMap<String, usize> = Default::default();
        let mut problems = Vec::new();
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else { continue };
            let analysis = crate::ide::Analysis::new(text.as_str());
            for d in analysis.diagnostics(&config) {
                if !RULES.contains(&d.rule.id) {
                    continue;
                }
                if d.fixes.is_empty() {
                    *counts.entry((d.rule.id, "(no fix)".into())).or_default() += 1;
                }
                for f in &d.fixes {
                    let kind = if f.is_safe() { "safe" } else { "unsafe" };
                    *counts.entry((d.rule.id, kind.into())).or_default() += 1;
                    let fixed = match crate::fix::apply(&text, &f.edits) {
                        Ok(t) => t,
                        Err(e) => {
                            problems.push(format!("{}: {}: {e}", path.display(), d.rule.id));
                            continue;
                        }
                    };
                    let errs = |t: &str| crate::syntax::parse(t).errors.len();
                    if errs(&fixed) > errs(&text) {
                        problems.push(format!("{}: {}: syntax error", path.display(), d.rule.id));
                    }
                    if let Err(e) = crate::fix::check_scope(&text, &d, f) {
                        problems.push(format!("{}: {}: scope {e}", path.display(), d.rule.id));
                    }
                    let key = format!("{} {}", d.rule.id, f.title.split('`').next().unwrap_or(""));
                    let n = shown.entry(key).or_default();
                    if *n < 3 {
                        *n += 1;
                        println!("=== {} [{kind}] {}", d.rule.id, f.title);
                        print!("{}", crate::fix::unified_diff(&text, &fixed, &path.display().to_string()));
                    }
                }
            }
            for unsafe_fixes in [false, true] {
                let all = crate::fix::fix_all(&text, &config, unsafe_fixes);
                if !all.converged {
                    problems.push(format!("{}: fix-all ({unsafe_fixes}) did not converge", path.display()));
                }
                let again = crate::fix::fix_all(&all.text, &config, unsafe_fixes);
                if again.text != all.text {
                    problems.push(format!("{}: fix-all ({unsafe_fixes}) changes on a second pass", path.display()));
                }
            }
        }
        for ((rule, kind), n) in &counts {
            println!("{rule:32} {kind:10} {n}");
        }
        println!("{} files", files.len());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
