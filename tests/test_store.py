"""The event store contract, run on DuckDB and on PostgreSQL (EVENTCODER_TEST_PG).

Each test gets a fresh store: a DuckDB file in tmp_path, or a new PostgreSQL schema (dropped
afterwards) selected through the URL's ``options=-csearch_path=...``. The corpus is our own:
100 short articles built from templates below (different actors, countries, places, dates).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from eventcoder.errors import EventcoderError, InputError
from eventcoder.output import event_row
from eventcoder.records import (
    ActorRef,
    Article,
    DateRef,
    DocumentResult,
    Event,
    Place,
    Span,
    event_id,
)
from eventcoder.store import EventQuery, Store, open_store
from eventcoder.store.rows import date_bounds
from eventcoder.store.schema import MIGRATIONS

# --- our own corpus ---------------------------------------------------------------------------
_PLACES = [  # (place, country name, demonym)
    ("Gao", "Mali", "Malian"),
    ("Maiduguri", "Nigeria", "Nigerian"),
    ("Tovuz", "Azerbaijan", "Azerbaijani"),
    ("Kharkiv", "Ukraine", "Ukrainian"),
    ("Mosul", "Iraq", "Iraqi"),
    ("Aleppo", "Syria", "Syrian"),
    ("Mogadishu", "Somalia", "Somali"),
    ("Khartoum", "Sudan", "Sudanese"),
    ("Kandahar", "Afghanistan", "Afghan"),
    ("Goma", "the Democratic Republic of the Congo", "Congolese"),
    ("Yerevan", "Armenia", "Armenian"),
    ("Caracas", "Venezuela", "Venezuelan"),
]
_WHEN = [  # (phrase, the day the report is published; None: any day, the phrase is relative)
    ("on 27 September 2020", "2020-09-28"),
    ("on 3 March 2019", "2019-03-04"),
    ("in July 2021", "2021-08-02"),
    ("on Monday", None),
    ("on 14 February 2022", "2022-02-15"),
    ("in November 2018", "2018-12-01"),
    ("on Friday", None),
    ("on 9 June 2023", "2023-06-10"),
]
_SOURCES = ["officials said", "the defence ministry said", "witnesses told reporters", "police said"]
_TEMPLATES = [
    "{Dem} troops attacked rebel positions near {place} {when}, killing {n} fighters, {src}.",
    "Gunmen kidnapped {n} villagers outside {place} {when}, {src}.",
    "Thousands of people protested in {place} {when} against rising fuel prices.",
    "Police arrested {n} demonstrators in {place} {when}, {src}.",
    "The foreign minister of {country} met the French ambassador in {place} {when}.",
    "Rebels shelled an army base in {place} {when}, wounding {n} soldiers, {src}.",
    "The government of {country} deployed {n} additional troops to {place} {when}.",
    "Militants ambushed a police convoy near {place} {when}; {n} officers were killed, {src}.",
]


def make_corpus(n: int = 100, seed: int = 6) -> list[Article]:
    """n short articles (ids art-000 ...) with their own publication dates."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        place, country, dem = _PLACES[i % len(_PLACES)]
        template = _TEMPLATES[(i // len(_PLACES) + i) % len(_TEMPLATES)]
        when, published = rnd.choice(_WHEN)
        text = template.format(
            Dem=dem, place=place, country=country, when=when, n=rnd.randint(2, 40), src=rnd.choice(_SOURCES)
        )
        published = published or f"20{rnd.randint(18, 23)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        out.append(
            Article(
                id=f"art-{i:03d}",
                text=text,
                published=published,
                published_source="option",
                publisher=rnd.choice(["Example Wire", "Daily Sample", None]),
            )
        )
    return out


@pytest.fixture(scope="module")
def corpus(pipeline: Any) -> list[DocumentResult]:
    return list(pipeline.pipe(make_corpus()))


@pytest.fixture(scope="module")
def corpus_again(pipeline: Any) -> list[DocumentResult]:
    """The same 100 articles coded a second time."""
    return list(pipeline.pipe(make_corpus()))


# --- a fresh store per test on each engine (``target``: conftest.py) ----------------------------
@pytest.fixture()
def store(target: str) -> Iterator[Store]:
    with open_store(target) as s:
        yield s


def _raw(target: str, sql: str) -> None:
    """Run SQL outside the store (to fake a newer schema)."""
    if "://" in target:
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(sql)
    else:
        import duckdb

        con = duckdb.connect(target)
        con.execute(sql)
        con.close()


# --- hand-made events with every date precision ------------------------------------------------
def _actor(name: str, country: str, sector: str) -> ActorRef:
    return ActorRef(
        name=name, country=country, sector=sector, title=None, start=0, end=5, text=name, kind="organization"
    )


def _place(name: str, cc2: str, lat: float, lon: float) -> Place:
    return Place(
        start=10,
        end=15,
        text=name,
        name=name,
        geonameid=None,
        country=cc2,
        admin1=None,
        lat=lat,
        lon=lon,
        precision="point",
        score=0.9,
    )


def _event(
    doc_id: str,
    n: int,
    type_: str,
    date: str | None,
    actor: ActorRef | None = None,
    recipient: ActorRef | None = None,
    location: Place | None = None,
) -> Event:
    return Event(
        id=event_id(doc_id, type_, n * 10, n * 10 + 4),
        type=type_,
        mode=None,
        cameo=None,
        acled=None,
        trigger=Span(n * 10, n * 10 + 4, "word"),
        sentence=Span(0, 20),
        actor=actor,
        recipient=recipient,
        date=None if date is None else DateRef(date, None, None, None, None, "clause"),
        location=location,
    )


def handmade() -> tuple[DocumentResult, dict[str, str]]:
    d = "hand-1"
    arm, aze = _actor("Armenia MIL", "ARM", "MIL"), _actor("Azerbaijan MIL", "AZE", "MIL")
    events = {
        "e1": _event(d, 1, "ASSAULT", "2020-09-27", arm, aze, _place("Tovuz", "AZ", 40.99, 45.63)),
        "e2": _event(
            d,
            2,
            "PROTEST",
            "2020-09",
            _actor("Azerbaijan CVL", "AZE", "CVL"),
            location=_place("Baku", "AZ", 40.38, 49.89),
        ),
        "e3": _event(
            d,
            3,
            "CONSULT",
            "2020-10-10",
            _actor("Russia GOV", "RUS", "GOV"),
            _actor("Armenia GOV", "ARM", "GOV"),
            _place("Moscow", "RU", 55.75, 37.62),
        ),
        "e4": _event(d, 4, "ASSAULT", "2020"),
        "e5": _event(d, 5, "AGREE", "PAST_REF"),
        "e6": _event(d, 6, "MOBILIZE", "2020-09/2020-11"),
    }
    doc = DocumentResult(
        id=d,
        status="ok",
        error=None,
        url=None,
        publisher="Example Wire",
        published="2020-10-12",
        title=None,
        text="x" * 80,
        events=tuple(events.values()),
    )
    return doc, {k: e.id for k, e in events.items()}


# --- the contract -----------------------------------------------------------------------------
def test_store_same_100_articles_coded_twice_keep_identical_counts(
    target: str, corpus: list[DocumentResult], corpus_again: list[DocumentResult]
) -> None:
    assert [d.to_dict() for d in corpus] == [d.to_dict() for d in corpus_again]  # coding is deterministic
    with open_store(target) as store:
        first = store.upsert(corpus)
        counts = store.table_counts()
        second = store.upsert(corpus_again)
        assert store.table_counts() == counts
    n_events = sum(len({e.id for e in d.events}) for d in corpus)
    assert first.documents == second.documents == 100 and first.replaced == 0 and second.replaced == 100
    assert first.events == second.events == n_events == counts["events"] >= 80
    assert counts["documents"] == 100 and counts["schema_migrations"] == len(MIGRATIONS)
    assert counts["actors"] > 0 and counts["places"] > 50 and counts["mentions"] > 200
    with open_store(target) as reopened:  # reopening neither migrates again nor loses rows
        assert reopened.table_counts() == counts


def test_store_recoding_a_changed_article_replaces_its_rows(store: Store, code: Any) -> None:
    old = code(
        "Rebels attacked an army convoy near Gao on Monday, killing four soldiers, officials said.",
        id="story-1",
        published="2024-05-08",
    )
    other = code("Police arrested 12 protesters in Lagos on Tuesday.", id="story-2", published="2024-05-08")
    new = code(
        "Thousands of people protested in Bamako on 2 May 2024 against power cuts.",
        id="story-1",
        published="2024-05-08",
    )
    assert old.events and new.events and {e.id for e in old.events}.isdisjoint(e.id for e in new.events)
    store.upsert([old, other])
    got = store.upsert([new])
    assert got.replaced == 1 and got.documents == 1
    assert store.document("story-1") == new and store.document("story-2") == other
    rows = store.events(EventQuery(doc_id="story-1"))
    assert sorted(r["event_id"] for r in rows) == sorted({e.id for e in new.events})
    assert store.table_counts()["events"] == len(new.events) + len(other.events)
    assert store.table_counts()["documents"] == 2
    assert store.table_counts()["places"] == len(new.places) + len(other.places)


def test_store_document_round_trip_and_rows_equal_the_pipeline(
    store: Store, corpus: list[DocumentResult]
) -> None:
    docs = corpus[:30]
    store.upsert(docs)
    for doc in docs:
        back = store.document(doc.id)
        assert back == doc
        assert back is not None and json.dumps(back.to_dict()) == json.dumps(doc.to_dict())
        rows = store.events(EventQuery(doc_id=doc.id))
        expected = {e.id: event_row(doc, e) for e in doc.events}
        assert {r["event_id"]: r for r in rows} == expected
    assert store.document("no-such-doc") is None


def test_store_filters_type_country_dates_near(store: Store) -> None:
    doc, ids = handmade()
    store.upsert([doc])

    def got(**kw: Any) -> set[str]:
        q = EventQuery(**kw)
        rows = store.events(q)
        assert store.count_events(q) == len(rows)
        names = {v: k for k, v in ids.items()}
        return {names[r["event_id"]] for r in rows}

    assert got() == set(ids)
    assert got(type="ASSAULT") == {"e1", "e4"}
    assert got(type="assault", country="ARM") == {"e1"}
    assert got(country="AZE") == {"e1", "e2"} == got(country="az")  # alpha-2 accepted
    assert got(country="ARM") == {"e1", "e3"}
    assert got(country="RUS") == {"e3"}  # actor or location
    # month and year precision: a date matches when the period it names reaches the bound
    assert got(since="2020-09-15") == {"e1", "e2", "e3", "e4", "e6"}
    assert got(until="2020-09-01") == {"e2", "e4", "e6"}
    assert got(since="2020-09", until="2020-09") == {"e1", "e2", "e4", "e6"}
    assert got(since="2020-10-01") == {"e3", "e4", "e6"}
    assert got(since="2021") == set()
    assert got(near=(40.4, 49.9, 20)) == {"e2"}
    assert got(near=(40.4, 49.9, 1000)) == {"e1", "e2"}
    assert got(near=(40.4, 49.9, 1000), type="PROTEST") == {"e2"}
    assert got(doc_id="hand-1") == set(ids) and got(doc_id="other") == set()
    # deterministic order: first day of the date, then document and position; undated last
    order = [r["event_id"] for r in store.events(EventQuery())]
    assert order == [ids[k] for k in ("e4", "e2", "e6", "e1", "e3", "e5")]
    assert [r["event_id"] for r in store.events(EventQuery(), limit=2, offset=3)] == [ids["e1"], ids["e3"]]
    summary = store.summary(EventQuery())
    assert summary["events"] == 6 and summary["documents"] == 1 and summary["failed"] == 0
    assert summary["by_type"] == {"ASSAULT": 2, "AGREE": 1, "CONSULT": 1, "MOBILIZE": 1, "PROTEST": 1}
    assert summary["by_month"] == {"2020-09": 2, "2020-10": 1} and summary["no_month"] == 3
    assert store.summary(EventQuery(country="ARM"))["by_type"] == {"ASSAULT": 1, "CONSULT": 1}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (EventQuery(type="FIGHTING"), "EC034"),
        (EventQuery(country="ZZZ"), "EC035"),
        (EventQuery(country="Azerbaijan"), "EC035"),
        (EventQuery(since="2020-13-01"), "EC033"),
        (EventQuery(until="27/09/2020"), "EC033"),
        (EventQuery(since="2020-10-01", until="2020-09-01"), "EC033"),
        (EventQuery(near=(95.0, 10.0, 5.0)), "EC032"),
        (EventQuery(near=(40.0, 10.0, 0.0)), "EC032"),
    ],
)
def test_store_bad_filters_are_coded_errors(store: Store, query: EventQuery, code: str) -> None:
    for call in (store.events, store.count_events, store.summary):
        with pytest.raises(InputError) as exc:
            call(query)
        assert exc.value.code == code and exc.value.message.startswith(f"[{code}]")


