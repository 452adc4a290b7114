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
from ..duplicates import SAME_CONTENT, DuplicateFilter
from ..errors import Errors, ExitCode, InputError
from ..ingest import input_kind
from ..ingest.readers import iter_items
from ..output import format_from_path
from ..records import DocumentResult
from ..settings import Settings
from .events import open_store_writer

__all__ = ["count_documents", "run_code"]


def count_documents(paths: Sequence[str]) -> int | None:
    """Number of documents when it is known without reading them (files, not JSONL, WARC or stdin)."""
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
                    if input_kind(f)[0] in ("jsonl", "warc"):
                        return None
                    total += 1
        elif input_kind(p)[0] in ("jsonl", "warc"):
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
        keep_nonevents=bool(getattr(args, "keep_nonevents", False)),
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
    if getattr(args, "db", None) and (args.output_dir or args.resume or args.retry_failed):
        raise InputError(Errors.EC038, option="--db", value=args.db,
                         detail="a resumable batch (--output-dir) does not write to a store")
    if args.output_dir or args.resume or args.retry_failed:
        return _run_batch_dir(args, settings, workers)
    # --db: the store (and -o when given, no stdout); else -o/stdout. Opened before coding (EC030).
    writer = open_store_writer(getattr(args, "db", None), args.output, fmt, quiet=args.quiet)
    summary = BatchSummary()
    started = time.perf_counter()
    show_progress = sys.stderr.isatty() and not args.quiet
    duplicates = DuplicateFilter(getattr(args, "on_duplicate", None) or "fail")
    try:
        items = iter_items(args.paths, settings, skipped=summary.skipped)  # WARC pages extracted in workers
        results = code_parallel(duplicates.pre(items), settings, workers)
        for coded in _progress(results, total_all, show_progress):
            doc = duplicates(coded)  # the duplicate-id policy (duplicates.py): never silent
            if doc is None:
                continue
            written = writer.write(doc)  # the record, or its coded failure when it cannot be written
            summary.add(written if isinstance(written, DocumentResult) else doc)
    finally:
        writer.close()
        if duplicates.duplicates:
            summary.skipped[SAME_CONTENT] += duplicates.duplicates
    for before, after in getattr(writer, "unstored", ()):  # refused by the store: stored as failures
        summary.amend(before, after)
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


def _run_batch_dir(args: argparse.Namespace, settings: Settings, workers: int) -> int:
    """``--output-dir DIR [--resume | --retry-failed]``: a resumable batch (``resume.code_to_dir``)."""
    from ..resume import code_to_dir

    if not args.output_dir:
        raise InputError(Errors.EC028, value=True, option="--resume/--retry-failed",
                         detail="needs --output-dir")
    if args.output or (args.format and args.format != "jsonl"):
        raise InputError(Errors.EC028, value=args.output or args.format, option="-o/--format",
                         detail="--output-dir writes JSONL parts; drop -o and --format")
    show_progress = sys.stderr.isatty() and not args.quiet
    started = time.perf_counter()
    summary = code_to_dir(args.paths, settings, args.output_dir, workers=workers, resume=args.resume,
                          retry_failed=args.retry_failed, part_size=args.part_size,
                          on_duplicate=getattr(args, "on_duplicate", None) or "fail",
                          wrap=lambda results: _progress(results, None, show_progress))
    elapsed = time.perf_counter() - started
    if not args.quiet:
        rate = summary.documents / elapsed if elapsed > 0 else 0.0
        print(f"eventcoder: {summary.text()} in {elapsed:.1f} s ({rate:.1f} docs/s); "
              f"output in {args.output_dir}", file=sys.stderr)
    if summary.documents == 0 and not summary.skipped:
        print(f"eventcoder: {Errors.EC022.format(what=', '.join(args.paths))}", file=sys.stderr)
        return ExitCode.MISSING_INPUT
    if summary.documents and summary.ok == 0:
        return ExitCode.ALL_FAILED
    return ExitCode.OK
