"""re3d adapter: reading the mongoexport files, mapping our outputs to re3d types, scoring, floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventcoder.errors import InputError
from eventcoder.evaluate.re3d import (
    predicted_mentions,
    read_re3d,
    score_predictions,
    score_re3d,
)
from eventcoder.records import DocumentResult, Entity, Place, Quantity

# Floors sit just below the scores measured on 2026-11-26 (90 documents; micro overlap F1 0.581,
# micro exact F1 0.423, Location overlap F1 0.687, Person overlap F1 0.592).
MICRO_OVERLAP_F1_FLOOR = 0.56
MICRO_EXACT_F1_FLOOR = 0.40
LOCATION_OVERLAP_F1_FLOOR = 0.66
PERSON_OVERLAP_F1_FLOOR = 0.57

TEXT = ("Colonel Ann Reyes of the Northern Guard met Tavian officials in Port Ellis; "
        "we counted 40 trucks and $5 million, said the Harbor Post.")


def _span(text: str, what: str) -> tuple[int, int]:
    start = text.index(what)
    return start, start + len(what)


def _gold_entity(doc_id: str, what: str, type_: str, confidence: float = 1.0) -> dict[str, object]:
    begin, end = _span(TEXT, what)
    return {"_id": f"{doc_id}-{begin}-{type_}", "documentId": doc_id, "begin": begin, "end": end,
            "type": type_, "value": what, "confidence": confidence}


GOLD = [
    ("Colonel Ann Reyes", "Person"),
    ("the Northern Guard", "Organisation"),
    ("Tavian", "Nationality"),
    ("Port Ellis", "Location"),
    ("we", "Organisation"),
    ("40", "Quantity"),
    ("$5 million", "Money"),  # a re3d type we do not score
]


def _write_corpus(folder: Path) -> None:
    folder.mkdir(parents=True)
    docs = [{"_id": "D1", "title": "t", "text": TEXT}, {"_id": "D2", "title": "u", "text": "Quiet day."}]
    ents = [_gold_entity("D1", w, t) for w, t in GOLD]
    ents.append(_gold_entity("D1", "Tavian", "Nationality", 0.5))  # a duplicate span
    (folder / "documents.json").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    (folder / "entities.json").write_text("".join(json.dumps(e) + "\n" for e in ents), encoding="utf-8")


def _entity(what: str, label: str, text: str = TEXT) -> Entity:
    return Entity(*_span(text, what), what, label)


def _result() -> DocumentResult:
    start, end = _span(TEXT, "Port Ellis")
    place = Place(start=start, end=end, text="Port Ellis", name="Port Ellis", geonameid=None, country=None,
                  admin1=None, lat=None, lon=None, precision="point", score=0.9)
    quantities = (
        Quantity(*_span(TEXT, "40"), "40", 40, None, "trucks", "count"),
        Quantity(*_span(TEXT, "$5 million"), "$5 million", 5_000_000, "USD", None, "money"),
    )
    entities = (
        _entity("Ann Reyes", "PERSON"),
        _entity("Reyes", "PERSON"),  # nested in a longer same-type span
        _entity("Northern Guard", "GPE"),  # an Organisation read as a place
        _entity("Tavian", "NORP"),
        _entity("Port Ellis", "GPE"),  # same span as the place
        _entity("40", "CARDINAL"),
        _entity("$5 million", "MONEY"),
        _entity("Harbor Post", "ORG"),  # no gold mention there
    )
    return DocumentResult("D1", "ok", None, None, None, None, None, TEXT,
                          entities=entities, places=(place,), quantities=quantities)


def test_eval_re3d_read_finds_sub_corpora_and_dedups_mentions(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "re3d" / "alpha corpus")
    docs = read_re3d(tmp_path)  # the data directory holding re3d/
    assert [(d.id, d.corpus) for d in docs] == [("D1", "alpha corpus"), ("D2", "alpha corpus")]
    d1 = docs[0]
    assert len(d1.mentions) == len(GOLD) + 1  # same span and type, different confidence: both kept
    assert [m.start for m in d1.mentions] == sorted(m.start for m in d1.mentions)
    assert all(TEXT[m.start:m.end] == m.text for m in d1.mentions)
    assert docs[1].mentions == ()
    assert read_re3d(tmp_path / "re3d") == docs
    assert read_re3d(tmp_path / "re3d" / "alpha corpus") == docs


def test_eval_re3d_read_reports_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="EC008"):
        read_re3d(tmp_path)
    folder = tmp_path / "beta"
    folder.mkdir()
    (folder / "documents.json").write_text('{"_id": "x", "text": \n', encoding="utf-8")
    with pytest.raises(InputError, match="EC024"):
        read_re3d(tmp_path)


def test_eval_re3d_label_mapping_dedups_and_keeps_the_longer_nested_span() -> None:
    combined = predicted_mentions(_result())
    assert combined == {
        (*_span(TEXT, "Ann Reyes"), "Person"),
        (*_span(TEXT, "Northern Guard"), "Location"),
        (*_span(TEXT, "Tavian"), "Nationality"),
        (*_span(TEXT, "Port Ellis"), "Location"),
        (*_span(TEXT, "40"), "Quantity"),
        (*_span(TEXT, "Harbor Post"), "Organisation"),
    }  # no MONEY, no money quantity, "Reyes" folded into "Ann Reyes"
    alone = predicted_mentions(_result(), ("entities",))
    assert (*_span(TEXT, "Reyes"), "Person") in alone  # a single source keeps what it emitted
    assert predicted_mentions(_result(), ("places",)) == {(*_span(TEXT, "Port Ellis"), "Location")}


def test_eval_re3d_scores_exact_overlap_confusions_and_pronouns(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "alpha")
    docs = read_re3d(tmp_path)[:1]
    out = score_predictions(docs, [_result()])
    assert (out["gold"], out["predicted"]) == (6, 6)
    assert out["micro"]["exact"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert out["micro"]["overlap"] == {"precision": 0.667, "recall": 0.667, "f1": 0.667}
    assert out["per_type"]["Person"]["exact"]["recall"] == 0.0
    assert out["per_type"]["Person"]["overlap"]["recall"] == 1.0
    assert out["per_type"]["Organisation"]["overlap"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert out["missed_by_overlapping_type"] == {"Organisation->Location": 1, "Organisation->NONE": 1}
    assert out["spurious_by_type"] == {"Organisation": 1}
    assert out["pronoun_mentions"] == 1 and out["offset_mismatches"] == 0
    named = score_predictions(docs, [_result()], pronouns=False)
    assert named["gold"] == 5 and named["micro"]["overlap"]["recall"] == 0.8
    missing = score_predictions(docs, [])
    assert missing["failed"] == 1 and missing["micro"]["overlap"]["recall"] == 0.0


@pytest.mark.data
@pytest.mark.slow
def test_eval_re3d_floors_on_the_corpus(data_dir: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    if not (data_dir / "re3d").is_dir():
        pytest.skip(f"re3d not found under {data_dir}")
    out = score_re3d(data_dir, pipeline)
    assert out["documents"] == 90 and out["failed"] == 0
    assert out["micro"]["overlap"]["f1"] >= MICRO_OVERLAP_F1_FLOOR, out["per_type"]
    assert out["micro"]["exact"]["f1"] >= MICRO_EXACT_F1_FLOOR, out["per_type"]
    assert out["per_type"]["Location"]["overlap"]["f1"] >= LOCATION_OVERLAP_F1_FLOOR
    assert out["per_type"]["Person"]["overlap"]["f1"] >= PERSON_OVERLAP_F1_FLOOR
    assert set(out["by_source"]) == {"entities", "places", "quantities"}
