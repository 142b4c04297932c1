//! Instruction keywords: the ones that make sense at the cursor (before the first `FROM`
//! only `FROM` and `ARG`; after `ONBUILD` neither `FROM`, `ONBUILD` nor `MAINTAINER`),
//! in the file's keyword case, as snippets with tabstops; `MAINTAINER` is deprecated.
//! In the directive block at the top of an empty line, the missing parser directives too.

use super::context::{rest_of_line_blank, word_range};
use super::{directives, file_is_lowercase, in_file_case, Completion, CompletionKind, DocKey};
use crate::ide::{docs, Analysis};
use crate::syntax::Kind;

/// The arguments a snippet adds after the keyword and a space; `$1`… are tabstops.
fn snippet_args(kind: Kind) -> &'static str {
    match kind {
        Kind::Add | Kind::Copy => "${1:src} ${2:dest}",
        Kind::Arg => "${1:name}",
        Kind::Cmd | Kind::Entrypoint => "[\"${1:executable}\"]",
        Kind::Env => "${1:key}=${2:value}",
        Kind::Expose => "${1:port}",
        Kind::From => "${1:image}",
        Kind::Healthcheck => "CMD ${1:command}",
        Kind::Label => "${1:key}=\"${2:value}\"",
        Kind::Maintainer => "${1:name}",
        Kind::Onbuild => "${1:instruction}",
        Kind::Run => "${1:command}",
        Kind::Shell => "[\"${1:executable}\", \"${2:parameters}\"]",
        Kind::Stopsignal => "${1:signal}",
        Kind::User => "${1:user}",
        Kind::Volume => "[\"${1:path}\"]",
        Kind::Workdir => "${1:path}",
        Kind::Unknown => "",
    }
}

/// The order instructions are offered in: the common ones first.
const ORDER: [Kind; 18] = [
    Kind::From,
    Kind::Run,
    Kind::Copy,
    Kind::Arg,
    Kind::Env,
    Kind::Workdir,
    Kind::Cmd,
    Kind::Entrypoint,
    Kind::Expose,
    Kind::User,
    Kind::Label,
    Kind::Add,
    Kind::Healthcheck,
    Kind::Volume,
    Kind::Shell,
    Kind::Stopsignal,
    Kind::Onbuild,
    Kind::Maintainer,
];

/// Keyword items at `offset`. `index` is the instruction whose keyword is being typed;
/// `trigger` is set after `ONBUILD`.
pub(super) fn keywords(
    analysis: &Analysis,
    offset: usize,
    index: Option<usize>,
    trigger: bool,
) -> Vec<Completion> {
    let text = analysis.text();
    let range = word_range(text, offset, "");
    if !text[range.range()].bytes().all(|b| b.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let lower = file_is_lowercase(analysis, index);
    let before_from = !trigger
        && !analysis
            .syntax()
            .instructions
            .iter()
            .enumerate()
            .any(|(i, inst)| {
                inst.kind == Kind::From && Some(i) != index && inst.range.end() <= range.start()
            });
    let allowed = |k: Kind| {
        if trigger {
            !matches!(k, Kind::From | Kind::Onbuild | Kind::Maintainer)
        } else if before_from {
            matches!(k, Kind::From | Kind::Arg)
        } else {
            true
        }
    };
    // Arguments only when nothing follows on the line (a keyword typed over an existing
    // one keeps that line's arguments).
    let with_args = rest_of_line_blank(text, range.end());
    let mut out = Vec::new();
    for kind in ORDER.into_iter().filter(|&k| allowed(k)) {
        let keyword = in_file_case(lower, kind.name());
        let mut item = Completion::new(keyword.clone(), CompletionKind::Keyword, range)
            .doc(DocKey::Instruction(kind));
        if let Some(d) = docs::instruction(kind) {
            item = item.detail(d.summary);
        }
        if with_args {
            let args = snippet_args(kind);
            let args = if kind == Kind::Healthcheck {
                args.replacen("CMD", &in_file_case(lower, "CMD"), 1)
            } else {
                args.to_string()
            };
            item = item.insert(format!("{keyword} "));
            item.snippet = Some(format!("{keyword} {args}"));
        }
        item.deprecated = kind == Kind::Maintainer;
        out.push(item);
        if kind == Kind::Healthcheck && with_args {
            // The other form: no health check (also turns off the base image's).
            let none = format!("{keyword} {}", in_file_case(lower, "NONE"));
            let mut item = Completion::new(none.clone(), CompletionKind::Keyword, range)
                .doc(DocKey::Instruction(kind))
                .detail("Turns off the health check inherited from the base image")
                .insert(none);
            item.snippet = None;
            out.push(item);
        }
    }
    if !trigger && range.is_empty() && index.is_none() {
        let line = analysis.line_index().line_of(offset);
        if super::context::in_directive_block(analysis, line) {
            out.extend(directives::whole_lines(analysis, range));
        }
    }
    out
}
