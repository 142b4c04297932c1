//! `exec-form-single-quotes`: `['a', 'b']`, an array in single quotes, which JSON does
//! not allow, so BuildKit silently reads it as shell form.

use crate::rules::exec_form_invalid_json::{
    array_candidate, attempted_array, consequence, json_quote, repair_backslashes,
    valid_json_string, Attempt, Quote,
};
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports an array argument whose items use single quotes, as in
    /// `CMD ['nginx', '-g', 'daemon off;']`, on `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`,
    /// `HEALTHCHECK CMD`, `COPY`, `ADD` and `VOLUME`. Other invalid arrays are
    /// reported by `exec-form-invalid-json`.
    ///
    /// ## Why is this bad?
    /// The exec form is JSON, and JSON strings take double quotes only. BuildKit does
    /// not complain: it runs the whole text as `/bin/sh -c "['nginx', '-g', …]"`, whose
    /// first word `[nginx,` is not a command, so the container fails to start (or the
    /// `RUN` fails) with "not found". Even when the image has no shell at all, the
    /// intended exec form was never used. `COPY`, `ADD` and `VOLUME` take the brackets
    /// and quotes as part of the paths; `SHELL` fails the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ['nginx', '-g', 'daemon off;']
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix safety
    /// On a one-line array whose items are all quoted, the fix rewrites each
    /// single-quoted item in double quotes, escaping `"` and `\` inside it. It is safe:
    /// the text as written never worked as intended, and the fix gives it the meaning
    /// its author wrote. Arrays spread over several lines or with unquoted items get no
    /// fix.
    ///
    /// ## References
    /// - Dockerfile reference, "Shell and exec form" ("you must use double quotes (")
    ///   around words, not single quotes (')")
    /// - dockerfile-utils `instructionJSONInSingleQuotes`
    /// - BuildKit `frontend/dockerfile/parser/line_parsers.go` (`parseMaybeJSON`)
    pub(crate) RULE {
        id: "exec-form-single-quotes",
        summary: "Array in single quotes is not JSON",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        let eff = inst.effective();
        let Some((text, range)) = array_candidate(eff) else {
            continue;
        };
        let Some(Attempt::Array {
            items,
            trailing_comma,
        }) = attempted_array(text)
        else {
            continue;
        };
        let Some(first) = items.iter().find(|i| i.quote == Quote::Single) else {
            continue;
        };
        let why = consequence(eff.kind);
        let at = TextRange::new(range.start() + first.start, range.start() + first.end);
        let one_line = ctx.text.get(range.range()) == Some(text);
        let d = acc.report(
            &RULE,
            if one_line { at } else { range },
            format!("JSON arrays need double quotes; with single quotes this is not a JSON array, {why}"),
        );
        if !one_line || trailing_comma.is_some() || items.iter().any(|i| i.quote == Quote::Bare) {
            continue;
        }
        let mut edits = Vec::new();
        for item in &items {
            let replacement = match item.quote {
                Quote::Single => Some(json_quote(item.inner)),
                Quote::Double if !valid_json_string(item.inner) => {
                    let fixed = repair_backslashes(item.inner);
                    if !valid_json_string(&fixed) {
                        edits.clear();
                        break;
                    }
                    Some(format!("\"{fixed}\""))
                }
                _ => None,
            };
            if let Some(r) = replacement {
                edits.push(TextEdit::replace(
                    TextRange::new(range.start() + item.start, range.start() + item.end),
                    r,
                ));
            }
        }
        if !edits.is_empty() {
            d.with_fix("Use double quotes", Applicability::Safe, edits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_single_quoted_arrays() {
        check_rule(
            &RULE,
            r#"
FROM alpine
CMD ['nginx', '-g', 'daemon off;']
ENTRYPOINT ["/bin/app", '--serve']
RUN ['apk', 'add', 'curl']
VOLUME ['/data']
COPY ['a', 'b/']
HEALTHCHECK CMD ['curl', '-f', 'http://localhost/']
ONBUILD RUN ['make']
SHELL ['/bin/bash', '-c']
CMD ['a', \
     'b']
"#,
            expect![[r#"
                2 | CMD ['nginx', '-g', 'daemon off;']
                  |      ^^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                3 | ENTRYPOINT ["/bin/app", '--serve']
                  |                         ^^^^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                4 | RUN ['apk', 'add', 'curl']
                  |      ^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                5 | VOLUME ['/data']
                  |         ^^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit splits it at whitespace and takes the brackets and quotes as part of the paths
                6 | COPY ['a', 'b/']
                  |       ^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit splits it at whitespace and takes the brackets and quotes as part of the paths
                7 | HEALTHCHECK CMD ['curl', '-f', 'http://localhost/']
                  |                  ^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                8 | ONBUILD RUN ['make']
                  |              ^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                9 | SHELL ['/bin/bash', '-c']
                  |        ^^^^^^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, and SHELL accepts only a JSON array, so the build fails
                10 | CMD ['a', \
                   |     ^^^^^^^ exec-form-single-quotes: JSON arrays need double quotes; with single quotes this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
            "#]],
        );
    }

    #[test]
    fn accepts_shell_text_with_single_quotes() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN [ 'a' = 'b' ] || echo no
RUN ["sh", "-c", "echo 'hi'"]
CMD echo '[a, b]'
RUN [ -n '1,2' ]
"#,
        );
    }

    #[test]
    fn fix_uses_double_quotes() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
CMD ['nginx', '-g', 'daemon "off";']
ENTRYPOINT ['C:\app\run.exe', "C:\tmp\x"]
"#,
            expect![[r#"
                FROM alpine
                CMD ["nginx", "-g", "daemon \"off\";"]
                ENTRYPOINT ["C:\\app\\run.exe", "C:\\tmp\\x"]
            "#]],
        );
    }
}
