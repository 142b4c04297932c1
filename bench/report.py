"""Runs the whole side-by-side benchmark and prints one table (and rewrites BENCHMARKS.md
with `--write`). Called by `bench/run.sh`, which installs the peers and builds our binary.

Language servers (same session for each, see `lsp_bench.py`): ours, docker-langserver,
tally. CLI linters over `corpus/real` (see `cli_bench.py`): ours (with ShellCheck, and
rules only), hadolint, tally. Every figure in the table comes from this one run; the ratio
is peer / ours ("how many times better we are"; above 1 is better for us).
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import platform
import subprocess
import sys
import time

import cli_bench
from lsp import ServerFailure
from lsp_bench import Server, Session, keystrokes

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
TYPICAL = "real/moby__moby/vendor__github.com__docker__distribution__Dockerfile"
MOBY = "real/moby__moby/Dockerfile"
LARGE = "large/big-multistage.Dockerfile"
OUR_SETTINGS = {"diagnostics": {"delayMs": 0}, "rules": {"shellcheck": "off"}}
# How long the CLI runs of one linter may take before best-of-N stops repeating.
CLI_BUDGET_S = 30.0
# What the project's documents say about docker-langserver on the large file.
DLS_CLAIMS = {"keystroke p50": 0.400, "first diagnostics": 0.7, "semantic tokens": 24.0}


def corpus_dir() -> pathlib.Path:
    env = os.environ.get("DOCKERFILE_LSP_CORPUS")
    path = pathlib.Path(env) if env else REPO.parent / "shared" / "corpus"
    if not (path / "real").is_dir():
        raise SystemExit(f"no corpus at {path} (set DOCKERFILE_LSP_CORPUS)")
    return path


def peers(root: pathlib.Path) -> dict[str, pathlib.Path]:
    """The peers' programs under `root` (bench/.peers). tally is run as its Go binary,
    not through the PyPI package's Python wrapper, which only execs it."""
    tally = sorted((root / "venv/lib").glob(
        "python3*/site-packages/tally_cli/bin/tally-linux-*/tally"))
    found = {
        "docker-langserver": root / "node/node_modules/dockerfile-language-server-nodejs/bin/docker-langserver",
        "hadolint": root / "venv/bin/hadolint",
        "tally": tally[0] if tally else root / "venv/bin/tally",
    }
    for name, path in found.items():
        if not path.is_file():
            raise SystemExit(f"peer {name} not installed at {path}; run bench/run.sh")
    return found


def command_output(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "unknown"


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", f"{mem_kib / 1024 / 1024:.1f} GiB"),
        ("kernel", platform.release()),
        ("rustc", command_output(["rustc", "--version"])),
        ("node", command_output(["node", "--version"])),
        ("python", platform.python_version()),
    ]


# ----- formatting ----------------------------------------------------------------------


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        ms = seconds * 1e3
        return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_ratio(peer: float | None, ours: float | None) -> str:
    if not peer or not ours:
        return ""
    ratio = peer / ours
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


class Cell:
    """A table cell: the number (for ratios) and its text."""

    def __init__(self, value: float | None, text: str):
        self.value, self.text = value, text


def time_cell(seconds: float | None, missing: str = "none") -> Cell:
    return Cell(seconds, fmt_time(seconds) if seconds is not None else missing)


