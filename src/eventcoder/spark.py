"""Code inputs on Apache Spark with the CLI's partition function (``batch.code_partition``).

Inputs are split on the driver into rows of one table:

- Parquet files or directories (columns ``id, text, html, url, published, publisher, title``, any
  subset) are read by Spark, so large files split across tasks; each row goes through the same
  record reader as a JSONL line (``article_from_record``; its source is ``path#L<row + 1>``).
- An uncompressed JSONL file is cut into byte ranges (as many as partitions, at most 32 MiB
  each); every other file (WARC, ``.gz``, text, HTML) is one row naming the file. Executors read
  them with ``iter_jsonl_range`` / ``iter_articles``: the same ids, sources (true line numbers)
  and coded failures as ``eventcoder code``. WARC and gzip streams cannot be split, so there the
  file is the unit of parallelism: give many files (Common Crawl's news WARCs are ~1 GB each).
  These paths must be readable by every executor (local mode, a shared or mounted filesystem).

``mapInArrow`` codes each partition with ``code_partition``; the pipeline is loaded once per
Python worker (Spark reuses its workers) and kept in ``batch``'s module global. Duplicate ids
follow ``duplicates.py`` over the whole job, in input order (the inputs as given, each file's
documents in order, Parquet rows after the other inputs by file and row): window functions over
the ids find the later documents of an id, and only those rows are rewritten (a duplicate becomes
a ``skipped`` row, other content an EC080 failure or a suffixed id with its event ids re-derived). The output
directory gets ``events/`` (Parquet, ``output.EVENT_COLUMNS`` plus ``month``, partitioned by
``month=YYYY-MM`` of the event date, else ``month=unknown``) and ``documents/`` (Parquet, one row
per document with its status and error code, plus one ``skipped`` row per input file and reason
counting the WARC records that are not documents), so nothing is lost without a count.

Run it with ``eventcoder spark INPUT... OUTPUT [--master local[2]]`` or, on a cluster,
``spark-submit [options] path/to/eventcoder/spark.py INPUT... OUTPUT``. Imports are absolute
so that spark-submit can run this file as a script.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from eventcoder.batch import NOT_ENGLISH, PUBLISHED_IGNORED, code_partition, tally
from eventcoder.duplicates import SAME_CONTENT, conflict_record, fingerprint, suffix_id
from eventcoder.errors import Errors, InputError
from eventcoder.ingest.readers import article_from_record, input_kind, iter_articles, iter_jsonl_range
from eventcoder.output import event_fields, event_row, unwritable  # the Parquet writer's types
from eventcoder.records import Article, DocumentResult, Event, event_id
from eventcoder.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["CODED_SCHEMA", "SparkSummary", "code_arrow_batches", "event_month", "input_rows", "session",
           "spark_code"]

RECORD_FIELDS = ("id", "text", "html", "url", "published", "publisher", "title")
_OUT_BATCH = 256  # rows per Arrow batch handed back to Spark
_DOC_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("doc_id", pa.string()),
    ("status", pa.string()),  # ok | failed | skipped
    ("error_code", pa.string()),  # ECnnn, or the skip reason (warc:revisit, ...) of a skipped row
    ("error_message", pa.string()),
    ("source", pa.string()),
    ("url", pa.string()),
    ("publisher", pa.string()),
    ("published", pa.string()),
    ("published_ignored", pa.string()),  # a given published that is no complete date (meta's note)
    ("english_share", pa.float64()),  # set only for a text that does not read as English (meta's note)
    ("title", pa.string()),
    ("fetched", pa.string()),
    ("records", pa.int64()),  # 1 for a document; the number of input records a skipped row counts
    ("n_events", pa.int64()),
    ("encoding", pa.string()),  # the codec the input's bytes were decoded from (records.TextEncoding)
    ("encoding_confidence", pa.float64()),
)
# staged only, for the duplicate-id policy: input order (the input row's rank, its path, the
# document's position in it) and the document's fingerprint (duplicates.fingerprint)
_ORDER_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("_rank", pa.int64()), ("_path", pa.string()), ("_seq", pa.int64()), ("_fp", pa.string()))
HIDDEN = tuple(name for name, _ in _ORDER_FIELDS)
EVENT_TYPE = pa.struct(
    [*event_fields(), ("month", pa.string())]  # the partition column: event_month(date_value)
)
CODED_SCHEMA = pa.schema([*_DOC_FIELDS, ("events", pa.list_(EVENT_TYPE)), *_ORDER_FIELDS])
INPUT_SCHEMA = "kind string, path string, start long, end long, payload string, rank long"
_RANGE_BYTES = 32 << 20  # an uncompressed JSONL file is split into ranges of at most this size
_MIN_RANGE_BYTES = 1 << 10


def event_month(value: str | None) -> str:
    """``YYYY-MM`` of an event date value (its start for a range), else ``unknown``."""
    if not (value and len(value) >= 7 and value[4] == "-" and value[:4].isdigit() and value[5:7].isdigit()):
        return "unknown"
    if 1 <= int(value[5:7]) <= 12 and (len(value) == 7 or value[7] in "-/T"):
        return value[:7]
    return "unknown"


def _event(doc: DocumentResult, ev: Event) -> dict[str, Any]:
    row = event_row(doc, ev)
    row["month"] = event_month(row["date_value"])
    return row


def _doc_row(doc: DocumentResult, order: tuple[int, str, int] | None = None) -> dict[str, Any]:
    rank, path, seq = order or (None, None, None)
    return {
        "doc_id": doc.id,
        "status": doc.status,
        "error_code": doc.error.code if doc.error else None,
        "error_message": doc.error.message if doc.error else None,
        "source": doc.source,
        "url": doc.url,
        "publisher": doc.publisher,
        "published": doc.published,
        "published_ignored": doc.meta.get("published_ignored"),
        "english_share": doc.meta.get("english_share"),
        "title": doc.title,
        "fetched": doc.fetched,
        "records": 1,
        "n_events": len(doc.events),
        "encoding": doc.encoding.name if doc.encoding else None,
        "encoding_confidence": doc.encoding.confidence if doc.encoding else None,
        "events": [_event(doc, ev) for ev in doc.events],
        "_rank": rank,
        "_path": path,
        "_seq": seq,
        "_fp": fingerprint(doc),
    }


def _skipped_row(path: str, reason: str, count: int) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name, _ in _DOC_FIELDS}
    row.update(status="skipped", error_code=reason, source=path, records=count, n_events=0, events=[])
    return row


def code_arrow_batches(batches: Iterable[pa.RecordBatch], settings: Settings) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: input rows (``INPUT_SCHEMA``) -> coded rows (``CODED_SCHEMA``)."""
    skipped: list[tuple[str, Counter[str]]] = []
    order: collections.deque[tuple[int, str, int]] = collections.deque()  # one per item fed, in order

    def read(row: dict[str, Any]) -> Iterator[Article | DocumentResult]:
        if row["kind"] == "row":
            obj = json.loads(row["payload"])
            yield article_from_record(obj, settings, what=row["path"], line=int(row["start"]) + 1)
        elif row["kind"] == "jsonl":
            yield from iter_jsonl_range(row["path"], int(row["start"]), int(row["end"]), settings)
        elif row["kind"] == "skip":  # a directory entry the CLI would not read either
            skipped.append((row["path"], Counter({row["payload"]: 1})))
        else:
            counter: Counter[str] = Counter()
            skipped.append((row["path"], counter))
            yield from iter_articles([row["path"]], settings, skipped=counter)

    def items() -> Iterator[Article | DocumentResult]:
        for batch in batches:
            for row in batch.to_pylist():
                rank = int(row.get("rank") or 0)
                for seq, item in enumerate(read(row)):  # a Parquet row's place is its row index
                    order.append((rank, row["path"], int(row["start"]) if row["kind"] == "row" else seq))
                    yield item

    out: list[dict[str, Any]] = []
    docs: list[DocumentResult] = []
    for doc in code_partition(items(), settings):
        docs.append(doc)
        out.append(_doc_row(doc, order.popleft() if order else None))
        if len(out) >= _OUT_BATCH:
            yield _coded_batch(out, docs)
            out, docs = [], []
    out += [_skipped_row(path, reason, n)
            for path, counter in skipped for reason, n in sorted(counter.items())]
    if out:
        yield _coded_batch(out, docs)


