//! `copy-multi-source-dest-slash`: several COPY/ADD sources into a destination without `/`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::copy::{unquote, CopyArgs};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` (also in JSON form and as `ONBUILD` triggers) with more
    /// than one source (heredocs count) whose destination does not end with `/`.
    ///
    /// A destination of `.` is accepted (BuildKit treats it as the working
    /// directory), so is one ending with `\` in a Windows image. A destination with a
    /// variable is checked after expansion and skipped when its value is unknown.
    ///
    /// hadolint (DL3021) and Trivy (DS-0011) only count the arguments, and so do we: a
    /// single wildcard source (`COPY target/*.jar app.jar`) is not reported, because
    /// it is valid when the wildcard matches one file (the usual intent), and whether
    /// it does depends on the build context.
    ///
    /// Differences from hadolint (DL3021): hadolint also reports a destination of `.`
    /// (`COPY go.mod go.sum .`, 4 corpus findings); BuildKit treats `.` as the working
    /// directory and such a `COPY` builds, so we accept it.
    ///
    /// ## Why is this bad?
    /// With several sources the destination must be a directory, and the builder only
    /// knows it is one from the trailing `/`. Without it the build fails ("When using
    /// COPY with more than one source file, the destination must be a directory and
    /// end with a /").
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `/` to the destination. Safe: the instruction fails to build
    /// without it, and with it every source lands in that directory.
    ///
    /// ## References
    /// - hadolint DL3021
    /// - Trivy DS-0011
    /// - Docker docs: "Dockerfile reference", sections "COPY" and "ADD"
    pub(crate) RULE {
        id: "copy-multi-source-dest-slash",
        summary: "Several COPY sources and destination without trailing /",
        level: Error,
        fix: Always,
        hadolint: ["DL3021"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let Some(args) = CopyArgs::of(inst) else {
            continue;
        };
        if args.sources.len() + args.heredocs < 2 {
            continue;
        }
        let written = if args.json {
            args.dest.text.as_str()
        } else {
            unquote(&args.dest.text)
        };
        let value = if written.contains('$') {
            match ctx.model.expand_at(i, written) {
                Some(v) => v,
                None => continue,
            }
        } else {
            written.to_string()
        };
        if value.ends_with('/') || value.ends_with('\\') || value == "." || value.is_empty() {
            continue;
        }
        let range = args.dest.range;
        let quoted = args.json || written.len() != args.dest.text.len();
        let at = if quoted {
            range.end() - 1
        } else {
            range.end()
        };
        acc.report(
            &RULE,
            range,
            format!(
                "`{}` copies several sources, so the destination must be a directory written with a trailing `/`: `{written}/`.",
                inst.effective().kind.name()
            ),
        )
        .with_fix(
            "Append `/` to the destination",
            Applicability::Safe,
            vec![TextEdit::insert(at, "/")],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_multi_source_without_slash() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG DEST=/opt/app
COPY package.json package-lock.json /app
ADD a.txt b.txt "/srv/data"
COPY ["a", "b", "/c"]
ONBUILD COPY x y /z
COPY a b $DEST
COPY <<one <<two /etc/conf
1
one
2
two
"#,
            expect![[r#"
                3 | COPY package.json package-lock.json /app
                  |                                     ^^^^ copy-multi-source-dest-slash: `COPY` copies several sources, so the destination must be a directory written with a trailing `/`: `/app/`.
                4 | ADD a.txt b.txt "/srv/data"
                  |                 ^^^^^^^^^^^ copy-multi-source-dest-slash: `ADD` copies several sources, so the destination must be a directory written with a trailing `/`: `/srv/data/`.
                5 | COPY ["a", "b", "/c"]
                  |                 ^^^^ copy-multi-source-dest-slash: `COPY` copies several sources, so the destination must be a directory written with a trailing `/`: `/c/`.
                6 | ONBUILD COPY x y /z
                  |                  ^^ copy-multi-source-dest-slash: `COPY` copies several sources, so the destination must be a directory written with a trailing `/`: `/z/`.
                7 | COPY a b $DEST
                  |          ^^^^^ copy-multi-source-dest-slash: `COPY` copies several sources, so the destination must be a directory written with a trailing `/`: `$DEST/`.
                8 | COPY <<one <<two /etc/conf
                  |                  ^^^^^^^^^ copy-multi-source-dest-slash: `COPY` copies several sources, so the destination must be a directory written with a trailing `/`: `/etc/conf/`.
            "#]],
        );
    }

    #[test]
    fn accepts_single_sources_and_directories() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
COPY a /b
COPY target/*.jar app.jar
COPY a b /c/
COPY a b .
COPY ["a", "b", "/c/"]
COPY a b $UNKNOWN
COPY --from=build /a /b /c/
COPY <<EOF /etc/motd
hi
EOF
"#,
        );
    }

    #[test]
    fn windows_destination() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
COPY a.ps1 b.ps1 C:\scripts\
"#,
        );
    }

    #[test]
    fn fix_appends_slash() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
COPY a b /app
COPY ["a", "b", "/c"]
ADD x y "/srv"
"#,
            expect![[r#"
                FROM alpine
                COPY a b /app/
                COPY ["a", "b", "/c/"]
                ADD x y "/srv/"
            "#]],
        );
    }

    #[test]
    fn fix_in_onbuild_continuation_heredoc_and_crlf() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
ONBUILD COPY a b /z
COPY --chown=1:1 a \
     b \
     /app
COPY <<one <<two /etc/conf
1
one
2
two
"#,
            expect![[r#"
                FROM alpine
                ONBUILD COPY a b /z/
                COPY --chown=1:1 a \
                     b \
                     /app/
                COPY <<one <<two /etc/conf/
                1
                one
                2
                two
            "#]],
        );
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nCOPY a b `\r\n  /srv\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nCOPY a b `\r\n  /srv/\r\n"
        );
    }
}
