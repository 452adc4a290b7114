"""Our own news development set (issue 13): places, dates and events on text no rule was written on.

The set is short news reports we wrote ourselves (fictional incidents at real places, invented
outlets), annotated by the guideline ``resources/news/GUIDELINE.md``. Parts, each one JSONL file
in ``resources/news/``: ``dev`` (rule writers may read it), ``heldout`` (only scored, never read
while rules are written; its aggregate scores were looked at during the second events pass) and
``heldout2`` (written last, scored once at the end). A part whose file is absent is reported as
absent.

Every article is coded by the pipeline as a JSONL input would be (``ingest.metadata.build_article``:
its dateline and byline are read), then three scores per part and for all parts together:

- **places** (the GeoVirus scorer's conventions, ``geovirus.GeoVirusScore``): a gold toponym is
  recognized when a predicted place with coordinates overlaps its span (the first such place is
  its resolution); precision is the share of predicted places overlapping a gold toponym; acc@161
  of recognized toponyms, recall@161 over all gold toponyms, median/mean error and the AUC of log
  error; ``acc161_or_unit`` also accepts a resolution to the country or first-level unit that holds
  the gold place; ``same_geonameid`` is the share of recognized gold towns and countries (the
  features whose GeoNames ids the gazetteer keeps) resolved to the same GeoNames id; recall and
  acc@161 per gold feature.
- **dates**: TempEval-3 strict span, relaxed span and value P/R/F1 with the MEANTIME adapter's
  scorer (``timex.score_spans``, our ranges split into their two ends by ``timex.split_range``, values
  equal up to a trailing "Z"), and recall per gold TIMEX3 type.
- **events**: a predicted event is its trigger and its later ``mentions`` (repeated mentions of one
  occurrence merged by the events stage), each a predicted mention. Sentence-level type P/R/F1 (a
  predicted mention counts as the pair (its sentence, type), matched against the gold pairs;
  several predictions of one pair count once); event-level P/R/F1 (one-to-one matching of
  predicted events to the document's gold events of the same type with a mention in the sentence
  of one of the predicted event's mentions; an unmatched prediction that could have matched an
  already-matched gold event is a ``duplicate``, any other unmatched one ``spurious``); and
  trigger-level P/R (a predicted mention overlapping a gold mention of its type). Gold events
  marked ``"modality": "planned"`` (specific scheduled or ordered events) are optional: a
  prediction matching only them counts neither way (``planned_matched``), and they are not in recall.

Sentences are spaCy's (the pipeline's own model) for gold and predictions alike. Error lists
(``place_errors``: gold toponyms missed or placed beyond 161 km; ``event_errors``: missed,
spurious, duplicate and unmatched events with their sentences, ``python -m
eventcoder.evaluate.news --errors dev``) are given for the dev part only, so that scoring the
held-out part never shows its text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

from ..errors import Errors, ExitCode, InputError
from ..gazetteer import haversine_km
from ..records import DocumentResult, Event, Place, TimeValue
from ..resources import read_table
from .geovirus import GeoVirusScore, log_error_auc
from .timex import GoldTimex, _same_meantime, recall_by_type, score_spans, split_range

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = [
    "FEATURES",
    "PARTS",
    "TIMEX_TYPES",
    "EventMention",
    "GoldEvent",
    "GoldPlace",
    "NewsDoc",
    "dev_event_errors",
    "evaluate_news",
    "event_errors",
    "parse_record",
    "part_resource",
    "plover_types",
    "read_news_part",
    "score_dates",
    "score_events",
    "score_news",
    "score_places",
    "timex_value_ok",
]

PARTS = ("dev", "heldout", "heldout2")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
FEATURES = ("city", "admin2", "admin1", "country", "region")
_ID_FEATURES = ("city", "country")  # features whose GeoNames id the gazetteer keeps


@dataclass(frozen=True, slots=True)
class GoldEvent:
    start: int
    end: int
    text: str
    type: str  # PLOVER type (crosswalk.tsv names)
    event: str  # label shared by the mentions of one occurrence in the article
    modality: str = "asserted"  # asserted | planned


@dataclass(frozen=True, slots=True)
class GoldPlace:
    start: int
    end: int
    text: str
    geonameid: int | None
    lat: float
    lon: float
    feature: str  # city | admin2 | admin1 | country | region
    country: str | None  # ISO 3166 alpha-2 (None for a region spanning countries)
    admin1: str | None = None  # the first-level unit's name in the gazetteer, when known
    missing: bool = False  # a real place GeoNames' cities500 does not have


@dataclass(frozen=True, slots=True)
class NewsDoc:
    id: str
    publisher: str
    published: str
    title: str
    text: str
    events: tuple[GoldEvent, ...]
    timexes: tuple[GoldTimex, ...]
    places: tuple[GoldPlace, ...]


@lru_cache(maxsize=1)
def plover_types() -> frozenset[str]:
    """The PLOVER type names of ``resources/crosswalk.tsv``."""
    return frozenset(row["type"] for row in read_table("crosswalk.tsv"))


# TIMEX3 values (TimeML 1.2.1 / TempEval-3), with X placeholders where a part is unknown
_YEAR = r"(?:\d{4}|\d{3}X|\d{2}XX|XXXX)"
_DAY_PART = (r"(?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?|-W(?:\d\d|XX)(?:-(?:[1-7]|WE))?"
             r"|-(?:SP|SU|FA|WI)|-Q[1-4]|-H[12])")
_DATE = rf"(?:{_YEAR}{_DAY_PART}?|\d{{2,3}}|PRESENT_REF|PAST_REF|FUTURE_REF)"
_CLOCK = r"T(?:\d\d(?::\d\d(?::\d\d)?)?|MO|MI|AF|EV|NI|DT)"
_AMOUNT = r"(?:\d+(?:\.\d+)?|X)"
_DURATION = rf"P(?:{_AMOUNT}(?:Y|M|W|D|DE|CE|ML))+(?:T(?:{_AMOUNT}[HMS])+)?|PT(?:{_AMOUNT}[HMS])+"
_VALUE = {
    "DATE": re.compile(rf"{_DATE}"),
    "TIME": re.compile(rf"(?:{_YEAR}-(?:\d\d|XX)-(?:\d\d|XX)|{_YEAR}-W(?:\d\d|XX)-[1-7])?{_CLOCK}"),
    "DURATION": re.compile(_DURATION),
    "SET": re.compile(rf"{_DURATION}|{_DATE}|(?:{_DATE})?{_CLOCK}"),
}


def timex_value_ok(kind: str, value: str) -> bool:
    """Is ``value`` a well-formed TIMEX3 value of type ``kind``? Calendar dates must exist."""
    pattern = _VALUE.get(kind)
    if pattern is None or not pattern.fullmatch(value):
        return False
    if m := re.match(r"(\d{4})-(\d\d)-(\d\d)", value):
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return False
    elif m := re.match(r"(\d{4})-(\d\d)(?![\d-])", value):
        return 1 <= int(m[2]) <= 12
    if m := re.match(r"(\d{4})-W(\d\d)", value):
        try:
            dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return False
    return True


def _bad(where: str, detail: str) -> InputError:
    return InputError(Errors.EC024, what=where, detail=detail)


def _span(rec: dict[str, Any], text: str, where: str) -> tuple[int, int, str]:
    start, end, mention = rec.get("start"), rec.get("end"), rec.get("text")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(mention, str)):
        raise _bad(where, "start, end and text are required")
    if not 0 <= start < end <= len(text) or text[start:end] != mention:
        raise _bad(where, f"offsets {start}:{end} do not slice to the mention's text")
    return start, end, mention


def parse_record(rec: dict[str, Any], where: str, quiet: bool = False) -> NewsDoc:
    """One line of a part, checked: offsets slice to their text, PLOVER types, TIMEX3 types and
    values, place features, countries and coordinates. Raises EC024 on the first problem, naming
    the mention by its text, or only by its offsets when ``quiet`` (a held-out part's text is
    not shown)."""
    for key in ("id", "publisher", "published", "title", "text"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            raise _bad(where, f"{key!r} must be a non-empty string")
    text = rec["text"]
    where = f"{where} ({rec['id']})"

    def name(start: int, end: int) -> str:
        return f"at {start}:{end}" if quiet else repr(text[start:end])
    try:
        dt.date.fromisoformat(rec["published"])
    except ValueError as exc:
        raise _bad(where, f"published {rec['published']!r} is not YYYY-MM-DD") from exc
    events = []
    for e in rec.get("events", []):
        start, end, mention = _span(e, text, where)
        if e.get("type") not in plover_types():
            raise _bad(where, f"event {name(start, end)}: type {e.get('type')!r} is not a PLOVER type of "
                       "crosswalk.tsv")
        if not isinstance(e.get("event"), str) or not e["event"]:
            raise _bad(where, f"event {name(start, end)} has no event label")
        modality = e.get("modality", "asserted")
        if modality not in ("asserted", "planned"):
            raise _bad(where, f"event {name(start, end)}: modality {modality!r} is not asserted or planned")
        events.append(GoldEvent(start, end, mention, e["type"], e["event"], modality))
    types: dict[str, set[str]] = defaultdict(set)
    for g in events:
        types[g.event].add(g.type)
    if mixed := sorted(label for label, kinds in types.items() if len(kinds) > 1):
        raise _bad(where, f"the mentions of event {mixed[0]!r} have different types")
    timexes = []
    for t in rec.get("timexes", []):
        start, end, mention = _span(t, text, where)
        kind, value = t.get("type"), t.get("value")
        if kind not in TIMEX_TYPES or not isinstance(value, str) or not timex_value_ok(kind, value):
            raise _bad(where, f"timex {name(start, end)}: {kind} {value!r} is not a TIMEX3 type and value")
        timexes.append(GoldTimex(start, end, value, kind))
    places = []
    for p in rec.get("places", []):
        start, end, mention = _span(p, text, where)
        lat, lon, gid = p.get("lat"), p.get("lon"), p.get("geonameid")
        if not (isinstance(lat, int | float) and isinstance(lon, int | float)
                and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise _bad(where, f"place {name(start, end)} needs lat/lon")
        if p.get("feature") not in FEATURES:
            raise _bad(where, f"place {name(start, end)}: feature {p.get('feature')!r} is not one of "
                       f"{FEATURES}")
        cc = p.get("country")
        if not (cc is None and p["feature"] == "region") and not (isinstance(cc, str) and re.fullmatch(
                r"[A-Z]{2}", cc)):
            raise _bad(where, f"place {name(start, end)}: country {cc!r} is not an ISO 3166 alpha-2 code")
        missing = bool(p.get("missing", False))
        if gid is not None and (isinstance(gid, bool) or not isinstance(gid, int)):
            raise _bad(where, f"place {name(start, end)}: geonameid must be an integer or null")
        if missing and gid is not None:
            raise _bad(where, f"place {name(start, end)} is marked missing but has a geonameid")
        if p["feature"] in ("city", "country") and gid is None and not missing:
            raise _bad(where, f"place {name(start, end)}: a {p['feature']} needs its geonameid or "
                       "missing: true")
        places.append(GoldPlace(start, end, mention, gid, float(lat), float(lon), p["feature"], cc,
                                p.get("admin1"), missing))
    return NewsDoc(rec["id"], rec["publisher"], rec["published"], rec["title"], text,
                   tuple(events), tuple(timexes), tuple(places))


def part_resource(part: str) -> Traversable:
    if part not in PARTS:
        raise InputError(Errors.EC028, value=part, option="news part", detail=f"choose {', '.join(PARTS)}")
    return files("eventcoder.resources") / "news" / f"{part}.jsonl"


def read_news_part(part: str) -> list[NewsDoc] | None:
    """One part of the set, checked (``parse_record``); None when its file is absent."""
    source = part_resource(part)
    if not source.is_file():
        return None
    docs: list[NewsDoc] = []
    seen: set[str] = set()
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"news/{part}.jsonl line {n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(where, str(exc)) from exc
        if not isinstance(rec, dict):
            raise _bad(where, "each line must be a JSON object")
        doc = parse_record(rec, where, quiet=part != "dev")
        if doc.id in seen:
            raise _bad(where, f"duplicate id {doc.id!r}")
        seen.add(doc.id)
        docs.append(doc)
    return docs


# -- scores -------------------------------------------------------------------------------------
def _prf(hits: int, predicted: int, gold: int, gold_hits: int | None = None) -> dict[str, float]:
    """P/R/F1; ``gold_hits`` when the gold side is matched by another count than the predictions."""
    p = hits / predicted if predicted else 0.0
    r = (hits if gold_hits is None else gold_hits) / gold if gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def score_places(pairs: Iterable[tuple[Sequence[GoldPlace], Sequence[Place]]],
                 errors_out: list[dict[str, Any]] | None = None,
                 names: Sequence[str] | None = None) -> dict[str, Any]:
    """Toponym recognition and resolution over (gold, predicted) pairs, one per document. When
    ``errors_out`` is given, each gold toponym not recognized (``"error": "missed"``) or placed
    beyond 161 km (``"far"``) is appended to it, with its document's name from ``names``."""
    articles = gold_n = predicted = recognized = correct = within = in_unit = 0
    same_id = id_gold = 0
    errors: list[float] = []
    by_feature: dict[str, tuple[int, int]] = {}
    gold_by_feature: dict[str, int] = defaultdict(int)
    for gold, places in pairs:
        name = names[articles] if names else str(articles)
        articles += 1
        gold_n += len(gold)
        predicted += len(places)
        correct += sum(any(p.start < g.end and g.start < p.end for g in gold) for p in places)
        for g in gold:
            gold_by_feature[g.feature] += 1
            hits = [p for p in places if p.start < g.end and g.start < p.end and p.lat is not None]
            where = {"doc": name, "gold": g.text, "start": g.start, "feature": g.feature,
                     "country": g.country}
            if not hits:
                if errors_out is not None:
                    errors_out.append({"error": "missed", **where})
                continue
            recognized += 1
            p = hits[0]
            assert p.lat is not None and p.lon is not None
            km = haversine_km(g.lat, g.lon, p.lat, p.lon)
            errors.append(km)
            within += km <= 161
            right_unit = g.country is not None and p.country == g.country and (
                p.feature == "country" or (p.feature == "admin1" and g.admin1 is not None
                                           and p.admin1 == g.admin1))
            in_unit += km <= 161 or right_unit
            if g.feature in _ID_FEATURES and g.geonameid is not None:
                id_gold += 1
                same_id += p.geonameid == g.geonameid
            n, w = by_feature.get(g.feature, (0, 0))
            by_feature[g.feature] = (n + 1, w + (km <= 161))
            if errors_out is not None and km > 161:
                errors_out.append({"error": "far", **where, "resolved": p.name, "resolved_feature": p.feature,
                                   "resolved_country": p.country, "km": round(km)})
    score = GeoVirusScore(articles, gold_n, predicted, recognized, correct, within,
                          round(statistics.median(errors), 1) if errors else None,
                          round(statistics.mean(errors), 1) if errors else None,
                          log_error_auc(errors), by_feature, in_unit)
    out = dict(score.as_dict())
    out.pop("articles")
    p_, r_ = score.precision, score.recall
    out["f1"] = round(2 * p_ * r_ / (p_ + r_), 3) if p_ + r_ else 0.0
    out["same_geonameid"] = round(same_id / id_gold, 3) if id_gold else 0.0
    out["gold_by_feature"] = dict(sorted(gold_by_feature.items()))
    out["recall_by_feature"] = {f: round(by_feature.get(f, (0, 0))[0] / n, 3)
                                for f, n in sorted(gold_by_feature.items())}
    return out


