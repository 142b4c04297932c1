//! `build-tools-in-final-stage`: compilers and development packages shipped in the image.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};
use crate::semantic::ShellCommand;

declare_rule! {
    /// ## What it does
    /// Reports, in a stage that ends up in the image (the final stage and the stages
    /// it is built `FROM`; ONBUILD triggers too), an OS package install of build
    /// tools: `gcc`, `g++` / `gcc-c++`, `clang`, `make`, `cmake`, `build-essential`,
    /// `build-base`, `autoconf`, `automake`, `libtool`, and development packages
    /// (`*-dev`, `*-devel`). One finding per install command, on the first build tool.
    ///
    /// Not reported when the same `RUN` removes the tools again, the pattern of many
    /// official images that build from source in one layer:
    /// - `apk add --virtual .build-deps gcc …` then `apk del .build-deps`;
    /// - `apt-get purge` / `apt-get remove` / `apt-get autoremove` after `apt-mark auto`
    ///   (the "savedAptMark" idiom), or a removal naming the package;
    /// - `yum` / `dnf` `remove` / `erase` / `autoremove`, `zypper rm` naming the package;
    /// - a removal whose package list is a variable (`apt-get purge -y $buildDeps`).
    ///
    /// Nor when the stage is built on an image that already ships a compiler
    /// (`buildpack-deps`, `golang`, `rust`, `gcc`, `haskell`, `swift`, `maven`,
    /// `gradle`, the full, non-slim `python` / `node` / `ruby` / `perl` variants, the
    /// .NET SDK) or on a dev-container image: such images are build environments by
    /// design, and a few more headers do not change that. For the same reason a
    /// single-stage Dockerfile `FROM golang` is not reported: on the 988 real
    /// Dockerfiles we reviewed, every such file was a builder, test or dev-container
    /// image (caddy `builder`, nginx unit's Go image, dev containers).
    ///
    /// ## Why is this bad?
    /// A compiler toolchain and headers add 100 to 300 MB to the image and many
    /// binaries an attacker could use; nothing in the running container needs them.
    /// Build in an earlier stage and copy only the result:
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN pip install --no-cache-dir psycopg2==2.9.9
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    /// RUN pip wheel --wheel-dir /wheels psycopg2==2.9.9
    ///
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir /wheels/*
    /// ```
    ///
    /// Images whose purpose is to be a build environment legitimately ship compilers:
    /// language toolchains (the official `rust`, `haskell` and `swift` images install
    /// gcc because their compilers need a C linker), CI builders, cross-compilers and
    /// test images. The Dockerfile alone does not say which kind of image it is, so
    /// they are reported (on our corpus of 988 real Dockerfiles, about half of the 88
    /// findings are such images); silence the rule for the file with
    /// `# dockerfile-lsp global ignore=build-tools-in-final-stage`.
    ///
    /// ## Fix safety
    /// No automatic fix: splitting a Dockerfile into stages needs to know what the
    /// build produces.
    ///
    /// ## References
    /// - No hadolint, BuildKit, Trivy or Checkov check.
    /// - Docker docs: "Multi-stage builds", "Dockerfile best practices" (don't install
    ///   unnecessary packages)
    pub(crate) RULE {
        id: "build-tools-in-final-stage",
        summary: "Compilers or development packages in the final image",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const TOOLS: [&str; 12] = [
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "autoconf",
    "automake",
    "libtool",
    "alpine-sdk",
];

/// Official images that ship gcc and friends.
const TOOLCHAIN_IMAGES: [&str; 8] = [
    "buildpack-deps",
    "golang",
    "rust",
    "gcc",
    "haskell",
    "swift",
    "maven",
    "gradle",
];

/// Official language images whose full (not `-slim`, not `-alpine`) variants are
/// built on `buildpack-deps` and so already contain a compiler.
const FULL_VARIANTS: [&str; 4] = ["python", "node", "ruby", "perl"];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, _) in shipped_runs(ctx.syntax, ctx.model) {
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        if toolchain_base(ctx, i) {
            continue;
        }
        let commands: Vec<&ShellCommand> = shell.commands().collect();
        // `apt-mark auto '.*'`, also `apt-mark showmanual | xargs apt-mark auto`.
        let apt_mark_auto = commands.iter().any(|c| {
            matches!(c.name.as_str(), "apt-mark" | "xargs") && c.args.iter().any(|a| a.text == "auto")
        });
        for (n, cmd) in commands.iter().enumerate() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if !pkg.manager.is_os() || !pkg.is_install() {
                continue;
            }
            let tools: Vec<_> = pkg
                .operands()
                .into_iter()
                .filter(|w| !w.dynamic && is_build_tool(base_name(pkg.manager, &w.text)))
                .collect();
            if tools.is_empty() {
                continue;
            }
            let virtual_name = if pkg.manager == Manager::Apk {
                pkg.option_values(Some("-t"), &["--virtual"])
                    .first()
                    .map(|s| s.to_string())
            } else {
                None
            };
            let later = &commands[n + 1..];
            let remaining: Vec<_> = tools
                .iter()
                .filter(|w| {
                    let name = base_name(pkg.manager, &w.text);
                    !later.iter().any(|c| {
                        removes(c, pkg.manager, name, virtual_name.as_deref(), apt_mark_auto)
                    })
                })
                .collect();
            if remaining.is_empty() {
                continue;
            }
            let names: Vec<&str> = remaining.iter().map(|w| w.text.as_str()).collect();
            let list = if names.len() > 3 {
                format!("{} and {} more", names[..3].join(", "), names.len() - 3)
            } else {
                names.join(", ")
            };
            acc.report(
                &RULE,
                remaining[0].range,
                format!(
                    "Build tools ({list}) stay in the final image: build in an earlier stage and copy only the result, or remove them in the same RUN."
                ),
            );
        }
    }
}

/// The stage is built (through earlier stages) on an image that already ships a
/// compiler toolchain, or on a dev-container image: more development packages do not
/// change what the image is.
fn toolchain_base(ctx: &RuleContext<'_>, at: usize) -> bool {
    let Some(r) = crate::semantic::distro::root_image(ctx.model, at) else {
        return false;
    };
    let repo = r.repository.as_str();
    if !r.is_docker_hub() {
        return r.registry == "mcr.microsoft.com"
            && (repo.contains("devcontainers") || repo == "dotnet/sdk");
    }
    let Some(name) = repo.strip_prefix("library/") else {
        return false;
    };
    let tag = r.tag.as_deref().unwrap_or("latest");
    TOOLCHAIN_IMAGES.contains(&name)
        || (FULL_VARIANTS.contains(&name) && !tag.contains("slim") && !tag.contains("alpine"))
}

fn is_build_tool(name: &str) -> bool {
    if TOOLS.contains(&name) || name.ends_with("-dev") || name.ends_with("-devel") {
        return true;
    }
    // Versioned compilers: gcc-12, g++-12, clang-17.
    ["gcc-", "g++-", "clang-"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
    })
}

/// The package name without its version pin.
fn base_name(manager: Manager, word: &str) -> &str {
    let cut = match manager {
        Manager::AptGet | Manager::Apt => word.find(['=', '/']),
        Manager::Apk | Manager::Zypper => word.find(['=', '~', '<', '>']),
        _ => None,
    };
    let name = cut.map_or(word, |i| &word[..i]);
    name.split(':').next().unwrap_or(name)
}

/// `c` removes package `name` installed by `manager` (or the apk virtual group).
fn removes(
    c: &ShellCommand,
    manager: Manager,
    name: &str,
    virtual_name: Option<&str>,
    apt_mark_auto: bool,
) -> bool {
    let Some(p) = PkgCommand::of(c) else {
        return false;
    };
    let subs: &[&str] = match p.manager {
        Manager::AptGet | Manager::Apt => &["purge", "remove", "autoremove"],
        Manager::Apk => &["del"],
        Manager::Yum | Manager::Dnf | Manager::Microdnf => &["remove", "erase", "autoremove"],
        Manager::Zypper => &["remove", "rm"],
        _ => return false,
    };
    if !p.is(subs) || p.manager.is_rpm() != manager.is_rpm() {
        return false;
    }
    if matches!(p.manager, Manager::AptGet | Manager::Apt) && apt_mark_auto {
        return true;
    }
    p.operands().iter().any(|w| {
        w.dynamic
            || base_name(p.manager, &w.text) == name
            || virtual_name.is_some_and(|v| w.text == v)
            || (w.text.contains('*') && glob_prefix(&w.text, name))
    })
}

/// `lib*-dev` style patterns with a single `*`.
fn glob_prefix(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((a, b)) => name.len() >= a.len() + b.len() && name.starts_with(a) && name.ends_with(b),
        None => pattern == name,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_build_tools_left_in_the_image() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl gcc libpq-dev=15.6 make g++-12 \
    && rm -rf /var/lib/apt/lists/*
RUN apk add --no-cache --virtual .build-deps musl-dev && apk del .other
RUN dnf install -y python3-devel && dnf remove -y gcc
ONBUILD RUN apt-get install -y build-essential
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get install -y --no-install-recommends curl gcc libpq-dev=15.6 make g++-12 \
                  |                                                                       ^^^ build-tools-in-final-stage: Build tools (gcc, libpq-dev=15.6, make and 1 more) stay in the final image: build in an earlier stage and copy only the result, or remove them in the same RUN.
                4 | RUN apk add --no-cache --virtual .build-deps musl-dev && apk del .other
                  |                                              ^^^^^^^^ build-tools-in-final-stage: Build tools (musl-dev) stay in the final image: build in an earlier stage and copy only the result, or remove them in the same RUN.
                5 | RUN dnf install -y python3-devel && dnf remove -y gcc
                  |                    ^^^^^^^^^^^^^ build-tools-in-final-stage: Build tools (python3-devel) stay in the final image: build in an earlier stage and copy only the result, or remove them in the same RUN.
                6 | ONBUILD RUN apt-get install -y build-essential
                  |                                ^^^^^^^^^^^^^^^ build-tools-in-final-stage: Build tools (build-essential) stay in the final image: build in an earlier stage and copy only the result, or remove them in the same RUN.
            "#]],
        );
    }

    #[test]
    fn accepts_toolchain_bases() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.22
RUN apt-get update && apt-get install -y gcc libc6-dev
FROM python:3.12 AS py
RUN apt-get install -y libpq-dev
FROM py
RUN apt-get install -y gcc
FROM mcr.microsoft.com/devcontainers/base:bookworm
RUN apt-get install -y build-essential
"#,
        );
    }

    #[test]
    fn accepts_removed_tools_build_stages_and_dynamic_lists() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.22 AS build
RUN apt-get update && apt-get install -y gcc
FROM debian:12
RUN set -eux; savedAptMark="$(apt-mark showmanual)"; \
    apt-get update; apt-get install -y --no-install-recommends gcc libc6-dev make; \
    make install; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \
    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false
RUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del --no-network .build-deps
RUN apt-get install -y $buildDeps && make && apt-get purge -y $buildDeps
RUN dnf install -y gcc python3-devel && dnf remove -y gcc python3-devel
RUN apt-get install -y libssl-dev && apt-get purge -y 'lib*-dev'
RUN apt-get install -y curl libpq5 && pip install make
RUN savedAptMark="$(apt-mark showmanual)" && apt-get install -y gcc && make \
    && apt-mark showmanual | xargs apt-mark auto > /dev/null \
    && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove
"#,
        );
    }
}
