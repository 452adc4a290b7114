"""Run ``eventcoder serve`` as a child process on loopback and wait until it answers.

For the test suite, the benchmarks (``benchmarks/load.py``, ``benchmarks/fairness.py``) and anyone
embedding the service in a script: one way to start it, with the server's stderr kept in a log
that the error quotes when the server dies before it answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ServerStartError", "free_port", "start_server", "stop_server"]


class ServerStartError(RuntimeError):
    """The server exited or did not answer ``/healthz`` in time (the message quotes its log)."""


def free_port() -> int:
    """A TCP port free on loopback now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(args: Sequence[str], port: int, log: Path, *, timeout: float = 180.0,
                 append: bool = False) -> subprocess.Popen[bytes]:
    """``eventcoder serve --host 127.0.0.1 --port PORT ARGS`` with stderr to ``log``; returns once
    ``GET /healthz`` answers 200 (loading the model takes seconds, more on a loaded machine)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab" if append else "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "eventcoder.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port),
             *args],
            env=env, stdout=subprocess.DEVNULL, stderr=err,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerStartError(f"server exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    proc.kill()
    proc.wait(timeout=10)
    raise ServerStartError(f"server did not start within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """SIGTERM (uvicorn finishes the requests in flight), then SIGKILL after ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
