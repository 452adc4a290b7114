"""Shared fixtures: the loaded pipeline (once per session) and the evaluation data directory."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def require(available: bool, what: str) -> None:
    """Skip when ``what`` is missing on a developer's machine; fail in CI (EVENTCODER_CI=1), where
    ``.ci/run`` installs every service and browser, so a skip there would hide lost coverage."""
    if available:
        return
    if os.environ.get("EVENTCODER_CI"):
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available here")


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A throw-away schema on the PostgreSQL server of EVENTCODER_TEST_PG (started by ``.ci/run``):
    yields a URL whose search_path is that schema, and drops it afterwards."""
    url = os.environ.get("EVENTCODER_TEST_PG", "")
    require(bool(url), "PostgreSQL (EVENTCODER_TEST_PG)")
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def odd_input_tree(root: Path, hidden_dir: bool = False) -> Path:
    """``root/in``: one readable article in a subdirectory, plus entries a batch must account for
    without coding them: a hidden file (and optionally a hidden directory), a symlinked directory
    and a broken symlink."""
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "x.txt").write_text("Troops clashed with rebels near Gao.\n", encoding="utf-8")
    (src / "sub" / "a.txt").write_text("Police arrested 12 protesters in Lagos.\n", encoding="utf-8")
    (src / ".notes.txt").write_text("hidden\n", encoding="utf-8")
    if hidden_dir:
        (src / ".git").mkdir()
    (src / "linked").symlink_to(root / "elsewhere", target_is_directory=True)
    (src / "gone.txt").symlink_to(root / "missing.txt")
    return src


@pytest.fixture(params=["duckdb", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store target on each engine: a DuckDB file in tmp_path, or a new PostgreSQL schema."""
    if request.param == "duckdb":
        yield str(tmp_path / "events.duckdb")
        return
    with pg_schema("ec_test") as url:
        yield url


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from eventcoder.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The open evaluation data (EVENTCODER_DATA, default ../shared/data); skip when absent."""
    path = Path(os.environ.get("EVENTCODER_DATA", str(REPO / ".." / "shared" / "data")))
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path} (set EVENTCODER_DATA)")
    return path


@pytest.fixture(scope="session")
def code(pipeline):  # type: ignore[no-untyped-def]
    """code(text, **metadata) -> DocumentResult."""

    def run(text: str, **metadata: str | None):  # type: ignore[no-untyped-def]
        return pipeline.code_text(text, **metadata)

    return run
