#!/usr/bin/env bash
# Regenerates docs/fix-all-corpus.md: fix-all (safe; with unsafe fixes; with unsafe fixes
# and every rule on) over every file of ../shared/corpus/real, checked with BuildKit's own
# parser, and every fix applied alone on real/ and templates/ (tests/fixall). Creates the
# test-only BuildKit-parser venv when missing. The test still fails (after writing the
# summary) if any check fails. FIX_ALL_CORPUS_DIFFS=<dir> also writes every diff there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/oracle-venv.sh
status=0
UPDATE_FIX_ALL_CORPUS=1 DOCKERFILE_LSP_REQUIRE_CORPUS=1 DOCKERFILE_LSP_REQUIRE_ORACLE=1 \
    cargo test -q -p dockerfile-lsp-tests --test fixall -- --nocapture || status=$?
git --no-pager diff --stat -- docs/fix-all-corpus.md
exit "$status"
