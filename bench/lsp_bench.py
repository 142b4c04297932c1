"""The editor session the benchmark drives every language server through, the same for each.

initialize (VS Code-like client capabilities) -> initialized -> didOpen -> time to the
first `publishDiagnostics` -> a scripted sequence of single-character edits inside a RUN
line (each one's latency: `didChange` -> the matching `publishDiagnostics`, matched by
version when the server sends one, else the next publish) -> hover, completion, code
actions, semantic tokens, document symbols (each repeated, median) -> peak RSS and CPU
time from /proc -> shutdown/exit.

Run alone: `python3 bench/lsp_bench.py --server NAME --argv "CMD ..." FILE` prints the
session's result as JSON; `bench/report.py` runs it for every server and file.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from lsp import Client, MethodNotFound, ServerFailure, process_usage

KEYSTROKE_TIMEOUT_S = 10.0
FIRST_DIAGNOSTICS_TIMEOUT_S = 60.0
# Typing stops (and says so) once the keystrokes so far took this long.
TYPING_BUDGET_S = 90.0
# After typing with misses, how long to wait for the last version's publish before the
# requests (so they do not queue behind analyses still running).
SETTLE_TIMEOUT_S = 120.0
REQUEST_REPEATS = 5
# A request is repeated until REQUEST_REPEATS answers or this much time spent on it.
REQUEST_BUDGET_S = 30.0

SEMANTIC_TOKEN_TYPES = [
    "namespace", "type", "class", "enum", "interface", "struct", "typeParameter",
    "parameter", "variable", "property", "enumMember", "event", "function", "method",
    "macro", "keyword", "modifier", "comment", "string", "number", "regexp", "operator",
    "decorator",
]
SEMANTIC_TOKEN_MODIFIERS = [
    "declaration", "definition", "readonly", "static", "deprecated", "abstract", "async",
    "modification", "documentation", "defaultLibrary",
]

# What VS Code 1.9x announces, minus pull diagnostics (`textDocument.diagnostic`): without
# it every server pushes `publishDiagnostics`, which is what the keystroke latency times.
CLIENT_CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True, "showMessage": {}},
    "workspace": {
        "applyEdit": True,
        "configuration": True,
        "workspaceFolders": True,
        "didChangeConfiguration": {"dynamicRegistration": False},
        "workspaceEdit": {"documentChanges": True},
    },
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "willSave": True,
                            "willSaveWaitUntil": True, "didSave": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                               "tagSupport": {"valueSet": [1, 2]},
                               "codeDescriptionSupport": True, "dataSupport": True},
        "hover": {"dynamicRegistration": False, "contentFormat": ["markdown", "plaintext"]},
        "completion": {
            "dynamicRegistration": False,
            "contextSupport": True,
            "completionItem": {
                "snippetSupport": True, "commitCharactersSupport": True,
                "documentationFormat": ["markdown", "plaintext"], "deprecatedSupport": True,
                "preselectSupport": True, "insertReplaceSupport": True,
                "labelDetailsSupport": True, "tagSupport": {"valueSet": [1]},
                "resolveSupport": {"properties": ["documentation", "detail",
                                                  "additionalTextEdits"]},
            },
        },
        "signatureHelp": {"signatureInformation": {
            "documentationFormat": ["markdown", "plaintext"],
            "parameterInformation": {"labelOffsetSupport": True}}},
        "codeAction": {
            "dynamicRegistration": False,
            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                "refactor.rewrite", "source", "source.organizeImports", "source.fixAll"]}},
            "isPreferredSupport": True, "disabledSupport": True, "dataSupport": True,
            "resolveSupport": {"properties": ["edit"]},
        },
        "semanticTokens": {
            "dynamicRegistration": False,
            "requests": {"range": True, "full": {"delta": True}},
            "tokenTypes": SEMANTIC_TOKEN_TYPES,
            "tokenModifiers": SEMANTIC_TOKEN_MODIFIERS,
            "formats": ["relative"],
            "overlappingTokenSupport": False,
            "multilineTokenSupport": False,
        },
        "documentSymbol": {"dynamicRegistration": False,
                           "hierarchicalDocumentSymbolSupport": True,
                           "symbolKind": {"valueSet": list(range(1, 27))}},
        "formatting": {"dynamicRegistration": False},
        "rename": {"dynamicRegistration": False, "prepareSupport": True},
        "codeLens": {"dynamicRegistration": False},
        "inlayHint": {"dynamicRegistration": False},
        "definition": {"dynamicRegistration": False, "linkSupport": True},
    },
}


@dataclass
class Server:
    """How to start one language server and configure it."""

    name: str
    argv: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    initialization_options: Any = None


def keystrokes(quick: bool) -> list[str]:
    """The scripted edit, one entry per keystroke: a character to type, "\\b" for a
    backspace, "\\n" for Enter. Typed at the end of a single-line RUN instruction."""
    if quick:
        script = [" && echo hi", "\b" * 3, "\n", "RUN ls"]
    else:
        script = [" && echo hello world", "\b" * 5, "docker", "\n", "RUN ls -la"]
    return [ch for part in script for ch in part]


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


class Document:
    """The client's copy of the open text, edited keystroke by keystroke."""

    def __init__(self, text: str):
        self.lines = text.split("\n")

    def text(self) -> str:
        return "\n".join(self.lines)

    def edit_line(self) -> int:
        """The single-line RUN instruction nearest the middle of the file."""
        candidates = [
            i for i, line in enumerate(self.lines)
            if line.startswith("RUN ") and not line.rstrip().endswith("\\")
            and (i == 0 or not self.lines[i - 1].rstrip().endswith("\\"))
            and "<<" not in line
        ]
        if not candidates:
            raise SystemExit("no single-line RUN instruction to edit")
        middle = len(self.lines) / 2
        return min(candidates, key=lambda i: abs(i - middle))

    def type_key(self, line: int, col: int, key: str) -> tuple[dict, int, int]:
        """Applies one keystroke at (line, col) (col in characters); returns the LSP
        change (UTF-16 range) and the new cursor."""
        text = self.lines[line]
        start16 = utf16_len(text[:col])
        if key == "\b":
            change = {"range": {"start": pos(line, utf16_len(text[:col - 1])),
                                "end": pos(line, start16)}, "text": ""}
            self.lines[line] = text[:col - 1] + text[col:]
            return change, line, col - 1
        change = {"range": {"start": pos(line, start16), "end": pos(line, start16)},
                  "text": key}
        if key == "\n":
            self.lines[line:line + 1] = [text[:col], text[col:]]
            return change, line + 1, 0
        self.lines[line] = text[:col] + key + text[col:]
        return change, line, col + 1


