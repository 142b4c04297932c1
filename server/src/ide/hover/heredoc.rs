//! Hovers on here-document markers (`<<EOF`, `<<-EOF`, `<<"EOF"`) and on their
//! terminator line: the delimiter, whether the body is expanded, what `-` does, and which
//! command reads the body.

use super::{code, trim_range, At, Ctx, HoverResult};
use crate::syntax::{Heredoc, Instruction, Kind};
use crate::text::TextRange;

pub(super) fn hover(ctx: &Ctx<'_>, at: &At<'_>) -> Option<HoverResult> {
    let eff = at.eff();
    for h in &eff.heredocs {
        let range = if h.marker_range.contains(at.offset) {
            h.marker_range
        } else {
            match h.terminator_range.map(|t| trim_range(ctx.text, t)) {
                Some(t) if t.contains(at.offset) => t,
                _ => continue,
            }
        };
        return at.result(range, markdown(ctx, eff, h));
    }
    None
}

fn markdown(ctx: &Ctx<'_>, eff: &Instruction, h: &Heredoc) -> String {
    let mut md = format!(
        "**Here-document** {} · delimiter {}\n",
        code(ctx.slice(h.marker_range)),
        code(&h.name)
    );
    md.push('\n');
    let expansion = match (eff.kind, h.quoted) {
        (Kind::Run, false) => {
            "- Expansion: the builder passes the body on unchanged; the shell expands `$NAME` \
             when the command runs (ENV and ARG values are in its environment)."
        }
        (Kind::Run, true) if runs_as_script(ctx, eff, h) => {
            "- Quoted delimiter: the body is the script as written; the shell still expands \
             its variables when it runs it."
        }
        (Kind::Run, true) => {
            "- Expansion **off**: the delimiter is quoted, so the shell reads the body literally."
        }
        (_, true) => {
            "- Expansion **off**: the delimiter is quoted, so the builder takes the body literally."
        }
        (_, false) => {
            "- Expansion **on**: the builder expands build-time variables (`$NAME`, `${NAME}`) \
             in the body."
        }
    };
    md.push_str(expansion);
    md.push('\n');
    if h.chomp {
        md.push_str("- `<<-`: leading tabs are stripped from the body lines and the terminator.\n");
    }
    md.push_str(&format!("- Read by: {}\n", reader(ctx, eff, h)));
    let body_start = ctx.line(h.body_range.start());
    match h.terminator_range {
        Some(t) => {
            let end = ctx.line(t.start());
            if end == body_start + 1 {
                md.push_str(&format!(
                    "- Body: line {body_start}, ended by line {end}.\n"
                ));
            } else if end > body_start {
                md.push_str(&format!(
                    "- Body: lines {body_start}–{}, ended by line {end}.\n",
                    end - 1
                ));
            } else {
                md.push_str(&format!("- Body: empty, ended by line {end}.\n"));
            }
        }
        None => md.push_str(&format!(
            "- Body: from line {body_start}, never ended: no line is exactly {}.\n",
            code(&h.name)
        )),
    }
    md.push_str("\n---\n\n");
    md.push_str(&ctx.texts.heredoc());
    md
}

/// True when the body of a `RUN` heredoc is the script itself (`RUN <<EOF`), not the
/// input of a command (`RUN python3 <<EOF`).
fn runs_as_script(ctx: &Ctx<'_>, eff: &Instruction, h: &Heredoc) -> bool {
    h.fd == 0 && command_before(ctx, eff, h).is_none()
}

/// The first word of the `RUN` line before the marker that is not a marker itself.
fn command_before<'a>(ctx: &Ctx<'a>, eff: &Instruction, h: &Heredoc) -> Option<&'a str> {
    ctx.text
        .get(eff.args.range.start()..h.marker_range.start())
        .unwrap_or("")
        .split_whitespace()
        .find(|w| !w.starts_with("<<"))
}

/// Who reads the body.
fn reader(ctx: &Ctx<'_>, eff: &Instruction, h: &Heredoc) -> String {
    let body = ctx.text.get(h.body_range.range()).unwrap_or("");
    let shebang = body
        .lines()
        .next()
        .map(str::trim_end)
        .filter(|l| l.starts_with("#!"));
    match eff.kind {
        Kind::Run => {
            if h.fd != 0 {
                return format!("the command of this `RUN`, as file descriptor {}", h.fd);
            }
            let command = command_before(ctx, eff, h);
            match (command, shebang) {
                (None, Some(line)) => {
                    format!("the interpreter its first line names, {}", code(line))
                }
                (None, None) => {
                    "the shell of this `RUN` (`/bin/sh -c` unless `SHELL` changed it), \
                     as a script"
                        .to_string()
                }
                (Some(cmd), _) => {
                    format!("the standard input of {}", code(&super::shorten(cmd, 40)))
                }
            }
        }
        Kind::Copy | Kind::Add => {
            let dest = eff
                .args
                .words
                .last()
                .filter(|w| !w.text.starts_with("<<"))
                .map(|w| w.text.as_str());
            match dest {
                Some(d) => format!(
                    "`{}`: the body becomes a file named {} that is copied to {}",
                    eff.kind.name(),
                    code(&h.name),
                    code(d)
                ),
                None => format!(
                    "`{}`: the body becomes a file named {}",
                    eff.kind.name(),
                    code(&h.name)
                ),
            }
        }
        other => format!("`{}`", other.name()),
    }
}

/// Heredoc bodies of an instruction and whether each is expanded by the builder.
pub(super) fn bodies(eff: &Instruction) -> impl Iterator<Item = (TextRange, bool)> + '_ {
    eff.heredocs.iter().map(|h| (h.body_range, !h.quoted))
}
