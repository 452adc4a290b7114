"""Readers: paths, directories and stdin to ``Article`` records, lazily and in input order.

Bad data never raises: each unreadable document becomes a failed ``DocumentResult`` with a
coded reason and the batch goes on. Only wrong argument types raise. Bytes become text by
``decode.py`` (byte-order marks, valid UTF-8, declared charsets, detection; the binary rule), and
the text is kept as decoded (a byte-order mark aside) so every offset points into what the user
gave; the encoding and its confidence ride on the ``Article``.
"""

from __future__ import annotations

import codecs
import gzip
import io
import itertools
import json
import os
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import IO, Any, BinaryIO

from ..errors import Errors
from ..records import Article, DocumentResult, TextEncoding
from ..settings import Settings
from .decode import SNIFF_BYTES, NotText, binary_reason, decode, text_lines
from .html import extract_html
from .metadata import build_article, normalize_date
from .sanitize import sanitize_fields
from .warc import WarcPage, read_warc

__all__ = ["article_from_record", "binary_reason", "input_kind", "iter_articles", "iter_items",
           "iter_jsonl_range"]

Item = Article | DocumentResult

_SNIFF = SNIFF_BYTES
_HTML_BYTES_PER_CHAR = 16  # markup allowance: HTML larger than this many bytes per allowed char fails
_GZIP_ERRORS = (OSError, EOFError, zlib.error)
_CHUNK = 1 << 16
_BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
         "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
_STR_FIELDS = ("text", "html", "url", "published", "publisher", "title")


def input_kind(name: str) -> tuple[str, bool]:
    """``(kind, gzipped)`` from a file name: ``html``, ``jsonl``, ``warc`` or ``text`` (the default)."""
    low = name.lower()
    gz = low.endswith(".gz")
    if gz:
        low = low[:-3]
    if low.endswith((".html", ".htm", ".xhtml")):
        return "html", gz
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl", gz
    if low.endswith(".warc"):
        return "warc", gz
    return "text", gz


def _fail(doc_id: str, error: Errors, source: str, url: str | None = None,
          **kwargs: object) -> DocumentResult:
    return DocumentResult.failed(doc_id, error.code, error.format(**kwargs), source=source, url=url)


def _not_text(why: NotText, what: str, source: str) -> DocumentResult:
    """EC002 (binary) or EC081 (no encoding decodes it) for ``what``."""
    error = Errors.EC002 if why.code == "EC002" else Errors.EC081
    return _fail(source, error, source, what=what, detail=why.detail)


def _unreadable(path: str, exc: OSError) -> DocumentResult:
    """A path that cannot be opened: EC008 when it is missing (or a broken link), else EC009."""
    if isinstance(exc, FileNotFoundError):
        return _fail(path, Errors.EC008, path, what=path)
    return _fail(path, Errors.EC009, path, what=path, detail=exc.strerror or str(exc))


def iter_articles(paths: Sequence[str | os.PathLike[str]], settings: Settings, *,
                  stdin: BinaryIO | None = None, skipped: Counter[str] | None = None) -> Iterator[Item]:
    """Yield an ``Article`` or a failed ``DocumentResult`` per input document, in input order.

    ``paths`` holds files (``.txt``/unknown, ``.html``/``.htm``, ``.jsonl``, each optionally
    ``.gz``), ``.warc``/``.warc.gz`` (HTML responses; ``ingest/warc.py``), directories (walked
    recursively in sorted order, hidden entries skipped) and ``-`` for ``stdin`` (default
    ``sys.stdin.buffer``; text, or JSONL when its first non-empty line is a JSON object; gzip is
    detected). Nothing is read before it is yielded. Input records that are not documents (WARC
    requests, revisits, non-HTML responses) are counted by reason in ``skipped`` when given.
    """
    for item in _iter(paths, settings, stdin, skipped, defer=False):
        assert not isinstance(item, WarcPage)
        yield item


def iter_items(paths: Sequence[str | os.PathLike[str]], settings: Settings, *,
               stdin: BinaryIO | None = None, skipped: Counter[str] | None = None
               ) -> Iterator[Item | WarcPage]:
    """``iter_articles`` for batch coding: WARC pages come as ``WarcPage`` items, extracted by
    ``batch.code_partition`` in the worker processes rather than in the process that reads."""
    return _iter(paths, settings, stdin, skipped, defer=True)


def _iter(paths: Sequence[str | os.PathLike[str]], settings: Settings, stdin: BinaryIO | None,
          skipped: Counter[str] | None, *, defer: bool) -> Iterator[Item | WarcPage]:
    if isinstance(paths, str | bytes) or not isinstance(paths, Iterable):
        raise TypeError(f"paths must be a sequence of paths, not {type(paths).__name__}")
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be Settings, not {type(settings).__name__}")
    return _generate(paths, settings, stdin, skipped, defer)