def _coded_batch(rows: list[dict[str, Any]], docs: list[DocumentResult]) -> pa.RecordBatch:
    """The Arrow batch of coded rows; a row Arrow refuses is replaced by its document's coded
    failure (EC072) and the others are kept (``docs[i]`` is the document of ``rows[i]``)."""
    try:
        return pa.RecordBatch.from_pylist(rows, schema=CODED_SCHEMA)
    except Exception:  # one document's values: find it
        kept = []
        for i, row in enumerate(rows):
            try:
                pa.RecordBatch.from_pylist([row], schema=CODED_SCHEMA)
            except Exception as exc:
                if i < len(docs):
                    order = (row["_rank"], row["_path"], row["_seq"])  # its place in the input
                    row = _doc_row(unwritable(docs[i], "Parquet", exc), order)
                else:  # a skipped row: its path held bytes no encoding names
                    from eventcoder.ingest.sanitize import escape

                    row = {**row, "source": escape(row["source"] or "")}
            kept.append(row)
        return pa.RecordBatch.from_pylist(kept, schema=CODED_SCHEMA)


def _is_parquet(path: str) -> bool:
    if path.lower().endswith((".parquet", ".pq")):
        return True
    p = Path(path)
    return p.is_dir() and any(f.suffix == ".parquet" for f in p.rglob("*.parquet"))


