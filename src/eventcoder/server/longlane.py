"""The long-document lane of the HTTP API: long documents are coded in a child process of their own.

A 200,000-character article takes a minute to code on one core, most of it in Python stages that
hold the GIL; coded on the thread that serves short requests, it made every request behind it
wait that minute (issue 15). Here it goes to a child process with its own pipeline, one document
at a time, so short requests keep the server's own pipeline and core, and a document that runs
past the time budget is stopped by ending the child (EC075, answered 422), which is started again
for the next one. A child that dies (killed for memory, say) fails only the document it was
coding (EC074, answered 500).

The child is started with ``spawn`` (never ``fork``: the server has threads and an event loop) on
the first long document, loads its pipeline before it takes one (loading is outside the budget),
and dies with the server (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from ..errors import Errors
from ..records import Article, DocumentResult
from ..settings import Settings

__all__ = ["DEFAULT_LONG_CHARS", "DEFAULT_MAX_SECONDS", "LongLane"]

DEFAULT_LONG_CHARS = 20_000  # a few times a long news article; one of this dense synthetic text coded
# in 1.45 s on its own (5,000 characters: 0.63 s; 50,000: 5.3 s; 2026-12-06, load average 7 on 2 cores)
DEFAULT_MAX_SECONDS = 600.0
_LOAD_SECONDS = 300.0  # the child's pipeline load (not counted in a document's budget)


def _child(conn: Connection, settings: Settings, parent: int) -> None:
    """The child's loop: load the pipeline, then code one article per message until told to stop."""
    from ..batch import _die_with_parent
    from ..pipeline import Pipeline

    _die_with_parent(parent)
    pipeline = Pipeline(settings)
    conn.send("ready")
    while True:
        try:
            article = conn.recv()
        except EOFError:
            return
        if article is None:
            return
        conn.send(pipeline.code(article))


class LongLane:
    """Codes one long article at a time in a child process, within ``max_seconds`` each.

    ``code`` blocks; the caller runs it on a thread of its own (``Coder``'s long-lane worker).
    """

    def __init__(self, settings: Settings, max_seconds: float = DEFAULT_MAX_SECONDS) -> None:
        self.settings = settings
        self.max_seconds = max_seconds
        self._proc: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.started = 0  # children started (a restart after a timeout or a death counts)
        self.last_seconds: float | None = None  # how long the last document took in the child

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def _start(self) -> Connection:
        if self._conn is not None and self.alive:
            return self._conn
        self._stop()
        ctx = mp.get_context("spawn")
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=_child, args=(theirs, self.settings, os.getpid()),
                           name="eventcoder-long-lane", daemon=True)
        proc.start()
        theirs.close()
        self._proc, self._conn = proc, ours
        self.started += 1
        if not ours.poll(_LOAD_SECONDS) or ours.recv() != "ready":
            self._stop()
            raise RuntimeError("the long-document worker did not load its pipeline")
        return ours

    def _stop(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()
        if proc is not None and proc.is_alive():
            proc.kill()
        if proc is not None:
            proc.join(timeout=10)

    def code(self, article: Article) -> DocumentResult:
        """The record of ``article``, or its coded failure (EC075 past the budget, EC074 when the
        child dies); never raises for the document's sake."""
        what = article.source or article.id
        with self._lock:
            try:
                conn = self._start()
                started = time.monotonic()
                conn.send(article)
                if not conn.poll(self.max_seconds):
                    self._stop()  # the only way to stop spaCy and the stages midway
                    seconds = f"{self.max_seconds:g}"
                    return DocumentResult.failed(
                        article.id, Errors.EC075.code,
                        Errors.EC075.format(what=what, size=f"{len(article.text):,}", seconds=seconds),
                        source=article.source, url=article.url)
                result: DocumentResult = conn.recv()
                self.last_seconds = time.monotonic() - started
                return result
            except (EOFError, OSError, RuntimeError) as exc:  # the child died or never loaded
                code = None
                if self._proc is not None:
                    self._proc.join(timeout=5)  # reap it, to tell how it ended
                    code = self._proc.exitcode
                self._stop()
                detail = f"{type(exc).__name__}" + (f", exit code {code}" if code is not None else "")
                return DocumentResult.failed(
                    article.id, Errors.EC074.code, Errors.EC074.format(what=what, detail=detail),
                    source=article.source, url=article.url)

    def close(self) -> None:
        """End the child now (a document it is coding fails with EC074) and wait for the lane."""
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()
        with self._lock:
            self._stop()

    def describe(self) -> dict[str, Any]:
        return {"alive": self.alive, "started": self.started, "max_seconds": self.max_seconds}
