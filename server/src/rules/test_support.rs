//! Test helpers for rules: run one rule over a fixture and render its findings as a
//! listing with carets, for `expect!` snapshots.

use crate::config::Config;
use crate::ide::Analysis;
use crate::rules::{Diagnostic, RuleMeta};
use crate::text::{apply_edits, ColumnUnit};

/// Findings of `rule` only (at its default level, even when it is off by default).
pub(crate) fn diagnostics_of(rule: &'static RuleMeta, text: &str) -> Vec<Diagnostic> {
    diagnostics_with(rule, &Config::default(), text)
}

/// Findings of `rule` only with `config` (the rule turned on at hint level when it is
/// off by default and `config` does not set it).
pub(crate) fn diagnostics_with(
    rule: &'static RuleMeta,
    config: &Config,
    text: &str,
) -> Vec<Diagnostic> {
    let mut config = config.clone();
    if rule.default_level == crate::rules::Level::Off && !config.rules.contains_key(rule.id) {
        config.rules.insert(
            rule.id.to_string(),
            crate::rules::Level::On(crate::rules::Severity::Hint),
        );
    }
    Analysis::new(text)
        .diagnostics(&config)
        .into_iter()
        .filter(|d| d.rule.id == rule.id)
        .collect()
}

/// Renders findings as `line | text` with carets under each range.
pub(crate) fn render(text: &str, diags: &[Diagnostic]) -> String {
    let index = crate::text::LineIndex::new(text);
    let mut out = String::new();
    for d in diags {
        let start = index.line_col(text, d.range.start(), ColumnUnit::Char);
        let end = index.line_col(text, d.range.end(), ColumnUnit::Char);
        let line_text = &text[index.line_range(text, start.line as usize).range()];
        out.push_str(&format!("{} | {}\n", start.line + 1, line_text));
        let width = if end.line == start.line {
            (end.col - start.col).max(1)
        } else {
            (line_text.chars().count() as u32)
                .saturating_sub(start.col)
                .max(1)
        };
        let pad = " ".repeat(format!("{}", start.line + 1).len());
        out.push_str(&format!(
            "{} | {}{} {}: {}\n",
            pad,
            " ".repeat(start.col as usize),
            "^".repeat(width as usize),
            d.rule.id,
            d.message
        ));
    }
    out
}

/// Runs `rule` on `text` (leading newline dropped) and compares the rendered findings.
pub(crate) fn check_rule(rule: &'static RuleMeta, text: &str, expect: expect_test::Expect) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let diags = diagnostics_of(rule, text);
    expect.assert_eq(&render(text, &diags));
}

/// Asserts that `rule` finds nothing in `text`.
pub(crate) fn check_rule_not(rule: &'static RuleMeta, text: &str) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let diags = diagnostics_of(rule, text);
    assert!(
        diags.is_empty(),
        "expected no findings, got:\n{}",
        render(text, &diags)
    );
}

/// Applies the preferred fix (first safe, else first) of every finding of `rule`,
/// checks the result against `after`, and checks each fix on its own with
/// [`check_fix_properties`]; then checks that a second pass converges.
pub(crate) fn check_rule_fix(rule: &'static RuleMeta, before: &str, after: expect_test::Expect) {
    check_rule_fix_with(rule, &Config::default(), before, after);
}

/// [`check_rule_fix`] with `config` (registry facts, labels…) for rules that need facts
/// from outside the text.
pub(crate) fn check_rule_fix_with(
    rule: &'static RuleMeta,
    config: &Config,
    before: &str,
    after: expect_test::Expect,
) {
    let before = before.strip_prefix('\n').unwrap_or(before);
    let diags = diagnostics_with(rule, config, before);
    let mut edits = Vec::new();
    for d in &diags {
        if let Some(fix) = d.fix_for(true) {
            check_fix_properties(before, d, fix);
            // Findings of one instruction may carry the same whole-instruction fix.
            for e in &fix.edits {
                if !edits.contains(e) {
                    edits.push(e.clone());
                }
            }
        }
    }
    assert!(!edits.is_empty(), "rule {} offered no fix", rule.id);
    let fixed = apply_edits(before, &edits);
    after.assert_eq(&fixed);
    let again: Vec<_> = diagnostics_with(rule, config, &fixed)
        .into_iter()
        .filter(|d| !d.fixes.is_empty())
        .collect();
    assert!(
        again.is_empty(),
        "the fix does not converge:\n{}",
        render(&fixed, &again)
    );
}

