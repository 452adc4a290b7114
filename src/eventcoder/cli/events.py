"""``eventcoder events``: query the event store and export (table, CSV, JSONL, Parquet, ACLED, PLOVER).

Also the store side of ``eventcoder code --db``: ``open_store_writer`` writes coded documents
into the store (and to ``-o`` when given) in batches.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import Errors, ExitCode, InputError
from ..output import EVENT_COLUMNS, RecordWriter, event_fields, json_line, open_writer, parquet_path
from ..records import DocumentResult, FusedEvent
from ..store import EventQuery, Store, UpsertSummary, normalize_query, open_store, parse_near
from ..store.export import ACLED_COLUMNS, acled_fused_row, acled_row, plover_fused_record, plover_record

__all__ = [
    "EVENT_FORMATS",
    "StoreWriter",
    "add_events_parser",
    "export_events",
    "export_fused",
    "iter_events",
    "iter_fused",
    "open_store_writer",
    "run_events",
]

EVENT_FORMATS = ("table", "csv", "jsonl", "parquet", "acled", "plover")
_PAGE = 5_000
_BATCH = 100


class StoreWriter:
    """``code --db``: documents go to the store in batches of 100 (one transaction each), and
    to ``-o`` as well when it is given.

    The file gets each batch after the store has taken it, so both hold the same version of a
    document: the coded failure of one the store refuses (EC073), and in the store the failure of
    one the file cannot hold (EC072). ``unstored`` lists each such (record, what was written)."""

    def __init__(self, store: Store, also: RecordWriter | None, quiet: bool) -> None:
        self.store = store
        self.also = also
        self.quiet = quiet
        self._buffer: list[DocumentResult] = []
        self.stored = UpsertSummary()
        self.unstored: list[tuple[DocumentResult, DocumentResult]] = []  # (record, what was written instead)

    def write(self, doc: DocumentResult) -> DocumentResult:
        self._buffer.append(doc)
        if len(self._buffer) >= _BATCH:
            self._flush()
        return doc

    def _flush(self) -> None:
        if not self._buffer:
            return
        docs, self._buffer = self._buffer, []
        refused: dict[int, DocumentResult] = {}
        try:
            got = self.store.upsert(docs)
        except Exception:  # one document's rows may be what the store refuses: find it (issue 15)
            got = self._upsert_each(docs, refused)
        self._add(got)
        if self.also is None:
            return
        for i, doc in enumerate(docs):
            final = refused.get(i, doc)
            written = self.also.write(final)
            if written is not final:  # the file cannot hold it: the store gets its failure too (EC072)
                self._add(self.store.upsert([written]), replacing=final)
                self.unstored.append((doc, written))

    def _add(self, got: UpsertSummary, replacing: DocumentResult | None = None) -> None:
        s = self.stored
        if replacing is not None:  # the same document again: only its events go
            events = s.events - len(replacing.events) + got.events
            self.stored = UpsertSummary(s.documents, events, s.replaced)
        else:
            self.stored = UpsertSummary(s.documents + got.documents, s.events + got.events,
                                        s.replaced + got.replaced)

    def _upsert_each(self, docs: list[DocumentResult], refused: dict[int, DocumentResult]) -> UpsertSummary:
        """Store ``docs`` one by one; a document the store refuses is stored as its coded failure
        (EC073), put in ``refused`` by its position and listed in ``unstored``. When the store
        refuses that too, it is the store that fails, not the document: the error is raised."""
        from ..ingest.sanitize import escape

        total = UpsertSummary()
        for i, doc in enumerate(docs):
            try:
                got = self.store.upsert([doc])
            except Exception as exc:
                detail = f"{type(exc).__name__}: {exc}"
                failure = DocumentResult.failed(
                    escape(doc.id), Errors.EC073.code,
                    escape(Errors.EC073.format(what=doc.source or doc.id, detail=detail)),
                    source=None if doc.source is None else escape(doc.source),
                    url=None if doc.url is None else escape(doc.url))
                got = self.store.upsert([failure])
                refused[i] = failure
                self.unstored.append((doc, failure))
            total = UpsertSummary(total.documents + got.documents, total.events + got.events,
                                  total.replaced + got.replaced)
        return total

    def close(self) -> None:
        try:
            self._flush()
        finally:
            if self.also is not None:
                self.also.close()
            self.store.close()
        if not self.quiet:
            s = self.stored
            print(
                f"eventcoder: stored {s.documents} documents ({s.events} events, {s.replaced} replaced) "
                f"in {self.store.target}",
                file=sys.stderr,
            )


def open_store_writer(db: str | None, output: str | None, fmt: str, quiet: bool = False) -> Any:
    """The writer of ``eventcoder code``: with ``--db`` the store, plus ``-o`` when given (no
    JSONL on stdout then); without it, the plain ``-o``/stdout writer."""
    if not db:
        return open_writer(output, fmt)
    store = open_store(db)
    try:
        also = open_writer(output, fmt) if output else None
    except BaseException:
        store.close()
        raise
    return StoreWriter(store, also, quiet)


def _paged(fetch: Callable[[int, int], list[Any]], limit: int | None, offset: int) -> Iterator[Any]:
    """Every item ``fetch(size, offset)`` pages through (up to ``limit``), page by page."""
    left = limit
    while left is None or left > 0:
        size = _PAGE if left is None else min(_PAGE, left)
        page = fetch(size, offset)
        yield from page
        if len(page) < size:
            return
        offset += len(page)
        if left is not None:
            left -= len(page)


def iter_events(
    store: Store, query: EventQuery, limit: int | None = None, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """Every matching event (up to ``limit``), read page by page."""
    return _paged(lambda size, at: store.events(query, limit=size, offset=at), limit, offset)


def iter_fused(store: Store, query: EventQuery, limit: int | None = None,
               offset: int = 0) -> Iterator[FusedEvent]:
    """Every matching fused event (up to ``limit``), read page by page."""
    return _paged(lambda size, at: store.fused_events(query, limit=size, offset=at), limit, offset)


def _cell(v: Any) -> str:
    return "-" if v is None or v == "" else str(v)


def _who(r: dict[str, Any], role: str) -> str:
    name = r.get(f"{role}_name")
    text = _cell(name) if not r.get(f"{role}_country") else f"{name} ({r[f'{role}_country']})"
    return text + (" [disputed]" if r.get(f"{role}_disputed") else "")


def _where_cell(r: dict[str, Any]) -> str:
    return _cell(r["location_name"]) + (f", {r['location_country']}" if r.get("location_country") else "")


def _spread(r: dict[str, Any]) -> str:
    low, high = r.get("fatalities_low"), r.get("fatalities_high")
    return f" ({low}-{high})" if low != high else ""


def _table(rows: list[dict[str, Any]], out: IO[str], width: int, fused: bool = False) -> None:
    table: list[tuple[str, ...]]
    if fused:
        heads: tuple[str, ...] = ("date", "type", "actor", "recipient", "where", "dead", "reports", "sources")
        table = [
            (
                _cell(r["date_value"] or (f"<={r['date_last']}" if r.get("date_last") else None)),
                _cell(r["type"]) + (f"/{r['mode']}" if r.get("mode") else ""),
                _who(r, "actor"),
                _who(r, "recipient"),
                _where_cell(r),
                _cell(r["fatalities_best"]) + _spread(r),
                f"{r['n_reports']} in {r['n_documents']} docs",
                _cell(r["sources"]),
            )
            for r in rows
        ]
    else:
        heads = ("date", "type", "actor", "recipient", "where", "dead", "document")
        table = [
            (
                _cell(r["date_value"]),
                _cell(r["type"]) + (f"/{r['mode']}" if r.get("mode") else ""),
                _who(r, "actor"),
                _who(r, "recipient"),
                _where_cell(r),
                _cell(r["fatalities_best"]),
                _cell(r["doc_id"]),
            )
            for r in rows
        ]
    widths = [max([len(h)] + [len(t[i]) for t in table]) for i, h in enumerate(heads)]
    budget = max(width - 2 * (len(heads) - 1), 40)
    while sum(widths) > budget and max(widths) > 12:  # shrink the widest column first
        widths[widths.index(max(widths))] -= 1

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(
            (v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    out.write(line(heads) + "\n")
    for t in table:
        out.write(line(t) + "\n")


def _open_out(path: str | None, newline: str | None = None) -> IO[str]:
    if path is None or path == "-":
        return sys.stdout
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8", newline=newline)


@dataclass(frozen=True)
class _Shape:
    """How one kind of record is written in each format."""

    fields: Callable[[], list[tuple[str, Any]]]  # Parquet column types
    columns: tuple[str, ...]  # CSV header
    flat: Callable[[Any], dict[str, Any]]  # the CSV / Parquet / table row
    acled: Callable[[Any], dict[str, Any] | None]
    record: Callable[[Any], dict[str, Any]]  # JSONL
    plover: Callable[[Any], dict[str, Any]]
    fused: bool = False


def _export(items: Iterator[Any], fmt: str, output: str | None, width: int, shape: _Shape) -> int:
    if fmt == "parquet":
        path = parquet_path(output)
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema(shape.fields())  # the column types every writer of these rows shares
        path.parent.mkdir(parents=True, exist_ok=True)
        n = 0
        with pq.ParquetWriter(path, schema) as writer:  # a row group per page: memory stays flat
            batch: list[dict[str, Any]] = []
            for item in items:
                batch.append(shape.flat(item))
                if len(batch) == _PAGE:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    n, batch = n + len(batch), []
            if batch or n == 0:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
        return n
    out = _open_out(output, newline="" if fmt in ("csv", "acled") else None)
    n = 0
    try:
        if fmt == "table":
            data = [shape.flat(item) for item in items]
            _table(data, out, width, fused=shape.fused)
            n = len(data)
        elif fmt in ("csv", "acled"):
            writer = csv.DictWriter(out, fieldnames=list(shape.columns if fmt == "csv" else ACLED_COLUMNS))
            writer.writeheader()
            for item in items:
                rec = shape.flat(item) if fmt == "csv" else shape.acled(item)
                if rec is not None:
                    writer.writerow(rec)
                    n += 1
        else:
            for item in items:
                rec = shape.record(item) if fmt == "jsonl" else shape.plover(item)
                out.write(json_line(rec))
                n += 1
    finally:
        out.flush()
        if out is not sys.stdout:
            out.close()
    return n


def _same(row: dict[str, Any]) -> dict[str, Any]:
    return row


_EVENTS = _Shape(event_fields, EVENT_COLUMNS, _same, acled_row, _same, plover_record)


def export_events(rows: Iterator[dict[str, Any]], fmt: str, output: str | None, width: int = 100) -> int:
    """Write event rows in ``fmt``; returns how many records were written."""
    return _export(rows, fmt, output, width, _EVENTS)


def export_fused(events: Iterator[FusedEvent], fmt: str, output: str | None, width: int = 100) -> int:
    """Write fused events in ``fmt``: JSONL gives the whole record (docs/FORMAT.md, "Fused
    events"), table/CSV/Parquet one flat row each, ACLED and PLOVER one row per fused event."""
    from ..fusion.flat import FUSED_COLUMNS, fused_fields, fused_row

    shape = _Shape(fused_fields, FUSED_COLUMNS, fused_row, acled_fused_row, lambda ev: ev.to_dict(),
                   plover_fused_record, fused=True)
    return _export(events, fmt, output, width, shape)


def run_events(args: argparse.Namespace) -> int:
    near = parse_near(args.near) if args.near is not None else None
    query = EventQuery(
        type=args.type, country=args.country, since=args.since, until=args.until, near=near, doc_id=args.doc
    )
    if "://" not in args.db and args.db != ":memory:" and not Path(args.db).is_file():
        raise InputError(
            Errors.EC030, target=args.db, detail="no such store file (create it with 'eventcoder code --db')"
        )
    with open_store(args.db) as store:
        normalize_query(query)  # a bad filter fails before any output is opened
        width = args.width or shutil.get_terminal_size((100, 24)).columns
        if args.fused:
            n = export_fused(iter_fused(store, query, limit=args.limit, offset=args.offset), args.format,
                             args.output, width)
        else:
            rows = iter_events(store, query, limit=args.limit, offset=args.offset)
            n = export_events(rows, args.format, args.output, width)
    if not args.quiet and (args.output not in (None, "-") or args.format == "table"):
        what = "ACLED rows" if args.format == "acled" else "fused events" if args.fused else "events"
        print(
            f"eventcoder: {n} {what}" + (f" written to {args.output}" if args.output else ""), file=sys.stderr
        )
    return ExitCode.OK


def _count(option: str, minimum: int) -> Any:
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = minimum - 1
        if n < minimum:
            raise argparse.ArgumentTypeError(
                Errors.EC038.format(
                    option=option, value=value, detail=f"use an integer of at least {minimum}"
                )
            )
        return n

    return parse


def add_events_parser(sub: Any) -> None:
    ev = sub.add_parser(
        "events",
        help="query the event store; export table, CSV, JSONL, Parquet, ACLED-style CSV or PLOVER JSON",
        description="Query events stored by 'eventcoder code --db'. Filters combine with AND.",
    )
    ev.add_argument(
        "--db",
        default="events.duckdb",
        metavar="PATH_OR_URL",
        help="DuckDB file or postgresql:// URL (default: events.duckdb)",
    )
    ev.add_argument("--type", metavar="TYPE", help="PLOVER event type, e.g. ASSAULT")
    ev.add_argument("--country", metavar="ISO3", help="actor, recipient or location country, e.g. AZE")
    ev.add_argument(
        "--since", metavar="DATE", help="events dated on or after DATE (YYYY-MM-DD, YYYY-MM, YYYY)"
    )
    ev.add_argument(
        "--until", metavar="DATE", help="events dated on or before DATE (YYYY-MM-DD, YYYY-MM, YYYY)"
    )
    ev.add_argument("--near", metavar="LAT,LON,KM", help="events located within KM km of LAT,LON")
    # argparse takes "-1.94,30.06,50" (a southern latitude) for an unknown option unless it looks
    # like a negative number; let it (no option of ours looks like one, so nothing is shadowed)
    ev._negative_number_matcher = re.compile(r"^-\d+$|^-\d*\.\d+$|^-[\d.]+(,\s*[-+]?[\d.]+){2}$")
    ev.add_argument("--doc", metavar="ID",
                    help="events of one document (with --fused: the fused events it reports)")
    ev.add_argument("--fused", action="store_true",
                    help="one record per real-world event, fused across articles, with every report, its "
                         "source and the sources' disagreements (docs/FORMAT.md)")
    ev.add_argument(
        "--limit", type=_count("--limit", 0), default=None, help="at most N events (default: all)"
    )
    ev.add_argument("--offset", type=_count("--offset", 0), default=0, help="skip the first N events")
    ev.add_argument("--format", choices=EVENT_FORMATS, default="table", help="output format (default: table)")
    ev.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    ev.add_argument(
        "--width", type=_count("--width", 40), default=None, help="table width (default: terminal)"
    )
    ev.add_argument("--quiet", action="store_true", help="no count on stderr")
    ev.set_defaults(func=run_events)
