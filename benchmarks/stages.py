"""What each stage after parsing costs, as a share of the whole pipeline's time.

    python benchmarks/stages.py [--corpus DIR_OR_FILE] [--limit N] [--repeat K] [--json]

Parses the corpus once with the pipeline's own model (timed: the spaCy share), then runs each
stage function over the parsed documents (timed separately) and the whole ``_code_doc`` (all
stages together). The issue's budget for places is "at most 15 % of the pipeline's time", so the
report gives ``places / (parse + all stages)``. Timings are the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import default_corpus, machine, read_corpus

from eventcoder.pipeline import Pipeline
from eventcoder.records import Article
from eventcoder.stages.dates import extract_times
from eventcoder.stages.linguistic import parse_many
from eventcoder.stages.places import extract_places
from eventcoder.stages.quantities import extract_quantities


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(texts: list[str], repeat: int = 3) -> dict[str, Any]:
    pipeline = Pipeline()
    articles = [Article(id=f"b{i}", text=t) for i, t in enumerate(texts)]
    parsed: list[Any] = []

    def parse() -> None:
        parsed.clear()
        parsed.extend(doc for doc, _ in parse_many(pipeline.nlp, ((t, None) for t in texts)))

    parse()  # warm-up (loads lazily built caches)
    t_parse = _best(parse, repeat)
    docs = list(parsed)
    gaz = pipeline.gazetteer
    stages: dict[str, Callable[[], object]] = {
        "places": lambda: [extract_places(d, gaz) for d in docs],
        "dates": lambda: [extract_times(d, None) for d in docs],
        "quantities": lambda: [extract_quantities(d) for d in docs],
        "all_stages": lambda: [pipeline._code_doc(d, a) for d, a in zip(docs, articles, strict=True)],
    }
    for fn in stages.values():
        fn()  # warm-up: gazetteer lookups and lexicons cached as in a long batch
    timed = {name: _best(fn, repeat) for name, fn in stages.items()}
    total = t_parse + timed["all_stages"]
    return {
        "documents": len(texts),
        "words": sum(len(t.split()) for t in texts),
        "parse_s": round(t_parse, 3),
        **{f"{k}_s": round(v, 3) for k, v in timed.items()},
        "places_share_of_pipeline": round(timed["places"] / total, 4),
        "stages_share_of_pipeline": round(timed["all_stages"] / total, 4),
        "repeat": repeat,
        "machine": machine(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="file or directory (default: examples + shared data)")
    ap.add_argument("--limit", type=int, default=None, help="first N texts only")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    corpus = read_corpus(args.corpus) if args.corpus else default_corpus()
    texts = [t for _, t in corpus][: args.limit]
    if not texts:
        print("no texts found", file=sys.stderr)
        return 3
    result = measure(texts, args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:28s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