def test_store_bad_paging_is_a_coded_error(store: Store) -> None:
    with pytest.raises(InputError, match=r"\[EC038\]"):
        store.events(EventQuery(), limit=-1)
    with pytest.raises(InputError, match=r"\[EC038\]"):
        store.events(EventQuery(), offset=-5)
    with pytest.raises(InputError, match=r"\[EC038\]"):  # past SQL's BIGINT: ours, not a driver error
        store.events(EventQuery(), offset=2**63)
    assert store.events(EventQuery(), offset=2**63 - 1) == []


def test_store_records_migrations_and_refuses_a_newer_schema(target: str) -> None:
    with open_store(target) as store:
        done = store.migrations()
        assert [m["version"] for m in done] == [m.version for m in MIGRATIONS]
        assert all(m["description"] and m["applied_at"].startswith("20") for m in done)
    with open_store(target) as store:
        assert len(store.migrations()) == len(MIGRATIONS)
    _raw(target, "INSERT INTO schema_migrations VALUES (999, '2099-01-01T00:00:00+00:00', 'future')")
    with pytest.raises(InputError, match=r"\[EC036\].*999"):
        open_store(target)


def test_store_concurrent_upserts_from_8_threads_give_exact_counts(
    store: Store, corpus: list[DocumentResult]
) -> None:
    shared, own = corpus[:20], [corpus[20 + 5 * t : 25 + 5 * t] for t in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(t: int) -> None:
        rnd = random.Random(t)
        try:
            start.wait()
            for _ in range(3):
                batch = shared + own[t]
                rnd.shuffle(batch)
                store.upsert(batch[:10])  # a batch ...
                for doc in batch[10:]:  # ... and one document at a time
                    store.upsert([doc])
                store.events(EventQuery(country="NGA"), limit=5)
        except BaseException as exc:
            errors.append(exc)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(worker, range(8)))
    assert errors == []
    docs = corpus[:60]
    counts = store.table_counts()
    assert counts["documents"] == 60
    assert counts["events"] == sum(len({e.id for e in d.events}) for d in docs)
    assert counts["places"] == sum(len(d.places) for d in docs)
    assert counts["mentions"] == sum(len(d.entities) + len(d.times) + len(d.quantities) for d in docs)
    for doc in docs[::7]:
        assert store.document(doc.id) == doc


