"""Dates stage: find time expressions, normalize them to TIMEX3 values, date events.

Rules over ``doc.text`` (precompiled regexes in ``dates_lex``) propose candidates; spaCy tokens
only settle the ambiguous ones (is "1994" a year? is the clause past or future?). Year-less and
relative expressions resolve against the publication date (``anchor``); without one they borrow
the nearest explicit year of the same document ("context") or keep X placeholders ("none"), so a
value is never invented. Offsets are Python string indices into ``doc.text``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta
from spacy.tokens import Doc, Token

from ..records import DateRef, TimeValue
from . import dates_lex as L
from .linguistic import doc_text

__all__ = ["TIMEX3_VALUE", "event_date", "extract_times"]

TIMEX3_VALUE = L.TIMEX3_VALUE
_GRAN_PRECISION = {"day": "day", "month": "month", "year": "year", "week": "week", "weekend": "week",
                   "quarter": "quarter", "season": "season", "decade": "decade", "century": "century"}
_GRAN_RANK = {"century": 0, "decade": 1, "year": 2, "season": 3, "quarter": 3, "month": 4, "week": 5,
              "weekend": 5, "day": 6}
_SOURCE_RANK = {"explicit": 0, "context": 1, "publication": 2, "none": 3}
_YEAR_REL = {"last": -1, "this": 0, "next": 1}
_SIGNAL_MODS = {"since": "ON_OR_AFTER", "before": "BEFORE", "after": "AFTER"}
_CONFIDENCE = {"explicit": 0.9, "context": 0.7, "publication": 0.8, "none": 0.4}


@dataclass
class _C:
    """A candidate under construction (mutable; becomes a frozen TimeValue at the end)."""

    start: int
    end: int
    kind: str  # date | time | duration | set | vague | range
    prio: int = 5
    gran: str = "day"
    y: int | None = None
    m: int | None = None
    d: int | None = None
    extra: str | None = None  # season code, quarter digit, ISO week, decade/century value, weekday digit
    hh: str | None = None  # "15:00" or a part of day ("MO")
    value: str | None = None  # fixed value (durations, sets, vague references)
    rel: tuple[str, str, int, str] | None = None  # (base: anchor|ref|weekday, unit, offset, word)
    mod: str | None = None
    src: str = "explicit"
    a: _C | None = None
    b: _C | None = None
    ref_day: dt.date | None = None  # for a bare clock time: the last full date of its paragraph
    weekof: int | None = None  # "the first (1) / last (0) week of <month>"
    impossible: bool = False  # "Feb 30", "31 April": read at its month, with low confidence


class _Ctx:
    """Per-document lookups shared by the resolvers (token index, paragraphs)."""

    def __init__(self, doc: Doc, anchor: dt.date | None) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.anchor = anchor
        self.starts = [t.idx for t in doc]
        self.paras = [m.end() for m in L.PARA_BREAK.finditer(self.text)]
        self.tagged = doc.has_annotation("TAG")
        self.parsed = doc.has_annotation("DEP")
        self.split = doc.has_annotation("SENT_START")
        self._quotes: list[tuple[int, int]] | None = None

    def quoted(self, char: int) -> bool:
        """Is ``char`` inside a quotation (paired quotes within one line)? Built on first use."""
        if self._quotes is None:
            self._quotes = [m.span() for m in L.QUOTATION.finditer(self.text)]
        i = bisect.bisect_right(self._quotes, (char, len(self.text))) - 1
        return i >= 0 and self._quotes[i][0] < char < self._quotes[i][1]

    def token_at(self, char: int) -> Token | None:
        if not self.starts:
            return None
        i = bisect.bisect_right(self.starts, char) - 1
        return self.doc[max(i, 0)]

    def sentence(self, char: int) -> int:
        """Start of the sentence holding ``char`` (the paragraph's start when unparsed)."""
        tok = self.token_at(char)
        if tok is None or not self.split:
            return self.para(char)
        return tok.sent.start_char

    def para(self, char: int) -> int:
        return bisect.bisect_right(self.paras, char)


# ----------------------------------------------------------------- small helpers


def _num(word: str) -> int | float | None:
    """Number from digits or words; None for vague quantities ("several")."""
    w = " ".join(word.lower().replace(",", "").split())
    half = w.endswith(" and a half")
    if half:
        w = w[: -len(" and a half")]
    if w in L.VAGUE_NUMBERS:
        return None
    if w == "single":  # "a single-day fall" (only hyphenated: "a single day" is no count)
        return 1
    if w in L.NUMBER_WORDS:
        n: float = L.NUMBER_WORDS[w]
    elif "-" in w:
        tens, _, unit = w.partition("-")
        n = L.NUMBER_WORDS.get(tens, 0) + L.NUMBER_WORDS.get(unit, 0)
    else:
        try:
            n = float(w)
        except ValueError:
            return None
    n = n + 0.5 if half else n
    return int(n) if n == int(n) else n


def _month(word: str) -> int:
    return L.MONTHS[word.lower().rstrip(".")]


def _day(word: str) -> int:
    return int(re.sub(r"\D", "", word))


def _valid_day(y: int | None, m: int, d: int) -> bool:
    try:
        dt.date(y or 2000, m, d)
    except ValueError:
        return False
    return True


def _duration_value(n: int | float | None, unit: str) -> str:
    letter, mult, timey = L.UNITS[unit.lower().rstrip("s")]
    amount = "X" if n is None else (f"{n * mult:g}")
    return f"PT{amount}{letter}" if timey else f"P{amount}{letter}"


def _governing_verb(tok: Token) -> Token:
    verb = tok
    for _ in range(12):
        if verb.pos_ in ("VERB", "AUX") and verb.dep_ not in ("aux", "auxpass"):
            break
        if verb.head.i == verb.i:
            break
        verb = verb.head
    return verb


def _finite_present(ctx: _Ctx, char: int) -> bool:
    """Is the clause at ``char`` in the simple present ("voting ends on Tuesday"), not an infinitive?"""
    tok = ctx.token_at(char)
    return tok is not None and ctx.tagged and _governing_verb(tok).tag_ in ("VBZ", "VBP")


def _tense(ctx: _Ctx, char: int) -> str:
    """past | future | present for the clause governing the token at ``char`` (past if unknown)."""
    tok = ctx.token_at(char)
    if tok is None or not ctx.tagged:
        return "past"
    return _verb_tense(_governing_verb(tok))


def _verb_tense(verb: Token, depth: int = 0) -> str:
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBG" and not aux and verb.dep_ == "pcomp" and depth < 3:
        # a gerund after a preposition has no tense of its own: "jailed on Friday for attacking a
        # driver in March" (but "..., resulting in closures during the fourth quarter" looks ahead)
        head = _governing_verb(verb.head)
        if head.i != verb.i and head.pos_ in ("VERB", "AUX"):
            return _verb_tense(head, depth + 1)
    lemmas = {c.lower_ for c in aux}
    if lemmas & {"will", "shall", "'ll", "wo", "would"}:
        return "future"
    if lemmas & {"should", "may", "might", "must"} and not lemmas & {"have", "'ve"}:
        return "future"  # "the sale should close in October" (but "should have closed")
    head = verb.head
    noun_clause = verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN")
    if any(c.lower_ == "to" for c in aux) and (head.i == verb.i or head.tag_ in ("VBZ", "VBP", "MD")
                                                or noun_clause
                                                or head.lemma_.lower() in L.FUTURE_VERBS | {"go", "be"}
                                                or head.lemma_.lower() in L.DIRECTIVE_VERBS):
        # "plans to meet on Monday", headline "Markets to reopen Friday", "an event to be held on ...",
        # "urged the board to delay the policy until January": what is asked for is still to come
        return "future"
    if verb.lemma_.lower() in L.FUTURE_VERBS and verb.tag_ == "VBN" \
            and any(c.tag_ in ("VBZ", "VBP") for c in aux):
        return "future"  # "talks are scheduled for Monday"
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux):
        return "past"
    if verb.tag_ == "VBN" and lemmas & {"have", "has", "had"}:
        return "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG", "VB"):
        return "present"
    return "past"


