"""Duplicate ids (issue 14, and issue 15's "the --db summary counts 6 ok while the store holds 5"):
the same id with the same text is one document, counted as a duplicate; with other text it is an
EC080 failure, or a suffixed id with ``--on-duplicate suffix``. Never silent, in plain runs,
``--output-dir`` batches (across resumes), ``--db`` stores (DuckDB and PostgreSQL) and Spark."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import require
from eventcoder.cli.main import main
from eventcoder.duplicates import SAME_CONTENT, DuplicateFilter, fingerprint, suffix_id, text_fingerprint
from eventcoder.errors import ExitCode, InputError
from eventcoder.records import Article, DocumentResult, event_id
from eventcoder.store import open_store

ARREST = "Police arrested 12 protesters in Lagos on Monday, officials said."
ATTACK = "Gunmen attacked a police station in Kabul on Tuesday, killing three officers."
MARCH = "Thousands of workers marched in Nairobi on Friday to demand higher wages."
CLASH = "Troops clashed with rebels near Gao on Wednesday, the army said."
TALKS = "The foreign minister met his Armenian counterpart in Baku on Thursday."
# six lines: "a" repeated with the same text (line 4), "a" with other text (line 5)
LINES = [("a", ARREST), ("b", ATTACK), ("c", MARCH), ("a", ARREST), ("a", CLASH), ("d", TALKS)]


def _write(path: Path, lines: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": t, "published": "2024-05-08"}) + "\n"
                            for i, t in lines), encoding="utf-8")
    return path


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _suffixed(doc_id: str, text: str) -> str:
    return suffix_id(doc_id, text_fingerprint(text))


# ---------------------------------------------------------------- the policy itself


def _with_source(doc: DocumentResult, source: str) -> DocumentResult:
    from dataclasses import replace

    return replace(doc, source=source)


def test_duplicates_filter_same_text_other_text_and_suffix(code: Any) -> None:
    first = _with_source(code(ARREST, id="a"), "f#L1")
    same = _with_source(code(ARREST, id="a"), "f#L4")
    other = _with_source(code(CLASH, id="a"), "f#L5")
    fail = DuplicateFilter("fail")
    assert fail(first) is first
    assert fail(same) is None and fail.duplicates == 1
    conflict = fail(other)
    assert conflict is not None and conflict.status == "failed" and conflict.error is not None
    assert conflict.error.code == "EC080" and conflict.id == _suffixed("a", CLASH)
    message = conflict.error.message
    assert "'a'" in message and "f#L5" in message and "f#L1" in message
    assert conflict.source == "f#L5"
    assert fail(other) is None and fail.duplicates == 2  # the same other text again: a duplicate of it

    suffix = DuplicateFilter("suffix")
    assert suffix(first) is first
    kept = suffix(other)
    assert kept is not None and kept.status == "ok" and kept.id == _suffixed("a", CLASH)
    assert kept.events and all(ev.id == event_id(kept.id, ev.type, ev.trigger.start, ev.trigger.end)
                               for ev in kept.events)
    assert kept.text == CLASH and {e.id for e in kept.events}.isdisjoint(e.id for e in first.events)
    with pytest.raises(ValueError):
        DuplicateFilter("replace")


def test_duplicates_filter_known_ids_and_the_same_source_coded_again(code: Any) -> None:
    failed = DocumentResult.failed("a", "EC001", "[EC001] Empty document", source="f#L1")
    known = {"a": ("f#L1", fingerprint(failed)), "b": ("f#L2", text_fingerprint(ATTACK))}
    dups = DuplicateFilter("fail", known)
    fixed = _with_source(code(ARREST, id="a"), "f#L1")  # the failed line, fixed and retried
    assert dups(fixed) is fixed
    again = _with_source(code(ARREST, id="a"), "f#L1")  # but only once: then it is a duplicate
    assert dups(again) is None
    assert dups(_with_source(code(ATTACK, id="b"), "g#L9")) is None  # coded in an earlier run
    clash = dups(_with_source(code(CLASH, id="b"), "g#L10"))
    assert clash is not None and clash.error is not None and clash.error.code == "EC080"
    pre = list(dups.pre([Article(id="b", text=ATTACK, source="x")]))  # never reaches the pipeline
    assert pre == [] and dups.duplicates == 3


def test_duplicates_filter_an_input_that_uses_a_suffixed_id_itself(code: Any) -> None:
    dups = DuplicateFilter("suffix")
    taken = _suffixed("a", CLASH)
    ids = [d.id for d in (dups(_with_source(code(t, id=i), s)) for i, t, s in
                          [("a", ARREST, "1"), (taken, TALKS, "2"), ("a", CLASH, "3")]) if d is not None]
    assert ids[:2] == ["a", taken] and ids[2] not in ids[:2] and ids[2].startswith(taken)


def test_duplicates_store_upsert_refuses_one_id_with_two_texts(tmp_path: Path, code: Any) -> None:
    with open_store(str(tmp_path / "s.duckdb")) as store:
        a1 = code(ARREST, id="a")
        assert store.upsert([a1, a1]).documents == 1
        with pytest.raises(InputError) as err:
            store.upsert([code(ATTACK, id="b"), code(CLASH, id="b")])
        assert err.value.code == "EC080"
        assert store.document("b") is None and store.table_counts()["documents"] == 1


# ---------------------------------------------------------------- plain runs and --db


def test_duplicates_plain_run_is_never_silent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "in.jsonl", LINES)
    out = tmp_path / "out.jsonl"
    assert main(["code", str(src), "-o", str(out), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "documents in: 5, ok: 4, failed: 1 (EC080: 1)" in err
    assert f"skipped: 1 ({SAME_CONTENT}: 1)" in err
    recs = _records(out)
    assert [r["id"] for r in recs] == ["a", "b", "c", _suffixed("a", CLASH), "d"]
    assert recs[0]["text"] == ARREST and recs[3]["status"] == "failed"
    assert recs[3]["error"]["code"] == "EC080" and recs[3]["source"] == f"{src}#L5"


def test_duplicates_workers_give_the_same_records(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", LINES * 3)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["code", str(src), "-o", str(one), "--workers", "1", "--quiet"]) == 0
    assert main(["code", str(src), "-o", str(two), "--workers", "2", "--quiet"]) == 0
    assert _records(one) == _records(two)
    assert len({r["id"] for r in _records(one)}) == len(_records(one)) == 5


@pytest.mark.parametrize("mode", ["fail", "suffix"])
def test_duplicates_db_summary_counts_what_the_store_holds(
    tmp_path: Path, target: str, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path / "in.jsonl", LINES)
    assert main(["code", str(src), "--db", target, "--workers", "1", "--on-duplicate", mode]) == 0
    err = capsys.readouterr().err
    ok, failed = (4, 1) if mode == "fail" else (5, 0)
    assert f"documents in: 5, ok: {ok}, failed: {failed}" in err and f"{SAME_CONTENT}: 1" in err
    assert "stored 5 documents" in err
    with open_store(target) as store:
        assert store.table_counts()["documents"] == 5
        assert store.summary(store_query())["documents"] == 5
        first = store.document("a")
        assert first is not None and first.text == ARREST  # the first keeps its id, never replaced
        later = store.document(_suffixed("a", CLASH))
        assert later is not None and later.status == ("failed" if mode == "fail" else "ok")
        if mode == "suffix":
            assert later.text == CLASH and later.events
            stored = {e["event_id"] for e in store.events(store_query(doc_id=later.id))}
            assert stored == {e.id for e in later.events}
    # coding the same input again changes nothing: suffixes are content hashes, not counters
    assert main(["code", str(src), "--db", target, "--workers", "1", "--on-duplicate", mode, "--quiet"]) == 0
    with open_store(target) as store:
        assert store.table_counts()["documents"] == 5


def store_query(**kw: Any) -> Any:
    from eventcoder.store import EventQuery

    return EventQuery(**kw)


def test_duplicates_failed_record_and_a_later_text_under_its_id(tmp_path: Path) -> None:
    """A failure recorded under an id keeps it: a later text with that id is a duplicate id too."""
    src = _write(tmp_path / "in.jsonl", [("x", " "), ("x", ARREST)])
    out = tmp_path / "out.jsonl"
    assert main(["code", str(src), "-o", str(out), "--workers", "1", "--quiet"]) == ExitCode.ALL_FAILED
    recs = _records(out)
    assert [(r["id"], r["error"]["code"]) for r in recs] == [
        ("x", "EC001"), (_suffixed("x", ARREST), "EC080")]


# ---------------------------------------------------------------- --output-dir, across resumes


def test_duplicates_output_dir_across_a_resume_and_retry_with_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    batch = tmp_path / "batch"
    _write(src, LINES[:3])  # the run "killed" after three lines: the journal holds a, b, c
    assert main(["code", str(src), "--output-dir", str(batch), "--workers", "1", "--quiet"]) == 0
    _write(src, LINES)
    capsys.readouterr()
    assert main(["code", str(src), "--output-dir", str(batch), "--resume", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "documents in: 2, ok: 1, failed: 1 (EC080: 1)" in err
    assert "already coded: 3" in err and f"{SAME_CONTENT}: 1" in err
    parts = [r for p in sorted(batch.glob("part-*.jsonl")) for r in _records(p)]
    assert sorted(r["id"] for r in parts) == ["a", "b", "c", "d"]
    [failed] = _records(batch / "failed.jsonl")
    assert failed["id"] == _suffixed("a", CLASH) and failed["error"]["code"] == "EC080"
    # the same as an uninterrupted batch of the whole file
    whole = tmp_path / "whole"
    assert main(["code", str(src), "--output-dir", str(whole), "--workers", "1", "--quiet"]) == 0
    assert sorted(r["id"] for p in whole.glob("part-*.jsonl") for r in _records(p)) == ["a", "b", "c", "d"]
    assert _records(whole / "failed.jsonl") == [failed]
    # asked to, the batch codes the other text under the suffixed id, and the failure is settled
    assert main(["code", str(src), "--output-dir", str(batch), "--retry-failed", "--on-duplicate", "suffix",
                 "--workers", "1", "--quiet"]) == 0
    parts = [r for p in sorted(batch.glob("part-*.jsonl")) for r in _records(p)]
    assert sorted(r["id"] for r in parts) == sorted(["a", "b", "c", "d", _suffixed("a", CLASH)])
    assert _records(batch / "failed.jsonl") == []
    capsys.readouterr()
    assert main(["code", str(src), "--output-dir", str(batch), "--resume", "--workers", "1"]) == 0
    assert "documents in: 0" in capsys.readouterr().err  # nothing left, nothing coded twice


# ---------------------------------------------------------------- Spark


def test_duplicates_spark_equals_the_cli(tmp_path: Path) -> None:
    require(shutil.which("java") is not None, "Java")
    require(importlib.util.find_spec("pyspark") is not None, "pyspark (eventcoder[spark])")
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from eventcoder.settings import Settings
    from eventcoder.spark import session, spark_code

    src = _write(tmp_path / "in.jsonl", LINES * 2)  # cut into byte ranges over two partitions
    spark = session("local[2]", "512m")
    try:
        for mode in ("fail", "suffix"):
            cli = tmp_path / f"cli-{mode}.jsonl"
            assert main(["code", str(src), "-o", str(cli), "--workers", "1", "--quiet",
                         "--on-duplicate", mode]) == 0
            expected = {r["id"]: r for r in _records(cli)}
            out = tmp_path / f"spark-{mode}"
            summary = spark_code(spark, [str(src)], str(out), Settings(), partitions=2, on_duplicate=mode)
            assert summary.skipped == {SAME_CONTENT: 7}
            assert (summary.ok, summary.failed) == ((4, 1) if mode == "fail" else (5, 0))
            docs = pq.read_table(out / "documents").to_pylist()
            coded = [d for d in docs if d["status"] != "skipped"]
            assert sorted(d["doc_id"] for d in coded) == sorted(expected)
            for d in coded:
                rec = expected[d["doc_id"]]
                assert (d["status"], d["error_code"], d["source"]) == (
                    rec["status"], (rec["error"] or {}).get("code"), rec["source"])
                if rec["error"]:
                    assert d["error_message"] == rec["error"]["message"]
            events = ds.dataset(out / "events", format="parquet", partitioning="hive").to_table().to_pylist()
            assert sorted((e["doc_id"], e["event_id"]) for e in events) == sorted(
                (r["id"], e["id"]) for r in expected.values() for e in r["events"])
    finally:
        spark.stop()
