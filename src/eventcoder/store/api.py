"""The event store: ``open_store(target)`` -> ``Store`` with upsert, queries and the stored record.

One contract on both engines (DuckDB file or ``:memory:``, PostgreSQL URL). Upserts are keyed by
document id (content-hash ids for inputs without one): storing a document deletes every row it
had and writes the new ones in one transaction, so re-coding replaces and nothing duplicates.
Every method may be called from many threads at once.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import Errors, EventcoderError, InputError
from ..output import EVENT_COLUMNS
from ..records import DocumentResult, FusedEvent
from .backends import Backend, DuckDBBackend, PostgresBackend, Tx
from .rows import cc2_to_cc3, country_names, document_rows
from .schema import CHILD_TABLES, COLUMNS, MIGRATIONS, TABLES

if TYPE_CHECKING:
    from ..fusion import FusionOptions

__all__ = ["MAX_OFFSET", "EventQuery", "Store", "UpsertSummary", "open_store", "parse_near"]

_EARTH_KM = 6371.0088  # mean Earth radius, as gazetteer.haversine_km
_DATE_ARG = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CHUNK = 200  # documents per transaction
_MAX_LIMIT = 1_000_000
MAX_OFFSET = 2**63 - 1  # SQL BIGINT: a larger OFFSET is a database error on both engines


@dataclass(frozen=True)
class EventQuery:
    """Filters of ``Store.events``/``count_events``/``summary``; all optional, combined with AND."""

    type: str | None = None  # PLOVER type, e.g. "ASSAULT"
    country: str | None = None  # ISO-3; matches actor OR recipient OR location country
    since: str | None = None  # YYYY-MM-DD (or YYYY-MM, YYYY): events whose date reaches it
    until: str | None = None  # YYYY-MM-DD (or YYYY-MM, YYYY): events whose date starts by it
    near: tuple[float, float, float] | None = None  # lat, lon, km (haversine)
    doc_id: str | None = None


@dataclass(frozen=True)
class UpsertSummary:
    documents: int = 0  # documents written
    events: int = 0  # event rows written
    replaced: int = 0  # documents that were already stored (their old rows were deleted)


def _plover_types() -> tuple[str, ...]:
    from ..evaluate.plover import PLOVER_TYPES

    return tuple(PLOVER_TYPES)


def parse_near(text: str) -> tuple[float, float, float]:
    """ "LAT,LON,KM" -> (lat, lon, km); EC032 when malformed or out of range."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 3:
        raise InputError(Errors.EC032, value=text, detail="expected three comma-separated numbers")
    try:
        lat, lon, km = (float(p) for p in parts)
    except ValueError:
        raise InputError(Errors.EC032, value=text, detail="not numbers") from None
    return _check_near((lat, lon, km), text)


def _check_near(near: Any, shown: Any) -> tuple[float, float, float]:
    try:
        lat, lon, km = (float(x) for x in near)
    except (TypeError, ValueError):
        raise InputError(Errors.EC032, value=str(shown), detail="expected (lat, lon, km)") from None
    if not all(math.isfinite(x) for x in (lat, lon, km)):
        raise InputError(Errors.EC032, value=str(shown), detail="not finite numbers")
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise InputError(Errors.EC032, value=str(shown), detail="latitude or longitude out of range")
    if km <= 0:
        raise InputError(Errors.EC032, value=str(shown), detail="the radius must be more than 0 km")
    return lat, lon, km


def _day(value: str, option: str, end: bool) -> str:
    m = _DATE_ARG.match(str(value).strip())
    if not m:
        raise InputError(Errors.EC033, value=value, option=option, detail="")
    y, mo, d = int(m[1]), m[2], m[3]
    try:
        if d:
            return dt.date(y, int(mo), int(d)).isoformat()
        if mo:
            first = dt.date(y, int(mo), 1)
            if not end:
                return first.isoformat()
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            return (nxt - dt.timedelta(days=1)).isoformat()
        return dt.date(y, 12, 31).isoformat() if end else dt.date(y, 1, 1).isoformat()
    except ValueError:
        raise InputError(Errors.EC033, value=value, option=option, detail="") from None


