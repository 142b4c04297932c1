//! Reference text for parser directives (`# syntax=`, `# escape=`, `# check=`) and for
//! here-documents.

/// Said of every directive: where it must be and what happens elsewhere.
macro_rules! placement {
    () => {
        "Parser directives must come first in the file, before any instruction, comment or\n\
         empty line, each at most once. Anywhere else the line is an ordinary comment and\n\
         does nothing, without any error."
    };
}

pub(super) static DIRECTIVE_DOCS: &[(&str, &str)] = &[
    (
        "syntax",
        concat!(
            r#"`# syntax=<frontend image>`

Chooses the Dockerfile frontend, the image that parses and builds this file; BuildKit
pulls it before the build. `docker/dockerfile:1` follows the latest stable 1.x release;
a full version (`docker/dockerfile:1.10`) freezes the feature set. Without the directive
the frontend bundled with your BuildKit is used, which may be older.

"#,
            placement!(),
            r#"

```dockerfile
# syntax=docker/dockerfile:1
FROM alpine:3.20
```"#
        ),
    ),
    (
        "escape",
        concat!(
            r#"`# escape=\` (the default) or ``# escape=` ``

Sets the escape character, which also continues an instruction on the next line. A
backtick suits Windows Dockerfiles, where `\` separates path components
(`COPY app C:\app\`). Inside `RUN` commands the escape character is only processed at
the end of a line.

"#,
            placement!(),
            r#"

```dockerfile
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN mkdir C:\app `
    && echo done
```"#
        ),
    ),
    (
        "check",
        concat!(
            r#"`# check=skip=<Check>[,<Check>…];error=<bool>` · Dockerfile 1.8+

Configures BuildKit's build checks for this file. `skip=` turns off the named checks
(`skip=all`: every check); `error=true` makes a failed check fail the build, so pin the
`syntax` version with it, or a new check can break the build. Check names are
case-sensitive (`JSONArgsRecommended`). dockerfile-lsp also honours `skip=` for its rules
that match those checks.

"#,
            placement!(),
            r#"

```dockerfile
# syntax=docker/dockerfile:1.10
# check=skip=JSONArgsRecommended;error=true
FROM alpine:3.20
```"#
        ),
    ),
];

pub(super) const HEREDOC: &str = r#"**Here-document** · Dockerfile 1.4+

`<<EOF` feeds the lines that follow, up to a line that is exactly `EOF`, to the
instruction: to `RUN` as a script (or as the standard input of its command), to `COPY`
and `ADD` as the content of a file.

- `<<EOF`: variables in the body (`$VERSION`) are expanded: by the builder for `COPY` and
  `ADD`, by the shell that runs the script for `RUN` (it sees ARG and ENV values).
- `<<"EOF"` or `<<'EOF'` (any part quoted): the body is taken literally. A shell that
  runs it still expands its own variables.
- `<<-EOF`: leading tabs are removed from the body lines and the terminator.
- In `RUN`, a `#!` first line chooses the interpreter (`#!/usr/bin/env python3`).

```dockerfile
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends git
rm -rf /var/lib/apt/lists/*
EOF
```"#;
