//! `invalid-flag`: a `--flag` that BuildKit refuses.

use std::collections::HashSet;

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::flags::{check_mount, check_value, flags_of, lookup, nearest, ValueKind};
use crate::semantic::mount::parse_mount;
use crate::syntax::{Flag, Instruction, Kind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports the instruction flags that make BuildKit stop the build:
    /// - a flag the instruction does not have (`COPY --form=build`, `ENV --x=1`;
    ///   names are case-sensitive, `--FROM` is unknown);
    /// - a flag given twice, except the repeatable `--mount`, `--exclude` and `--device`;
    /// - a missing value (`COPY --from /a /b`: every flag but the booleans needs
    ///   `=value`), or an empty boolean (`--link=`);
    /// - a bad value: a boolean other than `true`/`false` (`--link=yes`), a
    ///   `HEALTHCHECK` duration without unit or below 1ms (`--interval=5`), negative or
    ///   non-numeric `--retries`, a `--chmod` that is neither octal nor symbolic, a
    ///   `RUN --network` other than `default`/`none`/`host`, a `RUN --security` other
    ///   than `sandbox`/`insecure`;
    /// - a bad `RUN --mount`: unknown type or option (`tagret=`), an option without
    ///   value, `sharing` other than `shared`/`private`/`locked`, options that do not
    ///   belong to the mount type (`size` outside tmpfs, `uid`/`gid`/`mode` on bind or
    ///   tmpfs, `sharing` outside cache, `required` outside secret/ssh, `from` on a
    ///   secret), a secret without `id`/`target`.
    ///
    /// Values with a variable (`--network=$NET`) are not checked: they are only known
    /// at build time. The table of flags is in `semantic/flags.rs`. `--exclude` and
    /// `COPY --parents` are accepted although older stable frontends only know them
    /// under `# syntax=docker/dockerfile:1-labs`.
    ///
    /// Flags of `STOPSIGNAL` and of `HEALTHCHECK NONE` are reported too, although the
    /// build does not fail: BuildKit never reads them, so they are dead text that
    /// suggests an effect they do not have. `ARG --required` is accepted (recent
    /// BuildKit); other `ARG` flags are rejected by current frontends and silently
    /// dropped by older ones.
    ///
    /// A bind, cache or tmpfs mount without `target` is not reported: BuildKit mounts
    /// it on the working directory, and Docker's own Dockerfiles rely on that
    /// (`WORKDIR /usr/src/runc` then `RUN --mount=from=runc-src,src=/usr/src/runc,rw`).
    ///
    /// ## Why is this bad?
    /// `docker build` fails on the line ("Unknown flag: form", "Expecting boolean value
    /// for flag link", "time: missing unit in duration"), often after minutes of earlier
    /// steps in CI. Seeing it while typing saves the round trip.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --form=build /out/app /usr/local/bin/app
    /// HEALTHCHECK --interval=30 CMD curl -f http://localhost/ || exit 1
    /// RUN --mount=type=cache,tagret=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --from=build /out/app /usr/local/bin/app
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// An unknown flag name or mount option close to a known one (at most two edits)
    /// gets a fix replacing it with that name. It is safe when only the letter case
    /// differs (`--FROM`), unsafe otherwise: the nearest name is a guess. Bad values have
    /// no automatic fix: the intended value is unknown.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/instructions/bflag.go` (flag parsing),
    ///   `parse.go` (flags of each instruction, `parseOptInterval`),
    ///   `commands_runmount.go` (mount options), `commands_runnetwork.go`,
    ///   `commands_runsecurity.go`
    /// - dockerfile-utils (VS Code Docker extension) `FLAG_*` and `UNKNOWN_*_FLAG`
    ///   diagnostics
    /// - Dockerfile reference: "ADD", "COPY", "RUN --mount", "RUN --network",
    ///   "RUN --security", "HEALTHCHECK"
    pub(crate) RULE {
        id: "invalid-flag",
        summary: "Unknown, repeated or malformed instruction flag",
        level: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        check_instruction(inst, acc);
        if let Some(trigger) = &inst.trigger {
            check_instruction(trigger, acc);
        }
    }
}

