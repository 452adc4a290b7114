"""The actor dictionary: date-bounded roles, user files that extend and override, coded errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventcoder.actordict import load_actor_dictionary
from eventcoder.cli.main import main
from eventcoder.errors import ExitCode, InputError


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "actors.tsv"
    path.write_text("name\taliases\tcountry\tsector\tstart\tend\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_actordict_role_follows_the_date(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            "Ana Ruiz\tA. Ruiz\tCHL\tOPP\t2010-01-01\t2018-03-10",
            "Ana Ruiz\t\tCHL\tGOV\t2018-03-11\t",
            "Ana Ruiz\t\tCHL\tELI\t\t",
        ],
    )
    d = load_actor_dictionary(path)
    assert d.lookup("Ana Ruiz", dt.date(2015, 5, 1))[1].sector == "OPP"  # type: ignore[index]
    assert d.lookup("ana  ruiz", dt.date(2020, 5, 1))[1].sector == "GOV"  # type: ignore[index]
    assert d.lookup("A. Ruiz", None)[1].sector == "GOV"  # type: ignore[index]  # current role
    assert d.lookup("Ana Ruiz", dt.date(1990, 1, 1))[1].sector == "ELI"  # type: ignore[index]
    assert d.lookup("Nobody Here") is None


def test_actordict_bundled_leaders_resolve_without_titles(code) -> None:
    doc = code("Vladimir Putin met Recep Tayyip Erdogan in Sochi on Friday.", published="2021-09-30")
    met = [e for e in doc.events if e.trigger.text == "met"]
    assert met and met[0].actor is not None
    assert (met[0].actor.country, met[0].actor.sector) == ("RUS", "GOV")


def test_actordict_user_file_adds_people(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, ["Tomas Varga\t\tSVK\tOPP\t2019-01-01\t"])
    text = tmp_path / "a.txt"
    text.write_text("Tomas Varga condemned the arrests of protesters in Kosice.\n", encoding="utf-8")
    assert main(["code", str(text), "--actors", str(path), "--published", "2023-02-01"]) == 0
    out = capsys.readouterr().out
    assert '"country": "SVK", "sector": "OPP"' in out


def test_actordict_bad_file_is_a_coded_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, ["Someone\t\tXX\tGOV\t\t"])
    with pytest.raises(InputError) as exc:
        load_actor_dictionary(bad)
    assert exc.value.code == "EC029"
    text = tmp_path / "a.txt"
    text.write_text("Police arrested two men.\n", encoding="utf-8")
    assert main(["code", str(text), "--actors", str(bad)]) == ExitCode.BAD_ARGUMENTS
    assert "[EC029]" in capsys.readouterr().err
    assert main(["code", str(text), "--actors", str(tmp_path / "missing.tsv")]) == ExitCode.BAD_ARGUMENTS
