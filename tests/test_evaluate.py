"""Gold reader and scorer, on a small hand-made gold and hand-built DocumentResults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eventcoder.errors import InputError
from eventcoder.evaluate import corpus_digest, evaluate, gold_articles, read_gold, score_document
from eventcoder.evaluate.gold import GoldDocument, find_spans, sentence_spans
from eventcoder.evaluate.score import check_floors, haversine_km, raise_floors
from eventcoder.records import (
    ActorRef,
    Attribution,
    DateRef,
    DocumentResult,
    Event,
    Place,
    Quantity,
    Span,
    TimeValue,
)

TEXT = (
    "Rebels attacked a police station in Mosul on March 3, 2021, killing 4 officers, "
    "the Interior Ministry said.\n\n"
    "The government of Iraq condemned the attack. Officials in Baghdad met tribal leaders on Friday. "
    "Later, police described the attack in Mosul again.\n\n"
    "Talks held from 2019 to 2020 failed."
)

GOLD: dict[str, Any] = {
    "doc_id": "own-001",
    "text_file": "own-001.txt",
    "publisher": "Example Wire",
    "published": "2021-03-05",
    "events": [
        {
            "id": "G1",
            "evidence": "attacked a police station",
            "type": "ASSAULT",
            "alt_types": ["FIGHT"],
            "actor": {"country": "IRQ", "sector": ["REB"]},
            "recipient": {"country": "IRQ", "sector": ["COP", "GOV"]},
            "date": {"value": "2021-03-03", "precision": "day"},
            "location": {"text": "Mosul", "country": "IQ", "lat": 36.34, "lon": 43.13},
            "quantities": [{"value": 4, "of": "officers", "kind": "fatalities"}],
            "attribution": ["Example Wire", "Interior Ministry"],
            "modality": "reported",
        },
        {
            "id": "G2",
            "evidence": "condemned the attack",
            "type": "DISAPPROVE",
            "alt_types": [],
            "actor": {"country": ["IRQ", None]},
            "recipient": None,
            "date": {"value": "2021-03", "precision": "month"},
            "location": None,
            "attribution": ["Example Wire"],
            "modality": "asserted",
        },
        {"id": "G3", "optional": True, "evidence": "met tribal leaders", "type": "CONSULT", "alt_types": []},
        {
            "id": "G4",
            "evidence": "described the attack in Mosul again",
            "type": "ASSAULT",
            "alt_types": [],
            "same_as": "G1",
            "date": {"value": {"start": "2021-03", "end": "2021-04"}, "precision": "range"},
        },
        {"id": "G5", "evidence": "Talks held", "type": "CONSULT", "alt_types": [], "date": None},
    ],
    "times": [
        {"text": "March 3, 2021", "value": "2021-03-03"},
        {"text": "Friday", "value": "2021-03-05"},
        {"text": "from 2019 to 2020", "value": {"start": "2019", "end": "2020"}},
    ],
    "places": [
        {"text": "Mosul", "country": "IQ", "lat": 36.34, "lon": 43.13, "kind": "city"},
        {"text": "Iraq", "country": "IQ", "lat": 33.0, "lon": 44.0, "kind": "country"},
        {"text": "Baghdad", "country": "IQ", "lat": 33.34, "lon": 44.40, "kind": "city"},
    ],
    "quantities": [{"text": "4", "value": 4, "of": "officers"}],
}


def write_gold(directory: Path, data: dict[str, Any] | None = None, text: str = TEXT) -> Path:
    data = GOLD if data is None else data
    (directory / data["text_file"]).write_text(text, encoding="utf-8")
    path = directory / f"{data['doc_id']}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture()
def gold(tmp_path: Path) -> GoldDocument:
    return read_gold(write_gold(tmp_path))


def span_of(needle: str, nth: int = 0) -> tuple[int, int]:
    spans = find_spans(TEXT, needle)
    return spans[nth]


def sentence_at(pos: int) -> tuple[int, int]:
    return next(s for s in sentence_spans(TEXT) if s[0] <= pos < s[1])


def actor(country: str | None, sector: str | None = None) -> ActorRef:
    return ActorRef(
        name=country or "someone", country=country, sector=sector, title=None, start=0, end=1, text="x"
    )


def place(name: str, country: str | None, lat: float | None, lon: float | None) -> Place:
    start, end = span_of(name) if find_spans(TEXT, name) else (0, 0)
    return Place(
        start=start,
        end=end,
        text=name,
        name=name,
        geonameid=None,
        country=country,
        admin1=None,
        lat=lat,
        lon=lon,
        precision="point",
        score=0.9,
    )


def event(trigger: str, etype: str, nth: int = 0, **fields: Any) -> Event:
    start, end = span_of(trigger, nth)
    sent = fields.pop("sentence", sentence_at(start))
    return Event(
        id=f"ev-{etype}-{start}-{len(fields)}",
        type=etype,
        mode=None,
        cameo=None,
        acled=None,
        trigger=Span(start, end, trigger),
        sentence=Span(*sent),
        actor=fields.pop("actor", None),
        recipient=fields.pop("recipient", None),
        date=fields.pop("date", None),
        location=fields.pop("location", None),
        **fields,
    )


def result(events: tuple[Event, ...] = (), **fields: Any) -> DocumentResult:
    return DocumentResult(
        id="own-001",
        status="ok",
        error=None,
        url=None,
        publisher="Example Wire",
        published="2021-03-05",
        title=None,
        text=TEXT,
        events=events,
        **fields,
    )


def date(
    value: str | None, source: str = "sentence", begin: str | None = None, finish: str | None = None
) -> DateRef:
    return DateRef(
        value=value,
        precision=None,
        start=None,
        end=None,
        text=None,
        source=source,
        begin=begin,
        finish=finish,
    )


# ------------------------------------------------------------------ gold reader


def test_gold_reads_spans_actors_and_dates(gold: GoldDocument) -> None:
    g1, g2, g3, g4, g5 = gold.events
    assert TEXT[slice(*g1.evidence_span)] == "attacked a police station"
    assert TEXT[slice(*g1.sentence_span)].startswith("Rebels attacked") and TEXT[
        slice(*g1.sentence_span)
    ].endswith("said.")
    assert g2.actor is not None and g2.actor.countries == ("IRQ", None)
    assert g2.recipient is not None and g2.recipient.countries == (None,)  # null = none stated
    assert g3.optional and g3.actor is None  # not annotated: not scored
    assert (
        g4.same_as == "G1" and g4.date is not None and (g4.date.start, g4.date.end) == ("2021-03", "2021-04")
    )
    assert g5.date is not None and not g5.date.stated
    assert gold.places[0].spans == (span_of("Mosul", 0), span_of("Mosul", 1))
    assert gold.times[2].start == "2019" and gold.times[2].value is None


def test_gold_unreadable_raises_ec024(tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    missing_evidence = dict(
        GOLD,
        doc_id="own-002",
        text_file="own-002.txt",
        events=[dict(GOLD["events"][0], evidence="words that are not there")],
    )
    missing_text = dict(GOLD, doc_id="own-003", text_file="nowhere.txt")
    (tmp_path / "own-003.json").write_text(json.dumps(missing_text), encoding="utf-8")
    for path in (bad_json, write_gold(tmp_path, missing_evidence), tmp_path / "own-003.json"):
        with pytest.raises(InputError) as info:
            read_gold(path)
        assert info.value.code == "EC024"


def test_gold_sentence_spans_keep_abbreviations_together() -> None:
    text = "Gen. Smith arrived in the U.S. on Sept. 4. He left! Did he? yes.\nHeadline\nBody."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Gen. Smith arrived in the U.S. on Sept. 4.",
        "He left!",
        "Did he? yes.",
        "Headline",
        "Body.",
    ]


def test_gold_find_spans_whole_words_only() -> None:
    assert find_spans("Azerbaijani troops left Azerbaijan.", "Azerbaijan") == ((24, 34),)
    assert find_spans("the  Defense\nMinistry", "defense ministry") == ((5, 21),)


# ------------------------------------------------------------------ event matching


def test_score_events_type_and_sentence_rules(gold: GoldDocument) -> None:
    hits = (
        event("attacked", "FIGHT"),  # alt type, same sentence
        event("condemned", "ASSAULT"),  # wrong type for G2: false positive
        event("Talks", "CONSULT"),
    )
    score = score_document(result(hits), gold)
    assert [m.gold_id for m in score.matches] == ["G1", "G5"]
    assert score.missed == ("G2", "G4")
    assert score.false_positives == (hits[1].id,)
    events = score.prf["events"]
    assert (events.sys_correct, events.sys_total, events.gold_found, events.gold_total) == (2, 3, 2, 4)
    assert events.precision == pytest.approx(2 / 3) and events.recall == pytest.approx(0.5)


def test_score_events_system_sentence_may_cover_gold_evidence(gold: GoldDocument) -> None:
    # The trigger sits in the next splitter sentence but the system's own sentence covers the evidence.
    wide = (sentence_at(span_of("condemned")[0])[0], sentence_at(span_of("met")[0])[1])
    score = score_document(result((event("met", "DISAPPROVE", sentence=wide),)), gold)
    assert [m.gold_id for m in score.matches] == ["G2"]
    narrow = score_document(result((event("met", "DISAPPROVE"),)), gold)
    assert narrow.matches == () and narrow.prf["events"].sys_total == 1


def test_score_optional_and_same_as_are_not_false_positives(gold: GoldDocument) -> None:
    events = (
        event("attacked", "ASSAULT"),
        event("met", "CONSULT"),  # optional G3: neutral
        event("described", "ASSAULT"),  # matches the repeat G4
        event("Mosul", "ASSAULT", nth=1),  # second system event on the repeat: neutral
        event("attack", "DISAPPROVE"),  # G2
        event("condemned", "DISAPPROVE"),  # duplicate on a plain required event: false positive
    )
    score = score_document(result(events), gold)
    assert {m.gold_id for m in score.matches} == {"G1", "G2", "G3", "G4"}
    assert set(score.neutral) == {events[3].id} and len(score.false_positives) == 1
    prf = score.prf["events"]
    assert (prf.sys_correct, prf.sys_total, prf.gold_found, prf.gold_total) == (3, 4, 3, 4)


# ------------------------------------------------------------------ attributes of matched events


def test_score_country_lists_accept_any_listed_value(gold: GoldDocument) -> None:
    def acc(country: str | None) -> tuple[int, int]:
        score = score_document(
            result(
                (
                    event(
                        "condemned",
                        "DISAPPROVE",
                        actor=None if country is None else actor(country),
                        recipient=actor("USA"),
                    ),
                )
            ),
            gold,
        )
        a, r = score.accuracy["actor_country"], score.accuracy["recipient_country"]
        assert (r.correct, r.n) == (0, 1)  # gold recipient null: any stated country is wrong
        return a.correct, a.n

    assert acc("IRQ") == (1, 1) and acc(None) == (1, 1) and acc("SYR") == (0, 1)


def test_score_date_exact_and_at_gold_precision(gold: GoldDocument) -> None:
    def scores(trigger: str, etype: str, value: DateRef | None) -> tuple[int, int, int]:
        s = score_document(result((event(trigger, etype, date=value),)), gold)
        return (
            s.accuracy["date_exact"].correct,
            s.accuracy["date_precision"].correct,
            s.accuracy["date_exact"].n,
        )

    assert scores("attacked", "ASSAULT", date("2021-03-03")) == (1, 1, 1)
    assert scores("attacked", "ASSAULT", date("2021-03")) == (0, 0, 1)  # coarser than gold day
    assert scores("condemned", "DISAPPROVE", date("2021-03-04")) == (0, 1, 1)  # gold month precision
    assert scores("condemned", "DISAPPROVE", date("2021-04-04")) == (0, 0, 1)
    assert scores("described", "ASSAULT", date("2021-03/2021-04", begin="2021-03", finish="2021-04")) == (
        1,
        1,
        1,
    )
    assert scores("described", "ASSAULT", date(None, begin="2021-03-02", finish="2021-04-30")) == (0, 1, 1)
    assert scores("Talks", "CONSULT", None) == (1, 1, 1)  # gold: not stated
    assert scores("Talks", "CONSULT", date("2021-03-05", source="publication")) == (1, 1, 1)
    assert scores("Talks", "CONSULT", date("2019")) == (0, 0, 1)


def test_score_location_country_and_161km(gold: GoldDocument) -> None:
    assert haversine_km(36.34, 43.13, 33.34, 44.40) == pytest.approx(352, abs=5)

    def loc(p: Place | None) -> tuple[int, int, int, int]:
        s = score_document(result((event("attacked", "ASSAULT", location=p),)), gold)
        c, k = s.accuracy["location_country"], s.accuracy["location_161km"]
        return c.correct, c.n, k.correct, k.n

    assert loc(place("Mosul", "IQ", 36.2, 43.0)) == (1, 1, 1, 1)
    assert loc(place("Baghdad", "IQ", 33.34, 44.40)) == (1, 1, 0, 1)  # right country, 350 km off
    assert loc(place("Iraq", "IQ", None, None)) == (1, 1, 0, 1)  # no coordinates: not within 161 km
    assert loc(None) == (0, 1, 0, 1)
    untouched = score_document(
        result((event("condemned", "DISAPPROVE", location=place("Iraq", "IQ", 33, 44)),)), gold
    )
    assert untouched.accuracy["location_country"].n == 0  # gold location null: not scored


def test_score_quantities_attribution_and_modality(gold: GoldDocument) -> None:
    four = Quantity(start=0, end=1, text="4", value=4, unit=None, of="officers", kind="fatalities")
    good = event(
        "attacked",
        "ASSAULT",
        quantities=(four,),
        modality="reported",
        attribution=(
            Attribution("Example Wire", "publisher", None, None),
            Attribution("the Interior Ministry", "source", 1, 2),
        ),
    )
    bad = event("attacked", "ASSAULT", attribution=(Attribution("Example Wire", "publisher", None, None),))
    s_good, s_bad = score_document(result((good,)), gold), score_document(result((bad,)), gold)
    for name, expect_good, expect_bad in (
        ("event_quantity_recall", 1, 0),
        ("attribution", 1, 0),
        ("modality", 1, 0),
    ):
        assert (s_good.accuracy[name].correct, s_bad.accuracy[name].correct) == (expect_good, expect_bad)
    # gold with only the publisher: a system naming a cited source is wrong
    extra = event("condemned", "DISAPPROVE", attribution=(Attribution("police", "source", 1, 2),))
    assert score_document(result((extra,)), gold).accuracy["attribution"].correct == 0
    as_source = event("condemned", "DISAPPROVE", attribution=(Attribution("example wire", "source", 1, 2),))
    assert (
        score_document(result((as_source,)), gold).accuracy["attribution"].correct == 1
    )  # publisher, any kind
    plain = score_document(result((event("condemned", "DISAPPROVE"),)), gold).accuracy["attribution"]
    assert (plain.correct, plain.n) == (1, 1)


# ------------------------------------------------------------------ document level


def test_score_document_level_times_places_quantities(gold: GoldDocument) -> None:
    def tv(text: str, value: str, begin: str | None = None, finish: str | None = None) -> TimeValue:
        start, end = span_of(text)
        return TimeValue(
            start=start,
            end=end,
            text=text,
            type="DATE",
            value=value,
            precision="day",
            begin=begin,
            finish=finish,
        )

    times = (
        tv("March 3, 2021", "2021-03-03"),
        tv("Friday", "2021-03-12"),
        tv("2019 to 2020", "2019/2020", "2019", "2020"),
        tv("Later", "PAST_REF"),
    )
    places = (
        place("Mosul", "IQ", 36.3, 43.1),
        Place(*span_of("Mosul", 1), "Mosul", "Mosul", None, "IQ", None, 36.3, 43.1, "point", 0.9),
        place("Baghdad", "US", 33.3, -84.0),
        place("Rebels", "XX", 0, 0),
    )
    four = Quantity(*span_of("4"), "4", 4, None, "officers", "count")
    res = result(times=times, places=places, quantities=(four,))
    s = score_document(res, gold)
    t, p, q = s.prf["times"], s.prf["places"], s.prf["quantities"]
    assert (t.sys_correct, t.sys_total, t.gold_found, t.gold_total) == (3, 4, 3, 3)
    assert (s.accuracy["time_value"].correct, s.accuracy["time_value"].n) == (2, 3)
    assert (p.sys_correct, p.sys_total, p.gold_found, p.gold_total) == (3, 4, 2, 3)  # both Mosul mentions ok
    assert (s.accuracy["place_country"].correct, s.accuracy["place_country"].n) == (1, 2)
    assert (s.accuracy["place_161km"].correct, s.accuracy["place_161km"].n) == (1, 2)
    assert (q.gold_found, q.gold_total, s.accuracy["quantity_value"].correct) == (1, 1, 1)


def test_evaluate_micro_averages_and_serialises(tmp_path: Path, gold: GoldDocument) -> None:
    other = read_gold(write_gold(tmp_path, dict(GOLD, doc_id="own-002", text_file="own-002.txt")))
    res_a = result((event("attacked", "ASSAULT"),))
    res_b = DocumentResult.failed("own-002", "EC010", "boom", text=TEXT)
    report = evaluate([res_b, res_a], [gold, other])  # paired by id, not order
    events = report.prf["events"]
    assert (events.gold_found, events.gold_total, events.sys_total) == (1, 8, 1)
    assert report.documents[1].status == "failed" and len(report.documents[1].missed) == 4
    data = json.loads(json.dumps(report.to_dict()))
    assert data["prf"]["events"]["recall"] == pytest.approx(1 / 8, abs=1e-4) and data["failed"] == 1
    assert "event_f1" in report.scores() and "time_value_acc" not in report.scores()  # n == 0: no entry
    partial = evaluate([res_a], [gold, other])  # a gold without a result scores as failed, not skipped
    assert [d.status for d in partial.documents] == ["ok", "failed"] and partial.prf["events"].gold_total == 8
    table = report.table()
    assert "events" in table and "actor_country" in table and "1/8" in table
    assert [a.id for a in gold_articles([gold])] == ["own-001"] and gold_articles([gold])[
        0
    ].publisher == "Example Wire"


def test_evaluate_floors_only_rise_without_allow_lower(tmp_path: Path) -> None:
    floors = {"event_f1": 0.5, "date_exact_acc": 0.4}
    assert check_floors({"event_f1": 0.49, "date_exact_acc": 0.9}, floors) == [
        "[EC026] Evaluation score event_f1=0.490 fell below its floor 0.500."
    ]
    new, refused = raise_floors(floors, {"event_f1": 0.3, "date_exact_acc": 0.6, "place_f1": 0.7})
    assert new == {"event_f1": 0.5, "date_exact_acc": 0.6, "place_f1": 0.7} and refused == ["event_f1"]
    lowered, refused = raise_floors(floors, {"event_f1": 0.3}, allow_lower=True)
    assert lowered["event_f1"] == 0.3 and refused == []
    write_gold(tmp_path)
    before = corpus_digest(tmp_path)
    (tmp_path / "own-001.txt").write_text(TEXT + " More.", encoding="utf-8")
    assert corpus_digest(tmp_path) != before


def test_evaluate_says_when_documents_could_not_be_coded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scores over documents that failed to code are zeros that look like a measurement: the
    command names them (EC077) and, when nothing was coded, exits 4."""
    from eventcoder.cli.evaluate import coding_failures
    from eventcoder.cli.main import main
    from eventcoder.pipeline import Pipeline

    assert coding_failures({"a": {"documents": 3, "failed": 1}, "b": {"sentences": 5, "failed": 0}}) == [
        ("a", 1, 3)]

    def broken(self: Pipeline, doc: object, article: object) -> object:
        raise RuntimeError("a stage broke")

    monkeypatch.setattr(Pipeline, "_code_doc", broken)
    assert main(["evaluate", "--sets", "fusion", "--json"]) == 4
    err = capsys.readouterr().err
    assert "[EC077]" in err and "of the evaluation set fusion/dev could not be coded" in err
