"""Fusion of event reports: the matching rules, the fused record, determinism and exact blocking.

Reports are built as flat event rows (the store's and Parquet's shape), so these tests need no
pipeline; ``test_fusion_eval.py`` runs fusion on coded articles.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from eventcoder.errors import InputError
from eventcoder.fusion import FusionOptions, Report, compatible, fuse, prepare, report_from_row
from eventcoder.fusion.cluster import _link, units

# towns used below (GeoNames-like points): Batken and Kok-Tash ~4 km apart in Batken province (KG),
# Isfara across the border in Tajikistan, Osh far away in another province
BATKEN = dict(location_name="Batken", location_geonameid=1, location_country="KG", location_admin1="Batken",
              location_admin1_code="KG-B", location_lat=40.0625, location_lon=70.8194,
              location_precision="point", location_source="sentence")
KOKTASH = dict(BATKEN, location_name="Kok-Tash", location_geonameid=2, location_lat=40.09, location_lon=70.84)
ISFARA = dict(location_name="Isfara", location_geonameid=3, location_country="TJ", location_admin1="Sughd",
              location_admin1_code="TJ-SU", location_lat=40.1265, location_lon=70.6253,
              location_precision="point", location_source="sentence")
OSH = dict(location_name="Osh", location_geonameid=4, location_country="KG", location_admin1="Osh",
           location_admin1_code="KG-O", location_lat=40.5283, location_lon=72.7985,
           location_precision="point", location_source="sentence")
BATKEN_PROVINCE = dict(location_name="Batken", location_geonameid=5, location_country="KG",
                       location_admin1="Batken", location_admin1_code="KG-B", location_lat=39.9,
                       location_lon=70.9, location_precision="admin1", location_source="sentence")
KYRGYZSTAN = dict(location_name="Kyrgyzstan", location_geonameid=6, location_country="KG",
                  location_admin1=None, location_admin1_code=None, location_lat=41.0, location_lon=75.0,
                  location_precision="country", location_source="sentence")
KGZ_MIL = dict(actor_name="Kyrgyzstan MIL", actor_country="KGZ", actor_sector="MIL")
TJK_MIL = dict(actor_name="Tajikistan MIL", actor_country="TJK", actor_sector="MIL")


def party(role: str, p: dict[str, Any]) -> dict[str, Any]:
    return {k.replace("actor_", f"{role}_"): v for k, v in p.items()}


_SEQ = itertools.count()


def row(doc: str = "d1", type: str = "ASSAULT", date: str | None = "2024-04-15",
        date_source: str = "sentence",
        published: str | None = "2024-04-16", publisher: str | None = None, cited: str | None = None,
        modality: str = "reported", actor: dict[str, Any] | None = None,
        recipient: dict[str, Any] | None = None, place: dict[str, Any] | None = None,
        fatalities: int | None = None, injured: int | None = None, event_id: str | None = None,
        **extra: Any) -> Report:
    n = next(_SEQ)
    r: dict[str, Any] = {
        "event_id": event_id or f"ev-{n:06d}", "doc_id": doc, "type": type, "mode": None,
        "date_value": date, "date_precision": None if date is None else "day",
        "date_source": date_source if date else "none", "published": published,
        "publisher": publisher or f"Outlet {doc}", "cited_source": cited, "modality": modality,
        "confidence": 0.6, "fatalities_best": fatalities, "injured_best": injured,
        "trigger_text": "attack", "trigger_start": n, "trigger_end": n + 6,
    }
    r.update(actor or {})
    r.update(party("recipient", recipient or {}))
    r.update(place or {})
    r.update(extra)
    return report_from_row(r)


def together(*reports: Report, options: FusionOptions | None = None) -> bool:
    fused = fuse(reports, options)
    return len(fused) == 1


def test_fusion_same_event_from_two_outlets_fuses() -> None:
    a = row("a", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN, fatalities=2)
    b = row("b", actor=TJK_MIL, recipient=KGZ_MIL, place=KOKTASH, fatalities=3)
    (ev,) = fuse([a, b])
    assert ev.documents == ("a", "b")
    assert ev.fatalities is not None and (ev.fatalities.low, ev.fatalities.high) == (2, 3)
    assert ev.sources.documents == 2 and ev.sources.publishers == 2
    fields = {c.field: c for c in ev.conflicts}
    assert {x.value for x in fields["fatalities"].claims} == {2, 3}
    assert {x.value for x in fields["location"].claims} == {"Batken", "Kok-Tash"}
    assert ev.date.value == "2024-04-15" and ev.date.precision == "day"


def test_fusion_day_inside_month_fuses_and_narrows_the_date() -> None:
    a = row("a", date="2024-04", actor=KGZ_MIL, place=BATKEN)
    b = row("b", date="2024-04-15", actor=KGZ_MIL, place=BATKEN)
    (ev,) = fuse([a, b])
    assert ev.date.value == "2024-04-15" and ev.date.precision == "day"


def test_fusion_same_place_a_day_later_stays_apart() -> None:
    a = row("a", date="2024-04-15", actor=KGZ_MIL, place=BATKEN)
    b = row("b", date="2024-04-16", published="2024-04-17", actor=KGZ_MIL, place=BATKEN)
    assert not together(a, b)
    assert together(a, b, options=FusionOptions(days=1))  # MELTT's one-day window


def test_fusion_same_actors_in_another_town_stay_apart() -> None:
    a = row("a", actor=KGZ_MIL, recipient=TJK_MIL, place=BATKEN)
    b = row("b", actor=KGZ_MIL, recipient=TJK_MIL, place=OSH)
    assert not together(a, b)


@pytest.mark.parametrize(("place", "fuses"), [
    (BATKEN_PROVINCE, True),   # the town lies in the province another report names
    (KYRGYZSTAN, True),        # the country holds it
    (dict(BATKEN_PROVINCE, location_admin1="Osh", location_admin1_code="KG-O", location_name="Osh"), False),
    (None, True),              # unknown is compatible
])
def test_fusion_place_precision_rules(place: dict[str, Any] | None, fuses: bool) -> None:
    a = row("a", actor=KGZ_MIL, place=BATKEN)
    b = row("b", actor=KGZ_MIL, place=place)
    assert together(a, b) is fuses


def test_fusion_keeps_the_most_precise_location() -> None:
    a = row("a", actor=KGZ_MIL, place=KYRGYZSTAN)
    b = row("b", actor=KGZ_MIL, place=BATKEN_PROVINCE)
    c = row("c", actor=KGZ_MIL, place=BATKEN)
    (ev,) = fuse([a, b, c])
    assert ev.location is not None and ev.location.name == "Batken" and ev.location.precision == "point"


def test_fusion_cross_border_places_need_the_border_countries_as_parties() -> None:
    a = row("a", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN)
    b = row("b", actor=TJK_MIL, recipient=KGZ_MIL, place=ISFARA)
    assert together(a, b)
    c = row("c", actor=dict(actor_name="police", actor_sector="COP"), place=BATKEN)
    d = row("d", actor=dict(actor_name="police", actor_sector="COP"), place=ISFARA)
    assert not together(c, d)  # a police raid in each country


def test_fusion_dateline_place_is_not_the_event_place() -> None:
    a = row("a", actor=KGZ_MIL, place=BATKEN)
    b = row("b", actor=KGZ_MIL, place=dict(OSH, location_source="dateline"))
    (ev,) = fuse([a, b])
    assert ev.location is not None and ev.location.name == "Batken"


def test_fusion_conflicting_actors_stay_apart() -> None:
    a = row("a", actor=KGZ_MIL, place=BATKEN)
    b = row("b", actor=dict(actor_name="rebels", actor_sector="REB"), place=BATKEN)
    assert not together(a, b)


def test_fusion_counter_accusation_is_one_event_with_a_disputed_actor() -> None:
    a = row("a", publisher="Asia Wire", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN, fatalities=2)
    b = row("b", publisher="Central Post", actor=KGZ_MIL, recipient=TJK_MIL, place=BATKEN, fatalities=3)
    c = row("c", publisher="Third Daily", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN)
    (ev,) = fuse([a, b, c])
    assert ev.actor is not None and ev.actor.country == "TJK" and ev.actor.disputed  # two claimants to one
    swapped = [r.doc_id for r in ev.reports if r.orientation == "swapped"]
    assert swapped == ["b"]
    actor = next(c for c in ev.conflicts if c.field == "actor")
    assert {x.value: x.reports for x in actor.claims}["Kyrgyzstan MIL"] == (b.event_id,)


def test_fusion_swapped_sides_in_one_report_are_two_events() -> None:
    # "Tajik troops attacked a Kyrgyz post; Kyrgyz forces hit back": a retaliation, not a dispute
    a = row("a", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN)
    b = row("a", actor=KGZ_MIL, recipient=TJK_MIL, place=BATKEN)
    assert len(fuse([a, b])) == 2


def test_fusion_other_types_and_planned_acts_stay_apart() -> None:
    a = row("a", actor=KGZ_MIL, place=BATKEN)
    assert not together(a, row("b", type="PROTEST", actor=KGZ_MIL, place=BATKEN))
    assert not together(a, row("b", modality="planned", actor=KGZ_MIL, place=BATKEN))
    denial = row("b", modality="negated", actor=KGZ_MIL, place=BATKEN)
    (ev,) = fuse([a, denial])
    assert [c.field for c in ev.conflicts] == ["modality"]


def test_fusion_undated_report_is_bounded_by_its_publication() -> None:
    a = row("a", actor=KGZ_MIL, place=BATKEN)  # 2024-04-15
    b = row("b", date=None, published="2024-04-16", actor=KGZ_MIL, place=BATKEN)
    assert together(a, b)
    late = row("c", date=None, published="2024-04-25", actor=KGZ_MIL, place=BATKEN)
    assert not together(a, late)
    (ev,) = fuse([row("d", date=None, published="2024-04-16", actor=KGZ_MIL, place=BATKEN)])
    assert ev.date.value is None and (ev.date.first, ev.date.last) == ("2024-04-13", "2024-04-16")


def test_fusion_publication_dated_report_counts_as_undated() -> None:
    a = row("a", actor=KGZ_MIL, place=BATKEN)
    b = row("b", date="2024-04-16", date_source="publication", actor=KGZ_MIL, place=BATKEN)
    (ev,) = fuse([a, b])
    assert ev.date.value == "2024-04-15"


def test_fusion_vague_dates_join_only_the_same_period() -> None:
    a = row("a", date="1994", type="RETREAT", actor=KGZ_MIL, published="2024-04-16")
    b = row("b", date="1994", type="RETREAT", actor=KGZ_MIL, published="2024-05-01")
    c = row("c", date="1994-05-12", type="RETREAT", actor=KGZ_MIL, published="2024-05-01")
    fused = fuse([a, b, c])
    assert sorted(len(e.reports) for e in fused) == [1, 2]


def test_fusion_needs_a_shared_country_across_documents() -> None:
    a = row("a", actor=dict(actor_name="police", actor_sector="COP"))
    b = row("b", actor=dict(actor_name="police", actor_sector="COP"))
    assert not together(a, b)  # nothing says where: two raids, not one


def test_fusion_no_chaining_through_a_vague_report() -> None:
    mon = row("a", date="2024-04-15", actor=KGZ_MIL, place=BATKEN)
    wed = row("b", date="2024-04-17", published="2024-04-18", actor=KGZ_MIL, place=BATKEN)
    month = row("c", date="2024-04", published="2024-04-30", actor=KGZ_MIL, place=BATKEN)
    fused = fuse([mon, wed, month])
    assert sorted(len(e.reports) for e in fused) == [1, 2]


def test_fusion_repeated_mention_in_one_document_travels_with_its_event() -> None:
    # "the shooting" two paragraphs on names no place or side: it joins its story's event, and
    # through it the other outlet's report
    a = row("a", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN)
    a2 = row("a", date=None)
    b = row("b", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN)
    (ev,) = fuse([a, a2, b])
    assert len(ev.reports) == 3


def test_fusion_best_is_the_lower_median_of_each_claimants_latest_figure() -> None:
    reps = [
        row("a", publisher="A", published="2024-04-15", actor=KGZ_MIL, place=BATKEN, fatalities=1),
        row("a2", publisher="A", published="2024-04-16", actor=KGZ_MIL, place=BATKEN, fatalities=4),
        row("b", publisher="B", actor=KGZ_MIL, place=BATKEN, fatalities=2),
        row("c", publisher="C", actor=KGZ_MIL, place=BATKEN, fatalities=7, injured=5),
    ]
    (ev,) = fuse(reps)
    assert ev.fatalities is not None
    assert (ev.fatalities.low, ev.fatalities.best, ev.fatalities.high) == (1, 4, 7)
    assert ev.injured is not None and ev.injured.best == 5


def test_fusion_ids_are_deterministic_and_independent_of_order() -> None:
    reps = [row(f"d{i % 5}", actor=KGZ_MIL, place=BATKEN if i % 2 else KOKTASH,
                date=f"2024-04-{10 + i % 3:02d}", published="2024-04-20") for i in range(15)]
    first = [e.to_dict() for e in fuse(reps)]
    shuffled = reps[:]
    random.Random(7).shuffle(shuffled)
    assert [e.to_dict() for e in fuse(shuffled)] == first


def test_fusion_id_stays_when_a_later_report_joins() -> None:
    a = row("a", published="2024-04-15", actor=KGZ_MIL, place=BATKEN)
    b = row("b", published="2024-04-16", actor=KGZ_MIL, place=BATKEN)
    (one,) = fuse([a])
    (two,) = fuse([a, b])
    assert one.id == two.id
    # a report of the same day from a document that sorts first (a backfilled archive, say)
    early = row("0-archive", published="2024-04-15", actor=KGZ_MIL, place=BATKEN)
    (three,) = fuse([a, b, early])
    assert three.id != two.id  # documented: a report published before every member moves the id


def test_fusion_record_round_trips_through_json() -> None:
    from eventcoder.records import FusedEvent

    (ev,) = fuse([row("a", actor=TJK_MIL, recipient=KGZ_MIL, place=BATKEN, fatalities=2),
                  row("b", actor=KGZ_MIL, recipient=TJK_MIL, place=KOKTASH, fatalities=3)])
    assert FusedEvent.from_dict(ev.to_dict()) == ev


def test_fusion_options_are_validated() -> None:
    with pytest.raises(InputError, match="EC060"):
        FusionOptions(days=-1)
    with pytest.raises(InputError, match="EC060"):
        FusionOptions(town_km=float("nan"))
    with pytest.raises(InputError, match="EC060"):
        FusionOptions(days=1.5)  # type: ignore[arg-type]


def _brute_force(reports: list[Report], options: FusionOptions) -> list[frozenset[str]]:
    """Clusters from every pair of units (no blocking), for comparison with fuse()."""
    from eventcoder.fusion.cluster import choose, core_key, is_precise, pool
    from eventcoder.fusion.match import similarity

    us = units(prepare(reports, options), options)
    precise = [u for u in us if is_precise(u)]
    vague = [u for u in us if not is_precise(u)]
    for k, u in enumerate(precise):
        u.idx = k
    pairs = [(similarity(x, y, m), x.idx, y.idx, m) for x, y in itertools.combinations(precise, 2)
             if x.doc != y.doc and (m := compatible(x, y, options))]
    comp = {u.idx: {u.idx} for u in precise}  # components by brute force, then the same linkage
    for _, i, j, _ in pairs:
        if comp[i] is not comp[j]:
            merged = comp[i] | comp[j]
            for k in merged:
                comp[k] = merged
    found, seen = [], set()
    for u in precise:
        if id(comp[u.idx]) not in seen:
            seen.add(id(comp[u.idx]))
            found.extend(_link(precise, sorted(comp[u.idx]), [p for p in pairs if p[1] in comp[u.idx]]))
    keyed = [(core_key(c), c) for c in found]
    groups = {key: [u.key for u, _ in c] for key, c in keyed}
    left = []
    for v in vague:  # every core is a candidate
        got = choose(v, keyed, options)
        if got is None:
            left.append(v)
        else:
            groups[got[0]].append(v.key)  # (core key, orientation, score)
    groups.update({f"pool{k}": [u.key for u, _ in g] for k, g in enumerate(pool(left, options))})
    by_key = {u.key: u for u in us}
    return sorted((frozenset(p.report.event_id for k in keys for p, _ in by_key[k].members)
                   for keys in groups.values()), key=sorted)


def test_fusion_blocking_finds_every_compatible_pair() -> None:
    rng = random.Random(12)
    places = [BATKEN, KOKTASH, ISFARA, OSH, BATKEN_PROVINCE, KYRGYZSTAN, None]
    sides = [KGZ_MIL, TJK_MIL, None, dict(actor_name="rebels", actor_sector="REB")]
    reports = []
    for _ in range(300):
        day = rng.choice(["2024-04-14", "2024-04-15", "2024-04-16", "2024-04", None])
        reports.append(row(f"d{rng.randrange(80)}", type=rng.choice(["ASSAULT", "PROTEST"]), date=day,
                           published="2024-04-17", actor=rng.choice(sides),
                           recipient=rng.choice(sides), place=rng.choice(places),
                           fatalities=rng.choice([None, 1, 2])))
    for days in (0, 1):
        options = FusionOptions(days=days)
        got = sorted((frozenset(r.event_id for r in e.reports) for e in fuse(reports, options)), key=sorted)
        assert got == _brute_force(reports, options)


def test_fusion_country_level_report_needs_corroboration_to_join_a_town() -> None:
    civilians = dict(actor_name="Kyrgyzstan CVL", actor_country="KGZ", actor_sector="CVL")
    town = row("a", recipient=civilians, place=OSH, fatalities=4)
    vague = row("b", recipient=civilians, place=KYRGYZSTAN, fatalities=20)
    assert not together(town, vague)  # the country holds every same-day attack of the country
    assert together(town, row("c", recipient=civilians, place=KYRGYZSTAN, fatalities=4))  # same toll
    assert together(town, row("d", actor=KGZ_MIL, recipient=civilians, place=None, fatalities=None)
                    ) is False  # nothing but a generic civilian side in common
    assert together(row("e", actor=KGZ_MIL, place=OSH), row("f", actor=KGZ_MIL, place=None))
    assert together(row("g", recipient=civilians, place=KYRGYZSTAN),
                    row("h", recipient=civilians, place=None))  # both coarse: nothing finer is known


def test_fusion_swapped_sides_of_a_meeting_dispute_nothing() -> None:
    aze = dict(actor_name="Jeyhun Bayramov", actor_country="AZE", actor_sector="GOV", actor_kind="person")
    tur = dict(actor_name="Hakan Fidan", actor_country="TUR", actor_sector="GOV", actor_kind="person")
    ankara = dict(BATKEN, location_name="Ankara", location_country="TR", location_geonameid=9)
    (ev,) = fuse([row("a", type="CONSULT", actor=aze, recipient=tur, place=ankara),
                  row("b", type="CONSULT", actor=tur, recipient=aze, place=ankara)])
    assert ev.actor is not None and not ev.actor.disputed
    assert [c.field for c in ev.conflicts] == []


def test_fusion_protest_grievances_tell_two_protests_apart() -> None:
    nairobi = dict(BATKEN, location_name="Nairobi", location_country="KE", location_geonameid=11)
    people = dict(actor_name="Kenya CVL", actor_country="KEN", actor_sector="CVL")
    nurses = dict(actor_name="Kenya HLH", actor_country="KEN", actor_sector="HLH")
    fuel = row("a", type="PROTEST", actor=people, place=nairobi,
               sentence="Thousands marched in Nairobi to protest a rise in fuel prices.")
    fuel2 = row("b", type="PROTEST", actor=people, place=nairobi,
                sentence="Protesters angry about higher fuel prices took to the streets of Nairobi.")
    wages = row("c", type="PROTEST", actor=nurses, place=nairobi,
                sentence="Nurses rallied in Nairobi to demand unpaid wages.")
    fused = fuse([fuel, fuel2, wages])
    assert sorted(len(e.reports) for e in fused) == [1, 2]
    # the same specific group with its grievance in other words is one protest
    students = dict(actor_name="Chile EDU", actor_country="CHL", actor_sector="EDU")
    a = row("d", type="PROTEST", actor=students, place=nairobi,
            sentence="Students marched against cuts to university funding.")
    b = row("e", type="PROTEST", actor=students, place=nairobi,
            sentence="Students protested against education budget cuts.")
    assert together(a, b)


def test_fusion_two_kinds_of_force_in_one_report_stay_two_events() -> None:
    """"Gunmen shot three villagers ... They also abducted 20 women": the coder tells two acts of
    one story; fusion does not join them, though it still joins a repeated mention without a mode."""
    shot = row("a", actor=TJK_MIL, place=BATKEN, mode="firearms", fatalities=3)
    seized = row("a", actor=TJK_MIL, place=BATKEN, mode="abduct")
    assert not together(shot, seized)
    assert together(shot, row("a", actor=TJK_MIL, place=BATKEN))
    # across outlets a mode is one writer's word: another outlet's "abducted" may be the same raid
    assert together(shot, row("b", actor=TJK_MIL, place=BATKEN, mode="abduct"))
