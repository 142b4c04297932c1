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
            Some(StageLens {
                range: from.keyword_range,
                stage: stage.index,
                title: cache_explain::stage_lens(analysis, stage.index)?,
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
    fn one_lens_per_stage_on_its_from_keyword() {
        let analysis = Analysis::new(MULTI);
        let lenses = code_lenses(&analysis);
        let shown: Vec<String> = lenses
            .iter()
            .map(|l| {
                let keyword = analysis.text().get(l.range.range()).unwrap_or_default();
                format!("{} {keyword} {:?}: {}", l.stage, l.range, l.title)
            })
            .collect();
        expect_test::expect![[r#"
            0 FROM 0..4: base of test · used by final via COPY --from · 3 steps
            1 FROM 72..76: skipped unless targeted · 1 step
            2 FROM 110..114: final stage · 1 step"#]]
        .assert_eq(&shown.join("\n"));
    }

    #[test]
    fn no_stages_no_lenses() {
        for text in ["", "# just a comment\n", "ARG V=1\n"] {
            assert!(code_lenses(&Analysis::new(text)).is_empty(), "{text:?}");
        }
        // A broken FROM is still a stage, and still gets its lens on the keyword.
        let analysis = Analysis::new("\u{feff}FROM\n\\");
        let lenses = code_lenses(&analysis);
        assert_eq!(lenses.len(), analysis.model().stages.len());
        for lens in &lenses {
            assert_eq!(analysis.text().get(lens.range.range()), Some("FROM"));
        }
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
