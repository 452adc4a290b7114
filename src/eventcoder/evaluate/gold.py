"""Reader for eventcoder's own gold format (one JSON file per article, see the gold README).

Gold files name their text by a path relative to themselves and point into it by exact
substrings (``evidence``, ``text``), not offsets. The reader resolves every substring to
character spans once, at load time, so the scorer works on offsets like the pipeline does.
A gold file whose evidence cannot be found in its text is a broken answer key and fails
loudly with EC024 rather than silently lowering recall.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, InputError

__all__ = [
    "GoldActor",
    "GoldDate",
    "GoldDocument",
    "GoldEvent",
    "GoldLocation",
    "GoldPlace",
    "GoldQuantity",
    "GoldTime",
    "find_spans",
    "read_gold",
    "read_gold_dir",
    "sentence_spans",
]

Spans = tuple[tuple[int, int], ...]

# Tokens followed by a period that do not end a sentence (titles, months, initials are handled apart).
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "brig",
    "gov", "sen", "rep", "rev", "st", "mt", "ft", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
    "sat", "sun", "no", "nos", "vol", "fig", "inc", "corp", "co", "ltd", "plc", "bros", "dept", "univ",
    "est", "approx", "vs", "etc", "al", "e.g", "i.e", "u.s", "u.k", "u.n",
})  # fmt: skip
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans with a small rule splitter.

    Independent of spaCy on purpose: the gold sentence must not move when the model changes.
    Breaks at newlines, and after ``.!?`` unless the word before is an abbreviation or an
    initial, or the next sentence would start in lower case.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if "\n" not in m.group() and not _ends_sentence(text, m.start(), m.end()):
            continue
        _add_span(spans, text, start, m.end())
        start = m.end()
    _add_span(spans, text, start, len(text))
    return spans


def _ends_sentence(text: str, mark: int, after: int) -> bool:
    nxt = text[after : after + 1]
    if nxt.islower():
        return False
    if text[mark] != ".":
        return True
    word = re.search(r"[\w.]*$", text[:mark])
    token = word.group().lower() if word else ""
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    return not ("." in token and len(token) <= 6 and not nxt.isupper())  # a.m. 5, D.C. (


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def find_spans(text: str, needle: str) -> Spans:
    """All occurrences of ``needle`` in ``text`` as whole words; tolerant of case and whitespace.

    Tries exact, then case-insensitive, then any-whitespace matching, stopping at the first
    that finds something, so a gold "Azerbaijan" does not match inside "Azerbaijani".
    """
    needle = needle.strip()
    if not needle:
        return ()
    left = r"(?<!\w)" if needle[0].isalnum() else ""
    right = r"(?!\w)" if needle[-1].isalnum() else ""
    loose = r"\s+".join(re.escape(part) for part in needle.split())
    for pattern, flags in (
        (re.escape(needle), 0),
        (re.escape(needle), re.IGNORECASE),
        (loose, re.IGNORECASE),
    ):
        found = tuple(m.span() for m in re.finditer(left + pattern + right, text, flags))
        if found:
            return found
    return ()


@dataclass(frozen=True, slots=True)
class GoldActor:
    """Accepted codes. ``countries == (None,)`` means "none stated"; ``()`` means not annotated."""

    countries: tuple[str | None, ...]
    sectors: tuple[str | None, ...] = ()
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class GoldDate:
    """An event date: ``value`` for a point, ``start``/``end`` for a range, all None when unstated."""

    value: str | None
    start: str | None = None
    end: str | None = None
    precision: str | None = None

    @property
    def stated(self) -> bool:
        return self.value is not None or self.start is not None or self.end is not None

    @property
    def is_range(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True, slots=True)
class GoldLocation:
    text: str | None
    country: str | None  # ISO alpha-2
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class GoldQuantity:
    value: float | int | None
    text: str | None = None
    of: str | None = None
    unit: str | None = None
    kind: str | None = None
    spans: Spans = ()  # document-level quantities only


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold event; ``None`` in a field means "not annotated, not scored" unless noted."""

    id: str
    evidence: str
    evidence_span: tuple[int, int]
    sentence_span: tuple[int, int]
    type: str
    alt_types: tuple[str, ...] = ()
    mode: str | None = None
    acled: str | None = None
    actor: GoldActor | None = None  # gold null is GoldActor((None,)): scored as "none stated"
    recipient: GoldActor | None = None
    date: GoldDate | None = None  # gold null is GoldDate(None): scored as "not stated"
    location: GoldLocation | None = None
    quantities: tuple[GoldQuantity, ...] = ()
    attribution: tuple[str, ...] | None = None
    modality: str | None = None
    optional: bool = False
    same_as: str | None = None

    @property
    def types(self) -> frozenset[str]:
        return frozenset((self.type, *self.alt_types))


