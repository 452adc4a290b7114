"""Issue 15 on the HTTP API: a poisoned request fails alone (never a neighbour's request, never its
connection), ``published`` is validated as the CLI validates it, and a long document is coded in
its own lane so short requests keep their latency. Against the app in-process and against real
uvicorn servers on loopback."""

from __future__ import annotations

import asyncio
import http.client
import json
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eventcoder.records import Article, DocumentResult
from eventcoder.server import create_app
from eventcoder.server.coding import Coder
from eventcoder.settings import Settings
from test_server import assert_error, free_port, start_server, stop_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from fairness import long_article

VALID = "Police arrested 12 protesters in Lagos on Monday."
# bodies a scraper may send: valid JSON, unusable documents (each answered 422 with a code)
POISONED: list[tuple[dict[str, Any], str, str]] = [  # body, code of the answer, code in its detail
    ({"id": "p-\ud800", "text": VALID}, "EC047", "EC070"),
    ({"text": "Police\u0000 arrested 12 protesters in Lagos."}, "EC047", "EC002"),
    ({"text": VALID, "published": "sometime last spring"}, "EC041", "EC020"),
]


def _body(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj).encode()  # ASCII escapes: a lone surrogate travels as "\ud800"


@pytest.fixture(scope="module")
def client(pipeline: Any) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), pipeline=pipeline), raise_server_exceptions=False) as c:
        yield c


# ------------------------------------------------------------------ in-process


@pytest.mark.parametrize(("body", "code", "inner"), POISONED)
def test_server_poisoned_body_is_a_coded_422(client: TestClient, body: dict[str, Any], code: str,
                                              inner: str) -> None:
    error = assert_error(client.post("/api/code", content=_body(body),
                                     headers={"content-type": "application/json"}), 422, code)
    assert error["detail"]["code"] == inner, error


@pytest.mark.parametrize("published", ["2024-13-45", "yesterday", "2024", "May 2024", " "])
def test_server_published_is_validated_like_the_cli_option(client: TestClient, published: str) -> None:
    error = assert_error(client.post("/api/code", json={"text": VALID, "published": published}), 422, "EC041")
    assert error["detail"]["code"] == "EC020" and "published" in error["message"]


def test_server_accepts_the_dates_the_cli_accepts(client: TestClient) -> None:
    for published in ("2024-05-07", "May 7, 2024", "2024-05-07T10:00:00Z"):
        got = client.post("/api/code", json={"text": VALID, "published": published})
        assert got.status_code == 200 and got.json()["published"] == "2024-05-07", published


def test_server_surrogates_and_invisible_characters_are_normalized(client: TestClient, pipeline: Any) -> None:
    body = {"text": "Police arrested 12 protesters in \u200bLagos\ud800 on Monday.", "title": "T\udc00",
            "publisher": "Wire\x07", "url": "https://example.org/\udfff", "published": "2024-05-07"}
    got = client.post("/api/code", content=_body(body), headers={"content-type": "application/json"})
    assert got.status_code == 200, got.text
    record = got.json()
    assert record["text"] == "Police arrested 12 protesters in  Lagos\ufffd on Monday."
    assert (record["title"], record["publisher"], record["url"]) == ("T\ufffd", "Wire ", "https://example.org/\ufffd")
    assert [e["location"]["name"] for e in record["events"]] == ["Lagos"]
    cli = pipeline.code_text(body["text"], published="2024-05-07")
    assert [e["id"] for e in record["events"]] != [] and record["text"] == cli.text


