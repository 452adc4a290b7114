"""Word lists and precompiled patterns for the dates stage (kept apart so dates.py reads as logic)."""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
    "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6, "sun": 7,
}
SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
# nouns a bare season modifies without naming a time: "winter wheat", "summer camp"
SEASON_NOT_TIME = frozenset({
    "wheat", "crop", "crops", "barley", "rye", "squash", "coat", "coats", "jacket", "jackets", "tyres",
    "tires", "clothing", "clothes", "olympics", "games", "palace", "garden", "house", "home", "resort",
    "solstice", "equinox", "camp", "camps", "school", "time", "storm", "storms", "roll", "rolls",
    "collection", "water", "onion", "onions"})
# plural nouns a bare year often modifies: "below 1990 levels", "in constant 2010 dollars"
YEAR_HEAD_NOUNS = frozenset({
    "levels", "prices", "figures", "dollars", "rates", "elections", "values", "emissions", "standards",
    "terms", "numbers", "estimates", "results", "games", "olympics", "polls", "championships", "finals",
    "midterms", "primaries", "protests", "riots", "talks"})
# words before a holiday name that keep it a date ("on Christmas", "Merry Christmas"); another capitalized
# word before it makes it a surname ("illustrator Johnnie Christmas")
HOLIDAY_BEFORE = frozenset({"on", "at", "by", "since", "until", "before", "after", "merry", "happy", "over",
                            "during", "for", "from", "till", "through"})
# "there came a day when ...", "not a day anybody expected": a day as a thing, not a length of time
THING_NOT_SPAN = re.compile(r"\s+(?:when|where|that|which|anybody|anyone|nobody|everyone|we|i|you)\b", re.I)
SEASON_MONTH: dict[str, int] = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # first month
MONTH_SEASON: dict[int, str] = {m: code for code, first in SEASON_MONTH.items()
                                for m in (first, first % 12 + 1, (first + 1) % 12 + 1)}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21, "final": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "one hundred": 100, "a couple of": 2, "a dozen": 12, "dozen": 12,
}
VAGUE_NUMBERS = frozenset({"several", "a few", "few", "many", "some", "a number of", "dozens of",
                           "hundreds of", "countless", "numerous"})
# unit -> (TIMEX3 letter, multiplier, needs "T" prefix)
UNITS: dict[str, tuple[str, int, bool]] = {
    "second": ("S", 1, True), "minute": ("M", 1, True), "hour": ("H", 1, True), "day": ("D", 1, False),
    "night": ("D", 1, False), "week": ("W", 1, False), "fortnight": ("W", 2, False),
    "month": ("M", 1, False), "year": ("Y", 1, False), "decade": ("Y", 10, False),
    "century": ("Y", 100, False), "centurie": ("Y", 100, False), "quarter": ("Q", 1, False),
}
DURATION_MODS: dict[str, str] = {
    "over": "MORE_THAN", "more than": "MORE_THAN", "just over": "MORE_THAN", "well over": "MORE_THAN",
    "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
    "just under": "LESS_THAN", "barely": "LESS_THAN", "about": "APPROX", "around": "APPROX",
    "approximately": "APPROX", "roughly": "APPROX", "some": "APPROX", "at least": "EQUAL_OR_MORE",
    "up to": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS",
}
POSITION_MODS: dict[str, str] = {
    "early": "START", "beginning": "START", "start": "START", "early part": "START", "first half": "START",
    "mid": "MID", "middle": "MID", "late": "END", "end": "END", "close": "END", "latter part": "END",
    "second half": "END",
}
VAGUE: dict[str, str] = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF", "at present": "PRESENT_REF",
    "at the moment": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "the present": "PRESENT_REF", "at this time": "PRESENT_REF",
    "recently": "PAST_REF", "lately": "PAST_REF",
    "recent years": "PAST_REF", "recent months": "PAST_REF",
    "recent weeks": "PAST_REF", "recent days": "PAST_REF", "the past": "PAST_REF",
    "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
    "soon": "FUTURE_REF", "the coming days": "FUTURE_REF", "the coming weeks": "FUTURE_REF",
    "the coming months": "FUTURE_REF", "the coming years": "FUTURE_REF",
    "the days ahead": "FUTURE_REF", "the years ahead": "FUTURE_REF",
    "the near term": "FUTURE_REF", "the short term": "FUTURE_REF", "the medium term": "FUTURE_REF",
    "the long term": "FUTURE_REF", "the time being": "PRESENT_REF",
}
PART_OF_DAY: dict[str, str] = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                               "tonight": "NI", "noon": "12:00", "midnight": "24:00"}
YEAR_SIGNALS = frozenset({
    "in", "since", "by", "until", "till", "before", "after", "of", "from", "during", "through", "circa",
    "around", "early", "late", "mid", "mid-", "year", "years", "throughout", "spring", "summer", "autumn",
    "fall", "winter", "c.", "ca.", "between", "on", "for", "as",
})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "his", "her", "their", "our", "my", "your",
                         "these", "those"})
