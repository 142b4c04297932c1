//! Package-manager commands seen through the shell view: which manager, which
//! subcommand (options that take a value are skipped correctly), and which stages end up
//! in the built image. Shared by the package-manager rules.

use super::{Model, ShellCommand, ShellWord};
use crate::syntax::{Dockerfile, Instruction, Kind};

/// A package manager the rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manager {
    AptGet,
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    /// `pip`, `pip3`, `python -m pip`.
    Pip,
    /// `uv pip`.
    UvPip,
    Npm,
    Yarn,
    Pnpm,
    Gem,
    /// The `go` tool (`go install`, `go get`, `go run`).
    Go,
}

impl Manager {
    /// Options (before or after the subcommand) that take the next word as their value.
    fn options_with_value(self) -> &'static [&'static str] {
        match self {
            Manager::AptGet | Manager::Apt => &[
                "-o",
                "-c",
                "-t",
                "-a",
                "--option",
                "--config-file",
                "--target-release",
                "--default-release",
                "--host-architecture",
            ],
            Manager::Apk => &[
                "-X",
                "-p",
                "-t",
                "--repository",
                "--root",
                "--arch",
                "--cache-dir",
                "--virtual",
                "--keys-dir",
                "--repositories-file",
            ],
            Manager::Yum | Manager::Dnf | Manager::Microdnf => &[
                "-c",
                "-x",
                "-d",
                "-e",
                "--config",
                "--installroot",
                "--enablerepo",
                "--disablerepo",
                "--repo",
                "--repoid",
                "--releasever",
                "--exclude",
                "--setopt",
                "--debuglevel",
                "--errorlevel",
                "--repofrompath",
                "--forcearch",
                "--nodocs-path",
            ],
            Manager::Zypper => &[
                "-R",
                "-c",
                "-D",
                "-C",
                "-r",
                "--root",
                "--config",
                "--reposd-dir",
                "--cache-dir",
                "--raw-cache-dir",
                "--solv-cache-dir",
                "--pkg-cache-dir",
                "--repo",
                "--from",
                "-t",
                "--type",
            ],
            Manager::Pip | Manager::UvPip => &[
                "-r",
                "-c",
                "-e",
                "-i",
                "-f",
                "-t",
                "-C",
                "--requirement",
                "--constraint",
                "--editable",
                "--index-url",
                "--extra-index-url",
                "--find-links",
                "--target",
                "--prefix",
                "--root",
                "--src",
                "--upgrade-strategy",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--trusted-host",
                "--cache-dir",
                "--log",
                "--proxy",
                "--retries",
                "--timeout",
                "--exists-action",
                "--global-option",
                "--install-option",
                "--config-settings",
                "--progress-bar",
                "--no-binary",
                "--only-binary",
                "--python",
                "-p",
            ],
            Manager::Npm => &[
                "--prefix",
                "--registry",
                "--cache",
                "--userconfig",
                "--globalconfig",
                "--loglevel",
                "--omit",
                "--include",
                "--tag",
                "--workspace",
                "-w",
                "--install-strategy",
                "--location",
                "--before",
                "--script-shell",
            ],
            Manager::Yarn => &[
                "--cwd",
                "--modules-folder",
                "--cache-folder",
                "--global-folder",
                "--network-timeout",
                "--network-concurrency",
                "--mutex",
                "--registry",
                "--link-folder",
                "--use-yarnrc",
            ],
            Manager::Pnpm => &[
                "--dir",
                "-C",
                "--filter",
                "-F",
                "--store-dir",
                "--registry",
                "--reporter",
                "--config",
                "--workspace-root",
                "--modules-dir",
                "--virtual-store-dir",
                "--network-concurrency",
                "--child-concurrency",
            ],
            Manager::Gem => &[
                "-v",
                "--version",
                "-s",
                "--source",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "--platform",
                "-P",
                "--trust-policy",
                "--build-root",
                "--target-rbconfig",
                "--config-file",
            ],
            Manager::Go => &[
                "-o",
                "-C",
                "-p",
                "-tags",
                "--tags",
                "-ldflags",
                "--ldflags",
                "-gcflags",
                "-asmflags",
                "-gccgoflags",
                "-mod",
                "-modfile",
                "-pkgdir",
                "-exec",
                "-overlay",
                "-toolexec",
                "-buildmode",
                "-compiler",
                "-installsuffix",
                "-pgo",
                "-covermode",
                "-coverpkg",
                "-buildvcs",
            ],
        }
    }

    /// True for the managers that install operating-system packages.
    pub fn is_os(self) -> bool {
        matches!(
            self,
            Manager::AptGet
                | Manager::Apt
                | Manager::Apk
                | Manager::Yum
                | Manager::Dnf
                | Manager::Microdnf
                | Manager::Zypper
        )
    }

    /// True for yum, dnf (also `dnf5`, `tdnf`) and microdnf.
    pub fn is_rpm(self) -> bool {
        matches!(self, Manager::Yum | Manager::Dnf | Manager::Microdnf)
    }

    /// The subcommands that install the packages named as operands.
    pub fn install_subcommands(self) -> &'static [&'static str] {
        match self {
            Manager::AptGet | Manager::Apt => &["install"],
            Manager::Apk => &["add"],
            Manager::Yum | Manager::Dnf | Manager::Microdnf => &["install"],
            Manager::Zypper => &["install", "in"],
            Manager::Pip | Manager::UvPip => &["install"],
            Manager::Npm => &["install", "i", "add", "isntall", "in"],
            Manager::Yarn => &["add"],
            Manager::Pnpm => &["add", "install", "i"],
            Manager::Gem => &["install", "i"],
            Manager::Go => &["install", "get"],
        }
    }
}

