//! Suppression comments:
//! - `# dockerfile-lsp ignore=<id>[,<id>]` in the comment lines right above an
//!   instruction silences those rules for that instruction;
//! - `# dockerfile-lsp global ignore=<id>,...` anywhere silences them for the file;
//! - hadolint's `# hadolint ignore=DL3015` / `# hadolint global ignore=…` /
//!   `# hadolint stage ignore=…`, mapped to our rules through the catalogue;
//! - BuildKit's `# check=skip=<Check>,...` as the parser directive (whole file) or as a
//!   comment right above an instruction; `skip=all` silences every BuildKit check.
//!
//! A trailing `# reason` after the list is allowed.

use std::collections::{HashMap, HashSet};

use super::{
    all_rules, rule_by_buildkit_name, rule_by_hadolint_code, rule_by_id, RuleContext, RuleMeta,
};
use crate::syntax::{DirectiveKind, Kind};
use crate::text::TextRange;

/// The suppressions of one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    file: Vec<&'static str>,
    /// Ranges (instructions or stages) with the rule ids silenced inside them.
    scoped: Vec<(TextRange, Vec<&'static str>)>,
}

/// What one suppression comment says.
#[derive(Debug, PartialEq, Eq)]
enum Scope {
    Next,
    Stage,
    File,
}

/// Parses the rule list of a comment; `None` when the comment is not a suppression.
fn parse_comment(text: &str) -> Option<(Scope, Vec<&'static str>)> {
    let text = text.trim();
    let (tool, rest) = if let Some(r) = text.strip_prefix("dockerfile-lsp") {
        ("own", r)
    } else if let Some(r) = text.strip_prefix("hadolint") {
        ("hadolint", r)
    } else if let Some(r) = text.strip_prefix("check") {
        ("buildkit", r)
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let (scope, rest) = if tool == "buildkit" {
        (Scope::Next, rest.strip_prefix('=')?.trim_start())
    } else if let Some(r) = rest.strip_prefix("global") {
        (Scope::File, r.trim_start())
    } else if let Some(r) = rest.strip_prefix("stage") {
        (Scope::Stage, r.trim_start())
    } else {
        (Scope::Next, rest)
    };
    let mut ids = Vec::new();
    if tool == "buildkit" {
        for part in rest.split(';') {
            let Some((k, v)) = part.split_once('=') else {
                continue;
            };
            if k.trim() != "skip" {
                continue;
            }
            for name in v.split(',').map(str::trim) {
                if name.eq_ignore_ascii_case("all") {
                    ids.extend(
                        all_rules()
                            .iter()
                            .filter(|r| !r.buildkit.is_empty())
                            .map(|r| r.id),
                    );
                } else if let Some(rule) = rule_by_buildkit_name(name) {
                    ids.push(rule.id);
                }
            }
        }
        return Some((scope, ids));
    }
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    let list = list.split('#').next().unwrap_or("");
    for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let rule = if tool == "own" {
            rule_by_id(code).or_else(|| rule_by_hadolint_code(code))
        } else {
            rule_by_hadolint_code(code)
        };
        if let Some(rule) = rule {
            ids.push(rule.id);
        }
    }
    Some((scope, ids))
}

/// The comment text (after `#`) is a suppression pragma: `dockerfile-lsp ignore=…`,
/// `hadolint ignore=…` (any scope) or a `check=skip=…` comment.
pub(crate) fn is_suppression(text: &str) -> bool {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("check") {
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            return false;
        };
        return value.split(';').any(|part| {
            part.split_once('=')
                .is_some_and(|(k, _)| k.trim() == "skip")
        });
    }
    parse_comment(text).is_some()
}

