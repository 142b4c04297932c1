"""A minimal Language Server Protocol client for the benchmark (Python stdlib only).

Runs a server as a subprocess, speaks JSON-RPC with `Content-Length` framing over its
stdin/stdout, answers the requests servers send to editors (`workspace/configuration`,
`client/registerCapability`, `window/workDoneProgress/create`, ...), and records every
notification with the time it arrived, so a driver can measure how long a
`publishDiagnostics` took after the edit that caused it.

Also reads a process's peak RSS and CPU time from /proc (Linux only).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

METHOD_NOT_FOUND = -32601


class ServerFailure(Exception):
    """The server crashed, closed its output or did not answer in time."""


class MethodNotFound(Exception):
    """The server answered a request with MethodNotFound."""


@dataclass
class Notification:
    """A notification from the server and the `time.perf_counter()` of its arrival."""

    method: str
    params: Any
    at: float


@dataclass
class _Pending:
    event: threading.Event = field(default_factory=threading.Event)
    message: dict | None = None


class Client:
    """One server process and the client side of its LSP session.

    `settings` maps a configuration section name to its value: the answer to
    `workspace/configuration` for that section (any other section gets `null`).
    """

    def __init__(self, argv: list[str], settings: dict[str, Any] | None = None):
        self.argv = argv
        self.settings = settings or {}
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=0,
        )
        self._next_id = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._pending: dict[int, _Pending] = {}
        self.notifications: list[Notification] = []
        self.server_requests: list[str] = []
        self._registered: set[str] = set()
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # ----- framing -------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        header = f"Content-Length: {len(body)}\r\n\r\n".encode()
        with self._write_lock:
            try:
                self.proc.stdin.write(header + body)
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError) as e:
                raise ServerFailure(f"cannot write to the server: {e}") from e

    def _read_message(self) -> tuple[dict, float] | None:
        """The next message and the `perf_counter()` at which its last byte arrived
        (before parsing: a large publish should not be charged for the client's JSON
        decoding)."""
        out = self.proc.stdout
        length = None
        while True:
            line = out.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            raise ServerFailure("a message without Content-Length")
        body = b""
        while len(body) < length:
            chunk = out.read(length - len(body))
            if not chunk:
                return None
            body += chunk
        arrived = time.perf_counter()
        return json.loads(body), arrived

    def _read_loop(self) -> None:
        try:
            while True:
                read = self._read_message()
                if read is None:
                    break
                message, now = read
                if "id" in message and "method" in message:
                    self._answer_server_request(message)
                elif "id" in message:
                    with self._lock:
                        pending = self._pending.pop(message["id"], None)
                    if pending is not None:
                        pending.message = message
                        pending.event.set()
                elif "method" in message:
                    with self._cond:
                        self.notifications.append(
                            Notification(message["method"], message.get("params"), now)
                        )
                        self._cond.notify_all()
        except Exception:  # noqa: BLE001 - a broken stream ends the session below
            pass
        finally:
            with self._cond:
                self._closed = True
                for pending in self._pending.values():
                    pending.event.set()
                self._cond.notify_all()

    def _answer_server_request(self, message: dict) -> None:
        method = message["method"]
        self.server_requests.append(method)
        result: Any = None
        if method == "workspace/configuration":
            items = (message.get("params") or {}).get("items", [])
            result = [self.settings.get(item.get("section")) for item in items]
        elif method == "workspace/workspaceFolders":
            result = []
        elif method == "client/registerCapability":
            for registration in (message.get("params") or {}).get("registrations", []):
                self._registered.add(registration.get("method"))
        # registerCapability, workDoneProgress/create, diagnostic/refresh, ... -> null
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    # ----- requests and notifications ------------------------------------------------

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 120.0) -> Any:
        """Sends a request and waits for its answer. Raises `MethodNotFound` for that
        error, `ServerFailure` for a crash, a timeout or any other error."""
        with self._lock:
            self._next_id += 1
            rid = self._next_id
            pending = self._pending[rid] = _Pending()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        if not pending.event.wait(timeout) or pending.message is None:
            if self._closed:
                raise ServerFailure(f"the server exited during `{method}`")
            raise ServerFailure(f"no answer to `{method}` within {timeout:.0f} s")
        error = pending.message.get("error")
        if error:
            if error.get("code") == METHOD_NOT_FOUND:
                raise MethodNotFound(method)
            raise ServerFailure(f"`{method}` failed: {error}")
        return pending.message.get("result")

    def timed_request(self, method: str, params: Any, timeout: float = 120.0) -> tuple[float, Any]:
        """`request`, and the seconds from sending it to its answer."""
        start = time.perf_counter()
        result = self.request(method, params, timeout)
        return time.perf_counter() - start, result

    def wait_notification(self, predicate, start_index: int, timeout: float) -> tuple[int, Notification] | None:
        """The first notification at or after `start_index` that satisfies `predicate`,
        with its index; None after `timeout` seconds. Raises `ServerFailure` when the
        server exits."""
        deadline = time.perf_counter() + timeout
        index = start_index
        with self._cond:
            while True:
                while index < len(self.notifications):
                    note = self.notifications[index]
                    if predicate(note):
                        return index, note
                    index += 1
                if self._closed:
                    raise ServerFailure("the server exited")
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)

    def registered_methods(self) -> set[str]:
        """Methods the server registered dynamically (`client/registerCapability`)."""
        return set(self._registered)

    def notification_count(self) -> int:
        with self._lock:
            return len(self.notifications)

    # ----- lifetime ------------------------------------------------------------------

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_tail(self, lines: int = 30) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def shutdown(self, timeout: float = 10.0) -> None:
        """`shutdown` then `exit`; kills the process if it does not end by itself."""
        try:
            if self.alive():
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
            self.proc.wait(timeout)
        except (ServerFailure, subprocess.TimeoutExpired, MethodNotFound):
            pass
        finally:
            self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# ----- /proc -----------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    """Every live descendant of `pid`."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _peak_rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int, with_waited_children: bool) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command: state(0) ppid ... utime(11) stime(12) cutime(13) cstime(14)
    ticks = int(fields[11]) + int(fields[12])
    if with_waited_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def process_usage(pid: int) -> tuple[int, float, int]:
    """(peak RSS in KiB, CPU seconds, number of live descendants) of `pid` plus its
    descendants: the sum of each live process's VmHWM, and utime+stime of all of them,
    plus what the finished children they waited for used (cutime+cstime)."""
    children = _children(pid)
    rss = _peak_rss_kib(pid) + sum(_peak_rss_kib(c) for c in children)
    cpu = _cpu_seconds(pid, True) + sum(_cpu_seconds(c, True) for c in children)
    return rss, cpu, len(children)
