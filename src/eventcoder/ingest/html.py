"""Main text and page metadata from HTML, via trafilatura.

Only the page's own metadata is trusted for the date (meta tags, JSON-LD); trafilatura's
extensive search would guess dates from copyright lines and links.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from .decode import Decoded, decode

__all__ = ["HtmlPage", "extract_html"]

_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class HtmlPage:
    text: str
    title: str | None
    published: str | None  # as the page gives it; normalized by metadata.normalize_date
    publisher: str | None
    url: str | None


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def extract_html(html: str | bytes, url: str | None = None) -> HtmlPage | None:
    """The page's main text and metadata, or None when no main text can be found.

    Bytes are decoded by ``decode.decode`` (byte-order mark, valid UTF-8, the page's ``<meta>``
    charset, detection); callers that need the encoding decode first and pass text. A first
    line repeating the title is dropped: the title is kept in ``title`` and would otherwise
    duplicate the headline's events and hide a dateline.
    """
    if isinstance(html, bytes):
        decoded = decode(html, html=True)
        if not isinstance(decoded, Decoded):
            return None
        html = decoded.text
    if not html or not html.strip():
        return None
    if "<html" not in html[:4096].lower() and "<body" not in html[:4096].lower():
        html = f"<html><body>{html}</body></html>"  # a fragment: trafilatura needs a document around it
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          date_extraction_params=_DATE_PARAMS)
    except (ValueError, TypeError, AttributeError, LookupError):  # malformed markup or encoding
        doc = None
    if doc is None or isinstance(doc, dict):
        return None
    text = doc.text or ""
    title = _clean(doc.title)
    if title:
        first, sep, rest = text.partition("\n")
        if sep and first.strip() == title:
            text = rest
    if not text.strip():
        return None
    return HtmlPage(text=text, title=title, published=_clean(doc.date), publisher=_clean(doc.sitename),
                    url=_clean(doc.url) or url)
