"""The web explorer in a real browser: Debian's headless Chromium, driven by Playwright, against a
real ``eventcoder serve`` on loopback. Pastes our example article, codes it, and checks the
highlights, the events table, the timeline, the map (outlines and markers) and the corpus view.
``EVENTCODER_SCREENSHOTS=1`` saves docs/explorer-article.png and docs/explorer-corpus.png."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any

from conftest import require
from test_server import free_port, start_server, stop_server

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_explorer_codes_a_pasted_article_and_browses_the_store(tmp_path: Path) -> None:
    require(os.path.exists(CHROMIUM), "Chromium")
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(["--db", str(tmp_path / "explorer.duckdb")], port, tmp_path / "server.log")
    text = (REPO / "examples" / "article.txt").read_text(encoding="utf-8")
    shots = os.environ.get("EVENTCODER_SCREENSHOTS") == "1"
    try:
        request = urllib.request.Request(f"{base}/api/code", data=json.dumps({"text": text}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=120) as r:
            record: dict[str, Any] = json.loads(r.read())
        n_events = len(record["events"])
        assert n_events >= 4
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                requested: list[str] = []
                problems: list[str] = []
                page.on("request", lambda req: requested.append(req.url))
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
                page.goto(base + "/")
                page.wait_for_selector("body[data-ready='1']", timeout=30_000)

                page.fill("#input-text", text)
                page.check("#input-store")
                page.click("#code-button")
                page.wait_for_selector("#events-table tbody tr", timeout=120_000)
                page.wait_for_selector("#map circle.marker", timeout=30_000)

                assert page.locator("#events-table tbody tr").count() == n_events
                types = page.locator("#events-table tbody td:nth-child(2) .type").all_inner_texts()
                assert types == [e["type"] for e in record["events"]]
                # highlights, with normalized values and sources on hover
                assert page.locator("#highlighted mark.hl-trigger").count() >= n_events
                assert page.locator("#highlighted mark.hl-entity").count() >= 1
                assert page.locator("#highlighted mark.hl-place").count() >= 1
                times = page.locator("#highlighted mark.hl-time")
                assert times.count() >= 1
                titles = "\n".join(times.nth(i).get_attribute("title") or "" for i in range(times.count()))
                assert "time DATE = 2024-03-02" in titles and "source " in titles  # "on Saturday"
                place_title = page.locator("#highlighted mark.hl-place").first.get_attribute("title") or ""
                assert "geonameid" in place_title or "precision" in place_title
                assert page.inner_text("#highlighted") == record["text"]  # the text itself, unchanged
                # map: country outlines and a marker per located event place
                assert page.locator("#map path.country").count() > 150
                located = {(e["location"]["lat"], e["location"]["lon"]) for e in record["events"]
                           if e["location"] and e["location"]["lat"] is not None}
                assert page.locator("#map circle.marker").count() == len(located) >= 1
                # timeline: one mark per dated event
                assert page.locator("#timeline .tl-event").count() >= 1
                if shots:
                    page.screenshot(path=str(REPO / "docs" / "explorer-article.png"), full_page=True)

                page.click("#tab-corpus")
                page.wait_for_selector("#corpus-table tbody tr", timeout=30_000)
                assert page.locator("#corpus-table tbody tr").count() == n_events
                assert page.locator("#by-type .bar").count() == len({e["type"] for e in record["events"]})
                assert page.locator("#corpus-map path.country").count() > 150
                assert page.locator("#corpus-map circle.marker").count() >= 1
                page.select_option("#f-type", "ASSAULT")
                page.click("#corpus-button")
                rows = page.locator("#corpus-table tbody tr")
                expect(rows).to_have_count(sum(e["type"] == "ASSAULT" for e in record["events"]))
                shown = page.locator("#corpus-table tbody td:nth-child(3)").all_inner_texts()
                assert set(shown) == {"ASSAULT"}
                if shots:
                    page.select_option("#f-type", "")
                    page.click("#corpus-button")
                    expect(rows).to_have_count(n_events)
                    page.screenshot(path=str(REPO / "docs" / "explorer-corpus.png"), full_page=True)

                # bad input shows the API's coded error on the page
                page.click("#tab-article")
                page.fill("#input-text", "   ")
                page.click("#code-button")
                page.wait_for_selector("#error:not([hidden])", timeout=30_000)
                assert "EC047" in page.inner_text("#error")
                problems = [p for p in problems if "422" not in p]  # the browser logs the failed fetch
                assert not problems, problems
                assert requested and all(u.startswith(base + "/") for u in requested), requested
            finally:
                browser.close()
    finally:
        stop_server(proc)


def test_explorer_shows_a_fused_event_with_its_reports_side_by_side(tmp_path: Path) -> None:
    """The corpus view with "fuse reports": one row per real-world event; a click shows every
    report in its own column with the fields the sources disagree on marked."""
    require(os.path.exists(CHROMIUM), "Chromium")
    from playwright.sync_api import sync_playwright

    from test_cli_fuse import CLASH_A, CLASH_B, PROTEST

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(["--db", str(tmp_path / "fused.duckdb")], port, tmp_path / "server.log")
    shots = os.environ.get("EVENTCODER_SCREENSHOTS") == "1"
    try:
        for rec in (CLASH_A, CLASH_B, PROTEST):
            body = {k: rec[k] for k in ("text", "publisher", "published", "id")} | {"store": True}
            request = urllib.request.Request(f"{base}/api/code", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(request, timeout=120) as r:
                assert r.status == 200
        with urllib.request.urlopen(f"{base}/api/events?fused=true", timeout=30) as r:
            fused = json.loads(r.read())
        clash = next(e for e in fused["events"] if len(e["documents"]) == 2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                problems: list[str] = []
                requested: list[str] = []
                page.on("request", lambda req: requested.append(req.url))
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
                page.goto(base + "/")
                page.wait_for_selector("body[data-ready='1']", timeout=30_000)
                page.click("#tab-corpus")
                page.wait_for_selector("#corpus-table tbody tr", timeout=30_000)
                page.check("#f-fused")
                page.click("#corpus-button")
                page.wait_for_selector(f"#corpus-table tr[data-fused='{clash['id']}']", timeout=30_000)
                assert page.locator("#corpus-table tbody tr").count() == fused["total"]
                assert "fused events" in page.inner_text("#corpus-summary")
                row = page.locator(f"#corpus-table tr[data-fused='{clash['id']}']")
                assert "disputed" in row.inner_text() and "2 docs" in row.inner_text()
                row.click()
                page.wait_for_selector("#fused-detail:not([hidden])", timeout=10_000)
                # every report side by side, the disagreements marked
                assert page.locator("#fused-reports thead th").count() == len(clash["reports"]) + 1
                publishers = page.locator("#fused-reports tbody tr").first.inner_text()
                assert "Mountain Wire" in publishers and "Caspian Herald" in publishers
                assert page.locator("#fused-reports td.disputed[data-field='fatalities']").count() >= 2
                assert page.locator("#fused-reports td.swapped").count() >= 1
                conflicts = page.inner_text("#fused-conflicts")
                assert "fatalities:" in conflicts and "according to" in conflicts
                if shots:
                    page.screenshot(path=str(REPO / "docs" / "explorer-fused.png"), full_page=True)
                assert not problems, problems
                assert requested and all(u.startswith(base + "/") for u in requested), requested
            finally:
                browser.close()
    finally:
        stop_server(proc)