fn check_instruction(inst: &Instruction, acc: &mut Diagnostics) {
    if inst.flags.is_empty() || inst.kind == Kind::Unknown {
        return;
    }
    let ignored = match inst.kind {
        Kind::Stopsignal => Some("STOPSIGNAL"),
        Kind::Healthcheck
            if inst
                .args
                .words
                .first()
                .is_some_and(|w| w.text.eq_ignore_ascii_case("none")) =>
        {
            Some("HEALTHCHECK NONE")
        }
        _ => None,
    };
    if let Some(what) = ignored {
        for f in &inst.flags {
            acc.report(
                &RULE,
                f.range,
                format!("{what} ignores flags: BuildKit drops `--{}` without effect; remove it", f.name),
            );
        }
        return;
    }
    let keyword = inst.kind.name();
    let mut seen: HashSet<&str> = HashSet::new();
    for f in &inst.flags {
        let Some(spec) = lookup(inst.kind, &f.name) else {
            unknown_flag(inst.kind, f, acc);
            continue;
        };
        if !seen.insert(spec.name) && !spec.repeatable {
            acc.report(
                &RULE,
                f.range,
                format!(
                    "`--{}` is given more than once; {keyword} accepts it only once",
                    f.name
                ),
            );
            continue;
        }
        if f.value.as_deref().is_some_and(|v| v.contains('$')) {
            continue;
        }
        if let Err(message) = check_value(spec, f.value.as_deref()) {
            let range = match (f.value.as_deref(), f.value_range) {
                (Some(v), Some(r)) if !v.is_empty() => r,
                _ => f.range,
            };
            acc.report(&RULE, range, message);
            continue;
        }
        if spec.value == ValueKind::Mount {
            check_mount_flag(f, acc);
        }
    }
}

