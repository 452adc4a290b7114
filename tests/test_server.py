"""HTTP API (``eventcoder serve``): records equal to the CLI's, one error shape, limits, keys, CORS,
the DuckDB-backed query endpoints, and a load test against a real uvicorn server on loopback."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import pg_schema, require
from eventcoder.cli.main import main
from eventcoder.cli.serve import api_keys_from
from eventcoder.errors import Errors, EventcoderError, InputError
from eventcoder.ingest import iter_articles
from eventcoder.records import Article
from eventcoder.server import create_app
from eventcoder.server.launch import free_port, start_server, stop_server
from eventcoder.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "article.txt"
SEED = "000_fb3df59fa4788b8f.txt"
JSON = {"content-type": "application/json"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "status", "detail"}}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "status", "detail"}
    assert error["code"] == code and error["status"] == status
    assert error["message"].startswith(f"[{code}] ")
    assert response.headers["content-type"].startswith("application/json")
    return dict(error)


@pytest.fixture(scope="module")
def client(pipeline: Any) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), pipeline=pipeline), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def store_client(pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("store") / "events.duckdb"
    with TestClient(create_app(Settings(), db=str(db), pipeline=pipeline)) as c:
        yield c


# ------------------------------------------------------------------ POST /api/code


def test_server_code_equals_cli_record(client: TestClient, tmp_path: Path) -> None:
    out = tmp_path / "cli.jsonl"
    assert main(["code", str(EXAMPLE), "-o", str(out), "--quiet", "--workers", "1"]) == 0
    cli = json.loads(out.read_text(encoding="utf-8"))
    response = client.post("/api/code", json={"text": EXAMPLE.read_text(encoding="utf-8")})
    assert response.status_code == 200
    api = response.json()
    assert api["source"] is None and cli["source"] == str(EXAMPLE)  # the fields that say where from
    assert api["encoding"] is None
    assert cli["encoding"] == {"name": "utf-8", "confidence": 1.0, "method": "utf-8"}
    cli["source"] = cli["encoding"] = None
    assert api == cli
    assert api["published"] == "2024-03-04" and len(api["events"]) >= 4
    assert response.headers["x-eventcoder-stored"] == "0"


def test_server_code_equals_pipeline_for_metadata_and_html(client: TestClient, pipeline: Any) -> None:
    text = "Rebels attacked an army convoy near Gao on Monday, killing four soldiers, officials said."
    body = {"text": text, "id": "gao-1", "published": "2024-05-08", "publisher": "Example Wire",
            "url": "https://example.org/gao", "title": "Convoy attacked"}
    response = client.post("/api/code", json=body)
    assert response.status_code == 200
    expected = pipeline.code(Article(id="gao-1", text=text, url=body["url"], publisher="Example Wire",
                                     published="2024-05-08", title="Convoy attacked",
                                     published_source="metadata"))
    assert response.json() == expected.to_dict()
    assert response.json()["events"][0]["type"] == "ASSAULT"
    html = f"<html><head><title>Convoy</title></head><body><article><p>{text}</p></article></body></html>"
    page = client.post("/api/code", json={"html": html, "published": "2024-05-08"})
    assert page.status_code == 200
    assert page.json()["text"].strip() == text and page.json()["title"] == "Convoy"


def test_server_code_founding_article_then_query_store(
    store_client: TestClient, data_dir: Path, pipeline: Any
) -> None:
    seed = data_dir.parent / "seeds" / SEED
    require(seed.is_file(), f"the founding article ({seed})")  # the done-when check: fails in CI
    article = next(iter(iter_articles([str(seed)], Settings())))
    assert isinstance(article, Article)
    response = store_client.post("/api/code", json={"text": article.text, "store": True})
    assert response.status_code == 200 and response.headers["x-eventcoder-stored"] == "1"
    record = response.json()
    expected = pipeline.code(article).to_dict()  # what `eventcoder code` writes for the file
    assert expected["source"] == str(seed) and expected["encoding"]["name"] == "utf-8"
    assert record == {**expected, "source": None, "encoding": None}
    page = store_client.get("/api/events", params={"country": "ARM", "type": "ASSAULT"})
    assert page.status_code == 200
    rows = page.json()["events"]
    assert page.json()["total"] == len(rows) >= 1
    assert all(r["type"] == "ASSAULT" and r["doc_id"] == record["id"] for r in rows)
    assert "2020-09-27" in {r["date_value"] for r in rows}
    stored = store_client.get(f"/api/documents/{record['id']}")
    assert stored.status_code == 200 and stored.json() == record


def test_server_store_query_pagination_summary_and_filters(store_client: TestClient) -> None:
    texts = [
        "Police arrested 12 protesters in Lagos on Monday, officials said.",
        "Armenian forces shelled the Azerbaijani town of Tovuz on July 14, 2020, the ministry said.",
    ]
    ids = []
    for text in texts:
        r = store_client.post("/api/code", json={"text": text, "published": "2024-05-08", "store": True})
        assert r.status_code == 200
        ids.append(r.json()["id"])
    again = store_client.post("/api/code", json={"text": texts[0], "published": "2024-05-08", "store": True})
    assert again.json()["id"] == ids[0]  # the same text is the same document: stored once
    nga = store_client.get("/api/events", params={"country": "NGA"}).json()
    assert nga["total"] == len(nga["events"]) >= 1 and {e["doc_id"] for e in nga["events"]} == {ids[0]}
    mine = store_client.get("/api/events", params={"doc_id": ids[1]}).json()
    assert mine["total"] >= 1
    everything = store_client.get("/api/events").json()
    first = store_client.get("/api/events", params={"limit": 1}).json()
    assert first["total"] == everything["total"] >= 2 and len(first["events"]) == 1
    assert first["next"] is not None and "offset=1" in first["next"]
    second = store_client.get(first["next"]).json()
    assert second["offset"] == 1 and second["events"][0] == everything["events"][1]
    summary = store_client.get("/api/summary").json()
    assert summary["events"] == everything["total"] and summary["documents"] >= 2
    assert sum(summary["by_type"].values()) == summary["events"]
    near = store_client.get("/api/events", params={"near": "6.45,3.39,50"}).json()  # Lagos
    assert {e["doc_id"] for e in near["events"]} == {ids[0]}
    dated = store_client.get("/api/events", params={"since": "2020-07-01", "until": "2020-07-31"}).json()
    assert dated["total"] >= 1 and all(e["date_value"].startswith("2020-07") for e in dated["events"])


def test_server_fused_events_and_summary(store_client: TestClient) -> None:
    """Two outlets' reports of one ambush are one fused event, with both reports and their tolls."""
    reports = [
        ("Rebels ambushed an army convoy near Kidal on Sunday, killing four soldiers, officials said.",
         "Sahel Wire", "2023-11-06"),
        ("Five Malian soldiers died when rebels attacked a military convoy near Kidal on November 5, "
         "the army said.", "Desert Post", "2023-11-06"),
    ]
    for text, publisher, published in reports:
        r = store_client.post("/api/code", json={"text": text, "publisher": publisher, "published": published,
                                                 "store": True})
        assert r.status_code == 200, r.text
    page = store_client.get("/api/events", params={"fused": "true", "country": "MLI"}).json()
    assert page["fused"] is True and page["total"] == len(page["events"])
    ambush = [e for e in page["events"] if len(e["documents"]) == 2]
    assert len(ambush) == 1, [(e["type"], e["documents"]) for e in page["events"]]
    ev = ambush[0]
    assert ev["type"] == "ASSAULT" and ev["fatalities"]["low"] == 4 and ev["fatalities"]["high"] == 5
    assert {r["publisher"] for r in ev["reports"]} == {"Sahel Wire", "Desert Post"}
    assert any(c["field"] == "fatalities" for c in ev["conflicts"])
    one = store_client.get(f"/api/fused/{ev['id']}").json()
    assert one == ev
    assert_error(store_client.get("/api/fused/fe-nothing"), 404, "EC043")
    raw = store_client.get("/api/events", params={"country": "MLI"}).json()
    assert raw["fused"] is False and raw["total"] > page["total"] - 1
    summary = store_client.get("/api/summary", params={"fused": "true", "country": "MLI"}).json()
    assert summary["events"] == page["total"] and summary["reports"] >= 2
    assert_error(store_client.get("/api/events", params={"fused": "maybe"}), 422, "EC041")


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"content": b'{"text": "unterminated', "headers": JSON}, 400, "EC040"),
        ({"content": b"\xff\xfe\x00", "headers": JSON}, 400, "EC040"),
        ({"json": {}}, 422, "EC041"),  # missing text
        ({"json": {"url": "https://example.org"}}, 422, "EC041"),
        ({"json": {"text": 42}}, 422, "EC041"),  # wrong types
        ({"json": {"text": "x", "store": "yes"}}, 422, "EC041"),
        ({"json": {"text": "x", "published": 20240508}}, 422, "EC041"),
        ({"json": {"text": "x", "colour": "red"}}, 422, "EC041"),  # unknown field
        ({"json": ["text"]}, 422, "EC041"),
        ({"json": {"text": "   \n"}}, 422, "EC047"),  # empty document, as the CLI's EC001
        ({"json": {"html": "<html><body></body></html>"}}, 422, "EC047"),  # no main text: EC006
        ({"json": {"text": "x", "store": True}}, 400, "EC046"),  # no store configured
    ],
)
def test_server_code_bad_requests_get_the_error_shape(
    client: TestClient, kwargs: dict[str, Any], status: int, code: str
) -> None:
    error = assert_error(client.post("/api/code", **kwargs), status, code)
    if code == "EC041":
        assert isinstance(error["detail"], list) and error["detail"][0]["loc"][0] == "body"
    if code == "EC047":
        assert error["detail"]["code"] in {"EC001", "EC006"}
    assert client.get("/healthz").json()["status"] == "ok"  # still serving