def test_store_failed_documents_are_stored_with_their_code(store: Store, code: Any) -> None:
    failed = DocumentResult.failed(
        "bad-1",
        "EC003",
        "[EC003] Invalid UTF-8 in a.txt at byte 6; re-encode the file as UTF-8.",
        source="a.txt",
    )
    odd = DocumentResult.failed("bad-2", "EC010", "[EC010] Internal error", text="nul \x00 and \ud800 here")
    got = store.upsert([failed, odd])
    assert got.documents == 2 and got.events == 0
    assert store.document("bad-1") == failed and store.document("bad-2") == odd
    back = store.document("bad-1")
    assert back is not None and back.error is not None and back.error.code == "EC003"
    summary = store.summary(EventQuery())
    assert summary["documents"] == 2 and summary["failed"] == 2 and summary["events"] == 0
    fixed = code("Rebels attacked an army convoy near Gao on Monday.", id="bad-1", published="2024-05-08")
    store.upsert([fixed])
    assert store.summary(EventQuery())["failed"] == 1 and store.document("bad-1") == fixed


def test_store_open_errors_are_coded(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\[EC031\]"):
        open_store("mysql://localhost/events")
    with pytest.raises(InputError, match=r"\[EC030\]"):
        open_store(tmp_path)  # a directory
    with pytest.raises(InputError, match=r"\[EC030\]"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    try:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    except InputError as exc:
        assert "secret" not in exc.message
    with open_store(":memory:") as mem:
        assert mem.table_counts()["schema_migrations"] == len(MIGRATIONS)


def test_store_closed_store_raises_coded_error(target: str) -> None:
    store = open_store(target)
    store.close()
    with pytest.raises(EventcoderError):
        store.count_events(EventQuery())


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2020-09-27", "2020-09-27", "2020-09-27"),
        ("2020-09-27T15:00", "2020-09-27", "2020-09-27"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2021", "2021-01-01", "2021-12-31"),
        ("2021-Q3", "2021-07-01", "2021-09-30"),
        ("2020-W53", "2020-12-28", "2021-01-03"),
        ("199", "1990-01-01", "1999-12-31"),
        ("2020-09/2020-11", "2020-09-01", "2020-11-30"),
        ("PAST_REF", None, None),
        ("XXXX-WXX-1", None, None),
        ("2020-13", None, None),
    ],
)
def test_store_date_bounds_cover_the_named_period(value: str, first: str | None, last: str | None) -> None:
    assert date_bounds(value) == (first, last)


def test_store_upgrades_a_first_schema_store_in_place(target: str, corpus: list[DocumentResult]) -> None:
    """A store written before migration 2 (no ISO 3166-2 columns) keeps its rows and gains them."""
    for statement in MIGRATIONS[0].statements:
        _raw(target, statement)
    _raw(target, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                 "applied_at TEXT NOT NULL, description TEXT NOT NULL)")
    _raw(target, "INSERT INTO schema_migrations VALUES (1, '2026-11-01T00:00:00+00:00', 'first')")
    with open_store(target) as store:
        assert [m["version"] for m in store.migrations()] == [m.version for m in MIGRATIONS]
        store.upsert(corpus[:3])
        rows = store.events(EventQuery(), limit=50)
        assert rows and "location_admin1_code" in rows[0]
        assert store.table_counts()["documents"] == 3
