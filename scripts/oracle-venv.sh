#!/usr/bin/env bash
# Creates the test-only Python virtualenv that holds the BuildKit parser binding used by
# tests/oracle (the PyPI package `dockerfile`, which wraps BuildKit's own Go parser).
# Idempotent: an existing venv with the right package version is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DOCKERFILE_LSP_ORACLE_VENV:-$root/target/oracle-venv}"
version="3.4.0"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('dockerfile') != '$version')" 2>/dev/null; then
    echo "oracle venv ready: $venv (dockerfile==$version)"
    exit 0
fi

mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet "dockerfile==$version"
"$venv/bin/python" -c "import dockerfile; dockerfile.parse_string('FROM scratch\n')"
echo "oracle venv created: $venv (dockerfile==$version)"
