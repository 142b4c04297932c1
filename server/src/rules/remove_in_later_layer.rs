//! `remove-in-later-layer`: `RUN rm` of a file an earlier instruction added.

use crate::rules::secret_file_copied::secret_kind;
use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{has_glob, unquote, CopyArgs};
use crate::semantic::dockerignore::{clean, glob_match};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports an `rm` in a `RUN` that deletes a path an earlier instruction of the
    /// same stage (or of a stage it is built `FROM`) certainly created:
    ///
    /// - a `COPY` / `ADD` to an absolute destination: the destination itself, or the
    ///   file `<dest dir>/<source name>` when the destination ends with `/`;
    /// - an earlier `RUN` that downloaded to an absolute path with `curl -o <path>`
    ///   (`--output`) or `wget -O <path>` (`--output-document`).
    ///
    /// The removed path may be a glob (`rm -f /tmp/*.tar.gz`) or a parent folder at
    /// least two levels deep (`rm -rf /tmp/build` after `COPY x /tmp/build/x`).
    /// Only stages that end up in the image are checked. Paths with variables,
    /// relative paths and files written by shell redirection (`> file`) are not
    /// followed, and neither are package-manager caches (`rm -rf
    /// /var/lib/apt/lists/*` in a later `RUN` is left to `apt-lists-not-cleaned`).
    ///
    /// The rule's level is info. When the removed file looks like a secret (the names
    /// `secret-file-copied` knows: `.env`, private keys, `.npmrc`…) the message says
    /// so: raise the rule to warning in the configuration if you want those to stand
    /// out more.
    ///
    /// ## Why is this bad?
    /// Each instruction adds a layer, and a later layer can only hide a file, not
    /// take its bytes back. A 200 MB archive copied in and deleted after extraction
    /// still costs 200 MB to every pull; a key deleted this way is still readable by
    /// anyone who runs `docker save` on the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// Use instead (the archive is mounted for one `RUN` and never stored):
    /// ```dockerfile
    /// RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz \
    ///     tar -xzf /tmp/app.tar.gz -C /opt
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the remedy is a bind or secret mount, a download and removal
    /// in the same `RUN`, or a multi-stage build, and each changes the build.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile best practices", sections "Minimize the number of
    ///   layers" and "Use multi-stage builds"; "Build secrets"; "Dockerfile
    ///   reference", section "RUN --mount=type=bind"
    /// - No hadolint, BuildKit, Trivy or Checkov equivalent
    pub(crate) RULE {
        id: "remove-in-later-layer",
        summary: "RUN rm of a file added by an earlier layer",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// A path an instruction created.
struct Created {
    path: String,
    instruction: usize,
    what: &'static str,
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    let shipped = model.image_stages();
    let mut created: Vec<Vec<Created>> = model.stages.iter().map(|_| Vec::new()).collect();
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        if inst.trigger.is_some() {
            continue;
        }
        let Some(stage) = model.stage_of(i) else {
            continue;
        };
        if !shipped.get(stage.index).copied().unwrap_or(false) {
            continue;
        }
        match inst.kind {
            Kind::Copy | Kind::Add => {
                record_copy(ctx, i, &mut created[stage.index]);
            }
            Kind::Run if model.shell_at(i).is_posix() => {
                let Some(shell) = model.run_shell(i) else {
                    continue;
                };
                let chain: Vec<usize> = model.stage_chain(stage.index).map(|s| s.index).collect();
                for cmd in shell.commands() {
                    if cmd.name != "rm" {
                        continue;
                    }
                    for arg in &cmd.args {
                        if arg.dynamic || arg.text.starts_with('-') || !arg.text.starts_with('/') {
                            continue;
                        }
                        let removed = clean(&arg.text);
                        let hit = chain
                            .iter()
                            .flat_map(|&s| created[s].iter())
                            .find(|c| c.instruction != i && covers(&removed, &c.path));
                        let Some(c) = hit else {
                            continue;
                        };
                        let line = ctx
                            .line_index
                            .line_of(ctx.syntax.instructions[c.instruction].range.start())
                            + 1;
                        let secret = secret_kind(&c.path)
                            .map(|k| format!(" It looks like {k}: it stays readable by anyone who has the image."))
                            .unwrap_or_default();
                        acc.report(
                            &RULE,
                            arg.range,
                            format!(
                                "`{}` was added by the {} on line {line}; removing it in a later layer does not take its bytes out of the image.{secret} Use a `RUN --mount` for it, or create and remove it in the same `RUN`.",
                                c.path, c.what
                            ),
                        );
                    }
                }
                for cmd in shell.commands() {
                    for path in download_targets(cmd) {
                        created[stage.index].push(Created {
                            path,
                            instruction: i,
                            what: "download",
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

/// The removed path (maybe a glob) deletes `created`.
fn covers(removed: &str, created: &str) -> bool {
    if removed == created {
        return true;
    }
    if has_glob(removed) {
        return glob_match(removed, created);
    }
    // A parent folder, at least two levels deep (`/tmp/build`, not `/tmp`).
    removed.matches('/').count() >= 2
        && created
            .strip_prefix(removed)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn record_copy(ctx: &RuleContext<'_>, i: usize, out: &mut Vec<Created>) {
    let inst = &ctx.syntax.instructions[i];
    let Some(args) = CopyArgs::of(inst) else {
        return;
    };
    let dest = if args.json {
        args.dest.text.as_str()
    } else {
        unquote(&args.dest.text)
    };
    let Some(dest) = (if dest.contains('$') {
        ctx.model.expand_at(i, dest)
    } else {
        Some(dest.to_string())
    }) else {
        return;
    };
    if !dest.starts_with('/') || dest.contains('\\') {
        return;
    }
    let what = if inst.kind == Kind::Add { "ADD" } else { "COPY" };
    let dir = dest.ends_with('/');
    let dest = clean(&dest);
    if dest == "/" {
        return;
    }
    if !dir && args.sources.len() + args.heredocs == 1 {
        out.push(Created {
            path: dest.clone(),
            instruction: i,
            what,
        });
        return;
    }
    for src in &args.sources {
        let text = if args.json {
            src.text.as_str()
        } else {
            unquote(&src.text)
        };
        if text.contains('$') || has_glob(text) || text.contains("://") {
            continue;
        }
        if text.ends_with('/') {
            // A folder: its contents land in the destination folder.
            out.push(Created {
                path: dest.clone(),
                instruction: i,
                what,
            });
            continue;
        }
        let Some(name) = clean(text).rsplit('/').next().map(str::to_string) else {
            continue;
        };
        if name.is_empty() || name == "." || name == ".." {
            continue;
        }
        out.push(Created {
            path: format!("{dest}/{name}"),
            instruction: i,
            what,
        });
    }
}

/// Absolute paths a command downloads to: `curl -o/--output`, `wget -O/--output-document`.
fn download_targets(cmd: &crate::semantic::shell::ShellCommand) -> Vec<String> {
    let (short, long) = match cmd.name.as_str() {
        "curl" => ("-o", "--output"),
        "wget" => ("-O", "--output-document"),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut it = cmd.args.iter().peekable();
    while let Some(a) = it.next() {
        let value = if a.text == short || a.text == long {
            it.next()
                .filter(|v| !v.dynamic)
                .map(|v| v.text.clone())
        } else if let Some(v) = a.text.strip_prefix(&format!("{long}=")) {
            (!a.dynamic).then(|| v.to_string())
        } else if a.text.len() > 2 && a.text.starts_with(short) && !a.text.starts_with("--") {
            (!a.dynamic).then(|| a.text[2..].to_string())
        } else {
            None
        };
        if let Some(v) = value.filter(|v| v.starts_with('/')) {
            out.push(clean(&v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_removal_in_a_later_layer() {
        check_rule(
            &RULE,
            r#"
FROM alpine AS base
COPY app.tar.gz /tmp/
COPY id_rsa /root/.ssh/id_rsa
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
RUN curl -fsSL -o /tmp/tool.zip https://example.com/tool.zip
FROM base
RUN rm -f /root/.ssh/id_rsa /tmp/*.zip
COPY build/ /opt/build/x/
RUN rm -rf /opt/build
"#,
            expect![[r#"
                4 | RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
                  |                                            ^^^^^^^^^^^^^^^ remove-in-later-layer: `/tmp/app.tar.gz` was added by the COPY on line 2; removing it in a later layer does not take its bytes out of the image. Use a `RUN --mount` for it, or create and remove it in the same `RUN`.
                7 | RUN rm -f /root/.ssh/id_rsa /tmp/*.zip
                  |           ^^^^^^^^^^^^^^^^^ remove-in-later-layer: `/root/.ssh/id_rsa` was added by the COPY on line 3; removing it in a later layer does not take its bytes out of the image. It looks like an SSH private key: it stays readable by anyone who has the image. Use a `RUN --mount` for it, or create and remove it in the same `RUN`.
                7 | RUN rm -f /root/.ssh/id_rsa /tmp/*.zip
                  |                             ^^^^^^^^^^ remove-in-later-layer: `/tmp/tool.zip` was added by the download on line 5; removing it in a later layer does not take its bytes out of the image. Use a `RUN --mount` for it, or create and remove it in the same `RUN`.
                9 | RUN rm -rf /opt/build
                  |            ^^^^^^^^^^ remove-in-later-layer: `/opt/build/x` was added by the COPY on line 8; removing it in a later layer does not take its bytes out of the image. Use a `RUN --mount` for it, or create and remove it in the same `RUN`.
            "#]],
        );
    }

    #[test]
    fn accepts_same_layer_and_unknown_paths() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS build
COPY big.tar.gz /tmp/
RUN rm /tmp/big.tar.gz
FROM alpine
RUN curl -o /tmp/x.tgz https://example.com/x.tgz && tar xzf /tmp/x.tgz && rm /tmp/x.tgz
RUN apt-get update
RUN rm -rf /var/lib/apt/lists/*
COPY . /app
RUN rm -rf /app/tests
COPY a /tmp/
RUN rm -rf /tmp
COPY b $DEST/
RUN rm -rf $DEST/b
COPY c ./c
RUN rm c
RUN rm -- -weird
ONBUILD RUN rm /tmp/a
"#,
        );
    }

    #[test]
    fn windows_shell_is_skipped() {
        check_rule_not(
            &RULE,
            r#"
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
COPY a.zip /tmp/
RUN rm /tmp/a.zip
"#,
        );
    }
}
