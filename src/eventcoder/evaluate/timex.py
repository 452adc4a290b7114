"""Score the dates stage on open TIMEX data: MEANTIME (CAT XML) and GUM news (TEI ``<date>``).

Both corpora ship tokens, not raw text, so each reader rebuilds a text (tokens joined with light
detokenization) and records gold character spans into it. Scores follow TempEval-3: strict span,
relaxed (overlapping) span, and value F1 over relaxed matches. GUM normalizes dates as calendar
intervals (``from``/``to``), so its value check compares intervals rather than strings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, InputError
from ..ingest.metadata import anchor_date
from ..records import TimeValue
from ..stages.dates import extract_times
from ..stages.linguistic import load_nlp, parse, parse_many

__all__ = [
    "GoldTimex",
    "interval",
    "read_gum",
    "read_meantime",
    "read_recognizers",
    "recall_by_type",
    "same_recognizers",
    "score_all",
    "score_gum",
    "score_meantime",
    "score_recognizers",
    "score_spans",
    "split_range",
    "timex_errors",
]

_NO_SPACE_BEFORE = re.compile(r"^(?:[,.;:!?)\]}%]|'s|'S|n't|'re|'ve|'ll|'d|'m|''|’s)$")
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "``", "#"})


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    value: str
    type: str = "DATE"


@dataclass
class _Builder:
    """Join tokens into text, remembering where each token landed."""

    parts: list[str]
    length: int = 0
    prev: str = ""

    def add(self, token: str) -> tuple[int, int]:
        if (
            self.parts
            and not self.parts[-1].endswith("\n")
            and not _NO_SPACE_BEFORE.match(token)
            and self.prev not in _NO_SPACE_AFTER
        ):
            self.parts.append(" ")
            self.length += 1
        start = self.length
        self.parts.append(token)
        self.length += len(token)
        self.prev = token
        return start, self.length

    def newline(self, n: int = 1) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n" * n)
            self.length += n

    @property
    def text(self) -> str:
        return "".join(self.parts)


MEANTIME_LAST_ANNOTATED_SENTENCE = 5


def meantime_tokens(root: ET.Element) -> tuple[_Builder, dict[str, tuple[int, int]], int]:
    """The annotated text of a MEANTIME document rebuilt from its tokens: the builder, token id ->
    character span, and the end of the title/dateline lines (sentences 0-1)."""
    b = _Builder([])
    spans: dict[str, tuple[int, int]] = {}
    sentence = None
    dateline_end = 0
    for tok in root.iter("token"):
        sent = tok.get("sentence")
        if sent is not None and sent.isdigit() and int(sent) > MEANTIME_LAST_ANNOTATED_SENTENCE:
            break
        if sent in ("0", "1"):
            dateline_end = b.length + 1 + len(tok.text or "")
        if sentence is not None and sent != sentence:
            b.newline(2 if sentence in ("0", "1") else 1)
        sentence = sent
        spans[tok.get("t_id", "")] = b.add(tok.text or "")
    return b, spans, dateline_end


def read_meantime(path: Path) -> tuple[str, dt.date | None, list[GoldTimex]]:
    """Text, creation date (DCT) and TIMEX3 gold of one MEANTIME document.

    The DCT's own mention comes back with type "DCT" so that scoring can ignore predictions on it.
    Two files have no CREATION_TIME markable: their dateline (sentence 1) is annotated as an
    ordinary TIMEX3 that the relative expressions are anchored to (``anchorTimeID``), so its value
    is the anchor and the mention stays gold. One CREATION_TIME value is not ISO ("03-02-2009");
    its own words ("February 03, 2009") settle the day/month order.
    MEANTIME annotated only the title and the first five sentences of each article (every TIMEX3
    of the corpus lies in sentences 0-5), so the text stops there: scoring the unannotated rest
    would count every correct expression in it as a false positive.
    """
    root = ET.parse(path).getroot()
    b, spans, dateline_end = meantime_tokens(root)
    gold: list[GoldTimex] = []
    dct: dt.date | None = None
    markables = root.find("Markables")
    for tx in markables.iter("TIMEX3") if markables is not None else []:
        ids = [a.get("t_id", "") for a in tx.iter("token_anchor")]
        value = tx.get("value", "")
        kind = tx.get("type", "DATE")
        pos = [spans[i] for i in ids if i in spans]
        if tx.get("functionInDocument") == "CREATION_TIME":
            dct = _meantime_dct(value, b.text[pos[0][0] : pos[-1][1]] if pos else "")
            kind = "DCT"
        if not ids or not value:
            continue
        if pos:
            gold.append(GoldTimex(min(p[0] for p in pos), max(p[1] for p in pos), value, kind))
    if dct is None:  # no CREATION_TIME markable: the dateline (sentence 1) is the anchor
        dct = next(
            (
                d
                for g in sorted(gold, key=lambda g: g.start)
                if g.start < dateline_end and (d := _meantime_dct(g.value, "")) is not None
            ),
            None,
        )
    return b.text, dct, gold


def _meantime_dct(value: str, words: str) -> dt.date | None:
    """The creation date from a CREATION_TIME value; a non-ISO value ("03-02-2009") is read with
    the day/month order its own words give ("February 03 , 2009")."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    m = re.fullmatch(r"(\d\d)-(\d\d)-(\d{4})", value)
    mon = re.search(r"[A-Za-z]+", words)
    if m is None or mon is None or mon.group(0).lower()[:3] not in _MONTH3:
        return None
    month = _MONTH3.index(mon.group(0).lower()[:3]) + 1
    a, b, y = int(m[1]), int(m[2]), int(m[3])
    day = b if a == month else a if b == month else None
    try:
        return dt.date(y, month, day) if day is not None else None
    except ValueError:
        return None


