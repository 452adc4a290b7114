"""``eventcoder code --db`` and ``eventcoder events``: every export format and bad arguments."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import pg_schema
from eventcoder.cli.main import main
from eventcoder.errors import ExitCode
from eventcoder.output import EVENT_COLUMNS
from eventcoder.store import EventQuery, open_store
from eventcoder.store.export import ACLED_COLUMNS

GAO = "Rebels attacked an army convoy near Gao on Monday, killing four soldiers, officials said.\n"
LAGOS = "Police arrested 12 protesters in Lagos on Tuesday after a march against fuel prices.\n"
TALKS = "The foreign minister of Armenia met his Georgian counterpart in Tbilisi on 4 March 2021.\n"


@pytest.fixture()
def inputs(tmp_path: Path) -> list[str]:
    paths = []
    for name, text in (("gao.txt", GAO), ("lagos.txt", LAGOS), ("talks.txt", TALKS)):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    return [*paths, str(tmp_path / "empty.txt")]


def _code(paths: list[str], db: str, *extra: str) -> int:
    return main(
        [
            "code",
            *paths,
            "--db",
            db,
            "--published",
            "2024-05-08",
            "--publisher",
            "Example Wire",
            "--workers",
            "1",
            *extra,
        ]
    )


@pytest.fixture()
def db(tmp_path: Path, inputs: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "events.duckdb")
    assert _code(inputs, path) == ExitCode.OK
    capsys.readouterr()
    return path


def _events(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["events", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_code_db_stores_without_stdout_and_recoding_replaces(
    tmp_path: Path, inputs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "events.duckdb")
    assert _code(inputs, path) == ExitCode.OK
    out, err = capsys.readouterr()
    assert out == ""  # --db without -o: the store is the output
    assert "stored 4 documents (" in err and "0 replaced" in err
    with open_store(path) as store:
        counts = store.table_counts()
        assert counts["documents"] == 4 and counts["events"] >= 3
        assert store.summary(EventQuery())["failed"] == 1  # the empty file, stored with EC001
    jsonl = tmp_path / "out.jsonl"
    assert _code(inputs, path, "-o", str(jsonl)) == ExitCode.OK
    assert "4 replaced" in capsys.readouterr().err
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    with open_store(path) as store:
        assert store.table_counts() == counts
        for rec in records:  # -o and the store hold the same records
            doc = store.document(rec["id"])
            assert doc is not None and doc.to_dict() == rec
        assert [r["error"]["code"] for r in records if r["status"] == "failed"] == ["EC001"]


def test_cli_events_table_and_filters(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _events(capsys, "--db", db)
    assert rc == 0 and out.splitlines()[0].split()[:3] == ["date", "type", "actor"]
    assert "ASSAULT" in out and "Gao, ML" in out and "COERCE/arrest" in out and "events" in err
    rc, out, _ = _events(capsys, "--db", db, "--type", "coerce", "--country", "NGA", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rc == 0 and len(rows) == 1 and rows[0]["location_name"] == "Lagos"
    rc, out, _ = _events(capsys, "--db", db, "--near", "16.27,-0.04,25", "--format", "jsonl")
    assert [json.loads(line)["location_name"] for line in out.splitlines()] == ["Gao"]
    # a southern latitude starts with "-": a value, not an unknown option (argparse's default)
    rc, out, err = _events(capsys, "--db", db, "--near", "-1.94,30.06,50", "--format", "jsonl")
    assert rc == 0 and out == "" and "error" not in err
    rc, out, _ = _events(capsys, "--db", db, "--since", "2021-03", "--until", "2021-03", "--format", "jsonl")
    assert {json.loads(line)["date_value"] for line in out.splitlines()} == {"2021-03-04"}
    rc, out, _ = _events(capsys, "--db", db, "--since", "2024-05-07", "--format", "jsonl", "--limit", "1")
    assert len(out.splitlines()) == 1 and json.loads(out)["date_value"] == "2024-05-07"


def test_cli_events_csv_jsonl_parquet_hold_the_event_columns(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, _ = _events(capsys, "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and list(rows[0]) == list(EVENT_COLUMNS) and len(rows) >= 3
    rc, out, _ = _events(capsys, "--db", db, "--format", "jsonl")
    jsonl = [json.loads(line) for line in out.splitlines()]
    assert [r["event_id"] for r in jsonl] == [r["event_id"] for r in rows]
    gao = next(r for r in jsonl if r["location_name"] == "Gao")
    assert gao["type"] == "ASSAULT" and gao["fatalities_best"] == 4 and gao["publisher"] == "Example Wire"
    parquet = tmp_path / "ev.parquet"
    rc, _, err = _events(capsys, "--db", db, "--format", "parquet", "-o", str(parquet))
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert rc == 0 and table.column_names == list(EVENT_COLUMNS) and table.num_rows == len(jsonl)
    assert table.to_pylist()[0]["event_id"] == jsonl[0]["event_id"] and "written to" in err


def test_cli_events_parquet_is_written_page_by_page(tmp_path: Path) -> None:
    """A large export is written a row group per page, never held whole in memory."""
    from eventcoder.cli.events import export_events

    def rows() -> Iterator[dict[str, object]]:
        for i in range(12_000):
            yield {**dict.fromkeys(EVENT_COLUMNS), "doc_id": f"d{i // 3}", "event_id": f"ev-{i}",
                   "type": "ASSAULT", "trigger_start": i, "confidence": 0.5}

    out = tmp_path / "big.parquet"
    assert export_events(rows(), "parquet", str(out)) == 12_000
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(out).metadata
    assert meta.num_rows == 12_000 and meta.num_row_groups == 3
    table = pq.read_table(out)
    assert table.column_names == list(EVENT_COLUMNS)
    assert table.column("trigger_start")[11_999].as_py() == 11_999
    empty = tmp_path / "empty.parquet"
    assert export_events(iter([]), "parquet", str(empty)) == 0
    assert pq.read_table(empty).num_rows == 0 and pq.read_table(empty).column_names == list(EVENT_COLUMNS)


def test_cli_events_acled_export(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _events(capsys, "--db", db, "--format", "acled")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and list(rows[0]) == list(ACLED_COLUMNS)
    assert all(r["eventcoder_plover_type"] != "CONSULT" for r in rows)  # not an ACLED event
    gao = next(r for r in rows if r["location"] == "Gao")
    assert gao["event_id_cnty"].startswith("MLI") and gao["event_date"] == "2024-05-06"
    assert gao["year"] == "2024" and gao["time_precision"] == "1"
    assert (gao["disorder_type"], gao["event_type"], gao["sub_event_type"]) == (
        "Political violence",
        "Battles",
        "Armed clash",
    )
    assert (gao["actor1"], gao["inter1"], gao["actor2"], gao["inter2"], gao["interaction"]) == (
        "Mali REB",
        "2",
        "Mali MIL",
        "1",
        "12",
    )
    assert gao["country"] == "Mali" and gao["geo_precision"] == "1" and gao["fatalities"] == "4"
    assert float(gao["latitude"]) == pytest.approx(16.27, abs=0.05)
    assert gao["source"] == "Example Wire; officials" and gao["notes"] == GAO.strip()
    assert gao["iso"] == "466"  # Mali's ISO 3166-1 numeric code
    assert gao["region"] == gao["admin2"] == gao["tags"] == ""  # not measured: empty
    lagos = next(r for r in rows if r["location"] == "Lagos")
    assert (lagos["event_type"], lagos["sub_event_type"], lagos["interaction"]) == (
        "Strategic developments",
        "Arrests",
        "17",
    )
    assert lagos["fatalities"] == ""


def test_cli_events_plover_export(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "plover.jsonl"
    rc, _, _ = _events(capsys, "--db", db, "--format", "plover", "-o", str(out_path))
    recs = [json.loads(line) for line in out_path.read_text(encoding="utf-8").splitlines()]
    assert rc == 0 and len(recs) >= 3
    gao = next(r for r in recs if r.get("event_loc", {}).get("name") == "Gao")
    assert gao["id"].startswith("ev-") and gao["date"] == "2024-05-06" and gao["event"] == ["ASSAULT"]
    assert gao["source"][0]["code"] == "MLI" and gao["source"][0]["sector"] == "REB"
    assert gao["recipient"][0]["identifier_text"] == "Mali MIL" and gao["quad_code"] == 4
    assert gao["event_loc"]["cc3"] == "MLI" and gao["event_loc"]["country code"] == "ML"
    assert gao["event_text"] == ["attacked"] and gao["dead"] == 4
    assert gao["cite_info"] == {"publication": "Example Wire"} and gao["coder"].startswith("eventcoder ")
    talks = next(r for r in recs if r["event"] == ["CONSULT"])
    assert talks["quad_code"] == 1 and talks["date"] == "2021-03-04"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--near", "a,b,c"], "EC032"),
        (["--near", "40.1,44.5"], "EC032"),
        (["--since", "2020-02-30"], "EC033"),
        (["--since", "2021", "--until", "2020"], "EC033"),
        (["--type", "FIGHT"], "EC034"),
        (["--country", "XX9"], "EC035"),
        (["--format", "parquet"], "EC028"),
    ],
)
def test_cli_events_bad_filters_exit_2_with_code(
    db: str, args: list[str], code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, err = _events(capsys, "--db", db, *args)
    assert rc == ExitCode.BAD_ARGUMENTS and f"[{code}]" in err and out == ""


def test_cli_events_bad_store_and_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _events(capsys, "--db", str(tmp_path / "missing.duckdb"))
    assert rc == ExitCode.BAD_ARGUMENTS and "[EC030]" in err and not (tmp_path / "missing.duckdb").exists()
    rc, _, err = _events(capsys, "--db", "sqlite:///x.db")
    assert rc == ExitCode.BAD_ARGUMENTS and "[EC031]" in err
    with pytest.raises(SystemExit) as exc:
        main(["events", "--db", "x.duckdb", "--limit", "-1"])
    assert exc.value.code == ExitCode.BAD_ARGUMENTS and "[EC038]" in capsys.readouterr().err
    db = str(tmp_path / "e.duckdb")
    open_store(db).close()
    rc, _, err = _events(capsys, "--db", db, "--offset", str(2**63))
    assert rc == ExitCode.BAD_ARGUMENTS and "[EC038]" in err
    rc = main(["code", str(tmp_path / "a.txt"), "--db", "mysql://h/db"])
    assert rc == ExitCode.MISSING_INPUT  # inputs are checked first; nothing was opened


def test_cli_code_db_bad_store_fails_before_coding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "a.txt"
    p.write_text(GAO, encoding="utf-8")
    assert main(["code", str(p), "--db", "mysql://h/db"]) == ExitCode.BAD_ARGUMENTS
    out, err = capsys.readouterr()
    assert "[EC031]" in err and out == "" and "documents in" not in err


@pytest.fixture()
def pg_url() -> Iterator[str]:
    with pg_schema("ec_cli") as url:
        yield url


def test_cli_code_and_events_on_postgresql(
    pg_url: str, inputs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _code(inputs, pg_url) == ExitCode.OK
    assert "stored 4 documents" in capsys.readouterr().err
    rc, out, _ = _events(capsys, "--db", pg_url, "--country", "MLI", "--type", "ASSAULT", "--format", "acled")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [r["location"] for r in rows] == ["Gao"]


def test_cli_code_db_with_output_dir_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "a.txt"
    p.write_text(GAO, encoding="utf-8")
    rc = main(["code", str(p), "--db", str(tmp_path / "e.duckdb"), "--output-dir", str(tmp_path / "out")])
    assert rc == ExitCode.BAD_ARGUMENTS and "[EC038]" in capsys.readouterr().err
    assert not (tmp_path / "e.duckdb").exists()
