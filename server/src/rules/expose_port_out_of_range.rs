//! `expose-port-out-of-range`: EXPOSE of a port number above 65535.

use crate::rules::expose_invalid_format::expose_specs;
use crate::rules::{Diagnostics, RuleContext};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port, or the end of a port range (`8000-9000`), that is
    /// larger than 65535, with or without a `/tcp` / `/udp` suffix. Words with variables
    /// are checked after expansion when their value is known, and skipped otherwise.
    ///
    /// ## Why is this bad?
    /// TCP and UDP ports are 16-bit numbers: 65535 is the largest. `docker build`
    /// refuses such an `EXPOSE` ("invalid containerPort"), usually because of a typo.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80800/tcp
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 8080/tcp
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the intended port is unknown.
    ///
    /// ## References
    /// - hadolint DL3011
    /// - Trivy DS-0008
    /// - Docker docs: "Dockerfile reference", section "EXPOSE"
    pub(crate) RULE {
        id: "expose-port-out-of-range",
        summary: "EXPOSE port outside 0-65535",
        level: Error,
        fix: None,
        hadolint: ["DL3011"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let mut last: Option<TextRange> = None;
    for spec in expose_specs(ctx) {
        // One finding per written word, even when it expands to several specs.
        if last == Some(spec.word.range) {
            continue;
        }
        let (ports, _) = spec.port_proto();
        let too_big = ports.split('-').any(|p| {
            !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) && {
                p.len() > 5 || p.parse::<u32>().is_ok_and(|n| n > 65535)
            }
        });
        if too_big {
            last = Some(spec.word.range);
            acc.report(
                &RULE,
                spec.word.range,
                format!("Port `{ports}` is out of range: ports go from 0 to 65535."),
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
    fn catches_ports_above_65535() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG P=70000
EXPOSE 80 80800/tcp 8000-65536 ${P}/udp
ONBUILD EXPOSE 99999
"#,
            expect![[r#"
                3 | EXPOSE 80 80800/tcp 8000-65536 ${P}/udp
                  |           ^^^^^^^^^ expose-port-out-of-range: Port `80800` is out of range: ports go from 0 to 65535.
                3 | EXPOSE 80 80800/tcp 8000-65536 ${P}/udp
                  |                     ^^^^^^^^^^ expose-port-out-of-range: Port `8000-65536` is out of range: ports go from 0 to 65535.
                3 | EXPOSE 80 80800/tcp 8000-65536 ${P}/udp
                  |                                ^^^^^^^^ expose-port-out-of-range: Port `70000` is out of range: ports go from 0 to 65535.
                4 | ONBUILD EXPOSE 99999
                  |                ^^^^^ expose-port-out-of-range: Port `99999` is out of range: ports go from 0 to 65535.
            "#]],
        );
    }

    #[test]
    fn accepts_valid_and_unknown_ports() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG PORT
EXPOSE 80 443/tcp 65535/udp 8000-9000 $PORT ${OTHER:-8080}
"#,
        );
    }
}
