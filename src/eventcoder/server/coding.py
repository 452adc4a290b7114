"""Coding for the HTTP API: the request body, its ``Article``, and the two lanes that code them.

spaCy's pipeline must not be called from several threads at once, so a single worker thread runs
every pipeline call of the short lane. Requests queue their articles; the worker takes whatever
has queued (up to ``max_batch``) and codes it in one ``Pipeline.pipe`` call, so concurrent requests
share spaCy's batching while the event loop only awaits a future. When that call raises, each
article of the batch is coded again alone, so only the one that raises fails: a batch never fails
a neighbour's request. Articles of ``long_chars`` characters or more go to the long lane instead
(``longlane.py``: a child process of their own, one at a time, within a time budget), so a long
document never makes short requests wait behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import Errors
from ..ingest.metadata import normalize_date
from ..ingest.readers import _record as record_to_article  # the JSONL reader's own record -> Article
from ..ingest.sanitize import sanitize_text
from ..pipeline import Pipeline
from ..records import Article, DocumentResult
from ..settings import Settings
from .longlane import DEFAULT_LONG_CHARS, DEFAULT_MAX_SECONDS, LongLane

__all__ = ["DEFAULT_MAX_PENDING", "Busy", "CodeRequest", "Coder", "article_from_request", "published_problem"]


class CodeRequest(BaseModel):
    """``POST /api/code``: one document, the fields of a JSONL input line, plus ``store``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str | None = Field(None, description="plain text (takes precedence over html)")
    html: str | None = Field(None, description="an HTML page; main text and metadata by trafilatura")
    url: str | None = None
    published: str | None = Field(None, description="publication date, YYYY-MM-DD")
    publisher: str | None = None
    title: str | None = None
    id: str | int | None = Field(None, description="document id (default: doc- + sha256 of the text)")
    store: bool = Field(False, description="also write the record to the server's store (needs --db)")

    @model_validator(mode="after")
    def _has_text(self) -> CodeRequest:
        if self.text is None and self.html is None:
            raise ValueError("give the document as 'text' or 'html'")
        return self


def published_problem(value: str | None) -> str | None:
    """The EC020 message when ``published`` is not a date the CLI's ``--published`` accepts (a
    complete date, e.g. YYYY-MM-DD), else None. A batch codes such a document all the same (the
    dateline or ``--published`` dates it; ``meta.published_ignored`` and the summary say so); an
    API client is there to be told, so it gets a 422."""
    if value is None:
        return None
    norm = normalize_date(sanitize_text(value))
    if norm is None or len(value.strip()) < 8:
        return Errors.EC020.format(value=sanitize_text(value), option="published")
    return None


def article_from_request(body: CodeRequest, settings: Settings) -> Article | DocumentResult:
    """The ``Article`` the CLI's JSONL reader builds from the same fields, or its failed record.

    Reuses the reader's function so the API and ``eventcoder code`` never drift apart. ``source``
    is None: the document came from no file.
    """
    fields = body.model_dump(exclude={"store"}, exclude_none=True)
    item = record_to_article(fields, 1, "the request body", "", settings)
    return replace(item, source=None)


@dataclass
class _Job:
    item: Article | DocumentResult
    future: asyncio.Future[DocumentResult]
    loop: asyncio.AbstractEventLoop


def _settle(future: asyncio.Future[DocumentResult], result: DocumentResult | None,
            error: BaseException | None) -> None:
    if future.done():  # the client went away
        return
    if error is not None:
        future.set_exception(error)
    else:
        assert result is not None
        future.set_result(result)


class Busy(Exception):
    """More documents are waiting for the pipeline than the server accepts (answered 503)."""

    def __init__(self, pending: int, limit: int) -> None:
        self.pending, self.limit = pending, limit
        super().__init__(f"{pending} documents waiting (limit {limit})")


DEFAULT_MAX_PENDING = 256


