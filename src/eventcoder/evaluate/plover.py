"""PLOVER gold sentences (the OEDA ``PLOVER_GSR_CAMEO.txt`` set): event typing and actor countries.

Each gold record is one sentence with one event type, its source and target actors (CAMEO codes,
whose first three letters are mostly the country's ISO-3 code) and a date. We code every sentence
as an article published on that date and score:

- ``type_accuracy``: the sentence's predicted type is the type of its highest-confidence event
  (a sentence with no event counts as wrong);
- ``macro_f1`` over the 16 PLOVER types, on those sentence-level predictions;
- ``coverage``: the share of sentences with any event; ``any_match``: the share whose gold type is
  among the emitted events (a looser diagnostic);
- ``pairs``: sentence-level type precision and recall over (sentence, type) pairs: every event
  emitted counts (not only the top one), a type emitted twice in one sentence is one pair, and a
  sentence that appears in several gold records (coded with two types) is one sentence with
  both gold types. ``events_per_sentence`` counts every emitted event (the over-generation);
- ``source_country`` / ``target_country``: accuracy of the top event's actor / recipient country
  where the gold names a country and we produce an actor / recipient with a country.

The set uses PLOVER 0.5 names; FIGHT, DEMAND, DISAPPROVE and INVESTIGATE are mapped to the
current ASSAULT, REQUEST, ACCUSE and ACCUSE.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError
from ..records import Article, DocumentResult, Event

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["PLOVER_TYPES", "PloverSentence", "read_plover", "score_plover", "score_predictions"]

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
_RENAMED = {"FIGHT": "ASSAULT", "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}
# CAMEO-era codes of the set that are not ISO 3166 alpha-3
_CAMEO_COUNTRY = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
FILE_NAME = "PLOVER_GSR_CAMEO.txt"


@dataclass(frozen=True, slots=True)
class PloverSentence:
    id: str
    text: str
    type: str  # current PLOVER name
    date: str | None
    source_countries: frozenset[str]
    target_countries: frozenset[str]


@lru_cache(maxsize=1)
def _iso3() -> frozenset[str]:
    from importlib import resources

    text = resources.files("eventcoder.resources").joinpath("countries.tsv").read_text(encoding="utf-8")
    codes = (line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#"))
    return frozenset(c for c in codes if len(c) == 3 and c.isupper())


def _countries(actors: Any) -> frozenset[str]:
    if not isinstance(actors, list):
        return frozenset()
    out: set[str] = set()
    for actor in actors:
        code = str(actor.get("code") or "")[:3].upper() if isinstance(actor, dict) else ""
        code = _CAMEO_COUNTRY.get(code, code)
        if code in _iso3():
            out.add(code)
    return frozenset(out)


def _file(data_dir: Path) -> Path:
    for candidate in (data_dir, data_dir / FILE_NAME, data_dir / "plover_gsr" / FILE_NAME):
        if candidate.is_file():
            return candidate
    raise InputError(Errors.EC008, what=str(data_dir / "plover_gsr" / FILE_NAME))


def read_plover(data_dir: Path) -> list[PloverSentence]:
    """The gold sentences (``data_dir``: the data root, the plover_gsr folder or the file)."""
    path = _file(Path(data_dir))
    try:
        text = path.read_text(encoding="utf-8")
        records = json.loads(text[text.index("[") :])
    except (OSError, ValueError) as exc:
        raise InputError(Errors.EC024, what=path, detail=str(exc)) from exc
    out: list[PloverSentence] = []
    for rec in records:
        event = str(rec.get("event") or "").upper()
        if event == "DOCUMENT" or not rec.get("text"):
            continue
        type_ = _RENAMED.get(event, event)
        if type_ not in PLOVER_TYPES:
            continue
        out.append(
            PloverSentence(
                id=str(rec.get("id") or f"plover-{len(out)}"),
                text=str(rec["text"]),
                type=type_,
                date=str(rec["date"])[:10] if rec.get("date") else None,
                source_countries=_countries(rec.get("source")),
                target_countries=_countries(rec.get("target")),
            )
        )
    return out


def _top_event(result: DocumentResult) -> Event | None:
    """The highest-confidence event (the first of equals, in text order)."""
    best: Event | None = None
    for ev in result.events:
        if best is None or ev.confidence > best.confidence:
            best = ev
    return best


def _pair_scores(gold: list[PloverSentence], results: list[DocumentResult]) -> dict[str, Any]:
    """Precision and recall of predicted (sentence, type) pairs against the gold pairs."""
    gold_pairs: set[tuple[str, str]] = set()
    pred_pairs: set[tuple[str, str]] = set()
    for g, res in zip(gold, results, strict=True):
        gold_pairs.add((g.text, g.type))
        pred_pairs.update((g.text, e.type) for e in res.events)
    tp = len(gold_pairs & pred_pairs)
    p = tp / len(pred_pairs) if pred_pairs else 0.0
    r = tp / len(gold_pairs) if gold_pairs else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "gold": len(gold_pairs),
        "predicted": len(pred_pairs),
        "correct": tp,
    }


def score_predictions(gold: list[PloverSentence], results: list[DocumentResult]) -> dict[str, Any]:
    """Scores of coded results against the gold sentences (same order)."""
    n = len(gold)
    correct = covered = any_match = 0
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    src = [0, 0]
    tgt = [0, 0]
    for g, res in zip(gold, results, strict=True):
        top = _top_event(res)
        pred = top.type if top is not None else None
        covered += top is not None
        any_match += any(e.type == g.type for e in res.events)
        if pred == g.type:
            correct += 1
            tp[g.type] += 1
        else:
            fn[g.type] += 1
            if pred is not None:
                fp[pred] += 1
            confusion[(g.type, pred or "NONE")] += 1
        if top is not None and g.source_countries and top.actor is not None and top.actor.country:
            src[0] += top.actor.country in g.source_countries
            src[1] += 1
        if top is not None and g.target_countries and top.recipient is not None and top.recipient.country:
            tgt[0] += top.recipient.country in g.target_countries
            tgt[1] += 1
    per_type = {}
    pairs = _pair_scores(gold, results)
    for t in PLOVER_TYPES:
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_type[t] = {
            "gold": tp[t] + fn[t],
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
        }
    return {
        "sentences": n,
        "failed": sum(res.status != "ok" for res in results),  # uncoded sentences score as finding nothing
        "type_accuracy": round(correct / n, 3) if n else 0.0,
        "macro_f1": round(sum(v["f1"] for v in per_type.values()) / len(PLOVER_TYPES), 3),
        "coverage": round(covered / n, 3) if n else 0.0,
        "any_match": round(any_match / n, 3) if n else 0.0,
        "pairs": pairs,
        "events_per_sentence": round(sum(len(r.events) for r in results) / n, 3) if n else 0.0,
        "source_country": {"accuracy": round(src[0] / src[1], 3) if src[1] else None, "n": src[1]},
        "target_country": {"accuracy": round(tgt[0] / tgt[1], 3) if tgt[1] else None, "n": tgt[1]},
        "per_type": per_type,
        "confusions": {f"{g}->{p}": c for (g, p), c in confusion.most_common(15)},
    }


def articles_for(gold: list[PloverSentence]) -> list[Article]:
    return [
        Article(id=g.id, text=g.text, published=g.date, published_source="metadata" if g.date else None)
        for g in gold
    ]


def score_plover(data_dir: Path, pipeline: Pipeline | None = None) -> dict[str, Any]:
    """Code every gold sentence and score it (see the module docstring)."""
    gold = read_plover(Path(data_dir))
    if pipeline is None:
        from ..pipeline import Pipeline  # imported late: the pipeline loads spaCy

        pipeline = Pipeline()
    results = list(pipeline.pipe(articles_for(gold)))
    return score_predictions(gold, results)


if __name__ == "__main__":  # python -m eventcoder.evaluate.plover [DATA_DIR]
    import sys

    from ..settings import default_data_dir

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default_data_dir()
    print(json.dumps(score_plover(root), indent=1))
