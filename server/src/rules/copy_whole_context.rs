//! `copy-whole-context`: `COPY . <dest>` instead of naming what the image needs.

use crate::rules::dockerignore_missing::whole_context_copies;
use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports every `COPY . <dest>` and `ADD . <dest>` (also `./` and the JSON form)
    /// that copies the entire build context, `ONBUILD` triggers included. `COPY
    /// --from=<stage> . <dest>` copies from a stage, not the context, and is not
    /// reported.
    ///
    /// Off by default: copying the whole context is the normal way to build many
    /// applications, and a good `.dockerignore` (see `dockerignore-missing` and
    /// `copy-ignored-file`) makes it safe. Turn it on for images where every file
    /// should be listed on purpose.
    ///
    /// ## Why is this bad?
    /// Everything that is not ignored lands in the layer: a change to any file, even
    /// a README or a test, invalidates the cache of this `COPY` and of every
    /// instruction after it (typically a long dependency install), and files nobody
    /// meant to ship (local `.env`, credentials, build output) slip in as the project
    /// grows. Naming the files or folders the image needs keeps layers small and the
    /// cache warm.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY src/ ./src/
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which files the image needs cannot be known from the
    /// Dockerfile.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile best practices", sections "Leverage build cache" and
    ///   "Exclude with .dockerignore"; "Build context"
    /// - No hadolint, BuildKit, Trivy or Checkov equivalent
    pub(crate) RULE {
        id: "copy-whole-context",
        summary: "COPY . copies the entire build context",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for src in whole_context_copies(ctx, true) {
        acc.report(
            &RULE,
            src.range,
            "This copies the entire build context; copy only the files and folders the image needs, so unrelated edits do not invalidate the cache.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_whole_context_copies() {
        check_rule(
            &RULE,
            r#"
FROM node:22
COPY . .
ADD ./ /app/
COPY [".", "/srv"]
ONBUILD COPY . /app
COPY <<EOF . /x
hi
EOF
"#,
            expect![[r#"
                2 | COPY . .
                  |      ^ copy-whole-context: This copies the entire build context; copy only the files and folders the image needs, so unrelated edits do not invalidate the cache.
                3 | ADD ./ /app/
                  |     ^^ copy-whole-context: This copies the entire build context; copy only the files and folders the image needs, so unrelated edits do not invalidate the cache.
                4 | COPY [".", "/srv"]
                  |       ^^^ copy-whole-context: This copies the entire build context; copy only the files and folders the image needs, so unrelated edits do not invalidate the cache.
                5 | ONBUILD COPY . /app
                  |              ^ copy-whole-context: This copies the entire build context; copy only the files and folders the image needs, so unrelated edits do not invalidate the cache.
                6 | COPY <<EOF . /x
                  |            ^ copy-whole-context: This copies the entire build context; copy only the files and folders the image needs, so unrelated edits do not invalidate the cache.
            "#]],
        );
    }

    #[test]
    fn accepts_named_sources_and_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22 AS build
COPY package.json src/ ./
COPY ./src ./src
FROM alpine
COPY --from=build . /app
COPY $CONTEXT /x
COPY .env.example /x
"#,
        );
    }
}
