"""``eventcoder evaluate``: score the coder against our gold files or the open evaluation sets."""

from __future__ import annotations

import argparse
import json
import sys
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


def _fusion(data: Path | None) -> dict[str, Any]:
    from ..evaluate.fusion import score_fusion

    return score_fusion()


def _news(data: Path | None) -> dict[str, Any]:
    from ..evaluate.news import score_news

    return score_news()


def _news_dev(data: Path | None) -> dict[str, Any]:
    """The dev part alone: what the gate checks, so a test run never scores a held-out part."""
    from ..evaluate.news import read_news_part, score_news

    return score_news(parts={"dev": read_news_part("dev")})


def _fusion_meantime(data: Path) -> dict[str, Any]:
    from ..evaluate.fusion import score_fusion_meantime

    return score_fusion_meantime(data)


def _geovirus(data: Path) -> dict[str, Any]:
    from ..evaluate.geovirus import score_geovirus
    from ..gazetteer import Gazetteer
    from ..settings import default_cache_dir
    from ..stages.linguistic import load_nlp

    path = data / "geovirus" / "GeoVirus.xml"
    return dict(score_geovirus(path, load_nlp(), Gazetteer.open(default_cache_dir())).as_dict())


# name -> (scorer, folder it needs under the data directory (None: bundled), what it measures)
DATA_SETS: dict[str, tuple[Callable[[Any], dict[str, Any]], str | None, str]] = {
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
    "fusion": (_fusion, None, "cross-article fusion on our own fixture set (dev and held-out halves)"),
    "fusion-meantime": (_fusion_meantime, "meantime",
                        "fused events per report; cross-document coreference on covered mentions (MEANTIME)"),
    "news": (_news, None, "places, dates and events on our own news set (dev and held-out parts)"),
    "news-dev": (_news_dev, None, "the news set's dev part only (the gate's set; held-out parts untouched)"),
}


def score_data_sets(data: Path | None, names: list[str]) -> dict[str, dict[str, Any]]:
    """Run the named adapters on the data directory (``EVENTCODER_DATA`` layout); bundled sets
    need none."""
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        scorer, folder, _ = DATA_SETS[name]
        if folder is not None:
            if data is None:
                raise InputError(Errors.EC028, value=name, option="--sets",
                                 detail="this set needs --data DIR")
            if not (data / folder).is_dir():
                raise InputError(Errors.EC022, what=str(data / folder))
        out[name] = scorer(data)
    return out


def _table(results: dict[str, dict[str, Any]]) -> str:
    lines = []

    def block(res: dict[str, Any], indent: str) -> None:
        for key, value in res.items():
            if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
                lines.append(f"{indent}{key}:")  # a part of the set (fusion's dev / held-out halves)
                block(value, indent + "   ")
            elif isinstance(value, dict):
                parts = ", ".join(f"{k} {v}" for k, v in value.items() if not isinstance(v, dict | list))
                lines.append(f"{indent}{key:<14} {parts}")
            elif not isinstance(value, list):
                lines.append(f"{indent}{key:<14} {value}")

    for name, res in results.items():
        lines.append(f"== {name}: {DATA_SETS[name][2]}")
        block(res, "   ")
        lines.append("")
    return "\n".join(lines)


def coding_failures(results: dict[str, Any], name: str = "") -> list[tuple[str, int, int]]:
    """(set or part, failed, total) wherever an adapter reports documents it could not code."""
    out: list[tuple[str, int, int]] = []
    total = results.get("documents", results.get("sentences"))
    failed = results.get("failed")
    if isinstance(failed, int) and isinstance(total, int) and failed:
        out.append((name, failed, total))
    for key, value in results.items():
        if isinstance(value, dict):
            out += coding_failures(value, f"{name}/{key}" if name else key)
    return out


def run_evaluate(args: argparse.Namespace) -> int:
    sets = args.sets.split(",") if args.sets else []
    unknown = [n for n in sets if n not in DATA_SETS]
    if unknown:  # a typo is named before anything else is asked for
        raise InputError(Errors.EC028, value=",".join(unknown), option="--sets",
                         detail=f"choose from {', '.join(DATA_SETS)}")
    bundled_only = bool(sets) and all(DATA_SETS[n][1] is None for n in sets)
    if args.gold is None and args.data is None and not bundled_only:
        raise InputError(
            Errors.EC028, value=None, option="evaluate",
            detail="give --gold DIR and/or --data DIR (or --sets of bundled sets, such as fusion)"
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
    if args.data is not None or bundled_only:
        names = sets or list(DATA_SETS)
        results = score_data_sets(Path(args.data) if args.data is not None else None, names)
        if not args.json:
            print(_table(results))
        report["data"] = results
    if args.json:
        print(json.dumps(report["gold"] if set(report) == {"gold"} else report, indent=2, ensure_ascii=False))
    failures = coding_failures(report.get("data", {})) + coding_failures(report.get("gold", {}), "gold")
    for name, failed, total in failures:  # scores of uncoded documents are no measure: say so
        print(f"eventcoder: {Errors.EC077.format(failed=failed, total=total, name=name)}", file=sys.stderr)
    if any(failed == total for _, failed, total in failures):
        return ExitCode.ALL_FAILED
    return ExitCode.OK
