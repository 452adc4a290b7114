"""Load and fault suite (issue 14), on loopback against a real uvicorn server in a subprocess
(``benchmarks/load.py`` holds the harness; ``docs/PERFORMANCE.md`` has its figures):

- 200 concurrent clients for 60 s mixing ``POST /api/code`` (``store: true``) and ``GET
  /api/events``: no 5xx but the documented 503 back-pressure, no failed connection, and every
  document acknowledged with 200 is in the store exactly once, whole;
- the server killed with SIGKILL while it writes, then restarted: the store opens and holds every
  acknowledged document whole. *Acknowledged* means the client received a complete 200 answer. A
  document sent and not acknowledged (its answer was lost with the server) may or may not be
  stored, but if it is, it is whole (its events rows are those of its record); nothing else is;
- two writers on one DuckDB file: the second gets EC082 naming the first's PID, never a
  corrupt file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import pg_schema

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  - the harness, shared with `python benchmarks/load.py`


@pytest.fixture(params=["duckdb", "postgresql"])
def crash_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "duckdb":
        yield str(tmp_path / "crash.duckdb")
        return
    with pg_schema("ec_crash") as url:
        yield url


def _post(port: int, text: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/code", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"text": text, "published": load.PUBLISHED, "store": True}).encode())
    with urllib.request.urlopen(request, timeout=120) as r:
        return r.status, json.loads(r.read())


def _get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
        return dict(json.loads(r.read()))


def _clean(check: dict, *, all_answered: bool) -> None:
    assert check["missing_acknowledged"] == [], check
    assert check["wrong_event_rows"] == [], check
    assert check["unexpected"] == [] and check["partial"] == [], check
    if all_answered:
        assert check["stored_not_acknowledged"] == [], check


@pytest.mark.slow
def test_load_200_clients_for_60_seconds_posts_and_queries(tmp_path: Path) -> None:
    db = str(tmp_path / "load.duckdb")
    with load.served(db, tmp_path / "server.log") as (port, proc):
        before = load.machine()
        outcome = load.run_load(port, clients=200, seconds=60, post_share=0.5)
        assert proc.poll() is None, "the server died under load"
        health = _get(port, "/healthz")
    statuses = outcome.statuses()
    print("\nload:", json.dumps({"machine": before, "seconds": round(outcome.seconds, 1),
                                 "statuses": statuses, "latency": outcome.latency()}))
    failed = _bad_statuses(outcome)
    assert not failed, (failed, outcome.errors[:3])
    assert all("EC055" in body for body in outcome.errors), outcome.errors[:3]  # 503s are back-pressure
    assert set(statuses["GET /api/events"]) == {200}
    assert set(statuses["POST /api/code"]) <= {200, 503}
    assert len(outcome.acked) >= 200, statuses  # the service did real work under load
    assert health["pipeline"]["pending"] == 0
    check = load.check_store(db, outcome)
    _clean(check, all_answered=True)
    assert check["documents"] == len(outcome.acked)
    assert check["events"] == sum(outcome.acked.values())


def _bad_statuses(outcome: load.Outcome) -> dict[str, int]:
    """Requests without an answer (status 0) or with a 5xx other than the 503 of back-pressure."""
    out: dict[str, int] = {}
    for kind, status, _ in outcome.requests:
        if status == 0 or (status >= 500 and status != 503):
            out[f"{kind} {status}"] = out.get(f"{kind} {status}", 0) + 1
    return out


@pytest.mark.slow
def test_load_sigkill_during_writes_then_restart(tmp_path: Path, crash_store: str) -> None:
    outcome = load.Outcome()
    first = 0
    for cycle in range(2):
        with load.served(crash_store, tmp_path / "server.log") as (port, proc):
            stop = threading.Event()
            runner = threading.Thread(target=load.run_load, args=(port,), kwargs={
                "clients": 16, "seconds": 120, "post_share": 1.0, "stop": stop, "first": first, "timeout": 30,
                "outcome": outcome, "seed": cycle})
            runner.start()
            deadline = time.monotonic() + 120
            target = 20 * (cycle + 1)
            while len(outcome.acked) < target and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.kill()  # SIGKILL, mid-stream: requests are being coded and stored
            proc.wait(timeout=30)
            stop.set()
            runner.join(timeout=120)
            assert not runner.is_alive()
        assert len(outcome.acked) >= target
        first += 100_000  # the next cycle sends texts no earlier cycle sent
        # the store opens after the crash and holds every acknowledged document, whole
        check = load.check_store(crash_store, outcome)
        _clean(check, all_answered=False)
    # restarted, the server serves the same store: one more document, and the queries see all
    with load.served(crash_store, tmp_path / "server.log") as (port, _):
        status, record = _post(port, load.article(first))
        assert status == 200
        page = _get(port, "/api/events?limit=1")
        outcome.acked[record["id"]] = len(record["events"])
    check = load.check_store(crash_store, outcome)
    _clean(check, all_answered=False)
    assert page["total"] == check["events"]


def test_load_two_writers_on_one_duckdb_file(tmp_path: Path) -> None:
    db = str(tmp_path / "two.duckdb")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"id": f"b{i}", "text": load.article(500 + i)}) + "\n"
                             for i in range(3)), encoding="utf-8")
    cmd = [sys.executable, "-m", "eventcoder.cli.main", "code", str(batch), "--db", db, "--workers", "1"]
    with load.served(db, tmp_path / "server.log") as (port, proc):
        assert _post(port, load.article(1))[0] == 200
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        assert second.returncode == 2, second.stderr
        assert "[EC082]" in second.stderr and f"(PID {proc.pid})" in second.stderr, second.stderr
        assert "Traceback" not in second.stderr
        assert _post(port, load.article(2))[0] == 200  # the first writer goes on
    from eventcoder.store import open_store

    with open_store(db) as store:  # not corrupt: it opens and holds what the server acknowledged
        assert sorted(s for s, _ in store.document_index().values()) == ["ok", "ok"]
    # two batches started together: one writes, the other is refused (or runs after it); the
    # file holds exactly the documents of the batches that succeeded
    other = tmp_path / "other.jsonl"
    other.write_text("".join(json.dumps({"id": f"o{i}", "text": load.article(600 + i)}) + "\n"
                             for i in range(3)), encoding="utf-8")
    race = str(tmp_path / "race.duckdb")
    procs = [subprocess.Popen([*cmd[:4], str(src), "--db", race, "--workers", "1"], stderr=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, text=True) for src in (batch, other)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        if p.stderr:
            p.stderr.close()
    assert all(rc == 0 or (rc == 2 and "[EC082]" in err) for rc, err in results), results
    won = [prefix for (rc, _), prefix in zip(results, ("b", "o"), strict=True) if rc == 0]
    assert won
    with open_store(race) as store:
        assert sorted(store.document_index()) == sorted(f"{p}{i}" for p in won for i in range(3))


# ---------------------------------------------------------------- the store under concurrent calls


def _coded(pipeline: Any, n: int) -> list[Any]:
    from eventcoder.records import Article

    return list(pipeline.pipe([Article(id=f"g{i}", text=load.article(i), published=load.PUBLISHED)
                               for i in range(n)]))


def test_load_store_group_commit_counts_and_isolates_a_failing_call(
    pipeline: Any, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Concurrent ``upsert`` calls are committed together, each gets its own counts, and a call
    whose write fails fails alone (the group is written again call by call)."""
    from concurrent.futures import ThreadPoolExecutor

    from eventcoder.errors import Errors, EventcoderError
    from eventcoder.store import open_store
    from eventcoder.store.api import Store

    docs = _coded(pipeline, 40)
    real = Store._write_chunk

    def flaky(self: Store, chunk: list) -> set[str]:
        if any(d.id == "g13" for d in chunk):
            raise EventcoderError(Errors.EC037, target="test", detail="g13 cannot be written")
        return real(self, chunk)

    monkeypatch.setattr(Store, "_write_chunk", flaky)
    with open_store(target) as store:
        gate = threading.Barrier(40)

        def one(doc: Any) -> Any:
            gate.wait(timeout=60)
            try:
                return store.upsert([doc])
            except EventcoderError as exc:
                return exc

        with ThreadPoolExecutor(40) as pool:
            results = list(pool.map(one, docs))
        failed = [d.id for d, r in zip(docs, results, strict=True) if isinstance(r, EventcoderError)]
        assert failed == ["g13"]
        assert all(r.documents == 1 and r.events == len({e.id for e in d.events})
                   for d, r in zip(docs, results, strict=True) if d.id != "g13")
        index = store.document_index()
        assert sorted(index) == sorted(d.id for d in docs if d.id != "g13")
        assert all(index[d.id][1] == len(d.events) for d in docs if d.id != "g13")


def test_load_duckdb_reads_do_not_wait_for_a_write(pipeline: Any, tmp_path: Path) -> None:
    from eventcoder.store import EventQuery, open_store

    with open_store(str(tmp_path / "r.duckdb")) as store:
        store.upsert(_coded(pipeline, 5))
        writing = threading.Event()
        release = threading.Event()

        def long_write() -> None:
            with store._db.transaction():  # holds the writer as a long upsert would
                writing.set()
                release.wait(30)

        holder = threading.Thread(target=long_write)
        holder.start()
        try:
            assert writing.wait(10)
            started = time.perf_counter()
            rows = store.events(EventQuery(), limit=100)
            assert time.perf_counter() - started < 5 and len(rows) >= 5
        finally:
            release.set()
            holder.join(30)
