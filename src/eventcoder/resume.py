"""Resumable batches: atomic output parts and a journal of completed document ids.

``eventcoder code INPUT... --output-dir DIR`` writes into ``DIR``:

- ``batch.json``: the settings that shape the output (and the eventcoder version), checked on resume;
- ``part-NNNNN.jsonl``: the coded (``ok``) document records, one part per ``part_size`` documents
  or ``flush_seconds``; each part is written to a temporary name, fsynced and renamed, so a part
  is either whole or absent;
- ``checkpoint.jsonl``: the journal, one line per completed part, appended and fsynced after the
  part's rename: the part's ``[id, source, fingerprint]`` triples and the full failed records of
  that stretch;
- ``failed.jsonl``: the documents that failed and have not been coded since, with their codes
  (a view of the journal: new failures appended, rewritten atomically when a failed document is
  coded again and on every resume);
- ``batch.lock``: locked (``lockf``) by the one process writing the batch; a second gets EC052.

The journal is the truth. On ``--resume`` a torn last line (a kill during the append) is cut
off, parts and temporary files it does not name are deleted (a kill between rename and append),
and only documents it does not hold are coded: ids are the input's own or a hash of the content
(``records.content_id``), so they are stable across runs. A document whose id or source failed
before is left alone unless ``--retry-failed``, which codes those documents only. Duplicate ids
follow ``duplicates.py`` across the batch's runs as within one (the journal keeps each id's
fingerprint): the same text again is counted as a duplicate, other text under a coded id is an
EC080 failure (or, with ``--on-duplicate suffix``, coded under ``ID~HASH``), so the parts never
hold one id twice and a resumed batch ends as an uninterrupted one would.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .batch import BatchSummary, Item, code_parallel
from .duplicates import SAME_CONTENT, DuplicateFilter, fingerprint
from .errors import Errors, InputError
from .ingest.readers import iter_items
from .ingest.sanitize import escape
from .output import json_line, jsonl_line
from .records import DocumentResult
from .settings import Settings

__all__ = ["BATCH_FORMAT", "BatchState", "code_to_dir", "load_state", "settings_fingerprint"]

BATCH_FORMAT = "eventcoder-batch/1"
MANIFEST = "batch.json"
CHANGED_SINCE_CODED = "changed since it was coded (start a new batch to code it again)"
JOURNAL = "checkpoint.jsonl"
FAILED = "failed.jsonl"
LOCK = "batch.lock"
_PART = re.compile(r"part-(\d{5,})\.jsonl")
_TMP_PREFIX = ".tmp-"


def settings_fingerprint(settings: Settings) -> dict[str, Any]:
    """What must not change between the runs of one batch, or its parts would disagree."""
    actors = None
    if settings.actors is not None:
        try:
            actors = hashlib.sha256(Path(settings.actors).read_bytes()).hexdigest()[:16]
        except OSError:
            actors = str(settings.actors)
    return {
        "eventcoder": __version__,
        "model": settings.model,
        "max_chars": settings.max_chars,
        "chunk_chars": settings.chunk_chars,
        "published": settings.published,
        "publisher": settings.publisher,
        "actors_sha256": actors,
        # only when set, so batches begun before the option existed still resume
        **({"keep_nonevents": True} if settings.keep_nonevents else {}),
    }


@dataclass
class BatchState:
    """What the journal says is done: ok ids (with their sources), failed records, parts."""

    parts: list[str] = field(default_factory=list)
    ok: set[str] = field(default_factory=set)
    failed: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> failed record (JSON shape)
    failed_by_source: dict[str, str] = field(default_factory=dict)  # source -> failed id
    ok_sources: dict[str, str] = field(default_factory=dict)  # source -> the id it was coded under
    # id -> (source, fingerprint) of every ok document (fingerprint None in journals from before)
    ok_by_id: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def settle(self, doc_id: str, source: str | None) -> None:
        """A document was coded again: whatever failed before under its id or source is resolved."""
        old = self.failed.pop(doc_id, None)
        if old is not None and old.get("source"):
            self.failed_by_source.pop(old["source"], None)
        if source and (other := self.failed_by_source.pop(source, None)) is not None:
            self.failed.pop(other, None)

    def apply(self, entry: dict[str, Any]) -> None:
        if entry.get("part"):
            self.parts.append(entry["part"])
        for doc_id, source, *fp in entry.get("ok", []):
            self.settle(doc_id, source)
            self.ok.add(doc_id)
            self.ok_by_id[doc_id] = (source, fp[0] if fp else None)
            if source:
                self.ok_sources[source] = doc_id
        for rec in entry.get("failed", []):
            self.settle(rec["id"], rec.get("source"))
            self.failed[rec["id"]] = rec
            if rec.get("source"):
                self.failed_by_source[rec["source"]] = rec["id"]

    def known(self) -> dict[str, tuple[str | None, str]]:
        """Every id the batch holds, with its source and fingerprint, for the duplicate policy."""
        out = {doc_id: (source, fp) for doc_id, (source, fp) in self.ok_by_id.items() if fp is not None}
        for doc_id, rec in self.failed.items():
            out[doc_id] = (rec.get("source"), fingerprint(DocumentResult.from_dict(rec)))
        return out

    def next_part(self) -> int:
        numbers = [int(m.group(1)) for p in self.parts if (m := _PART.fullmatch(p))]
        return max(numbers, default=-1) + 1


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, lines: Iterable[str]) -> None:
    """Temporary name, fsync, rename, fsync the directory: the file is whole or absent."""
    tmp = path.with_name(f"{_TMP_PREFIX}{path.name}")
    with open(tmp, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _dumps(obj: Any) -> str:
    return json_line(obj)


def load_state(out_dir: Path) -> BatchState:
    """Replay the journal, repairing what a kill can leave behind (torn line, orphan parts)."""
    state = BatchState()
    journal = out_dir / JOURNAL
    if journal.exists():
        data = journal.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a kill during the append: the torn line was never acknowledged
            with open(journal, "r+b") as fh:
                fh.truncate(end)
                fh.flush()
                os.fsync(fh.fileno())
        for number, line in enumerate(data[:end].splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(Errors.EC052, path=str(out_dir),
                                 detail=f"line {number} of {JOURNAL} is damaged ({exc.msg})") from None
            state.apply(entry)
    named = set(state.parts)
    for part in state.parts:
        if not (out_dir / part).is_file():
            raise InputError(Errors.EC052, path=str(out_dir), detail=f"{part}, named in {JOURNAL}, "
                             "is missing; restore it or start a new batch")
    for entry in os.scandir(out_dir):
        orphan = _PART.fullmatch(entry.name) is not None and entry.name not in named
        if orphan or entry.name.startswith(_TMP_PREFIX):
            os.unlink(entry.path)
    return state


def _lock(out_dir: Path) -> int:
    """Hold an exclusive lock on the batch for this run: a second process on the same directory
    (a cron restart while the first still runs) would reuse part names and delete the first's
    unjournaled parts. A POSIX record lock: the kernel drops it when this process dies, however it
    dies, and forked workers do not inherit it, so a restart never waits on a dying worker."""
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise InputError(Errors.EC052, path=str(out_dir),
                         detail="another eventcoder process is writing this batch; wait for it to end"
                         ) from None
    return fd


def _open_batch(out_dir: Path, settings: Settings, resume: bool,
                paths: Sequence[str]) -> tuple[BatchState, int]:
    """The batch's state and the file descriptor of its lock (the caller closes it at the end)."""
    manifest = out_dir / MANIFEST
    fingerprint = settings_fingerprint(settings)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Errors.EC051, path=str(out_dir))
    if manifest.is_file():
        if not resume:
            raise InputError(Errors.EC051, path=str(out_dir))
        try:
            given = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(Errors.EC052, path=str(out_dir),
                             detail=f"{MANIFEST} is unreadable ({exc})") from None
        fd = _lock(out_dir)
        try:
            return _resume_state(out_dir, given, fingerprint), fd
        except BaseException:
            os.close(fd)
            raise
    leftover = out_dir / f"{_TMP_PREFIX}{MANIFEST}"  # a first run killed before its manifest landed
    if out_dir.is_dir() and any(e.name not in (LOCK, leftover.name) for e in out_dir.iterdir()):
        raise InputError(Errors.EC051, path=str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = _lock(out_dir)
    if manifest.exists():  # another first run got here first
        os.close(fd)
        raise InputError(Errors.EC051, path=str(out_dir))
    leftover.unlink(missing_ok=True)
    _atomic_write(manifest, [json.dumps({"format": BATCH_FORMAT, "settings": fingerprint,
                                         "inputs": [str(p) for p in paths]}, indent=1) + "\n"])
    return BatchState(), fd


def _resume_state(out_dir: Path, given: dict[str, Any], fingerprint: dict[str, Any]) -> BatchState:
    """Check the manifest against this run and replay the journal (under the batch's lock)."""
    where = str(out_dir)
    if given.get("format") != BATCH_FORMAT:
        raise InputError(Errors.EC052, path=where, detail=f"unknown format {given.get('format')!r}")
    before = given.get("settings", {})
    changed = [f"{k}: {before.get(k)!r} then, {v!r} now"
               for k, v in fingerprint.items() if before.get(k) != v]
    if changed:
        raise InputError(Errors.EC052, path=where,
                         detail="settings differ from the first run (" + "; ".join(changed) + ")")
    state = load_state(out_dir)
    # a kill between a journal append and the view's rewrite leaves failed.jsonl behind the journal
    _atomic_write(out_dir / FAILED, (_dumps(rec) for rec in state.failed.values()))
    return state


def _select(items: Iterable[Item], state: BatchState, retry_failed: bool,
            skipped: Counter[str]) -> Iterator[Item]:
    """The items still to code. Runs in the pool's feeder thread: it reads a snapshot of the
    state taken before coding starts. An id coded before from another source goes on to the
    duplicate policy (``duplicates.DuplicateFilter``), which compares the contents."""
    ok_by_id = dict(state.ok_by_id)
    failed_ids = frozenset(state.failed)
    failed_sources = frozenset(state.failed_by_source)
    ok_sources = dict(state.ok_sources)
    for item in items:
        # the journal holds ids and sources as the pipeline wrote them: escaped where a path held
        # bytes no encoding names (ingest/sanitize.py), so compare them so
        doc_id, source = escape(item.id), None if item.source is None else escape(item.source)
        failed_before = doc_id in failed_ids or (source is not None and source in failed_sources)
        coded_as = ok_sources.get(source) if source is not None else None
        if coded_as is not None and (coded_as == doc_id or coded_as.startswith(f"{doc_id}~")):
            skipped["already coded"] += 1  # this input, coded under its id (or its suffixed id)
        elif coded_as is not None:
            # the input changed after it was coded (its content-hash id moved): coding it again
            # would leave two records for one source, so it is counted, never silently dropped
            skipped[CHANGED_SINCE_CODED] += 1
        elif doc_id in ok_by_id and ok_by_id[doc_id][1] is None:
            skipped["already coded"] += 1  # a journal from before fingerprints: nothing to compare
        elif retry_failed and not failed_before:
            skipped["not failed before"] += 1
        elif failed_before and not retry_failed:
            skipped["failed before (use --retry-failed)"] += 1
        else:
            yield item


def code_to_dir(
    paths: Sequence[str],
    settings: Settings,
    out_dir: str | os.PathLike[str],
    *,
    workers: int = 1,
    resume: bool = False,
    retry_failed: bool = False,
    part_size: int = 500,
    flush_seconds: float = 60.0,
    wrap: Callable[[Iterator[DocumentResult]], Iterator[DocumentResult]] | None = None,
    on_duplicate: str = "fail",
) -> BatchSummary:
    """Code ``paths`` into the batch directory ``out_dir``; with ``resume`` (or ``retry_failed``)
    continue the batch already there. A kill at any point loses at most the unflushed part."""
    if part_size < 1:
        raise InputError(Errors.EC028, value=part_size, option="--part-size", detail="must be at least 1")
    directory = Path(out_dir)
    state, lock = _open_batch(directory, settings, resume or retry_failed, paths)
    try:
        return _run(paths, settings, directory, state, workers, retry_failed, part_size, flush_seconds, wrap,
                    DuplicateFilter(on_duplicate, state.known()))
    finally:
        os.close(lock)


def _run(paths: Sequence[str], settings: Settings, directory: Path, state: BatchState, workers: int,
         retry_failed: bool, part_size: int, flush_seconds: float,
         wrap: Callable[[Iterator[DocumentResult]], Iterator[DocumentResult]] | None,
         duplicates: DuplicateFilter) -> BatchSummary:
    summary = BatchSummary()
    items = _select(iter_items(paths, settings, skipped=summary.skipped), state, retry_failed,
                    summary.skipped)
    results = code_parallel(duplicates.pre(items), settings, workers)
    if wrap is not None:
        results = wrap(results)
    part_no = state.next_part()
    pending: list[DocumentResult] = []
    ok_lines: list[str] = []  # the serialized ok records of the part being gathered, in order
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal part_no, last_flush
        last_flush = time.monotonic()
        if not pending:
            return
        ok = [d for d in pending if d.status == "ok"]
        failed = [d for d in pending if d.status != "ok"]
        name = None
        if ok:
            name = f"part-{part_no:05d}.jsonl"
            _atomic_write(directory / name, ok_lines)
            part_no += 1
        failed_recs = [d.to_dict() for d in failed]
        entry = {"part": name, "ok": [[d.id, d.source, fingerprint(d)] for d in ok], "failed": failed_recs}
        # a document failed before and coded again changes the view's old lines: rewrite it whole;
        # else new failures are appended, so a batch with many failures stays linear in its size
        settles = any(d.id in state.failed or (d.source and d.source in state.failed_by_source)
                      for d in pending)
        created = not (directory / JOURNAL).exists()
        with open(directory / JOURNAL, "a", encoding="utf-8") as fh:
            fh.write(_dumps(entry))
            fh.flush()
            os.fsync(fh.fileno())
        if created:
            _fsync_dir(directory)
        state.apply(entry)
        if settles or not (directory / FAILED).exists():
            _atomic_write(directory / FAILED, (_dumps(rec) for rec in state.failed.values()))
        elif failed:  # a kill midway leaves the view behind the journal: repaired on resume
            with open(directory / FAILED, "a", encoding="utf-8") as fh:
                fh.writelines(_dumps(rec) for rec in failed_recs)
                fh.flush()
                os.fsync(fh.fileno())
        pending.clear()
        ok_lines.clear()

    for coded in results:
        doc = duplicates(coded)
        if doc is None:
            continue
        line, doc = jsonl_line(doc)  # a record that cannot be written becomes its failure (EC072)
        if doc.status == "ok":
            ok_lines.append(line)
        summary.add(doc)
        pending.append(doc)
        if len(pending) >= part_size or time.monotonic() - last_flush >= flush_seconds:
            flush()
    flush()
    if duplicates.duplicates:
        summary.skipped[SAME_CONTENT] += duplicates.duplicates
    if not (directory / FAILED).exists():  # nothing was coded in this run: still give the view
        _atomic_write(directory / FAILED, (_dumps(rec) for rec in state.failed.values()))
    return summary
