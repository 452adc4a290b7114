"""Event reports as fusion reads them: one flat event row (``output.EVENT_COLUMNS``) each.

The store's rows, the Parquet files of ``eventcoder code``/Spark and an in-memory
``DocumentResult`` all give the same flat row (``output.event_row``), so one constructor serves
every place fusion runs. A ``Report`` is immutable and serializable; ``Prepared`` adds what the
matcher needs (day window, anchors, place level) computed once per report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..output import event_row
from ..records import DocumentResult
from ..store.rows import cc2_to_cc3, date_bounds
from .options import FusionOptions

__all__ = ["REALIS", "Loc", "Party", "Prepared", "Report", "Unit", "family", "grievance", "merge_parties",
           "prepare", "report_from_row", "reports_from_document"]

# Modalities of an event said to have happened (or denied): they fuse with each other. Planned,
# ordered, hypothetical and generic acts are other events (a threatened strike is not the strike).
REALIS = {"asserted": True, "reported": True, "negated": True,
          "planned": False, "ordered": False, "hypothetical": False, "generic": False}
# Place precision -> level (0 finest); dateline places are not the event's own (see prepare()).
LEVEL = {"point": 0, "near": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4}


@dataclass(frozen=True, slots=True)
class Party:
    name: str | None
    country: str | None  # ISO-3
    sector: str | None
    title: str | None
    kind: str | None = None  # country | organization | person: names are compared between persons


@dataclass(frozen=True, slots=True)
class Loc:
    name: str | None
    geonameid: int | None
    country: str | None  # ISO-2, as Place
    admin1: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    precision: str | None


@dataclass(frozen=True, slots=True)
class Report:
    event_id: str
    doc_id: str
    type: str
    mode: str | None
    cameo: str | None
    acled: str | None  # "event type/sub-event type"
    modality: str
    confidence: float
    publisher: str | None
    published: str | None
    url: str | None
    cited_source: str | None
    attribution: str | None
    actor: Party | None
    recipient: Party | None
    date_value: str | None
    date_precision: str | None
    date_source: str | None
    location: Loc | None
    location_source: str | None
    fatalities: tuple[Any, Any, Any] | None  # low, best, high
    injured: tuple[Any, Any, Any] | None
    trigger: str | None = None
    trigger_start: int | None = None
    trigger_end: int | None = None
    sentence: str | None = None

    @property
    def claimant(self) -> str:
        """Who makes the claim: "publisher > cited source" (a ministry quoted by two outlets is
        two claimants: each outlet chose what to print)."""
        pub = self.publisher or f"[{self.doc_id}]"
        return f"{pub} > {self.cited_source}" if self.cited_source else pub


def _party(row: Mapping[str, Any], role: str) -> Party | None:
    name, country, sector = row.get(f"{role}_name"), row.get(f"{role}_country"), row.get(f"{role}_sector")
    if not (name or country or sector):
        return None
    return Party(name, country, sector, row.get(f"{role}_title"), row.get(f"{role}_kind"))


def _counts(row: Mapping[str, Any], what: str) -> tuple[Any, Any, Any] | None:
    low, best, high = (row.get(f"{what}_{k}") for k in ("low", "best", "high"))
    if low is None and best is None and high is None:
        return None
    return low, best, high


def report_from_row(row: Mapping[str, Any]) -> Report:
    """A report from a flat event row (store, CSV/Parquet, ``output.event_row``)."""
    acled = row.get("acled_event_type")
    if acled and row.get("acled_sub_event_type"):
        acled = f"{acled}/{row['acled_sub_event_type']}"
    loc = None
    if row.get("location_name") or row.get("location_lat") is not None:
        gid = row.get("location_geonameid")
        loc = Loc(row.get("location_name"), None if gid is None else int(gid), row.get("location_country"),
                  row.get("location_admin1"), row.get("location_admin1_code"), row.get("location_lat"),
                  row.get("location_lon"), row.get("location_precision"))
    return Report(
        event_id=str(row["event_id"]), doc_id=str(row["doc_id"]), type=str(row["type"]),
        mode=row.get("mode"), cameo=row.get("cameo"), acled=acled,
        modality=row.get("modality") or "asserted", confidence=float(row.get("confidence") or 0.5),
        publisher=row.get("publisher"), published=row.get("published"), url=row.get("url"),
        cited_source=row.get("cited_source"), attribution=row.get("attribution"),
        actor=_party(row, "actor"), recipient=_party(row, "recipient"),
        date_value=row.get("date_value"), date_precision=row.get("date_precision"),
        date_source=row.get("date_source"), location=loc, location_source=row.get("location_source"),
        fatalities=_counts(row, "fatalities"), injured=_counts(row, "injured"),
        trigger=row.get("trigger_text"), trigger_start=row.get("trigger_start"),
        trigger_end=row.get("trigger_end"), sentence=row.get("sentence"),
    )


def reports_from_document(doc: DocumentResult) -> Iterator[Report]:
    for ev in doc.events:
        yield report_from_row(event_row(doc, ev))


def family(type_: str, mode: str | None) -> str:
    """The type fusion matches on: a ceasefire the sides agree to is reported both as the
    agreement (AGREE, "agreed to a ceasefire") and as the ceasefire (RETREAT/ceasefire, "signed
    a truce")."""
    return "AGREE" if type_ == "RETREAT" and mode == "ceasefire" else type_


_ISSUE_CUE = re.compile(
    r"\b(?:against|over|about|to protest|in protest (?:at|against|over|of)|to demand|demanding|"
    r"calling for|to call for|in support of|to support|opposing|to oppose)\s+(?P<issue>[^,.;:!?()\"“”]+)",
    re.IGNORECASE)
# words that say nothing of which grievance it is ("a new law", "the government's plan")
_GENERIC_WORDS = """
a an the and or of in on at to for with by from into their its his her our your this that these those
new old government governments state national public official officials plan plans policy policies
decision decisions reform reforms law laws bill bills rule rules measure measures move moves proposal
proposals increase increases rise rises hike hikes cut cuts higher lower rising falling high low
protest protests rally rallies march marches demand demands call calls country city people
against over about more less after before during amid recent latest planned proposed alleged
what which who them they there here than then such some many much other another
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


def grievance(sentence: str | None) -> frozenset[str]:
    """The words of what a protest is against or for ("to protest a rise in fuel prices" -> fuel,
    price), crudely stemmed; empty when the sentence names no grievance."""
    if not sentence:
        return frozenset()
    words: set[str] = set()
    for m in _ISSUE_CUE.finditer(sentence):
        for w in re.findall(r"[a-z]+", m["issue"].lower()):
            if len(w) >= 4 and w not in _GENERIC:
                words.add(w[:-1] if w.endswith("s") and not w.endswith("ss") else w)
    return frozenset(words)


def _ordinal(day: str | None) -> int | None:
    if not day:
        return None
    try:
        return dt.date.fromisoformat(day[:10]).toordinal()
    except ValueError:
        return None


class Prepared:
    """A report with what matching needs, computed once (plain attributes: the matcher's hot path).

    ``Unit`` has the same attributes for several reports of one document taken as one."""

    __slots__ = ("actor", "anchors", "claimants", "doc", "explicit", "figure", "first", "idx", "issue", "key",
                 "last", "level", "loc", "mode", "parties", "pub", "realis", "recipient", "report", "type")

    def __init__(self, report: Report, idx: int, options: FusionOptions) -> None:
        self.report = report
        self.idx = idx
        self.key = report.event_id
        self.doc = report.doc_id
        self.type = family(report.type, report.mode)
        self.mode = report.mode
        self.issue = grievance(report.sentence) if report.type == "PROTEST" else frozenset()
        self.realis = REALIS.get(report.modality, True)
        self.claimants = frozenset((report.claimant,))
        self.actor = report.actor
        self.recipient = report.recipient
        f = report.fatalities
        self.figure = None if f is None else next((v for v in (f[1], f[0], f[2]) if v is not None), None)
        self.pub = _ordinal(report.published)
        first: int | None = None
        last: int | None = None
        explicit = report.date_source not in (None, "publication", "none")
        if explicit:
            lo, hi = date_bounds(report.date_value)
            first, last = _ordinal(lo), _ordinal(hi)
            if first is None or last is None:
                explicit = False  # PAST_REF, XXXX-WXX: no calendar period, as undated
            elif self.realis and self.pub is not None and first > self.pub:
                # said to have happened, yet dated after the article (a misread year or weekday):
                # the article's own date bounds it instead
                explicit = False
        if not explicit:
            # an undated event happened on or before its report's publication, within the lookback
            first = last = None
            if self.pub is not None:
                first, last = self.pub - options.undated_days, self.pub
        self.explicit = explicit
        self.first, self.last = first, last
        # a dateline names where the reporter filed from, not where the event was
        loc = report.location if report.location_source != "dateline" else None
        self.loc = loc
        self.level = LEVEL.get(loc.precision or "", 4) if loc is not None else None
        self.parties = frozenset(p.country for p in (report.actor, report.recipient)
                                 if p is not None and p.country)
        cc3 = cc2_to_cc3(loc.country) if loc is not None else None
        self.anchors = self.parties | {cc3} if cc3 else self.parties


def merge_parties(parties: Iterable[Party | None]) -> Party | None:
    """One party for several consistent mentions of it: the most frequent country and sector, and
    the fullest name (a named person's, when one is named)."""
    known = [p for p in parties if p is not None]
    if len(known) <= 1:
        return known[0] if known else None

    def most(values: Iterable[str | None]) -> str | None:
        counts: dict[str, int] = {}
        for v in values:
            if v:
                counts[v] = counts.get(v, 0) + 1
        return min(counts, key=lambda v: (-counts[v], v)) if counts else None

    country, sector = most(p.country for p in known), most(p.sector for p in known)
    people = [p for p in known if p.kind == "person" and p.name]
    if people:
        person = max(people, key=lambda p: (len(p.name or ""), p.name or ""))
        return Party(person.name, country, sector, person.title, "person")
    named = [p for p in known if p.name]
    full = [p for p in named if p.country == country and p.sector == sector] or named
    name = most(p.name for p in full)
    return Party(name, country, sector, None, next((p.kind for p in full if p.name == name), None))


class Unit:
    """The reports of one document that tell one event (fusion's first step), matched against
    other documents as one: its window is the members' common window, its place the most
    precise, its parties what the members say together, so "the shooting" two paragraphs on
    travels with the sentence that dated and placed it."""

    __slots__ = (*Prepared.__slots__, "members")

    def __init__(self, members: list[tuple[Prepared, int]], idx: int) -> None:
        members = sorted(members, key=lambda m: m[0].key)
        self.members = members
        head = members[0][0]
        if len(members) == 1 and members[0][1] == 0:  # most units: one report, taken as it is
            for name in Prepared.__slots__:
                setattr(self, name, getattr(head, name))
            self.idx = idx
            return
        self.report = head.report
        self.idx = idx
        self.key = head.key
        self.doc, self.type, self.realis, self.pub = head.doc, head.type, head.realis, head.pub
        self.issue = frozenset(w for p, _ in members for w in p.issue)
        modes: dict[str, int] = {}
        for p, _ in members:
            if p.mode:
                modes[p.mode] = modes.get(p.mode, 0) + 1
        self.mode = min(modes, key=lambda m: (-modes[m], m)) if modes else None
        self.claimants = frozenset(c for p, _ in members for c in p.claimants)
        self.actor = merge_parties(p.actor if o == 0 else p.recipient for p, o in members)
        self.recipient = merge_parties(p.recipient if o == 0 else p.actor for p, o in members)
        self.figure = next((p.figure for p, _ in members if p.figure is not None), None)
        windows = [(p.first, p.last) for p, _ in members if p.first is not None and p.last is not None]
        self.first: int | None = None
        self.last: int | None = None
        if windows:
            lo, hi = max(w[0] for w in windows), min(w[1] for w in windows)
            if lo > hi:
                lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
            self.first, self.last = lo, hi
        self.explicit = any(p.explicit for p, _ in members)
        located = [p for p, _ in members if p.loc is not None]
        finest = min(located, key=lambda p: (p.level, p.key)) if located else None
        self.loc = finest.loc if finest is not None else None
        self.level = finest.level if finest is not None else None
        self.parties = frozenset(c for p, _ in members for c in p.parties)
        self.anchors = frozenset(c for p, _ in members for c in p.anchors)


def prepare(reports: Iterable[Report], options: FusionOptions) -> list[Prepared]:
    return [Prepared(r, i, options) for i, r in enumerate(reports)]
