//! The flags every instruction accepts (`COPY --from=…`, `RUN --mount=…`,
//! `HEALTHCHECK --interval=…`), as BuildKit's Dockerfile frontend defines them in
//! `frontend/dockerfile/instructions/parse.go` and the `commands_run*.go` hooks, with
//! the value checks BuildKit applies.
//!
//! One table, [`FLAGS`], read by the `invalid-flag` rule and meant for completion and
//! hovers. BuildKit matches flag names case-sensitively (`--FROM` is unknown), accepts a
//! repeated flag only for the repeatable kinds (`--mount`, `--exclude`, `--device`) and
//! requires `=value` on every non-boolean flag.

use crate::syntax::Kind;

/// What a flag's value must look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Free text (`--from=builder`, `--chown=app:app`, `--platform=linux/amd64`).
    String,
    /// `true` or `false` in any case; the bare flag (`--link`) means true. `--link=`
    /// (an empty value) is an error.
    Bool,
    /// Go `time.ParseDuration` syntax (`30s`, `1m30s`, `1.5h`): a unit is required
    /// except for `0`; BuildKit rejects a non-zero value below 1ms.
    Duration,
    /// A non-negative decimal integer that fits in 32 bits.
    Count,
    /// One of a fixed, case-sensitive set of words.
    Choice(&'static [&'static str]),
    /// A file mode: octal (`755`, `0644`) or symbolic (`u+x`, `a=rX,u+w`).
    Mode,
    /// The comma-separated `--mount` specification (`type=cache,target=/root/.cache`).
    Mount,
}

impl ValueKind {
    /// A short description of the expected value, for messages and hovers.
    pub fn describe(self) -> String {
        match self {
            ValueKind::String => "a value".to_string(),
            ValueKind::Bool => "`true` or `false`".to_string(),
            ValueKind::Duration => "a duration with a unit (`30s`, `5m`, `1h30m`)".to_string(),
            ValueKind::Count => "a non-negative whole number".to_string(),
            ValueKind::Choice(words) => words
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", "),
            ValueKind::Mode => "an octal (`755`) or symbolic (`u+x`) file mode".to_string(),
            ValueKind::Mount => "a mount specification (`type=…,target=…`)".to_string(),
        }
    }
}

/// One flag of one instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    pub instruction: Kind,
    /// The name without dashes: `from`.
    pub name: &'static str,
    pub value: ValueKind,
    /// May be given several times (BuildKit's `AddStrings` flags).
    pub repeatable: bool,
    /// The Dockerfile syntax version that introduced the flag (`1.0` for flags the
    /// classic builder already had); `-labs` when it appeared in the labs channel;
    /// `recent` when it is in BuildKit's current source but not yet in a documented
    /// release.
    pub since: &'static str,
    /// One line for completion and hovers.
    pub summary: &'static str,
}

const fn flag(
    instruction: Kind,
    name: &'static str,
    value: ValueKind,
    repeatable: bool,
    since: &'static str,
    summary: &'static str,
) -> FlagSpec {
    FlagSpec {
        instruction,
        name,
        value,
        repeatable,
        since,
        summary,
    }
}

/// Network modes of `RUN --network`.
pub const NETWORK_MODES: &[&str] = &["default", "none", "host"];
/// Security modes of `RUN --security`.
pub const SECURITY_MODES: &[&str] = &["sandbox", "insecure"];

