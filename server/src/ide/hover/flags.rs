//! Hovers on instruction flags (`--link`, `--chown`, `HEALTHCHECK --interval`…) and on the
//! parts of `RUN --mount=…`: the flag name, each option by mount type, the type itself.
//! `--from=<stage or image>` and `--mount=from=…` values are naming words (see `names`).

use super::{code, names, trim_range, At, Ctx, HoverResult};
use crate::semantic::mount;
use crate::syntax::{Flag, Kind};
use crate::text::TextRange;

pub(super) fn hover(ctx: &Ctx<'_>, at: &At<'_>) -> Option<HoverResult> {
    let eff = at.eff();
    let f = eff.flags.iter().find(|f| f.range.contains(at.offset))?;
    // `--name`: from the dashes to the end of the name.
    let name_token = TextRange::new(f.range.start(), f.name_range.end().max(f.range.start()));
    if name_token.contains(at.offset) {
        let doc = ctx.texts.flag(eff.kind, &f.name)?;
        let md = match mount_summary(f).filter(|_| eff.kind == Kind::Run) {
            Some(summary) => format!("{summary}\n\n---\n\n{doc}"),
            None => doc,
        };
        return at.result(name_token, md);
    }
    let value_range = f.value_range.filter(|v| v.contains(at.offset));
    if let Some(value_range) = value_range {
        if f.name == "mount" && eff.kind == Kind::Run {
            return mount_option(ctx, at, f, value_range);
        }
        // In an ONBUILD trigger, `--from` names a stage of the downstream build.
        if f.name == "from"
            && matches!(eff.kind, Kind::Copy | Kind::Add)
            && at.inst.kind != Kind::Onbuild
        {
            let value = f.value.as_deref()?;
            return at.result(value_range, names::from_value(ctx, at.index, value)?);
        }
    }
    // Elsewhere in the flag (`=`, the value): the flag's text over the whole flag.
    at.result(f.range, ctx.texts.flag(eff.kind, &f.name)?)
}

/// One `key=value` option of a `--mount` value.
fn mount_option(
    ctx: &Ctx<'_>,
    at: &At<'_>,
    f: &Flag,
    value_range: TextRange,
) -> Option<HoverResult> {
    let value = f.value.as_deref()?;
    let m = mount::parse_mount(value, value_range);
    let exact = value_range.len() == value.len();
    if !exact {
        // Quoted: option positions are unknown; the flag's text over the whole value.
        return at.result(f.range, ctx.texts.flag(Kind::Run, "mount")?);
    }
    let opt = m.options.iter().find(|o| o.range.contains(at.offset))?;
    let range = trim_range(ctx.text, opt.range);
    if !range.contains(at.offset) {
        return None;
    }
    if opt.key.eq_ignore_ascii_case("type") {
        return at.result(range, ctx.texts.mount_type(&m.typ)?);
    }
    // The value of `from=`: the stage or image it names.
    if opt.key.eq_ignore_ascii_case("from") {
        let written = ctx.slice(range);
        let eq = written.find('=')?;
        let value_start = range.start() + eq + 1;
        if at.offset >= value_start {
            let v = opt.value.as_deref()?;
            let vr = TextRange::new(value_start, range.end());
            if v.trim_end_matches('$').contains('$') {
                let md = format!(
                    "{}\n\nBuildKit does not expand variables in a mount's `from=` and rejects \
                     the build: name an alias stage instead (`FROM {v} AS deps`, then \
                     `from=deps`).",
                    code(v)
                );
                return at.result(vr, md);
            }
            return at.result(vr, names::from_value(ctx, at.index, v)?);
        }
    }
    at.result(range, ctx.texts.mount_option(&m.typ, &opt.key)?)
}

/// One line about the mount this `--mount` flag makes: its type, target and source.
fn mount_summary(f: &Flag) -> Option<String> {
    if f.name != "mount" {
        return None;
    }
    let value = f.value.as_deref()?;
    let m = mount::parse_mount(value, f.value_range.unwrap_or(f.range));
    let mut s = format!("**This mount**: a `{}` mount", m.typ);
    if let Some(t) = m.target() {
        s.push_str(&format!(" at {}", code(t)));
    }
    if let Some(from) = m.get("from") {
        s.push_str(&format!(", from {}", code(from)));
    }
    if let Some(src) = m.get("source").or_else(|| m.get("src")) {
        s.push_str(&format!(", source {}", code(src)));
    }
    if let Some(id) = m.get("id") {
        s.push_str(&format!(", id {}", code(id)));
    }
    s.push('.');
    Some(s)
}
