"""Shared fixtures: the loaded pipeline (once per session) and the evaluation data directory."""

from __future__ import annotations

import os
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
