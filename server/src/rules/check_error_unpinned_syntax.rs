//! `check-error-unpinned-syntax`: `# check=error=true` while the frontend version floats.

use crate::rules::check_directive_invalid::{check_parts, go_parse_bool};
use crate::rules::{Diagnostics, RuleContext};
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
    /// No automatic fix: which release to pin is the author's choice (the newest one
    /// is not known to a linter working offline), and a pinned version must then be
    /// upgraded deliberately.
    ///
    /// ## References
    /// - Docker docs, "Build checks", "Fail build on check violations" (the note on
    ///   pinning the syntax version)
    /// - Dockerfile reference, "Parser directives", "syntax" and "check"
    pub(crate) RULE {
        id: "check-error-unpinned-syntax",
        summary: "check=error=true without a pinned syntax version",
        level: Info,
        fix: None,
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
    let message = match ctx.syntax.directive(DirectiveKind::Syntax) {
        None => "`error=true` without a `# syntax=` directive: the daemon's built-in frontend decides which checks run, so a Docker upgrade can fail this build; add `# syntax=docker/dockerfile:1.N` with a fixed N".to_string(),
        Some(s) if is_pinned(&s.value) => return,
        Some(s) => format!(
            "`error=true` with the floating frontend `{}`: a new release with new checks can fail this build; pin a release such as `docker/dockerfile:1.N`",
            s.value
        ),
    };
    acc.report(&RULE, part.range, message);
}

#[cfg(test)]
mod tests {
    use super::{is_pinned, RULE};
    use crate::rules::test_support::{check_rule, check_rule_not};
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
}
