"""Assemble events from the stages' results into the records that leave the pipeline.

One event per merged trigger. Each event takes its roles from the parse, and its date, place,
quantities, attribution and modality from the stage that owns each; every value keeps the
offsets it came from and the method that produced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Token

from ..records import ActorRef, Article, Event, Place, Quantity, Span, TimeValue, event_id
from .actors import ActorResolver
from .attribution import AttributionIndex, attribution_for, modality_for
from .dates import event_date
from .events import (
    GOVERNED_MODALITY,
    TriggerMatch,
    coercer,
    load_crosswalk,
    mode_for,
    ordering_phrase,
    roles_for,
    target_phrase,
)
from .places import event_location
from .quantities import casualties_for, event_quantities, fatalities_for

__all__ = ["EventInputs", "assemble_events"]

_JOINT_TYPES = {"AGREE", "CONSULT", "COOPERATE"}
_SYMMETRIC_TYPES = _JOINT_TYPES | {"ASSAULT"}  # joint subjects of clashes, talks, deals
_CIVILIAN = {"CVL", "EDU", "MED", "HLH", "REF", "LAB", "REL", "BUS"}


@dataclass(frozen=True, slots=True)
class EventInputs:
    """What the earlier stages found in one document."""

    article: Article
    doc: Doc
    anchor: date | None
    times: Sequence[TimeValue]
    places: Sequence[Place]
    quantities: Sequence[Quantity]
    attribution: AttributionIndex
    resolver: ActorResolver
    dateline_place: Place | None


def _extent(tok: Token) -> tuple[int, int]:
    """Character extent of the phrase a role token heads."""
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _first_conjunct(tok: Token | None) -> Token | None:
    if tok is None:
        return None
    for c in tok.children:
        if c.dep_ == "conj":
            return c
    return None


def _acled(type_: str, mode: str | None, recipient: ActorRef | None, default: str | None) -> str | None:
    """ACLED's split of ASSAULT by target: an attack on civilians is 'Violence against civilians'."""
    if type_ == "ASSAULT" and mode is None and recipient is not None and recipient.sector in _CIVILIAN:
        return "Violence against civilians/Attack"
    return default


def _modality(match: TriggerMatch, syntactic: str) -> str:
    """A governed act ("threatened to attack", "refused to withdraw", "agreed to talks") takes its
    modality from its governor unless its own syntax already marks it."""
    if match.governed_by is None or syntactic not in {"asserted", "reported"}:
        return syntactic
    return GOVERNED_MODALITY.get(match.governed_by, "hypothetical")


def _confidence(match: TriggerMatch, actor: ActorRef | None, recipient: ActorRef | None) -> float:
    """Trigger prior, raised by each role the parse filled."""
    conf = match.trigger.confidence * (0.7 + 0.15 * (actor is not None) + 0.15 * (recipient is not None))
    return round(min(conf, 0.99), 3)


def assemble_events(inputs: EventInputs, matches: Sequence[TriggerMatch]) -> list[Event]:
    doc = inputs.doc
    resolver = inputs.resolver
    crosswalk = load_crosswalk()
    # the dateline's date is when the report was filed ("DUSHANBE, April 16 (Reuters) -"), never
    # when an event of the story happened; it stays a time of the document
    line = inputs.article.dateline_span
    event_times = [t for t in inputs.times if line is None or not (line[0] <= t.start and t.end <= line[1])]
    events: list[Event] = []
    seen: set[str] = set()
    for m in matches:
        tok = m.token
        ts, te = tok.idx, tok.idx + len(tok)
        sent = tok.sent
        actor_tok, recipient_tok = roles_for(m)
        location, location_source = event_location(
            doc, inputs.places, ts, te, dateline_place=inputs.dateline_place
        )
        if location is not None and location_source in {"sentence", "paragraph"}:
            # a place named as a participant ("Azerbaijan's retaliation", "pushed Armenia to ...")
            # is no setting: look again without the participants' places
            spans = [_extent(t) for t in (actor_tok, recipient_tok) if t is not None]
            if any(lo <= location.start and location.end <= hi for lo, hi in spans):
                others = [
                    p for p in inputs.places if not any(lo <= p.start and p.end <= hi for lo, hi in spans)
                ]
                location, location_source = event_location(
                    doc, others, ts, te, dateline_place=inputs.dateline_place
                )
        # the event's own setting (not the dateline's) lends its country to unnamed own-side agents
        local = location is not None and location_source != "dateline"
        local_country = resolver.iso3(location.country) if local and location is not None else None
        actor = resolver.resolve(actor_tok, fallback_country=local_country) if actor_tok is not None else None
        if recipient_tok is None and m.trigger.type in _JOINT_TYPES:
            recipient_tok = _first_conjunct(actor_tok)
        recipient = (
            resolver.resolve(recipient_tok, fallback_country=local_country)
            if recipient_tok is not None
            else None
        )
        if recipient is None and (target := target_phrase(m)) is not None and target != recipient_tok:
            recipient = resolver.resolve(target, fallback_country=local_country)
        if recipient is None and (forcer := coercer(m)) is not None:
            recipient = resolver.resolve(forcer, fallback_country=local_country)
        if recipient is None and actor is not None and m.trigger.type in _SYMMETRIC_TYPES:
            # "Chinese and Indian troops clashed": one side is the actor, the other the recipient
            sides = resolver.split_joint(actor)
            if sides is not None:
                actor, recipient = sides
        if (
            actor is None
            and m.trigger.type == "MOBILIZE"
            and recipient is not None
            and recipient.sector is not None
        ):
            # "units were commissioned", "troops were deployed": the force mobilized is its own actor
            actor, recipient = recipient, None
        type_ = m.trigger.type
        mode = mode_for(m, list(sent))
        cameo, acled = crosswalk.lookup(type_, mode)
        attribution = attribution_for(inputs.attribution, doc, ts, te)
        eid = event_id(inputs.article.id, type_, ts, te)
        if eid in seen:
            continue
        seen.add(eid)
        events.append(
            Event(
                id=eid,
                type=type_,
                mode=mode,
                cameo=cameo,
                acled=_acled(type_, mode, recipient, acled),
                trigger=Span(ts, te, tok.text),
                sentence=Span(sent.start_char, sent.end_char),
                actor=actor,
                recipient=recipient,
                date=event_date(doc, event_times, ts, te, inputs.anchor),
                location=location,
                quantities=event_quantities(doc, inputs.quantities, ts, te),
                fatalities=fatalities_for(doc, inputs.quantities, ts, te),
                attribution=attribution,
                modality=_modality(m, modality_for(doc, ts, te, attribution)),
                confidence=_confidence(m, actor, recipient),
                method="lexicon+dependency",
                location_source=location_source,
                ordered_by=resolver.resolve(orderer) if (orderer := ordering_phrase(m)) is not None else None,
                injured=casualties_for(doc, inputs.quantities, ts, te, "injured"),
            )
        )
    return events
