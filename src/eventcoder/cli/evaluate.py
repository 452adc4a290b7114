"""``eventcoder evaluate``: score the coder against gold files and print the report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import Errors, ExitCode, InputError

__all__ = ["run_evaluate"]


def run_evaluate(args: argparse.Namespace) -> int:
    from ..evaluate import run_evaluation

    gold = Path(args.gold)
    if not gold.is_dir():
        raise InputError(Errors.EC022, what=str(gold))
    report = run_evaluation(gold)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.table())
    return ExitCode.OK