def normalize_query(query: EventQuery) -> EventQuery:
    """Validated, canonical filters (upper-case type and country, since/until as days);
    InputError EC032-EC035 for a bad value, so the CLI and the HTTP API report alike."""
    changes: dict[str, Any] = {}
    if query.type is not None:
        t = str(query.type).strip().upper()
        types = _plover_types()
        if t not in types:
            raise InputError(Errors.EC034, value=query.type, choices=", ".join(types))
        changes["type"] = t
    if query.country is not None:
        c = str(query.country).strip().upper()
        code = cc2_to_cc3(c) if len(c) == 2 else c
        if code is None or code not in country_names():
            raise InputError(Errors.EC035, value=query.country)
        changes["country"] = code
    since = _day(query.since, "since", end=False) if query.since is not None else None
    until = _day(query.until, "until", end=True) if query.until is not None else None
    if since and until and since > until:
        raise InputError(
            Errors.EC033, value=query.since, option="since", detail=f" (it is after until {until})"
        )
    changes["since"], changes["until"] = since, until
    if query.near is not None:
        changes["near"] = _check_near(query.near, query.near)
    return replace(query, **changes)


def _where(q: EventQuery, fused: bool = False) -> tuple[str, list[Any]]:
    """WHERE clause over ``events e`` (or ``fused_events f``) for a normalized query."""
    t = "f" if fused else "e"
    parts: list[str] = []
    params: list[Any] = []
    if q.doc_id is not None:
        parts.append("EXISTS (SELECT 1 FROM fusion_members m WHERE m.fused_id = f.fused_id AND m.doc_id = ?)"
                     if fused else "e.doc_id = ?")
        params.append(q.doc_id)
    if q.type is not None:
        parts.append(f"{t}.type = ?")
        params.append(q.type)
    if q.country is not None:
        if fused:
            parts.append("(f.location_cc3 = ? OR f.actor_country = ? OR f.recipient_country = ?)")
            params += [q.country] * 3
        else:
            parts.append(
                "(e.location_cc3 = ? OR EXISTS (SELECT 1 FROM actors a WHERE a.event_id = e.event_id"
                " AND a.role IN ('actor', 'recipient') AND a.country = ?))"
            )
            params += [q.country, q.country]
    if q.since is not None:  # overlap: an event dated 2020-09 reaches --since 2020-09-15
        parts.append(f"{t}.date_last >= ?")
        params.append(q.since)
    if q.until is not None:
        parts.append(f"{t}.date_first <= ?")
        params.append(q.until)
    if q.near is not None:
        lat, lon, km = q.near
        parts.append(
            f"{t}.location_lat IS NOT NULL AND {t}.location_lon IS NOT NULL AND "
            f"2 * {_EARTH_KM} * asin(least(1.0, sqrt("
            f"power(sin(radians({t}.location_lat - ?) / 2), 2) + "
            f"cos(radians(?)) * cos(radians({t}.location_lat)) * "
            f"power(sin(radians({t}.location_lon - ?) / 2), 2)))) <= ?"
        )
        params += [lat, lat, lon, km]
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


_SELECT_COLUMNS = {
    **{c: f"e.{c}" for c in EVENT_COLUMNS},
    **{f"actor_{f}": f"a1.{f}" for f in ("name", "country", "sector", "title", "kind", "text")},
    **{f"recipient_{f}": f"a2.{f}" for f in ("name", "country", "sector", "title", "kind", "text")},
    **{f: f"d.{f}" for f in ("publisher", "published", "url", "title")},
}
_EVENTS_SQL = (
    "SELECT "
    + ", ".join(_SELECT_COLUMNS[c] for c in EVENT_COLUMNS)
    + " FROM events e JOIN documents d ON d.doc_id = e.doc_id"
    " LEFT JOIN actors a1 ON a1.event_id = e.event_id AND a1.role = 'actor'"
    " LEFT JOIN actors a2 ON a2.event_id = e.event_id AND a2.role = 'recipient'"
)
_ORDER = " ORDER BY e.date_first NULLS LAST, e.doc_id, e.seq"
_INTEGRAL = ("fatalities_best", "fatalities_low", "fatalities_high", "injured_best", "injured_low",
             "injured_high")