def lsp_cells(result: dict | None) -> dict[str, Cell]:
    """The table's LSP metrics of one session."""
    if result is None:
        return {}
    cells = {
        "initialize": time_cell(result["initialize_s"]),
        "first diagnostics after didOpen": time_cell(result["first_diagnostics_s"]),
    }
    keys = result["keystrokes"]
    missing = f"none in {keys['timeout_s']:.0f} s"
    cells["keystroke p50 (didChange → publish)"] = time_cell(keys["p50_s"], missing)
    cells["keystroke p95"] = time_cell(keys["p95_s"], missing)
    cells["keystrokes answered"] = Cell(None, f"{keys['answered']}/{keys['sent']}")
    for name, req in result["requests"].items():
        if "na" in req:
            cells[name] = Cell(None, "n/a")
        else:
            text = fmt_time(req["median_s"]) + (" (empty)" if req["empty"] else "")
            cells[name] = Cell(req["median_s"], text)
    cells["peak RSS (VmHWM)"] = Cell(result["peak_rss_kib"],
                                     f"{result['peak_rss_kib'] / 1024:.0f} MiB")
    cells["CPU time (user+sys)"] = Cell(result["cpu_s"], f"{result['cpu_s']:.2f} s")
    return cells


def cli_cells(result: dict | None) -> dict[str, Cell]:
    if result is None:
        return {}
    return {
        "CLI: wall (best run)": time_cell(result["wall_s"]),
        "CLI: CPU time (user+sys)": Cell(result["cpu_s"], f"{result['cpu_s']:.2f} s"),
        "CLI: peak RSS (ru_maxrss)": Cell(result["peak_rss_kib"],
                                     f"{result['peak_rss_kib'] / 1024:.0f} MiB"),
    }


COLUMNS = ["ours", "docker-langserver", "tally", "hadolint"]


