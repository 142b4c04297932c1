#!/usr/bin/env bash
# The bounded fuzz pass: builds the cargo-fuzz targets in fuzz/ and runs each for a fixed
# time, seeded from the Dockerfile corpus and the committed regression inputs.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 30; TARGET is any of analyze, incremental_edits
# (alias: incremental), fix_all (default: all three, one after the other). Installs
# cargo-fuzz when missing; uses the nightly toolchain when rustup has one, else stable with
# RUSTC_BOOTSTRAP=1 (FUZZ_TOOLCHAIN=stable forces that path). Exits non-zero when a target
# finds a crash or a slow input, printing the input's path and the command that replays it.
#
# Environment: DOCKERFILE_LSP_CORPUS (default ../shared/corpus), FUZZ_MAX_LEN (bytes per
# input, default 65536), FUZZ_TIMEOUT (seconds per input before it counts as a hang,
# default 10), FUZZ_RSS_MB (default 2048), FUZZ_NICE (default 10), FUZZ_TOOLCHAIN,
# FUZZ_PROFILE (dev, the default, or release), FUZZ_TARGET_DIR (default fuzz/target).
#
# The build uses `-s none` and debug assertions: no AddressSanitizer (the code under test
# is safe Rust plus tree-sitter's C, which cargo-fuzz does not instrument anyway), while
# overflow and slice checks count as crashes. The default `dev` profile (fuzz/Cargo.toml:
# opt-level 1, many codegen units) builds several times faster than cargo-fuzz's release
# build (one codegen unit, opt-level 3), which pays off only in long campaigns.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(analyze incremental_edits fix_all)
for i in "${!targets[@]}"; do
    [ "${targets[$i]}" = incremental ] && targets[$i]=incremental_edits
    case "${targets[$i]}" in
        analyze | incremental_edits | fix_all) ;;
        *) echo "fuzz.sh: unknown target ${targets[$i]}" >&2; exit 2 ;;
    esac
done
corpus_src="${DOCKERFILE_LSP_CORPUS:-$root/../shared/corpus}"
max_len="${FUZZ_MAX_LEN:-65536}"
timeout="${FUZZ_TIMEOUT:-10}"
rss_mb="${FUZZ_RSS_MB:-2048}"
nice_level="${FUZZ_NICE:-10}"

# Toolchain: nightly if installed (and not overridden), else stable unlocked for -Z flags.
cargo=(cargo)
if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && command -v rustup >/dev/null \
    && rustup toolchain list | grep -q '^nightly'; then
    cargo=(cargo +nightly)
    toolchain=nightly
else
    export RUSTC_BOOTSTRAP=1
    toolchain="stable (RUSTC_BOOTSTRAP=1)"
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

host="$(rustc -vV | sed -n 's/^host: //p')"

profile="${FUZZ_PROFILE:-dev}"
target_dir="${FUZZ_TARGET_DIR:-$root/fuzz/target}"
case "$profile" in
    dev) build_flags=(--dev) out=debug ;;
    release) build_flags=(-O -a) out=release ;;
    *) echo "fuzz.sh: FUZZ_PROFILE must be dev or release" >&2; exit 2 ;;
esac
echo "fuzz.sh: building ${targets[*]} ($profile) with $toolchain"
start=$(date +%s)
nice -n "$nice_level" "${cargo[@]}" fuzz build -s none "${build_flags[@]}" --target-dir "$target_dir"
echo "fuzz.sh: built in $(($(date +%s) - start)) s"

mkdir -p fuzz/logs
failed=()
summary=()
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    artifacts="fuzz/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    # Seeds: every corpus Dockerfile and template that fits max_len (copied, flattened,
    # into the gitignored run-time corpus), and the committed regression inputs.
    if [ -d "$corpus_src" ]; then
        for dir in real templates large; do
            [ -d "$corpus_src/$dir" ] || continue
            find "$corpus_src/$dir" -type f -size -"$((max_len / 1024))"k | while read -r f; do
                name="${f#"$corpus_src/"}"
                cp -n "$f" "$corpus/${name//\//__}"
            done
        done
    else
        echo "fuzz.sh: no corpus at $corpus_src; starting from the regression inputs only" >&2
    fi
    if [ -d "fuzz/regressions/$target" ]; then
        cp -n fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
    fi
    bin="$target_dir/$host/$out/$target"
    log="fuzz/logs/$target.log"
    echo "fuzz.sh: $target for $seconds s ($(find "$corpus" -type f | wc -l) inputs in $corpus, log $log)"
    set +e
    nice -n "$nice_level" "$bin" "$corpus" \
        -dict=fuzz/dockerfile.dict \
        -max_total_time="$seconds" \
        -max_len="$max_len" \
        -timeout="$timeout" \
        -rss_limit_mb="$rss_mb" \
        -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1
    status=$?
    set -e
    done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    summary+=("$target: exit $status, ${execs:-?} executions; ${done_line:-no DONE line}")
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
        echo "fuzz.sh: $target FAILED (exit $status); the end of $log:" >&2
        tail -n 40 "$log" >&2
        echo >&2
        echo "fuzz.sh: failing input: ${crash:-see $log}" >&2
        echo "fuzz.sh: replay:   $bin ${crash:-<input>}" >&2
        echo "fuzz.sh: minimise: ${cargo[*]} fuzz tmin -s none ${build_flags[*]} --target-dir $target_dir $target ${crash:-<input>}" >&2
        echo "fuzz.sh: then commit it under fuzz/regressions/$target/ (cargo test replays it)" >&2
    fi
done

echo
echo "fuzz.sh: summary ($seconds s per target, total $(($(date +%s) - start)) s with the build)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: failed: ${failed[*]}" >&2
    exit 1
fi
