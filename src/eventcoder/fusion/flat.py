"""A fused event as one flat row (CSV, Parquet, the store's columns) and as an event-shaped row
for the ACLED and PLOVER exporters, which were written for ``output.EVENT_COLUMNS``."""

from __future__ import annotations

from typing import Any

from ..records import FusedEvent, FusedParty

__all__ = ["FUSED_COLUMNS", "conflict_text", "event_like_row", "fused_fields", "fused_row"]

FUSED_COLUMNS: tuple[str, ...] = (
    "fused_id",
    "type",
    "mode",
    "cameo",
    "acled_event_type",
    "acled_sub_event_type",
    "date_value",
    "date_precision",
    "date_first",
    "date_last",
    "actor_name",
    "actor_country",
    "actor_sector",
    "actor_title",
    "actor_disputed",
    "recipient_name",
    "recipient_country",
    "recipient_sector",
    "recipient_title",
    "location_name",
    "location_geonameid",
    "location_country",
    "location_admin1",
    "location_admin1_code",
    "location_lat",
    "location_lon",
    "location_precision",
    "n_reports",
    "n_documents",
    "n_publishers",
    "n_cited",
    "sources",
    "documents",
    "reports",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "conflicts",
    "modality",
    "confidence",
    "first_published",
)
_INT = {"location_geonameid", "n_reports", "n_documents", "n_publishers", "n_cited"}
_FLOAT = {"location_lat", "location_lon", "confidence", "fatalities_low", "fatalities_best",
          "fatalities_high", "injured_low", "injured_best", "injured_high"}
_BOOL = {"actor_disputed"}


def fused_fields() -> list[tuple[str, Any]]:
    """Parquet column types of fused rows (``events --fused --format parquet`` and Spark)."""
    import pyarrow as pa

    return [(c, pa.int64() if c in _INT else pa.float64() if c in _FLOAT else pa.bool_() if c in _BOOL
             else pa.string()) for c in FUSED_COLUMNS]


def conflict_text(ev: FusedEvent) -> str | None:
    """"fatalities: 2 (A > ministry) | 3 (B); actor: ..." -- who said what, in one cell."""
    parts = []
    for c in ev.conflicts:
        claims = " | ".join(f"{x.value} ({', '.join(x.sources)})" for x in c.claims)
        parts.append(f"{c.field}: {claims}")
    return "; ".join(parts) or None


def _party(prefix: str, p: FusedParty | None) -> dict[str, Any]:
    return {f"{prefix}_name": p.name if p else None, f"{prefix}_country": p.country if p else None,
            f"{prefix}_sector": p.sector if p else None, f"{prefix}_title": p.title if p else None}


def fused_row(ev: FusedEvent) -> dict[str, Any]:
    acled_type, _, acled_sub = (ev.acled or "").partition("/")
    loc = ev.location
    fat, hurt = ev.fatalities, ev.injured
    published = [r.published for r in ev.reports if r.published]
    row: dict[str, Any] = {
        "fused_id": ev.id,
        "type": ev.type,
        "mode": ev.mode,
        "cameo": ev.cameo,
        "acled_event_type": acled_type or None,
        "acled_sub_event_type": acled_sub or None,
        "date_value": ev.date.value,
        "date_precision": ev.date.precision,
        "date_first": ev.date.first,
        "date_last": ev.date.last,
        **_party("actor", ev.actor),
        "actor_disputed": bool(ev.actor and ev.actor.disputed),
        **_party("recipient", ev.recipient),
        "location_name": loc.name if loc else None,
        "location_geonameid": loc.geonameid if loc else None,
        "location_country": loc.country if loc else None,
        "location_admin1": loc.admin1 if loc else None,
        "location_admin1_code": loc.admin1_code if loc else None,
        "location_lat": loc.lat if loc else None,
        "location_lon": loc.lon if loc else None,
        "location_precision": loc.precision if loc else None,
        "n_reports": len(ev.reports),
        "n_documents": ev.sources.documents,
        "n_publishers": ev.sources.publishers,
        "n_cited": ev.sources.cited,
        "sources": "; ".join(ev.sources.names) or None,
        "documents": "; ".join(ev.documents),
        "reports": "; ".join(r.event_id for r in ev.reports),
        "fatalities_low": fat.low if fat else None,
        "fatalities_best": fat.best if fat else None,
        "fatalities_high": fat.high if fat else None,
        "injured_low": hurt.low if hurt else None,
        "injured_best": hurt.best if hurt else None,
        "injured_high": hurt.high if hurt else None,
        "conflicts": conflict_text(ev),
        "modality": ev.modality,
        "confidence": ev.confidence,
        "first_published": min(published) if published else None,
    }
    return row


def event_like_row(ev: FusedEvent) -> dict[str, Any]:
    """The keys of ``output.EVENT_COLUMNS`` that the ACLED and PLOVER exporters read, filled from
    the fused event: one exported row per fused event, its sources in ``publisher``."""
    flat = fused_row(ev)
    first = ev.reports[0]
    notes = " | ".join(
        f"{r.publisher or r.doc_id}{f' ({r.published})' if r.published else ''}: {r.sentence or r.trigger}"
        for r in ev.reports)
    return {
        **{k: flat[k] for k in flat if k.startswith(("actor_", "recipient_", "location_", "fatalities_",
                                                      "injured_", "acled_", "date_"))},
        "event_id": ev.id,
        "doc_id": "; ".join(ev.documents),
        "type": ev.type,
        "mode": ev.mode,
        "cameo": ev.cameo,
        "trigger_text": "; ".join(dict.fromkeys(r.trigger for r in ev.reports if r.trigger)) or None,
        "sentence": notes,
        "publisher": flat["sources"],
        "cited_source": None,
        "published": flat["first_published"],
        "url": first.url,
        "title": None,
        "attribution": "; ".join(dict.fromkeys(r.attribution for r in ev.reports if r.attribution)) or None,
        "modality": ev.modality,
        "confidence": ev.confidence,
    }
