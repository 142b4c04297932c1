//! `check-directive-invalid`: a `# check=` directive that BuildKit cannot read, or that
//! names checks that do not exist.

use crate::rules::{Applicability, Diagnostics, RuleContext, Severity};
use crate::syntax::DirectiveKind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reads the `# check=` parser directive exactly as BuildKit's `ParseLintOptions`
    /// does (`skip=A,B;error=true;experimental=C`, at most three `;`-separated parts)
    /// and reports:
    /// - a part without `=` (error);
    /// - a key other than `skip`, `experimental` or `error` (keys are case-sensitive)
    ///   (error);
    /// - an `error` value that is not a boolean (`true`, `false`, `1`, `0`, `t`, `f`
    ///   in any of Go's spellings) (error);
    /// - a check name in `skip` / `experimental` that is not a BuildKit check, or is
    ///   written in the wrong case (warning). `all` is accepted.
    ///
    /// Only the directive at the top of the file is read by BuildKit; a `# check=`
    /// comment elsewhere is reported by `directive-misplaced`.
    ///
    /// ## Why is this bad?
    /// A malformed directive fails the build ("invalid check option"). A misspelled
    /// check name fails silently: the check you meant to skip keeps running, or the
    /// experimental check you meant to enable stays off. BuildKit compares check names
    /// exactly, so `skip=jsonargsrecommended` skips nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// # check=skip=JsonArgsRecommended;errors=true
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # check=skip=JSONArgsRecommended;error=true
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// A misspelled key or check name is replaced with the nearest valid one. The fix
    /// is unsafe when the name is only close (it is a guess) and safe when it differs
    /// only in case.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/linter/linter.go` (`ParseLintOptions`)
    /// - Docker docs, "Build checks" (the list of check names) and Dockerfile
    ///   reference, "Parser directives", "check"
    pub(crate) RULE {
        id: "check-directive-invalid",
        summary: "Malformed # check= directive or unknown check name",
        level: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// Every BuildKit build check name. The rules' `buildkit:` names must all be in it (a
/// test checks that); it also holds the checks no rule maps.
pub(crate) const BUILDKIT_CHECKS: &[&str] = &[
    "ConsistentInstructionCasing",
    "CopyIgnoredFile",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "InvalidBaseImagePlatform",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "UndefinedVar",
    "WorkdirRelativePath",
];

const KEYS: [&str; 3] = ["skip", "experimental", "error"];

/// One `key=value` part of a `# check=` value, in source offsets.
#[derive(Debug)]
pub(crate) struct CheckPart<'a> {
    pub range: TextRange,
    /// `None` when the part has no `=`.
    pub key: Option<(&'a str, TextRange)>,
    pub value: &'a str,
    pub value_range: TextRange,
}

/// Splits a `# check=` value as `ParseLintOptions` does: at most three parts split at
/// `;`, each cut at its first `=`. `at` is the source offset of `value`.
pub(crate) fn check_parts(value: &str, at: usize) -> Vec<CheckPart<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut rest = value;
    for n in 0..3 {
        let (part, next) = match rest.find(';') {
            Some(i) if n < 2 => (&rest[..i], Some(i + 1)),
            _ => (rest, None),
        };
        let range = TextRange::new(at + pos, at + pos + part.len());
        let cp = match part.find('=') {
            None => CheckPart {
                range,
                key: None,
                value: "",
                value_range: TextRange::empty(range.end()),
            },
            Some(eq) => {
                let raw_key = &part[..eq];
                let key = raw_key.trim();
                let ks = at + pos + (raw_key.len() - raw_key.trim_start().len());
                CheckPart {
                    range,
                    key: Some((key, TextRange::new(ks, ks + key.len()))),
                    value: &part[eq + 1..],
                    value_range: TextRange::new(at + pos + eq + 1, range.end()),
                }
            }
        };
        out.push(cp);
        match next {
            Some(i) => {
                pos += i;
                rest = &rest[i..];
            }
            None => break,
        }
    }
    out
}

