//! Word splitting exactly as BuildKit's parser does it, on the joined line: builder
//! flags (`--x=y`), quote-aware words (ARG, ENV, LABEL) and whitespace-split words.
//! Every word carries its byte range in the joined text.

/// A word and where it stands in the joined line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

fn is_go_space(c: char) -> bool {
    // Go's unicode.IsSpace.
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// BuildKit's `[\t\v\f\r ]+`.
pub(crate) fn is_ws_delim(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Splits leading `--flags` off `line` (which starts at `offset` in the joined text).
/// Returns the flags and the offset where the rest begins. Quotes and `\` escapes are
/// processed inside flag words; a bare `--` ends the flags.
pub(crate) fn extract_flags(line: &str, offset: usize) -> (Vec<RawWord>, usize) {
    // BuildKit walks bytes here, not characters.
    let b = line.as_bytes();
    let mut words = Vec::new();
    let mut pos = 0;
    loop {
        while pos < b.len() && is_go_space(b[pos] as char) {
            pos += 1;
        }
        if pos == b.len() {
            return (words, offset + pos);
        }
        if !(b[pos] == b'-' && pos + 1 < b.len() && b[pos + 1] == b'-') {
            return (words, offset + pos);
        }
        let start = pos;
        let mut word: Vec<u8> = Vec::new();
        let mut blank_ok = false;
        let mut quote: Option<u8> = None;
        while pos < b.len() {
            let ch = b[pos];
            if let Some(q) = quote {
                if ch == q {
                    quote = None;
                    pos += 1;
                    continue;
                }
                if ch == b'\\' {
                    if pos + 1 == b.len() {
                        quote = None;
                        pos += 1;
                        continue;
                    }
                    pos += 1;
                }
                word.push(b[pos]);
                pos += 1;
                continue;
            }
            if is_go_space(ch as char) {
                break;
            }
            if ch == b'\'' || ch == b'"' {
                quote = Some(ch);
                blank_ok = true;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
            }
            word.push(b[pos]);
            pos += 1;
        }
        let text = String::from_utf8_lossy(&word).into_owned();
        if pos == b.len() {
            if text != "--" && (blank_ok || !text.is_empty()) {
                words.push(RawWord {
                    text,
                    start: offset + start,
                    end: offset + pos,
                });
            }
            return (words, offset + pos);
        }
        if text == "--" {
            return (words, offset + pos);
        }
        if blank_ok || !text.is_empty() {
            words.push(RawWord {
                text,
                start: offset + start,
                end: offset + pos,
            });
        }
    }
}

/// BuildKit's `parseWords`: whitespace-separated words where quotes group and the
/// escape character escapes; quotes and escapes are kept in the word text.
pub(crate) fn parse_words(rest: &str, offset: usize, escape: char) -> Vec<RawWord> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut start = 0;
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut blank_ok = false;
    let mut it = rest.char_indices().peekable();
    while let Some((pos, ch)) = it.next() {
        if !in_word {
            if is_go_space(ch) {
                continue;
            }
            in_word = true;
            start = pos;
        }
        if let Some(q) = quote {
            if ch == q {
                quote = None;
            }
            if ch == escape && q != '\'' {
                match it.next() {
                    None => {
                        quote = None;
                        continue;
                    }
                    Some((_, next)) => {
                        word.push(ch);
                        word.push(next);
                        continue;
                    }
                }
            }
            word.push(ch);
            continue;
        }
        if is_go_space(ch) {
            if blank_ok || !word.is_empty() {
                words.push(RawWord {
                    text: std::mem::take(&mut word),
                    start: offset + start,
                    end: offset + pos,
                });
            }
            word.clear();
            blank_ok = false;
            in_word = false;
            continue;
        }
        if ch == '\'' || ch == '"' {
            quote = Some(ch);
            blank_ok = true;
        }
        if ch == escape {
            match it.next() {
                None => continue,
                Some((_, next)) => {
                    word.push(ch);
                    word.push(next);
                    continue;
                }
            }
        }
        word.push(ch);
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(RawWord {
            text: word,
            start: offset + start,
            end: offset + rest.len(),
        });
    }
    words
}

/// BuildKit's `reWhitespace.Split(rest, -1)` on trimmed text.
pub(crate) fn split_whitespace(rest: &str, offset: usize) -> Vec<RawWord> {
    let b = rest.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i <= b.len() {
        if i == b.len() || is_ws_delim(b[i]) {
            out.push(RawWord {
                text: rest[start..i].to_string(),
                start: offset + start,
                end: offset + i,
            });
            while i < b.len() && is_ws_delim(b[i]) {
                i += 1;
            }
            start = i;
            if i == b.len() {
                break;
            }
            continue;
        }
        i += 1;
    }
    if rest.is_empty() {
        out.clear();
    }
    out
}

/// Trims Go's `strings.TrimSpace` set; returns the byte range kept.
pub(crate) fn trim_range(s: &str) -> (usize, usize) {
    let start = s.len() - s.trim_start_matches(is_go_space).len();
    let end = s.trim_end_matches(is_go_space).len();
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[RawWord]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn flags_stop_at_first_non_flag() {
        let (flags, rest) =
            extract_flags("--mount=type=cache,target=/x --network=none echo --x", 0);
        assert_eq!(
            texts(&flags),
            ["--mount=type=cache,target=/x", "--network=none"]
        );
        assert_eq!(rest, 44);
        let (flags, rest) = extract_flags("-- --x echo", 0);
        assert!(flags.is_empty());
        assert_eq!(rest, 2);
        let (flags, _) = extract_flags("--chown=\"a b\" x", 0);
        assert_eq!(texts(&flags), ["--chown=a b"]);
    }

    #[test]
    fn words_keep_quotes() {
        let w = parse_words(r#"a=1 b="2 3" c='x y'\ z"#, 0, '\\');
        assert_eq!(texts(&w), ["a=1", r#"b="2 3""#, r#"c='x y'\ z"#]);
        assert_eq!((w[1].start, w[1].end), (4, 11));
    }

    #[test]
    fn whitespace_split() {
        let w = split_whitespace("a  b\tc", 10);
        assert_eq!(texts(&w), ["a", "b", "c"]);
        assert_eq!((w[1].start, w[1].end), (13, 14));
    }
}
