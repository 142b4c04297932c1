//! `dist-upgrade`: `apt-get dist-upgrade` / `zypper dist-upgrade` in a build.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get dist-upgrade`, `apt full-upgrade` (and `apt-get full-upgrade`)
    /// and `zypper dist-upgrade` (`zypper dup`) in a `RUN`, in every stage (a build
    /// stage built on an upgraded system can produce different artifacts as well).
    ///
    /// Differences from hadolint (DL3035): hadolint only reports `zypper
    /// dist-upgrade`; its `apt-get dist-upgrade` rule (DL3005) was removed along with
    /// the plain-upgrade rules. We report the apt forms too, for the reasons below.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade may install, remove or replace packages to follow changed
    /// dependencies, and with zypper it can move the image to the next release of the
    /// distribution. The result depends on the day of the build, not on the base image
    /// you named: the image can stop matching its tag (`opensuse/leap:15.5` that is
    /// really 15.6), drop packages your application needs, or grow by the size of a
    /// new release. To get a newer system, use a newer base image tag instead.
    ///
    /// The tools disagree on upgrades (catalogue "Upgrades"): hadolint removed its
    /// rules against `apt-get upgrade`, `apk upgrade` and `yum/dnf update` as an
    /// "obsolete recommendation" (applying security updates at build time is now
    /// common advice), and removed DL3005 (`apt-get dist-upgrade`) with them; Trivy
    /// marks its `dist-upgrade` check DS-0024 deprecated. Only hadolint DL3035
    /// (`zypper dist-upgrade`) remains. We keep plain upgrades in the separate, opt-in
    /// `os-package-upgrade` rule and report distribution upgrades at info level: they
    /// go beyond security updates and can change what the base image is.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get dist-upgrade -y
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.5
    /// RUN apt-get update && apt-get upgrade -y
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: whether a plain upgrade or a newer base image is the right
    /// replacement is the author's call.
    ///
    /// ## References
    /// - hadolint DL3035 (zypper); DL3005 (apt-get, removed from hadolint)
    /// - Trivy DS-0024 (deprecated)
    pub(crate) RULE {
        id: "dist-upgrade",
        summary: "Distribution upgrade in a build",
        level: Info,
        fix: None,
        hadolint: ["DL3035"],
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
                Manager::AptGet | Manager::Apt => pkg.is(&["dist-upgrade", "full-upgrade"]),
                Manager::Zypper => pkg.is(&["dist-upgrade", "dup"]),
                _ => false,
            };
            let Some(sub) = pkg.sub_word().filter(|_| hit) else {
                continue;
            };
            acc.report(
                &RULE,
                sub.range,
                format!(
                    "`{} {}` can change packages and even the release of the base image; use a newer base image tag instead.",
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
    fn catches_distribution_upgrades() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get -y dist-upgrade
RUN apt full-upgrade -y && zypper --non-interactive dup
ONBUILD RUN zypper dist-upgrade -y
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get -y dist-upgrade
                  |                                  ^^^^^^^^^^^^ dist-upgrade: `apt-get dist-upgrade` can change packages and even the release of the base image; use a newer base image tag instead.
                3 | RUN apt full-upgrade -y && zypper --non-interactive dup
                  |         ^^^^^^^^^^^^ dist-upgrade: `apt full-upgrade` can change packages and even the release of the base image; use a newer base image tag instead.
                3 | RUN apt full-upgrade -y && zypper --non-interactive dup
                  |                                                     ^^^ dist-upgrade: `zypper dup` can change packages and even the release of the base image; use a newer base image tag instead.
                4 | ONBUILD RUN zypper dist-upgrade -y
                  |                    ^^^^^^^^^^^^ dist-upgrade: `zypper dist-upgrade` can change packages and even the release of the base image; use a newer base image tag instead.
            "#]],
        );
    }

    #[test]
    fn accepts_plain_upgrades() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get upgrade -y && apk upgrade && zypper up -y
RUN echo dist-upgrade && dnf distro-sync -y
RUN ["apt-get", "dist-upgrade", "-y"]
"#,
        );
    }
}
