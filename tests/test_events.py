"""Event typing and roles on our own sentences: what must and must not come out."""

from __future__ import annotations

import pytest

from eventcoder.records import DocumentResult, Event


def _by_trigger(doc: DocumentResult, word: str) -> Event:
    found = [e for e in doc.events if e.trigger.text == word]
    assert found, [(e.trigger.text, e.type) for e in doc.events]
    return found[0]


def test_events_container_noun_takes_support_verb_roles(code) -> None:
    doc = code(
        "Russian forces launched a wave of drone strikes on Kharkiv overnight, killing three civilians.",
        published="2024-05-07",
    )
    strikes = _by_trigger(doc, "strikes")
    assert strikes.type == "ASSAULT" and strikes.mode == "drone"
    assert strikes.actor is not None and (strikes.actor.country, strikes.actor.sector) == ("RUS", "MIL")
    assert strikes.recipient is not None and strikes.recipient.country == "UKR"
    # the participle reports the same attack's outcome: one event, with its toll
    assert [e.trigger.text for e in doc.events if e.type == "ASSAULT"] == ["strikes"]
    assert strikes.fatalities is not None and strikes.fatalities["best"] == 3


def test_events_support_verb_takes_the_nouns_type(code) -> None:
    doc = code(
        "The European Union agreed a new package of sanctions against Iran on Monday.", published="2023-03-22"
    )
    assert [e.type for e in doc.events] == ["SANCTION"]
    ev = doc.events[0]
    assert ev.actor is not None and ev.actor.name == "European Union" and ev.actor.sector == "IGO"
    assert ev.recipient is not None and ev.recipient.country == "IRN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hungary withdrew its objection to the plan.", []),
        ("Israel withdrew its troops from the border area.", ["RETREAT"]),
        ("Police in Dhaka arrested 40 opposition activists on Friday.", ["COERCE"]),
        ("The army shelled villages near Kadugli, residents said.", ["ASSAULT"]),
        ("The two presidents signed a trade agreement in Astana.", ["AGREE"]),
        ("The weather in Oslo was mild and sunny.", []),
        ("Liberated territories were the topic of the exhibition.", []),
    ],
)
def test_events_types_on_short_sentences(code, text: str, expected: list[str]) -> None:
    assert [e.type for e in code(text).events] == expected


def test_events_named_armed_group_and_organizations(code) -> None:
    doc = code(
        "Al-Shabaab fighters attacked a police station in Mogadishu. "
        "The United Nations condemned the attack.",
        published="2022-09-02",
    )
    attacked = _by_trigger(doc, "attacked")
    assert attacked.actor is not None and attacked.actor.name == "al-Shabaab"
    assert attacked.actor.sector == "REB" and attacked.actor.country == "SOM"
    condemned = _by_trigger(doc, "condemned")
    assert (
        condemned.type == "ACCUSE"
        and condemned.actor is not None
        and condemned.actor.name == "United Nations"
    )


def test_events_lowercase_is_not_islamic_state(code) -> None:
    doc = code("The town is calm. Soldiers attacked a checkpoint in Raqqa.")
    attacked = _by_trigger(doc, "attacked")
    assert attacked.actor is None or attacked.actor.name != "Islamic State"


def test_events_location_from_the_paragraph_setting(code) -> None:
    doc = code(
        "Hundreds of people protested in Tbilisi on Sunday. Police detained 12 demonstrators.",
        published="2024-04-29",
    )
    detained = _by_trigger(doc, "detained")
    assert detained.type == "COERCE" and detained.location is not None
    assert detained.location.name == "Tbilisi" and detained.location_source == "paragraph"
    assert detained.actor is not None and (detained.actor.country, detained.actor.sector) == ("GEO", "COP")


def test_events_dateline_is_not_the_subject(code) -> None:
    doc = code(
        "KYIV, Ukraine (Example Wire) - Russian troops shelled Kherson on Monday.", published="2024-05-08"
    )
    shelled = _by_trigger(doc, "shelled")
    assert shelled.actor is not None and shelled.actor.country == "RUS"
