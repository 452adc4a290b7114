"""Score cross-article fusion: our own fixture set (``resources/fusion/``) and MEANTIME's
cross-document event instances.

The fixture set is short articles we wrote (fictional incidents at real places), several
outlets telling each story with different counts, wording, dates and place precision, a
counter-claim, and near-misses that must stay apart (the same place a day later, the same actors
in another town, another protest in the same city on the same day). Its guideline is
``resources/fusion/GUIDELINE.md``; ``dev.jsonl`` is the part rules were written on,
``heldout.jsonl``, ``heldout2.jsonl`` and ``heldout3.jsonl`` parts they were not, each measured
once and then read for error analysis (so development data now), and ``heldout4.jsonl`` the part
written before the errors of ``heldout3`` were read: never read for rules.

Each gold mention names its event (cluster) and its trigger phrase; the mention's span is that
phrase's first occurrence in the text. The pipeline codes every article, fusion clusters every
report, and each gold mention takes the fused event of the report whose trigger overlaps it (a
mention no report covers is a cluster of its own, which costs recall). Scores over the gold
mentions: pairwise precision/recall, MUC, B³ and CEAF-e (entity-based, with the optimal
alignment), and CoNLL F1, their mean.

MEANTIME (``intra_cross-doc_annotation``) links event mentions of 120 Wikinews articles on four
stories to corpus-level event instances. Most are economic events PLOVER does not code, so it
is scored on the gold mentions our reports cover (indicative), and it gives the ratio of fused
events to reports on a corpus of several articles per story.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError
from ..fusion import FusionOptions, fuse, reports_from_document
from ..records import Article, DocumentResult, FusedEvent
from .timex import meantime_tokens, read_meantime

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["FusionDoc", "GoldMention", "cluster_scores", "evaluate_fusion", "read_fixture_set",
           "read_meantime_fusion", "score_fusion", "score_fusion_meantime"]

FIXTURE_SETS = ("dev", "heldout", "heldout2", "heldout3", "heldout4")


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    event: str  # the real-world event (cluster) it tells
    near_miss: str | None = None  # a neighbouring event it must not fuse with
    type: str | None = None  # its PLOVER type


@dataclass(frozen=True, slots=True)
class FusionDoc:
    id: str
    text: str
    published: str | None
    publisher: str | None
    mentions: tuple[GoldMention, ...]


def read_fixture_set(name: str) -> list[FusionDoc]:
    """One half of our fixture set (``dev`` or ``heldout``)."""
    if name not in FIXTURE_SETS:
        raise InputError(Errors.EC028, value=name, option="fusion set",
                         detail=f"choose {', '.join(FIXTURE_SETS)}")
    source = files("eventcoder.resources") / "fusion" / f"{name}.jsonl"
    out = []
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        mentions = []
        for g in rec["gold"]:
            start = rec["text"].find(g["trigger"])
            if start < 0:
                raise InputError(Errors.EC024, what=f"{name}.jsonl line {n}",
                                 detail=f"trigger {g['trigger']!r} is not in the text")
            mentions.append(GoldMention(start, start + len(g["trigger"]), g["event"], g.get("near_miss"),
                                        g.get("type")))
        out.append(FusionDoc(rec["id"], rec["text"], rec.get("published"), rec.get("publisher"),
                             tuple(mentions)))
    return out


def read_meantime_fusion(data_dir: Path) -> list[FusionDoc]:
    """MEANTIME's annotated text per document with each event mention's corpus-level instance."""
    root_dir = data_dir / "meantime" / "intra_cross-doc_annotation"
    if not root_dir.is_dir():
        raise InputError(Errors.EC022, what=str(root_dir))
    docs = []
    for path in sorted(root_dir.glob("*/*.xml")):
        text, dct, _ = read_meantime(path)
        root = ET.parse(path).getroot()
        tokens = meantime_tokens(root)[1]
        spans: dict[str, tuple[int, int]] = {}
        instance: dict[str, str] = {}
        markables = root.find("Markables")
        for m in markables if markables is not None else []:
            if m.tag == "EVENT_MENTION":
                ids = [a.get("t_id", "") for a in m.iter("token_anchor")]
                pos = [tokens[i] for i in ids if i in tokens]
                if pos:
                    spans[m.get("m_id", "")] = (min(p[0] for p in pos), max(p[1] for p in pos))
            elif m.tag == "EVENT" and m.get("instance_id"):
                instance[m.get("m_id", "")] = str(m.get("instance_id"))
        relations = root.find("Relations")
        mentions = []
        for rel in relations.iter("REFERS_TO") if relations is not None else []:
            tgt = rel.find("target")
            inst = instance.get(tgt.get("m_id", "")) if tgt is not None else None
            if inst is None:
                continue
            for src in rel.iter("source"):
                span = spans.get(src.get("m_id", ""))
                if span is not None:
                    mentions.append(GoldMention(span[0], span[1], inst))
        docs.append(FusionDoc(root.get("doc_name") or path.stem, text,
                              dct.isoformat() if isinstance(dct, dt.date) else None, "Wikinews",
                              tuple(sorted(set(mentions), key=lambda g: (g.start, g.end)))))
    return docs


# -- clustering scores --------------------------------------------------------------------------
def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(p: float, r: float) -> dict[str, float]:
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(_f1(p, r), 4)}


def _muc_part(key: Sequence[frozenset[int]], response: Sequence[frozenset[int]]) -> float:
    where = {m: i for i, c in enumerate(response) for m in c}
    num = den = 0
    for k in key:
        parts = {where.get(m, -1 - m) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num / den if den else 1.0


def cluster_scores(key: Sequence[frozenset[int]], response: Sequence[frozenset[int]]) -> dict[str, Any]:
    """Pairwise, MUC, B³, CEAF-e and CoNLL F1 of ``response`` against ``key``: two partitions of
    the same mentions (integers)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    kof = {m: k for k in key for m in k}
    rof = {m: r for r in response for m in r}
    mentions = sorted(kof)
    b3p = sum(len(kof[m] & rof[m]) / len(rof[m]) for m in mentions) / len(mentions)
    b3r = sum(len(kof[m] & rof[m]) / len(kof[m]) for m in mentions) / len(mentions)
    muc_r, muc_p = _muc_part(key, response), _muc_part(response, key)
    sim = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = float(sim[rows, cols].sum())
    ceaf_p, ceaf_r = total / len(response), total / len(key)
    kp = {p for k in key for p in combinations(sorted(k), 2)}
    rp = {p for r in response for p in combinations(sorted(r), 2)}
    pair_p = len(kp & rp) / len(rp) if rp else 1.0
    pair_r = len(kp & rp) / len(kp) if kp else 1.0
    conll = (_f1(muc_p, muc_r) + _f1(b3p, b3r) + _f1(ceaf_p, ceaf_r)) / 3
    return {"pairwise": _prf(pair_p, pair_r), "muc": _prf(muc_p, muc_r), "b3": _prf(b3p, b3r),
            "ceaf_e": _prf(ceaf_p, ceaf_r), "conll_f1": round(conll, 4)}


