//! The cache pitfalls the model recognises: a package index refreshed in a RUN that
//! installs nothing (the stale-index trap), the whole build context copied before a
//! dependency install, and a secret-looking ARG/ENV named in a RUN (its value becomes
//! part of the cache key and of the image history).

use crate::semantic::mount::mount_covers;
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::semantic::secrets::{is_key_fingerprint, looks_secret};
use crate::semantic::{Model, ShellCommand, VarKind, VarSource};
use crate::syntax::{Dockerfile, Instruction, Kind};
use crate::text::TextRange;

/// A way this instruction works against the build cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pitfall {
    /// A package index refresh (`apt-get update`, `apk update`, `yum makecache`,
    /// `zypper refresh`) in a RUN that installs nothing after it: the layer is cached on
    /// the command text alone, so a later install reuses an index of any age.
    UpdateWithoutInstall {
        manager: Manager,
        /// The program (`apt-get`).
        command: String,
        /// The subcommand as written (`update`) and where.
        sub: String,
        range: TextRange,
    },
    /// This COPY/ADD brings the whole context in before a dependency install later in
    /// the stage: any source edit reruns the install.
    ContextBeforeDeps {
        /// The RUN that installs.
        install: usize,
        /// The install command.
        command_range: TextRange,
        ecosystem: &'static str,
    },
    /// This RUN installs dependencies after the whole context was copied by `copy`.
    DepsAfterContext {
        copy: usize,
        ecosystem: &'static str,
    },
    /// A secret-looking ARG or ENV named in this RUN: its value is part of the cache
    /// key and is recorded in the image history (ARG) or configuration (ENV).
    SecretInKey {
        name: String,
        kind: VarKind,
        /// The declaring instruction.
        decl: usize,
    },
}

/// Commands that neither install packages nor run code we cannot see.
const INERT: &[&str] = &[
    "echo",
    "printf",
    "rm",
    "mkdir",
    "ln",
    "chmod",
    "chown",
    "cp",
    "mv",
    "touch",
    "true",
    "false",
    "set",
    "test",
    "[",
    "cat",
    "ls",
    "sed",
    "grep",
    "apt-cache",
    "apt-mark",
    "dpkg",
    "dpkg-query",
    "export",
    "unset",
    "sleep",
    "find",
    "tee",
];

/// The index refreshes of RUN `i` with no install after them in the same RUN.
pub(super) fn updates_without_install(
    model: &Model,
    i: usize,
    eff: &Instruction,
    out: &mut Vec<Pitfall>,
) {
    if eff.kind != Kind::Run
        || mount_covers(eff, "/var/lib/apt/lists")
        || mount_covers(eff, "/var/cache/apk")
        || mount_covers(eff, "/var/cache/dnf")
        || mount_covers(eff, "/var/cache/yum")
        || mount_covers(eff, "/var/cache/tdnf")
    {
        return;
    }
    // Cheap test first: every refresh subcommand contains one of these.
    let mentions = |t: &str| t.contains("update") || t.contains("makecache") || t.contains("ref");
    if !mentions(&eff.args.text) && !eff.heredocs.iter().any(|h| mentions(&h.content)) {
        return;
    }
    let Some(shell) = model.run_shell(i) else {
        return;
    };
    let commands: Vec<&ShellCommand> = shell.commands().collect();
    for (k, cmd) in commands.iter().enumerate() {
        let Some(pkg) = PkgCommand::of(cmd) else {
            continue;
        };
        let refresh = match pkg.manager {
            Manager::AptGet | Manager::Apt | Manager::Apk => pkg.is(&["update"]),
            Manager::Yum | Manager::Dnf => pkg.is(&["makecache"]),
            Manager::Zypper => pkg.is(&["refresh", "ref"]),
            _ => false,
        };
        if !refresh {
            continue;
        }
        let later_install = commands[k + 1..].iter().any(|c| may_install(c));
        if later_install || removes_index(&commands) {
            continue;
        }
        let Some(sub) = pkg.sub_word() else {
            continue;
        };
        out.push(Pitfall::UpdateWithoutInstall {
            manager: pkg.manager,
            command: cmd.name.clone(),
            sub: sub.text.clone(),
            range: sub.range,
        });
    }
}

/// True when the RUN deletes the apt lists again (`rm -rf /var/lib/apt/lists/*`,
/// `apt-get dist-clean`): no stale index can be reused by a later RUN.
fn removes_index(commands: &[&ShellCommand]) -> bool {
    commands.iter().any(|c| {
        PkgCommand::of(c).is_some_and(|p| p.is(&["dist-clean"]))
            || (c.name == "rm"
                && c.args
                    .iter()
                    .any(|a| a.text.starts_with("/var/lib/apt/lists")))
    })
}