class _ExplodingPipeline:
    """The real pipeline, except that any call whose batch holds ``KABOOM`` raises (a bug below
    ``Pipeline.pipe`` that its own isolation does not catch)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[int] = []

    def pipe(self, items: Any) -> Iterator[DocumentResult]:
        items = list(items)
        self.calls.append(len(items))
        if any(isinstance(i, Article) and "KABOOM" in i.text for i in items):
            raise RuntimeError("the pipeline blew up")
        yield from self.real.pipe(items)


def test_coder_a_failing_batch_fails_only_its_culprit(pipeline: Any) -> None:
    exploding = _ExplodingPipeline(pipeline)
    coder = Coder(Settings(), exploding)  # type: ignore[arg-type]
    texts = [f"Police arrested {n} protesters in Lagos on Monday." for n in range(3, 13)]
    texts[4] = "Gunmen attacked a bus near Jos. KABOOM."

    async def run() -> list[Any]:
        gate = asyncio.Event()

        async def one(i: int, text: str) -> Any:
            await gate.wait()
            return await coder.code(Article(id=f"d{i}", text=text))

        tasks = [asyncio.create_task(one(i, t)) for i, t in enumerate(texts)]
        await asyncio.sleep(0)
        gate.set()
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    try:
        results = asyncio.run(run())
    finally:
        coder.close()
    assert isinstance(results[4], RuntimeError)
    assert [r.status for i, r in enumerate(results) if i != 4] == ["ok"] * 9
    assert max(exploding.calls) > 1  # they were batched together, and then coded apart


def test_server_a_500_keeps_the_keep_alive_connection(pipeline: Any) -> None:
    import uvicorn

    app = create_app(Settings(), pipeline=_ExplodingPipeline(pipeline))  # type: ignore[arg-type]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        status, error, closing = _post(conn, {"text": "Gunmen attacked a bus near Jos. KABOOM."})
        assert status == 500 and error["error"]["code"] == "EC049" and not closing
        sock = conn.sock
        status, record, closing = _post(conn, {"text": VALID})
        assert status == 200 and record["status"] == "ok" and conn.sock is sock  # the same connection
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# ------------------------------------------------------------------ real servers


def _post(conn: http.client.HTTPConnection, body: dict[str, Any]) -> tuple[int, dict[str, Any], bool]:
    conn.request("POST", "/api/code", body=_body(body), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    return response.status, data, response.will_close


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``eventcoder serve`` in a subprocess (long-document lane from 20,000 characters)."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    proc = start_server(["--long-chars", "20000"], port, log)
    try:
        yield port
    finally:
        stop_server(proc)


@pytest.mark.slow
@pytest.mark.parametrize(("poison", "code", "inner"), POISONED)
def test_server_30_valid_requests_and_one_poisoned_give_30_ok_and_one_4xx(
    server: int, poison: dict[str, Any], code: str, inner: str
) -> None:
    bodies = [{"text": f"Police arrested {n} protesters in Lagos on Monday."} for n in range(3, 33)]
    bodies.insert(17, poison)
    gate = threading.Barrier(len(bodies))

    def send(body: dict[str, Any]) -> tuple[int, dict[str, Any], int, bool]:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=300)
        try:
            gate.wait(timeout=60)
            status, answer, closing = _post(conn, body)
            sock = conn.sock
            again, _, _ = _post(conn, {"text": VALID})  # the same keep-alive connection, after any answer
            return status, answer, again, not closing and conn.sock is sock
        finally:
            conn.close()

    with ThreadPoolExecutor(len(bodies)) as pool:
        results = list(pool.map(send, bodies))
    statuses = [s for s, _, _, _ in results]
    assert statuses.count(200) == 30 and statuses[17] == 422, statuses
    error = results[17][1]["error"]
    assert (error["code"], error["detail"]["code"]) == (code, inner)
    assert all(again == 200 and kept for _, _, again, kept in results)


@pytest.mark.slow
def test_server_short_requests_keep_their_latency_while_a_long_document_is_coded(server: int) -> None:
    def short() -> float:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=300)
        try:
            started = time.perf_counter()
            status, _, _ = _post(conn, {"text": VALID})
            assert status == 200
            return time.perf_counter() - started
        finally:
            conn.close()

    baseline = sorted(short() for _ in range(5))[2]
    text = long_article(200_000)
    with ThreadPoolExecutor(1) as pool:
        started = time.perf_counter()
        long_job = pool.submit(_long, server, text)
        time.sleep(1.0)  # the long document is in its lane
        during = [short() for _ in range(10)]
        assert not long_job.done()  # they were measured while it ran
        status, record = long_job.result(timeout=900)
        long_seconds = time.perf_counter() - started
    assert status == 200 and record["status"] == "ok" and len(record["text"]) == 200_000
    assert len(record["events"]) > 100
    # each short request is answered in a small fraction of the long one's time (34 s of waiting
    # behind it before issue 15), and the median stays near the idle median
    assert max(during) < long_seconds / 5, (during, long_seconds)
    assert sorted(during)[5] < max(1.0, 10 * baseline), (during, baseline)


def _long(port: int, text: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        status, record, _ = _post(conn, {"text": text, "published": "2024-05-07"})
        return status, record
    finally:
        conn.close()


@pytest.mark.slow
def test_server_long_document_past_its_budget_is_a_coded_422_and_the_lane_recovers(pipeline: Any) -> None:
    app = create_app(Settings(), pipeline=pipeline, long_chars=5000, max_seconds=1.0)
    with TestClient(app, raise_server_exceptions=False) as c:
        error = assert_error(c.post("/api/code", json={"text": long_article(60_000)}), 422, "EC047")
        assert error["detail"]["code"] == "EC075" and "budget of 1 s" in error["message"]
        assert c.post("/api/code", json={"text": VALID}).status_code == 200  # the short lane never waited
        lane = c.get("/healthz").json()["pipeline"]["long_lane"]
        assert lane["from_chars"] == 5000 and lane["alive"] is False and lane["started"] == 1


@pytest.mark.slow
def test_long_lane_a_dying_child_fails_only_its_document() -> None:
    from eventcoder.server.longlane import LongLane

    lane = LongLane(Settings(), max_seconds=600)
    try:
        first = lane.code(Article(id="warm", text=VALID))  # starts the child (its load is not timed)
        assert first.status == "ok" and lane.alive
        with ThreadPoolExecutor(1) as pool:
            job = pool.submit(lane.code, Article(id="long", text=long_article(100_000)))
            time.sleep(2.0)
            assert lane._proc is not None and not job.done()
            lane._proc.kill()  # as the kernel's OOM killer would
            died = job.result(timeout=60)
        assert died.status == "failed" and died.error is not None and died.error.code == "EC074"
        assert "exit code -9" in died.error.message
        after = lane.code(Article(id="after", text=VALID))  # a new child takes the next document
        assert after.status == "ok" and lane.started == 2
        assert [(e.type, e.trigger) for e in after.events] == [(e.type, e.trigger) for e in first.events]
    finally:
        lane.close()
    assert not lane.alive
