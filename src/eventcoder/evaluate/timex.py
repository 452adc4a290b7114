"""Score the dates stage on open TIMEX data: MEANTIME (CAT XML) and GUM news (TEI ``<date>``).

Both corpora ship tokens, not raw text, so each reader rebuilds a text (tokens joined with light
detokenization) and records gold character spans into it. Scores follow TempEval-3: strict span,
relaxed (overlapping) span, and value F1 over relaxed matches. GUM normalizes dates as calendar
intervals (``from``/``to``), so its value check compares intervals rather than strings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, InputError
from ..records import TimeValue
from ..stages.dates import extract_times
from ..stages.linguistic import load_nlp, parse

__all__ = ["GoldTimex", "interval", "read_gum", "read_meantime", "score_gum", "score_meantime", "score_spans",
           "split_range"]

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
        if self.parts and not self.parts[-1].endswith("\n") and not _NO_SPACE_BEFORE.match(token) \
                and self.prev not in _NO_SPACE_AFTER:
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
    gold: list[GoldTimex] = []
    dct: dt.date | None = None
    markables = root.find("Markables")
    for tx in markables.iter("TIMEX3") if markables is not None else []:
        ids = [a.get("t_id", "") for a in tx.iter("token_anchor")]
        value = tx.get("value", "")
        kind = tx.get("type", "DATE")
        pos = [spans[i] for i in ids if i in spans]
        if tx.get("functionInDocument") == "CREATION_TIME":
            dct = _meantime_dct(value, b.text[pos[0][0]:pos[-1][1]] if pos else "")
            kind = "DCT"
        if not ids or not value:
            continue
        if pos:
            gold.append(GoldTimex(min(p[0] for p in pos), max(p[1] for p in pos), value, kind))
    if dct is None:  # no CREATION_TIME markable: the dateline (sentence 1) is the anchor
        dct = next((d for g in sorted(gold, key=lambda g: g.start) if g.start < dateline_end
                    and (d := _meantime_dct(g.value, "")) is not None), None)
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
    open_dates: list[tuple[int, str]] = []
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
            space = 1 if b.parts and not b.parts[-1].endswith("\n") else 0
            open_dates.append((b.length + space, f"{lo}/{hi}"))
        elif line.startswith("</date"):
            if open_dates:
                start, value = open_dates.pop()
                gold.append(GoldTimex(start, b.length, value))
        elif line.startswith("<") and not line.startswith("<\t"):
            continue
        elif line:
            b.add(line.split("\t", 1)[0])
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


def score_spans(pairs: Iterable[tuple[list[GoldTimex], list[GoldTimex]]],
                same: Callable[[str, str], bool]) -> dict[str, Any]:
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
        match: dict[int, int] = {}
        exact = {(p.start, p.end): i for i, p in reversed(list(enumerate(pred)))}
        for k, g in enumerate(gold):
            i = exact.get((g.start, g.end))
            if i is not None and i not in match.values():
                match[k] = i
        for k, g in enumerate(gold):
            if k in match:
                continue
            free = [(min(p.end, g.end) - max(p.start, g.start), -i) for i, p in enumerate(pred)
                    if i not in match.values() and p.end > g.start and p.start < g.end]
            if free:
                match[k] = -max(free)[1]
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

    return {"gold": n_gold, "predicted": n_pred, "strict": prf(strict), "relaxed": prf(relaxed),
            "value": prf(value_ok)}


def _run(files: list[Path], reader: Callable[[Path], tuple[str, dt.date | None, list[GoldTimex]]],
         same: Callable[[str, str], bool], what: str,
         keep: Callable[[TimeValue], bool] = lambda t: True) -> dict[str, Any]:
    if not files:
        raise InputError(Errors.EC022, what=what)
    nlp = load_nlp()
    pairs = []
    t_parse = t_times = 0.0
    for path in files:
        text, anchor, gold = reader(path)
        t0 = time.perf_counter()
        doc = parse(nlp, text)
        t1 = time.perf_counter()
        times = extract_times(doc, anchor)
        t_times += time.perf_counter() - t1
        t_parse += t1 - t0
        # the document creation time is metadata, not a mention to find: ignore predictions on it
        dcts = [g for g in gold if g.type == "DCT"]
        pred = [p for t in times if keep(t) for p in split_range(t)
                if not any(p.start < g.end and g.start < p.end for g in dcts)]
        pairs.append(([g for g in gold if g.type != "DCT"], pred))
    out = score_spans(pairs, same)
    out.update(documents=len(files), parse_seconds=round(t_parse, 3), times_seconds=round(t_times, 3),
               overhead=round(t_times / t_parse, 4) if t_parse else 0.0)
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
    return [GoldTimex(t.start, t.start + m.start(), t.begin, t.type),
            GoldTimex(t.start + m.end(), t.end, t.finish, t.type)]


def _same_meantime(pred: str, gold: str) -> bool:
    return pred.rstrip("Z") == gold.rstrip("Z")


def _same_interval(pred: str, gold: str) -> bool:
    a = interval(pred)
    return a is not None and a == interval(gold)


def score_meantime(data_dir: Path) -> dict[str, Any]:
    """Score on MEANTIME English (``data_dir`` = the meantime folder or the data root)."""
    base = data_dir / "meantime" if (data_dir / "meantime").is_dir() else data_dir
    files = sorted(base.glob("intra_cross-doc_annotation/*/*.xml")) or sorted(base.glob("**/*.xml"))
    return _run(files, read_meantime, _same_meantime, str(base))


def score_gum(data_dir: Path) -> dict[str, Any]:
    """Score on GUM news ``<date>`` tags (``data_dir`` = gum_news folder or the data root)."""
    base = data_dir / "gum_news" if (data_dir / "gum_news").is_dir() else data_dir
    files = sorted((base / "xml").glob("GUM_news_*.xml"))
    # GUM tags calendar dates only: durations, sets and vague references are not its targets
    return _run(files, read_gum, _same_interval, str(base / "xml"),
                keep=lambda t: t.type in ("DATE", "TIME") and not t.value.endswith("_REF"))


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    import json
    import sys

    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    print(json.dumps({"meantime": score_meantime(root), "gum": score_gum(root)}, indent=1))