def _display(target: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(target)
    if parts.password is None:
        return target
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class _Write:
    """One ``upsert`` call waiting for the writer: its documents, then its result or error."""

    def __init__(self, docs: list[DocumentResult]) -> None:
        self.docs = docs
        self.done = threading.Event()
        self.result: UpsertSummary | None = None
        self.error: BaseException | None = None


class Store:
    """Documents and their events in normalized tables; see ``docs/ARCHITECTURE.md`` (Store)."""

    def __init__(self, backend: Backend) -> None:
        self._db = backend
        self._writer = threading.Lock()  # one group of writes at a time (group commit, ``upsert``)
        self._queue_lock = threading.Lock()
        self._waiting: list[_Write] = []
        self.kind = backend.kind
        self.target = backend.target
        self._migrate()

    # -- schema ------------------------------------------------------------------------------
    def _migrate(self) -> None:
        latest = MIGRATIONS[-1].version
        with self._guard(), self._db.transaction() as tx:
            lock = getattr(self._db, "migration_lock", None)
            if lock is not None:
                lock(tx)
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "applied_at TEXT NOT NULL, description TEXT NOT NULL)"
            )
            done = {int(v) for (v,) in tx.fetchall("SELECT version FROM schema_migrations")}
            if done and max(done) > latest:
                raise InputError(Errors.EC036, target=self.target, found=max(done), known=latest)
            for m in MIGRATIONS:
                if m.version in done:
                    continue
                for statement in m.statements:
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO schema_migrations (version, applied_at, description) VALUES (?, ?, ?)",
                    [m.version, _now(), m.description],
                )
            if tx.fetchall("SELECT 1 FROM fusion_state WHERE name = 'rebuild'"):
                # a store from before fusion (or whose options changed): fuse what it holds
                from .fusion import load_options, rebuild

                self._fusion_lock(tx)
                rebuild(tx, load_options(tx), _EVENTS_SQL)

    def _fusion_lock(self, tx: Tx) -> None:
        lock = getattr(self._db, "advisory_lock", None)
        if lock is not None:
            from .fusion import FUSION_LOCK

            lock(tx, FUSION_LOCK)

    def fusion_options(self) -> FusionOptions:
        """The windows this store fuses with (``eventcoder fuse`` sets them)."""
        from .fusion import load_options

        with self._guard(), self._db.read() as tx:
            return load_options(tx)

    def refuse(self, options: FusionOptions | None = None) -> int:
        """Fuse every stored report again, with ``options`` (kept for later writes) or the
        store's own; returns the number of fused events."""
        from .fusion import load_options, rebuild

        with self._guard(), self._db.transaction() as tx:
            self._fusion_lock(tx)
            return rebuild(tx, options or load_options(tx), _EVENTS_SQL)

    def migrations(self) -> list[dict[str, Any]]:
        """The recorded migrations, oldest first."""
        with self._guard(), self._db.read() as tx:
            rows = tx.fetchall(
                "SELECT version, applied_at, description FROM schema_migrations ORDER BY version"
            )
        return [{"version": int(v), "applied_at": a, "description": d} for v, a, d in rows]

    # -- writing -----------------------------------------------------------------------------
    def upsert(self, docs: Iterable[DocumentResult]) -> UpsertSummary:
        """Store documents (failed ones too, with their error code). A document already stored
        is replaced whole: its old rows are deleted and the new ones written in one transaction.
        The same id twice in ``docs`` is stored once when the texts agree; with different texts
        nothing is written and InputError EC080 says which (``duplicates.py``: never silent).

        Returns once the documents are committed. Calls from several threads at once are
        committed together (group commit): the first to get the writer writes every call waiting
        then, in one transaction per 200 documents, and a later call of the same id wins as if the
        calls had run one after the other. If such a group fails, each call is written alone, so a
        failure is only ever its own call's."""
        from ..duplicates import fingerprint

        latest: dict[str, DocumentResult] = {}
        for doc in docs:
            first = latest.setdefault(doc.id, doc)
            if first is not doc and fingerprint(first) != fingerprint(doc):
                raise InputError(Errors.EC080, id=doc.id, what=doc.source or "a document",
                                 first=first.source or "an earlier document in the same call")
        write = _Write(list(latest.values()))
        if not write.docs:
            return UpsertSummary()
        with self._queue_lock:
            self._waiting.append(write)
        with self._writer:
            if not write.done.is_set():
                with self._queue_lock:
                    group, self._waiting = self._waiting, []
                self._write_group(group)
        write.done.wait()
        if write.error is not None:
            raise write.error
        assert write.result is not None
        return write.result

    def _write_group(self, group: list[_Write]) -> None:
        """Write the calls of ``group`` together; alone when together fails (see ``upsert``)."""
        merged: dict[str, DocumentResult] = {}
        for w in group:
            for doc in w.docs:
                merged.pop(doc.id, None)  # the later call wins, as if written after
                merged[doc.id] = doc
        try:
            existed = self._write_all(sorted(merged.values(), key=lambda d: d.id))
        except BaseException as exc:
            if len(group) == 1:
                group[0].error = exc
                group[0].done.set()
                return
            for w in group:
                self._write_group([w])
            return
        for w in group:
            events = sum(len({e.id for e in d.events}) for d in w.docs)
            w.result = UpsertSummary(len(w.docs), events, sum(d.id in existed for d in w.docs))
            w.done.set()

    def _write_all(self, docs: list[DocumentResult]) -> set[str]:
        """Write ``docs`` in transactions of ``_CHUNK`` documents; the ids that were stored before."""
        existed: set[str] = set()
        for start in range(0, len(docs), _CHUNK):
            existed |= self._write_chunk(docs[start : start + _CHUNK])
        return existed

    def _write_chunk(self, docs: list[DocumentResult]) -> set[str]:
        from .fusion import load_options, old_fused_ids, refuse_documents

        stamp = _now()
        tables: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
        for doc in docs:
            for table, rows in document_rows(doc, stamp).items():
                tables[table].extend(rows)
        ids = [d.id for d in docs]
        marks = ", ".join("?" for _ in ids)
        retryable = getattr(self._db, "is_retryable", None)
        with self._guard():
            for attempt in range(5):
                try:
                    with self._db.transaction() as tx:
                        tx.lock(ids)
                        self._fusion_lock(tx)
                        existing = tx.fetchall(f"SELECT doc_id FROM documents WHERE doc_id IN ({marks})", ids)
                        old_fused = old_fused_ids(tx, ids)
                        for table in (*CHILD_TABLES, "documents"):
                            tx.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks})", ids)
                        for table in ("documents", "events", "actors", "places", "mentions"):
                            tx.insert(table, tables[table])
                        refuse_documents(tx, docs, old_fused, load_options(tx), _EVENTS_SQL)
                    return {str(r[0]) for r in existing}
                except Exception as exc:
                    # PostgreSQL: a deadlock or a race on a new row is retried; the locks make it rare
                    if retryable is not None and retryable(exc) and attempt < 4:
                        time.sleep(0.05 * (attempt + 1))
                        continue
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- reading -----------------------------------------------------------------------------
    def events(self, query: EventQuery, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Flat event rows (keys of ``output.EVENT_COLUMNS``), ordered by the first day of the
        event's date (undated last), then document id, then position in the document."""
        q = normalize_query(query)
        limit, offset = _page(limit, offset)
        where, params = _where(q)
        with self._guard(), self._db.read() as tx:
            rows = tx.fetchall(_EVENTS_SQL + where + _ORDER + " LIMIT ? OFFSET ?", [*params, limit, offset])
        out = []
        for row in rows:
            rec = dict(zip(EVENT_COLUMNS, row, strict=True))
            for key in _INTEGRAL:
                v = rec[key]
                if isinstance(v, float) and v.is_integer():
                    rec[key] = int(v)
            out.append(rec)
        return out

    def count_events(self, query: EventQuery) -> int:
        q = normalize_query(query)
        where, params = _where(q)
        with self._guard(), self._db.read() as tx:
            return int(tx.fetchall("SELECT count(*) FROM events e" + where, params)[0][0])

    def fused_events(self, query: EventQuery, limit: int = 100, offset: int = 0) -> list[FusedEvent]:
        """Fused events (one per real-world event, with every report), ordered like ``events``:
        first day (undated last), then id. Filters: type; country of the actor, recipient or
        place; the date window; ``near``; ``doc_id`` (fused events holding a report of it)."""
        q = normalize_query(query)
        limit, offset = _page(limit, offset)
        where, params = _where(q, fused=True)
        with self._guard(), self._db.read() as tx:
            rows = tx.fetchall("SELECT f.record FROM fused_events f" + where
                               + " ORDER BY f.date_first NULLS LAST, f.fused_id LIMIT ? OFFSET ?",
                               [*params, limit, offset])
        return [FusedEvent.from_dict(json.loads(r[0])) for r in rows]

    def fused_event(self, fused_id: str) -> FusedEvent | None:
        with self._guard(), self._db.read() as tx:
            rows = tx.fetchall("SELECT record FROM fused_events WHERE fused_id = ?", [fused_id])
        return FusedEvent.from_dict(json.loads(rows[0][0])) if rows else None

    def count_fused(self, query: EventQuery) -> int:
        q = normalize_query(query)
        where, params = _where(q, fused=True)
        with self._guard(), self._db.read() as tx:
            return int(tx.fetchall("SELECT count(*) FROM fused_events f" + where, params)[0][0])

    def document(self, doc_id: str) -> DocumentResult | None:
        """The stored record, exactly as ``eventcoder code`` wrote it (``DocumentResult``)."""
        with self._guard(), self._db.read() as tx:
            rows = tx.fetchall("SELECT record FROM documents WHERE doc_id = ?", [doc_id])
        return DocumentResult.from_dict(json.loads(rows[0][0])) if rows else None

    def summary(self, query: EventQuery, fused: bool = False) -> dict[str, Any]:
        """Counts for a corpus view: events (fused events with ``fused``), documents (with a
        matching event; every stored document when only ``doc_id`` or nothing is given), failed
        documents, events by type and by month (events whose date lies within one month; the
        others are counted in ``no_month``); with ``fused`` also the reports they hold."""
        q = normalize_query(query)
        where, params = _where(q, fused)
        t, table = ("f", "fused_events f") if fused else ("e", "events e")
        event_filter = any(getattr(q, f) is not None for f in ("type", "country", "since", "until", "near"))
        and_ = " AND " if where else " WHERE "
        doc_where = " WHERE doc_id = ?" if q.doc_id is not None else ""
        doc_params = [q.doc_id] if q.doc_id is not None else []
        with self._guard(), self._db.read() as tx:
            if fused:
                n_events, n_reports = tx.fetchall(
                    f"SELECT count(*), coalesce(sum(f.n_reports), 0) FROM {table}" + where, params)[0]
                n_docs = tx.fetchall(
                    "SELECT count(DISTINCT m.doc_id) FROM fusion_members m JOIN fused_events f "
                    "ON f.fused_id = m.fused_id" + where, params)[0][0]
            else:
                n_events, n_docs = tx.fetchall(
                    f"SELECT count(*), count(DISTINCT e.doc_id) FROM {table}" + where, params
                )[0]
            if not event_filter:
                n_docs = tx.fetchall("SELECT count(*) FROM documents" + doc_where, doc_params)[0][0]
            failed = tx.fetchall(
                "SELECT count(*) FROM documents"
                + (doc_where + " AND " if doc_where else " WHERE ")
                + "status = 'failed'",
                doc_params,
            )[0][0]
            by_type = tx.fetchall(
                f"SELECT {t}.type, count(*) AS n FROM {table}"
                + where
                + f" GROUP BY {t}.type ORDER BY n DESC, {t}.type",
                params,
            )
            month = f"substr({t}.date_first, 1, 7)"
            dated = f"{t}.date_value IS NOT NULL AND " if fused else ""
            by_month = tx.fetchall(
                f"SELECT {month} AS m, count(*) FROM {table}"
                + where
                + and_
                + f"{dated}{t}.date_first IS NOT NULL AND {month} = substr({t}.date_last, 1, 7)"
                + f" GROUP BY {month} ORDER BY m",
                params,
            )
        in_months = sum(int(n) for _, n in by_month)
        out = {
            "events": int(n_events),
            "documents": int(n_docs),
            "failed": int(failed),
            "by_type": {t: int(n) for t, n in by_type},
            "by_month": {m: int(n) for m, n in by_month},
            "no_month": int(n_events) - in_months,
        }
        if fused:
            out["reports"] = int(n_reports)
        return out

    def document_index(self) -> dict[str, tuple[str, int]]:
        """Every stored document id with its status and its number of events rows (for checks of
        what a store holds: the load and crash tests, a user's audit)."""
        with self._guard(), self._db.read() as tx:
            rows = tx.fetchall("SELECT d.doc_id, d.status, (SELECT count(*) FROM events e "
                               "WHERE e.doc_id = d.doc_id) FROM documents d")
        return {str(i): (str(s), int(n)) for i, s, n in rows}

    def table_counts(self) -> dict[str, int]:
        """Rows per table."""
        with self._guard(), self._db.read() as tx:
            return {t: int(tx.fetchall(f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES}

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _guard(self) -> _Guard:
        return _Guard(self._db)


class _Guard:
    """Turns a driver's error into a coded EC037 (bad arguments stay InputErrors)."""

    def __init__(self, db: Backend) -> None:
        self.db = db

    def __enter__(self) -> None:
        return None

    def __exit__(self, etype: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None or isinstance(exc, EventcoderError):
            return
        is_db_error = getattr(self.db, "is_db_error", None)
        if is_db_error is not None and is_db_error(exc):
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EventcoderError(Errors.EC037, target=self.db.target, detail=detail) from exc


def _page(limit: int, offset: int) -> tuple[int, int]:
    try:
        limit_i, offset_i = int(limit), int(offset)
    except (TypeError, ValueError):
        raise InputError(
            Errors.EC038, option="limit/offset", value=f"{limit}/{offset}", detail="not integers"
        ) from None
    if not 0 <= limit_i <= _MAX_LIMIT:
        raise InputError(Errors.EC038, option="limit", value=limit, detail=f"use 0 to {_MAX_LIMIT:,}")
    if not 0 <= offset_i <= MAX_OFFSET:
        raise InputError(Errors.EC038, option="offset", value=offset, detail=f"use 0 to {MAX_OFFSET:,}")
    return limit_i, offset_i


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def open_store(target: str | os.PathLike[str]) -> Store:
    """A path (or ``:memory:``) opens a DuckDB file, a ``postgresql://`` URL a PostgreSQL
    database; the schema is created or migrated. InputError EC030/EC031/EC025 when it cannot."""
    text = os.fspath(target)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", text)
    if m:
        if m[1].lower() not in ("postgresql", "postgres"):
            raise InputError(Errors.EC031, target=_display(text))
        return Store(PostgresBackend(text, _display(text)))
    if not text.strip():
        raise InputError(Errors.EC031, target=text)
    return Store(DuckDBBackend(text))