/// Go's `strconv.ParseBool`.
pub(crate) fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn nearest<'a>(word: &str, candidates: &[&'a str], max: usize) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|&(d, _)| d <= max && d < word.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(dir) = ctx.syntax.directive(DirectiveKind::Check) else {
        return;
    };
    let value = ctx.text[dir.value_range.range()].to_string();
    if value != dir.value {
        return;
    }
    for part in check_parts(&dir.value, dir.value_range.start()) {
        let Some((key, key_range)) = part.key else {
            acc.report(
                &RULE,
                part.range,
                format!(
                    "`{}` is not a `key=value` option: BuildKit fails the build on it; write `skip=<checks>`, `error=<bool>` or `experimental=<checks>`",
                    ctx.text[part.range.range()].trim()
                ),
            );
            continue;
        };
        match key {
            "skip" | "experimental" => check_names(&part, key, acc),
            "error" => {
                if go_parse_bool(part.value.trim()).is_none() {
                    let shown = part.value.trim();
                    acc.report(
                        &RULE,
                        if shown.is_empty() { key_range } else { part.value_range },
                        format!("`error` takes `true` or `false`, not `{shown}`: BuildKit fails the build on it"),
                    );
                }
            }
            _ => {
                let d = acc.report(
                    &RULE,
                    key_range,
                    format!(
                        "Unknown check option `{key}` (BuildKit fails the build on it): use `skip`, `error` or `experimental`"
                    ),
                );
                if let Some(k) = nearest(key, &KEYS, 2) {
                    d.with_fix(
                        format!("Replace `{key}` with `{k}`"),
                        Applicability::Unsafe,
                        vec![TextEdit::replace(key_range, k)],
                    );
                }
            }
        }
    }
}

