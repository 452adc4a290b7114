"""Throughput of eventcoder against bare spaCy on the same texts, in the same run.

    python benchmarks/throughput.py [--corpus DIR_OR_FILE] [--limit N] [--repeat K] [--json]

Both sides use one worker and the same model (``load_nlp``); both are warmed up first, and
the order alternates between repeats so neither always runs on a warmer cache. The ratio
eventcoder/spaCy says what the stages after parsing cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_NO_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]}”’]|'s\b|'re\b|n't\b|'ll\b|'ve\b|'d\b|'m\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$“‘]) ")


def _detokenize(tokens: list[str]) -> str:
    """Cheap detokenizer for token-per-element corpora: good enough for timing."""
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", " ".join(tokens)))


def meantime_text(path: Path) -> str:
    """Plain text of a MEANTIME CAT XML file: tokens joined per sentence, sentences per line."""
    sentences: dict[str, list[str]] = {}
    for token in ET.parse(path).getroot().iter("token"):
        sentences.setdefault(token.get("sentence", "0"), []).append(token.text or "")
    return "\n".join(_detokenize(tokens) for tokens in sentences.values())


def conllu_text(path: Path) -> str:
    """Plain text of a CoNLL-U file from its ``# text =`` lines, paragraphs at ``# newpar``."""
    paragraphs: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and not line.startswith("# newpar_"):
            paragraphs.append([])
        elif line.startswith("# text = "):
            if not paragraphs:
                paragraphs.append([])
            paragraphs[-1].append(line[len("# text = ") :])
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def xml_texts(path: Path) -> list[str]:
    """Texts of an XML file: MEANTIME token files, else every ``<text>`` element (GeoVirus)."""
    root = ET.parse(path).getroot()
    if root.find("token") is not None:
        return [meantime_text(path)]
    return [t.text.strip() for t in root.iter("text") if t.text and t.text.strip()]


def read_corpus(target: Path) -> list[tuple[str, str]]:
    """(source label, text) from a file or a directory (txt, jsonl, xml, conllu)."""
    files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
    out: list[tuple[str, str]] = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".txt" and path.name.upper() not in {"LICENSE.TXT", "README.TXT"}:
            out.append((path.name, path.read_text(encoding="utf-8")))
        elif suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and isinstance(text := json.loads(line).get("text"), str):
                    out.append((path.name, text))
        elif suffix == ".xml":
            out.extend((path.name, t) for t in xml_texts(path))
        elif suffix == ".conllu":
            out.append((path.name, conllu_text(path)))
    return [(label, text) for label, text in out if text.strip()]


