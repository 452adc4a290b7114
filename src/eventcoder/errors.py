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
    # event store and its query options (store/, cli/events.py)
    EC030 = "[EC030] Cannot open the event store {target}: {detail}."
    EC031 = (
        "[EC031] Unsupported store {target!r}: give a DuckDB file path (events.duckdb) "
        "or a postgresql:// URL."
    )
    EC032 = "[EC032] Invalid --near {value!r}: {detail}; use LAT,LON,KM (e.g. 40.18,44.51,50)."
    EC033 = "[EC033] Invalid date {value!r} for {option}: use YYYY-MM-DD, YYYY-MM or YYYY{detail}."
    EC034 = "[EC034] Unknown event type {value!r}: choose one of {choices}."
    EC035 = "[EC035] Invalid country {value!r}: use an ISO 3166 alpha-3 code such as AZE (or alpha-2 AZ)."
    EC036 = (
        "[EC036] The event store {target} has schema version {found}, newer than this eventcoder "
        "knows ({known}); upgrade eventcoder."
    )
    EC037 = "[EC037] Event store operation failed on {target}: {detail}."
    EC038 = "[EC038] Invalid {option} {value!r}: {detail}."
    # HTTP API (eventcoder serve): the "code" of the JSON error shape; the HTTP status says the class
    EC039 = "[EC039] Invalid arguments: {detail}; see '{help}'."
    EC040 = "[EC040] Malformed request body: {detail}."
    EC041 = "[EC041] Invalid request: {detail}."
    EC042 = "[EC042] Request body too large: {size} exceeds the limit of {limit} bytes."
    EC043 = "[EC043] Not found: {what}."
    EC044 = "[EC044] Method {method} is not allowed on {path}."
    EC045 = "[EC045] A valid API key is required (header X-API-Key or Authorization: Bearer)."
    EC046 = "[EC046] No store is configured: start the server with --db to {action}."
    EC047 = "[EC047] The document could not be coded: {detail}"
    EC048 = "[EC048] HTTP {status}: {detail}."
    EC049 = "[EC049] Internal server error ({detail}); the server goes on serving."
    # WARC input, resumable batches, Spark (issue 7)
    EC050 = ("[EC050] Corrupt WARC file {what} at byte {offset}: {detail}; the {records} records "
             "before it were read, the rest of the file is lost.")
    EC051 = ("[EC051] Output directory {path} is not an empty directory or a batch of eventcoder's; "
             "choose a new directory, or pass --resume to continue the batch in it.")
    EC052 = "[EC052] Cannot resume the batch in {path}: {detail}."
    EC053 = "[EC053] Spark could not run: {detail}. Spark needs Java 17 or later (java on PATH or JAVA_HOME)."
    EC054 = "[EC054] Spark cannot read input {what}: {detail}."
    EC055 = ("[EC055] The server is busy: {pending} documents are waiting to be coded (the limit is "
             "{limit}); retry later.")
    # reliability: encodings, duplicate ids, concurrent stores (issue 14)
    EC080 = ("[EC080] Duplicate id {id!r} with different content: {what} repeats the id of {first} "
             "with another text; give it its own id, or pass --on-duplicate suffix.")
    EC081 = "[EC081] Cannot decode {what} as text ({detail}); re-encode it as UTF-8."
    EC082 = ("[EC082] The DuckDB store {target} is open in another process{holder}: a DuckDB file has "
             "one writing process at a time. Stop that process, send the documents to it (eventcoder "
             "serve --db), or use PostgreSQL for several writers.")
    # cross-article fusion (issue 12)
    EC060 = "[EC060] Invalid fusion option {option}={value!r}: {detail}."
    EC061 = "[EC061] Cannot fuse {what}: {detail}."
    # poisoned documents and fairness (issue 15): one document's failure stays its own
    EC070 = ("[EC070] Unusable document id {id} in {what}: it holds {detail}; an id must be text "
             "without surrogates or control characters (it is never rewritten, so two ids cannot merge).")
    EC071 = "[EC071] The linguistic parse failed on {what}: {detail}."
    EC072 = "[EC072] The record of {what} could not be written as {fmt}: {detail}."
    EC073 = "[EC073] The record of {what} could not be stored: {detail}."
    EC074 = ("[EC074] The long-document worker stopped while coding {what} ({detail}); it is restarted "
             "for the next document.")
    EC075 = ("[EC075] Coding {what} ({size} characters) took longer than this server's budget of "
             "{seconds} s; code it with 'eventcoder code', or start the server with a larger --max-seconds.")
    EC076 = ("[EC076] A worker process died while coding {what} alone ({detail}); the batch goes on "
             "with a new worker. Code it again with --workers 1, or give the machine more memory.")
    EC077 = ("[EC077] {failed} of {total} documents of the evaluation set {name} could not be coded; its "
             "scores count them as finding nothing, so they say little about the coder.")

    def format(self, *args: object, **kwargs: object) -> str:
        out = self.value.format(*args, **kwargs)
        # a detail that is itself a sentence ("... use YYYY-MM-DD.") ends the message once
        return out[:-1] if out.endswith("..") and not out.endswith("...") else out

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
