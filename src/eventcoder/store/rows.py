"""A ``DocumentResult`` as rows of the store's tables: pure functions, no database.

Flat event values come from ``output.event_row``, so the store, CSV and Parquet agree on every
column; the store adds what queries need (ISO-3 location country, the first and last day a
date value covers).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from ..output import event_row
from ..records import ActorRef, DocumentResult
from ..resources import read_table
from .schema import COLUMNS

__all__ = ["cc2_to_cc3", "coerce_row", "country_names", "date_bounds", "document_rows"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-(\d))?$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|AU|WI)$")
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11), "WI": (1, 12)}


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    to3: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in read_table("countries.tsv"):
        to3[row["iso2"]] = row["iso3"]
        names[row["iso3"]] = row["name"]
    return to3, names


def cc2_to_cc3(code: str | None) -> str | None:
    """ISO 3166 alpha-2 (places) to alpha-3 (actors, filters)."""
    return _countries()[0].get(code) if code else None


def country_names() -> dict[str, str]:
    """ISO-3 code -> English short name, from the bundled country table."""
    return _countries()[1]


def _span(y: int, m1: int, d1: int, m2: int, d2: int, y2: int | None = None) -> tuple[str, str] | None:
    try:
        return dt.date(y, m1, d1).isoformat(), dt.date(y2 or y, m2, d2).isoformat()
    except ValueError:
        return None


def _bounds_one(value: str) -> tuple[str, str] | None:
    m = _ISO.match(value)
    if m:
        y, mo, d = int(m[1]), m[2], m[3]
        if d:
            return _span(y, int(mo), int(d), int(mo), int(d))
        if mo:
            if not 1 <= int(mo) <= 12:
                return None
            return _span(y, int(mo), 1, int(mo), calendar.monthrange(y, int(mo))[1])
        return _span(y, 1, 1, 12, 31)
    m = _QUARTER.match(value)
    if m:
        y, q = int(m[1]), int(m[2])
        last = 3 * q
        return _span(y, last - 2, 1, last, calendar.monthrange(y, last)[1])
    m = _WEEK.match(value)
    if m:
        y, w, d = int(m[1]), int(m[2]), m[3]
        try:
            monday = dt.date.fromisocalendar(y, w, int(d) if d else 1)
            sunday = dt.date.fromisocalendar(y, w, int(d) if d else 7)
        except ValueError:
            return None
        return monday.isoformat(), sunday.isoformat()
    m = _SEASON.match(value)
    if m:
        y, (a, b) = int(m[1]), _SEASON_MONTHS[m[2]]
        return _span(y, a, 1, b, calendar.monthrange(y, b)[1])
    if re.fullmatch(r"\d{3}", value):  # a decade: "199" is the 1990s
        return _span(int(value) * 10, 1, 1, 12, 31, int(value) * 10 + 9)
    if re.fullmatch(r"\d{2}", value):  # a century: "19" is 1900-1999
        return _span(int(value) * 100, 1, 1, 12, 31, int(value) * 100 + 99)
    return None


def date_bounds(value: str | None) -> tuple[str | None, str | None]:
    """First and last day (YYYY-MM-DD) a TIMEX3 value covers; (None, None) when it names no
    calendar period (PAST_REF, XXXX-WXX-1). A range "A/B" runs from A's first day to B's last."""
    if not value:
        return None, None
    if "/" in value:
        a, _, b = value.partition("/")
        lo, hi = _bounds_one(a), _bounds_one(b)
        if lo is None or hi is None or lo[0] > hi[1]:
            return None, None
        return lo[0], hi[1]
    got = _bounds_one(value)
    return (None, None) if got is None else got


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


def _actor_row(ev_id: str, doc_id: str, role: str, a: ActorRef) -> dict[str, Any]:
    return {
        "event_id": ev_id,
        "doc_id": doc_id,
        "role": role,
        "name": a.name,
        "country": a.country,
        "sector": a.sector,
        "title": a.title,
        "rank": a.rank,
        "kind": a.kind,
        "text": a.text,
        "start_char": a.start,
        "end_char": a.end,
        "score": a.score,
        "method": a.method,
    }


def _clean(text: str) -> str:
    """PostgreSQL's TEXT holds neither NUL nor lone surrogates; the record keeps the exact text."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def coerce_row(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """A row dict as the values of ``COLUMNS[table]``, typed for the column (TEXT cleaned)."""
    out: list[Any] = []
    for name, kind in COLUMNS[table]:
        v = row.get(name)
        if v is not None:
            if kind == "float":
                v = float(v)
            elif kind in ("int", "bigint"):
                v = int(v)
            else:
                v = _clean(v if isinstance(v, str) else str(v))
        out.append(v)
    return tuple(out)


