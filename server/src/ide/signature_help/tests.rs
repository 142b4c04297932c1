//! Signature help tests: `$0` fixtures rendered as the active form with the active
//! parameter in `<<…>>`, and the other forms below it.

use expect_test::{expect, Expect};

use super::*;

fn check(fixture: &str, expect: Expect) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let analysis = Analysis::new(text.as_str());
    let out = match signature_help(&analysis, at) {
        None => "(none)".to_string(),
        Some(help) => {
            let mut out = String::new();
            for (i, s) in help.signatures.iter().enumerate() {
                let mut label = s.label.clone();
                if i == help.active_signature {
                    if let Some(p) = help.active_parameter.and_then(|p| s.parameters.get(p)) {
                        label = format!(
                            "{}<<{}>>{}",
                            &s.label[..p.start],
                            &s.label[p.start..p.end],
                            &s.label[p.end..]
                        );
                    }
                    out.push_str(&format!("* {label}\n"));
                } else {
                    out.push_str(&format!("  {label}\n"));
                }
            }
            out
        }
    };
    expect.assert_eq(&out);
}

#[test]
fn from_follows_the_cursor() {
    check(
        "FROM --platform=linux/amd64 al$0",
        expect![[r#"
        * FROM [--platform=<platform>] <<<image>>> [AS <name>]
    "#]],
    );
    check(
        "FROM --plat$0",
        expect![[r#"
        * FROM [<<--platform=<platform>>>] <image> [AS <name>]
    "#]],
    );
    check(
        "FROM golang:1.22 $0",
        expect![[r#"
        * FROM [--platform=<platform>] <image> <<[AS <name>]>>
    "#]],
    );
    check(
        "FROM golang:1.22 AS bu$0",
        expect![[r#"
        * FROM [--platform=<platform>] <image> <<[AS <name>]>>
    "#]],
    );
    // On the keyword: the form, nothing active.
    check(
        "FR$0OM alpine",
        expect![[r#"
        * FROM [--platform=<platform>] <image> [AS <name>]
    "#]],
    );
}

#[test]
fn run_shell_and_exec_forms() {
    check(
        "FROM a\nRUN --mount=type=cache,target=/x $0",
        expect![[r#"
        * RUN [--mount=type=<type>,<option>=<value>…] [--network=default|none|host] [--security=sandbox|insecure] [--device=<value>] <<<command>>>
          RUN [--mount=type=<type>,<option>=<value>…] [--network=default|none|host] [--security=sandbox|insecure] [--device=<value>] ["<executable>", "<param>", …]
    "#]],
    );
    check(
        "FROM a\nRUN --network=no$0",
        expect![[r#"
        * RUN [--mount=type=<type>,<option>=<value>…] [<<--network=default|none|host>>] [--security=sandbox|insecure] [--device=<value>] <command>
          RUN [--mount=type=<type>,<option>=<value>…] [--network=default|none|host] [--security=sandbox|insecure] [--device=<value>] ["<executable>", "<param>", …]
    "#]],
    );
    check(
        "FROM a\nRUN [\"echo\", $0",
        expect![[r#"
          RUN [--mount=type=<type>,<option>=<value>…] [--network=default|none|host] [--security=sandbox|insecure] [--device=<value>] <command>
        * RUN [--mount=type=<type>,<option>=<value>…] [--network=default|none|host] [--security=sandbox|insecure] [--device=<value>] <<["<executable>", "<param>", …]>>
    "#]],
    );
}

#[test]
fn cmd_and_entrypoint_forms() {
    check(
        "FROM a\nCMD [\"node\", $0",
        expect![[r#"
        * CMD <<["<executable>", "<param>", …]>>
          CMD <command>
    "#]],
    );
    check(
        "FROM a\nENTRYPOINT nginx $0",
        expect![[r#"
          ENTRYPOINT ["<executable>", "<param>", …]
        * ENTRYPOINT <<<command>>>
    "#]],
    );
}

#[test]
fn copy_sources_then_destination() {
    check(
        "FROM a\nCOPY --from=build $0",
        expect![[r#"
        * COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <<<src>…>> <dest>
          COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
    "#]],
    );
    check(
        "FROM a\nCOPY --from=build /app $0",
        expect![[r#"
        * COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <src>… <<<dest>>>
          COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
    "#]],
    );
    check(
        "FROM a\nCOPY --ch$0",
        expect![[r#"
        * COPY [--from=<stage|image>] [<<--chown=<user>:<group>>>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <src>… <dest>
          COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
    "#]],
    );
    check(
        "FROM a\nADD [\"a.txt\", $0",
        expect![[r#"
          ADD [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--keep-git-dir] [--checksum=<digest>] [--unpack] [--exclude=<pattern>] <src>… <dest>
        * ADD [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--keep-git-dir] [--checksum=<digest>] [--unpack] [--exclude=<pattern>] ["<src>", … <<"<dest>"]>>
    "#]],
    );
}

#[test]
fn healthcheck_cmd_and_none() {
    check(
        "FROM a\nHEALTHCHECK --interval=5s --retr$0",
        expect![[r#"
        * HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [<<--retries=<n>>>] CMD <command>
          HEALTHCHECK NONE
    "#]],
    );
    check(
        "FROM a\nHEALTHCHECK --interval=5s CMD curl $0",
        expect![[r#"
        * HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <<<command>>>
          HEALTHCHECK NONE
    "#]],
    );
    check(
        "FROM a\nHEALTHCHECK NONE$0",
        expect![[r#"
          HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>
        * HEALTHCHECK NONE
    "#]],
    );
}

#[test]
fn key_value_instructions() {
    check(
        "ARG VERSION=$0",
        expect![[r#"
        * ARG [--required] <name>[=<<<default value>>>]
    "#]],
    );
    check(
        "FROM a\nENV A=1 B$0",
        expect![[r#"
        * ENV <<<key>>>=<value> …
    "#]],
    );
    check(
        "FROM a\nEXPOSE 8080/$0",
        expect![[r#"
        * EXPOSE <port>[/<<<protocol>>>] …
    "#]],
    );
    check(
        "FROM a\nUSER app:$0",
        expect![[r#"
        * USER <user>[:<<<group>>>]
    "#]],
    );
}

#[test]
fn onbuild_shows_its_trigger() {
    check(
        "FROM a\nONBUILD $0",
        expect![[r#"
        * ONBUILD <<<INSTRUCTION>>>
    "#]],
    );
    check(
        "FROM a\nONBUILD COPY --from=x . $0",
        expect![[r#"
        * ONBUILD COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <src>… <<<dest>>>
          ONBUILD COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
    "#]],
    );
}

#[test]
fn continuation_lines_and_windows_escape() {
    check(
        "FROM a\nCOPY --chown=app \\\n    # a comment\n    src/ $0",
        expect![[r#"
            * COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <src>… <<<dest>>>
              COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
        "#]],
    );
    check(
        "# escape=`\nFROM a\nCOPY --link `\n    C:\\src $0",
        expect![[r#"
            * COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <src>… <<<dest>>>
              COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
        "#]],
    );
    check(
        "FROM a\r\nCOPY a $0\r\n",
        expect![[r#"
        * COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] <src>… <<<dest>>>
          COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] [--parents] [--exclude=<pattern>] ["<src>", … "<dest>"]
    "#]],
    );
}

#[test]
fn directives() {
    check(
        "# check=skip=JSONArgsRecommended;error=$0\nFROM a",
        expect![[r#"
        * # check=skip=<check>,…;error=<<true|false>>;experimental=<check>,…
    "#]],
    );
    check(
        "# syntax=$0\nFROM a",
        expect![[r#"
        * # syntax=<<<frontend image>>>
    "#]],
    );
}

#[test]
fn nothing_outside_instructions() {
    check("FROM a\n\n$0", expect!["(none)"]);
    check("FROM a\n# just a comment$0", expect!["(none)"]);
    check("FROM a\nRUN <<EOF\necho $0\nEOF\n", expect!["(none)"]);
}

#[test]
fn any_offset_is_harmless() {
    let text = "# check=skip=x\nFROM a AS b\nONBUILD\nRUN --mount=x [\nCOPY \\\n\nHEALTHCHECK NONE\nUSER é:ü\n";
    let analysis = Analysis::new(text);
    for offset in 0..=text.len() + 2 {
        if let Some(help) = signature_help(&analysis, offset) {
            let s = &help.signatures[help.active_signature];
            for p in &s.parameters {
                assert!(s.label.get(p.start..p.end).is_some());
            }
        }
    }
}

#[test]
fn mount_options_of_the_type_written() {
    check(
        "FROM a\nRUN --mount=type=cache,sharing=$0",
        expect![[r#"
        * --mount=type=cache,id=<name>,target=<path>,readonly,rw,<<sharing=shared|private|locked>>,from=<stage|image|context>,source=<path>,mode=<octal>,uid=<id>,gid=<id>
    "#]],
    );
    check(
        "FROM a\nRUN --mount=target=/src,fr$0",
        expect![[r#"
        * --mount=type=bind,target=<path>,source=<path>,<<from=<stage|image|context>>>,rw,readonly
    "#]],
    );
    check(
        "FROM a\nRUN --mount=type=secret,id=npm,dst$0=/x",
        expect![[r#"
            * --mount=type=secret,id=<name>,<<target=<path>>>,source=<name>,env=<NAME>,required,mode=<octal>,uid=<id>,gid=<id>
        "#]],
    );
}
