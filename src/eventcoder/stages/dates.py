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

__all__ = ["TIMEX3_VALUE", "event_date", "extract_times", "normalize_text"]

TIMEX3_VALUE = L.TIMEX3_VALUE
_GRAN_PRECISION = {"day": "day", "month": "month", "year": "year", "week": "week", "weekend": "week",
                   "quarter": "quarter", "season": "season", "decade": "decade", "century": "century"}
_GRAN_RANK = {"century": 0, "decade": 1, "year": 2, "season": 3, "quarter": 3, "month": 4, "week": 5,
              "weekend": 5, "day": 6}
_SOURCE_RANK = {"explicit": 0, "context": 1, "publication": 2, "none": 3}
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


class _Ctx:
    """Per-document lookups shared by the resolvers (token index, paragraphs)."""

    def __init__(self, doc: Doc, anchor: dt.date | None) -> None:
        self.doc = doc
        self.text = doc.text
        self.anchor = anchor
        self.starts = [t.idx for t in doc]
        self.paras = [m.end() for m in L.PARA_BREAK.finditer(self.text)]
        self.tagged = doc.has_annotation("TAG")
        self.parsed = doc.has_annotation("DEP")

    def token_at(self, char: int) -> Token | None:
        if not self.starts:
            return None
        i = bisect.bisect_right(self.starts, char) - 1
        return self.doc[max(i, 0)]

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


def _tense(ctx: _Ctx, char: int) -> str:
    """past | future | present for the clause governing the token at ``char`` (past if unknown)."""
    tok = ctx.token_at(char)
    if tok is None or not ctx.tagged:
        return "past"
    verb = tok
    for _ in range(12):
        if verb.pos_ in ("VERB", "AUX") and verb.dep_ not in ("aux", "auxpass"):
            break
        if verb.head is verb:
            break
        verb = verb.head
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lemmas = {c.lower_ for c in aux}
    if lemmas & {"will", "shall", "'ll", "wo", "would"}:
        return "future"
    if any(c.lower_ == "to" for c in aux) and verb.head.lemma_.lower() in L.FUTURE_VERBS | {"go", "be"}:
        return "future"
    if verb.lemma_.lower() in L.FUTURE_VERBS and verb.tag_ == "VBN" and any(c.tag_ in ("VBZ", "VBP") for c in aux):
        return "future"  # "talks are scheduled for Monday"
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux):
        return "past"
    if verb.tag_ == "VBN" and lemmas & {"have", "has", "had"}:
        return "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG", "VB"):
        return "present"
    return "past"


# ----------------------------------------------------------------- candidate proposal


def _year_ok(ctx: _Ctx, s: int, e: int) -> bool:
    """Is the bare 4-digit number at [s, e) a year here (not "2020 people")?"""
    text = ctx.text
    if L.NOT_YEAR_NEXT.match(text, e):
        return False
    tok = ctx.token_at(s)
    nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
    prv = tok.doc[tok.i - 1] if tok is not None and tok.i > 0 else None
    if tok is not None and tok.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT") \
            and nxt is not None and nxt.tag_ == "NNS":
        return False  # "1500 candidates"
    if L.YEAR_PREV.search(text[max(0, s - 25):s]):
        return True
    if text.startswith(("'s", "’s", ")"), e) and text[max(0, s - 1):s] != "$":
        return True
    if tok is None:
        return False
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


