//! Tests of the reference text: coverage of every instruction, flag, mount option,
//! directive and automatic ARG the rest of the server knows; examples that our parser
//! reads; Markdown that renders (line length, code spans, fences); snapshots of a few
//! full entries.

use expect_test::expect;

use super::*;
use crate::semantic::flags::{self as spec, check_mount, MOUNT_KEYS, MOUNT_TYPES};
use crate::semantic::mount::parse_mount;
use crate::syntax::{self, DirectiveKind};
use crate::text::TextRange;

/// The fenced ```dockerfile blocks of a Markdown text.
fn examples(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(lang)) => {
                assert_eq!(
                    lang, "dockerfile",
                    "fence without the dockerfile tag in:\n{md}"
                );
                current = Some(String::new());
            }
            (Some(_), Some("")) => out.push(current.take().unwrap()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "unclosed fence in:\n{md}");
    out
}

/// Every Markdown text of the module, with a name for messages.
fn all_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for d in instructions() {
        out.push((format!("instruction {}", d.kind.name()), d.markdown()));
    }
    for d in flags::FLAG_DOCS {
        out.push((
            format!("{} --{}", d.kind.name(), d.name),
            d.markdown.to_string(),
        ));
    }
    for d in mount_types() {
        out.push((format!("mount type {}", d.typ), d.markdown.to_string()));
    }
    for t in mounts::MOUNT_OPTION_TABLES {
        for d in t.iter() {
            out.push((
                format!("mount option {} {}", d.typ, d.keys[0]),
                d.markdown.to_string(),
            ));
        }
    }
    for (name, md) in directives::DIRECTIVE_DOCS {
        out.push((format!("directive {name}"), md.to_string()));
    }
    out.push(("heredoc".to_string(), heredoc().to_string()));
    for (name, md) in args::ARG_DOCS {
        out.push((format!("arg {name}"), md.to_string()));
    }
    out
}

/// The problems of one line outside code blocks: unbalanced code spans, HTML, tables.
fn inline_problems(line: &str) -> Option<String> {
    if line.trim_start().starts_with('|') {
        return Some("a table row".to_string());
    }
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let n = b[i..].iter().take_while(|&&c| c == b'`').count();
            // Find the closing run of exactly n backticks.
            let mut j = i + n;
            let close = loop {
                if j >= b.len() {
                    break None;
                }
                if b[j] == b'`' {
                    let m = b[j..].iter().take_while(|&&c| c == b'`').count();
                    if m == n {
                        break Some(j + m);
                    }
                    j += m;
                } else {
                    j += 1;
                }
            };
            match close {
                Some(end) => i = end,
                None => return Some(format!("unbalanced code span at column {i}")),
            }
        } else if b[i] == b'<'
            && b.get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/')
        {
            return Some(format!("HTML-like `<` outside code at column {i}"));
        } else {
            i += 1;
        }
    }
    None
}

