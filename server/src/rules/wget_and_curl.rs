//! `wget-and-curl`: one stage uses both download tools.

use std::collections::HashMap;

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a stage whose `RUN` instructions use both `curl` and `wget` as commands.
    /// The uses of the tool that appears second are reported. Package names
    /// (`apt-get install curl wget`) do not count, and `ONBUILD RUN` triggers are
    /// counted separately from the stage's own `RUN`s (they run in another image).
    /// Each stage is checked on its own, as hadolint does: a stage built `FROM`
    /// another may use the other tool.
    ///
    /// ## Why is this bad?
    /// Both tools do the same job here. Keeping both means two packages (and their TLS
    /// and library dependencies, a few MB) to install, patch and scan, and two sets
    /// of flags for readers to know. Pick one for the whole stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN wget -q https://example.com/b.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the two tools' options differ.
    ///
    /// ## References
    /// - hadolint DL4001
    /// - Trivy DS-0014
    pub(crate) RULE {
        id: "wget-and-curl",
        summary: "Both wget and curl used in one stage",
        level: Info,
        fix: None,
        hadolint: ["DL4001"],
        buildkit: [],
        check: check,
    }
}

#[derive(Default)]
struct Group {
    /// The tool seen first.
    first: Option<&'static str>,
    /// Uses of the other tool.
    second: Vec<TextRange>,
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let mut groups: HashMap<(usize, bool), Group> = HashMap::new();
    let mut order = Vec::new();
    for (i, shell) in ctx.model.run_shells() {
        let Some(stage) = ctx.model.stage_of(i) else {
            continue;
        };
        let key = (stage.index, ctx.syntax.instructions[i].kind == Kind::Onbuild);
        for cmd in shell.commands() {
            let tool = match cmd.name.as_str() {
                "curl" => "curl",
                "wget" => "wget",
                _ => continue,
            };
            let g = groups.entry(key).or_insert_with(|| {
                order.push(key);
                Group::default()
            });
            match g.first {
                None => g.first = Some(tool),
                Some(f) if f != tool => g.second.push(cmd.name_range),
                Some(_) => {}
            }
        }
    }
    for key in order {
        let g = &groups[&key];
        let Some(first) = g.first else { continue };
        let other = if first == "curl" { "wget" } else { "curl" };
        for r in &g.second {
            acc.report(
                &RULE,
                *r,
                format!("This stage already downloads with `{first}`; use `{first}` here too instead of `{other}`."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_both_tools() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSLO https://x/a
RUN wget -q https://x/b && wget -q https://x/c
ONBUILD RUN wget -q https://x/d
ONBUILD RUN curl -fsSLO https://x/e
RUN <<EOF
wget -q https://x/f
EOF
"#,
            expect![[r#"
                3 | RUN wget -q https://x/b && wget -q https://x/c
                  |     ^^^^ wget-and-curl: This stage already downloads with `curl`; use `curl` here too instead of `wget`.
                3 | RUN wget -q https://x/b && wget -q https://x/c
                  |                            ^^^^ wget-and-curl: This stage already downloads with `curl`; use `curl` here too instead of `wget`.
                5 | ONBUILD RUN curl -fsSLO https://x/e
                  |             ^^^^ wget-and-curl: This stage already downloads with `wget`; use `wget` here too instead of `curl`.
                7 | wget -q https://x/f
                  | ^^^^ wget-and-curl: This stage already downloads with `curl`; use `curl` here too instead of `wget`.
            "#]],
        );
    }

    #[test]
    fn accepts_one_tool_per_stage() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12 AS a
RUN apt-get install -y curl wget && curl -fsSLO https://x/a
FROM a
RUN wget -q https://x/b && echo curl
ONBUILD RUN curl -fsSLO https://x/c
RUN ["curl", "https://x/d"]
"#,
        );
    }
}
