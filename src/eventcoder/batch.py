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
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TYPE_CHECKING

from .errors import Errors
from .ingest.warc import WarcPage
from .records import Article, DocumentResult
from .settings import Settings

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = ["BatchSummary", "code_parallel", "code_partition", "default_workers"]

_PIPELINE: Pipeline | None = None
PUBLISHED_IGNORED = "published is no date, ignored"
NOT_ENGLISH = "text does not read as English"
Item = Article | DocumentResult | WarcPage  # what ingest hands to a batch
_Window = deque[tuple[list[Item], Future[list[DocumentResult]]]]  # chunks in flight, in input order


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


def _ending(exitcode: int) -> str:
    if exitcode > 0:
        return f"exit code {exitcode}"
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = f"signal {-exitcode}"
    oom = ", which the out-of-memory killer sends" if -exitcode == signal.SIGKILL else ""
    return f"killed by {name}{oom}"


def _failed(item: Item, error: Errors, detail: str) -> DocumentResult:
    message = error.format(what=item.source or item.id, detail=detail)
    return DocumentResult.failed(item.id, error.code, message, source=item.source, url=item.url)


class _Workers:
    """A process pool that can be replaced when one of its processes dies.

    ``concurrent.futures`` (not ``multiprocessing.Pool``) because a worker killed outright (the
    out-of-memory killer, a segfault in a native library) breaks the executor and fails its
    futures; ``multiprocessing.Pool`` replaces the worker and waits forever for the lost task."""

    def __init__(self, workers: int, settings: Settings) -> None:
        self.workers = workers
        self.settings = settings
        self._ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=_init_worker,
                                   initargs=(self.settings, os.getpid()))

    def submit(self, chunk: list[Item]) -> Future[list[DocumentResult]]:
        return self._pool.submit(_code_chunk, (chunk, self.settings))

    def died(self) -> str:
        """How the dead worker ended; a new pool replaces the broken one."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._new()
        codes = {p.exitcode for p in processes if p.exitcode}  # the executor SIGTERMs the others
        causes = sorted(c for c in codes if c != -signal.SIGTERM) or sorted(codes)
        if not causes:
            return "it ended abruptly"
        return "; ".join(_ending(c) for c in causes)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def code_parallel(
    items: Iterable[Item], settings: Settings, workers: int, chunk_size: int = 8
) -> Iterator[DocumentResult]:
    """Code with ``workers`` processes; output order is input order.

    A worker that dies takes its pool's work with it. The chunk being collected is then coded
    again one document at a time with nothing else running, so the document that kills a worker
    on its own is known for certain and becomes its coded failure (EC076); the other chunks in
    flight are submitted again. At most ``2 * workers`` chunks are in flight, so input is read
    as it is coded."""
    if workers <= 1:
        yield from code_partition(items, settings)
        return
    pool = _Workers(workers, settings)
    window: _Window = deque()
    try:
        for chunk in _chunks(items, chunk_size):
            window.append((chunk, pool.submit(chunk)))
            if len(window) >= 2 * workers:
                yield from _collect(pool, window)
        while window:
            yield from _collect(pool, window)
    finally:
        pool.close()


def _collect(pool: _Workers, window: _Window) -> list[DocumentResult]:
    chunk, future = window.popleft()
    try:
        return future.result()
    except BrokenProcessPool:
        pool.died()
    except Exception:  # e.g. a record that cannot be sent back: find whose, below
        pass
    wait([f for _, f in window])  # nothing else runs while a suspect document is coded alone
    results: list[DocumentResult] = []
    for item in chunk:
        try:
            results.extend(pool.submit([item]).result())
        except BrokenProcessPool:
            results.append(_failed(item, Errors.EC076, pool.died()))
        except Exception as exc:  # this document's failure, not the batch's
            results.append(_failed(item, Errors.EC010, f"{type(exc).__name__}: {exc}"))
    for i, (other, fut) in enumerate(window):  # lost with a broken pool, unless already done
        if fut.cancelled() or fut.exception() is not None:
            window[i] = (other, pool.submit(other))
    return results


class BatchSummary:
    """Counts what went in and what came out, why documents failed, and what was skipped.

    ``skipped`` counts input records that are not documents (WARC requests, revisits, non-HTML
    responses) and, in a resumed batch, documents already coded, each by reason; they are not
    in ``documents``. ``warnings`` counts coded documents that had a given value ignored (a
    ``published`` that is no complete date) or whose text does not read as English (the record's
    ``meta`` says so: ``published_ignored``, ``english_share``).
    """

    def __init__(self) -> None:
        self.documents = 0
        self.ok = 0
        self.failed = 0
        self.events = 0
        self.by_code: dict[str, int] = {}
        self.skipped: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()

    def add(self, doc: DocumentResult) -> None:
        self.documents += 1
        if doc.status == "ok":
            self.ok += 1
            self.events += len(doc.events)
            self.warnings.update(_warnings(doc))
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
            self.warnings -= Counter(_warnings(before))  # a count that reaches 0 is dropped
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
            "warnings": dict(sorted(self.warnings.items())),
        }

    def text(self) -> str:
        reasons = ", ".join(f"{c}: {n}" for c, n in sorted(self.by_code.items()))
        failed = f"{self.failed}" + (f" ({reasons})" if reasons else "")
        out = f"documents in: {self.documents}, ok: {self.ok}, failed: {failed}, events found: {self.events}"
        return out + tally("skipped", self.skipped) + tally("warnings", self.warnings)


def _warnings(doc: DocumentResult) -> list[str]:
    """What a coded document's ``meta`` says was ignored or doubtful in its input."""
    return [label for label, key in ((PUBLISHED_IGNORED, "published_ignored"), (NOT_ENGLISH, "english_share"))
            if doc.meta.get(key) is not None]


def tally(label: str, counts: Mapping[str, int]) -> str:
    """``", skipped: 3 (warc:revisit: 1, ...)"`` for a summary line; empty when nothing was counted."""
    if not counts:
        return ""
    why = ", ".join(f"{r}: {n}" for r, n in sorted(counts.items()))
    return f", {label}: {sum(counts.values())} ({why})"