#[test]
fn markdown_renders() {
    let mut problems = Vec::new();
    for (name, md) in all_texts() {
        if md.trim().is_empty() {
            problems.push(format!("{name}: empty"));
        }
        let mut in_fence = false;
        for (n, line) in md.lines().enumerate() {
            let at = format!("{name}, line {}", n + 1);
            let chars = line.chars().count();
            if chars > 100 {
                problems.push(format!("{at}: {chars} characters"));
            }
            if line != line.trim_end() {
                problems.push(format!("{at}: trailing whitespace"));
            }
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            } else if !in_fence {
                if let Some(p) = inline_problems(line) {
                    problems.push(format!("{at}: {p}: {line}"));
                }
            }
        }
        if in_fence {
            problems.push(format!("{name}: unclosed fence"));
        }
        if md != md.trim_end() {
            problems.push(format!("{name}: trailing blank lines"));
        }
        examples(&md);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn markdown_check_catches_mistakes() {
    assert!(inline_problems("a `code` span").is_none());
    assert!(inline_problems("``# escape=` `` twice").is_none());
    assert!(inline_problems("an `unclosed span").is_some());
    assert!(inline_problems("a <b>tag</b>").is_some());
    assert!(inline_problems("| a | b |").is_some());
    assert!(inline_problems("x < y").is_none());
}

#[test]
fn every_instruction_is_documented() {
    assert_eq!(instructions().len(), Kind::ALL.len());
    for kind in Kind::ALL {
        let d = instruction(kind).unwrap_or_else(|| panic!("{} undocumented", kind.name()));
        assert_eq!(d.kind, kind);
        let anchor = d
            .reference
            .strip_prefix(REFERENCE)
            .and_then(|r| r.strip_prefix('#'))
            .unwrap_or_else(|| panic!("{}: bad reference {}", kind.name(), d.reference));
        let expected = match kind {
            Kind::Maintainer => "maintainer-deprecated".to_string(),
            _ => kind.name().to_ascii_lowercase(),
        };
        assert_eq!(anchor, expected);
        assert!(
            d.summary.ends_with('.') && !d.summary.contains('\n') && d.summary.len() < 120,
            "{}: the summary is one short sentence: {}",
            kind.name(),
            d.summary
        );
        assert!(
            d.body.starts_with(&format!("`{} ", kind.name())),
            "{}: the body starts with the synopsis",
            kind.name()
        );
        let examples = examples(d.body);
        assert_eq!(examples.len(), 1, "{}: one example", kind.name());
        let parsed = syntax::parse(&examples[0]);
        assert!(
            parsed.errors.is_empty(),
            "{}: example does not parse: {:?}",
            kind.name(),
            parsed.errors
        );
        let lines = examples[0].lines().count();
        assert!(
            (1..=7).contains(&lines),
            "{}: example of {lines} lines",
            kind.name()
        );
        assert_eq!(
            parsed.instructions.first().map(|i| i.kind),
            Some(kind),
            "{}: the example starts with the instruction",
            kind.name()
        );
    }
    assert!(instruction(Kind::Unknown).is_none());
}

#[test]
fn instruction_bodies_leave_the_cache_to_cache_explain() {
    for d in instructions() {
        let body = d.body.to_ascii_lowercase();
        assert!(
            !body.contains("cache") || d.kind == Kind::Run,
            "{}: build-cache text belongs to the Build cache section",
            d.kind.name()
        );
    }
    // RUN names the cache *mount* type only.
    let run = instruction(Kind::Run).unwrap().body.to_ascii_lowercase();
    assert!(!run.contains("build cache") && !run.contains("invalidat"));
}

#[test]
fn every_flag_is_documented() {
    for s in spec::FLAGS {
        let d = flag_doc(s.instruction, s.name)
            .unwrap_or_else(|| panic!("{} --{} undocumented", s.instruction.name(), s.name));
        let what = format!("{} --{}", s.instruction.name(), s.name);
        assert!(
            d.markdown.starts_with(&format!("`--{}", s.name)),
            "{what}: starts with its signature"
        );
        assert!(
            d.reference.starts_with(REFERENCE),
            "{what}: {}",
            d.reference
        );
        let signature = d.markdown.lines().next().unwrap();
        match s.since {
            "1.0" => assert!(!signature.contains("Dockerfile 1."), "{what}: {signature}"),
            "recent" => assert!(signature.contains("recent"), "{what}: {signature}"),
            since => assert!(
                signature.contains(&format!("Dockerfile {since}")),
                "{what}: the signature names version {since}: {signature}"
            ),
        }
        if let spec::ValueKind::Choice(words) = s.value {
            for w in words {
                assert!(d.markdown.contains(&format!("`{w}`")), "{what}: value {w}");
            }
        }
        let examples = examples(d.markdown);
        assert_eq!(examples.len(), 1, "{what}: one example");
        let parsed = syntax::parse(&examples[0]);
        assert!(parsed.errors.is_empty(), "{what}: {:?}", parsed.errors);
        let first = &parsed.instructions[0];
        assert_eq!(first.kind, s.instruction, "{what}: example instruction");
        let used = first
            .flag(s.name)
            .unwrap_or_else(|| panic!("{what}: the example does not use the flag"));
        assert_eq!(
            spec::check_value(s, used.value.as_deref()),
            Ok(()),
            "{what}: the example's value is valid"
        );
    }
    for d in flags::FLAG_DOCS {
        assert!(
            spec::lookup(d.kind, d.name).is_some(),
            "{} --{} is documented but unknown to semantic/flags.rs",
            d.kind.name(),
            d.name
        );
    }
    assert_eq!(flags_of(Kind::Healthcheck).count(), 5);
    assert!(flag(Kind::Copy, "FROM").is_none());
    assert!(flag(Kind::Add, "from").is_none());
    assert!(flag(Kind::Unknown, "").is_none());
}

#[test]
fn flag_defaults_match_the_table() {
    for (name, default) in [
        ("interval", "`30s`"),
        ("timeout", "`30s`"),
        ("start-period", "`0s`"),
        ("start-interval", "`5s`"),
        ("retries", "`3`"),
    ] {
        let md = flag(Kind::Healthcheck, name).unwrap();
        assert!(
            md.lines()
                .next()
                .unwrap()
                .contains(&format!("(default {default})")),
            "--{name}"
        );
        let body = instruction(Kind::Healthcheck).unwrap().body;
        assert!(
            body.contains(&format!("`--{name}`")),
            "HEALTHCHECK lists --{name}"
        );
    }
}

/// A value BuildKit accepts for a mount option, to test the option on every type.
fn sample(key: &str) -> &'static str {
    match key {
        "type" => "bind",
        "mode" => "0644",
        "uid" | "gid" => "1000",
        "size" => "64m",
        "sharing" => "locked",
        "readonly" | "ro" | "readwrite" | "rw" | "required" => "true",
        _ => "x",
    }
}

