//! `pin-npm-versions`: `npm install pkg` without a version.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};

declare_rule! {
    /// ## What it does
    /// Reports each package named on an `npm install` command line (also `npm i`,
    /// `npm add`, with or without `-g`) that names no version, tag or commit.
    ///
    /// Counts as pinned: `express@4.19.2`, `express@^4`, a tag (`express@next`),
    /// `@scope/pkg@1.2.3`, a Git URL with a commit or semver range
    /// (`git+https://github.com/x/y.git#v1.2.0`), a tarball (`.tgz`, `.tar.gz`, `.tar`)
    /// and a folder (`.`, `./x`, `../x`, `/x`, `~/x`, `file:…`).
    /// `npm install` with no package installs what `package.json` and the lockfile say
    /// and is not reported. `$VAR` words are unknown and never reported.
    ///
    /// Differences from hadolint (DL3016): same notion (hadolint also accepts tags such as
    /// `@latest`: an explicit tag is a deliberate choice). We also check the `npm i` / `npm
    /// add` aliases and `file:` specs, and skip the values of options such as `--prefix`
    /// and `--registry`. `RUN`s under a PowerShell or `cmd` shell (a `SHELL` instruction,
    /// or a Windows base image such as `node:*-windowsservercore`, whose default shell is
    /// `cmd`) are not checked, as with every shell rule; hadolint reads them as POSIX
    /// shell.
    ///
    /// ## Why is this bad?
    /// Without a version npm installs the `latest` tag of the day: a new major release
    /// can change the image (or break the build) without any change to the Dockerfile.
    /// Global tools installed this way (`npm install -g typescript`) are a common source
    /// of "it built yesterday" failures.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g pm2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN npm install -g pm2@5.3.1
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the version to pin comes from the registry.
    ///
    /// ## References
    /// - hadolint DL3016
    /// - npm docs: "npm install" (package spec forms)
    pub(crate) RULE {
        id: "pin-npm-versions",
        summary: "npm package installed without a version",
        level: Warning,
        fix: None,
        hadolint: ["DL3016"],
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
            if pkg.manager != Manager::Npm || !pkg.is_install() {
                continue;
            }
            for w in pkg.operands() {
                if w.dynamic || w.text.is_empty() || pinned(&w.text) {
                    continue;
                }
                let t = &w.text;
                let message = if t.starts_with("git") {
                    format!("Pin `{t}` to a commit or tag (`{t}#<commit>`) so that rebuilds get the same code.")
                } else {
                    format!("Pin the version of `{t}` (`{t}@<version>`) so that rebuilds install the same package.")
                };
                acc.report(&RULE, w.range, message);
            }
        }
    }
}

fn pinned(t: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|p| t.starts_with(p))
    {
        return t.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| t.ends_with(s))
        || ["/", "./", "../", "~/", "file:"]
            .iter()
            .any(|p| t.starts_with(p))
        || t == "."
        || t == ".."
    {
        return true;
    }
    let name = match t.strip_prefix('@') {
        Some(scoped) => scoped.split_once('/').map_or("", |(_, n)| n),
        None => t,
    };
    name.contains('@')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unpinned_packages() {
        check_rule(
            &RULE,
            r#"
FROM node:20
RUN npm install -g --prefix /opt/npm pm2 typescript@5.4.2 @angular/cli
RUN npm i --registry https://r.example express && npm add git+https://github.com/x/y.git
ONBUILD RUN npm install lodash
RUN <<EOF
npm install -g yarn
EOF
"#,
            expect![[r#"
                2 | RUN npm install -g --prefix /opt/npm pm2 typescript@5.4.2 @angular/cli
                  |                                      ^^^ pin-npm-versions: Pin the version of `pm2` (`pm2@<version>`) so that rebuilds install the same package.
                2 | RUN npm install -g --prefix /opt/npm pm2 typescript@5.4.2 @angular/cli
                  |                                                           ^^^^^^^^^^^^ pin-npm-versions: Pin the version of `@angular/cli` (`@angular/cli@<version>`) so that rebuilds install the same package.
                3 | RUN npm i --registry https://r.example express && npm add git+https://github.com/x/y.git
                  |                                        ^^^^^^^ pin-npm-versions: Pin the version of `express` (`express@<version>`) so that rebuilds install the same package.
                3 | RUN npm i --registry https://r.example express && npm add git+https://github.com/x/y.git
                  |                                                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ pin-npm-versions: Pin `git+https://github.com/x/y.git` to a commit or tag (`git+https://github.com/x/y.git#<commit>`) so that rebuilds get the same code.
                4 | ONBUILD RUN npm install lodash
                  |                         ^^^^^^ pin-npm-versions: Pin the version of `lodash` (`lodash@<version>`) so that rebuilds install the same package.
                6 | npm install -g yarn
                  |                ^^^^ pin-npm-versions: Pin the version of `yarn` (`yarn@<version>`) so that rebuilds install the same package.
            "#]],
        );
    }

    #[test]
    fn accepts_pins_project_installs_and_paths() {
        check_rule_not(
            &RULE,
            r#"
FROM node:20
RUN npm install && npm ci && npm install --omit=dev
RUN npm install express@4.19.2 @scope/pkg@1.2.3 pm2@latest ./local ../x /abs ~/y file:vendor/z
RUN npm install x.tgz https://r.example/y.tar.gz git+https://github.com/x/y.git#v1.2 .
RUN npm install $PKG "${OTHER}" && npm uninstall express && npm run build
RUN yarn add express && pnpm add express
RUN ["npm", "install", "express"]
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
}
