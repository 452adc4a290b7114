"""One set of rules that makes every text field of a document safe to parse, store and serialize.

Scrapers hand over strings that are valid JSON but not valid text: lone UTF-16 surrogates
(``"\\ud800"``), control characters, zero-width characters. Each breaks something downstream:
spaCy's tokenizer cannot hash a surrogate, no UTF-8 writer (JSONL, CSV, Parquet, the store, an
HTTP response) can encode one, and a zero-width space glued to "Lagos" makes another entity.
The rules (``docs/FORMAT.md``, "Text normalization"):

- **One character for one.** In ``text``, ``title``, ``publisher``, ``url``, ``published``,
  ``html`` and the dateline place, each lone surrogate (U+D800..U+DFFF) becomes U+FFFD; each
  control character that Unicode counts as a line break (VT, FF, U+001C..U+001E, NEL U+0085)
  becomes ``\\n``; every other C0 control except tab, newline and carriage return, DEL and every
  C1 control becomes a space; each zero-width character (U+200B..U+200D, U+2060, U+FEFF)
  becomes a space. The stored text has the length of the input, so every offset in a record
  indexes both the text the record stores and the text the user gave.
- **NUL is not text.** A ``text`` (or ``html``) holding U+0000 fails with EC002, as a file with
  NUL bytes always has: NUL marks a binary or wrongly decoded payload (UTF-16 read as UTF-8),
  and coding it would give garbage without a word of warning. In the other fields a NUL is a
  control character like the rest (a space).
- **Ids are never rewritten.** An id holding a surrogate or a control character fails with EC070:
  replacing the character would change which document the id names (two ids could become one).
  The failed record carries the id escaped (``\\ud800`` as six characters), which any writer can
  encode.

Every reader and the API reach these rules: ``metadata.build_article``, which builds the
``Article`` of every reader (text, HTML, JSONL, WARC, stdin, Spark rows, API bodies), cleans its
strings before it computes the content id and finds the dateline; ``readers._record`` applies
``sanitize_fields`` to a JSON object's fields before anything reads them (the id and NUL checks,
and the HTML before trafilatura sees it); and ``Pipeline.pipe`` applies ``sanitize_item`` to every
article and failed record it is given (the NUL check, articles built by library callers), so no
string reaches spaCy, a writer or the store without them. Clean strings cost one
regular-expression scan each.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..errors import Errors
from ..records import Article, DocumentResult, ErrorInfo

__all__ = ["escape", "id_problem", "sanitize_body", "sanitize_fields", "sanitize_item", "sanitize_text",
           "text_problem"]

_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n\r")
_REPLACEMENT: dict[str, str] = {c: "\n" if c in _LINE_BREAKS else " " for c in _CONTROLS + _ZERO_WIDTH}
_NEEDS_WORK = re.compile(f"[{re.escape(_CONTROLS + _ZERO_WIDTH)}\ud800-\udfff]")
_BAD_IN_ID = re.compile(f"[{re.escape(_CONTROLS)}\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# the string fields of an input record; "id" has its own rule
TEXT_FIELDS = ("text", "html", "url", "published", "publisher", "title")


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    return _REPLACEMENT.get(char, "\ufffd")  # not in the table: a surrogate


def sanitize_text(value: str) -> str:
    """``value`` with surrogates, control and zero-width characters replaced one for one (same length)."""
    if _NEEDS_WORK.search(value) is None:
        return value
    return _NEEDS_WORK.sub(_replace, value)


def sanitize_body(text: str) -> str:
    """A document's text under the rules; a text holding NUL is left as it is, to fail (EC002)
    where the pipeline takes it (``sanitize_item``)."""
    return text if "\x00" in text else sanitize_text(text)


def text_problem(value: str) -> str | None:
    """Why a document body is not text (the EC002 detail), or None."""
    if "\x00" in value:
        return "contains NUL characters"
    return None


def id_problem(value: str) -> str | None:
    """Why a document id cannot be used as it is (the EC070 detail), or None."""
    found = _BAD_IN_ID.search(value)
    if found is None:
        return None
    kind = "a lone surrogate" if _SURROGATE.match(found.group()) else "a control character"
    return f"{kind} ({ascii(found.group())[1:-1]}) at position {found.start()}"


def escape(value: str) -> str:
    """A string any UTF-8 writer can encode that still tells the reader what was there:
    surrogates and control characters as backslash escapes (``a\\ud800`` stays distinct from ``a``)."""
    if _BAD_IN_ID.search(value) is None:
        return value
    return _BAD_IN_ID.sub(lambda m: ascii(m.group())[1:-1], value)


def sanitize_fields(obj: dict[str, Any], source: str) -> dict[str, Any] | DocumentResult:
    """The fields of one input record (a JSONL line, a Parquet row, an API body) under the rules,
    or the record's failure: EC070 for an unusable id (the failure's id is then ``source``), EC002
    for a NUL in ``text`` or ``html``. Values that are not strings are left to the caller's type
    checks."""
    out = dict(obj)
    raw_id = out.get("id")
    url = out.get("url")
    safe_url = escape(url) if isinstance(url, str) else None
    if isinstance(raw_id, str) and (problem := id_problem(raw_id)) is not None:
        message = Errors.EC070.format(id=ascii(raw_id), what=source, detail=problem)
        return DocumentResult.failed(escape(source), Errors.EC070.code, message, source=escape(source),
                                     url=safe_url)
    for name in TEXT_FIELDS:
        value = out.get(name)
        if not isinstance(value, str):
            continue
        body = name == "text" or (name == "html" and not isinstance(out.get("text"), str))
        if body and (reason := text_problem(value)) is not None:
            usable = isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id).strip()
            given = str(raw_id) if usable else None
            message = Errors.EC002.format(what=f"the {name} of {source}", detail=reason)
            return DocumentResult.failed(given or escape(source), Errors.EC002.code, message,
                                         source=escape(source), url=safe_url)
        out[name] = sanitize_text(value)
    return out


_ARTICLE_FIELDS = ("url", "publisher", "published", "title", "fetched", "dateline_place")


def sanitize_item(item: Article | DocumentResult) -> Article | DocumentResult:
    """An article under the rules, or its failed record (EC070, EC002); a failed record made safe
    to write (its id, source, url and message escaped). Returns ``item`` itself when it is clean."""
    if isinstance(item, DocumentResult):
        return _safe_failure(item)
    what = escape(item.source or item.id)  # a message every writer can encode
    if (problem := id_problem(item.id)) is not None:
        return DocumentResult.failed(
            what, Errors.EC070.code,
            Errors.EC070.format(id=ascii(item.id), what=what, detail=problem),
            source=_clean_optional(item.source), url=_clean_optional(item.url))
    if (reason := text_problem(item.text)) is not None:
        return DocumentResult.failed(
            item.id, Errors.EC002.code, Errors.EC002.format(what=what, detail=reason),
            source=_clean_optional(item.source), url=_clean_optional(item.url))
    changes: dict[str, Any] = {}
    text = sanitize_text(item.text)
    if text is not item.text:
        changes["text"] = text
    for name in _ARTICLE_FIELDS:
        value = getattr(item, name)
        if isinstance(value, str) and (clean := sanitize_text(value)) is not value:
            changes[name] = clean
    if item.source is not None and (path := escape(item.source)) is not item.source:
        changes["source"] = path  # a path with undecodable bytes (surrogate escapes): escaped, not merged
    return replace(item, **changes) if changes else item


def _clean_optional(value: str | None) -> str | None:
    return None if value is None else escape(value)


def _safe_failure(doc: DocumentResult) -> DocumentResult:
    """A failed record whose strings every writer can encode (a reader's failure may quote an id
    or a path that holds a surrogate)."""
    if doc.status == "ok":
        return doc
    fields = {"id": doc.id, "source": doc.source, "url": doc.url}
    changes: dict[str, Any] = {k: escape(v) for k, v in fields.items()
                               if isinstance(v, str) and escape(v) != v}
    if doc.error is not None and escape(doc.error.message) != doc.error.message:
        changes["error"] = ErrorInfo(doc.error.code, escape(doc.error.message))
    if doc.text and sanitize_text(doc.text) != doc.text:
        changes["text"] = sanitize_text(doc.text)
    return replace(doc, **changes) if changes else doc
