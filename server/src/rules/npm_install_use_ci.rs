//! `npm-install-use-ci`: whole-project `npm install` in a build instead of `npm ci`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::syntax::Kind;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `npm install` (`npm i`) without package names and without `-g`: the
    /// command that installs a whole project from `package.json`.
    ///
    /// Off by default: it needs the project to commit its lockfile, which the rule
    /// cannot always see (a `COPY . .` may or may not bring one).
    ///
    /// ## Why is this bad?
    /// `npm install` resolves the ranges in `package.json` and may install newer
    /// versions than the lockfile records, and rewrite the lockfile. `npm ci` installs
    /// exactly what `package-lock.json` (or `npm-shrinkwrap.json`) says, fails when the
    /// two files disagree, and starts from an empty `node_modules`: the build is
    /// reproducible and the image contains what was tested.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm install --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `install` with `ci`, and is offered only when an earlier `COPY`
    /// or `ADD` of the stage names `package-lock.json` or `npm-shrinkwrap.json`
    /// (directly or through a pattern such as `package*.json`): `npm ci` fails without
    /// a lockfile. It is unsafe: `npm ci` also fails when the lockfile is out of date.
    ///
    /// ## References
    /// - No hadolint, BuildKit, Trivy or Checkov check.
    /// - npm docs: "npm ci" ("for automated environments such as test platforms,
    ///   continuous integration, and deployment")
    pub(crate) RULE {
        id: "npm-install-use-ci",
        summary: "npm install of a whole project instead of npm ci",
        level: Off,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const LOCKFILES: [&str; 2] = ["package-lock.json", "npm-shrinkwrap.json"];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if pkg.manager != Manager::Npm
                || !pkg.is(&["install", "i"])
                || !pkg.operands().is_empty()
                || pkg.has(&['g'], &["--global", "--location"])
            {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            let d = acc.report(
                &RULE,
                sub.range,
                "Use `npm ci` to install exactly what the lockfile records.",
            );
            if lockfile_copied(ctx, i) {
                d.with_fix(
                    "Replace with `npm ci`",
                    Applicability::Unsafe,
                    vec![TextEdit::replace(sub.range, "ci")],
                );
            }
        }
    }
}

/// An earlier COPY/ADD of the stage names a lockfile.
fn lockfile_copied(ctx: &RuleContext<'_>, at: usize) -> bool {
    let Some(stage) = ctx.model.stage_of(at) else {
        return false;
    };
    ctx.syntax.instructions[stage.from..at].iter().any(|inst| {
        let inst = inst.effective();
        if !matches!(inst.kind, Kind::Copy | Kind::Add) {
            return false;
        }
        let words: Vec<&str> = match &inst.args.json {
            Some(json) => json.iter().map(|w| w.text.as_str()).collect(),
            None => inst.args.words.iter().map(|w| w.text.as_str()).collect(),
        };
        let sources = &words[..words.len().saturating_sub(1)];
        sources.iter().any(|s| {
            let name = s.rsplit('/').next().unwrap_or(s);
            LOCKFILES.iter().any(|l| glob_match(name, l))
        })
    })
}

/// `*` and `?` glob match of a whole name.
fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::{glob_match, RULE};
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_project_installs() {
        check_rule(
            &RULE,
            r#"
FROM node:20
COPY . .
RUN npm install --omit=dev && npm i
ONBUILD RUN npm install
"#,
            expect![[r#"
                3 | RUN npm install --omit=dev && npm i
                  |         ^^^^^^^ npm-install-use-ci: Use `npm ci` to install exactly what the lockfile records.
                3 | RUN npm install --omit=dev && npm i
                  |                                   ^ npm-install-use-ci: Use `npm ci` to install exactly what the lockfile records.
                4 | ONBUILD RUN npm install
                  |                 ^^^^^^^ npm-install-use-ci: Use `npm ci` to install exactly what the lockfile records.
            "#]],
        );
    }

    #[test]
    fn accepts_ci_and_package_installs() {
        check_rule_not(
            &RULE,
            r#"
FROM node:20
RUN npm ci && npm install express@4 && npm install -g pm2@5 && npm i --global x
RUN npm install $PKGS && npm run build && yarn install
RUN ["npm", "install"]
"#,
        );
    }

    #[test]
    fn fix_only_with_a_copied_lockfile() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:20 AS a
COPY package*.json ./
RUN npm install --omit=dev
FROM node:20 AS b
COPY package.json ./
RUN npm install
"#,
            expect![[r#"
                FROM node:20 AS a
                COPY package*.json ./
                RUN npm ci --omit=dev
                FROM node:20 AS b
                COPY package.json ./
                RUN npm install
            "#]],
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("package*.json", "package-lock.json"));
        assert!(glob_match("*", "npm-shrinkwrap.json"));
        assert!(!glob_match("package.json", "package-lock.json"));
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:20
COPY package.json package-lock.json ./
RUN npm install \
    && sudo npm i --omit=dev
RUN <<EOF
npm install
EOF
"#,
            expect![[r#"
                FROM node:20
                COPY package.json package-lock.json ./
                RUN npm ci \
                    && sudo npm ci --omit=dev
                RUN <<EOF
                npm ci
                EOF
            "#]],
        );
    }
}
