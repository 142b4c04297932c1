//! Unit tests of the cache model: one group per bullet of the model (text, ARG/ENV,
//! COPY/ADD sources, mounts, base image, the chain and `--link`), multi-stage graphs,
//! and the pitfalls.

use super::*;
use crate::syntax;

fn model(text: &str) -> (Dockerfile, Model, CacheModel) {
    let syntax = syntax::parse(text);
    let model = Model::build(text, &syntax);
    let cache = CacheModel::build(text, &syntax, &model);
    (syntax, model, cache)
}

/// `rebuilt_by` as 1-based line numbers of the instructions' first lines.
fn rebuilt_lines(text: &str, line: usize) -> Vec<usize> {
    let (syntax, _, cache) = model(text);
    let line_of = |i: usize| {
        text[..syntax.instructions[i].range.start()]
            .matches('\n')
            .count()
            + 1
    };
    let i = (0..syntax.instructions.len())
        .find(|&i| line_of(i) == line)
        .expect("an instruction on that line");
    cache.rebuilt_by(i).into_iter().map(line_of).collect()
}

#[test]
fn chain_rebuilds_later_steps_of_the_stage() {
    let text =
        "FROM alpine:3.20\nRUN apk add curl\nLABEL a=b\nCOPY app /app\nRUN make\nCMD [\"/app\"]\n";
    assert_eq!(rebuilt_lines(text, 2), vec![4, 5]);
    assert_eq!(rebuilt_lines(text, 1), vec![2, 4, 5]);
    // Configuration only: nothing runs again.
    assert_eq!(rebuilt_lines(text, 3), Vec::<usize>::new());
    assert_eq!(rebuilt_lines(text, 5), Vec::<usize>::new());
}

#[test]
fn run_key_is_the_command_text_only() {
    // `apt-get update` alone: nothing but its text is in the key, so it stays cached
    // forever (the stale-index trap), and the model says so.
    let text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n";
    let (_, _, cache) = model(text);
    let inputs = cache.depends_on(1);
    assert!(inputs.sources.is_empty() && inputs.mounts.is_empty());
    assert!(inputs.vars_used.is_empty() && inputs.args_in_env.is_empty());
    assert_eq!((inputs.previous, inputs.on_base), (None, true));
    assert!(matches!(
        cache.pitfalls(1),
        [Pitfall::UpdateWithoutInstall { command, sub, .. }] if command == "apt-get" && sub == "update"
    ));
    assert_eq!(cache.depends_on(2).previous, Some(1));
    assert!(cache.pitfalls(2).is_empty());
}

#[test]
fn arg_invalidates_from_its_first_use_not_its_declaration() {
    let text =
        "FROM alpine\nWORKDIR /src\nARG VERSION=1\nCOPY app /app\nRUN echo $VERSION $HOME $f\nRUN make\n";
    // Changing the ARG (or passing another --build-arg): the COPY that does not name
    // it keeps its cache; the first RUN after it sees it in its environment.
    assert_eq!(rebuilt_lines(text, 3), vec![5, 6]);
    let (_, _, cache) = model(text);
    assert_eq!(cache.depends_on(4).vars_used, vec!["VERSION"]);
    assert_eq!(cache.depends_on(4).args_in_env, vec!["VERSION"]);
    // A RUN sees every ARG of the stage declared before it, named or not.
    assert_eq!(cache.depends_on(5).args_in_env, vec!["VERSION"]);
    assert!(cache.depends_on(5).vars_used.is_empty());
    // Named by a COPY: that COPY is the first to rebuild.
    let text = "FROM alpine\nARG DIR=app\nCOPY a /a\nCOPY $DIR /app\nRUN make\n";
    assert_eq!(rebuilt_lines(text, 2), vec![4, 5]);
}

#[test]
fn global_args_reach_from_lines_and_redeclarations() {
    let text = "ARG BASE=alpine:3.20\nARG V=1\nFROM $BASE\nRUN echo hi\nFROM alpine AS other\nARG V\nCOPY x /x\nRUN echo $V\n";
    // The base image changes: the whole first stage.
    assert_eq!(rebuilt_lines(text, 1), vec![4]);
    // A global ARG redeclared without value in a stage takes the new default there.
    assert_eq!(rebuilt_lines(text, 2), vec![8]);
}

