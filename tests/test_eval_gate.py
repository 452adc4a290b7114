"""Evaluation gate: score the pipeline on the shared gold and fail when a score drops below its floor.

Floors live in tests/eval_floors.json with a sha256 of the gold corpus, so a changed corpus is
noticed instead of silently moving the bar. Run as a script to see the table or raise floors:

    python tests/test_eval_gate.py                    # score and check, exit 5 on a regression
    python tests/test_eval_gate.py --update-floors    # raise floors to the measured scores
    python tests/test_eval_gate.py --update-floors --allow-lower   # also lower them (say why in the commit)
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from eventcoder.errors import ExitCode
from eventcoder.evaluate import Report, check_floors, corpus_digest, raise_floors, run_evaluation
from eventcoder.evaluate.score import ACCURACY_FIELDS

REPO = Path(__file__).resolve().parent.parent
FLOORS_FILE = REPO / "tests" / "eval_floors.json"
CORPUS = "seed_gold"


def gold_dir() -> Path:
    return Path(os.environ.get("EVENTCODER_GOLD", str(REPO / ".." / "shared" / "gold"))).resolve()


def load_floors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FLOORS_FILE.read_text(encoding="utf-8"))
    return data


def known_scores() -> set[str]:
    prf = {f"{s}_{m}" for s in ("event", "time", "place", "quantity") for m in ("precision", "recall", "f1")}
    return prf | {f"{name}_acc" for name in ACCURACY_FIELDS}


def pipeline_available() -> bool:
    """False only while the pipeline module does not exist yet; any other import error propagates."""
    try:
        importlib.import_module("eventcoder.pipeline")
    except ModuleNotFoundError as exc:
        if exc.name == "eventcoder.pipeline":
            return False
        raise
    return True


@pytest.fixture(scope="module")
def report() -> Report:
    directory = gold_dir()
    if not directory.is_dir():
        pytest.skip(f"gold corpus not found at {directory} (set EVENTCODER_GOLD)")
    if not pipeline_available():
        pytest.skip("eventcoder.pipeline has not landed yet")
    return run_evaluation(directory)


def test_eval_gate_floor_names_are_known() -> None:
    floors = load_floors()[CORPUS]["floors"]
    assert set(floors) <= known_scores(), sorted(set(floors) - known_scores())
    assert all(0.0 <= v <= 1.0 for v in floors.values())


def test_eval_gate_corpus_unchanged(report: Report) -> None:
    pinned = load_floors()[CORPUS]["corpus_sha256"]
    assert corpus_digest(gold_dir()) == pinned, (
        "the gold corpus changed: review the scores, then re-pin with "
        "`python tests/test_eval_gate.py --update-floors`"
    )


def test_eval_gate_no_document_failed(report: Report) -> None:
    assert [d.doc_id for d in report.documents if d.status != "ok"] == []


def test_eval_gate_scores_at_or_above_floors(report: Report) -> None:
    failures = check_floors(report.scores(), load_floors()[CORPUS]["floors"])
    assert not failures, "\n".join([*failures, "", report.table()])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the evaluation gate; optionally raise its floors.")
    parser.add_argument("--gold", type=Path, default=gold_dir(), help="gold directory ($EVENTCODER_GOLD)")
    parser.add_argument("--update-floors", action="store_true", help="raise floors to the measured scores")
    parser.add_argument("--allow-lower", action="store_true", help="with --update-floors: lower floors too")
    parser.add_argument("--margin", type=float, default=0.0, help="set floors this much below the scores")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    data = load_floors()
    entry = data[CORPUS]
    rep = run_evaluation(args.gold)
    scores = rep.scores()
    print(json.dumps(rep.to_dict(), indent=2) if args.json else rep.table())
    digest = corpus_digest(args.gold)
    if digest != entry["corpus_sha256"]:
        print(f"note: corpus changed (sha256 {digest[:12]} != pinned {entry['corpus_sha256'][:12]})")
    failures = check_floors(scores, entry["floors"])
    if not args.update_floors:
        print("\n".join(failures) if failures else "gate passed")
        return ExitCode.GATE_FAILED if failures or digest != entry["corpus_sha256"] else ExitCode.OK
    new, refused = raise_floors(entry["floors"], scores, allow_lower=args.allow_lower, margin=args.margin)
    if refused:
        print("refusing to lower (use --allow-lower): " + ", ".join(refused))
        return ExitCode.GATE_FAILED
    entry.update(floors=new, corpus_sha256=digest, documents=len(rep.documents))
    FLOORS_FILE.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"floors written to {FLOORS_FILE} ({len(scores)} scores measured)")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
