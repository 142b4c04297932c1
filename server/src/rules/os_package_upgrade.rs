//! `os-package-upgrade`: upgrading every OS package of the base image in a build.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};

declare_rule! {
    /// ## What it does
    /// Reports commands that upgrade all installed packages: `apt-get upgrade`,
    /// `apt upgrade`, `apk upgrade`, `yum` / `dnf` / `microdnf` `update` or `upgrade`
    /// without package names, and `zypper update` (`up`) / `zypper patch`.
    /// Upgrades of named packages (`apk upgrade openssl`, `dnf update -y openssl`)
    /// are not reported. Distribution upgrades are the `dist-upgrade` rule's.
    ///
    /// Off by default: turn it on if your policy is that the base image alone decides
    /// package versions.
    ///
    /// ## Why is this bad?
    /// An upgrade makes the image depend on the day of the build rather than on the
    /// base image tag: two builds of the same Dockerfile get different packages, and
    /// the upgraded files are stored a second time in a new layer (the originals stay
    /// in the base layers), which adds tens of MB.
    ///
    /// Whether that is bad is disputed (catalogue "Upgrades"). hadolint once reported
    /// these (DL3017 apk, DL3031 yum, DL3039 dnf, DL3005 apt-get dist-upgrade) and
    /// removed them as an "obsolete recommendation": base images lag behind security
    /// updates, and upgrading at build time is how many teams get the fixes. Trivy and
    /// Checkov even count `upgrade` as the install that justifies an `update`. We
    /// follow that consensus with this rule off by default; the trade-off is
    /// reproducibility (off) against fresh security fixes (on is stricter).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get upgrade -y
    /// ```
    ///
    /// Use instead: a newer (or digest-pinned, regularly rebuilt) base image:
    /// ```dockerfile
    /// FROM debian:12.5-slim
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: dropping an upgrade may leave known vulnerabilities unpatched.
    ///
    /// ## References
    /// - hadolint DL3017, DL3031, DL3039 (removed)
    /// - Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "os-package-upgrade",
        summary: "Upgrade of all OS packages in a build",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            let hit = match pkg.manager {
                Manager::AptGet | Manager::Apt => pkg.is(&["upgrade"]) && pkg.operands().is_empty(),
                Manager::Apk => pkg.is(&["upgrade"]) && pkg.operands().is_empty(),
                Manager::Yum | Manager::Dnf | Manager::Microdnf => {
                    pkg.is(&["update", "upgrade"]) && pkg.operands().is_empty()
                }
                Manager::Zypper => {
                    pkg.is(&["update", "up", "patch"]) && pkg.operands().is_empty()
                }
                _ => false,
            };
            let Some(sub) = pkg.sub_word().filter(|_| hit) else {
                continue;
            };
            acc.report(
                &RULE,
                sub.range,
                format!(
                    "`{} {}` upgrades every package of the base image; prefer a newer base image.",
                    cmd.name, sub.text
                ),
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
    fn catches_full_upgrades() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get upgrade -y
RUN apk upgrade --no-cache && dnf -y update && microdnf upgrade
RUN zypper --non-interactive up && zypper patch -y
ONBUILD RUN yum update -y
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get upgrade -y
                  |                               ^^^^^^^ os-package-upgrade: `apt-get upgrade` upgrades every package of the base image; prefer a newer base image.
                3 | RUN apk upgrade --no-cache && dnf -y update && microdnf upgrade
                  |         ^^^^^^^ os-package-upgrade: `apk upgrade` upgrades every package of the base image; prefer a newer base image.
                3 | RUN apk upgrade --no-cache && dnf -y update && microdnf upgrade
                  |                                      ^^^^^^ os-package-upgrade: `dnf update` upgrades every package of the base image; prefer a newer base image.
                3 | RUN apk upgrade --no-cache && dnf -y update && microdnf upgrade
                  |                                                         ^^^^^^^ os-package-upgrade: `microdnf upgrade` upgrades every package of the base image; prefer a newer base image.
                4 | RUN zypper --non-interactive up && zypper patch -y
                  |                              ^^ os-package-upgrade: `zypper up` upgrades every package of the base image; prefer a newer base image.
                4 | RUN zypper --non-interactive up && zypper patch -y
                  |                                           ^^^^^ os-package-upgrade: `zypper patch` upgrades every package of the base image; prefer a newer base image.
                5 | ONBUILD RUN yum update -y
                  |                 ^^^^^^ os-package-upgrade: `yum update` upgrades every package of the base image; prefer a newer base image.
            "#]],
        );
    }

    #[test]
    fn accepts_targeted_upgrades() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apk upgrade --no-cache openssl && dnf update -y openssl && zypper up -y curl
RUN apt-get dist-upgrade -y && apt-get update && apt-get install --only-upgrade -y curl
RUN ["apt-get", "upgrade", "-y"]
"#,
        );
    }
}