#[test]
fn mount_options_agree_with_check_mount() {
    for typ in MOUNT_TYPES {
        assert!(mount_type(typ).is_some(), "mount type {typ}");
        for key in MOUNT_KEYS {
            let value = if *key == "type" { typ } else { sample(key) };
            let text = format!("type={typ},{key}={value}");
            let m = parse_mount(&text, TextRange::new(0, text.len()));
            let rejected = check_mount(&m).iter().any(|p| p.option == Some(1));
            let documented = mount_option(typ, key).is_some();
            assert!(
                !(documented && rejected),
                "`{key}` is documented for {typ} mounts but check_mount rejects it"
            );
            if rejected {
                assert!(!documented, "{typ} {key}");
            }
        }
        for d in mount_options(typ) {
            for k in d.keys {
                assert!(MOUNT_KEYS.contains(k), "{typ}: `{k}` unknown to flags.rs");
            }
        }
    }
    for key in MOUNT_KEYS {
        assert!(
            MOUNT_TYPES.iter().any(|t| mount_option(t, key).is_some()),
            "mount option `{key}` has no text for any type"
        );
    }
    for t in mounts::MOUNT_OPTION_TABLES {
        for d in t.iter() {
            assert!(MOUNT_TYPES.contains(&d.typ), "{}", d.typ);
        }
    }
}

#[test]
fn mount_options_the_brief_lists() {
    let expected: &[(&str, &[&str])] = &[
        (
            "bind",
            &[
                "type",
                "target",
                "dst",
                "destination",
                "source",
                "src",
                "from",
                "rw",
            ],
        ),
        ("bind", &["readwrite", "readonly", "ro"]),
        (
            "cache",
            &[
                "type", "id", "target", "ro", "readonly", "sharing", "from", "source",
            ],
        ),
        ("cache", &["mode", "uid", "gid"]),
        ("tmpfs", &["type", "target", "size"]),
        (
            "secret",
            &[
                "type", "id", "target", "dst", "env", "required", "mode", "uid", "gid",
            ],
        ),
        (
            "ssh",
            &["type", "id", "target", "required", "mode", "uid", "gid"],
        ),
    ];
    for (typ, keys) in expected {
        for key in *keys {
            assert!(mount_option(typ, key).is_some(), "{typ} {key}");
        }
    }
    // Aliases share one text; case does not matter, as in BuildKit.
    assert_eq!(mount_option("bind", "dst"), mount_option("bind", "target"));
    assert_eq!(
        mount_option("CACHE", "Sharing"),
        mount_option("cache", "sharing")
    );
    // Defaults differ per type.
    assert!(mount_option("cache", "mode").unwrap().contains("`0755`"));
    assert!(mount_option("secret", "mode").unwrap().contains("`0400`"));
    assert!(mount_option("ssh", "mode").unwrap().contains("`0600`"));
    // Options that mean nothing for a type, and nonsense.
    assert!(mount_option("cache", "size").is_none());
    assert!(mount_option("bind", "sharing").is_none());
    assert!(mount_option("tmpfs", "mode").is_none());
    assert!(mount_option("nfs", "target").is_none());
    assert!(mount_option("", "").is_none());
    assert!(mount_type("").is_none());
    assert_eq!(
        mount_options("cache").next().map(|d| d.keys[0]),
        Some("type")
    );
    assert_eq!(mount_types()[0].typ, "bind");
}

#[test]
fn mount_examples_use_their_type() {
    let mut texts: Vec<(String, &str)> = mount_types()
        .iter()
        .map(|d| (d.typ.to_string(), d.markdown))
        .collect();
    for t in mounts::MOUNT_OPTION_TABLES {
        for d in t.iter() {
            texts.push((d.typ.to_string(), d.markdown));
        }
    }
    for (typ, md) in texts {
        for ex in examples(md) {
            let parsed = syntax::parse(&ex);
            assert!(parsed.errors.is_empty(), "{ex}");
            let run = &parsed.instructions[0];
            assert_eq!(run.kind, Kind::Run, "{ex}");
            let mounts = crate::semantic::mount::mounts(run);
            assert!(
                mounts.iter().any(|m| m.typ == typ),
                "{ex} has no {typ} mount"
            );
            for m in &mounts {
                assert_eq!(check_mount(m), vec![], "{ex}");
            }
        }
    }
}

