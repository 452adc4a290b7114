"""Ingest: input files, directories and stdin to ``Article`` records, with publication metadata."""

from .html import HtmlPage, extract_html
from .metadata import Byline, Dateline, build_article, find_byline, find_dateline, normalize_date
from .readers import binary_reason, input_kind, iter_articles

__all__ = [
    "Byline",
    "Dateline",
    "HtmlPage",
    "binary_reason",
    "build_article",
    "extract_html",
    "find_byline",
    "find_dateline",
    "input_kind",
    "iter_articles",
    "normalize_date",
]
