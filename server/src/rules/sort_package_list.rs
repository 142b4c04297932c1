//! `sort-package-list`: a one-package-per-line list that is not sorted or repeats a
//! package.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::semantic::ShellWord;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Looks at package installs written one package per continuation line
    /// (`apt-get install`, `apk add`, `yum` / `dnf` / `microdnf` / `zypper install`,
    /// `pip install`) and reports a run of such lines that is not in alphanumeric order
    /// (case-insensitive), and a package listed twice.
    ///
    /// Only lines that hold a single package (and the line-continuation character) are
    /// considered; packages sharing a line with other words are left alone. Lists
    /// with a variable in them are not reported.
    ///
    /// ## Why is this bad?
    /// A sorted list shows at a glance whether a package is there, keeps diffs small
    /// (one added line, never a reshuffle) and makes duplicates impossible to miss.
    /// This is a style hint from Docker's best-practices guide ("Sort multi-line
    /// arguments"), not a correctness problem.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends \
    ///     git \
    ///     curl \
    ///     ca-certificates \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends \
    ///     ca-certificates \
    ///     curl \
    ///     git \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix sorts the package lines, each line keeping its indentation and the
    /// column of its ` \`. Safe: the order of packages in one install command does not
    /// change what gets installed. Duplicates are reported without a fix (the sorted
    /// list shows them next to each other; delete one by hand).
    ///
    /// ## References
    /// - No hadolint, BuildKit, Trivy or Checkov check.
    /// - Docker docs: "Dockerfile best practices", section "Sort multi-line arguments"
    pub(crate) RULE {
        id: "sort-package-list",
        summary: "Multi-line package list not sorted",
        level: Hint,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// A package alone on its line.
struct Slot<'a> {
    word: &'a ShellWord,
    /// The word and the blanks after it, up to the line-continuation character.
    segment: TextRange,
    continued: bool,
    line_start: usize,
    line_end: usize,
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let escape = ctx.model.escape();
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if !(pkg.manager.is_os() || matches!(pkg.manager, Manager::Pip | Manager::UvPip))
                || !pkg.is_install()
            {
                continue;
            }
            let operands = pkg.operands();
            if operands.iter().any(|w| w.dynamic) {
                continue;
            }
            let mut block: Vec<Slot<'_>> = Vec::new();
            let last = operands.last().map(|w| w.range);
            for w in operands {
                let slot = slot(ctx.text, w, escape, Some(w.range) == last && cmd.range.end() == w.range.end());
                let consecutive = match (&slot, block.last()) {
                    (Some(s), Some(prev)) => s.line_start == prev.line_end + 1,
                    _ => false,
                };
                if !consecutive {
                    report_block(ctx.text, &block, acc);
                    block.clear();
                }
                if let Some(s) = slot {
                    block.push(s);
                }
            }
            report_block(ctx.text, &block, acc);
        }
    }
}

/// The slot of `w` when it is alone on its line; the command's last word may be
/// followed by what comes after the command (`zlib1g && \\`, `zlib1g; \\`).
fn slot<'a>(text: &str, w: &'a ShellWord, escape: char, ends_command: bool) -> Option<Slot<'a>> {
    let start = w.range.start();
    let end = w.range.end();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    if !text[line_start..start].trim().is_empty() {
        return None;
    }
    let rest = text[end..line_end].trim_end_matches('\r');
    let trimmed = rest.trim_end();
    let (continued, segment_end) = if trimmed.is_empty() {
        (false, end)
    } else if trimmed.trim_start() == escape.to_string() {
        (true, end + rest.find(escape)?)
    } else if ends_command && rest.starts_with([' ', '\t', ';']) {
        (false, end)
    } else {
        return None;
    };
    Some(Slot {
        word: w,
        segment: TextRange::new(start, segment_end),
        continued,
        line_start,
        line_end,
    })
}

fn key(w: &ShellWord) -> String {
    w.text.to_ascii_lowercase()
}

