#!/usr/bin/env bash
# Runs the criterion benchmarks (server/benches) and prints a one-line summary per
# benchmark from criterion's saved estimates. Extra arguments go to `cargo bench`
# (for example a filter: scripts/bench.sh -- keystroke).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"

cargo bench -p dockerfile-lsp --bench analysis "$@"

echo
echo "Summary (latest saved result of each benchmark; mean and 95% confidence interval):"
find "$target/criterion" -path '*/new/estimates.json' 2>/dev/null | sort | while read -r f; do
    name="${f#"$target/criterion/"}"
    name="${name%/new/estimates.json}"
    python3 - "$name" "$f" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
mean = json.load(open(path))["mean"]
def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.2f} {unit}"
    return f"{ns:.0f} ns"
ci = mean["confidence_interval"]
print(f"  {name:<40} {fmt(mean['point_estimate']):>10}  [{fmt(ci['lower_bound'])} .. {fmt(ci['upper_bound'])}]")
PY
done
