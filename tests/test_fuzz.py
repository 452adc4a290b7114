"""Property-based fuzzing (issue 14) of every reader (txt, jsonl, html, warc, gz, stdin) and of the
pipeline, on arbitrary bytes and arbitrary Unicode (lone surrogates, NUL, control and zero-width
characters included). The contract: never a traceback; every document is an ``Article`` or a
failed record with a code of ``errors.py``; every offset slices the text it points into; every
record serializes to UTF-8 JSON.

Bounded for CI: ``EVENTCODER_FUZZ_EXAMPLES`` examples per property (default 40), derandomized so a
failure repeats; set ``EVENTCODER_FUZZ_RANDOM=1`` (and more examples) to explore.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventcoder.cli.main import main
from eventcoder.errors import Errors
from eventcoder.ingest import iter_articles
from eventcoder.ingest.decode import Decoded, decode
from eventcoder.records import Article, DocumentResult
from eventcoder.settings import Settings

CODES = {e.name for e in Errors}
FUZZ = settings(max_examples=int(os.environ.get("EVENTCODER_FUZZ_EXAMPLES", "40")), deadline=None,
                derandomize=not os.environ.get("EVENTCODER_FUZZ_RANDOM"), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SETTINGS = Settings(max_chars=20_000)

# what scrapers and editors put into news text, beyond what st.characters() draws by itself
ODD = ["\ud800", "\udfff", "\udc80", "\x00", "\u200b", "\u200d", "\ufeff", "\x1b", "\x07", "\x85", "\u2028",
       "\u2029", "\r", "\n", "\t", "\xa0", "\u0301", "😀", "ﷺ", "\U0010ffff", "\ufffd"]
WORDS = ["Police", "arrested", "12", "protesters", "in", "Lagos", "on", "Monday", ",", "officials", "said",
         ".", "Rebels", "attacked", "a", "convoy", "near", "Gao", "killing", "four", "soldiers", "The",
         "president", "met", "the", "minister", "Kabul", "Baku", "Kyiv", "2024-05-07", "(Reuters)", "-",
         "BAKU", "Azerbaijan", "Dec.", "3", "By", "Trend", "Москве", "القاهرة", "北京", "\n",
         "\r\n", "\n\n", "👩\u200d👩\u200d👧"]
# lists joined, not st.text(alphabet=...): text() folds its alphabet into code point intervals and
# drops the surrogates of ODD
chars = st.one_of(st.characters(codec=None), st.sampled_from(ODD))
unicode_text = st.lists(chars, max_size=300).map("".join)
newsy_text = st.lists(st.one_of(st.sampled_from(WORDS), st.lists(chars, max_size=4).map("".join)),
                      max_size=60).map(" ".join)
any_text = st.one_of(unicode_text, newsy_text)
blobs = st.one_of(st.binary(max_size=2000), any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                  st.tuples(newsy_text, st.sampled_from(["utf-16", "utf-32", "cp1251", "gb18030", "latin-1",
                                                         "utf-16-le", "utf-8-sig"]))
                  .map(lambda p: p[0].encode(p[1], "replace")))


@contextmanager
def _dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ec-fuzz-") as d:
        yield Path(d)


def _spans_slice(item: Article | DocumentResult) -> None:
    text = item.text
    assert isinstance(text, str)
    spans: list[tuple[int, int, str | None]] = []
    if isinstance(item, Article):
        for span in (item.dateline_span, item.publisher_span):
            if span is not None:
                spans.append((span[0], span[1], None))
    else:
        spans += [(e.start, e.end, e.text) for e in item.entities]
        spans += [(t.start, t.end, t.text) for t in item.times]
        spans += [(p.start, p.end, p.text) for p in item.places]
        spans += [(q.start, q.end, q.text) for q in item.quantities]
        for ev in item.events:
            spans.append((ev.trigger.start, ev.trigger.end, ev.trigger.text))
            spans.append((ev.sentence.start, ev.sentence.end, None))
            for ref in (ev.actor, ev.recipient, ev.ordered_by):
                if ref is not None:
                    spans.append((ref.start, ref.end, ref.text))
            if ev.date is not None and ev.date.start is not None and ev.date.end is not None:
                spans.append((ev.date.start, ev.date.end, ev.date.text))
    for start, end, said in spans:
        assert 0 <= start <= end <= len(text), (start, end, len(text))
        if said is not None:
            assert text[start:end] == said, (start, end, said, text[start:end])


def _check_items(items: list[Article | DocumentResult]) -> None:
    for item in items:
        assert isinstance(item, Article | DocumentResult)
        if isinstance(item, DocumentResult):
            assert item.status == "failed" and item.error is not None
            assert item.error.code in CODES and item.error.message.startswith(f"[{item.error.code}] ")
        _spans_slice(item)


def _read(path: Path) -> list[Article | DocumentResult]:
    return list(iter_articles([str(path)], SETTINGS))


def _serializes(doc: DocumentResult) -> None:
    """The record as the CLI writes it (UTF-8 JSONL) and reads it back."""
    line = json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")
    assert DocumentResult.from_dict(json.loads(line)).to_dict() == json.loads(line)


# ---------------------------------------------------------------- readers on bytes


@FUZZ
@given(data=blobs, name=st.sampled_from(["a.txt", "a.html", "a.jsonl", "a", "a.md"]))
def test_fuzz_readers_on_arbitrary_bytes(data: bytes, name: str) -> None:
    with _dir() as d:
        (d / name).write_bytes(data)
        _check_items(_read(d / name))
        (d / f"{name}.gz").write_bytes(gzip.compress(data))
        _check_items(_read(d / f"{name}.gz"))
        (d / "cut.txt.gz").write_bytes(gzip.compress(data)[: max(1, len(data) // 2)])
        _check_items(_read(d / "cut.txt.gz"))


@FUZZ
@given(data=blobs)
def test_fuzz_stdin_on_arbitrary_bytes(data: bytes) -> None:
    _check_items(list(iter_articles(["-"], SETTINGS, stdin=io.BytesIO(data))))


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(any_text, inner, max_size=3)), max_leaves=8)
records = st.fixed_dictionaries({}, optional={
    "id": st.one_of(any_text, st.integers(), json_values), "text": st.one_of(any_text, json_values),
    "html": st.one_of(any_text.map(lambda t: f"<html><body><p>{t}</p></body></html>"), json_values),
    "url": st.one_of(any_text, json_values), "published": st.one_of(any_text, st.just("2024-05-07")),
    "publisher": any_text, "title": any_text})


@FUZZ
@given(lines=st.lists(st.one_of(records.map(lambda r: json.dumps(r).encode()),
                                records.map(lambda r: json.dumps(r, ensure_ascii=False)
                                            .encode("utf-8", "surrogatepass")),
                                st.binary(max_size=80)), max_size=8),
       codec=st.sampled_from(["utf-8", "utf-16", "cp1251"]))
def test_fuzz_jsonl_reader_on_arbitrary_records(lines: list[bytes], codec: str) -> None:
    body = b"\n".join(lines)
    if codec != "utf-8":
        body = body.decode("utf-8", "replace").encode(codec, "replace")
    with _dir() as d:
        (d / "a.jsonl").write_bytes(body)
        _check_items(_read(d / "a.jsonl"))


CTYPES = ["text/html", "text/html; charset=utf-8", "text/html; charset=windows-1251",
          "text/html; charset=nonsense", "application/pdf", ""]


@FUZZ
@given(pages=st.lists(st.tuples(blobs, st.sampled_from(CTYPES),
                                st.sampled_from(["200 OK", "404 Not Found", "301 Moved"])), max_size=4),
       cut=st.integers(min_value=0, max_value=4000), gz=st.booleans())
def test_fuzz_warc_reader_on_arbitrary_payloads(pages: list[tuple[bytes, str, str]], cut: int,
                                                gz: bool) -> None:
    with _dir() as d:
        path = d / ("a.warc.gz" if gz else "a.warc")
        with open(path, "wb") as out:
            w = WARCWriter(out, gzip=gz)
            for i, (body, ctype, status) in enumerate(pages):
                headers = [("Content-Type", ctype)] if ctype else []
                http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
                w.write_record(w.create_warc_record(f"https://news.example/{i}", "response",
                                                    payload=io.BytesIO(body), http_headers=http))
        _check_items(_read(path))
        data = path.read_bytes()
        path.write_bytes(data[: cut % (len(data) + 1)])  # cut anywhere: a damaged or truncated file
        _check_items(_read(path))


# ---------------------------------------------------------------- decoding


@FUZZ
@given(data=blobs, declared=st.one_of(st.none(), st.sampled_from(["utf-8", "cp1251", "bogus", "utf-16"])),
       html=st.booleans())
def test_fuzz_decode_never_raises_and_keeps_text(data: bytes, declared: str | None, html: bool) -> None:
    got = decode(data, declared=declared, html=html)
    if isinstance(got, Decoded):
        assert "\x00" not in got.text[:8192] and 0.0 <= got.encoding.confidence <= 1.0
        assert got.text.encode(got.encoding.name, "surrogatepass").decode(got.encoding.name) == got.text
    else:
        assert got.code in ("EC002", "EC081") and got.detail


# ---------------------------------------------------------------- the pipeline on arbitrary Unicode


@FUZZ
@given(text=any_text, published=st.one_of(st.none(), st.just("2024-05-07")))
def test_fuzz_pipeline_on_arbitrary_unicode(pipeline: Any, text: str, published: str | None) -> None:
    doc = pipeline.code_text(text, published=published)
    assert doc.status == "ok" or (doc.error is not None and doc.error.code in CODES)
    _spans_slice(doc)
    _serializes(doc)


@FUZZ
@given(data=blobs)
def test_fuzz_pipeline_on_decoded_bytes(pipeline: Any, data: bytes) -> None:
    got = decode(data)
    if isinstance(got, Decoded) and got.text.strip():
        doc = pipeline.code_text(got.text)
        _spans_slice(doc)
        _serializes(doc)


@FUZZ
@given(texts=st.lists(any_text, min_size=1, max_size=4))
def test_fuzz_cli_code_never_a_traceback(texts: list[str]) -> None:
    with _dir() as d:
        src = d / "in.jsonl"
        src.write_bytes(b"".join(json.dumps({"id": f"t{i}", "text": t}).encode() + b"\n"
                                 for i, t in enumerate(texts)))
        out = d / "out.jsonl"
        rc = main(["code", str(src), "-o", str(out), "--workers", "1", "--quiet"])
        assert rc in (0, 4)
        lines = out.read_bytes().decode("utf-8").splitlines()
        assert len(lines) == len(texts)
        for line in lines:
            doc = DocumentResult.from_dict(json.loads(line))
            _spans_slice(doc)