impl Suppressions {
    pub fn collect(ctx: &RuleContext<'_>) -> Suppressions {
        let mut s = Suppressions::default();
        if let Some(check) = ctx.syntax.directive(DirectiveKind::Check) {
            if let Some((_, ids)) = parse_comment(&format!("check={}", check.value)) {
                s.file.extend(ids);
            }
        }
        // Comment lines by line number, to find the block right above an instruction.
        let index = ctx.line_index;
        let mut by_line: HashMap<usize, &str> = HashMap::new();
        for c in ctx.syntax.comments.iter().filter(|c| !c.in_continuation) {
            let is_directive = ctx.syntax.directives.iter().any(|d| d.range == c.range);
            if is_directive {
                continue;
            }
            match parse_comment(&c.text) {
                Some((Scope::File, ids)) => s.file.extend(ids),
                Some(_) => {
                    by_line.insert(index.line_of(c.range.start()), &c.text);
                }
                None => {}
            }
        }
        if by_line.is_empty() {
            return s;
        }
        let comment_lines: HashSet<usize> = ctx
            .syntax
            .comments
            .iter()
            .filter(|c| !c.in_continuation)
            .map(|c| index.line_of(c.range.start()))
            .collect();
        let instructions = &ctx.syntax.instructions;
        for (i, inst) in instructions.iter().enumerate() {
            let line = index.line_of(inst.range.start());
            let mut l = line;
            while l > 0 {
                l -= 1;
                let Some(text) = by_line.get(&l) else {
                    // Plain comment lines keep the block going; anything else ends it.
                    if comment_lines.contains(&l) {
                        continue;
                    }
                    break;
                };
                let Some((scope, ids)) = parse_comment(text) else {
                    continue;
                };
                let range = match scope {
                    Scope::Stage if inst.kind == Kind::From => {
                        let end = instructions[i + 1..]
                            .iter()
                            .find(|n| n.kind == Kind::From)
                            .map_or(ctx.text.len(), |n| n.range.start());
                        TextRange::new(inst.range.start(), end)
                    }
                    _ => inst.range,
                };
                s.scoped.push((range, ids));
            }
        }
        s
    }

    /// The rule is ignored for the whole file.
    pub fn file_ignores(&self, rule: &RuleMeta) -> bool {
        self.file.contains(&rule.id)
    }

    /// The rule is ignored at `offset`.
    pub fn ignores(&self, rule: &RuleMeta, offset: usize) -> bool {
        self.scoped
            .iter()
            .any(|(range, ids)| range.contains_inclusive(offset) && ids.contains(&rule.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ide::Analysis;

    /// Findings of `invalid-arguments` only: the rule these tests suppress (other
    /// rules, such as `user-missing` on `FROM a`, are not the point here).
    fn codes(text: &str) -> Vec<(u32, &'static str)> {
        let a = Analysis::new(text);
        a.diagnostics(&Config::default())
            .into_iter()
            .filter(|d| d.rule.id == "invalid-arguments")
            .map(|d| {
                (
                    a.line_index().line_of(d.range.start()) as u32 + 1,
                    d.rule.id,
                )
            })
            .collect()
    }

    #[test]
    fn parses_every_syntax() {
        assert_eq!(
            parse_comment("dockerfile-lsp ignore=syntax-error, DL3006 # why"),
            Some((Scope::Next, vec!["syntax-error", "image-untagged"]))
        );
        assert_eq!(
            parse_comment("hadolint global ignore=DL3015,SC2086"),
            Some((Scope::File, vec!["apt-no-install-recommends"]))
        );
        assert_eq!(
            parse_comment("check=skip=JSONArgsRecommended;error=true"),
            Some((Scope::Next, vec!["json-args-recommended"]))
        );
        assert_eq!(parse_comment("just a comment"), None);
    }

    #[test]
    fn next_instruction_and_global_suppressions() {
        let text =
            "FROM a:1\n# dockerfile-lsp ignore=invalid-arguments\n# reason: legacy\nENV X\nENV Y\n";
        assert_eq!(codes(text), [(5, "invalid-arguments")]);
        let text = "FROM a:1\nENV X\n# dockerfile-lsp global ignore=invalid-arguments\nENV Y\n";
        assert_eq!(codes(text), []);
        // A blank line or another instruction ends the comment block.
        let text = "FROM a:1\n# dockerfile-lsp ignore=invalid-arguments\n\nENV X\n";
        assert_eq!(codes(text), [(4, "invalid-arguments")]);
    }

    #[test]
    fn hadolint_stage_scope() {
        let text = "# hadolint stage ignore=DL3006\nFROM a\nFROM b\nFROM c AS x\n";
        let a = Analysis::new(text);
        let ctx = RuleContext {
            text,
            syntax: a.syntax(),
            model: a.model(),
            config: &Config::default(),
            line_index: a.line_index(),
            cache: a.cache_cell(),
        };
        let s = Suppressions::collect(&ctx);
        let rule = rule_by_id("image-untagged").unwrap();
        assert!(s.ignores(rule, text.find("FROM a").unwrap() + 5));
        assert!(!s.ignores(rule, text.find("FROM b").unwrap() + 5));
    }
}