_MONTH3 = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def read_gum(path: Path) -> tuple[str, dt.date | None, list[GoldTimex]]:
    """Text, dateCreated and ``<date>`` gold (value "from/to" as a day interval) of one GUM xml file."""
    b = _Builder([])
    gold: list[GoldTimex] = []
    open_dates: list[tuple[int, str]] = []  # (index of the date's first token, value)
    starts: list[int] = []  # where each token landed
    anchor: dt.date | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("<text "):
            m = re.search(r'dateCreated="(\d{4}-\d\d-\d\d)"', line)
            anchor = dt.date.fromisoformat(m.group(1)) if m else None
        elif line.startswith(("<p", "<head", "</p", "</head", "<list", "</list", "<item", "</item")):
            b.newline(2)
        elif line.startswith("<date"):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', line))
            lo = attrs.get("when") or attrs.get("from") or attrs.get("notBefore") or ""
            hi = attrs.get("when") or attrs.get("to") or attrs.get("notAfter") or ""
            open_dates.append((len(starts), f"{lo}/{hi}"))
        elif line.startswith("</date"):
            if open_dates:
                first, value = open_dates.pop()
                # the first token's own start: no space is added after "(" or before ")" and the like
                start = starts[first] if first < len(starts) else b.length
                gold.append(GoldTimex(start, b.length, value))
        elif line.startswith("<") and not line.startswith("<\t"):
            continue
        elif line:
            starts.append(b.add(line.split("\t", 1)[0])[0])
    return b.text, anchor, gold