def sync_kind(capabilities: dict) -> int:
    sync = capabilities.get("textDocumentSync")
    if isinstance(sync, dict):
        return sync.get("change", 0) or 0
    return sync or 0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


class Session:
    """One server, one file, the whole scripted session."""

    def __init__(self, server: Server, path: pathlib.Path, quick: bool):
        self.server = server
        self.path = path.resolve()
        self.uri = self.path.as_uri()
        self.quick = quick
        self.doc = Document(self.path.read_text(encoding="utf-8"))
        self.version = 1
        self.result: dict[str, Any] = {
            "server": server.name, "file": str(path),
            "lines": self.doc.text().count("\n"),
            "notes": [],
        }

    def run(self) -> dict:
        client = Client(self.server.argv, self.server.settings)
        self.client = client
        try:
            self._initialize()
            self._open()
            self._type()
            self._requests()
            rss, cpu, children = process_usage(client.proc.pid)
            self.result.update(peak_rss_kib=rss, cpu_s=cpu, live_children=children)
            if not client.alive():
                raise ServerFailure("the server exited")
        except (ServerFailure, OSError) as e:
            client.kill()
            raise ServerFailure(
                f"{self.server.name} on {self.path.name}: {e}\n"
                f"--- stderr tail ---\n{client.stderr_tail()}") from e
        client.shutdown()
        self.result["server_requests"] = sorted(set(client.server_requests))
        return self.result

    # ----- steps ---------------------------------------------------------------------

    def _initialize(self) -> None:
        root = self.path.parent
        params = {
            "processId": None,
            "clientInfo": {"name": "dockerfile-lsp bench", "version": "1"},
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": CLIENT_CAPABILITIES,
            "initializationOptions": self.server.initialization_options,
        }
        elapsed, answer = self.client.timed_request("initialize", params, 60.0)
        self.capabilities = answer.get("capabilities", {})
        self.result["server_info"] = answer.get("serverInfo")
        self.result["initialize_s"] = elapsed
        self.client.notify("initialized", {})

    def _is_publish(self, version: int | None):
        def matches(note) -> bool:
            if note.method != "textDocument/publishDiagnostics":
                return False
            params = note.params or {}
            if params.get("uri") != self.uri:
                return False
            got = params.get("version")
            return version is None or got is None or got == version
        return matches

    def _open(self) -> None:
        start_index = self.client.notification_count()
        start = time.perf_counter()
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "dockerfile", "version": self.version,
            "text": self.doc.text()}})
        found = self.client.wait_notification(
            self._is_publish(self.version), start_index, FIRST_DIAGNOSTICS_TIMEOUT_S)
        if found is None:
            self.result["first_diagnostics_s"] = None
            self.result["notes"].append(
                f"published no diagnostics within {FIRST_DIAGNOSTICS_TIMEOUT_S:.0f} s of didOpen")
            return
        _, note = found
        self.result["first_diagnostics_s"] = note.at - start
        self.result["first_diagnostics_count"] = len(note.params.get("diagnostics", []))
        self.result["publishes_version"] = note.params.get("version") is not None

    def _type(self) -> None:
        line = self.doc.edit_line()
        col = len(self.doc.lines[line])
        self.edit_line = line
        self.result["edit_line"] = line + 1
        full_sync = sync_kind(self.capabilities) == 1
        latencies: list[float] = []
        misses = 0
        keys = keystrokes(self.quick)
        typing_started = time.perf_counter()
        for n, key in enumerate(keys):
            if time.perf_counter() - typing_started > TYPING_BUDGET_S:
                self.result["notes"].append(
                    f"typing stopped after {n} keystrokes ({TYPING_BUDGET_S:.0f} s budget)")
                n -= 1
                break
            change, line, col = self.doc.type_key(line, col, key)
            self.version += 1
            if full_sync:
                change = {"text": self.doc.text()}
            start_index = self.last_change_index = self.client.notification_count()
            start = time.perf_counter()
            self.client.notify("textDocument/didChange", {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [change]})
            found = self.client.wait_notification(
                self._is_publish(self.version), start_index, KEYSTROKE_TIMEOUT_S)
            if found is None:
                misses += 1
                if n == 2 and not latencies:
                    self.result["notes"].append(
                        "published nothing after the first 3 keystrokes; typing stopped")
                    break
                continue
            latencies.append(found[1].at - start)
        if misses:
            self._settle()
        self.result["keystrokes"] = {
            "sent": min(len(keys), n + 1), "answered": len(latencies), "misses": misses,
            "timeout_s": KEYSTROKE_TIMEOUT_S,
            "full_sync": full_sync,
            "p50_s": percentile(latencies, 50) if latencies else None,
            "p95_s": percentile(latencies, 95) if latencies else None,
            "latencies_s": latencies,
        }

    def _settle(self) -> None:
        """Waits for the publish of the last version sent (the server may still be
        working through the keystrokes that timed out) and notes how long that took."""
        start = time.perf_counter()
        found = self.client.wait_notification(self._is_publish(self.version),
                                              self.last_change_index, SETTLE_TIMEOUT_S)
        waited = time.perf_counter() - start
        if found is None:
            self.result["notes"].append(
                f"no publish for the last version within {SETTLE_TIMEOUT_S:.0f} s after "
                f"typing; the requests below queued behind its work")
        else:
            self.result["notes"].append(
                f"after typing, the last version's publish came {waited:.1f} s later; "
                f"the requests were sent after it")

    def _supported(self, capability: str, method: str, sub: str | None = None) -> bool:
        value = self.capabilities.get(capability)
        if sub is not None and isinstance(value, dict):
            value = value.get(sub)
        return bool(value) or method in self.client.registered_methods()

    def _repeat(self, name: str, method: str, params: Any, supported: bool) -> None:
        """Times `method` up to REQUEST_REPEATS times (within REQUEST_BUDGET_S); records
        the median, or "n/a" when the server does not offer it."""
        requests = self.result.setdefault("requests", {})
        if not supported:
            requests[name] = {"na": "not in the server's capabilities"}
            return
        times = []
        answer = None
        spent = 0.0
        repeats = 3 if self.quick else REQUEST_REPEATS
        while len(times) < repeats and spent < REQUEST_BUDGET_S:
            try:
                elapsed, answer = self.client.timed_request(method, params, 120.0)
            except MethodNotFound:
                requests[name] = {"na": "MethodNotFound"}
                return
            times.append(elapsed)
            spent += elapsed
        requests[name] = {"median_s": statistics.median(times), "n": len(times),
                          "empty": not answer}

    def _requests(self) -> None:
        td = {"uri": self.uri}
        lines = self.doc.lines
        from_line = next(i for i, l in enumerate(lines) if l.upper().startswith("FROM "))
        words = lines[from_line].split()
        image = next(w for w in words[1:] if not w.startswith("--"))
        image_col = lines[from_line].index(image, 5) + len(image) // 2
        empty_line = next((i for i in range(from_line, len(lines)) if not lines[i].strip()),
                          None)
        run = lines[self.edit_line]
        run_args_col = run.index(" ", 4) + 1 if " " in run[4:] else len(run)
        self.result["request_positions"] = {
            "hover keyword": [from_line + 1, 1], "hover image": [from_line + 1, image_col + 1],
            "completion, empty line": [empty_line + 1 if empty_line is not None else None, 1],
            "completion in RUN": [self.edit_line + 1, run_args_col + 1],
        }
        hover = self._supported("hoverProvider", "textDocument/hover")
        self._repeat("hover keyword", "textDocument/hover",
                     {"textDocument": td, "position": pos(from_line, 1)}, hover)
        self._repeat("hover image", "textDocument/hover",
                     {"textDocument": td, "position": pos(from_line, utf16_len(
                         lines[from_line][:image_col]))}, hover)
        completion = self._supported("completionProvider", "textDocument/completion")
        if empty_line is not None:
            self._repeat("completion, empty line", "textDocument/completion",
                         {"textDocument": td, "position": pos(empty_line, 0),
                          "context": {"triggerKind": 1}}, completion)
        self._repeat("completion in RUN", "textDocument/completion",
                     {"textDocument": td,
                      "position": pos(self.edit_line, utf16_len(run[:run_args_col])),
                      "context": {"triggerKind": 1}}, completion)
        self._repeat("code actions", "textDocument/codeAction", self._code_action_params(),
                     self._supported("codeActionProvider", "textDocument/codeAction"))
        self._repeat("semantic tokens", "textDocument/semanticTokens/full",
                     {"textDocument": td},
                     self._supported("semanticTokensProvider",
                                     "textDocument/semanticTokens/full", "full"))
        self._repeat("document symbols", "textDocument/documentSymbol",
                     {"textDocument": td},
                     self._supported("documentSymbolProvider", "textDocument/documentSymbol"))

    def _code_action_params(self) -> dict:
        """On the first diagnostic the server published for the current version (with
        every diagnostic of that line as context); the edited RUN line when it has none."""
        diagnostics = []
        for note in reversed(self.client.notifications):
            if self._is_publish(None)(note):
                diagnostics = note.params.get("diagnostics", [])
                break
        if diagnostics:
            line = diagnostics[0]["range"]["start"]["line"]
            on_line = [d for d in diagnostics if d["range"]["start"]["line"] == line]
            rng = diagnostics[0]["range"]
        else:
            line = self.edit_line
            on_line = []
            rng = {"start": pos(line, 0), "end": pos(line, 0)}
            self.result["notes"].append("code actions asked on a line without diagnostics")
        self.result.setdefault("request_positions", {})["code actions"] = [line + 1, None]
        return {"textDocument": {"uri": self.uri}, "range": rng,
                "context": {"diagnostics": on_line, "triggerKind": 1}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--argv", required=True, help="the server command line")
    parser.add_argument("--settings", default="{}", help="JSON: section -> value")
    parser.add_argument("--init-options", default="null", help="JSON initializationOptions")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("file", type=pathlib.Path)
    args = parser.parse_args()
    server = Server(args.server, args.argv.split(), json.loads(args.settings),
                    json.loads(args.init_options))
    try:
        result = Session(server, args.file, args.quick).run()
    except ServerFailure as e:
        print(e, file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
