//! Reference text for `RUN --mount`: the five mount types and every option of each, kept
//! consistent with the option list `semantic::flags::check_mount` validates (a test in
//! `docs/mod.rs` checks both directions).

/// The documentation of one mount type.
#[derive(Debug)]
pub struct MountTypeDoc {
    /// `bind`, `cache`, `tmpfs`, `secret` or `ssh`.
    pub typ: &'static str,
    /// One line, for completion.
    pub summary: &'static str,
    pub markdown: &'static str,
    pub reference: &'static str,
}

/// The documentation of one option of one mount type. Aliases (`target`, `dst`,
/// `destination`) share one entry.
#[derive(Debug)]
pub struct MountOptionDoc {
    /// The mount type the text is about.
    pub typ: &'static str,
    /// The option's names, the usual one first.
    pub keys: &'static [&'static str],
    /// One line, for completion.
    pub summary: &'static str,
    pub markdown: &'static str,
}

macro_rules! reference {
    ($anchor:literal) => {
        concat!("https://docs.docker.com/reference/dockerfile/#", $anchor)
    };
}

pub(super) static MOUNT_TYPE_DOCS: &[MountTypeDoc] = &[
    MountTypeDoc {
        typ: "bind",
        summary: "Files of the build context, a stage or an image (the default type)",
        reference: reference!("run---mounttypebind"),
        markdown: r#"`type=bind` (the default type)

Mounts files for this command only: from the build context, or from a stage, image or
named context given with `from=`. Read-only unless `rw` is set, and then the writes are
thrown away when the command ends. Nothing from the mount is stored in the layer, so a
build can read its sources without a `COPY`.

```dockerfile
RUN --mount=type=bind,target=/src make -C /src
```"#,
    },
    MountTypeDoc {
        typ: "cache",
        summary: "A directory kept between builds, for package and compiler caches",
        reference: reference!("run---mounttypecache"),
        markdown: r#"`type=cache`

Mounts a directory that survives between builds on the same builder, for the caches of
package managers and compilers. It is never part of the image, and it can be emptied at
any time (garbage collection, another builder), so the command must also work when the
cache is empty.

- The cache is identified by `id`, which defaults to the `target` path.
- Tools that lock their cache, such as apt, want `sharing=locked`.

```dockerfile
RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app .
```"#,
    },
    MountTypeDoc {
        typ: "tmpfs",
        summary: "A scratch directory in memory, emptied when the command ends",
        reference: reference!("run---mounttypetmpfs"),
        markdown: r#"`type=tmpfs`

Mounts an in-memory filesystem at `target` for this command. What is written there is
gone when the command ends and never reaches the layer.

```dockerfile
RUN --mount=type=tmpfs,target=/tmp,size=512m make test
```"#,
    },
    MountTypeDoc {
        typ: "secret",
        summary: "A secret passed with `docker build --secret`, as a file or variable",
        reference: reference!("run---mounttypesecret"),
        markdown: r#"`type=secret`

Gives this command a secret passed with `docker build --secret id=<id>,src=<file>`: as a
file (default `/run/secrets/<id>`) or, with `env=`, as an environment variable. The
secret is not written to the layer or the image history.

A secret that was not passed is simply missing; add `required=true` to fail instead.

```dockerfile
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```"#,
    },
    MountTypeDoc {
        typ: "ssh",
        summary: "The SSH agent passed with `docker build --ssh`",
        reference: reference!("run---mounttypessh"),
        markdown: r#"`type=ssh`

Forwards an SSH agent socket or key passed with `docker build --ssh default` to this
command, so `git clone git@…` can authenticate without a key in the image. BuildKit
points `SSH_AUTH_SOCK` at the socket. The host must still be in `known_hosts`.

```dockerfile
RUN --mount=type=ssh git clone git@github.com:acme/private-lib.git /src/lib
```"#,
    },
];

const TYPE_KEY: &str = r#"`type=bind|cache|tmpfs|secret|ssh`

The kind of mount; `bind` when the option is left out.

- `bind`: files of the build context, a stage or an image;
- `cache`: a directory kept between builds;
- `tmpfs`: a scratch directory in memory;
- `secret`: a secret passed with `docker build --secret`;
- `ssh`: the SSH agent passed with `docker build --ssh`."#;

const TARGET_REQUIRED: &str = r#"`target=<path>` (also `dst`, `destination`) · required

Where the mount appears in the build container. A relative path starts at `WORKDIR`."#;