AMBIGUOUS_MONTHS = frozenset({"may", "march", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                              "sept", "oct", "nov", "dec"})
MONTH_SIGNALS = frozenset({"in", "since", "by", "until", "till", "before", "after", "from", "to", "through",
                           "during", "early", "late", "mid", "mid-", "last", "next", "this", "of", "between",
                           "and", "or", "throughout", "end", "beginning", "around", "–", "-"})
HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new year's": (1, 1),
    "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31), "valentine's day": (2, 14),
    "boxing day": (12, 26),
}
DECADE_WORDS: dict[str, str] = {"twenties": "192", "thirties": "193", "forties": "194", "fifties": "195",
                                "sixties": "196", "seventies": "197", "eighties": "198", "nineties": "199"}
WEEKDAY_NAMES_BEFORE = frozenset({"black", "bloody", "good", "easter", "cyber", "super", "ash", "palm",
                                  "holy", "blue", "maundy", "whit"})
NUMBERED_NOUNS = frozenset({
    "resolution", "resolutions", "article", "section", "flight", "route", "highway", "model", "version",
    "number", "no.", "nos.", "unit", "room", "chapter", "decree", "paragraph", "item", "gate", "road", "bus",
    "line", "code", "case", "page", "pages", "windows", "office", "series", "platform", "squadron", "brigade",
    "battalion", "division", "regiment", "sector", "zone", "block", "lot", "tower", "building", "street",
    "avenue", "hill",
    "height", "heights", "km", "kilometre", "kilometer", "mile", "bill", "order", "convoy", "batch",
})
# verbs of asking and ordering: their infinitive tells what is still to come ("urged them to leave")
DIRECTIVE_VERBS = frozenset({"urge", "ask", "call", "order", "tell", "press", "invite", "encourage",
                             "instruct", "advise", "warn", "appeal", "request", "summon", "beg"})
# a bare plural unit is a duration of its own only as the head of its noun phrase, unmodified
NOT_HEAD_DEPS = frozenset({"compound", "amod", "nmod", "poss", "nummod"})
NP_MODIFIER_DEPS = frozenset({"det", "nummod", "amod", "poss", "compound", "quantmod", "nmod"})
FUTURE_VERBS = frozenset({"plan", "expect", "schedule", "set", "due", "intend", "hope", "aim", "want",
                          "prepare", "promise", "vow", "threaten", "decide", "agree", "seek", "propose"})

# ----------------------------------------------------------------- regex parts
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)")
_WD = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
       r"|(?:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.)")
_WDFULL = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2}|2100)(?![0-9])"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![0-9])"
_NUM_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_VAGUE_NUMS = "|".join(sorted((re.escape(w) for w in VAGUE_NUMBERS), key=len, reverse=True))
_NUM = (rf"(?:\d+(?:[.,]\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-"
        rf"(?:one|two|three|four|five|six|seven|eight|nine)|{_NUM_WORDS}|{_VAGUE_NUMS}|single(?=-))"
        r"(?:\s+and\s+a\s+half)?")
_COUNT_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ie))"
# words between a count and its unit: "six straight days", "the past five trading days"
_DUR_ADJ = (r"(?:straight|consecutive|successive|trading|working|business|calendar|more|additional|further"
            r"|full)")
_DMOD = "|".join(sorted((re.escape(w) for w in DURATION_MODS), key=len, reverse=True))
_TZ = (r"(?:\s*\(?(?:(?:GMT|UTC)(?:\s*[+-]\s*\d{1,2}(?::?\d\d)?)?|Z\b|[ECMP][SD]T|CET|CEST|BST|IST|MSK"
       r"|local\s+time)\)?)")
_SEASON = r"(?:spring|summer|autumn|fall|winter)"

_I = re.IGNORECASE


