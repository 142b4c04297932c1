//! Hovers on parser directives: the key (`syntax`, `escape`, `check`), the frontend image
//! of `# syntax=`, and the keys and check names of `# check=skip=…;error=…`.

use super::{code, Ctx, HoverResult};
use crate::rules;
use crate::semantic::ImageRef;
use crate::syntax::DirectiveKind;
use crate::text::TextRange;

pub(super) fn hover(ctx: &Ctx<'_>, offset: usize) -> Option<HoverResult> {
    let d = ctx
        .analysis
        .syntax()
        .directives
        .iter()
        .find(|d| d.range.contains(offset))?;
    let doc = || ctx.texts.directive(d.kind.name());
    if d.key_range.contains(offset) {
        return Some(HoverResult {
            range: d.key_range,
            markdown: doc()?,
        });
    }
    if !d.value_range.contains(offset) {
        return None;
    }
    match d.kind {
        DirectiveKind::Check => check_value(ctx, d.value_range, offset),
        DirectiveKind::Syntax => {
            let value = ctx.slice(d.value_range);
            let mut md = format!("**Dockerfile frontend** {}", code(value));
            match ImageRef::parse(value) {
                Ok(r) => {
                    md.push_str(&format!("\n\nImage {}", code(&r.full_name())));
                    if r.digest.is_none() {
                        md.push_str(
                            ": the tag can move to a newer frontend release; a digest pins it.",
                        );
                    } else {
                        md.push_str(": pinned by digest.");
                    }
                }
                Err(e) => md.push_str(&format!("\n\nNot a valid image reference: {}.", e.0)),
            }
            if let Some(doc) = doc() {
                md.push_str("\n\n---\n\n");
                md.push_str(&doc);
            }
            Some(HoverResult {
                range: d.value_range,
                markdown: md,
            })
        }
        DirectiveKind::Escape => Some(HoverResult {
            range: d.value_range,
            markdown: doc()?,
        }),
    }
}

/// `skip=A,B;error=true`: the key under the cursor gets the directive's text, a check
/// name gets what skipping it does here.
fn check_value(ctx: &Ctx<'_>, value_range: TextRange, offset: usize) -> Option<HoverResult> {
    let value = ctx.slice(value_range);
    let base = value_range.start();
    let mut pos = 0;
    for part in value.split(';') {
        let part_start = base + pos;
        pos += part.len() + 1;
        let (key, rest, rest_start) = match part.split_once('=') {
            Some((k, r)) => (k, r, part_start + k.len() + 1),
            None => (part, "", part_start + part.len()),
        };
        let key_range =
            super::trim_range(ctx.text, TextRange::new(part_start, part_start + key.len()));
        if key_range.contains(offset) {
            return Some(HoverResult {
                range: key_range,
                markdown: ctx.texts.directive("check")?,
            });
        }
        if !key.trim().eq_ignore_ascii_case("skip") {
            continue;
        }
        let mut npos = 0;
        for name in rest.split(',') {
            let start = rest_start + npos;
            npos += name.len() + 1;
            let range = super::trim_range(ctx.text, TextRange::new(start, start + name.len()));
            if !range.contains(offset) {
                continue;
            }
            let name = name.trim();
            let mut md = format!("**Build check** {}\n\n", code(name));
            if name.eq_ignore_ascii_case("all") {
                md.push_str(
                    "`skip=all` turns off every BuildKit check for this file, and the \
                     dockerfile-lsp rules that match a BuildKit check.",
                );
            } else {
                md.push_str("BuildKit does not run this check on this file.");
                match rules::rule_by_buildkit_name(name) {
                    Some(rule) => md.push_str(&format!(
                        "\n\nThe matching dockerfile-lsp rule {} ({}) is skipped too.",
                        code(rule.id),
                        rule.summary.trim_end_matches('.')
                    )),
                    None => md.push_str("\n\nNo dockerfile-lsp rule matches this check name."),
                }
            }
            return Some(HoverResult {
                range,
                markdown: md,
            });
        }
    }
    None
}
