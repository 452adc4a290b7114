"""The fusion evaluation: cluster scores on known partitions, the bundled fixture set, and the gate.

Floors live in tests/eval_floors.json ("fusion") with a sha256 of the fixture files, so a changed
set is noticed instead of silently moving the bar (as the seed gold's gate in test_eval_gate.py).
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from eventcoder.evaluate.fusion import FIXTURE_SETS, cluster_scores, read_fixture_set

FLOORS = json.loads((Path(__file__).parent / "eval_floors.json").read_text(encoding="utf-8"))["fusion"]


def _p(*groups: tuple[int, ...]) -> list[frozenset[int]]:
    return [frozenset(g) for g in groups]


def test_fusion_eval_perfect_partition_scores_one() -> None:
    key = _p((1, 2, 3), (4, 5), (6,))
    got = cluster_scores(key, key)
    assert got["conll_f1"] == 1.0 and got["pairwise"]["f1"] == 1.0 and got["b3"]["precision"] == 1.0


def test_fusion_eval_known_values() -> None:
    # key {1,2,3}{4,5}; response {1,2}{3,4,5}: MUC recall (1+1)/(2+1) = 2/3, precision 2/3;
    # B3 precision (1+1+1/3+2/3+2/3)/5 = 11/15
    key = _p((1, 2, 3), (4, 5))
    response = _p((1, 2), (3, 4, 5))
    got = cluster_scores(key, response)
    assert got["muc"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert got["muc"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert got["b3"]["precision"] == pytest.approx(11 / 15, abs=1e-4)
    assert got["pairwise"]["precision"] == pytest.approx(2 / 4, abs=1e-4)
    # everything fused into one: perfect recall, poor precision
    lumped = cluster_scores(key, _p((1, 2, 3, 4, 5)))
    assert lumped["muc"]["recall"] == 1.0 and lumped["b3"]["precision"] < 0.6
    # nothing fused: perfect precision, no pairwise recall
    apart = cluster_scores(key, _p((1,), (2,), (3,), (4,), (5,)))
    assert apart["pairwise"]["recall"] == 0.0 and apart["b3"]["precision"] == 1.0


def test_fusion_eval_fixture_set_is_well_formed() -> None:
    halves = {name: read_fixture_set(name) for name in FIXTURE_SETS}
    docs = [d for h in halves.values() for d in h]
    assert len(docs) >= 40 and all(len(h) >= 20 for h in halves.values())
    assert set(halves) == {"dev", "heldout", "heldout2", "heldout3", "heldout4"}
    assert len({d.id for d in docs}) == len(docs)
    events = {m.event for d in docs for m in d.mentions}
    for half in halves.values():  # each half has stories told by several outlets and near-misses
        told = [e for e in {m.event for d in half for m in d.mentions}
                if len({d.id for d in half for m in d.mentions if m.event == e}) > 1]
        assert len(told) >= 5
        assert sum(1 for d in half for m in d.mentions if m.near_miss) >= 5
    for d in docs:
        for m in d.mentions:
            assert d.text[m.start:m.end] and m.type is not None
            assert m.near_miss is None or m.near_miss in events


def _digest() -> str:
    h = hashlib.sha256()
    for name in FIXTURE_SETS:
        h.update((files("eventcoder.resources") / "fusion" / f"{name}.jsonl").read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def scores(pipeline: Any) -> dict[str, Any]:
    from eventcoder.evaluate.fusion import score_fusion

    return score_fusion(pipeline)


def test_fusion_eval_set_unchanged() -> None:
    assert _digest() == FLOORS["corpus_sha256"], "the fusion fixture set changed: re-measure, then re-pin"


def test_fusion_eval_gate(scores: dict[str, Any]) -> None:
    failures = []
    for name, floors in FLOORS["floors"].items():
        for key, floor in floors.items():
            metric, _, part = key.partition(".")
            value = scores[name][metric] if not part else scores[name][metric][part]
            if value < floor:
                failures.append(f"{name} {key} = {value} < floor {floor}")
    assert not failures, failures


def test_fusion_eval_near_misses_stay_apart(scores: dict[str, Any]) -> None:
    for name in FIXTURE_SETS:
        assert scores[name]["near_misses_fused"] == [], scores[name]["near_misses_fused"]
        assert scores[name]["failed"] == 0
