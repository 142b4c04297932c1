//! `expose-ssh-port`: EXPOSE 22.

use crate::rules::expose_invalid_format::expose_specs;
use crate::syntax::Kind;
use crate::rules::edits::{delete_lines, delete_list_item};
use crate::rules::{Applicability, Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE 22` (also `22/tcp`, and `22` as the container port of a
    /// mapping): the image announces an SSH server. Words with variables are checked
    /// after expansion when their value is known. Port ranges are not reported.
    ///
    /// Not reported when the image's `CMD` or `ENTRYPOINT` starts `sshd` or an init
    /// system (`/sbin/init`, `systemd`): SSH is then what the image is for (a Git or
    /// SFTP server, a machine-like "system container" such as minikube's node image),
    /// not a side door into an application container.
    ///
    /// ## Why is this bad?
    /// An SSH daemon in a container is a second, long-lived way in: one more service
    /// running as root, host keys and `authorized_keys` baked into a layer (and shared
    /// by every container started from the image), and a password or key to leak.
    /// `docker exec` (or `kubectl exec`) gives a shell without any of that, and logs
    /// go to stdout. An SSH endpoint started some other way (a supervisor, a script)
    /// can be silenced with `# dockerfile-lsp ignore=expose-ssh-port` above the
    /// `EXPOSE`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    /// and get a shell with `docker exec -it <container> sh`.
    ///
    /// ## Fix safety
    /// The fix removes the port from the `EXPOSE` (the whole instruction when it is
    /// the only port). It is unsafe: it changes the image's exposed ports, and so what
    /// `docker run -P` publishes; the SSH server itself, if any, still has to go. No
    /// fix when the port comes from a variable.
    ///
    /// ## References
    /// - Trivy DS-0004, Checkov CKV_DOCKER_1
    /// - Docker docs: "docker container exec"
    pub(crate) RULE {
        id: "expose-ssh-port",
        summary: "EXPOSE of the SSH port 22",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    if runs_ssh_or_init(ctx) {
        return;
    }
    for spec in expose_specs(ctx) {
        let (port, proto) = spec.port_proto();
        if port != "22" || proto.is_some_and(|p| !p.eq_ignore_ascii_case("tcp")) {
            continue;
        }
        let d = acc.report(
            &RULE,
            spec.word.range,
            "Port 22 announces an SSH server in the container; use `docker exec` for shell access instead.",
        );
        if !spec.literal {
            continue;
        }
        let Some(inst) = ctx
            .syntax
            .instructions
            .iter()
            .find(|i| i.range.contains(spec.word.range.start()))
        else {
            continue;
        };
        let words: Vec<_> = inst.effective().args.words.iter().map(|w| w.range).collect();
        let Some(idx) = words.iter().position(|r| *r == spec.word.range) else {
            continue;
        };
        if words.len() == 1 {
            d.with_fix(
                format!(
                    "Remove `{}` (changes the image's exposed ports)",
                    ctx.text[inst.range.range()].split_whitespace().collect::<Vec<_>>().join(" ")
                ),
                Applicability::Unsafe,
                vec![delete_lines(ctx.text, inst.range)],
            );
        } else {
            d.with_fix(
                format!(
                    "Remove port `{}` from EXPOSE (changes the image's exposed ports)",
                    spec.word.text
                ),
                Applicability::Unsafe,
                vec![delete_list_item(ctx.text, &words, idx)],
            );
        }
    }
}

/// The image's CMD or ENTRYPOINT starts `sshd` or an init system: SSH is what the image
/// is for (a Git or SFTP server, a machine-like "system container").
fn runs_ssh_or_init(ctx: &RuleContext<'_>) -> bool {
    ctx.model.image_chain().iter().any(|&s| {
        ctx.model.stages[s].instructions.clone().any(|i| {
            let inst = &ctx.syntax.instructions[i];
            if !matches!(inst.kind, Kind::Cmd | Kind::Entrypoint) {
                return false;
            }
            let words: Vec<&str> = match &inst.args.json {
                Some(json) => json.iter().map(|w| w.text.as_str()).collect(),
                None => inst.args.text.split_whitespace().collect(),
            };
            words.iter().any(|w| {
                let name = w.rsplit('/').next().unwrap_or(w);
                matches!(name, "sshd" | "init" | "systemd")
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_port_22() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG SSH=22
EXPOSE 80 22
EXPOSE 22/tcp 2222:22
EXPOSE ${SSH}
ONBUILD EXPOSE 22
"#,
            expect![[r#"
                3 | EXPOSE 80 22
                  |           ^^ expose-ssh-port: Port 22 announces an SSH server in the container; use `docker exec` for shell access instead.
                4 | EXPOSE 22/tcp 2222:22
                  |        ^^^^^^ expose-ssh-port: Port 22 announces an SSH server in the container; use `docker exec` for shell access instead.
                4 | EXPOSE 22/tcp 2222:22
                  |               ^^^^^^^ expose-ssh-port: Port 22 announces an SSH server in the container; use `docker exec` for shell access instead.
                5 | EXPOSE ${SSH}
                  |        ^^^^^^ expose-ssh-port: Port 22 announces an SSH server in the container; use `docker exec` for shell access instead.
                6 | ONBUILD EXPOSE 22
                  |                ^^ expose-ssh-port: Port 22 announces an SSH server in the container; use `docker exec` for shell access instead.
            "#]],
        );
    }

    #[test]
    fn accepts_ssh_servers_and_system_containers() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN apk add --no-cache openssh
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D", "-e"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM ubuntu:24.04 AS base
EXPOSE 22
FROM base
ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]
"#,
        );
    }

    #[test]
    fn accepts_other_ports() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG P
EXPOSE 2222 8022 220 22/udp 20-25 $P
"#,
        );
    }

    #[test]
    fn fix_removes_the_port_or_the_instruction() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
EXPOSE 80 22 443
EXPOSE 22
ONBUILD EXPOSE 22/tcp
EXPOSE 80 \
    22 \
    443
EXPOSE 8080 \
  22
"#,
            expect![[r#"
                FROM alpine
                EXPOSE 80 443
                EXPOSE 80 \
                    443
                EXPOSE 8080
            "#]],
        );
    }

    #[test]
    fn fix_alternatives_for_two_findings_in_one_instruction() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine
EXPOSE 22/tcp 2222:22
"#,
            expect![[r#"
                --- Remove port `22/tcp` from EXPOSE (changes the image's exposed ports) (unsafe)
                FROM alpine
                EXPOSE 2222:22
                --- Remove port `2222:22` from EXPOSE (changes the image's exposed ports) (unsafe)
                FROM alpine
                EXPOSE 22/tcp
            "#]],
        );
    }

    #[test]
    fn fix_with_escape_backtick_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nEXPOSE 80 `\r\n  22\r\nEXPOSE 22\r\nCMD [\"a\"]\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nEXPOSE 80\r\nCMD [\"a\"]\r\n"
        );
    }

    #[test]
    fn no_fix_for_a_variable() {
        let d = crate::rules::test_support::diagnostics_of(&RULE, "FROM alpine\nARG P=22\nEXPOSE $P 80\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}
