"""Ingest: every input kind, coded failures that never stop a batch, datelines and bylines.

All texts here are written for these tests; bad and large inputs are generated in tmp_path.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from eventcoder.ingest import (
    binary_reason,
    find_byline,
    find_dateline,
    input_kind,
    iter_articles,
    normalize_date,
)
from eventcoder.ingest.metadata import build_article
from eventcoder.records import Article, DocumentResult, content_id
from eventcoder.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GOOD_1 = "Protesters gathered outside the parliament on Monday.\n"
GOOD_2 = "The navy intercepted a cargo ship carrying weapons.\n"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def _run(paths: list[str | Path], settings: Settings, **kw: object) -> list[Article | DocumentResult]:
    return list(iter_articles([str(p) for p in paths], settings, **kw))  # type: ignore[arg-type]


def _codes(items: list[Article | DocumentResult]) -> list[str]:
    """"ok" for an Article, else the failure code."""
    out = []
    for item in items:
        if isinstance(item, Article):
            out.append("ok")
        else:
            assert item.status == "failed" and item.error is not None
            out.append(item.error.code)
    return out


# ---------------------------------------------------------------- input kinds

def test_ingest_text_kept_exactly(tmp_path: Path, settings: Settings) -> None:
    body = "Line one\r\n\tindented   line  \r\n\n\u00a0Café “quoted” text\n   "
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    [art] = _run([path], settings)
    assert isinstance(art, Article)
    assert art.text == body  # only the BOM is removed
    assert art.id == content_id(body)
    assert art.source == str(path)


def test_ingest_same_text_two_paths_one_id(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "x.txt").write_text(GOOD_1)
    (tmp_path / "copy.md").write_text(GOOD_1)  # unknown extension: read as text
    first, second = _run([tmp_path / "x.txt", tmp_path / "copy.md"], settings)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == second.id and first.source != second.source


def test_ingest_html_main_text_and_metadata(settings: Settings) -> None:
    [art] = _run([FIXTURES / "page.html"], settings)
    assert isinstance(art, Article)
    assert "about 900 residents cut off" in art.text
    assert "Subscribe to our newsletter" not in art.text and "Sport" not in art.text
    assert not art.text.startswith("Flooding cuts road")  # headline kept as title, not repeated
    assert art.title == "Flooding cuts road to mountain villages"
    assert art.publisher == "Valley Courier"
    assert art.published == "2023-04-17" and art.published_source == "metadata"
    assert art.url == "https://courier.example.org/news/flooding-cuts-road"


def test_ingest_jsonl_fields_ids_and_sources(settings: Settings) -> None:
    path = FIXTURES / "records.jsonl"
    a, b, c = _run([path], settings)
    assert isinstance(a, Article) and isinstance(b, Article) and isinstance(c, Article)
    assert a.id == "r-1" and a.source == f"{path}#L1"
    assert a.published == "2022-09-01" and a.published_source == "metadata"
    assert a.publisher is None  # "the local news agency reported" names no agency
    assert b.id == "42" and b.publisher == "Harbour Times" and b.url == "https://harbour.example/ferries"
    assert b.published is None and b.published_source is None
    assert c.text.startswith("Striking dock workers") and c.title == "Dock strike ends"
    assert c.id == content_id(c.text) and c.source == f"{path}#L3"


def test_ingest_jsonl_unparseable_published_is_ignored_but_noted(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "p.jsonl"
    lines = [
        {"id": "vague", "text": GOOD_1, "published": "sometime last spring"},
        {"id": "no-day", "text": GOOD_1, "published": " 2024-13-45 "},
        {"id": "fine", "text": GOOD_1, "published": "March 3, 2021"},
        {"id": "html", "html": "<html><head><meta property='article:published_time' content='2023-04-17'>"
         "</head><body><article><p>" + GOOD_1 + "</p></article></body></html>", "published": "May 2023"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    vague, no_day, fine, html = _run([path], settings)
    assert isinstance(vague, Article) and vague.published is None and vague.text == GOOD_1
    assert vague.published_ignored == "sometime last spring"
    assert isinstance(no_day, Article) and no_day.published is None
    assert no_day.published_ignored == "2024-13-45"
    assert isinstance(fine, Article) and (fine.published, fine.published_ignored) == ("2021-03-03", None)
    assert isinstance(html, Article) and html.published == "2023-04-17"  # the page's own date
    assert html.published_ignored == "May 2023"


def test_cli_counts_and_records_an_ignored_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eventcoder.cli.main import main

    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"id": "a", "text": GOOD_1, "published": "yesterday-ish"}) + "\n"
                    + json.dumps({"id": "b", "text": GOOD_1, "published": "2021-03-03"}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["code", str(path), "-o", str(out), "--workers", "1", "--published", "2020-01-01"]) == 0
    a, b = (json.loads(x) for x in out.read_text().splitlines())
    assert (a["published"], a["published_source"]) == ("2020-01-01", "option")  # the fallback dates it
    assert a["meta"]["published_ignored"] == "yesterday-ish"
    assert b["published"] == "2021-03-03" and "published_ignored" not in b["meta"]
    err = capsys.readouterr().err
    assert "ok: 2, failed: 0" in err and "warnings: 1 (published is no date, ignored: 1)" in err


@pytest.mark.parametrize("name", ["a.txt.gz", "a.jsonl.gz", "a.html.gz", "a.gz"])
def test_ingest_gzip_kind_from_inner_name(tmp_path: Path, settings: Settings, name: str) -> None:
    if name.startswith("a.jsonl"):
        payload = json.dumps({"id": "g1", "text": GOOD_1}) + "\n"
    elif name.startswith("a.html"):
        payload = f"<html><body><article><p>{GOOD_1}</p></article></body></html>"
    else:
        payload = GOOD_1
    path = tmp_path / name
    path.write_bytes(gzip.compress(payload.encode()))
    [art] = _run([path], settings)
    assert isinstance(art, Article)
    assert art.text.strip() == GOOD_1.strip()
    assert (art.id == "g1") == name.startswith("a.jsonl")


def test_ingest_directory_sorted_recursive_hidden_skipped(tmp_path: Path, settings: Settings) -> None:
    for rel, text in [("b.txt", "bee"), ("a/z.txt", "zed"), ("a/c/d.txt", "dee"), ("a0.txt", "aye"),
                      (".hidden.txt", "hidden"), (".git/x.txt", "git"), ("a/.h/y.txt", "y")]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    items = _run([tmp_path], settings)
    assert [a.text for a in items] == ["dee", "zed", "aye", "bee"]


def test_ingest_directory_is_lazy(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "1.txt").write_text(GOOD_1)
    (tmp_path / "2.txt").write_text(GOOD_2)
    it = iter_articles([str(tmp_path)], settings)
    first = next(it)
    assert isinstance(first, Article) and first.text == GOOD_1
    (tmp_path / "2.txt").write_text("changed after the walk started\n")  # read only when reached
    second = next(it)
    assert isinstance(second, Article) and second.text == "changed after the walk started\n"


def test_ingest_stdin_text_exact(settings: Settings) -> None:
    raw = "  {not json} but prose\r\nsecond line\n"
    [art] = _run(["-"], settings, stdin=io.BytesIO(raw.encode()))
    assert isinstance(art, Article) and art.text == raw and art.source == "-"


def test_ingest_stdin_jsonl_sniffed_with_bad_line(settings: Settings) -> None:
    raw = "\n" + json.dumps({"id": "s1", "text": GOOD_1}) + "\n{broken\n"
    raw += json.dumps({"text": GOOD_2}) + "\n"
    items = _run(["-"], settings, stdin=io.BytesIO(raw.encode()))
    assert _codes(items) == ["ok", "EC004", "ok"]
    assert items[0].id == "s1" and items[0].source == "-#L2" and items[2].text == GOOD_2


def test_ingest_stdin_gzip(settings: Settings) -> None:
    [art] = _run(["-"], settings, stdin=io.BytesIO(gzip.compress(GOOD_2.encode())))
    assert isinstance(art, Article) and art.text == GOOD_2


def test_ingest_input_kind_names() -> None:
    assert input_kind("x/Report.HTML") == ("html", False)
    assert input_kind("a.ndjson.gz") == ("jsonl", True)
    assert input_kind("notes.md") == ("text", False)


def test_ingest_wrong_types_raise(settings: Settings) -> None:
    with pytest.raises(TypeError):
        list(iter_articles("single.txt", settings))  # a str is a Sequence: refused at run time
    with pytest.raises(TypeError):
        list(iter_articles(["a.txt"], {"max_chars": 5}))  # type: ignore[arg-type]


# ---------------------------------------------------------------- coded failures, batch goes on

def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    files = {
        "empty": ("empty.txt", b""),
        "blank": ("blank.txt", b" \n\t\r\n  "),
        "binary": ("img.txt", bytes(range(256)) * 4),
        "controls": ("ctl.txt", b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 50),
        "undecodable": ("junk.txt", bytes(range(1, 256)) * 4),  # no NUL, and no encoding fits

        "nohtml": ("empty.html",
                   b"<html><head><title>t</title><script>var x = 1;</script></head><body></body></html>"),
        "badgz": ("broken.txt.gz", gzip.compress(GOOD_1.encode() * 50)[:40]),
        "notgz": ("plain.txt.gz", b"this is not gzip at all"),
    }
    out = {}
    for key, (name, data) in files.items():
        (tmp_path / name).write_bytes(data)
        out[key] = (tmp_path / name, "")
    codes = {"empty": "EC001", "blank": "EC001", "binary": "EC002", "controls": "EC002",
             "undecodable": "EC081", "nohtml": "EC006", "badgz": "EC011", "notgz": "EC011"}
    return {k: (p, codes[k]) for k, (p, _) in out.items()}


@pytest.mark.parametrize("kind", ["empty", "blank", "binary", "controls", "undecodable", "nohtml",
                                  "badgz", "notgz", "missing"])
def test_ingest_bad_input_fails_with_code_and_batch_goes_on(tmp_path: Path, settings: Settings,
                                                            kind: str) -> None:
    (tmp_path / "good1.txt").write_text(GOOD_1)
    (tmp_path / "good2.txt").write_text(GOOD_2)
    if kind == "missing":
        bad, code = tmp_path / "nowhere" / "gone.txt", "EC008"
    else:
        bad, code = _bad_inputs(tmp_path)[kind]
    items = _run([tmp_path / "good1.txt", bad, tmp_path / "good2.txt"], settings)
    assert _codes(items) == ["ok", code, "ok"]
    failed = items[1]
    assert isinstance(failed, DocumentResult) and failed.error is not None
    assert failed.id == str(bad) and failed.source == str(bad)
    assert failed.error.message.startswith(f"[{code}]")
    assert items[0].text == GOOD_1 and items[2].text == GOOD_2


def test_ingest_invalid_utf8_reports_byte_position(tmp_path: Path, settings: Settings) -> None:
    """A JSONL file is UTF-8 when its first 8 KiB are (issue 14: a text file in another encoding is
    decoded, not refused); a later line that is not UTF-8 fails alone, with its byte."""
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"text": GOOD_1}).encode() + b"\n"
    path.write_bytes(good * 200 + b'{"text": "abcdef\xff tail"}\n' + good)
    items = _run([path], settings)
    assert _codes(items) == ["ok"] * 200 + ["EC003", "ok"]
    failed = items[200]
    assert isinstance(failed, DocumentResult) and failed.error is not None
    assert "line 201" in failed.error.message and "at byte 16" in failed.error.message


def test_ingest_unreadable_file_ec009(tmp_path: Path, settings: Settings,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A permission error on open (simulated: CI runs as root, who can read any file)."""
    import builtins
    import io

    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_1)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_1)
    real_open = builtins.open

    def guarded(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
    items = _run([locked, good], settings)
    assert _codes(items)[0] == "EC009"
    assert isinstance(items[1], Article)


def test_ingest_not_a_directory_path_ec009(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "f.txt").write_text(GOOD_1)
    items = _run([tmp_path / "f.txt" / "child.txt", tmp_path / "f.txt"], settings)
    assert _codes(items) == ["EC009", "ok"]


def test_ingest_jsonl_gz_cut_midstream_keeps_earlier_lines(tmp_path: Path, settings: Settings) -> None:
    payload = "".join(json.dumps({"text": f"Report number {i} on the floods."}) + "\n" for i in range(3000))
    data = gzip.compress(payload.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = _run([path, tmp_path / "nothing-here.txt"], settings)
    codes = _codes(items)
    assert codes[0] == "ok" and codes.count("ok") > 100
    assert codes[-2:] == ["EC011", "EC008"]


def test_ingest_jsonl_bad_lines_fail_alone(tmp_path: Path, settings: Settings) -> None:
    lines = [
        json.dumps({"id": "ok1", "text": GOOD_1}),
        '{"id": "x", "text": "unterminated',
        "",
        json.dumps({"id": "notext", "url": "https://x.example"}),
        json.dumps({"id": "typed", "text": ["not", "a", "string"]}),
        json.dumps({"id": {"nested": 1}, "text": GOOD_1}),
        json.dumps(["an", "array"]),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "nohtml", "html": "<script>1</script>"}),
        json.dumps({"id": "ok2", "text": GOOD_2}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = _run([path], settings)
    assert _codes(items) == ["ok", "EC004", "EC005", "EC012", "EC012", "EC004", "EC001", "EC006", "ok"]
    assert [i.id for i in items] == ["ok1", f"{path}#L2", "notext", "typed", f"{path}#L6", f"{path}#L7",
                                     "blank", "nohtml", "ok2"]
    typed = items[3]
    assert isinstance(typed, DocumentResult) and typed.error is not None
    assert "'text'" in typed.error.message and "line 5" in typed.error.message
    assert items[-1].source == f"{path}#L10"


def test_ingest_max_chars_limit(tmp_path: Path, settings: Settings) -> None:
    big = ("Troops moved along the border road. " * 140_000)[:5_000_000]
    path = tmp_path / "big.txt"
    path.write_text(big)
    [failed] = _run([path], settings)
    assert isinstance(failed, DocumentResult) and failed.error is not None
    assert failed.error.code == "EC007" and "1,000,000" in failed.error.message
    [art] = _run([path], settings.replace(max_chars=6_000_000))
    assert isinstance(art, Article) and len(art.text) == 5_000_000


def test_ingest_max_chars_per_jsonl_record(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"text": "x" * 2000}) + "\n" + json.dumps({"text": GOOD_1}) + "\n")
    assert _codes(_run([path], settings.replace(max_chars=1000))) == ["EC007", "ok"]