def _c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# (name, pattern, priority): longer matches win; ties go to the lower priority number
PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    ("iso", _c(r"\b(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])"
               r"(?:[T ](?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?::\d\d(?:\.\d+)?)?"
               r"(?:Z|[+-]\d\d:?\d\d)?)?\b"), 0),
    ("isoweek", _c(r"\b(?P<y>\d{4})-W(?P<w>0[1-9]|[1-4]\d|5[0-3])\b"), 0),
    ("isoquarter", _c(r"\b(?P<y>\d{4})-Q(?P<q>[1-4])\b"), 0),
    ("slash", _c(r"\b(?P<a>[01]?\d|2\d|3[01])/(?P<b>[01]?\d|2\d|3[01])/(?P<y>\d{4}|\d\d)\b(?!/)"), 1),
    ("holiday", _c(r"\b(?P<h>Christmas(?:\s+(?:Eve|Day))?|New\s+Year['’]s(?:\s+(?:Eve|Day))?|Halloween|"
                   r"Valentine['’]s\s+Day|Boxing\s+Day)(?:,?\s+(?P<y>" + _YEAR + r"))?\b"), 3),
    ("part_of_unit", _c(r"\b(?:the\s+)?(?P<p>beginning|start|end|middle|rest|remainder)\s+of\s+"
                        r"(?:the|this)\s+"
                        r"(?P<u>year|month|week)\b|\b(?P<u2>year|month)[-\s]end\b", _I), 4),
    # "late in the day", "early in the year": one TIMEX3 with its mod, as "late Sunday" ("later in
    # the day" is a comparison: "later" stays out)
    ("late_in", _c(r"\b(?P<p>early|late)\s+in\s+the\s+(?P<u>day|week|month|year)\b", _I), 4),
    # a part of day naming a market session: "rose in morning trading" (the day under discussion)
    ("session", _c(r"(?:(?<=\bin\s)|(?<=\bduring\s))(?:(?P<pm>early|late)\s+)?"
                   r"(?P<pod>morning|afternoon|evening)(?=\s+(?:trading|trade|session|dealings)\b)", _I), 4),
    ("decade_word", _c(r"\bthe\s+(?:(?P<pm>early|mid|late)[-\s])?(?P<w>twenties|thirties|forties|fifties|"
                       r"sixties|seventies|eighties|nineties)\b", _I), 4),
    ("year2", _c(r"\b(?:in|since|of|until|before|after)\s+(?P<yq>['’](?P<yy>\d\d))\b(?!s)", _I), 5),
    ("weekend", _c(r"\b(?:(?P<rel>last|next|this|the|this\s+past|past|coming)\s+)weekend\b", _I), 4),
    ("mdy_range", _c(rf"\b(?P<mon>{_MON})\s*(?P<d1>{_DAY})\s*(?:-|–|—|to|through|until)\s*(?P<d2>{_DAY})"
                     rf"(?:,?\s+(?P<y>{_YEAR}))?"), 1),
    ("dmy_range", _c(rf"\b(?P<d1>{_DAY})\s*(?:-|–|—|to)\s*(?P<d2>{_DAY})\s+(?:of\s+)?(?P<mon>{_MON})"
                     rf"(?:,?\s+(?P<y>{_YEAR}))?"), 1),
    ("mdy", _c(rf"\b(?:(?P<wd>{_WD}),?[ \t]+)?(?P<mon>{_MON})\s*(?P<d>{_DAY})"
               rf"(?:,?\s+(?P<y>{_YEAR}))?"), 2),
    ("dmy", _c(rf"\b(?:(?P<wd>{_WD}),?[ \t]+)?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MON})"
               rf"(?:,?\s+(?P<y>{_YEAR}))?"), 2),
    ("my", _c(rf"\b(?P<mon>{_MON}),?\s+(?:of\s+)?(?P<y>{_YEAR})"), 2),
    ("yqy", _c(rf"\b(?P<y>{_YEAR})\s+Q(?P<q>[1-4])\b"), 2),
    ("quarter", _c(rf"\b(?:Q(?P<q>[1-4])|(?:the\s+)?(?P<qw>first|second|third|fourth|final|1st|2nd|3rd|4th)"
                   rf"[-\s]quarter)(?:\s+(?:of\s+)?(?:(?:fiscal|FY)\s*)?(?P<y>{_YEAR})"
                   r"|\s+of\s+(?P<yrel>last|this|next)\s+year)?\b"), 3),
    ("month_rel", _c(rf"\b(?P<rel>(?i:last|next|this|this\s+past|past|coming))\s+(?P<mon>{_MON})(?![\w-])"
                     r"(?!\s*\d)", 0), 3),
    ("my_rel", _c(rf"\b(?P<mon>{_MON})(?:\s+of)?\s+(?P<yrel>last|this|next)\s+year\b"), 2),
    ("season_y", _c(rf"\b(?:the\s+)?(?P<s>{_SEASON})(?:\s+of)?,?\s+(?P<y>{_YEAR})", _I), 3),
    ("season_rel", _c(rf"\b(?P<rel>last|this|next|past)\s+(?P<s>{_SEASON})\b", _I), 4),
    ("season_this", _c(r"\bthis\s+season\b", _I), 4),
    ("season", _c(r"\b(?P<s>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)\b(?![-'’])"), 7),
    ("same_prior", _c(r"\bthe\s+same\s+(?P<u>period|month|quarter|week|day|time)\s+(?:of\s+)?"
                      r"(?:(?:the\s+)?(?:last|previous|prior|preceding)\s+year|a\s+year\s+(?:ago|earlier|before)"
                      r"|the\s+year\s+before)\b", _I), 2),
    ("weekof", _c(rf"\b(?:the\s+)?(?P<o>first|second|third|fourth|last|final)\s+week\s+of\s+(?P<mon>{_MON})"
                  rf"(?:,?\s+(?P<y>{_YEAR}))?"), 2),
    ("decade", _c(r"\b(?:(?P<pm>early|mid|late)[-\s])?(?P<dec>1\d\d|20\d)0(?:'s|s)\b", _I), 3),
    ("decade2", _c(r"(?:\b(?P<pm>early|mid|late)[-\s])?['’](?P<d2>\d)0s\b", _I), 3),
    ("decade3", _c(r"(?:(?<=\b[Tt]he\s)|(?<=\band\s)|(?<=\bor\s))(?P<d2>[2-9])0s\b"), 4),
    ("century", _c(r"\b(?:the\s+)?(?:(?P<pm>early|mid|late)[-\s])?(?P<n>\d{1,2}(?:st|nd|rd|th)|"
                   r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
                   r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
                   r"twentieth|twenty-first)[-\s]century\b", _I), 3),
    ("year_range", _c(rf"(?<![\w$€£.,/])(?<!\d-)(?P<y1>{_YEAR})\s*(?:-|–|—|/)\s*(?P<y2>\d{{4}}|\d{{2}})"
                      r"(?![\w%]|[.,]\d)"), 2),
    ("month", _c(rf"\b(?P<mon>{_MON})(?![\w-])"), 6),
    ("year", _c(rf"(?<![\w$€£.,/])(?<!\d-)(?P<y>{_YEAR})(?![\w%]|[.,]\d|-\d)"), 7),
    ("dayword", _c(r"\b(?:(?:earlier|later)\s+)?(?:the\s+day\s+(?P<bf>before|after)\s+)?"
                   r"(?P<w>yesterday|today|tomorrow)\b"
                   r"(?:\s+(?P<pod>morning|afternoon|evening|night))?", _I), 3),
    ("tonight", _c(r"\b(?:(?:earlier|later)\s+)?"
                   r"(?P<w>tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b", _I), 3),
    ("relunit", _c(r"\b(?:(?P<ea>earlier|later)\s+)?"
                   r"(?P<rel>last|this\s+past|this|next|coming|previous|following|same)\s+"
                   r"(?P<u>week|month|year|weekend|quarter|decade|century)\b", _I), 4),
    ("anaphor", _c(r"\b(?P<w>the\s+(?:following|next|previous|preceding|same)\s+"
                   r"(?P<u>days?|weeks?|months?|years?|morning|night|evening)"
                   r"|the\s+(?:entire|whole|full)\s+(?P<u4>day|week|month|year)"
                   r"|the\s+(?P<u3>day|week|month|year)\s+(?:after|before|earlier|later|previous)"
                   r"(?!\s+(?:yesterday|tomorrow|\w+ing\b))|that\s+"
                   r"(?P<u2>day|week|month|year|night|morning)"
                   r"|(?:(?<=\bby\s)|(?<=\bat\s)|(?<=\buntil\s))that\s+(?P<u5>time))\b", _I), 4),
    ("weekday", _c(rf"\b(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<wd>{_WDFULL})(?P<pl>s)?\b"
                   r"(?:\s+(?P<pod>morning|afternoon|evening|night))?"), 5),
    # a count may stand in an editor's square brackets inside a quotation: "[Ten] years ago"
    ("ago", _c(rf"(?<![\w\[])(?:(?P<pre>{_DMOD})\s+)?(?:\[(?P<nb>{_NUM})\]|(?P<n>{_NUM})\b)[\s-]+"
               rf"(?P<u>{_UNIT})s?\s+"
               r"(?P<dir>ago|earlier|later|from\s+now|hence)\b", _I), 2),
    ("set", _c(rf"\b(?:(?P<q>every|each)\s+(?:other\s+)?"
               rf"(?P<u>day|week|month|year|morning|night|evening|weekend|{_WDFULL})"
               rf"|(?P<f>once|twice|three\s+times|\d+\s+times)\s+(?:a|per|each|every)\s+(?P<u2>{_UNIT}))\b",
               _I), 3),
    ("setadv", _c(r"\b(?P<w>daily|weekly|monthly|annual|annually|yearly|nightly|hourly|quarterly)\b"), 8),
    ("theday", _c(r"\b(?:end|ended|ending|finish|finished|close|closed|start|for|during|of|in)\s+"
                  r"(?P<t>the\s+day)\b"
                  r"(?!\s+(?:before|after|earlier|later|previous)\b(?!\s+\w+ing\b))", _I), 6),
    ("duration", _c(rf"\b(?:(?P<pre>{_DMOD})\s+)?"
                    r"(?:the\s+(?P<rel>past|last|next|coming|previous|first|final)\s+)?"
                    rf"(?P<n>{_NUM})[\s-]+(?:{_DUR_ADJ}[\s-]+)?(?P<u>{_UNIT})s?\b(?!-old|\s+old)", _I), 5),
    ("duration_the", _c(rf"\b(?:(?P<pre>{_DMOD})\s+)?the\s+(?P<rel>past|last|next|coming|previous)\s+"
                        rf"(?P<u>{_UNIT})\b",
                        _I), 6),
    ("duration_bare", _c(r"(?:(?<=\bfor\s)|(?<=\bin\s)|(?<=\bwithin\s)|(?<=\bjust\s))"
                         r"(?P<u>years|months|decades|weeks|days|hours|minutes|centuries)\b(?![-\w])"
                         r"|\b(?P<u2>years|months|decades|weeks)-long\b|(?<=\bover\s)the\s+(?P<u3>years|decades)\b",
                         _I), 8),
    # a bare plural unit heading its own noun phrase ("decades in the making", "hours after the
    # blast"); the token checks in dates._build keep "his years in office", "the early years" out
    ("duration_np", _c(r"\b(?P<u>years|months|decades|weeks|days|hours|minutes|centuries)\b(?![-\w'’])"
                       r"(?!\s+(?:ago|later|earlier|old|before\s+(?:that|then)|hence)\b)", _I), 9),
    ("durfirst", _c(rf"\b(?P<n>\d+|{_COUNT_WORDS})(?=\s*(?:-|–|to|or|and)\s*(?:\d+|{_COUNT_WORDS})[\s-]+"
                    rf"(?P<u>{_UNIT})s\b)", _I), 8),
    ("refadj", _c(r"\b(?P<w>recent|current)\b(?!-)", _I), 9),
    ("vague", _c(r"\b(?:(?P<int>very|more|most|so)\s+)?(?P<w>"
                 + "|".join(sorted((re.escape(w) for w in VAGUE), key=len, reverse=True)) + r")\b", _I), 6),
    # "11:30pm", and British "11.30pm" (the stop only before am/pm: "11.30" alone is a number)
    ("clock", _c(rf"\b(?P<H>[01]?\d|2[0-3])(?:[:.](?P<M>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]m\b|[AP]M\b)"
                 rf"{_TZ}?"), 2),
    ("clock24", _c(rf"\b(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?![\d:])(?:\s*(?:hrs|hours|h)\b|{_TZ})?"), 3),
    ("military", _c(rf"\b(?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)\s*(?:hrs|hours|{_TZ})"), 3),
    ("noon", _c(rf"\b(?P<w>noon|midnight|midday){_TZ}?", _I), 4),
    ("ordday", _c(r"\bthe\s+(?P<d>3[01]|[12]\d|[1-9])(?:st|nd|rd|th)\b"), 6),
]

