"""Curated and generated data tables (see SOURCES.md), read through ``read_table``."""

from __future__ import annotations

import csv
from importlib import resources

__all__ = ["read_table"]


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated table shipped in this package; ``#`` lines are comments."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))
