//! Code lenses: one per stage, on its FROM keyword, saying what depends on it. The
//! title comes from the build-cache explanation ([`crate::ide::cache_explain::stage_lens`]);
//! a stage it has nothing to say about gets no lens.

use crate::ide::cache_explain;
use crate::ide::Analysis;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageLens {
    /// The FROM keyword of the stage.
    pub range: TextRange,
    pub stage: usize,
    pub title: String,
}

/// The lenses of every stage that has a title, in stage order.
pub fn code_lenses(analysis: &Analysis) -> Vec<StageLens> {
    let instructions = &analysis.syntax().instructions;
    analysis
        .model()
        .stages
        .iter()
        .filter_map(|stage| {
            let from = instructions.get(stage.from)?;
            let title = cache_explain::stage_lens(analysis, stage.index)?;
            (!title.trim().is_empty()).then_some(StageLens {
                range: from.keyword_range,
                stage: stage.index,
                title,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &str = "\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM build AS test
RUN go test ./...

FROM gcr.io/distroless/static:nonroot AS final
COPY --from=build /app /app
ENTRYPOINT [\"/app\"]
";

    #[test]
    fn every_lens_sits_on_a_from_keyword_and_has_a_title() {
        let analysis = Analysis::new(MULTI);
        for lens in code_lenses(&analysis) {
            assert_eq!(analysis.text().get(lens.range.range()), Some("FROM"));
            let stage = &analysis.model().stages[lens.stage];
            assert_eq!(
                analysis.syntax().instructions[stage.from].keyword_range,
                lens.range
            );
            assert!(!lens.title.trim().is_empty());
        }
    }

    #[test]
    fn a_lens_exactly_when_the_cache_explanation_has_a_title() {
        let analysis = Analysis::new(MULTI);
        let lenses = code_lenses(&analysis);
        let titled: Vec<usize> = (0..analysis.model().stages.len())
            .filter(|&s| cache_explain::stage_lens(&analysis, s).is_some())
            .collect();
        assert_eq!(
            lenses.iter().map(|l| l.stage).collect::<Vec<_>>(),
            titled,
            "{lenses:?}"
        );
    }

    #[test]
    fn no_stages_no_lenses() {
        for text in ["", "# just a comment\n", "ARG V=1\n", "\u{feff}FROM\n\\"] {
            let analysis = Analysis::new(text);
            let lenses = code_lenses(&analysis);
            assert!(
                lenses.len() <= analysis.model().stages.len(),
                "{text:?}: {lenses:?}"
            );
        }
        assert!(code_lenses(&Analysis::new("ARG V=1\n")).is_empty());
    }

    #[test]
    fn stages_others_depend_on_get_a_lens() {
        let analysis = Analysis::new(MULTI);
        let lenses = code_lenses(&analysis);
        let build = lenses
            .iter()
            .find(|l| l.stage == 0)
            .expect("`build` is used by `test` and `final`");
        assert!(build.title.contains("final"), "{build:?}");
        assert!(build.title.contains("test"), "{build:?}");
        assert_eq!(build.range, TextRange::new(0, 4));
    }
}
