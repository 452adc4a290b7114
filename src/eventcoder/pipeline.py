"""Build the pipeline once; code articles into ``DocumentResult`` records.

Stages, in order (each in its own module under ``stages/``): linguistic (spaCy) -> actors and
entities -> dates -> places -> quantities -> attribution -> events -> assemble. Only records
leave this module; a document whose parse raises becomes a failed record (EC071), one whose
stages raise another (EC010), and the batch goes on. Every article is first put under the text
rules of ``ingest/sanitize.py`` (surrogates, control and zero-width characters, NUL, ids).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from datetime import date

from spacy.tokens import Doc

from . import __version__
from .actordict import load_actor_dictionary
from .errors import Errors
from .gazetteer import Gazetteer
from .ingest.metadata import anchor_date, build_article
from .ingest.sanitize import escape, sanitize_item
from .records import Article, DocumentResult, Place
from .settings import Settings
from .stages.actors import ActorResolver, extract_entities
from .stages.assemble import EventInputs, assemble_events
from .stages.attribution import document_attribution
from .stages.dates import extract_times
from .stages.events import find_triggers
from .stages.linguistic import ENGLISH_MIN_SHARE, english_share, load_nlp, parse_error, parse_many
from .stages.places import extract_places, resolve_dateline
from .stages.quantities import extract_quantities

__all__ = ["Pipeline"]


def _describe(exc: BaseException) -> str:
    """An exception's type, text and the function it came from (for a failed record's message)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].name})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _anchor(article: Article) -> tuple[date | None, str | None]:
    """The date relative expressions count from: the text's own date line or dateline when it is
    within ``ANCHOR_DAYS`` of ``published`` (``ingest.metadata.anchor_date``), else ``published``;
    and its source ("dateline", "published", None)."""
    published = article.published[:10] if article.published else None
    try:
        if published is not None:
            date.fromisoformat(published)
    except ValueError:
        published = None
    value, source = anchor_date(article.text, published)
    return (date.fromisoformat(value) if value else None), source


class Pipeline:
    """The loaded pipeline: spaCy model and gazetteer, reused for every document."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.nlp = load_nlp(self.settings.model)
        self.gazetteer = Gazetteer.open(self.settings.cache_dir)
        self.actors = load_actor_dictionary(self.settings.actors)

    def code(self, article: Article) -> DocumentResult:
        return next(self.pipe([article]))

    def code_text(
        self,
        text: str,
        *,
        id: str | None = None,
        url: str | None = None,
        publisher: str | None = None,
        published: str | None = None,
        title: str | None = None,
    ) -> DocumentResult:
        """Code one string with optional metadata, read as ``eventcoder code`` reads a JSONL line
        with these fields: the text's own dateline, byline and date line supply what is not given,
        so a library caller gets the records the CLI and the HTTP API give."""
        article = build_article(text, settings=self.settings, source=None, article_id=id, url=url,
                                title=title, publisher=publisher, published=published)
        return self.code(article)

    def pipe(
        self, items: Iterable[Article | DocumentResult], batch_size: int | None = None
    ) -> Iterator[DocumentResult]:
        """Code articles in input order; failed records from ingest pass through (escaped where
        they quote a surrogate or a control character, so every writer can encode them)."""
        settings = self.settings

        def feed() -> Iterator[tuple[str, Article | DocumentResult]]:
            for given in items:
                item = sanitize_item(given)  # surrogates, controls, NUL, unusable ids (ingest/sanitize.py)
                if isinstance(item, Article) and len(item.text) > settings.max_chars:
                    item = DocumentResult.failed(
                        item.id,
                        "EC007",
                        Errors.EC007.format(size=len(item.text), limit=settings.max_chars),
                        source=item.source,
                        url=item.url,
                    )
                if isinstance(item, Article) and not item.text.strip():
                    item = DocumentResult.failed(
                        item.id,
                        "EC001",
                        Errors.EC001.format(what=item.source or item.id),
                        source=item.source,
                        url=item.url,
                    )
                yield (item.text if isinstance(item, Article) else ""), item

        for doc, item in parse_many(
            self.nlp, feed(), settings.chunk_chars, batch_size or settings.batch_size
        ):
            if isinstance(item, DocumentResult):
                yield item
                continue
            if (error := parse_error(doc)) is not None:  # spaCy failed on this document only
                yield DocumentResult.failed(
                    item.id,
                    Errors.EC071.code,
                    escape(Errors.EC071.format(what=item.source or item.id, detail=_describe(error))),
                    source=item.source,
                    url=item.url,
                )
                continue
            try:
                yield self._code_doc(doc, item)
            except Exception as exc:  # one bad document never stops a batch
                yield DocumentResult.failed(
                    item.id,
                    "EC010",
                    escape(Errors.EC010.format(what=item.source or item.id, detail=_describe(exc))),
                    source=item.source,
                    url=item.url,
                )

    def _code_doc(self, doc: Doc, article: Article) -> DocumentResult:
        anchor, anchor_source = _anchor(article)
        resolver = ActorResolver(doc, dictionary=self.actors, on=anchor)
        entities = extract_entities(doc)
        times = extract_times(doc, anchor)
        places = extract_places(doc, self.gazetteer, dateline_place=article.dateline_place,
                                dateline_span=article.dateline_span)
        quantities = extract_quantities(doc)
        attribution = document_attribution(doc, article)
        dateline_place: Place | None = None
        if article.dateline_place and article.dateline_span:
            dateline_place = resolve_dateline(
                self.gazetteer, places, article.dateline_place, article.dateline_span
            )
        matches = find_triggers(doc, resolver)
        events = assemble_events(
            EventInputs(
                article, doc, anchor, times, places, quantities, attribution, resolver, dateline_place,
                keep_nonevents=self.settings.keep_nonevents,
            ),
            matches,
        )
        return DocumentResult(
            id=article.id,
            status="ok",
            error=None,
            url=article.url,
            publisher=article.publisher,
            published=article.published,
            title=article.title,
            text=article.text,
            entities=tuple(entities),
            times=tuple(times),
            places=tuple(places),
            quantities=tuple(quantities),
            events=tuple(events),
            source=article.source,
            published_source=article.published_source,
            meta={
                "eventcoder": __version__,
                "model": self.settings.model,
                "main_country": resolver.main_country,
                "anchor": anchor.isoformat() if anchor else None,
                "anchor_source": anchor_source,
                **({"published_ignored": article.published_ignored} if article.published_ignored else {}),
                **({"english_share": round(share, 3)} if (share := english_share(doc)) is not None
                   and share < ENGLISH_MIN_SHARE else {}),
            },
            fetched=article.fetched,
            encoding=article.encoding,
        )
