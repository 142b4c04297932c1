//! Heredoc markers on a joined instruction line, found as BuildKit finds them: the line
//! is split into shell words (quotes kept), and each word is matched against
//! `^(\d*)<<(-?)\s*([^<]*)$`.

/// A heredoc marker found on the joined line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub name: String,
    pub quoted: bool,
    pub chomp: bool,
    pub fd: u32,
    /// Range of the marker word in the joined line.
    pub start: usize,
    pub end: usize,
}

/// Splits into shell words, keeping quotes and escapes; `$NAME`/`${...}` outside
/// single quotes expand to nothing (BuildKit lexes with an empty environment).
fn raw_words(line: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = chars[i].0;
        let mut word = String::new();
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let c = chars[i].1;
            match quote {
                None if c.is_whitespace() => break,
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    word.push(c);
                }
                Some(q) if c == q => {
                    quote = None;
                    word.push(c);
                }
                Some('\'') => word.push(c),
                _ if c == '\\' => {
                    word.push(c);
                    if i + 1 < chars.len() {
                        i += 1;
                        word.push(chars[i].1);
                    }
                }
                _ if c == '$' => {
                    // Skip a variable reference: it expands to nothing here.
                    let next = chars.get(i + 1).map(|c| c.1);
                    match next {
                        Some('{') => {
                            i += 2;
                            while i < chars.len() && chars[i].1 != '}' {
                                i += 1;
                            }
                        }
                        Some(n) if n.is_ascii_alphanumeric() || n == '_' => {
                            i += 1;
                            while i + 1 < chars.len()
                                && (chars[i + 1].1.is_ascii_alphanumeric() || chars[i + 1].1 == '_')
                            {
                                i += 1;
                            }
                        }
                        _ => word.push(c),
                    }
                }
                _ => word.push(c),
            }
            i += 1;
        }
        let end = chars.get(i).map_or(line.len(), |c| c.0);
        out.push((word, start, end));
    }
    out
}

/// Removes quotes and processes backslash escapes (variables stay as written).
fn unquote(raw: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('\'') => out.push(c),
            Some(_) if c == '\\' => {
                if let Some(&n) = it.peek() {
                    if matches!(n, '"' | '\\' | '$' | '`') {
                        out.push(n);
                        it.next();
                        continue;
                    }
                }
                out.push(c);
            }
            Some(_) => out.push(c),
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '\\' => {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Every heredoc marker on `line`, in order.
pub(crate) fn markers(line: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    for (word, start, end) in raw_words(line) {
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let rest = after.trim_start();
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        // The delimiter must be a single word once quotes are removed.
        let name = unquote(rest);
        if name.is_empty() && !rest.contains(['"', '\'']) {
            continue;
        }
        let quotes = |s: &str| s.matches(['"', '\'']).count();
        let quoted = quotes(&name) != quotes(rest);
        out.push(Marker {
            fd: word[..digits].parse().unwrap_or(0),
            name,
            quoted,
            chomp,
            start,
            end,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markers_with_quoting_and_chomp() {
        let m = markers(r#"RUN <<-"EOF" bash && cat 3<<X <<'A'B"#);
        let names: Vec<_> = m
            .iter()
            .map(|m| (m.name.as_str(), m.quoted, m.chomp, m.fd))
            .collect();
        assert_eq!(
            names,
            [
                ("EOF", true, true, 0),
                ("X", false, false, 3),
                ("AB", true, false, 0)
            ]
        );
        assert_eq!(&r#"RUN <<-"EOF" bash"#[m[0].start..m[0].end], r#"<<-"EOF""#);
    }

    #[test]
    fn ignores_non_markers() {
        assert!(markers("RUN echo '<<EOF' x<<y << EOF").is_empty());
    }
}
