"""Score pipeline output against gold documents (the gold README's suggested scoring).

Events match when the system trigger (or the system sentence) overlaps the gold evidence's
sentence and the type is accepted; matching is one-to-one and greedy (closest first). Gold
``optional`` events are neither required nor false positives; a system event that repeats an
already matched ``same_as`` group is not a false positive either. Attribute scores are
accuracies over matched events where the gold annotates the field. Document-level times,
places and quantities match by span overlap with any occurrence of the gold surface text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Errors
from ..gazetteer import haversine_km
from ..records import DateRef, DocumentResult, Event, Place, Quantity, TimeValue
from .gold import GoldActor, GoldDate, GoldDocument, GoldEvent, GoldQuantity

__all__ = [
    "KM_TOLERANCE",
    "PRF",
    "Accuracy",
    "DocScore",
    "EventMatch",
    "Report",
    "check_floors",
    "evaluate",
    "haversine_km",
    "raise_floors",
    "score_document",
]

KM_TOLERANCE = 161.0  # 100 miles: the usual geoparsing "accuracy@161km"

# Names of the accuracies, in table order.
ACCURACY_FIELDS = (
    "event_type_exact",
    "actor_country",
    "actor_sector",
    "recipient_country",
    "date_exact",
    "date_precision",
    "location_country",
    "location_161km",
    "event_quantity_recall",
    "attribution",
    "modality",
    "time_value",
    "place_country",
    "place_161km",
    "quantity_value",
)
PRF_FIELDS = ("events", "times", "places", "quantities")
_STEMS = {"events": "event", "times": "time", "places": "place", "quantities": "quantity"}


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision from the system side, recall from the gold side (they may count differently:
    a gold place listed once is found by any of its mentions, each mention is then correct)."""

    sys_correct: int = 0
    sys_total: int = 0
    gold_found: int = 0
    gold_total: int = 0

    @property
    def precision(self) -> float:
        return self.sys_correct / self.sys_total if self.sys_total else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold_total if self.gold_total else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.sys_correct + other.sys_correct,
            self.sys_total + other.sys_total,
            self.gold_found + other.gold_found,
            self.gold_total + other.gold_total,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "sys_correct": self.sys_correct,
            "sys_total": self.sys_total,
            "gold_found": self.gold_found,
            "gold_total": self.gold_total,
        }


@dataclass(frozen=True, slots=True)
class Accuracy:
    correct: int = 0
    n: int = 0

    @property
    def value(self) -> float | None:
        """None when nothing was scored (not 0.0: "no data" is not "all wrong")."""
        return self.correct / self.n if self.n else None

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.n + other.n)

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {"accuracy": None if value is None else round(value, 4), "correct": self.correct, "n": self.n}


@dataclass(frozen=True, slots=True)
class EventMatch:
    gold_id: str
    event_id: str
    optional: bool
    exact_sentence: bool  # the trigger lies in the gold evidence's sentence (not only the system sentence)