def score_dates(pairs: Iterable[tuple[Sequence[GoldTimex], Sequence[TimeValue]]]) -> dict[str, Any]:
    """TempEval-3 strict/relaxed/value P/R/F1 (the MEANTIME adapter's scorer) and recall by type."""
    split = [(list(gold), [p for t in times for p in split_range(t)]) for gold, times in pairs]
    out = score_spans(split, _same_meantime)
    out["by_type"] = recall_by_type(split, _same_meantime)
    return out


@dataclass(frozen=True, slots=True)
class EventMention:
    """A typed trigger in a sentence (index in its document), gold or predicted."""

    type: str
    sentence: int
    start: int
    end: int
    event: str | None = None  # gold: the occurrence it tells
    planned: bool = False  # gold: a specific scheduled or ordered event (optional)


def _match(edges: dict[int, list[str]], taken: dict[str, int], preds: Iterable[int]) -> None:
    """Maximum bipartite matching (augmenting paths), predictions -> gold events, into ``taken``
    (gold event -> prediction). Deterministic: predictions and their edges in the given order."""

    def augment(i: int, seen: set[str]) -> bool:
        for g in edges.get(i, []):
            if g in seen:
                continue
            seen.add(g)
            if g not in taken or augment(taken[g], seen):
                taken[g] = i
                return True
        return False

    for i in preds:
        augment(i, set())


