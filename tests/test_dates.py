"""Dates stage: TIMEX3 detection, normalization, anchoring and event dating (own sentences only)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from eventcoder.ingest.metadata import anchor_date, own_date
from eventcoder.records import DateRef, TimeValue
from eventcoder.stages.dates import TIMEX3_VALUE, event_date, extract_times
from eventcoder.stages.linguistic import load_nlp, parse

WED = dt.date(2021, 3, 10)  # a Wednesday
SAT = dt.date(2015, 9, 26)  # a Saturday


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


def _times(nlp: Language, text: str, anchor: dt.date | None) -> list[TimeValue]:
    return extract_times(parse(nlp, text), anchor)


def _pairs(nlp: Language, text: str, anchor: dt.date | None) -> dict[str, str]:
    return {t.text: t.value for t in _times(nlp, text, anchor)}


EXPLICIT = [
    ("The treaty was signed on 27 September 2020 in the capital.", "27 September 2020", "2020-09-27"),
    ("The treaty was signed on September 27th, 2020.", "September 27th, 2020", "2020-09-27"),
    ("Voting closed on Nov. 10, 2020 after a long count.", "Nov. 10, 2020", "2020-11-10"),
    ("The file is dated 2020-11-10 by the registry.", "2020-11-10", "2020-11-10"),
    ("Output shrank in July 2020 across the region.", "July 2020", "2020-07"),
    ("The strike began in 1988 and ended later.", "1988", "1988"),
    ("Growth stalled in mid-2019, officials said.", "mid-2019", "2019"),
    ("Floods hit the valley in the summer of 2014.", "the summer of 2014", "2014-SU"),
    ("Revenue rose in Q3 2021 for the group.", "Q3 2021", "2021-Q3"),
    ("Profits fell in the third quarter of 2020.", "the third quarter of 2020", "2020-Q3"),
    ("The city grew fast in the 1990s.", "1990s", "199"),
    ("Walls were built in the 15th century.", "the 15th century", "14"),
    ("The 1994 ceasefire agreement held for years.", "1994", "1994"),
    ("Unrest has continued since 2014 in the east.", "2014", "2014"),
    ("The tax applied between 2014 and 2016.", "2014 and 2016", "2014/2016"),
    ("The dictatorship lasted 1988-1994 in that country.", "1988-1994", "1988/1994"),
    ("Shelling went on from late Sept. to early Nov. 2020.", "late Sept. to early Nov. 2020",
     "2020-09/2020-11"),
    ("The fair ran Sept. 27-30, 2019 downtown.", "Sept. 27-30, 2019", "2019-09-27/2019-09-30"),
    ("The siege lasted over a month before talks.", "over a month", "P1M"),
    ("The trial took three years to finish.", "three years", "P3Y"),
    ("The first 100 days were chaotic.", "The first 100 days", "P100D"),
    ("Crews worked for nearly two weeks.", "nearly two weeks", "P2W"),
    ("The ferry leaves every Monday from the pier.", "every Monday", "XXXX-WXX-1"),
    ("Patrols pass twice a week in the district.", "twice a week", "P1W"),
    ("The council is now divided.", "now", "PRESENT_REF"),
    ("The mayor recently resigned.", "recently", "PAST_REF"),
    ("More aid may come in the future.", "the future", "FUTURE_REF"),
    ("The register reopened on 2020-W05 schedules.", "2020-W05", "2020-W05"),
    ("Ice covers the lake during the winter of 2010.", "the winter of 2010", "2010-WI"),
    ("Turnout was high at Christmas 2019 services.", "Christmas 2019", "2019-12-25"),
]


@pytest.mark.parametrize(("text", "surface", "value"), EXPLICIT)
def test_dates_explicit_values(nlp: Language, text: str, surface: str, value: str) -> None:
    assert _pairs(nlp, text, None).get(surface) == value


ANCHORED = [
    ("Gunmen attacked the convoy on Monday.", "Monday", "2021-03-08"),
    ("The ministers will meet on Monday.", "Monday", "2021-03-15"),
    ("Police arrested two men yesterday.", "yesterday", "2021-03-09"),
    ("The envoy arrives tomorrow.", "tomorrow", "2021-03-11"),
    ("Prices rose sharply last week.", "last week", "2021-W09"),
    ("The bridge collapsed two days ago.", "two days ago", "2021-03-08"),
    ("Earlier this month, the army withdrew.", "Earlier this month", "2021-03"),
    ("The bank expects growth next year.", "next year", "2022"),
    ("The plant closed last year.", "last year", "2020"),
    ("Rebels seized the town on Feb. 27.", "Feb. 27", "2021-02-27"),
    ("The election will be held on May 4.", "May 4", "2021-05-04"),
    ("The port was shelled in December.", "December", "2020-12"),
    ("The summit is scheduled for June.", "June", "2021-06"),
    ("A quake struck at 3 p.m. local time.", "3 p.m. local time", "2021-03-10T15:00"),
    ("Firing started at 15:00 GMT Saturday.", "15:00 GMT Saturday", "2021-03-06T15:00Z"),
    ("Crowds gathered tonight in the square.", "tonight", "2021-03-10TNI"),
    ("Troops withdrew a year ago.", "a year ago", "2020"),
    ("Sirens sounded over the weekend.", "the weekend", "2021-W09-WE"),
    ("Sales fell in the first quarter of last year.", "the first quarter of last year", "2020-Q1"),
    ("The index rose in March of last year.", "March of last year", "2020-03"),
    ("Shares closed the day lower.", "the day", "2021-03-10"),
    ("The parade on May 9 drew crowds.", "May 9", "2020-05-09"),
]


@pytest.mark.parametrize(("text", "surface", "value"), ANCHORED)
def test_dates_relative_values_use_anchor(nlp: Language, text: str, surface: str, value: str) -> None:
    found = {t.text: t for t in _times(nlp, text, WED)}
    assert found[surface].value == value
    assert found[surface].source == "publication"


def test_dates_yearless_takes_context_year_without_anchor(nlp: Language) -> None:
    text = ("The blockade ended on March 3, 2017. Fighting resumed on Sept. 12 near the border.\n\n"
            "On the 14th, the envoy left.")
    got = {t.text: t for t in _times(nlp, text, None)}
    assert got["Sept. 12"].value == "2017-09-12"
    assert got["Sept. 12"].source == "context"
    assert got["the 14th"].value == "2017-09-14"


def test_dates_yearless_following_year_when_none_precedes(nlp: Language) -> None:
    got = {t.text: t for t in _times(nlp, "On Oct. 2 the dam broke. Repairs ended in June 2012.", None)}
    assert got["Oct. 2"].value == "2012-10-02"
    assert got["Oct. 2"].source == "context"


def test_dates_unresolvable_keeps_placeholders(nlp: Language) -> None:
    got = {t.text: t for t in _times(nlp, "The ferry sank on Oct. 2 and rescuers came yesterday.", None)}
    assert got["Oct. 2"].value == "XXXX-10-02"
    assert got["Oct. 2"].source == "none"
    assert got["yesterday"].value == "XXXX-XX-XX"
    assert got["yesterday"].source == "none"


def test_dates_nearby_explicit_year_beats_anchor(nlp: Language) -> None:
    text = "The war began on Feb. 24, 2022. On March 3, troops entered the city."
    got = {t.text: t for t in _times(nlp, text, dt.date(2024, 6, 1))}
    assert got["March 3"].value == "2022-03-03"


def test_dates_following_days_resolve_against_previous_date(nlp: Language) -> None:
    text = "Clashes broke out on 4 July 2019. The fighting continued the following day."
    got = {t.text: t.value for t in _times(nlp, text, None)}
    assert got["the following day"] == "2019-07-05"


NOT_DATES = [
    "The army lost 20 percent of its tanks.",
    "They built 11 container units and 9 modular ones.",
    "Some 1,500 troops crossed the river.",
    "The crowd of 2020 people cheered.",
    "He paid $1999 for the car.",
    "The company may expand soon-ish, analysts said.",
    "A second attack followed.",
    "Black Monday is remembered by traders.",
    "The council adopted Resolution 2334 and upgraded to Windows 2000.",
    "Flight 1549 landed on the river.",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_dates_numbers_that_are_not_dates(nlp: Language, text: str) -> None:
    values = [t.value for t in _times(nlp, text, WED) if t.type in ("DATE", "TIME")]
    assert not [v for v in values if v[:1].isdigit()], values


def test_dates_mods_and_ranges(nlp: Language) -> None:
    got = {t.text: t for t in _times(nlp, "Operations ran from late Sept. to early Nov. 2020.", None)}
    rng = got["late Sept. to early Nov. 2020"]
    assert (rng.precision, rng.begin, rng.finish) == ("range", "2020-09", "2020-11")
    assert _times(nlp, "The siege lasted over a month.", None)[0].mod == "MORE_THAN"
    assert _times(nlp, "Talks stalled in mid-2019.", None)[0].mod == "MID"


def test_dates_output_sorted_and_disjoint(nlp: Language) -> None:
    text = ("On Monday, Sept. 14, 2015, at 9 a.m., the council met for three hours; it meets every week "
            "and last met in August. Next year it moves.")
    times = _times(nlp, text, SAT)
    assert len(times) >= 4
    for a, b in itertools.pairwise(times):
        assert a.end <= b.start
    for t in times:
        assert text[t.start:t.end] == t.text
        assert TIMEX3_VALUE.match(t.value), t.value


# ----------------------------------------------------------------- event dating


def _trigger(text: str, word: str) -> tuple[int, int]:
    i = text.index(word)
    return i, i + len(word)


def test_dates_event_date_clause_beats_sentence(nlp: Language) -> None:
    text = "Officials said on Tuesday that rebels attacked the base on Sunday."
    doc = parse(nlp, text)
    times = extract_times(doc, WED)
    ref = event_date(doc, times, *_trigger(text, "attacked"), WED)
    assert ref is not None and ref.text == "Sunday" and ref.source == "clause"
    said = event_date(doc, times, *_trigger(text, "said"), WED)
    assert said is not None and said.text == "Tuesday"


def test_dates_event_date_paragraph_then_publication(nlp: Language) -> None:
    text = "Troops entered the town on 3 May 2019.\nResidents fled across the river.\n\nShops reopened."
    doc = parse(nlp, text)
    times = extract_times(doc, WED)
    fled = event_date(doc, times, *_trigger(text, "fled"), WED)
    assert fled is not None and fled.source == "paragraph" and fled.value == "2019-05-03"
    shops = event_date(doc, times, *_trigger(text, "reopened"), WED)
    assert shops == DateRef("2021-03-10", "day", None, None, None, "publication")
    none = event_date(doc, times, *_trigger(text, "reopened"), None)
    assert none == DateRef(None, None, None, None, None, "none")


def test_dates_event_date_range_copies_bounds(nlp: Language) -> None:
    text = "Shelling continued between 2014 and 2016 in the region."
    doc = parse(nlp, text)
    ref = event_date(doc, extract_times(doc, None), *_trigger(text, "Shelling"), None)
    assert ref is not None and (ref.begin, ref.finish) == ("2014", "2016")


def test_dates_event_date_after_a_range_takes_its_end(nlp: Language) -> None:
    text = "Following a week of clashes from 2 to 9 March 2018, the army withdrew."
    doc = parse(nlp, text)
    ref = event_date(doc, extract_times(doc, None), *_trigger(text, "withdrew"), None)
    assert ref is not None and ref.value == "2018-03-09" and ref.begin is None
    inside = event_date(doc, extract_times(doc, None), *_trigger(text, "clashes"), None)
    assert inside is not None and inside.value == "2018-03-02/2018-03-09"


def test_dates_event_date_on_repeated_paragraphs_and_per_document(nlp: Language) -> None:
    para = ("Rebels attacked the town on Monday, officials said on Tuesday. The army responded.\n\n"
            "Talks will resume next week, after a truce signed on 3 May 2019 collapsed in July.\n\n")
    doc = parse(nlp, para * 20)
    times = extract_times(doc, WED)
    verbs = [t for t in doc if t.pos_ == "VERB"]
    refs = [event_date(doc, times, v.idx, v.idx + len(v.text), WED) for v in verbs]
    assert {r.value for r in refs if r is not None} >= {"2021-03-08", "2019-05-03"}
    other = parse(nlp, "Rebels attacked the town.")
    ref = event_date(other, extract_times(other, WED), 7, 15, WED)
    assert ref is not None and ref.source == "publication"


def test_dates_event_date_skips_durations(nlp: Language) -> None:
    text = "The blockade lasted three years."
    doc = parse(nlp, text)
    ref = event_date(doc, extract_times(doc, WED), *_trigger(text, "blockade"), WED)
    assert ref is not None and ref.source == "publication"


# ----------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_dates_never_raises_on_arbitrary_text(blank: Language, text: str) -> None:
    doc = blank(text)
    for anchor in (None, WED):
        times = extract_times(doc, anchor)
        for t in times:
            assert doc.text[t.start:t.end] == t.text
            assert TIMEX3_VALUE.match(t.value), t.value
        event_date(doc, times, 0, min(3, len(text)), anchor)


_PIECES = st.sampled_from([
    "on Monday", "Sept. 27", "in 1988", "the 1994 accord", "yesterday", "last week", "2020-11-10",
    "the 1990s",
    "over a month", "from March to May 2012", "at 3 p.m.", "every Friday", "recently", "mid-2019", "the 27th",
    "Q3 2021", "two days ago", "next year", "20 percent", "11 units", "and", "the army", "said", ".", ",",
    "\n\n",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=14), st.sampled_from([None, WED, SAT]))
def test_dates_offsets_slice_to_text_on_parsed_docs(nlp: Language, pieces: list[str],
                                                   anchor: dt.date | None) -> None:
    text = " ".join(pieces)
    times = extract_times(nlp(text), anchor)
    for t in times:
        assert text[t.start:t.end] == t.text
        assert TIMEX3_VALUE.match(t.value), t.value
        assert t.source in ("explicit", "context", "publication", "none")
        if t.precision == "range":
            assert t.value == f"{t.begin}/{t.finish}"
    for a, b in itertools.pairwise(times):
        assert a.end <= b.start


@pytest.mark.parametrize("value", ["2020-09-27", "2020-07", "1988", "199X", "P1M", "P3Y", "PT2H", "2020-W05",
                                   "2021-Q3", "2014-SU", "2020-09-27T15:00", "PRESENT_REF", "XXXX-WXX-1",
                                   "XXXX-09-27", "19", "2021-W09-WE"])
def test_dates_timex3_regex_accepts_valid_values(value: str) -> None:
    assert TIMEX3_VALUE.match(value)


@pytest.mark.parametrize("value", ["2020-13-1", "Sept", "20200", "P1", "2020-09-27T"])
def test_dates_timex3_regex_rejects_invalid_values(value: str) -> None:
    assert not TIMEX3_VALUE.match(value)


# ----------------------------------------------------------------- issue 3: relative and vague expressions

NEWS_ANCHORED = [
    # (text, anchor, surface, value): each line is one phenomenon, in our own words
    ("Exports rose 4% in February compared to the same period last year.", WED, "the same period last year",
     "2020-02"),
    ("Sales fell in January, compared to the same month a year ago.", WED, "the same month a year ago",
     "2020-01"),
    ("Car sales rebounded in the last week of March 2009.", WED, "the last week of March 2009", "2009-W13"),
    ("Shops reopened in the first week of June 2020.", WED, "the first week of June 2020", "2020-W23"),
    ("Officials hope spring brings relief to farmers.", WED, "spring", "2021-SP"),
    ("The ministry announced a summit to be held on April 20.", WED, "April 20", "2021-04-20"),
    ("The sale should close in June, the bank said.", WED, "June", "2021-06"),
    ("The government has kept all markets closed until Friday.", WED, "Friday", "2021-03-12"),
    ("Shares rebounded late in the day after falling sharply.", WED, "late in the day", "2021-03-10"),
    ("The plant lost money in the fourth quarter of 2005 and for the entire year.", WED, "the entire year",
     "2005"),
    ("Talks must end by June 10. If no deal is reached by that time, the plan lapses.",
     dt.date(2021, 5, 29), "that time", "2021-06-10"),
    ("The browser shipped nearly a decade ago.", WED, "nearly a decade ago", "2011"),
    ("The posting appeared just over 24 hours ago.", WED, "just over 24 hours ago", "2021-03-09"),
    ("Markets to reopen Friday", WED, "Friday", "2021-03-12"),
    ("Voters reject today's proposal.", WED, "today", "2021-03-10"),
    ("Today, police say the road is open again.", WED, "Today", "2021-03-10"),
    ("Today, the minister visited the flooded valley.", WED, "Today", "2021-03-10"),
    ("The jet arrives on March 20, two days later than planned.", WED, "two days later", "2021-03-20"),
    # a month-year of another sentence does not lend its year; the anchor's does
    ("Airlines plan to launch service in November 2006. The jet arrives on November 11.",
     dt.date(2005, 11, 5), "November 11", "2005-11-11"),
]


@pytest.mark.parametrize(("text", "anchor", "surface", "value"), NEWS_ANCHORED)
def test_dates_news_relative_expressions(nlp: Language, text: str, anchor: dt.date, surface: str,
                                         value: str) -> None:
    assert _pairs(nlp, text, anchor).get(surface) == value


NEWS_VALUES = [
    ("Deliveries run from 2009 to 2011, the airline said.", "2009 to 2011", "2009/2011"),
    ("The yen rose after six straight days of losses.", "six straight days", "P6D"),
    ("Stocks have fallen for the past five trading days.", "the past five trading days", "P5D"),
    ("Prices hit their highest level in years.", "years", "PXY"),
    ("The firms settled a decades-long dispute.", "decades-long", "PXY"),
    ("Staff were thanked for their work over the years.", "the years", "PXY"),
    ("The process would take between 60 and 90 days.", "60", "P60D"),
    ("Analysts blamed recent losses on the crisis.", "recent", "PAST_REF"),
    ("Given the current slump, banks are cautious.", "current", "PRESENT_REF"),
    ("Prospects for growth in the near term look good.", "the near term", "FUTURE_REF"),
    ("Rates will stay low for the time being.", "the time being", "PRESENT_REF"),
    ("Emissions fell below 1990 levels.", "1990", "1990"),
    ("The crisis shaped today's Russia.", "today", "PRESENT_REF"),
    ("The song is as popular today as it was then.", "today", "PRESENT_REF"),
    ("Today, about 100 families farm the valley.", "Today", "PRESENT_REF"),
]


@pytest.mark.parametrize(("text", "surface", "value"), NEWS_VALUES)
def test_dates_news_durations_and_vague_values(nlp: Language, text: str, surface: str, value: str) -> None:
    assert _pairs(nlp, text, None).get(surface) == value


NOT_TIMES = [
    ("The now-defunct party had few members.", "now"),
    ("The formerly state-owned airline was sold.", "formerly"),
    ("Farmers planted winter wheat along the river.", "winter"),
    ("The Arab Spring reshaped the region.", "Spring"),
    ("Illustrator Johnnie Christmas drew the cover.", "Christmas"),
    ("A survey of 1709 schoolchildren found gaps.", "1709"),
    ("The town keeps a 2000 year old tradition.", "2000"),
    ("There came a day when the river froze.", "a day"),
    ("The current account deficit widened.", "current"),
]


@pytest.mark.parametrize(("text", "surface"), NOT_TIMES)
def test_dates_words_that_are_no_time_here(nlp: Language, text: str, surface: str) -> None:
    assert surface not in {t.text for t in _times(nlp, text, WED)}


def test_dates_weekday_title_not_joined_to_dateline(nlp: Language) -> None:
    text = "Markets to reopen Friday\n\nMarch 10, 2021\n\nTraders waited."
    got = {t.text: t.value for t in _times(nlp, text, WED)}
    assert got["March 10, 2021"] == "2021-03-10"
    assert "Friday" in got


def test_dates_minutes_later_after_a_year_has_no_day(nlp: Language) -> None:
    text = "The stadium opened in 1958. Six minutes later the lights failed."
    got = {t.text: t for t in _times(nlp, text, None)}
    assert (got["Six minutes"].type, got["Six minutes"].value) == ("DURATION", "PT6M")


# ----------------------------------------------------------------- issue 13: TimeML spans and values

MON = dt.date(2021, 3, 8)  # a Monday
JAN = dt.date(2021, 1, 20)

TIMEML_SPANS = [
    # (text, anchor, surface, value): TimeML extents (no prepositions; determiners and modifiers inside)
    ("Riots have been common in recent years.", WED, "recent years", "PAST_REF"),
    ("Job cuts will follow over the next four years.", WED, "the next four years", "P4Y"),
    ("Markets rallied earlier today after the data.", WED, "earlier today", "2021-03-10"),
    ("The minister will speak later tonight.", WED, "later tonight", "2021-03-10TNI"),
    ("The ministry will answer very soon.", WED, "very soon", "FUTURE_REF"),
    ("The shop more recently began selling films.", WED, "more recently", "PAST_REF"),
    # digit decades: the article stays outside (MEANTIME and GUM agree)
    ("The company had record losses in the 1990s.", None, "1990s", "199"),
    ("Cars of the 70s were boxy.", None, "70s", "197"),
    # "last/next/this" + month name is one date
    ("The index was last that high last September.", WED, "last September", "2020-09"),
    ("The index was last that high last September.", dt.date(2020, 9, 20), "last September", "2019-09"),
    ("The firm will report next March.", WED, "next March", "2022-03"),
    ("The plant reopens this July.", WED, "this July", "2021-07"),
    # "the last <unit>" is the previous calendar unit, not a duration
    ("Prices rose during the last week.", WED, "the last week", "2021-W09"),
    ("Profits rose in the last quarter.", WED, "the last quarter", "2020-Q4"),
    ("The firm posted a profit for the last year.", WED, "the last year", "2020"),
    ("The firm reported a profit for the last year of $3 billion.", WED, "the last year", "2020"),
    # ("the past year" stays the stretch of time up to now, and "the last week of" a named period)
    ("Prices have doubled over the past year.", WED, "the past year", "P1Y"),
    ("Voters made up their minds in the last week of the campaign.", WED, "the last week", "P1W"),
    # adjectival and quarter durations
    ("It was the worst single-day fall on record.", WED, "single-day", "P1D"),
    ("Japan posted two consecutive quarters of contraction.", WED, "two consecutive quarters", "P2Q"),
    # minutes or hours later have no computable clock time: the duration, with "later" as its signal
    ("Six minutes later, the striker scored again.", WED, "Six minutes", "PT6M"),
    ("Had it happened five hours earlier, more would have died.", WED, "five hours", "PT5H"),
    # day-sized offsets stay dates
    ("Police said the suspect had been arrested two weeks earlier.", WED, "two weeks earlier", "2021-02-24"),
    # weekday plus part of day, with its position word
    ("Gunmen attacked the village late Sunday night, police said.", MON, "late Sunday night",
     "2021-03-07TNI"),
    ("Troops crossed the border early Monday morning.", MON, "early Monday morning", "2021-03-08TMO"),
    # a present-tense weekday is the nearest one: scheduled ("ends Tuesday") or a headline's past
    ("Voting ends on Tuesday in the capital.", MON, "Tuesday", "2021-03-09"),
    ("Rebels storm border town on Friday", MON, "Friday", "2021-03-05"),
    # (an infinitive or a participle is no present tense: "willing to skip class Thursday night")
    ("She was willing to skip class Thursday night for the show.", dt.date(2021, 3, 9), "Thursday night",
     "2021-03-04TNI"),
    # "this season": the calendar season of the publication date
    ("The team has struggled this season.", WED, "this season", "2021-SP"),
    ("Snow closed the passes twice this season.", JAN, "this season", "2021-WI"),
]


@pytest.mark.parametrize(("text", "anchor", "surface", "value"), TIMEML_SPANS)
def test_dates_timeml_spans_and_values(nlp: Language, text: str, anchor: dt.date | None, surface: str,
                                       value: str) -> None:
    got = _pairs(nlp, text, anchor)
    assert got.get(surface) == value, got


def test_dates_over_the_next_is_a_preposition_not_more_than(nlp: Language) -> None:
    got = {t.text: t for t in _times(nlp, "Job cuts will follow over the next four years.", WED)}
    assert got["the next four years"].mod is None
    assert _times(nlp, "The siege lasted over a month.", None)[0].mod == "MORE_THAN"


def test_dates_late_weekday_night_carries_mod(nlp: Language) -> None:
    got = {t.text: t for t in _times(nlp, "Gunmen attacked the village late Sunday night.", MON)}
    assert got["late Sunday night"].mod == "END"
    assert got["late Sunday night"].type == "TIME"


def test_dates_minutes_later_are_durations_and_events_keep_their_day(nlp: Language) -> None:
    text = "The match began on 18 June 2018.\nSix minutes later, the striker scored again."
    doc = parse(nlp, text)
    times = extract_times(doc, None)
    got = {t.text: t for t in times}
    assert got["Six minutes"].type == "DURATION"
    ref = event_date(doc, times, *_trigger(text, "scored"), None)
    assert ref is not None and ref.value == "2018-06-18"


def test_dates_the_day_before_an_event_is_not_the_day_before_publication(nlp: Language) -> None:
    values = [t.value for t in _times(nlp, "The ministers met the day before the summit.", WED)]
    assert "2021-03-09" not in values
    alone = {t.text: t.value for t in _times(nlp, "Police arrived the day before.", WED)}
    assert alone["the day before"] == "2021-03-09"


NOT_YEARS = [
    # issue 15: a number inside a label or a name is no year
    "Report load-1002 was filed.",
    "The Russell 2000 Index fell by four percent.",
    "The Windows 2000 Server update shipped late.",
]


@pytest.mark.parametrize("text", NOT_YEARS)
def test_dates_numbers_in_labels_and_names_are_no_years(nlp: Language, text: str) -> None:
    assert [t.text for t in _times(nlp, text, WED)] == []


@pytest.mark.parametrize(("text", "surface", "value"), [
    ("The pre-1990 borders were restored.", "1990", "1990"),
    ("Growth stalled in mid-2019, officials said.", "mid-2019", "2019"),
    ("Fiscal 2019 revenue rose by a tenth.", "2019", "2019"),
    ("Chess stars meet at Grand Tour 2019 on the coast", "2019", "2019"),
])
def test_dates_years_after_prefixes_and_names_stay(nlp: Language, text: str, surface: str,
                                                    value: str) -> None:
    assert _pairs(nlp, text, None).get(surface) == value


# ----------------------------------------------------------------- issue 13, second pass: the day in focus

THU = dt.date(2021, 3, 11)  # a Thursday

DAY_IN_FOCUS = [
    # (text, anchor, surface, value): a clock time, "the day" or "the same evening" without a date of
    # its own takes the day under discussion, also from an earlier paragraph
    ("Deputies arrested a man Tuesday over a shooting on Sunday night.\n\n"
     "Investigators said the man fired twice at 10:15 p.m. outside a store.", WED, "10:15 p.m.",
     "2021-03-07T22:15"),
    # the part of day the lede names picks the day among several ("early Wednesday" ... "4 a.m.")
    ("A gunman surrendered early Wednesday after a long standoff.\n\n"
     "Officers went to the house at 7 p.m. Tuesday. He came out at 4 a.m. and was arrested.", THU,
     "4 a.m.", "2021-03-10T04:00"),
    ("Thousands rallied in the capital on Wednesday evening.\n\n"
     "On Tuesday, a court sentenced the editor. Police cleared the square after 11 p.m.", THU,
     "11 p.m.", "2021-03-10T23:00"),
    # with no part of day to match, the last day named
    ("Shells hit the market on Tuesday.\n\nWitnesses said the first one fell at midday.", THU, "midday",
     "2021-03-09T12:00"),
    # a background year in between does not take the place of the day
    ("The president visited the port on Wednesday.\n\nRelations soured in 2020 over gas.\n\n"
     "A smaller rally was held in the north the same evening.", THU, "the same evening", "2021-03-10TEV"),
    ("Stocks fell sharply on Monday.\n\nThe index recovered later and ended the day flat.", WED, "the day",
     "2021-03-08"),
    # (a day-sized anaphor keeps the month just named: no day is under discussion)
    ("Talks opened on Monday.\n\nClashes broke out in July 2020 and went on the following days.", WED,
     "the following days", "2020-07"),
]


@pytest.mark.parametrize(("text", "anchor", "surface", "value"), DAY_IN_FOCUS)
def test_dates_clock_times_and_day_anaphors_take_the_day_in_focus(nlp: Language, text: str, anchor: dt.date,
                                                                  surface: str, value: str) -> None:
    got = _pairs(nlp, text, anchor)
    assert got.get(surface) == value, got


TENSE_OF_CLAUSE = [
    # what is asked or ordered is still to come
    ("Opposition leaders called on supporters to gather again on Saturday.", WED, "Saturday", "2021-03-13"),
    ("The council asked landlords to freeze rents until February.", WED, "February", "2022-02"),
    # the day something is set for
    ("The opposition has called a rally for Friday.", WED, "Friday", "2021-03-12"),
    # a gerund after a preposition takes the time of its clause
    ("A man was jailed on Monday for attacking a taxi driver in May.", WED, "May", "2020-05"),
    # (a consequence looks ahead)
    ("The firm has announced cuts, resulting in closures during the fourth quarter.", dt.date(2021, 8, 19),
     "the fourth quarter", "2021-Q4"),
]


@pytest.mark.parametrize(("text", "anchor", "surface", "value"), TENSE_OF_CLAUSE)
def test_dates_tense_of_directives_schedules_and_gerunds(nlp: Language, text: str, anchor: dt.date,
                                                         surface: str, value: str) -> None:
    got = _pairs(nlp, text, anchor)
    assert got.get(surface) == value, got


TIMEML_SECOND_PASS = [
    # (text, anchor, surface, value)
    # a bare plural unit heading its own noun phrase is a duration
    ("The crisis was decades in the making, the senator said.", WED, "decades", "PXY"),
    ("Guns shelled the town on Wednesday, hours after rockets hit a base.", WED, "hours", "PTXH"),
    ("Years of drought have emptied the reservoirs.", WED, "Years", "PXY"),
    ("It took months to rebuild the bridge.", WED, "months", "PXM"),
    # "late/early in the day" is one TIMEX3 with its mod; the day is the one under discussion
    ("Stocks fell on Monday and recovered late in the day.", WED, "late in the day", "2021-03-08"),
    ("The law passed early in the year.", WED, "early in the year", "2021"),
    # an editor's brackets around the count inside a quotation
    ('"[Ten] years ago, the bridge was new," the mayor said.', WED, "[Ten] years ago", "2011"),
    # a British clock time with a stop
    ("Officers were called to the pub at 11.30pm on Friday.", WED, "11.30pm on Friday", "2021-03-05T23:30"),
    # a part of day naming a market session, on the day under discussion
    ("The firm reported on Tuesday. Its shares rose in morning trading.", WED, "morning", "2021-03-09TMO"),
]


@pytest.mark.parametrize(("text", "anchor", "surface", "value"), TIMEML_SECOND_PASS)
def test_dates_timeml_second_pass_spans_and_values(nlp: Language, text: str, anchor: dt.date, surface: str,
                                                   value: str) -> None:
    got = _pairs(nlp, text, anchor)
    assert got.get(surface) == value, got


@pytest.mark.parametrize(("text", "surface"), [
    ("He spent his years in office abroad.", "years"),
    ("The early years were hard.", "years"),
    ("The days of cheap oil are over.", "days"),
    ("The plant closed years ago.", "years"),
    ("Stocks declined later in the day.", "later in the day"),
    ("Shares rose 11.30 points.", "11.30"),
    ("He reads the morning paper.", "morning"),
])
def test_dates_second_pass_non_times(nlp: Language, text: str, surface: str) -> None:
    assert surface not in {t.text for t in _times(nlp, text, WED)}


def test_dates_late_in_the_day_carries_mod(nlp: Language) -> None:
    got = {t.text: t for t in _times(nlp, "Shares rebounded late in the day.", WED)}
    assert got["late in the day"].mod == "END"


# ----------------------------------------------------------------- the text's own date as the time anchor

OWN_DATES = [
    # (text, published, own date, anchor, anchor source)
    ("Ferry service resumes on the coast\n\nTuesday, June 19, 2018\n\nYesterday, the first boat sailed.",
     "2018-06-18", "2018-06-19", "2018-06-19", "dateline"),
    ("Ferry service resumes\n\nPublished 4 March 2010\n\nThe boat sailed.", None, "2010-03-04", "2010-03-04",
     "dateline"),
    # a dateline with a full date, and a year-less one: the year nearest the metadata's date
    ("GRANVILLE, March 9, 2021 (Coastal Wire) - Dockers went on strike.", "2021-03-12", "2021-03-09",
     "2021-03-09", "dateline"),
    ("GRANVILLE, Dec. 30 (Coastal Wire) - Dockers went on strike.", "2022-01-02", "2021-12-30", "2021-12-30",
     "dateline"),
    # an update stamp is no date of writing; a date far from the metadata is not this text's
    ("Ferry service resumes\n\nUpdated: June 25, 2018\n\nThe boat sailed.", "2018-06-18", None, "2018-06-18",
     "published"),
    ("Ferry service resumes\n\nThursday, May 7, 2015\n\nThe boat sailed.", "2011-12-02", "2015-05-07",
     "2011-12-02", "published"),
    # a sentence that starts with a date is no date line
    ("March 4, 2010 was a cold day on the coast.\n\nThe boat sailed.", "2018-06-18", None, "2018-06-18",
     "published"),
]


@pytest.mark.parametrize(("text", "published", "own", "anchor", "source"), OWN_DATES)
def test_dates_own_date_line_anchors_relative_expressions(text: str, published: str | None, own: str | None,
                                                          anchor: str, source: str) -> None:
    assert own_date(text, published) == own
    assert anchor_date(text, published) == (anchor, source)


def test_dates_pipeline_counts_yesterday_from_the_date_line(code) -> None:  # type: ignore[no-untyped-def]
    text = ("Ferry service resumes on the coast\n\nTuesday, June 19, 2018\n\n"
            "Yesterday, the first ferry in a decade sailed from the harbour.")
    doc = code(text, published="2018-06-18")
    got = {t.text: t.value for t in doc.times}
    assert got["Yesterday"] == "2018-06-18"
    assert (doc.published, doc.published_source) == ("2018-06-18", "metadata")  # the given date stays
    assert (doc.meta["anchor"], doc.meta["anchor_source"]) == ("2018-06-19", "dateline")
    alone = code("Yesterday, the first ferry in a decade sailed from the harbour.", published="2018-06-18")
    assert {t.text: t.value for t in alone.times}["Yesterday"] == "2018-06-17"
    assert (alone.meta["anchor"], alone.meta["anchor_source"]) == ("2018-06-18", "published")


def test_dates_a_quoted_today_does_not_become_the_day_in_focus(nlp: Language) -> None:
    text = ("Yesterday, the home side won the opening match.\n\n"
            'After the match, the coach said, "We learned a lot from today\'s game."\n\n'
            "In the last match of the day, the visitors drew.")
    got = _pairs(nlp, text, dt.date(2018, 6, 19))
    assert got["the day"] == "2018-06-18"


def test_dates_a_day_the_month_lacks_is_read_at_its_month_never_invented(nlp: Language, code) -> None:  # type: ignore[no-untyped-def]
    """"Feb 30", "31 April", "February 29, 2023": one expression at its month, low confidence; the
    event is dated to that month, not to the publication day."""
    anchor = dt.date(2024, 6, 10)
    text = "Rebels attacked on Feb 30. Talks ended on 31 April. A vote was held on February 29, 2023."
    got = {t.text: (t.value, t.precision, t.confidence) for t in _times(nlp, text, anchor)}
    assert got == {"Feb 30": ("2024-02", "month", 0.5), "31 April": ("2024-04", "month", 0.5),
                   "February 29, 2023": ("2023-02", "month", 0.5)}
    assert _pairs(nlp, "A vote was held on February 29, 2024.", anchor) == {"February 29, 2024": "2024-02-29"}
    doc = code("Rebels attacked the town on Feb 30, killing five people.", published="2024-06-10")
    [event] = [e for e in doc.events if e.type == "ASSAULT"]
    assert event.date is not None and (event.date.value, event.date.precision) == ("2024-02", "month")
    assert event.date.source != "publication"
