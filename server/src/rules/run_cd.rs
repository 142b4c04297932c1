//! `run-cd`: a RUN that starts by changing directory, where WORKDIR belongs.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` whose first command is `cd <absolute path>`, as in
    /// `RUN cd /app && make`.
    ///
    /// We report only the case where `WORKDIR` is the clear replacement: the `cd` opens
    /// the `RUN` (not inside `( … )`, `{ … }`, an `if`, a heredoc script or after other
    /// commands), goes to a fixed absolute path, and is not `cd -`, `pushd` or a `$VAR`
    /// directory.
    ///
    /// Differences from hadolint (DL3003): hadolint reports every `RUN` that runs `cd`
    /// anywhere. On the 988 real files of our corpus it reports 278 `RUN`s; 5 open with
    /// `cd /dir` and we report those too. The other 273 are ordinary shell we leave alone:
    /// - a `cd` after other commands of a build script, as in
    ///   `RUN curl -fsSL $URL | tar xz && cd php-src && ./configure && make` or the
    ///   official images' `RUN set -eux; cd /tmp; …` (a scratch directory for one
    ///   download: a `WORKDIR` would move every later instruction there too);
    /// - a `cd` inside a subshell `( cd src && make )`, which already confines it;
    /// - a `cd` in a heredoc script (`RUN <<EOF`), where the script reads top to bottom.
    ///
    /// In all of these the directory change is meant to last only for the commands
    /// around it, which is exactly what `cd` does; a `WORKDIR` per step would add
    /// instructions and change the directory of everything after it.
    ///
    /// ## Why is this bad?
    /// `cd` lasts only until the end of its `RUN`; the next instruction starts in the
    /// old directory again, which is a frequent source of "file not found" surprises.
    /// `WORKDIR` states the directory once, creates it if needed, and is visible to
    /// every following instruction and to readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix yet: `WORKDIR` also changes the directory of every later
    /// instruction (and of the container), which the author has to accept.
    ///
    /// ## References
    /// - hadolint DL3003
    /// - Trivy DS-0013
    /// - Docker docs: "Dockerfile reference", section "WORKDIR"; "Dockerfile best
    ///   practices", section "WORKDIR"
    pub(crate) RULE {
        id: "run-cd",
        summary: "cd inside RUN instead of WORKDIR",
        level: Warning,
        fix: None,
        hadolint: ["DL3003"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Run {
            continue;
        }
        let Some(script) = ctx.model.run_shell(i).and_then(|s| s.script.as_ref()) else {
            continue;
        };
        let Some(first) = script.commands.first() else {
            continue;
        };
        let start = eff.args.range.start();
        if first.name != "cd"
            || first.range.start() < start
            || !ctx.text[start..first.range.start()].trim().is_empty()
        {
            continue;
        }
        let [dir] = first.args.as_slice() else {
            continue;
        };
        if dir.dynamic || !dir.text.starts_with('/') {
            continue;
        }
        acc.report(
            &RULE,
            first.name_range,
            format!(
                "Use `WORKDIR {}` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.",
                dir.text
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_leading_cd() {
        check_rule(
            &RULE,
            r#"
FROM alpine
RUN cd /app && make
ONBUILD RUN cd /src; make install
RUN \
    cd /opt/x \
    && ./build.sh
"#,
            expect![[r#"
                2 | RUN cd /app && make
                  |     ^^ run-cd: Use `WORKDIR /app` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.
                3 | ONBUILD RUN cd /src; make install
                  |             ^^ run-cd: Use `WORKDIR /src` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.
                5 |     cd /opt/x \
                  |     ^^ run-cd: Use `WORKDIR /opt/x` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.
            "#]],
        );
    }

    #[test]
    fn accepts_other_cds() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN make && cd /tmp && ls
RUN (cd /src && make) && echo ok
RUN cd src && make
RUN cd $HOME && ls
RUN cd - && pushd /x
RUN if true; then cd /x; fi
RUN <<EOF
cd /app
make
EOF
RUN ["cd", "/app"]
"#,
        );
    }

    /// Prints the findings of the rules named in `RULES` (comma-separated ids) on the
    /// real-world corpus, for manual review:
    /// `RULES=run-cd cargo test -p dockerfile-lsp --lib corpus_findings -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn corpus_findings() {
        let ids = std::env::var("RULES").unwrap_or_default();
        let ids: Vec<&str> = ids.split(',').filter(|s| !s.is_empty()).collect();
        let root = std::path::Path::new("/work/shared/corpus/real");
        let mut entries: Vec<_> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .collect();
        entries.sort();
        let mut counts = std::collections::BTreeMap::new();
        for path in entries {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let index = crate::text::LineIndex::new(&text);
            let config = crate::config::Config::default();
            for d in crate::ide::Analysis::new(text.as_str()).diagnostics(&config) {
                if !ids.contains(&d.rule.id) {
                    continue;
                }
                *counts.entry(d.rule.id).or_insert(0) += 1;
                let line = index.line_of(d.range.start());
                let lr = index.line_range(&text, line);
                println!(
                    "{} {}:{}: {} | {}",
                    d.rule.id,
                    path.strip_prefix(root).unwrap_or(&path).display(),
                    line + 1,
                    &text[d.range.range()].chars().take(40).collect::<String>(),
                    text[lr.range()].trim()
                );
            }
        }
        println!("{counts:?}");
    }
}