/// A file-info option (`mode`, `uid`, `gid`) of the thing a mount creates.
macro_rules! file_info {
    ($typ:literal, $what:literal, $mode:literal) => {
        [
            MountOptionDoc {
                typ: $typ,
                keys: &["mode"],
                summary: concat!("File mode of the ", $what, " (default `", $mode, "`)"),
                markdown: concat!(
                    "`mode=<octal>` (default `",
                    $mode,
                    "`)\n\nPermissions of the ",
                    $what,
                    ", in octal (`0644`)."
                ),
            },
            MountOptionDoc {
                typ: $typ,
                keys: &["uid"],
                summary: concat!("Numeric owner of the ", $what, " (default `0`)"),
                markdown: concat!(
                    "`uid=<id>` (default `0`)\n\nNumeric user id that owns the ",
                    $what,
                    ". Set it when a non-root `USER` runs the command."
                ),
            },
            MountOptionDoc {
                typ: $typ,
                keys: &["gid"],
                summary: concat!("Numeric group of the ", $what, " (default `0`)"),
                markdown: concat!(
                    "`gid=<id>` (default `0`)\n\nNumeric group id of the ",
                    $what,
                    "."
                ),
            },
        ]
    };
}

const fn option(
    typ: &'static str,
    keys: &'static [&'static str],
    summary: &'static str,
    markdown: &'static str,
) -> MountOptionDoc {
    MountOptionDoc {
        typ,
        keys,
        summary,
        markdown,
    }
}

const TARGET_KEYS: &[&str] = &["target", "dst", "destination"];
const SOURCE_KEYS: &[&str] = &["source", "src"];

static BIND: &[MountOptionDoc] = &[
    option("bind", &["type"], "The kind of mount", TYPE_KEY),
    option(
        "bind",
        TARGET_KEYS,
        "Where the files appear (required)",
        TARGET_REQUIRED,
    ),
    option(
        "bind",
        SOURCE_KEYS,
        "Path inside `from` to mount (default: its root)",
        r#"`source=<path>` (also `src`)

The file or directory inside `from` (or the build context) to mount. Default: its root.

```dockerfile
RUN --mount=type=bind,source=go.sum,target=go.sum go mod download
```"#,
    ),
    option(
        "bind",
        &["from"],
        "Stage, image or named context to mount from (default: the build context)",
        r#"`from=<stage|image|context>`

Where the files come from: a stage of this Dockerfile, an image reference or a named
build context. Default: the build context.

```dockerfile
RUN --mount=type=bind,from=build,source=/out,target=/dist ls /dist
```"#,
    ),
    option(
        "bind",
        &["rw", "readwrite"],
        "Allow writes, discarded when the command ends",
        r#"`rw` (also `readwrite`, `rw=true`)

Lets the command write to the mount. The writes are thrown away when the command ends:
they reach neither the source nor the layer. Bind mounts are read-only without it."#,
    ),
    option(
        "bind",
        &["readonly", "ro"],
        "Read-only (already the default for bind mounts)",
        r#"`readonly` (also `ro`)

Bind mounts are read-only already; `readonly=false` means the same as `rw`."#,
    ),
];

static CACHE_OPTIONS: &[MountOptionDoc] = &[
    option("cache", &["type"], "The kind of mount", TYPE_KEY),
    option(
        "cache",
        &["id"],
        "Name of the cache (default: the target path)",
        r#"`id=<name>` (default: the `target` path)

Names the cache. Mounts with the same id use the same directory, in any stage of any
Dockerfile built on the same builder; different ids keep caches apart."#,
    ),
    option(
        "cache",
        TARGET_KEYS,
        "Where the cache appears (required)",
        r#"`target=<path>` (also `dst`, `destination`) · required

Where the cache directory appears in the build container, usually the tool's cache
directory (`/root/.cache/pip`, `/root/.npm`, `/var/cache/apt`). It is also the default
`id`."#,
    ),
    option(
        "cache",
        &["readonly", "ro"],
        "Use the cache without adding to it",
        r#"`readonly` (also `ro`)

Mounts the cache read-only: the command can use what earlier builds stored but cannot
add to it."#,
    ),
    option(
        "cache",
        &["rw", "readwrite"],
        "Writable (already the default for cache mounts)",
        r#"`rw` (also `readwrite`)

Cache mounts are writable already; the option changes nothing."#,
    ),
    option(
        "cache",
        &["sharing"],
        "Concurrent use: `shared` (default), `private` or `locked`",
        r#"`sharing=shared|private|locked` (default `shared`)

What happens when several builds use the same cache at the same time:

- `shared`: all of them read and write it at once;
- `private`: each additional user gets a new, empty cache;
- `locked`: later users wait until the first one is done.

Use `locked` for tools that cannot share their cache, such as apt.

```dockerfile
RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl
```"#,
    ),
    option(
        "cache",
        &["from"],
        "Stage or image that seeds a new cache (default: empty)",
        r#"`from=<stage|image|context>`

Seeds a *new* cache with the contents of a stage, image or named context (at `source`).
Default: an empty directory. An existing cache is not refilled."#,
    ),
    option(
        "cache",
        SOURCE_KEYS,
        "Directory of `from` that seeds the cache (default: its root)",
        r#"`source=<path>` (also `src`)

The directory of `from` whose contents seed a new cache. Default: its root."#,
    ),
];

