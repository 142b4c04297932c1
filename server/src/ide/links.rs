//! Document links: image references to their page on the registry's website.
//!
//! Links are made for the image of `FROM` and for images named by `COPY --from=` and
//! `RUN --mount=from=`; never for stage names (any stage of the file, by name or index),
//! `scratch` or `context`. A reference with variables is linked when ARG defaults
//! resolve it (the tooltip says what it resolved to) and left alone otherwise. The link
//! covers the image name only, not the tag or digest.
//!
//! Pages, after [`ImageRef`] normalisation:
//!
//! | registry | page |
//! |---|---|
//! | Docker Hub, official image | `https://hub.docker.com/_/<name>` |
//! | Docker Hub, `<user>/<name>` | `https://hub.docker.com/r/<user>/<name>` |
//! | `ghcr.io/<owner>/<name>` | `https://ghcr.io/<owner>/<name>`: GitHub sends a browser to the package page, for user and organisation owners alike (`github.com/<owner>/<repo>/pkgs/container/<name>` needs the repository, which the reference does not name) |
//! | `quay.io/<ns>/<name>` | `https://quay.io/repository/<ns>/<name>` |
//! | `mcr.microsoft.com/<path>` | `https://mcr.microsoft.com/artifact/mar/<path>` |
//! | `[us.\|eu.\|asia.]gcr.io/<project>/<name>` | `https://console.cloud.google.com/gcr/images/<project>/<GLOBAL\|US\|EU\|ASIA>/<name>` |
//!
//! Other registries have no known page and get no link.

use crate::ide::navigation::from_refs_of;
use crate::ide::Analysis;
use crate::semantic::{Base, ImageRef};
use crate::text::TextRange;

/// A link from an image name to its registry page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageLink {
    /// The image name as written (tag and digest left out).
    pub range: TextRange,
    /// The registry page.
    pub url: String,
    /// What the link opens, and what a `${VAR}` resolved to.
    pub tooltip: String,
}

/// Every image link of the file, in text order.
pub fn document_links(analysis: &Analysis) -> Vec<ImageLink> {
    let model = analysis.model();
    let text = analysis.text();
    let is_stage_name = |value: &str| {
        let lower = value.to_ascii_lowercase();
        model
            .stages
            .iter()
            .any(|s| s.name.as_deref() == Some(lower.as_str()))
    };
    let mut out = Vec::new();
    let mut push = |r: &ImageRef, written: &str, range: TextRange| {
        let Some((url, site)) = registry_page(r) else {
            return;
        };
        let len = name_len(written);
        if len == 0 || text.get(range.range()) != Some(written) {
            return;
        }
        let name_range = TextRange::new(range.start(), range.start() + len);
        let mut tooltip = format!("Open `{}` on {site}", name_of(r));
        if written.contains('$') {
            tooltip.push_str(&format!(
                " (`{written}` resolved through ARG defaults to `{}`)",
                r.written
            ));
        }
        out.push(ImageLink {
            range: name_range,
            url,
            tooltip,
        });
    };
    for s in &model.stages {
        if let (Base::Image(r), Some(w)) = (&s.base, &s.base_word) {
            if !is_stage_name(&r.written) {
                push(r, &w.text, w.range);
            }
        }
    }
    for f in from_refs_of(analysis) {
        let reserved = ["scratch", "context"].contains(&f.value.to_ascii_lowercase().as_str());
        if reserved || is_stage_name(&f.value) || model.stage_by_ref(&f.value).is_some() {
            continue;
        }
        if let Ok(r) = ImageRef::parse(&f.value) {
            push(&r, &f.written, f.range);
        }
    }
    out.sort_by_key(|l| l.range.start());
    out
}

/// `registry/repository` without tag and digest, as the user reads it.
fn name_of(r: &ImageRef) -> String {
    let repo = r
        .repository
        .strip_prefix("library/")
        .filter(|_| r.is_docker_hub());
    match repo {
        Some(official) => official.to_string(),
        None if r.is_docker_hub() => r.repository.clone(),
        None => format!("{}/{}", r.registry, r.repository),
    }
}

/// The web page of an image and the name of the site; `None` for registries without
/// one.
pub fn registry_page(r: &ImageRef) -> Option<(String, &'static str)> {
    let repo = r.repository.as_str();
    let parts: Vec<&str> = repo.split('/').collect();
    match r.registry.as_str() {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => match parts.as_slice() {
            ["library", name] | [name] => {
                Some((format!("https://hub.docker.com/_/{name}"), "Docker Hub"))
            }
            [user, name] => Some((
                format!("https://hub.docker.com/r/{user}/{name}"),
                "Docker Hub",
            )),
            _ => None,
        },
        "ghcr.io" if parts.len() >= 2 => {
            Some((format!("https://ghcr.io/{repo}"), "GitHub Packages"))
        }
        "quay.io" if parts.len() >= 2 => {
            Some((format!("https://quay.io/repository/{repo}"), "Quay"))
        }
        "mcr.microsoft.com" => Some((
            format!("https://mcr.microsoft.com/artifact/mar/{repo}"),
            "the Microsoft Artifact Registry",
        )),
        host @ ("gcr.io" | "us.gcr.io" | "eu.gcr.io" | "asia.gcr.io") if parts.len() >= 2 => {
            let location = match host {
                "us.gcr.io" => "US",
                "eu.gcr.io" => "EU",
                "asia.gcr.io" => "ASIA",
                _ => "GLOBAL",
            };
            let (project, rest) = repo.split_once('/')?;
            Some((
                format!("https://console.cloud.google.com/gcr/images/{project}/{location}/{rest}"),
                "Google Container Registry",
            ))
        }
        _ => None,
    }
}

/// The length of the name part of a written reference: before `@digest` and before the
/// `:tag` after the last `/`, skipping what is inside `${…}`.
fn name_len(written: &str) -> usize {
    let b = written.as_bytes();
    let mut depth = 0usize;
    let mut last_slash = 0;
    let mut tag = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b'@' if depth == 0 => return tag.unwrap_or(i),
            b'/' if depth == 0 => {
                last_slash = i;
                tag = None;
            }
            b':' if depth == 0 && tag.is_none() && i > last_slash => tag = Some(i),
            _ => {}
        }
        i += 1;
    }
    tag.unwrap_or(b.len())
}

#[cfg(test)]
mod tests;