def _files(path: str, skips: list[tuple[str, str]]) -> list[str]:
    """A directory's files as ``iter_articles`` walks them (hidden entries and symlinked directories
    not followed, broken links kept to fail with EC008), else the path; what is not read goes to
    ``skips`` as ``(path, reason)`` with the CLI's reasons, so the documents table counts it."""
    if not os.path.isdir(path):
        return [path]
    out: list[str] = []
    for root, dirs, files in os.walk(path):
        kept = []
        for d in sorted(dirs):
            full = os.path.join(root, d)
            if d.startswith("."):
                skips.append((full, "hidden entry"))
            elif os.path.islink(full):
                skips.append((full, "symlinked directory (not followed)"))
            else:
                kept.append(d)
        dirs[:] = kept
        for f in sorted(files):
            full = os.path.join(root, f)
            if f.startswith("."):
                skips.append((full, "hidden entry"))
            elif os.path.isfile(full) or os.path.islink(full):
                out.append(full)
            else:
                skips.append((full, "not a regular file"))
    return out


_Row = tuple[str, str, int, int | None, str | None, int]  # kind, path, start, end, payload, rank


def input_rows(inputs: list[str], parts: int) -> list[_Row]:
    """The ``INPUT_SCHEMA`` rows of the inputs that are not Parquet: file rows, JSONL byte ranges,
    and one ``skip`` row (reason in ``payload``) per directory entry that is not read; ``rank``
    is a row's place in input order."""
    skips: list[tuple[str, str]] = []
    files = [f for p in inputs for f in _files(p, skips)]
    rows = [r for f in files for r in _file_rows(f, parts)]
    return [(*r, rank) for rank, r in enumerate(rows)] + [
        ("skip", path, 0, None, reason, len(rows)) for path, reason in skips]


