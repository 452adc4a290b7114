"""Fusion inside the store, on DuckDB and PostgreSQL: incremental, idempotent, equal to one pass.

Documents are hand-made records (no pipeline), so each test states exactly which reports exist.
"""

from __future__ import annotations

import random
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from eventcoder.fusion import FusionOptions, fuse_documents
from eventcoder.records import ActorRef, DateRef, DocumentResult, Event, Place, Span, event_id
from eventcoder.store import EventQuery, open_store

KGZ = ActorRef("Kyrgyzstan MIL", "KGZ", "MIL", None, 0, 6, "Kyrgyz troops", kind="organization")
TJK = ActorRef("Tajikistan MIL", "TJK", "MIL", None, 0, 5, "Tajik troops", kind="organization")
CVL = ActorRef("Kyrgyzstan CVL", "KGZ", "CVL", None, 0, 8, "students", kind="organization")


def place(name: str, lat: float, lon: float, cc: str = "KG", precision: str = "point") -> Place:
    return Place(start=20, end=20 + len(name), text=name, name=name,
                 geonameid=zlib.crc32(name.encode()) % 10**6, country=cc,
                 admin1="Batken" if cc == "KG" else "Sughd", lat=lat, lon=lon, precision=precision,
                 score=0.9, admin1_code="KG-B" if cc == "KG" else "TJ-SU")


BATKEN = place("Batken", 40.0625, 70.8194)
BISHKEK = place("Bishkek", 42.87, 74.59)


def event(doc: str, n: int, type_: str, date: str | None, actor: ActorRef | None = None,
          recipient: ActorRef | None = None, location: Place | None = None,
          fatalities: int | None = None) -> Event:
    return Event(
        id=event_id(doc, type_, n * 10, n * 10 + 4), type=type_, mode=None, cameo=None, acled=None,
        trigger=Span(n * 10, n * 10 + 4, "word"), sentence=Span(0, 40), actor=actor, recipient=recipient,
        date=None if date is None else DateRef(date, "day", None, None, None, "clause"),
        location=location, fatalities=None if fatalities is None else {"best": fatalities, "low": None,
                                                                     "high": None},
        modality="reported",
    )


def doc(doc_id: str, publisher: str, published: str, *events: Event) -> DocumentResult:
    return DocumentResult(id=doc_id, status="ok", error=None, url=None, publisher=publisher,
                          published=published, title=None, text="x" * 60, events=events)


def clash(doc_id: str, publisher: str, fatalities: int, swapped: bool = False) -> DocumentResult:
    a, r = (KGZ, TJK) if swapped else (TJK, KGZ)
    return doc(doc_id, publisher, "2024-04-16", event(doc_id, 1, "ASSAULT", "2024-04-15", a, r, BATKEN,
                                                      fatalities))


def protest(doc_id: str) -> DocumentResult:
    return doc(doc_id, "Asia Wire", "2024-04-18",
               event(doc_id, 1, "PROTEST", "2024-04-17", CVL, None, BISHKEK))


def state(store) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    return [(e.id, e.documents, tuple(r.event_id for r in e.reports))
            for e in store.fused_events(EventQuery(), limit=10_000)]


def test_store_fusion_two_outlets_one_clash_and_a_protest_apart(target: str) -> None:
    with open_store(target) as store:
        store.upsert([clash("a", "Asia Wire", 2), clash("b", "Central Post", 3, swapped=True), protest("c")])
        fused = store.fused_events(EventQuery(type="ASSAULT"))
        assert len(fused) == 1
        ev = fused[0]
        assert ev.documents == ("a", "b") and ev.fatalities is not None
        assert (ev.fatalities.low, ev.fatalities.high) == (2, 3)
        assert ev.actor is not None and ev.actor.disputed
        assert {c.field for c in ev.conflicts} >= {"fatalities", "actor"}
        assert store.count_fused(EventQuery()) == 2
        assert store.count_fused(EventQuery(country="TJK")) == 1
        assert [e.type for e in store.fused_events(EventQuery(doc_id="c"))] == ["PROTEST"]
        summary = store.summary(EventQuery(), fused=True)
        assert summary["events"] == 2 and summary["reports"] == 3 and summary["documents"] == 3


def test_store_fusion_is_incremental_and_never_duplicates(target: str) -> None:
    with open_store(target) as store:
        store.upsert([clash("a", "Asia Wire", 2), protest("c")])
        (first,) = store.fused_events(EventQuery(type="ASSAULT"))
        store.upsert([clash("b", "Central Post", 3)])  # one more report of the same clash
        (joined,) = store.fused_events(EventQuery(type="ASSAULT"))
        assert joined.id == first.id and joined.documents == ("a", "b")
        counts = store.table_counts()
        store.upsert([clash("a", "Asia Wire", 2), clash("b", "Central Post", 3)])  # re-coded
        assert store.table_counts() == counts
        assert state(store) == state(store) and len(state(store)) == 2
        # re-coding an article with another figure replaces its report, never adds one
        store.upsert([clash("b", "Central Post", 4)])
        (again,) = store.fused_events(EventQuery(type="ASSAULT"))
        assert [r.fatalities for r in again.reports] == [2, 4]
        assert store.table_counts()["fusion_members"] == 3


