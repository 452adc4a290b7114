"""``eventcoder`` command line: thin wrappers over the library's functions.

Exit codes: 0 when at least one document was coded (or the command succeeded), 2 for bad
arguments, 3 when no input was found, 4 when every document failed, 5 when an evaluation
fell below its floors, 1 for an unexpected error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .. import __version__
from ..errors import Errors, EventcoderError, ExitCode, InputError
from .argtypes import positive_int
from .evaluate import DATA_SETS
from .events import add_events_parser
from .fuse import add_fuse_parser, add_fusion_options
from .serve import add_serve_parser

__all__ = ["build_parser", "main"]


def _date_arg(option: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        from ..ingest.metadata import normalize_date

        norm = normalize_date(value)
        if norm is None or len(value.strip()) < 8:
            raise argparse.ArgumentTypeError(Errors.EC020.format(value=value, option=option))
        return norm

    return parse


class _Parser(argparse.ArgumentParser):
    """argparse's own messages ("invalid choice", "expected one argument") with a code, like
    every other message eventcoder prints; the exit status stays argparse's 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        if "[EC0" in message:  # an argument type's own coded message ("[EC020] Invalid date") stays
            message = message[message.index("[EC0"):]
        else:
            message = Errors.EC039.format(detail=message, help=f"{self.prog} --help")
        self.exit(ExitCode.BAD_ARGUMENTS, f"eventcoder: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(
        prog="eventcoder",
        description="Code news text into source-attributed PLOVER events (offline).",
    )
    ap.add_argument("--version", action="version", version=f"eventcoder {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    code = sub.add_parser(
        "code",
        help="code articles into events",
        description="Code articles (.txt, .html, .jsonl, .gz, directories, - for stdin).",
    )
    code.add_argument("paths", nargs="+", metavar="PATH", help="input files or directories; - reads stdin")
    code.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    code.add_argument(
        "--format",
        choices=["jsonl", "csv", "parquet"],
        help="output format (default: from OUT's extension, else jsonl)",
    )
    code.add_argument("--workers", type=positive_int, default=None,
                      help="worker processes (default: all cores)")
    code.add_argument(
        "--published",
        type=_date_arg("--published"),
        metavar="DATE",
        help="publication date (YYYY-MM-DD) for documents that give none",
    )
    code.add_argument("--publisher", metavar="NAME", help="publisher for documents that name none")
    code.add_argument(
        "--max-chars",
        type=positive_int,
        default=1_000_000,
        help="documents longer than this fail with EC007 (default 1,000,000)",
    )
    code.add_argument(
        "--keep-nonevents",
        action="store_true",
        help="also output mentions that are not events (threatened, refused, negated, hypothetical, "
        "generic), marked by their modality",
    )
    code.add_argument(
        "--actors",
        metavar="FILE",
        help="your own actor dictionary (tab-separated: name, "
        "aliases, country, sector, start, end); its rows replace the bundled ones by name",
    )
    code.add_argument(
        "--output-dir",
        metavar="DIR",
        help="write a resumable batch into DIR (atomic part-NNNNN.jsonl files, checkpoint, failed.jsonl)",
    )
    code.add_argument("--resume", action="store_true", help="continue the batch in --output-dir")
    code.add_argument(
        "--retry-failed", action="store_true", help="code only the documents that failed in --output-dir"
    )
    code.add_argument(
        "--part-size", type=positive_int, default=500, help="documents per output part with --output-dir"
    )
    code.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="also store the records in an event store: a DuckDB file (events.duckdb) or a "
        "postgresql:// URL; with --db and no -o nothing is written to stdout",
    )
    code.add_argument(
        "--on-duplicate", choices=["fail", "suffix"], default="fail",
        help="a document whose id an earlier one has, with other text: 'fail' records it as failed "
        "(EC080); 'suffix' codes it under ID~HASH. The same id with the same text is coded once and "
        "counted as a duplicate either way",
    )
    code.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    code.set_defaults(func=_cmd_code)

    show = sub.add_parser("show", help="print a coded file's events as a table for reading")
    show.add_argument("file", metavar="FILE", help="JSONL written by 'eventcoder code'")
    show.add_argument("--width", type=positive_int, default=None, help="table width (default: terminal)")
    show.set_defaults(func=_cmd_show)

    ev = sub.add_parser(
        "evaluate",
        help="score the coder against gold files or the open evaluation sets",
        description="Score against our gold files (--gold) and/or the open evaluation sets (--data).",
    )
    ev.add_argument("--gold", metavar="DIR", help="directory of gold JSON files (docs/FORMAT-like gold)")
    ev.add_argument("--data", metavar="DIR", help="evaluation data directory (e.g. ../shared/data)")
    ev.add_argument(
        "--sets",
        metavar="NAMES",
        help=f"comma-separated sets for --data (default: all): {', '.join(DATA_SETS)}",
    )
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(func=_cmd_evaluate)

    sp = sub.add_parser(
        "spark",
        help="code JSONL/Parquet/WARC inputs with Apache Spark (eventcoder[spark], Java 17+)",
        description="Code inputs on Spark; write Parquet events partitioned by month and a documents table.",
    )
    sp.add_argument("inputs", nargs="+", metavar="INPUT", help="JSONL, Parquet or WARC files or directories")
    sp.add_argument("output", metavar="OUTPUT", help="output directory (events/, documents/)")
    sp.add_argument("--master", default=None, help="Spark master (default: local[*], or spark-submit's)")
    sp.add_argument("--partitions", type=positive_int, default=None, help="partitions to code in parallel")
    sp.add_argument("--published", type=_date_arg("--published"), metavar="DATE",
                    help="publication date (YYYY-MM-DD) for documents that give none")
    sp.add_argument("--publisher", metavar="NAME", help="publisher for documents that name none")
    sp.add_argument("--max-chars", type=positive_int, default=1_000_000,
                    help="documents longer than this fail with EC007 (default 1,000,000)")
    sp.add_argument("--actors", metavar="FILE",
                    help="your own actor dictionary, as for 'code' (every executor must be able to read it)")
    sp.add_argument("--driver-memory", default="1g", help="spark.driver.memory in local mode (default 1g)")
    sp.add_argument("--on-duplicate", choices=["fail", "suffix"], default="fail",
                    help="a document whose id an earlier one has, with other text: as for 'code'")
    sp.add_argument("--fuse", action="store_true",
                    help="also fuse the events across articles into OUTPUT/fused (Parquet by month)")
    add_fusion_options(sp)
    sp.set_defaults(func=_cmd_spark)
    add_serve_parser(sub)
    add_events_parser(sub)
    add_fuse_parser(sub)
    return ap


def _cmd_code(args: argparse.Namespace) -> int:
    from .code import run_code

    return run_code(args)


def _cmd_show(args: argparse.Namespace) -> int:
    from .show import run_show

    return run_show(args)


def _cmd_spark(args: argparse.Namespace) -> int:
    from .spark import run_spark

    return run_spark(args)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import run_evaluate

    return run_evaluate(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except InputError as exc:
        print(f"eventcoder: {exc.message}", file=sys.stderr)
        return ExitCode.MISSING_INPUT if exc.code == "EC022" else ExitCode.BAD_ARGUMENTS
    except EventcoderError as exc:
        print(f"eventcoder: {exc.message}", file=sys.stderr)
        return ExitCode.INTERNAL
    except KeyboardInterrupt:
        print("eventcoder: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return ExitCode.OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