/// Every flag of every instruction. Instructions not listed (CMD, ENTRYPOINT, ENV, EXPOSE,
/// LABEL, MAINTAINER, ONBUILD, SHELL, USER, VOLUME, WORKDIR) take no flags: BuildKit
/// rejects any flag on them with "Unknown flag". STOPSIGNAL (and HEALTHCHECK NONE) never
/// parse their flags: BuildKit drops them silently. ARG rejected unknown flags only once
/// it gained `--required`; older frontends dropped them.
pub static FLAGS: &[FlagSpec] = &[
    flag(
        Kind::Add,
        "chown",
        ValueKind::String,
        false,
        "1.0",
        "Owner of the added files: `user[:group]`, names or numeric ids",
    ),
    flag(
        Kind::Add,
        "chmod",
        ValueKind::Mode,
        false,
        "1.2",
        "Permissions of the added files",
    ),
    flag(
        Kind::Add,
        "link",
        ValueKind::Bool,
        false,
        "1.4",
        "Add the files as an independent layer that survives base-image changes",
    ),
    flag(
        Kind::Add,
        "keep-git-dir",
        ValueKind::Bool,
        false,
        "1.5",
        "Keep the `.git` directory when adding a Git repository",
    ),
    flag(
        Kind::Add,
        "checksum",
        ValueKind::String,
        false,
        "1.6",
        "Expected digest of a remote source (`sha256:…`, or a commit for Git)",
    ),
    flag(
        Kind::Add,
        "unpack",
        ValueKind::Bool,
        false,
        "1.17",
        "Extract (or not) an archive source, also a remote one",
    ),
    flag(
        Kind::Add,
        "exclude",
        ValueKind::String,
        true,
        "1.7-labs",
        "Leave out files matching the pattern",
    ),
    flag(
        Kind::Arg,
        "required",
        ValueKind::Bool,
        false,
        "recent",
        "Fail the build when no value is given for the argument",
    ),
    flag(
        Kind::Copy,
        "from",
        ValueKind::String,
        false,
        "1.0",
        "Copy from a build stage, a stage index, an image or a named context",
    ),
    flag(
        Kind::Copy,
        "chown",
        ValueKind::String,
        false,
        "1.0",
        "Owner of the copied files: `user[:group]`, names or numeric ids",
    ),
    flag(
        Kind::Copy,
        "chmod",
        ValueKind::Mode,
        false,
        "1.2",
        "Permissions of the copied files",
    ),
    flag(
        Kind::Copy,
        "link",
        ValueKind::Bool,
        false,
        "1.4",
        "Copy the files as an independent layer that survives base-image changes",
    ),
    flag(
        Kind::Copy,
        "parents",
        ValueKind::Bool,
        false,
        "1.7-labs",
        "Keep the parent directories of the sources",
    ),
    flag(
        Kind::Copy,
        "exclude",
        ValueKind::String,
        true,
        "1.7-labs",
        "Leave out files matching the pattern",
    ),
    flag(
        Kind::From,
        "platform",
        ValueKind::String,
        false,
        "1.0",
        "Platform of the base image (`linux/arm64`, `$BUILDPLATFORM`)",
    ),
    flag(
        Kind::Run,
        "mount",
        ValueKind::Mount,
        true,
        "1.2",
        "Mount a cache, bind, tmpfs, secret or SSH agent for this command only",
    ),
    flag(
        Kind::Run,
        "network",
        ValueKind::Choice(NETWORK_MODES),
        false,
        "1.3",
        "Network access of the command: `default`, `none` or `host`",
    ),
    flag(
        Kind::Run,
        "security",
        ValueKind::Choice(SECURITY_MODES),
        false,
        "1.1-labs",
        "Run the command with elevated privileges (`insecure`, needs an entitlement)",
    ),
    flag(
        Kind::Run,
        "device",
        ValueKind::String,
        true,
        "1.14-labs",
        "Give the command access to a CDI device",
    ),
    flag(
        Kind::Healthcheck,
        "interval",
        ValueKind::Duration,
        false,
        "1.0",
        "Time between checks (default 30s)",
    ),
    flag(
        Kind::Healthcheck,
        "timeout",
        ValueKind::Duration,
        false,
        "1.0",
        "Time after which one check counts as failed (default 30s)",
    ),
    flag(
        Kind::Healthcheck,
        "start-period",
        ValueKind::Duration,
        false,
        "1.0",
        "Start-up time during which failures do not count (default 0s)",
    ),
    flag(
        Kind::Healthcheck,
        "start-interval",
        ValueKind::Duration,
        false,
        "1.6",
        "Time between checks during the start period (Docker Engine 25+)",
    ),
    flag(
        Kind::Healthcheck,
        "retries",
        ValueKind::Count,
        false,
        "1.0",
        "Consecutive failures before the container is unhealthy (default 3)",
    ),
];

