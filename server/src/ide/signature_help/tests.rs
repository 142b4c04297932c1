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
fn smoke() {
    check("FROM --platform=linux/amd64 al$0", expect![[""]]);
}
