//! `copy-context-before-deps`: the whole build context is copied before dependencies
//! are installed, so every source change reinstalls them.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::ShellCommand;
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports `COPY . <dest>` / `ADD . <dest>` (the whole build context) that is
    /// followed, later in the same stage, by a `RUN` installing dependencies from a
    /// manifest: `npm install` / `npm ci` (without package names), `yarn` /
    /// `yarn install`, `pnpm install`, `pip install -r …`, `poetry install`,
    /// `pipenv install`, `uv sync`, `bundle install`, `go mod download`,
    /// `composer install`, `mvn dependency:…` and `cargo fetch`.
    ///
    /// Not reported when the same kind of install already ran in the stage before the
    /// `COPY .` (the manifests were copied and installed first, as recommended).
    ///
    /// ## Why is this bad?
    /// A `COPY` layer's cache key is the content of what it copies. Copying the whole
    /// context means any source edit invalidates it and every step after it, so the
    /// dependency install runs again on every build. Copying only the manifests
    /// (`package.json`, `requirements.txt`, `go.mod`…) and installing before copying
    /// the rest keeps the install cached until the dependencies really change.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which files are the manifests depends on the project.
    ///
    /// ## References
    /// - Docker docs: "Optimize cache usage in builds", section "Order your layers"
    pub(crate) RULE {
        id: "copy-context-before-deps",
        summary: "Whole context copied before installing dependencies",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let mut installed: Vec<&'static str> = Vec::new();
        let mut pending: Option<usize> = None;
        for i in stage.instructions.clone() {
            let inst = &ctx.syntax.instructions[i];
            match inst.kind {
                Kind::Copy | Kind::Add
                    if pending.is_none() && inst.flag("from").is_none() && copies_context(inst) =>
                {
                    pending = Some(i);
                }
                Kind::Run => {
                    let Some(shell) = ctx.model.run_shell(i) else {
                        continue;
                    };
                    for cmd in shell.commands() {
                        let Some(eco) = dependency_install(cmd) else {
                            continue;
                        };
                        match pending {
                            Some(c) if !installed.contains(&eco) => {
                                let copy = &ctx.syntax.instructions[c];
                                let line = ctx.line_index.line_of(cmd.range.start()) + 1;
                                acc.report(
                                    &RULE,
                                    copy.range,
                                    format!(
                                        "The whole context is copied before the {eco} dependencies are installed (line {line}); copy the manifests and install first, then copy the rest."
                                    ),
                                );
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

/// A source of `.` or `./` (the context root).
fn copies_context(inst: &crate::syntax::Instruction) -> bool {
    let words: Vec<&str> = match &inst.args.json {
        Some(j) => j.iter().map(|w| w.text.as_str()).collect(),
        None => inst.args.words.iter().map(|w| w.text.as_str()).collect(),
    };
    let Some((_, sources)) = words.split_last() else {
        return false;
    };
    sources.iter().any(|s| matches!(*s, "." | "./"))
}

/// The ecosystem of a manifest-driven dependency install.
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

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_context_copied_before_install() {
        check_rule(
            &RULE,
            r#"
FROM node:22
WORKDIR /app
COPY . .
RUN npm ci && npm run build
FROM python:3.12
ADD ./ /src
RUN pip install --no-cache-dir -r /src/requirements.txt
"#,
            expect![[r#"
                3 | COPY . .
                  | ^^^^^^^^ copy-context-before-deps: The whole context is copied before the npm dependencies are installed (line 4); copy the manifests and install first, then copy the rest.
                6 | ADD ./ /src
                  | ^^^^^^^^^^^ copy-context-before-deps: The whole context is copied before the pip dependencies are installed (line 7); copy the manifests and install first, then copy the rest.
            "#]],
        );
    }

    #[test]
    fn accepts_manifests_first() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm install -g serve
FROM golang:1.22
COPY . .
RUN go build ./...
FROM golang:1.22
COPY --from=0 . .
RUN go mod download
"#,
        );
    }
}