# -- running ------------------------------------------------------------------------------------
def _articles(docs: Iterable[FusionDoc]) -> list[Article]:
    return [Article(id=d.id, text=d.text, published=d.published, publisher=d.publisher,
                    published_source="metadata" if d.published else None) for d in docs]


def _system_cluster(doc: DocumentResult, m: GoldMention, fused_of: dict[str, str]) -> str | None:
    """The fused event of the report that tells this mention: the one whose trigger (or one of its
    repeated ``mentions``) overlaps it, else one of the mention's type in its sentence (the coder
    may anchor the same event on another word of the clause: "10 were killed when jets struck",
    "an air strike killed 12")."""
    best, overlap = None, 0
    for ev in doc.events:
        for span in (ev.trigger, *ev.mentions):
            o = min(span.end, m.end) - max(span.start, m.start)
            if o > overlap:
                best, overlap = ev, o
    if best is None and m.type is not None:
        same = [ev for ev in doc.events
                if ev.type == m.type and ev.sentence.start <= m.start < ev.sentence.end]
        if same:
            best = min(same, key=lambda ev: abs(ev.trigger.start - m.start))
    return None if best is None else fused_of.get(best.id)


def evaluate_fusion(docs: Sequence[FusionDoc], pipeline: Pipeline, options: FusionOptions | None = None,
                    coded: Sequence[DocumentResult] | None = None) -> dict[str, Any]:
    """Code ``docs``, fuse every report, score the clusters of the gold mentions."""
    results = list(coded) if coded is not None else list(pipeline.pipe(_articles(docs)))
    failed = [r.id for r in results if r.status != "ok"]
    reports = [rep for r in results if r.status == "ok" for rep in reports_from_document(r)]
    fused: list[FusedEvent] = fuse(reports, options)
    fused_of = {rep.event_id: ev.id for ev in fused for rep in ev.reports}
    by_id = {r.id: r for r in results}
    gold_of: dict[int, str] = {}
    system_of: dict[int, str] = {}
    where: dict[int, str] = {}
    near: dict[str, str] = {}
    missed = 0
    for d in docs:
        for m in d.mentions:
            k = len(gold_of)
            gold_of[k] = m.event
            where[k] = d.id
            if m.near_miss:
                near[m.event] = m.near_miss
            got = _system_cluster(by_id[d.id], m, fused_of) if d.id in by_id else None
            if got is None:
                missed += 1
                got = f"missed-{k}"
            system_of[k] = got
    out: dict[str, Any] = {
        "documents": len(docs), "failed": len(failed), "mentions": len(gold_of),
        "gold_events": len(set(gold_of.values())), "covered": len(gold_of) - missed,
        "reports": len(reports), "fused_events": len(fused),
        "fused_per_report": round(len(fused) / len(reports), 4) if reports else None,
        "cross_document": sum(1 for ev in fused if len(ev.documents) > 1),
    }
    if not gold_of:
        return out
    key = _partition(gold_of)
    response = _partition(system_of)
    out.update(cluster_scores(key, response))
    # which gold events were split, and which were wrongly fused together (with the mentions' documents)
    merged: Counter[tuple[str, str]] = Counter()
    for members in response:
        events = sorted({gold_of[m] for m in members})
        for a, b in combinations(events, 2):
            merged[(a, b)] += 1
    split: dict[str, list[list[str]]] = {}
    for cluster in key:
        systems = sorted({system_of[m] for m in cluster})
        if len(systems) > 1:
            split[gold_of[min(cluster)]] = [sorted(where[m] for m in cluster if system_of[m] == s)
                                            for s in systems]
    out["wrongly_fused"] = [f"{a} + {b}" for a, b in sorted(merged)]
    out["split"] = split
    out["near_misses_fused"] = sorted(f"{a} + {b}" for a, b in merged
                                      if near.get(a) == b or near.get(b) == a)
    return out


