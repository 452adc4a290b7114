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
    "Claim",
    "Conflict",
    "Counts",
    "DateRef",
    "DocumentResult",
    "Entity",
    "ErrorInfo",
    "Event",
    "FusedDate",
    "FusedEvent",
    "FusedParty",
    "FusedPlace",
    "FusedReport",
    "Place",
    "Quantity",
    "Sources",
    "Span",
    "TextEncoding",
    "TimeValue",
    "event_id",
]

Modality = Literal["asserted", "reported", "ordered", "planned", "negated", "hypothetical", "generic"]
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
class TextEncoding(_Record):
    """How a document's bytes were decoded (``ingest/decode.py``): the codec, how sure we are
    (1.0 for a byte-order mark, valid UTF-8 or a declared charset that decodes; the detector's
    score otherwise) and how it was chosen: ``bom``, ``utf-8``, ``http`` (a WARC response's
    Content-Type), ``meta`` (the page's own ``<meta charset>``), ``nul-pattern`` (UTF-16/32
    without a mark) or ``detected`` (charset-normalizer)."""

    name: str  # Python codec name: utf-8, utf-16-le, cp1251, gb18030, ...
    confidence: float
    method: str


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
    dateline_place: str | None = None  # with the units written after it: "Decatur, Ga.", "Oslo"
    fetched: str | None = None  # when a crawler fetched the page (WARC-Date); never the publication date
    encoding: TextEncoding | None = None  # None when the text came as a string (API, library)
    published_ignored: str | None = None  # a given ``published`` that is no complete date (meta says so)


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
    injured: dict[str, Any] | None = None  # as fatalities: {best, low, high, text, start, end, kind}
    # later mentions of the same occurrence in the document ("... the attack ..."), text order;
    # ``trigger`` is the first, whose evidence the id hashes
    mentions: tuple[Span, ...] = ()


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
    encoding: TextEncoding | None = None  # how the input's bytes were decoded, carried from Article

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
                    injured=e.get("injured"),
                    mentions=tuple(Span(**m) for m in e.get("mentions", [])),
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
            encoding=TextEncoding(**data["encoding"]) if data.get("encoding") else None,
        )


@dataclass(frozen=True, slots=True)
class FusedParty(_Record):
    """A fused event's actor or recipient: what its reports agree on (they never conflict on a
    known country, sector or named person; ``disputed`` when sources blame opposite sides)."""

    name: str | None
    country: str | None  # ISO 3166 alpha-3
    sector: str | None
    title: str | None = None
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class FusedDate(_Record):
    """The narrowest date every report allows: ``first``..``last`` (days), named as a day, a
    month, a year or a ``FIRST/LAST`` range (``precision`` says which)."""

    value: str | None
    precision: str | None  # day | month | year | range
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class FusedPlace(_Record):
    """The most precise location consistent with every report, and the report it came from."""

    name: str | None
    geonameid: int | None
    country: str | None  # ISO 3166 alpha-2, as Place
    admin1: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    precision: str | None  # point | admin2 | admin1 | region | country
    report: str | None = None  # event id of the report that named it


@dataclass(frozen=True, slots=True)
class Counts(_Record):
    """Casualties across sources: ``low`` the smallest figure any report gives (its lower bound
    when it gives one), ``high`` the largest, ``best`` the lower median of each claimant's most
    recent figure (docs/FORMAT.md, "Fused events")."""

    low: float | int | None
    best: float | int | None
    high: float | int | None


@dataclass(frozen=True, slots=True)
class Claim(_Record):
    value: Any
    sources: tuple[str, ...]  # "publisher > cited source" of each report making the claim
    reports: tuple[str, ...]  # their event ids


@dataclass(frozen=True, slots=True)
class Conflict(_Record):
    """A field on which the reports disagree, with who said what."""

    field: str  # fatalities | injured | actor | recipient | date | location | modality
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class FusedReport(_Record):
    """One member report of a fused event: its source and what it claims."""

    event_id: str
    doc_id: str
    publisher: str | None
    published: str | None
    cited_source: str | None
    attribution: str | None  # the chain, "publisher > cited source > speaker"
    modality: str
    orientation: str  # as-fused | swapped (it names the fused recipient as the actor)
    trigger: str | None
    trigger_start: int | None
    trigger_end: int | None
    sentence: str | None
    date: str | None
    date_precision: str | None
    date_source: str | None
    location: str | None
    location_precision: str | None
    actor: str | None
    recipient: str | None
    fatalities: float | int | None
    injured: float | int | None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Sources(_Record):
    """Corroboration: distinct documents, publishers and cited sources among the reports."""

    documents: int
    publishers: int
    cited: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FusedEvent(_Record):
    """One real-world event as several reports tell it (``fusion/``, docs/FORMAT.md)."""

    id: str
    type: str
    mode: str | None
    cameo: str | None
    acled: str | None
    actor: FusedParty | None
    recipient: FusedParty | None
    date: FusedDate
    location: FusedPlace | None
    documents: tuple[str, ...]
    reports: tuple[FusedReport, ...]
    sources: Sources
    fatalities: Counts | None
    injured: Counts | None
    conflicts: tuple[Conflict, ...]
    modality: str
    confidence: float
    method: str = "fusion"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusedEvent:
        def party(d: dict[str, Any] | None) -> FusedParty | None:
            return None if d is None else FusedParty(**d)

        def counts(d: dict[str, Any] | None) -> Counts | None:
            return None if d is None else Counts(**d)

        loc = data.get("location")
        src = dict(data["sources"])
        return cls(
            id=data["id"],
            type=data["type"],
            mode=data.get("mode"),
            cameo=data.get("cameo"),
            acled=data.get("acled"),
            actor=party(data.get("actor")),
            recipient=party(data.get("recipient")),
            date=FusedDate(**data["date"]),
            location=None if loc is None else FusedPlace(**loc),
            documents=tuple(data["documents"]),
            reports=tuple(FusedReport(**r) for r in data["reports"]),
            sources=Sources(**{**src, "names": tuple(src.get("names", ()))}),
            fatalities=counts(data.get("fatalities")),
            injured=counts(data.get("injured")),
            conflicts=tuple(
                Conflict(c["field"], tuple(
                    Claim(x["value"], tuple(x["sources"]), tuple(x["reports"])) for x in c["claims"]))
                for c in data.get("conflicts", [])
            ),
            modality=data.get("modality", "asserted"),
            confidence=data.get("confidence", 0.5),
            method=data.get("method", "fusion"),
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
