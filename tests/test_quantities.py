"""Quantities on our own news-like sentences, plus a recall floor on MEANTIME VALUE spans."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from eventcoder.records import Quantity
from eventcoder.stages.linguistic import load_nlp, parse
from eventcoder.stages.quantities import event_quantities, extract_quantities, fatalities_for, parse_number

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp()


def quantities(nlp: Any, text: str) -> list[Quantity]:
    return extract_quantities(parse(nlp, text))


def by_text(qs: list[Quantity]) -> dict[str, Quantity]:
    return {q.text: q for q in qs}


@pytest.mark.parametrize(("words", "value"), [
    (["Nine"], 9), (["1,500"], 1500), (["2.5", "million"], 2_500_000), (["twenty", "-", "three"], 23),
    (["a", "dozen"], 12), (["one", "hundred", "and", "five"], 105), (["two", "thousand"], 2000),
    (["5bn"], 5_000_000_000), (["army"], None),
])
def test_quantities_parse_number_words_and_digits(words: list[str], value: float | None) -> None:
    assert parse_number(words) == value


def test_quantities_offsets_slice_text(nlp: Any) -> None:
    text = "Some 1,500 troops and more than 100 tanks entered Tigray, and 20% of homes were damaged."
    qs = quantities(nlp, text)
    assert [q.text for q in qs] == ["Some 1,500", "more than 100", "20%"]
    for q in qs:
        assert text[q.start:q.end] == q.text


def test_quantities_coordinated_numbers_share_head(nlp: Any) -> None:
    text = "Four armoured and 12 infantry combat brigades were moved to the border of Chad."
    qs = by_text(quantities(nlp, text))
    assert (qs["Four"].value, qs["Four"].of) == (4, "armoured combat brigades")
    assert (qs["12"].value, qs["12"].of) == (12, "infantry combat brigades")


def test_quantities_hyphenated_modifiers_join(nlp: Any) -> None:
    qs = quantities(nlp, "Engineers built 6 field-type hospitals and 3 tent- type shelters in Sudan.")
    assert [(q.value, q.of) for q in qs] == [(6, "field-type hospitals"), (3, "tent-type shelters")]


def test_quantities_percent_and_money(nlp: Any) -> None:
    qs = by_text(quantities(nlp, "The Bolivian government pledged $12 million in aid, and 15 per cent of the "
                                 "budget went to the army; Baku spent 40 million manats."))
    money = qs["$12 million"]
    assert (money.kind, money.unit, money.value) == ("money", "USD", 12_000_000)
    pct = qs["15 per cent"]
    assert (pct.kind, pct.unit, pct.value, pct.of) == ("percent", "percent", 15, "budget")
    assert qs["40 million manats"].unit == "AZN"


def test_quantities_ranges_and_bounds(nlp: Any) -> None:
    qs = by_text(quantities(nlp, "Between 300 and 400 migrants were rescued off Libya. At least 12 boats and "
                                 "up to 30 crew were seen, and about 50 trucks and nearly 40 buses left."))
    assert (qs["Between 300 and 400"].low, qs["Between 300 and 400"].high) == (300, 400)
    assert qs["Between 300 and 400"].value is None
    assert qs["At least 12"].low == 12 and qs["At least 12"].high is None
    assert qs["up to 30"].high == 30
    assert qs["about 50"].approximate and qs["about 50"].value == 50
    assert qs["nearly 40"].high == 40


def test_quantities_vague_quantifiers(nlp: Any) -> None:
    qs = by_text(quantities(nlp, "Dozens of protesters gathered in Minsk, and a number of students and "
                                 "tens of thousands of workers joined them."))
    assert qs["Dozens"].value is None and qs["Dozens"].kind == "approx" and qs["Dozens"].of == "protesters"
    assert qs["a number of"].value is None and qs["a number of"].of == "students"
    assert qs["tens of thousands"].low == 20_000


def test_quantities_excludes_dates_times_ordinals_codes(nlp: Any) -> None:
    text = ("On Sept. 27 at 3 p.m. the 4th convoy since 1994 passed Highway 12; a Su-25 jet and a "
            "14-year-old girl were seen, and no one was hurt.")
    assert quantities(nlp, text) == []


def test_quantities_fatalities_and_injured(nlp: Any) -> None:
    text = ("Gunmen killed nine villagers and wounded about 20 others near Maiduguri. The death toll from "
            "the bridge collapse rose to 31, and more than 50 people were injured. At least 5 dead and "
            "twenty-two wounded were counted. The army lost a number of soldiers, who died in the ambush.")
    qs = by_text(quantities(nlp, text))
    assert qs["nine"].kind == "fatalities"
    assert qs["about 20"].kind == "injured"
    assert qs["31"].kind == "fatalities"
    assert qs["more than 50"].kind == "injured"
    assert qs["At least 5"].kind == "fatalities"
    assert qs["twenty-two"].kind == "injured"
    assert qs["a number of"].kind == "fatalities" and qs["a number of"].value is None
    lives = quantities(nlp, "The quake in Nepal claimed the lives of 17 people.")
    assert [(q.value, q.kind) for q in lives] == [(17, "fatalities")]


def test_quantities_counts_not_casualties(nlp: Any) -> None:
    qs = quantities(nlp, "Police arrested 40 people and seized 12 rifles in Kenya.")
    assert [q.kind for q in qs] == ["count", "count"]


def test_quantities_event_quantities_stay_in_clause(nlp: Any) -> None:
    text = "Rebels seized 3 towns in Mali, and the army recaptured 2 villages."
    doc = parse(nlp, text)
    qs = extract_quantities(doc)
    seized = text.index("seized")
    recaptured = text.index("recaptured")
    assert [q.value for q in event_quantities(doc, qs, seized, seized + 6)] == [3]
    assert [q.value for q in event_quantities(doc, qs, recaptured, recaptured + 10)] == [2]


def test_quantities_fatalities_for_prefers_exact_in_clause(nlp: Any) -> None:
    text = "A car bomb killed 14 people in Mogadishu, and dozens more died later, police said."
    doc = parse(nlp, text)
    qs = extract_quantities(doc)
    killed = text.index("killed")
    fat = fatalities_for(doc, qs, killed, killed + 6)
    assert fat is not None and fat["best"] == 14 and fat["kind"] == "fatalities"
    assert text[fat["start"]:fat["end"]] == fat["text"]
    other = parse(nlp, "Talks resumed in Doha.")
    assert fatalities_for(other, extract_quantities(other), 6, 13) is None


def _data_dir() -> Path:
    return (REPO / os.environ.get("EVENTCODER_DATA", "../shared/data")).resolve()


@pytest.mark.data
def test_quantities_meantime_value_recall(nlp: Any) -> None:
    """Span recall on MEANTIME (CC BY 4.0) VALUE mentions of one sub-corpus; floor from a measured 0.93."""
    folder = _data_dir() / "meantime" / "intra_cross-doc_annotation" / "corpus_airbus"
    if not folder.is_dir():
        pytest.skip(f"MEANTIME not found under {folder}")
    hits = total = 0
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        pieces: list[str] = []
        offsets: dict[str, tuple[int, int]] = {}
        cursor = 0
        for tok in root.iter("token"):
            if pieces:
                pieces.append(" ")
                cursor += 1
            word = tok.text or ""
            offsets[tok.get("t_id", "")] = (cursor, cursor + len(word))
            pieces.append(word)
            cursor += len(word)
        qs = extract_quantities(parse(nlp, "".join(pieces)))
        for value in root.iter("VALUE"):
            ids = [a.get("t_id", "") for a in value.iter("token_anchor")]
            if value.get("type") not in {"MONEY", "PERCENT", "QUANTITY"} or not ids:
                continue
            start, end = min(offsets[i][0] for i in ids), max(offsets[i][1] for i in ids)
            total += 1
            hits += any(q.start < end and start < q.end for q in qs)
    assert total > 0
    assert hits / total >= 0.85
