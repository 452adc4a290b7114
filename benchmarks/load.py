"""Load and fault harness for ``eventcoder serve``: many concurrent clients on loopback, a real
uvicorn server in a subprocess, and the store checked against what the clients were told.

    python benchmarks/load.py [--clients 200] [--seconds 60] [--post-share 0.5] [--db PATH_OR_URL] [--json]

Each client keeps one HTTP/1.1 connection and loops until the time is up: with probability
``post_share`` a ``POST /api/code`` with ``store: true`` and a text no other request sends (so
every acknowledged document has its own id), else a ``GET /api/events`` with a random filter and
page. A 503 (back-pressure, EC055) is retried after its ``Retry-After`` (at most 2 s); a
connection error reconnects. Reported: status counts and p50/p95/p99 latency per endpoint, the
machine's load average before and after, and the check of the store after the server has stopped
(every 200-acknowledged document stored exactly once, whole, and nothing else).
``tests/test_load.py`` runs the same functions with assertions.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from throughput import machine  # a sibling script: one description of the machine for every benchmark

from eventcoder.server.launch import free_port, start_server, stop_server

PUBLISHED = "2024-05-08"
CITIES = ["Lagos", "Nairobi", "Kabul", "Baghdad", "Mogadishu", "Khartoum", "Kyiv", "Bamako", "Yerevan",
          "Baku"]
ACTS = [
    "Police arrested {n} protesters in {city} on Monday, officials said.",
    "Gunmen attacked a police station in {city} on Tuesday, killing {n} officers.",
    "Thousands of workers marched in {city} on Friday to demand higher wages; {n} were detained.",
    "Troops clashed with rebels near {city} on Wednesday, and {n} soldiers were wounded.",
]
TYPES = ["COERCE", "ASSAULT", "PROTEST", "MOBILIZE"]


def article(i: int) -> str:
    """The ``i``-th text of our own: every ``i`` gives another text (template, city, number)."""
    return ACTS[i % len(ACTS)].format(city=CITIES[(i // len(ACTS)) % len(CITIES)],
                                      n=3 + i // (len(ACTS) * len(CITIES)))


@dataclass
class Outcome:
    """What every client saw: one ``(kind, status, seconds)`` per request (status 0: no response,
    the connection failed), the documents acknowledged with 200 (id -> number of events), the
    texts sent without an acknowledgement, and the bodies of 5xx answers."""

    requests: list[tuple[str, int, float]] = field(default_factory=list)
    acked: dict[str, int] = field(default_factory=dict)
    unacked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def statuses(self) -> dict[str, dict[int, int]]:
        out: dict[str, Counter[int]] = {}
        for kind, status, _ in self.requests:
            out.setdefault(kind, Counter())[status] += 1
        return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}

    def latency(self) -> dict[str, dict[str, float]]:
        """p50/p95/p99 (nearest rank) and max, in seconds, of the answered requests per endpoint."""
        out: dict[str, dict[str, float]] = {}
        for kind in sorted({k for k, _, _ in self.requests}):
            times = sorted(t for k, s, t in self.requests if k == kind and s)
            if not times:
                continue

            def rank(q: float, times: list[float] = times) -> float:
                return round(times[min(len(times) - 1, max(0, int(q * len(times) + 0.5) - 1))], 3)

            out[kind] = {"n": len(times), "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99),
                         "max": round(times[-1], 3)}
        return out


class _Client(threading.Thread):
    def __init__(self, port: int, until: float, post_share: float, counter: Iterator[int], outcome: Outcome,
                 seed: int, stop: threading.Event, timeout: float) -> None:
        super().__init__(daemon=True)
        self.port, self.until, self.post_share, self.counter = port, until, post_share, counter
        self.outcome, self.rng, self.stop, self.timeout = outcome, random.Random(seed), stop, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes, dict[str, str]]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.getheader("connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, data, {k.lower(): v for k, v in response.getheaders()}

    def run(self) -> None:
        while time.monotonic() < self.until and not self.stop.is_set():
            post = self.rng.random() < self.post_share
            text = article(next(self.counter)) if post else ""
            if post:
                kind, method, body = "POST /api/code", "POST", json.dumps(
                    {"text": text, "published": PUBLISHED, "store": True}).encode()
                path = "/api/code"
            else:
                kind, method, body = "GET /api/events", "GET", None
                params = [f"limit={self.rng.choice([10, 50, 100])}",
                          f"offset={self.rng.choice([0, 0, 20, 100])}"]
                if self.rng.random() < 0.5:
                    params.append(f"type={self.rng.choice(TYPES)}")
                path = "/api/events?" + "&".join(params)
            started = time.perf_counter()
            try:
                status, data, headers = self._request(method, path, body)
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                with self.outcome.lock:
                    self.outcome.requests.append((kind, 0, time.perf_counter() - started))
                    if post:
                        self.outcome.unacked.append(text)
                time.sleep(0.05)
                continue
            elapsed = time.perf_counter() - started
            with self.outcome.lock:
                self.outcome.requests.append((kind, status, elapsed))
                if post and status == 200:
                    record = json.loads(data)
                    self.outcome.acked[record["id"]] = len(record["events"])
                elif post:
                    self.outcome.unacked.append(text)
                if status >= 500:
                    self.outcome.errors.append(data.decode("utf-8", "replace")[:300])
            if status == 503:
                time.sleep(min(2.0, float(headers.get("retry-after", "1"))))
        if self.conn is not None:
            self.conn.close()


def run_load(port: int, *, clients: int = 200, seconds: float = 60.0, post_share: float = 0.5, seed: int = 14,
             stop: threading.Event | None = None, first: int = 0, timeout: float = 300.0,
             outcome: Outcome | None = None) -> Outcome:
    """``clients`` threads for ``seconds`` against the server on ``port``; returns once every
    client has had its last answer (or ``stop`` is set and the connections fail). Texts are
    ``article(first)``, ``article(first + 1)``, ...; ``outcome`` may be given to watch it fill."""
    outcome = outcome if outcome is not None else Outcome()
    counter = itertools.count(first)
    started = time.monotonic()
    until = started + seconds
    stop = stop or threading.Event()
    threads = [_Client(port, until, post_share, counter, outcome, seed * 1000 + i, stop, timeout)
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome.seconds = time.monotonic() - started
    return outcome


def check_store(db: str, outcome: Outcome) -> dict[str, Any]:
    """The store after the server stopped, against what the clients were told: every acknowledged
    document stored once, with as many events rows as its answer had; a document sent and not
    acknowledged (no answer: the server died) stored whole or not at all; no other document."""
    from eventcoder.records import content_id
    from eventcoder.store import open_store

    sent_unacked = {content_id(text) for text in outcome.unacked}
    with open_store(db) as store:
        counts = store.table_counts()
        stored = store.document_index()  # id -> (status, events rows)
        partial = [d for d, (_, rows) in stored.items() if d not in outcome.acked
                   and (doc := store.document(d)) is not None and len(doc.events) != rows]
    return {"documents": counts["documents"], "events": counts["events"], "acknowledged": len(outcome.acked),
            "missing_acknowledged": sorted(set(outcome.acked) - set(stored)),
            "wrong_event_rows": sorted(d for d, n in outcome.acked.items()
                                       if d in stored and stored[d][1] != n),
            "stored_not_acknowledged": sorted(set(stored) - set(outcome.acked)),
            "unexpected": sorted(set(stored) - set(outcome.acked) - sent_unacked),
            "partial": partial}


@contextmanager
def served(db: str, log: Path, *extra: str) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    proc = start_server(["--db", db, *extra], port, log, append=True)
    try:
        yield port, proc
    finally:
        if proc.poll() is None:
            stop_server(proc)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--post-share", type=float, default=0.5)
    ap.add_argument("--db", default="", help="store (default: a new DuckDB file in a temporary directory)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "load.duckdb")
        with served(db, Path(tmp) / "server.log") as (port, _):
            load_before = os.getloadavg()
            outcome = run_load(port, clients=args.clients, seconds=args.seconds, post_share=args.post_share)
            load_after = os.getloadavg()
        result = {"machine": machine(), "clients": args.clients, "seconds": round(outcome.seconds, 1),
                  "post_share": args.post_share, "load_before": load_before, "load_after": load_after,
                  "statuses": outcome.statuses(), "latency": outcome.latency(),
                  "server_errors": outcome.errors[:5], "store": check_store(db, outcome)}
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    m = result["machine"]
    print(f"{m['date']}; {m['cpu']}, {m['cores']} cores, Python {m['python']}; load average before "
          f"{load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{args.clients} clients for {result['seconds']} s, {args.post_share:.0%} POST /api/code "
          "(store: true)")
    print("| endpoint | requests | statuses | p50 s | p95 s | p99 s | max s |")
    print("|---|---|---|---|---|---|---|")
    for kind, lat in result["latency"].items():
        statuses = ", ".join(f"{s}: {n}" for s, n in result["statuses"][kind].items())
        print(f"| `{kind}` | {sum(result['statuses'][kind].values())} | {statuses} | {lat['p50']} | "
              f"{lat['p95']} | {lat['p99']} | {lat['max']} |")
    store = {k: len(v) if isinstance(v, list) else v for k, v in result["store"].items()}
    print("store (lists as counts):", json.dumps(store))
    return 0


if __name__ == "__main__":
    sys.exit(main())