@dataclass(frozen=True, slots=True)
class _EventMatching:
    told: list[list[EventMention]]  # predicted events: each its trigger and later mentions
    edges: dict[int, list[str]]  # predicted event -> gold events it could match
    taken: dict[str, int]  # asserted gold event -> its prediction
    taken_planned: dict[str, int]  # planned gold event -> its prediction
    planned: dict[str, bool]  # gold event -> all its mentions planned


def _event_matching(gold: Sequence[EventMention], pred: Sequence[EventMention]) -> _EventMatching:
    """One document's one-to-one matching of predicted events to gold events of the same type told
    in the sentence of one of the prediction's mentions; planned gold events only take
    predictions left over by the asserted ones."""
    sentences: dict[str, set[int]] = defaultdict(set)
    kinds: dict[str, str] = {}
    planned: dict[str, bool] = {}
    for g in gold:
        assert g.event is not None
        sentences[g.event].add(g.sentence)
        kinds[g.event] = g.type
        planned[g.event] = planned.get(g.event, True) and g.planned
    # a predicted event is its trigger and its later mentions (the same ``event`` label);
    # it may match a gold occurrence through the sentence of any of them
    groups: dict[object, list[EventMention]] = {}
    for i, p in enumerate(pred):
        groups.setdefault(p.event if p.event is not None else i, []).append(p)
    told = list(groups.values())
    edges = {i: [e for e in sentences
                 if kinds[e] == ms[0].type and any(m.sentence in sentences[e] for m in ms)]
             for i, ms in enumerate(told)}
    firm = {i: [e for e in es if not planned[e]] for i, es in edges.items()}
    optional = {i: [e for e in es if planned[e]] for i, es in edges.items()}
    taken: dict[str, int] = {}
    _match(firm, taken, range(len(told)))
    matched = set(taken.values())
    taken_planned: dict[str, int] = {}
    _match(optional, taken_planned, (i for i in range(len(told)) if i not in matched))
    return _EventMatching(told, edges, taken, taken_planned, planned)