def _generic_today(ctx: _Ctx, s: int, e: int) -> bool:
    """Does "today" at [s, e) mean "nowadays" ("today's Russia", "as popular today as in 1990")?"""
    text = ctx.text
    if text.startswith(("'s", "’s"), e):
        tok = ctx.token_at(e + 3) if e + 3 < len(text) else None
        return tok is not None and tok.pos_ == "PROPN" and tok.idx > e
    if text.startswith(",", e) and ctx.sentence(s) == s and ctx.tagged:
        # "Today, about 100 families farm the valley": a sentence opened by "Today," over a simple
        # present is "nowadays" (but "Today, police say ..." reports this day)
        tok = ctx.token_at(s)
        verb = _governing_verb(tok) if tok is not None else None
        return verb is not None and verb.tag_ in ("VBZ", "VBP") and verb.lemma_.lower() not in _SAYING \
            and not any(c.dep_ == "aux" for c in verb.children)
    return bool(re.search(r"\bas\s+\w+\s+$", text[max(0, s - 30):s], re.I)) \
        and re.match(r"\s+as\b", text[e:e + 4], re.I) is not None


def _perfect(ctx: _Ctx, char: int) -> bool:
    """Is the token at ``char`` governed by a present-perfect verb ("has continued to hold ...")?"""
    tok = ctx.token_at(char)
    if tok is None or not ctx.parsed:
        return False
    for _ in range(12):
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lemma_ == "have"
                                              and c.tag_ in ("VBZ", "VBP") for c in tok.children):
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


# ----------------------------------------------------------------- candidate proposal


def _year_ok(ctx: _Ctx, s: int, e: int) -> bool:
    """Is the bare 4-digit number at [s, e) a year here (not "2020 people")?"""
    text = ctx.text
    if L.NOT_YEAR_NEXT.match(text, e):
        return False
    label = L.LABEL_PREFIX.search(text, max(0, s - 20), s)
    if label is not None and label.group(1).lower() not in L.YEAR_HYPHEN_PREFIXES:
        return False  # "Report load-1002", "unit B-1990": a code, not a year (but "mid-2019", "pre-1990")
    tok = ctx.token_at(s)
    nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
    prv = tok.doc[tok.i - 1] if tok is not None and tok.i > 0 else None
    if prv is not None and nxt is not None and prv.pos_ == "PROPN" and nxt.pos_ == "PROPN" \
            and prv.text[:1].isupper() and nxt.text[:1].isupper() and prv.idx + len(prv.text) + 1 == s \
            and nxt.idx == e + 1 and prv.ent_type_ != "DATE" and prv.lower_.rstrip(".") not in L.YEAR_NAME_OK:
        return False  # "the Russell 2000 Index": a number inside a name (but "World Cup 2018 day five")
    if tok is not None and tok.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT") \
            and nxt is not None and nxt.tag_ == "NNS":
        return False  # "1500 candidates"
    if tok is not None and nxt is not None and tok.dep_ == "nummod" and tok.head.i == nxt.i \
            and nxt.tag_ == "NNS" and nxt.lower_ not in L.YEAR_HEAD_NOUNS \
            and (prv is None or (prv.pos_ != "DET" and prv.tag_ != "POS")):
        return False  # "a survey of 1709 schoolchildren" (but "the 2014 elections", "of 1990 levels")
    if L.YEAR_PREV.search(text[max(0, s - 25):s]) or L.YEAR_RANGE_PREV.search(text[max(0, s - 30):s]):
        return True
    if text.startswith(("'s", "’s", ")"), e) and text[max(0, s - 1):s] != "$":
        return True
    if tok is None:
        return False
    if prv is not None and prv.lower_ in L.NUMBERED_NOUNS:
        return False  # "Resolution 2334", "Flight 1549", "Windows 2000"
    if tok.ent_type_ == "DATE":
        return True
    return prv is not None and (prv.lower_ in L.DETERMINERS or prv.tag_ == "POS") and nxt is not None \
        and nxt.pos_ in ("NOUN", "PROPN", "ADJ")  # "the 1994 ceasefire", "Russia's 2014 annexation"


def _propose(ctx: _Ctx) -> list[_C]:
    text = ctx.text
    out: list[_C] = []
    for name, pattern, prio in L.PATTERNS:
        for m in pattern.finditer(text):
            c = _build(ctx, name, m, prio)
            if c is not None:
                out.append(c)
    return out


