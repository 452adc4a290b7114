"""Score event participants (actor, recipient) on MEANTIME's PropBank roles (issue 5).

MEANTIME (NewsReader, CAT XML) links an EVENT_MENTION (``source``) to a participant mention
(``target``) with ``HAS_PARTICIPANT`` relations whose ``sem_role`` is a PropBank role (Arg0,
Arg1, Arg2, Argm-LOC ...). We code each document's annotated text (title and sentences 1-5, as
``timex.read_meantime`` rebuilds it) with the pipeline and, for each gold event mention that has
an Arg0 or Arg1 participant, look for one of our events whose trigger overlaps it (one-to-one:
an event of ours serves one gold mention). On those covered mentions, our ``actor`` span is
compared with the gold Arg0 span(s) and our ``recipient`` span with the gold Arg1 span(s), by
character overlap. Precision is over our non-null roles, recall over gold roles.

The numbers are indicative, not a target: PLOVER actor/recipient and PropBank Arg0/Arg1 are not
the same roles. They agree for many transitive verbs ("X attacked Y": Arg0 = actor, Arg1 =
recipient) and for passives ("X was killed": Arg1 = X = our recipient), but not everywhere:
for "visit" Arg1 is the place visited, where we keep the place as the location and the
recipient is the host; for "say" Arg1 is the thing said; and MEANTIME annotates many economic
events (sell, rise, announce) PLOVER does not code at all, which lowers coverage. The counts
``actor_is_arg1`` and ``recipient_is_arg0`` show how often our roles land on the other gold role;
``missed_predicates`` lists the most frequent predicates (MEANTIME ``pred``) of uncovered mentions.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError
from ..records import Article, DocumentResult
from .timex import meantime_tokens, read_meantime

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["GoldEvent", "RolesDocument", "read_roles", "score_predictions", "score_roles"]

ROLES = ("Arg0", "Arg1")


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold event mention with its Arg0 and Arg1 participant spans (character offsets)."""

    start: int
    end: int
    pred: str
    arg0: tuple[tuple[int, int], ...] = ()
    arg1: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RolesDocument:
    id: str
    text: str
    dct: dt.date | None
    events: tuple[GoldEvent, ...]


def read_roles(path: Path) -> RolesDocument:
    """The annotated text of one MEANTIME document and its event mentions with Arg0/Arg1.

    A participant may be any markable with token anchors (usually an ENTITY_MENTION); mentions
    or participants outside the annotated sentences are dropped. Event mentions with neither an
    Arg0 nor an Arg1 participant are left out.
    """
    text, dct, _ = read_meantime(path)
    root = ET.parse(path).getroot()
    tokens = meantime_tokens(root)[1]
    mentions: dict[str, tuple[str, int, int, str]] = {}
    markables = root.find("Markables")
    for m in markables if markables is not None else []:
        pos = [tokens[a.get("t_id", "")] for a in m.iter("token_anchor") if a.get("t_id", "") in tokens]
        if pos:
            mentions[m.get("m_id", "")] = (
                m.tag,
                min(p[0] for p in pos),
                max(p[1] for p in pos),
                m.get("pred", ""),
            )
    roles: dict[str, dict[str, list[tuple[int, int]]]] = {}
    relations = root.find("Relations")
    for rel in relations.iter("HAS_PARTICIPANT") if relations is not None else []:
        role = rel.get("sem_role", "")
        src, tgt = rel.find("source"), rel.find("target")
        if role not in ROLES or src is None or tgt is None:
            continue
        event, part = mentions.get(src.get("m_id", "")), mentions.get(tgt.get("m_id", ""))
        if event is None or part is None or event[0] != "EVENT_MENTION":
            continue
        spans = roles.setdefault(src.get("m_id", ""), {}).setdefault(role, [])
        if part[1:3] not in spans:
            spans.append((part[1], part[2]))
    events = []
    for mid, by_role in roles.items():
        _, start, end, pred = mentions[mid]
        pred = pred or text[start:end].lower()  # many mentions leave ``pred`` empty
        events.append(
            GoldEvent(
                start,
                end,
                pred,
                tuple(sorted(by_role.get("Arg0", []))),
                tuple(sorted(by_role.get("Arg1", []))),
            )
        )
    events.sort(key=lambda e: (e.start, e.end))
    return RolesDocument(root.get("doc_name") or path.stem, text, dct, tuple(events))