def score_events(docs: Iterable[tuple[Sequence[EventMention], Sequence[EventMention]]]) -> dict[str, Any]:
    """Sentence-level, event-level and trigger-level scores over (gold, predicted) per document."""
    s_gold = s_pred = s_hit = s_planned = 0
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # gold, predicted, correct pairs
    e_gold = e_planned = e_pred = e_hit = e_planned_hit = duplicates = spurious = 0
    t_gold = t_gold_hit = t_pred = t_pred_hit = 0
    for gold, pred in docs:
        # sentence level
        asserted = {(g.sentence, g.type) for g in gold if not g.planned}
        planned_only = {(g.sentence, g.type) for g in gold if g.planned} - asserted
        pairs = {(p.sentence, p.type) for p in pred} - planned_only
        s_planned += len({(p.sentence, p.type) for p in pred} & planned_only)
        s_gold += len(asserted)
        s_pred += len(pairs)
        s_hit += len(pairs & asserted)
        for _, kind in asserted:
            by_type[kind][0] += 1
        for pair in pairs:
            by_type[pair[1]][1] += 1
            by_type[pair[1]][2] += pair in asserted
        # event level
        matching = _event_matching(gold, pred)
        e_gold += sum(not v for v in matching.planned.values())
        e_planned += sum(matching.planned.values())
        e_pred += len(matching.told)
        e_hit += len(matching.taken)
        e_planned_hit += len(matching.taken_planned)
        used = set(matching.taken.values()) | set(matching.taken_planned.values())
        for i in range(len(matching.told)):
            if i not in used:
                if matching.edges[i]:
                    duplicates += 1
                else:
                    spurious += 1
        # trigger level: overlap with a gold mention of the same type
        firm_mentions = [g for g in gold if not g.planned]
        t_gold += len(firm_mentions)
        t_gold_hit += sum(any(p.type == g.type and p.start < g.end and g.start < p.end for p in pred)
                          for g in firm_mentions)
        for p in pred:
            hit = [g for g in gold if p.type == g.type and p.start < g.end and g.start < p.end]
            if hit and all(g.planned for g in hit):
                continue
            t_pred += 1
            t_pred_hit += bool(hit)
    counted = e_pred - e_planned_hit
    event_level: dict[str, Any] = {
        "gold": e_gold, "predicted": counted, "matched": e_hit, "duplicates": duplicates,
        "spurious": spurious, **_prf(e_hit, counted, e_gold),
        "precision_without_duplicates": _prf(e_hit, counted - duplicates, e_gold)["precision"],
        "planned_gold": e_planned, "planned_matched": e_planned_hit,
    }
    trigger = {"gold": t_gold, "predicted": t_pred, **_prf(t_pred_hit, t_pred, t_gold, t_gold_hit)}
    return {
        "sentence": {"gold": s_gold, "predicted": s_pred, "correct": s_hit, **_prf(s_hit, s_pred, s_gold),
                     "planned_matched": s_planned},
        "event": event_level,
        "trigger": trigger,
        "by_type": {kind: {"gold": g, "predicted": p, **_prf(c, p, g)}
                    for kind, (g, p, c) in sorted(by_type.items())},
    }