def test_ingest_binary_reason() -> None:
    assert binary_reason(b"plain text\n\twith tabs\r\n") is None
    assert binary_reason(b"\x00\x01ELF") == "contains NUL bytes"
    assert binary_reason("ünïcödé text".encode()) is None


# ---------------------------------------------------------------- datelines and bylines

@pytest.mark.parametrize(("text", "place", "published", "agency", "span_text"), [
    ("TBILISI, Georgia, Dec. 3 (Reuters) - Police detained ten people.",
     "Tbilisi", None, "Reuters", "TBILISI, Georgia, Dec. 3 (Reuters)"),
    ("LIMA, Peru (AP) — Miners blocked a highway.", "Lima", None, "AP", "LIMA, Peru (AP)"),
    ("CHICAGO, Oct. 12, 2022 /PRNewswire/ -- A company announced a merger.",
     "Chicago", "2022-10-12", "PRNewswire", "CHICAGO, Oct. 12, 2022 /PRNewswire/"),
    ("Ganja, Azerbaijan, Jan.9 By Trend:\nThe governor opened a school.",
     "Ganja", None, "Trend", "Ganja, Azerbaijan, Jan.9 By Trend"),
    ("Storm hits coast\nHAVANA, 14 August 2020 (Xinhua) -- A storm hit the coast.",
     "Havana", "2020-08-14", "Xinhua", "HAVANA, 14 August 2020 (Xinhua)"),
    ("SAN JOSE — Lawmakers voted on the budget.", "San Jose", None, None, "SAN JOSE"),
    ("NUR-SULTAN, May 2, 2019 - Officials met.", "Nur-Sultan", "2019-05-02", None, "NUR-SULTAN, May 2, 2019"),
    ("QUITO, Feb. 30, 2021 (AP) - Impossible date.", "Quito", None, "AP", "QUITO, Feb. 30, 2021 (AP)"),
    ("KAZAN, November 5. /Volga Wire/. The city council met.", "Kazan", None, "Volga Wire",
     "KAZAN, November 5. /Volga Wire/"),
])
def test_ingest_dateline_found(text: str, place: str, published: str | None, agency: str | None,
                               span_text: str) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.place, found.published, found.agency) == (place, published, agency)
    assert text[found.span[0]:found.span[1]] == span_text
    if found.agency_span:
        assert text[found.agency_span[0]:found.agency_span[1]] == agency


