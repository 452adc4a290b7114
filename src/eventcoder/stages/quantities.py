"""Quantities: counts, percentages, money, fatalities and injuries, with what they count.

Numbers are found on tokens (digits, number words, "a dozen", vague quantifiers such as
"dozens" or "a number of") rather than on spaCy's CARDINAL/PERCENT/MONEY entities alone,
because the small model labels them unevenly ("3 per cent" comes out as MONEY); the
entities are used only to exclude dates, times, ordinals and numbers inside names. What a
number counts (``of``) comes from the dependency parse: the noun it modifies (nummod), the
object of its "of" phrase ("20 percent of X", "dozens of people"), and for coordinated
numbers sharing one noun ("Nine modular and 11 container-type units") the shared noun
phrase is distributed over each number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..records import Quantity
from .linguistic import doc_text

__all__ = ["casualties_for", "event_quantities", "extract_quantities", "fatalities_for", "parse_number"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "dozen": 12}
_SUFFIX_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
                  "t": 1_000_000_000_000, "tn": 1_000_000_000_000}
# vague plural quantifiers: value None, a lower bound read as "at least two of the unit"
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000,
          "billions": 2_000_000_000}
_VAGUE_MULT = {"tens": 20, "dozens": 24, "scores": 40, "hundreds": 200}
_LOWER = {("more", "than"), ("over",), ("at", "least"), ("upwards", "of"), ("in", "excess", "of"),
          ("no", "fewer", "than"), ("no", "less", "than"), ("not", "less", "than"), ("above",)}
_UPPER = {("up", "to"), ("at", "most"), ("fewer", "than"), ("less", "than"), ("no", "more", "than"),
          ("under",), ("below",)}
_NEAR_UPPER = {("nearly",), ("almost",), ("close", "to"), ("just", "under"), ("just", "below")}
_APPROX = {("about",), ("around",), ("approximately",), ("roughly",), ("some",), ("an", "estimated"),
           ("estimated",), ("approx.",), ("circa",), ("an", "approximate"), ("almost",)}
_PREFIXES = sorted(_LOWER | _UPPER | _NEAR_UPPER | _APPROX, key=len, reverse=True)
_PERCENT_WORDS = {"percent", "%", "pct", "per cent", "percentage"}
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "yen": "JPY", "ruble": "RUB", "rouble": "RUB",
    "rupee": "INR", "yuan": "CNY", "manat": "AZN", "lira": "TRY", "dram": "AMD", "lari": "GEL",
    "hryvnia": "UAH", "shekel": "ILS", "rial": "IRR", "riyal": "SAR", "dirham": "AED", "franc": "CHF",
    "naira": "NGN", "rand": "ZAR", "peso": "MXN", "won": "KRW", "tenge": "KZT",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "azn": "AZN", "rub": "RUB",
}
_BLOCK_ENTS = {"DATE", "TIME", "ORDINAL"}
_NAME_ENTS = {"PERSON", "ORG", "FAC", "PRODUCT", "LAW", "WORK_OF_ART", "EVENT", "GPE", "LOC"}
_KILL = {"kill", "slay", "murder", "massacre", "execute", "behead", "assassinate", "die", "perish",
         "dead", "shoot", "slaughter", "drown", "claim"}
_KILL_STRICT = {"kill", "slay", "murder", "massacre", "execute", "behead", "assassinate", "die", "perish",
                "dead", "slaughter", "drown", "killed"}
_INJURE = {"injure", "wound", "hurt", "maim", "injured", "wounded"}
_PERSON_NOUNS = {
    "people", "person", "persons", "civilian", "soldier", "troop", "serviceman", "servicemen", "personnel",
    "member", "fighter", "militant", "insurgent", "rebel", "police", "policeman", "officer", "official",
    "child", "woman", "man", "student", "protester", "protestor", "demonstrator", "worker", "journalist",
    "passenger", "villager", "resident", "pilgrim", "migrant", "refugee", "worshipper", "guard",
    "terrorist", "gunman", "attacker", "body", "hostage", "crew", "marine", "sailor", "militiaman",
    "recruit", "staff", "employee", "farmer", "miner", "tourist", "patient", "doctor", "nurse", "inmate",
    "prisoner", "detainee", "citizen", "national", "other", "victim", "casualty", "infant", "baby",
    "teenager", "adult", "boy", "girl", "pupil", "teacher", "peacekeeper", "commander", "general",
    "militia", "jihadist", "combatant", "conscript", "reservist", "volunteer", "mourner", "shopper",
    "bystander", "pedestrian", "driver", "cadet", "agent", "activist", "supporter", "opponent",
    "policemen", "gendarme", "trooper", "paratrooper", "pilot", "family", "relative",
    "youth", "leader", "worshiper", "parishioner", "lawmaker", "politician", "diplomat", "envoy", "monk",
    "priest", "fisherman", "herder", "herdsman", "clansman", "tribesman", "separatist",
}
_MEASURES = {
    "km", "kilometer", "kilometre", "mile", "meter", "metre", "m", "cm", "mm", "kg", "kilogram", "ton",
    "tonne", "gram", "g", "lb", "pound", "foot", "feet", "ft", "inch", "yard", "hectare", "acre", "liter",
    "litre", "gallon", "barrel", "mph", "kph", "knot", "degree", "hour", "minute", "second", "percent",
    "point", "megawatt", "mw", "kilowatt", "kw", "gigawatt", "sq", "square", "cubic", "bpd", "dozen",
    "million", "billion", "thousand", "hundred", "police", "staff", "personnel", "crew", "strong",
}
_RANGE_LINKS = {"and", "to", "-", "–", "or"}


@dataclass(slots=True)
class _Found:
    """A number found in the text before it becomes a ``Quantity`` record."""

    first: int  # token index of the first token of the number itself (no modifiers)
    last: int  # token index of the last token of the number (incl. "percent", currency word)
    start_tok: int  # first token of the span incl. modifiers
    value: float | int | None
    low: float | int | None = None
    high: float | int | None = None
    approximate: bool = False
    vague: bool = False
    unit: str | None = None
    kind: str = "count"
    anchor: int = -1  # token whose syntax says what is counted


def parse_number(words: Sequence[str]) -> float | int | None:
    """Value of a number written in digits and/or words ("2.5 million", "twenty-three", "a dozen")."""
    total: float = 0
    current: float = 0
    seen = False
    for raw in words:
        word = raw.lower().strip()
        if word in {"-", "–", "and", ""}:
            continue
        if word in {"a", "an"}:
            current = current or 1
            continue
        digits = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([a-z]{0,2})", word)
        if digits:
            number = float(digits.group(1).replace(",", "") + (digits.group(2) or ""))
            suffix = digits.group(3)
            if suffix:
                if suffix not in _SUFFIX_SCALES:
                    return None
                number *= _SUFFIX_SCALES[suffix]
            current += number
            seen = True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    return int(value) if float(value).is_integer() else value


def _is_number_word(tok: Token) -> bool:
    low = tok.lower_
    if low in _UNITS or low in _TENS or low in _SCALES:
        return True
    return bool(re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(k|m|mn|bn)?", low))


_TIME_WORDS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
    "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "day", "days", "week",
    "weeks", "month", "months", "year", "years", "decade", "decades", "century", "centuries", "hour",
    "hours", "minute", "minutes", "second", "seconds", "ago", "a.m.", "p.m.", "am", "pm", "gmt", "utc",
    "o'clock", "night", "nights", "morning", "evening", "afternoon", "today", "yesterday", "tomorrow",
    "old", "age", "aged", "th", "st", "nd", "rd", "s", "'s",
}


def _date_like(tok: Token) -> bool:
    """Whether the DATE/TIME/ORDINAL entity around ``tok`` really is one (the small model also
    labels "Between 10 and 20 percent" as DATE): it must hold a calendar/clock word or a year."""
    if tok.ent_type_ == "ORDINAL":
        return True
    doc = tok.doc
    i, j = tok.i, tok.i
    while i > 0 and doc[i - 1].ent_iob_ == "I" and doc[i].ent_iob_ == "I":
        i -= 1
    while i > 0 and doc[i].ent_iob_ == "I":
        i -= 1
    while j + 1 < len(doc) and doc[j + 1].ent_iob_ == "I":
        j += 1
    words = [t.lower_ for t in doc[i:j + 1]]
    if any(w in _PERCENT_WORDS for w in words):
        return False
    pattern = re.compile(r"(1[5-9]|20)\d\d|\d+(s|th|st|nd|rd)|\d{1,2}:\d\d")
    return tok.ent_type_ == "TIME" or any(
        w.rstrip(".") in _TIME_WORDS or w in _TIME_WORDS or pattern.fullmatch(w) for w in words)


def _blocked(tok: Token) -> bool:
    """Dates, times, ordinals, and numbers that are part of a name or code ("Flight 17", "F-16")."""
    if tok.ent_type_ in _BLOCK_ENTS and _date_like(tok):
        return True
    if re.search(r"[a-z]", tok.lower_) and not _is_number_word(tok):
        return True
    head = tok.head
    doc = tok.doc
    if tok.dep_ in {"nummod", "appos", "npadvmod", "compound"} and head.i < tok.i and head.pos_ == "PROPN":
        return True
    if tok.ent_type_ in _NAME_ENTS and (head.pos_ == "PROPN" or (tok.i > 0 and tok.nbor(-1).pos_ == "PROPN")):
        return True
    # glued to a hyphenated word: "12-year-old", "S-400", "Su-25"
    if tok.i + 1 < len(doc) and doc[tok.i + 1].text in {"-", "–"} and not tok.whitespace_:
        nxt = doc[tok.i + 2] if tok.i + 2 < len(doc) else None
        if nxt is not None and not _is_number_word(nxt):
            return True
    if tok.i > 0 and doc[tok.i - 1].text in {"-", "–"} and not doc[tok.i - 1].whitespace_:
        prev = doc[tok.i - 2] if tok.i >= 2 else None
        if prev is not None and re.search(r"[A-Za-z]", prev.text) and not _is_number_word(prev) and \
                not prev.whitespace_:
            return True
    # a bare year-like number modifying a singular noun: "the 1994 ceasefire agreement"
    # a count needs a plural noun: "787 Dreamliner", "737 replacement" are names/models
    head_low = head.lemma_.lower()
    if tok.dep_ in {"nummod", "compound"} and head.i > tok.i and head.tag_ in {"NN", "NNP"} and \
            re.fullmatch(r"\d{3,}", tok.text) and head.lower_ not in _PERCENT_WORDS and \
            not (tok.i > 0 and doc[tok.i - 1].lower_ in _CURRENCY_SYMBOLS) and \
            head_low not in _PERSON_NOUNS and head_low not in _CURRENCY_WORDS and head_low not in _MEASURES \
            and not any(c.lower_ in {"-", "–"} for c in head.lefts):
        return True
    year_like = re.fullmatch(r"(1[89]|20)\d\d", tok.text) is not None
    return year_like and (tok.head.tag_ in {"NN", "NNP"} or tok.dep_ == "pobj")


def _pronoun_one(tok: Token) -> bool:
    """"one" as a pronoun ("no one", "the one who"): a count only with a noun or an of-phrase."""
    return tok.lower_ == "one" and tok.dep_ != "nummod" and not any(c.lower_ == "of" for c in tok.children)


def _prefix_at(sent: Span, first: int) -> tuple[int, tuple[str, ...] | None]:
    """The modifier phrase ("more than", "about") right before token ``first``, if any."""
    doc = sent.doc
    for phrase in _PREFIXES:
        begin = first - len(phrase)
        if begin < sent.start:
            continue
        if tuple(t.lower_ for t in doc[begin:first]) == phrase:
            return begin, phrase
    return first, None


def _number_runs(sent: Span) -> list[tuple[int, int]]:
    """Maximal runs of number tokens ("2.5 million", "twenty - three", "one hundred and five")."""
    doc = sent.doc
    runs: list[tuple[int, int]] = []
    i = sent.start
    while i < sent.end:
        tok = doc[i]
        if not _is_number_word(tok) or _blocked(tok):
            i += 1
            continue
        start = i
        if i > sent.start and doc[i - 1].lower_ in {"a", "an"} and tok.lower_ in _SCALES:
            start = i - 1
        j = i
        while j + 1 < sent.end:
            nxt = doc[j + 1]
            if nxt.lower_ in _SCALES or (doc[j].lower_ in _TENS and nxt.lower_ in _UNITS):
                j += 1
                continue
            if nxt.text in {"-", "–"} and not doc[j].whitespace_ and j + 2 < sent.end and \
                    doc[j + 2].lower_ in _UNITS and doc[j].lower_ in _TENS:
                j += 2
                continue
            if nxt.lower_ == "and" and doc[j].lower_ == "hundred" and j + 2 < sent.end and \
                    (doc[j + 2].lower_ in _UNITS or doc[j + 2].lower_ in _TENS):
                j += 2
                continue
            break
        if not (start == j and _pronoun_one(tok)):
            runs.append((start, j))
        i = j + 1
    return runs


def _unit_after(doc: Doc, last: int, end: int) -> tuple[int, str | None, str | None]:
    """A percent sign/word or currency word right after the number: (new last, kind, unit)."""
    if last + 1 < end:
        nxt = doc[last + 1]
        low = nxt.lower_
        if low in _PERCENT_WORDS:
            return last + 1, "percent", "percent"
        if low == "per" and last + 2 < end and doc[last + 2].lower_ == "cent":
            return last + 2, "percent", "percent"
        lemma = nxt.lemma_.lower()
        for word in (low, lemma, low.rstrip("s")):
            if word in _CURRENCY_WORDS:
                return last + 1, "money", _CURRENCY_WORDS[word]
    return last, None, None


def _currency_before(doc: Doc, first: int, floor: int) -> tuple[int, str | None]:
    if first - 1 >= floor:
        sym = doc[first - 1].lower_
        if sym in _CURRENCY_SYMBOLS:
            return first - 1, _CURRENCY_SYMBOLS[sym]
        if first - 2 >= floor and (doc[first - 2].lower_ + sym) in _CURRENCY_SYMBOLS:
            return first - 2, _CURRENCY_SYMBOLS[doc[first - 2].lower_ + sym]
    if first - 1 >= floor and doc[first - 1].lower_ in _CURRENCY_WORDS and doc[first - 1].is_upper:
        return first - 1, _CURRENCY_WORDS[doc[first - 1].lower_]
    return first, None


def _find(sent: Span) -> list[_Found]:
    doc = sent.doc
    found: list[_Found] = []
    runs = _number_runs(sent)
    used: set[int] = set()
    k = 0
    while k < len(runs):
        first, last = runs[k]
        value = parse_number([t.text for t in doc[first:last + 1]])
        k += 1
        if value is None:
            continue
        item = _Found(first=first, last=last, start_tok=first, value=value, anchor=last)
        cur_start, unit = _currency_before(doc, first, sent.start)
        if unit:
            item.kind, item.unit, item.start_tok = "money", unit, cur_start
            glued = doc[last + 1] if last + 1 < sent.end and not doc[last].whitespace_ else None
            if glued is not None and glued.lower_ in _SUFFIX_SCALES:  # "$5m", "€10B"
                item.value = value = value * _SUFFIX_SCALES[glued.lower_]
                item.last = item.anchor = last = glued.i
        new_last, kind, unit2 = _unit_after(doc, last, sent.end)
        if kind:
            item.last, item.kind, item.unit = new_last, kind, unit2
            item.anchor = new_last if kind == "percent" else last
        # ranges: "between 10 and 20", "from 10 to 20", "10 to 20", "10-20", "10 or 12"
        if k < len(runs):
            nfirst, nlast = runs[k]
            gap = [t.lower_ for t in doc[item.last + 1:nfirst]]
            before = doc[item.start_tok - 1].lower_ if item.start_tok > sent.start else ""
            if len(gap) == 1 and gap[0] in _RANGE_LINKS and (gap[0] != "and" or before == "between") and \
                    (gap[0] != "or" or before not in {"between", "from"}):
                other = parse_number([t.text for t in doc[nfirst:nlast + 1]])
                if other is not None and other > value:
                    last2, kind2, unit3 = _unit_after(doc, nlast, sent.end)
                    item.low, item.high, item.value = value, other, None
                    item.last = last2
                    item.anchor = last2 if kind2 == "percent" else nlast
                    if kind2 and item.kind == "count":
                        item.kind, item.unit = kind2, unit3
                    if before in {"between", "from"}:
                        item.start_tok -= 1
                    k += 1
        begin, phrase = _prefix_at(sent, item.start_tok)
        if phrase and item.low is None and item.high is None:
            item.start_tok = begin
            if phrase in _LOWER:
                item.low = value
            elif phrase in _UPPER:
                item.high = value
            elif phrase in _NEAR_UPPER:
                item.high, item.approximate = value, True
            else:
                item.approximate = True
        # trailing "or more", "or so", "plus"
        tail = [t.lower_ for t in doc[item.last + 1:min(item.last + 3, sent.end)]]
        if tail[:2] == ["or", "more"] and item.low is None:
            item.low = value
        elif tail[:2] == ["or", "so"] or tail[:1] == ["odd"]:
            item.approximate = True
        found.append(item)
        used.update(range(item.start_tok, item.last + 1))
    found.extend(_find_vague(sent, used))
    return found


def _find_vague(sent: Span, used: set[int]) -> list[_Found]:
    """Quantifiers without a figure: "dozens", "hundreds of", "tens of thousands", "a number of"."""
    doc = sent.doc
    out: list[_Found] = []
    i = sent.start
    while i < sent.end:
        tok = doc[i]
        low = tok.lower_
        if i in used:
            i += 1
            continue
        if low in _VAGUE_MULT and i + 2 < sent.end and doc[i + 1].lower_ == "of" and \
                doc[i + 2].lower_ in _VAGUE:
            # "tens of thousands" (>= 20,000), "hundreds of thousands" (>= 200,000)
            bound = _VAGUE_MULT[low] * _SCALES[doc[i + 2].lower_[:-1]]
            out.append(_Found(i, i + 2, i, None, low=bound, approximate=True, vague=True, kind="approx",
                              anchor=i + 2))
            i += 3
            continue
        if low in _VAGUE and (low != "scores" or (i + 1 < sent.end and doc[i + 1].lower_ == "of")):
            out.append(_Found(i, i, i, None, low=_VAGUE[low], approximate=True, vague=True, kind="approx",
                              anchor=i))
        elif low == "number" and i + 1 < sent.end and doc[i + 1].lower_ == "of" and i > sent.start:
            begin = i - 1
            if doc[begin].pos_ == "ADJ" and begin > sent.start:  # "a large number of"
                begin -= 1
            if doc[begin].lower_ in {"a", "an"}:
                out.append(_Found(begin, i + 1, begin, None, approximate=True, vague=True, kind="approx",
                                  anchor=i))
        elif low == "several" and tok.head.tag_ in {"NNS", "NNPS"} and tok.head.i > i:
            out.append(_Found(i, i, i, None, low=3, approximate=True, vague=True, kind="approx", anchor=i))
        i += 1
    return out


def _words(tokens: Sequence[Token]) -> list[str]:
    """Join tokens into words, gluing hyphenated parts ("container- type" -> "container-type")."""
    words: list[str] = []
    glue = False
    for tok in tokens:
        text = tok.text
        if text in {"-", "–"}:
            if words:
                words[-1] += "-"
            glue = True
            continue
        if glue and words:
            words[-1] += text
        else:
            words.append(text)
        glue = text.endswith("-")
    return [w for w in words if w]


def _modifiers_left(head: Token, stop: int) -> list[Token]:
    """``head`` with its contiguous pre-modifiers (compounds, adjectives, hyphen parts), after ``stop``."""
    doc = head.doc
    i = head.i - 1
    keep = [head]
    while i > stop:
        tok = doc[i]
        if tok.dep_ in {"det", "poss", "case", "cc", "predet"} or tok.like_num or tok.lower_ in _SCALES:
            break
        attached = tok.pos_ in {"ADJ", "NOUN", "PROPN"} and tok.head.i in {t.i for t in keep}
        if tok.dep_ in {"compound", "amod", "nmod", "npadvmod", "nummod"} or tok.text in {"-", "–"} or \
                tok.text.endswith("-") or attached:
            keep.insert(0, tok)
            i -= 1
            continue
        break
    return keep


def _of_phrase(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def _counted(doc: Doc, item: _Found) -> tuple[Token | None, str | None]:
    """The noun the number counts and its phrase (distributing a shared head over coordination)."""
    anchor = doc[item.anchor]
    obj = _of_phrase(anchor)
    if obj is not None:
        return obj, " ".join(_words(_modifiers_left(obj, obj.i - 20 if obj.i >= 20 else -1)))
    if item.kind == "percent":
        return None, None
    head = _np_head(anchor)
    if head is None or (item.kind == "money" and head.lemma_.lower().rstrip("s") in _CURRENCY_WORDS):
        return None, None
    own = list(doc[item.last + 1:head.i])
    if any(t.is_punct and t.text not in {"-", "–"} for t in own):
        return head, head.text
    return head, " ".join(_words([*own, head]))


def _np_head(anchor: Token) -> Token | None:
    """The noun a number modifies, walking up through modifiers and coordination ("11 container- type")."""
    tok = anchor
    for _ in range(5):
        if tok.dep_ not in {"nummod", "quantmod", "compound", "amod", "nmod", "conj", "npadvmod", "det"}:
            return None
        head = tok.head
        if head.i == tok.i or head.pos_ in {"VERB", "AUX"}:
            return None
        if head.i > anchor.i and head.pos_ in {"NOUN", "PROPN"} and head.dep_ not in {
                "compound", "amod", "nmod", "nummod"}:
            return head
        tok = head
    return None


def _distribute(doc: Doc, items: list[_Found], ofs: list[tuple[Token | None, str | None]]) -> None:
    """A head noun shared by coordinated numbers distributes over them, by parallel structure.

    "Nine modular and 11 container- type military units": the last number's words before the
    head are [container-type, military]; the first number has one own word (modular), so the
    last number's words beyond the first one (military) are shared: "modular military units".
    """
    for a in range(len(items)):
        head_a = ofs[a][0]
        if head_a is None and a + 1 < len(items) and ofs[a + 1][0] is not None and items[a].kind == "count":
            gap = doc[items[a].last + 1:items[a + 1].first]
            if gap and all(t.pos_ in {"ADJ", "NOUN", "PROPN", "CCONJ", "PUNCT"} for t in gap):
                head_a = ofs[a + 1][0]  # "Three armoured and five infantry brigades"
        if head_a is None:
            continue
        for b in range(a + 1, len(items)):
            head_b = ofs[b][0]
            if head_b is None or head_b.i != head_a.i:
                continue
            between = doc[items[a].last + 1:items[b].first]
            if not any(t.lower_ in {"and", "or", "&"} for t in between):
                continue
            mine = _words([t for t in between if t.lower_ not in {"and", "or", "&", ","}])
            theirs = _words(list(doc[items[b].last + 1:head_b.i]))
            shared = theirs[len(mine):] if len(theirs) > len(mine) else theirs[-1:] if not mine else []
            ofs[a] = (head_a, " ".join([*mine, *shared, head_a.text]))
            break


def _is_person(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    return (lemma in _PERSON_NOUNS or tok.lower_ in _PERSON_NOUNS or tok.ent_type_ in {"NORP", "PERSON"}
            or tok.lower_.endswith(("men", "women")))


def _harm_kind(tok: Token, person: bool) -> str | None:
    """fatalities/injured when ``tok`` (the counted noun, or the bare number) is a casualty."""
    def classify(lemma: str, strict: bool) -> str | None:
        if lemma in (_KILL_STRICT if strict else _KILL):
            return "fatalities"
        if lemma in _INJURE:
            return "injured"
        return None

    head = tok.head
    # object of a killing verb / subject of a passive or of "die": "killed 12", "12 people were killed"
    if tok.dep_ in {"dobj", "nsubjpass", "nsubj", "attr", "conj"} and head.pos_ in {"VERB", "ADJ", "AUX"}:
        kind = classify(head.lemma_.lower(), strict=not person)
        passive_like = head.tag_ == "VBN" or not any(c.dep_ == "dobj" for c in head.children)
        if kind and (tok.dep_ != "nsubj" or passive_like):
            return kind
        if head.lemma_.lower() == "lose" and person and tok.dep_ == "dobj":
            return "fatalities"
    # "12 people killed", "civilians who died", "5 dead", "members, who died"
    for child in tok.children:
        if child.dep_ in {"acl", "relcl", "amod", "appos", "conj"}:
            kind = classify(child.lemma_.lower(), strict=True) or classify(child.lower_, strict=True)
            if kind:
                return kind
    # "claimed the lives of 17 people", "the deaths of two civilians"
    if tok.dep_ == "pobj" and head.lower_ == "of" and \
            head.head.lemma_.lower() in {"life", "death", "killing"}:
        return "fatalities"
    # a death toll: "the death toll rose to 30", "a toll of 30"
    node: Token | None = tok
    for _ in range(4):
        if node is None:
            break
        if node.lemma_.lower() in {"toll", "fatality", "casualty", "death"} and node.i != tok.i:
            return "fatalities"
        if any(c.dep_ in {"nsubj", "nsubjpass"} and c.lemma_.lower() == "toll" for c in node.children):
            return "fatalities"
        node = node.head if node.head.i != node.i else None
    return None


def _surface_harm(doc: Doc, after: int, end: int) -> str | None:
    """"5 dead", "23 wounded", "12 people were killed": a harm word right after the count."""
    i = after + 1
    while i < end and doc[i].lower_ in {"were", "was", "have", "has", "had", "been", "being", "are", "is"}:
        i += 1
    if i < end:
        word = doc[i]
        if word.lower_ in {"dead", "killed", "died", "perished", "slain", "murdered", "executed"}:
            return "fatalities"
        if word.lower_ in {"injured", "wounded", "hurt", "maimed"}:
            return "injured"
    return None


def _to_record(doc: Doc, item: _Found, counted: tuple[Token | None, str | None], end_sent: int) -> Quantity:
    start = doc[item.start_tok].idx
    end_tok = doc[item.last]
    end = end_tok.idx + len(end_tok.text)
    noun, of = counted
    kind = item.kind
    if kind in {"count", "approx"} and (noun is None or _is_person(noun)):
        after = noun.i if noun is not None and noun.i > item.last else item.last
        harm = _surface_harm(doc, after, end_sent)
        if harm:
            kind = harm
    if kind in {"count", "approx"}:
        # a noun outside the person list still counts after an unambiguous verb ("killed two youths")
        person = noun is not None and _is_person(noun)
        harm = _harm_kind(noun if noun is not None else doc[item.anchor], person)
        if harm is None and noun is not None and item.vague:
            harm = _harm_kind(doc[item.anchor], person)
        kind = harm or kind
    return Quantity(start=start, end=end, text=doc_text(doc)[start:end], value=item.value, unit=item.unit,
                    of=of, kind=kind, low=item.low, high=item.high, approximate=item.approximate)


def extract_quantities(doc: Doc) -> list[Quantity]:
    """Every quantity in the document, in text order, with offsets that slice to ``text``."""
    out: list[Quantity] = []
    for sent in doc.sents:
        items = sorted(_find(sent), key=lambda f: f.start_tok)
        ofs = [_counted(doc, item) for item in items]
        _distribute(doc, items, ofs)
        for item, counted in zip(items, ofs, strict=True):
            out.append(_to_record(doc, item, counted, sent.end))
    out.sort(key=lambda q: (q.start, q.end))
    return out


def _trigger_token(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _clause_tokens(tok: Token) -> set[int]:
    """The trigger's clause: its verb's subtree, minus embedded clauses that are events of their own."""
    verb = tok
    while verb.pos_ not in {"VERB", "AUX"} and verb.dep_ not in {"ROOT"} and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in {"VERB", "AUX"}:
        verb = tok
    skip: set[int] = set()
    for child in verb.children:
        if child.dep_ in {"conj", "ccomp", "advcl", "parataxis"} and child.pos_ in {"VERB", "AUX"}:
            skip.update(t.i for t in child.subtree)
    return {t.i for t in verb.subtree} - skip


def event_quantities(doc: Doc, quantities: Sequence[Quantity], trigger_start: int,
                     trigger_end: int) -> tuple[Quantity, ...]:
    """Quantities inside the trigger's clause (its verb, subject and object phrases), else none."""
    tok = _trigger_token(doc, trigger_start, trigger_end)
    if tok is None:
        return ()
    clause = _clause_tokens(tok)
    lo, hi = doc[min(clause)].idx, doc[max(clause)].idx + len(doc[max(clause)])
    out = []
    for q in quantities:
        if q.end <= lo or q.start >= hi:  # outside the clause's extent: skip the costly span
            continue
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is not None and any(t.i in clause for t in span):
            out.append(q)
    return tuple(out)


