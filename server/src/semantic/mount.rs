//! `RUN --mount=…` flag values: the mount type and its `key=value` options, used by rules
//! that a cache or tmpfs mount makes moot (package caches, apt lists).

use crate::syntax::Instruction;
use crate::text::TextRange;

/// One `key[=value]` option of a mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountOption {
    pub key: String,
    pub value: Option<String>,
    /// Where the option is written; the whole flag value when quoting makes the exact
    /// position unknown.
    pub range: TextRange,
}

/// A parsed `--mount` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// `bind` (BuildKit's default), `cache`, `tmpfs`, `secret` or `ssh`, lower-cased.
    pub typ: String,
    pub options: Vec<MountOption>,
}

impl Mount {
    /// The value of the first option named `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|o| o.key.eq_ignore_ascii_case(key))
            .and_then(|o| o.value.as_deref())
    }

    /// The mount point: `target`, `dst` or `destination`.
    pub fn target(&self) -> Option<&str> {
        self.get("target")
            .or_else(|| self.get("dst"))
            .or_else(|| self.get("destination"))
    }

    /// A `cache` or `tmpfs` mount: what is written under it never reaches the layer.
    pub fn keeps_out_of_layer(&self) -> bool {
        self.typ == "cache" || self.typ == "tmpfs"
    }

    /// True when this is a cache or tmpfs mount whose target contains `dir` (the target
    /// is `dir` itself or one of its parents).
    pub fn covers(&self, dir: &str) -> bool {
        if !self.keeps_out_of_layer() {
            return false;
        }
        let Some(target) = self.target() else {
            return false;
        };
        let target = target.trim_end_matches('/');
        let dir = dir.trim_end_matches('/');
        target.is_empty() || dir == target || dir.starts_with(&format!("{target}/"))
    }
}

/// Parses a `--mount` flag value (`type=cache,target=/root/.cache,sharing=locked`).
/// `value_range` is where the value is written; option ranges are exact when the value
/// is written without quotes.
pub fn parse_mount(value: &str, value_range: TextRange) -> Mount {
    let exact = value_range.len() == value.len();
    let mut options = Vec::new();
    let mut typ = "bind".to_string();
    let mut offset = 0;
    for part in value.split(',') {
        let start = offset;
        offset += part.len() + 1;
        let trimmed = part.trim();
        if trimmed.is_empty() {
            continue;
        }
        let (key, val) = match trimmed.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), Some(v.trim().to_string())),
            None => (trimmed.to_string(), None),
        };
        if key.eq_ignore_ascii_case("type") {
            if let Some(v) = &val {
                typ = v.to_ascii_lowercase();
            }
        }
        let range = if exact {
            TextRange::new(
                value_range.start() + start,
                value_range.start() + start + part.len(),
            )
        } else {
            value_range
        };
        options.push(MountOption {
            key,
            value: val,
            range,
        });
    }
    Mount { typ, options }
}

/// Every `--mount` of an instruction, parsed.
pub fn mounts(inst: &Instruction) -> Vec<Mount> {
    inst.flags
        .iter()
        .filter(|f| f.name == "mount")
        .filter_map(|f| {
            let value = f.value.as_deref()?;
            Some(parse_mount(value, f.value_range.unwrap_or(f.range)))
        })
        .collect()
}

/// True when a cache or tmpfs mount of `inst` contains `dir`.
pub fn mount_covers(inst: &Instruction, dir: &str) -> bool {
    mounts(inst).iter().any(|m| m.covers(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_type_target_and_ranges() {
        let m = parse_mount(
            "type=cache,dst=/var/lib/apt,sharing=locked",
            TextRange::new(10, 52),
        );
        assert_eq!(m.typ, "cache");
        assert_eq!(m.target(), Some("/var/lib/apt"));
        assert_eq!(m.options[1].range, TextRange::new(21, 37));
        assert!(m.covers("/var/lib/apt/lists"));
        assert!(!m.covers("/var/lib/aptitude"));
        let bind = parse_mount("target=/src", TextRange::new(0, 11));
        assert_eq!(bind.typ, "bind");
        assert!(!bind.covers("/src"));
    }
}
