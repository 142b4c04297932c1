//! `useradd-no-log-init`: `useradd` with a large UID and no `--no-log-init`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `useradd -u <uid>` (also `--uid`, `-u<uid>`, `--uid=<uid>`) with a UID of
    /// six digits or more (100000 and up) and without `-l` / `--no-log-init`.
    ///
    /// hadolint (DL3046) counts the characters of the value, so it also reports
    /// `-u $USER_ID`; we only report literal numbers, because the value of a variable
    /// is not known.
    ///
    /// ## Why is this bad?
    /// `useradd` reserves a record for the new UID in `/var/log/lastlog` and
    /// `/var/log/faillog`, files indexed by UID. On disk they are sparse, but image
    /// layers store them in full: a UID of 100000 adds about 30 MB of zeros, a UID
    /// around 1000000000 hundreds of GB (the build runs out of disk). `--no-log-init`
    /// skips those records; containers do not need them.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 1000000 app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --no-log-init -u 1000000 app
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `--no-log-init` after `useradd`. Safe: it only skips the log
    /// records.
    ///
    /// ## References
    /// - hadolint DL3046
    /// - Docker docs: "Dockerfile best practices", section "USER"
    pub(crate) RULE {
        id: "useradd-no-log-init",
        summary: "useradd with a large UID without --no-log-init",
        level: Warning,
        fix: Always,
        hadolint: ["DL3046"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands().filter(|c| c.name == "useradd") {
            if cmd.has_option('l', &["--no-log-init"]) {
                continue;
            }
            let mut uid = None;
            for (i, a) in cmd.args.iter().enumerate() {
                let t = a.text.as_str();
                let v = match t {
                    "-u" | "--uid" => cmd.args.get(i + 1).filter(|v| !v.dynamic),
                    _ if !a.dynamic && (t.starts_with("--uid=") || t.starts_with("-u")) => {
                        Some(a)
                    }
                    _ => None,
                };
                if let Some(v) = v {
                    let digits = v
                        .text
                        .trim_start_matches("--uid=")
                        .trim_start_matches("-u");
                    if digits.len() > 5 && digits.bytes().all(|b| b.is_ascii_digit()) {
                        uid = Some((a, digits.to_string()));
                    }
                }
            }
            let Some((flag, digits)) = uid else {
                continue;
            };
            acc.report(
                &RULE,
                flag.range,
                format!("Add `--no-log-init`: with UID {digits}, `useradd` writes a huge lastlog/faillog into the layer."),
            )
            .with_fix(
                "Insert `--no-log-init`",
                Applicability::Safe,
                vec![TextEdit::insert(cmd.name_range.end(), " --no-log-init")],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_large_uid() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN useradd -u 1000000 app
RUN useradd --uid=123456 -m b && /usr/sbin/useradd -u999999 c
ONBUILD RUN useradd --uid 100000 d
RUN <<EOF
useradd -r -u 2000000 e
EOF
"#,
            expect![[r#"
                2 | RUN useradd -u 1000000 app
                  |             ^^ useradd-no-log-init: Add `--no-log-init`: with UID 1000000, `useradd` writes a huge lastlog/faillog into the layer.
                3 | RUN useradd --uid=123456 -m b && /usr/sbin/useradd -u999999 c
                  |             ^^^^^^^^^^^^ useradd-no-log-init: Add `--no-log-init`: with UID 123456, `useradd` writes a huge lastlog/faillog into the layer.
                3 | RUN useradd --uid=123456 -m b && /usr/sbin/useradd -u999999 c
                  |                                                    ^^^^^^^^ useradd-no-log-init: Add `--no-log-init`: with UID 999999, `useradd` writes a huge lastlog/faillog into the layer.
                4 | ONBUILD RUN useradd --uid 100000 d
                  |                     ^^^^^ useradd-no-log-init: Add `--no-log-init`: with UID 100000, `useradd` writes a huge lastlog/faillog into the layer.
                6 | useradd -r -u 2000000 e
                  |            ^^ useradd-no-log-init: Add `--no-log-init`: with UID 2000000, `useradd` writes a huge lastlog/faillog into the layer.
            "#]],
        );
    }

    #[test]
    fn accepts_small_uid_flag_or_variable() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN useradd -u 1000 app && useradd -l -u 1000000 b && useradd --no-log-init -u 1000000 c
RUN useradd -rlu 1000000 d && useradd -u "$USER_ID" e && useradd -u ${UID:-100000} f
RUN groupadd -g 1000000 g && adduser -u 1000000 h
RUN ["useradd", "-u", "1000000", "x"]
"#,
        );
    }

    #[test]
    fn fix_inserts_no_log_init() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN useradd -u 1000000 app
"#,
            expect![[r#"
                FROM debian:12
                RUN useradd --no-log-init -u 1000000 app
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN groupadd -g 1000000 app \
    && sudo useradd -g app \
        -u 1000000 app
ONBUILD RUN useradd --uid=2000000 other
RUN <<EOF
/usr/sbin/useradd -u1000001 third
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN groupadd -g 1000000 app \
                    && sudo useradd --no-log-init -g app \
                        -u 1000000 app
                ONBUILD RUN useradd --no-log-init --uid=2000000 other
                RUN <<EOF
                /usr/sbin/useradd --no-log-init -u1000001 third
                EOF
            "#]],
        );
    }
}
