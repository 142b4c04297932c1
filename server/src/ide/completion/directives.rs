//! Parser directives at the top of the file: the directive names not yet given
//! (`# syntax=`, `# escape=`, `# check=`), their values, and inside `# check=` the keys
//! (`skip=`, `error=`, `experimental=`) and BuildKit's check names.

use super::context::word_range;
use super::{Completion, CompletionKind, DocKey};
use crate::ide::Analysis;
use crate::rules::check_directive_invalid::BUILDKIT_CHECKS;
use crate::rules::rule_by_buildkit_name;
use crate::syntax::{match_directive_key, DirectiveKind};
use crate::text::TextRange;

/// The directives in the order they are offered, with the value a new line gets (a
/// placeholder to type over, or for `check` the start of its value).
const DIRECTIVES: [(DirectiveKind, &str, &str); 3] = [
    (
        DirectiveKind::Syntax,
        "docker/dockerfile:1",
        "Choose the Dockerfile frontend",
    ),
    (
        DirectiveKind::Check,
        "skip=",
        "Configure BuildKit's build checks",
    ),
    (DirectiveKind::Escape, "`", "Change the escape character"),
];

/// Keys of a `# check=` value.
const CHECK_KEYS: [(&str, &str); 3] = [
    ("skip", "Checks to turn off (`all` for every check)"),
    ("error", "Fail the build when a check fails"),
    ("experimental", "Experimental checks to turn on"),
];

/// Line `line` is a parser directive (`# key=value` with a known key).
pub(super) fn is_directive_line(analysis: &Analysis, line: usize) -> bool {
    let (text, index) = (analysis.text(), analysis.line_index());
    let t = text[index.line_range(text, line).range()].trim_start_matches('\u{feff}');
    match_directive_key(t.trim_start()).is_some_and(|(k, _)| DirectiveKind::from_key(k).is_some())
}

/// The directive kinds already written in the block.
fn present(analysis: &Analysis) -> Vec<DirectiveKind> {
    analysis
        .syntax()
        .directives
        .iter()
        .map(|d| d.kind)
        .collect()
}

/// Whole directive lines (`# syntax=docker/dockerfile:1`) for an empty line at the top.
pub(super) fn whole_lines(analysis: &Analysis, range: TextRange) -> Vec<Completion> {
    let present = present(analysis);
    DIRECTIVES
        .iter()
        .filter(|(k, _, _)| !present.contains(k))
        .map(|&(kind, value, detail)| {
            let line = format!("# {}={value}", kind.name());
            let mut item = Completion::new(line.clone(), CompletionKind::Directive, range)
                .detail(detail)
                .doc(DocKey::Directive(kind.name().to_string()));
            item.snippet = placeholder(kind, value).map(|p| format!("# {}={p}", kind.name()));
            item
        })
        .collect()
}

/// Items on a directive line; `hash` is the offset of its `#`.
pub(super) fn complete(analysis: &Analysis, hash: usize, offset: usize) -> Vec<Completion> {
    let text = analysis.text();
    let typed = &text[hash + 1..offset];
    let Some((key, value)) = typed.split_once('=') else {
        // The directive name.
        let name = typed.trim_start();
        if !name.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Vec::new();
        }
        let range = word_range(text, offset, "#=");
        let present = present(analysis);
        let this_line = analysis
            .syntax()
            .directives
            .iter()
            .find(|d| d.range.contains_inclusive(offset))
            .map(|d| d.kind);
        return DIRECTIVES
            .iter()
            .filter(|(k, _, _)| !present.contains(k) || this_line == Some(*k))
            .map(|&(kind, value, detail)| {
                let name = kind.name();
                let mut item = Completion::new(name, CompletionKind::Directive, range)
                    .detail(detail)
                    .doc(DocKey::Directive(name.to_string()))
                    .insert(format!("{name}="));
                // Right after `#`, the usual space first.
                let space = if typed.is_empty() { " " } else { "" };
                if text[range.end()..].starts_with('=') {
                    item.insert = format!("{space}{name}");
                } else {
                    item.insert = format!("{space}{name}={value}");
                    item.snippet = placeholder(kind, value).map(|p| format!("{space}{name}={p}"));
                }
                item
            })
            .collect();
    };
    let range = word_range(text, offset, "=,;");
    match DirectiveKind::from_key(key.trim()) {
        Some(DirectiveKind::Syntax) => ["docker/dockerfile:1", "docker/dockerfile:1-labs"]
            .iter()
            .map(|v| {
                Completion::new(*v, CompletionKind::Value, range).detail(if v.ends_with("labs") {
                    "The latest 1.x frontend with experimental (labs) features"
                } else {
                    "The latest stable 1.x frontend"
                })
            })
            .collect(),
        Some(DirectiveKind::Escape) => [
            ("`", "Backtick, for Windows paths"),
            ("\\", "Backslash (the default)"),
        ]
        .iter()
        .map(|(v, d)| Completion::new(*v, CompletionKind::Value, range).detail(*d))
        .collect(),
        Some(DirectiveKind::Check) => check_value(value, range),
        None => Vec::new(),
    }
}