@dataclass(frozen=True, slots=True)
class DocScore:
    doc_id: str
    prf: Mapping[str, PRF]
    accuracy: Mapping[str, Accuracy]
    matches: tuple[EventMatch, ...] = ()
    missed: tuple[str, ...] = ()  # required gold event ids with no system event
    false_positives: tuple[str, ...] = ()  # system event ids
    neutral: tuple[str, ...] = ()  # system event ids matching optional or repeated gold events
    status: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "status": self.status,
            "prf": {k: v.to_dict() for k, v in self.prf.items()},
            "accuracy": {k: v.to_dict() for k, v in self.accuracy.items()},
            "matches": [
                {"gold": m.gold_id, "event": m.event_id, "optional": m.optional} for m in self.matches
            ],
            "missed": list(self.missed),
            "false_positives": list(self.false_positives),
            "neutral": list(self.neutral),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Micro-averaged scores over documents, plus each document's own score."""

    documents: tuple[DocScore, ...]
    prf: Mapping[str, PRF] = field(default_factory=dict)
    accuracy: Mapping[str, Accuracy] = field(default_factory=dict)

    def scores(self) -> dict[str, float]:
        """Flat name -> score, the keys the evaluation gate pins floors on (no entry when n == 0)."""
        out: dict[str, float] = {}
        for name, prf in self.prf.items():
            stem = _STEMS.get(name, name)
            if prf.sys_total or prf.gold_total:
                out[f"{stem}_precision"] = prf.precision
                out[f"{stem}_recall"] = prf.recall
                out[f"{stem}_f1"] = prf.f1
        for name, acc in self.accuracy.items():
            if acc.value is not None:
                out[f"{name}_acc"] = acc.value
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "failed": sum(d.status != "ok" for d in self.documents),
            "prf": {k: v.to_dict() for k, v in self.prf.items()},
            "accuracy": {k: v.to_dict() for k, v in self.accuracy.items()},
            "scores": {k: round(v, 4) for k, v in self.scores().items()},
            "per_document": [d.to_dict() for d in self.documents],
        }

    def table(self) -> str:
        """A plain-text table for the terminal."""
        failed = sum(d.status != "ok" for d in self.documents)
        lines = [
            f"documents: {len(self.documents)}" + (f" ({failed} failed)" if failed else ""),
            "",
            f"{'field':<24}{'P':>7}{'R':>7}{'F1':>7}   {'sys ok/total':>13} {'gold found/total':>17}",
        ]
        for name in PRF_FIELDS:
            prf = self.prf.get(name, PRF())
            lines.append(
                f"{name:<24}{prf.precision:>7.3f}{prf.recall:>7.3f}{prf.f1:>7.3f}   "
                f"{f'{prf.sys_correct}/{prf.sys_total}':>13} {f'{prf.gold_found}/{prf.gold_total}':>17}"
            )
        lines += ["", f"{'field':<24}{'accuracy':>9}   {'correct/n':>11}"]
        for name in ACCURACY_FIELDS:
            acc = self.accuracy.get(name, Accuracy())
            shown = "-" if acc.value is None else f"{acc.value:.3f}"
            lines.append(f"{name:<24}{shown:>9}   {f'{acc.correct}/{acc.n}':>11}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- helpers


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_number(a: float | int | None, b: float | int | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def _quantity_values(q: Quantity) -> list[float | int]:
    return [v for v in (q.value, q.low, q.high) if v is not None]


def _date_interval(value: str | None, begin: str | None, finish: str | None) -> tuple[str, str] | None:
    if begin or finish:
        return begin or "", finish or ""
    if value and "/" in value:
        left, _, right = value.partition("/")
        return left, right
    return (value, value) if value else None


def _at_precision(system: str, gold: str) -> bool:
    """System value agrees with gold to the gold's precision (2020-09-27 counts for gold 2020-09)."""
    return len(system) >= len(gold) and system[: len(gold)] == gold


def _date_scores(date: DateRef | None, gold: GoldDate) -> tuple[bool, bool]:
    """(exact, at gold precision). Gold "not stated" accepts no date or a publication-date fallback."""
    if not gold.stated:
        ok = date is None or date.value is None or date.source in ("publication", "none")
        return ok, ok
    if date is None or date.source == "none":
        return False, False
    interval = _date_interval(date.value, date.begin, date.finish)
    if interval is None:
        return False, False
    if gold.is_range:
        g_start, g_end = gold.start or "", gold.end or ""
        exact = interval == (g_start, g_end)
        return exact, exact or (_at_precision(interval[0], g_start) and _at_precision(interval[1], g_end))
    assert gold.value is not None
    exact = date.value == gold.value and interval[0] == interval[1]
    return exact, exact or (interval[0] == interval[1] and _at_precision(interval[0], gold.value))


def _time_value_ok(time: TimeValue, value: str | None, start: str | None, end: str | None) -> bool:
    if start is not None or end is not None:
        return _date_interval(time.value, time.begin, time.finish) == (start or "", end or "")
    return time.value == value


def _actor_ok(country: str | None, gold: GoldActor) -> bool:
    return country in gold.countries


def _attribution_ok(event: Event, cited: Sequence[str], publisher: str) -> bool:
    """Every gold cited source appears in a system source name (case-insensitive containment).

    The publisher is not a cited source, whatever kind the system gave it.
    """
    names = [n for a in event.attribution if a.kind != "publisher" and (n := a.name.lower()) != publisher]
    if not cited:
        return not names
    return all(any(c.lower() in n or (n and n in c.lower()) for n in names) for c in cited)


def _place_close(place: Place | None, lat: float | None, lon: float | None) -> bool:
    if place is None or place.lat is None or place.lon is None or lat is None or lon is None:
        return False
    return haversine_km(place.lat, place.lon, lat, lon) <= KM_TOLERANCE


# ----------------------------------------------------------------------------- events


def _candidate(event: Event, gold: GoldEvent) -> tuple[int, int] | None:
    """Sort key when ``event`` may match ``gold``; None when it may not."""
    if event.type not in gold.types:
        return None
    trigger = (event.trigger.start, event.trigger.end)
    in_gold_sentence = _overlaps(trigger, gold.sentence_span)
    in_system_sentence = _overlaps((event.sentence.start, event.sentence.end), gold.evidence_span)
    if not (in_gold_sentence or in_system_sentence):
        return None
    rank = 0 if _overlaps(trigger, gold.evidence_span) else 1 if in_gold_sentence else 2
    distance = min(abs(trigger[0] - gold.evidence_span[0]), abs(trigger[0] - gold.evidence_span[1]))
    return rank, distance


def _match_events(
    events: Sequence[Event], golds: Sequence[GoldEvent]
) -> tuple[list[tuple[Event, GoldEvent, bool]], list[Event], list[Event]]:
    """Greedy one-to-one matching; returns (pairs, neutral system events, false positives)."""
    options: list[tuple[tuple[int, int, int, int, int], int, int]] = []
    for si, event in enumerate(events):
        for gi, gold in enumerate(golds):
            cand = _candidate(event, gold)
            if cand is not None:
                options.append(((int(gold.optional), cand[0], cand[1], gi, si), si, gi))
    options.sort()
    used_s: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[Event, GoldEvent, bool]] = []
    for key, si, gi in options:
        if si in used_s or gi in used_g:
            continue
        used_s.add(si)
        used_g.add(gi)
        pairs.append((events[si], golds[gi], key[1] <= 1))
    # Every gold an unmatched system event could match is already taken (else greedy would have
    # paired them), so it is excused when one of them is optional or a same_as repeat.
    neutral: list[Event] = []
    false_pos: list[Event] = []
    for si, event in enumerate(events):
        if si in used_s:
            continue
        excused = any(
            (g.optional or g.same_as is not None) and _candidate(event, g) is not None for g in golds
        )
        (neutral if excused else false_pos).append(event)
    return pairs, neutral, false_pos


def _event_accuracies(
    pairs: Sequence[tuple[Event, GoldEvent, bool]], publisher: str | None
) -> dict[str, Accuracy]:
    tallies: dict[str, list[int]] = {name: [0, 0] for name in ACCURACY_FIELDS[:11]}

    def tally(name: str, ok: bool) -> None:
        tallies[name][0] += int(ok)
        tallies[name][1] += 1

    for event, gold, _ in pairs:
        tally("event_type_exact", event.type == gold.type)
        if gold.actor is not None and gold.actor.countries:
            tally(
                "actor_country", _actor_ok(None if event.actor is None else event.actor.country, gold.actor)
            )
        if gold.actor is not None and gold.actor.sectors:
            tally("actor_sector", (None if event.actor is None else event.actor.sector) in gold.actor.sectors)
        if gold.recipient is not None and gold.recipient.countries:
            tally(
                "recipient_country",
                _actor_ok(None if event.recipient is None else event.recipient.country, gold.recipient),
            )
        if gold.date is not None:
            exact, at_precision = _date_scores(event.date, gold.date)
            tally("date_exact", exact)
            tally("date_precision", at_precision)
        if gold.location is not None and gold.location.country is not None:
            tally(
                "location_country",
                event.location is not None and event.location.country == gold.location.country,
            )
        if gold.location is not None and gold.location.lat is not None and gold.location.lon is not None:
            tally("location_161km", _place_close(event.location, gold.location.lat, gold.location.lon))
        system_values = [v for q in event.quantities for v in _quantity_values(q)]
        if event.fatalities:
            system_values += [v for v in event.fatalities.values() if isinstance(v, int | float)]
        for gq in gold.quantities:
            if gq.value is not None:
                tally("event_quantity_recall", any(_same_number(gq.value, v) for v in system_values))
        if gold.attribution is not None:
            pub = (publisher or "").lower()
            cited = [a for a in gold.attribution if a.lower() != pub]
            tally("attribution", _attribution_ok(event, cited, pub))
        if gold.modality is not None:
            tally("modality", event.modality == gold.modality)
    return {name: Accuracy(c, n) for name, (c, n) in tallies.items()}


# ----------------------------------------------------------------------------- document level


def _match_mentions(
    system: Sequence[tuple[int, int]], gold: Sequence[tuple[tuple[int, int], ...]], texts: Sequence[str]
) -> tuple[PRF, list[tuple[int, int]]]:
    """Match system spans to gold items listed by surface text (each with all its occurrences).

    Precision: a system span is correct when it overlaps an occurrence of any gold item.
    Recall: one-to-one; the k-th gold item with a given text prefers that text's k-th occurrence,
    so a quantity listed twice needs two system mentions.
    """
    correct = sum(any(_overlaps(s, occ) for occs in gold for occ in occs) for s in system)
    seen: dict[str, int] = {}
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, occs in enumerate(gold):
        k = seen.get(texts[gi], 0)
        seen[texts[gi]] = k + 1
        preferred = occs[k] if k < len(occs) else None
        options = sorted(
            (0 if preferred is not None and _overlaps(s, preferred) else 1, s[0], si)
            for si, s in enumerate(system)
            if si not in used and any(_overlaps(s, o) for o in occs)
        )
        if options:
            si = options[0][2]
            used.add(si)
            pairs.append((si, gi))
    return PRF(correct, len(system), len(pairs), len(gold)), pairs


def _document_level(result: DocumentResult, gold: GoldDocument) -> tuple[dict[str, PRF], dict[str, Accuracy]]:
    prf: dict[str, PRF] = {}
    acc: dict[str, Accuracy] = {}

    times, pairs = _match_mentions(
        [(t.start, t.end) for t in result.times], [g.spans for g in gold.times], [g.text for g in gold.times]
    )
    prf["times"] = times
    acc["time_value"] = Accuracy(
        sum(
            _time_value_ok(result.times[si], gold.times[gi].value, gold.times[gi].start, gold.times[gi].end)
            for si, gi in pairs
        ),
        len(pairs),
    )

    places, pairs = _match_mentions(
        [(p.start, p.end) for p in result.places],
        [g.spans for g in gold.places],
        [g.text for g in gold.places],
    )
    prf["places"] = places
    country = [
        (result.places[si], gold.places[gi]) for si, gi in pairs if gold.places[gi].country is not None
    ]
    acc["place_country"] = Accuracy(sum(p.country == g.country for p, g in country), len(country))
    located = [
        (result.places[si], gold.places[gi])
        for si, gi in pairs
        if gold.places[gi].lat is not None and gold.places[gi].lon is not None
    ]
    acc["place_161km"] = Accuracy(sum(_place_close(p, g.lat, g.lon) for p, g in located), len(located))

    golds_q: list[GoldQuantity] = [q for q in gold.quantities if q.spans]
    quantities, pairs = _match_mentions(
        [(q.start, q.end) for q in result.quantities],
        [g.spans for g in golds_q],
        [g.text or "" for g in golds_q],
    )
    prf["quantities"] = quantities
    valued = [(result.quantities[si], golds_q[gi]) for si, gi in pairs if golds_q[gi].value is not None]
    acc["quantity_value"] = Accuracy(
        sum(any(_same_number(g.value, v) for v in _quantity_values(q)) for q, g in valued), len(valued)
    )
    return prf, acc


# ----------------------------------------------------------------------------- entry points


def score_document(result: DocumentResult, gold: GoldDocument) -> DocScore:
    """Score one coded document against its gold; a failed result scores as finding nothing."""
    required = [g for g in gold.events if not g.optional]
    if result.status != "ok":
        empty = DocumentResult(
            id=result.id,
            status="ok",
            error=None,
            url=None,
            publisher=None,
            published=None,
            title=None,
            text=gold.text,
        )
        scored = score_document(empty, gold)
        return DocScore(
            scored.doc_id, scored.prf, scored.accuracy, missed=scored.missed, status=result.status
        )
    pairs, neutral, false_pos = _match_events(result.events, gold.events)
    found = sum(not g.optional for _, g, _ in pairs)
    correct = found
    prf = {"events": PRF(correct, correct + len(false_pos), found, len(required))}
    accuracy = _event_accuracies(pairs, gold.publisher)
    doc_prf, doc_acc = _document_level(result, gold)
    prf.update(doc_prf)
    accuracy.update(doc_acc)
    matched_ids = {g.id for _, g, _ in pairs}
    return DocScore(
        doc_id=gold.doc_id,
        prf=prf,
        accuracy=accuracy,
        matches=tuple(EventMatch(g.id, e.id, g.optional, exact) for e, g, exact in pairs),
        missed=tuple(g.id for g in required if g.id not in matched_ids),
        false_positives=tuple(e.id for e in false_pos),
        neutral=tuple(e.id for e in neutral),
    )


def evaluate(results: Iterable[DocumentResult], golds: Iterable[GoldDocument]) -> Report:
    """Score results against golds, paired by id (gold ``doc_id`` == result ``id``).

    Pairs by position only when no id matches and the counts agree (results of a re-coding).
    """
    results = list(results)
    golds = list(golds)
    by_id = {r.id: r for r in results}
    if not any(g.doc_id in by_id for g in golds) and len(results) == len(golds):
        paired = list(zip(results, golds, strict=True))
    else:  # a gold with no result scores as a failed document: nothing found
        missing = Errors.EC010.format(what="gold document", detail="no result for this id")
        paired = [
            (by_id.get(g.doc_id) or DocumentResult.failed(g.doc_id, "EC010", missing), g) for g in golds
        ]
    docs = tuple(score_document(r, g) for r, g in paired)
    prf = {name: sum((d.prf.get(name, PRF()) for d in docs), PRF()) for name in PRF_FIELDS}
    accuracy = {
        name: sum((d.accuracy.get(name, Accuracy()) for d in docs), Accuracy()) for name in ACCURACY_FIELDS
    }
    return Report(documents=docs, prf=prf, accuracy=accuracy)


# ----------------------------------------------------------------------------- evaluation gate


def check_floors(scores: Mapping[str, float], floors: Mapping[str, float]) -> list[str]:
    """EC026 messages for every score below its floor (a missing score counts as 0.0)."""
    return [
        Errors.EC026.format(name=name, score=scores.get(name, 0.0), floor=floor)
        for name, floor in sorted(floors.items())
        if scores.get(name, 0.0) + 1e-9 < floor
    ]


def raise_floors(
    floors: Mapping[str, float],
    scores: Mapping[str, float],
    *,
    allow_lower: bool = False,
    margin: float = 0.0,
) -> tuple[dict[str, float], list[str]]:
    """New floors from measured scores (minus ``margin``): raised only, unless ``allow_lower``.

    Returns (new floors, refused) where ``refused`` names the floors a lower score would have
    lowered; keys with no measured score keep their floor.
    """
    new = dict(floors)
    refused: list[str] = []
    for name, score in sorted(scores.items()):
        proposed = round(max(0.0, score - margin), 3)
        current = floors.get(name)
        if current is None or proposed > current:
            new[name] = proposed
        elif score + 1e-9 < current:
            if allow_lower:
                new[name] = proposed
            else:
                refused.append(name)
    return new, refused
