"""Fusion kept up to date inside the store, incrementally, in the transaction that writes documents.

Storing documents re-fuses only what they touch: their own units (the reports of one document
telling one event), the reports that shared a fused event with their old rows, and everything
compatible with those, found through ``fusion_keys`` (type, realis, a country, the unit's day
window) and closed under compatibility. That closure is a union of connected components of the
compatibility graph, and clusters never cross components (``fusion/cluster.py``), so the result
equals fusing the whole store at once; ``rebuild`` does exactly that (``eventcoder fuse``, or a
store migrated from a schema before fusion).

On PostgreSQL one advisory lock serializes fusion updates (taken after the per-document locks,
always in that order), so two writers never re-cluster one component at once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..fusion import FusionOptions, Prepared, fused_event, gc_paused, prepare, reports_from_document
from ..fusion.cluster import cluster_units, units
from ..fusion.flat import fused_row
from ..fusion.reports import Unit, report_from_row
from ..output import EVENT_COLUMNS
from ..records import DocumentResult, FusedEvent
from .backends import Tx
from .rows import cc2_to_cc3, coerce_row

__all__ = ["FUSION_LOCK", "fused_event_row", "load_options", "old_fused_ids", "rebuild", "refuse_documents",
           "save_options"]

FUSION_LOCK = 0x65766675  # "evfu": the advisory lock of fusion updates (PostgreSQL)
_IN = 500  # ids per IN (...) list


def load_options(tx: Tx) -> FusionOptions:
    rows = tx.fetchall("SELECT value FROM fusion_state WHERE name = 'options'")
    return FusionOptions.from_dict(json.loads(rows[0][0])) if rows else FusionOptions()


def save_options(tx: Tx, options: FusionOptions) -> None:
    tx.execute("DELETE FROM fusion_state WHERE name = 'options'")
    tx.execute("INSERT INTO fusion_state (name, value) VALUES ('options', ?)",
               [json.dumps(options.to_dict(), sort_keys=True)])


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _IN):
        yield list(items[i:i + _IN])


def _event_rows(tx: Tx, event_ids: Sequence[str], events_sql: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in _chunks(sorted(set(event_ids))):
        rows = tx.fetchall(events_sql + f" WHERE e.event_id IN ({_marks(len(part))})", part)
        out.extend(dict(zip(EVENT_COLUMNS, r, strict=True)) for r in rows)
    return out


def _load_units(tx: Tx, unit_ids: Sequence[str], options: FusionOptions, events_sql: str) -> list[Unit]:
    """Units as stored: members and their orientation from ``fusion_members``, reports from
    ``events``."""
    members: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for part in _chunks(sorted(set(unit_ids))):
        sql = ("SELECT event_id, unit_id, unit_orient FROM fusion_members "
               f"WHERE unit_id IN ({_marks(len(part))})")
        for event_id, unit_id, orient in tx.fetchall(sql, part):
            members[unit_id].append((event_id, int(orient)))
    wanted = [e for ms in members.values() for e, _ in ms]
    rows = {r["event_id"]: r for r in _event_rows(tx, wanted, events_sql)}
    out: list[Unit] = []
    for unit_id in sorted(members):
        ms = [(Prepared(report_from_row(rows[e]), 0, options), o) for e, o in members[unit_id] if e in rows]
        if ms:
            out.append(Unit(ms, 0))
    return out


def _key_rows(us: Iterable[Unit]) -> list[tuple[Any, ...]]:
    out = []
    for u in us:
        if u.first is None or u.last is None:
            continue  # undated and unpublished: fused only within its document (it is a unit)
        for a in sorted(u.anchors):
            out.append((u.key, u.doc, u.type, int(u.realis), a, u.first, u.last))
    return out


def _candidates(tx: Tx, u: Unit, options: FusionOptions) -> list[str]:
    if u.first is None or u.last is None or not u.anchors:
        return []
    anchors = sorted(u.anchors)
    rows = tx.fetchall(
        "SELECT DISTINCT unit_id FROM fusion_keys WHERE type = ? AND realis = ? AND doc_id <> ? "
        f"AND anchor IN ({_marks(len(anchors))}) AND win_first <= ? AND win_last >= ?",
        [u.type, int(u.realis), u.doc, *anchors, u.last + options.days, u.first - options.days],
    )
    return [r[0] for r in rows]


def _closure(tx: Tx, seeds: list[Unit], options: FusionOptions, events_sql: str) -> list[Unit]:
    """The seeds and every unit reachable from them through compatible pairs."""
    from ..fusion import compatible

    known: dict[str, Unit] = {u.key: u for u in seeds}
    inside = set(known)
    frontier = list(seeds)
    while frontier:
        wanted: dict[str, list[Unit]] = defaultdict(list)
        for u in frontier:
            for uid in _candidates(tx, u, options):
                if uid not in inside:
                    wanted[uid].append(u)
        missing = [uid for uid in wanted if uid not in known]
        for loaded in _load_units(tx, missing, options, events_sql):
            known[loaded.key] = loaded
        frontier = []
        for uid, askers in sorted(wanted.items()):
            c = known.get(uid)
            if c is not None and uid not in inside and any(compatible(a, c, options) for a in askers):
                inside.add(uid)
                frontier.append(c)
    return [known[k] for k in sorted(inside)]


def fused_event_row(ev: FusedEvent) -> tuple[Any, ...]:
    """The ``fused_events`` row: the columns queries filter on, and the whole record as JSON
    (ASCII-escaped, as documents' records, so PostgreSQL's TEXT keeps it exactly)."""
    flat = fused_row(ev)
    flat.update(location_cc3=cc2_to_cc3(flat["location_country"]), n_conflicts=len(ev.conflicts),
                record=json.dumps(ev.to_dict(), ensure_ascii=True))
    return coerce_row("fused_events", flat)


def _write_clusters(tx: Tx, us: list[Unit], options: FusionOptions) -> int:
    """Cluster ``us`` (a union of whole components) and write their fused events and members."""
    for k, u in enumerate(us):
        u.idx = k
    fused_out: list[tuple[Any, ...]] = []
    members_out: list[tuple[Any, ...]] = []
    unit_of: dict[str, tuple[str, int]] = {}
    for u in us:
        for p, o in u.members:
            unit_of[p.key] = (u.key, o)
    for cluster in cluster_units(us, options):
        ev = fused_event(cluster)
        fused_out.append(fused_event_row(ev))
        for p, _o in cluster:
            unit_id, unit_orient = unit_of[p.key]
            members_out.append((p.key, p.doc, unit_id, unit_orient, ev.id))
    tx.insert("fusion_members", [coerce_row("fusion_members", dict(zip(
        ("event_id", "doc_id", "unit_id", "unit_orient", "fused_id"), m, strict=True))) for m in members_out])
    tx.insert("fused_events", fused_out)
    return len(fused_out)


def _delete_fused(tx: Tx, fused_ids: Iterable[str]) -> None:
    for part in _chunks(sorted(set(fused_ids))):
        tx.execute(f"DELETE FROM fused_events WHERE fused_id IN ({_marks(len(part))})", part)


def refuse_documents(tx: Tx, docs: Sequence[DocumentResult], old_fused: Sequence[str],
                     options: FusionOptions, events_sql: str) -> None:
    """After ``docs`` were written (their old rows deleted, ``old_fused`` the fused events those
    rows belonged to): fuse their reports into the store."""
    ids = [d.id for d in docs]
    # the other members of the fused events the documents' old reports were in
    mates: set[str] = set()
    for part in _chunks(sorted(set(old_fused))):
        mates.update(r[0] for r in tx.fetchall(
            f"SELECT DISTINCT unit_id FROM fusion_members WHERE fused_id IN ({_marks(len(part))})", part))
    for part in _chunks(ids):
        for table in ("fusion_members", "fusion_keys"):
            tx.execute(f"DELETE FROM {table} WHERE doc_id IN ({_marks(len(part))})", part)
    fresh = units(prepare((r for d in docs if d.status == "ok" for r in reports_from_document(d)), options),
                  options)
    tx.insert("fusion_keys", _key_rows(fresh))
    seeds = fresh + _load_units(tx, sorted(mates), options, events_sql)
    closure = _closure(tx, seeds, options, events_sql)
    stale = set(old_fused)
    closure_ids = [u.key for u in closure]
    for part in _chunks(closure_ids):
        marks = _marks(len(part))
        stale.update(r[0] for r in tx.fetchall(
            f"SELECT DISTINCT fused_id FROM fusion_members WHERE unit_id IN ({marks})", part))
        tx.execute(f"DELETE FROM fusion_members WHERE unit_id IN ({marks})", part)
    _delete_fused(tx, stale)
    _write_clusters(tx, closure, options)


def old_fused_ids(tx: Tx, doc_ids: Sequence[str]) -> list[str]:
    out: set[str] = set()
    for part in _chunks(list(doc_ids)):
        out.update(r[0] for r in tx.fetchall(
            f"SELECT DISTINCT fused_id FROM fusion_members WHERE doc_id IN ({_marks(len(part))})", part))
    return sorted(out)


def rebuild(tx: Tx, options: FusionOptions, events_sql: str) -> int:
    """Fuse every stored report from scratch (new options, or a store that predates fusion)."""
    for table in ("fusion_members", "fusion_keys", "fused_events"):
        tx.execute(f"DELETE FROM {table}")
    with gc_paused():
        reports = [report_from_row(dict(zip(EVENT_COLUMNS, r, strict=True)))
                   for r in tx.fetchall(events_sql + " ORDER BY e.doc_id, e.seq")]
        us = units(prepare(reports, options), options)
        tx.insert("fusion_keys", _key_rows(us))
        n = _write_clusters(tx, us, options)
    save_options(tx, options)
    tx.execute("DELETE FROM fusion_state WHERE name = 'rebuild'")
    return n
