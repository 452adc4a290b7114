"""The command line as a user meets it: inputs good and bad, formats, exit codes, summary."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from eventcoder.cli.main import main
from eventcoder.errors import ExitCode

GOOD_A = "Rebels attacked an army convoy near Gao on Monday, killing four soldiers, officials said.\n"
GOOD_B = "Police arrested 12 protesters in Lagos on Tuesday after a march against fuel prices.\n"
GOOD_C = "Turkish troops were deployed along the border with Syria in March 2019.\n"


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "01_good.txt").write_text(GOOD_A, encoding="utf-8")
    (d / "02_empty.txt").write_text("", encoding="utf-8")
    (d / "03_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (d / "04_latin1.txt").write_bytes("Soldiers shot at protesters in S\xe3o Paulo.".encode("latin-1"))
    (d / "05_lines.jsonl").write_text(
        json.dumps({"id": "j1", "text": GOOD_B})
        + "\n{not json\n"
        + json.dumps({"id": "j3", "title": "x"})
        + "\n"
        + json.dumps({"id": "j4", "text": GOOD_C, "published": "2019-03-20"})
        + "\n",
        encoding="utf-8",
    )
    (d / "06_empty.html").write_text(
        "<html><head><title>t</title></head><body></body></html>", encoding="utf-8"
    )
    (d / "07_big.txt").write_text("Rebels attacked a town. " * 220_000, encoding="utf-8")  # about 5 MB
    return d


def test_cli_code_bad_inputs_fail_with_codes_and_batch_goes_on(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.txt"
    rc = main(["code", str(corpus), str(missing), "--workers", "1"])
    out, err = capsys.readouterr()
    recs = _records(out)
    by_status = [(r["status"], (r["error"] or {}).get("code")) for r in recs]
    assert rc == ExitCode.OK
    assert by_status == [
        ("ok", None),  # 01_good
        ("failed", "EC001"),  # empty file
        ("failed", "EC002"),  # binary
        ("ok", None),  # Latin-1: decoded as cp1252 (issue 14)
        ("ok", None),  # j1
        ("failed", "EC004"),  # malformed JSON line
        ("failed", "EC005"),  # line without text
        ("ok", None),  # j4
        ("failed", "EC006"),  # HTML with no text
        ("failed", "EC007"),  # 5 MB text over the default limit
        ("failed", "EC008"),  # missing path
    ]
    assert "documents in: 11, ok: 4, failed: 7" in err
    assert "EC008: 1" in err and "events found:" in err
    for r in recs:
        if r["status"] == "failed":
            assert r["error"]["message"].startswith(f"[{r['error']['code']}]")


def test_cli_code_all_failed_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "empty.txt"
    p.write_text("   \n", encoding="utf-8")
    assert main(["code", str(p)]) == ExitCode.ALL_FAILED
    assert "ok: 0, failed: 1 (EC001: 1)" in capsys.readouterr().err


def test_cli_code_missing_input_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["code", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == ExitCode.MISSING_INPUT
    assert "[EC008]" in capsys.readouterr().err


def test_cli_code_empty_directory_is_missing_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d").mkdir()
    assert main(["code", str(tmp_path / "d")]) == ExitCode.MISSING_INPUT
    assert "[EC022]" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["code", "x.txt", "--published", "yesterday"],
        ["code", "x.txt", "--format", "xml"],
        ["code", "x.txt", "--workers", "0"],
        ["frobnicate"],
    ],
)
def test_cli_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == ExitCode.BAD_ARGUMENTS


def test_cli_published_and_publisher_options_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "a.txt"
    p.write_text(GOOD_A, encoding="utf-8")
    assert main(["code", str(p), "--published", "2024-05-08", "--publisher", "Wire"]) == 0
    [rec] = _records(capsys.readouterr().out)
    assert rec["published"] == "2024-05-08" and rec["publisher"] == "Wire"
    attacked = [e for e in rec["events"] if e["trigger"]["text"] == "attacked"]
    assert attacked and attacked[0]["date"]["value"] == "2024-05-06"
    assert attacked[0]["attribution"][0] == {"name": "Wire", "kind": "publisher", "start": None, "end": None}
    assert rec["text"] == GOOD_A


def test_cli_workers_keep_input_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [GOOD_A, GOOD_B, GOOD_C] * 4
    lines = [json.dumps({"id": f"d{i:02d}", "text": t}) for i, t in enumerate(texts)]
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["code", str(p), "--workers", "2"]) == 0
    recs = _records(capsys.readouterr().out)
    assert [r["id"] for r in recs] == [f"d{i:02d}" for i in range(len(texts))]
    assert all(r["status"] == "ok" for r in recs)


def test_cli_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD_B.encode())))
    assert main(["code", "-"]) == 0
    [rec] = _records(capsys.readouterr().out)
    assert rec["text"] == GOOD_B
    assert any(e["type"] == "COERCE" for e in rec["events"])


def test_cli_csv_and_parquet_one_row_per_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    import pyarrow.parquet as pq

    src = tmp_path / "a.txt"
    src.write_text(GOOD_A + "\n" + GOOD_B, encoding="utf-8")
    assert main(["code", str(src), "-o", str(tmp_path / "e.jsonl")]) == 0
    n_events = len(_records((tmp_path / "e.jsonl").read_text())[0]["events"])
    assert n_events >= 2
    assert main(["code", str(src), "-o", str(tmp_path / "e.csv")]) == 0
    with open(tmp_path / "e.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n_events
    assert {"event_id", "type", "actor_country", "date_value", "location_lat", "attribution"} <= set(rows[0])
    assert main(["code", str(src), "-o", str(tmp_path / "e.parquet")]) == 0
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == n_events
    assert table.column("event_id").to_pylist() == [r["event_id"] for r in rows]


def test_cli_show_prints_events_for_a_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(GOOD_A, encoding="utf-8")
    out_file = tmp_path / "a.jsonl"
    assert main(["code", str(src), "-o", str(out_file), "--published", "2024-05-08"]) == 0
    capsys.readouterr()
    assert main(["show", str(out_file), "--width", "100"]) == 0
    shown = capsys.readouterr().out
    for needle in (
        "ASSAULT",
        "who",
        "when",
        "2024-05-06",
        "where",
        "Gao",
        "source",
        "officials",
        "sentence",
        "Rebels attacked an army convoy",
    ):
        assert needle in shown, needle


def test_cli_show_rejects_non_result_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"hello": 1}\n', encoding="utf-8")
    assert main(["show", str(bad)]) == ExitCode.BAD_ARGUMENTS
    assert "[EC028]" in capsys.readouterr().err


def test_cli_evaluate_json_on_shared_gold(capsys: pytest.CaptureFixture[str]) -> None:
    gold = Path(
        os.environ.get("EVENTCODER_GOLD", str(Path(__file__).resolve().parents[1] / ".." / "shared" / "gold"))
    )
    if not gold.is_dir():
        pytest.skip(f"gold corpus not found at {gold}")
    assert main(["evaluate", "--gold", str(gold), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] >= 1 and "event_f1" in report["scores"]


def test_cli_evaluate_data_sets(capsys: pytest.CaptureFixture[str]) -> None:
    data = Path(
        os.environ.get("EVENTCODER_DATA", str(Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
    )
    if not (data / "gum_news").is_dir():
        pytest.skip(f"evaluation data not found at {data}")
    assert main(["evaluate", "--data", str(data), "--sets", "gum", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["data"]["gum"]["documents"] == 24 and report["data"]["gum"]["value"]["f1"] > 0.5


def test_cli_evaluate_needs_gold_or_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate"]) == ExitCode.BAD_ARGUMENTS
    assert "[EC028]" in capsys.readouterr().err
    assert main(["evaluate", "--data", ".", "--sets", "nope"]) == ExitCode.BAD_ARGUMENTS


def test_cli_help_names_every_evaluation_set(capsys: pytest.CaptureFixture[str]) -> None:
    from eventcoder.cli.evaluate import DATA_SETS

    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name in DATA_SETS:
        assert name in out


def test_cli_codes_without_the_server_extra(tmp_path: Path) -> None:
    """README's first command installs the base package only (no FastAPI, uvicorn): every command
    but ``serve`` must import and run without them; ``serve`` says which extra to install."""
    import subprocess

    src = tmp_path / "a.txt"
    src.write_text("Police arrested 12 protesters in Lagos on Monday, officials said.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    script = (
        "import sys\n"
        "sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None; sys.modules['starlette'] = None\n"
        "from eventcoder.cli.main import main\n"
        f"rc = main(['code', {str(src)!r}, '-o', {str(out)!r}, '--quiet', '--workers', '1'])\n"
        "assert rc == 0, rc\n"
        "assert main(['serve', '--port', '1']) == 2\n"
        "assert 'fastapi' not in {m for m in sys.modules if sys.modules[m] is not None}\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "EC025" in done.stderr and "eventcoder[server]" in done.stderr
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert record["status"] == "ok" and record["events"]


def test_cli_argument_errors_are_coded(capsys: pytest.CaptureFixture[str]) -> None:
    cases = [(["events", "--format", "xml"], "[EC039]"), (["code", "x", "--workers", "0"], "[EC039]"),
             (["code", "x", "--published", "2024-99-99"], "[EC020]"), ([], "[EC039]")]
    for argv, code in cases:
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == ExitCode.BAD_ARGUMENTS, argv
        assert f"eventcoder: {code}" in err and err.count("[EC") == 1, err
    assert main(["evaluate", "--sets", "fusion,bogus"]) == ExitCode.BAD_ARGUMENTS  # the typo is named
    assert "[EC028] Invalid value 'bogus' for --sets" in capsys.readouterr().err


def test_cli_malformed_json_message_reads_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a", "text": "Police\tarrested"}\n' + json.dumps({"id": "b", "text": GOOD_A}) + "\n")
    out = tmp_path / "o.jsonl"
    assert main(["code", str(p), "-o", str(out), "--workers", "1"]) == ExitCode.OK
    failed = [json.loads(x) for x in out.read_text().splitlines() if '"failed"' in x]
    assert "Invalid control character at column" in failed[0]["error"]["message"]
