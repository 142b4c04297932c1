//! `copy-context-before-deps`: the whole build context is copied before dependencies
//! are installed, so every source change reinstalls them.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::cache::Pitfall;

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
    for (copy, pitfall) in ctx.cache().all_pitfalls() {
        let Pitfall::ContextBeforeDeps {
            command_range,
            ecosystem,
            ..
        } = pitfall
        else {
            continue;
        };
        let line = ctx.line_index.line_of(command_range.start()) + 1;
        acc.report(
            &RULE,
            ctx.syntax.instructions[copy].range,
            format!(
                "The whole context is copied before the {ecosystem} dependencies are installed (line {line}); copy the manifests and install first, then copy the rest."
            ),
        );
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
