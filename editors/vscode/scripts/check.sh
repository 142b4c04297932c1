#!/usr/bin/env bash
# The VS Code extension's CI check (run by scripts/test.sh): installs the locked npm
# dependencies, type-checks, bundles with esbuild, runs the node:test tests (unit tests;
# with the binary also the server contract tests and the bundle's activation test), checks
# package.json's rule schema against the release binary, and packages the .vsix with
# @vscode/vsce (offline), bundling the binary as bin/<platform>-<arch>/dockerfile-lsp for
# that target. Then it checks what the .vsix holds.
#
#   editors/vscode/scripts/check.sh            # DLSP_BIN defaults to ../../target/release/dockerfile-lsp
#   DLSP_BIN=/path/to/dockerfile-lsp editors/vscode/scripts/check.sh
#
# Without the binary it warns and packages a platform-neutral .vsix (no bin/), unless
# DOCKERFILE_LSP_REQUIRE_VSCODE=1 (CI), which makes a missing binary an error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() {
    echo
    echo "--- vscode: $* ($(date +%H:%M:%S))"
}

bin="${DLSP_BIN:-../../target/release/dockerfile-lsp}"
if [ -x "$bin" ]; then
    bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
    export DLSP_BIN="$bin"
    echo "server binary: $bin ($("$bin" --version))"
elif [ "${DOCKERFILE_LSP_REQUIRE_VSCODE:-}" = 1 ]; then
    echo "error: no dockerfile-lsp binary at $bin (build it: cargo build --release -p dockerfile-lsp)" >&2
    exit 1
else
    echo "warning: no dockerfile-lsp binary at $bin: the rule-schema check is skipped and the .vsix bundles no server" >&2
    bin=""
    unset DLSP_BIN
fi

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "typecheck (tsc --noEmit)"
npm run --silent typecheck

# The bundle first: the activation test loads dist/extension.js, as packaged.
step "build (esbuild)"
rm -rf dist
npm run --silent build

step "unit and contract tests (node:test)"
rm -rf out
npx tsc -p tsconfig.test.json
node --test --test-reporter=spec out/test/*.test.js

version="$(node -p "require('./package.json').version")"
vsix="dockerfile-lsp-$version.vsix"
rm -rf bin ./*.vsix
if [ -n "$bin" ]; then
    step "rule schema"
    node scripts/gen-rules.mjs "$bin" --check
    target="$(node -p "require('./out/serverPath.js').targetName(process.platform, process.arch) || ''")"
    if [ -z "$target" ]; then
        echo "error: no VS Code target for $(node -p 'process.platform + "-" + process.arch')" >&2
        exit 1
    fi
    mkdir -p "bin/$target"
    cp "$bin" "bin/$target/dockerfile-lsp"
    chmod 755 "bin/$target/dockerfile-lsp"
    step "package ($target)"
    npx vsce package --no-dependencies --allow-missing-repository --target "$target" --out "$vsix" </dev/null
else
    step "package (no bundled server)"
    npx vsce package --no-dependencies --allow-missing-repository --out "$vsix" </dev/null
fi

step "vsix contents"
listing="$(unzip -l "$vsix")"
echo "$listing"
files="$(unzip -Z1 "$vsix")"
fail=0
need() {
    if ! grep -qx "$1" <<<"$files"; then
        echo "error: $vsix lacks $1" >&2
        fail=1
    fi
}
need extension/dist/extension.js
need extension/package.json
need extension/readme.md
need extension/changelog.md
need extension/LICENSE.txt
if [ -n "$bin" ]; then
    need "extension/bin/$target/dockerfile-lsp"
fi
if leaked="$(grep -E '^extension/(node_modules|src|out|scripts)/|\.map$|\.ts$|tsconfig' <<<"$files")"; then
    echo "error: $vsix holds files it should not:" >&2
    echo "$leaked" >&2
    fail=1
fi
if [ -n "$bin" ]; then
    # The binary must stay executable inside the archive (zipinfo shows its mode).
    mode="$(unzip -Z "$vsix" "extension/bin/$target/dockerfile-lsp" | awk '{print $1}')"
    if [ "${mode:3:1}" != x ]; then
        echo "error: the bundled binary is not executable in $vsix ($mode)" >&2
        fail=1
    fi
fi
[ "$fail" = 0 ] || exit 1

echo
echo "vsix: $(pwd)/$vsix ($(du -h "$vsix" | cut -f1))"
