"""Our news development set (issue 13): both parts well-formed, the scorer on hand-built cases with
known answers, and the gate: ``eventcoder evaluate --sets news`` on the dev part against the floors
of tests/eval_floors.json ("news"), with a sha256 of the dev part so a changed set is noticed.

The held-out part is checked for form only, and failures name its mentions by offsets, never by
their text: nobody writing rules reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from eventcoder.errors import InputError
from eventcoder.evaluate import news
from eventcoder.evaluate.news import (
    FEATURES,
    PARTS,
    TIMEX_TYPES,
    EventMention,
    GoldPlace,
    NewsDoc,
    parse_record,
    read_news_part,
    score_dates,
    score_events,
    score_news,
    score_places,
    timex_value_ok,
)
from eventcoder.evaluate.timex import GoldTimex
from eventcoder.records import Place, TimeValue
from eventcoder.resources import read_table

REPO = Path(__file__).resolve().parent.parent
FLOORS = json.loads((Path(__file__).parent / "eval_floors.json").read_text(encoding="utf-8"))["news"]
PLOVER = {row["type"] for row in read_table("crosswalk.tsv")}


def _records(part: str) -> list[dict[str, Any]] | None:
    source = files("eventcoder.resources") / "news" / f"{part}.jsonl"
    if not source.is_file():
        return None
    return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]


def _gazetteer_db() -> sqlite3.Connection:
    from eventcoder.gazetteer import Gazetteer
    from eventcoder.settings import default_cache_dir

    return sqlite3.connect(f"file:{Gazetteer.open(default_cache_dir()).path}?mode=ro", uri=True)


# -- the files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("part", PARTS)
def test_news_set_part_is_well_formed(part: str) -> None:
    records = _records(part)
    if records is None:
        assert part != "dev", "the dev part is missing"
        pytest.skip(f"news/{part}.jsonl is not in this checkout")
    problems: list[str] = []
    db = _gazetteer_db()
    city_points = {gid: (lat, lon) for gid, lat, lon in
                   db.execute("SELECT geonameid, lat, lon FROM place WHERE feature = 'city'")}
    country_ids = dict(db.execute("SELECT cc, geonameid FROM place WHERE feature = 'country'").fetchall())
    ids = [r.get("id") for r in records]
    if len(set(ids)) != len(ids):
        problems.append("ids are not unique")
    for r in records:
        rid, text = r.get("id"), r.get("text", "")
        words = len(text.split())
        if not 100 <= words <= 400:
            problems.append(f"{rid}: {words} words")
        for key in ("publisher", "published", "title"):
            if not isinstance(r.get(key), str) or not r[key]:
                problems.append(f"{rid}: no {key}")
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", r.get("published", "")):
            problems.append(f"{rid}: published is not YYYY-MM-DD")
        for kind in ("events", "timexes", "places"):
            for k, m in enumerate(r.get(kind, [])):
                if text[m["start"]:m["end"]] != m["text"] or not m["text"]:
                    problems.append(f"{rid} {kind}[{k}]: offsets {m['start']}:{m['end']} do not slice to "
                                    "its text")
        label_type: dict[str, str] = {}
        for k, e in enumerate(r.get("events", [])):
            if e["type"] not in PLOVER:
                problems.append(f"{rid} events[{k}]: {e['type']} is not a PLOVER type of crosswalk.tsv")
            if label_type.setdefault(e["event"], e["type"]) != e["type"]:
                problems.append(f"{rid} events[{k}]: event {e['event']} has mentions of two types")
            if e.get("modality", "asserted") not in ("asserted", "planned"):
                problems.append(f"{rid} events[{k}]: modality {e.get('modality')}")
        for k, t in enumerate(r.get("timexes", [])):
            if t["type"] not in TIMEX_TYPES or not timex_value_ok(t["type"], t["value"]):
                problems.append(f"{rid} timexes[{k}]: {t['type']} {t['value']} is not a TIMEX3 type and "
                                "value")
        for k, p in enumerate(r.get("places", [])):
            where = f"{rid} places[{k}]"
            if p.get("feature") not in FEATURES:
                problems.append(f"{where}: feature {p.get('feature')}")
            if not (p.get("country") is None and p.get("feature") == "region") and not re.fullmatch(
                    r"[A-Z]{2}", str(p.get("country"))):
                problems.append(f"{where}: country {p.get('country')}")
            if not (-90 <= p.get("lat", 999) <= 90 and -180 <= p.get("lon", 999) <= 180):
                problems.append(f"{where}: coordinates")
            gid = p.get("geonameid")
            if p.get("missing"):
                if gid is not None:
                    problems.append(f"{where}: missing but with a geonameid")
            elif p.get("feature") == "city":
                got = city_points.get(gid)
                if got is None or abs(got[0] - p["lat"]) > 1e-3 or abs(got[1] - p["lon"]) > 1e-3:
                    problems.append(f"{where}: geonameid {gid} and its point are not a cities500 town")
            elif p.get("feature") == "country" and country_ids.get(p.get("country")) != gid:
                problems.append(f"{where}: geonameid {gid} is not the GeoNames id of {p.get('country')}")
    assert not problems, problems
    # size of a part: about 30 articles, 100+ events, 100+ time expressions, 120+ place mentions
    assert len(records) >= 25
    assert sum(len(r["events"]) for r in records) >= 100
    assert sum(len(r["timexes"]) for r in records) >= 100
    assert sum(len(r["places"]) for r in records) >= 120


def test_news_set_parts_share_no_ids() -> None:
    ids = [r["id"] for part in PARTS for r in (_records(part) or [])]
    assert len(ids) == len(set(ids))


def test_news_set_reader_reads_the_dev_part() -> None:
    docs = read_news_part("dev")
    assert docs is not None and len(docs) == len(_records("dev") or [])
    assert all(d.text[e.start:e.end] == e.text for d in docs for e in d.events)
    assert {e.modality for d in docs for e in d.events} == {"asserted", "planned"}


@pytest.mark.slow
def test_news_set_dev_source_builds_to_the_committed_file() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "build_news_set.py"), "--check"],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the reader's checks ------------------------------------------------------------------------
def _record(**change: Any) -> dict[str, Any]:
    text = "Police arrested two men in Lagos on Monday."
    rec: dict[str, Any] = {
        "id": "t-1", "publisher": "Test Wire", "published": "2024-03-14", "title": "t", "text": text,
        "events": [{"start": 7, "end": 15, "text": "arrested", "type": "COERCE", "event": "e1"}],
        "timexes": [{"start": 36, "end": 42, "text": "Monday", "type": "DATE", "value": "2024-03-11"}],
        "places": [{"start": 27, "end": 32, "text": "Lagos", "geonameid": 2332459, "lat": 6.45407,
                    "lon": 3.39467, "feature": "city", "country": "NG"}],
    }
    for key, value in change.items():
        rec[key] = value
    return rec


def test_news_set_reader_accepts_a_good_record() -> None:
    doc = parse_record(_record(), "test")
    assert [e.type for e in doc.events] == ["COERCE"] and doc.places[0].geonameid == 2332459


@pytest.mark.parametrize("change", [
    {"events": [{"start": 6, "end": 15, "text": "arrested", "type": "COERCE", "event": "e1"}]},
    {"events": [{"start": 7, "end": 15, "text": "arrested", "type": "FIGHT", "event": "e1"}]},
    {"events": [{"start": 7, "end": 15, "text": "arrested", "type": "COERCE", "event": "e1"},
                {"start": 0, "end": 6, "text": "Police", "type": "ASSAULT", "event": "e1"}]},
    {"events": [{"start": 7, "end": 15, "text": "arrested", "type": "COERCE", "event": "e1",
                 "modality": "maybe"}]},
    {"timexes": [{"start": 36, "end": 42, "text": "Monday", "type": "DATE", "value": "2024-13-11"}]},
    {"timexes": [{"start": 36, "end": 42, "text": "Monday", "type": "DAY", "value": "2024-03-11"}]},
    {"places": [{"start": 27, "end": 32, "text": "Lagos", "geonameid": None, "lat": 6.45, "lon": 3.39,
                 "feature": "city", "country": "NG"}]},
    {"places": [{"start": 27, "end": 32, "text": "Lagos", "geonameid": 2332459, "lat": 6.45, "lon": 3.39,
                 "feature": "town", "country": "NG"}]},
    {"places": [{"start": 27, "end": 32, "text": "Lagos", "geonameid": 2332459, "lat": 6.45, "lon": 3.39,
                 "feature": "city", "country": "NGA"}]},
    {"places": [{"start": 27, "end": 32, "text": "Lagos", "geonameid": 2332459, "lat": 96.0, "lon": 3.39,
                 "feature": "city", "country": "NG"}]},
    {"published": "14 March 2024"},
])
def test_news_set_reader_rejects_bad_records(change: dict[str, Any]) -> None:
    with pytest.raises(InputError) as err:
        parse_record(_record(**change), "test")
    assert err.value.code == "EC024"


def test_news_set_reader_quiet_names_no_text() -> None:
    bad = _record(events=[{"start": 7, "end": 15, "text": "arrested", "type": "FIGHT", "event": "e1"}])
    with pytest.raises(InputError) as loud:
        parse_record(bad, "dev")
    with pytest.raises(InputError) as quiet:
        parse_record(bad, "heldout", quiet=True)
    assert "arrested" in loud.value.message and "arrested" not in quiet.value.message
    assert "7:15" in quiet.value.message


def test_news_set_absent_part_reads_as_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(news, "part_resource", lambda part: tmp_path / f"{part}.jsonl")
    assert read_news_part("heldout") is None


@pytest.mark.parametrize(("kind", "value", "ok"), [
    ("DATE", "2024-03-11", True), ("DATE", "2024-W09", True), ("DATE", "2024-WI", True),
    ("DATE", "2024-03", True), ("DATE", "2024", True), ("DATE", "PAST_REF", True), ("DATE", "XXXX-03", True),
    ("TIME", "2024-03-10TNI", True), ("TIME", "2024-03-10T22:15", True), ("DURATION", "P1DE", True),
    ("DURATION", "PT2H", True), ("DURATION", "PXY", True), ("SET", "XXXX-WXX-2", True), ("SET", "P1D", True),
    ("DATE", "2024-02-30", False), ("DATE", "2024-13", False), ("DATE", "2024-W54", False),
    ("DATE", "2024-03-10TNI", False), ("TIME", "2024-03-10", False), ("DURATION", "2 hours", False),
    ("DURATION", "P", False), ("DATE", "Monday", False), ("SET", "every day", False),
])
def test_news_set_timex_values(kind: str, value: str, ok: bool) -> None:
    assert timex_value_ok(kind, value) is ok


# -- the scorer on known answers ----------------------------------------------------------------
def _gold(type_: str, sentence: int, start: int, event: str, planned: bool = False) -> EventMention:
    return EventMention(type_, sentence, start, start + 5, event, planned)


def _pred(type_: str, sentence: int, start: int) -> EventMention:
    return EventMention(type_, sentence, start, start + 5)


def test_news_scorer_events_duplicates_and_sentences() -> None:
    # one attack told in sentences 0 and 2, an arrest in sentence 1; the coder finds the attack
    # twice in sentence 0 and again in sentence 2, misses the arrest, adds a protest
    gold = [_gold("ASSAULT", 0, 0, "e1"), _gold("ASSAULT", 2, 40, "e1"), _gold("COERCE", 1, 20, "e2")]
    pred = [_pred("ASSAULT", 0, 0), _pred("ASSAULT", 0, 8), _pred("ASSAULT", 2, 40), _pred("PROTEST", 1, 20)]
    got = score_events([(gold, pred)])
    s, e, t = got["sentence"], got["event"], got["trigger"]
    assert (s["gold"], s["predicted"], s["correct"]) == (3, 3, 2)
    assert s["precision"] == pytest.approx(2 / 3, abs=1e-4) and s["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert (e["gold"], e["predicted"], e["matched"], e["duplicates"], e["spurious"]) == (2, 4, 1, 2, 1)
    assert e["precision"] == 0.25 and e["recall"] == 0.5 and e["precision_without_duplicates"] == 0.5
    assert t["recall"] == pytest.approx(2 / 3, abs=1e-4) and t["precision"] == 0.5
    assert got["by_type"]["COERCE"] == {"gold": 1, "predicted": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert got["by_type"]["PROTEST"]["predicted"] == 1


def test_news_scorer_events_matching_is_maximal() -> None:
    # e1 is told in sentences 0 and 1, e2 in sentence 1; taking the first prediction for e1 would
    # leave the second unmatched: the one-to-one matching gives each event its own prediction
    gold = [_gold("ASSAULT", 0, 0, "e1"), _gold("ASSAULT", 1, 20, "e1"), _gold("ASSAULT", 1, 30, "e2")]
    pred = [_pred("ASSAULT", 1, 20), _pred("ASSAULT", 0, 0)]
    e = score_events([(gold, pred)])["event"]
    assert (e["matched"], e["duplicates"], e["spurious"]) == (2, 0, 0)
    assert e["precision"] == 1.0 and e["recall"] == 1.0


def test_news_scorer_events_merged_mentions_are_one_prediction() -> None:
    # the coder merges "attacked" (sentence 0) and "the attack" (sentence 2) into one event with
    # two mentions: both sentences count as pairs, the event is one prediction, no duplicate
    gold = [_gold("ASSAULT", 0, 0, "e1"), _gold("ASSAULT", 2, 40, "e1")]
    pred = [EventMention("ASSAULT", 0, 0, 5, "ev-1"), EventMention("ASSAULT", 2, 40, 45, "ev-1")]
    got = score_events([(gold, pred)])
    assert (got["sentence"]["predicted"], got["sentence"]["correct"]) == (2, 2)
    e = got["event"]
    assert (e["predicted"], e["matched"], e["duplicates"], e["spurious"]) == (1, 1, 0, 0)
    # matched through its later mention alone
    later = score_events([([_gold("ASSAULT", 2, 40, "e1")], pred)])["event"]
    assert (later["predicted"], later["matched"], later["precision"]) == (1, 1, 1.0)
    # two separate predictions of the same event: one is a duplicate
    apart = [EventMention("ASSAULT", 0, 0, 5, "ev-1"), EventMention("ASSAULT", 2, 40, 45, "ev-2")]
    assert score_events([(gold, apart)])["event"]["duplicates"] == 1


def test_news_scorer_events_planned_are_optional() -> None:
    gold = [_gold("ASSAULT", 0, 0, "e1"), _gold("CONSULT", 1, 20, "e2", planned=True)]
    found = score_events([(gold, [_pred("ASSAULT", 0, 0), _pred("CONSULT", 1, 20)])])
    assert found["sentence"]["precision"] == 1.0 and found["sentence"]["planned_matched"] == 1
    assert found["event"]["predicted"] == 1 and found["event"]["planned_matched"] == 1
    assert found["event"]["precision"] == 1.0 and found["event"]["recall"] == 1.0
    missed = score_events([(gold, [_pred("ASSAULT", 0, 0)])])
    assert missed["event"]["recall"] == 1.0 and missed["event"]["planned_gold"] == 1


def _place(text: str, start: int, lat: float, lon: float, feature: str, country: str,
           gid: int | None, admin1: str | None = None) -> Place:
    return Place(start, start + len(text), text, text, gid, country, admin1, lat, lon, "point", 0.9, feature)


def test_news_scorer_places_known_answers() -> None:
    gold = [
        GoldPlace(0, 10, "Alexandria", 4314550, 31.31129, -92.44514, "city", "US", "Louisiana"),
        GoldPlace(12, 15, "La.", 4331987, 30.87, -92.007, "admin1", "US", "Louisiana"),
        GoldPlace(30, 39, "Pineville", 4337291, 31.32240, -92.43430, "city", "US", "Louisiana"),
        GoldPlace(50, 55, "Kenya", 192950, 0.5, 37.9, "country", "KE"),
        GoldPlace(60, 67, "Nairobi", 184745, -1.28333, 36.81667, "city", "KE", "Nairobi Area"),
    ]
    pred = [
        _place("Alexandria", 0, 31.20176, 29.91582, "city", "EG", 361058),  # the far namesake
        _place("Pineville", 30, 31.32240, -92.43430, "city", "US", 4337291),
        _place("Kenya", 50, 0.5, 37.9, "country", "KE", 192950),
        _place("Nairobi", 60, 0.5, 37.9, "country", "KE", 192950),  # its country: ~200 km, right unit
        _place("Monday", 70, 10.0, 10.0, "city", "NG", 1),  # no gold toponym there
    ]
    errors: list[dict[str, Any]] = []
    got = score_places([(gold, pred)], errors, ["d1"])
    assert (got["gold"], got["predicted"]) == (5, 5)
    assert got["recall"] == 0.8 and got["precision"] == 0.8
    assert got["acc161"] == 0.5 and got["recall161"] == 0.4 and got["acc161_or_unit"] == 0.75
    assert got["same_geonameid"] == 0.5  # Pineville and Kenya of the four recognized towns/countries
    assert got["recall_by_feature"] == {"admin1": 0.0, "city": 1.0, "country": 1.0}
    assert sorted((e["error"], e["gold"]) for e in errors) == [("far", "Alexandria"), ("far", "Nairobi"),
                                                               ("missed", "La.")]
    assert all(e["doc"] == "d1" for e in errors)


def _time(start: int, text: str, value: str, type_: str = "DATE", precision: str = "day",
          begin: str | None = None, finish: str | None = None) -> TimeValue:
    return TimeValue(start, start + len(text), text, type_, value, precision,  # type: ignore[arg-type]
                     begin=begin, finish=finish)


def test_news_scorer_dates_known_answers() -> None:
    gold = [GoldTimex(0, 6, "2024-03-11", "DATE"), GoldTimex(10, 14, "2009", "DATE"),
            GoldTimex(15, 19, "2010", "DATE"), GoldTimex(30, 39, "PT2H", "DURATION"),
            GoldTimex(50, 59, "2024-W10", "DATE")]
    pred = [_time(0, "Monday", "2024-03-11"),
            _time(10, "2009-2010", "2009/2010", precision="range", begin="2009", finish="2010"),
            _time(26, "for two hours", "PT2H", "DURATION", "duration"),  # span too wide
            _time(55, "week", "P1W", "DURATION", "duration"),  # overlaps "last week", wrong value
            _time(70, "Friday", "2024-03-08")]  # no gold there
    got = score_dates([(gold, pred)])
    assert (got["gold"], got["predicted"]) == (5, 6)
    assert got["strict"]["precision"] == 0.5 and got["strict"]["recall"] == 0.6
    assert got["relaxed"]["precision"] == pytest.approx(5 / 6, abs=1e-4) and got["relaxed"]["recall"] == 1.0
    assert got["value"]["precision"] == pytest.approx(4 / 6, abs=1e-4) and got["value"]["recall"] == 0.8
    assert got["by_type"]["DATE"] == {"gold": 4, "strict_recall": 0.75, "relaxed_recall": 1.0,
                                      "value_recall": 0.75, "value_accuracy": 0.75}
    assert got["by_type"]["DURATION"]["strict_recall"] == 0.0


def test_news_scorer_reports_an_absent_part(pipeline: Any) -> None:
    doc = NewsDoc("t-1", "Test Wire", "2024-03-14", "t", "Police arrested two men in Lagos on Monday.",
                  (news.GoldEvent(7, 15, "arrested", "COERCE", "e1"),),
                  (GoldTimex(36, 42, "2024-03-11", "DATE"),),
                  (GoldPlace(27, 32, "Lagos", 2332459, 6.45407, 3.39467, "city", "NG"),))
    got = score_news(pipeline, {"dev": [doc], "heldout": None})
    assert got["heldout"] == {"status": "absent"}
    assert got["dev"]["documents"] == 1 and got["all"]["documents"] == 1
    for key in ("places", "dates", "events"):
        assert got["all"][key] == got["dev"][key]
    assert "place_errors" in got["dev"] and "place_errors" not in got["all"]


# -- the gate -----------------------------------------------------------------------------------
def _digest() -> str:
    return hashlib.sha256((files("eventcoder.resources") / "news" / "dev.jsonl").read_bytes()).hexdigest()


def test_news_set_dev_unchanged() -> None:
    assert _digest() == FLOORS["corpus_sha256"], "the news dev part changed: re-measure, then re-pin"


@pytest.mark.slow
def test_news_eval_gate(capsys: pytest.CaptureFixture[str]) -> None:
    from eventcoder.cli.main import main

    # the dev part only: a test run never scores a held-out part (they are scored once, by hand)
    assert main(["evaluate", "--sets", "news-dev", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)["data"]["news-dev"]
    assert set(scores) == {"dev", "all"}
    assert scores["dev"]["failed"] == 0 and scores["dev"]["documents"] == len(_records("dev") or [])
    failures = []
    for name, floors in FLOORS["floors"].items():
        for key, floor in floors.items():
            value: Any = scores[name]
            for part in key.split("."):
                value = value[part]
            if value < floor:
                failures.append(f"{name} {key} = {value} < floor {floor}")
    assert not failures, failures


# -- the dev error list ----------------------------------------------------------------------------
def test_news_event_errors_known_answers(pipeline: Any) -> None:
    from eventcoder.ingest.metadata import build_article
    from eventcoder.stages.linguistic import parse_many

    text = ("Police arrested two men in Lagos on Monday. Officers detained three women in Lagos on Monday. "
            "Rebels attacked a base in Gao on Sunday.")
    # the gold tells one arrest twice (the coder's two arrests: one is a duplicate), a consultation
    # the coder misses, and no attack (a spurious one)
    first, second = text.index("arrested"), text.index("detained")
    gold = (news.GoldEvent(first, first + 8, "arrested", "COERCE", "e1"),
            news.GoldEvent(second, second + 8, "detained", "COERCE", "e1"),
            news.GoldEvent(0, 6, "Police", "CONSULT", "e2"))
    doc = NewsDoc("t-1", "Test Wire", "2024-03-14", "t", text, gold, (), ())
    article = build_article(text, settings=pipeline.settings, source="t", article_id="t-1", title="t",
                            publisher="Test Wire", published="2024-03-14")
    results = list(pipeline.pipe([article]))
    starts = [[s.start_char for s in d.sents] for d, _ in parse_many(pipeline.nlp, [(text, None)])]
    rows = news.event_errors([doc], results, starts)
    assert sorted((r["error"], r["type"]) for r in rows) == [
        ("duplicate", "COERCE"), ("missed", "CONSULT"), ("spurious", "ASSAULT"), ("unmatched", "CONSULT")]
    missed = next(r for r in rows if r["error"] == "missed")
    assert missed["gold"] == ["Police"] and missed["predicted"] == ["COERCE:arrested"]
    assert missed["sentence"] == "Police arrested two men in Lagos on Monday."


def test_news_event_errors_refuse_the_heldout_part(capsys: pytest.CaptureFixture[str]) -> None:
    assert news.main(["--errors", "heldout"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "EC028" in out.err and "dev part only" in out.err
