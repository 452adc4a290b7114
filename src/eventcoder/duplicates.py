"""Duplicate document ids: one policy for ``eventcoder code`` (plain, ``--db``, ``--output-dir``),
``eventcoder spark`` and ``Store.upsert``. No document is ever silently replaced by another.

Documents are identified by id: the input's own, else a hash of the text (``records.content_id``).
Within one run (one ``code`` command; one ``--output-dir`` batch across its resumes; one Spark
job) the first document with an id keeps it. A later document with the same id is compared by its
*fingerprint*: the sha256 of its text, or, for a failed record, its error code (and text):

- the same fingerprint as a document already given that id: the same document. It is not written
  again and is counted in the summary as skipped, ``duplicate id, same content``;
- another fingerprint: with ``--on-duplicate fail`` (the default) it becomes a failed record
  ``[EC080] Duplicate id ... with different content``; with ``--on-duplicate suffix`` it is kept
  under the id ``ID~HHHHHHHH`` (the first 8 hex digits of the sha256 of its fingerprint), its
  event ids derived from that id. The EC080 record has that same suffixed id, so it never
  replaces the first document in a store or a batch, and a later run with ``--on-duplicate
  suffix`` (or ``--retry-failed``) replaces the failure with the coded document. Suffixes are
  content hashes, not counters, so they do not depend on input order or on the number of workers.

Across runs, a store keeps one document per id: coding an id again replaces it (an update, counted
as ``replaced`` in the summary).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TypeVar

from .errors import Errors
from .records import Article, DocumentResult, event_id

__all__ = ["ON_DUPLICATE", "SAME_CONTENT", "DuplicateFilter", "conflict_record", "fingerprint",
           "renamed", "suffix_id", "text_fingerprint"]

ON_DUPLICATE = ("fail", "suffix")
SAME_CONTENT = "duplicate id, same content"
_FP_HEX = 32  # 128 bits of sha256: ample to tell the versions of one id apart

T = TypeVar("T")


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_FP_HEX]


def fingerprint(doc: DocumentResult) -> str:
    """The content a document id stands for: its text; for a failed record, how it failed."""
    if doc.status == "ok":
        return text_fingerprint(doc.text)
    code = doc.error.code if doc.error is not None else "unknown"
    return f"failed:{code}:{text_fingerprint(doc.text)[:8]}"


def suffix_id(doc_id: str, fp: str) -> str:
    """The id a later document with id ``doc_id`` and fingerprint ``fp`` gets: ``doc_id~HHHHHHHH``."""
    return f"{doc_id}~{hashlib.sha256(fp.encode('utf-8')).hexdigest()[:8]}"


def renamed(doc: DocumentResult, new_id: str) -> DocumentResult:
    """``doc`` under another id, its event ids derived from it as the pipeline derives them."""
    events = tuple(replace(ev, id=event_id(new_id, ev.type, ev.trigger.start, ev.trigger.end))
                   for ev in doc.events)
    return replace(doc, id=new_id, events=events)


def _where(source: str | None) -> str:
    return source if source else "a document"


def conflict_record(doc: DocumentResult, new_id: str, first_source: str | None) -> DocumentResult:
    """The EC080 failure that stands for ``doc``, under ``new_id`` (never the id it collides with)."""
    message = Errors.EC080.format(id=doc.id, what=_where(doc.source), first=_where(first_source))
    return DocumentResult.failed(new_id, Errors.EC080.code, message, source=doc.source, url=doc.url)


class DuplicateFilter:
    """The policy over a stream of coded records, in input order: ``__call__`` gives the record to
    write (the document itself, its EC080 failure, or it under a suffixed id) or None for a
    document already written (counted in ``duplicates``).

    ``known`` seeds the ids written by earlier runs of the same batch (``--output-dir``): id ->
    (source, fingerprint). A record from the source an id was written for is that input coded
    again (``--retry-failed``), not a duplicate: it takes the id over, once. ``pre`` drops, before
    coding, an article whose id and text were already fed (coding is deterministic, so it would be
    a duplicate anyway); it runs in the thread that feeds the workers, and the count of both sides
    is kept under a lock.
    """

    def __init__(self, mode: str = "fail", known: Mapping[str, tuple[str | None, str]] | None = None) -> None:
        if mode not in ON_DUPLICATE:
            raise ValueError(f"mode must be one of {ON_DUPLICATE}, not {mode!r}")
        self.mode = mode
        known = known or {}
        # id -> (source of the first document, its fingerprint or the set of all its fingerprints)
        self._seen: dict[str, tuple[str | None, str | set[str]]] = dict(known)
        self._known = {doc_id: source for doc_id, (source, _) in known.items() if source is not None}
        # id -> text fingerprints of the articles fed (and of the documents written before)
        self._fed: dict[str, str | set[str]] = {doc_id: fp for doc_id, (_, fp) in known.items()}
        self._lock = threading.Lock()
        self._duplicates = 0

    @property
    def duplicates(self) -> int:
        with self._lock:
            return self._duplicates

    def _count(self) -> None:
        with self._lock:
            self._duplicates += 1

    def pre(self, items: Iterable[T]) -> Iterator[T]:
        """``items`` without the articles whose id and text an earlier article had."""
        for item in items:
            if isinstance(item, Article):
                fp = text_fingerprint(item.text)
                fed = self._fed.get(item.id)
                if fed is None:
                    self._fed[item.id] = fp
                elif fp == fed or (isinstance(fed, set) and fp in fed):
                    self._count()
                    continue
                else:
                    self._fed[item.id] = ({fed} if isinstance(fed, str) else fed) | {fp}
            yield item

    def __call__(self, doc: DocumentResult) -> DocumentResult | None:
        fp = fingerprint(doc)
        entry = self._seen.get(doc.id)
        if entry is None or (doc.source is not None and self._known.get(doc.id) == doc.source):
            self._known.pop(doc.id, None)
            self._seen[doc.id] = (doc.source, fp)
            return doc
        first, fps = entry
        if fp == fps or (isinstance(fps, set) and fp in fps):
            self._count()
            return None
        self._seen[doc.id] = (first, ({fps} if isinstance(fps, str) else fps) | {fp})
        new_id = suffix_id(doc.id, fp)
        out = renamed(doc, new_id) if self.mode == "suffix" else conflict_record(doc, new_id, first)
        if new_id in self._seen:  # an input gave the suffixed id itself: the policy applies to it too
            return self(out)
        self._seen[new_id] = (doc.source, fingerprint(out))
        return out
