"""Typed, immutable records that cross every boundary (CLI, files, store, HTTP, Spark).

spaCy ``Doc`` objects never leave the pipeline; stages hand these records on instead.
Every record is a frozen dataclass whose ``to_dict()`` gives the JSON shape documented in
``docs/FORMAT.md``; ``DocumentResult.from_dict`` reads it back.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Literal

__all__ = [
    "ActorRef",
    "Article",
    "Attribution",
    "DateRef",
    "DocumentResult",
    "Entity",
    "ErrorInfo",
    "Event",
    "Place",
    "Quantity",
    "Span",
    "TimeValue",
    "event_id",
]

Modality = Literal["asserted", "reported", "ordered", "planned", "negated", "hypothetical"]
Status = Literal["ok", "failed"]


def _to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_to_jsonable(v) for v in value]
    return value


class _Record:
    """Mixin: JSON-ready dict of a frozen dataclass (tuples become lists)."""

    def to_dict(self) -> dict[str, Any]:
        out = _to_jsonable(self)
        assert isinstance(out, dict)
        return out


@dataclass(frozen=True, slots=True)
class Article(_Record):
    """One input document, as read by ingest: the text offsets point into."""

    id: str
    text: str
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD
    title: str | None = None
    source: str | None = None  # path or "-" it came from
    published_source: str | None = None  # metadata | dateline | option | None
    publisher_span: tuple[int, int] | None = None  # where a byline named the publisher
    dateline_span: tuple[int, int] | None = None  # where the dateline sits in text
    dateline_place: str | None = None
    fetched: str | None = None  # when a crawler fetched the page (WARC-Date); never the publication date


@dataclass(frozen=True, slots=True)
class ErrorInfo(_Record):
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Span(_Record):
    start: int
    end: int
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Entity(_Record):
    start: int
    end: int
    text: str
    label: str
    method: str = "spacy"


@dataclass(frozen=True, slots=True)
class TimeValue(_Record):
    """A TIMEX3-style time expression with its normalized value."""

    start: int
    end: int
    text: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str  # TIMEX3 value; ranges as "BEGIN/END"
    precision: str  # day | month | year | decade | century | range | time | duration | set | vague
    source: str = "explicit"  # explicit | context | publication | none
    mod: str | None = None  # TIMEX3 mod: BEFORE, AFTER, START, MID, END, MORE_THAN, ...
    begin: str | None = None  # range start value
    finish: str | None = None  # range end value
    method: str = "rules"
    confidence: float = 0.9


@dataclass(frozen=True, slots=True)
class Place(_Record):
    start: int
    end: int
    text: str
    name: str
    geonameid: int | None
    country: str | None  # ISO 3166 alpha-2
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: str  # point | admin1 | region | country
    score: float
    feature: str = "city"  # city | admin1 | region | country
    role: str = "place"  # place | actor (metonym such as "Moscow said")
    method: str = "gazetteer"
    admin1_code: str | None = None  # ISO 3166-2 of the first-level unit (the place itself or holding it)


@dataclass(frozen=True, slots=True)
class Quantity(_Record):
    start: int
    end: int
    text: str
    value: float | int | None
    unit: str | None
    of: str | None
    kind: str  # count | percent | fatalities | injured | money | ordinal | approx
    low: float | int | None = None
    high: float | int | None = None
    approximate: bool = False
    method: str = "rules"


@dataclass(frozen=True, slots=True)
class ActorRef(_Record):
    name: str
    country: str | None  # ISO 3166 alpha-3
    sector: str | None  # GOV | MIL | REB | CVL | ... (PLOVER/CAMEO agent codes)
    title: str | None
    start: int
    end: int
    text: str
    kind: str = "country"  # country | organization | person | group
    score: float = 0.5
    method: str = "dictionary"
    rank: str | None = None  # military rank of a person ("Colonel-General")


@dataclass(frozen=True, slots=True)
class DateRef(_Record):
    value: str | None
    precision: str | None
    start: int | None
    end: int | None
    text: str | None
    source: str  # clause | sentence | paragraph | publication | none
    begin: str | None = None
    finish: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution(_Record):
    name: str
    kind: str  # publisher | source | speaker
    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class Event(_Record):
    id: str
    type: str
    mode: str | None
    cameo: str | None
    acled: str | None
    trigger: Span
    sentence: Span
    actor: ActorRef | None
    recipient: ActorRef | None
    date: DateRef | None
    location: Place | None
    quantities: tuple[Quantity, ...] = ()
    fatalities: dict[str, Any] | None = None
    attribution: tuple[Attribution, ...] = ()
    modality: str = "asserted"
    confidence: float = 0.5
    method: str = "lexicon"
    location_source: str | None = None  # clause | sentence | paragraph | dateline | None
    ordered_by: ActorRef | None = None  # "on the instructions of the President, X visited ..."


@dataclass(frozen=True, slots=True)
class DocumentResult(_Record):
    id: str
    status: Status
    error: ErrorInfo | None
    url: str | None
    publisher: str | None
    published: str | None
    title: str | None
    text: str
    entities: tuple[Entity, ...] = ()
    times: tuple[TimeValue, ...] = ()
    places: tuple[Place, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    events: tuple[Event, ...] = ()
    source: str | None = None
    published_source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    fetched: str | None = None  # crawl time of a WARC record (ISO 8601), carried from Article

    @classmethod
    def failed(
        cls,
        article_id: str,
        code: str,
        message: str,
        *,
        source: str | None = None,
        text: str = "",
        url: str | None = None,
    ) -> DocumentResult:
        return cls(
            id=article_id,
            status="failed",
            error=ErrorInfo(code, message),
            url=url,
            publisher=None,
            published=None,
            title=None,
            text=text,
            source=source,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentResult:
        """Rebuild a record from its JSON shape (for ``show``, ``evaluate`` and stores)."""

        def place(d: dict[str, Any] | None) -> Place | None:
            return None if d is None else Place(**d)

        def actor(d: dict[str, Any] | None) -> ActorRef | None:
            return None if d is None else ActorRef(**d)

        events = []
        for e in data.get("events", []):
            events.append(
                Event(
                    id=e["id"],
                    type=e["type"],
                    mode=e.get("mode"),
                    cameo=e.get("cameo"),
                    acled=e.get("acled"),
                    trigger=Span(**e["trigger"]),
                    sentence=Span(**e["sentence"]),
                    actor=actor(e.get("actor")),
                    recipient=actor(e.get("recipient")),
                    date=None if e.get("date") is None else DateRef(**e["date"]),
                    location=place(e.get("location")),
                    quantities=tuple(Quantity(**q) for q in e.get("quantities", [])),
                    fatalities=e.get("fatalities"),
                    attribution=tuple(Attribution(**a) for a in e.get("attribution", [])),
                    modality=e.get("modality", "asserted"),
                    confidence=e.get("confidence", 0.5),
                    method=e.get("method", "lexicon"),
                    location_source=e.get("location_source"),
                    ordered_by=actor(e.get("ordered_by")),
                )
            )
        err = data.get("error")
        return cls(
            id=data["id"],
            status=data["status"],
            error=None if err is None else ErrorInfo(**err),
            url=data.get("url"),
            publisher=data.get("publisher"),
            published=data.get("published"),
            title=data.get("title"),
            text=data.get("text", ""),
            entities=tuple(Entity(**x) for x in data.get("entities", [])),
            times=tuple(TimeValue(**x) for x in data.get("times", [])),
            places=tuple(Place(**x) for x in data.get("places", [])),
            quantities=tuple(Quantity(**x) for x in data.get("quantities", [])),
            events=tuple(events),
            source=data.get("source"),
            published_source=data.get("published_source"),
            meta=dict(data.get("meta", {})),
            fetched=data.get("fetched"),
        )


def event_id(document_id: str, event_type: str, start: int, end: int) -> str:
    """Deterministic id: the same article coded twice gives the same ids (no duplicates on rerun)."""
    digest = hashlib.sha256(f"{document_id}\x1f{event_type}\x1f{start}\x1f{end}".encode()).hexdigest()
    return f"ev-{digest[:20]}"


def content_id(text: str) -> str:
    """Document id from content when the input names none."""
    return "doc-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def as_dict(record: Any) -> dict[str, Any]:
    return asdict(record)