def default_corpus() -> list[tuple[str, str]]:
    """Bundled examples plus MEANTIME, GUM news and GeoVirus under $EVENTCODER_DATA, when present."""
    out: list[tuple[str, str]] = []
    for directory in (REPO / "examples", REPO / "src" / "eventcoder" / "examples"):
        if directory.is_dir():
            out += [("examples", p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.txt"))]
    data = Path(os.environ.get("EVENTCODER_DATA", str(REPO / ".." / "shared" / "data")))
    for path in sorted((data / "meantime").rglob("*.xml")):
        out.append(("meantime", meantime_text(path)))
    for path in sorted((data / "gum_news").rglob("*.conllu")):
        out.append(("gum_news", conllu_text(path)))
    geovirus = data / "geovirus" / "GeoVirus.xml"
    if geovirus.is_file():
        out += [("geovirus", t) for t in xml_texts(geovirus)]
    return [(label, text) for label, text in out if text.strip()]


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import spacy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _run_spacy(nlp: Any, texts: list[str], batch_size: int) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def _run_eventcoder(pipeline: Any, articles: list[Any], batch_size: int) -> tuple[float, int]:
    start = time.perf_counter()
    failed = sum(r.status != "ok" for r in pipeline.pipe(articles, batch_size=batch_size))
    return time.perf_counter() - start, failed


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def benchmark(texts: list[str], repeat: int = 1, batch_size: int = 32, warmup: int = 8) -> dict[str, Any]:
    from eventcoder.records import Article
    from eventcoder.settings import Settings
    from eventcoder.stages.linguistic import load_nlp

    settings = Settings()
    t0 = time.perf_counter()
    nlp = load_nlp(settings.model)
    load_spacy = time.perf_counter() - t0
    try:
        from eventcoder.pipeline import Pipeline
    except ModuleNotFoundError as exc:
        if exc.name != "eventcoder.pipeline":
            raise
        pipeline = None  # not landed yet: spaCy only
    else:
        t0 = time.perf_counter()
        pipeline = Pipeline(settings)
        load_pipeline = time.perf_counter() - t0
    articles = [Article(id=f"bench-{i}", text=t) for i, t in enumerate(texts)]

    _run_spacy(nlp, texts[:warmup], batch_size)
    if pipeline is not None:
        _run_eventcoder(pipeline, articles[:warmup], batch_size)
    spacy_times: list[float] = []
    coder_times: list[float] = []
    failed = 0
    for k in range(repeat):
        order = ("spacy", "eventcoder") if k % 2 == 0 else ("eventcoder", "spacy")
        for side in order:
            if side == "spacy":
                spacy_times.append(_run_spacy(nlp, texts, batch_size))
            elif pipeline is not None:
                seconds, failed = _run_eventcoder(pipeline, articles, batch_size)
                coder_times.append(seconds)

    words = sum(len(t.split()) for t in texts)

    def summary(times: list[float]) -> dict[str, Any] | None:
        if not times:
            return None
        seconds = statistics.median(times)
        return {
            "seconds": round(seconds, 3),
            "docs_per_s": round(len(texts) / seconds, 2),
            "words_per_s": round(words / seconds, 1),
            "runs": [round(t, 3) for t in times],
        }

    spacy_side, coder_side = summary(spacy_times), summary(coder_times)
    out: dict[str, Any] = {
        "machine": machine(),
        "model": f"{settings.model} {nlp.meta.get('version', '?')}",
        "docs": len(texts),
        "words": words,
        "chars": sum(len(t) for t in texts),
        "repeat": repeat,
        "batch_size": batch_size,
        "workers": 1,
        "load_seconds": {"spacy": round(load_spacy, 2)},
        "spacy": spacy_side,
        "eventcoder": coder_side,
        "eventcoder_failed_docs": failed if pipeline is not None else None,
        "ratio_eventcoder_over_spacy": None,
        # one process holds the model and the pipeline: its high-water mark is one worker's peak RSS
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if pipeline is not None:
        out["load_seconds"]["eventcoder"] = round(load_pipeline, 2)
    if spacy_side and coder_side:
        out["ratio_eventcoder_over_spacy"] = round(coder_side["docs_per_s"] / spacy_side["docs_per_s"], 3)
    return out


def render(result: dict[str, Any], sources: dict[str, int]) -> str:
    m = result["machine"]
    lines = [
        f"eventcoder throughput benchmark, {m['date']}",
        f"machine: {m['cpu']} ({m['cores']} cores), Python {m['python']}, spaCy {m['spacy']}, "
        f"model {result['model']}",
        f"corpus: {result['docs']} texts, {result['words']:,} words ("
        + ", ".join(f"{k} {v}" for k, v in sources.items())
        + f"); 1 worker, batch {result['batch_size']}, "
        f"median of {result['repeat']}",
        "",
        f"{'':<18}{'docs/s':>10}{'words/s':>12}{'seconds':>10}",
    ]
    for name, key in (("spaCy nlp.pipe", "spacy"), ("eventcoder", "eventcoder")):
        side = result[key]
        if side is None:
            lines.append(f"{name:<18}{'(eventcoder.pipeline not available)':>32}")
        else:
            lines.append(
                f"{name:<18}{side['docs_per_s']:>10.2f}{side['words_per_s']:>12,.0f}{side['seconds']:>10.2f}"
            )
    if result["ratio_eventcoder_over_spacy"] is not None:
        lines += [
            "",
            f"ratio eventcoder/spaCy: {result['ratio_eventcoder_over_spacy']:.3f}"
            f"  (failed documents: {result['eventcoder_failed_docs']})",
        ]
    lines.append(f"peak RSS of the process (one worker): {result['peak_rss_mb']} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, help="a file (txt, jsonl, xml, conllu) or a directory of them")
    parser.add_argument("--limit", type=int, default=0, help="use N evenly spaced texts (0: all)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per side (median reported)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.corpus is not None and not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 3
    corpus = read_corpus(args.corpus) if args.corpus is not None else default_corpus()
    if 0 < args.limit < len(corpus):  # evenly spaced, so a small run still mixes the sources
        corpus = [corpus[i * len(corpus) // args.limit] for i in range(args.limit)]
    if not corpus:
        print("no texts found (pass --corpus, or set EVENTCODER_DATA)", file=sys.stderr)
        return 3
    sources: dict[str, int] = {}
    for label, _ in corpus:
        key = label if args.corpus is None else "corpus"
        sources[key] = sources.get(key, 0) + 1
    result = benchmark([t for _, t in corpus], repeat=max(1, args.repeat), batch_size=args.batch_size)
    result["sources"] = sources
    print(json.dumps(result, indent=2) if args.json else render(result, sources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
