//! `expose-proto-casing`: an EXPOSE protocol not written in lowercase (`80/TCP`).

use crate::rules::expose_invalid_format::expose_specs;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports the protocol of an `EXPOSE` port written with capitals (`80/TCP`,
    /// `53/Udp`), as BuildKit's `ExposeProtoCasing` check does. Words with variables are
    /// checked after expansion when their value is known.
    ///
    /// ## Why is this bad?
    /// The protocol is case-insensitive for the builder, which lowercases it, but the
    /// image config and every tool that reads it (`docker inspect`, compose, Kubernetes
    /// manifests generated from images) use `tcp`, `udp` and `sctp`. Mixed casing makes
    /// the Dockerfile disagree with what `docker inspect` shows and with the
    /// documentation, and BuildKit warns about it on every build.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80/TCP 53/Udp
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 80/tcp 53/udp
    /// ```
    ///
    /// ## Fix safety
    /// The fix lowercases the protocol: safe, the builder does the same. No fix when the
    /// protocol comes from a variable.
    ///
    /// ## References
    /// - BuildKit check `ExposeProtoCasing`
    /// - Docker docs: "Dockerfile reference", section "EXPOSE"
    pub(crate) RULE {
        id: "expose-proto-casing",
        summary: "EXPOSE protocol not lowercase",
        level: Info,
        fix: Sometimes,
        hadolint: [],
        buildkit: ["ExposeProtoCasing"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for spec in expose_specs(ctx) {
        let (_, Some(proto)) = spec.port_proto() else {
            continue;
        };
        let lower = proto.to_ascii_lowercase();
        if lower == proto {
            continue;
        }
        // The protocol is the tail of the written word (unless a line break splits it).
        let end = spec.word.range.end();
        let range = TextRange::new(end.saturating_sub(proto.len()), end);
        if spec.literal && ctx.text.get(range.range()) == Some(proto) {
            acc.report(
                &RULE,
                range,
                format!("Write the protocol in lowercase: `{lower}`."),
            )
            .with_fix(
                format!("Lowercase to `{lower}`"),
                Applicability::Safe,
                vec![TextEdit::replace(range, lower)],
            );
        } else {
            acc.report(
                &RULE,
                spec.word.range,
                format!(
                    "The protocol of `{}` should be lowercase: `{lower}`.",
                    spec.value
                ),
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
    fn catches_capital_protocols() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG P=53/UDP
EXPOSE 80/TCP 443/tcp 8000-8010/Udp $P
ONBUILD EXPOSE 1234/SCTP
"#,
            expect![[r#"
                3 | EXPOSE 80/TCP 443/tcp 8000-8010/Udp $P
                  |           ^^^ expose-proto-casing: Write the protocol in lowercase: `tcp`.
                3 | EXPOSE 80/TCP 443/tcp 8000-8010/Udp $P
                  |                                 ^^^ expose-proto-casing: Write the protocol in lowercase: `udp`.
                3 | EXPOSE 80/TCP 443/tcp 8000-8010/Udp $P
                  |                                     ^^ expose-proto-casing: The protocol of `53/UDP` should be lowercase: `udp`.
                4 | ONBUILD EXPOSE 1234/SCTP
                  |                     ^^^^ expose-proto-casing: Write the protocol in lowercase: `sctp`.
            "#]],
        );
    }

    #[test]
    fn accepts_lowercase_and_missing_protocols() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG P
EXPOSE 80 443/tcp 53/udp $P/${PROTO}
"#,
        );
    }

    #[test]
    fn fix_lowercases() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
EXPOSE 80/TCP 8080:81/Udp
"#,
            expect![[r#"
                FROM alpine
                EXPOSE 80/tcp 8080:81/udp
            "#]],
        );
    }

    #[test]
    fn fix_in_onbuild_continuation_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nONBUILD EXPOSE 80/TCP `\r\n  53/Udp\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nONBUILD EXPOSE 80/tcp `\r\n  53/udp\r\n"
        );
    }
}
