"""Spark local mode codes the same events as the CLI for the same documents (JSONL, Parquet and WARC
inputs), partitions them by month and counts failed and skipped input in its documents table."""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from conftest import odd_input_tree, require
from eventcoder.cli.main import main
from eventcoder.errors import ExitCode
from test_warc import write_warc

KEYS = ("doc_id", "type", "mode", "trigger_start", "trigger_end", "actor_country", "recipient_country",
        "date_value", "location_geonameid", "fatalities_best", "published", "url")
TEMPLATES = [
    "Police arrested {n} protesters in {p} on Monday, officials said.",
    "Troops clashed with rebels near {p} on Tuesday, killing {n} people, the army said.",
    "The president of Kenya met the prime minister of India in {p} on {m} 3, 2023.",
    "Protesters marched through {p} demanding higher wages; {n} were injured.",
    "Rebels attacked a convoy outside {p} in {m} 2022, and {n} soldiers were wounded.",
    "Officials said talks in {p} had collapsed.",
]
PLACES = ["Lagos", "Nairobi", "Kabul", "Baku", "Lima", "Quito", "Dhaka", "Manila", "Gao"]
MONTHS = ["January", "March", "June", "September", "November"]


def _docs(n: int = 50) -> list[dict[str, str]]:
    rng = random.Random(50)
    docs = []
    for i in range(n):
        text = rng.choice(TEMPLATES).format(n=rng.randint(2, 60), p=rng.choice(PLACES), m=rng.choice(MONTHS))
        doc = {"text": f"{text} Dispatch {i}.", "published": f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}"}
        if i % 3:
            doc["id"] = f"s{i}"
        docs.append(doc)
    return docs


def _events(table: object) -> dict[str, tuple]:
    rows = table.to_pylist()  # type: ignore[attr-defined]
    return {r["event_id"]: tuple(r[k] for k in KEYS) for r in rows}


