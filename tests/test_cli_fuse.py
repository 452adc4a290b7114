"""Issue 12, end to end: ``eventcoder code --db`` then ``eventcoder events --fused`` and
``eventcoder fuse``, on DuckDB and PostgreSQL, with articles of our own.

Two outlets report one border clash (different tolls, one with the other side's counter-claim);
a protest in the same country the same week is another event.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from eventcoder.cli.main import main
from eventcoder.errors import ExitCode
from eventcoder.fusion.flat import FUSED_COLUMNS
from eventcoder.store.export import ACLED_COLUMNS

CLASH_A = {
    "id": "wire-clash", "publisher": "Mountain Wire", "published": "2023-09-12",
    "text": "Two Armenian soldiers were killed on Monday when Azerbaijani troops opened fire on their "
            "positions near the town of Sotk in Gegharkunik province, Armenia's defence ministry said.",
}
CLASH_B = {
    "id": "herald-clash", "publisher": "Caspian Herald", "published": "2023-09-12",
    "text": "Three soldiers died in a clash between Armenian and Azerbaijani forces near Sotk on "
            "September 11, officials said.\n\nAzerbaijan's defence ministry said Armenian troops had fired "
            "first on Azerbaijani positions near Sotk.",
}
PROTEST = {
    "id": "wire-protest", "publisher": "Mountain Wire", "published": "2023-09-14",
    "text": "Hundreds of students protested in Yerevan on Wednesday against higher tuition fees, "
            "police said.",
}
LATER = {
    "id": "herald-clash-2", "publisher": "Caspian Herald", "published": "2023-09-13",
    "text": "An Armenian soldier was wounded near Sotk on Tuesday when Azerbaijani troops fired on a post, "
            "the ministry said.",
}


def _write(path: Path, *records: dict[str, str]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def _fused(db: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    assert main(["events", "--db", db, "--fused", "--format", "jsonl", *extra]) == ExitCode.OK
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_cli_fuse_two_outlets_one_clash_and_a_protest_apart(target: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "news.jsonl", CLASH_A, CLASH_B, PROTEST)
    assert main(["code", src, "--db", target, "--workers", "1", "--quiet"]) == ExitCode.OK
    fused = _fused(target, capsys)
    for ev in fused:
        assert {"type", "actor", "recipient", "date", "location", "documents", "reports", "sources",
                "fatalities", "injured", "conflicts"} <= set(ev)
    clashes = [e for e in fused if e["type"] == "ASSAULT"]
    assert len(clashes) == 1, [(e["type"], e["documents"], e["date"]) for e in fused]
    clash = clashes[0]
    assert sorted(clash["documents"]) == ["herald-clash", "wire-clash"]
    assert clash["fatalities"]["low"] == 2 and clash["fatalities"]["high"] == 3
    assert clash["date"]["value"] == "2023-09-11"
    assert clash["location"]["name"] == "Sotk"
    assert clash["sources"]["documents"] == 2 and clash["sources"]["publishers"] == 2
    # the counter-claim is a report of this clash with the sides the other way round
    assert any(r["orientation"] == "swapped" for r in clash["reports"])
    assert clash["actor"]["disputed"] is True
    fields = {c["field"] for c in clash["conflicts"]}
    assert {"fatalities", "actor"} <= fields
    protests = [e for e in fused if e["type"] == "PROTEST"]
    assert [p["documents"] for p in protests] == [["wire-protest"]]

    # one more report of the same clash joins it; re-coding an article never duplicates a report
    more = _write(tmp_path / "more.jsonl", {**CLASH_A, "id": "third-clash", "publisher": "Valley Post"})
    assert main(["code", more, src, "--db", target, "--workers", "1", "--quiet"]) == ExitCode.OK
    again = [e for e in _fused(target, capsys) if e["type"] == "ASSAULT"]
    assert len(again) == 1 and again[0]["id"] == clash["id"]
    assert sorted(again[0]["documents"]) == ["herald-clash", "third-clash", "wire-clash"]
    ids = [r["event_id"] for r in again[0]["reports"]]
    assert len(ids) == len(set(ids))
    # the next day's shooting at the same place is another event
    nxt = _write(tmp_path / "next.jsonl", LATER)
    assert main(["code", nxt, "--db", target, "--workers", "1", "--quiet"]) == ExitCode.OK
    assaults = [e for e in _fused(target, capsys) if e["type"] == "ASSAULT"]
    assert sorted(e["date"]["value"] for e in assaults) == ["2023-09-11", "2023-09-12"]


def test_cli_fuse_formats_filters_and_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "events.duckdb")
    src = _write(tmp_path / "news.jsonl", CLASH_A, CLASH_B, PROTEST, LATER)
    assert main(["code", src, "--db", db, "--workers", "1", "--quiet"]) == ExitCode.OK
    capsys.readouterr()
    assert main(["events", "--db", db, "--fused", "--format", "csv"]) == ExitCode.OK
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and list(rows[0]) == list(FUSED_COLUMNS)
    clash = next(r for r in rows if r["type"] == "ASSAULT" and r["date_value"] == "2023-09-11")
    assert clash["n_documents"] == "2" and "fatalities:" in clash["conflicts"]
    assert main(["events", "--db", db, "--fused", "--format", "acled"]) == ExitCode.OK
    acled = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert acled and list(acled[0]) == list(ACLED_COLUMNS)
    row = next(r for r in acled if r["event_date"] == "2023-09-11")
    assert "Mountain Wire" in row["source"] and "Caspian Herald" in row["source"]
    assert row["notes"].count(" | ") >= 1  # every report in the notes
    assert main(["events", "--db", db, "--fused", "--format", "parquet", "-o", str(tmp_path / "f.parquet"),
                 "--quiet"]) == ExitCode.OK
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "f.parquet").num_rows == len(rows)
    assert main(["events", "--db", db, "--fused", "--format", "table", "--width", "120"]) == ExitCode.OK
    assert "2 docs" in capsys.readouterr().out
    assert [e["type"] for e in _fused(db, capsys, "--type", "PROTEST")] == ["PROTEST"]
    assert all("herald-clash" in e["documents"] for e in _fused(db, capsys, "--doc", "herald-clash"))
    assert _fused(db, capsys, "--since", "2023-09-13") != []
    # wider windows (MELTT's one day): the next day's shooting joins the clash
    assert main(["fuse", "--db", db, "--days", "1", "--quiet"]) == ExitCode.OK
    assert len([e for e in _fused(db, capsys) if e["type"] == "ASSAULT"]) == 1
    assert main(["fuse", "--db", db, "--days", "-2"]) == ExitCode.BAD_ARGUMENTS
    assert "EC060" in capsys.readouterr().err


def test_cli_fuse_coded_files_without_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "news.jsonl", CLASH_A, CLASH_B, PROTEST)
    coded = tmp_path / "coded.jsonl"
    assert main(["code", src, "-o", str(coded), "--workers", "1", "--quiet"]) == ExitCode.OK
    with coded.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    capsys.readouterr()
    assert main(["fuse", str(coded)]) == ExitCode.OK
    out = capsys.readouterr()
    fused = [json.loads(line) for line in out.out.splitlines()]
    assert any(sorted(e["documents"]) == ["herald-clash", "wire-clash"] for e in fused)
    assert "EC061" in out.err and "skipped 1" in out.err
    parquet = tmp_path / "coded.parquet"
    assert main(["code", src, "-o", str(parquet), "--workers", "1", "--quiet"]) == ExitCode.OK
    capsys.readouterr()
    assert main(["fuse", str(parquet), "--quiet"]) == ExitCode.OK
    from_parquet = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(e["id"] for e in from_parquet) == sorted(e["id"] for e in fused)
    assert main(["fuse"]) == ExitCode.BAD_ARGUMENTS
    assert main(["fuse", str(tmp_path / "missing.jsonl")]) == ExitCode.BAD_ARGUMENTS


def test_cli_fuse_refuses_a_missing_store_and_counts_unreadable_input_as_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.duckdb"
    assert main(["fuse", "--db", str(missing)]) == ExitCode.BAD_ARGUMENTS
    assert "[EC030]" in capsys.readouterr().err and not missing.exists()  # no new, empty store
    text = tmp_path / "article.txt"
    text.write_text("Police arrested 12 protesters in Lagos on Monday.\nA second line.\n", encoding="utf-8")
    assert main(["fuse", str(text), "--quiet"]) == ExitCode.ALL_FAILED  # no line is a coded record
    err = capsys.readouterr().err
    assert err.count("skipped 1 x [EC061] Cannot fuse line") == 2