_ONE = {"a", "an", "one"}


def _one_victim(doc: Doc, tok: Token, kind: str) -> dict[str, Any] | None:
    """One casualty told without a number: "shot and killed a man", "a woman was killed", "killed
    Jose Perez": the trigger, or a verb coordinated with it, kills (or wounds) a single person
    named by "a", "an", "one" or by name. A plural or a quantifier ("several") counts nothing."""
    verbs = [tok, *(c for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    if tok.dep_ == "conj" and tok.head.pos_ == "VERB":
        verbs.append(tok.head)
    for verb in verbs:
        lemma = verb.lemma_.lower()
        if not ((kind == "fatalities" and lemma in _KILL_STRICT) or (kind == "injured" and lemma in _INJURE)):
            continue
        objects = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
        if not objects and verb.dep_ == "conj":  # "shot and killed a man": the object is the pair's
            objects = [c for c in verb.head.children if c.dep_ == "dobj"]
        for obj in objects:
            single = obj.tag_ == "NN" and _is_person(obj) and any(
                c.dep_ in {"det", "nummod"} and c.lower_ in _ONE for c in obj.children)
            named = obj.ent_type_ == "PERSON" and obj.tag_ == "NNP"
            if single or named:
                lead = [c for c in obj.children if c.dep_ in {"det", "nummod", "compound", "amod"}]
                start, end = min([obj, *lead], key=lambda t: t.i).idx, obj.idx + len(obj)
                return {"best": 1, "low": None, "high": None, "text": doc_text(doc)[start:end],
                        "start": start, "end": end, "kind": kind}
    return None


def fatalities_for(doc: Doc, quantities: Sequence[Quantity], trigger_start: int,
                   trigger_end: int) -> dict[str, Any] | None:
    """Deaths for an event (``casualties_for`` of kind ``fatalities``)."""
    return casualties_for(doc, quantities, trigger_start, trigger_end, "fatalities")


def casualties_for(doc: Doc, quantities: Sequence[Quantity], trigger_start: int,
                   trigger_end: int, kind: str) -> dict[str, Any] | None:
    """Deaths or injuries (``kind``) for an event: the most specific quantity of that kind in the
    trigger's sentence.

    Counts are never summed (two figures in one sentence usually restate one toll, or count
    different groups the event may not cover). "Most specific" ranks: inside the trigger's
    clause first, then an exact figure over a bound over a vague quantifier, then nearest to
    the trigger. ``best`` is the figure, else the lower bound, else None ("a number of").
    """
    tok = _trigger_token(doc, trigger_start, trigger_end)
    if tok is None:
        return None
    sent = tok.sent
    clause = _clause_tokens(tok)
    cands = [q for q in quantities if q.kind == kind and sent.start_char <= q.start < sent.end_char]
    if not cands:
        return _one_victim(doc, tok, kind)

    def rank(q: Quantity) -> tuple[int, int, int]:
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        inside = span is not None and any(t.i in clause for t in span)
        exact = 0 if q.value is not None and q.low is None and q.high is None else (
            1 if q.value is not None or q.low is not None or q.high is not None else 2)
        return (0 if inside else 1, exact, abs(q.start - trigger_start))

    best = min(cands, key=rank)
    value = best.value if best.value is not None else best.low
    out: dict[str, Any] = {"best": value, "low": best.low, "high": best.high, "text": best.text,
                           "start": best.start, "end": best.end, "kind": kind}
    others = [q for q in quantities if sent.start_char <= q.start < sent.end_char and q.start > best.end
              and _other_account(doc, q)]
    if others and value is not None:
        figures = [value, *(f for f in (best.low, best.high) if f is not None), *(q.value for q in others)]
        out["low"], out["high"] = min(figures), max(figures)  # type: ignore[type-var]
        out["others"] = [{"value": q.value, "text": q.text, "start": q.start, "end": q.end} for q in others]
    return out


_ACCOUNT_VERBS = {"say", "put", "report", "give", "estimate", "claim", "place", "suggest", "number"}
_ACCOUNT_SOURCES = {"report", "source", "other", "some", "media", "medium", "outlet", "resident", "witness",
                    "activist", "monitor", "group", "hospital", "medic", "estimate", "account", "tally"}


def _other_account(doc: Doc, q: Quantity) -> bool:
    """A bare figure another account gives for the same toll: "at least 12 were killed; some
    reports say 15", "other sources put the toll at 20", "local media reported 30"."""
    if q.kind != "count" or q.of is not None or q.value is None:
        return False
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span.root
    for _ in range(3):  # "say 15", "put the toll at 15", "reported a toll of 15"
        head = tok.head
        if head.i == tok.i:
            return False
        if head.pos_ == "VERB":
            if head.lemma_.lower() not in _ACCOUNT_VERBS:
                return False
            subjects = [c for c in head.children if c.dep_ == "nsubj"]
            return any(c.lemma_.lower() in _ACCOUNT_SOURCES for c in subjects)
        tok = head
    return False