def table(lsp: dict, cli: dict, files: list[str]) -> list[str]:
    """The Markdown table: one row per metric and file (or CLI variant)."""
    head = ["metric", "file", "ours"]
    for peer in COLUMNS[1:]:
        head += [peer, "×"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(metric: str, file: str, cells: dict[str, dict[str, Cell]]) -> None:
        ours = cells.get("ours", {}).get(metric)
        line = [metric, file, ours.text if ours else "—"]
        for peer in COLUMNS[1:]:
            cell = cells.get(peer, {}).get(metric)
            if cell is None:
                line += ["—", ""]
                continue
            ratio = fmt_ratio(cell.value, ours.value if ours else None)
            line += [cell.text, ratio]
        rows.append("| " + " | ".join(line) + " |")

    for file in files:
        cells = {server: lsp_cells(lsp.get((server, file))) for server in COLUMNS}
        metrics = list(cells["ours"])
        label = f"`{file}` ({lsp[('ours', file)]['lines']} lines)"
        for metric in metrics:
            row(metric, label, cells)
    n = next(iter(cli.values()))["files"]
    for variant, label in (("ours", "ShellCheck on"), ("ours, rules only", "ours: ShellCheck off")):
        cells = {"ours": cli_cells(cli[variant]), "tally": cli_cells(cli["tally"]),
                 "hadolint": cli_cells(cli["hadolint"])}
        for metric in cli_cells(cli[variant]):
            row(metric, f"{n} files of `corpus/real`, {label}", cells)
    return rows


def targets(lsp: dict, cli: dict, files: list[str]) -> list[tuple[bool, str]]:
    """The issue's targets, each (passed, sentence with the numbers)."""
    out = []
    big = files[-1]
    where = f"`{big}`" + ("" if big == LARGE else " (quick run: not the 7,700-line file)")
    ours, dls = lsp[("ours", big)], lsp[("docker-langserver", big)]
    a, b = ours["keystrokes"]["p50_s"], dls["keystrokes"]["p50_s"]
    if a and b:
        out.append((b / a >= 20, f"keystroke p50 ≥ 20× lower than docker-langserver's on "
                    f"{where}: {fmt_time(a)} vs {fmt_time(b)} = {b / a:.1f}×"))
    else:
        out.append((False, f"keystroke p50 on {where}: ours {fmt_time(a)}, "
                    f"docker-langserver {fmt_time(b)}"))
    a = ours["requests"]["semantic tokens"].get("median_s")
    b = dls["requests"]["semantic tokens"].get("median_s")
    if a and b:
        out.append((b / a >= 500, f"semantic tokens ≥ 500× faster on {where}: "
                    f"{fmt_time(a)} vs {fmt_time(b)} = {b / a:.0f}×"))
    else:
        out.append((False, f"semantic tokens on {where}: ours {a}, docker-langserver {b}"))
    parts, ok = [], True
    for file in files:
        a = lsp[("ours", file)]["peak_rss_kib"]
        b = lsp[("docker-langserver", file)]["peak_rss_kib"]
        ok &= a < b
        parts.append(f"`{pathlib.Path(file).name}` {a / 1024:.0f} vs {b / 1024:.0f} MiB")
    out.append((ok, "peak RSS below docker-langserver's on every file: " + "; ".join(parts)))
    h = cli["hadolint"]["wall_s"]
    for variant, label in (("ours", "with ShellCheck, as hadolint runs it"),
                           ("ours, rules only", "rules only, ShellCheck off")):
        a = cli[variant]["wall_s"]
        out.append((h / a >= 10, f"corpus `check` ≥ 10× faster than hadolint ({label}): "
                    f"{fmt_time(a)} vs {fmt_time(h)} = {h / a:.1f}×"))
    return out


# ----- running -------------------------------------------------------------------------


def run_lsp(servers: list[Server], corpus: pathlib.Path, files: list[str], quick: bool) -> dict:
    results = {}
    for file in files:
        for server in servers:
            print(f"  {server.name} on {file} ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            results[(server.name, file)] = Session(server, corpus / file, quick).run()
            print(f"    {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return results


def run_cli(linters: list[cli_bench.Linter], files: list[pathlib.Path], repeats: int) -> dict:
    print(f"  CLI over {len(files)} files ...", file=sys.stderr, flush=True)
    return cli_bench.bench(linters, files, repeats, CLI_BUDGET_S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer keystrokes and repeats, small files, 100 CLI files")
    parser.add_argument("--write", action="store_true", help="rewrite BENCHMARKS.md")
    parser.add_argument("--ours", type=pathlib.Path,
                        default=REPO / "target/release/dockerfile-lsp")
    parser.add_argument("--peers", type=pathlib.Path, default=HERE / ".peers")
    parser.add_argument("--versions", default="", help="peer versions, for the header")
    args = parser.parse_args()

    corpus = corpus_dir()
    peer = peers(args.peers)
    ours = str(args.ours.resolve())
    servers = [
        Server("ours", [ours, "--stdio"], {"dockerfileLsp": OUR_SETTINGS},
               {"dockerfileLsp": OUR_SETTINGS}),
        Server("docker-langserver", ["node", str(peer["docker-langserver"]), "--stdio"]),
        Server("tally", [str(peer["tally"]), "lsp", "--stdio"]),
    ]
    files = [TYPICAL, MOBY] if args.quick else [TYPICAL, MOBY, LARGE]
    linters = [
        cli_bench.Linter("ours", [ours, "check"]),
        cli_bench.Linter("ours, rules only", [ours, "check", "--rule", "shellcheck=off"]),
        cli_bench.Linter("hadolint", [str(peer["hadolint"]), "--no-color"]),
        cli_bench.Linter("tally", [str(peer["tally"]), "lint", "--slow-checks", "off",
                                   "--no-color"], refusal_exit=4),
    ]
    corpus_files = cli_bench.corpus_files(corpus / "real")
    if args.quick:
        corpus_files = corpus_files[:100]

    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        lsp = run_lsp(servers, corpus, files, args.quick)
        cli = run_cli(linters, corpus_files, 1 if args.quick else 3)
    except (ServerFailure, cli_bench.LinterFailure) as e:
        print(f"\nFAILED: {e}", file=sys.stderr)
        return 1

    lines = report_lines(args, lsp, cli, files, started)
    print("\n".join(lines))
    if args.write:
        path = REPO / "BENCHMARKS.md"
        kept = kept_sections(path.read_text() if path.exists() else "")
        path.write_text(benchmarks_md(args, lines, started) + kept)
        print(f"\nwrote {REPO / 'BENCHMARKS.md'}", file=sys.stderr)
    return 0


def report_lines(args, lsp: dict, cli: dict, files: list[str], started) -> list[str]:
    n_keys = len(keystrokes(args.quick))
    lines = [
        f"Side-by-side benchmark, {started:%Y-%m-%d %H:%M} UTC"
        + (" (--quick)" if args.quick else ""),
        f"Peers: {args.versions or 'see bench/run.sh'}",
        "",
        f"Our server runs with `diagnostics.delayMs` = 0 (no debounce) and ShellCheck off "
        f"(docker-langserver and tally run no ShellCheck). Every server gets the same "
        f"session: {n_keys} single-character edits typed at the end of the single-line "
        f"RUN nearest the middle of the file, each waiting for its publishDiagnostics "
        f"(matched by version when the server sends one); requests repeated up to "
        f"{3 if args.quick else 5} times, median. The client announces no pull "
        f"diagnostics, so every server pushes. × = peer / ours. n/a: the server does not "
        f"offer the request; none: the server published nothing; (empty): an empty answer.",
        "",
    ]
    lines += table(lsp, cli, files)
    lines += ["", "Targets:"]
    for passed, sentence in targets(lsp, cli, files):
        lines.append(f"- {'PASS' if passed else 'MISS'}: {sentence}")
    lines += ["", "Notes:"]
    for (server, file), result in lsp.items():
        for note in result["notes"]:
            lines.append(f"- {server} on `{file}`: {note}")
        keys = result["keystrokes"]
        if keys["misses"]:
            lines.append(f"- {server} on `{file}`: {keys['misses']} keystrokes got no "
                         f"publish within {keys['timeout_s']:.0f} s")
        if keys["full_sync"]:
            lines.append(f"- {server} on `{file}`: full-document sync (every keystroke "
                         f"sends the whole text)")
    for name, result in cli.items():
        line = f"- CLI {name}: `{result['command']}`, best of {result['runs']}"
        if result["refused"]:
            line += (f"; it stops the whole run (exit code 4, no output) at a file without "
                     f"a FROM stage, so {len(result['refused'])} such file(s) "
                     f"({', '.join('`' + pathlib.Path(p).name + '`' for p in result['refused'])}) "
                     f"ran in their own process and their time is added")
        lines.append(line)
    big = files[-1]
    dls = lsp[("docker-langserver", big)]
    measured = {
        "keystroke p50": dls["keystrokes"]["p50_s"],
        "first diagnostics": dls["first_diagnostics_s"],
        "semantic tokens": dls["requests"]["semantic tokens"].get("median_s"),
    }
    lines.append(f"- docker-langserver on `{big}` against what our documents say: " + "; ".join(
        f"{k} {fmt_time(v)} (said ~{fmt_time(DLS_CLAIMS[k])})" for k, v in measured.items()))
    return lines


# The hand-written sections of BENCHMARKS.md that a run keeps (from this heading on).
KEPT_FROM = "\n## Reliability"


def kept_sections(old: str) -> str:
    """The part of the old BENCHMARKS.md from KEPT_FROM on (the reliability campaign's
    summary, which no benchmark run measures), or nothing."""
    at = old.find(KEPT_FROM)
    return "" if at < 0 else old[at:]


def benchmarks_md(args, lines: list[str], started) -> str:
    header = [
        "# Benchmarks: dockerfile-lsp side by side with its peers",
        "",
        "Written by `bench/run.sh --write` (see `bench/README.md`); every figure below "
        "comes from that one run. Absolute times drift on a shared machine; the ratios, "
        "measured in the same run, hold better.",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- command: `bash bench/run.sh{' --quick' if args.quick else ''} --write`",
    ]
    header += [f"- {name}: {value}" for name, value in machine()]
    header += [f"- peers: {args.versions}", ""]
    return "\n".join(header + lines[3:]) + "\n"


if __name__ == "__main__":
    sys.exit(main())
