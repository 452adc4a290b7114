"""``eventcoder evaluate``: score the coder against our gold files or the open evaluation sets."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Errors, ExitCode, InputError

__all__ = ["DATA_SETS", "run_evaluate", "score_data_sets"]


def _meantime(data: Path) -> dict[str, Any]:
    from ..evaluate.timex import score_meantime

    return score_meantime(data)


def _gum(data: Path) -> dict[str, Any]:
    from ..evaluate.timex import score_gum

    return score_gum(data)


def _recognizers(data: Path) -> dict[str, Any]:
    from ..evaluate.timex import score_recognizers

    return score_recognizers(data)


def _plover(data: Path) -> dict[str, Any]:
    from ..evaluate.plover import score_plover

    return score_plover(data)


def _re3d(data: Path) -> dict[str, Any]:
    from ..evaluate.re3d import score_re3d

    return score_re3d(data)


def _quantulum(data: Path) -> dict[str, Any]:
    from ..evaluate.quantulum import score_quantulum

    return score_quantulum(data)


def _roles(data: Path) -> dict[str, Any]:
    from ..evaluate.roles import score_roles

    return score_roles(data)


def _geovirus(data: Path) -> dict[str, Any]:
    from ..evaluate.geovirus import score_geovirus
    from ..gazetteer import Gazetteer
    from ..settings import default_cache_dir
    from ..stages.linguistic import load_nlp

    path = data / "geovirus" / "GeoVirus.xml"
    return dict(score_geovirus(path, load_nlp(), Gazetteer.open(default_cache_dir())).as_dict())


# name -> (scorer, folder it needs under the data directory, what it measures)
DATA_SETS: dict[str, tuple[Callable[[Path], dict[str, Any]], str, str]] = {
    "meantime": (_meantime, "meantime", "TIMEX3 recognition and values (MEANTIME, 120 docs)"),
    "gum": (_gum, "gum_news", "calendar dates (GUM news, 24 docs)"),
    "recognizers": (
        _recognizers,
        "ms_recognizers_text_specs",
        "date/time cases of Microsoft Recognizers-Text (chat-style, not news)",
    ),
    "geovirus": (_geovirus, "geovirus", "toponym recognition and geocoding (GeoVirus, 229 passages)"),
    "plover": (_plover, "plover_gsr", "PLOVER event types and actor countries (322 gold sentences)"),
    "re3d": (_re3d, "re3d", "defence-domain entities: Person, Organisation, Location, Nationality, Quantity"),
    "quantulum": (_quantulum, "quantulum3_tests", "numbers with units (quantulum3 test sentences)"),
    "roles": (_roles, "meantime", "actor/recipient against MEANTIME Arg0/Arg1 participants (indicative)"),
}


def score_data_sets(data: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """Run the named adapters on the data directory (``EVENTCODER_DATA`` layout)."""
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        scorer, folder, _ = DATA_SETS[name]
        if not (data / folder).is_dir():
            raise InputError(Errors.EC022, what=str(data / folder))
        out[name] = scorer(data)
    return out


def _table(results: dict[str, dict[str, Any]]) -> str:
    lines = []
    for name, res in results.items():
        lines.append(f"== {name}: {DATA_SETS[name][2]}")
        for key, value in res.items():
            if isinstance(value, dict):
                parts = ", ".join(f"{k} {v}" for k, v in value.items() if not isinstance(v, dict | list))
                lines.append(f"   {key:<14} {parts}")
            elif not isinstance(value, list):
                lines.append(f"   {key:<14} {value}")
        lines.append("")
    return "\n".join(lines)


def run_evaluate(args: argparse.Namespace) -> int:
    if args.gold is None and args.data is None:
        raise InputError(
            Errors.EC028, value=None, option="evaluate", detail="give --gold DIR and/or --data DIR"
        )
    report: dict[str, Any] = {}
    if args.gold is not None:
        from ..evaluate import run_evaluation

        gold = Path(args.gold)
        if not gold.is_dir():
            raise InputError(Errors.EC022, what=str(gold))
        gold_report = run_evaluation(gold)
        if not args.json:
            print(gold_report.table())
        report["gold"] = gold_report.to_dict()
    if args.data is not None:
        names = args.sets.split(",") if args.sets else list(DATA_SETS)
        unknown = [n for n in names if n not in DATA_SETS]
        if unknown:
            raise InputError(
                Errors.EC028,
                value=",".join(unknown),
                option="--sets",
                detail=f"choose from {', '.join(DATA_SETS)}",
            )
        results = score_data_sets(Path(args.data), names)
        if not args.json:
            print(_table(results))
        report["data"] = results
    if args.json:
        print(json.dumps(report["gold"] if set(report) == {"gold"} else report, indent=2, ensure_ascii=False))
    return ExitCode.OK