#[test]
fn env_is_seen_by_run_and_inherited_by_child_stages() {
    let text =
        "FROM alpine AS base\nENV PORT=80\nCOPY a /a\nFROM base AS app\nCOPY b /b\nRUN ./serve\n";
    // COPY does not read the environment; RUN does, also in a stage built on it.
    assert_eq!(rebuilt_lines(text, 2), vec![6]);
    let (_, _, cache) = model(text);
    assert_eq!(cache.depends_on(5).env_seen, vec!["PORT"]);
    // USER and SHELL are read by RUN only.
    let text = "FROM alpine\nCOPY a /a\nUSER app\nCOPY b /b\nRUN id\n";
    assert_eq!(rebuilt_lines(text, 3), vec![5]);
    // A later ENV with a constant value replaces the changed one.
    let text = "FROM alpine\nENV A=1\nENV A=2\nRUN echo $A\n";
    assert_eq!(rebuilt_lines(text, 2), Vec::<usize>::new());
}

#[test]
fn copy_sources_flags_and_remote_inputs() {
    let text = r#"FROM alpine
ARG CFG=conf
COPY --chown=app:app --chmod=644 package.json "package-lock.json" ./
COPY $CFG/app.yml /etc/
ADD https://example.com/a.tgz /tmp/
ADD --checksum=sha256:0123 https://example.com/b.tgz /tmp/
ADD https://github.com/moby/buildkit.git#v0.14.0 /src
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
COPY <<EOF /etc/motd
hi
EOF
"#;
    let (_, _, cache) = model(text);
    let d = cache.depends_on(2);
    let pats: Vec<&str> = d.sources.iter().map(|s| s.pattern.as_str()).collect();
    assert_eq!(pats, ["package.json", "package-lock.json"]);
    assert_eq!(
        (d.chown.as_deref(), d.chmod.as_deref()),
        (Some("app:app"), Some("644"))
    );
    assert_eq!(cache.context_sources(3), vec!["conf/app.yml"]);
    assert_eq!(
        cache.depends_on(4).sources[0].kind,
        SourceKind::Url { checksum: false }
    );
    assert_eq!(
        cache.depends_on(5).sources[0].kind,
        SourceKind::Url { checksum: true }
    );
    assert_eq!(
        cache.depends_on(6).sources[0].kind,
        SourceKind::Git {
            reference: Some("v0.14.0".into()),
            checksum: false
        }
    );
    assert_eq!(
        cache.depends_on(7).sources[0].kind,
        SourceKind::Image("nginx:1.27".into())
    );
    assert!(cache.context_sources(7).is_empty());
    assert_eq!(cache.depends_on(8).sources[0].kind, SourceKind::Heredoc);
}

#[test]
fn dockerignore_exclusions_of_copied_sources() {
    let text = "FROM node:22\nCOPY . .\nCOPY dist/app.js /srv/\nCOPY src /src\n";
    let (_, _, cache) = model(text);
    let ignore = DockerIgnore::parse(".dockerignore", "node_modules\ndist\nsrc/**/*.test.js\n");
    let whole = cache.ignored_sources(1, &ignore);
    assert!(
        matches!(&whole[..], [Ignored { effect: IgnoreEffect::Partly(p), .. }] if p.len() == 3)
    );
    assert!(matches!(
        &cache.ignored_sources(2, &ignore)[..],
        [Ignored { effect: IgnoreEffect::Excluded(p), .. }] if p.pattern == "dist"
    ));
    assert!(matches!(
        &cache.ignored_sources(3, &ignore)[..],
        [Ignored { effect: IgnoreEffect::Partly(p), .. }] if p[0].pattern == "src/**/*.test.js"
    ));
}

#[test]
fn mounts_bind_in_the_key_cache_and_secret_not() {
    let text = "FROM golang:1.22 AS deps\nRUN go env\nFROM golang:1.22\nRUN --mount=type=bind,source=go.mod,target=go.mod --mount=type=cache,target=/root/.cache/go-build --mount=type=secret,id=npmrc --mount=type=bind,from=deps,source=/go,target=/deps go build\n";
    let (_, _, cache) = model(text);
    let m = cache.depends_on(3).mounts;
    let kinds: Vec<(&str, bool)> = m.iter().map(|m| (m.typ.as_str(), m.in_key())).collect();
    assert_eq!(
        kinds,
        [
            ("bind", true),
            ("cache", false),
            ("secret", false),
            ("bind", true)
        ]
    );
    assert_eq!(m[3].from, Some(MountFrom::Stage(0)));
    assert_eq!(cache.context_sources(3), vec!["go.mod"]);
    // The stage a bind mount reads from rebuilds the RUN.
    assert_eq!(rebuilt_lines(text, 2), vec![4]);
    assert_eq!(cache.stage_uses(0), vec![(1, StageUse::MountFrom(3))]);
}

