"""re3d (Dstl 2017) entity-recognition scores: Person, Organisation, Location, Nationality, Quantity.

re3d is a defence-and-security corpus (98 documents in seven sub-corpora, each under its own
licence) whose entities carry character offsets into each document's text. We code every
document with the pipeline and compare the spans we emit with the gold spans of five types.

Label mapping (ours -> re3d), chosen because each of our outputs answers one re3d question:

- ``entities`` (spaCy labels): PERSON -> Person; ORG -> Organisation; GPE, LOC, FAC -> Location;
  NORP -> Nationality; CARDINAL, QUANTITY, PERCENT -> Quantity ("10 per cent" is a re3d
  Quantity). ORDINAL is left out: re3d marks an ordinal as Quantity about once, while "first"
  is among the most frequent spurious predictions. MONEY is left out: re3d has a separate Money
  type we do not score; DATE and TIME belong to re3d's Temporal, also not scored.
- ``places`` (gazetteer-resolved toponyms, metonymic actors included) -> Location.
- ``quantities`` (the quantities stage) -> Quantity, except kind ``money`` (re3d's Money).

The "combined" view unions the three sources, drops exact duplicates and, of two nested spans
of the same type, keeps the longer (spaCy's "18,000" inside our "more than 18,000"). Each
source is also scored alone, so a stage owner sees what their stage contributes.

Two matching rules, per type and micro-averaged over the five types:

- exact: a prediction is correct when a gold mention of the same type has the same offsets;
- overlap: precision is the share of predictions overlapping a same-type gold mention, recall
  the share of gold mentions overlapped by a same-type prediction (as in ``geovirus``), which
  forgives the article/title boundary conventions ("the Kurdish YPG" vs "Kurdish YPG").

Gold mentions are kept even when re3d's crowd disputed them (``confidence`` < 1) and when their
offsets disagree with their ``value`` (five such mentions; counted in ``offset_mismatches``).
The error report lists, for gold mentions no same-type prediction overlaps, the type that did
overlap them (``Organisation->Location``) or ``NONE``; and spurious predictions overlapping no
gold mention of any type (including re3d types we do not score, such as Weapon).

re3d also marks pronouns as mentions ("we" as Organisation, "he" as Person): coreference that
a named-entity recognizer does not target. They stay in the main scores and are counted in
``pronoun_mentions``; ``score_re3d`` adds ``micro_without_pronouns``, the scores with those gold
mentions (and predictions overlapping only them) set aside, so the two effects can be told apart.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError
from ..records import Article, DocumentResult

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = [
    "ENTITY_LABELS",
    "PRONOUNS",
    "RE3D_TYPES",
    "SOURCES",
    "Re3dDocument",
    "Re3dMention",
    "articles_for",
    "is_pronoun",
    "predicted_mentions",
    "read_re3d",
    "score_predictions",
    "score_re3d",
]

RE3D_TYPES: tuple[str, ...] = ("Person", "Organisation", "Location", "Nationality", "Quantity")
ENTITY_LABELS: dict[str, str] = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Location",
    "LOC": "Location",
    "FAC": "Location",
    "NORP": "Nationality",
    "CARDINAL": "Quantity",
    "QUANTITY": "Quantity",
    "PERCENT": "Quantity",
}
SOURCES: tuple[str, ...] = ("entities", "places", "quantities")
_NOT_QUANTITY_KINDS = frozenset({"money"})
PRONOUNS = frozenset({
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its",
    "itself", "they", "them", "their", "theirs", "themselves", "who", "whom", "whose", "which", "that",
    "this", "these", "those",
})


def is_pronoun(text: str) -> bool:
    """A mention that is a single pronoun (coreference, not a name)."""
    return text.strip().lower() in PRONOUNS


@dataclass(frozen=True, slots=True)
class Re3dMention:
    start: int
    end: int
    type: str
    text: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Re3dDocument:
    id: str
    corpus: str  # sub-corpus directory name
    text: str
    mentions: tuple[Re3dMention, ...]  # every gold type, scored or not


def _json_lines(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Errors.EC024, what=path, detail=str(exc)) from exc


def _corpus_dirs(root: Path) -> list[Path]:
    for base in (root, root / "re3d"):
        if (base / "documents.json").is_file():
            return [base]
        found = sorted(p.parent for p in base.glob("*/documents.json"))
        if found:
            return found
    raise InputError(Errors.EC008, what=f"re3d documents.json under {root}")


def read_re3d(root: Path) -> list[Re3dDocument]:
    """Documents of every sub-corpus under ``root`` (the data directory, ``re3d/`` or one sub-corpus)."""
    docs: list[Re3dDocument] = []
    for folder in _corpus_dirs(Path(root)):
        by_doc: dict[str, list[Re3dMention]] = {}
        ents = _json_lines(folder / "entities.json") if (folder / "entities.json").is_file() else []
        for ent in ents:
            mention = Re3dMention(int(ent["begin"]), int(ent["end"]), str(ent["type"]),
                                  str(ent.get("value", "")), float(ent.get("confidence", 1.0)))
            by_doc.setdefault(str(ent["documentId"]), []).append(mention)
        for rec in _json_lines(folder / "documents.json"):
            doc_id = str(rec["_id"])
            mentions = sorted(set(by_doc.get(doc_id, ())), key=lambda m: (m.start, m.end, m.type))
            docs.append(Re3dDocument(doc_id, folder.name, str(rec.get("text") or ""), tuple(mentions)))
    return docs


def _drop_nested(spans: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """Of same-type spans where one contains another, keep the outer one."""
    return {
        s for s in spans
        if not any(o != s and o[2] == s[2] and o[0] <= s[0] and s[1] <= o[1] for o in spans)
    }


def predicted_mentions(result: DocumentResult, sources: Iterable[str] = SOURCES) -> set[tuple[int, int, str]]:
    """Our spans as (start, end, re3d type) from the chosen sources (see the module docstring)."""
    chosen = set(sources)
    spans: set[tuple[int, int, str]] = set()
    if "entities" in chosen:
        spans |= {(e.start, e.end, ENTITY_LABELS[e.label])
                  for e in result.entities if e.label in ENTITY_LABELS}
    if "places" in chosen:
        spans |= {(p.start, p.end, "Location") for p in result.places}
    if "quantities" in chosen:
        spans |= {(q.start, q.end, "Quantity")
                  for q in result.quantities if q.kind not in _NOT_QUANTITY_KINDS}
    return _drop_nested(spans) if len(chosen) > 1 else spans


def _prf(tp_p: int, pred: int, tp_r: int, gold: int) -> dict[str, float | int]:
    p = tp_p / pred if pred else 0.0
    r = tp_r / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_predictions(
    docs: Sequence[Re3dDocument],
    results: Sequence[DocumentResult],
    sources: Iterable[str] = SOURCES,
    examples: int = 10,
    pronouns: bool = True,
) -> dict[str, Any]:
    """Per-type and micro P/R/F1 (exact and overlap) of ``results`` against ``docs``' gold.

    With ``pronouns=False`` gold pronoun mentions are set aside, and so are predictions that
    overlap one of them and no other gold mention.
    """
    by_id = {r.id: r for r in results}
    chosen = tuple(sources)
    counts = {t: Counter[str]() for t in RE3D_TYPES}
    confusions: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    missed_text: Counter[str] = Counter()
    spurious_text: Counter[str] = Counter()
    mismatches = failed = pronoun_count = 0
    for doc in docs:
        result = by_id.get(doc.id)
        preds = predicted_mentions(result, chosen) if result is not None and result.status == "ok" else set()
        failed += result is None or result.status != "ok"
        every_gold = {(m.start, m.end, m.type) for m in doc.mentions}
        gold = {g for g in every_gold if g[2] in RE3D_TYPES}
        prons = {g for g in gold if is_pronoun(doc.text[g[0]:g[1]])}
        pronoun_count += len(prons)
        if not pronouns and prons:
            gold -= prons
            every_gold -= prons
            preds = {p for p in preds
                     if not any(_overlaps(p, g) for g in prons) or any(_overlaps(p, g) for g in every_gold)}
        mismatches += sum(doc.text[m.start:m.end] != m.text for m in doc.mentions if m.type in RE3D_TYPES)
        for t in RE3D_TYPES:
            g_t = {g for g in gold if g[2] == t}
            p_t = {p for p in preds if p[2] == t}
            c = counts[t]
            c["gold"] += len(g_t)
            c["pred"] += len(p_t)
            c["exact"] += len(g_t & p_t)
            c["overlap_p"] += sum(any(_overlaps(p, g) for g in g_t) for p in p_t)
            c["overlap_r"] += sum(any(_overlaps(g, p) for p in p_t) for g in g_t)
        for g in gold:
            if any(p[2] == g[2] and _overlaps(g, p) for p in preds):
                continue
            others = sorted({p[2] for p in preds if _overlaps(g, p)})
            confusions[f"{g[2]}->{'|'.join(others) or 'NONE'}"] += 1
            missed_text[f"{g[2]}: {doc.text[g[0]:g[1]]}"] += 1
        for p in preds:
            if not any(_overlaps(p, g) for g in every_gold):
                spurious[p[2]] += 1
                spurious_text[f"{p[2]}: {doc.text[p[0]:p[1]]}"] += 1
    per_type: dict[str, Any] = {}
    for t, c in counts.items():
        per_type[t] = {"gold": c["gold"], "predicted": c["pred"],
                       "exact": _prf(c["exact"], c["pred"], c["exact"], c["gold"]),
                       "overlap": _prf(c["overlap_p"], c["pred"], c["overlap_r"], c["gold"])}
    total = sum(counts.values(), Counter[str]())
    return {
        "documents": len(docs),
        "failed": failed,
        "sources": list(chosen),
        "gold": total["gold"],
        "predicted": total["pred"],
        "micro": {"exact": _prf(total["exact"], total["pred"], total["exact"], total["gold"]),
                  "overlap": _prf(total["overlap_p"], total["pred"], total["overlap_r"], total["gold"])},
        "per_type": per_type,
        "offset_mismatches": mismatches,
        "pronoun_mentions": pronoun_count,
        "missed_by_overlapping_type": dict(confusions.most_common()),
        "spurious_by_type": dict(spurious.most_common()),
        "top_missed": dict(missed_text.most_common(examples)),
        "top_spurious": dict(spurious_text.most_common(examples)),
    }


def articles_for(docs: Iterable[Re3dDocument]) -> list[Article]:
    return [Article(id=d.id, text=d.text, source=f"re3d/{d.corpus}") for d in docs]


def score_re3d(data_dir: Path, pipeline: Pipeline | None = None) -> dict[str, Any]:
    """Code every re3d document and score the combined view, then each source alone."""
    docs = read_re3d(Path(data_dir))
    if pipeline is None:
        from ..pipeline import Pipeline  # imported late: the pipeline loads spaCy

        pipeline = Pipeline()
    results = list(pipeline.pipe(articles_for(docs)))
    report = score_predictions(docs, results)
    report["micro_without_pronouns"] = score_predictions(docs, results, pronouns=False)["micro"]
    report["by_source"] = {}
    for src in SOURCES:
        alone = score_predictions(docs, results, (src,))
        report["by_source"][src] = {
            "predicted": alone["predicted"],
            "micro": alone["micro"],
            "per_type_overlap": {t: v["overlap"] for t, v in alone["per_type"].items() if v["predicted"]},
        }
    return report


if __name__ == "__main__":  # python -m eventcoder.evaluate.re3d [DATA_DIR]
    import sys

    from ..settings import default_data_dir

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default_data_dir()
    print(json.dumps(score_re3d(root), indent=1))
