"""Country outlines for the explorer's map, from the ``countryinfo`` package (already a dependency).

``countryinfo`` ships one JSON file per country whose ``geoJSON`` member holds the country's
outline (world.geo.json, derived from Natural Earth's public-domain 1:110m countries), so the map
needs no tile server and no download. We merge them into one FeatureCollection keyed by ISO
alpha-3, round coordinates to 0.01° (about 1 km, far below what a world or region map shows) and
drop the points that rounding makes repeat: about 170 kB instead of 280 kB.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

__all__ = ["outline_collection", "outlines_json"]

_DIGITS = 2


def _ring(points: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat, *_ in points:
        p = [round(float(lon), _DIGITS), round(float(lat), _DIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def _geometry(geometry: dict[str, Any]) -> dict[str, Any] | None:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        rings = [r for r in (_ring(r) for r in coords) if len(r) >= 4]
        return {"type": "Polygon", "coordinates": rings} if rings else None
    if kind == "MultiPolygon":
        polys = [[r for r in (_ring(r) for r in poly) if len(r) >= 4] for poly in coords]
        polys = [p for p in polys if p]
        return {"type": "MultiPolygon", "coordinates": polys} if polys else None
    return None


@cache
def outline_collection() -> dict[str, Any]:
    """A GeoJSON FeatureCollection of country outlines (id = ISO alpha-3; ``iso2``, ``name``)."""
    from countryinfo import CountryInfo

    features: dict[str, dict[str, Any]] = {}
    for info in CountryInfo.all().values():
        iso = info.get("ISO") or {}
        for feature in (info.get("geoJSON") or {}).get("features") or []:
            iso3 = str(feature.get("id") or iso.get("alpha3") or "").upper()
            geometry = _geometry(feature.get("geometry") or {})
            if not iso3 or geometry is None or iso3 in features:
                continue
            features[iso3] = {
                "type": "Feature",
                "id": iso3,
                "properties": {"name": (feature.get("properties") or {}).get("name") or info.get("name"),
                               "iso2": iso.get("alpha2")},
                "geometry": geometry,
            }
    return {
        "type": "FeatureCollection",
        "source": "countryinfo (world.geo.json outlines from Natural Earth 1:110m, public domain)",
        "features": [features[k] for k in sorted(features)],
    }


@cache
def outlines_json() -> bytes:
    return json.dumps(outline_collection(), separators=(",", ":")).encode()
