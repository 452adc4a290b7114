"""TIMEX evaluation adapters: interval arithmetic, TempEval-style scoring and the corpus readers."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from eventcoder.errors import InputError
from eventcoder.evaluate.timex import (
    GoldTimex,
    interval,
    read_gum,
    read_meantime,
    read_recognizers,
    same_recognizers,
    score_all,
    score_gum,
    score_meantime,
    score_recognizers,
    score_spans,
    split_range,
    timex_errors,
)
from eventcoder.records import TimeValue

DATA = Path(os.environ.get("EVENTCODER_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))


@pytest.mark.parametrize(("value", "lo", "hi"), [
    ("2020-09-27", "2020-09-27", "2020-09-27"),
    ("2020-02", "2020-02-01", "2020-02-29"),
    ("2019", "2019-01-01", "2019-12-31"),
    ("2021-W09", "2021-03-01", "2021-03-07"),
    ("2021-W09-WE", "2021-03-06", "2021-03-07"),
    ("2021-Q3", "2021-07-01", "2021-09-30"),
    ("199X", "1990-01-01", "1999-12-31"),
    ("2020-09/2020-11", "2020-09-01", "2020-11-30"),
    ("2015-09-21T15:00", "2015-09-21", "2015-09-21"),
])
def test_eval_timex_interval_covers_calendar_days(value: str, lo: str, hi: str) -> None:
    assert interval(value) == (dt.date.fromisoformat(lo), dt.date.fromisoformat(hi))


@pytest.mark.parametrize("value", ["P1M", "PRESENT_REF", "XXXX-09-27", "2020-13"])
def test_eval_timex_interval_none_for_non_calendar_values(value: str) -> None:
    assert interval(value) is None


def test_eval_timex_score_spans_strict_relaxed_value() -> None:
    gold = [GoldTimex(0, 10, "2020"), GoldTimex(20, 30, "2021-01"), GoldTimex(40, 45, "P1D")]
    pred = [GoldTimex(0, 10, "2020"), GoldTimex(22, 30, "2021-02"), GoldTimex(50, 55, "2022")]
    out = score_spans([(gold, pred)], lambda p, g: p == g)
    assert out["strict"]["precision"] == pytest.approx(1 / 3, abs=1e-3)
    assert out["relaxed"]["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert out["value"]["f1"] == pytest.approx(1 / 3, abs=1e-3)


def test_eval_timex_read_gum_spans_slice_to_dates(tmp_path: Path) -> None:
    xml = ('<text id="t" dateCreated="2020-05-04">\n<p>\n<s>\nTalks\tNNS\n'
           '<date when="2020-05-01">\nFriday\tNP\n</date>\nended\tVBD\n.\t.\n</s>\n</p>\n</text>\n')
    path = tmp_path / "GUM_news_x.xml"
    path.write_text(xml, encoding="utf-8")
    text, anchor, gold = read_gum(path)
    assert anchor == dt.date(2020, 5, 4)
    assert [text[g.start:g.end] for g in gold] == ["Friday"]
    assert text.strip() == "Talks Friday ended."


def test_eval_timex_read_meantime_marks_dct(tmp_path: Path) -> None:
    xml = ('<Document doc_id="1"><token t_id="1" sentence="0">Title</token>'
           '<token t_id="2" sentence="1">May</token><token t_id="3" sentence="1">4</token>'
           '<token t_id="4" sentence="2">It</token><token t_id="5" sentence="2">fell</token>'
           '<token t_id="6" sentence="2">Friday</token><Markables>'
           '<TIMEX3 m_id="1" functionInDocument="CREATION_TIME" type="DATE" value="2020-05-04">'
           '<token_anchor t_id="2"/><token_anchor t_id="3"/></TIMEX3>'
           '<TIMEX3 m_id="2" functionInDocument="NONE" type="DATE" value="2020-05-01">'
           '<token_anchor t_id="6"/></TIMEX3></Markables></Document>')
    path = tmp_path / "doc.xml"
    path.write_text(xml, encoding="utf-8")
    text, anchor, gold = read_meantime(path)
    assert anchor == dt.date(2020, 5, 4)
    assert {(text[g.start:g.end], g.type) for g in gold} == {("May 4", "DCT"), ("Friday", "DATE")}


@pytest.mark.data
@pytest.mark.slow
def test_eval_timex_gum_value_floor() -> None:
    if not (DATA / "gum_news" / "xml").is_dir():
        pytest.skip("GUM news data not available (set EVENTCODER_DATA)")
    out = score_gum(DATA)
    assert out["documents"] == 24
    # measured 2026-12-06 (issue 13, second pass): strict 0.8698, relaxed 0.9323, value 0.8906
    # (first pass 0.8668 / 0.9295 / 0.8877; before issue 13 0.843 / 0.915 / 0.874)
    assert out["strict"]["f1"] >= 0.865
    assert out["relaxed"]["f1"] >= 0.93
    assert out["value"]["f1"] >= 0.885


@pytest.mark.data
@pytest.mark.slow
def test_eval_timex_meantime_value_floor() -> None:
    if not (DATA / "meantime").is_dir():
        pytest.skip("MEANTIME data not available (set EVENTCODER_DATA)")
    out = score_meantime(DATA)
    assert out["documents"] == 120 and out["gold"] == 370
    # measured 2026-12-06 (issue 13, second pass): strict 0.9061, relaxed 0.9392, value 0.8619
    # (first pass 0.9003 / 0.9363 / 0.8587; before issue 13 0.862 / 0.932 / 0.851)
    assert out["strict"]["f1"] >= 0.9
    assert out["relaxed"]["f1"] >= 0.935
    assert out["value"]["f1"] >= 0.86


def test_eval_timex_read_meantime_stops_after_annotated_sentences(tmp_path: Path) -> None:
    tokens = "".join(f'<token t_id="{i}" sentence="{i}">w{i}</token>' for i in range(9))
    path = tmp_path / "doc.xml"
    path.write_text(f'<Document doc_id="1">{tokens}<Markables/></Document>', encoding="utf-8")
    text, _, _ = read_meantime(path)
    assert "w5" in text and "w6" not in text


@pytest.mark.parametrize(("text", "ends"), [
    ("November 20 to December 11", [("November 20", "2015-11-20"), ("December 11", "2015-12-11")]),
    ("2014 and 2016", [("2014", "2014"), ("2016", "2016")]),
    ("January 23 - March 9 2014", [("January 23", "2014-01-23"), ("March 9 2014", "2014-03-09")]),
    ("mid-2011 to 2012", [("mid-2011", "2011"), ("2012", "2012")]),
])
def test_eval_timex_split_range_scores_each_end(text: str, ends: list[tuple[str, str]]) -> None:
    begin, finish = ends[0][1], ends[1][1]
    t = TimeValue(10, 10 + len(text), text, "DATE", f"{begin}/{finish}", "range", begin=begin, finish=finish)
    got = split_range(t)
    assert [(text[g.start - 10:g.end - 10], g.value) for g in got] == ends


def test_eval_timex_split_range_keeps_points() -> None:
    t = TimeValue(0, 4, "2014", "DATE", "2014", "year")
    assert split_range(t) == [GoldTimex(0, 4, "2014", "DATE")]


def _meantime_doc(tmp_path: Path, dct_attrs: str) -> Path:
    xml = ('<Document doc_id="1"><token t_id="1" sentence="0">Title</token>'
           '<token t_id="2" sentence="1">February</token><token t_id="3" sentence="1">03</token>'
           '<token t_id="4" sentence="1">,</token><token t_id="5" sentence="1">2009</token>'
           '<token t_id="6" sentence="2">Sales</token><token t_id="7" sentence="2">fell</token>'
           f'<Markables><TIMEX3 m_id="1" {dct_attrs}>'
           '<token_anchor t_id="2"/><token_anchor t_id="3"/><token_anchor t_id="4"/><token_anchor t_id="5"/>'
           '</TIMEX3></Markables></Document>')
    path = tmp_path / "doc.xml"
    path.write_text(xml, encoding="utf-8")
    return path


def test_eval_timex_meantime_non_iso_dct_read_with_its_words(tmp_path: Path) -> None:
    path = _meantime_doc(tmp_path, 'functionInDocument="CREATION_TIME" type="DATE" value="03-02-2009"')
    _, anchor, gold = read_meantime(path)
    assert anchor == dt.date(2009, 2, 3)
    assert [g.type for g in gold] == ["DCT"]


def test_eval_timex_meantime_without_creation_time_anchors_on_dateline(tmp_path: Path) -> None:
    path = _meantime_doc(tmp_path, 'functionInDocument="NONE" type="DATE" value="2009-02-03"')
    text, anchor, gold = read_meantime(path)
    assert anchor == dt.date(2009, 2, 3)
    assert [(text[g.start:g.end], g.type) for g in gold] == [("February 03, 2009", "DATE")]


def test_eval_timex_score_spans_matching_ignores_gold_order() -> None:
    # a range duration listed before its nested dates must not take the date's prediction
    gold = [GoldTimex(0, 17, "P2Y", "DURATION"), GoldTimex(5, 9, "2009"), GoldTimex(13, 17, "2011")]
    pred = [GoldTimex(5, 9, "2009"), GoldTimex(13, 17, "2011")]
    out = score_spans([(gold, pred)], lambda p, g: p == g)
    assert out["value"]["precision"] == 1.0
    assert out["value"]["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert out["strict"]["precision"] == 1.0


# ----------------------------------------------------------------- Recognizers-Text adapter


def _result(text: str, sentence: str, kind: str, values: list[dict[str, str]], key: str = "TypeName") -> dict:
    start = sentence.lower().index(text.lower())
    return {"Text": text.lower(), "Start": start, "End": start + len(text) - 1, key: f"datetimeV2.{kind}",
            "Resolution": {"values": values}}


def _write_recognizers(path: Path, cases: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cases), encoding="utf-8-sig")  # the upstream file starts with a BOM
    return path


def _own_cases() -> list[dict]:
    s1 = "The ferry resumed service on March 3, 2021 after repairs."
    s2 = "Our team stayed for two weeks and left yesterday."
    s3 = "Nothing about time here."
    return [
        {"Input": s1, "Context": {"ReferenceDateTime": "2021-04-10T00:00:00"},
         "Results": [_result("March 3, 2021", s1, "date",
                             [{"timex": "2021-03-03", "type": "date", "value": "2021-03-03"}])]},
        {"Input": s2, "Context": {"ReferenceDateTime": "2022-06-15T09:00:00"}, "NotSupported": "javascript",
         "Results": [_result("two weeks", s2, "duration",
                             [{"timex": "P2W", "type": "duration", "value": "1209600"}]),
                     _result("yesterday", s2, "date", [{"timex": "2022-06-14", "type": "date",
                                                        "value": "2022-06-14"}], key="Typename")]},
        {"Input": s3, "Results": []},
    ]


def test_eval_timex_read_recognizers_spans_types_anchor(tmp_path: Path) -> None:
    cases = read_recognizers(_write_recognizers(tmp_path / "DateTimeModel.json", _own_cases()))
    assert [anchor for _, anchor, _ in cases] == [dt.date(2021, 4, 10), dt.date(2022, 6, 15), None]
    text, _, gold = cases[1]
    # Recognizers' End is inclusive; the misspelt "Typename" key of some upstream cases is read too
    assert [(text[g.start:g.end], g.type, g.value) for g in gold] == [("two weeks", "duration", "P2W"),
                                                                      ("yesterday", "date", "2022-06-14")]
    assert cases[2][2] == []


_OCTOBER_2019 = {"timex": "XXXX-10", "type": "daterange", "start": "2019-10-01", "end": "2019-11-01"}


@pytest.mark.parametrize(("ours", "values", "ok"), [
    ("2019-01-04", [{"timex": "2019-01-04", "type": "date", "value": "2019-01-04"}], True),
    # a year-less date: the anchored reading matches one of the listed past/future values
    ("2018-05-09", [{"timex": "XXXX-05-09", "type": "date", "value": "2017-05-09"},
                    {"timex": "XXXX-05-09", "type": "date", "value": "2018-05-09"}], True),
    ("2016-05-09", [{"timex": "XXXX-05-09", "type": "date", "value": "2017-05-09"},
                    {"timex": "XXXX-05-09", "type": "date", "value": "2018-05-09"}], False),
    # a date-less clock time against our anchored one, zero minutes dropped
    ("2016-11-07T15:00", [{"timex": "T15", "type": "time", "value": "15:00:00"}], True),
    ("2016-11-07T15:30", [{"timex": "T15", "type": "time", "value": "15:00:00"}], False),
    ("2022-04-23T14:55", [{"timex": "2022-04-23T14:55", "type": "datetime",
                           "value": "2022-04-23 14:55:00"}], True),
    # periods: the written ends, the exclusive computed end, the first day of the last unit
    ("2014-11-18/2015-12-19", [{"timex": "(2014-11-18,2015-12-19,P396D)", "type": "daterange",
                                "start": "2014-11-18", "end": "2015-12-19"}], True),
    ("2007", [{"timex": "2007", "type": "daterange", "start": "2007-01-01", "end": "2008-01-01"}], True),
    ("199", [{"timex": "(1990-01-01,2000-01-01,P10Y)", "type": "daterange",
              "start": "1990-01-01", "end": "2000-01-01"}], True),
    ("2019-10", [_OCTOBER_2019], True),
    ("2018-10", [_OCTOBER_2019], False),
    ("2007/2009", [{"timex": "(2007-01-01,2009-01-01,P2Y)", "type": "daterange",
                    "start": "2007-01-01", "end": "2009-01-01"}], True),
    ("2007/2010", [{"timex": "(2007-01-01,2009-01-01,P2Y)", "type": "daterange",
                    "start": "2007-01-01", "end": "2009-01-01"}], False),
    # unresolved year placeholders accept any year; a clock time never matches by calendar days
    ("2020-SU", [{"timex": "SU", "type": "daterange", "value": "not resolved"}], True),
    ("2019-W05-1", [{"timex": "XXXX-WXX-1", "type": "set", "value": "not resolved"}], False),
    ("XXXX-XX-XXTEV", [{"timex": "TEV", "type": "set", "value": "not resolved"}], True),
    ("2016-11-07T06", [{"timex": "2016-11-07T18", "type": "datetime",
                        "value": "2016-11-07 18:00:00"}], False),
    ("PT90M", [{"timex": "PT1.5H", "type": "duration", "value": "5400"}], False),
])
def test_eval_timex_same_recognizers_normalizations(ours: str, values: list[dict[str, str]], ok: bool,
                                                     tmp_path: Path) -> None:
    sentence = "x happened then."
    case = {"Input": sentence, "Context": {"ReferenceDateTime": "2019-07-01T00:00:00"},
            "Results": [_result("then", sentence, "date", values)]}
    [(_, _, [gold])] = read_recognizers(_write_recognizers(tmp_path / "d.json", [case]))
    assert same_recognizers(ours, gold.value) is ok


def test_eval_timex_score_recognizers_own_cases(tmp_path: Path) -> None:
    path = _write_recognizers(tmp_path / "ms_recognizers_text_specs" / "DateTimeModel.json", _own_cases())
    out = score_recognizers(tmp_path)
    assert out["documents"] == 3 and out["gold"] == 3
    assert out["value"]["recall"] == 1.0 and out["strict"]["recall"] == 1.0
    assert out["by_type"]["date"] == {"gold": 2, "strict_recall": 1.0, "relaxed_recall": 1.0,
                                      "value_recall": 1.0, "value_accuracy": 1.0}
    assert score_recognizers(path)["gold"] == 3  # the file itself works as well


def test_eval_timex_score_all_reports_missing_sets_as_none(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        score_all(tmp_path)
    _write_recognizers(tmp_path / "ms_recognizers_text_specs" / "DateTimeModel.json", _own_cases())
    out = score_all(tmp_path)
    assert out["meantime"] is None and out["gum"] is None
    assert out["recognizers"] is not None and out["recognizers"]["gold"] == 3


@pytest.mark.data
def test_eval_timex_recognizers_datetime_model() -> None:
    if not (DATA / "ms_recognizers_text_specs" / "DateTimeModel.json").is_file():
        pytest.skip("Recognizers-Text specs not available (set EVENTCODER_DATA)")
    out = score_recognizers(DATA)
    assert out["documents"] == 985 and out["gold"] == 1047
    assert 0 < out["predicted"] < 2 * out["gold"]
    assert {"date", "daterange", "time", "datetime", "duration", "set"} <= set(out["by_type"])
    assert sum(t["gold"] for t in out["by_type"].values()) == out["gold"]
    # chat-style unit tests, not news: reported, not fitted to (issue 3)
    assert out["relaxed"]["f1"] >= 0.765  # measured 0.7698 (2026-12-06; 0.7646 on 2026-11-26)
    assert out["value"]["f1"] >= 0.37  # measured 0.3764 (2026-12-06; 0.3712 on 2026-11-26)


def test_eval_timex_read_gum_span_after_open_bracket(tmp_path: Path) -> None:
    xml = ('<text id="t" dateCreated="2020-05-04">\n<p>\n<s>\nRain\tNN\n(\t(\n'
           '<date when="2020-05-01">\nMay\tNP\n1\tCD\n</date>\n)\t)\nfell\tVBD\n.\t.\n</s>\n</p>\n</text>\n')
    path = tmp_path / "GUM_news_y.xml"
    path.write_text(xml, encoding="utf-8")
    text, _, gold = read_gum(path)
    assert [text[g.start:g.end] for g in gold] == ["May 1"]


def test_eval_timex_errors_list_misses_by_kind(tmp_path: Path) -> None:
    folder = tmp_path / "gum_news" / "xml"
    folder.mkdir(parents=True)
    xml = ('<text id="t" dateCreated="2020-05-04">\n<p>\n<s>\nTalks\tNNS\nended\tVBD\n'
           '<date when="2020-05-01">\nFriday\tNP\n</date>\n,\t,\nafter\tIN\n'
           '<date when="2020-04-30">\nthe\tDT\nopening\tNN\nnight\tNN\n</date>\n.\t.\n</s>\n</p>\n'
           '<p>\n<s>\nThe\tDT\nclub\tNN\nwas\tVBD\nfounded\tVBN\nin\tIN\n2010\tCD\n.\t.\n</s>\n</p>\n</text>\n')
    (folder / "GUM_news_z.xml").write_text(xml, encoding="utf-8")
    errors = timex_errors(tmp_path, "gum")
    kinds = {(e["kind"], e["gold"] or e["predicted"]) for e in errors}
    assert kinds == {("missed", "the opening night"), ("spurious", "2010")}
    assert all("[[" in e["context"] for e in errors)
    with pytest.raises(InputError):
        timex_errors(tmp_path, "nosuchset")