# -- running ------------------------------------------------------------------------------------
def _sentence_of(starts: Sequence[int], offset: int) -> int:
    """Index of the sentence (given by sorted start offsets) holding ``offset``."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def evaluate_news(docs: Sequence[NewsDoc], results: Sequence[DocumentResult],
                  sentence_starts: Sequence[Sequence[int]], with_errors: bool = False) -> dict[str, Any]:
    """Score coded ``results`` (in the order of ``docs``) against the gold; ``sentence_starts``
    gives each document's sentence start offsets."""
    failed = [r.id for r in results if r.status != "ok"]
    ok = list(zip(docs, results, sentence_starts, strict=True))
    place_errors: list[dict[str, Any]] | None = [] if with_errors else None
    out: dict[str, Any] = {"documents": len(docs), "failed": len(failed)}
    out["places"] = score_places([(d.places, r.places) for d, r, _ in ok], place_errors, [d.id for d in docs])
    out["dates"] = score_dates((d.timexes, r.times) for d, r, _ in ok)
    event_docs = []
    for d, r, starts in ok:
        gold = [EventMention(g.type, _sentence_of(starts, g.start), g.start, g.end, g.event,
                             g.modality == "planned") for g in d.events]
        pred = [EventMention(ev.type, _sentence_of(starts, span.start), span.start, span.end, ev.id)
                for ev in r.events for span in (ev.trigger, *ev.mentions)]
        event_docs.append((gold, pred))
    out["events"] = score_events(event_docs)
    if place_errors is not None:
        out["place_errors"] = place_errors
    return out


