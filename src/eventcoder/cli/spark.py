"""``eventcoder spark``: code inputs on Apache Spark (``eventcoder.spark``), print the counts."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..actordict import load_actor_dictionary
from ..errors import Errors, ExitCode, InputError
from ..settings import Settings

__all__ = ["run_spark"]


def run_spark(args: argparse.Namespace) -> int:
    """``eventcoder spark``: thin wrapper over ``spark_code``."""
    settings = Settings(max_chars=args.max_chars, published=args.published, publisher=args.publisher,
                        actors=Path(os.path.abspath(args.actors)) if args.actors else None)
    if settings.actors is not None:
        load_actor_dictionary(settings.actors)  # a bad file stops the command before Spark starts (EC029)
    out = args.output
    if "://" not in out and os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise InputError(Errors.EC028, value=out, option="OUTPUT", detail="exists and is not empty")
    inputs = [os.path.abspath(p) if "://" not in p else p for p in args.inputs]
    missing = [p for p in inputs if "://" not in p and not os.path.exists(p)]
    if len(missing) == len(inputs):
        for p in missing:
            print(f"eventcoder: {Errors.EC008.format(what=p)}", file=sys.stderr)
        return ExitCode.MISSING_INPUT
    from ..spark import session, spark_code
    from .fuse import fusion_options

    options = fusion_options(args) if args.fuse else None  # bad windows stop it before Spark starts
    spark = session(args.master, args.driver_memory)
    try:
        summary = spark_code(spark, inputs, out, settings, args.partitions,
                             on_duplicate=getattr(args, "on_duplicate", None) or "fail")
        fused = None
        if args.fuse and summary.ok:
            from ..fusion.spark import spark_fuse

            fused = spark_fuse(spark, f"{out}/events", f"{out}/fused", options, args.partitions)
    finally:
        spark.stop()
    print(f"eventcoder: {summary.text()}; output in {out}/events and {out}/documents", file=sys.stderr)
    if fused is not None:
        print(f"eventcoder: {fused.text()}; output in {out}/fused", file=sys.stderr)
    if summary.documents == 0:
        return ExitCode.MISSING_INPUT
    return ExitCode.OK if summary.ok else ExitCode.ALL_FAILED
