"""Gazetteer index: build, open and lookup times, and resident memory.

    python benchmarks/gazetteer.py [--rebuild]

``--rebuild`` builds the index into a fresh temporary cache directory first (about 20 s).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from eventcoder.gazetteer import Gazetteer
from eventcoder.settings import default_cache_dir

NAMES = [
    "Lyon",
    "Mosul",
    "Aleppo",
    "Kharkiv",
    "Kandahar",
    "Goma",
    "Maiduguri",
    "Sanaa",
    "Tovuz district",
    "Springfield",
    "Paris",
    "Georgia",
    "Donbas",
    "Gaza Strip",
    "Idlib",
    "Nowhereville",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="ec-gaz-")) if args.rebuild else default_cache_dir()
    t0 = time.perf_counter()
    gaz = Gazetteer.open(cache)
    first = time.perf_counter() - t0
    gaz.close()
    t0 = time.perf_counter()
    gaz = Gazetteer.open(cache)
    reopen = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    for _ in range(20):
        for name in NAMES:
            gaz.lookup(name)
            n += 1
    per_lookup = (time.perf_counter() - t0) / n
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"index: {gaz.path} ({gaz.path.stat().st_size / 1e6:.1f} MB)")
    print(f"first open{' (build)' if args.rebuild else ''}: {first:.3f} s; reopen: {reopen:.3f} s")
    print(f"lookup: {per_lookup * 1000:.3f} ms per name ({n} lookups, cached after the first round)")
    print(f"peak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
