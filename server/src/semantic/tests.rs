//! Unit tests of the semantic model.

use super::*;
use crate::syntax::parse;

fn model(text: &str) -> (Dockerfile, Model) {
    let df = parse(text);
    let m = Model::build(text, &df);
    (df, m)
}

#[test]
fn stages_bases_and_names() {
    let text = "ARG V=3.19\nFROM alpine:${V} AS Build\nFROM build\nFROM scratch\nFROM ${NOPE}\nFROM Bad:x\n";
    let (_, m) = model(text);
    assert_eq!(m.stages.len(), 5);
    assert_eq!(m.stages[0].name.as_deref(), Some("build"));
    match &m.stages[0].base {
        Base::Image(r) => assert_eq!(r.full_name(), "docker.io/library/alpine:3.19"),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.stages[1].base, Base::Stage(0));
    assert_eq!(m.stages[2].base, Base::Scratch);
    assert_eq!(m.stages[3].base, Base::Unresolved);
    assert!(matches!(m.stages[4].base, Base::Invalid(_)));
    assert_eq!(m.stage_by_ref("BUILD").map(|s| s.index), Some(0));
    assert_eq!(m.stage_by_ref("1").map(|s| s.index), Some(1));
}

#[test]
fn arg_and_env_scopes() {
    let text = "ARG G=g\nFROM a\nRUN x\nARG G\nENV E=$G-e\nARG E=arg\nRUN z\nFROM a\nRUN y\n";
    let (_, m) = model(text);
    // Global ARG is invisible inside a stage until redeclared.
    assert!(m.lookup(2, "G").is_none());
    assert_eq!(m.value_at(4, "G").as_deref(), Some("g"));
    // ENV wins over a later ARG of the same name.
    assert_eq!(m.value_at(6, "E").as_deref(), Some("g-e"));
    // Stage 2 (unrelated) sees nothing from stage 1.
    assert!(m.lookup(8, "E").is_none());
    assert!(m.lookup(8, "HTTP_PROXY").is_some());
    // FROM sees global and automatic ARGs.
    assert!(m.lookup(1, "TARGETARCH").is_some());
    assert!(m.lookup(2, "TARGETARCH").is_none());
}

#[test]
fn inherited_scope_through_from_stage() {
    let text = "FROM a AS base\nENV P=/opt\nFROM base\nWORKDIR $P\n";
    let (_, m) = model(text);
    assert_eq!(m.value_at(3, "P").as_deref(), Some("/opt"));
}

#[test]
fn shells_and_run_views() {
    let text = "FROM a\nRUN apt-get update \\\n  # comment\n  && apt-get install -y curl\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Thing\nFROM b\nRUN <<EOF\nset -e\napk add x\nEOF\nRUN python3 <<EOF\nprint(1)\nEOF\n";
    let (df, m) = model(text);
    let run = m.run_shell(1).expect("posix RUN");
    let names: Vec<_> = run.commands().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["apt-get", "apt-get"]);
    let install = run.commands().nth(1).unwrap();
    assert_eq!(&text[install.name_range.range()], "apt-get");
    assert_eq!(&text[install.args[2].range.range()], "curl");
    assert_eq!(m.shell_at(3), ShellKind::PowerShell);
    assert!(m.run_shell(3).is_none());
    let heredoc = m.run_shell(5).unwrap();
    let names: Vec<_> = heredoc.commands().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["set", "apk"]);
    assert!(m.run_shell(6).unwrap().heredoc_scripts.is_empty());
    assert_eq!(df.instructions.len(), 7);
}

#[test]
fn windows_escape_disables_posix_analysis() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo hi\n";
    let (_, m) = model(text);
    assert!(m.run_shell(1).is_none());
}