fn report_block(text: &str, block: &[Slot<'_>], acc: &mut Diagnostics) {
    if block.len() < 2 {
        return;
    }
    let keys: Vec<String> = block.iter().map(|s| key(s.word)).collect();
    for (i, k) in keys.iter().enumerate() {
        if keys[..i].contains(k) {
            acc.report(
                &RULE,
                block[i].word.range,
                format!("`{}` is already in this package list.", block[i].word.text),
            );
        }
    }
    let Some(bad) = (1..keys.len()).find(|&i| keys[i] < keys[i - 1]) else {
        return;
    };
    let mut sorted: Vec<&ShellWord> = block.iter().map(|s| s.word).collect();
    sorted.sort_by_key(|w| key(w));
    // Aligned ` \` columns stay aligned; otherwise each line keeps its own spacing.
    let ends: Vec<usize> = block
        .iter()
        .filter(|s| s.continued)
        .map(|s| s.segment.end() - s.line_start)
        .collect();
    let aligned = ends.len() >= 2
        && ends.iter().all(|e| *e == ends[0])
        && block
            .iter()
            .any(|s| s.continued && s.segment.len() > s.word.range.len() + 1);
    let mut edits = Vec::new();
    for (slot, new) in block.iter().zip(&sorted) {
        let new_word = &text[new.range.start()..new.range.end()];
        let new_text = if slot.continued {
            let old_pad = slot.segment.len() - slot.word.range.len();
            let pad = if aligned {
                " ".repeat(
                    (slot.segment.end() - slot.word.range.start())
                        .saturating_sub(new_word.len())
                        .max(1),
                )
            } else {
                // Each line keeps its own spacing, tabs included.
                return_pad(text, slot, old_pad)
            };
            format!("{new_word}{pad}")
        } else {
            new_word.to_string()
        };
        if text[slot.segment.start()..slot.segment.end()] != new_text {
            edits.push(TextEdit::replace(slot.segment, new_text));
        }
    }
    acc.report(
        &RULE,
        block[bad].word.range,
        format!(
            "Sort the package list: `{}` comes before `{}`.",
            block[bad].word.text,
            block[bad - 1].word.text
        ),
    )
    .with_fix("Sort the package lines", Applicability::Safe, edits);
}

/// The blanks between a slot's word and its ` \\` as written.
fn return_pad(text: &str, slot: &Slot<'_>, len: usize) -> String {
    text.get(slot.word.range.end()..slot.segment.end())
        .map_or_else(|| " ".repeat(len), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unsorted_and_duplicate_lines() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends \
    git \
    curl \
    ca-certificates \
    curl \
    && rm -rf /var/lib/apt/lists/*
ONBUILD RUN apk add \
    zlib \
    bash
RUN <<EOF
pip install \
    requests==2.31.0 \
    Flask==3.0.2
EOF
"#,
            expect![[r#"
                4 |     curl \
                  |     ^^^^ sort-package-list: Sort the package list: `curl` comes before `git`.
                6 |     curl \
                  |     ^^^^ sort-package-list: `curl` is already in this package list.
                10 |     bash
                   |     ^^^^ sort-package-list: Sort the package list: `bash` comes before `zlib`.
                14 |     Flask==3.0.2
                   |     ^^^^^^^^^^^^ sort-package-list: Sort the package list: `Flask==3.0.2` comes before `requests==2.31.0`.
            "#]],
        );
    }

    #[test]
    fn accepts_sorted_shared_lines_and_dynamic_lists() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y \
    ca-certificates \
    Curl \
    git
RUN apt-get install -y zlib1g git curl
RUN apt-get install -y \
    zlib1g git \
    curl
RUN apt-get install -y \
    zlib1g \
    $EXTRA \
    curl
RUN apt-get install -y --no-install-recommends zlib1g \
    && apt-get install -y curl
RUN npm install \
    zod \
    axios
"#,
        );
    }

    #[test]
    fn fix_sorts_lines_keeping_alignment() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y \
        wget            \
        ca-certificates \
        curl            \
    && rm -rf /var/lib/apt/lists/*
RUN apk add \
    zlib \
    bash
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update && apt-get install -y \
                        ca-certificates \
                        curl            \
                        wget            \
                    && rm -rf /var/lib/apt/lists/*
                RUN apk add \
                    bash \
                    zlib
            "#]],
        );
    }

    #[test]
    fn fix_in_heredocs_onbuild_tabs_and_crlf() {
        check_rule_fix(
            &RULE,
            "FROM debian:12\nRUN <<EOF\napt-get install -y \\\n    zlib1g \\\n    curl \\\n    bash\nEOF\nONBUILD RUN sudo apk add \\\n\tgit\t\\\n\tbash\n",
            expect![[r#"
                FROM debian:12
                RUN <<EOF
                apt-get install -y \
                    bash \
                    curl \
                    zlib1g
                EOF
                ONBUILD RUN sudo apk add \
                	bash	\
                	git
            "#]],
        );
        {
            let before = "FROM debian:12\r\nRUN apt-get install -y \\\r\n    zlib1g \\\r\n    curl\r\n";
            let d = crate::rules::test_support::diagnostics_of(&RULE, before);
            let fixed = crate::text::apply_edits(before, &d[0].fixes[0].edits);
            assert_eq!(fixed, "FROM debian:12\r\nRUN apt-get install -y \\\r\n    curl \\\r\n    zlib1g\r\n");
        }
    }

    #[test]
    fn the_last_package_may_share_its_line_with_the_next_command() {
        check_rule_fix(
            &RULE,
            r#"
FROM opensuse/leap:15
RUN zypper install -y \
    ca-certificates \
    wget \
    git \
    systemd-rpm-macros && \
    rm -rf /var/cache/zypp/*
RUN apt-get install -y \
    zlib1g \
    curl; \
    echo done
"#,
            expect![[r#"
                FROM opensuse/leap:15
                RUN zypper install -y \
                    ca-certificates \
                    git \
                    systemd-rpm-macros \
                    wget && \
                    rm -rf /var/cache/zypp/*
                RUN apt-get install -y \
                    curl \
                    zlib1g; \
                    echo done
            "#]],
        );
    }
}
