"""quantulum3's English test sentences (MIT) as a check of the quantities stage's values.

Each of the 101 sentences lists the quantities quantulum3 expects, with value, unit and surface
string. We code each sentence and match our ``quantities`` to the gold items:

- a gold item sits at its surface's first unclaimed occurrence in the sentence;
- one of our quantities matches it when their spans overlap and its value equals the gold
  value (relative tolerance 1e-6), or for a counting unit the count it stands for ("a dozen",
  gold 1 dozen, matches 12). A range we read as ``low``..``high`` also matches its
  midpoint, quantulum's convention ("3 to 4 L" is 3.5); an open bound ("up to 4,000") matches
  its one bound. Each of our quantities matches at most one gold item;
- recall is matched gold items over gold items; precision is our quantities that matched over
  all our quantities (sentences with no gold quantity count against precision only).

The quantities stage reads counts, percentages and money in news text, not physical units,
so each gold item is put in a class by its unit: ``count`` (quantulum's "dimensionless", plus
"dozen" and "gross"), ``percent``, ``money`` (currencies alone), ``year`` (a dimensionless
surface that is a bare year such as "1979": a date, which the quantities stage deliberately
leaves to the times stage), ``duration`` (time units, also the times stage's) and ``physical``
(everything else, rates such as "dollar per hour" included). Recall is reported overall, for
the targeted classes (count, percent, money) and for each class, so the untargeted items are
visible rather than dropped. Matching is on the value only: for "two meters" our count 2 over
"two" is a match even though we do not read the unit. ``recognized`` counts gold items
overlapped by any quantity whatever its value, so value errors can be told from misses.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError
from ..records import Article, DocumentResult, Quantity

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = [
    "TARGETED_CLASSES",
    "GoldQuantity",
    "QuantSentence",
    "articles_for",
    "quantity_values",
    "read_quantulum",
    "score_predictions",
    "score_quantulum",
    "unit_class",
]

TARGETED_CLASSES: tuple[str, ...] = ("count", "percent", "money")
CLASSES: tuple[str, ...] = (*TARGETED_CLASSES, "year", "duration", "physical")
_COUNT_UNITS = frozenset({"dimensionless", "dozen", "baker's dozen", "gross", "score"})
_YEAR = re.compile(r"(1[5-9]|20)\d\d")
_COUNT_FACTORS = {"dozen": 12, "baker's dozen": 13, "gross": 144, "score": 20}
_PERCENT_UNITS = frozenset({"percentage", "percent"})
_MONEY_WORDS = ("dollar", "euro", "pound sterling", "penny", "pence", "cent", "dime", "yen", "yuan",
                "rupee", "franc", "rouble", "ruble", "peso", "shilling", "naira", "lira", "riyal")
_DURATION_UNITS = frozenset({"second", "minute", "hour", "day", "week", "fortnight", "month", "year",
                             "decade", "century", "millennium", "kiloyear", "megayear", "gigayear"})


def unit_class(unit: str) -> str:
    """count | percent | money | duration | physical, for a quantulum unit name."""
    u = unit.strip().lower()
    if u in _COUNT_UNITS:
        return "count"
    if u in _PERCENT_UNITS:
        return "percent"
    if " per " not in u and any(u == w or u.endswith(" " + w) or u == w + "s" for w in _MONEY_WORDS):
        return "money"
    if u in _DURATION_UNITS:
        return "duration"
    return "physical"


@dataclass(frozen=True, slots=True)
class GoldQuantity:
    start: int  # -1 when the surface is not in the sentence
    end: int
    surface: str
    value: float
    unit: str

    @property
    def unit_class(self) -> str:
        cls = unit_class(self.unit)
        if cls == "count" and _YEAR.fullmatch(self.surface.strip()):
            return "year"  # "in 1979": a date, which the quantities stage leaves to the times stage
        return cls

    @property
    def values(self) -> tuple[float, ...]:
        """The value, and for a counting unit ("a dozen" is 1 dozen) the plain count too."""
        factor = _COUNT_FACTORS.get(self.unit.strip().lower())
        return (self.value, self.value * factor) if factor else (self.value,)


@dataclass(frozen=True, slots=True)
class QuantSentence:
    id: str
    text: str
    quantities: tuple[GoldQuantity, ...]


def _locate(text: str, surface: str, taken: set[int]) -> int:
    pos = text.find(surface)
    while pos >= 0 and pos in taken:
        pos = text.find(surface, pos + 1)
    return pos


def read_quantulum(root: Path) -> list[QuantSentence]:
    """Sentences of ``quantities.json`` (``root`` is the file, its folder or the data directory)."""
    root = Path(root)
    path = next((p for p in (root, root / "quantities.json", root / "quantulum3_tests" / "quantities.json")
                 if p.is_file()), None)
    if path is None:
        raise InputError(Errors.EC008, what=f"quantulum3 quantities.json under {root}")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        sentences: list[QuantSentence] = []
        for i, rec in enumerate(records):
            text = str(rec["req"])
            taken: set[int] = set()
            golds: list[GoldQuantity] = []
            for item in rec.get("res") or ():
                surface = str(item["surface"])
                start = _locate(text, surface, taken)
                taken.add(start)
                golds.append(GoldQuantity(start, start + len(surface) if start >= 0 else -1, surface,
                                          float(item["value"]), str(item.get("unit", ""))))
            sentences.append(QuantSentence(f"quantulum-{i:03d}", text, tuple(golds)))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(Errors.EC024, what=path, detail=str(exc)) from exc
    return sentences


def quantity_values(q: Quantity) -> list[float]:
    """The values a quantity may be matched on: its value, a range's midpoint, an open range's bound."""
    values = [float(q.value)] if q.value is not None else []
    if q.low is not None and q.high is not None:
        values.append((float(q.low) + float(q.high)) / 2)
    elif q.value is None:
        values += [float(b) for b in (q.low, q.high) if b is not None]
    return values


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def score_predictions(
    sentences: Sequence[QuantSentence], results: Sequence[DocumentResult], examples: int = 10
) -> dict[str, Any]:
    """Recall by unit class, precision and error examples of ``results`` against the gold."""
    by_id = {r.id: r for r in results}
    gold = Counter[str]()
    matched = Counter[str]()
    recognized = Counter[str]()
    predicted = correct = failed = 0
    missed: Counter[str] = Counter()
    value_errors: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    for sent in sentences:
        result = by_id.get(sent.id)
        ok = result is not None and result.status == "ok"
        failed += not ok
        quants = list(result.quantities) if result is not None and ok else []
        predicted += len(quants)
        used: set[int] = set()
        for g in sent.quantities:
            cls = g.unit_class
            gold[cls] += 1
            over = [i for i, q in enumerate(quants) if g.start >= 0 and q.start < g.end and g.start < q.end]
            hit = next((i for i in over if i not in used
                        and any(_same(v, w) for v in quantity_values(quants[i]) for w in g.values)), None)
            if over:
                recognized[cls] += 1
            if hit is not None:
                used.add(hit)
                matched[cls] += 1
            elif over:
                got = ", ".join(f"{quants[i].text}={quantity_values(quants[i])}" for i in over)
                value_errors[f"{cls}: {g.surface}={g.value:g} got {got}"] += 1
            else:
                missed[f"{cls}: {g.surface}"] += 1
        correct += len(used)
        for q in quants:
            if not any(g.start >= 0 and q.start < g.end and g.start < q.end for g in sent.quantities):
                spurious[f"{q.kind}: {q.text}"] += 1

    def rate(num: int, den: int) -> float:
        return round(num / den, 3) if den else 0.0

    n_gold = sum(gold.values())
    n_targeted = sum(gold[c] for c in TARGETED_CLASSES)
    m_targeted = sum(matched[c] for c in TARGETED_CLASSES)
    return {
        "sentences": len(sentences),
        "failed": failed,
        "gold": n_gold,
        "gold_targeted": n_targeted,
        "gold_untargeted": n_gold - n_targeted,
        "predicted": predicted,
        "matched": sum(matched.values()),
        "recall": rate(sum(matched.values()), n_gold),
        "recall_targeted": rate(m_targeted, n_targeted),
        "recall_untargeted": rate(sum(matched.values()) - m_targeted, n_gold - n_targeted),
        "precision": rate(correct, predicted),
        "recognized": rate(sum(recognized.values()), n_gold),
        "by_class": {c: {"gold": gold[c], "matched": matched[c], "recall": rate(matched[c], gold[c]),
                         "recognized": rate(recognized[c], gold[c])} for c in CLASSES},
        "value_errors": sum(value_errors.values()),
        "top_missed": dict(missed.most_common(examples)),
        "top_value_errors": dict(value_errors.most_common(examples)),
        "top_spurious": dict(spurious.most_common(examples)),
    }


def articles_for(sentences: Iterable[QuantSentence]) -> list[Article]:
    return [Article(id=s.id, text=s.text, source="quantulum3") for s in sentences]


def score_quantulum(data_dir: Path, pipeline: Pipeline | None = None) -> dict[str, Any]:
    """Code every test sentence and score our quantities (see the module docstring)."""
    sentences = read_quantulum(Path(data_dir))
    if pipeline is None:
        from ..pipeline import Pipeline  # imported late: the pipeline loads spaCy

        pipeline = Pipeline()
    return score_predictions(sentences, list(pipeline.pipe(articles_for(sentences))))


if __name__ == "__main__":  # python -m eventcoder.evaluate.quantulum [DATA_DIR]
    import sys

    from ..settings import default_data_dir

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default_data_dir()
    print(json.dumps(score_quantulum(root), indent=1))