def interval(value: str) -> tuple[dt.date, dt.date] | None:
    """The calendar days a TIMEX3 value (or "A/B" range) covers; None when it names no interval."""
    if "/" in value:
        lo_s, _, hi_s = value.partition("/")
        first = interval(lo_s) if lo_s else None
        last = interval(hi_s) if hi_s else None
        if first is None or last is None:
            return first or last
        return first[0], last[1]
    v = value.split("T", 1)[0]
    try:
        if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", v):
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := re.fullmatch(r"(\d{4})-(\d\d)", v):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if m := re.fullmatch(r"(\d{4})", v):
            return dt.date(int(v), 1, 1), dt.date(int(v), 12, 31)
        if m := re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", v):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3]:
                return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
            return monday, monday + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", v):
            y, q = int(m[1]), int(m[2])
            return dt.date(y, 3 * q - 2, 1), dt.date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", v):  # meteorological seasons
            lo = dt.date(int(m[1]), {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[m[2]], 1)
            hi = dt.date(lo.year + (lo.month + 3 > 12), (lo.month + 2) % 12 + 1, 1) - dt.timedelta(days=1)
            return lo, hi
        if m := re.fullmatch(r"(\d{2})", v):
            return dt.date(max(int(v) * 100, 1), 1, 1), dt.date(int(v) * 100 + 99, 12, 31)
        if m := re.fullmatch(r"(\d{3})X?", v):
            return dt.date(int(m[1]) * 10, 1, 1), dt.date(int(m[1]) * 10 + 9, 12, 31)
    except ValueError:
        return None
    return None


def score_spans(
    pairs: Iterable[tuple[list[GoldTimex], list[GoldTimex]]], same: Callable[[str, str], bool]
) -> dict[str, Any]:
    """TempEval-3 style P/R/F1: strict span, relaxed span, and value (on relaxed matches).

    Matching is one-to-one. Exact-span pairs are fixed first, then each remaining gold takes the
    unused prediction it overlaps most, so the pairing does not depend on the order of the gold file
    (MEANTIME lists the duration "from 2009 to 2011" before its nested dates "2009" and "2011"; a
    first-come pairing gave the prediction "2009" to the duration and left the date unmatched).
    """
    n_pred = n_gold = strict = relaxed = value_ok = 0
    for gold, pred in pairs:
        n_pred += len(pred)
        n_gold += len(gold)
        match = _pair(gold, pred)
        for k, i in match.items():
            g, p = gold[k], pred[i]
            relaxed += 1
            strict += (p.start, p.end) == (g.start, g.end)
            value_ok += same(p.value, g.value)

    def prf(hits: int) -> dict[str, float]:
        p = hits / n_pred if n_pred else 0.0
        r = hits / n_gold if n_gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}

    return {
        "gold": n_gold,
        "predicted": n_pred,
        "strict": prf(strict),
        "relaxed": prf(relaxed),
        "value": prf(value_ok),
    }


def recall_by_type(
    pairs: Iterable[tuple[list[GoldTimex], list[GoldTimex]]], same: Callable[[str, str], bool]
) -> dict[str, dict[str, float]]:
    """Per gold TIMEX3 type (most frequent first): strict, relaxed and value recall under the
    pairing of ``score_spans``, and value accuracy on the relaxed matches."""
    counts: dict[str, list[int]] = {}
    for gold, pred in pairs:
        match = _pair(gold, pred)
        for k, g in enumerate(gold):
            c = counts.setdefault(g.type, [0, 0, 0, 0])
            c[0] += 1
            if k in match:
                p = pred[match[k]]
                c[1] += 1
                c[2] += (p.start, p.end) == (g.start, g.end)
                c[3] += same(p.value, g.value)
    return {
        kind: {
            "gold": n,
            "strict_recall": round(s / n, 4),
            "relaxed_recall": round(r / n, 4),
            "value_recall": round(v / n, 4),
            "value_accuracy": round(v / r, 4) if r else 0.0,
        }
        for kind, (n, r, s, v) in sorted(counts.items(), key=lambda kv: -kv[1][0])
    }


def _pair(gold: list[GoldTimex], pred: list[GoldTimex]) -> dict[int, int]:
    """One-to-one pairing of gold index -> prediction index (see ``score_spans``)."""
    match: dict[int, int] = {}
    exact = {(p.start, p.end): i for i, p in reversed(list(enumerate(pred)))}
    for k, g in enumerate(gold):
        i = exact.get((g.start, g.end))
        if i is not None and i not in match.values():
            match[k] = i
    for k, g in enumerate(gold):
        if k in match:
            continue
        free = [
            (min(p.end, g.end) - max(p.start, g.start), -i)
            for i, p in enumerate(pred)
            if i not in match.values() and p.end > g.start and p.start < g.end
        ]
        if free:
            match[k] = -max(free)[1]
    return match


