"""``eventcoder fuse``: fuse coded files (JSONL records, Parquet event rows), or re-fuse a store.

``eventcoder code --db`` keeps a store fused as it writes; this command re-fuses it with other
windows (``--db STORE --days 1``), or fuses the output of ``eventcoder code -o`` / ``spark``
without a store.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Errors, ExitCode, InputError
from ..fusion import FusionOptions, Report, fuse, report_from_row, reports_from_document
from ..records import DocumentResult

__all__ = ["add_fuse_parser", "add_fusion_options", "fusion_options", "read_reports", "run_fuse"]

_OPTIONS = (  # (flag, field, type, help)
    ("--days", "days", int, "days two reports' dates may lie apart (default 0: they must overlap)"),
    ("--undated-days", "undated_days", int,
     "an undated event happened within this many days before publication (default 3)"),
    ("--max-span-days", "max_span_days", int,
     "dates spanning more days join only reports of the same period (default 31)"),
    ("--town-km", "town_km", float, "two towns further apart are different places (default 10)"),
    ("--admin2-km", "admin2_km", float, "a town lies in a district within this distance (default 60)"),
    ("--region-km", "region_km", float, "a named region reaches this far (default 300)"),
    ("--border-km", "border_km", float,
     "places across a border the parties share may be one event within this distance (default 100)"),
)


def add_fusion_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fusion windows (docs/FORMAT.md, 'Fused events')")
    for flag, field, kind, text in _OPTIONS:
        group.add_argument(flag, dest=f"fuse_{field}", type=kind, default=None, metavar="N", help=text)


def fusion_options(args: argparse.Namespace, base: FusionOptions | None = None) -> FusionOptions | None:
    """The options given on the command line over ``base`` (None when none was given)."""
    changes = {field: getattr(args, f"fuse_{field}") for _, field, _, _ in _OPTIONS
               if getattr(args, f"fuse_{field}", None) is not None}
    if not changes:
        return None
    return (base or FusionOptions()).replace(**changes)


def read_reports(paths: list[str], problems: Counter[str]) -> Iterator[Report]:
    """Reports from coded files: JSONL records of ``eventcoder code`` (failed documents have no
    events) or Parquet event rows (``code --format parquet``, a Spark ``events/`` directory).
    An unreadable line is counted in ``problems`` by code and skipped; an unreadable file is EC061."""
    for path in paths:
        p = Path(path)
        if not p.exists():
            raise InputError(Errors.EC008, what=path)
        if p.is_dir() or p.suffix.lower() in (".parquet", ".pq"):
            yield from _parquet_reports(path)
            continue
        try:
            fh = open(p, encoding="utf-8")  # noqa: SIM115 - closed below, lines are streamed
        except OSError as exc:
            raise InputError(Errors.EC009, what=path, detail=exc.strerror or str(exc)) from None
        with fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    doc = DocumentResult.from_dict(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    problems[Errors.EC061.format(what=f"line {n} of {path}", detail=type(exc).__name__)] += 1
                    continue
                if doc.status == "ok":
                    yield from reports_from_document(doc)


def _parquet_reports(path: str) -> Iterator[Report]:
    import pyarrow.dataset as ds

    try:
        data = ds.dataset(path, format="parquet", partitioning="hive")
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError(Errors.EC061, what=path, detail=str(exc).splitlines()[0]) from None
    missing = {"event_id", "doc_id", "type"} - set(data.schema.names)
    if missing:
        raise InputError(Errors.EC061, what=path,
                         detail=f"not event rows (no {', '.join(sorted(missing))} column)")
    for batch in data.to_batches():
        for row in batch.to_pylist():
            yield report_from_row(row)


def run_fuse(args: argparse.Namespace) -> int:
    from .events import export_fused

    if bool(args.inputs) == bool(args.db):
        raise InputError(Errors.EC028, value=None, option="fuse",
                         detail="give coded files to fuse, or --db STORE to re-fuse a store")
    if args.db:
        from ..store import open_store

        if args.output or args.format:
            raise InputError(Errors.EC028, value=None, option="--db",
                             detail="a store is re-fused in place; read it with 'eventcoder events --fused'")
        if "://" not in args.db and not Path(args.db).is_file():  # never a new, empty store by a typo
            raise InputError(Errors.EC030, target=args.db,
                             detail="no such store file (create it with 'eventcoder code --db')")
        with open_store(args.db) as store:
            options = fusion_options(args, store.fusion_options())
            n = store.refuse(options)
            n_reports = store.count_events(_all())
            used = store.fusion_options()
        if not args.quiet:
            print(f"eventcoder: fused {n_reports} reports into {n} events in {store.target} "
                  f"(windows: {_describe(used)})", file=sys.stderr)
        return ExitCode.OK
    options = fusion_options(args) or FusionOptions()
    problems: Counter[str] = Counter()
    reports = list(read_reports(args.inputs, problems))
    fused = fuse(reports, options)
    fmt = args.format or _format_from(args.output)
    width = args.width or shutil.get_terminal_size((100, 24)).columns
    export_fused(iter(fused), fmt, args.output, width)
    if not args.quiet:
        ratio = f" ({len(fused) / len(reports):.2f} per report)" if reports else ""
        print(f"eventcoder: fused {len(reports)} reports into {len(fused)} events{ratio}", file=sys.stderr)
    nothing = bool(problems) and not reports  # no line was a coded record: not a success, even quiet
    if not args.quiet or nothing:
        for message, count in sorted(problems.items()):
            print(f"eventcoder: skipped {count} x {message}", file=sys.stderr)
    return ExitCode.ALL_FAILED if nothing else ExitCode.OK


def _all() -> Any:
    from ..store import EventQuery

    return EventQuery()


def _describe(options: FusionOptions) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.to_dict().items())


def _format_from(output: str | None) -> str:
    if output is None or output == "-":
        return "jsonl"
    suffix = Path(output).suffix.lower().lstrip(".")
    return {"csv": "csv", "parquet": "parquet", "pq": "parquet"}.get(suffix, "jsonl")


def add_fuse_parser(sub: Any) -> None:
    from .events import EVENT_FORMATS

    fu = sub.add_parser(
        "fuse",
        help="fuse coded files into one record per real-world event, or re-fuse a store",
        description="Fuse the reports in coded files (eventcoder code's JSONL, Parquet event rows), or "
                    "re-fuse an event store with other windows (--db). 'eventcoder code --db' keeps a "
                    "store fused as it writes.",
    )
    fu.add_argument("inputs", nargs="*", metavar="FILE",
                    help="coded JSONL files, Parquet files or directories")
    fu.add_argument("--db", metavar="PATH_OR_URL", help="re-fuse this store in place with the windows given")
    fu.add_argument("--format", choices=EVENT_FORMATS, default=None,
                    help="output format (default: from OUT's extension, else jsonl)")
    fu.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    fu.add_argument("--width", type=int, default=None, help="table width (default: terminal)")
    fu.add_argument("--quiet", action="store_true", help="no summary on stderr")
    add_fusion_options(fu)
    fu.set_defaults(func=run_fuse)
