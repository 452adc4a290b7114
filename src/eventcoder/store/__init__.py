"""Event store: documents, events, actors, places and mentions in DuckDB or PostgreSQL.

``open_store("events.duckdb")`` or ``open_store("postgresql://...")`` gives a thread-safe
``Store``; ``Store.upsert`` replaces a document's rows by id, ``Store.events`` answers
``EventQuery`` filters with the flat rows of ``output.EVENT_COLUMNS``.
"""

from __future__ import annotations

from .api import EventQuery, Store, UpsertSummary, normalize_query, open_store, parse_near

__all__ = ["EventQuery", "Store", "UpsertSummary", "normalize_query", "open_store", "parse_near"]
