//! Pinning every image reference of every corpus file, offline: each edit (with a
//! made-up digest per tag) is applied alone and the result is analysed again. It must add
//! no parse error, and the reference must then resolve to the same image and tag with
//! exactly that digest, its variables intact.

use dockerfile_lsp::ide::pin::{self, SiteKind};
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::text::apply_edits;

use super::common;

/// A made-up digest for a tag (not a real image: the edit does not care).
fn digest_for(tag_key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in tag_key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    format!("sha256:{}", format!("{h:016x}").repeat(4))
}

fn parse_errors(analysis: &Analysis) -> usize {
    analysis.syntax().errors.len()
}

#[test]
fn pinning_any_corpus_reference_keeps_the_file_valid_and_names_the_digest() {
    let Some(files) = common::files_or_skip(common::REQUIRE_CORPUS) else {
        return;
    };
    let (mut pinned, mut skipped, mut with_variables, mut other_kinds) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for file in files.iter().filter(|f| f.folder() != "large") {
        let text = common::read_lossy(&file.path);
        let analysis = Analysis::new(text.as_str());
        let errors_before = parse_errors(&analysis);
        for site in pin::pin_sites(&analysis) {
            let Ok(target) = site.can_pin() else {
                skipped += 1;
                continue;
            };
            let key = target.tag_key().unwrap_or_else(|| target.written.clone());
            let digest = digest_for(&key);
            let edit = match site.edit(&digest) {
                Ok(edit) => edit,
                Err(skip) => {
                    failures.push(format!(
                        "{}: {:?}: {}",
                        file.name,
                        site.written,
                        skip.reason()
                    ));
                    continue;
                }
            };
            let new_text = apply_edits(&text, &[edit]);
            let after = Analysis::new(new_text.as_str());
            if parse_errors(&after) > errors_before {
                failures.push(format!(
                    "{}: pinning {:?} adds a parse error",
                    file.name, site.written
                ));
                continue;
            }
            // The same reference (same instruction, same kind), now with the digest.
            let again = pin::pin_sites(&after).into_iter().find(|s| {
                s.instruction == site.instruction
                    && s.kind == site.kind
                    && s.range.start() == site.range.start()
            });
            let Some(again) = again else {
                failures.push(format!(
                    "{}: {:?} is gone after pinning",
                    file.name, site.written
                ));
                continue;
            };
            let ok = again.target.as_ref().is_ok_and(|r| {
                r.digest.as_deref() == Some(digest.as_str())
                    && r.registry == target.registry
                    && r.repository == target.repository
                    && (r.tag == target.tag
                        || (target.tag.is_none() && r.tag.as_deref() == Some("latest")))
            });
            if !ok {
                failures.push(format!(
                    "{}: {:?} became {:?} ({:?})",
                    file.name, site.written, again.written, again.target
                ));
            }
            // Variables are kept: the written text is a prefix of the new one.
            if site.uses_variables()
                && !again
                    .written
                    .starts_with(site.written.split('@').next().unwrap_or_default())
            {
                failures.push(format!(
                    "{}: {:?} lost its variables: {:?}",
                    file.name, site.written, again.written
                ));
            }
            if site.uses_variables() {
                with_variables += 1;
            }
            if site.kind != SiteKind::From {
                other_kinds += 1;
            }
            pinned += 1;
        }
    }
    eprintln!(
        "pin: {pinned} references pinned ({with_variables} with variables, {other_kinds} in COPY --from / RUN --mount), {skipped} skipped"
    );
    assert!(pinned > 1000, "only {pinned} references pinned");
    assert!(
        failures.is_empty(),
        "{} failures, first 20:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}