def score_news(pipeline: Pipeline | None = None,
               parts: dict[str, list[NewsDoc] | None] | None = None) -> dict[str, Any]:
    """Each part of the set (dev, heldout; ``parts`` gives them instead of the bundled files),
    then all present parts together; an absent part is reported as ``{"status": "absent"}``."""
    from ..ingest.metadata import build_article
    from ..pipeline import Pipeline
    from ..stages.linguistic import parse_many

    pipe = pipeline or Pipeline()
    given = parts if parts is not None else {part: read_news_part(part) for part in PARTS}
    out: dict[str, Any] = {}
    coded: dict[str, tuple[list[NewsDoc], list[DocumentResult], list[list[int]]]] = {}
    for part, docs in given.items():
        if docs is None:
            out[part] = {"status": "absent"}
            continue
        articles = [build_article(d.text, settings=pipe.settings, source=f"news/{part}.jsonl",
                                  article_id=d.id, title=d.title, publisher=d.publisher,
                                  published=d.published) for d in docs]
        results = list(pipe.pipe(articles))
        starts = [[s.start_char for s in doc.sents]
                  for doc, _ in parse_many(pipe.nlp, ((d.text, None) for d in docs))]
        coded[part] = (docs, results, starts)
        out[part] = evaluate_news(docs, results, starts, with_errors=part == "dev")
    if coded:
        out["all"] = evaluate_news([d for c in coded.values() for d in c[0]],
                                   [r for c in coded.values() for r in c[1]],
                                   [s for c in coded.values() for s in c[2]])
    return out


