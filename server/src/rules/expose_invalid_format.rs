//! `expose-invalid-format`: an IP address or a host-port mapping in EXPOSE.
//!
//! Also home of the EXPOSE port-spec helpers shared by the other `expose-*` rules.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Kind, Word};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` word that contains a `:`: an IP address and/or a host port
    /// in front of the container port (`EXPOSE 127.0.0.1:8080:80`, `EXPOSE 8080:80`).
    /// Words with variables are checked after expansion when their value is known.
    ///
    /// This follows BuildKit's `ExposeInvalidFormat` check: the part before the last
    /// `:` is the host side, the part after it the container port.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only documents which ports the container listens on; publishing a port
    /// on the host (and choosing the host address and port) happens at `docker run -p`
    /// or in a compose file. BuildKit silently drops the address and the host port, so
    /// `EXPOSE 127.0.0.1:8080:80` does not bind anything to 127.0.0.1: it exposes 80,
    /// which is rarely what the author believed. BuildKit announces that this will
    /// become an error.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 127.0.0.1:8080:80/tcp
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 80/tcp
    /// ```
    /// and publish with `docker run -p 127.0.0.1:8080:80`.
    ///
    /// ## Fix safety
    /// The fix keeps only the container port and protocol (`80/tcp`), which is exactly
    /// what BuildKit exposes today: safe. No fix when the word uses variables.
    ///
    /// ## References
    /// - BuildKit check `ExposeInvalidFormat`
    /// - Docker docs: "Dockerfile reference", section "EXPOSE"
    pub(crate) RULE {
        id: "expose-invalid-format",
        summary: "IP address or host-port mapping in EXPOSE",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: ["ExposeInvalidFormat"],
        check: check,
    }
}

/// One port spec of an EXPOSE instruction, after expansion.
pub(super) struct PortSpec<'a> {
    /// The word as written.
    pub word: &'a Word,
    /// The spec after expansion (a word can expand to several specs).
    pub value: String,
    /// The word has no variables or quotes: `value` is exactly the written text, so
    /// edits on `word.range` may be offered.
    pub literal: bool,
}

impl PortSpec<'_> {
    /// `(ip, host port, container part)` as BuildKit (`nat.SplitParts`) splits them.
    pub fn parts(&self) -> (&str, &str, &str) {
        split_parts(&self.value)
    }
    /// The container part split into `(port or range, protocol as written)`.
    pub fn port_proto(&self) -> (&str, Option<&str>) {
        let (_, _, container) = self.parts();
        match container.split_once('/') {
            Some((port, proto)) => (port, Some(proto)),
            None => (container, None),
        }
    }
}

/// Every EXPOSE port spec of the file (ONBUILD triggers included), skipping words whose
/// variables have no known value.
pub(super) fn expose_specs<'a>(ctx: &'a RuleContext<'_>) -> Vec<PortSpec<'a>> {
    let mut out = Vec::new();
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Expose {
            continue;
        }
        for word in &eff.args.words {
            let literal = !word.text.contains(['$', '"', '\'', '\\', '`']);
            if literal {
                out.push(PortSpec {
                    word,
                    value: word.text.clone(),
                    literal,
                });
                continue;
            }
            let Some(value) = ctx.model.expand_at(i, &word.text) else {
                continue;
            };
            for part in value.split_whitespace() {
                out.push(PortSpec {
                    word,
                    value: part.to_string(),
                    literal,
                });
            }
        }
    }
    out
}

/// BuildKit's split of `ip:hostPort:containerPort` (IPv6 addresses keep their colons).
fn split_parts(raw: &str) -> (&str, &str, &str) {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let container = parts[n - 1];
    match n {
        1 => ("", "", container),
        2 => ("", parts[0], container),
        _ => {
            let host = parts[n - 2];
            let ip_end = raw.len() - container.len() - host.len() - 2;
            (&raw[..ip_end], host, container)
        }
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for spec in expose_specs(ctx) {
        let (ip, host, container) = spec.parts();
        if ip.is_empty() && host.is_empty() {
            continue;
        }
        let what = if ip.is_empty() {
            "a host port"
        } else {
            "an IP address"
        };
        let d = acc.report(
            &RULE,
            spec.word.range,
            format!(
                "EXPOSE does not take {what} (`{}`): it only declares the container port; publish with `docker run -p` instead.",
                spec.value
            ),
        );
        if spec.literal && !container.is_empty() {
            d.with_fix(
                format!("Keep only `{container}`"),
                Applicability::Safe,
                vec![TextEdit::replace(spec.word.range, container)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{split_parts, RULE};
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn splits_like_buildkit() {
        assert_eq!(split_parts("80"), ("", "", "80"));
        assert_eq!(split_parts("8080:80/tcp"), ("", "8080", "80/tcp"));
        assert_eq!(split_parts("127.0.0.1:8080:80"), ("127.0.0.1", "8080", "80"));
        assert_eq!(split_parts("::1:8080:80"), ("::1", "8080", "80"));
        assert_eq!(split_parts("127.0.0.1::80"), ("127.0.0.1", "", "80"));
    }

    #[test]
    fn catches_addresses_and_mappings() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG MAP=9000:90
EXPOSE 80 127.0.0.1:8080:80/tcp 8443:443
EXPOSE $MAP
ONBUILD EXPOSE 0.0.0.0::53/udp
"#,
            expect![[r#"
                3 | EXPOSE 80 127.0.0.1:8080:80/tcp 8443:443
                  |           ^^^^^^^^^^^^^^^^^^^^^ expose-invalid-format: EXPOSE does not take an IP address (`127.0.0.1:8080:80/tcp`): it only declares the container port; publish with `docker run -p` instead.
                3 | EXPOSE 80 127.0.0.1:8080:80/tcp 8443:443
                  |                                 ^^^^^^^^ expose-invalid-format: EXPOSE does not take a host port (`8443:443`): it only declares the container port; publish with `docker run -p` instead.
                4 | EXPOSE $MAP
                  |        ^^^^ expose-invalid-format: EXPOSE does not take a host port (`9000:90`): it only declares the container port; publish with `docker run -p` instead.
                5 | ONBUILD EXPOSE 0.0.0.0::53/udp
                  |                ^^^^^^^^^^^^^^^ expose-invalid-format: EXPOSE does not take an IP address (`0.0.0.0::53/udp`): it only declares the container port; publish with `docker run -p` instead.
            "#]],
        );
    }

    #[test]
    fn accepts_plain_ports_and_unknown_variables() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG PORT
EXPOSE 80 443/tcp 8000-9000/udp $PORT ${OTHER:-8080}
"#,
        );
    }

    #[test]
    fn fix_keeps_the_container_port() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
EXPOSE 127.0.0.1:8080:80/tcp 8443:443 22
"#,
            expect![[r#"
                FROM alpine
                EXPOSE 80/tcp 443 22
            "#]],
        );
    }

    #[test]
    fn fix_in_onbuild_continuation_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nONBUILD EXPOSE 8080:80/tcp `\r\n  127.0.0.1:53:53/udp 443\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nONBUILD EXPOSE 80/tcp `\r\n  53/udp 443\r\n"
        );
    }

    #[test]
    fn no_fix_for_variables() {
        let d = crate::rules::test_support::diagnostics_of(
            &RULE,
            "FROM alpine\nARG P=8080:80\nEXPOSE $P\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}