def _build(ctx: _Ctx, name: str, m: re.Match[str], prio: int) -> _C | None:
    """Turn one regex match into a candidate, or None when its context says it is no date."""
    g = m.groupdict()
    s, e = m.span()
    text = ctx.text
    c = _C(s, e, "date", prio)
    y = int(g["y"]) if g.get("y") else None
    if name == "slash" and y is not None and y < 100:
        y += 1900 if y > 50 else 2000
    if name == "holiday":
        before = text[max(0, s - 20):s].split()
        word = before[-1] if before else ""
        if word[:1].isupper() and word.isalpha() and word.lower() not in L.DETERMINERS | L.HOLIDAY_BEFORE:
            return None  # a surname: "illustrator Johnnie Christmas"
        c.m, c.d = L.HOLIDAYS[" ".join(g["h"].lower().replace("’", "'").split())]
        c.y = y
        return c
    if name == "part_of_unit":
        unit = (g.get("u") or g.get("u2") or "year").lower()
        word = (g.get("p") or "end").lower()
        c.rel, c.gran = ("anchor", unit, 0, "this"), unit
        c.mod = {"rest": "END", "remainder": "END"}.get(word) or L.POSITION_MODS[word]
        return c
    if name == "session":
        c.kind, c.hh = "time", L.PART_OF_DAY[g["pod"].lower()]
        c.mod = L.POSITION_MODS[g["pm"].lower()] if g.get("pm") else None
        return c
    if name == "late_in":
        unit = g["u"].lower()
        c.mod = L.POSITION_MODS[g["p"].lower()]
        c.rel = ("refday", "day", 0, "the day") if unit == "day" else ("anchor", unit, 0, "this")
        c.gran = unit
        return c
    if name == "theday":
        c.start = m.start("t")
        c.rel, c.gran = ("refday", "day", 0, "the day"), "day"
        return c
    if name == "decade_word":
        c.gran, c.extra = "decade", L.DECADE_WORDS[g["w"].lower()]
        c.mod = L.POSITION_MODS[g["pm"].lower()] if g.get("pm") else None
        return c
    if name == "year2":
        yy = int(g["yy"])
        c.gran, c.y = "year", (1900 if yy > 30 else 2000) + yy
        c.start = m.start("yq")
        return c
    if name == "weekend":
        rel = " ".join((g.get("rel") or "the").lower().split())
        rel = {"this past": "last", "past": "last", "coming": "next"}.get(rel, rel)
        c.rel = ("weekday", "weekend", 6, rel)
        c.gran = "weekend"
        return c
    if name in ("iso", "slash"):
        if name == "iso":
            mo, d = int(g["m"]), int(g["d"])
        else:
            a, b = int(g["a"]), int(g["b"])
            mo, d = (b, a) if a > 12 else (a, b)
        if y is None or not (1000 <= y <= 2100) or not _valid_day(y, mo, d):
            return None
        c.y, c.m, c.d = y, mo, d
        if g.get("H"):
            c.kind, c.hh = "time", f"{g['H']}:{g['M']}"
        return c
    if name == "isoweek":
        c.gran, c.y, c.extra = "week", y, g["w"]
        return c
    if name in ("isoquarter", "yqy", "quarter"):
        q = int(g["q"]) if g.get("q") else L.ORDINALS[g["qw"].lower()]
        c.gran, c.y, c.extra = "quarter", y, str(q)
        if g.get("yrel"):  # "the first quarter of last year"
            c.rel = ("yearof", "quarter", _YEAR_REL[g["yrel"].lower()], g["yrel"].lower())
        return c
    if name == "month_rel":  # "last September", "next March": one date, its year from the anchor
        if re.search(r"\bthe\s+$", text[max(0, s - 6):s], re.I):
            return None  # "the last March of the veterans"
        rel = " ".join(g["rel"].lower().split())
        rel = {"this past": "last", "past": "last", "coming": "next"}.get(rel, rel)
        c.gran, c.m = "month", _month(g["mon"])
        c.rel = ("monthrel", "month", {"last": -1, "this": 0, "next": 1}[rel], rel)
        return c
    if name == "season_this":  # "this season": the calendar season of the publication date
        c.gran, c.rel = "season", ("anchor", "season", 0, "")
        return c
    if name == "my_rel":
        c.gran, c.m = "month", _month(g["mon"])
        c.rel = ("yearof", "month", _YEAR_REL[g["yrel"].lower()], g["yrel"].lower())
        return c
    if name in ("mdy", "dmy", "mdy_range", "dmy_range"):
        mon = _month(g["mon"])
        days = [_day(g["d"])] if "d" in g else [_day(g["d1"]), _day(g["d2"])]
        if len(days) == 1 and 1 <= days[0] <= 31 and not _valid_day(y, mon, days[0]):
            # a day the month does not have is a typo or a hoax: the expression stays one, at its
            # month (its year, when given), never a day we would have to make up
            c.gran, c.y, c.m, c.impossible = "month", y, mon, True
            return c
        if not all(_valid_day(y, mon, d) for d in days):
            return None
        if g["mon"].lower().rstrip(".") == "may" and s > 0 and name == "mdy" and not y \
                and text[max(0, s - 1):s].isalpha():
            return None
        if len(days) == 2:
            if days[1] <= days[0]:
                return None
            c.kind = "range"
            c.a = _C(s, e, "date", prio, y=y, m=mon, d=days[0])
            c.b = _C(s, e, "date", prio, y=y, m=mon, d=days[1])
            return c
        c.y, c.m, c.d = y, mon, days[0]
        return c
    if name == "my":
        c.gran, c.y, c.m = "month", y, _month(g["mon"])
        return c
    if name == "month":
        word = g["mon"].lower().rstrip(".")
        prev = text[max(0, s - 30):s].split()
        prev_word = prev[-1].lower() if prev else ""
        if word in L.AMBIGUOUS_MONTHS or g["mon"].endswith("."):
            if prev_word not in L.MONTH_SIGNALS \
                    and not re.search(r"(?:mid-|\bof)\s*$", text[max(0, s - 6):s]):
                return None
        elif re.match(r"\s+[A-Z][a-z]", text[e:e + 3]) and word in ("june", "august", "april"):
            return None  # a given name: "June Smith"
        c.gran, c.m = "month", _month(g["mon"])
        return c
    if name == "year":
        if y is None or not _year_ok(ctx, s, e):
            return None
        c.gran, c.y = "year", y
        return c
    if name == "year_range":
        y1 = int(g["y1"])
        y2s = g["y2"]
        y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
        if not (y1 < y2 <= 2100) or y2 - y1 > 100 \
                or (not _year_ok(ctx, s, s + 4) and not _year_ok(ctx, e - len(y2s), e)):
            return None
        c.kind = "range"
        c.a = _C(s, s + 4, "date", prio, gran="year", y=y1)
        c.b = _C(e - len(y2s), e, "date", prio, gran="year", y=y2)
        return c
    if name in ("season_y", "season_rel"):
        word = g["s"].lower()
        if word == "fall" and name == "season_rel" and g["rel"].lower() != "last":
            return None
        c.gran, c.y, c.extra = "season", y, L.SEASONS[word]
        if name == "season_rel":
            c.rel = ("anchor", "season", {"last": -1, "past": -1, "this": 0, "next": 1}[g["rel"].lower()],
                     L.SEASONS[word])
        return c
    if name in ("decade", "decade2", "decade3"):
        if name == "decade":
            c.extra = g["dec"]
        else:
            d2 = int(g["d2"])
            c.extra = f"{19 if d2 >= 3 else 20}{d2}"
        c.gran = "decade"
        c.mod = L.POSITION_MODS[g["pm"].lower()] if g.get("pm") else None
        return c
    if name == "century":
        raw = g["n"].lower()
        n = int(re.sub(r"\D", "", raw)) if raw[0].isdigit() else L.ORDINALS.get(raw, 0)
        if not 1 <= n <= 22:
            return None
        c.gran, c.extra = "century", f"{n - 1:02d}"
        c.mod = L.POSITION_MODS[g["pm"].lower()] if g.get("pm") else None
        return c
    if name == "dayword":
        w = g["w"].lower()
        if w == "today" and not g.get("bf") and not g.get("pod") and _generic_today(ctx, s, e):
            c.kind, c.value = "vague", "PRESENT_REF"  # "today's Russia", "as strong today as ever"
            return c
        off = {"yesterday": -1, "today": 0, "tomorrow": 1}[w]
        if g.get("bf"):
            off += -1 if g["bf"].lower() == "before" else 1
        c.rel = ("anchor", "day", off, w)
        if g.get("pod"):
            c.kind, c.hh = "time", L.PART_OF_DAY[g["pod"].lower()]
        return c
    if name == "tonight":
        w = " ".join(g["w"].lower().split())
        c.kind = "time"
        c.rel = ("anchor", "day", -1 if w == "last night" else 0, w)
        c.hh = L.PART_OF_DAY[w.split()[-1]]
        return c
    if name == "relunit":
        rel, unit = g["rel"].lower(), g["u"].lower()
        rel = "last" if rel.startswith("this") and rel != "this" else rel
        if rel in ("following", "previous", "same"):
            c.rel = ("ref", unit, {"following": 1, "previous": -1, "same": 0}[rel], rel)
        else:
            c.rel = ("anchor", unit, {"last": -1, "this": 0, "next": 1, "coming": 1}[rel], rel)
        c.gran = unit
        return c
    if name == "anaphor":
        w = " ".join(g["w"].lower().split())
        unit = next((g[k] for k in ("u", "u2", "u3", "u4", "u5") if g.get(k)), "day").lower().rstrip("s")
        if unit in ("morning", "night", "evening"):
            c.kind, c.hh, unit = "time", L.PART_OF_DAY[unit], "day"
        if w.endswith(("after", "later")):
            off = 1
        elif w.endswith(("before", "earlier", "previous")):
            off = -1
        elif "following" in w or "next" in w:
            off = 1
        elif "previous" in w or "preceding" in w:
            off = -1
        else:
            off = 0
        if g.get("u3") and L.EVENT_NEXT.match(text, e):
            return None  # "the day before the summit": relative to an event, not to a date we know
        if w.endswith(("days", "weeks", "months", "years")):  # "the following days": after the reference
            c.mod = "AFTER" if off > 0 else "BEFORE" if off < 0 else None
            off = 0
        c.rel = ("ref", unit, off, w)
        c.gran = unit
        return c
    if name == "weekday":
        wd = L.WEEKDAYS[g["wd"].lower()]
        before = text[max(0, s - 10):s].split()
        if before and before[-1].lower() in L.WEEKDAY_NAMES_BEFORE and before[-1][0].isupper():
            return None  # "Black Monday", "Good Friday": names, not this week's day
        if g.get("pl"):
            if g.get("rel"):
                return None
            c.kind, c.value = "set", f"XXXX-WXX-{wd}"
            return c
        rel = (g.get("rel") or "").lower()
        c.rel = ("weekday", "day", wd, rel)
        if g.get("pod"):
            c.kind, c.hh = "time", L.PART_OF_DAY[g["pod"].lower()]
        return c
    if name == "ago":
        count = _num(g["n"] or g["nb"])
        unit = g["u"].lower().rstrip("s")
        if unit == "centurie":
            unit = "century"
        direction = " ".join(g["dir"].lower().split())
        sign = 1 if direction in ("later", "from now", "hence") else -1
        if unit in ("second", "minute", "hour") and direction in ("later", "earlier") \
                and not (L.APPOSED_LATER.search(text, max(0, s - 3), s) and L.THAN_NEXT.match(text, e)):
            # "six minutes later": no clock time to count from, so TimeML's reading: the duration
            # "six minutes" and "later" as its signal (the event keeps the day of its paragraph)
            c.end = m.start("dir")
            while text[c.end - 1].isspace():
                c.end -= 1
            c.kind, c.value = "duration", _duration_value(count, unit)
            pre = " ".join((g.get("pre") or "").lower().split())
            c.mod = L.DURATION_MODS.get(pre) if pre else None
            return c
        if count is None or isinstance(count, float):
            c.kind, c.value = "vague", "FUTURE_REF" if sign > 0 else "PAST_REF"
            return c
        base = "anchor" if direction in ("ago", "from now", "hence") else "ref"
        if base == "ref" and L.APPOSED_LATER.search(text, max(0, s - 3), s) and L.THAN_NEXT.match(text, e):
            # "arrives on May 11, three days later than planned": the apposed date itself
            c.rel, c.gran = ("ref", "day", 0, direction), "day"
            return c
        gran = {"second": "day", "minute": "day", "hour": "day", "night": "day", "fortnight": "day",
                "week": "day", "decade": "year", "century": "year"}.get(unit, unit)
        mult = {"fortnight": 14, "week": 7, "decade": 10, "century": 100}.get(unit, 1)
        if unit in ("second", "minute", "hour"):
            # "six minutes later": the day of its reference; "36 hours ago": whole days back
            count = int(count // 24) if unit == "hour" else 0
            c.extra = "subday"
        pre = " ".join((g.get("pre") or "").lower().split())
        c.mod = L.DURATION_MODS.get(pre) if pre else None  # "nearly a decade ago"
        c.rel, c.gran = (base, gran, sign * int(count) * mult, direction), gran
        return c
    if name in ("set", "setadv"):
        if name == "setadv":
            unit = {"daily": "day", "nightly": "day", "weekly": "week", "monthly": "month", "annual": "year",
                    "annually": "year", "yearly": "year", "hourly": "hour", "quarterly": "month"}[g["w"]]
            if g["w"] == "quarterly":
                c.kind, c.value = "set", "P3M"
                return c
            c.kind, c.value = "set", _duration_value(1, unit)
            return c
        u = (g.get("u") or g.get("u2") or "").lower()
        if u.capitalize() in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
            c.kind, c.value = "set", f"XXXX-WXX-{L.WEEKDAYS[u]}"
        elif u in ("morning", "night", "evening"):
            c.kind, c.value = "set", f"TXX{L.PART_OF_DAY[u]}".replace("TXX", "XXXX-XX-XXT")
        elif u == "weekend":
            c.kind, c.value = "set", "XXXX-WXX-WE"
        else:
            c.kind, c.value = "set", _duration_value(1, u.rstrip("s"))
        return c
    if name in ("duration", "duration_the", "duration_bare"):
        if name == "duration" and g["n"].lower() in ("a", "an") and L.THING_NOT_SPAN.match(text, e):
            return None  # "there came a day when ...": a day as a thing, not a length of time
        if name == "duration" and g["n"].lower() in ("a", "an") and re.search(
                r"\b(?:once|twice|times|per)\s+$", text[max(0, s - 12):s], re.I):
            return None
        if name == "duration" and g["n"].lower() in ("a", "an") and text[m.end("u"):m.end("u") + 1] == "s":
            return None  # "a decades-long dispute": the article belongs to the noun after
        unit = (g.get("u") or g.get("u2") or g.get("u3") or "").lower()
        after_unit = text[m.end("u"):m.end("u") + 5] if g.get("u") else ""
        rel_word = (g.get("rel") or "").lower()
        if name == "duration_the" and rel_word == "last" and not g.get("pre") \
                and unit in ("week", "month", "quarter", "year", "decade", "century") \
                and not L.PART_OF_NEXT.match(text, e):
            c.rel, c.gran = ("anchor", unit, -1, "last"), unit  # "the last week": the previous week
            return c
        if name == "duration" and unit == "quarter" \
                and (not after_unit.startswith("s") or L.FRACTION_OF.match(text, m.end("u") + 1)):
            return None  # "a quarter of the vote", "three quarters of those polled": fractions
        count = 1 if name == "duration_the" else None if name == "duration_bare" else _num(g["n"])
        if name == "duration" and count is None and g["n"].lower() not in L.VAGUE_NUMBERS:
            return None
        if name == "duration" and g["u"].lower() == "second" and not g["n"][0].isdigit():
            return None  # "a second attack" is an ordinal
        if name == "duration" and g["n"][0].isdigit() and e < len(text) and text[e] == "-" \
                and re.match(r"-\w", text[e:e + 2]):
            return None
        if name == "duration" and isinstance(count, int) and 1000 <= count <= 2100 \
                and text[m.end("u"):m.end("u") + 1] != "s":
            return None  # "the 2018 day five": a year, not 2018 days
        c.kind, c.value = "duration", _duration_value(count, unit)
        pre = " ".join((g.get("pre") or "").lower().split())
        if pre in ("over", "under") and rel_word:  # "over the next four years": a preposition
            c.start, pre = m.end("pre"), ""
            while text[c.start].isspace():
                c.start += 1
        c.mod = L.DURATION_MODS.get(pre) if pre else None
        return c
    if name == "duration_np":
        tok = ctx.token_at(s)
        if tok is None or not ctx.parsed or tok.idx != s or tok.tag_ != "NNS" \
                or tok.dep_ in L.NOT_HEAD_DEPS or any(k.dep_ in L.NP_MODIFIER_DEPS for k in tok.children) \
                or (tok.i > 0 and (tok.doc[tok.i - 1].lower_ in L.DETERMINERS
                                   or tok.doc[tok.i - 1].tag_ in ("CD", "JJ", "JJR", "JJS", "PRP$", "POS"))):
            return None
        c.kind, c.value = "duration", _duration_value(None, g["u"])
        return c
    if name == "durfirst":  # "between 60 and 90 days": the first count shares the unit
        c.end = m.end("n")
        count = _num(g["n"])
        if count is None:
            return None
        c.kind, c.value = "duration", _duration_value(count, g["u"])
        return c
    if name == "refadj":  # "recent losses", "the current crisis": indexical adjectives before a noun
        tok = ctx.token_at(s)
        nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
        if tok is None or tok.tag_ not in ("JJ", "JJS") or nxt is None or nxt.pos_ not in ("NOUN", "ADJ") \
                or nxt.lower_ in ("account", "accounts", "affairs", "events", "flow", "flows"):
            return None
        c.kind, c.value = "vague", "PAST_REF" if g["w"].lower() == "recent" else "PRESENT_REF"
        return c
    if name == "season":  # a bare season ("spring sales"), its year from context or the anchor
        tok = ctx.token_at(s)
        prv = tok.doc[tok.i - 1] if tok is not None and tok.i > 0 else None
        nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
        if tok is None or tok.pos_ not in ("NOUN", "PROPN") \
                or (prv is not None and (prv.pos_ == "PROPN" or prv.lower_ in ("hot", "every", "each"))) \
                or (nxt is not None and nxt.lower_ in L.SEASON_NOT_TIME):
            return None  # "Arab Spring", "hot spring", the verb "spring", "winter wheat"
        c.gran, c.extra = "season", L.SEASONS[g["s"].lower()]
        return c
    if name == "same_prior":  # "the same period last year": the period just named, a year back
        c.rel, c.gran = ("sameprior", g["u"].lower(), -1, "same"), "year"
        return c
    if name == "weekof":  # "the last week of March": an ISO week of that month
        c.gran, c.m, c.y = "month", _month(g["mon"]), y
        o = g["o"].lower()
        c.weekof = 0 if o in ("last", "final") else L.ORDINALS[o]
        return c
    if name == "vague":
        c.kind, c.value = "vague", L.VAGUE[" ".join(g["w"].lower().split())]
        if g.get("int") and g["w"].lower() not in ("soon", "recently", "lately"):
            c.start = m.start("w")  # "very soon", "more recently", but not "so the future"
        if text[e:e + 1] == "-":
            return None  # "the now-cancelled deal", "the soon-to-open terminal": part of a compound
        if g["w"].lower() == "now" and re.match(r"\s*(?:that|on)\b", text[e:e + 6]):
            return None  # "now that ...", "from now on"
        return c
    if name in ("clock", "clock24", "military", "noon"):
        if name == "noon":
            c.hh = L.PART_OF_DAY[g["w"].lower().replace("midday", "noon")]
        else:
            hour = int(g["H"])
            ap = (g.get("ap") or "").lower()
            if ap and not 1 <= hour <= 12:
                return None
            if ap.startswith("p") and hour < 12:
                hour += 12
            elif ap.startswith("a") and hour == 12:
                hour = 0
            utc = re.search(r"GMT|UTC|Z\b", m.group(0)) and not re.search(r"[+-]\s*\d", m.group(0))
            zulu = "Z" if utc else ""
            c.hh = f"{hour:02d}:{g.get('M') or '00'}{zulu}"
        c.kind = "time"
        return c
    if name == "ordday":
        tok = ctx.token_at(e - 1)
        nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
        if nxt is not None and (nxt.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")
                                or (nxt.is_alpha and nxt.is_title)):
            return None
        c.d, c.extra = _day(g["d"]), "ordday"
        return c
    return None


def _select(cands: list[_C]) -> list[_C]:
    """Greedy non-overlapping choice: longest first, then by pattern priority."""
    cands.sort(key=lambda c: (-(c.end - c.start), c.prio, c.start))
    taken: list[tuple[int, int]] = []
    chosen: list[_C] = []
    for c in cands:
        i = bisect.bisect_left(taken, (c.start, c.end))
        if i > 0 and taken[i - 1][1] > c.start:
            continue
        if i < len(taken) and taken[i][0] < c.end:
            continue
        taken.insert(i, (c.start, c.end))
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen


# ----------------------------------------------------------------- combination passes


def _extend_mods(text: str, cands: list[_C]) -> None:
    """Pull "early/mid/late", "the end of" into the span as TIMEX3 mods; note since/before/after."""
    prev_end = 0
    for c in cands:
        part_of_day = c.kind == "time" and c.hh in ("MO", "AF", "EV", "NI")  # "late Sunday night"
        if (c.kind in ("date", "range") or part_of_day) and c.mod is None and c.extra != "ordday":
            m = L.MOD_PREFIX.search(text, max(prev_end, c.start - 40), c.start)
            if m is not None:
                word = " ".join((m.group("a") or m.group("b")).lower().split())
                c.mod = L.POSITION_MODS[word]
                c.start = m.start()
                if c.kind == "range" and c.a is not None:
                    c.a.mod = c.mod
                    c.mod = None
        prev_end = c.end


def _merge(text: str, cands: list[_C]) -> list[_C]:
    """Join "A to B" into ranges and "15:00 GMT Saturday" into one TIME."""
    out: list[_C] = []
    for c in cands:
        if out:
            p = out[-1]
            gap = text[p.end:c.start]
            if p.kind == "date" and c.kind == "date" and p.rel is None and c.rel is None and len(gap) < 12 \
                    and L.RANGE_GAP.match(gap) and _rangeable(p, c, gap, text):
                out[-1] = _C(p.start, c.end, "range", min(p.prio, c.prio), a=p, b=c)
                continue
            if len(gap) < 8 and L.TIME_DATE_GAP.match(gap):
                joined = _join_time(p, c)
                if joined is not None:
                    out[-1] = joined
                    continue
        out.append(c)
    return out


def _rangeable(a: _C, b: _C, gap: str, text: str) -> bool:
    if a.gran not in ("day", "month", "year", "quarter", "season") or (a.gran == "day" and a.d is None):
        return False
    if gap.strip().lower() == "and":
        return bool(re.search(r"\bbetween\s+$", text[max(0, a.start - 10):a.start], re.I))
    return _GRAN_RANK.get(a.gran) == _GRAN_RANK.get(b.gran) or (a.y is None and b.y is not None)


def _join_time(p: _C, c: _C) -> _C | None:
    time, date = (p, c) if p.kind == "time" and p.rel is None and p.y is None else (c, p)
    if time.kind != "time" or time.rel is not None or time.y is not None:
        return None
    if date.kind != "date" or date.gran != "day" or (date.extra == "ordday" and date is c):
        return None
    merged = replace(date, start=min(p.start, c.start), end=max(p.end, c.end), kind="time", hh=time.hh)
    return merged


# ----------------------------------------------------------------- resolution


def _fmt(c: _C) -> str:
    y = "XXXX" if c.y is None else f"{c.y:04d}"
    g = c.gran
    if g == "year":
        return y
    if g == "decade":  # TIMEX3: a decade is its first three digits ("the 1990s" -> "199")
        return c.extra or "XXX"
    if g == "century":
        return c.extra or "XX"
    if g == "season":
        return f"{y}-{c.extra or 'XX'}"
    if g == "quarter":
        return f"{y}-Q{c.extra or 'X'}"
    if g in ("week", "weekend"):
        w = "WXX" if c.extra is None else f"W{c.extra}"
        return f"{y}-{w}" + ("-WE" if g == "weekend" else "")
    mo = "XX" if c.m is None else f"{c.m:02d}"
    if g == "month":
        return f"{y}-{mo}"
    d = "XX" if c.d is None else f"{c.d:02d}"
    out = f"{y}-{mo}-{d}"
    if c.extra and c.extra.startswith("wd") and c.d is None:
        out = f"{y}-WXX-{c.extra[2:]}"
    return out


def _set_date(c: _C, day: dt.date, gran: str) -> None:
    c.gran = gran
    if gran in ("week", "weekend"):
        iy, iw, _ = day.isocalendar()
        c.y, c.extra, c.m, c.d = iy, f"{iw:02d}", None, None
    elif gran == "quarter":
        c.y, c.extra = day.year, str((day.month - 1) // 3 + 1)
    elif gran == "decade":
        c.extra = str(day.year // 10)
    elif gran == "century":
        c.extra = f"{day.year // 100:02d}"
    else:
        c.y = day.year
        c.m = day.month if gran in ("month", "day") else None
        c.d = day.day if gran == "day" else None


def _week_of_month(c: _C) -> None:
    """The n-th (or last) Monday-Sunday week of the month, counting weeks whose Thursday lies in it
    (the ISO rule for a year's weeks, applied to months)."""
    assert c.y is not None and c.m is not None and c.weekof is not None
    first = dt.date(c.y, c.m, 1)
    thursday = first + dt.timedelta(days=(4 - first.isoweekday()) % 7)
    thursdays = [thursday + dt.timedelta(weeks=k) for k in range(6)
                 if (thursday + dt.timedelta(weeks=k)).month == c.m]
    if c.weekof > len(thursdays):
        return
    pick = thursdays[-1] if c.weekof == 0 else thursdays[c.weekof - 1]
    _set_date(c, pick, "week")


def _shift(day: dt.date, unit: str, n: int) -> dt.date:
    if unit in ("week", "weekend"):
        return day + dt.timedelta(weeks=n)
    if unit == "month":
        return day + relativedelta(months=n)
    if unit == "quarter":
        return day + relativedelta(months=3 * n)
    if unit == "year":
        return day + relativedelta(years=n)
    if unit == "decade":
        return day + relativedelta(years=10 * n)
    if unit == "century":
        return day + relativedelta(years=100 * n)
    return day + dt.timedelta(days=n)


def _as_date(c: _C) -> tuple[dt.date, str] | None:
    """A reference date (and its granularity) from a resolved candidate."""
    if c.kind == "range":
        c = c.b or c
    if c.y is None or c.gran not in ("day", "month", "year", "week", "quarter", "season"):
        return None
    try:
        if c.gran == "week" and c.extra:
            return dt.date.fromisocalendar(c.y, int(c.extra), 1), "week"
        if c.gran == "quarter" and c.extra:
            return dt.date(c.y, 3 * int(c.extra) - 2, 1), "quarter"
        if c.gran == "season" and c.extra:
            return dt.date(c.y, L.SEASON_MONTH[c.extra], 1), "season"
        return dt.date(c.y, c.m or 1, c.d or 1), c.gran
    except ValueError:
        return None


def _bounds(c: _C, year: int) -> tuple[dt.date, dt.date] | None:
    """First and last day the year-less candidate would cover in ``year``."""
    try:
        if c.gran == "quarter" and c.extra:
            q = int(c.extra)
            return dt.date(year, 3 * q - 2, 1), dt.date(year, 3 * q, 1) + relativedelta(months=1, days=-1)
        if c.gran == "season" and c.extra:
            lo = dt.date(year, L.SEASON_MONTH[c.extra], 1)
            return lo, lo + relativedelta(months=3, days=-1)
        if c.m is None:
            return None
        if c.d is not None:
            day = dt.date(year, c.m, c.d)
            return day, day
        lo = dt.date(year, c.m, 1)
        return lo, lo + relativedelta(months=1, days=-1)
    except ValueError:
        return None


def _yearless(c: _C, ctx: _Ctx, tense: str, years: list[tuple[int, int, int, int]]) -> None:
    """Give a month / month-day / quarter without a year its year.

    With a publication date: a nearby (same paragraph, < 300 chars) full date, or a month-year of
    the same sentence, lends its year ("On Feb. 24, 2022 ... On March 3"); else past tense takes the latest
    such date not after the anchor (+7 days slack: datelines lag), future the next one, present the nearest.
    Without one: the nearest preceding explicit year of the document, else the nearest following.
    """
    if ctx.anchor is None:
        before = [yr for pos, yr, _, _ in years if pos < c.start]
        after = [yr for pos, yr, _, _ in years if pos > c.start]
        if before or after:
            c.y, c.src = (before[-1] if before else after[0]), "context"
        else:
            c.src = "none"
        return
    para = ctx.para(c.start)
    near = [yr for pos, yr, p, lends in years
            if pos < c.start and p == para and c.start - pos < 300
            and (lends == 2 or (lends == 1 and ctx.sentence(pos) == ctx.sentence(c.start)))]
    if near:
        c.y, c.src = near[-1], "context"
        return
    a = ctx.anchor
    c.src = "publication"
    options = [(yr, b) for yr in (a.year - 1, a.year, a.year + 1) if (b := _bounds(c, yr)) is not None]
    if not options:
        c.y = a.year
        return
    if tense == "past":
        fit = [yr for yr, (lo, _) in options if lo <= a + dt.timedelta(days=7)]
        c.y = fit[-1] if fit else a.year
    elif tense == "future":
        fit = [yr for yr, (_, hi) in options if hi >= a - dt.timedelta(days=1)]
        c.y = fit[0] if fit else a.year
    else:
        c.y = min(options, key=lambda o: abs((o[1][0] + (o[1][1] - o[1][0]) / 2 - a).days))[0]


def _resolve_ordday(c: _C, ctx: _Ctx, prev: list[_C]) -> None:
    """"on the 27th": month from the nearest preceding month mention, else the anchor."""
    for p in reversed(prev):
        q = p.b if p.kind == "range" and p.b is not None else p
        if q.m is not None and q.y is not None:
            c.y, c.m, c.src = q.y, q.m, "context"
            return
    if ctx.anchor is not None:
        a = ctx.anchor
        c.y, c.m, c.src = a.year, a.month, "publication"
        if c.d is not None and c.d > a.day + 3:
            prior = a.replace(day=1) - dt.timedelta(days=1)
            c.y, c.m = prior.year, prior.month
        return
    c.src = "none"


def _resolve_rel(c: _C, ctx: _Ctx, last: tuple[dt.date, str] | None, tense: str,
                 last_day: dt.date | None = None) -> None:
    assert c.rel is not None
    base, unit, n, word = c.rel
    if base == "yearof":  # "March of last year": the month or quarter is explicit, the year relative
        if ctx.anchor is None:
            c.src = "none"
        else:
            c.y, c.src = ctx.anchor.year + n, "publication"
        return
    if base == "monthrel":  # "last September": the latest September before the anchor's month
        if ctx.anchor is None or c.m is None:
            c.src = "none"
            return
        a = ctx.anchor
        if n < 0:
            c.y = a.year if c.m < a.month else a.year - 1
        elif n > 0:
            c.y = a.year if c.m > a.month else a.year + 1
        else:
            c.y = a.year
        c.src = "publication"
        return
    if base == "refday":  # "ended the day": the day last named before it, else publication
        if last_day is not None:
            _set_date(c, last_day, "day")
            c.src = "context"
        elif ctx.anchor is not None:
            _set_date(c, ctx.anchor, "day")
            c.src = "publication"
        else:
            c.src = "none"
        return
    if base == "sameprior":
        if last is not None:
            ref, ref_gran = last
            c.src = "context"
        elif ctx.anchor is not None:
            ref, ref_gran = ctx.anchor, "year"
            c.src = "publication"
        else:
            c.src = "none"
            return
        gran = unit if unit in ("month", "quarter", "week", "day") else ref_gran
        if _GRAN_RANK.get(ref_gran, 6) < _GRAN_RANK.get(gran, 6):
            gran = ref_gran  # "in 2009 ... the same month last year": no finer than the reference
        _set_date(c, _shift(ref, "year", n), gran if gran in ("month", "quarter", "week", "day") else "year")
        return
    if base == "weekday":
        if ctx.anchor is None:
            c.src, c.d = "none", None
            c.gran, c.extra = ("weekend", None) if unit == "weekend" else ("day", f"wd{n}")
            return
        a = ctx.anchor
        if unit == "weekend" and word in ("the", "this", ""):
            word = ""  # "this weekend" on a Tuesday is the one just past in a past-tense clause
        diff = (n - a.isoweekday()) % 7
        if word in ("next", "coming"):
            target = a + dt.timedelta(days=diff or 7)
        elif word in ("last", "past"):
            target = a - dt.timedelta(days=(7 - diff) % 7 or 7)
        elif word == "this":
            target = a + dt.timedelta(days=n - a.isoweekday())
        elif tense == "present" and unit != "weekend" and _finite_present(ctx, c.start):
            # "voting ends on Tuesday", a headline's "rebels storm town Friday": the nearest one
            back = (7 - diff) % 7
            target = a + dt.timedelta(days=diff) if diff < back else a - dt.timedelta(days=back)
        elif tense == "future" \
                or (L.UNTIL_PREFIX.search(ctx.text, max(0, c.start - 8), c.start)
                    and _perfect(ctx, c.start)) \
                or (L.FOR_PREFIX.search(ctx.text, max(0, c.start - 6), c.start)
                    and not ctx.text.startswith(("'s", "’s"), c.end)):
            # "has kept markets closed until Friday": a present-perfect state runs on to the coming one;
            # "has called a rally for Friday", "talks set for Monday": the day something is set for
            target = a + dt.timedelta(days=diff)
        else:
            target = a - dt.timedelta(days=(7 - diff) % 7)
        _set_date(c, target, "weekend" if unit == "weekend" else "day")
        c.src = "publication"
        return
    if unit == "season":
        if ctx.anchor is None:
            c.src = "none"
            return
        a = ctx.anchor
        if word not in L.SEASON_MONTH:  # "this season": the one the publication date falls in
            word = c.extra = L.MONTH_SEASON[a.month]
        season_month = L.SEASON_MONTH[word]
        year = a.year + n
        if n < 0 and a.month >= season_month + 3:
            year = a.year
        c.y, c.src = year, "publication"
        return
    if base == "ref" and c.kind == "time" and last_day is not None and (last is None or last[1] != "day"):
        # "the same evening" after a background "in 2020": a part of day needs a day, the last one
        # named (a day-sized "the following days" after "July 2020" keeps the month)
        ref, ref_gran = last_day, "day"
        c.src = "context"
    elif base == "ref" and last is not None:
        ref, ref_gran = last
        c.src = "context"
    elif ctx.anchor is not None:
        ref, ref_gran = ctx.anchor, "day"
        c.src = "publication"
    else:
        c.src = "none"
        c.y = c.m = c.d = None
        return
    if unit == "time":  # "by that time": the time last named, at its own precision
        if c.src != "context":
            c.src, c.y, c.m, c.d = "none", None, None, None
            return
        _set_date(c, ref, ref_gran)
        return
    if c.extra == "subday" and ref_gran != "day":
        c.src, c.y, c.m, c.d = "none", None, None, None  # minutes after a year or month: day unknown
        return
    target_gran = unit
    if _GRAN_RANK.get(ref_gran, 6) < _GRAN_RANK.get(unit, 6):
        target_gran = ref_gran  # "the following day" after "July 2020": no finer than the reference
        if n:
            c.mod = c.mod or ("AFTER" if n > 0 else "BEFORE")
        n = 0
    _set_date(c, _shift(ref, unit, n), target_gran)


def _resolve(cands: list[_C], ctx: _Ctx) -> None:
    years: list[tuple[int, int, int, int]] = []
    for c in cands:
        for part in (c.a, c.b) if c.kind == "range" else (c,):
            if part is not None and part.y is not None and part.rel is None:
                # only a full date (2), or a month-year (1) of the same sentence, lends its year to
                # a nearby year-less date when there is an anchor (bare years lent too eagerly:
                # "since 1983 ... February"; "service in November 2006. It arrives on November 11")
                lends = 2 if part.d is not None else 1 if part.m is not None else 0
                years.append((part.start, part.y, ctx.para(part.start), lends))
    years.sort()
    last: tuple[dt.date, str] | None = None
    days: list[tuple[dt.date, str | None]] = []  # day-precise dates so far, with their part of day
    done: list[_C] = []
    for c in cands:
        if c.kind in ("duration", "set", "vague"):
            continue
        tense = _tense(ctx, c.start) if (c.rel is not None or c.y is None) else "past"
        if c.kind == "range" and c.a is not None and c.b is not None:
            a, b = c.a, c.b
            if a.y is None and b.y is not None:
                a.y = b.y - 1 if (a.m and b.m and a.m > b.m) else b.y
            elif b.y is None and a.y is not None:
                b.y = a.y + 1 if (a.m and b.m and b.m < a.m) else a.y
            if b.y is None and b.gran not in ("decade", "century"):
                _yearless(b, ctx, tense, years)
                if a.y is None and b.y is not None:
                    a.y, a.src = (b.y - 1 if (a.m and b.m and a.m > b.m) else b.y), b.src
            if a.y is None and a.gran not in ("decade", "century"):
                _yearless(a, ctx, tense, years)
            c.src = max(a.src, b.src, key=_SOURCE_RANK.__getitem__)
        elif c.extra == "ordday":
            _resolve_ordday(c, ctx, done)
        elif c.rel is not None:
            _resolve_rel(c, ctx, last, tense, days[-1][0] if days else None)
        elif c.y is None and (c.m is not None or c.gran in ("quarter", "season")):
            _yearless(c, ctx, tense, years)
        if c.weekof is not None and c.y is not None and c.m is not None:
            _week_of_month(c)
        if c.kind == "time" and c.y is None and c.rel is None and days:
            c.ref_day = _clock_day(c.hh, days)
        ref = _as_date(c)
        if ref is not None:
            last = ref
            if ref[1] == "day" and not (c.src == "publication" and c.rel is not None
                                        and c.rel[0] in ("anchor", "weekday") and ctx.quoted(c.start)):
                # a speaker's "today" counts from the moment of speaking, which the narrative
                # does not share: it does not become the day under discussion
                days.append((ref[0], _day_part(c)))
        done.append(c)


def _day_part(c: _C) -> str | None:
    """The part of day a day-precise date names: "Sunday night" NI, "early Wednesday" MO (its
    start), "late Tuesday" NI (its end), "7 p.m. Tuesday" from the hour; None for a whole day."""
    if c.kind == "time" and c.hh:
        if c.hh in ("MO", "AF", "EV", "NI"):
            return c.hh
        hour = int(c.hh[:2]) if c.hh[:2].isdigit() else None
        return None if hour is None else "MO" if hour < 12 else "AF" if hour < 18 else "NI"
    return {"START": "MO", "END": "NI"}.get(c.mod or "")


def _clock_day(hh: str | None, days: list[tuple[dt.date, str | None]]) -> dt.date:
    """The day of a clock time without a date ("at 10:15 p.m."): the last earlier date whose part
    of day holds the hour ("on Sunday night ... at 10:15 p.m."), else the last earlier date.

    TimeML dates a bare clock time by the day under discussion; in news that is the day of the
    event it times, which the lede names with its part of day ("early Wednesday ... at 4 a.m."),
    while later dates of other events ("on Tuesday, a court ...") may come in between."""
    hour = int(hh[:2]) if hh and hh[:2].isdigit() else None
    part = hh if hh in ("MO", "AF", "EV", "NI") else None
    if hour is not None:
        part = "MO" if hour < 12 else "AF" if hour < 18 else "NI"
    if part is not None:
        for day, named in reversed(days):
            if named == part or (named == "EV" and part == "NI"):
                return day
    return days[-1][0]


def _to_value(c: _C, ctx: _Ctx) -> TimeValue:
    text = ctx.text[c.start:c.end]
    mod = c.mod
    if c.kind in ("duration", "set", "vague"):
        assert c.value is not None
        kind = {"duration": "DURATION", "set": "SET", "vague": "DATE"}[c.kind]
        prec = {"duration": "duration", "set": "set", "vague": "vague"}[c.kind]
        return TimeValue(c.start, c.end, text, kind, c.value, prec, "explicit", mod,  # type: ignore[arg-type]
                         confidence=0.8)
    if c.kind == "range" and c.a is not None and c.b is not None:
        begin, finish = _fmt(c.a), _fmt(c.b)
        return TimeValue(c.start, c.end, text, "DATE", f"{begin}/{finish}", "range", c.src, mod,
                         begin, finish, confidence=_CONFIDENCE[c.src])
    value = _fmt(c)
    if c.kind == "time":
        if c.y is None and c.m is None and c.d is None and c.rel is None and c.extra is None:
            if c.extra is None and c.y is None and c.m is None and c.ref_day is not None:
                value, c.src = c.ref_day.isoformat(), "context"  # "22:30" after "on 4 May 2010"
            elif ctx.anchor is not None:  # a bare clock time: the day of publication
                value, c.src = ctx.anchor.isoformat(), "publication"
            else:
                value, c.src = "XXXX-XX-XX", "none"
        elif c.gran != "day" or (c.y is None and c.rel is None and c.extra is None):
            value = "XXXX-XX-XX" if c.gran != "day" else value
            c.src = "none" if c.gran != "day" else c.src
        return TimeValue(c.start, c.end, text, "TIME", f"{value}T{c.hh}", "time", c.src, mod,
                         confidence=_CONFIDENCE[c.src])
    return TimeValue(c.start, c.end, text, "DATE", value, _GRAN_PRECISION.get(c.gran, c.gran), c.src, mod,
                     confidence=0.5 if c.impossible else _CONFIDENCE[c.src])


def extract_times(doc: Doc, anchor: dt.date | None) -> list[TimeValue]:
    """Every time expression of ``doc`` (sorted, non-overlapping), normalized to TIMEX3."""
    ctx = _Ctx(doc, anchor)
    cands = _select(_propose(ctx))
    _extend_mods(ctx.text, cands)
    cands = _merge(ctx.text, cands)
    for c in cands:  # signal words just before a plain date: "since 2014" -> ON_OR_AFTER
        if c.kind == "date" and c.mod is None and c.rel is None:
            m = L.SIGNAL_PREFIX.search(ctx.text, max(0, c.start - 8), c.start)
            if m is not None:
                c.mod = _SIGNAL_MODS.get(m.group("s").lower())
    _resolve(cands, ctx)
    return [_to_value(c, ctx) for c in cands]


# ----------------------------------------------------------------- event dating


def _clause_head(tok: Token) -> Token:
    """The verb whose clause holds ``tok`` (the token itself when it is a verb)."""
    cur = tok
    for _ in range(40):
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("aux", "auxpass"):
            return cur
        if cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def _span_root(doc: Doc, start: int, end: int, starts: list[int]) -> Token | None:
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    j = max(bisect.bisect_left(starts, end), i + 1)
    toks = list(doc[i:j])
    if not toks:
        return None
    inside = {t.i for t in toks}
    for t in toks:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return toks[0]


_AFTER_WORDS = frozenset({"following", "after"})


def _precision_of(value: str) -> str:
    if re.fullmatch(r"[\dX]{4}", value):
        return "year"
    if re.fullmatch(r"[\dX]{3}", value):
        return "decade"
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}", value):
        return "month"
    if "-W" in value:
        return "week"
    if "-Q" in value:
        return "quarter"
    return "day" if re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}", value) else "vague"


def _dateref(t: TimeValue, source: str, after: bool = False) -> DateRef:
    """DateRef from a time; an event "following" a range happened at its end, not across it."""
    if after and t.finish:
        return DateRef(t.finish, _precision_of(t.finish), t.start, t.end, t.text, source)
    return DateRef(t.value, t.precision, t.start, t.end, t.text, source, t.begin, t.finish)


def _inside_after_phrase(time_root: Token, trig: Token) -> bool:
    """Is the time inside a "following/after ..." phrase that does not contain the trigger?"""
    ancestors = {a.i for a in trig.ancestors}
    cur = time_root
    for _ in range(12):
        if cur.i == trig.i or cur.i in ancestors:
            return False
        if cur.lower_ in _AFTER_WORDS:
            return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


@dataclass
class _EventIndex:
    """Per-document lookups for ``event_date`` (built once, reused for every trigger)."""

    ctx: _Ctx
    usable: list[TimeValue]  # DATE/TIME expressions, sorted by start
    ustarts: list[int]
    roots: list[Token | None]
    heads: list[int]  # token index of each time's clause head (-1 when unparsed)
    sentences: list[tuple[int, int]]  # (start_char, end_char) of each sentence


_LAST_INDEX: list[tuple[Doc, tuple[object, ...], _EventIndex]] = []


def _event_index(doc: Doc, times: Sequence[TimeValue], anchor: dt.date | None) -> _EventIndex:
    key: tuple[object, ...] = (anchor, tuple((t.start, t.end, t.value) for t in times))
    slot = _LAST_INDEX[0] if _LAST_INDEX else None  # read once: safe if another thread swaps it
    if slot is not None and slot[0] is doc and slot[1] == key:
        return slot[2]
    ctx = _Ctx(doc, anchor)
    usable = sorted((t for t in times if t.type in ("DATE", "TIME")), key=lambda t: t.start)
    roots = [_span_root(doc, t.start, t.end, ctx.starts) if ctx.starts else None for t in usable]
    heads = [-1 if r is None or not ctx.parsed else _clause_head(r.head if r.head.i != r.i else r).i
             for r in roots]
    if doc.has_annotation("SENT_START"):
        sentences = [(sent.start_char, sent.end_char) for sent in doc.sents]
    else:
        sentences = [(0, len(doc_text(doc)))]
    index = _EventIndex(ctx, usable, [t.start for t in usable], roots, heads, sentences)
    _LAST_INDEX[:] = [(doc, key, index)]  # one slot: the doc being coded now
    return index


def _nearest(index: _EventIndex, cands: list[int], mid: int) -> int:
    def key(n: int) -> tuple[bool, int]:
        t = index.usable[n]
        return t.precision == "vague", abs(t.start + t.end - 2 * mid)
    return min(cands, key=key)


_DENIALS = {"deny", "reject", "dismiss", "refute"}
_SAYING = {"say", "tell", "state", "add", "claim", "report", "announce", "confirm", "insist", "allege"}


def _statement_times(doc: Doc, index: _EventIndex, cands: Sequence[int], trig: Token | None) -> set[int]:
    """Times that date a statement about the event, not the event: attached to a denial that
    governs the trigger ("denied on Wednesday that its fighters had shelled the camp"), or to a
    speech verb governing a pluperfect ("said on Monday that rebels had attacked")."""
    if trig is None:
        return set()
    clause = _clause_head(trig)
    pluperfect = any(c.dep_ == "aux" and c.lower_ == "had" for c in clause.children)
    governors = {a.i: a.lemma_.lower() for a in clause.ancestors if a.pos_ in {"VERB", "AUX"}}
    out = set()
    for n in cands:
        lemma = governors.get(index.heads[n])
        if lemma is not None and (lemma in _DENIALS or (pluperfect and lemma in _SAYING)):
            out.add(n)
    return out


def event_date(doc: Doc, times: Sequence[TimeValue], trigger_start: int, trigger_end: int,
               anchor: dt.date | None) -> DateRef | None:
    """The date governing the event whose trigger spans [trigger_start, trigger_end).

    Order: same clause > same sentence > nearest earlier tense-compatible date of the paragraph >
    publication date > none. Durations and sets never date an event, nor does the date of a
    statement about it (``_statement_times``).
    """
    index = _event_index(doc, times, anchor)
    ctx = index.ctx
    mid = (trigger_start + trigger_end) // 2
    if index.usable and ctx.starts:
        k = max(bisect.bisect_right([lo for lo, _ in index.sentences], trigger_start) - 1, 0)
        lo, hi = index.sentences[k]
        a, b = bisect.bisect_left(index.ustarts, lo), bisect.bisect_left(index.ustarts, hi)
        same = [n for n in range(a, b) if index.usable[n].end <= hi]
        trig = _span_root(doc, trigger_start, trigger_end, ctx.starts)
        statement = _statement_times(doc, index, same, trig) if ctx.parsed else set()
        same = [n for n in same if n not in statement]
        if same and trig is not None:
            head = _clause_head(trig).i if ctx.parsed else -2
            attached = [n for n in same if index.heads[n] == head]
            best = _nearest(index, attached or same, mid)
            root = index.roots[best]
            after = root is not None and _inside_after_phrase(root, trig)
            return _dateref(index.usable[best], "clause" if attached else "sentence", after)
        para = ctx.para(trigger_start)
        tense = _tense(ctx, trigger_start)
        for n in range(bisect.bisect_left(index.ustarts, trigger_start) - 1, -1, -1):
            t = index.usable[n]
            if ctx.para(t.start) != para:
                break
            if t.end > trigger_start or t.precision == "vague" or n in statement:
                continue
            if tense == "past" and anchor is not None and t.value[:1].isdigit() \
                    and t.value[:10] > anchor.isoformat():
                continue
            return _dateref(t, "paragraph")
    if anchor is not None:
        return DateRef(anchor.isoformat(), "day", None, None, None, "publication")
    return DateRef(value=None, precision=None, start=None, end=None, text=None, source="none")
