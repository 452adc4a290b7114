"""Coding for the HTTP API: the request body, its ``Article``, and the one thread that owns the pipeline.

spaCy's pipeline must not be called from several threads at once, so a single worker thread runs
every pipeline call. Requests queue their articles; the worker takes whatever has queued (up to
``max_batch``) and codes it in one ``Pipeline.pipe`` call, so concurrent requests share spaCy's
batching while the event loop only awaits a future.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..ingest.readers import _record as record_to_article  # the JSONL reader's own record -> Article
from ..pipeline import Pipeline
from ..records import Article, DocumentResult
from ..settings import Settings

__all__ = ["DEFAULT_MAX_PENDING", "Busy", "CodeRequest", "Coder", "article_from_request"]


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
    """Loads the pipeline once per process and runs every pipeline call on one worker thread.

    At most ``max_pending`` documents wait for the pipeline; one more is refused (``Busy``) rather
    than queued, so a burst of large requests cannot grow the server's memory without bound.
    """

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None, max_batch: int = 16,
                 max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self.settings = settings
        self.max_batch = max_batch
        self.max_pending = max_pending
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._pipeline = pipeline
        self._load_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    def load(self) -> Pipeline:
        """The pipeline, loaded on first use (``eventcoder serve`` calls this before listening)."""
        with self._load_lock:
            if self._pipeline is None:
                self._pipeline = Pipeline(self.settings)
            return self._pipeline

    async def code(self, item: Article | DocumentResult) -> DocumentResult:
        with self._pending_lock:
            if self._pending >= self.max_pending:
                raise Busy(self._pending, self.max_pending)
            self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            job = _Job(item, loop.create_future(), loop)
            self._ensure_worker()
            self._queue.put(job)
            return await job.future
        finally:
            with self._pending_lock:
                self._pending -= 1

    @property
    def pending(self) -> int:
        """Documents accepted and not yet answered."""
        return self._pending

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="eventcoder-coder", daemon=True)
                self._thread.start()

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

    def _run(self, jobs: list[_Job]) -> None:
        results: list[DocumentResult] = []
        error: BaseException | None = None
        try:
            results = list(self.load().pipe([j.item for j in jobs]))
        except Exception as exc:  # a failure of the whole call (pipe turns per-document ones into records)
            error = exc
        for i, j in enumerate(jobs):
            result = results[i] if i < len(results) else None
            failure = error if result is None else None
            if failure is None and result is None:
                failure = RuntimeError("the pipeline returned fewer records than it was given")
            with contextlib.suppress(RuntimeError):  # that request's loop has closed: nobody waits
                j.loop.call_soon_threadsafe(_settle, j.future, result, failure)

    def close(self) -> None:
        """Stop the worker after the queued jobs (called at application shutdown)."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=30)

    def describe(self) -> dict[str, Any]:
        return {"loaded": self.loaded, "model": self.settings.model, "pending": self._pending,
                "max_pending": self.max_pending}
