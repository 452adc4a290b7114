"""Evaluation: gold readers and scorers, and ``run_evaluation`` behind ``eventcoder evaluate``.

Readers turn an answer key into typed gold records; scorers compare them with the frozen
``DocumentResult`` records the pipeline emits, so any stored output can be scored again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Errors, InputError
from ..records import Article
from ..settings import Settings
from .gold import GoldDocument, gold_files, read_gold, read_gold_dir
from .score import PRF, Accuracy, DocScore, Report, check_floors, evaluate, raise_floors, score_document

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = [
    "PRF",
    "Accuracy",
    "DocScore",
    "GoldDocument",
    "Report",
    "check_floors",
    "corpus_digest",
    "evaluate",
    "gold_articles",
    "raise_floors",
    "read_gold",
    "read_gold_dir",
    "run_evaluation",
    "score_document",
]


def gold_articles(golds: list[GoldDocument]) -> list[Article]:
    """The articles to code: the gold's text with its publisher and publication date as metadata."""
    return [
        Article(
            id=g.doc_id,
            text=g.text,
            publisher=g.publisher,
            published=g.published,
            source=str(g.text_path),
            published_source="metadata" if g.published else None,
        )
        for g in golds
    ]


def corpus_digest(gold_dir: str | Path) -> str:
    """sha256 over every gold file and the text it names, so a changed corpus is noticed."""
    digest = hashlib.sha256()
    for path in gold_files(gold_dir):
        gold = read_gold(path)
        for part in (path.name, path.read_text(encoding="utf-8"), gold.text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
    return digest.hexdigest()


def run_evaluation(
    gold_dir: Path, pipeline: Pipeline | None = None, settings: Settings | None = None
) -> Report:
    """Read every gold file in ``gold_dir``, code its text, and score the results."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise InputError(Errors.EC008, what=str(gold_dir))
    golds = read_gold_dir(gold_dir)
    if not golds:
        raise InputError(Errors.EC022, what=f"{gold_dir} (no *.json gold files)")
    if pipeline is None:
        from ..pipeline import Pipeline  # imported late: the pipeline loads spaCy

        pipeline = Pipeline(settings)
    results = list(pipeline.pipe(gold_articles(golds)))
    return evaluate(results, golds)
