"""Fusion on Spark: the Parquet events of ``eventcoder spark`` fused into ``OUTPUT/fused``.

The same fusion as one machine's (``fusion/cluster.py``), in distributed steps:

1. **Units**: events are grouped by document; each document's reports become units, one row
   each, carrying its members' event rows (JSON), whether it is precisely dated, its window and
   its blocks: every ``(month, country)`` its date window (widened by ``days``) touches, or, for
   a window too wide to fuse loosely, the exact window.
2. **Cores**: precise units are exploded by block and each block is swept as on one machine;
   compatible pairs give connected components by label propagation (each unit takes the
   smallest label among its neighbours until none changes), and each component is clustered on
   one executor into cores.
3. **Attachment**: vague units meet the precise units of their blocks; each collects the cores of
   the compatible ones and chooses the best fitting (``cluster.choose``).
4. **Pool**: the vague units that fit no core are grouped by window and clustered per group.
5. **Fused events**: each core with the vague units it took, and each pool cluster, become a
   fused event, written partitioned by ``month`` of its first day (``month=unknown`` when undated).

Blocks are exact (two compatible units always share one) and every decision is local, so the
fused events equal ``fusion.fuse`` on the same reports (``tests/test_spark.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from eventcoder.fusion import gc_paused
from eventcoder.fusion.cluster import choose, core_key, cores, is_precise, pool, reports_of, units
from eventcoder.fusion.flat import FUSED_COLUMNS, fused_fields, fused_row
from eventcoder.fusion.fused import fused_event
from eventcoder.fusion.match import compatible
from eventcoder.fusion.options import FusionOptions
from eventcoder.fusion.reports import Prepared, Unit, prepare, report_from_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["FusionSummary", "spark_fuse", "unit_blocks"]

_UNIT_SCHEMA = pa.schema([("unit_id", pa.string()), ("precise", pa.bool_()), ("window", pa.string()),
                          ("blocks", pa.list_(pa.string())), ("members", pa.string())])
_PAIR_SCHEMA = pa.schema([("a", pa.string()), ("b", pa.string())])
_CORE_SCHEMA = pa.schema([("unit_id", pa.string()), ("core", pa.string()), ("orient", pa.int64()),
                          ("members", pa.string())])
_CHOICE_SCHEMA = pa.schema([("unit_id", pa.string()), ("core", pa.string()), ("orient", pa.int64()),
                            ("members", pa.string())])
_FUSED_SCHEMA = pa.schema([*fused_fields(), ("record", pa.string()), ("month", pa.string())])


def unit_blocks(u: Unit, options: FusionOptions) -> list[str]:
    """The blocks a unit is compared in: ``month|country`` for each month its widened window
    touches (``exact|first|last|country`` for windows too wide to join loosely)."""
    if u.first is None or u.last is None:
        return []
    if u.last - u.first + 1 > options.max_span_days:
        return [f"exact|{u.first}|{u.last}|{a}" for a in sorted(u.anchors)]
    months = []
    day = dt.date.fromordinal(u.first - options.days).replace(day=1)
    end = dt.date.fromordinal(u.last + options.days)
    while day <= end:
        months.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return [f"{m}|{a}" for m in months for a in sorted(u.anchors)]


def _unit(members: str, idx: int, options: FusionOptions) -> Unit:
    return Unit([(Prepared(report_from_row(row), 0, options), int(o)) for row, o in json.loads(members)], idx)


def _batches(rows: Iterable[dict[str, Any]], schema: pa.Schema, size: int = 256) -> Iterator[pa.RecordBatch]:
    out: list[dict[str, Any]] = []
    for row in rows:
        out.append(row)
        if len(out) >= size:
            yield pa.RecordBatch.from_pylist(out, schema=schema)
            out = []
    if out:
        yield pa.RecordBatch.from_pylist(out, schema=schema)


def _grouped(batches: Iterable[pa.RecordBatch], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for batch in batches:
        for row in batch.to_pylist():
            groups.setdefault(str(row[key]), []).append(row)
    return groups


def _units_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Events (repartitioned by document) -> one row per unit, with its members' own event rows."""
    def rows() -> Iterator[dict[str, Any]]:
        for events in _grouped(batches, "doc_id").values():
            by_id = {str(r["event_id"]): r for r in events}
            for u in units(prepare((report_from_row(r) for r in events), options), options):
                window = json.dumps([u.type, u.realis, u.first, u.last])
                yield {"unit_id": u.key, "precise": is_precise(u), "window": window,
                       "blocks": unit_blocks(u, options),
                       "members": json.dumps([[by_id[p.key], o] for p, o in u.members], ensure_ascii=True)}

    return _batches(rows(), _UNIT_SCHEMA, 512)


