//! `prefer-bind-mount`: a file COPYed only so that the next RUN can read it.

use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::semantic::copy::{has_glob, unquote, CopyArgs};
use crate::syntax::{Instruction, Kind};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` of individual files (names with an extension or a leading dot,
    /// no directory, no wildcard, no flag but `--from`, not into `/etc` or a `bin`
    /// directory, where files are installed to stay) whose very next
    /// instruction is a `RUN` of the same stage that names every copied file, when no
    /// later instruction of the file mentions them again. The typical case is a
    /// dependency manifest copied for an install step:
    /// `COPY requirements.txt .` followed by `RUN pip install -r requirements.txt`.
    ///
    /// Off by default (opt-in hint): whether a file is needed after the `RUN` (at run
    /// time, by a script the `RUN` calls, by a later `COPY . .` that copies it anyway)
    /// cannot always be seen from the Dockerfile, and bind mounts need BuildKit.
    ///
    /// ## Why is this bad?
    /// The `COPY` writes the file into a layer of its own that ships with the image,
    /// although only the build step needed it. A bind mount
    /// (`RUN --mount=type=bind,source=…,target=…`) lets the `RUN` read the file straight
    /// from the build context: no extra layer, and the cache still invalidates the
    /// `RUN` when the file changes, because a bind mount's content is part of the
    /// step's cache key. Docker's "Optimize cache usage" guide recommends this pattern
    /// for dependency installs.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY . .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN --mount=type=bind,source=requirements.txt,target=requirements.txt \
    ///     pip install --no-cache-dir -r requirements.txt
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the `COPY` and adds one bind mount per file to the `RUN`
    /// (`from=<stage>` when the `COPY` had `--from`; a relative target is resolved
    /// against `WORKDIR`, as the `COPY` destination was). It is unsafe: the file is no
    /// longer in the image, the mount is read-only, and `--chown`/`--chmod` of the
    /// `COPY` no longer apply. No fix when the destination uses a variable, or names
    /// neither a directory (`dir/`, `.`) nor the file itself (`COPY req.txt /app` may
    /// copy into the directory `/app`).
    ///
    /// ## References
    /// - Docker docs: "Optimize cache usage in builds", section "Use bind mounts"
    /// - Docker docs: "Dockerfile reference", section "RUN --mount=type=bind"
    pub(crate) RULE {
        id: "prefer-bind-mount",
        summary: "File copied only to feed the next RUN; a bind mount keeps it out of the image",
        level: Off,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    for (i, copy) in insts.iter().enumerate() {
        if copy.kind != Kind::Copy {
            continue;
        }
        let Some(run) = insts.get(i + 1).filter(|r| r.kind == Kind::Run) else {
            continue;
        };
        let same_stage = ctx.model.stage_of(i).map(|s| s.index)
            == ctx.model.stage_of(i + 1).map(|s| s.index);
        if !same_stage || ctx.model.stage_of(i).is_none() {
            continue;
        }
        // `--chown`, `--chmod`, `--link`, `--parents`, `--exclude` have no bind-mount
        // equivalent worth suggesting.
        if copy.flags.iter().any(|f| f.name != "from") {
            continue;
        }
        let Some(args) = CopyArgs::of(copy) else {
            continue;
        };
        if args.heredocs > 0 || args.sources.is_empty() {
            continue;
        }
        // Files installed into system places are meant to stay (configuration, tools).
        let dest = unquote(&args.dest.text);
        if ["/etc/", "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"]
            .iter()
            .any(|dir| dest.starts_with(dir) || dest == dir.trim_end_matches('/'))
        {
            continue;
        }
        let mut files = Vec::new();
        for src in &args.sources {
            let path = unquote(&src.text);
            let name = path.rsplit('/').next().unwrap_or(path);
            let plain = !path.ends_with('/')
                && !has_glob(path)
                && !path.contains('$')
                && !name.is_empty()
                && name != "."
                && name != ".."
                // A file name (`requirements.txt`, `go.mod`, `.npmrc`, `kong.deb`): a
                // bare word (`/dotnet`) is usually a directory the image needs.
                && name.contains('.');
            if !plain {
                files.clear();
                break;
            }
            files.push((path, name));
        }
        if files.is_empty() {
            continue;
        }
        let run_text = &ctx.text[run.range.range()];
        if !files.iter().all(|(_, name)| mentions(run_text, name)) {
            continue;
        }
        // Needed again later (run time, another step): keep the COPY.
        let used_later = insts[i + 2..].iter().any(|later| {
            let text = &ctx.text[later.range.range()];
            files.iter().any(|(_, name)| mentions(text, name))
        });
        if used_later {
            continue;
        }
        let names: Vec<&str> = files.iter().map(|(_, n)| *n).collect();
        let d = acc.report(
            &RULE,
            copy.keyword_range,
            format!(
                "`{}` is copied only for the next RUN; a bind mount (`RUN --mount=type=bind,source=…`) keeps it out of the image's layers",
                names.join("`, `")
            ),
        );
        if let Some(edits) = fix(ctx, copy, run, &files, &args) {
            d.push_fix(
                Fix::new(
                    "Replace the COPY by bind mounts on the RUN",
                    Applicability::Unsafe,
                    edits,
                )
                .also_editing([run.range]),
            );
        }
    }
}

/// `name` appears in `text` as a whole path component (`requirements.txt` in
/// `-r requirements.txt` or `/app/requirements.txt`, not in `dev-requirements.txt`).
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        let boundary = |c: Option<char>| {
            c.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        };
        boundary(before) && boundary(after)
    })
}

fn fix(
    ctx: &RuleContext<'_>,
    copy: &Instruction,
    run: &Instruction,
    files: &[(&str, &str)],
    args: &CopyArgs<'_>,
) -> Option<Vec<TextEdit>> {
    let dest = unquote(&args.dest.text);
    if dest.contains('$') || dest.is_empty() {
        return None;
    }
    let into_dir = dest.ends_with('/') || dest == "." || files.len() > 1;
    // `COPY req.txt /app` copies into `/app` when that is a directory (a WORKDIR, say)
    // and writes the file `/app` otherwise: only the unambiguous `COPY x /dir/x` is
    // rewritten.
    if !into_dir && files.iter().any(|(_, name)| dest.rsplit('/').next() != Some(*name)) {
        return None;
    }
    let from = copy
        .flag("from")
        .and_then(|f| f.value.clone())
        .filter(|v| !v.contains('$'));
    let mut mounts = String::new();
    for (path, name) in files {
        let target = if into_dir {
            if dest == "." || dest == "./" {
                name.to_string()
            } else {
                format!("{}/{name}", dest.trim_end_matches('/'))
            }
        } else {
            dest.to_string()
        };
        let source = path.trim_start_matches("./");
        if [source, target.as_str()].iter().any(|s| s.contains([',', ' ', '"', '\''])) {
            return None;
        }
        mounts.push_str(" --mount=type=bind");
        if let Some(from) = &from {
            mounts.push_str(&format!(",from={from}"));
        }
        mounts.push_str(&format!(",source={source},target={target}"));
    }
    // Delete the COPY's whole lines (comments between it and the RUN stay).
    let delete = crate::fix::full_lines(ctx.text, copy.range);
    Some(vec![
        TextEdit::delete(delete),
        TextEdit::insert(run.keyword_range.end(), mounts),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_manifest_copied_for_install() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
FROM golang:1.23 AS build
COPY go.mod go.sum ./
RUN go mod download
"#,
            expect![[r#"
                3 | COPY requirements.txt .
                  | ^^^^ prefer-bind-mount: `requirements.txt` is copied only for the next RUN; a bind mount (`RUN --mount=type=bind,source=…`) keeps it out of the image's layers
            "#]],
        );
    }

    #[test]
    fn accepts_files_needed_later_dirs_globs_and_other_steps() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22-slim
COPY package.json package-lock.json ./
RUN npm ci
CMD ["node", "-e", "require('./package.json')"]
FROM python:3.12-slim
COPY requirements/ /tmp/req/
RUN pip install -r /tmp/req/base.txt
COPY *.txt /tmp/
RUN pip install -r /tmp/a.txt
COPY dev-requirements.txt /tmp/
RUN pip install -r /tmp/requirements.txt
COPY setup.sh /setup.sh
ENV X=1
RUN /setup.sh
COPY --from=installer ["/dotnet", "/usr/share/dotnet"]
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY --chmod=755 run.sh /tmp/run.sh
RUN /tmp/run.sh
COPY ubuntu.sources /etc/apt/sources.list.d/
RUN sed -i s/x/y/ /etc/apt/sources.list.d/ubuntu.sources
COPY jdk-download.sh /usr/bin/jdk-download.sh
RUN jdk-download.sh 21
COPY entry.sh /entry.sh
RUN chmod +x /entry.sh
ENTRYPOINT ["/entry.sh"]
COPY <<EOF /x.txt
hi
EOF
RUN cat /x.txt
"#,
        );
    }

    #[test]
    fn onbuild_and_windows_are_left_alone() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
ONBUILD COPY req.txt .
ONBUILD RUN pip install -r req.txt
COPY $FILE C:\app\
RUN type C:\app\x
"#,
        );
    }

    #[test]
    fn fix_replaces_copy_by_bind_mount() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --from=deps /out/lock.json /tmp/lock.json
RUN ["install-deps", "/tmp/lock.json"]
COPY . .
"#,
            expect![[r#"
                FROM python:3.12-slim
                WORKDIR /app
                RUN --mount=type=bind,source=requirements.txt,target=requirements.txt pip install --no-cache-dir -r requirements.txt
                RUN --mount=type=bind,from=deps,source=/out/lock.json,target=/tmp/lock.json ["install-deps", "/tmp/lock.json"]
                COPY . .
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
# dependencies first, for the cache
RUN pip install --no-cache-dir -r requirements.txt
"#,
            expect![[r#"
                FROM python:3.12-slim
                WORKDIR /app
                # dependencies first, for the cache
                RUN --mount=type=bind,source=requirements.txt,target=requirements.txt pip install --no-cache-dir -r requirements.txt
            "#]],
        );
    }

    #[test]
    fn no_fix_when_the_destination_may_be_a_directory() {
        let text = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt /app\nRUN pip install -r requirements.txt\n";
        let d = crate::rules::test_support::diagnostics_of(&RULE, text);
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}
