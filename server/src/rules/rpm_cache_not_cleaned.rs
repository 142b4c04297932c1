//! `rpm-cache-not-cleaned`: yum / dnf / microdnf / zypper installs whose cache stays in
//! the image.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};
use crate::semantic::ShellCommand;

declare_rule! {
    /// ## What it does
    /// Reports `yum`, `dnf` (also `dnf5`, `tdnf`), `microdnf` and `zypper` commands that
    /// download packages (`install`, `groupinstall`, `localinstall`, `reinstall`,
    /// `update` / `upgrade`, zypper `in` / `up` / `dup` / `patch`) in a `RUN` that does
    /// not clean the cache afterwards, in a stage that ends up in the image (the final
    /// stage and the stages it is built `FROM`; ONBUILD triggers too).
    ///
    /// Counts as cleaning, later in the same `RUN`: `yum clean all`, `dnf clean all`,
    /// `microdnf clean all`, `zypper clean` (`zypper cc`, any options), or an
    /// `rm -rf` of the cache directory (`/var/cache/yum`, `/var/cache/dnf`,
    /// `/var/cache/tdnf`, `/var/cache/libdnf5`, `/var/cache/zypp`, `/var/cache`). A
    /// cache or tmpfs mount on that directory
    /// (`RUN --mount=type=cache,target=/var/cache/dnf`) keeps the cache out of the layer
    /// and is not reported.
    ///
    /// Differences from hadolint (DL3032, DL3040, DL3036):
    /// - hadolint counts any `rm -rf` as cleaning the cache, so
    ///   `microdnf install -y gnupg2; rm -rf "$GNUPGHOME"` passes there, and an
    ///   `rm -rf "$GNUPGHOME"` *before* the install makes it report a `RUN` that ends
    ///   with `microdnf clean all`. We only count a removal of a cache directory.
    /// - hadolint checks `install` only; we also report `localinstall`, `reinstall`,
    ///   `update` / `upgrade` (yum resolves dependencies against the repositories and
    ///   downloads their metadata even for a local `.rpm`).
    /// - hadolint wants `zypper clean` for zypper and `yum clean all` from yum; we also
    ///   accept `rm -rf /var/cache/zypp/*` and a clean by any program of the family
    ///   (`yum` is `dnf` on current distributions and both share the cache).
    /// - Build stages that are only copied from are not reported (their cache never
    ///   reaches the image); hadolint reports every stage.
    ///
    /// ## Why is this bad?
    /// The repository metadata and, depending on `keepcache`, the downloaded RPMs stay
    /// under `/var/cache` in the layer: typically 50 to 200 MB that nothing in the
    /// running container uses. Cleaning in a later `RUN` does not help: the bytes are
    /// already in the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends ` && yum clean all` (`dnf clean all`, `microdnf clean all`,
    /// `zypper clean`) to the `RUN`. Safe: the next install downloads the metadata
    /// again. No fix is offered for `RUN`s with heredocs, comments or a trailing
    /// `;`/`&`.
    /// It follows the `RUN`'s layout: on the same line for a one-line `RUN`, else on a
    /// new continuation line with `&&` leading or trailing as the other lines have it.
    ///
    /// ## References
    /// - hadolint DL3032 (yum), DL3040 (dnf, microdnf), DL3036 (zypper)
    /// - Trivy DS-0015 (yum), DS-0019 (dnf), DS-0020 (zypper), DS-0027
    pub(crate) RULE {
        id: "rpm-cache-not-cleaned",
        summary: "yum/dnf/zypper install without cleaning the cache",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3032", "DL3040", "DL3036"],
        buildkit: [],
        check: check,
    }
}

/// The cache directories: yum, dnf (also microdnf), tdnf, dnf5, and zypper's last.
const CACHES: [&str; 5] = [
    "/var/cache/yum",
    "/var/cache/dnf",
    "/var/cache/tdnf",
    "/var/cache/libdnf5",
    "/var/cache/zypp",
];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, eff) in shipped_runs(ctx.syntax, ctx.model) {
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        let commands: Vec<&ShellCommand> = shell.commands().collect();
        let ms = mounts(eff);
        let mut reported_zypper = false;
        let mut reported_rpm = false;
        for (n, cmd) in commands.iter().enumerate() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            let zypper = pkg.manager == Manager::Zypper;
            let downloads = if zypper {
                pkg.is(&[
                    "install",
                    "in",
                    "update",
                    "up",
                    "dist-upgrade",
                    "dup",
                    "patch",
                ])
            } else {
                pkg.manager.is_rpm()
                    && pkg.is(&[
                        "install",
                        "groupinstall",
                        "localinstall",
                        "reinstall",
                        "update",
                        "upgrade",
                    ])
            };
            if !downloads || (zypper && reported_zypper) || (!zypper && reported_rpm) {
                continue;
            }
            // yum, dnf, tdnf and dnf5 each have their own directory (and `yum` is often
            // `dnf`): a mount over any of the family's keeps the cache out of the layer.
            let mounted = CACHES
                .iter()
                .filter(|d| zypper == d.ends_with("zypp"))
                .any(|d| ms.iter().any(|m| m.covers(d)));
            if mounted {
                continue;
            }
            let cleaned = commands[n + 1..].iter().any(|c| cleans(c, zypper));
            if cleaned {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            if zypper {
                reported_zypper = true;
            } else {
                reported_rpm = true;
            }
            let clean = match pkg.manager {
                Manager::Zypper => "zypper clean".to_string(),
                _ => format!("{} clean all", cmd.name),
            };
            let d = acc.report(
                &RULE,
                sub.range,
                format!(
                    "Run `{clean}` at the end of this RUN so that the package cache is not kept in the image."
                ),
            );
            if let Some(edit) = shell_edit::append_command(ctx.text, eff, &clean) {
                d.with_fix(format!("Append `&& {clean}`"), Applicability::Safe, vec![edit]);
            }
        }
    }
}

