//! Markdown for clients that only show plain text (`textDocument.hover.contentFormat`
//! without `markdown`): [`to_plaintext`] keeps the words and the layout and drops the
//! markup.

/// Converts our hover Markdown to readable plain text: headings lose their `#`s,
/// emphasis and inline-code markers go, code fences become text indented by four spaces,
/// links become `text (url)`. Anything it does not recognise is kept as written.
pub fn to_plaintext(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence: Option<&str> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(fence) = in_fence {
            if trimmed.starts_with(fence) && trimmed.trim_start_matches(fence).trim().is_empty() {
                in_fence = None;
            } else {
                out.push(format!("    {line}"));
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = Some(if trimmed.starts_with("```") {
                "```"
            } else {
                "~~~"
            });
            continue;
        }
        let heading = trimmed.trim_start_matches('#');
        if heading.len() < trimmed.len()
            && trimmed.len() - heading.len() <= 6
            && (heading.is_empty() || heading.starts_with(' '))
        {
            out.push(inline(heading.trim()));
            continue;
        }
        out.push(inline(line));
    }
    out.join("\n")
}

/// Inline markup of one line: links, images, emphasis, code spans, escapes.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // A code span: its content verbatim, without the backticks.
                let ticks = run_len(&chars, i, '`');
                if let Some(end) = find_run(&chars, i + ticks, '`', ticks) {
                    let content: String = chars[i + ticks..end].iter().collect();
                    out.push_str(content.trim());
                    i = end + ticks;
                } else {
                    out.extend(&chars[i..i + ticks]);
                    i += ticks;
                }
            }
            '!' if chars.get(i + 1) == Some(&'[') => {
                // An image: like a link.
                i += 1;
            }
            '[' => match link_at(&chars, i) {
                Some((text, url, next)) => {
                    let text = inline(&text);
                    if url.is_empty() || text == url {
                        out.push_str(&text);
                    } else {
                        out.push_str(&format!("{text} ({url})"));
                    }
                    i = next;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            },
            '*' | '_' => {
                let n = run_len(&chars, i, c);
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + n).copied();
                // `_` inside a word (snake_case, BUILD_ARG) is a letter, not emphasis;
                // a lone `*` between spaces (a list bullet, `a * b`) is kept.
                let word_inner = c == '_'
                    && before.is_some_and(|b| b.is_alphanumeric())
                    && after.is_some_and(|a| a.is_alphanumeric());
                let opens = after.is_some_and(|a| !a.is_whitespace());
                let closes = before.is_some_and(|b| !b.is_whitespace());
                if n <= 3
                    && !word_inner
                    && (opens || closes)
                    && !(i == 0 && c == '*' && after == Some(' '))
                {
                    i += n;
                } else {
                    out.extend(&chars[i..i + n]);
                    i += n;
                }
            }
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn run_len(chars: &[char], at: usize, c: char) -> usize {
    chars[at..].iter().take_while(|&&x| x == c).count()
}

/// The start of the next run of exactly `n` `c`s at or after `from`.
fn find_run(chars: &[char], from: usize, c: char, n: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == c {
            let len = run_len(chars, i, c);
            if len == n {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// `[text](url)` starting at `at`: the text, the url and the index after `)`.
fn link_at(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let mut depth = 0usize;
    let mut close = None;
    for (j, &c) in chars.iter().enumerate().skip(at) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = chars[close + 2..].iter().position(|&c| c == ')')? + close + 2;
    let text: String = chars[at + 1..close].iter().collect();
    let url: String = chars[close + 2..end].iter().collect();
    let url = url.split_whitespace().next().unwrap_or("").to_owned();
    Some((text, url, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn a_hover_reads_as_plain_text() {
        let markdown = "\
**invalid-arguments**: the arguments are wrong ([documentation](https://example.com/rules.md#invalid-arguments))

---

### FROM

Starts a *new* build stage from `alpine:3.20`; see [the reference](https://docs.docker.com/reference/dockerfile/#from).

```dockerfile
FROM alpine:3.20 AS build
```

#### Build cache
- changing this line rebuilds __3__ later steps
- `BUILD_ARG` and snake_case_names stay as they are, so does 2 * 3
";
        expect![[r#"
            invalid-arguments: the arguments are wrong (documentation (https://example.com/rules.md#invalid-arguments))

            ---

            FROM

            Starts a new build stage from alpine:3.20; see the reference (https://docs.docker.com/reference/dockerfile/#from).

                FROM alpine:3.20 AS build

            Build cache
            - changing this line rebuilds 3 later steps
            - BUILD_ARG and snake_case_names stay as they are, so does 2 * 3"#]]
        .assert_eq(&to_plaintext(markdown));
    }

    #[test]
    fn unbalanced_markup_is_kept_and_never_panics() {
        assert_eq!(to_plaintext("a `b"), "a `b");
        assert_eq!(to_plaintext("[x](y"), "[x](y");
        assert_eq!(to_plaintext("[x]"), "[x]");
        assert_eq!(to_plaintext("\\*literal\\*"), "*literal*");
        assert_eq!(to_plaintext("``` \nunterminated"), "    unterminated");
        assert_eq!(to_plaintext("#hashtag"), "#hashtag");
        for s in [
            "", "]", "[", "](", "![", "`", "**", "\\", "é*", "[é](ü)", "###",
        ] {
            let _ = to_plaintext(s);
        }
    }
}