def test_spark_local_mode_gives_the_same_events_as_the_cli(tmp_path: Path) -> None:
    require(shutil.which("java") is not None, "Java")
    require(importlib.util.find_spec("pyspark") is not None, "pyspark (eventcoder[spark])")
    docs = _docs()
    docs[4]["published"] = "the day before yesterday"  # no date: ignored, and said so
    docs[7]["text"] = ("Au moins 12 personnes ont été tuées lundi dans une attaque contre un village du "
                       "nord du Mali, selon des sources locales.")  # no English: coded, and said so
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc)
    all_jsonl = tmp_path / "all.jsonl"
    all_jsonl.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    # the CLI reads the 50 documents from one JSONL file and the WARC
    assert main(["code", str(all_jsonl), str(warc), "-o", str(tmp_path / "cli.parquet"), "--workers", "1",
                 "--quiet"]) == ExitCode.OK
    cli = _events(pq.read_table(tmp_path / "cli.parquet"))
    assert len(cli) > 40

    # Spark reads 30 of them from JSONL (plus one bad line), 20 from Parquet, and the same WARC
    part = tmp_path / "in"
    part.mkdir()
    (part / "a.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs[:30]) + "{broken\n",
                                  encoding="utf-8")
    rows = [{"id": d.get("id"), "text": d["text"], "published": d["published"]} for d in docs[30:]]
    pq.write_table(pa.Table.from_pylist(rows), part / "b.parquet")  # id null where the JSONL has none
    out = tmp_path / "spark"
    env = {k: v for k, v in os.environ.items() if k != "PYSPARK_PYTHON"}  # the runner picks this Python
    res = subprocess.run(
        [sys.executable, "-m", "eventcoder.cli.main", "spark", str(part / "a.jsonl"), str(part / "b.parquet"),
         str(warc), str(out), "--master", "local[2]", "--partitions", "2", "--driver-memory", "512m",
         "--fuse"],
        env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == ExitCode.OK, res.stderr[-3000:]
    assert "documents in: 53, ok: 52, failed: 1 (EC004: 1)" in res.stderr
    assert "warnings: 2 (published is no date, ignored: 1, text does not read as English: 1)" in res.stderr
    # fused on Spark: the same fused events as fusing the same Parquet events on one machine
    from eventcoder.cli.fuse import read_reports
    from eventcoder.fusion import fuse

    local = {e.id: e.to_dict() for e in fuse(read_reports([str(out / "events")], Counter()))}
    fused_rows = ds.dataset(out / "fused", format="parquet", partitioning="hive").to_table().to_pylist()
    assert {r["fused_id"]: json.loads(r["record"]) for r in fused_rows} == local
    assert f"fused {len(cli)} reports into {len(local)} events" in res.stderr

    events = ds.dataset(out / "events", format="parquet", partitioning="hive").to_table()
    spark = _events(events)
    assert set(spark) == set(cli)  # the same event ids
    assert spark == cli  # and the same key fields
    for row in events.select(["date_value", "month"]).to_pylist():
        value = row["date_value"] or ""
        assert row["month"] == (value[:7] if value[:7].replace("-", "").isdigit() and len(value) >= 7
                                else "unknown"), row
    months = {p.name for p in (out / "events").iterdir() if p.is_dir()}
    assert "month=2024-05" in months and len(months) >= 5

    documents = pq.read_table(out / "documents").to_pylist()
    by_status: dict[tuple[str, str | None], int] = {}
    for d in documents:
        key = (d["status"], d["error_code"])
        by_status[key] = by_status.get(key, 0) + d["records"]
    assert by_status == {("ok", None): 52, ("failed", "EC004"): 1, ("skipped", "warc:warcinfo"): 1,
                         ("skipped", "warc:request"): 1, ("skipped", "warc:non-html"): 1,
                         ("skipped", "warc:http-404"): 1, ("skipped", "warc:revisit"): 1}
    ignored = [d["published_ignored"] for d in documents if d["published_ignored"]]
    assert ignored == ["the day before yesterday"]
    assert [d["english_share"] for d in documents if d["english_share"] is not None] == [0.0]
    fetched = {d["url"]: d["fetched"] for d in documents if d["status"] == "ok" and d["url"]}
    assert fetched == {"https://news.example/a": "2024-05-09T10:11:12Z",
                       "https://news.example/b": "2024-05-09T10:11:12Z"}
    parquet_sources = [d["source"] for d in documents if d["source"] and "b.parquet#L" in d["source"]]
    assert len(parquet_sources) == 20
    # a.jsonl was cut into two byte ranges: line numbers (ids of failures, sources) are still true ones
    failed = [d for d in documents if d["status"] == "failed"]
    assert [d["doc_id"] for d in failed] == [f"{part / 'a.jsonl'}#L31"]
    jsonl_sources = sorted(int(d["source"].rsplit("#L", 1)[1]) for d in documents
                           if d["source"] and "a.jsonl#L" in d["source"])
    assert jsonl_sources == list(range(1, 32))


def test_spark_jsonl_byte_ranges_tile_a_file_like_a_whole_read(tmp_path: Path) -> None:
    from eventcoder.ingest import iter_articles
    from eventcoder.ingest.readers import iter_jsonl_range
    from eventcoder.settings import Settings

    path = tmp_path / "x.jsonl"
    lines = [json.dumps(d) for d in _docs(12)]
    lines[3] = "{broken"
    lines.insert(6, "")  # blank lines are skipped but counted
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    size = path.stat().st_size
    whole = list(iter_articles([str(path)], Settings()))
    newline = path.read_bytes().index(b"\n") + 1  # a cut right at a line start
    for cuts in ([], [1], [newline], [newline - 1, newline + 1], [size // 3, size // 2, size - 2],
                 list(range(97, size, 97))):
        bounds = [0, *cuts, size]
        got = [item for a, b in itertools.pairwise(bounds)
               for item in iter_jsonl_range(str(path), a, b, Settings())]
        assert got == whole, cuts


def test_spark_counts_the_directory_entries_it_does_not_read_like_the_cli(tmp_path: Path) -> None:
    from collections import Counter

    from eventcoder.settings import Settings
    from eventcoder.spark import INPUT_SCHEMA, code_arrow_batches, input_rows

    src = odd_input_tree(tmp_path, hidden_dir=True)
    names = [field.split()[0] for field in INPUT_SCHEMA.split(", ")]
    batch = pa.RecordBatch.from_pylist([dict(zip(names, r, strict=True)) for r in input_rows([str(src)], 2)])
    got: Counter[tuple[str, str | None]] = Counter()
    for out in code_arrow_batches([batch], Settings()):
        for row in out.to_pylist():
            got[(row["status"], row["error_code"])] += row["records"]
    assert got == {("ok", None): 1, ("failed", "EC008"): 1, ("skipped", "hidden entry"): 2,
                   ("skipped", "symlinked directory (not followed)"): 1}


def test_spark_fusion_equals_one_machine_across_month_boundaries(tmp_path: Path) -> None:
    """Hand-made reports around month ends, with vague and undated ones: Spark's blocks by month and
    country lose no pair, and its components give the same fused events as ``fusion.fuse``."""
    require(shutil.which("java") is not None, "Java")
    require(importlib.util.find_spec("pyspark") is not None, "pyspark (eventcoder[spark])")
    from eventcoder.fusion import FusionOptions, fuse, report_from_row
    from eventcoder.fusion.spark import spark_fuse
    from eventcoder.output import event_fields
    from eventcoder.spark import event_month, session

    rng = random.Random(4)
    towns = [("Gao", "ML", 16.27, -0.04), ("Ansongo", "ML", 15.66, 0.5), ("Menaka", "ML", 15.92, 2.4),
             ("Niamey", "NE", 13.51, 2.11)]
    sides = [("Mali MIL", "MLI", "MIL"), ("REB", None, "REB"), ("Niger MIL", "NER", "MIL"),
             (None, None, None)]
    rows = []
    for i in range(400):
        day = rng.choice(["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02", "2024-01", "2024-02",
                          "2024", None])
        town = rng.choice([*towns, None])
        actor, recipient = rng.choice(sides), rng.choice(sides)
        rows.append({
            "event_id": f"ev-{i:05d}", "doc_id": f"d{rng.randrange(150)}",
            "type": rng.choice(["ASSAULT", "PROTEST"]),
            "date_value": day, "date_precision": "day", "date_source": "clause" if day else "none",
            "published": rng.choice(["2024-02-01", "2024-02-03", "2024-02-05"]),
            "publisher": rng.choice(["A", "B", "C"]), "modality": "reported", "confidence": 0.6,
            "actor_name": actor[0], "actor_country": actor[1], "actor_sector": actor[2],
            "recipient_name": recipient[0], "recipient_country": recipient[1],
            "recipient_sector": recipient[2],
            "location_name": town[0] if town else None, "location_country": town[1] if town else None,
            "location_lat": town[2] if town else None, "location_lon": town[3] if town else None,
            "location_precision": "point" if town else None, "location_geonameid": i % 4 if town else None,
            "fatalities_best": rng.choice([None, 1, 3]), "trigger_start": i, "trigger_end": i + 4,
        })
    schema = pa.schema(event_fields())
    table = pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)
    table = table.append_column("month", pa.array([event_month(r["date_value"]) for r in rows]))
    events = tmp_path / "events"
    pq.write_to_dataset(table, events, partition_cols=["month"])
    spark = session("local[2]", "512m")
    try:
        for options in (FusionOptions(), FusionOptions(days=1)):
            out = tmp_path / f"fused-{options.days}"
            summary = spark_fuse(spark, str(events), str(out), options, partitions=3)
            got = {r["fused_id"]: json.loads(r["record"])["documents"]
                   for r in ds.dataset(out, format="parquet", partitioning="hive").to_table().to_pylist()}
            expected = {e.id: list(e.documents) for e in fuse((report_from_row(r) for r in rows), options)}
            assert got == expected
            assert summary.reports == len(rows) and summary.fused == len(expected)
            assert any(len(d) > 1 for d in expected.values())
    finally:
        spark.stop()