def _build(ctx: _Ctx, name: str, m: re.Match[str], prio: int) -> _C | None:  # noqa: C901 - one table
    """Turn one regex match into a candidate, or None when its context says it is no date."""
    g = m.groupdict()
    s, e = m.span()
    text = ctx.text
    c = _C(s, e, "date", prio)
    y = int(g["y"]) if g.get("y") else None
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
        return c
    if name in ("mdy", "dmy", "mdy_range", "dmy_range"):
        mon = _month(g["mon"])
        days = [_day(g["d"])] if "d" in g else [_day(g["d1"]), _day(g["d2"])]
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
            if prev_word not in L.MONTH_SIGNALS and not re.search(r"(?:mid-|\bof)\s*$", text[max(0, s - 6):s]):
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
        if not (y1 < y2 <= 2100) or y2 - y1 > 100 or not _year_ok(ctx, s, s + 4) and not _year_ok(ctx, e - len(y2s), e):
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
    if name in ("decade", "decade2"):
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
        if rel in ("following", "previous", "same"):
            c.rel = ("ref", unit, {"following": 1, "previous": -1, "same": 0}[rel], rel)
        else:
            c.rel = ("anchor", unit, {"last": -1, "this": 0, "next": 1, "coming": 1}[rel], rel)
        c.gran = unit
        return c
    if name == "anaphor":
        w = " ".join(g["w"].lower().split())
        unit = (g.get("u") or g.get("u2") or "day").rstrip("s")
        if unit in ("morning", "night", "evening"):
            c.kind, c.hh, unit = "time", L.PART_OF_DAY[unit], "day"
        if w.startswith("the day"):
            off = 1 if w.endswith("after") else -1
        elif "following" in w or "next" in w:
            off = 1
        elif "previous" in w or "preceding" in w:
            off = -1
        else:
            off = 0
        if w.endswith(("days", "weeks", "months", "years")):  # "the following days": after the reference
            c.mod = "AFTER" if off > 0 else "BEFORE" if off < 0 else None
            off = 0
        c.rel = ("ref", unit, off, w)
        c.gran = unit
        return c
    if name == "weekday":
        wd = L.WEEKDAYS[g["wd"].lower()]
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
        n = _num(g["n"])
        unit = g["u"].lower().rstrip("s")
        if unit == "centurie":
            unit = "century"
        direction = " ".join(g["dir"].lower().split())
        sign = 1 if direction in ("later", "from now", "hence") else -1
        if n is None or isinstance(n, float):
            c.kind, c.value = "vague", "FUTURE_REF" if sign > 0 else "PAST_REF"
            return c
        base = "anchor" if direction in ("ago", "from now", "hence") else "ref"
        gran = {"second": "day", "minute": "day", "hour": "day", "night": "day", "fortnight": "week",
                "decade": "year", "century": "year"}.get(unit, unit)
        mult = {"fortnight": 2, "decade": 10, "century": 100}.get(unit, 1)
        if unit in ("second", "minute", "hour"):
            n = 0
        c.rel, c.gran = (base, gran, sign * int(n) * mult, direction), gran
        return c
    if name in ("set", "setadv"):
        if name == "setadv":
            tok = ctx.token_at(s)
            if ctx.tagged and (tok is None or tok.pos_ != "ADV"):
                return None
            unit = {"daily": "day", "nightly": "day", "weekly": "week", "monthly": "month",
                    "annually": "year", "yearly": "year", "hourly": "hour"}[g["w"].lower()]
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
        if name == "duration" and g["n"].lower() in ("a", "an") and re.search(
                r"\b(?:once|twice|times|per)\s+$", text[max(0, s - 12):s], re.I):
            return None
        n = 1 if name == "duration_the" else None if name == "duration_bare" else _num(g["n"])
        if name == "duration" and n is None and g["n"].lower() not in L.VAGUE_NUMBERS:
            return None
        if name == "duration" and g["u"].lower() == "second" and not g["n"][0].isdigit():
            return None  # "a second attack" is an ordinal
        if name == "duration" and g["n"][0].isdigit() and e < len(text) and text[e] == "-" \
                and re.match(r"-\w", text[e:e + 2]):
            return None
        c.kind, c.value = "duration", _duration_value(n, g["u"])
        pre = (g.get("pre") or "").lower()
        c.mod = L.DURATION_MODS.get(" ".join(pre.split())) if pre else None
        return c
    if name == "vague":
        c.kind, c.value = "vague", L.VAGUE[" ".join(g["w"].lower().split())]
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
            c.hh = f"{hour:02d}:{g.get('M') or '00'}"
        c.kind = "time"
        return c
    if name == "ordday":
        tok = ctx.token_at(e - 1)
        nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
        if nxt is not None and (nxt.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or nxt.is_alpha and nxt.is_title):
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
        if c.kind in ("date", "range") and c.mod is None and c.extra != "ordday":
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
    if a.gran not in ("day", "month", "year", "quarter", "season") or a.gran == "day" and a.d is None:
        return False
    if gap.strip().lower() == "and":
        return bool(re.search(r"\bbetween\s+$", text[max(0, a.start - 10):a.start], re.I))
    return _GRAN_RANK.get(a.gran) == _GRAN_RANK.get(b.gran) or (a.y is None and b.y is not None)


def _join_time(p: _C, c: _C) -> _C | None:
    time, date = (p, c) if p.kind == "time" and p.rel is None and p.y is None else (c, p)
    if time.kind != "time" or time.rel is not None or time.y is not None:
        return None
    if date.kind != "date" or date.gran != "day" or date.extra == "ordday" and date is c:
        return None
    merged = replace(date, start=min(p.start, c.start), end=max(p.end, c.end), kind="time", hh=time.hh)
    return merged