/// A package-manager invocation.
#[derive(Clone, Copy, Debug)]
pub struct PkgCommand<'a> {
    pub manager: Manager,
    pub command: &'a ShellCommand,
    /// The arguments after the program (after `-m pip` for `python -m pip`, after `pip`
    /// for `uv pip`).
    pub args: &'a [ShellWord],
    /// Index in `args` of the subcommand; `None` when there is none or a dynamic word
    /// comes first (the subcommand is then unknown).
    pub sub: Option<usize>,
}

impl<'a> PkgCommand<'a> {
    /// Classifies a shell command; `None` for anything that is not a known manager.
    pub fn of(command: &'a ShellCommand) -> Option<PkgCommand<'a>> {
        let name = command.name.as_str();
        let (manager, args): (Manager, &[ShellWord]) = match name {
            "apt-get" => (Manager::AptGet, &command.args),
            "apt" => (Manager::Apt, &command.args),
            "apk" => (Manager::Apk, &command.args),
            "yum" => (Manager::Yum, &command.args),
            "dnf" | "dnf5" | "tdnf" => (Manager::Dnf, &command.args),
            "microdnf" => (Manager::Microdnf, &command.args),
            "zypper" => (Manager::Zypper, &command.args),
            "npm" => (Manager::Npm, &command.args),
            "yarn" | "yarnpkg" => (Manager::Yarn, &command.args),
            "pnpm" => (Manager::Pnpm, &command.args),
            "gem" => (Manager::Gem, &command.args),
            "go" => (Manager::Go, &command.args),
            "uv" => {
                let first = command.args.first()?;
                if first.text != "pip" {
                    return None;
                }
                (Manager::UvPip, &command.args[1..])
            }
            _ if is_pip(name) => (Manager::Pip, &command.args),
            _ if is_python(name) => {
                // `python [-opts] -m pip …`.
                let m = command.args.iter().position(|a| !a.text.starts_with('-'));
                let m = match m {
                    Some(p) if p > 0 && command.args[p - 1].text == "-m" => p,
                    _ => {
                        // `-mpip` written together.
                        let p = command.args.iter().position(|a| a.text == "-mpip")?;
                        return Some(PkgCommand::new(
                            Manager::Pip,
                            command,
                            &command.args[p + 1..],
                        ));
                    }
                };
                if !is_pip(&command.args[m].text) {
                    return None;
                }
                (Manager::Pip, &command.args[m + 1..])
            }
            _ => return None,
        };
        Some(PkgCommand::new(manager, command, args))
    }

    fn new(manager: Manager, command: &'a ShellCommand, args: &'a [ShellWord]) -> PkgCommand<'a> {
        let with_value = manager.options_with_value();
        let mut sub = None;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if a.dynamic {
                break;
            }
            if a.text.starts_with('-') {
                if with_value.contains(&a.text.as_str()) {
                    i += 1;
                }
                i += 1;
                continue;
            }
            sub = Some(i);
            break;
        }
        PkgCommand {
            manager,
            command,
            args,
            sub,
        }
    }

    /// The subcommand word (`install`).
    pub fn sub_word(&self) -> Option<&'a ShellWord> {
        self.sub.map(|i| &self.args[i])
    }

    /// The subcommand text.
    pub fn subcommand(&self) -> Option<&'a str> {
        self.sub_word().map(|w| w.text.as_str())
    }

    /// True when the subcommand is one of `names`.
    pub fn is(&self, names: &[&str]) -> bool {
        self.subcommand().is_some_and(|s| names.contains(&s))
    }

    /// The option words (values of value-taking options excluded).
    pub fn options(&self) -> impl Iterator<Item = &'a ShellWord> + '_ {
        let with_value = self.manager.options_with_value();
        let mut skip = false;
        self.args.iter().filter(move |a| {
            if skip {
                skip = false;
                return false;
            }
            if a.text == "--" {
                return false;
            }
            if a.text.starts_with('-') {
                skip = with_value.contains(&a.text.as_str());
                return true;
            }
            false
        })
    }

    /// The values given to option `names` (`-o X`, `-oX`, `--option=X`, `--option X`).
    pub fn option_values(&self, short: Option<&str>, long: &[&str]) -> Vec<&'a str> {
        let mut out = Vec::new();
        let args = self.args;
        for (i, a) in args.iter().enumerate() {
            let t = a.text.as_str();
            if let Some(s) = short {
                if t == s {
                    if let Some(n) = args.get(i + 1) {
                        out.push(n.text.as_str());
                    }
                    continue;
                }
                if let Some(v) = t.strip_prefix(s) {
                    if !t.starts_with("--") {
                        out.push(v.trim_start_matches('='));
                        continue;
                    }
                }
            }
            for l in long {
                if t == *l {
                    if let Some(n) = args.get(i + 1) {
                        out.push(n.text.as_str());
                    }
                } else if let Some(v) = t.strip_prefix(l).and_then(|v| v.strip_prefix('=')) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// True when a long option in `long` or a short option letter in `short` (also
    /// inside a cluster such as `-qy`) is present.
    pub fn has(&self, short: &[char], long: &[&str]) -> bool {
        self.options().any(|a| {
            let t = a.text.as_str();
            if let Some(l) = t.strip_prefix("--") {
                let name = l.split('=').next().unwrap_or(l);
                return long.iter().any(|x| x.trim_start_matches("--") == name);
            }
            let cluster = &t[1..];
            // `-o…`, `-c…` and friends carry a value glued to the letter: only the
            // letters before the first value-taking one count.
            cluster.chars().any(|c| short.contains(&c))
                && !cluster.contains('=')
                && cluster.chars().all(|c| c.is_ascii_alphanumeric())
        })
    }

    /// True when the subcommand installs the packages named as operands
    /// (`apt-get install`, `apk add`, `pip install`, `npm install`, `gem install`, …).
    pub fn is_install(&self) -> bool {
        self.is(self.manager.install_subcommands())
    }

    /// Words after the subcommand that are not options (nor option values); after a
    /// bare `--`, every word is an operand (gem: none, they go to the extension build).
    pub fn operands(&self) -> Vec<&'a ShellWord> {
        let Some(sub) = self.sub else {
            return Vec::new();
        };
        let with_value = self.manager.options_with_value();
        let mut out = Vec::new();
        let mut i = sub + 1;
        while i < self.args.len() {
            let a = &self.args[i];
            if a.text == "--" && !a.dynamic {
                // gem passes what follows `--` to the extension build; elsewhere `--`
                // ends the options.
                if self.manager != Manager::Gem {
                    out.extend(self.args[i + 1..].iter());
                }
                break;
            }
            if a.text.starts_with('-') {
                if with_value.contains(&a.text.as_str()) {
                    i += 1;
                }
            } else {
                out.push(a);
            }
            i += 1;
        }
        out
    }
}