def _overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _prf(hits_p: int, n_pred: int, hits_r: int, n_gold: int) -> dict[str, Any]:
    p = hits_p / n_pred if n_pred else 0.0
    r = hits_r / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "predicted": n_pred,
        "gold": n_gold,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
    }


def score_predictions(docs: list[RolesDocument], results: list[DocumentResult]) -> dict[str, Any]:
    """Coverage and role P/R/F1 of ``results`` (our coded documents, in ``docs`` order)."""
    by_id = {r.id: r for r in results}
    gold_events = covered = failed = our_events = 0
    # role -> [predicted, correct predictions, gold, gold found]
    counts = {"actor": [0, 0, 0, 0], "recipient": [0, 0, 0, 0]}
    crossed = {"actor_is_arg1": 0, "recipient_is_arg0": 0}
    missed: Counter[str] = Counter()
    for doc in docs:
        res = by_id.get(doc.id)
        gold_events += len(doc.events)
        if res is None or res.status != "ok":
            failed += 1
            continue
        ours = list(res.events)
        our_events += len(ours)
        used: set[int] = set()
        for g in doc.events:
            i = next(
                (
                    i
                    for i, e in enumerate(ours)
                    if i not in used and e.trigger.start < g.end and g.start < e.trigger.end
                ),
                None,
            )
            if i is None:
                missed[g.pred.lower()] += 1
                continue
            used.add(i)
            covered += 1
            ev = ours[i]
            for name, ref, gold, other, cross in (
                ("actor", ev.actor, g.arg0, g.arg1, "actor_is_arg1"),
                ("recipient", ev.recipient, g.arg1, g.arg0, "recipient_is_arg0"),
            ):
                c = counts[name]
                hit = ref is not None and _overlaps((ref.start, ref.end), gold)
                c[0] += ref is not None
                c[1] += hit
                c[2] += bool(gold)
                c[3] += hit
                crossed[cross] += ref is not None and not hit and _overlaps((ref.start, ref.end), other)
    return {
        "documents": len(docs),
        "failed": failed,
        "our_events": our_events,
        "gold_events": gold_events,
        "covered": covered,
        "coverage": round(covered / gold_events, 4) if gold_events else 0.0,
        "actor_vs_arg0": _prf(counts["actor"][1], counts["actor"][0], counts["actor"][3], counts["actor"][2]),
        "recipient_vs_arg1": _prf(
            counts["recipient"][1], counts["recipient"][0], counts["recipient"][3], counts["recipient"][2]
        ),
        **crossed,
        "missed_predicates": dict(missed.most_common(15)),
    }


def _files(data_dir: Path) -> list[Path]:
    base = data_dir / "meantime" if (data_dir / "meantime").is_dir() else data_dir
    return sorted(base.glob("intra_cross-doc_annotation/*/*.xml")) or sorted(base.glob("**/*.xml"))


def score_roles(data_dir: Path, pipeline: Pipeline | None = None) -> dict[str, Any]:
    """Score on MEANTIME English (``data_dir`` = the meantime folder or the data root).

    Each document is coded with its creation date as the publication date. See the module
    docstring for why PLOVER actor/recipient and PropBank Arg0/Arg1 differ.
    """
    files = _files(data_dir)
    if not files:
        raise InputError(Errors.EC022, what=str(data_dir))
    docs = [read_roles(p) for p in files]
    if pipeline is None:
        from ..pipeline import Pipeline

        pipeline = Pipeline()
    articles = [
        Article(
            id=d.id,
            text=d.text,
            published=d.dct.isoformat() if d.dct else None,
            published_source="metadata" if d.dct else None,
        )
        for d in docs
    ]
    return score_predictions(docs, list(pipeline.pipe(articles)))


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    import sys

    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    print(json.dumps(score_roles(root), indent=1))