# -- error lists (dev part only) ----------------------------------------------------------------
def _mentions(d: NewsDoc, r: DocumentResult, starts: Sequence[int]) -> tuple[list[EventMention],
                                                                           list[EventMention]]:
    gold = [EventMention(g.type, _sentence_of(starts, g.start), g.start, g.end, g.event,
                         g.modality == "planned") for g in d.events]
    pred = [EventMention(ev.type, _sentence_of(starts, span.start), span.start, span.end, ev.id)
            for ev in r.events for span in (ev.trigger, *ev.mentions)]
    return gold, pred


def event_errors(docs: Sequence[NewsDoc], results: Sequence[DocumentResult],
                 sentence_starts: Sequence[Sequence[int]],
                 kept: Sequence[DocumentResult] | None = None) -> list[dict[str, Any]]:
    """The event errors of coded documents, one dict each, in document and sentence order:

    - ``missed``: a gold (sentence, type) pair no prediction has, with the gold triggers, what was
      predicted in that sentence, and, from ``kept`` (the same documents coded with
      ``keep_nonevents``), the mentions of that type the coder dropped as non-events, with their
      modality;
    - ``spurious``: a predicted (sentence, type) pair the gold lacks (planned gold aside);
    - ``duplicate``: a predicted event left unmatched where a gold event of its type and sentence
      was already matched by another prediction (a repeated mention not merged);
    - ``unmatched``: an asserted gold event no predicted event matched (event level), with the
      predictions of its type told in its sentences (merged into another occurrence, if any).
    """
    out: list[dict[str, Any]] = []
    for k, (d, r, starts) in enumerate(zip(docs, results, sentence_starts, strict=True)):
        gold, pred = _mentions(d, r, starts)
        bounds = [*starts[1:], len(d.text)]

        def sentence(i: int, d: NewsDoc = d, starts: Sequence[int] = starts,
                     bounds: Sequence[int] = bounds) -> str:
            return d.text[starts[i]:bounds[i]].strip()

        def said(ms: Iterable[EventMention], d: NewsDoc = d) -> list[str]:
            return [f"{m.type}:{d.text[m.start:m.end]}" for m in ms]

        asserted = {(g.sentence, g.type) for g in gold if not g.planned}
        planned_only = {(g.sentence, g.type) for g in gold if g.planned} - asserted
        pairs = {(p.sentence, p.type) for p in pred}
        dropped: list[Event] = []
        if kept is not None:
            ids = {ev.id for ev in r.events}
            dropped = [ev for ev in kept[k].events if ev.id not in ids]
        for sent, kind in sorted(asserted - pairs):
            row: dict[str, Any] = {
                "error": "missed", "doc": d.id, "type": kind, "sentence": sentence(sent),
                "gold": [d.text[g.start:g.end] for g in gold if (g.sentence, g.type) == (sent, kind)],
                "predicted": said(p for p in pred if p.sentence == sent)}
            lost = [f"{ev.trigger.text} ({ev.modality})" for ev in dropped
                    if ev.type == kind and _sentence_of(starts, ev.trigger.start) == sent]
            if lost:
                row["dropped"] = lost
            out.append(row)
        for sent, kind in sorted(pairs - asserted - planned_only):
            out.append({"error": "spurious", "doc": d.id, "type": kind, "sentence": sentence(sent),
                        "predicted": said(p for p in pred if (p.sentence, p.type) == (sent, kind)),
                        "gold": said(g for g in gold if g.sentence == sent)})
        matching = _event_matching(gold, pred)
        used = set(matching.taken.values()) | set(matching.taken_planned.values())
        for i, ms in enumerate(matching.told):
            if i in used or not matching.edges[i]:
                continue
            other = [matching.told[matching.taken[e]] for e in matching.edges[i] if e in matching.taken]
            out.append({"error": "duplicate", "doc": d.id, "type": ms[0].type,
                        "sentence": sentence(ms[0].sentence), "predicted": said(ms),
                        "matched_by": [said(o) for o in other]})
        for label, is_planned in matching.planned.items():
            if is_planned or label in matching.taken:
                continue
            told = [g for g in gold if g.event == label]
            near = [said(ms) for ms in matching.told
                    if ms[0].type == told[0].type and any(m.sentence == g.sentence for m in ms for g in told)]
            out.append({"error": "unmatched", "doc": d.id, "type": told[0].type,
                        "sentence": sentence(told[0].sentence), "gold": said(told), "taken_by": near})
    return out



