"""Every message eventcoder shows a user, with a stable code.

Per-document problems become a ``status: "failed"`` record carrying ``{code, message}``;
they never stop a batch. Call sites read ``Errors.EC001.format(...)`` so that codes and
wording live in one place.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DocumentError", "Errors", "EventcoderError", "ExitCode", "InputError"]


class Errors(StrEnum):
    # input documents (per-document failures; the batch goes on)
    EC001 = "[EC001] Empty document: no text after reading {what}."
    EC002 = "[EC002] Binary content: {what} is not text ({detail})."
    EC003 = "[EC003] Invalid UTF-8 in {what} at byte {position}; re-encode the file as UTF-8."
    EC004 = "[EC004] Malformed JSON on line {line} of {what}: {detail}."
    EC005 = "[EC005] JSONL record on line {line} of {what} has neither 'text' nor 'html'."
    EC006 = "[EC006] No main text could be extracted from the HTML of {what}."
    EC007 = (
        "[EC007] Document too large: {size} characters exceeds the limit of {limit}; "
        "raise it with --max-chars."
    )
    EC008 = "[EC008] Input not found: {what}."
    EC009 = "[EC009] Cannot read {what}: {detail}."
    EC010 = "[EC010] Internal error while coding {what}: {detail}."
    EC011 = "[EC011] Corrupt gzip stream in {what}: {detail}."
    EC012 = "[EC012] Field '{field}' on line {line} of {what} must be {expected}."
    # arguments and configuration (raised)
    EC020 = "[EC020] Invalid date {value!r} for {option}: use YYYY-MM-DD."
    EC021 = "[EC021] Unknown output format {value!r}: choose jsonl, csv or parquet."
    EC022 = "[EC022] No input found in {what}."
    EC023 = (
        "[EC023] The English pipeline '{model}' is not installed: {detail}. "
        "Run the install command in README.md."
    )
    EC024 = "[EC024] Cannot read gold file {what}: {detail}."
    EC025 = "[EC025] Optional dependency missing for {feature}: install eventcoder[{extra}]."
    EC026 = "[EC026] Evaluation score {name}={score:.3f} fell below its floor {floor:.3f}."
    EC027 = "[EC027] Cannot build the gazetteer index at {path}: {detail}."
    EC028 = "[EC028] Invalid value {value!r} for {option}: {detail}."
    EC029 = ("[EC029] Cannot read actor dictionary {path}: {detail}. Expected tab-separated columns "
             "name, aliases, country, sector, start, end.")

    def format(self, *args: object, **kwargs: object) -> str:
        return self.value.format(*args, **kwargs)

    @property
    def code(self) -> str:
        return self.name


class ExitCode:
    OK = 0
    INTERNAL = 1
    BAD_ARGUMENTS = 2
    MISSING_INPUT = 3
    ALL_FAILED = 4
    GATE_FAILED = 5


class EventcoderError(Exception):
    """Base of every error eventcoder raises on purpose."""

    def __init__(self, error: Errors, **kwargs: object) -> None:
        self.code = error.code
        self.message = error.format(**kwargs)
        super().__init__(self.message)


class InputError(EventcoderError):
    """Bad arguments or configuration: the command cannot start."""


class DocumentError(EventcoderError):
    """One document cannot be coded; it becomes a failed record and the batch goes on."""
