//! `variable-substitution-invalid`: a `${…}` the builder cannot expand.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::expand;
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a malformed variable reference in the parts of a Dockerfile that the
    /// builder itself expands: the arguments of `FROM`, `COPY`, `ADD`, `ENV`, `LABEL`,
    /// `ARG` defaults, `EXPOSE`, `USER`, `WORKDIR`, `VOLUME`, `STOPSIGNAL` (also as
    /// `ONBUILD` triggers) and flag values such as `RUN --mount=…` or `COPY --chown=…`.
    /// The shapes BuildKit's lexer refuses are:
    /// - an unsupported modifier: `${VAR:#x}`, `${VAR:%x}`, `${#VAR}` (the length
    ///   operator of shells), `${!VAR}`, `${VAR^^}`;
    /// - an empty or malformed name: `${}`, `${:-x}`, `${{VAR}}`;
    /// - a missing `}`, or a replacement without its second `/` (`${VAR/x}`).
    ///
    /// `RUN`, `CMD` and `ENTRYPOINT` bodies are not checked: the shell expands them at
    /// run time, and `${#VAR}` is valid there. Text in single quotes and escaped `$`
    /// are not references. Heredoc bodies are not checked either. Dev container
    /// template placeholders (`${templateOption:imageVariant}`) are not reported: the
    /// template tooling replaces them before the file is built.
    ///
    /// ## Why is this bad?
    /// The build fails when it reaches the instruction ("failed to process
    /// \"${#VERSION}\": unsupported modifier (V) in substitution"), often after the
    /// slow steps before it have run. BuildKit supports only `-`, `+`, `?` (with or
    /// without `:`), `#`, `##`, `%`, `%%`, `/` and `//`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.2.3
    /// ENV MAJOR=${VERSION:%%.*}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.2.3
    /// ENV MAJOR=${VERSION%%.*}
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the intended expansion is unknown.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/shell/lex.go` (`processDollar`)
    /// - Dockerfile reference, "Environment replacement"
    /// - rcjsuen/dockerfile-utils `UNSUPPORTED_MODIFIER`
    pub(crate) RULE {
        id: "variable-substitution-invalid",
        summary: "Malformed ${…} in a builder-expanded argument",
        level: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let escape = ctx.syntax.escape;
    for inst in &ctx.syntax.instructions {
        let mut ranges = expand::builder_ranges(inst);
        if let Some(t) = inst.trigger.as_deref() {
            ranges.extend(expand::builder_ranges(t));
        }
        for range in ranges {
            let text = &ctx.text[range.range()];
            if !text.contains("${") {
                continue;
            }
            let (_, bad) = expand::scan(text, escape);
            for b in bad {
                // Dev container templates: `${templateOption:name}` is replaced by the
                // template tooling before any build.
                if text[b.range.range()].starts_with("${templateOption:") {
                    continue;
                }
                let r = TextRange::new(range.start() + b.range.start(), range.start() + b.range.end());
                acc.report(
                    &RULE,
                    r,
                    format!("{}; the build fails when it expands this", capitalise(&b.message)),
                );
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_bad_references_in_builder_instructions() {
        check_rule(
            &RULE,
            r#"
ARG VERSION=1.2.3
FROM alpine:${VERSION:#x}
ENV MAJOR=${VERSION:%%.*} LEN=${#VERSION}
LABEL x="${}"
COPY --chown=${UID app /app
WORKDIR /opt/${NAME/x}
ONBUILD ENV Y=${!VERSION}
RUN --mount=type=cache,target=${:-/root} true
"#,
            expect![[r#"
                2 | FROM alpine:${VERSION:#x}
                  |             ^^^^^^^^^^^^^ variable-substitution-invalid: Unsupported modifier `:#` in `${VERSION:#x}`; the build fails when it expands this
                3 | ENV MAJOR=${VERSION:%%.*} LEN=${#VERSION}
                  |           ^^^^^^^^^^^^^^^ variable-substitution-invalid: Unsupported modifier `:%` in `${VERSION:%%.*}`; the build fails when it expands this
                3 | ENV MAJOR=${VERSION:%%.*} LEN=${#VERSION}
                  |                               ^^^^^^^^^^^ variable-substitution-invalid: Unsupported modifier in `${#VERSION}`: the builder has neither `${#var}` (length) nor `${!var}` (indirection); the build fails when it expands this
                4 | LABEL x="${}"
                  |          ^^^ variable-substitution-invalid: Bad substitution: `${}`; the build fails when it expands this
                5 | COPY --chown=${UID app /app
                  |              ^^^^^ variable-substitution-invalid: Missing `}` in variable substitution; the build fails when it expands this
                6 | WORKDIR /opt/${NAME/x}
                  |              ^^^^^^^^^ variable-substitution-invalid: Missing `/` in `${NAME/x}`: write `${name/pattern/replacement}`; the build fails when it expands this
                7 | ONBUILD ENV Y=${!VERSION}
                  |               ^^^^^^^^^^^ variable-substitution-invalid: Unsupported modifier in `${!VERSION}`: the builder has neither `${#var}` (length) nor `${!var}` (indirection); the build fails when it expands this
                8 | RUN --mount=type=cache,target=${:-/root} true
                  |                               ^^^^^^^^^^ variable-substitution-invalid: Bad substitution: `${:-/root}`; the build fails when it expands this
            "#]],
        );
    }

    #[test]
    fn accepts_valid_references_and_shell_bodies() {
        check_rule_not(
            &RULE,
            r#"
ARG VERSION=1.2.3
FROM alpine:${VERSION%%.*}
ENV A=${VERSION:-1} B=${VERSION-1} C=${VERSION:+x} D=${VERSION#*.} E=${VERSION/./-} F=${VERSION//./_}
ENV G='${#VERSION}' H=\${#VERSION}
LABEL nested="${A:-${B:-c}}"
ARG VARIANT=${templateOption:imageVariant}
RUN echo ${#VERSION} ${!A} ${VERSION^^}
CMD ["sh", "-c", "echo ${#VERSION}"]
RUN <<EOF
echo ${#VERSION}
EOF
"#,
        );
    }

    #[test]
    fn uses_the_escape_directive() {
        check_rule(
            &RULE,
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nENV PATH=\"C:\\tools;${env:PATH}\"\nENV OK=`${#x}\n",
            expect![[r#"
                3 | ENV PATH="C:\tools;${env:PATH}"
                  |                    ^^^^^^^^^^^ variable-substitution-invalid: Unsupported modifier `:P` in `${env:PATH}`; the build fails when it expands this
            "#]],
        );
    }
}
