//! What little can be said about the operating system of a stage from its base image
//! name alone: official Debian/Ubuntu/Fedora-family images (and the language images
//! built on them) have bash and GNU tools; `alpine` images have BusyBox. Used by fixes
//! that must not break the build (`SHELL ["/bin/bash", …]`, GNU-only options).

use super::{Base, ImageRef, Model};

/// The userland of a stage's root image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// An official glibc image with bash and GNU coreutils/wget (debian, ubuntu,
    /// fedora… and the language images built on them).
    Gnu,
    /// An `alpine` image (BusyBox ash and applets).
    Alpine,
    /// Anything else: a private image, a variable, scratch, Windows.
    Unknown,
}

/// Official images known to be built on Debian, Ubuntu or a Red Hat-family distro when
/// their tag does not say `alpine` (or Windows).
const GNU_IMAGES: &[&str] = &[
    "debian",
    "ubuntu",
    "buildpack-deps",
    "python",
    "node",
    "golang",
    "ruby",
    "php",
    "perl",
    "rust",
    "openjdk",
    "eclipse-temurin",
    "maven",
    "gradle",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
];

/// The image at the root of the stage chain of instruction `at`.
pub fn root_image(model: &Model, at: usize) -> Option<&ImageRef> {
    match &model.root_stage(model.stage_of(at)?.index)?.base {
        Base::Image(r) => Some(r),
        _ => None,
    }
}

/// The family of the root image of instruction `at`'s stage.
pub fn family_at(model: &Model, at: usize) -> Family {
    root_image(model, at).map_or(Family::Unknown, family_of)
}

/// The family of an image reference.
pub fn family_of(r: &ImageRef) -> Family {
    if r.registry != "docker.io" {
        return Family::Unknown;
    }
    let Some(name) = r.repository.strip_prefix("library/") else {
        return Family::Unknown;
    };
    let tag = r.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    if tag.contains("windows") || tag.contains("nanoserver") || tag.contains("ltsc") {
        return Family::Unknown;
    }
    if name == "alpine" || tag.contains("alpine") {
        return Family::Alpine;
    }
    if GNU_IMAGES.contains(&name) {
        Family::Gnu
    } else {
        Family::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fam(s: &str) -> Family {
        family_of(&ImageRef::parse(s).unwrap())
    }

    #[test]
    fn families() {
        assert_eq!(fam("debian:12-slim"), Family::Gnu);
        assert_eq!(fam("python:3.12"), Family::Gnu);
        assert_eq!(fam("node:20-alpine3.19"), Family::Alpine);
        assert_eq!(fam("alpine"), Family::Alpine);
        assert_eq!(fam("ghcr.io/x/debian:12"), Family::Unknown);
        assert_eq!(fam("myorg/ubuntu"), Family::Unknown);
        assert_eq!(fam("python:3.12-windowsservercore"), Family::Unknown);
    }
}