#[test]
fn base_images_pinned_tagged_scratch_and_stages() {
    let d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let text = format!(
        "FROM node:22 AS a\nFROM node@{d} AS b\nFROM scratch AS c\nFROM a AS d\nFROM $NOPE\n"
    );
    let (_, _, cache) = model(&text);
    let base = |i| cache.depends_on(i).base.unwrap();
    assert_eq!(
        base(0),
        BaseInput::Image {
            name: "docker.io/library/node:22".into(),
            tag: Some("22".into()),
            pinned: false
        }
    );
    assert!(matches!(base(1), BaseInput::Image { pinned: true, .. }));
    assert_eq!(base(2), BaseInput::Scratch);
    assert_eq!(base(3), BaseInput::Stage(0));
    assert_eq!(base(4), BaseInput::Unknown);
}

#[test]
fn multi_stage_graph_rebuilds_dependent_stages() {
    let text = r#"FROM node:22 AS deps
COPY package.json ./
RUN npm ci
FROM deps AS build
COPY . .
RUN npm run build
FROM deps AS test
RUN npm test
FROM nginx:1.27 AS final
COPY --from=build /dist /usr/share/nginx/html
RUN nginx -t
FROM alpine AS unrelated
RUN true
"#;
    // Line 3 rebuilds the rest of deps, all of build and test, and final from its COPY.
    assert_eq!(rebuilt_lines(text, 3), vec![5, 6, 8, 10, 11]);
    // build only reaches final.
    assert_eq!(rebuilt_lines(text, 5), vec![6, 10, 11]);
    let (_, _, cache) = model(text);
    assert_eq!(
        cache.stage_uses(0),
        vec![(1, StageUse::From), (2, StageUse::From)]
    );
    assert_eq!(cache.stage_uses(1), vec![(3, StageUse::CopyFrom(9))]);
    assert_eq!(
        cache.needed_by_target(),
        vec![false, false, false, false, true]
    );
    // What reaches the final RUN: its own chain and everything final copies from.
    assert_eq!(cache.upstream(10), vec![1, 2, 4, 5, 9]);
    assert_eq!(cache.stage_steps(1), vec![4, 5]);
}

#[test]
fn link_breaks_the_dependency_on_earlier_layers() {
    let text = "FROM alpine\nRUN apk add git\nCOPY --link app /app\nRUN /app/setup\nCOPY --link=false b /b\n";
    // The --link COPY is kept; the step after it still chains on it.
    assert_eq!(rebuilt_lines(text, 2), vec![4, 5]);
    assert_eq!(rebuilt_lines(text, 1), vec![2, 4, 5]);
    assert_eq!(rebuilt_lines(text, 3), vec![4, 5]);
    let (_, _, cache) = model(text);
    let d = cache.depends_on(2);
    assert!(d.link && d.previous.is_none() && !d.on_base);
    assert_eq!(cache.upstream(2), Vec::<usize>::new());
    assert_eq!(cache.depends_on(3).previous, Some(2));
    assert!(!cache.depends_on(4).link);
}

#[test]
fn forward_references_and_cycles_do_not_loop() {
    let text = "FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n";
    let (_, _, cache) = model(text);
    // BuildKit refuses the cycle; the model breaks it and ends.
    assert_eq!(cache.rebuilt_by(3), vec![1]);
    assert_eq!(cache.upstream(3), vec![1]);
    assert!(cache.rebuilt_by(99).is_empty());
    assert_eq!(cache.depends_on(99), Inputs::default());
}

#[test]
fn pitfalls_context_before_deps_and_secrets() {
    let text = r#"FROM node:22
ARG NPM_TOKEN
ARG GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
WORKDIR /app
COPY . .
RUN echo "//registry/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
RUN gpg --recv-keys $GPG_KEY
"#;
    let (_, _, cache) = model(text);
    assert!(matches!(
        cache.pitfalls(4),
        [Pitfall::ContextBeforeDeps {
            install: 5,
            ecosystem: "npm",
            ..
        }]
    ));
    let p = cache.pitfalls(5);
    assert!(p.contains(&Pitfall::DepsAfterContext {
        copy: 4,
        ecosystem: "npm"
    }));
    assert!(p.contains(&Pitfall::SecretInKey {
        name: "NPM_TOKEN".into(),
        kind: VarKind::Arg,
        decl: 1
    }));
    // A key fingerprint is public.
    assert!(cache.pitfalls(6).is_empty());
}

#[test]
fn dollar_names_in_shell_text() {
    let mut names = Vec::new();
    dollar_names("echo ${A:-x} $B_1 $$ $1 ${C}d $A é$D $", &mut names);
    assert_eq!(names, ["A", "B_1", "C", "D"]);
}