class Coder:
    """Loads the pipeline once per process and runs every pipeline call on one worker thread;
    articles of ``long_chars`` characters or more (``None``: no long lane) go to a ``LongLane``.

    At most ``max_pending`` documents wait (both lanes together); one more is refused (``Busy``)
    rather than queued, so a burst of large requests cannot grow the server's memory without bound.
    """

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None, max_batch: int = 16,
                 max_pending: int = DEFAULT_MAX_PENDING, long_chars: int | None = DEFAULT_LONG_CHARS,
                 max_seconds: float = DEFAULT_MAX_SECONDS) -> None:
        self.settings = settings
        self.max_batch = max_batch
        self.max_pending = max_pending
        self.long_chars = long_chars
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._pipeline = pipeline
        self._load_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._long = LongLane(settings, max_seconds) if long_chars else None
        self._long_queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._long_thread: threading.Thread | None = None

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    def load(self) -> Pipeline:
        """The pipeline, loaded on first use (``eventcoder serve`` calls this before listening)."""
        with self._load_lock:
            if self._pipeline is None:
                self._pipeline = Pipeline(self.settings)
            return self._pipeline

    def is_long(self, item: Article | DocumentResult) -> bool:
        return (self._long is not None and self.long_chars is not None and isinstance(item, Article)
                and len(item.text) >= self.long_chars)

    async def code(self, item: Article | DocumentResult) -> DocumentResult:
        with self._pending_lock:
            if self._pending >= self.max_pending:
                raise Busy(self._pending, self.max_pending)
            self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            job = _Job(item, loop.create_future(), loop)
            if self.is_long(item):
                self._ensure_worker(long=True)
                self._long_queue.put(job)
            else:
                self._ensure_worker(long=False)
                self._queue.put(job)
            return await job.future
        finally:
            with self._pending_lock:
                self._pending -= 1

    @property
    def pending(self) -> int:
        """Documents accepted and not yet answered."""
        return self._pending

    def _ensure_worker(self, long: bool) -> None:
        with self._start_lock:
            thread = self._long_thread if long else self._thread
            if thread is None or not thread.is_alive():
                name = "eventcoder-long-lane" if long else "eventcoder-coder"
                thread = threading.Thread(target=self._work_long if long else self._work, name=name,
                                          daemon=True)
                thread.start()
                if long:
                    self._long_thread = thread
                else:
                    self._thread = thread

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            jobs = [job]
            stop = False
            while len(jobs) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                jobs.append(more)
            self._run(jobs)
            if stop:
                return

    def _work_long(self) -> None:
        assert self._long is not None
        while True:
            job = self._long_queue.get()
            if job is None:
                return
            if job.future.done():  # the client went away while it waited: do not code it
                continue
            assert isinstance(job.item, Article)
            result = self._long.code(job.item)
            with contextlib.suppress(RuntimeError):
                job.loop.call_soon_threadsafe(_settle, job.future, result, None)

    def _run(self, jobs: list[_Job]) -> None:
        outcomes: list[tuple[DocumentResult | None, BaseException | None]]
        try:
            pipeline = self.load()
        except Exception as exc:  # no pipeline: nobody's document is to blame
            outcomes = [(None, exc)] * len(jobs)
        else:
            try:
                results = list(pipeline.pipe([j.item for j in jobs]))
                if len(results) != len(jobs):
                    raise RuntimeError(f"the pipeline returned {len(results)} records for {len(jobs)}")
                outcomes = [(r, None) for r in results]
            except Exception as exc:  # one document broke the call: code each alone to find it
                outcomes = [_alone(pipeline, j.item) for j in jobs] if len(jobs) > 1 else [(None, exc)]
        for j, (result, failure) in zip(jobs, outcomes, strict=True):
            with contextlib.suppress(RuntimeError):  # that request's loop has closed: nobody waits
                j.loop.call_soon_threadsafe(_settle, j.future, result, failure)

    def close(self) -> None:
        """Stop the workers after the queued jobs (called at application shutdown)."""
        with self._start_lock:
            thread, self._thread = self._thread, None
            long_thread, self._long_thread = self._long_thread, None
        if self._long is not None:
            self._long.close()
        if long_thread is not None and long_thread.is_alive():
            self._long_queue.put(None)
            long_thread.join(timeout=30)
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=30)

    def describe(self) -> dict[str, Any]:
        lane = None if self._long is None else {"from_chars": self.long_chars, **self._long.describe()}
        return {"loaded": self.loaded, "model": self.settings.model, "pending": self._pending,
                "max_pending": self.max_pending, "long_lane": lane}


def _alone(pipeline: Pipeline,
           item: Article | DocumentResult) -> tuple[DocumentResult | None, BaseException | None]:
    try:
        results = list(pipeline.pipe([item]))
    except Exception as exc:
        return None, exc
    if len(results) != 1:
        return None, RuntimeError(f"the pipeline returned {len(results)} records for 1 document")
    return results[0], None