/// True when `cmd` installs packages, or may (unknown program, dynamic words).
pub fn may_install(cmd: &ShellCommand) -> bool {
    if let Some(pkg) = PkgCommand::of(cmd) {
        let Some(sub) = pkg.subcommand() else {
            return true;
        };
        return match pkg.manager {
            Manager::AptGet | Manager::Apt => matches!(
                sub,
                "install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep" | "reinstall"
            ),
            Manager::Apk => matches!(sub, "add" | "upgrade" | "fix"),
            Manager::Yum | Manager::Dnf | Manager::Microdnf => matches!(
                sub,
                "install" | "update" | "upgrade" | "groupinstall" | "localinstall" | "reinstall"
            ),
            Manager::Zypper => matches!(
                sub,
                "install" | "in" | "update" | "up" | "patch" | "dist-upgrade" | "dup"
            ),
            _ => true,
        };
    }
    !INERT.contains(&cmd.name.as_str()) || cmd.args.iter().any(|a| a.dynamic)
}

/// The ecosystem of a manifest-driven dependency install (`npm ci`, `pip install -r`,
/// `go mod download`…); `None` for any other command.
fn dependency_install(cmd: &ShellCommand) -> Option<&'static str> {
    let args: Vec<&str> = cmd.args.iter().map(|a| a.text.as_str()).collect();
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    match cmd.name.as_str() {
        "npm" => match positional.as_slice() {
            ["install" | "i" | "ci"] => Some("npm"),
            _ => None,
        },
        "yarn" => match positional.as_slice() {
            [] | ["install"] => Some("yarn"),
            _ => None,
        },
        "pnpm" => match positional.as_slice() {
            ["install" | "i"] => Some("pnpm"),
            _ => None,
        },
        "pip" | "pip3" => (positional.first() == Some(&"install")
            && args
                .iter()
                .any(|a| *a == "-r" || a.starts_with("--requirement")))
        .then_some("pip"),
        "poetry" | "pipenv" if positional.first() == Some(&"install") => Some("Python"),
        "uv" if positional.first() == Some(&"sync") => Some("Python"),
        "bundle" if matches!(positional.as_slice(), [] | ["install"]) => Some("Ruby"),
        "go" if positional.starts_with(&["mod", "download"]) => Some("Go"),
        "composer" if positional.first() == Some(&"install") => Some("Composer"),
        "mvn" if positional.iter().any(|p| p.starts_with("dependency:")) => Some("Maven"),
        "cargo" if positional.first() == Some(&"fetch") => Some("Cargo"),
        _ => None,
    }
}

/// Whole-context copies followed by a dependency install in the same stage: the
/// first context copy of a stage pairs with the first install of an ecosystem that
/// was not already installed before it. `copies_context(i)`: instruction `i` copies the
/// root of the build context (the model's sources, [`super::Source::whole_context`]).
pub(super) fn context_before_deps(
    syntax: &Dockerfile,
    model: &Model,
    copies_context: impl Fn(usize) -> bool,
    pitfalls: &mut [Vec<Pitfall>],
) {
    for stage in &model.stages {
        let copies = stage.instructions.clone().any(&copies_context);
        if !copies {
            continue;
        }
        let mut installed: Vec<&'static str> = Vec::new();
        let mut pending: Option<usize> = None;
        for i in stage.instructions.clone() {
            let Some(inst) = syntax.instructions.get(i) else {
                continue;
            };
            match inst.kind {
                Kind::Copy | Kind::Add if pending.is_none() && copies_context(i) => {
                    pending = Some(i);
                }
                Kind::Run => {
                    let Some(shell) = model.run_shell(i) else {
                        continue;
                    };
                    for cmd in shell.commands() {
                        let Some(eco) = dependency_install(cmd) else {
                            continue;
                        };
                        match pending {
                            Some(c) if !installed.contains(&eco) => {
                                if let Some(p) = pitfalls.get_mut(c) {
                                    p.push(Pitfall::ContextBeforeDeps {
                                        install: i,
                                        command_range: cmd.range,
                                        ecosystem: eco,
                                    });
                                }
                                if let Some(p) = pitfalls.get_mut(i) {
                                    p.push(Pitfall::DepsAfterContext {
                                        copy: c,
                                        ecosystem: eco,
                                    });
                                }
                                pending = None;
                                installed.push(eco);
                            }
                            _ => installed.push(eco),
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Secret-looking ARG/ENV names referenced by RUN `i` (`refs` are the names it
/// mentions).
pub(super) fn secrets_in_run(model: &Model, i: usize, refs: &[String], out: &mut Vec<Pitfall>) {
    for name in refs {
        if !looks_secret(name)
            || out
                .iter()
                .any(|p| matches!(p, Pitfall::SecretInKey { name: n, .. } if n == name))
        {
            continue;
        }
        let Some(VarSource::Decl(d)) = model.lookup(i, name) else {
            continue;
        };
        if d.value.as_deref().is_some_and(is_key_fingerprint) {
            continue;
        }
        out.push(Pitfall::SecretInKey {
            name: name.clone(),
            kind: d.kind,
            decl: d.instruction,
        });
    }
}
