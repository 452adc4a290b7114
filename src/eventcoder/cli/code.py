"""``eventcoder code``: read inputs, code them (in parallel), write records, summarise."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..actordict import load_actor_dictionary
from ..batch import BatchSummary, code_parallel, default_workers
from ..errors import Errors, ExitCode
from ..ingest import input_kind, iter_articles
from ..output import format_from_path, open_writer
from ..records import DocumentResult
from ..settings import Settings

__all__ = ["count_documents", "run_code"]


def count_documents(paths: Sequence[str]) -> int | None:
    """Number of documents when it is known without reading them (files, not JSONL or stdin)."""
    total = 0
    for p in paths:
        if p == "-":
            return None
        if os.path.isdir(p):
            for _root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for f in files:
                    if f.startswith("."):
                        continue
                    if input_kind(f)[0] == "jsonl":
                        return None
                    total += 1
        elif input_kind(p)[0] == "jsonl":
            return None
        else:
            total += 1
    return total


def _progress(
    results: Iterator[DocumentResult], total: int | None, enabled: bool
) -> Iterator[DocumentResult]:
    if not enabled:
        yield from results
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1) as bar:
        for doc in results:
            bar.update(1)
            yield doc


def run_code(args: argparse.Namespace) -> int:
    settings = Settings(
        max_chars=args.max_chars,
        published=args.published,
        publisher=args.publisher,
        actors=Path(args.actors) if args.actors else None,
    )
    if settings.actors is not None:
        load_actor_dictionary(settings.actors)  # a bad file stops the command before any work (EC029)
    fmt = format_from_path(args.output, args.format)
    existing = [p for p in args.paths if p == "-" or os.path.exists(p)]
    if not existing:
        for p in args.paths:
            print(f"eventcoder: {Errors.EC008.format(what=p)}", file=sys.stderr)
        return ExitCode.MISSING_INPUT
    total = count_documents(existing)
    total_all = None if total is None else total + len(args.paths) - len(existing)
    workers = args.workers or default_workers()
    if total is not None and total <= 2:
        workers = 1  # loading a pipeline per worker costs more than it saves
    writer = open_writer(args.output, fmt)
    summary = BatchSummary()
    started = time.perf_counter()
    show_progress = sys.stderr.isatty() and not args.quiet
    try:
        results = code_parallel(iter_articles(args.paths, settings), settings, workers)
        for doc in _progress(results, total_all, show_progress):
            writer.write(doc)
            summary.add(doc)
    finally:
        writer.close()
    elapsed = time.perf_counter() - started
    if not args.quiet:
        rate = summary.documents / elapsed if elapsed > 0 else 0.0
        print(f"eventcoder: {summary.text()} in {elapsed:.1f} s ({rate:.1f} docs/s)", file=sys.stderr)
    if summary.documents == 0:
        print(f"eventcoder: {Errors.EC022.format(what=', '.join(args.paths))}", file=sys.stderr)
        return ExitCode.MISSING_INPUT
    if summary.ok == 0:
        return ExitCode.ALL_FAILED
    return ExitCode.OK
