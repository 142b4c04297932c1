//! Knowledge about images and platforms that several rules share: platform strings
//! (`linux/amd64`, `arm64`) parsed and normalised as containerd's `platforms` package
//! does, and facts about official Docker Hub images (slim and alpine variants).
//! Pure data; no registry access.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::image_ref::ImageRef;

/// What a registry said about one tag, as fetched by the registry client (outside the
/// core) and handed to the analysis as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    /// The digest the tag points to (`sha256:<64 hex>`): the index (manifest list) when
    /// the tag has one, so every platform stays buildable.
    pub digest: String,
    /// The media type of the manifest that digest names.
    pub media_type: String,
    /// The platforms of a multi-platform index (`linux/amd64`, `linux/arm/v7`); for a
    /// single manifest, empty.
    pub platforms: Vec<String>,
    /// When the registry answered.
    pub fetched_at: SystemTime,
}

/// Registry facts by [`ImageRef::tag_key`] (`docker.io/library/node:22`).
pub type FactsTable = BTreeMap<String, ImageFacts>;

/// An OS/architecture pair, normalised (`x86_64` → `amd64`, `aarch64` → `arm64`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "illumos",
    "ios",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
];

fn normalize_arch(arch: &str, variant: Option<&str>) -> (String, Option<String>) {
    let v = variant.map(str::to_string);
    match arch {
        "i386" | "386" => ("386".into(), None),
        "x86_64" | "x86-64" | "amd64" => ("amd64".into(), v.filter(|v| v != "v1")),
        "aarch64" | "arm64" => ("arm64".into(), v.filter(|v| v != "v8" && v != "8")),
        "armhf" => ("arm".into(), Some("v7".into())),
        "armel" => ("arm".into(), Some("v6".into())),
        "arm" => ("arm".into(), Some(v.unwrap_or_else(|| "v7".into()))),
        other => (other.to_string(), v),
    }
}

impl Platform {
    /// Parses `os[/arch[/variant]]` or a lone architecture (`arm64`, OS `linux`).
    /// `None` when it is not a platform string.
    pub fn parse(s: &str) -> Option<Platform> {
        let lower = s.trim().to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('/').collect();
        let ok = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.')
        };
        if parts.iter().any(|p| !ok(p)) {
            return None;
        }
        let (os, arch, variant) = match parts.as_slice() {
            [one] if KNOWN_OS.contains(one) => (one.to_string(), "amd64", None),
            [one] => ("linux".to_string(), *one, None),
            [os, arch] => (os.to_string(), *arch, None),
            [os, arch, variant] => (os.to_string(), *arch, Some(*variant)),
            _ => return None,
        };
        let os = if os == "macos" { "darwin".into() } else { os };
        let (arch, variant) = normalize_arch(arch, variant);
        Some(Platform { os, arch, variant })
    }

    /// `linux/arm64`, `linux/arm/v7`.
    pub fn to_string_full(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{}", self.os, self.arch, v),
            None => format!("{}/{}", self.os, self.arch),
        }
    }
}

/// What we know about an official (`docker.io/library/…`) image.
pub struct OfficialImage {
    /// Repository name without `library/`.
    pub name: &'static str,
    /// A language runtime (as opposed to an OS or an application).
    pub runtime: bool,
    /// Tag suffix of the small Debian-based variant (`-slim`), if any.
    pub slim: Option<&'static str>,
    /// Approximate compressed size (amd64) of the full and the slim variant, MB.
    pub sizes_mb: (u32, u32),
}

/// Official images that have a smaller Debian variant, with approximate compressed
/// sizes on Docker Hub (amd64, 2024–2025 tags of the current Debian release; they
/// change with every release and are only meant to give the order of magnitude).
pub const OFFICIAL_IMAGES: &[OfficialImage] = &[
    OfficialImage {
        name: "python",
        runtime: true,
        slim: Some("slim"),
        sizes_mb: (380, 45),
    },
    OfficialImage {
        name: "node",
        runtime: true,
        slim: Some("slim"),
        sizes_mb: (390, 75),
    },
    OfficialImage {
        name: "ruby",
        runtime: true,
        slim: Some("slim"),
        sizes_mb: (360, 70),
    },
    OfficialImage {
        name: "perl",
        runtime: true,
        slim: Some("slim"),
        sizes_mb: (330, 40),
    },
    OfficialImage {
        name: "debian",
        runtime: false,
        slim: Some("slim"),
        sizes_mb: (50, 30),
    },
];

/// Whether a tag (`None` = `latest`) names the full variant of an official image, not an
/// already small one (`slim`, `alpine`) or a Windows one.
pub fn is_full_variant(tag: Option<&str>) -> bool {
    let tag = tag.unwrap_or("latest").to_ascii_lowercase();
    !["slim", "alpine", "windowsservercore", "nanoserver"]
        .iter()
        .any(|v| tag.contains(v))
}

/// The official image `r` is a variant of, when it is one we know.
pub fn official(r: &ImageRef) -> Option<&'static OfficialImage> {
    if !r.is_docker_hub() {
        return None;
    }
    let name = r.repository.strip_prefix("library/")?;
    OFFICIAL_IMAGES.iter().find(|o| o.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        Platform::parse(s).map(|p| p.to_string_full())
    }

    #[test]
    fn parses_and_normalises_platforms() {
        assert_eq!(p("linux/amd64").as_deref(), Some("linux/amd64"));
        assert_eq!(p("linux/x86_64").as_deref(), Some("linux/amd64"));
        assert_eq!(p("aarch64").as_deref(), Some("linux/arm64"));
        assert_eq!(p("linux/arm64/v8").as_deref(), Some("linux/arm64"));
        assert_eq!(p("linux/arm").as_deref(), Some("linux/arm/v7"));
        assert_eq!(p("windows").as_deref(), Some("windows/amd64"));
        assert_eq!(p("a/b/c/d"), None);
        assert_eq!(p("linux/$X"), None);
    }
}