fn check_names(part: &CheckPart<'_>, key: &str, acc: &mut Diagnostics) {
    if part.value.trim() == "all" {
        return;
    }
    let mut at = part.value_range.start();
    for raw in part.value.split(',') {
        let name = raw.trim();
        let start = at + (raw.len() - raw.trim_start().len());
        at += raw.len() + 1;
        if name.is_empty() || BUILDKIT_CHECKS.contains(&name) {
            continue;
        }
        let range = TextRange::new(start, start + name.len());
        let exact_ci = BUILDKIT_CHECKS
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name));
        let (message, fix) = match exact_ci {
            Some(c) => (
                format!("BuildKit compares check names exactly: `{name}` matches no check; write `{c}`"),
                Some((*c, Applicability::Safe)),
            ),
            None if name.eq_ignore_ascii_case("all") => (
                format!("`all` must stand alone and in lowercase: `{key}=all`"),
                None,
            ),
            None => match nearest(name, BUILDKIT_CHECKS, 3) {
                Some(c) => (
                    format!("`{name}` is not a BuildKit check; did you mean `{c}`?"),
                    Some((c, Applicability::Unsafe)),
                ),
                None => (
                    format!("`{name}` is not a BuildKit check, so `{key}` has no effect on it"),
                    None,
                ),
            },
        };
        let d = acc.report(&RULE, range, message);
        d.severity = Severity::Warning;
        if let Some((c, applicability)) = fix {
            d.with_fix(
                format!("Replace `{name}` with `{c}`"),
                applicability,
                vec![TextEdit::replace(range, c)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{check_parts, BUILDKIT_CHECKS, RULE};
    use crate::rules::all_rules;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn every_mapped_check_name_is_known() {
        let unknown: Vec<&str> = all_rules()
            .iter()
            .flat_map(|r| r.buildkit.iter().copied())
            .filter(|n| !BUILDKIT_CHECKS.contains(n))
            .collect();
        assert_eq!(unknown, Vec::<&str>::new());
    }

    #[test]
    fn splits_like_parse_lint_options() {
        let parts = check_parts("skip=A;error=true;experimental=B;x", 0);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2].value, "B;x");
        let parts = check_parts(" skip = A ", 10);
        assert_eq!(parts[0].key.map(|k| k.0), Some("skip"));
        assert_eq!(parts[0].key.map(|k| k.1.start()), Some(11));
    }

    #[test]
    fn catches_malformed_options() {
        check_rule(
            &RULE,
            r#"
# check=skip;errors=true;error=yes
FROM alpine:3.20
"#,
            expect![[r#"
                1 | # check=skip;errors=true;error=yes
                  |         ^^^^ check-directive-invalid: `skip` is not a `key=value` option: BuildKit fails the build on it; write `skip=<checks>`, `error=<bool>` or `experimental=<checks>`
                1 | # check=skip;errors=true;error=yes
                  |              ^^^^^^ check-directive-invalid: Unknown check option `errors` (BuildKit fails the build on it): use `skip`, `error` or `experimental`
                1 | # check=skip;errors=true;error=yes
                  |                                ^^^ check-directive-invalid: `error` takes `true` or `false`, not `yes`: BuildKit fails the build on it
            "#]],
        );
        check_rule(
            &RULE,
            r#"
# check=Skip=all
FROM alpine:3.20
"#,
            expect![[r#"
                1 | # check=Skip=all
                  |         ^^^^ check-directive-invalid: Unknown check option `Skip` (BuildKit fails the build on it): use `skip`, `error` or `experimental`
            "#]],
        );
    }

    #[test]
    fn catches_unknown_and_miscased_names_as_warnings() {
        check_rule(
            &RULE,
            r#"
# check=skip=jsonargsrecommended, UndefinedVars,NoSuchThing;experimental=ALL
FROM alpine:3.20
"#,
            expect![[r#"
                1 | # check=skip=jsonargsrecommended, UndefinedVars,NoSuchThing;experimental=ALL
                  |              ^^^^^^^^^^^^^^^^^^^ check-directive-invalid: BuildKit compares check names exactly: `jsonargsrecommended` matches no check; write `JSONArgsRecommended`
                1 | # check=skip=jsonargsrecommended, UndefinedVars,NoSuchThing;experimental=ALL
                  |                                   ^^^^^^^^^^^^^ check-directive-invalid: `UndefinedVars` is not a BuildKit check; did you mean `UndefinedVar`?
                1 | # check=skip=jsonargsrecommended, UndefinedVars,NoSuchThing;experimental=ALL
                  |                                                 ^^^^^^^^^^^ check-directive-invalid: `NoSuchThing` is not a BuildKit check, so `skip` has no effect on it
                1 | # check=skip=jsonargsrecommended, UndefinedVars,NoSuchThing;experimental=ALL
                  |                                                                          ^^^ check-directive-invalid: `all` must stand alone and in lowercase: `experimental=all`
            "#]],
        );
        let diags = crate::rules::test_support::diagnostics_of(
            &RULE,
            "# check=skip=UndefinedVars\nFROM alpine:3.20\n",
        );
        assert_eq!(diags[0].severity, crate::rules::Severity::Warning);
    }

    #[test]
    fn accepts_valid_directives() {
        check_rule_not(
            &RULE,
            r#"
# check=skip=JSONArgsRecommended,StageNameCasing;error=true;experimental=all
FROM alpine:3.20
"#,
        );
        check_rule_not(&RULE, "# check=skip=all\nFROM alpine:3.20\n");
        check_rule_not(&RULE, "# check=error=1\nFROM alpine:3.20\n");
        // Not in the directive block: a comment (directive-misplaced reports it).
        check_rule_not(&RULE, "FROM alpine:3.20\n# check=skip=Nope\n");
    }

    #[test]
    fn fixes_names_and_keys() {
        check_rule_fix(
            &RULE,
            r#"
# check=skip=JsonArgsRecommended,UndefinedVars;errors=true
FROM alpine:3.20
"#,
            expect![[r#"
                # check=skip=JSONArgsRecommended,UndefinedVar;error=true
                FROM alpine:3.20
            "#]],
        );
    }
}