/// A directive's value as a snippet tabstop to type over; `None` for `check`, whose value
/// is completed piece by piece.
fn placeholder(kind: DirectiveKind, value: &str) -> Option<String> {
    (kind != DirectiveKind::Check).then(|| format!("${{1:{}}}", snippet_escape(value)))
}

/// Inside a `# check=` value: keys, check names, or booleans.
fn check_value(value: &str, range: TextRange) -> Vec<Completion> {
    let parts: Vec<&str> = value.split(';').collect();
    let (current, earlier) = parts.split_last().map_or(("", &[][..]), |(c, e)| (*c, e));
    let Some((key, names)) = current.split_once('=') else {
        let used: Vec<&str> = earlier
            .iter()
            .filter_map(|p| p.split_once('=').map(|(k, _)| k.trim()))
            .collect();
        return CHECK_KEYS
            .iter()
            .filter(|(k, _)| !used.contains(k))
            .map(|&(k, detail)| {
                Completion::new(k, CompletionKind::Directive, range)
                    .detail(detail)
                    .insert(format!("{k}="))
                    .doc(DocKey::Directive("check".to_string()))
            })
            .collect();
    };
    match key.trim() {
        "error" => ["true", "false"]
            .iter()
            .map(|v| Completion::new(*v, CompletionKind::Value, range))
            .collect(),
        "skip" | "experimental" => {
            let listed: Vec<&str> = names.split(',').map(str::trim).collect();
            let listed = &listed[..listed.len().saturating_sub(1)];
            let all = (key.trim() == "skip").then_some("all");
            all.into_iter()
                .chain(BUILDKIT_CHECKS.iter().copied())
                .filter(|c| !listed.contains(c))
                .map(|c| {
                    let detail = match rule_by_buildkit_name(c) {
                        _ if c == "all" => "Every check".to_string(),
                        Some(rule) => rule.summary.to_string(),
                        None => "BuildKit build check".to_string(),
                    };
                    Completion::new(c, CompletionKind::Check, range)
                        .detail(detail)
                        .doc(DocKey::Check(c.to_string()))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The documentation of a BuildKit check name: what it reports, our rule for it, and
/// Docker's page.
pub(super) fn check_markdown(name: &str) -> Option<String> {
    if name == "all" {
        return Some("`all`: every build check.".to_string());
    }
    if !BUILDKIT_CHECKS.contains(&name) {
        return None;
    }
    let mut md = format!("**{name}** · BuildKit build check");
    if let Some(rule) = rule_by_buildkit_name(name) {
        md.push_str(&format!(
            "\n\n{}\n\ndockerfile-lsp reports it as `{}`; `skip=` turns that rule off too.",
            rule.summary, rule.id
        ));
    }
    md.push_str(&format!(
        "\n\n[Build checks reference](https://docs.docker.com/reference/build-checks/{}/)",
        kebab(name)
    ));
    Some(md)
}

/// `JSONArgsRecommended` → `json-args-recommended`, as Docker names its check pages.
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || (prev_upper && next_lower)) {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `text` with the characters a snippet treats specially escaped.
pub(super) fn snippet_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn check_names_become_docker_page_names() {
        assert_eq!(kebab("JSONArgsRecommended"), "json-args-recommended");
        assert_eq!(kebab("FromAsCasing"), "from-as-casing");
        assert_eq!(kebab("UndefinedArgInFrom"), "undefined-arg-in-from");
    }
}
