"""Start the real app (``python app.py --port P``) in a child process and wait until it serves.

One launcher for everything that needs the app over real HTTP — the API tests (``tests/test_app_api.py``),
the load test (``eval/load_test.py``) and the benchmark (``eval/bench.py``) — so they start it alike: a free
loopback port, the caller's environment overrides, the child's output drained (a full pipe would block it)
and kept for error messages, ready when it prints the ``ready at <url>`` line, stopped on exit.
"""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .config import PROJECT_ROOT

__all__ = ["AppProcess", "AppStartError", "free_port", "running_app"]

#: The line app.py prints once it serves; the URL is its last word.
READY = "ready at"


class AppStartError(RuntimeError):
    """app.py exited or printed no URL in time; the message ends with its output."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppProcess:
    """A running app: its URL and port, the child process and every line it has printed so far."""

    url: str
    port: int
    proc: subprocess.Popen
    output: list[str] = field(default_factory=list)


@contextlib.contextmanager
def running_app(env: Mapping[str, str] | None = None, *, timeout: float = 300.0) -> Iterator[AppProcess]:
    """``python app.py --port P`` with ``env`` over this process's environment; yields once it serves.

    Raises :class:`AppStartError` (with the app's output) when it exits or prints no URL within ``timeout``
    seconds. On exit the app is terminated (killed if it does not stop within 30 s).
    """
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "app.py"), "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def drain() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            output.append(line)
            lines.put(line)

    threading.Thread(target=drain, daemon=True).start()
    try:
        yield AppProcess(_wait_for_url(proc, lines, output, timeout), port, proc, output)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for_url(proc: subprocess.Popen, lines: queue.Queue[str], output: list[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            time.sleep(0.2)  # let the drain thread collect the last lines
            raise AppStartError(f"app.py exited with {proc.returncode}:\n{''.join(output)}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AppStartError(f"app.py printed no URL within {timeout:.0f} s:\n{''.join(output)}")
        try:
            line = lines.get(timeout=min(1.0, remaining))
        except queue.Empty:
            continue
        if READY in line:
            return line.rsplit(" ", 1)[-1].strip()