/// The flags of `kind`, in table order.
pub fn flags_of(kind: Kind) -> impl Iterator<Item = &'static FlagSpec> {
    FLAGS.iter().filter(move |f| f.instruction == kind)
}

/// The flag `name` (exact, case-sensitive, as BuildKit matches) of `kind`.
pub fn lookup(kind: Kind, name: &str) -> Option<&'static FlagSpec> {
    flags_of(kind).find(|f| f.name == name)
}

/// Checks a flag value against its kind. `None` is a bare flag (`--link`), `Some("")`
/// an empty value (`--link=`). Returns the problem in words, or `Ok` when BuildKit
/// accepts the value. Mount values are checked by [`check_mount`] field by field; here
/// they only need to be present.
pub fn check_value(spec: &FlagSpec, value: Option<&str>) -> Result<(), String> {
    let Some(value) = value else {
        return match spec.value {
            ValueKind::Bool => Ok(()),
            kind => Err(format!(
                "`--{}` needs a value: write `--{}=<{}>`",
                spec.name,
                spec.name,
                placeholder(kind)
            )),
        };
    };
    match spec.value {
        ValueKind::Bool => {
            if value.is_empty() {
                return Err(format!(
                    "`--{}=` has an empty value; write `--{}` or `--{}=false`",
                    spec.name, spec.name, spec.name
                ));
            }
            match value.to_ascii_lowercase().as_str() {
                "true" | "false" => Ok(()),
                _ => Err(format!(
                    "`--{}` expects `true` or `false`, not `{value}`",
                    spec.name
                )),
            }
        }
        ValueKind::Duration => {
            if value.is_empty() {
                return Ok(());
            }
            match parse_go_duration(value) {
                None if value.bytes().all(|b| b.is_ascii_digit()) => Err(format!(
                    "`--{}={value}` has no unit; write `{value}s` for seconds",
                    spec.name
                )),
                None => Err(format!(
                    "`{value}` is not a duration; write a number with a unit (`30s`, `5m`, `1h30m`)"
                )),
                Some(0) => Ok(()),
                Some(ns) if ns < 1_000_000 => Err(format!(
                    "`--{}` must be 0 or at least 1ms; `{value}` is rejected by the build",
                    spec.name
                )),
                Some(_) => Ok(()),
            }
        }
        ValueKind::Count => {
            if value.is_empty() {
                return Ok(());
            }
            match value.parse::<i64>() {
                Ok(n) if n < 0 => Err(format!("`--{}` cannot be negative", spec.name)),
                Ok(n) if n <= i64::from(i32::MAX) => Ok(()),
                _ => Err(format!(
                    "`--{}` expects a whole number, not `{value}`",
                    spec.name
                )),
            }
        }
        ValueKind::Choice(words) => {
            if words.contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "`{value}` is not a valid `--{}` value; use one of {}",
                    spec.name,
                    spec.value.describe()
                ))
            }
        }
        ValueKind::Mode => {
            if value.is_empty() || is_octal_mode(value) || is_symbolic_mode(value) {
                Ok(())
            } else {
                Err(format!(
                    "`{value}` is not a file mode; write it in octal (`755`, `0644`) or symbolically (`u+x`, `a=rX`)"
                ))
            }
        }
        ValueKind::String | ValueKind::Mount => Ok(()),
    }
}

fn placeholder(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Duration => "duration",
        ValueKind::Count => "number",
        ValueKind::Mode => "mode",
        ValueKind::Mount => "type=…,target=…",
        ValueKind::Choice(_) => "mode",
        ValueKind::Bool => "true|false",
        ValueKind::String => "value",
    }
}

/// Octal mode as BuildKit reads it (`strconv.ParseUint(v, 8, 32)`).
fn is_octal_mode(v: &str) -> bool {
    !v.is_empty()
        && v.bytes().all(|b| (b'0'..=b'7').contains(&b))
        && u32::from_str_radix(v, 8).is_ok()
}

