"""WARC input (``.warc``, ``.warc.gz``): HTTP responses with HTML become articles.

Each ``response`` record with status 200 and an HTML content type goes through the same HTML
path as an ``.html`` file (trafilatura main text and page metadata), with the record's
``WARC-Target-URI`` as the URL, its ``WARC-Record-ID`` as the document id and its ``WARC-Date``
as ``fetched``. The fetch date is never taken for the publication date: a page's own date (meta
tags, JSON-LD) or its dateline is kept, else ``published`` stays empty.

Every other record (requests, revisits, warcinfo, metadata, non-HTML or non-200 responses) is
skipped and counted by reason in the caller's ``skipped`` counter, so a batch summary can say
what it did not code. A file damaged midway yields one EC050 failure for the rest of that file
(a damaged gzip member cannot be resynchronised reliably) and the records before it are kept.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from warcio.exceptions import ArchiveLoadFailed

from ..errors import Errors
from ..records import Article, DocumentResult
from ..settings import Settings
from .decode import NotText, codec_name, decode
from .html import extract_html
from .metadata import build_article

__all__ = ["HTML_TYPES", "WarcPage", "read_warc"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_BYTES_PER_CHAR = 16  # the same markup allowance as an .html file


@dataclass(frozen=True, slots=True)
class _Record:
    """What we keep of one WARC record once it has been read (the body only for HTML)."""

    offset: int
    skip: str | None  # reason when the record is not a document
    record_id: str | None = None
    uri: str | None = None
    date: str | None = None
    body: bytes | None = None
    read_error: str | None = None
    charset: str | None = None


def _header(headers: object, name: str) -> str | None:
    value = headers.get_header(name) if headers is not None else None  # type: ignore[attr-defined]
    return value.strip() if isinstance(value, str) and value.strip() else None


class _NotWarc(ValueError):
    """An ARC record or something that is no archive at all, or a record cut short."""


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type, when Python knows the codec (read as
    browsers read it: ISO-8859-1 as cp1252, GB2312 as GB18030, ...)."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and (value := value.strip().strip("'\"")):
            return codec_name(value)
    return None


def _read(record: object, offset: int, limit: int) -> _Record:
    if getattr(record, "format", None) != "warc":
        raise _NotWarc("not a WARC record (an ARC file or no archive at all)")
    rec_type = getattr(record, "rec_type", None) or "unknown"
    if rec_type != "response":
        return _Record(offset, f"warc:{rec_type}")
    http = getattr(record, "http_headers", None)
    if http is None or not hasattr(http, "get_statuscode"):
        return _Record(offset, "warc:non-http")
    status = http.get_statuscode()
    if status != "200":
        return _Record(offset, f"warc:http-{status or 'unknown'}")
    full_ctype = _header(http, "Content-Type") or ""
    ctype = full_ctype.split(";", 1)[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        return _Record(offset, "warc:non-html")
    heads = record.rec_headers  # type: ignore[attr-defined]
    rid = _header(heads, "WARC-Record-ID")
    found = _Record(offset, None, rid.strip("<>") if rid else None, _header(heads, "WARC-Target-URI"),
                    _header(heads, "WARC-Date"))
    try:  # chunked transfer and Content-Encoding (gzip, br) are undone by warcio
        body = record.content_stream().read(limit + 1)  # type: ignore[attr-defined]
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        return replace(found, read_error=str(exc) or type(exc).__name__)
    if not ctype and b"<html" not in body[:2048].lower():  # no Content-Type: sniff
        return _Record(offset, "warc:non-html")
    return replace(found, body=body, charset=_charset(full_ctype))


@dataclass(frozen=True, slots=True)
class WarcPage:
    """An HTML response read from a WARC file, its main text not yet extracted.

    Extraction (trafilatura) costs about a third of coding a page, so a batch with ``--workers``
    reads the file in its parent (``iter_items``) and lets ``batch.code_partition`` call
    ``resolve`` in the workers; everywhere else ``read_warc`` resolves pages itself. The id is the
    ``WARC-Record-ID``, else the record's source, so it is known before extraction (resume needs it).
    """

    id: str
    source: str
    url: str | None
    fetched: str | None
    body: bytes
    read_error: str | None = None
    charset: str | None = None  # of the HTTP Content-Type; it outranks the page's <meta> (HTML spec)

    def resolve(self, settings: Settings) -> Article | DocumentResult:
        what = self.url or self.source

        def fail(error: Errors, **kwargs: object) -> DocumentResult:
            return DocumentResult.failed(self.id, error.code, error.format(**kwargs), source=self.source,
                                         url=self.url)

        if self.read_error is not None:
            return fail(Errors.EC009, what=what, detail=self.read_error)
        limit = settings.max_chars * _HTML_BYTES_PER_CHAR
        if len(self.body) > limit:
            return fail(Errors.EC007, size=f"(HTML of over {limit:,} bytes) more than {settings.max_chars:,}",
                        limit=f"{settings.max_chars:,}")
        # a byte-order mark, then valid UTF-8 (servers that label everything ISO-8859-1 are
        # common, and real single-byte text is almost never valid UTF-8), then the HTTP charset
        # (news sites often declare it nowhere else; it outranks the page's <meta>), then the
        # page's <meta>, then detection (``decode.py``)
        decoded = decode(self.body, declared=self.charset, html=True)
        if isinstance(decoded, NotText):
            error = Errors.EC002 if decoded.code == "EC002" else Errors.EC081
            return fail(error, what=what, detail=decoded.detail)
        if not decoded.text.strip():
            return fail(Errors.EC001, what=what)
        page = extract_html(decoded.text, url=self.url)
        if page is None:
            return fail(Errors.EC006, what=what)
        if len(page.text) > settings.max_chars:
            return fail(Errors.EC007, size=f"{len(page.text):,}", limit=f"{settings.max_chars:,}")
        article = build_article(page.text, settings=settings, source=self.source, article_id=self.id,
                                url=self.url or page.url, title=page.title, publisher=page.publisher,
                                published=page.published)
        return replace(article, fetched=self.fetched, encoding=decoded.encoding)


def read_warc(path: str, settings: Settings, skipped: Counter[str] | None = None, *, defer: bool = False
              ) -> Iterator[Article | DocumentResult | WarcPage]:
    """Articles (or coded failures) of one WARC file, lazily; skipped records counted in ``skipped``.

    With ``defer`` HTML pages come as ``WarcPage`` items for the caller to ``resolve``.
    """
    from warcio.archiveiterator import ArchiveIterator

    limit = settings.max_chars * _HTML_BYTES_PER_CHAR
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; the generator may be abandoned midway
    except OSError as exc:
        detail = exc.strerror or str(exc)
        yield DocumentResult.failed(path, Errors.EC009.code, Errors.EC009.format(what=path, detail=detail),
                                    source=path)
        return
    records = 0
    offset = 0
    try:
        archive = ArchiveIterator(fh)
        records_iter = iter(archive)
        while True:
            try:
                record = next(records_iter, None)
                if record is None:
                    break
                rec = _read(record, offset, limit)
                next_offset = archive.get_record_offset() + archive.get_record_length()  # reads to its end
                missing = getattr(record.raw_stream, "limit", 0)  # what Content-Length promised, unread
                if isinstance(missing, int) and missing > 0:
                    raise _NotWarc(f"the record is cut short ({missing:,} bytes missing)")
            except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error, AttributeError) as exc:
                yield _corrupt(path, offset, records, _detail(exc))
                return
            records += 1
            offset = next_offset
            if rec.skip is not None:
                if skipped is not None:
                    skipped[rec.skip] += 1
                continue
            source = f"{path}#offset={rec.offset}"
            page = WarcPage(rec.record_id or source, source, rec.uri, rec.date, rec.body or b"",
                            rec.read_error, rec.charset)
            yield page if defer else page.resolve(settings)
        # warcio ends quietly at a record cut short in an uncompressed file: a whole record is
        # followed by a blank line (CRLF CRLF) and nothing but blank lines may follow the last one
        fh.seek(offset)
        tail = fh.read(64)
        gz = path.lower().endswith(".gz")
        if tail.strip() or (not gz and records and not tail.startswith((b"\r\n\r\n", b"\n\n"))):
            yield _corrupt(path, offset, records, "the last record is cut short (truncated file?)")
    finally:
        fh.close()


def _detail(exc: BaseException) -> str:
    if isinstance(exc, _NotWarc | ArchiveLoadFailed):  # messages made for people
        text = str(exc)
    else:
        text = f"damaged record ({type(exc).__name__}: {exc})"
    printable = "".join(c if c.isprintable() and c.isascii() else "?" for c in " ".join(text.split()))
    return printable[:120] + ("..." if len(printable) > 120 else "")


def _corrupt(path: str, offset: int, records: int, detail: str) -> DocumentResult:
    source = f"{path}#offset={offset}"
    return DocumentResult.failed(
        source, Errors.EC050.code,
        Errors.EC050.format(what=path, offset=offset, detail=detail, records=records), source=source)
