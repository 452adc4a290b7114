"""``eventcoder serve``: the HTTP API and web explorer (``server/``) under uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

from ..errors import Errors, InputError
from ..server.longlane import DEFAULT_LONG_CHARS, DEFAULT_MAX_SECONDS
from ..settings import Settings
from .argtypes import positive_int

__all__ = ["add_serve_parser", "api_keys_from", "run_serve"]

KEYS_ENV = "EVENTCODER_API_KEYS"


def _megabytes(value: str) -> float:
    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 < mb <= 1024:
        raise argparse.ArgumentTypeError(f"{value!r} must be in (0, 1024]")
    return mb


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 1 <= seconds <= 86_400:
        raise argparse.ArgumentTypeError(f"{value!r} must be in [1, 86400]")
    return seconds


def add_serve_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the HTTP API and the web explorer",
        description="Serve POST /api/code, the store's GET /api/events, /api/summary, /api/documents/ID, "
        "/healthz, /openapi.json and the web explorer at /. Needs eventcoder[server].",
    )
    serve.add_argument("--db", metavar="PATH_OR_URL",
                       help="event store: a DuckDB file or postgresql://... (default: none)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--api-key", action="append", default=[], metavar="KEY",
                       help=f"require this key on every POST (repeatable; or comma-separated in ${KEYS_ENV})")
    serve.add_argument("--max-body-mb", type=_megabytes, default=5.0, metavar="N",
                       help="largest request body in MiB (default 5); larger ones get 413")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="allow browser calls from this origin (repeatable; default: CORS off)")
    serve.add_argument("--max-pending", type=positive_int, default=256, metavar="N",
                       help="documents that may wait for the pipeline; one more gets 503 (default 256)")
    serve.add_argument("--long-chars", type=positive_int, default=DEFAULT_LONG_CHARS, metavar="N",
                       help="documents of N characters or more are coded in a separate process, one at a "
                       f"time, so short requests never wait behind them (default {DEFAULT_LONG_CHARS:,})")
    serve.add_argument("--max-seconds", type=_seconds, default=DEFAULT_MAX_SECONDS, metavar="S",
                       help="a long document still coding after S seconds is stopped and answered 422 "
                       f"(EC075) (default {DEFAULT_MAX_SECONDS:g})")
    serve.set_defaults(func=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    return run_serve(args)


def api_keys_from(options: list[str], environ: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """Keys from ``--api-key`` options, else from ``EVENTCODER_API_KEYS`` (comma-separated). A blank
    ``--api-key`` (an unset shell variable) is refused: serving without keys must not be an accident."""
    if any(not k.strip() for k in options):
        raise InputError(Errors.EC038, option="--api-key", value="", detail="an API key cannot be blank")
    keys = [k.strip() for k in options]
    if not keys:
        keys = [k.strip() for k in environ.get(KEYS_ENV, "").split(",") if k.strip()]
    return tuple(keys)


def run_serve(args: argparse.Namespace) -> int:
    keys = api_keys_from(args.api_key)
    try:
        import uvicorn

        from ..server import create_app
    except ImportError as exc:
        raise InputError(Errors.EC025, feature=f"eventcoder serve ({exc.name})", extra="server") from None
    app = create_app(Settings(), db=args.db, api_keys=keys, max_body=int(args.max_body_mb * 1024 * 1024),
                     cors_origins=tuple(args.cors_origin), max_pending=args.max_pending,
                     long_chars=args.long_chars, max_seconds=args.max_seconds)
    app.state.coder.load()  # load the pipeline before listening: the first request is not slow
    store = f"store {args.db}" if args.db else "no store"
    auth = f"{len(keys)} API key(s) on POST" if keys else "no API key"
    print(f"eventcoder: serving http://{args.host}:{args.port}/ ({store}; {auth})", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