static CACHE_FILE_INFO: [MountOptionDoc; 3] = file_info!("cache", "cache directory", "0755");

static TMPFS: &[MountOptionDoc] = &[
    option("tmpfs", &["type"], "The kind of mount", TYPE_KEY),
    option(
        "tmpfs",
        TARGET_KEYS,
        "Where the tmpfs appears (required)",
        TARGET_REQUIRED,
    ),
    option(
        "tmpfs",
        &["size"],
        "Upper size limit (`64m`, `1g`)",
        r#"`size=<bytes>`

Upper limit of the filesystem: bytes, or a number with a unit (`512m`, `2g`). Default:
the kernel's limit for a tmpfs, half of the memory."#,
    ),
];

static SECRET: &[MountOptionDoc] = &[
    option("secret", &["type"], "The kind of mount", TYPE_KEY),
    option(
        "secret",
        &["id"],
        "Which secret (default: the file name of `target`)",
        r#"`id=<name>` (default: the file name of `target`)

The secret to mount, as passed with `docker build --secret id=<name>,src=<file>` (or
`env=<VAR>`).

```dockerfile
RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 sync s3://bucket /data
```"#,
    ),
    option(
        "secret",
        TARGET_KEYS,
        "Where the secret file appears (default `/run/secrets/<id>`)",
        r#"`target=<path>` (also `dst`, `destination`)

Where the secret file appears. Default: `/run/secrets/<id>`, unless `env` is set, in
which case there is no file."#,
    ),
    option(
        "secret",
        SOURCE_KEYS,
        "Another way to name the secret (like `id`)",
        r#"`source=<name>` (also `src`)

Names the secret like `id` does, and wins over it when both are given."#,
    ),
    option(
        "secret",
        &["env"],
        "Expose the secret as this environment variable",
        r#"`env=<NAME>` · Dockerfile 1.10+

Exposes the secret as the environment variable `NAME` of this command instead of a file,
or as both when `target` is set too. Mind commands that print their environment.

```dockerfile
RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN ./fetch-deps.sh
```"#,
    ),
    option(
        "secret",
        &["required"],
        "Fail when the secret was not passed (default `false`)",
        r#"`required` (also `required=true`; default `false`)

Fails the command when the build was started without this secret. Without it a missing
secret is silently absent and the command runs anyway."#,
    ),
];

static SECRET_FILE_INFO: [MountOptionDoc; 3] = file_info!("secret", "secret file", "0400");

static SSH: &[MountOptionDoc] = &[
    option("ssh", &["type"], "The kind of mount", TYPE_KEY),
    option(
        "ssh",
        &["id"],
        "Which `--ssh` agent or key (default `default`)",
        r#"`id=<name>` (default `default`)

Which SSH agent socket or key to forward, as passed with `docker build --ssh <name>=…`
(`--ssh default` forwards `$SSH_AUTH_SOCK`)."#,
    ),
    option(
        "ssh",
        TARGET_KEYS,
        "Path of the agent socket (default `/run/buildkit/ssh_agent.<n>`)",
        r#"`target=<path>` (also `dst`, `destination`)

Path of the agent socket in the build container. Default: `/run/buildkit/ssh_agent.<n>`,
with `<n>` counting the SSH mounts of the command."#,
    ),
    option(
        "ssh",
        &["required"],
        "Fail when no such `--ssh` was passed (default `false`)",
        r#"`required` (also `required=true`; default `false`)

Fails the command when the build was started without an `--ssh` for this id. Without it
the socket is simply missing."#,
    ),
];

static SSH_FILE_INFO: [MountOptionDoc; 3] = file_info!("ssh", "agent socket", "0600");

/// Every option table, in type order.
pub(super) static MOUNT_OPTION_TABLES: &[&[MountOptionDoc]] = &[
    BIND,
    CACHE_OPTIONS,
    &CACHE_FILE_INFO,
    TMPFS,
    SECRET,
    &SECRET_FILE_INFO,
    SSH,
    &SSH_FILE_INFO,
];
