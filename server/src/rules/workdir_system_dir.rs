//! `workdir-system-dir`: WORKDIR inside a kernel or boot directory.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` that is, or is under, `/proc`, `/sys`, `/dev`, `/boot`,
    /// `/initrd` or `/lost+found`. Paths with variables are checked after expansion
    /// when their value is known.
    ///
    /// ## Why is this bad?
    /// These directories are not part of the image's own filesystem at run time:
    /// `/proc`, `/sys` and `/dev` are replaced by kernel filesystems the runtime mounts
    /// over them, so whatever the build wrote there is hidden, and `/boot`, `/initrd`
    /// and `/lost+found` belong to a booting host, not to a container. Build steps that
    /// write into such a working directory either fail or leave files the container
    /// never sees.
    ///
    /// Trivy's DS-0030 lists `/proc`, `/boot`, `/dev`, `/initrd` and `/lost+found`; we
    /// add `/sys`, which is mounted over in exactly the same way.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /proc/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the intended directory is unknown.
    ///
    /// ## References
    /// - Trivy DS-0030
    /// - Docker docs: "Dockerfile reference", section "WORKDIR"
    pub(crate) RULE {
        id: "workdir-system-dir",
        summary: "WORKDIR in a system directory",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const SYSTEM_DIRS: &[&str] = &["proc", "sys", "dev", "boot", "initrd", "lost+found"];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Workdir {
            continue;
        }
        let Some(word) = eff.args.words.first() else {
            continue;
        };
        let Some(path) = ctx.model.expand_at(i, &word.text) else {
            continue;
        };
        let Some(first) = system_dir(&path) else {
            continue;
        };
        acc.report(
            &RULE,
            word.range,
            format!(
                "`/{first}` is a system directory that the container runtime or host owns; pick a working directory of your own, such as `/app`."
            ),
        );
    }
}

/// The system directory an absolute POSIX path is in, if any.
fn system_dir(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let first = rest.split('/').find(|s| !s.is_empty())?;
    SYSTEM_DIRS.iter().copied().find(|d| *d == first)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_system_dirs() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG D=/dev
WORKDIR /proc
WORKDIR //boot/grub/
WORKDIR ${D}/x
ONBUILD WORKDIR /lost+found
"#,
            expect![[r#"
                3 | WORKDIR /proc
                  |         ^^^^^ workdir-system-dir: `/proc` is a system directory that the container runtime or host owns; pick a working directory of your own, such as `/app`.
                4 | WORKDIR //boot/grub/
                  |         ^^^^^^^^^^^^ workdir-system-dir: `/boot` is a system directory that the container runtime or host owns; pick a working directory of your own, such as `/app`.
                5 | WORKDIR ${D}/x
                  |         ^^^^^^ workdir-system-dir: `/dev` is a system directory that the container runtime or host owns; pick a working directory of your own, such as `/app`.
                6 | ONBUILD WORKDIR /lost+found
                  |                 ^^^^^^^^^^^ workdir-system-dir: `/lost+found` is a system directory that the container runtime or host owns; pick a working directory of your own, such as `/app`.
            "#]],
        );
    }

    #[test]
    fn accepts_other_dirs() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG D
WORKDIR /app/proc
WORKDIR /devices
WORKDIR /usr/src/dev
WORKDIR $D
WORKDIR dev
"#,
        );
    }
}
