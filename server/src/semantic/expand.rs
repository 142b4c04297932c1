//! Build-time variable references (`$VAR`, `${VAR:-default}`, `${VAR#pat}` …) found and
//! expanded as BuildKit's shell lexer does for builder instructions.

use crate::syntax::{Instruction, Kind};
use crate::text::TextRange;

/// The operator of `${NAME<op>word}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// `:-` (`colon` = true) or `-`.
    Default { colon: bool },
    /// `:+` or `+`.
    Alternate { colon: bool },
    /// `:?` or `?`.
    Required { colon: bool },
    /// `#` / `##`.
    TrimPrefix { longest: bool },
    /// `%` / `%%`.
    TrimSuffix { longest: bool },
    /// `/` / `//`.
    Replace { all: bool },
}

/// One `$NAME` or `${…}` reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// The whole reference, `$` to `}` (relative to the scanned text, or absolute when
    /// produced by [`var_refs_in`]).
    pub range: TextRange,
    pub name_range: TextRange,
    pub modifier: Option<Modifier>,
    /// The raw word after the modifier (`default` in `${A:-default}`).
    pub word: Option<String>,
}

impl VarRef {
    /// True when the reference cannot expand to nothing because of a default.
    pub fn has_default(&self) -> bool {
        matches!(self.modifier, Some(Modifier::Default { .. }))
    }
}

/// A problem in a `${…}` reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadSubstitution {
    pub range: TextRange,
    pub message: String,
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// True when `s` is a variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_var_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && bytes.all(is_name_char)
}

