"""Issue 15: one poisoned document never fails a batch, and text is normalized by one documented rule.

Poison inputs of the kinds scrapers produce (lone surrogates in every field, NUL, control and
zero-width characters), in the library, the CLI (-o, every output format, --workers 2) and the
resumable batch (--output-dir with --resume and --retry-failed). The server side is in
``test_server_fairness.py``.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from eventcoder.batch import BatchSummary
from eventcoder.cli.events import StoreWriter
from eventcoder.cli.main import main
from eventcoder.errors import ExitCode
from eventcoder.ingest.readers import iter_articles
from eventcoder.ingest.sanitize import escape, id_problem, sanitize_fields, sanitize_item, sanitize_text
from eventcoder.output import RecordWriter, jsonl_line
from eventcoder.records import Article, DocumentResult
from eventcoder.settings import Settings
from eventcoder.stages.linguistic import load_nlp, parse, parse_error, parse_many
from eventcoder.store import UpsertSummary

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from fairness import long_article  # the fairness benchmark's synthetic article (our own text)

VALID = "Police arrested 12 protesters in Lagos on Monday."
OTHER = "Soldiers attacked a village near Jos on Tuesday, killing 4 people."


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# JSON lines as a scraper writes them: "\\ud800" is a valid JSON escape of a lone surrogate
POISON_LINES = [
    json.dumps({"id": "ok-1", "text": VALID}),
    '{"id": "sur-text", "text": "Police arrested 12 protesters in Lagos\\ud800 on Monday."}',
    '{"id": "sur-title", "text": "' + OTHER + '", "title": "Raid \\udc00 report"}',
    '{"id": "sur-publisher", "text": "' + VALID + '", "publisher": "Wire \\ud83d"}',
    '{"id": "sur-url", "text": "' + OTHER + '", "url": "https://example.org/\\udfff"}',
    '{"id": "sur-id-\\ud800", "text": "' + VALID + '"}',
    '{"id": "nul-text", "text": "Police arrested 12\\u0000 protesters in Lagos."}',
    '{"id": "controls", "text": "Police arrested 12 protesters in Lagos\\u0007\\u001b on Monday."}',
    '{"id": "zero-width", "text": "Police arrested 12 protesters in \\u200bLagos\\u200b on Monday."}',
    json.dumps({"id": "ok-2", "text": OTHER}),
]
EXPECTED = {  # id -> status or failure code
    "ok-1": "ok", "sur-text": "ok", "sur-title": "ok", "sur-publisher": "ok", "sur-url": "ok",
    "nul-text": "EC002", "controls": "ok", "zero-width": "ok", "ok-2": "ok",
}


def _outcome(rec: dict[str, Any]) -> str:
    return "ok" if rec["status"] == "ok" else rec["error"]["code"]


def _check_poison_records(records: list[dict[str, Any]], source_name: str) -> None:
    assert len(records) == len(POISON_LINES)
    by_id = {r["id"]: r for r in records}
    for doc_id, want in EXPECTED.items():
        assert _outcome(by_id[doc_id]) == want, (doc_id, by_id[doc_id].get("error"))
    bad_id = [r for r in records if r["error"] and r["error"]["code"] == "EC070"]
    assert len(bad_id) == 1 and bad_id[0]["id"].endswith(f"{source_name}#L6")  # its source names it
    assert "\\ud800" in bad_id[0]["error"]["message"]
    sur = by_id["sur-text"]
    assert sur["text"] == "Police arrested 12 protesters in Lagos\ufffd on Monday."
    assert by_id["sur-title"]["title"] == "Raid \ufffd report"
    assert by_id["sur-publisher"]["publisher"] == "Wire \ufffd"
    assert by_id["sur-url"]["url"] == "https://example.org/\ufffd"
    for doc_id in ("ok-1", "sur-text", "controls", "zero-width"):  # Lagos is found and located every time
        rec = by_id[doc_id]
        assert [e["location"]["name"] for e in rec["events"]] == ["Lagos"], doc_id
        lagos = [e for e in rec["entities"] if e["text"] == "Lagos"]
        assert lagos and rec["text"][lagos[0]["start"] : lagos[0]["end"]] == "Lagos"


# ------------------------------------------------------------------ the rules


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Lagos\ud800 today", "Lagos\ufffd today"),  # a lone surrogate
        ("\udc00\ud800", "\ufffd\ufffd"),
        ("a\x07b\x1bc\x7fd\x9ee", "a b c d e"),  # C0 controls, DEL, C1 controls: a space
        ("page\x0cbreak\x0bv\x85nel\x1cfs", "page\nbreak\nv\nnel\nfs"),  # controls that break lines
        ("tab\tnew\ncr\r", "tab\tnew\ncr\r"),  # kept
        ("\u200bLagos\u200c\u200d\u2060x\ufeff", " Lagos   x "),  # zero-width: a space
        ("naïve café — 東京 😀", "naïve café — 東京 😀"),  # ordinary text is untouched
    ],
)
def test_sanitize_text_replaces_one_character_for_one(given: str, stored: str) -> None:
    assert sanitize_text(given) == stored
    assert len(sanitize_text(given)) == len(given)  # offsets into the stored text index the input


def test_sanitize_clean_text_is_returned_as_is() -> None:
    text = VALID * 1000
    assert sanitize_text(text) is text


def test_sanitize_ids_are_refused_not_rewritten() -> None:
    assert id_problem("2020/09/27/a b") is None and id_problem("ünïcode-id") is None
    assert "lone surrogate" in (id_problem("a\ud800") or "")
    assert "control character" in (id_problem("a\x01b") or "") and id_problem("a\tb") is None
    assert escape("a\ud800") == "a\\ud800" and escape("a\ud800") != escape("a\udc00")
    failed = sanitize_fields({"id": "x\udc80", "text": VALID}, "f.jsonl#L3")
    assert isinstance(failed, DocumentResult) and failed.error is not None
    assert failed.error.code == "EC070" and failed.id == "f.jsonl#L3"
    nul = sanitize_fields({"id": 7, "text": "a\x00b"}, "f.jsonl#L4")
    assert isinstance(nul, DocumentResult) and nul.error is not None
    assert (nul.error.code, nul.id) == ("EC002", "7")
    # NUL in the html is only refused when the html is what will be coded
    assert isinstance(sanitize_fields({"text": VALID, "html": "<p>\x00</p>"}, "s"), dict)
    clean = sanitize_fields({"id": "a", "text": "x\u200by", "title": "t\ud800"}, "s")
    assert clean == {"id": "a", "text": "x y", "title": "t\ufffd"}


def test_sanitize_item_for_articles_built_by_library_callers() -> None:
    art = Article(id="a", text="In \u200bLagos\x00", title="t")
    out = sanitize_item(art)
    assert isinstance(out, DocumentResult) and out.error is not None and out.error.code == "EC002"
    out = sanitize_item(Article(id="a\x01", text=VALID, source="dir/f.txt"))
    assert isinstance(out, DocumentResult) and out.error is not None
    assert out.error.code == "EC070" and out.id == "dir/f.txt"
    out = sanitize_item(Article(id="a", text="a\x00b", source="dir/\udcfe.txt"))
    assert isinstance(out, DocumentResult) and out.error is not None and out.error.code == "EC002"
    assert "dir/\\udcfe.txt" in out.error.message and jsonl_line(out)[1] is out  # writable as it is
    art = Article(id="a", text="In \u200bLagos", source="dir/\udcff.txt", title="x\x02")
    out = sanitize_item(art)
    assert isinstance(out, Article)
    assert (out.text, out.title, out.source) == ("In  Lagos", "x ", "dir/\\udcff.txt")
    clean = Article(id="a", text=VALID)
    assert sanitize_item(clean) is clean


# ------------------------------------------------------------------ the library


def test_pipeline_zero_width_and_control_characters_keep_entities_events_and_offsets(pipeline: Any) -> None:
    for text in ("Police arrested 12 protesters in \u200bLagos on Monday.",
                 "Police arrested 12 protesters in Lagos\u200b\u200b on Monday.",
                 "Police\u200b arrested 12 protesters in Lagos\x07 on Monday.",
                 "Police arrested 12 protesters in Lagos\ud800 on Monday."):
        doc = pipeline.code_text(text, published="2024-05-07")
        assert doc.status == "ok" and len(doc.text) == len(text)
        assert [e.location.name for e in doc.events if e.location] == ["Lagos"], text
        assert "Lagos" in {e.text for e in doc.entities}, text
        for ent in doc.entities:
            assert doc.text[ent.start : ent.end] == ent.text
        trigger = doc.events[0].trigger
        assert text[trigger.start : trigger.end] == trigger.text == "arrested"  # offsets index the input


def test_parse_many_isolates_the_document_that_breaks_the_parser() -> None:
    nlp = load_nlp()
    long_ok = ("Officials met in Abuja. " * 60 + "\n\n") * 3
    items = [(VALID, 1), ("Bad \ud800 text.", 2), (long_ok, 3), (OTHER, 4)]
    out = list(parse_many(nlp, items, chunk_chars=1000, batch_size=8))
    assert [ctx for _, ctx in out] == [1, 2, 3, 4]
    assert [parse_error(d) is None for d, _ in out] == [True, False, True, True]
    assert isinstance(parse_error(out[1][0]), UnicodeEncodeError) and len(out[1][0]) == 0
    assert out[0][0].text == VALID and out[2][0].text == long_ok and out[3][0].text == OTHER
    alone = parse(nlp, OTHER)  # the same parse as in a batch
    def parsed(doc: Any) -> list[tuple[str, str, str]]:
        return [(t.text, t.dep_, t.ent_type_) for t in doc]

    assert parsed(alone) == parsed(out[3][0])
    with pytest.raises(UnicodeEncodeError):
        parse(nlp, "Bad \ud800 text.")


class _Exploding:
    """A spaCy pipeline that raises inside ``nlp.pipe`` on any text holding ``KABOOM`` (a parser
    bug we cannot trigger with real input once the text rules apply)."""

    def __init__(self, real: Any) -> None:
        self.real, self.vocab = real, real.vocab

    def _check(self, text: str) -> str:
        if "KABOOM" in text:
            raise RuntimeError("the parser blew up")
        return text

    def __call__(self, text: str) -> Any:
        return self.real(self._check(text))

    def pipe(self, items: Any, **kwargs: Any) -> Iterator[Any]:
        return self.real.pipe(((self._check(t), c) for t, c in items), **kwargs)


def test_pipeline_parse_failure_is_a_coded_record_and_neighbours_are_coded(
    pipeline: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [VALID, OTHER, "Rebels attacked a convoy near Gao. KABOOM.", "Police detained 3 men in Kano.",
             VALID]
    alone = [pipeline.code_text(t, id=f"d{i}") for i, t in enumerate(texts) if "KABOOM" not in t]
    monkeypatch.setattr(pipeline, "nlp", _Exploding(pipeline.nlp))
    out = list(pipeline.pipe([Article(id=f"d{i}", text=t) for i, t in enumerate(texts)]))
    assert [d.id for d in out] == [f"d{i}" for i in range(5)]
    assert out[2].status == "failed" and out[2].error is not None and out[2].error.code == "EC071"
    assert "RuntimeError: the parser blew up" in out[2].error.message
    assert [d.to_dict() for d in out if d.status == "ok"] == [d.to_dict() for d in alone]


# ------------------------------------------------------------------ writers


def _unwritable_doc(pipeline: Any) -> DocumentResult:
    doc: DocumentResult = pipeline.code_text(OTHER, id="bad")
    assert doc.events
    return replace(doc, title="Raid \ud800", source="in/\udcff.jsonl#L2")  # as a library caller might


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_writers_replace_an_unwritable_record_by_its_coded_failure(
    pipeline: Any, tmp_path: Path, fmt: str
) -> None:
    good = pipeline.code_text(VALID, id="good")
    last = pipeline.code_text(OTHER, id="last")
    out = tmp_path / f"out.{fmt}"
    if fmt == "parquet":
        writer = RecordWriter(fmt, None, out)
    else:
        writer = RecordWriter(fmt, open(out, "w", encoding="utf-8", newline=""), None)  # noqa: SIM115
    written = [writer.write(d) for d in (good, _unwritable_doc(pipeline), last)]
    writer.close()
    assert [d.status for d in written] == ["ok", "failed", "ok"]
    failure = written[1]
    assert failure.error is not None and failure.error.code == "EC072"
    assert failure.id == "bad" and failure.source == "in/\\udcff.jsonl#L2"
    if fmt == "jsonl":
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in lines] == ["good", "bad", "last"] and lines[1]["error"]["code"] == "EC072"
    elif fmt == "csv":
        with open(out, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert {r["doc_id"] for r in rows} == {"good", "last"}
    else:
        assert set(pq.read_table(out).column("doc_id").to_pylist()) == {"good", "last"}


def test_jsonl_line_of_a_clean_record_is_the_plain_dump(pipeline: Any) -> None:
    doc = pipeline.code_text(VALID)
    line, same = jsonl_line(doc)
    assert same is doc and line == json.dumps(doc.to_dict(), ensure_ascii=False) + "\n"


def test_jsonl_line_escapes_unicode_line_separators(pipeline: Any) -> None:
    """U+2028/U+2029 are valid raw in JSON strings, but a reader that splits on Unicode line
    breaks (``str.splitlines``) would cut the record: the line escapes them, and reads back equal."""
    doc = pipeline.code_text("Police arrested 12 protesters in Lagos on Monday.\u2028Officials said\u2029so.")
    line, same = jsonl_line(doc)
    assert same is doc and "\u2028" not in line and "\u2029" not in line
    assert len(line.splitlines()) == 1
    assert json.loads(line) == doc.to_dict()


class _PickyStore:
    """A store whose database refuses the rows of one document (as PostgreSQL refuses a value)."""

    target = "picky"

    def __init__(self) -> None:
        self.rows: dict[str, DocumentResult] = {}

    def upsert(self, docs: list[DocumentResult]) -> UpsertSummary:
        if any(d.id == "refused" and d.events for d in docs):  # its event rows, not its id
            raise RuntimeError("value out of range for the column")
        self.rows.update((d.id, d) for d in docs)
        return UpsertSummary(len(docs), sum(len(d.events) for d in docs), 0)

    def close(self) -> None:
        pass


def test_store_writer_stores_a_refused_document_as_its_coded_failure(pipeline: Any) -> None:
    store = _PickyStore()
    writer = StoreWriter(store, None, quiet=True)  # type: ignore[arg-type]
    docs = [pipeline.code_text(VALID, id="a"), pipeline.code_text(OTHER, id="refused"),
            pipeline.code_text(OTHER, id="c")]
    summary = BatchSummary()
    for d in docs:
        summary.add(writer.write(d))
    writer.close()
    for before, after in writer.unstored:
        summary.amend(before, after)
    assert sorted(store.rows) == ["a", "c", "refused"]
    stored = store.rows["refused"]
    assert stored.status == "failed" and stored.error is not None and stored.error.code == "EC073"
    assert "value out of range" in stored.error.message
    assert (summary.documents, summary.ok, summary.failed, summary.by_code) == (3, 2, 1, {"EC073": 1})
    assert summary.events == len(docs[0].events) + len(docs[2].events)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_store_writer_with_a_file_writes_what_the_store_holds(
    pipeline: Any, tmp_path: Path, fmt: str
) -> None:
    """``code --db X -o FILE``: a document the store refuses is its coded failure in the file too."""
    from eventcoder.output import open_writer

    store = _PickyStore()
    out = tmp_path / f"also.{fmt}"
    writer = StoreWriter(store, open_writer(str(out), fmt), quiet=True)  # type: ignore[arg-type]
    docs = [pipeline.code_text(VALID, id="a"), pipeline.code_text(OTHER, id="refused"),
            pipeline.code_text(OTHER, id="c")]
    for d in docs:
        writer.write(d)
    writer.close()
    assert store.rows["refused"].status == "failed"
    if fmt == "jsonl":
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert [(r["id"], r["status"]) for r in lines] == [("a", "ok"), ("refused", "failed"), ("c", "ok")]
        assert lines[1]["error"]["code"] == "EC073" and not lines[1]["events"]
    else:  # one row per event: the refused document has none
        with open(out, encoding="utf-8", newline="") as fh:
            ids = {row["doc_id"] for row in csv.DictReader(fh)}
        assert ids == {"a", "c"}
    assert writer.stored.events == len(docs[0].events) + len(docs[2].events)


def test_store_writer_stores_the_failure_of_a_record_the_file_cannot_hold(
    pipeline: Any, tmp_path: Path
) -> None:
    from eventcoder.output import open_writer

    store = _PickyStore()
    out = tmp_path / "also.jsonl"
    writer = StoreWriter(store, open_writer(str(out), "jsonl"), quiet=True)  # type: ignore[arg-type]
    good, bad = pipeline.code_text(VALID, id="good"), _unwritable_doc(pipeline)
    writer.write(good)
    writer.write(bad)
    writer.close()
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["status"]) for r in lines] == [("good", "ok"), ("bad", "failed")]
    [(before, after)] = writer.unstored
    assert before is bad and after.error is not None and after.error.code == "EC072"
    assert store.rows["bad"] is after  # the store holds the failure the file holds
    assert writer.stored.documents == 2 and writer.stored.events == len(good.events)


# ------------------------------------------------------------------ readers


def test_nul_is_refused_alike_in_text_files_and_jsonl(pipeline: Any, tmp_path: Path) -> None:
    late = tmp_path / "late-nul.txt"  # after the 8 KiB the binary sniff of a file reads
    late.write_bytes(((VALID + "\n") * 200).encode() + b"tail\x00\n")
    early = tmp_path / "early-nul.txt"
    early.write_bytes(b"Police\x00 arrested 12 protesters.\n")
    jl = _write_jsonl(tmp_path / "n.jsonl", ['{"text": "Police\\u0000 arrested 12 protesters."}'])
    coded = list(pipeline.pipe(iter_articles([str(early), str(late), str(jl)], Settings())))
    assert [(d.status, d.error.code if d.error else None) for d in coded] == [("failed", "EC002")] * 3
    assert "NUL" in coded[1].error.message and str(late) in coded[1].error.message  # type: ignore[union-attr]


def test_readers_clean_every_field_of_a_jsonl_record(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "p.jsonl", POISON_LINES)
    items = list(iter_articles([str(path)], Settings()))
    assert len(items) == len(POISON_LINES)
    for item in items:
        if isinstance(item, Article):
            for value in (item.id, item.text, item.title, item.publisher, item.url):
                assert value is None or value.encode("utf-8")


# ------------------------------------------------------------------ the CLI


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cli_codes_every_valid_document_and_records_the_poisoned_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    src = _write_jsonl(tmp_path / "p.jsonl", POISON_LINES)
    out = tmp_path / "out.jsonl"
    assert main(["code", str(src), "-o", str(out), "--workers", workers]) == ExitCode.OK
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    _check_poison_records(records, "p.jsonl")
    err = capsys.readouterr().err
    assert f"documents in: {len(POISON_LINES)}, ok: 8, failed: 2 (EC002: 1, EC070: 1)" in err


def test_cli_csv_and_parquet_outputs_survive_poison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write_jsonl(tmp_path / "p.jsonl", POISON_LINES)
    for name in ("e.csv", "e.parquet"):
        assert main(["code", str(src), "-o", str(tmp_path / name), "--workers", "1"]) == ExitCode.OK
        assert "ok: 8, failed: 2" in capsys.readouterr().err
    table = pq.read_table(tmp_path / "e.parquet")
    assert "sur-title" in table.column("doc_id").to_pylist()
    assert "Raid \ufffd report" in table.column("title").to_pylist()


def test_cli_output_dir_with_poison_completes_resumes_and_retries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_text = long_article(30_000)  # a long document next to the short ones
    src = _write_jsonl(tmp_path / "p.jsonl", [*POISON_LINES, json.dumps({"id": "long", "text": long_text})])
    out = tmp_path / "batch"
    base = ["code", str(src), "--output-dir", str(out), "--part-size", "3", "--workers", "1"]
    assert main(base) == ExitCode.OK
    assert "ok: 9, failed: 2" in capsys.readouterr().err
    parts = sorted(out.glob("part-*.jsonl"))
    coded = [json.loads(x) for p in parts for x in p.read_text(encoding="utf-8").splitlines()]
    failed = [json.loads(x) for x in (out / "failed.jsonl").read_text(encoding="utf-8").splitlines()]
    [long_record] = [r for r in coded if r["id"] == "long"]
    assert long_record["text"] == long_text and len(long_record["events"]) > 50
    _check_poison_records([r for r in coded + failed if r["id"] != "long"], "p.jsonl")
    assert sorted(r["error"]["code"] for r in failed) == ["EC002", "EC070"]
    assert main([*base, "--resume"]) == ExitCode.OK  # nothing left to do, and no crash
    err = capsys.readouterr().err
    assert "documents in: 0" in err and "already coded: 9" in err
    assert "failed before (use --retry-failed): 2" in err
    assert main([*base, "--retry-failed"]) == ExitCode.ALL_FAILED  # both fail again, with their codes
    err = capsys.readouterr().err
    assert "documents in: 2, ok: 0, failed: 2 (EC002: 1, EC070: 1)" in err
    assert sorted(out.glob("part-*.jsonl")) == parts  # no part was added or lost
    again = [json.loads(x) for x in (out / "failed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in again) == sorted(r["id"] for r in failed)


# ------------------------------------------------------------------ Spark's partition function


def _spark_rows(batches: Any) -> list[dict[str, Any]]:
    return [row for batch in batches for row in batch.to_pylist()]


def test_spark_partition_codes_poison_like_the_cli(tmp_path: Path) -> None:
    import pyarrow as pa

    from eventcoder.spark import code_arrow_batches

    src = _write_jsonl(tmp_path / "p.jsonl", POISON_LINES)
    schema = pa.schema([("kind", pa.string()), ("path", pa.string()), ("start", pa.int64()),
                        ("end", pa.int64()), ("payload", pa.string())])
    rows = [{"kind": "jsonl", "path": str(src), "start": 0, "end": src.stat().st_size, "payload": None},
            {"kind": "row", "path": "t.parquet", "start": 0, "end": None,
             "payload": '{"id": "pq-\\ud800", "text": "' + VALID + '"}'}]
    out = _spark_rows(code_arrow_batches([pa.RecordBatch.from_pylist(rows, schema=schema)], Settings()))
    outcome = {r["doc_id"]: "ok" if r["status"] == "ok" else r["error_code"] for r in out}
    for doc_id, want in EXPECTED.items():
        assert outcome[doc_id] == want, doc_id
    assert outcome[f"{src}#L6"] == "EC070" and outcome["t.parquet#L1"] == "EC070"
    assert len(out) == len(POISON_LINES) + 1


def test_spark_partition_replaces_a_row_arrow_refuses(pipeline: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventcoder import spark

    docs = [pipeline.code_text(VALID, id="good"), _unwritable_doc(pipeline),
            pipeline.code_text(OTHER, id="last")]
    monkeypatch.setattr(spark, "code_partition", lambda items, settings: iter(docs))
    out = _spark_rows(spark.code_arrow_batches([], Settings()))
    assert [(r["doc_id"], r["status"], r["error_code"]) for r in out] == [
        ("good", "ok", None), ("bad", "failed", "EC072"), ("last", "ok", None)]
    assert out[0]["events"] and out[2]["events"] and not out[1]["events"]


def test_cli_output_dir_resume_knows_a_failed_file_whose_name_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(VALID + "\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(src), b"empty-\xff.txt"), "wb"):
        pass  # an empty file (EC001) under a name with a byte no encoding names
    out = tmp_path / "batch"
    base = ["code", str(src), "--output-dir", str(out), "--workers", "1"]
    assert main(base) == ExitCode.OK
    assert "documents in: 2, ok: 1, failed: 1 (EC001: 1)" in capsys.readouterr().err
    failed = [json.loads(x) for x in (out / "failed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in failed] == [f"{src}/empty-\\udcff.txt"]  # escaped, so every writer can encode it
    assert main([*base, "--resume"]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "documents in: 0" in err and "failed before (use --retry-failed): 1" in err


# ------------------------------------------------------------------ a worker killed outright (--workers N)

KILL = "The OOM-MARKER in this text makes the test's worker kill itself."


class _KillingPipeline:
    """The real pipeline, except that a worker coding a document with the marker is SIGKILLed, as
    the out-of-memory killer would; forked workers inherit it from the test process."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def pipe(self, items: Any) -> Iterator[DocumentResult]:
        for item in items:
            if isinstance(item, Article) and "OOM-MARKER" in item.text:
                import os
                import signal

                os.kill(os.getpid(), signal.SIGKILL)
            yield from self.real.pipe([item])