def _file_rows(path: str, parts: int) -> list[tuple[str, str, int, int | None, None]]:
    """One row for a file read whole; an uncompressed JSONL file is split into byte ranges
    (``iter_jsonl_range``), as many as there are partitions (each at least 1 KiB, at most 32 MiB),
    so a single large file still spreads over the cluster with the ids and line numbers of a
    whole-file read."""
    if input_kind(path) != ("jsonl", False) or not os.path.isfile(path):
        return [("file", path, 0, None, None)]
    size = os.path.getsize(path)
    pieces = max(1, -(-size // _RANGE_BYTES), min(parts, size // _MIN_RANGE_BYTES))
    bounds = [size * i // pieces for i in range(pieces + 1)]
    return [("jsonl", path, a, b, None) for a, b in itertools.pairwise(bounds)]


def input_frame(spark: SparkSession, inputs: list[str], parts: int) -> DataFrame:
    """One row per Parquet record or per other input file (``INPUT_SCHEMA``)."""
    from pyspark.sql import functions as F

    parquet = [p for p in inputs if _is_parquet(p)]
    rows = input_rows([p for p in inputs if p not in parquet], parts)
    # parallelize cuts the list into even slices, one task each; repartition's round robin starts at
    # a random partition per input slice and may put two large ranges into one task
    slices = spark.sparkContext.parallelize(rows, max(1, min(parts, len(rows))))
    frame = spark.createDataFrame(slices, INPUT_SCHEMA)
    if parquet:
        table = spark.read.parquet(*parquet)
        cols = [c for c in RECORD_FIELDS if c in table.columns]
        if "text" not in cols and "html" not in cols:
            raise InputError(Errors.EC054, what=", ".join(parquet), detail="no 'text' or 'html' column")
        records = table.select(
            F.lit("row").alias("kind"),
            F.col("_metadata.file_path").alias("path"),
            F.col("_metadata.row_index").cast("long").alias("start"),
            F.lit(None).cast("long").alias("end"),
            F.to_json(F.struct(*[F.col(c) for c in cols])).alias("payload"),
            F.lit(len(rows)).cast("long").alias("rank"),  # after the other inputs, by file and row
        )
        frame = frame.unionByName(records.repartition(parts))
    return frame


def _spark_schema() -> Any:
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    def spark_type(t: pa.DataType) -> Any:
        return LongType() if t == pa.int64() else DoubleType() if t == pa.float64() else StringType()

    event = StructType([StructField(f.name, spark_type(f.type)) for f in EVENT_TYPE])
    return StructType([StructField(n, spark_type(t)) for n, t in _DOC_FIELDS]
                      + [StructField("events", ArrayType(event))]
                      + [StructField(n, spark_type(t)) for n, t in _ORDER_FIELDS])


@dataclass(frozen=True)
class SparkSummary:
    documents: int
    ok: int
    failed: int
    failed_by_code: dict[str, int]
    skipped: dict[str, int]
    events: int
    warnings: dict[str, int] = field(default_factory=dict)

    def text(self) -> str:
        reasons = ", ".join(f"{c}: {n}" for c, n in sorted(self.failed_by_code.items()))
        out = (f"documents in: {self.documents}, ok: {self.ok}, failed: {self.failed}"
               + (f" ({reasons})" if reasons else "") + f", events found: {self.events}")
        return out + tally("skipped", self.skipped) + tally("warnings", self.warnings)


def _delete(spark: SparkSession, path: str) -> None:
    """Remove a directory through Hadoop's FileSystem, so it works for local paths and clusters alike."""
    jvm: Any = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    hpath.getFileSystem(conf).delete(hpath, True)


_Key = tuple[int, str, int]  # a staged document's place in input order: _rank, _path, _seq


def _duplicate_decisions(staged: DataFrame) -> dict[_Key, tuple[str, str | None, str | None]]:
    """What the duplicate policy does to the later documents of an id, by their place in input
    order: ``("duplicate", None, None)``, or ``("conflict", new_id, first_source)``; empty when no
    id repeats. Only those rows are collected to the driver."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    docs = staged.filter(F.col("status") != "skipped").select("doc_id", "source", *HIDDEN)
    order = ("_rank", "_path", "_seq")
    by_id = Window.partitionBy("doc_id").orderBy(*order)
    by_fp = Window.partitionBy("doc_id", "_fp").orderBy(*order)
    later = (docs.withColumn("_first_fp", F.first("_fp").over(by_id))
             .withColumn("_first_source", F.first("source").over(by_id))
             .withColumn("_n", F.row_number().over(by_fp))
             .filter((F.col("_n") > 1) | (F.col("_fp") != F.col("_first_fp")))
             .collect())
    if not later:
        return {}
    out: dict[_Key, tuple[str, str | None, str | None]] = {}
    new_ids: dict[_Key, str] = {}
    fps: dict[_Key, str] = {}
    for r in later:
        key = (r["_rank"], r["_path"], r["_seq"])
        if r["_n"] > 1:
            out[key] = ("duplicate", None, None)
        else:
            new_ids[key], fps[key] = suffix_id(r["doc_id"], r["_fp"]), r["_fp"]
            out[key] = ("conflict", new_ids[key], r["_first_source"])
    # an input that gives a suffixed id itself: suffix again until the id is free (ids stay unique)
    while new_ids:
        taken = {r["doc_id"] for r in docs.filter(F.col("doc_id").isin(list(new_ids.values())))
                 .select("doc_id").distinct().collect()}
        new_ids = {k: suffix_id(v, fps[k]) for k, v in new_ids.items() if v in taken}
        for k, v in new_ids.items():
            out[k] = ("conflict", v, out[k][2])
    return out


def _rewrite(decisions: dict[_Key, tuple[str, str | None, str | None]], mode: str
             ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The ``mapInArrow`` function over the rows ``decisions`` names: a duplicate becomes a
    ``skipped`` row; other content an EC080 failure (``fail``) or the document under its suffixed
    id with its event ids derived from it (``suffix``), as ``duplicates.DuplicateFilter`` does."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            rows = []
            for row in batch.to_pylist():
                key = (row["_rank"], row["_path"], row["_seq"])
                action, new_id, first = decisions[key]
                if action == "duplicate":
                    skip = _skipped_row(row["source"] or row["_path"], SAME_CONTENT, 1)
                    rows.append({**skip, **{k: row[k] for k in HIDDEN}})
                    continue
                assert new_id is not None
                if mode == "suffix":
                    events = [{**e, "doc_id": new_id,
                               "event_id": event_id(new_id, e["type"], e["trigger_start"], e["trigger_end"])}
                              for e in row["events"]]
                    rows.append({**row, "doc_id": new_id, "events": events})
                else:
                    doc = DocumentResult.failed(row["doc_id"], "", "", source=row["source"], url=row["url"])
                    rows.append(_doc_row(conflict_record(doc, new_id, first), key))
            yield pa.RecordBatch.from_pylist(rows, schema=CODED_SCHEMA)

    return run


def _apply_duplicates(spark: SparkSession, staging: str, output: str, mode: str) -> str:
    """The staged table with the duplicate policy applied: ``staging`` itself when no id repeats,
    else a second staging directory where only the later documents of repeated ids changed."""
    from pyspark.sql import functions as F

    staged = spark.read.parquet(staging)
    decisions = _duplicate_decisions(staged)
    if not decisions:
        return staging
    keys = spark.createDataFrame(list(decisions), "_rank long, _path string, _seq long")
    on = ["_rank", "_path", "_seq"]
    rest = staged.join(F.broadcast(keys), on, "left_anti")
    changed = staged.join(F.broadcast(keys), on, "left_semi").mapInArrow(_rewrite(decisions, mode),
                                                                         _spark_schema())
    target = f"{output}/_deduplicated"
    rest.unionByName(changed).write.parquet(target)
    return target


def spark_code(spark: SparkSession, inputs: list[str], output: str, settings: Settings,
               partitions: int | None = None, on_duplicate: str = "fail") -> SparkSummary:
    """Code ``inputs`` into ``output``/events and ``output``/documents; returns the counts.
    ``on_duplicate`` is the duplicate-id policy (``duplicates.py``): ``fail`` or ``suffix``."""
    from pyspark.sql import functions as F

    n = partitions or spark.sparkContext.defaultParallelism
    frame = input_frame(spark, inputs, n)

    def code(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return code_arrow_batches(batches, settings)

    coded = frame.mapInArrow(code, _spark_schema())
    staging = f"{output}/_coded"  # written once, so no action ever codes a document twice
    coded.write.parquet(staging)
    final = staging
    try:
        final = _apply_duplicates(spark, staging, output, on_duplicate)
        staged = spark.read.parquet(final).drop(*HIDDEN)
        staged.drop("events").write.parquet(f"{output}/documents")
        events = staged.select(F.explode("events").alias("e")).select("e.*")
        events.write.partitionBy("month").parquet(f"{output}/events")
        counts = spark.read.parquet(f"{output}/documents").groupBy("status", "error_code").agg(
            F.sum("records").alias("n"), F.sum("n_events").alias("events"),
            F.count("published_ignored").alias("ignored"),
            F.count("english_share").alias("foreign")).collect()
    finally:
        _delete(spark, staging)
        if final != staging:
            _delete(spark, final)
    by: dict[tuple[str, str | None], tuple[int, int]] = {
        (r["status"], r["error_code"]): (int(r["n"]), int(r["events"] or 0)) for r in counts}
    ok = sum(n for (s, _), (n, _) in by.items() if s == "ok")
    failed_by = {c or "unknown": n for (s, c), (n, _) in by.items() if s == "failed"}
    skipped = {c or "unknown": n for (s, c), (n, _) in by.items() if s == "skipped"}
    events_n = sum(e for (s, _), (_, e) in by.items() if s == "ok")
    failed = sum(failed_by.values())
    warnings = {name: n for name, column in ((PUBLISHED_IGNORED, "ignored"), (NOT_ENGLISH, "foreign"))
                if (n := sum(int(r[column]) for r in counts if r["status"] == "ok"))}
    return SparkSummary(ok + failed, ok, failed, failed_by, skipped, events_n, warnings)


def session(master: str | None, driver_memory: str = "1g") -> SparkSession:
    """A session for this job: UI off, small Arrow batches; local mode runs workers on this Python."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(Errors.EC025, feature="eventcoder spark", extra="spark") from exc
    if master is None and "spark.master" not in os.environ.get("PYSPARK_SUBMIT_ARGS", "") \
            and not os.environ.get("SPARK_ENV_LOADED"):
        master = "local[*]"
    if (master or "").startswith("local"):
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise InputError(Errors.EC053, detail="no java on PATH and JAVA_HOME is not set")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers must see eventcoder
    builder = (SparkSession.builder.appName("eventcoder")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", driver_memory)
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
               .config("spark.python.worker.reuse", "true"))
    if master:
        builder = builder.master(master)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pyspark raises PySparkRuntimeError (JAVA_GATEWAY_EXITED) and others
        raise InputError(Errors.EC053, detail=" ".join(str(exc).split())[:300]) from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


if __name__ == "__main__":  # spark-submit .../eventcoder/spark.py INPUT... OUTPUT
    from eventcoder.cli.main import main

    sys.exit(main(["spark", *sys.argv[1:]]))
