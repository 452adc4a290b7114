"""PLOVER events from a trigger lexicon over the dependency parse.

A trigger is a verb or noun whose lemma is in ``resources/triggers.tsv`` and whose condition
(object, modifier or argument sector) holds. Roles come from the parse:

- verb, active: subject -> actor; direct object (or on/against/at object) -> recipient;
- verb, passive: "by"-agent -> actor; passive subject -> recipient;
- verb without a subject of its own (xcomp): the governing verb's object ("pushed X to sign"),
  else its subject ("X agreed to withdraw");
- noun: possessor or "by"/"of" object -> actor, "on/against" object -> recipient; a noun that is
  the object of a support verb ("launched an attack", "made claims", "responded with a
  counter-offensive", "a statement was made by X") takes that verb's subject or agent;
- a noun with no actor in an adverbial phrase of a clause takes that clause's subject.

Triggers of one event are merged: a noun inside another trigger's phrase ("violated the
ceasefire", "cessation of hostilities") belongs to it; same-type triggers where one lies in the
other's subtree ("silenced as a result of X's retaliation") are one event.

Complement structure decides the type (``_govern``): a governing verb's type wins over the act it
governs, which yields no event of its own ("threatened to attack" is THREATEN, "urged X to
withdraw" REQUEST, "refused to lift the curfew" REJECT); a promise of a hostile act is a threat;
intentions and announced acts follow PLOVER (future cooperative acts are AGREE, announced
sanctions or restrictions THREATEN); a negated cooperative act is a REJECT; "X said Y must Z" is
a REQUEST on Y. Events in background clauses (relative clauses, "after"/"following" adjuncts)
and purpose adjuncts keep a lower confidence than the main clause's event.

Not triggers (issue 13): a noun that only modifies another ("attack helicopters", "truce
monitors", "the summit's host", "the first Warsaw Pact foreign minister"), words in the title of
a report, film or law, a participle used as a noun ("the wounded"), the name of a charge
("charged with assault", "on charges including attempted murder") and an agreement named as the
framework of something else ("under an agreement signed in 1974"). A protest's demand ("rallied
to demand his resignation") is folded into the protest, unless told as a participle set off
after it ("protested, demanding ..."); the purpose of a same-type act is that act ("went on
strike to protest").

Referents: what a reaction, inquiry or complaint is about, when it is a definite noun ("condemned
the attack", "an inquiry into the shelling", "rejected that request"), and a definite event noun
whose own cue is missing ("The strike disrupted transport") are marked ``referent``: they may
only tell again an occurrence the document reports elsewhere. Which matches are events at all,
and which tell the same occurrence again, is decided in ``assemble`` from the flags set here
(``governed_by``, ``intent``, ``background``, ``referent``) and the modality.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..resources import read_table
from .actors import ActorResolver
from .linguistic import doc_ents, doc_text, ents_in

__all__ = [
    "Crosswalk",
    "Trigger",
    "TriggerMatch",
    "find_triggers",
    "load_crosswalk",
    "load_triggers",
    "roles_for",
]

SUPPORT_VERBS = {
    "launch",
    "carry",
    "conduct",
    "make",
    "hold",
    "stage",
    "stag",  # the small model lemmatizes "staged" as "stag"
    "declare",
    "announce",
    "introduce",
    "impose",
    "reach",
    "mount",
    "begin",
    "start",
    "continue",
    "resume",
    "respond",
    "open",
    "deliver",
    "commit",
    "issue",
    "sign",
    "undertake",
    "unleash",
    "exchange",  # "exchanged fire", "traded fire", "returned fire": the subject fires
    "trade",
    "return",
    "perpetrate",
    "initiate",
    "wage",
    "step",
    "order",
    "call",
    "agree",
    "join",
    "lead",
    "lodge",
    "file",
    "organize",
    "organise",
    "claim",
    "take",
}
_SUBJ = {"nsubj", "csubj"}
_PASS_SUBJ = {"nsubjpass", "csubjpass"}
_OBJ = {"dobj", "obj", "attr", "oprd"}
_TARGET_PREPS = {"on", "against", "at", "upon", "toward", "towards", "with"}
_WEAPON_MODES = [
    ({"suicide"}, "suicide-attack"),
    ({"drone", "uav"}, "drone"),
    ({"airstrike", "warplane", "jet", "aircraft", "helicopter", "air"}, "aerial"),
    (
        {
            "artillery",
            "mortar",
            "shell",
            "rocket",
            "missile",
            "tank",
            "howitzer",
            "large-caliber",
            "grad",
            "cannon",
        },
        "heavy-weapons",
    ),
    ({"ied", "explosive", "bomb", "landmine", "mine", "grenade", "car-bomb"}, "explosives"),
    (
        {"gun", "rifle", "gunfire", "gunmen", "gunman", "sniper", "machine-gun", "firearm", "bullet"},
        "firearms",
    ),
    ({"tear", "teargas", "baton", "water"}, "crowd-control"),
]


@dataclass(frozen=True, slots=True)
class Trigger:
    lemma: str
    pos: str
    type: str
    mode: str | None
    needs: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Crosswalk:
    table: dict[tuple[str, str], tuple[str, str | None]]

    def lookup(self, type_: str, mode: str | None) -> tuple[str | None, str | None]:
        hit = self.table.get((type_, mode or "")) or self.table.get((type_, ""))
        return (hit[0], hit[1]) if hit else (None, None)


@lru_cache(maxsize=1)
def load_triggers() -> dict[str, tuple[Trigger, ...]]:
    by_lemma: dict[str, list[Trigger]] = {}
    for row in read_table("triggers.tsv"):
        trig = Trigger(
            row["lemma"].lower(),
            row["pos"],
            row["type"],
            row["mode"] or None,
            row["needs"] or None,
            float(row["conf"] or 0.5),
        )
        by_lemma.setdefault(trig.lemma, []).append(trig)
    return {k: tuple(v) for k, v in by_lemma.items()}


@lru_cache(maxsize=1)
def load_crosswalk() -> Crosswalk:
    table: dict[tuple[str, str], tuple[str, str | None]] = {}
    for row in read_table("crosswalk.tsv"):
        table[(row["type"], row["mode"])] = (row["cameo"], row["acled"] or None)
    return Crosswalk(table)


@dataclass(slots=True)
class TriggerMatch:
    token: Token
    trigger: Trigger
    absorbed: list[Token]
    governed_by: str | None = None  # type of the event that governs this act ("threatened to attack")
    governor: Token | None = None  # the trigger of that event ("threatened")
    # typed as the statement of an intention, refusal or announcement ("will not accept" REJECT,
    # "will withdraw unless" THREATEN): the statement is the event, whatever the tense of its content
    intent: bool = False
    background: bool = False  # in a relative clause or a temporal/causal adjunct (``_background``)
    # a definite noun that refers to an occurrence as what another act is about ("condemned the
    # attack", "called for an inquiry into the shelling", "protested during the visit"): a mention of
    # an occurrence told elsewhere in the document, kept only as a repeated mention of it (``assemble``)
    referent: bool = False


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _modifier_lemmas(tok: Token) -> set[str]:
    out = {_lemma(c) for c in tok.children if c.dep_ in _MODIFIER_DEPS
           or (c.dep_ == "advmod" and c.lower_ in _PARTICLES)}  # "walked out": a particle parsed as advmod
    # "large-caliber", "counter-terrorism": hyphenated compounds are split by the tokenizer
    for c in tok.children:
        if c.dep_ in {"amod", "compound"}:
            out.update(_lemma(g) for g in c.children if g.dep_ in {"amod", "compound", "npadvmod"})
    if tok.dep_ == "dobj":
        out.add(_lemma(tok.head))
    if tok.dep_ == "compound":
        out.add(_lemma(tok.head))
    if tok.dep_ == "pobj" and tok.head.head.pos_ in {"VERB", "AUX"}:
        # "went on strike", "came under fire": the verb that governs the phrase
        out.add(_lemma(tok.head.head))
    return out


_MODIFIER_DEPS = {"amod", "compound", "prt", "prep", "nmod", "dobj", "npadvmod"}
_PARTICLES = {"out", "off", "up", "down", "back", "away"}
_QUANTIFIER_NOUNS = {
    "number",
    "dozen",
    "dozens",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "score",
    "lot",
    "group",
    "couple",
    "handful",
    "majority",
    "some",
    "many",
    "several",
    "all",
}


_MEASURE_NOUNS = {
    "ton",
    "tonne",
    "kilogram",
    "kg",
    "million",
    "billion",
    "shipment",
    "consignment",
    "batch",
    "part",
    "amount",
    "quantity",
    "load",
    "worth",
}


def _content_head(tok: Token) -> Token:
    """'a number of soldiers' -> soldiers, '25,000 tons of food' -> food: look through
    quantifier and measure nouns."""
    if _lemma(tok) in _QUANTIFIER_NOUNS | _MEASURE_NOUNS:
        inner = _pobj(tok, {"of"})
        if inner is not None:
            return inner
    return tok


def _objects(tok: Token) -> list[Token]:
    objs = [_content_head(c) for c in tok.children if c.dep_ in _OBJ or c.dep_ in _PASS_SUBJ]
    if tok.pos_ == "NOUN":
        objs.append(tok.head)
    if tok.pos_ == "VERB" and tok.dep_ == "acl" and tok.tag_ == "VBN":
        objs.append(tok.head)  # a reduced relative: "a bill signed by the minister" signs the bill
    return objs


def _arguments(tok: Token) -> list[Token]:
    args = [c for c in tok.children if c.dep_ in _SUBJ | _PASS_SUBJ | _OBJ]
    for c in tok.children:
        if c.dep_ in {"agent", "prep"}:
            args.extend(g for g in c.children if g.dep_ == "pobj")
    if tok.pos_ == "NOUN":
        # "students staged a blockade": the support verb's subject acts
        slot = _position(tok)
        if slot.dep_ in _OBJ and _lemma(slot.head) in SUPPORT_VERBS:
            args.extend(c for c in slot.head.children if c.dep_ in _SUBJ)
    return args


def _condition_holds(tok: Token, trig: Trigger, resolver: ActorResolver) -> bool:
    """Every condition of the row holds (conditions are separated by ";")."""
    if not trig.needs:
        return True
    return all(_one_condition(tok, need.strip(), resolver) for need in trig.needs.split(";"))


def _one_condition(tok: Token, need: str, resolver: ActorResolver) -> bool:
    key, _, values = need.partition("=")
    wanted = {v.strip() for v in values.split(",")}
    if key == "nopassive":
        # "the attack was met with force": a passive with one of these prepositions is no such act
        return not (_is_passive(tok) and any(c.dep_ == "prep" and c.lower_ in wanted for c in tok.children))
    if key == "notpobj":
        return not any(_lemma(g) in wanted for c in tok.children if c.dep_ == "prep"
                       for g in c.children if g.dep_ == "pobj")
    if key == "parties":
        return _two_parties(tok)
    if key == "noobj":
        return not any(c.dep_ in _OBJ for c in tok.children)
    if key == "xcomp":
        return any(c.dep_ in {"xcomp", "ccomp"} for c in tok.children)
    if key == "ofobj":
        inner = _pobj(tok, {"of"})
        return inner is not None and _lemma(inner) in wanted
    if key == "obj":
        objs = _objects(tok)
        for o in objs:
            lem = {_lemma(o)}
            lem.update(_lemma(c) for c in o.children if c.dep_ == "compound")
            if lem & wanted:
                return True
        return False
    if key == "comp":
        # governs an act: "forced X to withdraw", "pushed X to sign" (the parser may call the
        # to-infinitive an xcomp, a ccomp or an advcl)
        return any(
            c.pos_ in {"VERB", "AUX"}
            and (
                c.dep_ in {"xcomp", "ccomp"}
                or (c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children))
            )
            for c in tok.children
        )
    if key == "notobj":
        return not any(_lemma(o) in wanted for o in _objects(tok))
    if key == "mod":
        return bool(_modifier_lemmas(tok) & wanted)
    if key == "notmod":
        return not (_modifier_lemmas(tok) & wanted)
    if key == "arg":
        for a in _arguments(tok):
            ref = resolver.resolve(a)
            if ref is not None and ref.sector in wanted:
                return True
        return False
    if key == "notarg":
        return not _one_condition(tok, "arg=" + values, resolver)
    if key == "subj":
        # "a drone struck a substation", "the shells hit a market", "hit by gunfire": what strikes
        for subj in _subjects(tok):
            lem = {_lemma(subj)} | {_lemma(c) for c in subj.children if c.dep_ == "compound"}
            if lem & wanted:
                return True
        return False
    if key == "hasobj":
        return any(c.dep_ in _OBJ for c in tok.children)
    if key == "det":
        # "the violence": a determiner (or, with "poss", a possessor) among these words
        return any((c.dep_ == "det" and c.lower_ in wanted) or (c.dep_ == "poss" and "poss" in wanted)
                   for c in tok.children)
    if key.startswith("prep:"):
        # "invited both sides to talks" (prep:to=talk), "struck him with a truck" (prep:with=truck)
        # (the phrase may hang on the verb's object: "dispersed [the crowd with water cannon]")
        for host in (tok, *(c for c in tok.children if c.dep_ in _OBJ)):
            inner = _pobj(host, {key[5:]})
            if inner is not None and (
                    {_lemma(inner)} | {_lemma(c) for c in inner.children if c.dep_ == "compound"}) & wanted:
                return True
        return False
    return False


def _subjects(tok: Token) -> list[Token]:
    """The active subject or the passive agent of a verb (a weapon or an armed actor), looked
    through "a barrage of shells" and the like."""
    found = [c for c in tok.children if c.dep_ in _SUBJ]
    agent = _agent(tok)
    if agent is not None:
        found.append(agent)
    return [_content_head(_position_of_container(s)) for s in found]


def _position_of_container(tok: Token) -> Token:
    """'a barrage of shells' -> shells (the inverse of ``_position``)."""
    if _lemma(tok) in _CONTAINER_NOUNS:
        inner = _pobj(tok, {"of"})
        if inner is not None:
            return inner
    return tok


def _two_parties(verb: Token) -> bool:
    """A meeting needs two sides: an object or agent, a with/between phrase, or a plural or joint
    subject ("the two leaders met", "Putin and Xi met"; "the cabinet met" is a session)."""
    for c in verb.children:
        if c.dep_ in _OBJ | {"agent"} or (c.dep_ == "prep" and c.lower_ in {"with", "between", "among"}):
            return True
        if c.dep_ in _SUBJ | _PASS_SUBJ and (
                c.tag_ in {"NNS", "NNPS"} or c.lower_ in {"we", "they"}
                or any(g.dep_ == "conj" for g in c.children)):
            return True
    subj = next((c for c in verb.children if c.dep_ in _SUBJ), None)
    return subj is None and verb.dep_ in {"conj", "xcomp", "relcl", "advcl"}  # the subject is elsewhere


_NAME_ENTS = {"ORG", "FAC", "WORK_OF_ART", "LAW", "PRODUCT", "PERSON", "GPE"}
_KIND_HEADS = {
    "helicopter",
    "aircraft",
    "plane",
    "jet",
    "vehicle",
    "convoy",
    "ship",
    "boat",
    "zone",
    "area",
    "camp",
    "site",
    "route",
    "group",
    "team",
    "unit",
    "agency",
    "organization",
    "organisation",
    "force",
    "dog",
    "agent",
    "worker",
    "officer",
    "official",
    "leader",
    "member",
    "staff",
    "volunteer",
    "activist",
    "guard",
    # people and bodies named by what they watch, settle or judge ("truce monitors", "the strike
    # committee", "a war crimes tribunal") and the victims of a kind of event ("attack victims")
    "monitor",
    "observer",
    "negotiator",
    "mediator",
    "organizer",
    "organiser",
    "participant",
    "inspector",
    "victim",
    "survivor",
    "committee",
    "council",
    "commission",
    "court",
    "tribunal",
    "movement",
    # places and things ("the ceasefire line", "a protest banner")
    "line",
    "corridor",
    "weapon",
    "gun",
    "rifle",
    "banner",
    "sign",
    "slogan",
}


_ROLE_HEADS = {"chairman", "co-chairman", "chair", "chairwoman", "chairperson", "spokesman", "spokeswoman",
               "spokesperson", "host", "venue", "anniversary"}


def _event_noun(tok: Token, lexicon: dict[str, tuple[Trigger, ...]]) -> bool:
    return any(t.pos in {"NOUN", "ANY"} for t in lexicon.get(_lemma(tok), lexicon.get(tok.lower_, ())))


def _kind_modifier(tok: Token, lexicon: dict[str, tuple[Trigger, ...]], resolver: ActorResolver) -> bool:
    """A compound modifier naming a kind of agent or thing, not an event: "border patrol agents",
    "aid workers", "attack helicopters", "invasion forces" (but "the surrender document" keeps
    its event, and "the ceasefire agreement" is one event with its head); a possessor of a person
    or body named by its role ("the meeting's chairman", "the summit's host")."""
    head = tok.head
    if tok.dep_ == "poss" and head.pos_ == "NOUN":
        return _lemma(head) in _KIND_HEADS | _ROLE_HEADS
    if tok.dep_ not in {"compound", "nmod"} or head.pos_ not in {"NOUN", "PROPN"}:
        return False
    if _event_noun(head, lexicon):
        return False
    return _lemma(head) in _KIND_HEADS or resolver.resolve(head) is not None


def _people_participle(tok: Token) -> bool:
    """"the wounded", "the accused": a participle used as a noun names people, not an event."""
    return (
        tok.tag_ == "VBN"
        and tok.dep_ in {"dobj", "pobj", "nsubj", "nsubjpass", "conj", "appos", "attr"}
        and any(c.dep_ == "det" and c.lower_ in {"the", "these", "those"} for c in tok.children)
        and not any(c.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass", "agent", "dobj"} for c in tok.children)
    )


# the title of a report, film, law or campaign names no event ('a report titled "Attacks on Health
# Care"', "the documentary Siege of the City"): quoted after a naming verb or a work noun, or
# capitalized words after "titled"/"entitled"
_WORK_NOUNS = (
    "report|study|film|documentary|book|law|bill|act|resolution|campaign|song|album|exhibition|"
    "series|programme|program|show|article|essay|paper|survey|play|novel|poem|podcast|headline"
)
_TITLE = re.compile(
    r"(?:\b(?:titled|entitled|headlined|called|named|dubbed)|\b(?:" + _WORK_NOUNS + r"))\s*,?\s*"
    r"(?:[\"“‘'](?P<quoted>[^\"“”‘’\n]{1,200})[\"”’']"
    r"|(?<=titled )(?-i:(?P<bare>[A-Z][\w'-]*"
    r"(?:\s+(?:(?:on|of|in|the|and|for|to|a|an|at|by|with)\s+)*[A-Z][\w'-]*)*)))",
    re.IGNORECASE,
)


def _title_ranges(doc: Doc) -> list[tuple[int, int]]:
    text = doc_text(doc)
    out = []
    for m in _TITLE.finditer(text):
        group = "quoted" if m.group("quoted") is not None else "bare"
        out.append(m.span(group))
    out.extend((e.start_char, e.end_char) for e in doc_ents(doc) if e.label_ in {"WORK_OF_ART", "LAW"})
    return out


# the name of an offence ("charged with assault", "convicted of murder", "arrested on suspicion of
# arson", "on charges including attempted murder", "arrested for assault and evading arrest") names
# a charge, not an occurrence; "charged with the murder of X" or "jailed for attacking X" tell one
_CHARGE_WORDS = {"charge", "convict", "accuse", "indict", "suspect", "suspicion", "guilty", "acquit",
                 "acquittal", "conviction", "count", "allegation", "prosecute", "try", "sentence", "arrest",
                 "jail", "detain", "imprison", "wanted", "plead"}
_CHARGE_PREPS = {"with", "of", "including", "for"}


def _charge_name(tok: Token) -> bool:
    if tok.pos_ != "NOUN" or any(c.dep_ in {"det", "poss", "nummod"} for c in tok.children):
        return False
    node = tok
    for _ in range(4):
        if node.dep_ not in {"conj", "dobj", "pcomp", "amod", "compound"} or node.head.i == node.i:
            break
        node = node.head
    if node.dep_ != "pobj" or node.head.lower_ not in _CHARGE_PREPS:
        return False
    owner = node.head.head
    if _lemma(owner) in _CHARGE_WORDS:
        return True
    # "convicted [a man of assault]": the phrase hangs on the verb's object
    return (owner.dep_ in _OBJ | _PASS_SUBJ and _lemma(owner.head) in _CHARGE_WORDS
            and node.head.lower_ != "for")


# "under an agreement signed in 1974", "under the terms of the truce": an agreement in force named as
# the framework of something else is a document, not the report of an agreement
_FRAMEWORK_NOUNS = {"agreement", "deal", "accord", "treaty", "pact", "ceasefire", "cease-fire", "truce",
                    "memorandum", "armistice"}


def _framework(tok: Token) -> bool:
    node = tok
    if node.pos_ == "VERB" and node.dep_ == "acl" and node.tag_ == "VBN":
        node = node.head  # "[an agreement] signed in 1974"
    return (_lemma(node) in _FRAMEWORK_NOUNS and node.dep_ == "pobj" and node.head.lower_ == "under"
            and node.head.head.pos_ in {"VERB", "AUX", "ADJ"})


def find_triggers(doc: Doc, resolver: ActorResolver) -> list[TriggerMatch]:
    """Trigger tokens of the document, merged so that one event has one match."""
    lexicon = load_triggers()
    matches: list[TriggerMatch] = []
    candidates: list[TriggerMatch] = []
    titles: list[tuple[int, int]] | None = None
    for tok in doc:
        if tok.pos_ not in {"VERB", "NOUN", "PROPN"}:
            continue
        cands = lexicon.get(_lemma(tok)) or lexicon.get(tok.lower_)
        if not cands:
            continue
        if tok.pos_ == "VERB" and tok.dep_ == "amod":  # "the liberated territories"
            continue
        if tok.pos_ == "PROPN" and tok.ent_type_ in _NAME_ENTS:  # "the Agency for Development and Aid"
            continue
        if _kind_modifier(tok, lexicon, resolver) or _people_participle(tok) or _charge_name(tok) \
                or _framework(tok):
            continue
        if titles is None:
            titles = _title_ranges(doc)
        if any(lo <= tok.idx < hi for lo, hi in titles):
            continue
        pos = "VERB" if tok.pos_ == "VERB" else "NOUN"
        rows = [trig for trig in cands if trig.pos in {pos, "ANY"}]
        hit = next((trig for trig in rows if _condition_holds(tok, trig, resolver)), None)
        if hit is not None:
            matches.append(TriggerMatch(tok, hit, []))
        elif rows and pos == "NOUN" and definite_noun(tok):
            # "The strike disrupted transport": a definite event noun whose own conditions fail may
            # still tell an event of the document again, in one of its types (``assemble``)
            candidates.append(TriggerMatch(tok, rows[0], [], referent=True))
    found = {m.token.i for m in matches}
    for sent in doc.sents:
        matches.extend(m for m in _speech_demands(doc, sent.start, sent.end) if m.token.i not in found)
    matches.sort(key=lambda m: m.token.i)
    merged = _merge(matches)
    if not candidates:
        return merged
    held = {m.token.i for m in merged} | {t.i for m in merged for t in m.absorbed}
    return sorted(merged + [c for c in candidates if c.token.i not in held], key=lambda m: m.token.i)


# Complement structure. A verb that governs another act ("threatened to attack", "urged X to
# withdraw", "refused to meet", "agreed to cooperate", "accused X of attacking", "called for
# sanctions") is the event: the governed act has not happened, so it yields no event of its own.
_GOVERNING = {"THREATEN", "REQUEST", "REJECT", "AGREE", "ACCUSE"}
# what talks are about ("talks on a peace treaty", "a meeting about the blockade") is their topic
_TOPIC_PREPS = {"on", "about", "over"}
# governing types whose content has not happened (a demand, a threat, an agreement to act)
_PROSPECTIVE = {"REQUEST", "THREATEN", "AGREE"}
# the content of a governing verb or noun in a prepositional phrase ("called for sanctions",
# "agreed to mediation", "complained over the raids", "opposed to talks")
_GOVERNED_PREPS = {"for", "to", "over", "about", "on"}  # "reneged on its commitment", "agreed on a truce"
# commissive verbs: a promise of a hostile act is a threat ("vowed to fight on")
_COMMISSIVE = {"promise", "pledge", "vow", "swear", "offer", "commit"}
# coercive verbs: "forced X to withdraw" is the coercion; the forced act is its content
_COERCIVE = {"force", "compel", "push", "coerce", "oblige"}
_HOSTILE = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST", "THREATEN"}
_COOPERATIVE = {"CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}
# "ready/willing/prepared to X", "plans to X", "swore to X": an intention to act, not the act
_WILLING = {"ready", "willing", "prepared", "determined", "eager", "keen", "set"}
_INTEND = {"plan", "intend", "vow", "aim", "promise", "pledge", "swear", "threaten"}
_FUTURE = {"will", "would", "shall", "'ll", "wo"}
_NEG = {"not", "n't", "never"}
# "X said that Y must Z": a demand by the speaker on Y
_DEMAND_SPEECH = {"say", "declare", "insist", "state", "conclude", "tell", "reiterate", "announce", "stress"}
_OBLIGATION = {"must", "should"}
_NOT_ADDRESSEE = {"we", "i", "it", "there", "this", "that", "you", "one"}
# background: events in relative clauses and temporal or causal adjuncts ("where 28 people were
# killed", "after a coup toppled", "following the killing of") rank below the main clause's event
_BACKGROUND_MARKS = {
    "after",
    "since",
    "as",
    "when",
    "while",
    "because",
    "before",
    "until",
    "once",
    "though",
    "although",
    "if",
    "unless",
}
_BACKGROUND_PREPS = {"after", "following", "since", "amid", "during", "despite", "before", "until"}


def _retyped(trig: Trigger, type_: str) -> Trigger:
    mode = "violence" if type_ == "THREATEN" and trig.type == "ASSAULT" else None
    return replace(trig, type=type_, mode=mode)


def _intent_type(type_: str) -> str | None:
    """PLOVER: an announced cooperative act is AGREE (an intention), a hostile one THREATEN.
    Announced deployments stay MOBILIZE (a show of force either way)."""
    if type_ in _HOSTILE - {"MOBILIZE"}:
        return "THREATEN"
    if type_ in _COOPERATIVE:
        return "AGREE"
    return None


def _clause_governor(tok: Token) -> Token | None:
    """The word governing the clause of ``tok``: the head of its xcomp/ccomp (through
    coordination: "promised to democratize X and establish Y"), of the preposition whose
    gerund it is ("accused X of attacking"), or the noun whose complement clause it is
    ("its demand that Israel ease restrictions", "its call for X to release")."""
    node = tok
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ in {"xcomp", "ccomp"}:
        return node.head
    if node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
        # "pushed Armenia to sign": the parser's advcl is the forced act; "would blockade Paris to
        # demand an end to the reform": the purpose of a threatened, demanded or refused act
        return node.head
    if node.dep_ == "pcomp" and node.head.dep_ == "prep":
        return node.head.head
    if (
        node.dep_ in {"acl", "relcl", "advcl"}
        and node.head.pos_ == "NOUN"
        and any(
            (c.dep_ == "mark" and c.lower_ == "that") or (c.dep_ == "aux" and c.lower_ == "to")
            for c in node.children
        )
    ):
        return node.head
    return None


def _governing_host(gov: Token | None, by_token: dict[int, TriggerMatch]) -> TriggerMatch | None:
    """The match of the word governing a clause, looking one clause further up when that word is
    no trigger: "said that the US must be ready to mediate" (the demand governs what "ready"
    governs), "reiterated its demand that Israel ease restrictions" (the clause belongs to the
    demand the verb takes as its object)."""
    if gov is None:
        return None
    host = by_token.get(gov.i)
    if host is not None:
        return host
    # "reiterated its demand that ...": a that-clause of a verb whose object is a governing noun
    for c in gov.children:
        if c.dep_ in _OBJ and (cand := by_token.get(c.i)) is not None and cand.trigger.type in _GOVERNING:
            return cand
    upper = gov.head if gov.pos_ == "ADJ" and gov.dep_ in {"acomp", "amod"} else gov
    above = _clause_governor(upper) if upper.i != gov.i or gov.dep_ in {"xcomp", "ccomp"} else None
    cand = by_token.get(above.i) if above is not None else None
    return cand if cand is not None and cand.trigger.type in _GOVERNING else None


def _clause_verb(tok: Token) -> Token | None:
    """The verb whose clause states the act: the trigger itself, or the verb whose object the
    noun trigger is ("impose martial law", "continue military aid")."""
    if tok.pos_ == "VERB":
        return tok
    place = _position(tok)
    if place.dep_ in _OBJ | _PASS_SUBJ and place.head.pos_ == "VERB":
        return place.head
    return None


def _aux(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in {"aux", "neg"}}


def _conditional(verb: Token) -> bool:
    """'... unless X': the act is held over the addressee, a threat or ultimatum."""
    return any(
        c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "unless" for g in c.children)
        for c in verb.children
    )


def _background(tok: Token) -> bool:
    node = tok
    for _ in range(40):
        if node.dep_ == "relcl" or (node.dep_ == "acl" and node.tag_ in {"VBN", "VBG"}):
            return True
        if node.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            return True  # "efforts to end the fighting": the aim of something else
        marks = {c.lower_ for c in node.children if c.dep_ == "mark"}
        if node.dep_ == "advcl" and marks & _BACKGROUND_MARKS:
            return True
        if node.dep_ == "pobj" and node.head.lower_ in _BACKGROUND_PREPS:
            return True
        if node.lower_ in {"wake", "aftermath"} and node.dep_ == "pobj":
            return True
        if node.head.i == node.i:
            break
        node = node.head
    return False


def _speech_demands(doc: Doc, start: int, end: int) -> list[TriggerMatch]:
    """'Russia said Sudan must return the helicopter': REQUEST on the speech verb."""
    out = []
    for tok in doc[start:end]:
        if tok.pos_ != "VERB" or _lemma(tok) not in _DEMAND_SPEECH:
            continue
        for comp in tok.children:
            modals = {c.lower_ for c in comp.children if c.dep_ == "aux"}
            if comp.dep_ != "ccomp" or not modals & _OBLIGATION:
                continue
            subj = _first_child(comp, _SUBJ | _PASS_SUBJ)
            speaker = _first_child(tok, _SUBJ) or (tok if tok.tag_ == "VBG" and tok.dep_ == "advcl" else None)
            if subj is None or subj.lower_ in _NOT_ADDRESSEE or speaker is None:
                continue
            out.append(TriggerMatch(tok, Trigger(_lemma(tok), "VERB", "REQUEST", None, None, 0.6), []))
            break
    return out


def _mark_governed(match: TriggerMatch, governor: TriggerMatch) -> None:
    """A demanded, threatened, refused or promised act: ranked well below its governor, and no
    event of its own in the default output (``assemble``)."""
    if match.governed_by is None:
        match.governed_by = governor.trigger.type
        match.governor = governor.token
        match.trigger = replace(match.trigger, confidence=round(match.trigger.confidence * 0.4, 3))


# what a governed act's modality is, by the type of the event that governs it
GOVERNED_MODALITY = {
    "THREATEN": "hypothetical",
    "REQUEST": "hypothetical",
    "REJECT": "negated",
    "AGREE": "planned",
    "ACCUSE": "reported",
}


def _govern(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """One sentence: fold governed acts into their governing trigger, and type intentions,
    refusals and announced acts (see ``_GOVERNING``); rank background events lower."""
    by_token = {m.token.i: m for m in matches}
    dropped: set[int] = set()
    for m in matches:
        # what is demanded, rejected or threatened has not happened: "rejected calls for his
        # resignation", "demanded the release of the prisoners"
        tok = m.token
        if tok.pos_ != "VERB" or m.trigger.type not in {"REQUEST", "REJECT", "THREATEN"} or tok.i in dropped:
            continue
        for obj in (c for c in tok.children if c.dep_ in _OBJ):
            for other in matches:
                o = other.token
                if other is not m and o.i not in dropped and o != obj and _in_subtree(o, obj):
                    m.absorbed.extend([o, *other.absorbed])
                    _mark_governed(other, m)
    for m in matches:
        if m.token.i in dropped or m.governed_by is not None:
            continue
        verb = _clause_verb(m.token)
        if verb is None:
            continue
        gov = _clause_governor(verb)
        host = _governing_host(gov, by_token)
        if (
            host is not None
            and host is not m
            and host.token.i not in dropped
            and (host.trigger.type in _GOVERNING or _lemma(host.token) in _COMMISSIVE | _COERCIVE)
        ):
            if _lemma(host.token) in _COERCIVE:
                # the forced act is the event ("pushed X to sign the surrender": X concedes to the
                # pusher); the coercive verb is an event of its own only with no act under it
                dropped.add(host.token.i)
                continue
            if _lemma(host.token) in _COMMISSIVE - {"offer", "commit"} and m.trigger.type in _HOSTILE:
                host.trigger = _retyped(host.trigger, "THREATEN")
            # the governed clause, with every act inside it, is the governing event's content: it
            # lends the event its roles, and stays an event of its own, marked as not (yet) real
            for other in matches:
                o = other.token
                if other is not host and o.i not in dropped and (o == verb or _in_subtree(o, verb)):
                    host.absorbed.extend([o, *other.absorbed])
                    _mark_governed(other, host)
            continue
        if verb.i != m.token.i and verb.i in by_token:
            continue  # the verb's own match decides ("lift the curfew")
        words = _aux(verb)
        if verb.dep_ == "xcomp" and _lemma(verb.head) == "fail":
            words = words | {"not"}  # "failed to reach agreement": no agreement, a refusal
        intent = (
            gov is not None
            and host is None
            and ((gov.pos_ == "ADJ" and _lemma(gov) in _WILLING) or _lemma(gov) in _INTEND)
        )
        if words & _NEG:
            # "will not accept", "did not support": a refusal of the cooperative act
            if m.trigger.type in {"AGREE", "SUPPORT", "COOPERATE", "CONCEDE", "AID"} or (
                m.trigger.type in {"CONSULT", "RETREAT"} and words & (_FUTURE | {"can", "could"})
            ):
                m.trigger = _retyped(m.trigger, "REJECT")
                m.intent = True
            continue
        future = bool(words & _FUTURE) and host is None
        if future and _conditional(verb):
            m.trigger = _retyped(m.trigger, "THREATEN")
            m.intent = True
        elif intent or future:
            # PLOVER: "all cooperative actions reported in future tense are taken to imply
            # intentions" (AGREE); an announced hostile act is a threat. An announced attack
            # stays an attack ("troops will storm the town") unless an intention verb governs it.
            new = _intent_type(m.trigger.type)
            if new is not None and (intent or m.trigger.type != "ASSAULT"):
                m.trigger = _retyped(m.trigger, new)
                m.intent = True
    kept = _fold_demands([m for m in matches if m.token.i not in dropped])
    for m in kept:
        m.background = _background(m.token)
    foreground = [m for m in kept if not m.background]
    for m in kept:
        tok = m.token
        lower = 1.0
        if foreground and m not in foreground:
            lower = 0.7
        # a purpose or manner adjunct of another event ("staged rallies to demand reforms",
        # "protested, calling for X") ranks below the event it serves
        if (
            tok.pos_ == "VERB"
            and tok.dep_ in {"advcl", "xcomp"}
            and (tok.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children))
        ):
            head = tok.head
            if any(
                o is not m
                and o.trigger.type != m.trigger.type
                and (o.token == head or (o.token.head == head and _position(o.token).dep_ in _OBJ))
                for o in kept
            ):
                lower *= 0.6
        if lower < 1.0:
            m.trigger = replace(m.trigger, confidence=round(m.trigger.confidence * lower, 3))
    return kept


_ADJUNCT_DEPS = {"advcl", "xcomp", "acl", "pcomp", "prep"}


def _protest_host(m: TriggerMatch, protests: list[TriggerMatch]) -> TriggerMatch | None:
    """The protest whose demand a REQUEST states: a purpose infinitive or a participle attached to
    the protest's clause ("staged rallies to demand reforms", "demonstrated calling for
    elections", "a march demanding his release", "rioted, joining others in demanding a vote").
    A demand set off by a comma right after the protest verb ("protested outside City Hall,
    demanding that ...") is the protesters' own act, not folded."""
    tok = m.token
    if tok.pos_ != "VERB" or not (
        tok.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    ):
        return None
    if tok.tag_ == "VBG" and tok.dep_ in {"advcl", "xcomp", "conj"} and tok.head.pos_ == "VERB" \
            and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "," and tok.head.i < tok.i \
            and _lemma(tok) not in _DEMAND_SPEECH:
        # "protested outside City Hall, demanding that ...": the protesters' demand told as an act of
        # its own, set off from the protest (the news guideline codes both; a purpose infinitive,
        # "rallied to demand", is the protest's aim)
        return None
    node = tok
    for _ in range(4):
        if node.dep_ not in _ADJUNCT_DEPS or node.head.i == node.i:
            return None
        head = node.head
        for p in protests:
            p_tok = p.token
            if p_tok == head or (_position(p_tok).head == head and _position(p_tok).dep_ in _OBJ | _SUBJ):
                return p
        node = head
    return None


def _fold_demands(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """A protest's demand is what the protest is about, not a second event (PLOVER codes the
    protest): the REQUEST is absorbed into the PROTEST and lends it its content."""
    protests = [m for m in matches if m.trigger.type == "PROTEST"]
    if not protests:
        return matches
    folded: set[int] = set()
    for m in matches:
        host = _protest_host(m, protests) if m.trigger.type == "REQUEST" and m.governed_by is None else None
        if host is None:
            continue
        # with what is demanded ("to demand the resignation of the president")
        content = [o for o in matches if o is not host and (o is m or _in_subtree(o.token, m.token))]
        for o in content:
            host.absorbed.extend([o.token, *o.absorbed])
            folded.add(o.token.i)
    return [m for m in matches if m.token.i not in folded]


def _new_clause_between(tok: Token, root: Token) -> bool:
    """A coordinated clause with a subject of its own lies between ``tok`` and its ancestor ``root``
    ("protested in Athens, and a smaller rally was held in Thessaloniki", "a court in Grodno
    sentenced X, and a court in Gomel jailed Y"): another act, not a part of root's."""
    node = tok
    while node.i != root.i and node.head.i != node.i:
        if node.dep_ == "conj" and node.head.pos_ in {"VERB", "AUX"} and any(
                c.dep_ in _SUBJ | _PASS_SUBJ for c in node.children):
            return True
        node = node.head
    return False


def _in_subtree(tok: Token, root: Token) -> bool:
    return root.left_edge.i <= tok.i <= root.right_edge.i and any(a == root for a in tok.ancestors)


def _merge(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """One match per event, sentence by sentence (matches never merge across sentences)."""
    out: list[TriggerMatch] = []
    group: list[TriggerMatch] = []
    current = -1
    for m in matches:  # matches come in token order, so a sentence's matches are contiguous
        sent_start = m.token.sent.start
        if sent_start != current and group:
            out.extend(_merge_sentence(group))
            group = []
        current = sent_start
        group.append(m)
    if group:
        out.extend(_merge_sentence(group))
    return out


def _merge_sentence(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """Absorb nouns that are another trigger's object or of-phrase; fold same-type triggers
    where one lies in the other's subtree."""
    matches = _govern(matches)
    absorbed: set[int] = set()
    referents: list[TriggerMatch] = []
    by_token = {m.token.i: m for m in matches}
    for m in matches:
        tok = m.token
        # the nominal argument of a trigger: "violated the ceasefire", "cessation of hostilities",
        # "signed the surrender document" (the more specific noun's type wins for support verbs)
        for other in matches:
            if other is m or other.token.i in absorbed or m.token.i in absorbed:
                continue
            o = other.token
            slot = _position(o)  # "agreed a package of sanctions": the package is the object
            direct_obj = slot.head == tok and slot.dep_ in _OBJ | _PASS_SUBJ
            governed = (
                o.dep_ == "pobj"
                and o.head.head == tok
                and o.head.lower_ in _GOVERNED_PREPS
                and (m.trigger.type in _GOVERNING or (m.trigger.type == "CONCEDE" and o.head.lower_ == "to")
                     or (m.trigger.type == "CONSULT" and o.head.lower_ in _TOPIC_PREPS))
            )  # "conceded to demands": what is yielded to; "talks on a peace treaty": what is discussed
            of_obj = o.dep_ == "pobj" and o.head.head == tok and o.head.lower_ in {"of", "off"}
            in_obj_phrase = o.dep_ == "compound" and o.head.head == tok and o.head.dep_ in _OBJ
            if not (direct_obj or of_obj or in_obj_phrase or governed):
                continue
            if governed and m.trigger.type == "ACCUSE" and m.trigger.mode == "allege" and o.pos_ == "NOUN" \
                    and not definite_noun(o) and other.trigger.type != "ACCUSE":
                # "charged a man over an assault at a pub on Friday": an alleged occurrence told in
                # the accusation, an event of its own (as "accused X of attacking" is)
                _mark_governed(other, m)
                continue
            if _lemma(tok) in SUPPORT_VERBS and other.trigger.type != m.trigger.type and not governed:
                m.trigger = other.trigger
            m.absorbed.append(o)
            absorbed.add(o.i)
            # what a reaction is about ("condemned the attack", "blamed X for the attack", "rejected
            # that request") is an occurrence told elsewhere; what is demanded, threatened or agreed
            # ("demanded the release") is not
            if other.trigger.type != m.trigger.type and (m.trigger.type not in _PROSPECTIVE or not (
                    direct_obj or governed)) and definite_noun(o):
                referents.append(TriggerMatch(o, other.trigger, [], referent=True))
            if governed:  # the governed phrase with its modifiers ("opposed to mediation in the talks")
                for inner in matches:
                    if inner.token.i not in absorbed and inner is not m and _in_subtree(inner.token, o):
                        m.absorbed.append(inner.token)
                        absorbed.add(inner.token.i)
                        if inner.trigger.type != m.trigger.type and definite_noun(inner.token):
                            # "called for an inquiry into the shelling"
                            referents.append(TriggerMatch(inner.token, inner.trigger, [], referent=True))
        head = by_token.get(tok.head.i)
        # a reduced relative on an event noun tells that event ("the ceasefire agreement signed in
        # 2001", "a curfew imposed on the town"): one event, the noun's
        if tok.pos_ == "VERB" and tok.dep_ == "acl" and tok.tag_ == "VBN" and head is not None \
                and head.token.pos_ == "NOUN":
            head.absorbed.append(tok)
            absorbed.add(tok.i)
            continue
        # coordinated nouns of one type: "a ceasefire and a cessation of hostilities" (coordinated
        # verbs are folded below, unless each has a subject of its own)
        if tok.dep_ == "conj" and tok.pos_ != "VERB" and head is not None \
                and head.trigger.type == m.trigger.type:
            head.absorbed.append(tok)
            absorbed.add(tok.i)
        # compound nouns of one phrase: "the ceasefire agreement" -> one event (head's)
        if tok.dep_ == "compound" and head is not None:
            head.absorbed.append(tok)
            absorbed.add(tok.i)
    kept = [m for m in matches if m.token.i not in absorbed]
    final: list[TriggerMatch] = []
    folded_into: dict[int, TriggerMatch] = {}
    for m in kept:
        host = None
        for other in kept:
            if other is m or other.trigger.type != m.trigger.type or other.token.pos_ != "VERB":
                continue
            if (_in_subtree(m.token, other.token) and not _new_clause_between(m.token, other.token)) or (
                m.token.pos_ == "NOUN" and m.token.dep_ == "pobj" and m.token.head.head == other.token
            ):
                host = other
                break
        if host is None and m.token.pos_ == "VERB" and m.token.dep_ in {"advcl", "xcomp"} and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in m.token.children):
            # "went on strike to protest the plan", "staged a rally to protest": the purpose of an
            # act of the same type is that act
            gov = m.token.head
            for other in kept:
                if other is not m and other.trigger.type == m.trigger.type and other.token.pos_ == "NOUN" \
                        and (_position(other.token).head == gov or _position(other.token).head.head == gov):
                    host = other
                    break
        if host is None and m.token.tag_ == "VBG" and m.token.dep_ in {"advcl", "xcomp", "conj"}:
            # "launched drone strikes on Kharkiv, killing three civilians": the participle
            # reports the outcome of the same-type event in its governing clause (through
            # coordination: "opened fire on a bus, killing nine people and wounding five")
            node = m.token
            while node.dep_ == "conj" and node.head.i != node.i and node.head.tag_ == "VBG":
                node = node.head
            gov = node.head
            for other in kept:
                if (
                    other is not m
                    and other.trigger.type == m.trigger.type
                    and other.token.pos_ == "NOUN"
                    and _in_subtree(other.token, gov)
                ):
                    host = other
                    break
        while host is not None and host.token.i in folded_into:
            host = folded_into[host.token.i]  # "killing nine and wounding five": into what took "killing"
        if host is not None and host.token.i not in absorbed:
            host.absorbed.append(m.token)
            absorbed.add(m.token.i)
            folded_into[m.token.i] = host
        else:
            final.append(m)
    return sorted([m for m in final if m.token.i not in absorbed] + referents, key=lambda m: m.token.i)


def _first_child(tok: Token, deps: set[str]) -> Token | None:
    """The child with one of ``deps``; of several subjects, the one nearest the verb
    (a dateline parsed as a second subject stands further away)."""
    found = [c for c in tok.children if c.dep_ in deps]
    if not found:
        return None
    if deps & _SUBJ and len(found) > 1:
        before = [c for c in found if c.i < tok.i]
        return before[-1] if before else found[0]
    return found[0]


def _pobj(tok: Token, preps: set[str]) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = _first_child(c, {"pobj"})
            if obj is not None:
                return obj
    return None


def _agent(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "agent":
            return _first_child(c, {"pobj"})
    return None


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in _PASS_SUBJ or c.dep_ == "auxpass" for c in tok.children)


# verbs that charge someone with an act told as a gerund ("accused X of shelling")
_CHARGING = {"accuse", "blame", "charge", "convict", "suspect", "indict", "condemn", "criticize", "criticise",
             "fault", "sentence", "arrest", "jail", "fine", "sanction", "punish", "praise", "thank", "credit"}


def _verb_roles(verb: Token) -> tuple[Token | None, Token | None]:
    """(actor head, recipient head) of a verbal trigger."""
    if _is_passive(verb):
        return _agent(verb), _first_child(verb, _PASS_SUBJ)
    if verb.tag_ == "VBN" and verb.dep_ in {"conj", "acl", "advcl", "oprd"} \
            and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children):
        # a reduced passive ("left one soldier dead and several civilians wounded"): its subject
        # is who suffered it
        subj = _first_child(verb, _SUBJ)
        if subj is not None:
            return _agent(verb), subj
    actor = _first_child(verb, _SUBJ)
    if actor is None and verb.dep_ in {"xcomp", "advcl", "conj"}:
        gov = verb.head
        if verb.dep_ == "xcomp":
            actor = _first_child(gov, _OBJ) or _first_child(gov, _SUBJ)
        elif verb.dep_ == "conj":
            actor = _first_child(gov, _SUBJ) or (_agent(gov) if _is_passive(gov) else None)
        else:
            actor = _first_child(gov, _SUBJ)
    if actor is None and verb.dep_ == "relcl":
        actor = verb.head
    if actor is None and verb.dep_ == "pcomp" and verb.head.lower_ in {"of", "for", "with"} \
            and _lemma(verb.head.head) in _CHARGING:
        # "accused Moscow of shelling Kharkiv", "Moscow was blamed for shelling": who is accused acts
        charger = verb.head.head
        actor = _first_child(charger, _PASS_SUBJ) if _is_passive(charger) else _first_child(charger, _OBJ)
    if actor is None and verb.dep_ == "ROOT" and verb.tag_ in {"VBD", "VBZ", "VBP"}:
        # a finite main verb the parser left without a subject (long fronted phrases):
        # the last person named before it in the sentence
        people = [e for e in ents_in(verb.doc, verb.sent.start, verb.i) if e.label_ == "PERSON"]
        if people:
            actor = people[-1].root
    recipient = _first_child(verb, _OBJ) or _pobj(verb, _TARGET_PREPS)
    governor = _clause_governor(verb)
    if governor is not None and _lemma(governor) in _COERCIVE and not _is_passive(verb):
        actor = _first_child(governor, _OBJ) or actor  # "pushed Armenia to sign": Armenia signs
    return actor, recipient


_CONTAINER_NOUNS = _QUANTIFIER_NOUNS | _MEASURE_NOUNS | {
    "wave",
    "series",
    "spate",
    "barrage",
    "salvo",
    "round",
    "string",
    "volley",
    "flurry",
    "package",
    "set",
    "raft",
    "campaign",
    "kind",
    "type",
    "form",
}


def _position(noun: Token) -> Token:
    """Where a noun trigger sits in its clause: "a wave of drone strikes" -> "wave"."""
    while (
        noun.dep_ == "pobj"
        and noun.head.lower_ == "of"
        and _lemma(noun.head.head) in _CONTAINER_NOUNS
        and noun.head.head.pos_ == "NOUN"
    ):
        noun = noun.head.head
    return noun


_PLACE_ENTS = {"GPE", "LOC", "FAC"}
_SCENE_NOUNS = {"street", "road", "square"}  # "took to the streets of X": X is where


def _noun_roles(noun: Token) -> tuple[Token | None, Token | None]:
    actor = _first_child(noun, {"poss"}) or _pobj(noun, {"by", "from"})
    of = _pobj(noun, {"of"})
    if (actor is None and of is not None and of.ent_type_ not in _PLACE_ENTS
            and _lemma(noun) not in _SCENE_NOUNS):
        actor = of  # "the attacks of the Armenian Armed Forces" (but "the streets of Nairobi" is a place)
    recipient = _pobj(noun, {"on", "against", "at", "upon", "toward", "towards", "with"})
    between = _pobj(noun, {"between", "among"})
    if actor is None and between is not None:
        # "a clash between Kyrgyz and Tajik forces", "talks between X and Y": the two sides
        actor = between
        if recipient is None:
            recipient = _first_child(between, {"conj"})
    if actor is not None and actor.lower_ in {"its", "their", "his", "her"}:
        actor = None
    place = _position(noun)
    if recipient is None and place != noun:
        recipient = _pobj(place, {"on", "against", "at", "upon", "toward", "towards"})
    head = place.head
    # the noun as object/complement of a support verb, or under its preposition
    verb = None
    if place.dep_ in _OBJ | _PASS_SUBJ | _SUBJ and head.pos_ in {"VERB", "AUX"}:
        verb = head
    elif (
        place.dep_ == "pobj"
        and head.dep_ == "prep"
        and head.head.pos_ == "VERB"
        and (_lemma(head.head) in SUPPORT_VERBS or head.lower_ == "with")
    ):
        verb = head.head
    if verb is not None and place.dep_ not in _SUBJ:
        if actor is None and _is_passive(verb):
            actor = _agent(verb)
        elif actor is None and (_lemma(verb) in SUPPORT_VERBS or place.dep_ == "pobj"):
            actor = _verb_roles(verb)[0]
        if recipient is None and _lemma(verb) in SUPPORT_VERBS:
            # "exchanged fire with the attackers": the other side of an exchange
            preps = {"on", "against", "upon", "toward", "towards"} | (
                {"with"} if _lemma(verb) in {"exchange", "trade"} else set())
            recipient = _pobj(verb, preps)
    # no actor of its own in an adverbial phrase: the clause's subject ("Following its offensive, X ...")
    if actor is None and verb is None:
        anc = place
        while anc.dep_ in {"pobj", "prep", "amod", "compound", "nmod", "npadvmod"} and anc.head != anc:
            anc = anc.head
            if anc.pos_ == "VERB":
                actor = _first_child(anc, _SUBJ)
                break
        if actor is None and anc.dep_ in {"advcl", "prep"} and anc.head.pos_ in {"VERB", "AUX"}:
            actor = _first_child(anc.head, _SUBJ)
    return actor, recipient


_ANCHOR_ENTS = {"DATE", "TIME", "GPE", "LOC", "FAC", "NORP", "ORG", "PERSON", "EVENT"}
_ANCHOR_DEPS = {"poss", "prep", "nummod", "npadvmod", "acl", "relcl", "appos"}
_PLACE_ADVERBS = {"there", "here"}


def _own_anchor(noun: Token) -> bool:
    """Whether a noun names its occurrence: a participant, time or place of its own ("the killing of
    an Israeli man", "last month's invasion", "a bombing in the market", "Serbian shelling")."""
    place = _position(noun)
    while place.dep_ == "conj" and place.head.i != place.i:
        place = place.head
    if place.dep_ in _OBJ | _SUBJ | _PASS_SUBJ and place.head.pos_ in {"VERB", "AUX"} and any(
            (c.dep_ in _SUBJ | _PASS_SUBJ | _OBJ | {"agent"} and c != place) or c.lower_ in _PLACE_ADVERBS
            for c in place.head.children):
        # the argument of a clause with participants ("when Armenia made claims") or a place ("to
        # end the fighting there")
        return True
    for node in {noun, place}:
        for c in node.children:
            if c.lower_ in _PLACE_ADVERBS:
                return True
            if c.dep_ in _ANCHOR_DEPS:
                return True
            if c.dep_ in {"compound", "amod", "nmod"} and (c.ent_type_ in _ANCHOR_ENTS or c.pos_ == "PROPN"):
                return True
    return any(t.ent_type_ in _ANCHOR_ENTS for t in noun.subtree)


_DEFINITE_DETS = {"the", "this", "that", "these", "those"}


def definite_noun(tok: Token) -> bool:
    """A noun trigger with a definite determiner or a possessor ("the attack", "that request",
    "Tuesday's strike"): it presupposes its occurrence."""
    return tok.pos_ == "NOUN" and any(
        (c.dep_ == "det" and c.lower_ in _DEFINITE_DETS) or c.dep_ == "poss" for c in tok.children)


def direct_content(match: TriggerMatch) -> bool:
    """The governed act is what its governor demands, threatens, refuses or promises ("demanded the
    release", "called for an inquiry"): its object or prepositional object. A noun deeper inside
    ("an inquiry into the shelling", "to retaliate for the attack") is what that act is about."""
    gov = match.governor
    if gov is None:
        return False
    node = _position(match.token)
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.head == gov:
        return True
    return node.dep_ == "pobj" and node.head.head == gov


def noun_position(noun: Token) -> Token:
    """Where a noun trigger sits in its clause, through container nouns ("a wave of strikes")."""
    return _position(noun)


def own_noun_roles(noun: Token) -> tuple[Token | None, Token | None]:
    """The participants a noun names itself ("Russia's attack on Kharkiv", "the attack by rebels"),
    not those of the clause around it: for a referent, whose clause is another act's."""
    actor = _first_child(noun, {"poss"}) or _pobj(noun, {"by", "from"})
    if actor is not None and actor.lower_ in {"its", "their", "his", "her"}:
        actor = None
    return actor, _pobj(noun, {"on", "against", "at", "upon", "toward", "towards"})


def unanchored_background(match: TriggerMatch) -> bool:
    """A noun in a background clause or adjunct with no participant, time or place of its own
    ("resigned after weeks of protests", "after two days of fierce fighting"): a reference to a
    situation, not the report of an occurrence."""
    if not match.background or match.token.pos_ not in {"NOUN", "PROPN"}:
        return False
    nouns = [match.token, *(t for t in match.absorbed if t.pos_ in {"NOUN", "PROPN"})]
    return not any(_own_anchor(n) for n in nouns)


def event_nouns(match: TriggerMatch) -> list[Token]:
    """The trigger and its absorbed nouns that name an event of the match's type ("The attack killed
    four": the verb's event is also told by "attack")."""
    lexicon = load_triggers()
    out = [match.token] if match.token.pos_ == "NOUN" else []
    for tok in match.absorbed:
        if tok.pos_ == "NOUN" and any(
                t.pos in {"NOUN", "ANY"} and t.type == match.trigger.type
                for t in lexicon.get(_lemma(tok), lexicon.get(tok.lower_, ()))):
            out.append(tok)
    return out


def roles_for(match: TriggerMatch) -> tuple[Token | None, Token | None]:
    tok = match.token
    if match.governed_by == "ACCUSE" and tok.pos_ == "NOUN":
        # "Police charged a man over an assault": the accuser's clause is not the act's
        return own_noun_roles(tok)
    actor, recipient = _verb_roles(tok) if tok.pos_ == "VERB" else _noun_roles(tok)
    # "lost soldiers": the subject suffers the event
    if match.trigger.needs and match.trigger.needs.startswith("obj=") and match.trigger.lemma == "lose":
        return None, actor
    # an object that is itself the event noun is no participant ("agreed a package of sanctions
    # against Iran", "violated the ceasefire in the direction of X"): look for the real target
    if (
        tok.pos_ == "VERB"
        and recipient is not None
        and any(_position(x) == recipient or x == recipient for x in match.absorbed)
    ):
        recipient = None
    # the event noun as the verb's subject ("An air strike by Syrian jets killed 12 people"): the
    # attacker is the noun's own actor, not the noun
    if tok.pos_ == "VERB" and actor is not None and any(
            _position(x) == actor or x == actor for x in match.absorbed):
        actor = None
    # absorbed nouns can supply what the head lacks ("the attacks of the Armenian Armed Forces"),
    # and so can a same-event verb ("10 civilians were killed when warplanes struck a market")
    for extra in match.absorbed:
        if extra.pos_ in {"NOUN", "PROPN"}:
            a2, r2 = _noun_roles(extra)
            actor = actor or a2
            recipient = recipient or r2
        elif extra.pos_ == "VERB" and actor is None:
            actor = _verb_roles(extra)[0]
    if recipient is None and match.trigger.type == "REQUEST" and tok.pos_ == "VERB":
        # "said (that) Sudan must return ...", "urged that X ...": the complement's subject
        comp = _first_child(tok, {"ccomp"})
        if comp is not None:
            recipient = _first_child(comp, _SUBJ | _PASS_SUBJ)
    if recipient is None and match.trigger.type in {"THREATEN", "REJECT"}:
        # "threatened to shell Iraqi towns", "refused to meet the king": the governed act's target
        for extra in match.absorbed:
            if extra.pos_ == "VERB":
                recipient = _verb_roles(extra)[1]
                if recipient is not None:
                    break
    if recipient is None and match.trigger.type == "ASSAULT":
        recipient = _direction_target(tok)
    return actor, recipient


_ORDER_NOUNS = {
    "instruction",
    "order",
    "request",
    "direction",
    "command",
    "behest",
    "initiative",
    "invitation",
    "decree",
}


def ordering_phrase(match: TriggerMatch) -> Token | None:
    """Who ordered the event: "by/on/at/under the instructions/orders/request of X", "on X's orders"
    attached to the trigger's clause. Returns the head of X."""
    verb = match.token
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in {"by", "on", "at", "under", "upon", "following"}:
            continue
        noun = _first_child(prep, {"pobj"})
        if noun is None or _lemma(noun) not in _ORDER_NOUNS:
            continue
        return _first_child(noun, {"poss"}) or _pobj(noun, {"of", "from"})
    return None


def coercer(match: TriggerMatch) -> Token | None:
    """Who forced the act ("Azerbaijan pushed Armenia to sign"): the recipient of a forced act
    when the act names no participant of its own."""
    tok = match.token
    gov = _clause_governor(tok) if tok.pos_ == "VERB" else None
    if gov is None or _lemma(gov) not in _COERCIVE:
        return None
    return _first_child(gov, _SUBJ)


def target_phrase(match: TriggerMatch) -> Token | None:
    """A verb's prepositional target ("fired tear gas at demonstrators"), used when its direct
    object names no actor."""
    tok = match.token
    return _pobj(tok, _TARGET_PREPS) if tok.pos_ == "VERB" else None


def _direction_target(tok: Token) -> Token | None:
    """'in the direction of X', 'toward X': the target of an attack or violation."""
    for c in tok.children:
        if c.dep_ != "prep":
            continue
        obj = _first_child(c, {"pobj"})
        if obj is None:
            continue
        if c.lower_ in {"toward", "towards"}:
            return obj
        if obj.lower_ == "direction":
            inner = _pobj(obj, {"of"})
            if inner is not None:
                return inner
    return None


_WEAPON_MODE_NAMES = {mode for _, mode in _WEAPON_MODES}


def mode_for(match: TriggerMatch, sentence_tokens: Sequence[Token]) -> str | None:
    """The lexicon's mode; for an attack, the weapon named in the sentence wins over the
    trigger's default weapon ("fired tear gas" is crowd control, not firearms)."""
    default = match.trigger.mode
    if match.trigger.type != "ASSAULT" or (default is not None and default not in _WEAPON_MODE_NAMES):
        return default
    words = {_lemma(t) for t in sentence_tokens} | {t.lower_ for t in sentence_tokens}
    for cues, mode in _WEAPON_MODES:
        if words & cues:
            return mode
    return default