def test_store_fusion_recoding_away_splits_the_cluster(target: str) -> None:
    with open_store(target) as store:
        store.upsert([clash("a", "Asia Wire", 2), clash("b", "Central Post", 3)])
        assert len(store.fused_events(EventQuery())) == 1
        # article b re-coded as a protest report: the clash keeps only a
        store.upsert([doc("b", "Central Post", "2024-04-18",
                          event("b", 1, "PROTEST", "2024-04-17", CVL, None, BISHKEK))])
        fused = {e.type: e for e in store.fused_events(EventQuery())}
        assert fused["ASSAULT"].documents == ("a",) and fused["PROTEST"].documents == ("b",)


def _random_docs(n: int, seed: int) -> list[DocumentResult]:
    rnd = random.Random(seed)
    places = [BATKEN, BISHKEK, place("Osh", 40.53, 72.80), place("Isfara", 40.13, 70.63, "TJ")]
    sides = [KGZ, TJK, CVL, None]
    docs = []
    for i in range(n):
        evs = []
        for k in range(rnd.randint(1, 3)):
            evs.append(event(f"r{i}", k, rnd.choice(["ASSAULT", "PROTEST"]),
                             rnd.choice(["2024-04-14", "2024-04-15", "2024-04", None]), rnd.choice(sides),
                             rnd.choice(sides), rnd.choice([*places, None]), rnd.choice([None, 1, 2, 5])))
        docs.append(doc(f"r{i}", rnd.choice(["A", "B", "C", "D"]), "2024-04-16", *evs))
    return docs


def test_store_fusion_incremental_equals_one_pass(target: str, tmp_path: Path) -> None:
    docs = _random_docs(60, seed=3)
    expected = sorted((e.id, e.documents) for e in fuse_documents(docs))
    with open_store(target) as store:
        order = docs[:]
        random.Random(5).shuffle(order)
        for i in range(0, len(order), 7):  # in small batches, out of order
            store.upsert(order[i:i + 7])
        store.upsert(order[10:25])  # some re-coded
        got = sorted((e.id, e.documents) for e in store.fused_events(EventQuery(), limit=10_000))
        assert got == expected
        assert store.refuse() == len(expected)  # a full rebuild agrees
        assert sorted((e.id, e.documents) for e in store.fused_events(EventQuery(), limit=10_000)) == expected


def test_store_fusion_concurrent_writers_agree_with_one_pass(target: str) -> None:
    docs = _random_docs(40, seed=9)
    expected = sorted((e.id, e.documents) for e in fuse_documents(docs))
    with open_store(target) as store, ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda d: store.upsert([d]), docs))
        got = sorted((e.id, e.documents) for e in store.fused_events(EventQuery(), limit=10_000))
    assert got == expected


def test_store_fusion_options_are_kept_and_rebuild(target: str) -> None:
    day_apart = doc("d", "Daily", "2024-04-17", event("d", 1, "ASSAULT", "2024-04-16", TJK, KGZ, BATKEN))
    with open_store(target) as store:
        store.upsert([clash("a", "Asia Wire", 2), day_apart])
        assert store.count_fused(EventQuery()) == 2
        assert store.refuse(FusionOptions(days=1)) == 1
        assert store.fusion_options().days == 1
    with open_store(target) as store:  # reopened: the options stay, new writes use them
        store.upsert([clash("b", "Central Post", 3)])
        assert store.count_fused(EventQuery()) == 1


def test_store_fusion_of_a_store_from_before_fusion(tmp_path: Path) -> None:
    """A schema-2 store (events, no fusion tables) is fused when it is opened."""
    import duckdb

    from eventcoder.store.schema import MIGRATIONS

    path = str(tmp_path / "old.duckdb")
    con = duckdb.connect(path)
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, "
                "description TEXT NOT NULL)")
    for m in MIGRATIONS[:2]:
        for st in m.statements:
            con.execute(st)
        con.execute("INSERT INTO schema_migrations VALUES (?, 'then', ?)", [m.version, m.description])
    con.close()
    # fill it with what a schema-2 store held: write with the current store, then drop fusion
    with open_store(path) as store:
        store.upsert([clash("a", "Asia Wire", 2), clash("b", "Central Post", 3)])
    con = duckdb.connect(path)
    for t in ("fusion_members", "fusion_keys", "fused_events"):
        con.execute(f"DELETE FROM {t}")
    con.execute("INSERT INTO fusion_state VALUES ('rebuild', 'pending')")
    con.close()
    with open_store(path) as store:
        (ev,) = store.fused_events(EventQuery())
        assert ev.documents == ("a", "b")


@pytest.mark.parametrize("bad", [{"days": -1}, {"town_km": 0}])
def test_store_fusion_bad_options_are_refused(tmp_path: Path, bad: dict[str, float]) -> None:
    from eventcoder.errors import InputError

    with pytest.raises(InputError, match="EC060"):
        FusionOptions(**bad)  # type: ignore[arg-type]
