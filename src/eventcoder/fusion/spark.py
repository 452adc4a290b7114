"""Fusion on Spark: the Parquet events of ``eventcoder spark`` fused into ``OUTPUT/fused``.

The same fusion as one machine's, in four distributed steps:

1. **Units**: events are grouped by document; each document's reports become units
   (``cluster.units``), one row each, carrying its members' event rows (JSON) and its blocks:
   every ``(month, country)`` its date window (widened by ``days``) touches, or, for a window too
   wide to fuse loosely, the exact window.
2. **Pairs**: units are exploded by block and each block is swept as on one machine
   (``cluster.candidate_pairs``); compatible pairs are kept, once.
3. **Components**: connected components of the pairs by label propagation (each unit takes the
   smallest label among its neighbours until none changes); components are small, so it takes a
   few rounds.
4. **Clusters**: each component is clustered on one executor (``cluster.cluster_units``) into
   fused events, written partitioned by ``month`` of their first day (``month=unknown`` when
   undated).

Blocks are exact (two compatible units always share one), and clusters never cross components,
so the fused events equal ``fusion.fuse`` on the same reports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from eventcoder.fusion import gc_paused
from eventcoder.fusion.cluster import cluster_units, units
from eventcoder.fusion.flat import FUSED_COLUMNS, fused_fields, fused_row
from eventcoder.fusion.fused import fused_event
from eventcoder.fusion.match import compatible
from eventcoder.fusion.options import FusionOptions
from eventcoder.fusion.reports import Prepared, Unit, prepare, report_from_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["FusionSummary", "spark_fuse", "unit_blocks"]

_UNIT_SCHEMA = pa.schema([("unit_id", pa.string()), ("blocks", pa.list_(pa.string())),
                          ("members", pa.string())])
_PAIR_SCHEMA = pa.schema([("a", pa.string()), ("b", pa.string())])
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


def _units_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Events (repartitioned by document) -> one row per unit, with its members' own event rows."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for batch in batches:
        for row in batch.to_pylist():
            by_doc.setdefault(str(row["doc_id"]), []).append(row)
    out: list[dict[str, Any]] = []
    for rows in by_doc.values():
        by_id = {str(r["event_id"]): r for r in rows}
        for u in units(prepare((report_from_row(r) for r in rows), options), options):
            members = json.dumps([[by_id[p.key], o] for p, o in u.members], ensure_ascii=True)
            out.append({"unit_id": u.key, "blocks": unit_blocks(u, options), "members": members})
            if len(out) >= 512:
                yield pa.RecordBatch.from_pylist(out, schema=_UNIT_SCHEMA)
                out = []
    if out:
        yield pa.RecordBatch.from_pylist(out, schema=_UNIT_SCHEMA)


def _pairs_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Units of one or more blocks (repartitioned by block) -> their compatible pairs, swept by
    window within each block as on one machine (``cluster.candidate_pairs``)."""
    per_block: dict[str, list[str]] = {}
    for batch in batches:
        for row in batch.to_pylist():
            per_block.setdefault(row["block"], []).append(row["members"])
    out: list[dict[str, str]] = []
    for block, rows in per_block.items():
        us = sorted((_unit(m, k, options) for k, m in enumerate(rows)), key=lambda u: (u.first, u.key))
        exact = block.startswith("exact|")
        for i, x in enumerate(us):
            assert x.last is not None
            for y in us[i + 1:]:
                if not exact and y.first > x.last + options.days:  # type: ignore[operator]
                    break
                if x.doc != y.doc and compatible(x, y, options):
                    a, b = sorted((x.key, y.key))
                    out.append({"a": a, "b": b})
    if out:
        yield pa.RecordBatch.from_pylist(out, schema=_PAIR_SCHEMA)


def _fused_of(batches: Iterable[pa.RecordBatch], options: FusionOptions) -> Iterator[pa.RecordBatch]:
    """Units of whole components (repartitioned by component) -> fused event rows."""
    comps: dict[str, list[str]] = {}
    for batch in batches:
        for row in batch.to_pylist():
            comps.setdefault(row["component"], []).append(row["members"])
    out: list[dict[str, Any]] = []
    for members in comps.values():
        us = [_unit(m, k, options) for k, m in enumerate(members)]
        with gc_paused():
            clusters = cluster_units(us, options)
        for cluster in clusters:
            ev = fused_event(cluster)
            row = fused_row(ev)
            row["record"] = json.dumps(ev.to_dict(), ensure_ascii=False)
            row["month"] = ev.date.first[:7] if ev.date.value and ev.date.first else "unknown"
            out.append(row)
        if len(out) >= 256:
            yield pa.RecordBatch.from_pylist(out, schema=_FUSED_SCHEMA)
            out = []
    if out:
        yield pa.RecordBatch.from_pylist(out, schema=_FUSED_SCHEMA)


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


def _components(spark: SparkSession, unit_ids: DataFrame, pairs: DataFrame) -> tuple[DataFrame, int]:
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

    def make_units(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _units_of(batches, opts)

    def make_pairs(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _pairs_of(batches, opts)

    def make_fused(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _fused_of(batches, opts)

    unit_rows = events.repartition(n, "doc_id").mapInArrow(make_units, _arrow_to_spark(_UNIT_SCHEMA))
    unit_rows = unit_rows.localCheckpoint()
    blocked = unit_rows.select("unit_id", "members", F.explode("blocks").alias("block"))
    pairs = blocked.repartition(n, "block").mapInArrow(make_pairs, _arrow_to_spark(_PAIR_SCHEMA))
    pairs = pairs.distinct().localCheckpoint()
    labels, rounds = _components(spark, unit_rows.select("unit_id"), pairs)
    grouped = unit_rows.join(labels, "unit_id").select("component", "members")
    fused = grouped.repartition(n, "component").mapInArrow(make_fused, _arrow_to_spark(_FUSED_SCHEMA))
    fused.write.partitionBy("month").parquet(output)
    written = spark.read.parquet(output)
    n_fused = written.count()
    cross = written.where(F.col("n_documents") > 1).count()
    return FusionSummary(n_reports, n_fused, cross, rounds)


assert set(FUSED_COLUMNS) <= {f.name for f in _FUSED_SCHEMA}