MOD_PREFIX = re.compile(
    r"(?:\b(?P<a>early|mid|late)[-\s]+|\b(?:the\s+)?(?P<b>beginning|start|end|middle|close|early\s+part|"
    r"latter\s+part|first\s+half|second\s+half)\s+of\s+(?:the\s+)?)$", _I)
APPOSED_LATER = re.compile(r",\s*$")
# after "the day before/after": an event or a name follows ("the day before the summit")
EVENT_NEXT = re.compile(r"\s+(?:the|a|an|his|her|its|their|this|that|these|those|[A-Z0-9])")
# "the last week of the campaign" (part of a named period), not "a profit for the last year of $3 billion"
PART_OF_NEXT = re.compile(r"\s+of\s+(?!(?:US|A|C)?[$€£¥]|\d)", _I)
FRACTION_OF = re.compile(r"\s+of\s+(?:the|a|an|its|their|his|her|all|those|these|this|that|[A-Z0-9])")
# a word and a hyphen before a 4-digit number: a label ("load-1002") unless a prefix of years
LABEL_PREFIX = re.compile(r"\b([A-Za-z]+)-$")
YEAR_HYPHEN_PREFIXES = frozenset({"mid", "pre", "post", "early", "late", "circa", "ca", "c", "fy", "fiscal",
                                  "end", "start", "since", "until", "by"})
