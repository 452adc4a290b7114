"""What the places stage costs on long documents, and whether it grows linearly with length.

    python benchmarks/places_long.py [--sizes 10000,50000,200000] [--repeat 3] [--profile N] [--json]

Builds one long document of each size by concatenating our own paragraphs (the bundled
``examples/article.txt`` and the texts of our news set's ``dev`` part, in order, repeated as
needed), parses it once with the pipeline's model, then times ``extract_places`` on the parsed
document (best of ``--repeat``). ``per_10k_chars_s`` should stay about flat as the size grows
when the stage is linear. ``--profile N`` prints cProfile's top functions for the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import machine

from eventcoder.evaluate.news import read_news_part
from eventcoder.gazetteer import Gazetteer
from eventcoder.settings import default_cache_dir
from eventcoder.stages.linguistic import load_nlp, parse_many
from eventcoder.stages.places import extract_places

ROOT = Path(__file__).resolve().parent.parent


def paragraphs() -> list[str]:
    """Our own paragraphs: the example article's and the news dev part's, in order."""
    texts = [(ROOT / "examples" / "article.txt").read_text(encoding="utf-8")]
    texts += [d.text for d in read_news_part("dev") or []]
    return [p.strip() for t in texts for p in t.split("\n\n") if p.strip()]


def long_text(n_chars: int) -> str:
    """Paragraphs joined by blank lines, repeated until the text has ``n_chars`` characters."""
    paras = paragraphs()
    out: list[str] = []
    size = i = 0
    while size < n_chars:
        out.append(paras[i % len(paras)])
        size += len(out[-1]) + 2
        i += 1
    return "\n\n".join(out)[:n_chars]


def measure(sizes: list[int], repeat: int = 3, profile: int = 0) -> dict[str, Any]:
    nlp = load_nlp()
    gaz = Gazetteer.open(default_cache_dir())
    rows = []
    for size in sizes:
        text = long_text(size)
        [(doc, _)] = list(parse_many(nlp, [(text, None)]))
        extract_places(doc, gaz)  # warm-up: lexicons and lookups cached as in a long batch
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            places = extract_places(doc, gaz)
            times.append(time.perf_counter() - start)
        best = min(times)
        rows.append({"chars": size, "tokens": len(doc), "places": len(places),
                     "extract_places_s": round(best, 3), "per_10k_chars_s": round(best * 10_000 / size, 4)})
        if profile and size == max(sizes):
            prof = cProfile.Profile()
            prof.enable()
            extract_places(doc, gaz)
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(profile)
    return {"sizes": rows, "repeat": repeat, "machine": machine()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,50000,200000", help="document sizes, characters")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, help="cProfile's top N (largest size)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = measure([int(s) for s in args.sizes.split(",")], args.repeat, args.profile)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for row in result["sizes"]:
            print("  ".join(f"{k} {v}" for k, v in row.items()))
        print("machine", result["machine"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
