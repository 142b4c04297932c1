//! `run-ln-sh`: replacing `/bin/sh` with a symlink to change the RUN shell.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports `ln` whose link name (its last operand) is `/bin/sh` or `/usr/bin/sh`, as
    /// in `RUN ln -sf /bin/bash /bin/sh`. Links that merely point *at* `/bin/sh` are
    /// not reported.
    ///
    /// Differences from hadolint (DL4005): hadolint only knows `/bin/sh`; we also report
    /// `/usr/bin/sh`, which is the same file on merged-`/usr` distributions (Debian 12,
    /// Ubuntu, Fedora), so `RUN ln -sf /usr/bin/bash /usr/bin/sh` replaces the shell
    /// every later `RUN` uses just as well.
    ///
    /// ## Why is this bad?
    /// Swapping the system shell changes what every script in the image runs with
    /// (package maintainer scripts, entrypoints of other software), not only the
    /// following `RUN` lines, and a package upgrade can silently swap it back. The
    /// `SHELL` instruction changes the shell of `RUN`, `CMD` and `ENTRYPOINT` for the
    /// Dockerfile only, and says so where a reader looks.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the symlink may be intended for the running container too.
    ///
    /// ## References
    /// - hadolint DL4005
    /// - Docker docs: "Dockerfile reference", section "SHELL"
    pub(crate) RULE {
        id: "run-ln-sh",
        summary: "ln to /bin/sh instead of SHELL",
        level: Warning,
        fix: None,
        hadolint: ["DL4005"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands().filter(|c| c.name == "ln") {
            let operands: Vec<_> = cmd
                .args
                .iter()
                .filter(|a| !a.text.starts_with('-'))
                .collect();
            let [.., last] = operands.as_slice() else {
                continue;
            };
            if operands.len() < 2
                || !matches!(last.text.trim_end_matches('/'), "/bin/sh" | "/usr/bin/sh")
            {
                continue;
            }
            acc.report(
                &RULE,
                last.range,
                "Use the `SHELL` instruction to change the shell of RUN instead of relinking `/bin/sh`.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_relinked_sh() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN ln -sf /bin/bash /bin/sh
ONBUILD RUN ln -s -f bash /usr/bin/sh
RUN <<EOF
rm /bin/sh && ln -s /bin/bash /bin/sh
EOF
"#,
            expect![[r#"
                2 | RUN ln -sf /bin/bash /bin/sh
                  |                      ^^^^^^^ run-ln-sh: Use the `SHELL` instruction to change the shell of RUN instead of relinking `/bin/sh`.
                3 | ONBUILD RUN ln -s -f bash /usr/bin/sh
                  |                           ^^^^^^^^^^^ run-ln-sh: Use the `SHELL` instruction to change the shell of RUN instead of relinking `/bin/sh`.
                5 | rm /bin/sh && ln -s /bin/bash /bin/sh
                  |                               ^^^^^^^ run-ln-sh: Use the `SHELL` instruction to change the shell of RUN instead of relinking `/bin/sh`.
            "#]],
        );
    }

    #[test]
    fn accepts_links_to_sh() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN ln -s /bin/sh /usr/local/bin/sh && ln -sf /bin/sh
RUN ["ln", "-sf", "/bin/bash", "/bin/sh"]
RUN echo ln -s /bin/bash /bin/sh
"#,
        );
    }
}