/// Renders every fix of every finding of `rule`, applied on its own, as
/// `--- <title> (safe|unsafe)` followed by the whole resulting text; checks each with
/// [`check_fix_properties`]. For rules that offer alternatives.
#[allow(dead_code)] // used by the fix snapshots that land with issue 4
pub(crate) fn check_rule_fixes(rule: &'static RuleMeta, before: &str, after: expect_test::Expect) {
    let before = before.strip_prefix('\n').unwrap_or(before);
    let mut out = String::new();
    for d in diagnostics_of(rule, before) {
        for fix in &d.fixes {
            check_fix_properties(before, &d, fix);
            let safety = if fix.is_safe() { "safe" } else { "unsafe" };
            out.push_str(&format!("--- {} ({safety})\n", fix.title));
            out.push_str(&apply_edits(before, &fix.edits));
        }
    }
    after.assert_eq(&out);
}

/// Asserts that applying `fix` alone adds no syntax error and edits nothing outside
/// the instructions it names: those the diagnostic covers and its `also_edits`. New
/// whole lines may be inserted at a line start next to them.
pub(crate) fn check_fix_properties(before: &str, d: &Diagnostic, fix: &crate::rules::Fix) {
    let fixed = apply_edits(before, &fix.edits);
    let errors = |t: &str| crate::syntax::parse(t).errors.len();
    assert!(
        errors(&fixed) <= errors(before),
        "the fix {:?} introduced a syntax error:\n{fixed}",
        fix.title
    );
    if let Err(e) = crate::fix::check_scope(before, d, fix) {
        panic!(
            "the fix {:?} edits outside its instructions: {e}",
            fix.title
        );
    }
}

/// Test helper: applies the preferred fix (unsafe ones included) of every finding of
/// `rule` with the `[labels]` table `labels` (TOML, may be empty), checks each fix's
/// properties and that a second pass finds nothing to fix, and returns the text.
pub(crate) fn fixed_with(
    rule: &'static crate::rules::RuleMeta,
    labels: &str,
    text: &str,
) -> String {
    use crate::rules::test_support::{check_fix_properties, diagnostics_of};
    let text = text.strip_prefix('\n').unwrap_or(text);
    let diags = |t: &str| -> Vec<crate::rules::Diagnostic> {
        if labels.is_empty() {
            return diagnostics_of(rule, t);
        }
        let (config, problems) = crate::config::load::parse_toml(&format!("[labels]\n{labels}\n"));
        assert!(problems.is_empty(), "{problems:?}");
        crate::ide::Analysis::new(t)
            .diagnostics(&config)
            .into_iter()
            .filter(|d| d.rule.id == rule.id)
            .collect()
    };
    let mut edits = Vec::new();
    for d in diags(text) {
        if let Some(fix) = d.fix_for(true) {
            check_fix_properties(text, &d, fix);
            edits.extend(fix.edits.iter().cloned());
        }
    }
    let fixed = crate::fix::apply(text, &edits).expect("edits apply");
    let again: Vec<_> = diags(&fixed)
        .into_iter()
        .filter(|d| !d.fixes.is_empty())
        .collect();
    assert!(again.is_empty(), "the fix does not converge:\n{fixed}");
    fixed
}

/// [`check_rule_fix`] for texts with CRLF line breaks or a BOM: the snapshot shows a
/// carriage return as `␍` and a BOM as `<BOM>` (a raw CR cannot be written in a
/// Rust string literal, and a BOM is invisible).
pub(crate) fn check_rule_fix_raw(
    rule: &'static RuleMeta,
    before: &str,
    after: expect_test::Expect,
) {
    let diags = diagnostics_of(rule, before);
    let mut edits = Vec::new();
    for d in &diags {
        if let Some(fix) = d.fix_for(true) {
            check_fix_properties(before, d, fix);
            edits.extend(fix.edits.iter().cloned());
        }
    }
    assert!(!edits.is_empty(), "rule {} offered no fix", rule.id);
    let fixed = apply_edits(before, &edits);
    after.assert_eq(&fixed.replace('\r', "␍").replace('\u{feff}', "<BOM>"));
    let again: Vec<_> = diagnostics_of(rule, &fixed)
        .into_iter()
        .filter(|d| !d.fixes.is_empty())
        .collect();
    assert!(
        again.is_empty(),
        "the fix does not converge:\n{}",
        render(&fixed, &again)
    );
}