#[test]
fn directives_are_documented() {
    for (name, kind) in [
        ("syntax", DirectiveKind::Syntax),
        ("escape", DirectiveKind::Escape),
        ("check", DirectiveKind::Check),
    ] {
        let md = directive(name).unwrap_or_else(|| panic!("{name}"));
        assert!(
            md.contains("ordinary comment"),
            "{name}: says what happens when misplaced"
        );
        let ex = &examples(md)[0];
        let parsed = syntax::parse(ex);
        assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
        assert!(
            parsed.directive(kind).is_some(),
            "{name}: example declares it"
        );
        assert_eq!(directive(&name.to_ascii_uppercase()), Some(md));
    }
    assert!(directive("unknown").is_none());
    assert!(directive("").is_none());
}

#[test]
fn heredoc_text_and_example() {
    let md = heredoc();
    for fact in ["<<-EOF", "<<\"EOF\"", "expanded", "tabs"] {
        assert!(md.contains(fact), "{fact}");
    }
    let parsed = syntax::parse(&examples(md)[0]);
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.instructions[0].heredocs.len(), 1);
    assert!(HEREDOC_REFERENCE.starts_with(REFERENCE));
}

#[test]
fn automatic_args_are_documented() {
    for name in crate::semantic::AUTOMATIC_ARGS
        .iter()
        .chain(crate::semantic::PREDEFINED_ARGS)
    {
        let md = automatic_arg(name).unwrap_or_else(|| panic!("{name}"));
        assert!(md.starts_with(&format!("`{name}")), "{name}: {md}");
    }
    for (name, _) in args::ARG_DOCS {
        assert!(
            crate::semantic::AUTOMATIC_ARGS.contains(name)
                || crate::semantic::PREDEFINED_ARGS.contains(name),
            "{name} is documented but unknown to the semantic layer"
        );
    }
    assert!(automatic_arg("targetplatform").is_none());
    assert!(automatic_arg("VERSION").is_none());
}

#[test]
fn snapshot_from() {
    expect![[r#"
        **FROM**: Starts a new build stage from a base image (or `scratch`, or an earlier stage).

        `FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]`

        The stage's filesystem and configuration start as those of `<image>`. The last stage is
        the image that gets built, unless `docker build --target` names another.

        - Without a tag or digest the builder uses `latest`. A tag can move to new content over
          time; a digest (`@sha256:…`) always names the same image.
        - `AS <name>` names the stage for `FROM <name>`, `COPY --from=<name>` and
          `RUN --mount=from=<name>`. Stage names are case-insensitive.
        - Only `ARG` may come before the first `FROM`. Those global args can be used in `FROM`
          lines (`FROM node:${NODE_VERSION}`), but inside a stage only after `ARG <name>` again.
        - `FROM scratch` starts from an empty filesystem.

        ```dockerfile
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/server .

        FROM gcr.io/distroless/static-debian12:nonroot
        COPY --from=build /out/server /server
        ```

        [Dockerfile reference](https://docs.docker.com/reference/dockerfile/#from)"#]]
    .assert_eq(&instruction(Kind::From).unwrap().markdown());
}

#[test]
fn snapshot_run_mount() {
    expect![[r#"
        `--mount=[type=<type>][,<option>=<value>…]` · Dockerfile 1.2+

        Mounts something into the build container for this command only; nothing under the
        mount point ends up in the layer. Repeat the flag for several mounts.

        - `bind` (default): files of the build context, or of a stage or image with `from=`;
        - `cache`: a directory kept between builds, for package and compiler caches;
        - `tmpfs`: a scratch directory in memory;
        - `secret`: a secret passed with `docker build --secret`, as a file or variable;
        - `ssh`: the SSH agent passed with `docker build --ssh`.

        ```dockerfile
        RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
        ```"#]]
    .assert_eq(flag(Kind::Run, "mount").unwrap());
}

#[test]
fn snapshot_cache_sharing() {
    expect![[r#"
        `sharing=shared|private|locked` (default `shared`)

        What happens when several builds use the same cache at the same time:

        - `shared`: all of them read and write it at once;
        - `private`: each additional user gets a new, empty cache;
        - `locked`: later users wait until the first one is done.

        Use `locked` for tools that cannot share their cache, such as apt.

        ```dockerfile
        RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
            apt-get update && apt-get install -y --no-install-recommends curl
        ```"#]]
    .assert_eq(mount_option("cache", "sharing").unwrap());
}