def _partition(of: dict[int, str]) -> list[frozenset[int]]:
    groups: dict[str, set[int]] = defaultdict(set)
    for m, c in of.items():
        groups[c].add(m)
    return [frozenset(g) for _, g in sorted(groups.items())]


def score_fusion(pipeline: Pipeline | None = None, options: FusionOptions | None = None) -> dict[str, Any]:
    """Each part of our fixture set, scored separately and together."""
    from ..pipeline import Pipeline

    pipe = pipeline or Pipeline()
    halves = {name: read_fixture_set(name) for name in FIXTURE_SETS}
    coded = {name: list(pipe.pipe(_articles(docs))) for name, docs in halves.items()}
    out = {name: evaluate_fusion(docs, pipe, options, coded[name]) for name, docs in halves.items()}
    out["all"] = evaluate_fusion([d for docs in halves.values() for d in docs], pipe, options,
                                 [r for name in FIXTURE_SETS for r in coded[name]])
    return out


def score_fusion_meantime(data_dir: Path, pipeline: Pipeline | None = None,
                          options: FusionOptions | None = None) -> dict[str, Any]:
    """MEANTIME: fused events per report, and cross-document scores on the covered mentions."""
    from ..pipeline import Pipeline

    pipe = pipeline or Pipeline()
    docs = read_meantime_fusion(data_dir)
    results = list(pipe.pipe(_articles(docs)))
    full = evaluate_fusion(docs, pipe, options, results)
    # scored on the gold mentions one of our reports covers: the rest are events PLOVER does not code
    covered_docs = []
    by_id = {r.id: r for r in results}
    for d in docs:
        doc = by_id[d.id]
        keep = tuple(m for m in d.mentions
                     if any(min(ev.trigger.end, m.end) > max(ev.trigger.start, m.start) for ev in doc.events))
        covered_docs.append(FusionDoc(d.id, d.text, d.published, d.publisher, keep))
    covered = evaluate_fusion(covered_docs, pipe, options, results)
    keys = ("documents", "mentions", "gold_events", "covered", "reports", "fused_events",
            "fused_per_report", "cross_document")
    out = {k: full[k] for k in keys}
    out["on_covered_mentions"] = {k: covered[k] for k in ("mentions", "gold_events", "pairwise", "muc", "b3",
                                                          "ceaf_e", "conll_f1") if k in covered}
    return out