def _run(
    files: list[Path],
    reader: Callable[[Path], tuple[str, dt.date | None, list[GoldTimex]]],
    same: Callable[[str, str], bool],
    what: str,
    keep: Callable[[TimeValue], bool] = lambda t: True,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    if not files:
        raise InputError(Errors.EC022, what=what)
    nlp = load_nlp()
    pairs = []
    t_parse = t_times = 0.0
    for path in files:
        text, dct, gold = reader(path)
        # as the pipeline would anchor it given the DCT as ``published``: the text's own date line
        # when it lies within ANCHOR_DAYS of it (``ingest.metadata.anchor_date``)
        own, _ = anchor_date(text, dct.isoformat() if dct else None)
        anchor = dt.date.fromisoformat(own) if own else None
        t0 = time.perf_counter()
        doc = parse(nlp, text)
        t1 = time.perf_counter()
        times = extract_times(doc, anchor)
        t_times += time.perf_counter() - t1
        t_parse += t1 - t0
        # the document creation time is metadata, not a mention to find: ignore predictions on it
        dcts = [g for g in gold if g.type == "DCT"]
        pred = [
            p
            for t in times
            if keep(t)
            for p in split_range(t)
            if not any(p.start < g.end and g.start < p.end for g in dcts)
        ]
        pairs.append(([g for g in gold if g.type != "DCT"], pred))
        if errors is not None:
            errors.extend(_errors(path.name, text, *pairs[-1], same))
    out = score_spans(pairs, same)
    out.update(
        documents=len(files),
        parse_seconds=round(t_parse, 3),
        times_seconds=round(t_times, 3),
        overhead=round(t_times / t_parse, 4) if t_parse else 0.0,
    )
    return out


def _errors(
    name: str, text: str, gold: list[GoldTimex], pred: list[GoldTimex], same: Callable[[str, str], bool]
) -> list[dict[str, Any]]:
    """The misses of one document, as ``score_spans`` pairs them: ``missed`` (gold without a
    prediction), ``spurious`` (prediction without gold), ``span`` (overlap but not the same extent;
    with ``value`` too when the values differ) and ``value`` (same extent, other value)."""

    def show(s: int, e: int) -> str:
        return (text[max(0, s - 50) : s] + "[[" + text[s:e] + "]]" + text[e : e + 50]).replace("\n", " | ")

    out: list[dict[str, Any]] = []
    match = _pair(gold, pred)
    for k, g in enumerate(gold):
        p = pred[match[k]] if k in match else None
        kinds = [] if p is None else ["span"] * ((p.start, p.end) != (g.start, g.end))
        kinds += [] if p is None else ["value"] * (not same(p.value, g.value))
        if p is None or kinds:
            s, e = (g.start, g.end) if p is None else (min(g.start, p.start), max(g.end, p.end))
            out.append({
                "doc": name, "kind": "+".join(kinds) or "missed", "gold": text[g.start : g.end],
                "gold_value": g.value, "predicted": None if p is None else text[p.start : p.end],
                "predicted_value": None if p is None else p.value, "context": show(s, e),
            })
    used = set(match.values())
    for i, p in enumerate(pred):
        if i not in used:
            out.append({
                "doc": name, "kind": "spurious", "gold": None, "gold_value": None,
                "predicted": text[p.start : p.end], "predicted_value": p.value,
                "context": show(p.start, p.end),
            })
    return out


_RANGE_WORD = re.compile(r"\s+(?:to|until|till|through|thru|and)\s+", re.I)
_RANGE_DASH = re.compile(r"(?<=[\d\s.])\s*[-–—]\s*(?=\w)")


def split_range(t: TimeValue) -> list[GoldTimex]:
    """A prediction as TIMEX3 mentions: a range ("from A to B", value "A/B") becomes its two ends.

    TIMEX3 has no interval value; TimeML (and so MEANTIME, GUM and TempEval-3) annotates each end of
    "from 2009 to 2011" or "November 20 - December 11" as its own TIMEX3. The stage keeps one range
    record (begin/finish) because events are dated by the whole interval; scoring splits it at the
    connective, the first end on the left and the second on the right.
    """
    if t.precision != "range" or not t.begin or not t.finish:
        return [GoldTimex(t.start, t.end, t.value, t.type)]
    m = _RANGE_WORD.search(t.text) or _RANGE_DASH.search(t.text)
    if m is None or m.start() == 0 or m.end() >= len(t.text):
        return [GoldTimex(t.start, t.end, t.value, t.type)]
    return [
        GoldTimex(t.start, t.start + m.start(), t.begin, t.type),
        GoldTimex(t.start + m.end(), t.end, t.finish, t.type),
    ]


def _same_meantime(pred: str, gold: str) -> bool:
    return pred.rstrip("Z") == gold.rstrip("Z")


def _same_interval(pred: str, gold: str) -> bool:
    a = interval(pred)
    return a is not None and a == interval(gold)


def score_meantime(data_dir: Path, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Score on MEANTIME English (``data_dir`` = the meantime folder or the data root); each miss
    is appended to ``errors`` when given (see ``timex_errors``)."""
    base = data_dir / "meantime" if (data_dir / "meantime").is_dir() else data_dir
    files = sorted(base.glob("intra_cross-doc_annotation/*/*.xml")) or sorted(base.glob("**/*.xml"))
    return _run(files, read_meantime, _same_meantime, str(base), errors=errors)


def score_gum(data_dir: Path, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Score on GUM news ``<date>`` tags (``data_dir`` = gum_news folder or the data root); each
    miss is appended to ``errors`` when given (see ``timex_errors``)."""
    base = data_dir / "gum_news" if (data_dir / "gum_news").is_dir() else data_dir
    files = sorted((base / "xml").glob("GUM_news_*.xml"))
    # GUM tags calendar dates only: durations, sets and vague references are not its targets
    return _run(
        files,
        read_gum,
        _same_interval,
        str(base / "xml"),
        keep=lambda t: t.type in ("DATE", "TIME") and not t.value.endswith("_REF"),
        errors=errors,
    )


def timex_errors(data_dir: Path, name: str) -> list[dict[str, Any]]:
    """Every miss of the ``meantime`` or ``gum`` set, for error analysis by phenomenon: one dict per
    miss (doc, kind, gold and predicted text and value, context with the mention in [[...]]).
    The scores are the same as ``score_meantime``/``score_gum``; nothing here changes them."""
    scorers: dict[str, Callable[..., dict[str, Any]]] = {"meantime": score_meantime, "gum": score_gum}
    if name not in scorers:
        raise InputError(Errors.EC022, what=f"timex set {name!r} (meantime or gum)")
    errors: list[dict[str, Any]] = []
    scorers[name](data_dir, errors=errors)
    return errors


# ----------------------------------------------------------------- Microsoft Recognizers-Text

RECOGNIZERS_FILE = "DateTimeModel.json"
RECOGNIZERS_DIR = "ms_recognizers_text_specs"
_ALT = "|"  # separates a Recognizers gold mention's acceptable values (never inside a TIMEX3 value)
_PERIOD = re.compile(r"\(([^,()]+),([^,()]+),[^,()]*\)")
_CLOCK = re.compile(r"(?P<head>(?:^|.*?)T\d\d)(?::(?P<mm>\d\d))?(?::(?P<ss>\d\d(?:\.\d+)?))?")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _canon(value: str) -> str:
    """A TIMEX3 value (or "A/B" range) with zero minutes/seconds dropped and "Z" stripped at each end:
    "2016-11-07T15:00" -> "2016-11-07T15", "T19:56:30" stays, "2022-04-23 14:55:00" -> "2022-04-23T14:55"."""
    ends = []
    for part in value.split("/"):
        part = part.strip().rstrip("Z")
        if _DAY.match(part):
            part = part.replace(" ", "T", 1)
        m = _CLOCK.fullmatch(part)
        if m is not None:
            mm, ss = m["mm"] or "00", m["ss"] or "00"
            part = (
                m["head"]
                + (f":{mm}" if (mm, ss) != ("00", "00") else "")
                + (f":{ss}" if ss.strip("0.") else "")
            )
        ends.append(part)
    return "/".join(ends)


def _clock(value: str) -> str | None:
    """A resolved clock time ("14:00:00") as a date-less TIMEX3 time ("T14")."""
    return _canon(f"T{value}") if re.fullmatch(r"\d\d:\d\d(?::\d\d)?", value) else None


def _bound(value: str) -> str | None:
    """A Recognizers period bound as TIMEX3: "2016-11-08" stays, "2016-11-05 06:00:00" ->
    "2016-11-05T06", "08:00:00" -> "T08"; None when it is not a time."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return value
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?", value):
        return _canon(value)
    return _clock(value)


def _recognizers_values(resolution: dict[str, Any]) -> list[str]:
    """The TIMEX3 strings a Recognizers result accepts (see ``score_recognizers`` for the rules)."""
    out: list[str] = []
    for v in resolution.get("values") or []:
        timex = str(v.get("timex") or "")
        if m := _PERIOD.fullmatch(timex):
            out.append(_canon(f"{m[1]}/{m[2]}"))
        elif timex:  # a year-less season is written bare ("SU"); TIMEX3 writes "XXXX-SU"
            out.append(_canon(f"XXXX-{timex}" if timex in ("SP", "SU", "FA", "WI") else timex))
        value = str(v.get("value") or "")
        if v.get("type") in ("date", "datetime") and _DAY.match(value):
            out.append(_canon(value))
        elif v.get("type") == "time" and (c := _clock(value)):
            out.append(c)
        lo, hi = str(v.get("start") or ""), str(v.get("end") or "")
        if lo and hi and (a := _bound(lo)) and (b := _bound(hi)):
            out.append(f"{a}/{b}")
    return list(dict.fromkeys(x for x in out if x and _ALT not in x))


def read_recognizers(path: Path) -> list[tuple[str, dt.date | None, list[GoldTimex]]]:
    """Cases of a Recognizers-Text ``DateTimeModel.json``: (input, reference date, gold mentions).

    A gold mention's span is [Start, End + 1) (Recognizers' End is inclusive), its type the
    TypeName without "datetimeV2." (date, daterange, time, timerange, datetime, datetimerange,
    duration, set, timezone), and its value every acceptable TIMEX3 string joined by "|".
    """
    cases = json.loads(path.read_text(encoding="utf-8-sig"))
    out: list[tuple[str, dt.date | None, list[GoldTimex]]] = []
    for case in cases:
        ref = str((case.get("Context") or {}).get("ReferenceDateTime") or "")
        anchor = dt.date.fromisoformat(ref[:10]) if _DAY.match(ref) else None
        gold = []
        for r in case.get("Results") or []:
            kind = str(r.get("TypeName") or r.get("Typename") or "").removeprefix("datetimeV2.")
            values = _recognizers_values(r.get("Resolution") or {})
            gold.append(GoldTimex(int(r["Start"]), int(r["End"]) + 1, _ALT.join(values), kind))
        out.append((str(case.get("Input") or ""), anchor, gold))
    return out


def same_recognizers(pred: str, gold: str) -> bool:
    """Does our value ``pred`` match a Recognizers gold ("|"-joined accepted values)? The
    normalizations are listed in ``score_recognizers``."""
    ours = _canon(pred)
    clock = re.sub(r"[\dX]{4}-[\dX]{2}-[\dX]{2}(?=T)", "", ours)  # time of day, for date-less gold ("T15")
    days = interval(ours) if "T" not in ours else None
    wants = gold.split(_ALT)
    unresolved = all("X" in w for w in wants)  # "XXXX-SU": Recognizers gives no reading of its year
    for want in wants:
        if ours == want or (want.startswith("T") and clock == want):
            return True
        if unresolved and want.startswith("XXXX-") and re.fullmatch(r"\d{4}" + re.escape(want[4:]), ours):
            return True
        span = interval(want) if days is not None and "T" not in want else None
        if span is not None and (
            days in (span, (span[0], span[1] - dt.timedelta(days=1)))
            or ("/" in ours + want and _first_days(ours) == _first_days(want))
        ):
            return True
    return False


def _first_days(value: str) -> tuple[dt.date | None, ...]:
    """The first day of each end of a range: "2014/2018" -> (2014-01-01, 2018-01-01)."""
    return tuple((iv[0] if (iv := interval(end)) else None) for end in value.split("/", 1))


def _recognizers_path(data_dir: Path) -> Path:
    if data_dir.is_file():
        return data_dir
    if (data_dir / RECOGNIZERS_FILE).is_file():
        return data_dir / RECOGNIZERS_FILE
    return data_dir / RECOGNIZERS_DIR / RECOGNIZERS_FILE


def score_recognizers(data_dir: Path) -> dict[str, Any]:
    """Score on the Microsoft Recognizers-Text English ``DateTimeModel.json`` specs.

    ``data_dir`` is the data root, the ``ms_recognizers_text_specs`` folder or the file. Each Input
    is coded with ``extract_times`` anchored on its ReferenceDateTime's date; every case is kept
    (``NotSupported`` names language ports, not the spec). These are chat-style unit-test sentences,
    not news: the figures are reported, not fitted to. Spans as TempEval-3 (strict, relaxed); our
    ranges stay whole (Recognizers marks "from A to B" as one mention, unlike TimeML).

    A prediction's value matches when, after normalization, it equals one of the gold's accepted
    values. Normalizations:

    - times: zero minutes/seconds are dropped and "Z" stripped on both sides ("T15:00" = "T15"),
      and Recognizers' resolved "2022-04-23 14:55:00" is read as "2022-04-23T14:55";
    - accepted values of a result: each resolution's ``timex``; a period "(A,B,PnD)" as our range
      "A/B"; the resolved ``value`` of a date/datetime (a year-less "XXXX-05-09" lists the past and
      future readings, so our anchored "2018-05-09" can match) or of a time ("14:00:00" -> "T14");
      ``start``/``end`` as the range "start/end"; a bare year-less season "SU" as "XXXX-SU";
    - a date-less gold time ("T15", "T14/T16", "TNI") is compared with our value's time of day only
      (we give a bare clock time the anchor's date, or "XXXX-XX-XX" in a set);
    - when every accepted value keeps X placeholders (Recognizers did not resolve it: "XXXX-SU"),
      any year filling its "XXXX" matches ("2020-SU"); other placeholders must be equal;
    - values without a clock time are also equal when they cover the same calendar days
      (``interval``: our decade "199" = "1990-01-01/1999-12-31"), the gold's last day read as
      inclusive or exclusive: Recognizers' ``end`` is exclusive for a computed period ("2007":
      2007-01-01..2008-01-01; "the next two days" ends the day after) but the written day for
      "Feb 28th to March 1st";
    - a written range's end is the first day of its last unit in Recognizers ("between 2007 and
      2009" -> "(2007-01-01,2009-01-01,P2Y)", "9 to 12 of June" ends 06-12 exclusive), where
      TimeML (and we) cover the whole last unit ("2007/2009"): ranges also match when the first
      days of their two ends agree;
    - mods ("mid", "more", "before") and set frequencies are not compared: only the TIMEX3 value.

    Per-type figures (gold TypeName) give recall and value accuracy on found mentions; precision is
    overall only, as an unmatched prediction has no gold type.
    """
    path = _recognizers_path(data_dir)
    if not path.is_file():
        raise InputError(Errors.EC022, what=str(path))
    cases = read_recognizers(path)
    nlp = load_nlp()
    pairs: list[tuple[list[GoldTimex], list[GoldTimex]]] = []
    t0 = time.perf_counter()
    t_times = 0.0
    for doc, (anchor, gold) in parse_many(nlp, ((text, (anchor, gold)) for text, anchor, gold in cases)):
        t1 = time.perf_counter()
        times = extract_times(doc, anchor)
        t_times += time.perf_counter() - t1
        pairs.append((gold, [GoldTimex(t.start, t.end, t.value, t.type) for t in times]))
    t_total = time.perf_counter() - t0
    out = score_spans(pairs, same_recognizers)
    out["by_type"] = recall_by_type(pairs, same_recognizers)
    out.update(
        documents=len(cases), parse_seconds=round(t_total - t_times, 3), times_seconds=round(t_times, 3)
    )
    return out


def score_all(data_dir: Path) -> dict[str, dict[str, Any] | None]:
    """Every TIMEX set found under the data root ``data_dir``: {"meantime", "gum", "recognizers"},
    each None when its folder is absent (``meantime/``, ``gum_news/``,
    ``ms_recognizers_text_specs/DateTimeModel.json``); EC022 when none is there."""
    found = {
        "meantime": (data_dir / "meantime").is_dir(),
        "gum": (data_dir / "gum_news").is_dir(),
        "recognizers": (data_dir / RECOGNIZERS_DIR / RECOGNIZERS_FILE).is_file(),
    }
    if not any(found.values()):
        raise InputError(Errors.EC022, what=str(data_dir))
    scorers: dict[str, Callable[[Path], dict[str, Any]]] = {
        "meantime": score_meantime,
        "gum": score_gum,
        "recognizers": score_recognizers,
    }
    return {name: scorers[name](data_dir) if ok else None for name, ok in found.items()}


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    import sys

    # python -m eventcoder.evaluate.timex DATA [--errors meantime|gum]: scores, or one set's misses as TSV
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    if "--errors" in sys.argv[2:]:
        keys = ("kind", "doc", "gold", "gold_value", "predicted", "predicted_value", "context")
        for row in timex_errors(root, sys.argv[sys.argv.index("--errors") + 1]):
            print("\t".join(str(row[k]) for k in keys))
    else:
        print(json.dumps(score_all(root), indent=1))
