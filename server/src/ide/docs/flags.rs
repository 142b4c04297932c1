//! Reference text for every instruction flag that `semantic::flags::FLAGS` knows: what the
//! value looks like, its default, the Dockerfile syntax version that introduced it (when it
//! is newer than 1.0), and one example line.

use crate::syntax::Kind;

/// The documentation of one flag of one instruction.
#[derive(Debug)]
pub struct FlagDoc {
    pub kind: Kind,
    /// The name without dashes, as in `semantic::flags::FlagSpec::name`.
    pub name: &'static str,
    /// Markdown: a signature line, a short explanation, a ```dockerfile example.
    pub markdown: &'static str,
    /// The Dockerfile reference section.
    pub reference: &'static str,
}

const fn doc(
    kind: Kind,
    name: &'static str,
    reference: &'static str,
    markdown: &'static str,
) -> FlagDoc {
    FlagDoc {
        kind,
        name,
        markdown,
        reference,
    }
}

macro_rules! reference {
    ($anchor:literal) => {
        concat!("https://docs.docker.com/reference/dockerfile/#", $anchor)
    };
}

pub(super) static FLAG_DOCS: &[FlagDoc] = &[
    // ---- FROM
    doc(
        Kind::From,
        "platform",
        reference!("from"),
        r#"`--platform=<os>/<arch>[/<variant>]`

Picks one platform of a multi-platform base image (`linux/amd64`, `linux/arm64`,
`windows/amd64`). Default: the platform the build targets (`$TARGETPLATFORM`).

The usual reason to set it is `--platform=$BUILDPLATFORM`: the stage runs natively on the
builder and cross-compiles for `$TARGETOS`/`$TARGETARCH`, instead of running under emulation.

```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```"#,
    ),
    // ---- RUN
    doc(
        Kind::Run,
        "mount",
        reference!("run---mount"),
        r#"`--mount=[type=<type>][,<option>=<value>…]` · Dockerfile 1.2+

Mounts something into the build container for this command only; nothing under the
mount point ends up in the layer. Repeat the flag for several mounts.

- `bind` (default): files of the build context, or of a stage or image with `from=`;
- `cache`: a directory kept between builds, for package and compiler caches;
- `tmpfs`: a scratch directory in memory;
- `secret`: a secret passed with `docker build --secret`, as a file or variable;
- `ssh`: the SSH agent passed with `docker build --ssh`.

```dockerfile
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```"#,
    ),
    doc(
        Kind::Run,
        "network",
        reference!("run---network"),
        r#"`--network=default|none|host` · Dockerfile 1.3+

The network the command runs in:

- `default` (the default): the build's normal network;
- `none`: no network at all, only an isolated loopback; proves a step is offline;
- `host`: the host's network; needs the `network.host` entitlement
  (`--allow network.host` on the build and on the builder).

```dockerfile
RUN --network=none pip install --no-cache-dir --no-index --find-links=/wheels -r requirements.txt
```"#,
    ),
    doc(
        Kind::Run,
        "security",
        reference!("run---security"),
        r#"`--security=sandbox|insecure` · Dockerfile 1.1-labs (stable in 1.20)

`sandbox` (the default) runs the command in the normal build sandbox. `insecure` runs it
with elevated privileges, like `docker run --privileged`, for steps that must mount
filesystems or run containers. It needs the `security.insecure` entitlement, granted on
the builder and with `--allow security.insecure` on the build.

```dockerfile
RUN --security=insecure ./scripts/integration-tests.sh
```"#,
    ),
    doc(
        Kind::Run,
        "device",
        reference!("run---device"),
        r#"`--device=<name>[,required]` · Dockerfile 1.14-labs

Gives the command access to a device described by a CDI specification on the builder,
such as a GPU: `vendor.com/class=name`, `vendor.com/class=*` for all of a vendor's
devices, or a device class. Repeatable. It needs the `device` entitlement.

```dockerfile
RUN --device=nvidia.com/gpu=all nvidia-smi
```"#,
    ),
    // ---- COPY
    doc(
        Kind::Copy,
        "from",
        reference!("copy---from"),
        r#"`--from=<stage|image|context>`

Copies from somewhere other than the build context:

- a stage of this Dockerfile, by name (`build`) or index (`0`);
- an image (`nginx:1.27`), pulled if needed;
- a named context (`docker build --build-context name=…`).

Source paths are then read from the root of that filesystem; `WORKDIR` does not apply.

```dockerfile
COPY --from=build /app/dist /usr/share/nginx/html
```"#,
    ),
    doc(
        Kind::Copy,
        "chown",
        reference!("copy---chown"),
        r#"`--chown=<user>[:<group>]`

Owner of the copied files and directories. Default: `0:0` (root), whatever `USER` says.
Names or numeric ids, in any combination; a user alone also sets the group to the same
id. Names are looked up in the image's `/etc/passwd` and `/etc/group`; with `--link`
use numeric ids. Not supported for Windows containers.

```dockerfile
COPY --chown=app:app . /home/app/
```"#,
    ),
    doc(
        Kind::Copy,
        "chmod",
        reference!("copy---chmod"),
        r#"`--chmod=<mode>` · Dockerfile 1.2+

Permissions of the copied files and directories, in octal (`755`, `0644`) or, since
Dockerfile 1.14, symbolic (`+x`, `u=rwX,go=rX`). Default: the mode the source has.
Not supported for Windows containers.

```dockerfile
COPY --chmod=755 docker-entrypoint.sh /usr/local/bin/
```"#,
    ),
    doc(
        Kind::Copy,
        "link",
        reference!("copy---link"),
        r#"`--link[=<bool>]` · Dockerfile 1.4+

Copies the files into an empty directory of their own and stacks that layer on top,
instead of writing into the previous filesystem. The layer no longer depends on the steps
before it, so it can be reused when they change and rebased onto a new base image.

The copy cannot see the earlier state: symlinks in `<dest>` are not followed and `--chown`
needs numeric ids. Default: `false`.

```dockerfile
COPY --link --from=build /out/server /usr/local/bin/server
```"#,
    ),
    doc(
        Kind::Copy,
        "parents",
        reference!("copy---parents"),
        r#"`--parents[=<bool>]` · Dockerfile 1.7-labs (stable in 1.20)

Keeps the directories of each source path under `<dest>`: `x/a.txt` lands in
`<dest>/x/a.txt` instead of `<dest>/a.txt`. A `./` inside the path marks where the kept
part starts (`./src/./pkg/*.go` keeps `pkg/…`). Default: `false`.

```dockerfile
COPY --parents ./services/*/package.json /app/
```"#,
    ),
    doc(
        Kind::Copy,
        "exclude",
        reference!("copy---exclude"),
        r#"`--exclude=<pattern>` · Dockerfile 1.7-labs (stable in 1.19)

Leaves out files matching the pattern, even if a source matches them. Patterns are
written like sources (`*.md`, `docs/`); repeat the flag for more.

```dockerfile
COPY --exclude=*.md --exclude=tests/ . /app/
```"#,
    ),
    // ---- ADD
    doc(
        Kind::Add,
        "chown",
        reference!("add---chown"),
        r#"`--chown=<user>[:<group>]`

Owner of the added files and directories. Default: `0:0` (root), whatever `USER` says.
Names or numeric ids; a user alone also sets the group to the same id. Names are looked
up in the image's `/etc/passwd` and `/etc/group`; with `--link` use numeric ids.

```dockerfile
ADD --chown=1000:1000 app.tar.gz /home/app/
```"#,
    ),
    doc(
        Kind::Add,
        "chmod",
        reference!("add---chmod"),
        r#"`--chmod=<mode>` · Dockerfile 1.2+

Permissions of the added files, in octal (`755`, `0644`) or, since Dockerfile 1.14,
symbolic (`+x`, `u=rwX,go=rX`). Default: the source's mode; `600` for a downloaded URL.

```dockerfile
ADD --chmod=755 https://example.com/tools/run.sh /usr/local/bin/run
```"#,
    ),
    doc(
        Kind::Add,
        "link",
        reference!("add---link"),
        r#"`--link[=<bool>]` · Dockerfile 1.4+

Adds the files as a layer of their own, stacked on the previous state instead of written
into it, so the layer does not depend on the steps before it and survives a new base
image. Symlinks in `<dest>` are not followed and `--chown` needs numeric ids.
Default: `false`.

```dockerfile
ADD --link https://example.com/data.json /srv/data/
```"#,
    ),
    doc(
        Kind::Add,
        "keep-git-dir",
        reference!("add---keep-git-dir"),
        r#"`--keep-git-dir[=<bool>]` · Dockerfile 1.5+

For a Git source, keeps the `.git` directory of the clone (for `git describe` and the
like). Default: `false`, the `.git` directory is left out.

```dockerfile
ADD --keep-git-dir=true https://github.com/acme/shop.git#main /src/shop
```"#,
    ),
    doc(
        Kind::Add,
        "checksum",
        reference!("add---checksum"),
        r#"`--checksum=<digest>` · Dockerfile 1.6+

Verifies a remote source; the build fails on a mismatch.

- URL: `sha256:<64 hex digits>` of the downloaded content (SHA-256 only);
- Git: the commit id, full or a prefix.

```dockerfile
ADD --checksum=sha256:<digest> https://example.com/tool-1.2.3.tar.gz /tmp/
```"#,
    ),
    doc(
        Kind::Add,
        "unpack",
        reference!("add---unpack"),
        r#"`--unpack[=<bool>]` · Dockerfile 1.17+

Whether to extract a tar archive source (plain, gzip, bzip2, xz or zstd). Default: local
archives are extracted, downloaded ones are not; `--unpack=true` extracts a URL,
`--unpack=false` copies a local archive as a file.

```dockerfile
ADD --unpack=true https://example.com/release.tar.gz /opt/release/
```"#,
    ),
    doc(
        Kind::Add,
        "exclude",
        reference!("add---exclude"),
        r#"`--exclude=<pattern>` · Dockerfile 1.7-labs (stable in 1.19)

Leaves out files matching the pattern, even if a source matches them. Patterns are
written like sources (`*.md`, `docs/`); repeat the flag for more.

```dockerfile
ADD --exclude=*.log logs-and-config/ /etc/app/
```"#,
    ),
    // ---- ARG
    doc(
        Kind::Arg,
        "required",
        reference!("arg"),
        r#"`--required[=<bool>]` · recent BuildKit frontends only

Makes the build fail when the argument gets no value, instead of expanding to an empty
string. Older frontends ignore the flag.

```dockerfile
ARG --required RELEASE_VERSION
```"#,
    ),
    // ---- HEALTHCHECK
    doc(
        Kind::Healthcheck,
        "interval",
        reference!("healthcheck"),
        r#"`--interval=<duration>` (default `30s`)

Time between two checks, counted from the end of the previous one; the first check runs
one interval after the container starts. A duration has a unit: `10s`, `1m30s`.

```dockerfile
HEALTHCHECK --interval=10s CMD wget -qO- http://localhost:8080/health || exit 1
```"#,
    ),
    doc(
        Kind::Healthcheck,
        "timeout",
        reference!("healthcheck"),
        r#"`--timeout=<duration>` (default `30s`)

How long one check may run. A check that takes longer is killed and counts as a
failure. A duration has a unit: `3s`, `500ms`.

```dockerfile
HEALTHCHECK --timeout=3s CMD pg_isready -U postgres || exit 1
```"#,
    ),
    doc(
        Kind::Healthcheck,
        "start-period",
        reference!("healthcheck"),
        r#"`--start-period=<duration>` (default `0s`)

Start-up time for slow services: failures during this period do not count toward
`--retries`. A passing check ends the period early.

```dockerfile
HEALTHCHECK --start-period=60s CMD curl -fsS http://localhost:8080/ready || exit 1
```"#,
    ),
    doc(
        Kind::Healthcheck,
        "start-interval",
        reference!("healthcheck"),
        r#"`--start-interval=<duration>` (default `5s`) · Dockerfile 1.6+

Time between checks during the start period, so a service is seen healthy soon after it
is ready. Needs Docker Engine 25 or later; older engines ignore it.

```dockerfile
HEALTHCHECK --start-period=60s --start-interval=2s CMD curl -fsS http://localhost/ || exit 1
```"#,
    ),
    doc(
        Kind::Healthcheck,
        "retries",
        reference!("healthcheck"),
        r#"`--retries=<n>` (default `3`)

How many failed checks in a row make the container `unhealthy`.

```dockerfile
HEALTHCHECK --retries=5 CMD redis-cli ping || exit 1
```"#,
    ),
];
