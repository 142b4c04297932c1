//! `check-error-unpinned-syntax`: `# check=error=true` while the frontend version floats.

use crate::rules::check_directive_invalid::{check_parts, go_parse_bool};
use crate::text::line_break_at;
use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::text::TextEdit;
use crate::syntax::DirectiveKind;

declare_rule! {
    /// ## What it does
    /// Reports `# check=error=true` (any true spelling) when the file has no
    /// `# syntax=` directive, or one whose version is not pinned to at least a minor
    /// release: `docker/dockerfile:1`, `docker/dockerfile:latest`, `docker/dockerfile`
    /// or `docker/dockerfile:1-labs` float; `docker/dockerfile:1.10`,
    /// `docker/dockerfile:1.10.0` and a `@sha256:` digest are pinned.
    ///
    /// ## Why is this bad?
    /// `error=true` turns every build-check warning into a build failure. New frontend
    /// releases add checks; with a floating frontend (or the one built into the Docker
    /// daemon, which changes with every daemon upgrade) a build that passed yesterday
    /// can fail today without a change to the Dockerfile. BuildKit's documentation
    /// recommends pinning the syntax version together with `error=true`.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// # check=error=true
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1.10
    /// # check=error=true
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// The fix pins `docker/dockerfile` (or its `-labs` channel) to the newest release
    /// this linter knows (the newest version in its flag table, so every flag it
    /// accepts is understood), or inserts `# syntax=docker/dockerfile:1.N` as the first
    /// line (after a BOM) when there is none. It is unsafe: which release to pin is the
    /// author's choice (newer ones exist that a linter working offline cannot know),
    /// the build then pulls the frontend image, and a pinned version must be upgraded
    /// deliberately. Other frontends get no fix.
    ///
    /// ## References
    /// - Docker docs, "Build checks", "Fail build on check violations" (the note on
    ///   pinning the syntax version)
    /// - Dockerfile reference, "Parser directives", "syntax" and "check"
    pub(crate) RULE {
        id: "check-error-unpinned-syntax",
        summary: "check=error=true without a pinned syntax version",
        level: Info,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// The frontend reference names a release at least as precise as `major.minor`, or a
/// digest.
pub(crate) fn is_pinned(reference: &str) -> bool {
    if reference.contains("@sha256:") {
        return true;
    }
    // The tag is after the last `:` that follows the last `/` (a registry port is not
    // a tag).
    let last_part = reference.rsplit('/').next().unwrap_or(reference);
    let Some((_, tag)) = last_part.rsplit_once(':') else {
        return false;
    };
    let mut parts = tag.split(['.', '-']);
    let major = parts.next().unwrap_or("");
    let minor = parts.next().unwrap_or("");
    !major.is_empty()
        && major.bytes().all(|b| b.is_ascii_digit())
        && tag[major.len()..].starts_with('.')
        && !minor.is_empty()
        && minor.bytes().all(|b| b.is_ascii_digit())
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(dir) = ctx.syntax.directive(DirectiveKind::Check) else {
        return;
    };
    if ctx.text[dir.value_range.range()] != *dir.value {
        return;
    }
    let Some(part) = check_parts(&dir.value, dir.value_range.start())
        .into_iter()
        .find(|p| {
            p.key.is_some_and(|(k, _)| k == "error") && go_parse_bool(p.value.trim()) == Some(true)
        })
    else {
        return;
    };
    let syntax = ctx.syntax.directive(DirectiveKind::Syntax);
    let message = match syntax {
        None => "`error=true` without a `# syntax=` directive: the daemon's built-in frontend decides which checks run, so a Docker upgrade can fail this build; add `# syntax=docker/dockerfile:1.N` with a fixed N".to_string(),
        Some(s) if is_pinned(&s.value) => return,
        Some(s) => format!(
            "`error=true` with the floating frontend `{}`: a new release with new checks can fail this build; pin a release such as `docker/dockerfile:1.N`",
            s.value
        ),
    };
    let d = acc.report(&RULE, part.range, message);
    let version = newest_known_release();
    match syntax {
        None => {
            let bom = if ctx.text.starts_with('\u{feff}') { 3 } else { 0 };
            let eol = line_break_at(ctx.text, dir.range.end());
            d.with_fix(
                format!("Insert `# syntax=docker/dockerfile:{version}` (the newest release this linter knows)"),
                Applicability::Unsafe,
                vec![TextEdit::insert(
                    bom,
                    format!("# syntax=docker/dockerfile:{version}{eol}"),
                )],
            );
        }
        Some(s) => {
            let Some(pinned) = pin(&s.value, &version) else {
                return;
            };
            if ctx.text[s.value_range.range()] != *s.value {
                return;
            }
            d.push_fix(
                Fix::new(
                    format!("Pin `{pinned}` (the newest release this linter knows)"),
                    Applicability::Unsafe,
                    vec![TextEdit::replace(s.value_range, pinned)],
                )
                .also_editing([s.range]),
            );
        }
    }
}

/// The newest Dockerfile frontend release (`1.N`) the flag table knows of: a version
/// that exists and understands every flag this linter accepts as stable.
pub(crate) fn newest_known_release() -> String {
    let minor = crate::semantic::flags::FLAGS
        .iter()
        .filter_map(|f| f.since.strip_prefix("1.")?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        .max(8); // `# check=` itself arrived in 1.8
    format!("1.{minor}")
}

/// `docker/dockerfile[:1|:latest|:1-labs|:labs]` pinned to `version`; `None` for other
/// frontends, whose releases we do not know.
fn pin(reference: &str, version: &str) -> Option<String> {
    let (repo, tag) = match reference.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (reference, ""),
    };
    let repo_ok = matches!(
        repo,
        "docker/dockerfile" | "docker.io/docker/dockerfile" | "docker/dockerfile-upstream"
    );
    if !repo_ok {
        return None;
    }
    match tag {
        "" | "1" | "latest" => Some(format!("{repo}:{version}")),
        "1-labs" | "labs" => Some(format!("{repo}:{version}-labs")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_pinned, RULE};
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not, diagnostics_of, check_rule_fix_raw};
    use expect_test::expect;

    #[test]
    fn recognises_pinned_references() {
        assert!(is_pinned("docker/dockerfile:1.10"));
        assert!(is_pinned("docker/dockerfile:1.7.1"));
        assert!(is_pinned("docker/dockerfile:1.7-labs"));
        assert!(is_pinned("docker.io/docker/dockerfile@sha256:abc"));
        assert!(is_pinned("localhost:5000/frontend:2.3"));
        assert!(!is_pinned("docker/dockerfile:1"));
        assert!(!is_pinned("docker/dockerfile:1-labs"));
        assert!(!is_pinned("docker/dockerfile:latest"));
        assert!(!is_pinned("docker/dockerfile"));
        assert!(!is_pinned("localhost:5000/frontend"));
    }

    #[test]
    fn catches_error_true_with_floating_frontends() {
        check_rule(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended;error=true
FROM alpine:3.20
"#,
            expect![[r#"
                2 | # check=skip=JSONArgsRecommended;error=true
                  |                                  ^^^^^^^^^^ check-error-unpinned-syntax: `error=true` with the floating frontend `docker/dockerfile:1`: a new release with new checks can fail this build; pin a release such as `docker/dockerfile:1.N`
            "#]],
        );
        check_rule(
            &RULE,
            r#"
# check=error=TRUE
FROM alpine:3.20
"#,
            expect![[r#"
                1 | # check=error=TRUE
                  |         ^^^^^^^^^^ check-error-unpinned-syntax: `error=true` without a `# syntax=` directive: the daemon's built-in frontend decides which checks run, so a Docker upgrade can fail this build; add `# syntax=docker/dockerfile:1.N` with a fixed N
            "#]],
        );
    }

    #[test]
    fn accepts_pinned_or_non_failing_checks() {
        check_rule_not(
            &RULE,
            "# syntax=docker/dockerfile:1.10\n# check=error=true\nFROM alpine:3.20\n",
        );
        check_rule_not(
            &RULE,
            "# syntax=docker/dockerfile:1\n# check=error=false\nFROM alpine:3.20\n",
        );
        check_rule_not(&RULE, "FROM alpine:3.20\n# check=error=true\n");
    }

    #[test]
    fn fix_pins_or_inserts_the_frontend() {
        check_rule_fix(
            &RULE,
            "# syntax=docker/dockerfile:1-labs\n# check=error=true\nFROM alpine:3.20\n",
            expect![[r#"
                # syntax=docker/dockerfile:1.17-labs
                # check=error=true
                FROM alpine:3.20
            "#]],
        );
        check_rule_fix_raw(
            &RULE,
            "\u{feff}# check=error=true\r\nFROM alpine:3.20\r\n",
            expect![[r#"
                <BOM># syntax=docker/dockerfile:1.17␍
                # check=error=true␍
                FROM alpine:3.20␍
            "#]],
        );
        check_rule_fix(
            &RULE,
            "# syntax = docker/dockerfile\n# check=skip=all;error=true\nFROM alpine:3.20\n",
            expect![[r#"
                # syntax = docker/dockerfile:1.17
                # check=skip=all;error=true
                FROM alpine:3.20
            "#]],
        );
    }

    #[test]
    fn no_fix_for_other_frontends() {
        let diags = diagnostics_of(&RULE, "# syntax=example.com/frontend:2\n# check=error=true\nFROM alpine\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.is_empty());
        let minor: u32 = super::newest_known_release()[2..].parse().unwrap();
        assert!(minor >= 17);
    }
}
