//! Completion tests: cursor-marker fixtures (`$0`) rendered as one line per item.

use expect_test::{expect, Expect};

use super::*;

/// Splits `$0` out of a fixture: the text and the cursor offset.
fn cursor(fixture: &str) -> (String, usize) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), at)
}

/// The items at `$0`: label, the replaced text, what is inserted (snippet if any).
fn render(text: &str, offset: usize) -> String {
    let analysis = Analysis::new(text);
    let items = completions(&analysis, offset);
    let mut out = String::new();
    for c in &items {
        let replaced = text.get(c.range.range()).unwrap_or("<bad range>");
        out.push_str(&format!(
            "{:?} {} [{replaced}] -> {:?}{}{}\n",
            c.kind,
            c.label,
            c.snippet.as_deref().unwrap_or(&c.insert),
            if c.deprecated { " deprecated" } else { "" },
            c.detail.as_deref().map(|d| format!(" | {d}")).unwrap_or_default(),
        ));
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

fn check(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    expect.assert_eq(&render(&text, offset));
}

#[test]
fn smoke() {
    check("FROM alpine\nR$0\n", expect![[""]]);
}