/// The shell's special parameters, which BuildKit's lexer accepts as one-character
/// names (`${#}`, `${@}`); they are never set at build time.
fn is_special_param(c: u8) -> bool {
    matches!(c, b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!')
}

/// Scans `text` for variable references. Single-quoted text and escaped `$` are
/// skipped, as BuildKit's lexer skips them in builder instructions.
pub fn scan(text: &str, escape: char) -> (Vec<VarRef>, Vec<BadSubstitution>) {
    let b = text.as_bytes();
    let esc = escape as u8;
    let mut refs = Vec::new();
    let mut bad = Vec::new();
    let mut i = 0;
    let mut in_single = false;
    let mut in_double = false;
    while i < b.len() {
        let c = b[i];
        if in_single {
            if c == b'\'' {
                in_single = false;
            }
            i += 1;
            continue;
        }
        if c == esc {
            i += 2;
            continue;
        }
        match c {
            b'\'' if !in_double => {
                in_single = true;
                i += 1;
            }
            b'"' => {
                in_double = !in_double;
                i += 1;
            }
            b'$' => {
                let start = i;
                match b.get(i + 1) {
                    Some(b'{') => {
                        let (end, r) = braced(text, start, escape);
                        match r {
                            // `${#}`, `${@:-x}`: valid, never set, not a variable.
                            Ok(r) if r.name.bytes().all(is_special_param) => {}
                            Ok(r) => refs.push(r),
                            Err(m) => bad.push(BadSubstitution {
                                range: TextRange::new(start, end),
                                message: m,
                            }),
                        }
                        i = end;
                    }
                    Some(&n) if n.is_ascii_alphabetic() || n == b'_' => {
                        let mut e = i + 1;
                        while e < b.len() && is_name_char(b[e]) {
                            e += 1;
                        }
                        refs.push(VarRef {
                            name: text[i + 1..e].to_string(),
                            range: TextRange::new(start, e),
                            name_range: TextRange::new(i + 1, e),
                            modifier: None,
                            word: None,
                        });
                        i = e;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    (refs, bad)
}

/// Reads `${…}` starting at `start` (the `$`). Returns the end offset and the reference.
fn braced(text: &str, start: usize, escape: char) -> (usize, Result<VarRef, String>) {
    let b = text.as_bytes();
    let name_start = start + 2;
    let mut i = name_start;
    if i < b.len() && is_special_param(b[i]) {
        i += 1;
    } else {
        while i < b.len() && is_name_char(b[i]) {
            i += 1;
        }
    }
    let name_end = i;
    // Find the matching `}` (nested `${…}` in the word are allowed).
    let mut depth = 1;
    let mut j = i;
    while j < b.len() {
        if b[j] == escape as u8 {
            j += 2;
            continue;
        }
        if b[j] == b'$' && b.get(j + 1) == Some(&b'{') {
            depth += 1;
            j += 2;
            continue;
        }
        if b[j] == b'}' {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
        j += 1;
    }
    if j >= b.len() {
        return (b.len(), Err("missing `}` in variable substitution".into()));
    }
    let end = j + 1;
    if name_end == name_start {
        return (
            end,
            Err(format!("bad substitution: `{}`", &text[start..end])),
        );
    }
    let rest = &text[name_end..j];
    let (modifier, word) = if rest.is_empty() {
        (None, None)
    } else {
        let ops: [(&str, Modifier); 12] = [
            (":-", Modifier::Default { colon: true }),
            (":+", Modifier::Alternate { colon: true }),
            (":?", Modifier::Required { colon: true }),
            ("##", Modifier::TrimPrefix { longest: true }),
            ("%%", Modifier::TrimSuffix { longest: true }),
            ("//", Modifier::Replace { all: true }),
            ("-", Modifier::Default { colon: false }),
            ("+", Modifier::Alternate { colon: false }),
            ("?", Modifier::Required { colon: false }),
            ("#", Modifier::TrimPrefix { longest: false }),
            ("%", Modifier::TrimSuffix { longest: false }),
            ("/", Modifier::Replace { all: false }),
        ];
        match ops.iter().find(|(op, _)| rest.starts_with(op)) {
            Some((_, Modifier::Replace { .. })) if !has_unescaped_slash(rest, escape) => {
                return (
                    end,
                    Err(format!(
                        "missing `/` in `{}`: write `${{name/pattern/replacement}}`",
                        &text[start..end]
                    )),
                )
            }
            Some((op, m)) => (Some(*m), Some(rest[op.len()..].to_string())),
            None if name_end == name_start + 1 && is_special_param(b[name_start]) => {
                return (
                    end,
                    Err(format!(
                        "unsupported modifier in `{}`: the builder has neither `${{#var}}` (length) nor `${{!var}}` (indirection)",
                        &text[start..end]
                    )),
                )
            }
            None => {
                let shown = if rest.starts_with(':') { 2 } else { 1 };
                return (
                    end,
                    Err(format!(
                        "unsupported modifier `{}` in `{}`",
                        rest.chars().take(shown).collect::<String>(),
                        &text[start..end]
                    )),
                );
            }
        }
    };
    (
        end,
        Ok(VarRef {
            name: text[name_start..name_end].to_string(),
            range: TextRange::new(start, end),
            name_range: TextRange::new(name_start, name_end),
            modifier,
            word,
        }),
    )
}

/// After the `/` or `//` operator of `rest`, the word has a `/` between the pattern and
/// the replacement.
fn has_unescaped_slash(rest: &str, escape: char) -> bool {
    let word = rest
        .strip_prefix("//")
        .or_else(|| rest.strip_prefix('/'))
        .unwrap_or(rest);
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == escape as u8 {
            i += 2;
            continue;
        }
        if b[i] == b'/' {
            return true;
        }
        i += 1;
    }
    false
}

/// Expands every reference in `text` with `lookup` (None = unset). Returns `None` when
/// a `${VAR:?msg}` would fail. Quotes are removed as BuildKit's word processing does.
pub fn expand(text: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    expand_depth(text, escape, lookup, 0)
}

fn expand_depth(
    text: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Option<String> {
    if depth > 16 {
        return Some(String::new());
    }
    let (refs, _) = scan(text, escape);
    let mut out = String::new();
    let mut pos = 0;
    let mut quote: Option<char> = None;
    let push_literal = |out: &mut String, s: &str, quote: &mut Option<char>| {
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            match *quote {
                Some(q) if c == q => *quote = None,
                Some('"') if c == escape => {
                    if let Some(&n) = it.peek() {
                        if n == '"' || n == escape || n == '$' {
                            out.push(n);
                            it.next();
                            continue;
                        }
                    }
                    out.push(c);
                }
                Some(_) => out.push(c),
                None if c == '"' || c == '\'' => *quote = Some(c),
                None if c == escape => {
                    if let Some(n) = it.next() {
                        out.push(n);
                    }
                }
                None => out.push(c),
            }
        }
    };
    for r in refs {
        push_literal(&mut out, &text[pos..r.range.start()], &mut quote);
        let value = lookup(&r.name);
        let word = || {
            r.word
                .as_deref()
                .map(|w| expand_depth(w, escape, lookup, depth + 1).unwrap_or_default())
                .unwrap_or_default()
        };
        let set = value.is_some();
        let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
        let v = value.clone().unwrap_or_default();
        let piece = match r.modifier {
            None => v,
            Some(Modifier::Default { colon }) => {
                if (colon && non_empty) || (!colon && set) {
                    v
                } else {
                    word()
                }
            }
            Some(Modifier::Alternate { colon }) => {
                if (colon && non_empty) || (!colon && set) {
                    word()
                } else {
                    String::new()
                }
            }
            Some(Modifier::Required { colon }) => {
                if (colon && non_empty) || (!colon && set) {
                    v
                } else {
                    return None;
                }
            }
            Some(Modifier::TrimPrefix { longest }) => trim_prefix(&v, &word(), longest),
            Some(Modifier::TrimSuffix { longest }) => trim_suffix(&v, &word(), longest),
            Some(Modifier::Replace { all }) => {
                let w = word();
                let (pat, rep) = w.split_once('/').unwrap_or((w.as_str(), ""));
                replace(&v, pat, rep, all)
            }
        };
        out.push_str(&piece);
        pos = r.range.end();
    }
    push_literal(&mut out, &text[pos..], &mut quote);
    Some(out)
}

/// Glob match of `pat` (`*`, `?`, `\x`) against the whole of `s`.
pub fn glob_match(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == '\\' && pi + 1 < p.len() && p[pi + 1] == t[ti] {
            pi += 2;
            ti += 1;
        } else if pi < p.len()
            && (p[pi] == '?' || (p[pi] == t[ti] && p[pi] != '*' && p[pi] != '\\'))
        {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(sp) = star {
            pi = sp + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn char_boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

fn trim_prefix(v: &str, pat: &str, longest: bool) -> String {
    let bounds = char_boundaries(v);
    let mut candidates: Box<dyn Iterator<Item = &usize>> = if longest {
        Box::new(bounds.iter().rev())
    } else {
        Box::new(bounds.iter())
    };
    candidates
        .find(|&&i| glob_match(pat, &v[..i]))
        .map_or_else(|| v.to_string(), |&i| v[i..].to_string())
}

fn trim_suffix(v: &str, pat: &str, longest: bool) -> String {
    let bounds = char_boundaries(v);
    let mut candidates: Box<dyn Iterator<Item = &usize>> = if longest {
        Box::new(bounds.iter())
    } else {
        Box::new(bounds.iter().rev())
    };
    candidates
        .find(|&&i| glob_match(pat, &v[i..]))
        .map_or_else(|| v.to_string(), |&i| v[..i].to_string())
}

fn replace(v: &str, pat: &str, rep: &str, all: bool) -> String {
    if pat.is_empty() {
        return v.to_string();
    }
    let bounds = char_boundaries(v);
    let mut out = String::new();
    let mut i = 0;
    let mut replaced = false;
    while i < bounds.len() - 1 {
        let start = bounds[i];
        if !replaced || all {
            // Longest match starting here.
            if let Some(&end) = bounds[i + 1..]
                .iter()
                .rev()
                .find(|&&e| glob_match(pat, &v[start..e]))
            {
                out.push_str(rep);
                replaced = true;
                i = bounds
                    .iter()
                    .position(|&b| b == end)
                    .unwrap_or(bounds.len() - 1);
                continue;
            }
        }
        out.push_str(&v[start..bounds[i + 1]]);
        i += 1;
    }
    out
}

/// The source ranges of an instruction that the builder expands: the arguments of
/// the instructions it expands (ENV / LABEL / ARG values only), and flag values
/// except `--from` outside FROM. RUN, CMD and ENTRYPOINT bodies are left to the shell.
pub fn builder_ranges(inst: &Instruction) -> Vec<TextRange> {
    let mut out = Vec::new();
    if inst.kind.builder_expands() {
        match inst.kind {
            Kind::Env | Kind::Label | Kind::Arg => {
                out.extend(
                    inst.args
                        .pairs
                        .iter()
                        .filter_map(|p| p.value.as_ref())
                        .map(|v| v.range),
                );
            }
            _ => match &inst.args.json {
                Some(items) => out.extend(items.iter().map(|w| w.range)),
                None => out.extend(inst.args.words.iter().map(|w| w.range)),
            },
        }
    }
    for f in &inst.flags {
        if let Some(r) = f.value_range {
            if f.name != "from" || inst.kind == Kind::From {
                out.push(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "A" => Some("hello.tar.gz".into()),
            "E" => Some(String::new()),
            _ => None,
        }
    }

    fn ex(s: &str) -> String {
        expand(s, '\\', &env).unwrap_or_else(|| "<error>".into())
    }

    #[test]
    fn expands_every_modifier() {
        assert_eq!(ex("$A-${A}"), "hello.tar.gz-hello.tar.gz");
        assert_eq!(ex("${U:-d} ${E:-d} ${E-d} ${U-d}"), "d d  d");
        assert_eq!(ex("${A:+x} ${U:+x} ${E+x}"), "x  x");
        assert_eq!(
            ex("${A#*.} ${A##*.} ${A%.*} ${A%%.*}"),
            "tar.gz gz hello.tar hello"
        );
        assert_eq!(ex("${A/l/L} ${A//l/L}"), "heLlo.tar.gz heLLo.tar.gz");
        assert_eq!(ex("${U:?missing}"), "<error>");
        assert_eq!(ex(r#"'$A' "$A" \$A"#), "$A hello.tar.gz $A");
    }

    #[test]
    fn finds_references_and_bad_ones() {
        let (refs, bad) = scan("${A:-x} $B_1 ${C#p} ${} ${D:#x} \\$E '$F'", '\\');
        let names: Vec<_> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["A", "B_1", "C"]);
        assert_eq!(bad.len(), 2);
        assert!(bad[1].message.contains("unsupported modifier"));
    }

    #[test]
    fn special_parameters_and_replacement_shapes() {
        let (refs, bad) = scan("${#} ${@:-x} ${A/x/y} ${A//x/}", '\\');
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(refs.len(), 2);
        let (_, bad) = scan("${#A} ${!A} ${A/x} ${A/x\\/y}", '\\');
        let messages: Vec<_> = bad.iter().map(|b| b.message.as_str()).collect();
        assert_eq!(bad.len(), 4, "{messages:?}");
        assert!(messages[0].contains("unsupported modifier"));
        assert!(messages[2].contains("missing `/`"));
    }
}
