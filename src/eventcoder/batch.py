"""Batch coding: one partition function, used in-process and by worker processes.

``code_partition`` maps an iterable of ingest items (articles, or failed records that pass
through) to document records, loading the pipeline once per process. ``code_parallel`` fans
chunks of items out to worker processes and yields results in input order.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from .ingest.warc import WarcPage
from .records import Article, DocumentResult
from .settings import Settings

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = ["BatchSummary", "code_parallel", "code_partition", "default_workers"]

_PIPELINE: Pipeline | None = None
Item = Article | DocumentResult | WarcPage  # what ingest hands to a batch


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _pipeline(settings: Settings) -> Pipeline:
    global _PIPELINE
    if _PIPELINE is None or _PIPELINE.settings != settings:
        from .pipeline import Pipeline

        _PIPELINE = Pipeline(settings)
    return _PIPELINE


def _resolved(items: Iterable[Item], settings: Settings) -> Iterator[Article | DocumentResult]:
    for item in items:
        yield item.resolve(settings) if isinstance(item, WarcPage) else item


def code_partition(items: Iterable[Item], settings: Settings) -> Iterator[DocumentResult]:
    """Iterable of input rows -> iterable of records; the pipeline loads once per process.

    WARC pages still to extract (``ingest.iter_items``) are extracted here, in the worker."""
    yield from _pipeline(settings).pipe(_resolved(items, settings))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to end this worker when its parent dies: a SIGKILLed parent would otherwise leave
    workers waiting forever on a task pipe their siblings keep open."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _init_worker(settings: Settings, parent: int) -> None:
    _die_with_parent(parent)
    _pipeline(settings)


def _code_chunk(args: tuple[list[Item], Settings]) -> list[DocumentResult]:
    chunk, settings = args
    return list(code_partition(chunk, settings))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def code_parallel(
    items: Iterable[Item], settings: Settings, workers: int, chunk_size: int = 8
) -> Iterator[DocumentResult]:
    """Code with ``workers`` processes; output order is input order."""
    if workers <= 1:
        yield from code_partition(items, settings)
        return
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings, os.getpid())) as pool:
        jobs = ((chunk, settings) for chunk in _chunks(items, chunk_size))
        for results in pool.imap(_code_chunk, jobs):
            yield from results


class BatchSummary:
    """Counts what went in and what came out, why documents failed, and what was skipped.

    ``skipped`` counts input records that are not documents (WARC requests, revisits, non-HTML
    responses) and, in a resumed batch, documents already coded, each by reason; they are not
    in ``documents``.
    """

    def __init__(self) -> None:
        self.documents = 0
        self.ok = 0
        self.failed = 0
        self.events = 0
        self.by_code: dict[str, int] = {}
        self.skipped: Counter[str] = Counter()

    def add(self, doc: DocumentResult) -> None:
        self.documents += 1
        if doc.status == "ok":
            self.ok += 1
            self.events += len(doc.events)
        else:
            self.failed += 1
            code = doc.error.code if doc.error else "unknown"
            self.by_code[code] = self.by_code.get(code, 0) + 1

    def amend(self, before: DocumentResult, after: DocumentResult) -> None:
        """A record counted as ``before`` was written as ``after`` (its coded failure: the store
        refused it): count it as what was written."""
        self.documents -= 1
        if before.status == "ok":
            self.ok -= 1
            self.events -= len(before.events)
        else:
            self.failed -= 1
            code = before.error.code if before.error else "unknown"
            self.by_code[code] -= 1
            if not self.by_code[code]:
                del self.by_code[code]
        self.add(after)

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "ok": self.ok,
            "failed": self.failed,
            "failed_by_code": dict(sorted(self.by_code.items())),
            "events": self.events,
            "skipped": dict(sorted(self.skipped.items())),
        }

    def text(self) -> str:
        reasons = ", ".join(f"{c}: {n}" for c, n in sorted(self.by_code.items()))
        failed = f"{self.failed}" + (f" ({reasons})" if reasons else "")
        out = f"documents in: {self.documents}, ok: {self.ok}, failed: {failed}, events found: {self.events}"
        if self.skipped:
            why = ", ".join(f"{r}: {n}" for r, n in sorted(self.skipped.items()))
            out += f", skipped: {sum(self.skipped.values())} ({why})"
        return out
