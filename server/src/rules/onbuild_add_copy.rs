//! `onbuild-add-copy`: `ONBUILD COPY/ADD`, which depends on the child build's context.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports `ONBUILD COPY` and `ONBUILD ADD` triggers that read the build context
    /// (not `--from=<stage or image>`, not heredocs only).
    ///
    /// Off by default: `ONBUILD COPY . /app` is the documented purpose of "onbuild"
    /// base images; turn the rule on for base images that should not depend on their
    /// users' folder layout.
    ///
    /// ## Why is this bad?
    /// The trigger runs in every build `FROM` this image, against that build's
    /// context. If the child project does not have the file, its build fails at its
    /// `FROM` line with an error that points into someone else's image; and what gets
    /// copied (secrets, `.git`) depends on a `.dockerignore` the base image author
    /// never sees. Docker deprecated its own `*-onbuild` official images for these
    /// reasons.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ONBUILD COPY requirements.txt /app/
    /// ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt
    /// ```
    ///
    /// Use instead: let each application's Dockerfile copy its own files.
    /// ```dockerfile
    /// FROM my-python-base
    /// COPY requirements.txt /app/
    /// RUN pip install --no-cache-dir -r /app/requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the instructions have to move into the child Dockerfiles.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", section "ONBUILD" ("ONBUILD ADD and
    ///   ONBUILD COPY" caveats)
    /// - No hadolint, BuildKit, Trivy or Checkov equivalent
    pub(crate) RULE {
        id: "onbuild-add-copy",
        summary: "ONBUILD ADD/COPY depends on the child's build context",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        let Some(trigger) = inst.trigger.as_deref() else {
            continue;
        };
        if !matches!(trigger.kind, Kind::Copy | Kind::Add) || trigger.flag("from").is_some() {
            continue;
        }
        let only_heredocs = crate::semantic::copy::CopyArgs::of(inst)
            .is_some_and(|a| a.sources.is_empty() && a.heredocs > 0);
        if only_heredocs {
            continue;
        }
        acc.report(
            &RULE,
            trigger.keyword_range,
            format!(
                "`ONBUILD {}` copies from the context of every build that uses this image; the build fails there if the file is missing. Let the child Dockerfiles copy their own files.",
                trigger.kind.name()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_onbuild_copies() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
ONBUILD COPY requirements.txt /app/
onbuild add . /app
ONBUILD COPY ["a", "/b"]
"#,
            expect![[r#"
                2 | ONBUILD COPY requirements.txt /app/
                  |         ^^^^ onbuild-add-copy: `ONBUILD COPY` copies from the context of every build that uses this image; the build fails there if the file is missing. Let the child Dockerfiles copy their own files.
                3 | onbuild add . /app
                  |         ^^^ onbuild-add-copy: `ONBUILD ADD` copies from the context of every build that uses this image; the build fails there if the file is missing. Let the child Dockerfiles copy their own files.
                4 | ONBUILD COPY ["a", "/b"]
                  |         ^^^^ onbuild-add-copy: `ONBUILD COPY` copies from the context of every build that uses this image; the build fails there if the file is missing. Let the child Dockerfiles copy their own files.
            "#]],
        );
    }

    #[test]
    fn accepts_other_triggers_and_plain_copies() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12-slim
COPY requirements.txt /app/
ONBUILD RUN pip install -r /app/requirements.txt
ONBUILD COPY --from=builder /out /out
ONBUILD COPY <<EOF /etc/motd
hello
EOF
"#,
        );
    }
}