/// Symbolic mode as chmod(1) writes it: comma-separated clauses
/// `[ugoa]*([-+=]([rwxXst]*|[ugo]))+`.
fn is_symbolic_mode(v: &str) -> bool {
    v.split(',').all(|clause| {
        let b = clause.as_bytes();
        let mut i = 0;
        while i < b.len() && b"ugoa".contains(&b[i]) {
            i += 1;
        }
        let mut actions = 0;
        while i < b.len() && b"+-=".contains(&b[i]) {
            i += 1;
            actions += 1;
            if i < b.len() && b"ugo".contains(&b[i]) {
                i += 1;
                continue;
            }
            while i < b.len() && b"rwxXst".contains(&b[i]) {
                i += 1;
            }
        }
        actions > 0 && i == b.len()
    })
}

/// Go's `time.ParseDuration`: the duration in nanoseconds, or `None` when Go rejects
/// the text (no unit, unknown unit, overflow).
pub fn parse_go_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                (Some(&a[..n]), &a[n..])
            }
            None => (None, after),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return None;
        }
        let unit_len = after
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(after.len(), |(i, _)| i);
        let (unit, next) = after.split_at(unit_len);
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        let number: f64 = format!(
            "{}.{}",
            if int_part.is_empty() { "0" } else { int_part },
            frac_part.unwrap_or("0")
        )
        .parse()
        .ok()?;
        total += number * scale;
        if total > 9.223_372_036_854_776e18 {
            return None;
        }
        rest = next;
    }
    let ns = total as i64;
    Some(if neg { -ns } else { ns })
}

/// A problem in one field of a `--mount` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountProblem {
    /// Index of the option in [`crate::semantic::mount::Mount::options`]; `None` for
    /// problems of the whole mount (a secret without id).
    pub option: Option<usize>,
    pub message: String,
    /// A replacement for the option key (nearest known key), when one is close.
    pub suggestion: Option<&'static str>,
}

/// Mount types of `RUN --mount=type=…`.
pub const MOUNT_TYPES: &[&str] = &["bind", "cache", "tmpfs", "secret", "ssh"];
/// Option keys BuildKit accepts in `RUN --mount`.
pub const MOUNT_KEYS: &[&str] = &[
    "type",
    "from",
    "source",
    "src",
    "target",
    "dst",
    "destination",
    "readonly",
    "ro",
    "readwrite",
    "rw",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "env",
];
/// `sharing=` values of a cache mount.
pub const SHARING_MODES: &[&str] = &["shared", "private", "locked"];

