"""WARC input: HTML responses become articles (URL, fetch date), other records are counted, damage is
a coded failure. Every WARC here is written by the test (warcio) from our own small pages."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventcoder.cli.main import main
from eventcoder.errors import ExitCode
from eventcoder.ingest import iter_articles
from eventcoder.records import Article, DocumentResult
from eventcoder.settings import Settings

FETCHED = "2024-05-09T10:11:12Z"
STORY_A = ("Police arrested 12 protesters in Lagos on Monday after a march against fuel prices, "
           "officials said. The march had crossed the city centre before noon.")
STORY_B = ("Rebels attacked an army convoy near Gao on Tuesday, killing four soldiers, the army said. "
           "The convoy was carrying supplies to a northern base.")


def _page(title: str, story: str, date: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return (f"<html><head><title>{title}</title>{meta}</head><body><nav>Home | World | Sport</nav>"
            f"<article><h1>{title}</h1><p>{story}</p><p>{story}</p></article>"
            "<footer>Copyright Example Wire</footer></body></html>").encode()


def _response(w: WARCWriter, uri: str, body: bytes, status: str = "200 OK",
              ctype: str = "text/html; charset=utf-8", extra: list[tuple[str, str]] | None = None) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype), *(extra or [])], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                        warc_headers_dict={"WARC-Date": FETCHED}))


def write_warc(path: Path, *, gz: bool = True) -> None:
    """Two HTML articles (one dated by the page, one gzip-encoded without a date) amid non-documents."""
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "eventcoder tests"}))
        request = io.BytesIO(b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n")
        w.write_record(w.create_warc_record("https://news.example/a", "request", payload=request))
        _response(w, "https://news.example/a", _page("Arrests in Lagos", STORY_A, "2024-05-07"))
        _response(w, "https://news.example/report.pdf", b"%PDF-1.4 not html", ctype="application/pdf")
        _response(w, "https://news.example/gone", _page("Gone", "Nothing here."), status="404 Not Found")
        w.write_record(w.create_revisit_record("https://news.example/a", digest="sha1:AAAA",
                                               refers_to_uri="https://news.example/a",
                                               refers_to_date="2024-05-08T00:00:00Z"))
        _response(w, "https://news.example/b", gzip.compress(_page("Convoy attacked", STORY_B)),
                  extra=[("Content-Encoding", "gzip")])


def _read(paths: list[Path]) -> tuple[list[Article | DocumentResult], Counter[str]]:
    skipped: Counter[str] = Counter()
    return list(iter_articles([str(p) for p in paths], Settings(), skipped=skipped)), skipped


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_become_articles_with_url_and_fetch_date(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz=gz)
    items, _ = _read([path])
    assert [type(i) for i in items] == [Article, Article]
    a, b = items
    assert isinstance(a, Article) and isinstance(b, Article)
    assert (a.url, b.url) == ("https://news.example/a", "https://news.example/b")
    assert a.fetched == b.fetched == FETCHED
    assert a.published == "2024-05-07" and a.published_source == "metadata"  # the page's own date
    assert b.published is None  # the fetch date is not a publication date
    assert a.id.startswith("urn:uuid:") and a.id != b.id
    assert "arrested 12 protesters" in a.text and "Home | World" not in a.text
    assert "killing four soldiers" in b.text  # the gzip Content-Encoding was undone
    assert a.source is not None and a.source.startswith(f"{path}#offset=")
    again, _ = _read([path])
    assert [i.id for i in again] == [a.id, b.id]  # ids are stable across runs


def test_warc_records_that_are_not_documents_are_counted_by_reason(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    _, skipped = _read([path])
    assert skipped == Counter({"warc:warcinfo": 1, "warc:request": 1, "warc:non-html": 1,
                               "warc:http-404": 1, "warc:revisit": 1})


def test_warc_corrupt_files_fail_with_ec050_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    write_warc(good)
    data = good.read_bytes()
    truncated = tmp_path / "a_truncated.warc.gz"
    truncated.write_bytes(data[: len(data) - 200])  # the last record's gzip member is cut
    garbage = tmp_path / "b_garbage.warc"
    garbage.write_bytes(b"this is not an archive\n" * 20)
    plain = tmp_path / "c_cut.warc"
    plain.write_bytes(gzip.decompress(data)[:-300])
    items, _ = _read([truncated, garbage, plain, good])
    kinds = [(type(i).__name__, getattr(i, "error", None) and i.error.code) for i in items]  # type: ignore[union-attr]
    assert kinds == [
        ("Article", None), ("DocumentResult", "EC050"),  # the article before the damage is kept
        ("DocumentResult", "EC050"),
        ("Article", None), ("DocumentResult", "EC050"),
        ("Article", None), ("Article", None),  # the next file is read as if nothing happened
    ]
    failure = items[1]
    assert isinstance(failure, DocumentResult) and failure.error is not None
    assert str(truncated) in failure.error.message and "records before it were read" in failure.error.message
    assert failure.error.message.isprintable()


def test_warc_cli_codes_pages_and_summary_counts_what_it_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    rc = main(["code", str(path), "--workers", "1"])
    out, err = capsys.readouterr()
    assert rc == ExitCode.OK
    recs = [json.loads(line) for line in out.splitlines()]
    assert [(r["status"], r["url"], r["fetched"]) for r in recs] == [
        ("ok", "https://news.example/a", FETCHED), ("ok", "https://news.example/b", FETCHED)]
    assert any(e["type"] == "COERCE" and e["trigger"]["text"] == "arrested" for e in recs[0]["events"])
    assert "documents in: 2, ok: 2" in err
    assert ("skipped: 5 (warc:http-404: 1, warc:non-html: 1, warc:request: 1, warc:revisit: 1, "
            "warc:warcinfo: 1)") in err
    assert DocumentResult.from_dict(recs[0]).fetched == FETCHED


def test_warc_pages_deferred_to_workers_resolve_to_the_same_articles(tmp_path: Path) -> None:
    from eventcoder.ingest.readers import iter_items
    from eventcoder.ingest.warc import WarcPage

    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    skipped: Counter[str] = Counter()
    pages = list(iter_items([str(path)], Settings(), skipped=skipped))
    assert all(isinstance(p, WarcPage) for p in pages) and len(pages) == 2
    assert sum(skipped.values()) == 5  # counted while reading, before any extraction
    direct, _ = _read([path])
    assert [p.resolve(Settings()) for p in pages] == direct  # type: ignore[union-attr]
    assert [p.id for p in pages] == [a.id for a in direct]  # known before extraction (resume filters on it)


def test_warc_page_in_a_charset_named_only_by_the_http_header_decodes_right(tmp_path: Path) -> None:
    story = ("Le président a rencontré les ministres à Genève mercredi; la réunion a duré trois heures, "
             "a déclaré un porte-parole. Les élèves ont manifesté devant l'hôtel de ville.")
    body = (f"<html><head><title>Réunion à Genève</title></head><body><article><p>{story}</p>"
            f"<p>{story}</p></article></body></html>").encode("cp1252")  # no <meta charset>
    path = tmp_path / "latin.warc"
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=False)
        _response(w, "https://news.example/fr", body, ctype="text/html; charset=windows-1252")
        _response(w, "https://news.example/fr2", body, ctype='text/html; charset="ISO-8859-1"')
        utf8 = body.decode("cp1252").encode("utf-8")  # mislabelled by a server's default charset
        _response(w, "https://news.example/fr3", utf8, ctype="text/html; charset=iso-8859-1")
    items, _ = _read([path])
    assert [type(i) for i in items] == [Article, Article, Article]
    for item in items:
        assert isinstance(item, Article)
        assert "ministres à Genève mercredi" in item.text and "Les élèves" in item.text, item.text[:80]
