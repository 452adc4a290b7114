"""Writers: JSONL (one document record per line), CSV and Parquet (one row per event).

Serialisation is separate from coding: writers take ``DocumentResult`` records only. A record
that cannot be encoded (a lone surrogate a library caller put in a field, a value JSON or Arrow
refuses) is replaced by its coded failure (EC072); the other records are written as usual.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from .errors import Errors, InputError
from .records import DocumentResult, Event

__all__ = ["EVENT_COLUMNS", "RecordWriter", "event_fields", "event_row", "format_from_path", "json_line",
           "jsonl_line", "open_writer", "parquet_path", "unwritable"]

FORMATS = ("jsonl", "csv", "parquet")

EVENT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "event_id",
    "type",
    "mode",
    "cameo",
    "acled_event_type",
    "acled_sub_event_type",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "mentions",
    "sentence_start",
    "sentence_end",
    "sentence",
    "actor_name",
    "actor_country",
    "actor_sector",
    "actor_title",
    "actor_kind",
    "actor_text",
    "recipient_name",
    "recipient_country",
    "recipient_sector",
    "recipient_title",
    "recipient_kind",
    "recipient_text",
    "date_value",
    "date_precision",
    "date_source",
    "date_text",
    "location_name",
    "location_geonameid",
    "location_country",
    "location_admin1",
    "location_admin1_code",
    "location_lat",
    "location_lon",
    "location_precision",
    "location_source",
    "quantities",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "injured_best",
    "injured_low",
    "injured_high",
    "attribution",
    "cited_source",
    "modality",
    "ordered_by",
    "confidence",
    "publisher",
    "published",
    "url",
    "title",
)
_NUMERIC = {"trigger_start", "trigger_end", "sentence_start", "sentence_end", "location_geonameid"}
_FLOAT = {
    "location_lat",
    "location_lon",
    "confidence",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "injured_best",
    "injured_low",
    "injured_high",
}


def event_fields() -> list[tuple[str, Any]]:
    """The Parquet column types of event rows, shared by every writer of them (``code``,
    ``events``, Spark), so their files read alike."""
    import pyarrow as pa

    return [(c, pa.int64() if c in _NUMERIC else pa.float64() if c in _FLOAT else pa.string())
            for c in EVENT_COLUMNS]


def parquet_path(out: str | None) -> Path:
    """Parquet is written to a file, never to stdout."""
    if out is None or out == "-":
        raise InputError(Errors.EC028, value="-", option="--output",
                         detail="Parquet needs a file path (-o events.parquet)")
    return Path(out)


def format_from_path(path: str | None, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise InputError(Errors.EC021, value=explicit)
        return explicit
    if path is None or path == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"csv": "csv", "parquet": "parquet", "pq": "parquet"}.get(suffix, "jsonl")


def event_row(doc: DocumentResult, ev: Event) -> dict[str, Any]:
    acled_type, _, acled_sub = (ev.acled or "").partition("/")
    cited = [a.name for a in ev.attribution if a.kind != "publisher"]
    fat = ev.fatalities or {}
    hurt = ev.injured or {}
    loc = ev.location
    row: dict[str, Any] = {
        "doc_id": doc.id,
        "event_id": ev.id,
        "type": ev.type,
        "mode": ev.mode,
        "cameo": ev.cameo,
        "acled_event_type": acled_type or None,
        "acled_sub_event_type": acled_sub or None,
        "trigger_text": ev.trigger.text,
        "trigger_start": ev.trigger.start,
        "trigger_end": ev.trigger.end,
        # later mentions of the same occurrence: "text@start-end; ..."
        "mentions": "; ".join(f"{m.text}@{m.start}-{m.end}" for m in ev.mentions) or None,
        "sentence_start": ev.sentence.start,
        "sentence_end": ev.sentence.end,
        "sentence": doc.text[ev.sentence.start : ev.sentence.end].strip(),
        "date_value": ev.date.value if ev.date else None,
        "date_precision": ev.date.precision if ev.date else None,
        "date_source": ev.date.source if ev.date else None,
        "date_text": ev.date.text if ev.date else None,
        "location_name": loc.name if loc else None,
        "location_geonameid": loc.geonameid if loc else None,
        "location_country": loc.country if loc else None,
        "location_admin1": loc.admin1 if loc else None,
        "location_admin1_code": loc.admin1_code if loc else None,
        "location_lat": loc.lat if loc else None,
        "location_lon": loc.lon if loc else None,
        "location_precision": loc.precision if loc else None,
        "location_source": ev.location_source,
        "quantities": "; ".join(
            f"{q.value if q.value is not None else q.text} {q.of or q.unit or ''}".strip()
            for q in ev.quantities
        )
        or None,
        "fatalities_best": fat.get("best"),
        "fatalities_low": fat.get("low"),
        "fatalities_high": fat.get("high"),
        "injured_best": hurt.get("best"),
        "injured_low": hurt.get("low"),
        "injured_high": hurt.get("high"),
        "attribution": " > ".join(a.name for a in ev.attribution) or None,
        "cited_source": cited[0] if cited else None,
        "modality": ev.modality,
        "ordered_by": ev.ordered_by.name if ev.ordered_by else None,
        "confidence": ev.confidence,
        "publisher": doc.publisher,
        "published": doc.published,
        "url": doc.url,
        "title": doc.title,
    }
    for role in ("actor", "recipient"):
        ref = getattr(ev, role)
        row[f"{role}_name"] = ref.name if ref else None
        row[f"{role}_country"] = ref.country if ref else None
        row[f"{role}_sector"] = ref.sector if ref else None
        row[f"{role}_title"] = ref.title if ref else None
        row[f"{role}_kind"] = ref.kind if ref else None
        row[f"{role}_text"] = ref.text if ref else None
    return {k: row[k] for k in EVENT_COLUMNS}


def unwritable(doc: DocumentResult, fmt: str, exc: BaseException) -> DocumentResult:
    """The coded failure (EC072) that stands for a record no writer can encode, written in its place.
    Its strings are escaped, so the failure itself always can be."""
    from .ingest.sanitize import escape  # here: ingest imports trafilatura, which readers of records need not

    what = escape(doc.source or doc.id)
    message = Errors.EC072.format(what=what, fmt=fmt, detail=f"{type(exc).__name__}: {exc}")
    return DocumentResult.failed(escape(doc.id), Errors.EC072.code, escape(message),
                                 source=None if doc.source is None else escape(doc.source),
                                 url=None if doc.url is None else escape(doc.url))


def json_line(obj: Any) -> str:
    """One JSONL line. U+2028 and U+2029 are escaped: JSON allows them raw in strings, but tools
    that split lines on Unicode line breaks (Python's ``str.splitlines``, some editors) would cut
    the record in two."""
    line = json.dumps(obj, ensure_ascii=False)
    if "\u2028" in line or "\u2029" in line:
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return line + "\n"


def jsonl_line(doc: DocumentResult) -> tuple[str, DocumentResult]:
    """The record's JSONL line and the record, or, when the record cannot be written (a string no
    UTF-8 writer encodes, a value JSON has no form for), the line of its coded failure (EC072)
    and that failure: one bad record never stops a file, and never leaves half a line."""
    try:
        line = json_line(doc.to_dict())
        line.encode("utf-8")
    except Exception as exc:  # this record only
        doc = unwritable(doc, "JSON", exc)
        line = json_line(doc.to_dict())
    return line, doc


def _encodable(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        for value in row.values():
            if isinstance(value, str):
                value.encode("utf-8")


class RecordWriter:
    """Writes records as they come (JSONL, CSV) or at close (Parquet needs the whole table).

    ``write`` returns the record it wrote: the one given, or the coded failure (EC072) written
    in place of a record that cannot be encoded, so a caller's counts match the file."""

    def __init__(self, fmt: str, stream: IO[str] | None, path: Path | None) -> None:
        self.fmt = fmt
        self.stream = stream
        self.path = path
        self._csv: csv.DictWriter[str] | None = None
        self._batches: list[Any] = []  # Parquet: one Arrow batch per document, checked as it comes

    def write(self, doc: DocumentResult) -> DocumentResult:
        if self.fmt == "jsonl":
            assert self.stream is not None
            line, doc = jsonl_line(doc)
            self.stream.write(line)
            return doc
        try:
            rows = [event_row(doc, ev) for ev in doc.events]
            if self.fmt == "csv":
                _encodable(rows)
            else:
                import pyarrow as pa

                batch = pa.RecordBatch.from_pylist(rows, schema=pa.schema(event_fields()))
        except Exception as exc:  # this record only: it has no rows in the file, and counts as failed
            return unwritable(doc, self.fmt.upper() if self.fmt == "csv" else "Parquet", exc)
        if self.fmt == "csv":
            assert self.stream is not None
            if self._csv is None:
                self._csv = csv.DictWriter(self.stream, fieldnames=list(EVENT_COLUMNS))
                self._csv.writeheader()
            self._csv.writerows(rows)
        elif rows:
            self._batches.append(batch)
        return doc

    def close(self) -> None:
        if self.fmt == "csv" and self._csv is None and self.stream is not None:
            csv.DictWriter(self.stream, fieldnames=list(EVENT_COLUMNS)).writeheader()
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_batches(self._batches, schema=pa.schema(event_fields()))
            assert self.path is not None
            pq.write_table(table, self.path)
        if self.stream is not None:
            self.stream.flush()
            if self.stream not in (sys.stdout, sys.stderr):
                self.stream.close()


def open_writer(out: str | None, fmt: str) -> RecordWriter:
    if fmt == "parquet":
        return RecordWriter(fmt, None, parquet_path(out))
    if out is None or out == "-":
        return RecordWriter(fmt, sys.stdout, None)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    # the writer owns the stream and closes it in close(), so no context manager here
    stream = open(out, "w", encoding="utf-8", newline="" if fmt == "csv" else None)  # noqa: SIM115
    return RecordWriter(fmt, stream, None)


def read_results(path: str | Path) -> Iterable[DocumentResult]:
    """Read a JSONL file written by ``eventcoder code`` back into records."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield DocumentResult.from_dict(json.loads(line))
