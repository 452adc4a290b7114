"""Fusion kept up to date inside the store, incrementally, in the transaction that writes documents.

Fusion's decisions are local (``fusion/cluster.py``): a core is a connected component of
precisely dated units; a vague unit joins the core it fits best among the cores around it; the
pool fuses vague units of one window. So storing documents re-fuses only:

1. the **cores** their precise units reach: the closure, under compatibility, of the new
   precise units and of the precise units that shared a fused event with the documents' old
   rows, found through ``fusion_keys`` (type, realis, a country, the day window);
2. the **vague units** whose choice may change: the new ones, those of the fused events being
   redone, and those compatible with a precise unit of the closure; each chooses again among the
   cores around it (new ones in memory, stored ones read back); a stored core that gains or
   loses one is rebuilt with its other members;
3. the **pool windows** of the vague units that fit no core.

The store then holds exactly what fusing every stored report at once gives (``rebuild``, used by
``eventcoder fuse --db`` and for stores from before fusion); ``tests/test_store_fusion.py``
checks the two agree. ``fusion_members`` keeps each report's unit, fused event, core (NULL in
the pool) and orientation; on PostgreSQL one advisory lock, taken after the per-document locks,
serializes fusion updates.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..fusion import (
    FusionOptions,
    Prepared,
    compatible,
    fused_event,
    gc_paused,
    prepare,
    reports_from_document,
)
from ..fusion.cluster import (
    Choice,
    Core,
    assemble,
    better,
    choose,
    core_key,
    cores,
    fit,
    is_precise,
    plan,
    pool,
    reports_of,
    units,
    window_key,
)
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
_MEMBER_COLUMNS = ("event_id", "doc_id", "unit_id", "unit_orient", "fused_id", "core", "orient", "score")


def load_options(tx: Tx) -> FusionOptions:
    rows = tx.fetchall("SELECT value FROM fusion_state WHERE name = 'options'")
    return FusionOptions.from_dict(json.loads(rows[0][0])) if rows else FusionOptions()


def save_options(tx: Tx, options: FusionOptions) -> None:
    tx.execute("DELETE FROM fusion_state WHERE name = 'options'")
    tx.execute("INSERT INTO fusion_state (name, value) VALUES ('options', ?)",
               [json.dumps(options.to_dict(), sort_keys=True)])


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    seq = sorted(set(items))
    for i in range(0, len(seq), _IN):
        yield seq[i:i + _IN]


def _select_in(tx: Tx, sql: str, column: str, values: Iterable[str]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for part in _chunks(values):
        out.extend(tx.fetchall(f"{sql} {column} IN ({_marks(len(part))})", part))
    return out


class _Loader:
    """Units read back from the store (members and orientation from ``fusion_members``, reports
    from ``events``), each read once per write."""

    def __init__(self, tx: Tx, options: FusionOptions, events_sql: str) -> None:
        self.tx, self.options, self.events_sql = tx, options, events_sql
        self.known: dict[str, Unit] = {}
        # unit -> (fused id, core, orientation, how well a vague unit fits its core)
        self.info: dict[str, tuple[str, str | None, int, float | None]] = {}

    def add(self, us: Iterable[Unit]) -> None:
        for u in us:
            self.known[u.key] = u

    def load(self, unit_ids: Iterable[str]) -> list[Unit]:
        asked = set(unit_ids)
        wanted = [u for u in asked if u not in self.known]
        members: dict[str, list[tuple[str, int]]] = defaultdict(list)
        sql = "SELECT event_id, unit_id, unit_orient, fused_id, core, orient, score FROM fusion_members WHERE"
        for event_id, unit_id, unit_orient, fused, core, orient, score in _select_in(self.tx, sql, "unit_id",
                                                                                      wanted):
            members[unit_id].append((event_id, int(unit_orient)))
            self.info[unit_id] = (fused, core, int(orient), None if score is None else float(score))
        rows = [dict(zip(EVENT_COLUMNS, r, strict=True)) for r in _select_in(
            self.tx, self.events_sql + " WHERE", "e.event_id", [e for ms in members.values() for e, _ in ms])]
        by_id = {str(r["event_id"]): r for r in rows}
        for unit_id, ms in members.items():
            got = [(Prepared(report_from_row(by_id[e]), 0, self.options), o) for e, o in ms if e in by_id]
            if got:
                self.known[unit_id] = Unit(got, 0)
        return [self.known[u] for u in sorted(asked) if u in self.known]


def _key_rows(us: Iterable[Unit]) -> list[tuple[Any, ...]]:
    out = []
    for u in us:
        if u.first is None or u.last is None:
            continue  # undated and unpublished: fused only within its document (it is a unit)
        for a in sorted(u.anchors):
            out.append((u.key, u.doc, u.type, int(u.realis), a, u.first, u.last, int(is_precise(u))))
    return out


class _Keys:
    """``fusion_keys`` rows read once per write for the days it touches: each type's rows whose
    windows reach a covered interval, widened when a later question asks beyond it, indexed by
    country (one query per type and widening, instead of one per unit)."""

    _MARGIN = 7  # days read beyond what is asked, so neighbouring questions need no new query

    def __init__(self, tx: Tx, options: FusionOptions) -> None:
        self.tx, self.days = tx, options.days
        self.index: dict[str, dict[tuple[str, int], list[tuple[str, str, int, int, int]]]] = {}
        self.cover: dict[str, tuple[int, int]] = {}

    def _ensure(self, typ: str, lo: int, hi: int) -> None:
        have = self.cover.get(typ)
        if have is not None and have[0] <= lo and hi <= have[1]:
            return
        lo, hi = lo - self._MARGIN, hi + self._MARGIN
        if have is not None:
            lo, hi = min(lo, have[0]), max(hi, have[1])
        rows = self.tx.fetchall(
            "SELECT unit_id, doc_id, realis, anchor, win_first, win_last, precise FROM fusion_keys "
            "WHERE type = ? AND win_first <= ? AND win_last >= ?", [typ, hi, lo])
        index: dict[tuple[str, int], list[tuple[str, str, int, int, int]]] = defaultdict(list)
        for unit_id, doc, realis, anchor, first, last, precise in rows:
            index[(anchor, int(precise))].append((unit_id, doc, int(realis), int(first), int(last)))
        self.index[typ], self.cover[typ] = index, (lo, hi)

    def around(self, u: Unit, precise: bool) -> list[str]:
        """Units of other documents in ``u``'s blocks whose windows reach ``u``'s."""
        if u.first is None or u.last is None or not u.anchors:
            return []
        lo, hi = u.first - self.days, u.last + self.days
        self._ensure(u.type, lo, hi)
        index, realis = self.index[u.type], int(u.realis)
        out = set()
        for a in u.anchors:
            for unit_id, doc, r, first, last in index.get((a, int(precise)), ()):
                if r == realis and doc != u.doc and first <= hi and last >= lo:
                    out.add(unit_id)
        return sorted(out)


def _closure(keys: _Keys, loader: _Loader, seeds: list[Unit], options: FusionOptions) -> list[Unit]:
    """The precise seeds and every precise unit reachable from them through compatible pairs."""
    inside = {u.key for u in seeds}
    frontier = list(seeds)
    while frontier:
        asked: dict[str, list[Unit]] = defaultdict(list)
        for u in frontier:
            for uid in keys.around(u, precise=True):
                if uid not in inside:
                    asked[uid].append(u)
        loader.load(asked)
        frontier = []
        for uid, askers in sorted(asked.items()):
            c = loader.known.get(uid)
            if c is not None and uid not in inside and any(compatible(a, c, options) for a in askers):
                inside.add(uid)
                frontier.append(c)
    return [loader.known[k] for k in sorted(inside)]


def fused_event_row(ev: FusedEvent) -> tuple[Any, ...]:
    """The ``fused_events`` row: the columns queries filter on, and the whole record as JSON
    (ASCII-escaped, as documents' records, so PostgreSQL's TEXT keeps it exactly)."""
    flat = fused_row(ev)
    flat.update(location_cc3=cc2_to_cc3(flat["location_country"]), n_conflicts=len(ev.conflicts),
                record=json.dumps(ev.to_dict(), ensure_ascii=True))
    return coerce_row("fused_events", flat)


def _write(tx: Tx, planned: Iterable[tuple[str | None, list[tuple[Unit, int]]]],
           chosen: dict[str, Choice]) -> int:
    members: list[tuple[Any, ...]] = []
    fused: list[tuple[Any, ...]] = []
    for core, group in planned:
        ev = fused_event(reports_of(group))
        fused.append(fused_event_row(ev))
        for u, orient in group:
            score = chosen[u.key][2] if u.key in chosen else None
            for p, unit_orient in u.members:
                members.append(coerce_row("fusion_members", dict(zip(_MEMBER_COLUMNS, (
                    p.key, p.doc, u.key, unit_orient, ev.id, core, orient, score), strict=True))))
    tx.insert("fusion_members", members)
    tx.insert("fused_events", fused)
    return len(fused)


def _delete(tx: Tx, table: str, column: str, values: Iterable[str]) -> None:
    for part in _chunks(values):
        tx.execute(f"DELETE FROM {table} WHERE {column} IN ({_marks(len(part))})", part)


def old_fused_ids(tx: Tx, doc_ids: Sequence[str]) -> list[str]:
    sql = "SELECT DISTINCT fused_id FROM fusion_members WHERE"
    return sorted({r[0] for r in _select_in(tx, sql, "doc_id", doc_ids)})


def _stored_cores(loader: _Loader, keys: Iterable[str]) -> dict[str, tuple[Core, list[Unit]]]:
    """Stored cores by key: their precise units with their orientation, and the vague units
    attached to them."""
    members: dict[str, set[str]] = defaultdict(set)
    for unit_id, core in _select_in(loader.tx, "SELECT DISTINCT unit_id, core FROM fusion_members WHERE",
                                    "core", keys):
        members[core].add(unit_id)
    loader.load(u for ids in members.values() for u in ids)
    out: dict[str, tuple[Core, list[Unit]]] = {}
    for key, ids in members.items():
        us = [loader.known[u] for u in sorted(ids) if u in loader.known]
        core = [(u, loader.info[u.key][2]) for u in us if is_precise(u)]
        out[key] = (core, [u for u in us if not is_precise(u)])
    return out


def refuse_documents(tx: Tx, docs: Sequence[DocumentResult], old_fused: Sequence[str],
                     options: FusionOptions, events_sql: str) -> None:
    """After ``docs`` were written (their old rows deleted; ``old_fused`` the fused events those rows
    were in): fuse their reports into the store."""
    ids = {d.id for d in docs}
    loader = _Loader(tx, options, events_sql)
    keys = _Keys(tx, options)
    # the other documents' units of the fused events the old rows were in
    units_of = "SELECT DISTINCT unit_id FROM fusion_members WHERE"
    mates = {r[0] for r in _select_in(tx, units_of, "fused_id", old_fused)}
    _delete(tx, "fusion_members", "doc_id", ids)
    _delete(tx, "fusion_keys", "doc_id", ids)
    with gc_paused():
        reports = (r for d in docs if d.status == "ok" for r in reports_from_document(d))
        fresh = units(prepare(reports, options), options)
        tx.insert("fusion_keys", _key_rows(fresh))
        loader.add(fresh)
        others = loader.load(mates)
        seeds = [u for u in [*fresh, *others] if is_precise(u)]
        vague: dict[str, Unit] = {u.key: u for u in [*fresh, *others] if not is_precise(u)}

        # 1. cores: the closure of the precise seeds, clustered again
        closure = _closure(keys, loader, seeds, options)
        new_cores = cores(closure, options)
        in_closure = {u.key for u in closure}
        stale = set(old_fused) | {loader.info[u][0] for u in in_closure if u in loader.info}
        redone = [r[0] for r in _select_in(tx, units_of, "fused_id", stale) if r[0] not in in_closure]
        vague.update((u.key, u) for u in loader.load(redone) if not is_precise(u))
        core_of = {u.key: core_key(c) for c in new_cores for u, _ in c}
        new_by_key = {core_key(c): c for c in new_cores}
        replaced = {loader.info[u][1] for u in in_closure if u in loader.info}  # old cores redone here
        # 2. vague units near the new cores: one whose core stands moves only for a new core that
        # fits it better than its own did (a pooled one: any that fits); one whose core was redone
        # chooses again among every core around it
        near: dict[str, set[str]] = defaultdict(set)
        for p in closure:
            for uid in keys.around(p, precise=False):
                near[uid].add(p.key)
        loader.load(near)
        chosen: dict[str, Choice] = {}
        for uid in sorted(near):
            v = loader.known.get(uid)
            if v is None or v.key in vague:
                continue
            if not any(compatible(v, loader.known[p], options) for p in near[uid]):
                continue
            _, old_core, old_orient, old_score = loader.info[uid]
            if old_core in replaced:
                vague[uid] = v
                continue
            got = choose(v, [(k, new_by_key[k]) for k in sorted({core_of[p] for p in near[uid]})], options)
            old = None if old_core is None or old_score is None else (old_core, old_orient, old_score)
            if got is not None and better(got, old):
                vague[uid] = v
                chosen[uid] = got
        # the others choose among every core around them: new ones, or stored ones read back
        around = {v.key: keys.around(v, precise=True) for v in vague.values() if v.key not in chosen}
        loader.load(uid for uids in around.values() for uid in uids)
        wanted: dict[str, set[str]] = {}
        for v_key, uids in around.items():
            wanted[v_key] = set()
            for uid in uids:
                if uid in core_of:
                    wanted[v_key].add(core_of[uid])
                elif uid in loader.info and (key := loader.info[uid][1]) is not None:
                    wanted[v_key].add(key)
        stored = _stored_cores(loader, {k for ks in wanted.values() for k in ks if k not in new_by_key})
        for v in sorted(vague.values(), key=lambda u: u.key):
            if v.key not in wanted:
                continue
            cands = [(k, new_by_key[k] if k in new_by_key else stored[k][0]) for k in sorted(wanted[v.key])
                     if k in new_by_key or (k in stored and stored[k][0])]
            got = choose(v, cands, options)
            if got is not None:
                chosen[v.key] = got
        # 3. stored cores that gain or lose a vague unit are rebuilt with their other members
        before = {v: loader.info[v][1] for v in vague if v in loader.info}
        touched = {k for k, _, _ in chosen.values() if k not in new_by_key}
        touched |= {k for v, k in before.items() if k is not None and k not in new_by_key
                    and k not in replaced and chosen.get(v, (None, 0))[0] != k}
        stored.update(_stored_cores(loader, touched - set(stored)))
        rebuilt: list[Core] = []
        for key in sorted(touched):
            core, attached = stored.get(key, ([], []))
            if not core:
                continue
            for u in attached:
                if u.key not in vague:  # its choice stands
                    vague[u.key] = u
                    fits = fit(u, core, options)
                    info = loader.info[u.key]
                    chosen[u.key] = ((key, fits[1], fits[0]) if fits is not None
                                     else (key, info[2], info[3] or 0.0))
            stale |= {loader.info[u.key][0] for u, _ in core}
            rebuilt.append(core)
        # 4. the pool: the windows of the vague units that fit no core, and of those that were in
        # the pool before, read back whole
        left = [v for v in vague.values() if v.key not in chosen]
        windows = {window_key(v) for v in vague.values() if v.first is not None
                   and (v.key not in chosen or (v.key in before and before[v.key] is None))}
        pooled: set[str] = set()
        for typ, realis, first, last in sorted(windows, key=str):
            pooled.update(r[0] for r in tx.fetchall(
                "SELECT DISTINCT k.unit_id FROM fusion_keys k JOIN fusion_members m ON m.unit_id = k.unit_id "
                "WHERE k.type = ? AND k.realis = ? AND k.win_first = ? AND k.win_last = ? AND m.core IS NULL",
                [typ, int(realis), first, last]))
        for u in loader.load(pooled):
            if u.key not in vague and not is_precise(u):
                vague[u.key] = u
                left.append(u)
        stale |= {loader.info[v.key][0] for v in vague.values() if v.key in loader.info}
        planned = assemble([*new_cores, *rebuilt], list(vague.values()), chosen, pool(left, options))
        # 5. replace what changed
        rewritten = {u.key for _, group in planned for u, _ in group}
        _delete(tx, "fused_events", "fused_id", stale)
        _delete(tx, "fusion_members", "unit_id", rewritten)
        _write(tx, planned, chosen)


def rebuild(tx: Tx, options: FusionOptions, events_sql: str) -> int:
    """Fuse every stored report from scratch (new options, or a store that predates fusion)."""
    for table in ("fusion_members", "fusion_keys", "fused_events"):
        tx.execute(f"DELETE FROM {table}")
    with gc_paused():
        reports = [report_from_row(dict(zip(EVENT_COLUMNS, r, strict=True)))
                   for r in tx.fetchall(events_sql + " ORDER BY e.doc_id, e.seq")]
        us = units(prepare(reports, options), options)
        tx.insert("fusion_keys", _key_rows(us))
        planned, chosen = plan(us, options)
        n = _write(tx, planned, chosen)
    save_options(tx, options)
    tx.execute("DELETE FROM fusion_state WHERE name = 'rebuild'")
    return n