/// Checks a parsed `--mount` value the way BuildKit's `parseMount` and `validateMount`
/// do. Values holding `$` are unknown and not checked (BuildKit expands them first).
pub fn check_mount(m: &crate::semantic::mount::Mount) -> Vec<MountProblem> {
    let mut out = Vec::new();
    let mut push = |option: Option<usize>, message: String, suggestion: Option<&'static str>| {
        out.push(MountProblem {
            option,
            message,
            suggestion,
        });
    };
    let typ = m.typ.as_str();
    let type_known = MOUNT_TYPES.contains(&typ);
    let file_info_allowed = matches!(typ, "secret" | "ssh" | "cache");
    for (i, o) in m.options.iter().enumerate() {
        let key = o.key.to_ascii_lowercase();
        let value = o.value.as_deref();
        if value.is_some_and(|v| v.contains('$')) {
            continue;
        }
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" | "readwrite" | "rw" => {}
                "required" if !type_known || matches!(typ, "secret" | "ssh") => {}
                "required" => push(
                    Some(i),
                    format!("`required` only applies to secret and ssh mounts, not `{typ}`"),
                    None,
                ),
                _ if MOUNT_KEYS.contains(&key.as_str()) => push(
                    Some(i),
                    format!("mount option `{}` needs a value: `{}=…`", o.key, o.key),
                    None,
                ),
                _ => {
                    let s = nearest(&key, MOUNT_KEYS);
                    push(Some(i), unknown_key_message(&o.key, s), s);
                }
            }
            continue;
        };
        match key.as_str() {
            "type" => {
                if !MOUNT_TYPES.contains(&value.to_ascii_lowercase().as_str()) {
                    push(
                        Some(i),
                        format!(
                            "unknown mount type `{value}`; use `bind`, `cache`, `tmpfs`, `secret` or `ssh`"
                        ),
                        None,
                    );
                }
            }
            "from" | "source" | "src" | "target" | "dst" | "destination" | "id" | "env" => {}
            "readonly" | "ro" | "readwrite" | "rw" | "required" => {
                if key == "required" && type_known && !matches!(typ, "secret" | "ssh") {
                    push(
                        Some(i),
                        format!("`required` only applies to secret and ssh mounts, not `{typ}`"),
                        None,
                    );
                } else if parse_go_bool(value).is_none() {
                    push(
                        Some(i),
                        format!(
                            "`{}` expects a boolean (`true`, `false`, `1`, `0`), not `{value}`",
                            o.key
                        ),
                        None,
                    );
                }
            }
            "size" => {
                if type_known && typ != "tmpfs" {
                    push(
                        Some(i),
                        format!("`size` only applies to tmpfs mounts, not `{typ}`"),
                        None,
                    );
                } else if !is_ram_size(value) {
                    push(
                        Some(i),
                        format!("`{value}` is not a size; write bytes or a size with a unit (`64m`, `1g`)"),
                        None,
                    );
                }
            }
            "sharing" => {
                if !SHARING_MODES.contains(&value.to_ascii_lowercase().as_str()) {
                    push(
                        Some(i),
                        format!(
                            "unknown sharing mode `{value}`; use `shared`, `private` or `locked`"
                        ),
                        None,
                    );
                } else if type_known && typ != "cache" {
                    push(
                        Some(i),
                        format!("`sharing` only applies to cache mounts, not `{typ}`"),
                        None,
                    );
                }
            }
            "mode" | "uid" | "gid" => {
                let ok = if key == "mode" {
                    is_octal_mode(value)
                } else {
                    value.parse::<u32>().is_ok()
                };
                if !ok {
                    let what = if key == "mode" {
                        "an octal file mode (`0644`)"
                    } else {
                        "a numeric id"
                    };
                    push(
                        Some(i),
                        format!("`{}` expects {what}, not `{value}`", o.key),
                        None,
                    );
                } else if type_known && !file_info_allowed {
                    push(
                        Some(i),
                        format!(
                            "`{}` is not allowed on `{typ}` mounts (only cache, secret and ssh)",
                            o.key
                        ),
                        None,
                    );
                }
            }
            _ => {
                let s = nearest(&key, MOUNT_KEYS);
                push(Some(i), unknown_key_message(&o.key, s), s);
            }
        }
    }
    if typ == "secret" {
        if m.get("from").is_some() {
            let at = m
                .options
                .iter()
                .position(|o| o.key.eq_ignore_ascii_case("from"));
            push(at, "a secret mount cannot have `from`".to_string(), None);
        }
        let has = |k: &str| m.get(k).is_some_and(|v| !v.is_empty());
        if !has("source") && !has("src") && m.target().is_none_or(str::is_empty) && !has("id") {
            push(
                None,
                "a secret mount needs `id=…` (or `target=…`) to say which secret to mount"
                    .to_string(),
                None,
            );
        }
    }
    out
}

fn unknown_key_message(key: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!("unknown mount option `{key}`; did you mean `{s}`?"),
        None => format!("unknown mount option `{key}`"),
    }
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `units.RAMInBytes` from docker/go-units: a number (decimals allowed) with an
/// optional `b`/`k`/`m`/`g`/`t`/`p` unit, optionally followed by `b` or `ib`.
fn is_ram_size(v: &str) -> bool {
    let v = v.trim();
    let num_len = v
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if num_len == 0 || v[..num_len].parse::<f64>().is_err() {
        return false;
    }
    let unit = v[num_len..].trim().to_ascii_lowercase();
    matches!(
        unit.as_str(),
        "" | "b"
            | "k"
            | "kb"
            | "kib"
            | "m"
            | "mb"
            | "mib"
            | "g"
            | "gb"
            | "gib"
            | "t"
            | "tb"
            | "tib"
            | "p"
            | "pb"
            | "pib"
    )
}