fn is_pip(name: &str) -> bool {
    name == "pip"
        || name
            .strip_prefix("pip")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
}

fn is_python(name: &str) -> bool {
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
}

/// Text to append to a `RUN` (` && yum clean all`) can be added at the end of its
/// arguments: shell form, no heredoc, no comment, not ending in `;`, `&` or `|`.
pub fn appendable(run: &Instruction) -> bool {
    let tail = run.args.text.trim_end();
    run.heredocs.is_empty()
        && run.args.json.is_none()
        && !run.args.range.is_empty()
        && !run.args.text.contains('#')
        && !tail.ends_with([';', '&', '|', '\\'])
}

/// RUN instructions whose layers end up in the built image: those of the final stage
/// and the stages it is built `FROM`, plus every ONBUILD RUN trigger (it runs in
/// whatever image builds on this one). Yields `(instruction index, the RUN itself)`.
pub fn shipped_runs<'a>(
    syntax: &'a Dockerfile,
    model: &'a Model,
) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
    let shipped = model.image_stages();
    syntax
        .instructions
        .iter()
        .enumerate()
        .filter(move |(i, inst)| {
            inst.effective().kind == Kind::Run
                && (inst.kind == Kind::Onbuild
                    || model
                        .stage_of(*i)
                        .is_some_and(|s| shipped.get(s.index).copied().unwrap_or(false)))
        })
        .map(|(i, inst)| (i, inst.effective()))
}