# capitalized words that may stand right before a year without making it part of a name
YEAR_NAME_OK = frozenset({*MONTHS, *WEEKDAYS, "spring", "summer", "autumn", "fall", "winter", "christmas",
                          "easter", "fiscal", "fy", "ad", "bc", "circa", "in", "since", "by", "until",
                          "before", "after", "during"})
THAN_NEXT = re.compile(r"\s+than\b", _I)
UNTIL_PREFIX = re.compile(r"\b(?:until|till)\s+$", _I)
FOR_PREFIX = re.compile(r"\bfor\s+$", _I)
SIGNAL_PREFIX = re.compile(r"\b(?P<s>since|before|after|until|till|by)\s+$", _I)
YEAR_PREV = re.compile(r"(?:\b(?:in|since|by|until|till|before|after|of|from|during|through|throughout|circa|"
                       r"around|early|late|c\.|ca\.|between|year|years|for|spring|summer|autumn|winter)\s+|"
                       r"\bmid-?\s*|\(\s*)$", _I)
# the second year of "from 2009 to 2011", "between 2014 and 2016", "1980 through 2012"
YEAR_RANGE_PREV = re.compile(rf"\b(?:from|between)\s+{_YEAR}\s*(?:to|and|until|till|through|-|–)\s*$"
                             rf"|\b{_YEAR}\s+(?:to|until|till|through)\s+$", _I)
