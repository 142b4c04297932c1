//! Inlay hints: the resolved value of each variable in FROM lines (the image word and
//! `--platform`), shown after the reference, with a tooltip saying where the value comes
//! from. FROM sees only global ARGs (declared before the first FROM) and the builder's
//! automatic ones.

use crate::ide::Analysis;
use crate::semantic::{expand, Modifier, VarDecl, VarSource, AUTOMATIC_ARGS};
use crate::syntax::Word;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after the variable reference).
    pub offset: usize,
    pub label: String,
    /// Markdown: where the value comes from.
    pub tooltip: Option<String>,
}

/// Longest value shown in a label; longer ones are cut with `…`.
const MAX_LABEL_CHARS: usize = 48;

/// Hints whose offset lies in `range` (both ends included).
pub fn inlay_hints(analysis: &Analysis, range: TextRange) -> Vec<InlayHint> {
    let model = analysis.model();
    let mut hints = Vec::new();
    for stage in &model.stages {
        let Some(from) = analysis.syntax().instructions.get(stage.from) else {
            continue;
        };
        // Stages wholly outside the range have nothing to show.
        if from.range.end() < range.start() || from.range.start() > range.end() {
            continue;
        }
        let words = stage.platform.iter().chain(stage.base_word.iter());
        for word in words {
            hints.extend(word_hints(analysis, stage.from, word));
        }
    }
    hints.retain(|h| range.contains_inclusive(h.offset));
    hints.sort_by_key(|h| h.offset);
    hints
}

fn word_hints(analysis: &Analysis, from: usize, word: &Word) -> Vec<InlayHint> {
    let model = analysis.model();
    let Some(source) = analysis.text().get(word.range.range()) else {
        return Vec::new();
    };
    let (refs, _) = expand::scan(source, model.escape());
    refs.iter()
        .filter_map(|r| {
            let written = source.get(r.range.range())?;
            let value = model.expand_at(from, written);
            let origin = model.lookup(from, &r.name);
            let label = match (&value, &origin) {
                (Some(v), _) => format!("= {}", shown(v)),
                (None, Some(VarSource::Predefined))
                    if AUTOMATIC_ARGS.contains(&r.name.as_str()) =>
                {
                    "= (set by the builder)".to_owned()
                }
                (None, _) => "= \"\"".to_owned(),
            };
            let mut tooltip = origin_sentence(analysis, &r.name, origin.as_ref());
            let default_applies = value.is_some()
                && matches!(r.modifier, Some(Modifier::Default { .. }))
                && model.value_at(from, &r.name).is_none_or(|v| v.is_empty());
            if default_applies {
                tooltip.push_str(" The default written in the reference applies.");
            }
            Some(InlayHint {
                offset: word.range.start() + r.range.end(),
                label,
                tooltip: Some(tooltip),
            })
        })
        .collect()
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        return "\"\"".to_owned();
    }
    if value.chars().count() <= MAX_LABEL_CHARS {
        return value.to_owned();
    }
    let cut: String = value.chars().take(MAX_LABEL_CHARS - 1).collect();
    format!("{cut}…")
}

fn origin_sentence(analysis: &Analysis, name: &str, origin: Option<&VarSource<'_>>) -> String {
    match origin {
        Some(VarSource::Decl(decl)) => decl_sentence(analysis, decl),
        Some(VarSource::Predefined) if AUTOMATIC_ARGS.contains(&name) => format!(
            "`{name}` is an automatic ARG: the builder sets it (from the build's platforms or options)."
        ),
        Some(VarSource::Predefined) => format!(
            "`{name}` is a predefined proxy ARG: empty unless the build passes `--build-arg {name}=…`."
        ),
        None => format!(
            "`{name}` is not declared by a global ARG before this FROM, so it is empty here \
             (FROM lines see only ARGs declared before the first FROM)."
        ),
    }
}

