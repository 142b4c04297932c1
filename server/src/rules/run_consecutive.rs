//! `run-consecutive`: adjacent short RUN instructions that could be one.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` of the same stage (comments
    /// and blank lines between them do not matter) when both are shell form without
    /// heredocs, have the same flags (`--mount`, `--network`, …) and each is one
    /// statement running at most one command: `RUN make`, `RUN make > /log 2>&1`,
    /// `RUN go build $(go list ./...)`, `RUN if [ -d x ]; then rm -r x; fi`,
    /// `RUN export A=1`. As in hadolint, chains are left alone: someone who already
    /// joins commands with `&&` (or `||`, `|`, `;`) chose the split on purpose.
    ///
    /// Differences from hadolint (DL3059), checked on the 988 real files of our corpus
    /// against hadolint 2.15:
    /// - Command substitutions do not count as commands. hadolint counts `$(…)` (but
    ///   not backquotes) as extra commands, so it stays silent on
    ///   `RUN rustup target add $(cat target.txt)` after another short `RUN`; we report it.
    /// - A chain whose first part is not a command (`RUN [ -e f ] && grep x f`,
    ///   `RUN export A=1 && pwsh …`, `RUN cmd || true`) is a chain to us; hadolint
    ///   does not count `[ … ]` or `export` and may report it.
    /// - A `RUN` with a heredoc (`RUN cat <<EOF >> /etc/ssh/sshd_config`) is a script,
    ///   not a short command; hadolint may report it.
    /// - Windows files: hadolint reads PowerShell and `cmd` scripts with its POSIX
    ///   parser; we do not parse them and stay silent under a non-POSIX `SHELL` or a
    ///   Windows base image.
    ///
    /// ## Why is this bad?
    /// Every `RUN` makes a layer and a cache step. Short consecutive `RUN`s add
    /// layers, metadata and build steps for no benefit; files deleted by the second
    /// still take space in the first.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN mkdir -p /app
    /// RUN chown app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN mkdir -p /app \
    ///     && chown app /app
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    ///
    /// ## References
    /// - hadolint DL3059
    /// - Docker docs: "Dockerfile best practices", section "Minimize the number of layers"
    pub(crate) RULE {
        id: "run-consecutive",
        summary: "Consecutive RUN instructions could be merged",
        level: Info,
        fix: None,
        hadolint: ["DL3059"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    for i in 1..insts.len() {
        let (prev, cur) = (&insts[i - 1], &insts[i]);
        if !mergeable(ctx, i - 1, prev) || !mergeable(ctx, i, cur) {
            continue;
        }
        let same_stage =
            ctx.model.stage_of(i - 1).map(|s| s.index) == ctx.model.stage_of(i).map(|s| s.index);
        let flags = |inst: &Instruction| {
            let mut f: Vec<String> = inst.flags.iter().map(|f| f.raw.clone()).collect();
            f.sort();
            f
        };
        if !same_stage || flags(prev) != flags(cur) {
            continue;
        }
        acc.report(
            &RULE,
            cur.keyword_range,
            "This RUN follows another short RUN; consider merging them into one layer with `&&`.",
        );
    }
}

/// A plain (not ONBUILD), shell-form, heredoc-free RUN of a single simple command.
fn mergeable(ctx: &RuleContext<'_>, i: usize, inst: &Instruction) -> bool {
    if inst.kind != Kind::Run || !inst.heredocs.is_empty() || inst.is_exec_form() {
        return false;
    }
    ctx.model
        .run_shell(i)
        .and_then(|s| s.script.as_ref())
        .is_some_and(|s| s.single_command && !s.has_error)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_short_adjacent_runs() {
        check_rule(
            &RULE,
            r#"
FROM alpine
RUN mkdir -p /app
# make it ours
RUN chown app /app
RUN --mount=type=cache,target=/c make
RUN --mount=type=cache,target=/c make install
RUN mkdir /out
RUN `go env GOPATH`/bin/instrument /src /out > /log 2>&1
RUN CGO_ENABLED=0 go build -o /out/app $(go list ./cmd/...)
RUN if [ -n "$PROXY" ]; then echo "proxy=$PROXY" >> /etc/apt/apt.conf; fi
RUN export FLASK_APP=app.py
"#,
            expect![[r#"
                4 | RUN chown app /app
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                6 | RUN --mount=type=cache,target=/c make install
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                8 | RUN `go env GOPATH`/bin/instrument /src /out > /log 2>&1
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                9 | RUN CGO_ENABLED=0 go build -o /out/app $(go list ./cmd/...)
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                10 | RUN if [ -n "$PROXY" ]; then echo "proxy=$PROXY" >> /etc/apt/apt.conf; fi
                   | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                11 | RUN export FLASK_APP=app.py
                   | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
            "#]],
        );
    }

    #[test]
    fn accepts_long_chains_other_flags_and_forms() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN a && b && c
RUN d
RUN e || true
RUN f | g
RUN h; i
WORKDIR /x
RUN mkdir /x
RUN export A=1 && pwsh -Command x
RUN if [ -f /x ]; then ln -s /x /y && rm /x; fi
RUN [ -e /etc/nsswitch.conf ] && grep hosts /etc/nsswitch.conf
RUN ! false
WORKDIR /x
RUN e
RUN --network=none f
RUN ["g"]
RUN h
RUN <<EOF
i
EOF
ONBUILD RUN j
RUN k
FROM alpine
RUN l
"#,
        );
    }
}
