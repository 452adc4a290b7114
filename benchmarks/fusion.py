"""Fusion cost at 10k, 100k and 1M event reports: time, memory, and how they grow.

    python benchmarks/fusion.py                       # 10k, 100k, 1M at 1,000 reports a day
    python benchmarks/fusion.py --span-days 1095      # the same sizes squeezed into three years
    python benchmarks/fusion.py --sizes 10000,100000  # a quicker run
    python benchmarks/fusion.py --json

Synthetic reports with a realistic density (``synthetic_reports``): by default 1,000 reports a
day (a corpus grows by covering more days: 1M reports are about three years of global news, of
the order of ACLED's recent yearly event counts told by a few outlets each); ``--span-days``
fixes the period instead, so a larger corpus is a denser one (the stress case: cost per report
grows with the reports of one country on the same days). Events in 120 countries whose sizes
follow a Zipf law (the busiest country holds about a sixth of all events, as the top countries of
ACLED and GDELT do), 16 PLOVER types with conflict events the most frequent, 40 towns per
country grouped in provinces; each event is told by 1 to
8 reports (geometric, mean about 2.7) from 200 outlets published 0-2 days later, with the
precision mix of coded news: 70% dated to the day, 10% to the month, 4% to the year, 16% undated;
55% placed in a town, 15% in a province, 15% in the country, 15% nowhere; actors known or not,
5% telling the sides the other way round, tolls varying by a death or two. Each size runs in a
fresh process so its peak RSS is its own. Reported: reports/s, seconds, peak RSS, fused events,
and the time ratio to the previous size (10 is linear).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import random
import resource
import subprocess
import sys
import time
from typing import Any

from eventcoder.fusion import FusionOptions, Report, fuse, report_from_row

TYPES = [("ASSAULT", 30), ("PROTEST", 18), ("COERCE", 10), ("CONSULT", 8), ("MOBILIZE", 5), ("ACCUSE", 5),
         ("THREATEN", 3), ("REQUEST", 3), ("AGREE", 3), ("SUPPORT", 3), ("COOPERATE", 2), ("AID", 2),
         ("RETREAT", 2), ("SANCTION", 2), ("REJECT", 2), ("CONCEDE", 2)]
SECTORS = ["MIL", "GOV", "REB", "CVL", "COP", None]


def synthetic_reports(n: int, seed: int = 12, per_day: int = 1000,
                      span_days: int | None = None) -> list[Report]:
    return [report_from_row(r) for r in synthetic_rows(n, seed, per_day, span_days)]


def synthetic_rows(n: int, seed: int = 12, per_day: int = 1000,
                   span_days: int | None = None) -> list[dict[str, Any]]:
    """Flat event rows (``output.EVENT_COLUMNS`` keys) of ``n`` synthetic reports."""
    rng = random.Random(seed)
    span = span_days or max(1, round(n / per_day))
    countries = [f"C{i:03d}" for i in range(120)]
    weights = [1 / (i + 1) ** 1.1 for i in range(len(countries))]
    centres = {c: (rng.uniform(-40, 60), rng.uniform(-100, 140)) for c in countries}
    towns = {c: [(f"{c}-T{k}", f"{c}-P{k // 8}", centres[c][0] + rng.uniform(-3, 3),
                  centres[c][1] + rng.uniform(-3, 3), 1000 * i + k) for k in range(40)]
             for i, c in enumerate(countries)}
    types, type_weights = zip(*TYPES, strict=True)
    start = dt.date(2021, 1, 1).toordinal()
    out: list[dict[str, Any]] = []
    event = 0
    while len(out) < n:
        event += 1
        country = rng.choices(countries, weights)[0]
        cc2 = country[1:3]
        type_ = rng.choices(types, type_weights)[0]
        day = start + rng.randrange(span)
        town, province, lat, lon, geonameid = rng.choice(towns[country])
        actor = (country, rng.choice(SECTORS))
        recipient = ((rng.choice([country, rng.choice(countries)]), rng.choice(SECTORS))
                     if rng.random() < 0.6 else None)
        dead = rng.randint(0, 30) if type_ == "ASSAULT" and rng.random() < 0.6 else None
        k = min(8, 1 + int(math.log(1 - rng.random()) / math.log(0.63)))  # geometric, mean ~2.7
        for _ in range(k):
            if len(out) >= n:
                break
            r = len(out)
            published = day + rng.randint(0, 2)
            p = rng.random()
            date_value, source = (
                (dt.date.fromordinal(day).isoformat(), "clause") if p < 0.7 else
                (dt.date.fromordinal(day).isoformat()[:7], "sentence") if p < 0.8 else
                (dt.date.fromordinal(day).isoformat()[:4], "sentence") if p < 0.84 else
                (dt.date.fromordinal(published).isoformat(), "publication"))
            q = rng.random()
            place: dict[str, Any] = (
                {"location_name": town, "location_geonameid": geonameid,
                 "location_precision": "point", "location_lat": lat, "location_lon": lon} if q < 0.55 else
                {"location_name": province, "location_precision": "admin1", "location_lat": lat,
                 "location_lon": lon} if q < 0.70 else
                {"location_name": country, "location_precision": "country",
                 "location_lat": centres[country][0], "location_lon": centres[country][1]} if q < 0.85
                else {})
            if place:
                place.update(location_country=cc2, location_admin1=province, location_admin1_code=province,
                             location_source="clause")
            a, b = (actor, recipient) if rng.random() > 0.05 or recipient is None else (recipient, actor)
            row: dict[str, Any] = {
                "event_id": f"ev-{r:08d}", "doc_id": f"doc-{r // 2 if rng.random() < 0.2 else r:08d}-{event}",
                "type": type_, "date_value": date_value, "date_source": source,
                "published": dt.date.fromordinal(published).isoformat(),
                "publisher": f"outlet-{rng.randrange(200)}", "modality": "reported", "confidence": 0.6,
                "actor_name": f"{a[0]} {a[1] or ''}".strip() if rng.random() < 0.8 else None,
                "actor_country": a[0] if rng.random() < 0.8 else None, "actor_sector": a[1],
                "recipient_name": f"{b[0]} {b[1] or ''}".strip() if b else None,
                "recipient_country": b[0] if b else None, "recipient_sector": b[1] if b else None,
                "fatalities_best": None if dead is None else max(0, dead + rng.randint(-2, 2)),
                "trigger_start": 0, "trigger_end": 6, **place,
            }
            out.append(row)
    return out


def _one(n: int, span_days: int | None) -> dict[str, Any]:
    t0 = time.perf_counter()
    reports = synthetic_reports(n, span_days=span_days)
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    fused = fuse(reports, FusionOptions())
    seconds = time.perf_counter() - t0
    return {
        "reports": n, "days": span_days or max(1, round(n / 1000)), "generate_seconds": round(made, 2),
        "fuse_seconds": round(seconds, 2),
        "reports_per_second": round(n / seconds), "fused_events": len(fused),
        "fused_per_report": round(len(fused) / n, 3),
        "cross_document": sum(1 for e in fused if len(e.documents) > 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--span-days", type=int, default=None,
                    help="spread every size over this many days (default: 1,000 reports a day)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a single size, in this process
    args = ap.parse_args()
    if args.one:
        print(json.dumps(_one(args.one, args.span_days)))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        extra = ["--span-days", str(args.span_days)] if args.span_days else []
        res = subprocess.run([sys.executable, __file__, "--one", str(n), *extra], capture_output=True,
                             text=True, check=True)
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        if len(rows) > 1:
            prev = rows[-2]
            rows[-1]["time_ratio"] = round(rows[-1]["fuse_seconds"] / max(prev["fuse_seconds"], 1e-9), 2)
            rows[-1]["size_ratio"] = round(rows[-1]["reports"] / prev["reports"], 2)
        if not args.json:
            print(json.dumps(rows[-1]), flush=True)
    meta = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"),
            "python": platform.python_version(), "machine": platform.processor() or platform.machine()}
    if args.json:
        print(json.dumps({"meta": meta, "runs": rows}, indent=2))
        return
    print(f"\n{meta['date']} · Python {meta['python']} · {meta['machine']}")
    print("| reports | days | fuse s | reports/s | peak RSS MB | fused events | fused/report | time ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['reports']:,} | {r['days']:,} | {r['fuse_seconds']} | {r['reports_per_second']:,} | "
              f"{r['peak_rss_mb']:,} | {r['fused_events']:,} | {r['fused_per_report']} | "
              f"{r.get('time_ratio', '-')} |")


if __name__ == "__main__":
    main()