/// The name in `names` closest to `word` (at most two edits, and closer than the word
/// is long), for "did you mean" suggestions.
pub fn nearest(word: &str, names: &[&'static str]) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    names
        .iter()
        .map(|&n| (strsim::levenshtein(&lower, n), n))
        .filter(|&(d, n)| d <= 2 && d < lower.len().max(1) && d < n.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("30s"), Some(30_000_000_000));
        assert_eq!(parse_go_duration("1m30s"), Some(90_000_000_000));
        assert_eq!(parse_go_duration("1.5h"), Some(5_400_000_000_000));
        assert_eq!(parse_go_duration(".5s"), Some(500_000_000));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("-3s"), Some(-3_000_000_000));
        assert_eq!(parse_go_duration("300\u{b5}s"), Some(300_000));
        assert_eq!(parse_go_duration("5"), None);
        assert_eq!(parse_go_duration("5 s"), None);
        assert_eq!(parse_go_duration("5sec"), None);
        assert_eq!(parse_go_duration("1d"), None);
        assert_eq!(parse_go_duration(""), None);
        assert_eq!(parse_go_duration("."), None);
    }

    #[test]
    fn modes() {
        for ok in [
            "755", "0644", "4755", "u+x", "a=rX,u+w", "+x", "go-w", "u=g",
        ] {
            assert!(is_octal_mode(ok) || is_symbolic_mode(ok), "{ok}");
        }
        for bad in ["rwxr-xr-x", "8", "0x1ed", "u", "u+y", "", "755,"] {
            assert!(!is_octal_mode(bad) && !is_symbolic_mode(bad), "{bad}");
        }
    }

    #[test]
    fn table_is_consistent() {
        for f in FLAGS {
            assert!(
                FLAGS
                    .iter()
                    .filter(|g| g.instruction == f.instruction && g.name == f.name)
                    .count()
                    == 1,
                "{} --{} listed twice",
                f.instruction.name(),
                f.name
            );
            assert_eq!(f.name, f.name.to_ascii_lowercase());
        }
        assert_eq!(
            lookup(Kind::Copy, "from").map(|f| f.value),
            Some(ValueKind::String)
        );
        assert!(lookup(Kind::Copy, "FROM").is_none());
        assert!(lookup(Kind::Add, "from").is_none());
        assert_eq!(flags_of(Kind::Env).count(), 0);
    }

    #[test]
    fn values() {
        let interval = lookup(Kind::Healthcheck, "interval").unwrap();
        assert!(check_value(interval, Some("30s")).is_ok());
        assert!(check_value(interval, Some("0")).is_ok());
        assert!(check_value(interval, Some("5")).is_err());
        assert!(check_value(interval, Some("500us")).is_err());
        assert!(check_value(interval, Some("-1s")).is_err());
        assert!(check_value(interval, None).is_err());
        let link = lookup(Kind::Copy, "link").unwrap();
        assert!(check_value(link, None).is_ok());
        assert!(check_value(link, Some("TRUE")).is_ok());
        assert!(check_value(link, Some("maybe")).is_err());
        assert!(check_value(link, Some("")).is_err());
        let retries = lookup(Kind::Healthcheck, "retries").unwrap();
        assert!(check_value(retries, Some("3")).is_ok());
        assert!(check_value(retries, Some("-1")).is_err());
        assert!(check_value(retries, Some("three")).is_err());
        let network = lookup(Kind::Run, "network").unwrap();
        assert!(check_value(network, Some("host")).is_ok());
        assert!(check_value(network, Some("bridge")).is_err());
    }
}