_DOCUMENT_TABLES = ("documents", "events", "actors", "places", "mentions")


def document_rows(doc: DocumentResult, stored_at: str) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per table (values in ``COLUMNS`` order) for one document; events with a repeated id
    are kept once (the first)."""
    # ASCII-escaped so a NUL or a lone surrogate in the text survives PostgreSQL's TEXT exactly
    record = json.dumps(doc.to_dict(), ensure_ascii=True)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in _DOCUMENT_TABLES}
    seen: set[str] = set()
    for seq, ev in enumerate(doc.events):
        if ev.id in seen:
            continue
        seen.add(ev.id)
        flat = event_row(doc, ev)
        first, last = date_bounds(ev.date.value if ev.date else None)
        flat.update(
            seq=seq,
            date_first=first,
            date_last=last,
            location_cc3=cc2_to_cc3(ev.location.country) if ev.location else None,
            method=ev.method,
        )
        rows["events"].append(flat)
        for role in ("actor", "recipient", "ordered_by"):
            ref = getattr(ev, role)
            if ref is not None:
                rows["actors"].append(_actor_row(ev.id, doc.id, role, ref))
    for seq, p in enumerate(doc.places):
        rows["places"].append(
            {
                "doc_id": doc.id,
                "seq": seq,
                "start_char": p.start,
                "end_char": p.end,
                "text": p.text,
                "name": p.name,
                "geonameid": p.geonameid,
                "country": p.country,
                "cc3": cc2_to_cc3(p.country),
                "admin1": p.admin1,
                "admin1_code": p.admin1_code,
                "lat": p.lat,
                "lon": p.lon,
                "geo_precision": p.precision,
                "feature": p.feature,
                "role": p.role,
                "score": p.score,
                "method": p.method,
            }
        )
    mentions = rows["mentions"]
    for seq, e in enumerate(doc.entities):
        mentions.append(
            {
                "doc_id": doc.id,
                "kind": "entity",
                "seq": seq,
                "start_char": e.start,
                "end_char": e.end,
                "text": e.text,
                "label": e.label,
                "method": e.method,
            }
        )
    for seq, t in enumerate(doc.times):
        mentions.append(
            {
                "doc_id": doc.id,
                "kind": "time",
                "seq": seq,
                "start_char": t.start,
                "end_char": t.end,
                "text": t.text,
                "label": t.type,
                "value": t.value,
                "time_precision": t.precision,
                "source": t.source,
                "method": t.method,
            }
        )
    for seq, q in enumerate(doc.quantities):
        mentions.append(
            {
                "doc_id": doc.id,
                "kind": "quantity",
                "seq": seq,
                "start_char": q.start,
                "end_char": q.end,
                "text": q.text,
                "label": q.kind,
                "value": None if q.value is None else str(q.value),
                "number": _float(q.value),
                "unit": q.unit,
                "counted": q.of,
                "method": q.method,
            }
        )
    rows["documents"].append(
        {
            "doc_id": doc.id,
            "status": doc.status,
            "error_code": doc.error.code if doc.error else None,
            "error_message": doc.error.message if doc.error else None,
            "url": doc.url,
            "publisher": doc.publisher,
            "published": doc.published,
            "published_source": doc.published_source,
            "title": doc.title,
            "source": doc.source,
            "main_country": doc.meta.get("main_country"),
            "text_sha256": hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest(),
            "n_events": len(rows["events"]),
            "eventcoder_version": doc.meta.get("eventcoder"),
            "stored_at": stored_at,
            "record": record,
            "encoding": doc.encoding.name if doc.encoding else None,
            "encoding_confidence": doc.encoding.confidence if doc.encoding else None,
        }
    )
    return {t: [coerce_row(t, r) for r in rs] for t, rs in rows.items()}
