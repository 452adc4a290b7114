"""Incremental fusion in the store: what writing one more batch costs as the store grows.

    python benchmarks/store_fusion.py                      # 20,000 reports, batches of 100 documents
    python benchmarks/store_fusion.py --reports 50000 --db postgresql://...   # another size or engine

The synthetic reports of ``benchmarks/fusion.py`` (1,000 a day) become documents (a report or two
each) and are upserted into a fresh store in batches of 100 documents in the order they were
published, as a news feed arrives and ``eventcoder code --db`` writes it; each batch's time is
recorded, then the whole store is fused again from scratch (``Store.refuse``) for comparison.
Flat batch times while the store grows show that a write re-fuses only what it touches, never
the whole store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fusion import synthetic_rows

from eventcoder.records import ActorRef, DateRef, DocumentResult, Event, Place, Span
from eventcoder.store import open_store


def _actor(row: dict[str, Any], role: str) -> ActorRef | None:
    if not row.get(f"{role}_name") and not row.get(f"{role}_sector"):
        return None
    return ActorRef(name=row.get(f"{role}_name") or "", country=row.get(f"{role}_country"),
                    sector=row.get(f"{role}_sector"), title=None, start=0, end=5, text="x",
                    kind="organization")


def documents(rows: list[dict[str, Any]]) -> list[DocumentResult]:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_doc[r["doc_id"]].append(r)
    docs = []
    for doc_id, rs in by_doc.items():
        events = []
        for k, r in enumerate(rs):
            loc = None
            if r.get("location_name"):
                loc = Place(start=10, end=15, text=r["location_name"], name=r["location_name"],
                            geonameid=r.get("location_geonameid"), country=r.get("location_country"),
                            admin1=r.get("location_admin1"), lat=r.get("location_lat"),
                            lon=r.get("location_lon"),
                            precision=r["location_precision"], score=0.9,
                            admin1_code=r.get("location_admin1_code"))
            events.append(Event(
                id=f"{r['event_id']}-{k}", type=r["type"], mode=None, cameo=None, acled=None,
                trigger=Span(20 * k, 20 * k + 6, "attack"), sentence=Span(0, 40), actor=_actor(r, "actor"),
                recipient=_actor(r, "recipient"),
                date=DateRef(r["date_value"], None, None, None, None, r["date_source"]), location=loc,
                location_source="clause" if loc else None, modality="reported",
                fatalities=None if r.get("fatalities_best") is None else {"best": r["fatalities_best"]}))
        docs.append(DocumentResult(id=doc_id, status="ok", error=None, url=None,
                                   publisher=rs[0]["publisher"], published=rs[0]["published"], title=None,
                                   text="x" * 60, events=tuple(events)))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--db", default=None, help="store (default: a fresh DuckDB file)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    docs = sorted(documents(synthetic_rows(args.reports)), key=lambda d: (d.published or "", d.id))
    db = args.db or str(Path(tempfile.mkdtemp(prefix="ec-store-")) / "bench.duckdb")
    times: list[float] = []
    with open_store(db) as store:
        for i in range(0, len(docs), args.batch):
            t0 = time.perf_counter()
            store.upsert(docs[i:i + args.batch])
            times.append(time.perf_counter() - t0)
        counts = store.table_counts()
        t0 = time.perf_counter()
        fused = store.refuse()
        rebuild = time.perf_counter() - t0
    tenth = max(1, len(times) // 10)
    out = {
        "engine": "postgresql" if "://" in db else "duckdb", "reports": counts["events"],
        "documents": counts["documents"], "batches": len(times), "batch_documents": args.batch,
        "first_tenth_median_s": round(statistics.median(times[:tenth]), 3),
        "last_tenth_median_s": round(statistics.median(times[-tenth:]), 3),
        "all_batches_s": round(sum(times), 1), "fused_events": fused, "full_rebuild_s": round(rebuild, 1),
    }
    print(json.dumps(out, indent=None if not args.json else 2))


if __name__ == "__main__":
    main()
