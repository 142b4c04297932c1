"""CLI throughput: each linter over the same Dockerfiles in one process, best of N runs.

tally only lints files whose names look like Dockerfiles, and the corpus names files
`<owner>__<repo>/<path with __>` (e.g. `..._Dockerfile.opensuse-leap`), so every linter is
given the same symlinks, `NNNN.Dockerfile` -> the corpus file, made in a temporary folder
that is also the working directory (no configuration file of this repository is found).

Measures wall time and peak RSS (`ru_maxrss` from `os.wait4`: the largest process of the
run, children included) and CPU time (user + system, children included). Exit codes 0
and 1 mean "ran, with or without findings"; anything else (a crash, a signal, "file not
found", "not a Dockerfile" on stderr) fails the run with the linter's stderr.
"""

from __future__ import annotations

import os
import re
import pathlib
import subprocess
import tempfile
import time
from dataclasses import dataclass

FAILURE_WORDS = ("no such file", "not found", "does not exist", "is not a dockerfile",
                 "panicked", "segmentation fault")


class LinterFailure(Exception):
    """A linter crashed or could not read a file."""


@dataclass
class Linter:
    """A linter's command line; the file paths are appended."""

    name: str
    argv: list[str]
    note: str = ""
    # The exit code with which the linter stops the whole run at one file (tally: 4, on
    # a file without a FROM stage), naming that file on stderr; such files are linted
    # in their own process and their time added.
    refusal_exit: int | None = None


def corpus_files(real: pathlib.Path) -> list[pathlib.Path]:
    """Every Dockerfile under `real`, sorted."""
    files = sorted(p for p in real.rglob("*") if p.is_file())
    if not files:
        raise SystemExit(f"no files under {real}")
    return files


def link_farm(files: list[pathlib.Path], into: pathlib.Path) -> list[str]:
    """`into/NNNN.Dockerfile` symlinks to `files`; their names, relative to `into`."""
    names = []
    for n, path in enumerate(files):
        name = f"{n:04d}.Dockerfile"
        (into / name).symlink_to(path.resolve())
        names.append(name)
    return names


def run_once(argv: list[str], cwd: pathlib.Path, also_ok: tuple[int, ...] = ()) -> dict:
    """Runs `argv` in `cwd`; wall seconds, CPU seconds, peak RSS (KiB), exit code, stderr.
    Exit codes other than 0, 1 and `also_ok` raise `LinterFailure`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    code = proc.returncode
    # Findings on stdout may well say "not found"; a linter's own failures go to stderr.
    lowered = stderr.lower()
    bad_word = next((w for w in FAILURE_WORDS if w in lowered), None)
    ok = (0, 1) + also_ok
    if code not in ok or bad_word:
        reason = f"exit code {code}" if code not in ok else f"its stderr says `{bad_word}`"
        tail = "\n".join((stderr or stdout).splitlines()[-20:])
        raise LinterFailure(f"`{' '.join(argv[:4])} ...` failed ({reason}):\n{tail}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_kib": usage.ru_maxrss, "exit_code": code,
            "output_lines": stdout.count("\n"), "stderr": stderr}


def split_refused(linter: Linter, names: list[str], cwd: pathlib.Path) -> tuple[list[str], list[str]]:
    """(files the linter takes in one run, files it stops the whole run at)."""
    accepted, refused = list(names), []
    if linter.refusal_exit is None:
        return accepted, refused
    for _ in range(50):
        run = run_once(linter.argv + accepted, cwd, (linter.refusal_exit,))
        if run["exit_code"] != linter.refusal_exit:
            return accepted, refused
        named = re.search(r"\d{4}\.Dockerfile", run["stderr"])
        if named is None or named.group(0) not in accepted:
            raise LinterFailure(f"{linter.name} stopped (exit code {run['exit_code']}) "
                                f"without naming a file:\n{run['stderr'][-2000:]}")
        accepted.remove(named.group(0))
        refused.append(named.group(0))
    raise LinterFailure(f"{linter.name} refused more than 50 files")


def run_linter(linter: Linter, accepted: list[str], refused: list[str], cwd: pathlib.Path) -> dict:
    """One run of the linter over every file: one process for `accepted`, one per file
    of `refused`; times and CPU added, the largest RSS."""
    run = run_once(linter.argv + accepted, cwd)
    for name in refused:
        single = run_once(linter.argv + [name], cwd, (linter.refusal_exit,))
        run["wall_s"] += single["wall_s"]
        run["cpu_s"] += single["cpu_s"]
        run["peak_rss_kib"] = max(run["peak_rss_kib"], single["peak_rss_kib"])
    return run


def bench(linters: list[Linter], files: list[pathlib.Path], repeats: int,
          budget_s: float) -> dict:
    """Best-of-`repeats` wall time (and that run's RSS/CPU) of each linter over `files`.
    The rounds are interleaved (A B C, A B C, ...) so drift on a shared machine hits every
    linter; a linter whose runs so far took more than `budget_s` is not run again."""
    results: dict[str, dict] = {}
    runs: dict[str, int] = {}
    spent: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="dockerfile-lsp-bench-") as tmp:
        cwd = pathlib.Path(tmp)
        names = link_farm(files, cwd)
        split = {linter.name: split_refused(linter, names, cwd) for linter in linters}
        for _ in range(repeats):
            for linter in linters:
                if spent.get(linter.name, 0.0) > budget_s:
                    continue
                run = run_linter(linter, *split[linter.name], cwd)
                runs[linter.name] = runs.get(linter.name, 0) + 1
                spent[linter.name] = spent.get(linter.name, 0.0) + run["wall_s"]
                best = results.get(linter.name)
                if best is None or run["wall_s"] < best["wall_s"]:
                    results[linter.name] = run
    for linter in linters:
        result = results[linter.name]
        result["runs"] = runs[linter.name]
        result["files"] = len(files)
        result["refused"] = [str(files[int(name[:4])]) for name in split[linter.name][1]]
        result["command"] = " ".join(pathlib.Path(linter.argv[0]).name.split()
                                     + linter.argv[1:]) + " FILES..."
        result.pop("stderr", None)
    return results