def _generate(paths: Sequence[str | os.PathLike[str]], settings: Settings, stdin: BinaryIO | None,
              skipped: Counter[str] | None, defer: bool) -> Iterator[Item | WarcPage]:
    for given in paths:
        if given == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, settings)
        else:
            yield from _read_path(os.fspath(given), settings, skipped, defer)


def _read_path(path: str, settings: Settings, skipped: Counter[str] | None = None,
               defer: bool = False) -> Iterator[Item | WarcPage]:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield _unreadable(path, exc)
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path, settings, skipped, defer)
    else:
        yield from _read_file(path, settings, skipped, defer)


def _walk(root: str, settings: Settings, skipped: Counter[str] | None = None,
          defer: bool = False) -> Iterator[Item | WarcPage]:
    """Depth-first in name order; lists one directory at a time and reads no file ahead.

    What is not read is counted in ``skipped`` (hidden entries, symlinked directories, special
    files); an entry that cannot be examined, or a broken symlink, fails with its code."""
    try:
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield _fail(root, Errors.EC009, root, what=root, detail=exc.strerror or str(exc))
        return
    for entry in entries:
        try:
            if entry.name.startswith("."):
                kind = "hidden entry"
            elif entry.is_dir(follow_symlinks=False):  # no symlink loops
                kind = "dir"
            elif entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path)):
                kind = "file"  # a broken symlink fails when read (EC008)
            elif entry.is_dir():
                kind = "symlinked directory (not followed)"
            else:
                kind = "not a regular file"
        except OSError as exc:
            detail = exc.strerror or str(exc)
            yield _fail(entry.path, Errors.EC009, entry.path, what=entry.path, detail=detail)
            continue
        if kind == "dir":
            yield from _walk(entry.path, settings, skipped, defer)
        elif kind == "file":
            yield from _read_file(entry.path, settings, skipped, defer)
        elif skipped is not None:
            skipped[kind] += 1


def _read_file(path: str, settings: Settings, skipped: Counter[str] | None = None,
               defer: bool = False) -> Iterator[Item | WarcPage]:
    kind, gz = input_kind(path)
    if kind == "warc":  # warcio reads gzip members itself
        yield from read_warc(path, settings, skipped, defer=defer)
        return
    try:
        handle: IO[bytes] = gzip.open(path, "rb") if gz else open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
    except OSError as exc:
        yield _unreadable(path, exc)
        return
    with handle:
        try:
            if kind == "jsonl":
                head = handle.read(_SNIFF)
                yield from _jsonl_stream(head, handle, path, settings)
                return
            per_char = _HTML_BYTES_PER_CHAR if kind == "html" else 4  # UTF-8: at most 4 bytes a char
            limit = settings.max_chars * per_char + 4
            data = handle.read(limit + 1)
        except _GZIP_ERRORS as exc:
            if gz and not isinstance(exc, PermissionError | IsADirectoryError):
                yield _fail(path, Errors.EC011, path, what=path, detail=str(exc) or type(exc).__name__)
            else:
                yield _fail(path, Errors.EC009, path, what=path,
                            detail=getattr(exc, "strerror", None) or str(exc))
            return
    if kind == "html":
        yield _html_document(data, path, settings, truncated=len(data) > limit)
    else:
        yield _text_document(data, path, settings, truncated=len(data) > limit)


def _text_document(data: bytes, what: str, settings: Settings, *, truncated: bool) -> Item:
    if truncated:  # too large either way; only say binary when it is
        reason = binary_reason(data)
        if reason:
            return _fail(what, Errors.EC002, what, what=what, detail=reason)
        return _fail(what, Errors.EC007, what, size=f"more than {settings.max_chars:,}",
                     limit=f"{settings.max_chars:,}")
    decoded = decode(data)
    if isinstance(decoded, NotText):
        return _not_text(decoded, what, what)
    text = decoded.text
    if not text.strip():
        return _fail(what, Errors.EC001, what, what=what)
    if len(text) > settings.max_chars:
        return _fail(what, Errors.EC007, what, size=f"{len(text):,}", limit=f"{settings.max_chars:,}")
    return replace(build_article(text, settings=settings, source=what), encoding=decoded.encoding)