fn cleans(c: &ShellCommand, zypper: bool) -> bool {
    if matches!(c.name.as_str(), "rm" | "find") {
        return c.args.iter().any(|a| {
            let t = a.text.trim_end_matches(['/', '*']);
            t == "/var/cache"
                || CACHES
                    .iter()
                    .any(|d| t.starts_with(d) && (zypper == d.ends_with("zypp")))
        });
    }
    let Some(p) = PkgCommand::of(c) else {
        return false;
    };
    if zypper {
        p.manager == Manager::Zypper && p.is(&["clean", "cc"])
    } else {
        p.manager.is_rpm()
            && p.is(&["clean"])
            && p.operands().iter().any(|w| w.text == "all")
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_cache_left_behind() {
        check_rule(
            &RULE,
            r#"
FROM rockylinux:9
RUN yum install -y httpd
RUN dnf clean all && dnf -y install git
RUN microdnf install -y tar && zypper --non-interactive in -y vim
ONBUILD RUN tdnf update -y
RUN <<EOF
dnf install -y jq
dnf clean packages
EOF
RUN microdnf install -y gnupg2; rm -rf "$GNUPGHOME"
RUN yum localinstall -y /tmp/x.rpm && rm -f /tmp/x.rpm
"#,
            expect![[r#"
                2 | RUN yum install -y httpd
                  |         ^^^^^^^ rpm-cache-not-cleaned: Run `yum clean all` at the end of this RUN so that the package cache is not kept in the image.
                3 | RUN dnf clean all && dnf -y install git
                  |                             ^^^^^^^ rpm-cache-not-cleaned: Run `dnf clean all` at the end of this RUN so that the package cache is not kept in the image.
                4 | RUN microdnf install -y tar && zypper --non-interactive in -y vim
                  |              ^^^^^^^ rpm-cache-not-cleaned: Run `microdnf clean all` at the end of this RUN so that the package cache is not kept in the image.
                4 | RUN microdnf install -y tar && zypper --non-interactive in -y vim
                  |                                                         ^^ rpm-cache-not-cleaned: Run `zypper clean` at the end of this RUN so that the package cache is not kept in the image.
                5 | ONBUILD RUN tdnf update -y
                  |                  ^^^^^^ rpm-cache-not-cleaned: Run `tdnf clean all` at the end of this RUN so that the package cache is not kept in the image.
                7 | dnf install -y jq
                  |     ^^^^^^^ rpm-cache-not-cleaned: Run `dnf clean all` at the end of this RUN so that the package cache is not kept in the image.
                10 | RUN microdnf install -y gnupg2; rm -rf "$GNUPGHOME"
                   |              ^^^^^^^ rpm-cache-not-cleaned: Run `microdnf clean all` at the end of this RUN so that the package cache is not kept in the image.
                11 | RUN yum localinstall -y /tmp/x.rpm && rm -f /tmp/x.rpm
                   |         ^^^^^^^^^^^^ rpm-cache-not-cleaned: Run `yum clean all` at the end of this RUN so that the package cache is not kept in the image.
            "#]],
        );
    }

    #[test]
    fn accepts_cleanup_mounts_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM fedora:40 AS build
RUN dnf install -y gcc
FROM fedora:40
RUN dnf install -y httpd && dnf clean all
RUN yum -y install x && yum -y clean all && microdnf install y && microdnf clean all
RUN zypper in -y vim && zypper clean -a && zypper ref
RUN dnf install -y x && rm -rf /var/cache/dnf/* && zypper in -y y && rm -rf /var/cache/zypp
RUN --mount=type=cache,target=/var/cache/dnf dnf install -y x
RUN --mount=type=cache,target=/var/cache yum install -y x
RUN --mount=type=cache,target=/var/cache/tdnf tdnf install -y x && tdnf makecache
RUN --mount=type=cache,target=/var/cache/libdnf5 dnf5 install -y x
RUN tdnf install -y x && rm -rf /var/cache/tdnf
RUN dnf remove -y x && dnf makecache && dnf repolist
RUN rm -rf "$GNUPGHOME" && microdnf update -y && microdnf install -y x && microdnf clean all
RUN ["dnf", "install", "-y", "x"]
"#,
        );
    }

    #[test]
    fn windows_shell_is_not_checked() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN npm install -g pm2; dnf install -y x
"#,
        );
    }

    #[test]
    fn fix_appends_clean() {
        check_rule_fix(
            &RULE,
            r#"
FROM fedora:40
RUN dnf install -y httpd \
    && dnf install -y git
RUN zypper in -y vim
"#,
            expect![[r#"
                FROM fedora:40
                RUN dnf install -y httpd \
                    && dnf install -y git \
                    && dnf clean all
                RUN zypper in -y vim && zypper clean
            "#]],
        );
    }
}
