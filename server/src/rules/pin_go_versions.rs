//! `pin-go-versions`: `go install` / `go get` / `go run` of a remote module without a
//! version.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a remote Go package given to `go install`, `go get` or `go run` without a
    /// version (`golang.org/x/tools/gopls`) or with a floating one (`@latest`,
    /// `@upgrade`, `@patch`, `@none`). For `go run` only the package is checked (the
    /// words after it are the program's arguments).
    ///
    /// Not reported: local packages and files (`.`, `./...`, `./cmd/x`, `/src/x`,
    /// `main.go`), and paths whose first element has no dot (`cmd/server`, `std`):
    /// those come from the main module or the standard library, which have no version
    /// of their own. `$VAR` words are unknown and never reported.
    ///
    /// Differences from hadolint (DL3062): hadolint checks only the first package of a
    /// command and reports `.go` files, relative packages (`go install -ldflags "…"
    /// ./cmd/tailscale`), the standard library (`go install std`) and main-module packages
    /// such as `cmd/server`; we check every package of `go install` / `go get`, skip those,
    /// and also treat `@upgrade` and `@patch` as floating. Inside a module, `go install
    /// pkg` and `go run pkg` without a version take the version from `go.mod` (and fail
    /// when `go.mod` does not require the package), so we do not report them when the `RUN`
    /// sees a `go.mod`: a `--mount` of `go.mod`, an earlier `COPY`/`ADD` of `go.mod` or of
    /// the whole context (`COPY . .`, `ADD . $GOPATH/src/x`) in the stage, or `go install
    /// tool` (Go 1.24). hadolint reports these. `go get pkg` adds the newest version to
    /// `go.mod` and is always reported.
    ///
    /// ## Why is this bad?
    /// `@latest` (and, for `go get`, no version at all) resolves to the newest release
    /// on the day of the build: the tool in the image changes, or stops building with
    /// the image's Go version, without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@v0.15.3
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the version to pin comes from the module proxy.
    ///
    /// ## References
    /// - hadolint DL3062
    /// - Go docs: "go install", "Version queries"
    pub(crate) RULE {
        id: "pin-go-versions",
        summary: "Go package installed without a version",
        level: Warning,
        fix: None,
        hadolint: ["DL3062"],
        buildkit: [],
        check: check,
    }
}

const FLOATING: [&str; 4] = ["latest", "upgrade", "patch", "none"];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        let mut module: Option<bool> = None;
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if pkg.manager != Manager::Go || !pkg.is(&["install", "get", "run"]) {
                continue;
            }
            let mut operands = pkg.operands();
            if pkg.is(&["run"]) {
                operands.truncate(1);
            }
            // `go install tool` (Go 1.24) builds the tools that go.mod pins.
            let tool = operands.iter().any(|w| w.text == "tool");
            for w in operands {
                if w.dynamic || w.text.is_empty() || local(&w.text) {
                    continue;
                }
                let message = match w.text.split_once('@') {
                    Some((_, v)) if !FLOATING.contains(&v) => continue,
                    None if !pkg.is(&["get"])
                        && (tool || *module.get_or_insert_with(|| in_module(ctx, i))) =>
                    {
                        continue
                    }
                    Some((path, v)) => format!(
                        "`@{v}` floats: pin `{path}` to a version (`{path}@v1.2.3`)."
                    ),
                    None => format!(
                        "Pin `{}` to a version (`{}@v1.2.3`) so that rebuilds get the same code.",
                        w.text, w.text
                    ),
                };
                acc.report(&RULE, w.range, message);
            }
        }
    }
}