def _sweep(us: list[Unit], exact: bool, options: FusionOptions) -> Iterator[tuple[Unit, Unit]]:
    """Pairs of a block's units of different documents whose windows reach each other."""
    us = sorted(us, key=lambda u: (u.first, u.key))
    for i, x in enumerate(us):
        assert x.last is not None
        for y in us[i + 1:]:
            if not exact and y.first > x.last + options.days:  # type: ignore[operator]
                break
            if x.doc != y.doc:
                yield x, y


def _pairs_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Units of one or more blocks (repartitioned by block) -> their compatible pairs: precise with
    precise (for cores), and vague with precise (``a`` vague) for attachment."""
    def rows() -> Iterator[dict[str, str]]:
        for block, members in _grouped(batches, "block").items():
            us = [_unit(r["members"], k, options) for k, r in enumerate(members)]
            for x, y in _sweep(us, block.startswith("exact|"), options):
                px, py = is_precise(x), is_precise(y)
                if (px or py) and compatible(x, y, options):
                    if px and py:
                        a, b = sorted((x.key, y.key))
                    else:
                        a, b = (y.key, x.key) if px else (x.key, y.key)
                    yield {"a": a, "b": b}

    return _batches(rows(), _PAIR_SCHEMA, 1024)


def _cores_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Precise units of whole components (repartitioned by component) -> their cores."""
    def rows() -> Iterator[dict[str, Any]]:
        for members in _grouped(batches, "component").values():
            us = [_unit(r["members"], k, options) for k, r in enumerate(members)]
            raw = {r["unit_id"]: r["members"] for r in members}
            with gc_paused():
                found = cores(us, options)
            for core in found:
                key = core_key(core)
                for u, o in core:
                    yield {"unit_id": u.key, "core": key, "orient": o, "members": raw[u.key]}

    return _batches(rows(), _CORE_SCHEMA)


def _choices_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """A vague unit with the members of every core near it (repartitioned by vague unit) -> the
    core it joins and its orientation there."""
    def rows() -> Iterator[dict[str, Any]]:
        for unit_id, offers in _grouped(batches, "unit_id").items():
            v = _unit(offers[0]["members"], 0, options)
            by_core: dict[str, list[tuple[Unit, int]]] = {}
            for r in offers:
                member = (_unit(r["core_members"], 0, options), int(r["orient"]))
                by_core.setdefault(r["core"], []).append(member)
            got = choose(v, sorted(by_core.items()), options)
            if got is not None:
                yield {"unit_id": unit_id, "core": got[0], "orient": got[1], "members": offers[0]["members"]}

    return _batches(rows(), _CHOICE_SCHEMA)


def _fused_rows(groups: Iterable[list[tuple[Unit, int]]]) -> Iterator[dict[str, Any]]:
    for group in groups:
        ev = fused_event(reports_of(group))
        row = fused_row(ev)
        row["record"] = json.dumps(ev.to_dict(), ensure_ascii=False)
        row["month"] = ev.date.first[:7] if ev.date.value and ev.date.first else "unknown"
        yield row