# ----------------------------------------------------------------- resolution


def _fmt(c: _C) -> str:
    y = "XXXX" if c.y is None else f"{c.y:04d}"
    g = c.gran
    if g == "year":
        return y
    if g == "decade":
        return f"{c.extra}X"
    if g == "century":
        return c.extra or "XX"
    if g == "season":
        return f"{y}-{c.extra}"
    if g == "quarter":
        return f"{y}-Q{c.extra}"
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


def _yearless(c: _C, ctx: _Ctx, tense: str, years: list[tuple[int, int, int]]) -> None:
    """Give a month / month-day / quarter / ordinal day without a year its year (and month)."""
    para = ctx.para(c.start)
    before = [yr for pos, yr, p in years if pos < c.start and (ctx.anchor is None or p == para)]
    after = [yr for pos, yr, _ in years if pos > c.start]
    if before or (ctx.anchor is None and after):
        c.y, c.src = (before[-1] if before else after[0]), "context"
        return
    if ctx.anchor is None:
        c.src = "none"
        return
    a = ctx.anchor
    c.src = "publication"
    month = c.m or (3 * int(c.extra) - 2 if c.gran == "quarter" and c.extra else a.month)
    day = c.d or 1
    if tense == "future":
        c.y = a.year if (month, day) >= ((a.month, a.day) if c.gran == "day" else (a.month, 1)) else a.year + 1
        if c.gran == "quarter" and c.extra and int(c.extra) >= (a.month - 1) // 3 + 1:
            c.y = a.year
    else:
        limit = a + dt.timedelta(days=3)
        c.y = a.year if (month, day) <= (limit.month, limit.day) or limit.year > a.year else a.year - 1


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


def _resolve_rel(c: _C, ctx: _Ctx, last: tuple[dt.date, str] | None, tense: str) -> None:
    assert c.rel is not None
    base, unit, n, word = c.rel
    if base == "weekday":
        if ctx.anchor is None:
            c.src, c.gran, c.d, c.extra = "none", "day", None, f"wd{n}"
            return
        a = ctx.anchor
        diff = (n - a.isoweekday()) % 7
        if word in ("next", "coming"):
            target = a + dt.timedelta(days=diff or 7)
        elif word in ("last", "past"):
            target = a - dt.timedelta(days=(7 - diff) % 7 or 7)
        elif word == "this":
            target = a + dt.timedelta(days=n - a.isoweekday())
        elif tense == "future":
            target = a + dt.timedelta(days=diff)
        else:
            target = a - dt.timedelta(days=(7 - diff) % 7)
        _set_date(c, target, "day")
        c.src = "publication"
        return
    if unit == "season":
        if ctx.anchor is None:
            c.src = "none"
            return
        a = ctx.anchor
        season_month = L.SEASON_MONTH[word]
        year = a.year + n
        if n < 0 and a.month >= season_month + 3:
            year = a.year
        c.y, c.src = year, "publication"
        return
    if base == "ref" and last is not None:
        ref, ref_gran = last
        c.src = "context"
    elif ctx.anchor is not None:
        ref, ref_gran = ctx.anchor, "day"
        c.src = "publication"
    else:
        c.src = "none"
        c.y = c.m = c.d = None
        return
    target_gran = unit
    if _GRAN_RANK.get(ref_gran, 6) < _GRAN_RANK.get(unit, 6):
        target_gran = ref_gran  # "the following day" after "July 2020": no finer than the reference
        if n:
            c.mod = c.mod or ("AFTER" if n > 0 else "BEFORE")
        n = 0
    _set_date(c, _shift(ref, unit, n), target_gran)