def test_server_too_large_bodies_get_413(client: TestClient) -> None:
    big = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    error = assert_error(client.post("/api/code", content=big, headers={"content-type": "application/json"}),
                         413, "EC042")
    assert "10,485,772" in error["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts the streamed bytes
        yield b'{"text": "'
        for _ in range(7):
            yield b"a" * (1024 * 1024)
        yield b'"}'

    streamed = assert_error(client.post("/api/code", content=chunks(),
                                        headers={"content-type": "application/json"}), 413, "EC042")
    assert "more than 5,242,880" in streamed["message"]  # cut off while streaming, not by a header
    ok = client.post("/api/code", json={"text": "Police arrested 12 protesters in Lagos on Monday."})
    assert ok.status_code == 200


def test_server_routes_methods_and_filters_errors(client: TestClient, store_client: TestClient) -> None:
    assert_error(client.get("/api/nothing"), 404, "EC043")
    assert_error(client.get("/static/missing.js"), 404, "EC043")
    error = assert_error(client.delete("/api/code"), 405, "EC044")
    assert "DELETE" in error["message"]
    assert_error(client.get("/api/code"), 405, "EC044")
    assert_error(client.post("/healthz"), 405, "EC044")
    assert_error(client.get("/api/events"), 400, "EC046")  # no store
    assert_error(store_client.get("/api/documents/no-such-doc"), 404, "EC043")
    bad: list[dict[str, Any]] = [
        {"since": "last tuesday"}, {"until": "2020-13-45"}, {"near": "40,44"}, {"near": "95,44,10"},
        {"near": "a,b,c"}, {"type": "BATTLE"}, {"country": "ZZZ"}, {"limit": 0}, {"limit": 5000},
        {"limit": "ten"}, {"offset": -1}, {"since": "2021-01-01", "until": "2020-01-01"},
        {"offset": 2**63},  # past SQL's BIGINT: a client's error, not the database's 500
    ]
    for params in bad:
        error = assert_error(store_client.get("/api/events", params=params), 422, "EC041")
        assert error["detail"], params
        if "limit" not in params and "offset" not in params:
            assert_error(store_client.get("/api/summary", params=params), 422, "EC041")
    assert store_client.get("/api/events", params={"type": "assault", "country": "am"}).status_code == 200


def test_server_document_ids_with_slashes_are_served(store_client: TestClient) -> None:
    """JSONL ids like "2020/09/27/x" (and a failed file's id, its path) hold slashes."""
    body = {"text": "Police arrested 12 protesters in Lagos on Monday.", "id": "wire/2024/05/lagos",
            "published": "2024-05-08", "store": True}
    record = store_client.post("/api/code", json=body).json()
    assert record["id"] == "wire/2024/05/lagos"
    for path in ("/api/documents/wire/2024/05/lagos", "/api/documents/wire%2F2024%2F05%2Flagos"):
        got = store_client.get(path)
        assert got.status_code == 200 and got.json() == record
    assert_error(store_client.get("/api/documents/wire/2024/05/other"), 404, "EC043")


class _BrokenStore:
    """A store whose reads fail unexpectedly: the 500 keeps the shape and the server goes on."""

    def count_events(self, query: Any) -> int:
        raise RuntimeError("disk on fire")

    def summary(self, query: Any) -> dict[str, Any]:
        raise RuntimeError("disk on fire")

    def close(self) -> None:
        return None


class _FailingDatabase:
    """A store whose database fails with the store's own coded error (EC037), whose message names
    the database host and quotes the driver."""

    def count_events(self, query: Any) -> int:
        raise EventcoderError(Errors.EC037, target="postgresql://app@10.0.0.7:5432/events",
                              detail='password authentication failed for user "app"')

    def close(self) -> None:
        return None


def test_server_store_failure_is_500_without_the_driver_text(
    pipeline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(), db=_FailingDatabase(), pipeline=pipeline)
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/events")
        error = assert_error(response, 500, "EC049")
        assert error["detail"] == {"code": "EC037"} and "EC037" in error["message"]
        assert "10.0.0.7" not in response.text and "password" not in response.text
        assert c.get("/healthz").status_code == 200
    assert "10.0.0.7" in caplog.text  # the operator still reads it in the server's log


def test_server_unexpected_exception_is_500_with_shape(pipeline: Any) -> None:
    app = create_app(Settings(), db=_BrokenStore(), pipeline=pipeline)
    with TestClient(app, raise_server_exceptions=False) as c:
        error = assert_error(c.get("/api/events"), 500, "EC049")
        assert "RuntimeError" in error["message"] and "disk on fire" not in error["message"]
        assert_error(c.get("/api/summary"), 500, "EC049")
        assert c.get("/healthz").status_code == 200


# ------------------------------------------------------------------ keys, CORS, meta


def test_server_api_key_required_on_post_when_configured(pipeline: Any) -> None:
    app = create_app(Settings(), api_keys=("s3cret", "other"), pipeline=pipeline)
    text = {"text": "Police arrested 12 protesters in Lagos on Monday."}
    with TestClient(app, raise_server_exceptions=False) as c:
        error = assert_error(c.post("/api/code", json=text), 401, "EC045")
        assert error["detail"] is None
        assert c.post("/api/code", json=text).headers["www-authenticate"] == "Bearer"
        assert_error(c.post("/api/code", json=text, headers={"X-API-Key": "wrong"}), 401, "EC045")
        assert_error(c.post("/api/code", json=text, headers={"Authorization": "Bearer s3cre"}), 401, "EC045")
        assert c.post("/api/code", json=text, headers={"X-API-Key": "s3cret"}).status_code == 200
        assert c.post("/api/code", json=text, headers={"Authorization": "Bearer other"}).status_code == 200
        assert c.get("/healthz").json()["api_key_required"] is True  # reads stay open
        assert c.get("/api/outlines").status_code == 200


def test_server_api_keys_from_option_or_environment() -> None:
    assert api_keys_from(["a", " b "], {"EVENTCODER_API_KEYS": "x,y"}) == ("a", "b")
    with pytest.raises(InputError, match=r"\[EC038\].*--api-key"):  # --api-key "$UNSET": not an open server
        api_keys_from(["a", " "], {"EVENTCODER_API_KEYS": "x,y"})
    assert api_keys_from([], {"EVENTCODER_API_KEYS": " x, ,y "}) == ("x", "y")
    assert api_keys_from([], {}) == ()


def test_server_cors_off_by_default_on_when_configured(client: TestClient, pipeline: Any) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    preflight = {**origin, "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/api/code", headers=preflight).headers
    app = create_app(Settings(), cors_origins=("https://elsewhere.example",), pipeline=pipeline)
    with TestClient(app) as c:
        assert c.get("/healthz", headers=origin).headers["access-control-allow-origin"] == origin["Origin"]
        other = c.get("/healthz", headers={"Origin": "https://evil.example"}).headers
        assert "access-control-allow-origin" not in other


def test_server_openapi_explorer_and_outlines(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    routes = {"/api/code", "/api/events", "/api/summary", "/api/documents/{doc_id}", "/healthz"}
    assert routes <= set(schema["paths"])
    assert "text" in schema["components"]["schemas"]["CodeRequest"]["properties"]
    page = client.get("/")
    assert page.status_code == 200 and "explorer.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace('href="/openapi.json"', "").split("<body>")[0]  # nothing remote
    for asset in ("explorer.js", "explorer.css"):
        body = client.get(f"/static/{asset}").text
        assert "https://" not in body and "http://" not in body.replace("http://www.w3.org/2000/svg", "")
    outlines = client.get("/api/outlines")
    assert outlines.headers["content-type"].startswith("application/geo+json")
    features = {f["id"]: f for f in outlines.json()["features"]}
    assert len(features) > 150 and {"ARM", "AZE", "KEN", "NGA", "USA"} <= set(features)
    assert features["ARM"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert len(outlines.content) < 400_000


def test_cli_serve_blank_api_key_is_refused_before_serving(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    assert main(["serve", "--api-key", "", "--port", "8765"]) == 2
    assert "[EC038]" in capsys.readouterr().err and served == []


def test_cli_serve_without_server_extra_is_ec025(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    assert main(["serve", "--port", "8765"]) == 2
    assert "EC025" in capsys.readouterr().err


# ------------------------------------------------------------------ load test on a real server


CITIES = ["Lagos", "Nairobi", "Kabul", "Baghdad", "Mogadishu", "Khartoum", "Kyiv", "Bamako", "Yerevan",
          "Baku"]
ACTS = [
    "Police arrested {n} protesters in {city} on Monday, officials said.",
    "Gunmen attacked a police station in {city} on Tuesday, killing {n} officers.",
    "Thousands of workers marched in {city} on Friday to demand higher wages; {n} were detained.",
    "The president met the foreign minister in {city} on Wednesday to discuss {n} refugees.",
]


def generated_articles() -> list[str]:
    """200 short articles of our own: 150 distinct, 50 repeated on purpose (idempotency)."""
    distinct = [ACTS[i % len(ACTS)].format(n=3 + i, city=CITIES[i % len(CITIES)]) for i in range(150)]
    return distinct + distinct[::3][:50]


def post_json(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-API-Key": "load-key"})
    try:
        with urllib.request.urlopen(request, timeout=300) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture(params=["duckdb", "postgresql"])
def load_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The load test's store: a DuckDB file, or a fresh schema of the PostgreSQL server on loopback
    (EVENTCODER_TEST_PG; the engine teams share, with its pool and per-document locks)."""
    if request.param == "duckdb":
        yield str(tmp_path / "load.duckdb")
        return
    with pg_schema("ec_load") as url:
        yield url


@pytest.mark.slow
def test_server_load_200_concurrent_posts_store_exact_rows(
    pipeline: Any, tmp_path: Path, load_store: str
) -> None:
    texts = generated_articles()
    assert len(texts) == 200 and len(set(texts)) == 150
    published = "2024-05-08"
    expected = {}
    for text in set(texts):  # the same coding in-process: what the store must hold afterwards
        doc = pipeline.code_text(text, published=published)
        expected[doc.id] = doc
    expected_events = {e.id for d in expected.values() for e in d.events}
    assert len(expected_events) >= 150

    db = load_store
    port = free_port()
    proc = start_server(["--db", db, "--api-key", "load-key"], port, tmp_path / "server.log")
    try:
        url = f"http://127.0.0.1:{port}/api/code"
        gate = threading.Barrier(200)

        def send(text: str) -> tuple[int, dict[str, Any]]:
            gate.wait(timeout=60)
            return post_json(url, {"text": text, "published": published, "store": True})

        with ThreadPoolExecutor(max_workers=200) as pool:
            results = list(pool.map(send, texts))
        statuses = [s for s, _ in results]
        assert not [s for s in statuses if s >= 500], statuses
        assert statuses.count(200) == 200
        assert {b["id"] for _, b in results} == set(expected)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/api/summary", timeout=30) as r:
            summary = json.loads(r.read())
        assert summary["documents"] == len(expected) and summary["events"] == len(expected_events)
        with urllib.request.urlopen(f"{base}/api/events?limit=1000", timeout=30) as r:
            page = json.loads(r.read())
        assert {e["event_id"] for e in page["events"]} == expected_events
    finally:
        stop_server(proc)
    from eventcoder.store import open_store

    with open_store(db) as store:
        counts = store.table_counts()
    assert counts["documents"] == len(expected) and counts["events"] == len(expected_events)


class _GatedPipeline:
    """The real pipeline behind a gate: calls wait until the test opens it."""

    def __init__(self, real: Any) -> None:
        self.real, self.gate, self.entered = real, threading.Event(), threading.Event()

    def pipe(self, items: Any) -> Any:
        self.entered.set()
        assert self.gate.wait(60)
        yield from self.real.pipe(items)


def test_server_busy_coder_answers_503_and_recovers(pipeline: Any) -> None:
    gated = _GatedPipeline(pipeline)
    app = create_app(Settings(), pipeline=gated, max_pending=1)  # type: ignore[arg-type]
    text = {"text": "Police arrested 12 protesters in Lagos on Monday."}
    with TestClient(app, raise_server_exceptions=False) as c, ThreadPoolExecutor(1) as pool:
        first = pool.submit(c.post, "/api/code", json=text)
        assert gated.entered.wait(30)  # the first document holds the pipeline
        busy = c.post("/api/code", json=text)
        error = assert_error(busy, 503, "EC055")
        assert error["detail"] == {"pending": 1, "limit": 1} and busy.headers["retry-after"] == "5"
        assert c.get("/healthz").json()["pipeline"]["pending"] == 1  # reads are not queued
        gated.gate.set()
        assert first.result(timeout=60).status_code == 200
        assert c.post("/api/code", json=text).status_code == 200  # the slot was given back
        assert c.get("/healthz").json()["pipeline"]["pending"] == 0


def test_cli_serve_max_pending_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--max-pending", "0"])
    assert exc.value.code == 2 and "must be at least 1" in capsys.readouterr().err


def test_server_launch_reports_a_server_that_exits_with_its_log(tmp_path: Path) -> None:
    """``start_server`` (shared by the tests and benchmarks) fails with the server's own words."""
    from eventcoder.server.launch import ServerStartError

    with pytest.raises(ServerStartError, match=r"(?s)server exited: .*unrecognized arguments: --no-such"):
        start_server(["--no-such-option"], free_port(), tmp_path / "server.log", timeout=60)