@pytest.mark.parametrize("text", [
    "Armenia, Georgia - the talks resume next week.",
    "Rebels, backed by foreign fighters, attacked - officials said.",
    "Monday, March 3 (AP) - no place here.",
    "The army said on Dec. 3 that it had withdrawn.",
    "By the end of the year, the army had left.",
    "Kazan, November 5. The city council met.",
    "",
])
def test_ingest_dateline_not_found(text: str) -> None:
    assert find_dateline(text) is None


@pytest.mark.parametrize(("text", "name"), [
    ("Twelve schools reopened in the province, Trend reports referring to the ministry.", "Trend"),
    ("The dam was damaged by shelling, APA reports.", "APA"),
    ("Two soldiers were wounded, the Interfax news agency reported.", "Interfax"),
    ("The bridge collapsed overnight, reports Xinhua citing local police.", "Xinhua"),
    ("Xinhua reported on Monday that the dam burst.", "Xinhua"),
    ("Exports rose sharply, AzerNews reports.", "AzerNews"),
    ("By Trend\nThe governor opened a school.", "Trend"),
    ("By Maria Lopez, Coastal Wire\nFishermen protested.", "Coastal Wire"),
    ("By Reuters Staff\nMarkets fell.", "Reuters"),
    ("Army opens new units\n\nSix units opened in the north, Trend reports.", "Trend"),  # after a headline
])
def test_ingest_byline_found(text: str, name: str) -> None:
    found = find_byline(text)
    assert found is not None and found.name == name
    assert text[found.span[0]:found.span[1]] == name