def _resolve(cands: list[_C], ctx: _Ctx) -> None:
    years: list[tuple[int, int, int]] = []
    for c in cands:
        for part in (c.a, c.b) if c.kind == "range" else (c,):
            if part is not None and part.y is not None and part.rel is None:
                years.append((part.start, part.y, ctx.para(part.start)))
    years.sort()
    last: tuple[dt.date, str] | None = None
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
            for part in (a, b):
                if part.y is None and part.gran not in ("decade", "century"):
                    _yearless(part, ctx, tense, years)
            c.src = max(a.src, b.src, key=_SOURCE_RANK.__getitem__)
        elif c.extra == "ordday":
            _resolve_ordday(c, ctx, done)
        elif c.rel is not None:
            _resolve_rel(c, ctx, last, tense)
        elif c.y is None and (c.m is not None or c.gran in ("quarter", "season")):
            _yearless(c, ctx, tense, years)
        ref = _as_date(c)
        if ref is not None:
            last = ref
        done.append(c)


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
            if ctx.anchor is not None:  # a bare clock time: the day of publication
                value, c.src = ctx.anchor.isoformat(), "publication"
            else:
                value, c.src = "XXXX-XX-XX", "none"
        return TimeValue(c.start, c.end, text, "TIME", f"{value}T{c.hh}", "time", c.src, mod,
                         confidence=_CONFIDENCE[c.src])
    return TimeValue(c.start, c.end, text, "DATE", value, _GRAN_PRECISION.get(c.gran, c.gran), c.src, mod,
                     confidence=_CONFIDENCE[c.src])


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
                c.mod = {"since": "ON_OR_AFTER", "before": "BEFORE", "after": "AFTER"}.get(m.group("s").lower())
    _resolve(cands, ctx)
    return [_to_value(c, ctx) for c in cands]


def normalize_text(nlp_or_doc: Doc, anchor: dt.date | None = None) -> list[tuple[str, str]]:
    """(text, value) pairs: a compact view for debugging and tests."""
    return [(t.text, t.value) for t in extract_times(nlp_or_doc, anchor)]


# ----------------------------------------------------------------- event dating

_CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "xcomp", "csubj", "csubjpass", "acl", "parataxis", "conj"})


def _clause_head(tok: Token) -> Token:
    """The verb whose clause holds ``tok`` (the token itself when it is a verb)."""
    cur = tok
    for _ in range(40):
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("aux", "auxpass"):
            return cur
        if cur.head is cur:
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
        if t.head.i not in inside or t.head is t:
            return t
    return toks[0]


def _dateref(t: TimeValue, source: str) -> DateRef:
    return DateRef(t.value, t.precision, t.start, t.end, t.text, source, t.begin, t.finish)


def event_date(doc: Doc, times: Sequence[TimeValue], trigger_start: int, trigger_end: int,
               anchor: dt.date | None) -> DateRef | None:
    """The date governing the event whose trigger spans [trigger_start, trigger_end).

    Order: same clause > same sentence > nearest earlier tense-compatible date of the paragraph >
    publication date > none. Durations and sets never date an event.
    """
    usable = [t for t in times if t.type in ("DATE", "TIME")]
    mid = (trigger_start + trigger_end) // 2
    starts = [t.idx for t in doc]
    if usable and starts:
        trig = _span_root(doc, trigger_start, trigger_end, starts)
        parsed = doc.has_annotation("DEP")
        if trig is not None and parsed:
            head = _clause_head(trig)
            attached = []
            for t in usable:
                root = _span_root(doc, t.start, t.end, starts)
                if root is not None and root.sent == trig.sent and _clause_head(root.head if root.head is not root
                                                                                 else root) == head:
                    attached.append(t)
            if attached:
                best = min(attached, key=lambda t: (t.precision == "vague", abs((t.start + t.end) // 2 - mid)))
                return _dateref(best, "clause")
        if doc.has_annotation("SENT_START") and trig is not None:
            sent = trig.sent
            lo, hi = sent.start_char, sent.end_char
        else:
            lo, hi = 0, len(doc.text)
        same = [t for t in usable if t.start >= lo and t.end <= hi]
        if same:
            best = min(same, key=lambda t: (t.precision == "vague", abs((t.start + t.end) // 2 - mid)))
            return _dateref(best, "sentence")
        paras = [m.end() for m in L.PARA_BREAK.finditer(doc.text)]
        para = bisect.bisect_right(paras, trigger_start)
        ctx = _Ctx(doc, anchor)
        tense = _tense(ctx, trigger_start)
        for t in sorted(usable, key=lambda t: -t.start):
            if t.end > trigger_start or bisect.bisect_right(paras, t.start) != para:
                continue
            if t.precision == "vague":
                continue
            if tense == "past" and anchor is not None and t.value[:10] > anchor.isoformat() \
                    and t.value[:1].isdigit():
                continue
            return _dateref(t, "paragraph")
    if anchor is not None:
        return DateRef(anchor.isoformat(), "day", None, None, None, "publication")
    return DateRef(value=None, precision=None, start=None, end=None, text=None, source="none")