def _core_events(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Core members and the vague units they took (repartitioned by core) -> fused event rows."""
    def groups() -> Iterator[list[tuple[Unit, int]]]:
        for members in _grouped(batches, "core").values():
            yield [(_unit(r["members"], 0, options), int(r["orient"])) for r in members]

    return _batches(_fused_rows(groups()), _FUSED_SCHEMA)


def _pool_events(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Vague units no core took (repartitioned by window) -> pool clusters as fused event rows."""
    def groups() -> Iterator[list[tuple[Unit, int]]]:
        for members in _grouped(batches, "window").values():
            us = [_unit(r["members"], k, options) for k, r in enumerate(members)]
            with gc_paused():
                yield from pool(us, options)

    return _batches(_fused_rows(groups()), _FUSED_SCHEMA)


class FusionSummary:
    def __init__(self, reports: int, fused: int, cross_document: int, rounds: int) -> None:
        self.reports, self.fused, self.cross_document, self.rounds = reports, fused, cross_document, rounds

    def text(self) -> str:
        return (f"fused {self.reports} reports into {self.fused} events ({self.cross_document} told by "
                f"several documents; components in {self.rounds} rounds)")


def _arrow_to_spark(schema: pa.Schema) -> Any:
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    def kind(t: pa.DataType) -> Any:
        if pa.types.is_list(t):
            return ArrayType(kind(t.value_type))
        known = {pa.int64(): LongType(), pa.float64(): DoubleType(), pa.bool_(): BooleanType()}
        return known.get(t, StringType())

    return StructType([StructField(f.name, kind(f.type)) for f in schema])


def _components(unit_ids: DataFrame, pairs: DataFrame) -> tuple[DataFrame, int]:
    """(unit_id, component) by label propagation: each unit takes the smallest label of itself and
    its neighbours until no label changes."""
    from pyspark.sql import functions as F

    edges = pairs.select(F.col("a").alias("src"), F.col("b").alias("dst")).union(
        pairs.select(F.col("b").alias("src"), F.col("a").alias("dst"))).cache()
    labels = unit_ids.select("unit_id", F.col("unit_id").alias("label")).localCheckpoint()
    rounds = 0
    while True:
        rounds += 1
        offered = edges.join(labels, edges.dst == labels.unit_id).select(
            F.col("src").alias("unit_id"), F.col("label"))
        fresh = labels.union(offered).groupBy("unit_id").agg(F.min("label").alias("label")).localCheckpoint()
        changed = fresh.join(labels.withColumnRenamed("label", "old"), "unit_id").where(
            F.col("label") != F.col("old")).limit(1).count()
        labels = fresh
        if not changed:
            break
    edges.unpersist()
    return labels.withColumnRenamed("label", "component"), rounds


def spark_fuse(spark: SparkSession, events_path: str, output: str, options: FusionOptions | None = None,
               partitions: int | None = None) -> FusionSummary:
    """Fuse the Parquet events at ``events_path`` into ``output`` (Parquet, by ``month``)."""
    from pyspark.sql import functions as F

    opts = options or FusionOptions()
    n = partitions or spark.sparkContext.defaultParallelism
    events = spark.read.parquet(events_path)
    if "month" in events.columns:
        events = events.drop("month")
    n_reports = events.count()

    def arrow(fn: Any) -> Any:
        return lambda batches: fn(batches, opts)

    unit_rows = events.repartition(n, "doc_id").mapInArrow(arrow(_units_of), _arrow_to_spark(_UNIT_SCHEMA))
    unit_rows = unit_rows.localCheckpoint()
    # pairs within blocks: precise-precise (cores) and vague-precise (attachment)
    blocked = unit_rows.select("unit_id", "members", F.explode("blocks").alias("block"))
    pairs = blocked.repartition(n, "block").mapInArrow(arrow(_pairs_of), _arrow_to_spark(_PAIR_SCHEMA))
    pairs = pairs.distinct().localCheckpoint()
    precise = unit_rows.where(F.col("precise"))
    precise_ids = precise.select("unit_id")
    core_pairs = pairs.join(precise_ids.withColumnRenamed("unit_id", "a"), "a").join(
        precise_ids.withColumnRenamed("unit_id", "b"), "b").select("a", "b")
    labels, rounds = _components(precise_ids, core_pairs)
    by_component = precise.join(labels, "unit_id").select("component", "unit_id", "members")
    core_rows = by_component.repartition(n, "component").mapInArrow(
        arrow(_cores_of), _arrow_to_spark(_CORE_SCHEMA)).localCheckpoint()
    # each vague unit meets the cores of the precise units it is compatible with
    vague = unit_rows.where(~F.col("precise"))
    near = pairs.join(vague.select(F.col("unit_id").alias("a")), "a").join(
        core_rows.select(F.col("unit_id").alias("b"), "core"), "b")
    near = near.select(F.col("a").alias("unit_id"), "core").distinct()
    offers = near.join(core_rows.select("core", F.col("unit_id").alias("core_unit"), "orient",
                                        F.col("members").alias("core_members")), "core") \
        .join(vague.select("unit_id", "members"), "unit_id")
    choices = offers.repartition(n, "unit_id").mapInArrow(
        arrow(_choices_of), _arrow_to_spark(_CHOICE_SCHEMA)).localCheckpoint()
    # fused events: cores with the vague units they took; the pool of the rest, by window
    members = core_rows.select("core", "orient", "members").unionByName(
        choices.select("core", "orient", "members"))
    from_cores = members.repartition(n, "core").mapInArrow(arrow(_core_events),
                                                           _arrow_to_spark(_FUSED_SCHEMA))
    left = vague.join(choices.select("unit_id"), "unit_id", "left_anti").select("window", "members")
    from_pool = left.repartition(n, "window").mapInArrow(arrow(_pool_events), _arrow_to_spark(_FUSED_SCHEMA))
    from_cores.unionByName(from_pool).write.partitionBy("month").parquet(output)
    written = spark.read.parquet(output)
    n_fused = written.count()
    cross = written.where(F.col("n_documents") > 1).count()
    return FusionSummary(n_reports, n_fused, cross, rounds)


assert set(FUSED_COLUMNS) <= {f.name for f in _FUSED_SCHEMA}