fn unknown_flag(kind: Kind, f: &Flag, acc: &mut Diagnostics) {
    let keyword = kind.name();
    let names: Vec<&'static str> = flags_of(kind).map(|s| s.name).collect();
    if names.is_empty() {
        acc.report(
            &RULE,
            f.name_range,
            format!("{keyword} takes no flags; `--{}` is rejected by the build", f.name),
        );
        return;
    }
    let list = names
        .iter()
        .map(|n| format!("`--{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match nearest(&f.name, &names) {
        Some(s) => {
            let d = acc.report(
                &RULE,
                f.name_range,
                format!("{keyword} has no flag `--{}`; did you mean `--{s}`?", f.name),
            );
            if f.raw.starts_with("--") && written_plain(f) {
                let applicability = if f.name.eq_ignore_ascii_case(s) {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                d.with_fix(
                    format!("Replace `--{}` with `--{s}`", f.name),
                    applicability,
                    vec![TextEdit::replace(f.name_range, s)],
                );
            }
        }
        None => {
            acc.report(
                &RULE,
                f.name_range,
                format!(
                    "{keyword} has no flag `--{}`; its flags are {list}",
                    f.name
                ),
            );
        }
    }
}

/// The flag name is written as-is in the source (no quotes or escapes inside it).
fn written_plain(f: &Flag) -> bool {
    f.name_range.len() == f.name.len()
}

fn check_mount_flag(f: &Flag, acc: &mut Diagnostics) {
    let (Some(value), Some(range)) = (f.value.as_deref(), f.value_range) else {
        return;
    };
    let mount = parse_mount(value, range);
    let exact = range.len() == value.len();
    for p in check_mount(&mount) {
        let at = match p.option.and_then(|i| mount.options.get(i)) {
            Some(o) => o.range,
            None => range,
        };
        let d = acc.report(&RULE, at, format!("--mount: {}", p.message));
        if let (Some(s), Some(o), true) = (
            p.suggestion,
            p.option.and_then(|i| mount.options.get(i)),
            exact,
        ) {
            let written = &ctx_slice(value, range.start(), at);
            let lead = written.len() - written.trim_start().len();
            let key_range = TextRange::new(at.start() + lead, at.start() + lead + o.key.len());
            d.with_fix(
                format!("Replace `{}` with `{s}`", o.key),
                Applicability::Unsafe,
                vec![TextEdit::replace(key_range, s)],
            );
        }
    }
}

/// The part of `value` (written at `value_start`) covered by `at`.
fn ctx_slice(value: &str, value_start: usize, at: TextRange) -> &str {
    &value[at.start() - value_start..at.end() - value_start]
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of};
    use expect_test::expect;

    #[test]
    fn catches_unknown_and_repeated_flags() {
        check_rule(
            &RULE,
            r#"
FROM --platform=linux/amd64 --plataform=x alpine AS build
COPY --form=build /a /b
COPY --FROM=build --link --link /a /b
ENV --x=1 A=1
ADD --from=build /a /b
ONBUILD COPY --chmodd=755 /a /b
ONBUILD --x RUN true
"#,
            expect![[r#"
                1 | FROM --platform=linux/amd64 --plataform=x alpine AS build
                  |                               ^^^^^^^^^ invalid-flag: FROM has no flag `--plataform`; did you mean `--platform`?
                2 | COPY --form=build /a /b
                  |        ^^^^ invalid-flag: COPY has no flag `--form`; did you mean `--from`?
                3 | COPY --FROM=build --link --link /a /b
                  |        ^^^^ invalid-flag: COPY has no flag `--FROM`; did you mean `--from`?
                3 | COPY --FROM=build --link --link /a /b
                  |                          ^^^^^^ invalid-flag: `--link` is given more than once; COPY accepts it only once
                4 | ENV --x=1 A=1
                  |       ^ invalid-flag: ENV takes no flags; `--x` is rejected by the build
                5 | ADD --from=build /a /b
                  |       ^^^^ invalid-flag: ADD has no flag `--from`; its flags are `--chown`, `--chmod`, `--link`, `--keep-git-dir`, `--checksum`, `--unpack`, `--exclude`
                6 | ONBUILD COPY --chmodd=755 /a /b
                  |                ^^^^^^ invalid-flag: COPY has no flag `--chmodd`; did you mean `--chmod`?
                7 | ONBUILD --x RUN true
                  |           ^ invalid-flag: ONBUILD takes no flags; `--x` is rejected by the build
            "#]],
        );
    }

    #[test]
    fn catches_bad_values() {
        check_rule(
            &RULE,
            r#"
FROM alpine
COPY --from /a /b
COPY --link=maybe --chmod=rwxr-xr-x /a /b
ADD --link= /a /b
HEALTHCHECK --interval=5 --timeout=1m --start-period=10x --retries=-1 CMD true
HEALTHCHECK --start-interval=500us CMD true
HEALTHCHECK --interval=5s NONE
STOPSIGNAL --x SIGTERM
ARG --required=maybe A
RUN --network=bridge --security=root true
"#,
            expect![[r#"
                2 | COPY --from /a /b
                  |      ^^^^^^ invalid-flag: `--from` needs a value: write `--from=<value>`
                3 | COPY --link=maybe --chmod=rwxr-xr-x /a /b
                  |             ^^^^^ invalid-flag: `--link` expects `true` or `false`, not `maybe`
                3 | COPY --link=maybe --chmod=rwxr-xr-x /a /b
                  |                           ^^^^^^^^^ invalid-flag: `rwxr-xr-x` is not a file mode; write it in octal (`755`, `0644`) or symbolically (`u+x`, `a=rX`)
                4 | ADD --link= /a /b
                  |     ^^^^^^^ invalid-flag: `--link=` has an empty value; write `--link` or `--link=false`
                5 | HEALTHCHECK --interval=5 --timeout=1m --start-period=10x --retries=-1 CMD true
                  |                        ^ invalid-flag: `--interval=5` has no unit; write `5s` for seconds
                5 | HEALTHCHECK --interval=5 --timeout=1m --start-period=10x --retries=-1 CMD true
                  |                                                      ^^^ invalid-flag: `10x` is not a duration; write a number with a unit (`30s`, `5m`, `1h30m`)
                5 | HEALTHCHECK --interval=5 --timeout=1m --start-period=10x --retries=-1 CMD true
                  |                                                                    ^^ invalid-flag: `--retries` cannot be negative
                6 | HEALTHCHECK --start-interval=500us CMD true
                  |                              ^^^^^ invalid-flag: `--start-interval` must be 0 or at least 1ms; `500us` is rejected by the build
                7 | HEALTHCHECK --interval=5s NONE
                  |             ^^^^^^^^^^^^^ invalid-flag: HEALTHCHECK NONE ignores flags: BuildKit drops `--interval` without effect; remove it
                8 | STOPSIGNAL --x SIGTERM
                  |            ^^^ invalid-flag: STOPSIGNAL ignores flags: BuildKit drops `--x` without effect; remove it
                9 | ARG --required=maybe A
                  |                ^^^^^ invalid-flag: `--required` expects `true` or `false`, not `maybe`
                10 | RUN --network=bridge --security=root true
                   |               ^^^^^^ invalid-flag: `bridge` is not a valid `--network` value; use one of `default`, `none`, `host`
                10 | RUN --network=bridge --security=root true
                   |                                 ^^^^ invalid-flag: `root` is not a valid `--security` value; use one of `sandbox`, `insecure`
            "#]],
        );
    }

    #[test]
    fn catches_bad_mounts() {
        check_rule(
            &RULE,
            r#"
FROM alpine
RUN --mount=type=volume,target=/x true
RUN --mount=type=cache,tagret=/root/.cache true
RUN --mount=type=cache,target=/x,sharing=exclusive,uid=abc true
RUN --mount=type=bind,source=.,target=/src,size=10m,mode=0644 true
RUN --mount=type=secret,from=build,sharing=locked true
RUN --mount=type=bind,target=/x,required true
RUN --mount=type=bind,target=/x,readonly=maybe,bogus true
"#,
            expect![[r#"
                2 | RUN --mount=type=volume,target=/x true
                  |             ^^^^^^^^^^^ invalid-flag: --mount: unknown mount type `volume`; use `bind`, `cache`, `tmpfs`, `secret` or `ssh`
                3 | RUN --mount=type=cache,tagret=/root/.cache true
                  |                        ^^^^^^^^^^^^^^^^^^^ invalid-flag: --mount: unknown mount option `tagret`; did you mean `target`?
                4 | RUN --mount=type=cache,target=/x,sharing=exclusive,uid=abc true
                  |                                  ^^^^^^^^^^^^^^^^^ invalid-flag: --mount: unknown sharing mode `exclusive`; use `shared`, `private` or `locked`
                4 | RUN --mount=type=cache,target=/x,sharing=exclusive,uid=abc true
                  |                                                    ^^^^^^^ invalid-flag: --mount: `uid` expects a numeric id, not `abc`
                5 | RUN --mount=type=bind,source=.,target=/src,size=10m,mode=0644 true
                  |                                            ^^^^^^^^ invalid-flag: --mount: `size` only applies to tmpfs mounts, not `bind`
                5 | RUN --mount=type=bind,source=.,target=/src,size=10m,mode=0644 true
                  |                                                     ^^^^^^^^^ invalid-flag: --mount: `mode` is not allowed on `bind` mounts (only cache, secret and ssh)
                6 | RUN --mount=type=secret,from=build,sharing=locked true
                  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-flag: --mount: a secret mount needs `id=…` (or `target=…`) to say which secret to mount
                6 | RUN --mount=type=secret,from=build,sharing=locked true
                  |                         ^^^^^^^^^^ invalid-flag: --mount: a secret mount cannot have `from`
                6 | RUN --mount=type=secret,from=build,sharing=locked true
                  |                                    ^^^^^^^^^^^^^^ invalid-flag: --mount: `sharing` only applies to cache mounts, not `secret`
                7 | RUN --mount=type=bind,target=/x,required true
                  |                                 ^^^^^^^^ invalid-flag: --mount: `required` only applies to secret and ssh mounts, not `bind`
                8 | RUN --mount=type=bind,target=/x,readonly=maybe,bogus true
                  |                                 ^^^^^^^^^^^^^^ invalid-flag: --mount: `readonly` expects a boolean (`true`, `false`, `1`, `0`), not `maybe`
                8 | RUN --mount=type=bind,target=/x,readonly=maybe,bogus true
                  |                                                ^^^^^ invalid-flag: --mount: unknown mount option `bogus`
            "#]],
        );
    }

    #[test]
    fn accepts_valid_flags() {
        check_rule_not(
            &RULE,
            r#"
ARG NET=none
FROM --platform=$BUILDPLATFORM golang:1.23 AS build
COPY --from=build --chown=app:app --chmod=0755 --link /a /b
COPY --chmod=u+x,go=rX --link=false --parents --exclude=*.md --exclude=*.txt /a /b
ADD --checksum=sha256:abc --keep-git-dir=true --unpack=TRUE https://x/y.tar /y
RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip,uid=1000,mode=0755 \
    --mount=type=secret,id=npmrc,target=/root/.npmrc,required=true \
    --mount=type=secret,id=tok,env=TOKEN,required \
    --mount=type=ssh --mount=type=bind,from=build,source=/out,target=/out,rw \
    --mount=type=tmpfs,target=/tmp,size=64m --mount=target=/x,type=$TYPE \
    --network=$NET --security=insecure true
RUN --network=none --device=nvidia.com/gpu=all true
RUN --mount=from=build,src=/out,rw --mount=ro --mount=type=tmpfs true
HEALTHCHECK --interval=30s --timeout=1m30s --start-period=0 --start-interval=1.5s --retries=3 CMD true
ARG --required TOKEN
ONBUILD COPY --from=build /a /b
RUN -- --not-a-flag
"#,
        );
    }

    #[test]
    fn fixes_near_names() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine AS build
COPY --FROM=build /a /b
COPY --form=build /a /b
RUN --mount=type=cache,tagret=/root/.cache true
"#,
            expect![[r#"
                FROM alpine AS build
                COPY --from=build /a /b
                COPY --from=build /a /b
                RUN --mount=type=cache,target=/root/.cache true
            "#]],
        );
    }

    #[test]
    fn fixes_onbuild_triggers_and_escape_files() {
        check_rule_fixes(
            &RULE,
            r#"
# escape=`
FROM alpine AS build
ONBUILD COPY --form=build /a /b
COPY `
  --chmod=755 --FROM=build /a /b
"#,
            expect![[r#"
                --- Replace `--form` with `--from` (unsafe)
                # escape=`
                FROM alpine AS build
                ONBUILD COPY --from=build /a /b
                COPY `
                  --chmod=755 --FROM=build /a /b
                --- Replace `--FROM` with `--from` (safe)
                # escape=`
                FROM alpine AS build
                ONBUILD COPY --form=build /a /b
                COPY `
                  --chmod=755 --from=build /a /b
            "#]],
        );
    }

    #[test]
    fn no_fix_without_a_close_name() {
        let diags = diagnostics_of(&RULE, "FROM alpine\nCOPY --frobnicate=1 a b\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.is_empty());
    }
}
