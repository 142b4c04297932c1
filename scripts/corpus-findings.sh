#!/usr/bin/env bash
# Regenerates docs/corpus-findings.md (per-rule findings on ../shared/corpus/real) and
# docs/hadolint-agreement.md (the hadolint 2.15 differential), for review in the diff.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
UPDATE_CORPUS_FINDINGS=1 cargo test -q -p dockerfile-lsp-tests --test corpus -- corpus_findings
scripts/hadolint-venv.sh
UPDATE_HADOLINT_AGREEMENT=1 cargo test -q -p dockerfile-lsp-tests --test hadolint || true
git --no-pager diff --stat -- docs/corpus-findings.md docs/hadolint-agreement.md
