//! `instruction-multiple`: more than one CMD, ENTRYPOINT or HEALTHCHECK in a stage.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::rules::edits::delete_lines;

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
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nCMD powershell `\r\n  -Command Start\r\nCMD [\"cmd\"]",
            ),
            "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nCMD [\"cmd\"]"
        );
        assert_eq!(
            crate::rules::test_support::fixed_with(&RULE, "", "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]"),
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
