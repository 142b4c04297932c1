//! `stopsignal-invalid`: a STOPSIGNAL that names no signal.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `STOPSIGNAL` value that the build rejects. BuildKit checks it with
    /// moby's `signal.ParseSignal`, which accepts:
    /// - a signal name with or without the `SIG` prefix, in any case (`SIGTERM`,
    ///   `TERM`, `sigquit`, `SIGRTMIN+3`), from the Linux signal table;
    /// - a non-zero decimal number (`9`, `15`).
    ///
    /// Everything else fails the build with "Invalid signal": a misspelling (`SIGTREM`),
    /// `0`, a trailing comment or a second word (the whole rest of the line is the
    /// value). A value with a variable is expanded from the `ARG`/`ENV` in force; when
    /// it cannot be expanded (or inside `ONBUILD`, whose variables belong to the child
    /// build) it is not checked.
    ///
    /// The names are those of the Linux table, which is what a Linux BuildKit daemon
    /// uses, also for Windows images.
    ///
    /// ## Why is this bad?
    /// The build stops at this line. And a wrong stop signal that got through (with an
    /// older builder) means `docker stop` sends something the program ignores, waits the
    /// whole grace period (10 s by default), then kills it without a clean shutdown.
    ///
    /// ## Example
    /// ```dockerfile
    /// STOPSIGNAL SIGTREM
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// STOPSIGNAL SIGTERM
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the message names the closest signal, but which signal the
    /// program handles is for the author to say.
    ///
    /// ## References
    /// - BuildKit `dispatchStopSignal` (`frontend/dockerfile/dockerfile2llb/convert.go`),
    ///   moby `pkg/signal` / `github.com/moby/sys/signal` `ParseSignal`
    /// - dockerfile-utils `INVALID_SIGNAL`
    /// - Dockerfile reference, "STOPSIGNAL"
    pub(crate) RULE {
        id: "stopsignal-invalid",
        summary: "STOPSIGNAL names no signal",
        level: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// Linux signal names without the `SIG` prefix (moby `signal_linux.go`), apart from
/// the real-time ones handled by [`is_realtime`].
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
    "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
    "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
];

/// `RTMIN`, `RTMIN+1` … `RTMIN+15`, `RTMAX-14` … `RTMAX-1`, `RTMAX`.
fn is_realtime(name: &str) -> bool {
    let in_range = |n: &str, max: u32| {
        n.parse::<u32>()
            .is_ok_and(|v| (1..=max).contains(&v) && v.to_string() == n)
    };
    match name {
        "RTMIN" | "RTMAX" => true,
        _ => {
            name.strip_prefix("RTMIN+").is_some_and(|n| in_range(n, 15))
                || name.strip_prefix("RTMAX-").is_some_and(|n| in_range(n, 14))
        }
    }
}

/// moby's `ParseSignal`: true when the value is accepted.
pub(crate) fn parse_signal(raw: &str) -> bool {
    if let Ok(n) = raw.parse::<i64>() {
        return n != 0;
    }
    let upper = raw.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS.contains(&name) || is_realtime(name)
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Stopsignal {
            continue;
        }
        let Some(word) = eff.args.words.first() else {
            continue;
        };
        let value = if word.text.contains('$') {
            if inst.kind == Kind::Onbuild {
                continue;
            }
            match ctx.model.expand_at(i, &word.text) {
                Some(v) => v,
                None => continue,
            }
        } else {
            word.text.clone()
        };
        if parse_signal(&value) {
            continue;
        }
        let shown = if value == word.text {
            format!("`{value}`")
        } else {
            format!("`{}` (`{value}`)", word.text)
        };
        let upper = value.to_ascii_uppercase();
        let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
        let suggestion = SIGNALS
            .iter()
            .map(|s| (strsim::levenshtein(bare, s), *s))
            .filter(|&(d, s)| d <= 2 && d < s.len())
            .min_by_key(|&(d, _)| d)
            .map(|(_, s)| s);
        let message = if value.trim().contains(char::is_whitespace) {
            format!("STOPSIGNAL takes exactly one signal; {shown} is not one (a comment after it counts as part of the value)")
        } else {
            match suggestion {
                Some(s) => format!("{shown} is not a signal; did you mean `SIG{s}`?"),
                None => format!("{shown} is not a signal; use a name such as `SIGTERM`, `SIGINT`, `SIGQUIT` or a signal number"),
            }
        };
        acc.report(&RULE, word.range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_signal, RULE};
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn parses_like_moby() {
        for ok in ["SIGTERM", "TERM", "sigquit", "9", "-1", "SIGRTMIN", "RTMIN+3", "SIGRTMAX-14", "SIGUSR1", "SIGWINCH"] {
            assert!(parse_signal(ok), "{ok}");
        }
        for bad in ["0", "SIGTREM", "SIG", "", "SIGRTMIN+16", "RTMAX-15", "SIGTERM SIGINT", "15.0", "SIGRTMIN+03"] {
            assert!(!parse_signal(bad), "{bad}");
        }
    }

    #[test]
    fn catches_invalid_signals() {
        check_rule(
            &RULE,
            r#"
FROM alpine
STOPSIGNAL SIGTREM
STOPSIGNAL 0
STOPSIGNAL SIGTERM # graceful
ARG SIG=SIGFOO
STOPSIGNAL $SIG
ONBUILD STOPSIGNAL KIL
"#,
            expect![[r#"
                2 | STOPSIGNAL SIGTREM
                  |            ^^^^^^^ stopsignal-invalid: `SIGTREM` is not a signal; did you mean `SIGTERM`?
                3 | STOPSIGNAL 0
                  |            ^ stopsignal-invalid: `0` is not a signal; use a name such as `SIGTERM`, `SIGINT`, `SIGQUIT` or a signal number
                4 | STOPSIGNAL SIGTERM # graceful
                  |            ^^^^^^^^^^^^^^^^^^ stopsignal-invalid: STOPSIGNAL takes exactly one signal; `SIGTERM # graceful` is not one (a comment after it counts as part of the value)
                6 | STOPSIGNAL $SIG
                  |            ^^^^ stopsignal-invalid: `$SIG` (`SIGFOO`) is not a signal; did you mean `SIGFPE`?
                7 | ONBUILD STOPSIGNAL KIL
                  |                    ^^^ stopsignal-invalid: `KIL` is not a signal; did you mean `SIGKILL`?
            "#]],
        );
    }

    #[test]
    fn accepts_valid_and_unknown_signals() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
STOPSIGNAL SIGTERM
STOPSIGNAL quit
STOPSIGNAL 9
STOPSIGNAL SIGRTMIN+3
STOPSIGNAL $UNKNOWN
ARG S=SIGINT
STOPSIGNAL ${S}
ONBUILD STOPSIGNAL $CHILD
"#,
        );
    }
}