def dev_event_errors(pipeline: Pipeline | None = None) -> list[dict[str, Any]]:
    """``event_errors`` of the dev part, coded by ``pipeline`` (the default one when None)."""
    from ..ingest.metadata import build_article
    from ..pipeline import Pipeline
    from ..stages.linguistic import parse_many

    docs = read_news_part("dev") or []
    pipe = pipeline or Pipeline()
    keeping = Pipeline(pipe.settings.replace(keep_nonevents=True))
    articles = [build_article(d.text, settings=pipe.settings, source="news/dev.jsonl", article_id=d.id,
                              title=d.title, publisher=d.publisher, published=d.published) for d in docs]
    results = list(pipe.pipe(articles))
    kept = list(keeping.pipe(articles))
    starts = [[s.start_char for s in doc.sents]
              for doc, _ in parse_many(pipe.nlp, ((d.text, None) for d in docs))]
    return event_errors(docs, results, starts, kept)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m eventcoder.evaluate.news --errors dev``: the dev part's event errors, one JSON
    object a line. Only the dev part: the held-out part is scored, never listed."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m eventcoder.evaluate.news",
                                     description="List the event errors of the news set's dev part.")
    parser.add_argument("--errors", required=True, metavar="PART", help="dev (the only part listed)")
    args = parser.parse_args(argv)
    if args.errors != "dev":
        refused = InputError(Errors.EC028, value=args.errors, option="--errors", detail=(
            "errors are listed for the dev part only (the held-out part is never read)"))
        print(refused, file=sys.stderr)
        return ExitCode.BAD_ARGUMENTS
    for row in dev_event_errors():
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