/// Options every `apt-get` (or `apt-cache`) of Debian 10+ and Ubuntu 18.04+ accepts;
/// `-o key=value` and clustered short flags of these letters included.
pub fn apt_get_accepts(option: &str) -> bool {
    const LONG: &[&str] = &[
        "--yes",
        "--assume-yes",
        "--assume-no",
        "--quiet",
        "--no-install-recommends",
        "--install-recommends",
        "--no-install-suggests",
        "--install-suggests",
        "--option",
        "--fix-broken",
        "--fix-missing",
        "--ignore-missing",
        "--reinstall",
        "--purge",
        "--allow-downgrades",
        "--allow-remove-essential",
        "--allow-change-held-packages",
        "--allow-unauthenticated",
        "--force-yes",
        "--target-release",
        "--default-release",
        "--download-only",
        "--only-upgrade",
        "--no-upgrade",
        "--simulate",
        "--dry-run",
        "--just-print",
        "--no-act",
        "--recon",
        "--verbose-versions",
        "--auto-remove",
        "--autoremove",
        "--no-download",
        "--config-file",
        "--show-upgraded",
        "--host-architecture",
        "--build-profiles",
        "--print-uris",
        "--mark-auto",
        "--with-new-pkgs",
        "--no-remove",
        "--arch-only",
        "--indep-only",
        "--trivial-only",
        "--compile",
        "--build",
        "--diff-only",
        "--dsc-only",
        "--tar-only",
        "--list-cleanup",
        "--no-list-cleanup",
        "--show-progress",
        "--allow-releaseinfo-change",
        "--no-show-upgraded",
        "--full",
        "--names-only",
        "--installed",
        "--recurse",
        "--no-all-versions",
        "--all-versions",
        "--no-pre-depends",
        "--no-depends",
        "--no-recommends",
        "--no-suggests",
        "--no-conflicts",
        "--no-breaks",
        "--no-replaces",
        "--no-enhances",
        "--important",
    ];
    const SHORT: &str = "yqfmsdVuhbtcoaPS";
    if let Some(long) = option.strip_prefix("--") {
        let name = long.split('=').next().unwrap_or_default();
        return LONG.contains(&format!("--{name}").as_str());
    }
    match option.strip_prefix('-') {
        Some(short) if !short.is_empty() => short
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .chars()
            .all(|c| SHORT.contains(c) || c.is_ascii_digit() || c == '='),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::parse_script;

    fn first(script: &str) -> (Manager, Option<String>, Vec<String>) {
        let s = parse_script(script, 0);
        let p = PkgCommand::of(&s.commands[0]).expect("a package manager");
        (
            p.manager,
            p.subcommand().map(str::to_string),
            p.operands().iter().map(|w| w.text.clone()).collect(),
        )
    }

    #[test]
    fn finds_subcommands_past_valued_options() {
        assert_eq!(
            first("apt-get -o Dpkg::Options::=--force-confnew -q install -y curl"),
            (Manager::AptGet, Some("install".into()), vec!["curl".into()])
        );
        assert_eq!(
            first("python3 -u -m pip install -r req.txt --index-url http://x flask"),
            (Manager::Pip, Some("install".into()), vec!["flask".into()])
        );
        assert_eq!(
            first("uv pip install --system x"),
            (Manager::UvPip, Some("install".into()), vec!["x".into()])
        );
        assert_eq!(first("apt-get $OPTS install x").1, None);
    }

    #[test]
    fn knows_language_managers_and_their_option_values() {
        assert_eq!(
            first("npm install -g --prefix /opt x@1"),
            (Manager::Npm, Some("install".into()), vec!["x@1".into()])
        );
        assert_eq!(
            first("gem install -i /gems --source https://r x -- --with-x=/y"),
            (Manager::Gem, Some("install".into()), vec!["x".into()])
        );
        assert_eq!(
            first("go install -ldflags '-s -w' -o /bin/x golang.org/x/y@v1"),
            (
                Manager::Go,
                Some("install".into()),
                vec!["golang.org/x/y@v1".into()]
            )
        );
        assert_eq!(
            first("yum install -y --enablerepo epel -x foo bar"),
            (Manager::Yum, Some("install".into()), vec!["bar".into()])
        );
        assert_eq!(
            first("apt-get install -y -- a b").2,
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(first("yarn --cwd /app add left-pad").0, Manager::Yarn);
        assert_eq!(first("pnpm -C /app install").1, Some("install".into()));
    }

    #[test]
    fn reads_options_and_values() {
        let s = parse_script("apt-get -qq -oAPT::Install-Recommends=0 install x", 0);
        let p = PkgCommand::of(&s.commands[0]).unwrap();
        assert!(p.has(&['q'], &[]));
        assert!(!p.has(&['y'], &["--yes"]));
        assert_eq!(
            p.option_values(Some("-o"), &["--option"]),
            ["APT::Install-Recommends=0"]
        );
    }

    #[test]
    fn apt_get_options_known_to_every_release() {
        for known in [
            "-y",
            "-qq",
            "-qy",
            "--no-install-recommends",
            "--option=A::B=1",
            "-t",
        ] {
            assert!(super::apt_get_accepts(known), "{known}");
        }
        for unknown in ["--update", "--solver", "-Z"] {
            assert!(!super::apt_get_accepts(unknown), "{unknown}");
        }
    }
}