#[test]
fn builder_refs_skip_copy_from() {
    let text = "FROM a\nCOPY --from=$S --chown=$U ${SRC} /dst\n";
    let (df, m) = model(text);
    let refs = builder_var_refs(text, &df.instructions[1], m.escape());
    let names: Vec<_> = refs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["SRC", "U"]);
}

#[test]
fn instructions_before_follows_the_stage_chain() {
    let text = "FROM a AS base\nWORKDIR /w\nFROM b\nRUN x\nFROM base\nUSER u\nRUN y\n";
    let (_, m) = model(text);
    // In the third stage: its own FROM and USER, then all of `base`; never stage 2.
    assert_eq!(m.instructions_before(6).collect::<Vec<_>>(), [5, 4, 1, 0]);
    assert_eq!(m.instructions_before(3).collect::<Vec<_>>(), [2]);
    assert_eq!(m.instructions_before(0).count(), 0);
}

#[test]
fn stage_chains_roots_and_the_image() {
    let text =
        "FROM debian:12 AS base\nFROM base AS mid\nFROM golang:1 AS build\nFROM mid AS final\n";
    let (_, m) = model(text);
    let chain = |s: usize| m.stage_chain(s).map(|s| s.index).collect::<Vec<_>>();
    assert_eq!(chain(3), vec![3, 1, 0]);
    assert_eq!(chain(2), vec![2]);
    assert_eq!(chain(9), Vec::<usize>::new());
    assert_eq!(m.root_stage(3).map(|s| s.index), Some(0));
    assert_eq!(m.root_stage(2).map(|s| s.index), Some(2));
    assert_eq!(m.image_chain(), vec![3, 1, 0]);
    assert_eq!(m.image_stages(), vec![true, true, false, true]);
    // A stage named like a later one is an image, never a forward reference.
    let (_, m) = model("FROM later AS first\nFROM alpine AS later\n");
    assert!(matches!(m.stages[0].base, Base::Image(_)));
    assert_eq!(m.image_chain(), vec![1]);
}

/// A file with many RUNs of every kind the views handle: shell form, heredocs, a SHELL
/// change to a non-POSIX shell and back, exec form, ONBUILD.
fn many_runs(n: usize) -> String {
    let mut text = String::from("FROM debian:12 AS base\n");
    for i in 0..n {
        match i % 7 {
            0 => text.push_str(&format!("RUN apt-get update && apt-get install -y pkg{i} \\\n    && rm -rf /var/lib/apt/lists/*\n")),
            1 => text.push_str(&format!("RUN <<EOF\nset -e\necho {i} > /f{i}\nEOF\n")),
            2 => text.push_str("SHELL [\"pwsh\", \"-c\"]\nRUN Write-Host hi\nSHELL [\"/bin/sh\", \"-c\"]\n"),
            3 => text.push_str(&format!("RUN [\"echo\", \"{i}\"]\n")),
            4 => text.push_str(&format!("ONBUILD RUN make -j{i}\n")),
            5 => text.push_str(&format!("RUN cd /src && if [ -f x{i} ]; then cat x{i}; fi | sort\n")),
            _ => text.push_str(&format!("ENV V{i}=v{i}\nRUN echo $V{i} \"$(id -u)\"\n")),
        }
    }
    text
}

#[test]
fn shell_views_built_on_two_threads_equal_views_built_one_by_one() {
    let text = many_runs(700);
    let (df, m) = model(&text);
    let views = m.run_shells().count();
    assert!(
        views >= PARALLEL_RUNS,
        "{views} views: the test must take the parallel path"
    );
    for (i, inst) in df.instructions.iter().enumerate() {
        let eff = inst.effective();
        let expected = (eff.kind == Kind::Run && eff.args.json.is_none() && m.shells[i].is_posix())
            .then(|| run_shell(&text, inst, eff));
        assert_eq!(m.run_shell(i), expected.as_ref(), "instruction {i}");
    }
    // The same model again (the views now come from the memo) is identical.
    assert_eq!(model(&text).1.runs, m.runs);
}