@dataclass(frozen=True, slots=True)
class GoldTime:
    text: str
    value: str | None
    start: str | None = None
    end: str | None = None
    spans: Spans = ()


@dataclass(frozen=True, slots=True)
class GoldPlace:
    text: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None
    spans: Spans = ()


@dataclass(frozen=True, slots=True)
class GoldDocument:
    doc_id: str
    path: Path
    text_path: Path
    text: str
    publisher: str | None
    published: str | None
    events: tuple[GoldEvent, ...] = ()
    times: tuple[GoldTime, ...] = ()
    places: tuple[GoldPlace, ...] = ()
    quantities: tuple[GoldQuantity, ...] = ()
    notes: str | None = None


class _GoldFormatError(ValueError):
    """Internal: a structural problem, turned into EC024 with the file name."""


def _str(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _GoldFormatError(f"{what} must be a string or null, not {type(value).__name__}")


def _num(value: Any, what: str) -> float | int | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise _GoldFormatError(f"{what} must be a number or null")


def _accepted(value: Any, what: str) -> tuple[str | None, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(_str(v, what) for v in values)


def _actor(data: Any, what: str) -> GoldActor | None:
    if data is None:
        return GoldActor(countries=(None,))
    if not isinstance(data, dict):
        raise _GoldFormatError(f"{what} must be an object or null")
    countries = _accepted(data["country"], f"{what}.country") if "country" in data else ()
    sectors = _accepted(data["sector"], f"{what}.sector") if data.get("sector") is not None else ()
    return GoldActor(
        countries, sectors, _str(data.get("name"), f"{what}.name"), _str(data.get("title"), f"{what}.title")
    )


def _date(data: Any, what: str) -> GoldDate:
    if data is None:
        return GoldDate(None)
    if not isinstance(data, dict):
        raise _GoldFormatError(f"{what} must be an object or null")
    value = data.get("value")
    if isinstance(value, dict):
        return GoldDate(
            None,
            _str(value.get("start"), f"{what}.start"),
            _str(value.get("end"), f"{what}.end"),
            data.get("precision") or "range",
        )
    value = _str(value, f"{what}.value")
    return GoldDate(value, precision=data.get("precision") or _precision_of(value))


def _precision_of(value: str | None) -> str | None:
    if value is None:
        return None
    return {4: "year", 7: "month", 10: "day"}.get(len(value), "other")


def _quantity(data: Any, what: str, text: str | None = None) -> GoldQuantity:
    if not isinstance(data, dict):
        raise _GoldFormatError(f"{what} must be an object")
    surface = _str(data.get("text"), f"{what}.text")
    spans = find_spans(text, surface) if text is not None and surface else ()
    if text is not None and surface and not spans:
        raise _GoldFormatError(f"{what}.text {surface!r} not found in the article text")
    return GoldQuantity(
        _num(data.get("value"), f"{what}.value"),
        surface,
        _str(data.get("of"), f"{what}.of"),
        _str(data.get("unit"), f"{what}.unit"),
        _str(data.get("kind"), f"{what}.kind"),
        spans,
    )


def _event(data: Any, index: int, text: str, sentences: list[tuple[int, int]]) -> GoldEvent:
    if not isinstance(data, dict):
        raise _GoldFormatError(f"events[{index}] must be an object")
    eid = str(data.get("id") or f"E{index + 1}")
    what = f"event {eid}"
    evidence = _str(data.get("evidence"), f"{what}.evidence")
    if not evidence:
        raise _GoldFormatError(f"{what} has no evidence")
    spans = find_spans(text, evidence) or _substring_spans(text, evidence)
    if not spans:
        raise _GoldFormatError(f"{what}: evidence {evidence!r} not found in the article text")
    span = spans[0]
    sentence = _sentence_of(span, sentences)
    etype = _str(data.get("type"), f"{what}.type")
    if not etype:
        raise _GoldFormatError(f"{what} has no type")
    location = data.get("location")
    if location is not None and not isinstance(location, dict):
        raise _GoldFormatError(f"{what}.location must be an object or null")
    attribution = data.get("attribution")
    if attribution is not None and not (
        isinstance(attribution, list) and all(isinstance(a, str) for a in attribution)
    ):
        raise _GoldFormatError(f"{what}.attribution must be a list of strings")
    return GoldEvent(
        id=eid,
        evidence=evidence,
        evidence_span=span,
        sentence_span=sentence,
        type=etype,
        alt_types=tuple(str(t) for t in data.get("alt_types") or ()),
        mode=_str(data.get("mode"), f"{what}.mode"),
        acled=_str(data.get("acled"), f"{what}.acled"),
        actor=_actor(data["actor"], f"{what}.actor") if "actor" in data else None,
        recipient=_actor(data["recipient"], f"{what}.recipient") if "recipient" in data else None,
        date=_date(data["date"], f"{what}.date") if "date" in data else None,
        location=None
        if location is None
        else GoldLocation(
            _str(location.get("text"), f"{what}.location.text"),
            _str(location.get("country"), f"{what}.location.country"),
            _num(location.get("lat"), f"{what}.location.lat"),
            _num(location.get("lon"), f"{what}.location.lon"),
        ),
        quantities=tuple(
            _quantity(q, f"{what}.quantities[{i}]") for i, q in enumerate(data.get("quantities") or ())
        ),
        attribution=None if attribution is None else tuple(attribution),
        modality=_str(data.get("modality"), f"{what}.modality"),
        optional=bool(data.get("optional", False)),
        same_as=_str(data.get("same_as"), f"{what}.same_as"),
    )


def _substring_spans(text: str, needle: str) -> Spans:
    """Fallback for evidence that starts or ends inside a word (a plain substring search)."""
    pos = text.find(needle)
    return () if pos < 0 else ((pos, pos + len(needle)),)


def _sentence_of(span: tuple[int, int], sentences: list[tuple[int, int]]) -> tuple[int, int]:
    """The union of the sentences the span touches (evidence may cross a splitter boundary)."""
    touched = [s for s in sentences if s[0] < span[1] and span[0] < s[1]]
    if not touched:
        return span
    return (min(touched[0][0], span[0]), max(touched[-1][1], span[1]))


def _time(data: Any, index: int, text: str) -> GoldTime:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise _GoldFormatError(f"times[{index}] must be an object with a text")
    surface: str = data["text"]
    spans = find_spans(text, surface)
    if not spans:
        raise _GoldFormatError(f"times[{index}].text {surface!r} not found in the article text")
    value = data.get("value")
    if isinstance(value, dict):
        return GoldTime(
            surface, None, _str(value.get("start"), "start"), _str(value.get("end"), "end"), spans
        )
    return GoldTime(surface, _str(value, f"times[{index}].value"), spans=spans)


def _place(data: Any, index: int, text: str) -> GoldPlace:
    what = f"places[{index}]"
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise _GoldFormatError(f"{what} must be an object with a text")
    surface: str = data["text"]
    spans = find_spans(text, surface)
    if not spans:
        raise _GoldFormatError(f"{what}.text {surface!r} not found in the article text")
    return GoldPlace(
        surface,
        _str(data.get("country"), f"{what}.country"),
        _num(data.get("lat"), f"{what}.lat"),
        _num(data.get("lon"), f"{what}.lon"),
        _str(data.get("kind"), f"{what}.kind"),
        spans,
    )


def read_gold(path: str | Path) -> GoldDocument:
    """Read one gold JSON file and its article text; EC024 on anything unreadable or inconsistent."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise _GoldFormatError("the file must hold one JSON object")
        text_file = data.get("text_file")
        if not isinstance(text_file, str):
            raise _GoldFormatError("'text_file' is missing")
        text_path = (path.parent / text_file).resolve()
        text = text_path.read_text(encoding="utf-8")
        sentences = sentence_spans(text)
        events = tuple(_event(e, i, text, sentences) for i, e in enumerate(data.get("events") or ()))
        ids = {e.id for e in events}
        for e in events:
            if e.same_as is not None and e.same_as not in ids:
                raise _GoldFormatError(f"event {e.id}: same_as {e.same_as!r} names no event")
        return GoldDocument(
            doc_id=str(data.get("doc_id") or path.stem),
            path=path,
            text_path=text_path,
            text=text,
            publisher=_str(data.get("publisher"), "publisher"),
            published=_str(data.get("published"), "published"),
            events=events,
            times=tuple(_time(t, i, text) for i, t in enumerate(data.get("times") or ())),
            places=tuple(_place(p, i, text) for i, p in enumerate(data.get("places") or ())),
            quantities=tuple(
                _quantity(q, f"quantities[{i}]", text) for i, q in enumerate(data.get("quantities") or ())
            ),
            notes=_str(data.get("notes"), "notes"),
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Errors.EC024, what=str(path), detail=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(Errors.EC024, what=str(path), detail=f"invalid JSON: {exc}") from exc
    except (_GoldFormatError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(Errors.EC024, what=str(path), detail=str(exc)) from exc


def gold_files(directory: str | Path) -> list[Path]:
    """The gold files of a directory, in a stable order (``*.json``, README excluded)."""
    return sorted(p for p in Path(directory).glob("*.json") if p.is_file())


def read_gold_dir(directory: str | Path) -> list[GoldDocument]:
    return [read_gold(p) for p in gold_files(directory)]