@pytest.fixture
def killing_workers(pipeline: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import signal

    import eventcoder.batch as batch

    monkeypatch.setattr(batch, "_pipeline", lambda settings: _KillingPipeline(pipeline))

    def hung(signum: int, frame: object) -> None:  # the old pool waited forever for the lost task
        raise TimeoutError("the batch hung after a worker died")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(240)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _killing_batch(tmp_path: Path) -> tuple[Path, list[str]]:
    texts = [VALID, OTHER] * 6
    texts[5] = KILL
    ids = [f"d{i:02d}" for i in range(len(texts))]
    lines = [json.dumps({"id": i, "text": t}) for i, t in zip(ids, texts, strict=True)]
    return _write_jsonl(tmp_path / "k.jsonl", lines), ids


@pytest.mark.usefixtures("killing_workers")
def test_cli_workers_a_killed_worker_fails_only_its_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, ids = _killing_batch(tmp_path)
    out = tmp_path / "out.jsonl"
    assert main(["code", str(src), "-o", str(out), "--workers", "2"]) == ExitCode.OK
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ids  # every document, in input order
    [dead] = [r for r in records if r["status"] != "ok"]
    assert dead["id"] == "d05" and dead["error"]["code"] == "EC076"
    assert "SIGKILL" in dead["error"]["message"] and "k.jsonl" in dead["error"]["message"]
    assert all(r["events"] for r in records if r["id"] != "d05")  # the neighbours were really coded
    assert "documents in: 12, ok: 11, failed: 1 (EC076: 1)" in capsys.readouterr().err


def test_cli_output_dir_records_a_killed_worker_and_retry_recovers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], killing_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, ids = _killing_batch(tmp_path)
    out = tmp_path / "batch"
    base = ["code", str(src), "--output-dir", str(out), "--part-size", "4", "--workers", "2"]
    assert main(base) == ExitCode.OK
    assert "ok: 11, failed: 1 (EC076: 1)" in capsys.readouterr().err
    [failed] = [json.loads(x) for x in (out / "failed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failed["id"] == "d05" and failed["error"]["code"] == "EC076"
    monkeypatch.undo()  # the machine got more memory: the retry codes it
    assert main([*base, "--retry-failed"]) == ExitCode.OK
    assert "documents in: 1, ok: 1, failed: 0" in capsys.readouterr().err
    coded = [json.loads(x) for p in sorted(out.glob("part-*.jsonl")) for x in p.read_text().splitlines()]
    assert sorted(r["id"] for r in coded) == ids and all(r["status"] == "ok" for r in coded)