@pytest.mark.parametrize("text", [
    "By the end of the year, the army had left the region.",
    "By Maria Lopez\nFishermen protested.",  # a person names no publisher
    "The report said five people died.",
    "Police reported three arrests in the capital.",
    "China reported 30 new cases on Monday.",
    "Troops withdrew from the village, the Defense Ministry reported.",
    "Five people died, officials reported.",
    "Farmers blocked the highway, the local news agency reported.",
    "Local media reports said the mayor resigned.",
    "Six units opened in the north.\nLater that week, Xinhua reported.",  # not in the first paragraph
])
def test_ingest_byline_not_found(text: str) -> None:
    assert find_byline(text) is None


def test_ingest_metadata_precedence(tmp_path: Path, settings: Settings) -> None:
    text = "OSLO, March 9, 2021 (Nordic Wire) - Workers went on strike.\n"
    lines = [
        {"id": "given", "text": text, "publisher": "Nordic Wire", "published": "2021-03-10"},
        {"id": "from-text", "text": text},
        {"id": "defaults", "text": "Workers went on strike.\n"},
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    opts = settings.replace(published="2020-01-01", publisher="Default Desk")
    given, from_text, defaults = _run([path], opts)
    assert isinstance(given, Article) and isinstance(from_text, Article) and isinstance(defaults, Article)
    assert (given.published, given.published_source) == ("2021-03-10", "metadata")
    assert given.publisher == "Nordic Wire"
    assert given.publisher_span is not None and text[slice(*given.publisher_span)] == "Nordic Wire"
    assert (from_text.published, from_text.published_source) == ("2021-03-09", "dateline")
    assert from_text.publisher == "Nordic Wire" and from_text.dateline_place == "Oslo"
    assert from_text.dateline_span == (0, len("OSLO, March 9, 2021 (Nordic Wire)"))
    assert (defaults.published, defaults.published_source, defaults.publisher) == (
        "2020-01-01", "option", "Default Desk")
    assert defaults.publisher_span is None and defaults.dateline_span is None


def test_ingest_dateline_in_text_file(settings: Settings) -> None:
    [art] = _run([FIXTURES / "dateline.txt"], settings)
    assert isinstance(art, Article)
    assert art.text == (FIXTURES / "dateline.txt").read_text()
    # the dateline's place keeps the unit written after the town (issue 13)
    assert (art.dateline_place, art.published, art.publisher) == (
        "Granville, Eastland", "2021-06-02", "Coastal Wire")


@pytest.mark.parametrize(("text", "place", "regions", "agency"), [
    ("DECATUR, Ga. (Valley Wire) — The council met.", "Decatur", ("Ga.",), "Valley Wire"),
    ("SPRINGFIELD, Ill., March 3 (AP) - Schools closed.", "Springfield", ("Ill.",), "AP"),
    ("GOMA, Democratic Republic of the Congo (Lakes Courier) — Rebels advanced.", "Goma",
     ("Democratic Republic of the Congo",), "Lakes Courier"),
    ("DHAKA (Bay of Bengal Tribune) — A court sat.", "Dhaka", (), "Bay of Bengal Tribune"),
    ("OTTAWA (Voice of the North) - Talks began.", "Ottawa", (), "Voice of the North"),
])
def test_ingest_dateline_keeps_the_units_after_the_town(text: str, place: str, regions: tuple[str, ...],
                                                         agency: str, settings: Settings) -> None:
    """Issue 13: the state or country after a dateline's town says which namesake it is, so it is
    kept ("DECATUR, Ga." is Decatur, Georgia); unit and agency names may hold "of" and "the"."""
    found = find_dateline(text)
    assert found is not None
    assert (found.place, found.regions, found.agency) == (place, regions, agency)
    article = build_article(text, settings=settings, source="-")
    assert article.dateline_place == ", ".join((place, *regions))


@pytest.mark.parametrize(("value", "expected"), [
    ("2021-03-04", "2021-03-04"),
    ("2021-03-04T23:30:00-05:00", "2021-03-04"),
    ("Thu, 04 Mar 2021 10:00:00 GMT", "2021-03-04"),
    ("March 4, 2021", "2021-03-04"),
    ("4 March 2021", "2021-03-04"),
    ("2021", None),
    ("March 2021", None),
    ("2021-02-30", None),
    ("yesterday", None),
    ("", None),
])
def test_ingest_normalize_date(value: str, expected: str | None) -> None:
    assert normalize_date(value) == expected
