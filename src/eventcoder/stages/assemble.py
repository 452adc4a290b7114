"""Assemble events from the stages' results into the records that leave the pipeline.

One event per merged trigger. Each event takes its roles from the parse, and its date, place,
quantities, attribution and modality from the stage that owns each; every value keeps the
offsets it came from and the method that produced it.

Then two passes decide what is an event (docs/FORMAT.md, "What is an event"):

- **Not an event** (dropped unless ``keep_nonevents``): an act that is only the content of a
  threat, demand, refusal or agreement ("threatened to ban", "refused to lift"), unless it is
  denied ("denied that its jets bombed": a disputed claim of a specific occurrence); a negated,
  hypothetical or generic mention; a noun in a background clause with no participant, time or
  place of its own ("after weeks of protests").
- **Repeated mentions** of one occurrence are one event: a definite noun ("the attack", "the
  clashes") or the same verb with a shared participant, of the same type, telling an earlier
  event of the document with no conflicting participant, date, place or realis, becomes one of
  that event's ``mentions``; the event keeps its first trigger (and so its id) and takes from
  the later mentions the participants, place, date and casualties it lacked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Token

from ..records import ActorRef, Article, DateRef, Event, Place, Quantity, Span, TimeValue, event_id
from .actors import ActorResolver
from .attribution import AttributionIndex, attribution_for, is_denial, modality_for, statement_modality
from .dates import event_date
from .events import (
    GOVERNED_MODALITY,
    TriggerMatch,
    coercer,
    definite_noun,
    direct_content,
    event_nouns,
    load_crosswalk,
    load_triggers,
    mode_for,
    noun_position,
    ordering_phrase,
    own_noun_roles,
    roles_for,
    target_phrase,
    unanchored_background,
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
    keep_nonevents: bool = False  # keep (marked) mentions that are not events


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


# a governed act is the content of its governor's event, except an alleged one ("accused X of
# attacking": the attack is claimed to have happened)
_CONTENT_OF = {"THREATEN", "REQUEST", "REJECT", "AGREE"}


def _unscheduled(match: TriggerMatch, modality: str, date: DateRef | None) -> bool:
    """A future act with no date of its own ("troops will storm the town", "plans to deploy
    troops"): no occurrence yet. A scheduled one ("will meet on May 5") stays, marked planned;
    a stated intention typed as such (AGREE, THREATEN) is the statement, an event."""
    return modality == "planned" and not match.intent and (date is None or date.source not in _OWN)


# a body's decision enacts a ban, a restriction or a sanction ("the council voted on Tuesday to ban
# tractor-trailers", "the board decided to suspend aid"): the decided act is done
_ENACTED = {"COERCE", "SANCTION"}
_DECIDE = {"vote", "decide", "resolve"}


def _decided(tok: Token) -> bool:
    """The act is the to-infinitive of a decision verb in the past tense."""
    node = tok
    if node.pos_ == "NOUN" and node.dep_ in {"dobj", "nsubjpass"} and node.head.pos_ == "VERB":
        node = node.head  # "voted to impose a curfew"
    if node.dep_ not in {"xcomp", "advcl"} or not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
        return False
    head = node.head
    return head.lemma_.lower() in _DECIDE and (head.tag_ == "VBD" or (head.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lower_ in {"has", "have", "had"} for c in head.children)))


def _not_an_event(match: TriggerMatch, modality: str, denied: bool) -> bool:
    """Whether the mention reports no occurrence of its own (module docstring)."""
    if match.governed_by in _CONTENT_OF and not denied:
        return True
    if modality == "negated":
        return not denied
    return modality in {"hypothetical", "generic"} or unanchored_background(match)


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
    sentence_index = {s.start: k for k, s in enumerate(doc.sents)}
    told: list[_Told] = []
    seen: set[str] = set()
    for m in matches:
        tok = m.token
        ts, te = tok.idx, tok.idx + len(tok)
        sent = tok.sent
        attribution = attribution_for(inputs.attribution, doc, ts, te)
        if m.intent or m.referent:  # the statement of an intention or refusal is the event
            modality = statement_modality(doc, ts, te, attribution)
        else:
            aim_is_act = m.trigger.type == "PROTEST"
            modality = _modality(m, modality_for(doc, ts, te, attribution, aim_is_act=aim_is_act))
        if modality in {"hypothetical", "planned"} and m.trigger.type in _ENACTED and _decided(tok):
            modality = statement_modality(doc, ts, te, attribution)
        if m.governor is not None and m.governed_by not in _CONTENT_OF and modality_for(
                doc, m.governor.idx, m.governor.idx + len(m.governor), attribution) == "generic":
            modality = "generic"  # "Rwanda, which Kinshasa accuses of backing the rebels"
        date = event_date(doc, event_times, ts, te, inputs.anchor)
        if not m.referent and (
                _not_an_event(m, modality, is_denial(doc, ts, te)) or _unscheduled(m, modality, date)):
            # no occurrence of its own; a definite noun still refers to one told elsewhere ("no
            # shots were fired during the arrests", "to protest against the verdict")
            if definite_noun(tok) and not direct_content(m):
                m = replace(m, referent=True, governed_by=None, governor=None)
                modality = statement_modality(doc, ts, te, attribution)
            elif not inputs.keep_nonevents:
                continue
        actor_tok, recipient_tok = own_noun_roles(tok) if m.referent else roles_for(m)
        location, location_source = event_location(
            doc, inputs.places, ts, te, dateline_place=inputs.dateline_place
        )
        if location is not None and location_source in {"sentence", "paragraph"}:
            # a place named as a participant ("Azerbaijan's retaliation", "pushed Armenia to ...")
            # is no setting: look again without the participants' places
            spans = [_extent(t) for t in (actor_tok, recipient_tok) if t is not None]
            if recipient_tok is not None and m.trigger.type in _HARM and location.feature == "city":
                spans.remove(_extent(recipient_tok))  # but a town under attack is where it happens
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
                date=date,
                location=location,
                quantities=event_quantities(doc, inputs.quantities, ts, te),
                fatalities=fatalities_for(doc, inputs.quantities, ts, te) if type_ in _HARM else None,
                attribution=attribution,
                modality=modality,
                confidence=_confidence(m, actor, recipient),
                method="lexicon+dependency",
                location_source=location_source,
                ordered_by=resolver.resolve(orderer) if (orderer := ordering_phrase(m)) is not None else None,
                injured=casualties_for(doc, inputs.quantities, ts, te, "injured") if type_ in _HARM else None,
            )
        )
        told.append(_Told(m, actor_tok, recipient_tok, sentence_index.get(sent.start, 0)))
    return _one_holder_per_toll(doc, _merge_mentions(events, told, inputs.keep_nonevents))


# Casualties are the outcome of force: an accusation, a denial or a demand that mentions a death
# toll has no fatalities of its own ("accused Moscow of shelling Kharkiv, killing four").
_HARM = {"ASSAULT", "COERCE", "PROTEST"}
_HARM_RANK = {"ASSAULT": 0, "PROTEST": 1, "COERCE": 2}


def _one_holder_per_toll(doc: Doc, events: list[Event]) -> list[Event]:
    """Each casualty figure on one event: the one whose trigger governs it most closely ("seized
    the town, killing 200": the killing, not the seizure), else the most violent, then the
    nearest. Counted once per figure, deaths add up across events."""
    for kind in ("fatalities", "injured"):
        holders: dict[tuple[int, int], list[int]] = {}
        for i, ev in enumerate(events):
            toll = getattr(ev, kind)
            if toll is not None and toll.get("start") is not None:
                holders.setdefault((toll["start"], toll["end"]), []).append(i)
        for (qs, qe), held in holders.items():
            if len(held) < 2:
                continue
            span = doc.char_span(qs, qe, alignment_mode="expand")
            path: list[int] = []  # the figure's governors, nearest first
            if span is not None and len(span):
                tok = span.root
                while tok.head.i != tok.i:
                    tok = tok.head
                    path.append(tok.idx)
            at = {tok_start: k for k, tok_start in enumerate(path)}

            def rank(i: int, at: dict[int, int] = at, qs: int = qs) -> tuple[int, int, int]:
                ev = events[i]
                return (at.get(ev.trigger.start, len(at) + 1), _HARM_RANK.get(ev.type, 9),
                        abs(ev.trigger.start - qs))

            keep = min(held, key=rank)
            for i in held:
                if i != keep:
                    events[i] = replace(events[i], **{kind: None})  # type: ignore[arg-type]
    return events


# -- repeated mentions ---------------------------------------------------------------------------
_DEFINITE = {"the", "this", "that", "these", "those"}
# "the second attack", "another raid", "the previous clashes": a distinct occurrence
_DISTINCT = {"second", "third", "fourth", "fifth", "another", "other", "new", "fresh", "further", "separate",
             "previous", "earlier", "first", "next", "similar", "subsequent", "renewed", "later", "last",
             "more", "again", "also", "same-day", "latter", "former", "recent", "past", "prior", "twin"}
_UNIDENTIFIED = "UAF"  # unidentified armed forces
_OWN = {"clause", "sentence"}  # a date or place named with the mention itself
_TEXT_DATE = _OWN | {"paragraph"}  # a date the text gives (not the publication date)
_REALIS = {"asserted": 0, "reported": 0, "negated": 1}  # planned and ordered: 2
_DAY = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")


def _distinct(tok: Token) -> bool:
    words = {c.lower_ for c in tok.children if c.dep_ in {"amod", "advmod", "det", "nummod", "npadvmod"}}
    obj = next((c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}), None)
    if obj is not None:
        words |= {c.lower_ for c in obj.children if c.dep_ in {"amod", "det", "nummod", "advmod"}}
    return bool(words & _DISTINCT) or any(c.like_num for c in tok.children if c.dep_ == "nummod")


_CONTINUE = {"continue", "persist", "last", "drag", "enter", "extend"}


def _continuing(tok: Token) -> bool:
    """The event noun is the subject of a verb of duration ("the blockades continued on Tuesday",
    "the strike entered its third day")."""
    node = noun_position(tok)
    return node.dep_ in {"nsubj", "nsubjpass"} and node.head.lemma_.lower() in _CONTINUE


def _names_type(tok: Token, type_: str) -> bool:
    """The lexicon has a row of ``type_`` for this noun ("blockade": COERCE and PROTEST)."""
    rows = load_triggers().get(tok.lemma_.lower(), ())
    return tok.pos_ == "NOUN" and any(t.type == type_ and t.pos in {"NOUN", "ANY"} for t in rows)


def _anaphor(match: TriggerMatch) -> bool:
    """A definite event noun that can tell an event already reported ("the attack", "the clashes"),
    as the trigger or inside it ("the attack killed four"). A possessor names a participant and
    may introduce a new event ("Azerbaijan's retaliation"), so it is no anaphor."""
    return any(
        any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children)
        for tok in event_nouns(match))


def _party_conflict(a: ActorRef | None, b: ActorRef | None) -> bool:
    if a is None or b is None:
        return False
    if a.country and b.country and a.country != b.country:
        return True
    if a.sector and b.sector and a.sector != b.sector and _UNIDENTIFIED not in {a.sector, b.sector}:
        return True  # ("gunmen", unidentified, may be the militia named later)
    return a.kind == "person" and b.kind == "person" and a.name != b.name


def _same_party(a: ActorRef | None, b: ActorRef | None) -> bool:
    return a is not None and b is not None and a.name.lower() == b.name.lower()


# a place named as where someone comes from or goes to, or as a person's origin or base ("flown
# to Nairobi", "fans travelling from Wolverhampton", "a Pineville man", "Somalia-based militants")
# is no setting of the event
_DIRECTION_PREPS = {"from", "to", "toward", "towards", "into"}
_UNIT_WORDS = {"region", "province", "county", "state", "district", "city", "town", "village", "area",
               "parish", "governorate", "oblast", "municipality", "border", "capital", "east", "west",
               "north", "south", "centre", "center", "outskirts", "suburb"}


def _setting(doc: Doc, ev: Event) -> Place | None:
    """The event's own place (named with the mention), unless it names a direction or an origin."""
    place = ev.location
    if place is None or ev.location_source not in _OWN:
        return None
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is None:
        return place
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in _DIRECTION_PREPS:
        return None
    if root.dep_ in {"compound", "amod", "nmod"} and root.head.pos_ == "NOUN" \
            and root.head.lemma_.lower() not in _UNIT_WORDS and not root.head.ent_type_:
        return None
    if root.dep_ == "npadvmod" and root.head.dep_ == "amod":
        return None  # "Somalia-based militants"
    return place


def _compatible(doc: Doc, first: Event, later: Event, referent: bool = False, swapped: bool = False,
                continuing: bool = False) -> bool:
    """No participant, own date, own place or realis on which two mentions disagree (a referent's
    date and place are those of the act that refers to it, so only its participants count;
    ``swapped``: the later mention tells the act from the other side, its actor the first's
    recipient)."""
    if first.type != later.type:
        return False
    if referent:  # presupposed: it repeats whatever was told of that act, except a negated one
        if first.modality == "negated":
            return False
    elif _REALIS.get(first.modality, 2) != _REALIS.get(later.modality, 2):
        return False
    if swapped:
        if _party_conflict(first.actor, later.recipient) or _party_conflict(first.recipient, later.actor):
            return False
    elif _party_conflict(first.actor, later.actor) or _party_conflict(first.recipient, later.recipient):
        return False
    if referent:
        return True
    d1, d2 = first.date, later.date
    if continuing:
        pass  # "The blockades continued on Tuesday": a later date of the same occurrence
    elif d1 is not None and d2 is not None and d1.source in _TEXT_DATE and d2.source in _TEXT_DATE \
            and d1.value and d2.value:
        v1, v2 = d1.value, d2.value
        if _DAY.fullmatch(v1) and _DAY.fullmatch(v2) and not (v1.startswith(v2) or v2.startswith(v1)):
            return False
    p1, p2 = _setting(doc, first), _setting(doc, later)
    if p1 is not None and p2 is not None:
        if p1.country and p2.country and p1.country != p2.country:
            return False
        if p1.feature == "city" and p2.feature == "city" and p1.geonameid != p2.geonameid:
            return False
    return True


@dataclass(frozen=True, slots=True)
class _Told:
    """A kept mention with the heads of its participants and its sentence's index."""

    match: TriggerMatch
    actor: Token | None
    recipient: Token | None
    sentence: int


# passives that tell what an attack did to its victims ("Two men were shot dead", "Two other
# officers were wounded", "A policeman was also killed")
_OUTCOMES = {"kill", "wound", "injure", "hurt", "shoot", "hit", "stab", "beat", "punch", "kick", "attack",
             "assault"}
_ANAPHORIC_PRONOUNS = {"he", "she", "they", "it", "him", "them", "we"}
# a sentence that opens on another matter ("Separately, ...", "In a separate case, ...")
_SEPARATE_ADVERBS = {"separately", "meanwhile", "elsewhere", "also"}
_SEPARATE_WORDS = {"separate", "another", "unrelated", "other"}
_NEAR = 2  # sentences between a mention and the part or outcome that continues it
# an attack or a protest is told in parts (stormed, opened fire, shot dead; went on strike and
# blocked the highway); other acts are one act each
_PARTS_TYPES = {"ASSAULT", "PROTEST"}


def _anaphoric(tok: Token | None) -> bool:
    """A participant that names no one new: a pronoun or a definite description ("the attackers",
    "the men"), not a name ("the United Nations")."""
    if tok is None:
        return False
    if tok.lower_ in _ANAPHORIC_PRONOUNS:
        return True
    return tok.pos_ == "NOUN" and not tok.ent_type_ and any(
        c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children)


def _separate(tok: Token) -> bool:
    """The sentence opens on another matter: "Separately,", "Meanwhile,", "In a separate case,"."""
    sent = tok.sent
    opening = sent[: min(len(sent), 5)]
    if opening[0].lower_ in _SEPARATE_ADVERBS:
        return True
    return opening[0].dep_ == "prep" and any(t.lower_ in _SEPARATE_WORDS for t in opening)


def _shared_party(first: Event, later: Event) -> bool:
    """A participant in common, by name or by country and sector, or the target striking back
    ("gunmen ambushed a patrol ... the troops returned fire")."""
    def same(a: ActorRef | None, b: ActorRef | None) -> bool:
        return _same_party(a, b) or (a is not None and b is not None and a.country is not None
                                     and a.sector is not None
                                     and (a.country, a.sector) == (b.country, b.sector))
    if same(first.actor, later.actor) or same(first.recipient, later.recipient):
        return True
    return first.type == "ASSAULT" and same(first.recipient, later.actor)


def _outcome(later: Event, told: _Told) -> bool:
    """An attack's outcome told as a passive with no attacker of its own ("Two men were shot
    dead", "officers were called after a man was punched")."""
    tok = told.match.token
    return (later.type == "ASSAULT" and tok.pos_ == "VERB" and tok.lemma_.lower() in _OUTCOMES
            and told.actor is None and not told.match.referent
            and not _separate(tok) and any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children))


def _fights_back(first: Event, later: Event, told: _Told) -> bool:
    """The other side of the fight just told acts against its attackers, named again ("exchanged
    fire with the attackers") or as the first act's actor."""
    m = told.match
    tok = m.token
    if m.background or _separate(tok) or _distinct(tok) or not _returns_fire(tok):
        return False
    return _anaphoric(told.recipient) or _same_party(first.actor, later.recipient)


_FIRE_NOUNS = {"fire", "gunfire", "shot"}
_ANSWER_VERBS = {"return", "exchange", "trade"}


def _returns_fire(tok: Token) -> bool:
    """"returned fire", "exchanged fire with", "fired back": the answer within one engagement (a
    retaliation or counter-offensive is an act of its own)."""
    if tok.pos_ == "NOUN":
        return tok.lemma_.lower() in _FIRE_NOUNS and tok.head.lemma_.lower() in _ANSWER_VERBS
    return tok.lemma_.lower() == "fire" and any(c.lower_ == "back" for c in tok.children)


def _continues(first: Event, later: Event, told: _Told) -> bool:
    """A part of the occurrence just told, right after it: an act of the same participants named
    again ("The attackers stormed the village", "He fired at officers", "The men were convicted"),
    or, for an attack or a protest, of a participant in common ("the troops returned fire")."""
    m = told.match
    tok = m.token
    # a verb, or a noun a verb tells ("exchanged fire", "returned fire")
    verb = tok if tok.pos_ == "VERB" else tok.head if tok.dep_ in {"dobj", "obj"} else None
    if verb is None or verb.pos_ != "VERB" or m.background or m.referent or _separate(tok):
        return False
    if _distinct(tok) or _distinct(verb):
        return False
    if later.type not in _PARTS_TYPES and (later.sentence == first.sentence or (
            first.mode is not None and later.mode is not None and first.mode != later.mode)):
        # two coordinated acts of one kind ("signed a declaration and agreed to resume talks"), or
        # two kinds of one type ("arrested two men ... imposed a curfew"), are two acts
        return False
    if _anaphoric(told.actor) or (told.actor is None and _anaphoric(told.recipient)):
        return True
    # "Soldiers exchanged fire with the attackers": the same attack's other side
    return later.type in _PARTS_TYPES and (_anaphoric(told.recipient) or (
        _returns_fire(tok) and _shared_party(first, later)))


def _repeats(first: Event, first_tok: Token, later: Event, later_told: _Told, near: bool) -> bool:
    """Whether ``later`` tells the occurrence ``first`` reported (module docstring)."""
    later_match = later_told.match
    later_tok = later_match.token
    if later.type != first.type:
        # "farmers blocked the motorways ... The blockades continued": a definite noun whose word
        # also names the first event's type tells it again, in that type
        if not (_anaphor(later_match) and _names_type(later_tok, first.type)):
            return False
        later = replace(later, type=first.type)
    continuing = _anaphor(later_match) and _continuing(later_tok)
    if not _compatible(later_tok.doc, first, later, later_match.referent, continuing=continuing):
        # "Bandits attacked the village ... Soldiers exchanged fire with the attackers": the same
        # fight told from its other side
        return (near and later.type in _PARTS_TYPES and not later_match.referent
                and _compatible(later_tok.doc, first, later, swapped=True)
                and _fights_back(first, later, later_told))
    if later_match.background and later.sentence == first.sentence:
        return False  # "set fire to the offices following the killing": ordered, so two events
    if _anaphor(later_match):
        # "another attack", "the second raid" (but "the explosion also wounded 12" is the same one)
        return not any(_distinct(n) for n in event_nouns(later_match))
    if near and _outcome(later, later_told):
        return True  # "Two other officers were wounded": more victims of the same attack
    if _distinct(later_tok):
        return False  # "rebels also attacked Bunia", "police arrested two more people"
    # the same verb again, with a participant in common ("... were commissioned ... 9 units have been
    # commissioned"; "Gunmen attacked the convoy ... witnesses said the gunmen attacked it at dawn")
    if (
        later_tok.pos_ == "VERB"
        and later_tok.lemma_.lower() == first_tok.lemma_.lower()
        and (_same_party(first.actor, later.actor) or _same_party(first.recipient, later.recipient))
    ):
        return True
    return near and _continues(first, later, later_told)


def _absorb(host: Event, later: Event, referent: bool = False) -> Event:
    """The host with the later mention added, and what it lacked taken from it (from a referent,
    only its own participants: its date, place and figures are the referring act's)."""
    changes: dict[str, object] = {"mentions": (*host.mentions, later.trigger)}
    if referent:
        for role in ("actor", "recipient"):
            if getattr(host, role) is None and getattr(later, role) is not None:
                changes[role] = getattr(later, role)
        return replace(host, **changes)  # type: ignore[arg-type]
    for role in ("actor", "recipient", "fatalities", "injured", "ordered_by"):
        if getattr(host, role) is None and getattr(later, role) is not None:
            changes[role] = getattr(later, role)
    if host.location is None and later.location is not None:
        changes["location"], changes["location_source"] = later.location, later.location_source
    own_date = later.date is not None and later.date.source in _OWN
    if (host.date is None or host.date.source not in _OWN) and own_date:
        changes["date"] = later.date
    if not host.quantities and later.quantities:
        changes["quantities"] = later.quantities
    changes["confidence"] = max(host.confidence, later.confidence)
    merged = replace(host, **changes)  # type: ignore[arg-type]
    if "recipient" in changes:
        _, default = load_crosswalk().lookup(merged.type, merged.mode)
        merged = replace(merged, acled=_acled(merged.type, merged.mode, merged.recipient, default))
    return merged


def _merge_mentions(events: list[Event], told: list[_Told],
                    keep_referents: bool = False) -> list[Event]:
    """Repeated mentions of one occurrence become one event (the nearest earlier one it repeats). A
    referent that repeats no earlier event is left out (kept with ``keep_referents``)."""
    out: list[Event] = []
    heads: list[Token] = []
    last: list[int] = []  # the sentence of each event's latest mention
    words: list[set[str]] = []  # the lemmas each event was told with
    for ev, t in zip(events, told, strict=True):
        m = t.match
        lemma = m.token.lemma_.lower()
        # nearest first; a definite noun first looks for an event told with the same word ("the
        # strike" after "went on strike", before a blockade told in between)
        order = list(range(len(out) - 1, -1, -1))
        if m.token.pos_ == "NOUN":
            order.sort(key=lambda k: lemma not in words[k])
        host = next((k for k in order
                     if _repeats(out[k], heads[k], ev, t, t.sentence - last[k] <= _NEAR)), None)
        if host is not None:
            out[host] = _absorb(out[host], ev, m.referent)
            last[host] = max(last[host], t.sentence)
            words[host].add(lemma)
        elif not m.referent or keep_referents:
            out.append(ev)
            heads.append(m.token)
            last.append(t.sentence)
            words.append({lemma})
    return out
