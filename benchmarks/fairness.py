"""Latency of short requests while a long document is coded, against a real ``eventcoder serve``.

    python benchmarks/fairness.py [--long-chars 200000] [--short N] [--lanes both|one|two] [--json]

Starts ``eventcoder serve`` (uvicorn) on a free loopback port, then measures:

1. *idle*: ``--short`` sequential ``POST /api/code`` requests of one short sentence each;
2. *during*: one ``POST`` of a synthetic article of ``--long-chars`` characters (our own text: news
   sentences about invented events, see ``long_article``), and, while it is being coded, one short
   request every ``--period`` seconds from another client until it is answered (each sent before the
   long one's answer counts, however late it is answered), plus how long the long one took.

``--lanes two`` is the server as it ships (documents of 20,000 characters or more in the
long-document lane); ``--lanes one`` starts it with ``--long-chars`` above the document limit, so
every document shares the one pipeline thread (the behaviour before issue 15); ``both`` (the
default) runs both, one after the other. Reported: median, 90th percentile and maximum latency of
the short requests, the long request's time, the peak resident memory of the server and of its
long-lane child (``VmHWM``), the load average before each run, the machine and the date (UTC).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventcoder.server.launch import free_port, start_server, stop_server

SHORT = "Police arrested 12 protesters in Lagos on Monday."
_ACTORS = ["Police", "Soldiers", "Protesters", "Gunmen", "Officials", "Students", "Farmers", "Rebels"]
_ACTS = ["arrested", "attacked", "met", "criticized", "blocked", "visited", "protested against", "shelled"]
_OBJECTS = ["12 protesters", "a convoy", "the governor", "local traders", "a market", "the ministry",
            "an army post", "three journalists"]
_TOWNS = ["Lagos", "Abuja", "Kano", "Jos", "Ibadan", "Kaduna", "Enugu", "Maiduguri", "Nairobi", "Kisumu"]
_WHEN = ["on Monday", "on Tuesday", "last week", "on March 3", "in April", "yesterday", "on Friday night"]
_WHO = ["a spokesman said", "witnesses said", "the ministry said in a statement", "local media reported"]


def long_article(n_chars: int, seed: int = 15) -> str:
    """A synthetic news article of exactly ``n_chars`` characters: paragraphs of two to five event
    sentences with actors, places, dates and sources, so every stage has work to do."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < n_chars:
        sentences = [f"{rng.choice(_ACTORS)} {rng.choice(_ACTS)} {rng.choice(_OBJECTS)} "
                     f"in {rng.choice(_TOWNS)} "
                     f"{rng.choice(_WHEN)}, {rng.choice(_WHO)}." for _ in range(rng.randint(2, 5))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:n_chars]


def _post(port: int, body: dict[str, Any], timeout: float = 3600) -> tuple[int, float, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        conn.request("POST", "/api/code", body=json.dumps(body).encode(),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = json.loads(response.read())
        return response.status, time.perf_counter() - started, data
    finally:
        conn.close()


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    """Child processes of every thread of ``pid`` (the lane's child is started from a thread)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(ordered), "median_s": round(statistics.median(ordered), 3),
            "p90_s": round(ordered[max(0, int(0.9 * len(ordered)) - 1)], 3), "max_s": round(ordered[-1], 3)}


def run(lanes: str, long_chars: int, shorts: int, period: float) -> dict[str, Any]:
    port = free_port()
    extra = ["--long-chars", "20000"] if lanes == "two" else ["--long-chars", "100000000"]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(extra, port, Path(tmp) / "server.log", timeout=300)
        try:
            for _ in range(3):  # warm up
                _post(port, {"text": SHORT})
            idle = [_post(port, {"text": SHORT})[1] for _ in range(shorts)]
            text = long_article(long_chars)
            outcome: dict[str, Any] = {}
            hwm: dict[int, float] = {}

            def long_request() -> None:
                status, seconds, record = _post(port, {"text": text, "published": "2024-05-07"})
                outcome.update(status=status, seconds=seconds, events=len(record.get("events", [])))

            def sample() -> None:
                while "status" not in outcome:
                    for pid in [proc.pid, *_children(proc.pid)]:
                        if (mb := _hwm_mb(pid)) is not None:
                            hwm[pid] = max(hwm.get(pid, 0.0), mb)
                    time.sleep(0.2)

            worker = threading.Thread(target=long_request)
            sampler = threading.Thread(target=sample)
            worker.start()
            sampler.start()
            time.sleep(1.0)  # the long request is in the server
            during: list[float] = []
            statuses: list[int] = []
            while "status" not in outcome:  # one short request every `period` s while the long one runs
                sent = time.perf_counter()
                status, seconds, _ = _post(port, {"text": SHORT})
                during.append(seconds)  # sent while the long one was being coded, however late answered
                statuses.append(status)
                time.sleep(max(0.0, period - (time.perf_counter() - sent)))
            worker.join()
            sampler.join()
        finally:
            stop_server(proc)
    child_mb = [round(mb) for pid, mb in hwm.items() if pid != proc.pid]
    return {"lanes": lanes, "server_args": extra, "load_before": [round(x, 2) for x in load_before],
            "idle": _stats(idle), "during": _stats(during) if during else None,
            "short_statuses": sorted(set(statuses)), "long": {"chars": long_chars, **outcome},
            "server_peak_rss_mb": round(hwm.get(proc.pid, 0.0)), "child_peak_rss_mb": child_mb}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--long-chars", type=int, default=200_000)
    ap.add_argument("--short", type=int, default=20, help="short requests when idle (default 20)")
    ap.add_argument("--period", type=float, default=0.5,
                    help="seconds between short requests while the long one runs (default 0.5)")
    ap.add_argument("--lanes", choices=["both", "one", "two"], default="both")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    runs = [run(lanes, args.long_chars, args.short, args.period)
            for lanes in (["two", "one"] if args.lanes == "both" else [args.lanes])]
    import spacy

    report = {"date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), "machine": platform.processor()
              or platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
              "spacy": spacy.__version__, "runs": runs}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{report['date_utc']} UTC, {report['cpus']} CPUs, Python {report['python']}, "
          f"spaCy {report['spacy']}")
    for r in runs:
        print(f"lanes={r['lanes']} (load before {r['load_before']}): idle short {r['idle']}; during long "
              f"{r['during']}; long {r['long']}; "
              f"server peak {r['server_peak_rss_mb']} MB, lane child {r['child_peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
