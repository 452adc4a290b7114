"""GeoVirus (Gritta et al. 2018) geoparsing scores: toponym recall/precision and acc@161 km.

The corpus's toponyms carry character offsets and Wikipedia coordinates. A gold toponym is
recognized when a predicted place overlaps its span; acc@161 is the share of recognized toponyms
whose predicted point lies within 161 km (100 miles) of the gold point, the customary threshold.
"""

from __future__ import annotations

import itertools
import math
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from ..errors import Errors, InputError
from ..gazetteer import Gazetteer, haversine_km
from ..stages.linguistic import parse_many
from ..stages.places import extract_places

__all__ = ["GeoVirusArticle", "GeoVirusScore", "country_point_report", "log_error_auc", "read_geovirus",
           "score_geovirus"]


@dataclass(frozen=True, slots=True)
class GeoToponym:
    start: int
    end: int
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class GeoVirusArticle:
    source: str
    text: str
    toponyms: tuple[GeoToponym, ...]


@dataclass(frozen=True, slots=True)
class GeoVirusScore:
    articles: int
    gold: int
    predicted: int
    recognized: int  # gold toponyms overlapped by a prediction
    correct_predictions: int  # predictions overlapping some gold toponym
    within_161: int
    median_km: float | None
    mean_km: float | None = None
    auc: float | None = None  # area under the curve of log error (Gritta et al. 2018); lower is better
    by_feature: dict[str, tuple[int, int]] | None = None  # feature -> (recognized, within 161 km)
    # recognized toponyms within 161 km, or resolved to the country / first-level unit that holds
    # the gold point (by the gold point's nearest GeoNames town): right unit, other reference point
    within_unit: int | None = None
    # recognized toponyms resolved beyond 161 km to a town, unit or country that does not hold
    # the gold point: a namesake (regions, whose points differ by convention, are not counted)
    far_namesakes: int | None = None

    @property
    def recall(self) -> float:
        return self.recognized / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct_predictions / self.predicted if self.predicted else 0.0

    @property
    def acc161(self) -> float:
        return self.within_161 / self.recognized if self.recognized else 0.0

    @property
    def recall161(self) -> float:
        """Share of all gold toponyms recognized and resolved within 161 km."""
        return self.within_161 / self.gold if self.gold else 0.0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "articles": self.articles, "gold": self.gold, "predicted": self.predicted,
            "recall": round(self.recall, 3), "precision": round(self.precision, 3),
            "acc161": round(self.acc161, 3), "recall161": round(self.recall161, 3),
            "median_km": self.median_km, "mean_km": self.mean_km, "auc": self.auc}
        if self.within_unit is not None:
            out["acc161_or_unit"] = round(self.within_unit / self.recognized, 3) if self.recognized else 0.0
        if self.far_namesakes is not None:
            out["far_namesakes"] = self.far_namesakes
            share = self.far_namesakes / self.recognized if self.recognized else 0.0
            out["far_namesake_share"] = round(share, 4)
        if self.by_feature:
            feats = sorted(self.by_feature.items())
            out["recognized_by_feature"] = {f: n for f, (n, _) in feats}
            out["acc161_by_feature"] = {f: round(w / n, 3) if n else 0.0 for f, (n, w) in feats}
        return out


_MAX_KM = 20039.0  # half the Earth's circumference: the largest possible error


def log_error_auc(errors: list[float]) -> float:
    """Gritta et al.'s AUC: the area under the sorted curve of ln(1 + error km) / ln(20039),
    over the unit interval of toponyms (0 = every point exact, 1 = every point antipodal)."""
    if not errors:
        return 0.0
    ys = [math.log1p(e) / math.log1p(_MAX_KM) for e in sorted(errors)]
    if len(ys) == 1:
        return round(ys[0], 4)
    area = sum((a + b) / 2 for a, b in itertools.pairwise(ys)) / (len(ys) - 1)
    return round(area, 4)


def _aligned(text: str, name: str, start: int, end: int) -> tuple[int, int]:
    """GeoVirus's offsets are one past the name in the ``<text>`` as read (``text[start-1:end-1]``
    is the name for every one of its 2,170 toponyms): use the span where the name really is, the
    given one, or one character earlier; otherwise keep the given span."""
    for shift in (0, -1, 1):
        if start + shift >= 0 and text[start + shift:end + shift] == name:
            return start + shift, end + shift
    return start, end