NOT_YEAR_NEXT = re.compile(r"\s*(?:%|percent|years?[-\s]old\b|per\s*cent|"
                           r"[a-z]*meters?\b|km\b|kilomet|miles?\b|kg\b|tons?\b|"
                           r"tonnes?\b|dollars?\b|euros?\b|people\b|troops\b|soldiers\b|men\b|women\b|"
                           r"children\b|units?\b|votes?\b|times\b|hectares?\b|feet\b|ft\b)", _I)
PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
QUOTATION = re.compile(r'"[^"\n]*"|“[^”\n]*”')
RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*$", _I)
TIME_DATE_GAP = re.compile(r"\s*(?:,|on|at|of)?\s*(?:the\s+)?$", _I)
_TIMEX_ONE = (
    r"(?:PRESENT_REF|PAST_REF|FUTURE_REF"
    r"|P(?:[\dX]+(?:\.\d+)?[YQMWD])*(?:T(?:[\dX]+(?:\.\d+)?[HMS])+)?"
    r"|[\dX]{2}|[\dX]{3}X?"
    r"|[\dX]{4}(?:-(?:[\dX]{2}(?:-[\dX]{2})?|W[\dX]{2}(?:-(?:[\dX]|WE))?|Q[1-4X]|SP|SU|FA|WI))?"
    r"(?:T(?:\d{2}:\d{2}Z?|MO|AF|EV|NI))?)")
TIMEX3_VALUE = re.compile(rf"^{_TIMEX_ONE}(?:/{_TIMEX_ONE})?$")