/// The RUN sees a `go.mod`: a bind mount of it, or an earlier `COPY`/`ADD` of it (or
/// of the whole context) in the stage or the stages it is built on.
fn in_module(ctx: &RuleContext<'_>, at: usize) -> bool {
    let go_mod = |s: &str| s.rsplit('/').next() == Some("go.mod");
    let inst = ctx.syntax.instructions[at].effective();
    if mounts(inst)
        .iter()
        .any(|m| m.get("source").is_some_and(go_mod) || m.target().is_some_and(go_mod))
    {
        return true;
    }
    ctx.model.instructions_before(at).any(|j| {
        let inst = ctx.syntax.instructions[j].effective();
        if !matches!(inst.kind, Kind::Copy | Kind::Add) {
            return false;
        }
        let words: Vec<&str> = match &inst.args.json {
            Some(json) => json.iter().map(|w| w.text.as_str()).collect(),
            None => inst.args.words.iter().map(|w| w.text.as_str()).collect(),
        };
        words[..words.len().saturating_sub(1)]
            .iter()
            .any(|s| go_mod(s) || matches!(*s, "." | "./" | "go.*"))
    })
}

/// Local paths and files, and main-module or standard-library packages.
fn local(t: &str) -> bool {
    let path = t.split('@').next().unwrap_or(t);
    path.starts_with('.')
        || path.starts_with('/')
        || path.ends_with(".go")
        || !path.split('/').next().unwrap_or("").contains('.')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unpinned_and_floating_versions() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.22
RUN go install -ldflags "-s -w" golang.org/x/tools/gopls@latest github.com/x/y
RUN go get -u github.com/a/b && go run github.com/c/d@upgrade arg
COPY go.mod .
RUN go get github.com/e/f && go install github.com/g/h@latest
ONBUILD RUN go install honnef.co/go/tools/cmd/staticcheck
"#,
            expect![[r#"
                2 | RUN go install -ldflags "-s -w" golang.org/x/tools/gopls@latest github.com/x/y
                  |                                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ pin-go-versions: `@latest` floats: pin `golang.org/x/tools/gopls` to a version (`golang.org/x/tools/gopls@v1.2.3`).
                2 | RUN go install -ldflags "-s -w" golang.org/x/tools/gopls@latest github.com/x/y
                  |                                                                 ^^^^^^^^^^^^^^ pin-go-versions: Pin `github.com/x/y` to a version (`github.com/x/y@v1.2.3`) so that rebuilds get the same code.
                3 | RUN go get -u github.com/a/b && go run github.com/c/d@upgrade arg
                  |               ^^^^^^^^^^^^^^ pin-go-versions: Pin `github.com/a/b` to a version (`github.com/a/b@v1.2.3`) so that rebuilds get the same code.
                3 | RUN go get -u github.com/a/b && go run github.com/c/d@upgrade arg
                  |                                        ^^^^^^^^^^^^^^^^^^^^^^ pin-go-versions: `@upgrade` floats: pin `github.com/c/d` to a version (`github.com/c/d@v1.2.3`).
                5 | RUN go get github.com/e/f && go install github.com/g/h@latest
                  |            ^^^^^^^^^^^^^^ pin-go-versions: Pin `github.com/e/f` to a version (`github.com/e/f@v1.2.3`) so that rebuilds get the same code.
                5 | RUN go get github.com/e/f && go install github.com/g/h@latest
                  |                                         ^^^^^^^^^^^^^^^^^^^^^ pin-go-versions: `@latest` floats: pin `github.com/g/h` to a version (`github.com/g/h@v1.2.3`).
            "#]],
        );
    }

    #[test]
    fn accepts_pins_local_and_main_module_packages() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@v0.15.3 && go get github.com/a/b@v1.2.3
RUN go install ./... && go install . && go run main.go github.com/not/a/pkg
RUN go run ./cmd/gen && go install cmd/server && go get -d ./... && go install /src/x
RUN go build -o /app github.com/x/y && go mod download && go install $PKG
RUN --mount=type=bind,source=go.mod,target=/app/go.mod go install github.com/x/y
RUN go install tool github.com/x/y
RUN go install std && go install -ldflags "-X a.b=$v" ./cmd/x ./cmd/y
FROM golang:1.22 AS mod
COPY go.mod go.sum ./
RUN go install github.com/x/y && go run github.com/x/z
RUN ["go", "install", "github.com/x/y"]
"#,
        );
    }
}