def read_geovirus(path: Path) -> Iterator[GeoVirusArticle]:
    """Articles of ``GeoVirus.xml`` with their gold toponyms, spans aligned to the text."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(Errors.EC024, what=path, detail=str(exc)) from exc
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        tops = []
        for loc in art.iter("location"):
            name = loc.findtext("name") or ""
            start, end = _aligned(text, name, int(loc.findtext("start") or 0), int(loc.findtext("end") or 0))
            tops.append(GeoToponym(start, end, name, float(loc.findtext("lat") or 0),
                                   float(loc.findtext("lon") or 0)))
        yield GeoVirusArticle(art.findtext("source") or "", text, tuple(tops))


def score_geovirus(path: Path, nlp: Language, gazetteer: Gazetteer,
                   limit: int | None = None, far: list[dict[str, object]] | None = None,
                   coherence: bool = True) -> GeoVirusScore:
    """Run recognition and resolution over the corpus and compare with the gold toponyms; each
    recognized toponym placed beyond 161 km is appended to ``far`` when given. ``coherence=False``
    is the ablation of the document-coherence resolver."""
    articles = list(read_geovirus(path))[:limit]
    gold = predicted = recognized = correct = within = in_unit = namesakes = 0
    errors: list[float] = []
    by_feature: dict[str, tuple[int, int]] = {}
    holders = _holding_units([(t.lat, t.lon) for a in articles for t in a.toponyms])
    for doc, art in parse_many(nlp, ((a.text, a) for a in articles)):
        places = extract_places(doc, gazetteer, coherence=coherence)
        gold += len(art.toponyms)
        predicted += len(places)
        correct += sum(any(p.start < t.end and t.start < p.end for t in art.toponyms) for p in places)
        for t in art.toponyms:
            hits = [p for p in places if p.start < t.end and t.start < p.end and p.lat is not None]
            if not hits:
                continue
            recognized += 1
            p = hits[0]
            assert p.lat is not None and p.lon is not None
            km = haversine_km(t.lat, t.lon, p.lat, p.lon)
            errors.append(km)
            within += km <= 161
            cc, admin1 = holders.get((t.lat, t.lon), ("", ""))
            right_unit = (p.feature == "country" and p.country == cc) or (
                p.feature == "admin1" and p.country == cc and p.admin1 == admin1)
            in_unit += km <= 161 or right_unit
            namesakes += km > 161 and not right_unit and p.feature != "region"
            if far is not None and km > 161:
                far.append({"gold": t.name, "resolved": p.name, "feature": p.feature, "country": p.country,
                            "km": round(km), "right_unit": right_unit})
            n, w = by_feature.get(p.feature or "unknown", (0, 0))
            by_feature[p.feature or "unknown"] = (n + 1, w + (km <= 161))
    return GeoVirusScore(len(articles), gold, predicted, recognized, correct, within,
                         round(statistics.median(errors), 1) if errors else None,
                         round(statistics.mean(errors), 1) if errors else None,
                         log_error_auc(errors), by_feature, in_unit, namesakes)


def _holding_units(points: list[tuple[float, float]]) -> dict[tuple[float, float], tuple[str, str]]:
    """(lat, lon) -> (ISO2, admin1 name) of the nearest GeoNames town (``reverse_geocoder``'s
    cities1000 rows, whose admin1 names are the gazetteer's)."""
    import reverse_geocoder

    unique = sorted(set(points))
    if not unique:
        return {}
    found = reverse_geocoder.search(unique, mode=1, verbose=False)
    return {pt: (row.get("cc", ""), row.get("admin1", "")) for pt, row in zip(unique, found, strict=True)}


def country_point_report(path: Path) -> dict[str, dict[str, float]]:
    """Error (km) of each way of placing a country, against GeoVirus's country toponyms.

    Reproduces the measurement behind ``gazetteer.COUNTRY_POINT`` (slow: reads cities500).
    """
    import json

    from ..gazetteer import COUNTRY_ALIASES, _gnc_dir, country_points, normalize_name

    with (_gnc_dir() / "cities500.json").open(encoding="utf-8") as fh:
        cities = json.load(fh)
    with (_gnc_dir() / "countries.json").open(encoding="utf-8") as fh:
        countries = json.load(fh)
    points = country_points(cities, countries)
    names = {normalize_name(c["name"]): iso for iso, c in countries.items()}
    for iso, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            names.setdefault(normalize_name(alias), iso)
    refs: dict[str, tuple[float, float]] = {}
    for art in read_geovirus(path):
        for t in art.toponyms:
            code = names.get(normalize_name(t.name))
            if code in points:
                refs.setdefault(code, (t.lat, t.lon))
    report: dict[str, dict[str, float]] = {}
    for method in next(iter(points.values())):
        errs = [haversine_km(*ref, *points[iso][method]) for iso, ref in refs.items()]
        report[method] = {"countries": len(errs), "median_km": round(statistics.median(errs)),
                          "mean_km": round(statistics.mean(errs)),
                          "within_161": round(sum(e <= 161 for e in errs) / len(errs), 3)}
    return report


def admin1_point_report(path: Path) -> dict[str, dict[str, float]]:
    """Error (km) of each way of placing a first-level unit, against GeoVirus's admin1 toponyms
    whose name is unique among admin1 units: estimates from the unit's towns ("towns" is
    ``gazetteer._admin_point``) and the published centre with its guards ("chosen",
    ``gazetteer._unit_point``). Slow: reads cities500."""
    import json
    from collections import Counter, defaultdict

    from .. import gazetteer as gz

    with (gz._gnc_dir() / "cities500.json").open(encoding="utf-8") as fh:
        cities = json.load(fh)
    names = gz._admin1_names(cities, gz._rg_rows())
    members: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for c in cities.values():
        members[(c["countrycode"], c["admin1code"])].append((c["latitude"], c["longitude"], c["population"]))
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, name in names.items():
        by_name[gz.normalize_name(name)].append(key)
    refs: dict[tuple[str, str], tuple[float, float]] = {}
    mentions: Counter[tuple[str, str]] = Counter()
    for art in read_geovirus(path):
        for t in art.toponyms:
            keys = by_name.get(gz.normalize_name(t.name))
            if keys and len(keys) == 1:
                refs.setdefault(keys[0], (t.lat, t.lon))
                mentions[keys[0]] += 1
    published = gz._published_centres()
    methods = {
        "cells": lambda k: gz._cell_centroid(members[k], gz.ADMIN1_CELL_DEG),
        "extent": lambda k: gz._extent_middle(members[k]),
        "population": lambda k: gz._weighted_centroid(members[k]),
        "towns": lambda k: gz._admin_point(members[k], gz.ADMIN1_CELL_DEG),
        "chosen": lambda k: gz._unit_point(
            members[k], gz._published_unit(k[0], names[k], members[k], published)),
    }
    report: dict[str, dict[str, float]] = {}
    for method, place in methods.items():
        errs = {k: haversine_km(*ref, *place(k)) for k, ref in refs.items()}
        report[method] = {
            "units": len(errs), "median_km": round(statistics.median(errs.values())),
            "within_161": round(sum(e <= 161 for e in errs.values()) / len(errs), 3),
            "mentions_within_161": round(sum(mentions[k] * (e <= 161) for k, e in errs.items())
                                         / sum(mentions.values()), 3)}
    return report


# python -m eventcoder.evaluate.geovirus [--country-points | --admin1-points | --far] [--no-coherence]
#                                        [PATH] [LIMIT]
# --far lists the recognized toponyms placed beyond 161 km, grouped, with whether the resolved
# country or first-level unit holds the gold point; --no-coherence scores without the
# document-coherence resolver (its ablation).
if __name__ == "__main__":
    import json
    import sys

    from ..settings import default_cache_dir, default_data_dir
    from ..stages.linguistic import load_nlp

    flags = {"--country-points", "--admin1-points", "--far", "--no-coherence"}
    args = [a for a in sys.argv[1:] if a not in flags]
    target = Path(args[0]) if args else default_data_dir() / "geovirus" / "GeoVirus.xml"
    if "--country-points" in sys.argv:
        print(json.dumps(country_point_report(target), indent=1))
    elif "--admin1-points" in sys.argv:
        print(json.dumps(admin1_point_report(target), indent=1))
    else:
        from collections import Counter

        lim = int(args[1]) if len(args) > 1 else None
        far: list[dict[str, object]] = []
        score = score_geovirus(target, load_nlp(), Gazetteer.open(default_cache_dir()), lim, far,
                               coherence="--no-coherence" not in sys.argv)
        print(json.dumps(score.as_dict()))
        if "--far" in sys.argv:
            groups = Counter((f["gold"], f["resolved"], f["feature"], f["country"], f["km"], f["right_unit"])
                             for f in far)
            print(f"{len(far)} beyond 161 km, {sum(bool(f['right_unit']) for f in far)} in the right unit")
            for (gold, name, feature, cc, km, unit), n in groups.most_common():
                mark = "  right unit" if unit else ""
                print(f"{n:4d}  {gold!s:<34} -> {name} ({feature}, {cc}) {km} km{mark}")