def _html_document(data: bytes, what: str, settings: Settings, *, truncated: bool) -> Item:
    if truncated:
        return _fail(what, Errors.EC007, what, size=f"(HTML of over {len(data) - 1:,} bytes) more than "
                     f"{settings.max_chars:,}", limit=f"{settings.max_chars:,}")
    decoded = decode(data, html=True)
    if isinstance(decoded, NotText):
        return _not_text(decoded, what, what)
    if not decoded.text.strip():
        return _fail(what, Errors.EC001, what, what=what)
    page = extract_html(decoded.text)
    if page is None:
        return _fail(what, Errors.EC006, what, what=what)
    if len(page.text) > settings.max_chars:
        return _fail(what, Errors.EC007, what, url=page.url, size=f"{len(page.text):,}",
                     limit=f"{settings.max_chars:,}")
    article = build_article(page.text, settings=settings, source=what, url=page.url, title=page.title,
                            publisher=page.publisher, published=page.published)
    return replace(article, encoding=decoded.encoding)


def _jsonl_stream(head: bytes, rest: IO[bytes] | BinaryIO, what: str, settings: Settings) -> Iterator[Item]:
    """A JSONL stream whose first bytes are ``head``: its encoding is decided on the head (JSON is
    UTF-8 by its standard, but Windows tools write UTF-16 and old scrapers cp1251), then every line
    is read in it; a line the encoding cannot decode fails alone (EC003 for UTF-8, else EC081)."""
    sniffed = decode(head, final=False)
    if isinstance(sniffed, NotText):
        yield _not_text(sniffed, what, what)
        return
    encoding = sniffed.encoding
    if encoding.name.startswith(("utf-16", "utf-32")):  # the newline is not the byte 0x0A
        if encoding.method == "bom":
            head = head[len(_BOMS[encoding.name]):]
        chunks = itertools.chain([head], iter(lambda: rest.read(_CHUNK), b""))
        yield from _jsonl(text_lines(chunks, encoding.name), what, settings, encoding=encoding)
        return
    lines = itertools.chain(io.BytesIO(head + rest.readline()), rest)
    yield from _jsonl(lines, what, settings, encoding=encoding)


