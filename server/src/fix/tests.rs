//! Tests of the fix engine: fix-all rounds and convergence, edit validation, line edits,
//! diffs and the scope check.

use super::*;
use crate::rules::{rule_by_id, Applicability};

#[test]
fn fix_all_applies_safe_fixes_until_nothing_is_left() {
    let text = "from alpine:3.19\nrun apk add curl\nmaintainer me\n";
    let out = fix_all(text, &Config::default(), false);
    assert!(out.converged);
    assert!(out.changed());
    assert!(out.applied.contains_key("instruction-casing"), "{out:?}");
    let traced = fix_all_traced(text, &Config::default(), false);
    assert_eq!(traced.text, out.text);
    assert_eq!(traced.log.len(), out.total());
    assert!(
        traced.log.iter().all(|a| a.instruction_delta == 0),
        "{traced:?}"
    );
    let again = fix_all(&out.text, &Config::default(), false);
    assert_eq!(again.text, out.text, "fix-all is not idempotent");
    assert!(!again.changed());
}

#[test]
fn fix_all_leaves_clean_text_alone() {
    let text = "# syntax=docker/dockerfile:1\nFROM alpine:3.19\n";
    let out = fix_all(text, &Config::default(), true);
    assert_eq!(out.text, text);
    assert!(out.converged && !out.changed());
}

#[test]
fn apply_refuses_overlaps_and_out_of_range_edits() {
    let e = |s, t, n: &str| TextEdit::replace(TextRange::new(s, t), n);
    assert_eq!(
        apply("abcdef", &[e(1, 2, "X"), e(4, 4, "Y")]).unwrap(),
        "aXcdYef"
    );
    assert!(apply("abc", &[e(0, 2, "X"), e(1, 3, "Y")]).is_err());
    assert!(apply("abc", &[e(1, 1, "X"), e(1, 1, "Y")]).is_err());
    assert!(apply("abc", &[e(2, 9, "X")]).is_err());
    assert!(apply("é", &[e(1, 2, "X")]).is_err());
}

#[test]
fn line_edits_turn_old_into_new_and_touch_only_changed_lines() {
    let cases = [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\nc\n", "a\nc\n"),
        ("a\nb", "a\nb\nc"),
        ("", "x\n"),
        ("x\n", ""),
        ("a\r\nb\r\n", "a\r\nc\r\n"),
        ("same", "same"),
        // A lone `\r` ends a line for the differ too (a fuzz finding: it panicked).
        ("a\rb\nc\n", "a\rB\nc\n"),
        ("# x\rcre\rate\nRUN y\n", "# x\rcre\rate\nRUN z\n"),
        ("\r\r\r", "\r\rX\r"),
    ];
    for (old, new) in cases {
        let edits = line_edits(old, new);
        assert_eq!(apply(old, &edits).unwrap(), new, "{old:?} -> {new:?}");
    }
    let edits = line_edits("a\nb\nc\n", "a\nB\nc\n");
    assert_eq!(edits, vec![TextEdit::replace(TextRange::new(2, 4), "B\n")]);
}

#[test]
fn unified_diff_has_headers_and_hunks() {
    let diff = unified_diff("FROM a\nrun x\n", "FROM a\nRUN x\n", "Dockerfile");
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
    assert!(diff.contains("-run x\n+RUN x\n"), "{diff}");
    assert_eq!(unified_diff("x", "x", "D"), "");
    let absolute = unified_diff("run x\n", "RUN x\n", "/src/Dockerfile");
    assert!(
        absolute.starts_with("--- /src/Dockerfile\n+++ /src/Dockerfile\n"),
        "{absolute}"
    );
}

#[test]
fn full_lines_widen_to_line_breaks() {
    let text = "ab\ncd\r\nef";
    assert_eq!(full_lines(text, TextRange::new(4, 4)), TextRange::new(3, 7));
    assert_eq!(full_lines(text, TextRange::new(8, 9)), TextRange::new(7, 9));
    assert_eq!(full_lines(text, TextRange::new(0, 0)), TextRange::new(0, 3));
}

#[test]
fn scope_check_rejects_edits_in_other_instructions() {
    let text = "FROM a\nRUN x\nRUN y\n";
    let rule = rule_by_id("run-consecutive").unwrap();
    let d = Diagnostic {
        rule,
        range: TextRange::new(7, 12),
        severity: crate::rules::Severity::Info,
        message: String::new(),
        fixes: vec![],
        unnecessary: false,
        deprecated: false,
    };
    let inside = Fix::new("x", Applicability::Safe, vec![TextEdit::insert(11, "!")]);
    assert!(check_scope(text, &d, &inside).is_ok());
    let new_line = Fix::new("x", Applicability::Safe, vec![TextEdit::insert(0, "# c\n")]);
    assert!(check_scope(text, &d, &new_line).is_ok());
    let other = Fix::new("x", Applicability::Safe, vec![TextEdit::insert(17, "!")]);
    assert!(check_scope(text, &d, &other).is_err());
    let named = other.clone().also_editing([TextRange::new(13, 18)]);
    assert!(check_scope(text, &d, &named).is_ok());
}
