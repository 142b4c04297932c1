//! A strict JSON reader for exec-form arguments (`["a", "b"]`), with the source range of
//! every string. BuildKit decodes exec form with Go's `encoding/json`: text that is
//! not a JSON array silently becomes shell form, while a valid array holding
//! something other than strings is a parse error.

/// The outcome of reading argument text as a JSON array.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// A JSON array of strings: `(decoded value, start, end)` per element, where the
    /// range covers the string literal including its quotes.
    Strings(Vec<(String, usize, usize)>),
    /// Valid JSON array with a non-string element.
    NotStrings,
    /// Not a JSON array: shell form.
    Invalid,
}

struct Reader<'a> {
    b: &'a [u8],
    s: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.pos < self.b.len() && matches!(self.b[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out = String::new();
        loop {
            let rest = &self.s[self.pos..];
            let ch = rest.chars().next()?;
            match ch {
                '"' => {
                    self.pos += 1;
                    return Some(out);
                }
                '\\' => {
                    self.pos += 1;
                    let e = *self.b.get(self.pos)?;
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate: pair it with a following `\uDCxx`.
                                let save = self.pos;
                                if self.eat(b'\\') && self.eat(b'u') {
                                    if let Some(lo) = self.hex4() {
                                        if (0xDC00..0xE000).contains(&lo) {
                                            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                            out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                                            continue;
                                        }
                                    }
                                }
                                self.pos = save;
                                out.push('\u{fffd}');
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                            }
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.pos..self.pos + 4)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        Some(v)
    }

    fn number(&mut self) -> bool {
        let start = self.pos;
        self.eat(b'-');
        if self.eat(b'0') {
        } else if self.pos < self.b.len() && self.b[self.pos].is_ascii_digit() {
            while self.pos < self.b.len() && self.b[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
        } else {
            return false;
        }
        if self.eat(b'.') {
            let d = self.pos;
            while self.pos < self.b.len() && self.b[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
            if self.pos == d {
                return false;
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            let d = self.pos;
            while self.pos < self.b.len() && self.b[self.pos].is_ascii_digit() {
                self.pos += 1;
            }
            if self.pos == d {
                return false;
            }
        }
        self.pos > start
    }

    fn literal(&mut self, word: &str) -> bool {
        if self.s[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Any JSON value; `depth` bounds recursion on hostile input.
    fn value(&mut self, depth: usize) -> bool {
        if depth > 256 {
            return false;
        }
        self.ws();
        match self.b.get(self.pos) {
            Some(b'"') => self.string().is_some(),
            Some(b'[') => {
                self.pos += 1;
                self.ws();
                if self.eat(b']') {
                    return true;
                }
                loop {
                    if !self.value(depth + 1) {
                        return false;
                    }
                    self.ws();
                    if self.eat(b']') {
                        return true;
                    }
                    if !self.eat(b',') {
                        return false;
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                self.ws();
                if self.eat(b'}') {
                    return true;
                }
                loop {
                    self.ws();
                    if self.string().is_none() {
                        return false;
                    }
                    self.ws();
                    if !self.eat(b':') || !self.value(depth + 1) {
                        return false;
                    }
                    self.ws();
                    if self.eat(b'}') {
                        return true;
                    }
                    if !self.eat(b',') {
                        return false;
                    }
                }
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(_) => self.number(),
            None => false,
        }
    }
}

/// Reads `text` (already trimmed, starting with `[`) as a JSON array.
pub(crate) fn parse_json_array(text: &str) -> JsonArgs {
    let mut r = Reader {
        b: text.as_bytes(),
        s: text,
        pos: 0,
    };
    r.ws();
    if !r.eat(b'[') {
        return JsonArgs::Invalid;
    }
    let mut items = Vec::new();
    let mut all_strings = true;
    r.ws();
    if !r.eat(b']') {
        loop {
            r.ws();
            let start = r.pos;
            if r.b.get(r.pos) == Some(&b'"') {
                match r.string() {
                    Some(s) => items.push((s, start, r.pos)),
                    None => return JsonArgs::Invalid,
                }
            } else {
                if !r.value(1) {
                    return JsonArgs::Invalid;
                }
                all_strings = false;
            }
            r.ws();
            if r.eat(b']') {
                break;
            }
            if !r.eat(b',') {
                return JsonArgs::Invalid;
            }
        }
    }
    // BuildKit decodes with a streaming `json.Decoder`, which stops after the first
    // value: text after the closing `]` is ignored.
    if all_strings {
        JsonArgs::Strings(items)
    } else {
        JsonArgs::NotStrings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_arrays_with_ranges() {
        assert_eq!(
            parse_json_array(r#"["a", "b\"c\u00e9"]"#),
            JsonArgs::Strings(vec![("a".into(), 1, 4), ("b\"cé".into(), 6, 18)])
        );
        assert_eq!(parse_json_array("[]"), JsonArgs::Strings(vec![]));
    }

    #[test]
    fn non_strings_and_invalid_json() {
        assert_eq!(parse_json_array("[1, \"a\"]"), JsonArgs::NotStrings);
        assert_eq!(parse_json_array("['a']"), JsonArgs::Invalid);
        assert_eq!(parse_json_array(r#"["C:\path"]"#), JsonArgs::Invalid);
        assert_eq!(
            parse_json_array(r#"["a"] x"#),
            JsonArgs::Strings(vec![("a".into(), 1, 4)])
        );
        assert_eq!(parse_json_array(r#"["a",]"#), JsonArgs::Invalid);
    }
}
