"""MEANTIME participants adapter: CAT XML reader, role scoring, and floors on the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventcoder.errors import InputError
from eventcoder.evaluate.roles import GoldEvent, RolesDocument, read_roles, score_predictions, score_roles
from eventcoder.records import ActorRef, DocumentResult, Event, Span

# measured 2026-11-26 on MEANTIME English (120 documents): coverage 0.0457, actor/Arg0 F1 0.7273,
# recipient/Arg1 F1 0.3871 (python -m eventcoder.evaluate.roles ../shared/data)
COVERAGE_FLOOR = 0.04
ACTOR_F1_FLOOR = 0.65
RECIPIENT_F1_FLOOR = 0.30

# title (sentence 0), first sentence, then sentence 6, which MEANTIME leaves unannotated
_TOKENS = [("0", "Rebels"), ("0", "attack"), ("0", "base"),
           ("1", "Rebels"), ("1", "attacked"), ("1", "the"), ("1", "army"), ("1", "base"), ("1", "in"),
           ("1", "Kandahar"), ("1", "."),
           ("6", "Police"), ("6", "arrested"), ("6", "them"), ("6", ".")]


def _cat_xml() -> str:
    tokens = "".join(f'<token t_id="{i}" sentence="{s}" number="{i}">{w}</token>\n'
                     for i, (s, w) in enumerate(_TOKENS, 1))

    def mention(tag: str, mid: int, *tids: int, pred: str = "") -> str:
        anchors = "".join(f'<token_anchor t_id="{t}"/>' for t in tids)
        return f'<{tag} m_id="{mid}" pred="{pred}">{anchors}</{tag}>\n'

    def rel(role: str, src: int, tgt: int) -> str:
        return (f'<HAS_PARTICIPANT r_id="r{src}{tgt}" sem_role="{role}" sem_role_framework="PROPBANK">'
                f'<source m_id="{src}"/><target m_id="{tgt}"/></HAS_PARTICIPANT>\n')

    markables = (mention("EVENT_MENTION", 1, 5, pred="attack") + mention("ENTITY_MENTION", 2, 4)
                 + mention("ENTITY_MENTION", 3, 6, 7, 8) + mention("ENTITY_MENTION", 4, 10)
                 + mention("EVENT_MENTION", 5, 2, pred="attack")
                 + mention("EVENT_MENTION", 6, 13, pred="arrest") + mention("ENTITY_MENTION", 7, 12))
    relations = (rel("Arg0", 1, 2) + rel("Arg1", 1, 3) + rel("Argm-LOC", 1, 4)
                 + rel("Argm-LOC", 5, 4) + rel("Arg0", 6, 7))
    return (f'<?xml version="1.0" ?><Document doc_id="1" doc_name="1_Rebels_attack_base" lang="en">\n'
            f"{tokens}<Markables>\n{markables}</Markables>\n<Relations>\n{relations}</Relations>\n</Document>\n")


@pytest.fixture
def meantime_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "meantime" / "intra_cross-doc_annotation" / "corpus_test"
    folder.mkdir(parents=True)
    (folder / "1_Rebels_attack_base.xml").write_text(_cat_xml(), encoding="utf-8")
    return tmp_path


def test_eval_roles_reader_keeps_arg0_arg1_of_annotated_sentences(meantime_dir: Path) -> None:
    doc = read_roles(next(meantime_dir.glob("**/*.xml")))
    assert doc.id == "1_Rebels_attack_base"
    assert doc.text == "Rebels attack base\n\nRebels attacked the army base in Kandahar."
    # the Argm-LOC-only title mention and the sentence-6 mention are left out
    assert len(doc.events) == 1
    ev = doc.events[0]
    assert doc.text[ev.start:ev.end] == "attacked" and ev.pred == "attack"
    assert [doc.text[s:e] for s, e in ev.arg0] == ["Rebels"]
    assert [doc.text[s:e] for s, e in ev.arg1] == ["the army base"]


def _actor(span: tuple[int, int] | None) -> ActorRef | None:
    return ActorRef("x", None, None, None, span[0], span[1], "x") if span else None


def _event(i: int, trigger: tuple[int, int], actor: tuple[int, int] | None,
           recipient: tuple[int, int] | None) -> Event:
    return Event(id=f"e{i}", type="ASSAULT", mode=None, cameo=None, acled=None,
                 trigger=Span(*trigger), sentence=Span(0, 1), actor=_actor(actor),
                 recipient=_actor(recipient), date=None, location=None)


def test_eval_roles_scores_covered_events_only() -> None:
    docs = [
        RolesDocument("a", "x", None, (
            GoldEvent(27, 35, "attack", ((20, 26),), ((36, 44),)),
            GoldEvent(60, 66, "hit", ((50, 55),), ((70, 75),)),
            GoldEvent(100, 105, "sell", ((90, 95),), ()),  # no event of ours: not covered
        )),
        RolesDocument("b", "x", None, (GoldEvent(0, 3, "say", ((5, 9),), ()),)),
    ]
    events = (
        _event(0, (27, 35), (20, 26), (48, 53)),  # actor right, recipient wrong
        _event(1, (61, 64), (70, 75), None),  # actor on the gold Arg1
        _event(2, (200, 205), (190, 195), None),  # matches no gold event
    )
    results = [DocumentResult("a", "ok", None, None, None, None, None, "x", events=events),
               DocumentResult.failed("b", "EC010", "boom")]
    out = score_predictions(docs, results)
    assert out["gold_events"] == 4 and out["covered"] == 2 and out["coverage"] == 0.5
    assert out["failed"] == 1 and out["our_events"] == 3
    assert out["actor_vs_arg0"] == {"predicted": 2, "gold": 2, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert out["recipient_vs_arg1"]["predicted"] == 1 and out["recipient_vs_arg1"]["gold"] == 2
    assert out["recipient_vs_arg1"]["f1"] == 0.0
    assert out["actor_is_arg1"] == 1 and out["recipient_is_arg0"] == 0
    assert out["missed_predicates"] == {"sell": 1}  # the failed document's mention is not listed


def test_eval_roles_one_event_covers_one_gold_mention() -> None:
    docs = [RolesDocument("a", "x", None, (GoldEvent(0, 8, "attack", ((10, 12),)),
                                            GoldEvent(4, 8, "attack", ((10, 12),))))]
    results = [DocumentResult("a", "ok", None, None, None, None, None, "x",
                              events=(_event(0, (4, 8), (10, 12), None),))]
    out = score_predictions(docs, results)
    assert out["covered"] == 1 and out["actor_vs_arg0"]["predicted"] == 1


def test_eval_roles_codes_the_fixture(meantime_dir: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    out = score_roles(meantime_dir, pipeline)
    assert out["documents"] == 1 and out["failed"] == 0 and out["gold_events"] == 1
    assert out["covered"] == 1
    assert out["actor_vs_arg0"]["recall"] == 1.0


def test_eval_roles_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        score_roles(tmp_path)


@pytest.mark.data
@pytest.mark.slow
def test_eval_roles_floors_on_meantime(data_dir: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    if not (data_dir / "meantime").is_dir():
        pytest.skip(f"MEANTIME not found under {data_dir}")
    out = score_roles(data_dir, pipeline)
    assert out["documents"] == 120 and out["failed"] == 0
    assert out["gold_events"] > 1000
    assert out["coverage"] >= COVERAGE_FLOOR, out
    assert out["actor_vs_arg0"]["f1"] >= ACTOR_F1_FLOOR, out
    assert out["recipient_vs_arg1"]["f1"] >= RECIPIENT_F1_FLOOR, out