fn decl_sentence(analysis: &Analysis, decl: &VarDecl) -> String {
    let line = analysis
        .syntax()
        .instructions
        .get(decl.instruction)
        .map(|inst| analysis.line_index().line_of(inst.range.start()) + 1);
    let at = line.map(|l| format!(" at line {l}")).unwrap_or_default();
    let name = &decl.name;
    match &decl.value {
        Some(v) => format!(
            "From the global `ARG {name}`{at}, default `{v}`; `--build-arg {name}=…` overrides it."
        ),
        None => format!(
            "From the global `ARG {name}`{at}, which has no default: empty unless the build passes `--build-arg {name}=…`."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<InlayHint> {
        let analysis = Analysis::new(text);
        inlay_hints(&analysis, TextRange::new(0, text.len()))
    }

    fn labels(text: &str) -> Vec<(String, String)> {
        all(text)
            .into_iter()
            .map(|h| (text[..h.offset].to_owned(), h.label))
            .map(|(before, label)| {
                let tail: String = before.rsplit(['\n', ' ']).next().unwrap_or("").to_owned();
                (tail, label)
            })
            .collect()
    }

    #[test]
    fn each_variable_of_the_image_gets_its_value_after_it() {
        let text =
            "ARG REGISTRY=docker.io\nARG VERSION=1.2\nFROM ${REGISTRY}/app:${VERSION} AS app\n";
        let hints = all(text);
        assert_eq!(hints.len(), 2, "{hints:?}");
        assert_eq!(
            &text[..hints[0].offset],
            "ARG REGISTRY=docker.io\nARG VERSION=1.2\nFROM ${REGISTRY}"
        );
        assert_eq!(hints[0].label, "= docker.io");
        assert_eq!(hints[1].label, "= 1.2");
        assert_eq!(text.get(hints[1].offset..hints[1].offset + 4), Some(" AS "));
        let tooltip = hints[0].tooltip.as_deref().unwrap();
        assert!(tooltip.contains("`ARG REGISTRY` at line 1"), "{tooltip}");
        assert!(tooltip.contains("default `docker.io`"), "{tooltip}");
        assert!(hints[1].tooltip.as_deref().unwrap().contains("line 2"));
    }

    #[test]
    fn values_built_from_other_args_are_expanded() {
        let text = "ARG MAJOR=3\nARG TAG=$MAJOR.20\nFROM alpine:$TAG\n";
        assert_eq!(
            labels(text),
            vec![("alpine:$TAG".to_owned(), "= 3.20".to_owned())]
        );
    }

    #[test]
    fn no_default_undeclared_and_builder_args_say_so() {
        let text = "ARG BASE\nFROM --platform=$BUILDPLATFORM $BASE AS a\nFROM $NOPE\n";
        let hints = all(text);
        assert_eq!(hints.len(), 3, "{hints:?}");
        let by_label: Vec<_> = hints.iter().map(|h| h.label.as_str()).collect();
        assert_eq!(by_label, ["= (set by the builder)", "= \"\"", "= \"\""]);
        let tips: Vec<_> = hints.iter().map(|h| h.tooltip.clone().unwrap()).collect();
        assert!(tips[0].contains("automatic ARG"), "{}", tips[0]);
        assert!(tips[1].contains("no default"), "{}", tips[1]);
        assert!(tips[1].contains("line 1"), "{}", tips[1]);
        assert!(tips[2].contains("not declared"), "{}", tips[2]);
    }

    #[test]
    fn a_stage_arg_is_not_seen_by_from_and_defaults_in_the_reference_apply() {
        let text = "FROM alpine AS a\nARG TAG=1\nFROM alpine:${TAG:-3.19}\n";
        let hints = all(text);
        assert_eq!(hints.len(), 1, "{hints:?}");
        assert_eq!(hints[0].label, "= 3.19");
        let tip = hints[0].tooltip.as_deref().unwrap();
        assert!(tip.contains("not declared"), "{tip}");
        assert!(tip.contains("default written in the reference"), "{tip}");
    }

    #[test]
    fn only_hints_inside_the_range() {
        let text = "ARG A=1\nARG B=2\nFROM img:$A\nFROM img:$B\n";
        let analysis = Analysis::new(text);
        let second = text.find("FROM img:$B").unwrap();
        let hints = inlay_hints(&analysis, TextRange::new(second, text.len()));
        assert_eq!(hints.len(), 1, "{hints:?}");
        assert_eq!(hints[0].label, "= 2");
        assert!(inlay_hints(&analysis, TextRange::new(0, 8)).is_empty());
        // A range past the end of the text is harmless.
        assert!(inlay_hints(&analysis, TextRange::new(10_000, 20_000)).is_empty());
    }

    #[test]
    fn plain_from_lines_and_odd_text_have_no_hints() {
        assert!(all("FROM alpine:3.20\nRUN echo $HOME\n").is_empty());
        for text in [
            "",
            "FROM",
            "FROM ${",
            "FROM ${A:-é}\u{0}\n",
            "FROM $\\\n",
            "ARG A=${A}\nFROM $A",
        ] {
            let _ = all(text);
        }
        let long = format!("ARG V={}\nFROM img:$V\n", "x".repeat(100));
        let hints = all(&long);
        assert_eq!(hints[0].label.chars().count(), 2 + MAX_LABEL_CHARS);
        assert!(hints[0].label.ends_with('…'));
    }
}