def _jsonl(lines: Iterable[bytes] | Iterable[str], what: str, settings: Settings, first: int = 1,
           encoding: TextEncoding | None = None) -> Iterator[Item]:
    """One item per non-empty line; a bad line fails alone and the following lines still yield.

    Byte lines are decoded in ``encoding`` (UTF-8 when None); text lines (UTF-16/32 streams) come
    decoded, and a byte their codec cannot decode ends the file with one EC081 failure."""
    codec = encoding.name if encoding is not None else "utf-8"
    it: Iterator[bytes | str] = iter(lines)
    number = first - 1
    while True:
        number += 1
        try:
            raw = next(it)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            source = f"{what}#L{number}"
            yield _fail(source, Errors.EC081, source, what=f"line {number} of {what}",
                        detail=f"invalid {codec} ({exc.reason}); the rest of the file is not read")
            return
        if isinstance(raw, bytes):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            source = f"{what}#L{number}"
            try:
                line = raw.decode(codec)
            except UnicodeDecodeError as exc:
                if codec == "utf-8":
                    yield _fail(source, Errors.EC003, source, what=f"line {number} of {what}",
                                position=exc.start)
                else:
                    yield _fail(source, Errors.EC081, source, what=f"line {number} of {what}",
                                detail=f"invalid {codec} at byte {exc.start}")
                continue
        else:
            if not raw.strip():
                continue
            line = raw
            source = f"{what}#L{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _fail(source, Errors.EC004, source, line=number, what=what,
                        detail=f"{exc.msg.removesuffix(' at')} at column {exc.colno}")
            continue
        except RecursionError:
            yield _fail(source, Errors.EC004, source, line=number, what=what, detail="nested too deeply")
            continue
        if not isinstance(obj, dict):
            yield _fail(source, Errors.EC004, source, line=number, what=what,
                        detail=f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield _record(obj, number, what, source, settings, encoding)


def iter_jsonl_range(path: str, start: int, end: int, settings: Settings) -> Iterator[Item]:
    """The items of the lines of an uncompressed JSONL file that start in bytes ``[start, end)``.

    Lets Spark split one large file across tasks with the ids, sources (``path#L<n>``, the true
    line number) and failures a whole-file read gives: ranges that tile the file yield exactly
    what ``iter_articles([path])`` yields, in order. A file that is not text fails once, in the
    range that starts at byte 0. The encoding is the file's (sniffed on its head); a UTF-16/32
    file, whose newline is not the byte 0x0A, is read whole by the range that starts at byte 0.
    """
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        if start == 0:  # one failure per file, from the range that starts it
            yield _unreadable(path, exc)
        return
    with fh:
        head = fh.read(_SNIFF)
        sniffed = decode(head, final=False)
        if isinstance(sniffed, NotText) or sniffed.encoding.name.startswith(("utf-16", "utf-32")):
            if start == 0:
                yield from _jsonl_stream(head, fh, path, settings)
            return
        encoding = sniffed.encoding
        fh.seek(0)
        number = 1
        remaining = start
        while remaining > 0:  # the line number at ``start``: count the newlines before it
            block = fh.read(min(remaining, 1 << 20))
            if not block:
                break
            number += block.count(b"\n")
            remaining -= len(block)
        pos = start
        if start > 0:
            fh.seek(start - 1)
            if fh.read(1) != b"\n":  # mid-line: that line belongs to the range before
                pos = start + len(fh.readline())
                number += 1

        def lines() -> Iterator[bytes]:
            nonlocal pos
            while pos < end:
                line = fh.readline()
                if not line:
                    return
                pos += len(line)
                yield line

        yield from _jsonl(lines(), path, settings, first=number, encoding=encoding)


def article_from_record(obj: dict[str, Any], settings: Settings, *, what: str, line: int) -> Item:
    """One record given as a JSON object (a JSONL line, a Parquet row read by Spark) to an ``Article``
    or a coded failure, exactly as a line of a ``.jsonl`` file; its source is ``what#L<line>``."""
    if not isinstance(obj, dict):
        raise TypeError(f"obj must be a dict, not {type(obj).__name__}")
    return _record(obj, line, what, f"{what}#L{line}", settings)


def _record(obj: dict[str, Any], number: int, what: str, source: str, settings: Settings,
            encoding: TextEncoding | None = None) -> Item:
    clean = sanitize_fields(obj, source or what)  # surrogates, controls, NUL, unusable ids
    if isinstance(clean, DocumentResult):
        return clean
    obj = clean
    raw_id = obj.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        return _fail(source, Errors.EC012, source, field="id", line=number, what=what,
                     expected="a string or an integer")
    doc_id = str(raw_id) if raw_id is not None and str(raw_id).strip() else None
    fail_id = doc_id or source
    for name in _STR_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            return _fail(fail_id, Errors.EC012, source, field=name, line=number, what=what,
                         expected="a string")
    text: str | None = obj.get("text")
    html: str | None = obj.get("html")
    url: str | None = obj.get("url") or None
    title, publisher, published = obj.get("title") or None, obj.get("publisher") or None, obj.get("published")
    here = f"line {number} of {what}"
    passed_over: str | None = None  # a given published that is no date, set aside for the page's own
    if text is None and html is None:
        return _fail(fail_id, Errors.EC005, source, url=url, line=number, what=what)
    if text is None:
        assert html is not None
        page = extract_html(html, url=url)
        if page is None:
            return _fail(fail_id, Errors.EC006, source, url=url, what=here)
        text, url, title = page.text, url or page.url, title or page.title
        publisher = publisher or page.publisher
        if not (published and normalize_date(published)):
            passed_over, published = published, page.published
    if not text.strip():
        return _fail(fail_id, Errors.EC001, source, url=url, what=here)
    if len(text) > settings.max_chars:
        return _fail(fail_id, Errors.EC007, source, url=url, size=f"{len(text):,}",
                     limit=f"{settings.max_chars:,}")
    article = build_article(text, settings=settings, source=source, article_id=doc_id, url=url,
                            title=title, publisher=publisher, published=published)
    if passed_over and passed_over.strip():  # build_article never saw it: the record still says so
        article = replace(article, published_ignored=passed_over.strip())
    return article if encoding is None else replace(article, encoding=encoding)


class _Raw(io.RawIOBase):
    """Adapts any readable binary stream (``BytesIO``, a pipe) so ``BufferedReader`` can peek it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._read = getattr(stream, "read1", stream.read)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_stdin(stream: BinaryIO, settings: Settings) -> Iterator[Item]:
    what = "-"
    reader = io.BufferedReader(_Raw(stream), buffer_size=1 << 16)
    gz = reader.peek(2)[:2] == b"\x1f\x8b"
    try:
        if gz:
            reader = io.BufferedReader(_Raw(gzip.GzipFile(fileobj=reader)), buffer_size=1 << 16)  # type: ignore[arg-type]
        # sniff: JSONL when the first non-empty line is a JSON object
        prefix: list[bytes] = []
        first = b""
        for line in iter(reader.readline, b""):
            prefix.append(line)
            first = (line.removeprefix(b"\xef\xbb\xbf") if len(prefix) == 1 else line).strip()
            if first:
                break
        if first.startswith(b"{") and not binary_reason(first) and _is_json_object(first):
            yield from _jsonl_stream(b"".join(prefix), reader, what, settings)
            return
        head = b"".join(prefix)
        limit = settings.max_chars * 4 + 4
        data = head + reader.read(max(limit + 1 - len(head), 0))
    except _GZIP_ERRORS as exc:
        yield _fail(what, Errors.EC011 if gz else Errors.EC009, what, what="standard input",
                    detail=str(exc) or type(exc).__name__)
        return
    yield _text_document(data, what, settings, truncated=len(data) > limit)


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False
