"""Cross-article fusion: reports of one real-world event become one ``FusedEvent``.

Runs over coded records, never over text: ``fuse(reports)`` takes ``Report``s (from store rows,
Parquet rows or ``DocumentResult``s) and returns fused events, each keeping every member report,
its source and what it claims. ``reports.py`` reads reports, ``match.py`` says which may tell one
event, ``cluster.py`` groups them, ``fused.py`` builds the record.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..records import DocumentResult, FusedEvent
from .cluster import Cluster, cluster_prepared
from .fused import fused_event, fused_id
from .match import compatible
from .options import FusionOptions
from .reports import Prepared, Report, prepare, report_from_row, reports_from_document

__all__ = [
    "Cluster",
    "FusionOptions",
    "Prepared",
    "Report",
    "cluster_reports",
    "compatible",
    "fuse",
    "fuse_documents",
    "fused_event",
    "fused_id",
    "gc_paused",
    "prepare",
    "report_from_row",
    "reports_from_document",
]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Fusion allocates millions of small acyclic objects; Python's cyclic collector would scan
    them again and again (40% of the time at 100,000 reports), so it waits until fusion is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def cluster_reports(reports: Iterable[Report], options: FusionOptions | None = None) -> list[Cluster]:
    opts = options or FusionOptions()
    with gc_paused():
        return cluster_prepared(prepare(reports, opts), opts)


def fuse(reports: Iterable[Report], options: FusionOptions | None = None) -> list[FusedEvent]:
    """Fused events of ``reports``, ordered by first day (undated last), then id."""
    with gc_paused():
        events = [fused_event(c) for c in cluster_reports(reports, options)]
        return sorted(events, key=lambda e: (e.date.first or "9999-99-99", e.id))


def fuse_documents(docs: Iterable[DocumentResult], options: FusionOptions | None = None) -> list[FusedEvent]:
    return fuse((r for d in docs if d.status == "ok" for r in reports_from_document(d)), options)
