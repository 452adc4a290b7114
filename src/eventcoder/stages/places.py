"""Places: recognize toponyms, resolve them against the gazetteer, attach them to events.

Recognition takes spaCy's GPE/LOC/FAC entities, and also proper-noun runs the gazetteer knows
well, because the small English model often tags towns in conflict reporting as PERSON or ORG.
Demonyms (NORP) are never places. A place that is the subject of a verb ("Moscow said") keeps
``role="actor"`` but is still geocoded.

State and province abbreviations ("Decatur, Ga.", "R-Ind.") name their units, and a county or
town leading a public body's name ("the Jefferson County Sheriff's Office") is its jurisdiction.

Resolution ranks each mention's candidates by feature type, population, the countries and admin
units the document names elsewhere, closeness to the document's other places, the dateline and
the publisher's country, and a primary-name match over an alternate-name match; then the
document's coherence: the first-level unit and country its other names put it in count for a
town as if named (``_Focus``), and a repeated name keeps one reading. ``score`` is the winner's
share of a softmax over candidate scores, times the confidence of recognition.

Mapping of ``precision`` to ACLED ``geo_precision``: ``point`` (a town or city) -> 1;
``near`` and ``admin2`` (a county or district) -> 2;
``admin1``, ``region`` and ``country`` -> 3 (the event is known only to a larger area).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from spacy.attrs import LOWER, ORTH, POS
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from ..gazetteer import COMPASS_WORDS, Candidate, Gazetteer, haversine_km, normalize_name
from ..records import Place
from ..resources import read_table
from .actors import FORMER_STATES, load_lexicon
from .attribution import source_spans
from .linguistic import doc_text

__all__ = ["ACLED_GEO_PRECISION", "event_location", "extract_places", "resolve_dateline", "resolve_name"]

ACLED_GEO_PRECISION = {"point": 1, "near": 2, "admin2": 2, "admin1": 3, "region": 3, "country": 3}
_PRECISION = {"city": "point", "admin2": "admin2", "admin1": "admin1", "region": "region",
              "country": "country"}
_BASE = {"country": 3.0, "admin1": 2.0, "region": 2.2, "admin2": 1.5, "city": 1.0}

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model gives towns it does not know ("in Winnipeg" PRODUCT); a place preposition
# before the name overrides them.
_MISLABELS = {"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}
_SKIP_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
                "LANGUAGE", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"}
# Unit words folded into a preceding name: "Tovuz district", "Kherson oblast".
_UNIT_WORDS = {"district", "province", "region", "oblast", "governorate", "rayon", "raion", "county",
               "prefecture", "municipality", "districts", "provinces", "regions", "state", "parish",
               "division", "divisions", "counties", "parishes"}
# A plural unit word after a list gives each name its unit: "Ouachita and Morehouse parishes",
# "Borno, Yobe and Adamawa states".
_PLURAL_UNITS = {"counties": "county", "parishes": "parish", "provinces": "province", "districts": "district",
                 "regions": "region", "states": "state", "governorates": "governorate", "oblasts": "oblast",
                 "prefectures": "prefecture", "municipalities": "municipality", "divisions": "division"}
_LIST_WORDS = {",", "and", "or", "&"}
_ROAD_WORDS = {"on", "along", "off", "onto", "via", "$"}
_TITLES = {"mr", "mrs", "ms", "dr", "president", "minister", "prime", "gen", "general", "col", "colonel",
           "lt", "capt", "captain", "sgt", "sen", "senator", "rep", "gov", "governor", "king", "queen",
           "prince", "princess", "sheikh", "pope", "judge", "spokesman", "spokeswoman", "mayor", "chancellor",
           "ambassador", "commander", "secretary", "director", "chief", "officer", "sir", "lord", "lady",
           "madam", "mister", "saint"}
_SAY_VERBS = {"say", "tell", "state", "announce", "claim", "add", "note", "write", "report", "deny",
              "confirm", "insist", "argue", "warn", "explain", "ask"}
_CLAUSE_PREPS = {"in", "near", "at", "on", "along", "across", "from", "into", "inside", "outside",
                 "around", "throughout", "within", "off", "over", "through"}
_ACTOR_DEPS = {"nsubj", "agent"}
# A name right before one of these names a disease or pathogen, not a place ("Marburg virus").
_DISEASE_WORDS = {"virus", "viruses", "ebolavirus", "flu", "influenza", "fever", "strain", "strains",
                  "disease", "syndrome", "variant"}
_COMPASS = COMPASS_WORDS | {"midwest"}
# The planet and its neighbours: "on Earth" is no small Texas town (towns so named are all small).
_CELESTIAL = {"earth", "moon", "sun", "mars", "venus", "mercury", "jupiter", "saturn", "uranus",
              "neptune", "pluto"}
_STRONG_FEATURES = {"country", "admin1", "region"}
_POPULOUS = 100_000
_WORLD_CITY = 1_000_000
_SHARPNESS = 2.0  # softmax temperature: a tenfold population gap alone gives about 0.73 vs 0.27


@dataclass(slots=True)
class _Mention:
    start: int  # token indices
    end: int
    candidates: list[Candidate]
    from_entity: bool  # spaCy called it GPE/LOC/FAC
    label: str | None  # spaCy entity label over the run, if any
    role: str
    text: str = ""
    unit: bool = False  # a lower-case unit word was folded in ("Tovuz district")
    in_org: bool = False  # names the country of an organisation ("U.S. Army", "Ministry of X")
    locative: bool = False  # object of a place preposition ("in Lachin", "near X and Y")
    definite: bool = False  # right after "the" ("the Pacific"): a sea or region more than a town
    modifier: bool = False  # modifies a following noun: "a Longview woman", "Pineville police"
    headline: bool = False  # opens a line as a verb's subject: "Decatur approves budget"
    part: bool = False  # found inside a longer entity ("North Dallas"): see ``_entity_parts``
    town: bool = False  # a person's entity read as a town by its position (``_town_called_person``)
    chars: tuple[int, int] | None = None  # character offsets when the name is part of a token ("Kan.-based")
    # kept only when a candidate lies in the document's area (``_Focus``): a name the tagger
    # calls a person or organisation, or a small town leading a public body's name
    gated: bool = False


def _strip_det(span: Span) -> tuple[int, int]:
    start, end = span.start, span.end
    while start < end and span.doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    while end > start and (span.doc[end - 1].is_punct or span.doc[end - 1].tag_ == "POS"):
        end -= 1
    return start, end


_MODIFIER_DEPS = {"compound", "amod", "nmod"}  # not "poss": "Campbell's saliva" is a person's
# ... but what a town has: "Tioga's mayor", "Richmond's east side"
_PLACE_POSSESSIONS = {"mayor", "council", "governor", "police", "resident", "citizen", "outskirt", "street",
                      "centre", "center", "downtown", "suburb", "side", "neighborhood", "neighbourhood",
                      "airport", "port", "harbour", "harbor", "population", "economy", "school", "hospital",
                      "water", "city", "town"}


def _opens_line(doc: Doc, start: int) -> bool:
    """Does the token open the text or a line (a headline, a first line)?"""
    return start == 0 or "\n" in doc[start - 1].text  # spaCy keeps line breaks as space tokens


_NAME_JOINERS = {"of", "the", "and", "&", "-", "'s", "’s", "do", "da", "das", "dos", "de", "del", "des", "di",
                 "du", "la", "le", "al", "el"}
_MAX_NAME_TOKENS = 7


def _widen(doc: Doc, start: int, end: int, gazetteer: Gazetteer, taken: Sequence[bool]) -> tuple[int, int]:
    """The longest gazetteer name around a mention, within its sentence: the tagger often sees
    only part of a long name ("Congo" of "Democratic Republic of the Congo", "Guinea" of
    "Guinea-Bissau", "Beida" of "Goz Beida", "Rio Grande" of "Rio Grande do Sul")."""
    sent = doc[start].sent

    def part(tok: Token) -> bool:
        return not taken[tok.i] and (tok.text[:1].isupper() or tok.lower_ in _NAME_JOINERS)

    lefts, i = [start], start - 1
    while i >= sent.start and end - i <= _MAX_NAME_TOKENS and part(doc[i]):
        if doc[i].text[:1].isupper() and doc[i].lower_ not in _NAME_JOINERS:  # not "The UK"
            lefts.append(i)
        i -= 1
    rights, j = [end], end
    while j < sent.end and j + 1 - start <= _MAX_NAME_TOKENS and part(doc[j]):
        if doc[j].text[:1].isupper():
            rights.append(j + 1)
        j += 1
    best = (start, end)
    for s in lefts:
        for e in rights:
            if e - s > best[1] - best[0] and e - s <= _MAX_NAME_TOKENS \
                    and any(not c.generic for c in gazetteer.lookup(doc[s:e].text)):
                best = (s, e)
    return best


_COMPASS_FORMS = {"north": "northern", "south": "southern", "east": "eastern", "west": "western",
                  "northern": "north", "southern": "south", "eastern": "east", "western": "west"}


def _compass_variant(name: str) -> str | None:
    """The same unit's name with its compass word in the other form ("West Darfur" ->
    "Western Darfur", "Southern Kordofan" -> "South Kordofan"), or None."""
    first, _, rest = name.partition(" ")
    other = _COMPASS_FORMS.get(first.casefold())
    if other is None or not rest:
        return None
    return f"{other.title()} {rest}"


def _near_spelling(a: str, b: str) -> bool:
    """Two spellings of one name: equal, one the other but for up to two closing letters
    ("Sagaing"/"Sagain"), or one letter apart ("Sennar"/"Sinnar")."""
    a, b = normalize_name(a), normalize_name(b)
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 2:
        return True
    if len(a) != len(b) or len(a) < 5:
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _unit_of_its_town(gazetteer: Gazetteer, name: str, towns: Sequence[Candidate]) -> list[Candidate]:
    """A unit word after a town's name asks for the unit named after the town; when the
    gazetteer spells that unit otherwise ("Sagaing region" is GeoNames' "Sagain", "Sennar
    state" its "Sinnar"), the first-level unit holding the town, if its name is a near spelling."""
    for town in towns:
        if town.admin1 and _near_spelling(town.admin1, name):
            return [c for c in gazetteer.lookup(town.admin1)
                    if c.feature == "admin1" and c.country == town.country and not c.generic][:1]
    return []


def _extend_unit(doc: Doc, start: int, end: int) -> int:
    if end < len(doc) and doc[end].lower_ in _UNIT_WORDS:
        return end + 1
    return end


def _shared_unit(doc: Doc, end: int) -> str | None:
    """The unit word a list's closing plural gives a name inside the list ("Ouachita" of
    "Ouachita and Morehouse parishes"), in its singular; None if no such plural closes it."""
    n = len(doc)
    if end >= n or doc[end].text not in _LIST_WORDS:
        return None
    j = end
    while j < n and j - end < 12 and not (j > end and doc[j].is_sent_start) and (
            doc[j].text in _LIST_WORDS or (doc[j].text[:1].isupper() and doc[j].pos_ == "PROPN")):
        j += 1
    if j >= n or doc[j].is_sent_start or doc[j - 1].text in _LIST_WORDS:
        return None
    return _PLURAL_UNITS.get(doc[j].lower_)


def _role(doc: Doc, start: int, end: int) -> str:
    """``actor`` when the name is a verb's subject ("Moscow said"), else ``place``."""
    root = doc[start:end].root
    while root.dep_ == "conj" and root.head != root:
        root = root.head
    if root.dep_ in _ACTOR_DEPS and root.head.pos_ == "VERB" and root.head.lemma_ != "be":
        return "actor"
    return "place"


def _looks_like_person(doc: Doc, start: int, end: int, label: str | None, over: Span | None = None) -> bool:
    prev = doc[start - 1] if start > 0 else None
    if prev is not None and prev.lower_.rstrip(".") in _TITLES:
        return True
    if end - start == 1 and doc[start].lower_.rstrip(".") in _TITLES:  # "Egypt's Minister of Health"
        return True
    if label == "PERSON":
        if end - start >= 2 or (over is not None and len(over) >= 2):  # "Hassan el Bushra"
            return True
        root = doc[start:end].root
        if root.dep_ == "nsubj" and root.head.lemma_.lower() in _SAY_VERBS:
            # "Smith said", but a capital speaks for its government ("Canberra says", "Lima said")
            return doc[start:end].text.casefold() not in _capital_names()
    return False


def _town_called_person(doc: Doc, start: int, end: int, label: str | None, over: Span | None,
                        gazetteer: Gazetteer) -> bool:
    """A whole PERSON entity after a place preposition that is a town's own name ("admitted to a
    hospital in Milton Keynes", "in Homa Bay"), or a big city's other spelling ("in Khan Younis"):
    the tagger's label loses to the preposition. A name that is a country's or first-level unit's
    own name in several words ("Burkina Faso", "Minas Gerais") is that place wherever it stands."""
    if label != "PERSON" or end - start < 2:
        return False
    if start > 0 and doc[start - 1].lower_.rstrip(".") in _TITLES:
        return False
    cands = gazetteer.lookup(doc[start:end].text)
    if any(c.feature in {"country", "admin1"} and c.match == "primary" and not c.generic for c in cands):
        return True
    if over is None:
        return False
    o_start, o_end = _strip_det(over)
    if not (start <= o_start and o_end <= end):
        return False  # the entity, or a longer name holding it ("Dera [Ismail Khan]", "[Croix]-des-Bouquets")
    return _is_locative(doc[start:end].root) and any(not c.generic and (
        (c.match == "primary" and (c.feature != "city" or c.population >= 10_000))
        or (c.feature == "city" and c.population >= _POPULOUS)) for c in cands)


def _person_in_place_position(doc: Doc, start: int, end: int, label: str | None, over: Span | None) -> bool:
    """A whole PERSON entity of several words after a place preposition, with no title before
    it: a town's name as often as a person's ("to Breaux Bridge"); ``_mentions`` keeps it only
    as a town of the document's area."""
    if label != "PERSON" or over is None or end - start < 2 or (start, end) != _strip_det(over):
        return False
    if start > 0 and doc[start - 1].lower_.rstrip(".") in _TITLES:
        return False
    return _is_locative(doc[start:end].root)


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """Maximal proper-noun runs; hyphens inside ("Nagorno-Karabakh") keep a run together. The
    proper nouns are found in one array lookup of the tags, not a walk over every token. A
    capitalized word the tagger calls a person or organisation alone is one too, whatever its
    part of speech ("Ball sent tanker trucks": a noun)."""
    n = len(doc)
    if not n:
        return []
    propn = doc.to_array(POS) == PROPN
    capital = {i for i in (int(k) for k in np.flatnonzero(propn)) if doc[i].text[:1].isupper()}
    capital.update(ent.start for ent in doc.ents
                   if len(ent) == 1 and ent.label_ in {"PERSON", "ORG"} and ent.text[:1].isupper())
    runs: list[tuple[int, int]] = []
    end = -1
    for i in sorted(capital):
        if i < end:
            continue
        j = i + 1
        while j < n:
            if j in capital:
                j += 1
            elif j + 1 < n and propn[j + 1] and doc[j].text == "-" and not doc[j].whitespace_:
                j += 2
            else:
                break
        runs.append((i, j))
        end = j
    return runs


_LOCATIVE_PREPS = {"in", "near", "at", "from", "into", "inside", "outside", "around", "towards", "toward",
                   "across", "throughout", "within", "to", "through"}


_PLACE_NOUNS = {"town", "city", "village", "province", "region", "district", "county", "capital",
                "port", "area", "state", "island", "municipality", "governorate", "oblast"}


# Heads whose "of" names a place: "the town of X", "residents of X", "the outskirts of X".
_OF_PLACE_HEADS = _PLACE_NOUNS | {
    "resident", "native", "outskirts", "suburb", "centre", "center", "mayor", "governor", "north", "south",
    "east", "west", "northeast", "northwest", "southeast", "southwest", "inhabitant", "citizen", "heart",
    "edge", "streets"}


def _is_locative(tok: Token) -> bool:
    """Is the name the object of a place preposition, directly or as a conjunct ("in X and Y")?"""
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    if tok.dep_ != "pobj":
        return False
    prep = tok.head
    if prep.lower_ == "of":  # "the town of Pulawy", "the port city of Hodeidah", "a resident of Torun"
        # or where a person lives, set off by commas: "The driver, 34, of Norristown, was held"
        return prep.head.lemma_.lower() in _OF_PLACE_HEADS or (prep.i > 0 and prep.nbor(-1).text == ",")
    return prep.lower_ in _LOCATIVE_PREPS


def _demonym_countries(doc: Doc) -> dict[str, str]:
    """ISO2 of the countries named by demonyms ("Azerbaijani forces" -> AZ), keyed to the word.
    Candidate tokens are found by their lower-case string ids in one array lookup."""
    table = _demonym_table()
    out: dict[str, str] = {}
    for i in _token_hits(doc, LOWER, _demonym_ids()):
        tok = doc[i]
        if tok.text[:1].isupper() and (cc := table.get(tok.text.casefold())):
            out[cc] = tok.text.casefold()
    return out


@lru_cache(maxsize=1)
def _demonym_ids() -> np.ndarray:
    return np.array(sorted({get_string_id(name) for name in _demonym_table()}), dtype=np.uint64)


def _token_hits(doc: Doc, attr: int, ids: np.ndarray) -> list[int]:
    """Indices of the tokens whose ``attr`` string id is among ``ids``, in text order."""
    if not len(doc):
        return []
    return [int(i) for i in np.flatnonzero(np.isin(doc.to_array(attr), ids))]


@lru_cache(maxsize=1)
def _demonym_table() -> dict[str, str]:
    """Demonym (casefolded) -> ISO2, from the actors stage's tables."""
    iso2 = load_lexicon().iso3_to_iso2
    return {name.strip().casefold(): iso2[row["iso3"]]
            for row in read_table("demonyms.tsv") if row["iso3"] in iso2
            for name in row["names"].split("|") if name.strip()}


def _label_over(doc: Doc, start: int, end: int) -> tuple[str | None, Span | None]:
    for tok in doc[start:end]:
        if tok.ent_type_:
            # walk to the entity's first token (IOB "B") instead of scanning doc.ents
            i = tok.i
            while i > 0 and doc[i].ent_iob_ == "I":
                i -= 1
            j = tok.i + 1
            while j < len(doc) and doc[j].ent_iob_ == "I":
                j += 1
            return tok.ent_type_, doc[i:j]
    return None, None


@lru_cache(maxsize=1)
def _abbreviation_table() -> dict[str, tuple[str, str, bool]]:
    """Written form ("Calif.", "W.Va.", "N.Dak.") -> (ISO2, unit name, ambiguous), from
    ``resources/state_abbreviations.tsv``; forms are keyed without spaces ("W. Va." is "W.Va.")."""
    return {row["abbreviation"].replace(" ", ""): (row["country"], row["unit"], row["context"] == "ambiguous")
            for row in read_table("state_abbreviations.tsv")}


_PARTY_LETTERS = {"D", "R", "I"}  # "Sen. Ann Lee, D-Kan.": a legislator's party and state


def _abbreviation_at(doc: Doc, i: int) -> tuple[int, tuple[str, str, bool]] | None:
    """The state or province abbreviation starting at token ``i`` and its end: one token
    ("Calif."), a token and its period ("Ont" "."), or initials and a word ("W." "Va.")."""
    tok = doc[i]
    if not tok.text[:1].isupper() or len(tok.text) > 7:
        return None
    table = _abbreviation_table()
    text, j, found = tok.text, i + 1, None
    while True:
        if text in table:
            found = (j, table[text])
        if j >= len(doc) or j - i >= 3:
            break
        nxt, prev = doc[j], doc[j - 1]
        glued = not prev.whitespace_ and (nxt.text == "." or nxt.text[:1].isupper())
        initial = len(prev.text) == 2 and prev.text.endswith(".") and nxt.text[:1].isupper()
        if not (glued or initial) or len(nxt.text) > 5:
            break
        text, j = text + nxt.text, j + 1
    return found


def _abbreviation_context(doc: Doc, start: int, end: int, cc: str, unit: str, gazetteer: Gazetteer,
                          after_abbreviation: bool) -> str | None:
    """Why an abbreviation that is also a word, title or initials ("Ind.", "Miss.", "B.C.") names
    its unit here, or None: ``town`` after "<place>," ("Decatur, Ga.", a dateline "DECATUR, Ga."),
    ``party`` in a legislator's designation ("R-Ind."), ``preposition`` after a place
    preposition ("in Ore."), ``list`` after another abbreviation ("Ga., Ala. and Miss.")."""
    prev = doc[start - 1] if start > 0 else None
    if prev is None:
        return None
    # a title or initial before a name ("Miss. Jones", "Kan. Wei", "the Ind. Party")
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.text[:1].isupper() and nxt.pos_ == "PROPN" and not nxt.is_sent_start:
        return None
    if prev.text == "-" and start >= 2 and doc[start - 2].text in _PARTY_LETTERS:
        return "party"
    if prev.lower_ in _LOCATIVE_PREPS:
        return "preposition"
    if prev.text in {",", "and", "or"} and after_abbreviation:
        return "list"
    if prev.text != "," or start < 2:
        return None
    k = start - 2
    while k > 0 and start - 1 - k < 4 and doc[k - 1].text[:1].isupper() and not doc[k - 1].is_punct:
        k -= 1
    for s in range(k, start - 1):  # the longest name before the comma first
        name = doc[s:start - 1]
        if not name.text[:1].isupper():
            continue
        if any(t.ent_type_ in _PLACE_LABELS for t in name) or any(
                c.country == cc and c.admin1 == unit and c.feature in {"city", "admin2"}
                for c in gazetteer.lookup(name.text)):
            return "town"
    return None


@lru_cache(maxsize=1)
def _abbreviation_openers() -> np.ndarray:
    """String ids of every token an abbreviation can start with: the form itself ("Calif."),
    or its text up to a period or before its last one ("Ont" of "Ont" ".", "W." of "W. Va.")."""
    openers: set[str] = set()
    for form in _abbreviation_table():
        openers.add(form)
        openers.add(form[:-1])
        openers.update(form[:k + 1] for k, ch in enumerate(form) if ch == ".")
        openers.update(form[:k] for k, ch in enumerate(form) if ch == "." and k)
    return np.array(sorted(get_string_id(o) for o in openers if o), dtype=np.uint64)


def _abbreviations(doc: Doc, gazetteer: Gazetteer, taken: list[bool]) -> list[_Mention]:
    """State and province abbreviations ("Decatur, Ga.", "Toronto, Ont.", "R-Ind.") as mentions
    of their units. Every written form in the table is taken, so none is read as a town spelled
    the same ("Kan." is no Chinese city, "Wash." no Slovenian village)."""
    out: list[_Mention] = []
    last_end = -1
    for i in _token_hits(doc, ORTH, _abbreviation_openers()):
        if i < last_end or taken[i]:
            continue
        hit = _abbreviation_at(doc, i)
        if hit is None:
            continue
        end, (cc, unit, ambiguous) = hit
        for k in range(i, end):
            taken[k] = True
        after = last_end in (i - 1, i - 2) and last_end >= 0
        context = _abbreviation_context(doc, i, end, cc, unit, gazetteer, after)
        cands = [c for c in gazetteer.lookup(unit)
                 if c.feature == "admin1" and c.country == cc and c.match == "primary"]
        if cands and (context is not None or not ambiguous):
            role = "actor" if context == "party" else _role(doc, i, end)
            out.append(_Mention(i, end, cands[:1], True, "GPE", role, text=doc[i:end].text))
            last_end = end
    return out + _glued_abbreviations(doc, gazetteer, taken)


_GLUED = re.compile(r"(?<![\w.])([A-Z][A-Za-z.]{1,7}\.)-(?=[a-z])")


def _glued_abbreviations(doc: Doc, gazetteer: Gazetteer, taken: list[bool]) -> list[_Mention]:
    """An abbreviation the tokenizer keeps inside one word with what follows ("a Wichita,
    Kan.-based company"): the mention covers the abbreviation's characters only."""
    text = doc_text(doc)
    if ".-" not in text:
        return []
    out: list[_Mention] = []
    for match in _GLUED.finditer(text):
        found = _abbreviation_table().get(match.group(1))
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if found is None or span is None or len(span) != 1 or taken[span.start] \
                or span[0].idx != match.start(1):
            continue
        cc, unit, ambiguous = found
        i = span.start
        context = _abbreviation_context(doc, i, i + 1, cc, unit, gazetteer, False)
        cands = [c for c in gazetteer.lookup(unit)
                 if c.feature == "admin1" and c.country == cc and c.match == "primary"]
        if cands and (context is not None or not ambiguous):
            taken[i] = True
            out.append(_Mention(i, i + 1, cands[:1], True, "GPE", "place", text=match.group(1),
                                chars=(match.start(1), match.end(1))))
    return out


def _cuts_entity(tok: Token) -> bool:
    """A comma, or a dash or slash between names, separates two places inside one entity."""
    return tok.text == "," or (tok.text in {"-", "–", "—"} and bool(tok.whitespace_)) or tok.text == "/"


# Words that narrow a place's name to a part of it ("North Dallas", "Eastern China",
# "Mid-Jutland", "Greater Mumbai"): the mention is of that place.
_PART_WORDS = _COMPASS | {"mid", "greater", "upper", "lower", "inner", "outer", "downtown", "metro",
                          "north-western", "north-eastern", "south-western", "south-eastern"}


def _entity_parts(doc: Doc, start: int, end: int, label: str, gazetteer: Gazetteer,
                  taken: list[bool]) -> list[_Mention]:
    """Places inside a place entity that is no name as a whole: the place a compass or
    position word narrows ("North Dallas" is in Dallas, "South West England" in England), the
    parts of a hyphenated pair ("Asia-Pacific"), or a country closing the entity ("SOS
    Children's Villages Sudan" tagged "Villages Sudan"). Such a mention keeps only candidates
    that are countries or regions or lie in a country the document names (``part``)."""
    out: list[_Mention] = []
    i = start
    while i < end - 1 and (doc[i].lower_ in _PART_WORDS or doc[i].text == "-"):
        i += 1
    if start < i < end and doc[i].text[:1].isupper():  # by its own name ("Coast" is no "Coast Province")
        cands = [c for c in gazetteer.lookup(doc[i:end].text)
                 if not c.generic and (c.match == "primary" or c.feature == "country")]
        if cands:
            out.append(_Mention(start, end, cands, False, label, _role(doc, start, end), text=doc[i:end].text,
                                part=True))
    hyphens = [t.i for t in doc[start:end] if t.text == "-" and not t.whitespace_]
    if not out and hyphens:
        bounds = [start - 1, *hyphens, end]
        pieces = [(a + 1, b) for a, b in itertools.pairwise(bounds)]
        named = [[c for c in gazetteer.lookup(doc[a:b].text) if not c.generic
                  and c.feature in {"country", "region", "admin1"}] for a, b in pieces]
        if len(pieces) > 1 and all(named):
            out = [_Mention(a, b, cands, False, label, _role(doc, a, b), text=doc[a:b].text, part=True)
                   for (a, b), cands in zip(pieces, named, strict=True)]
    if not out:  # the longest name closing the entity, if it names a country or region
        for k in range(start + 1, end):
            if not doc[k].text[:1].isupper():
                continue
            cands = [c for c in gazetteer.lookup(doc[k:end].text) if not c.generic]
            if cands:
                top = cands[0]
                if top.feature == "country" or (top.feature == "region" and top.match == "primary"):
                    out.append(_Mention(k, end, cands, False, label, _role(doc, k, end), text=doc[k:end].text,
                                        part=True))
                break
    for m in out:
        for k in range(m.start, m.end):
            taken[k] = True
    return out


def _mentions(doc: Doc, gazetteer: Gazetteer) -> list[_Mention]:
    taken = [False] * len(doc)
    found: list[_Mention] = _abbreviations(doc, gazetteer, taken)

    def add(start: int, name_end: int, from_entity: bool, label: str | None, in_org: bool = False,
            countries_only: bool = False, local_body: bool = False, town: bool = False,
            area_only: bool = False) -> bool:
        if start < name_end:
            start, name_end = _widen(doc, start, name_end, gazetteer, taken)
        end = _extend_unit(doc, start, name_end)
        if start >= end or any(taken[start:end]):
            return False
        if end < len(doc) and doc[end].text.isdigit() and start > 0 and doc[start - 1].lower_ in _ROAD_WORDS:
            return False  # a road ("a chase on U.S. 82", "along Texas 71") or money ("$US 15"), not
            # a place and a count ("Rio de Janeiro 84")
        name = doc[start:name_end].text
        # "Tovuz district", "the state of Washington": the unit word asks for the unit; but a
        # country followed by one ("Iran state TV", "the Darfur region of Sudan") stays the country.
        unit_word = doc[name_end].lower_ if end > name_end else None
        if unit_word is None and start >= 2 and doc[start - 1].lower_ == "of" \
                and doc[start - 2].lower_ in _UNIT_WORDS and not doc[start - 2].is_title:
            unit_word = doc[start - 2].lower_
        if unit_word is None:
            unit_word = _shared_unit(doc, name_end)
        unit_word = _PLURAL_UNITS.get(unit_word, unit_word) if unit_word else None
        plain = gazetteer.lookup(name)
        if not plain and (variant := _compass_variant(name)) is not None:
            # "West Darfur" is the gazetteer's "Western Darfur", "Southern Kordofan" may be "South ..."
            plain = [c for c in gazetteer.lookup(variant)
                     if c.feature in {"admin1", "admin2", "region"} and not c.generic]
        cands = plain
        if unit_word and not (plain and plain[0].feature == "country"):
            cands = gazetteer.lookup(f"{name} {unit_word}") or plain
            if unit_word != "city" and cands and all(c.feature == "city" for c in cands):
                cands = _unit_of_its_town(gazetteer, name, cands) or cands
        if cands is plain:
            end = name_end
        if not cands:
            return False
        unit = cands is not plain
        # a town leading a local body's name ("the Decatur City Council") is kept if it lies in
        # the document's area (``gated``); a country, unit or big city anywhere
        gated = False
        if in_org:  # only what can be an organisation's jurisdiction
            # a unit reached by dropping a unit word only through its own kind of word
            # ("Pennsylvania State ..."), not "Santa Ana City" or "Illinois Department"
            unit_named = doc[name_end - 1].lower_ in _UNIT_WORDS - {"city"}
            held = [c for c in cands if (_jurisdiction(c) and (unit_named or not c.generic)) or _big_alias(c)
                    or _unit_acronym(name, c)]
            if countries_only and not any(c.feature == "country" for c in held):
                held = []
            if not held and local_body:
                held = [c for c in cands if c.feature == "city" and c.match == "primary" and not c.generic]
                gated = True
            if not held:
                return False
            cands = held
        if area_only:  # a small town the tagger calls a person, kept only in the document's area
            cands = [c for c in cands if c.feature == "city" and c.match == "primary" and not c.generic]
            gated = True
            if not cands:
                return False
        for k in range(start, end):
            taken[k] = True
        role = "actor" if in_org else _role(doc, start, end)
        root = doc[start:name_end].root
        found.append(_Mention(start, end, cands, from_entity, label, role, text=name,
                              unit=unit, in_org=in_org,
                              locative=_is_locative(root),
                              definite=start > 0 and doc[start - 1].lower_ == "the",
                              modifier=(root.dep_ in _MODIFIER_DEPS and root.head.pos_ == "NOUN"
                                        and root.head.i >= end)
                              or (root.dep_ == "poss" and root.head.lemma_.lower() in _PLACE_POSSESSIONS),
                              headline=(_opens_line(doc, start) or bool(doc[start].is_sent_start))
                              and root.dep_ == "nsubj" and root.head.pos_ == "VERB", gated=gated, town=town))
        return True

    # Surnames of people named in full elsewhere ("John Dunn ... Dunn said") are not towns.
    # A name the tagger also calls a place elsewhere ("in Malakal" GPE) is no surname even if one
    # mention was swallowed into a PERSON ("SOS Children's Village Malakal").
    surnames = ({ent[-1].text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) >= 2}
                - {ent.text for ent in doc.ents if ent.label_ in _PLACE_LABELS})
    for ent in doc.ents:
        if ent.label_ not in _PLACE_LABELS:
            continue
        # "Florence, Italy" tagged as one entity is two places, and so is "Central Africa -
        # Nigeria" or "Zaire/Congo".
        cuts = [ent.start - 1, *(t.i for t in ent if _cuts_entity(t)), ent.end]
        for lo, hi in itertools.pairwise(cuts):
            start, end = _strip_det(doc[lo + 1:hi])
            while start < end and doc[start].lower_ in _COMPASS and doc[start].is_lower:
                start += 1  # "east Africa"
            if start < end and doc[start].text[:1].isupper() and not add(start, end, True, ent.label_) \
                    and not any(taken[start:end]):
                found.extend(_entity_parts(doc, start, end, ent.label_, gazetteer, taken))
    done = 0
    for start, end in _runs(doc):
        if start < done:
            continue  # inside an entity read whole (below)
        if end - start == 1 and doc[start].text in surnames:
            continue
        if end - start == 1 and end < len(doc) and doc[end].lower_ == "of" \
                and doc[start].lower_ in _INSTITUTIONS | _PUBLIC_BODIES | _BODIES_OF:
            continue  # "University of Missouri", "Bank of England": no town "University"
        label, over = _label_over(doc, start, end)
        if over is not None and label not in _PLACE_LABELS:
            # the tagger's entity is a place's whole name that the proper-noun run only begins:
            # "Santander de Quilichao" (a particle), "Ye-U" (a letter tagged as a noun)
            o_start, o_end = _strip_det(over)
            entity = doc[o_start:o_end].text
            if o_start <= start and end <= o_end and (start, end) != (o_start, o_end) and any(
                    c.match == "primary" and not c.generic for c in gazetteer.lookup(entity)):
                start, end = o_start, o_end
                done = end
        # a public body's name outside an organisation the tagger marks ("Rapides Parish [Sheriff's Office]")
        outside = label != "ORG" or (over is not None and over.start > start)
        if outside and _public_body_run(doc, start, end, gazetteer) and not any(taken[start:end]):
            # "the Orange County Sheriff's Office" tagged GPE, "Lafourche Parish Sheriff" PERSON, or
            # an organisation tagged after the county's name
            local = _local_body(doc[start:end + 2])
            if any(add(start, stop, False, "ORG", in_org=True, local_body=local)
                   for stop in range(end - 1, start, -1)):
                continue
        if label in _PLACE_LABELS:
            continue
        if label in _SKIP_LABELS and not (label in _MISLABELS and (
                _is_locative(doc[start:end].root) or (end < len(doc) and doc[end].lower_ in _UNIT_WORDS))):
            continue  # but "located in Winnipeg" or "Masvingo province" is a place even when tagged PRODUCT
        if end < len(doc) and doc[end].lower_ in _DISEASE_WORDS:  # "the Reston ebolavirus"
            continue
        town = _looks_like_person(doc, start, end, label, over)
        if town and not _town_called_person(doc, start, end, label, over, gazetteer):
            if _person_in_place_position(doc, start, end, label, over):
                # a small town after a place preposition ("a bus route to Breaux Bridge"), kept
                # only if it is a town of the document's area
                add(start, end, False, label, area_only=True)
            continue
        if label == "ORG" and over is not None:
            whole = (start, end) == _strip_det(over)
            if whole and add(start, end, False, label):
                continue  # "Armenia" tagged ORG
            # Inside an organisation's name a place names its jurisdiction, an actor and not a
            # location: a country, unit or big city leading it ("U.S. Army", "California
            # Department of Health", "Mexico City Health Secretary") or after "of" ("Ministry of
            # Health of X"); a country closing it ("SOS Children's Villages Sudan").
            org_start, org_end = _strip_det(over)
            public = any(tok.lower_ in _PUBLIC_BODIES for tok in over) \
                and not any(tok.lower_ in _INSTITUTIONS for tok in over)  # not "New York Times"
            local = public and start == org_start and _local_body(over)
            if (start == org_start or doc[start - 1].lower_ == "of") and any(
                    add(start, stop, False, label, in_org=True, countries_only=not public, local_body=local)
                    for stop in range(end - 1 if whole else end, start, -1)):
                continue
            if end == org_end:  # "Yum! Canada", "the Ministry of Health, Angola"
                any(add(first_tok, end, False, label, in_org=True, countries_only=True)
                    for first_tok in range(start + 1 if start == org_start else start, end))
            continue
        add(start, end, False, label, town=town)
    found.sort(key=lambda m: m.start)
    return found


_NEAR_KM = 300
_REACH_KM = 1000  # beyond this an anchor says nothing of a candidate (``_raw``, ``_foreign_hamlet``)
_CELL = 2 * math.sin(1.1 * _REACH_KM / (2 * 6371.0))  # grid cell (unit-sphere chord) > the reach's chord

_Point = tuple[float, float]


def _cell_of(lat: float, lon: float) -> tuple[int, int, int]:
    """The grid cell of a point's unit vector: points within ``_REACH_KM`` lie in neighbouring cells."""
    p, q = math.radians(lat), math.radians(lon)
    x, y, z = math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p)
    return math.floor(x / _CELL), math.floor(y / _CELL), math.floor(z / _CELL)


class _Anchors:
    """The places a document's other mentions resolved to in the first pass, which anchor a
    mention's candidates (``_raw``): is any in a candidate country, how near is the nearest. A
    mention is never its own anchor, nor is another mention of the same text, so each view leaves
    out one text's share (``without``). Points sit in a grid of unit-sphere cells, so the nearest
    anchor within ``_REACH_KM`` is found among the neighbouring cells' points instead of every
    anchor of the document: the cost of a long document grows with its length, not its square.
    Distances beyond the reach are not needed (``inf``)."""

    __slots__ = ("_by_text", "_countries", "_grid", "_points", "_size")

    def __init__(self, entries: Sequence[tuple[str, Candidate]] = ()) -> None:
        self._points: dict[_Point, int] = {}
        self._countries: dict[str | None, int] = {}
        self._by_text: dict[str, tuple[dict[_Point, int], dict[str | None, int], int]] = {}
        self._grid: dict[tuple[int, int, int], list[_Point]] = {}
        self._size = len(entries)
        for text, c in entries:
            point = (c.lat, c.lon)
            if point not in self._points:
                self._grid.setdefault(_cell_of(*point), []).append(point)
            self._points[point] = self._points.get(point, 0) + 1
            self._countries[c.country] = self._countries.get(c.country, 0) + 1
            pts, ccs, n = self._by_text.get(text, ({}, {}, 0))
            pts[point] = pts.get(point, 0) + 1
            ccs[c.country] = ccs.get(c.country, 0) + 1
            self._by_text[text] = (pts, ccs, n + 1)

    def without(self, text: str) -> _AnchorView:
        return _AnchorView(self, self._by_text.get(text, ({}, {}, 0)))


class _AnchorView:
    """The anchors of one mention: all of the document's but those of its own text."""

    __slots__ = ("_all", "_own")

    def __init__(self, anchors: _Anchors,
                 own: tuple[dict[_Point, int], dict[str | None, int], int] = ({}, {}, 0)) -> None:
        self._all, self._own = anchors, own

    def __bool__(self) -> bool:
        return self._all._size > self._own[2]

    def holds(self, country: str | None) -> bool:
        return self._all._countries.get(country, 0) > self._own[1].get(country, 0)

    def nearest_km(self, lat: float, lon: float) -> float:
        """Distance to the nearest anchor if within ``_REACH_KM`` (exact), else ``inf``."""
        best = math.inf
        own, grid, counts = self._own[0], self._all._grid, self._all._points
        cx, cy, cz = _cell_of(lat, lon)
        for dx, dy, dz in itertools.product((-1, 0, 1), repeat=3):
            for point in grid.get((cx + dx, cy + dy, cz + dz), ()):
                if counts[point] > own.get(point, 0):
                    best = min(best, haversine_km(lat, lon, *point))
        return best if best < _REACH_KM else math.inf


_NO_ANCHORS = _AnchorView(_Anchors())


def _raw(c: Candidate, countries: set[str], admins: set[tuple[str, str]],
         anchors: _AnchorView, home: str | None, publisher: str | None,
         namesake_city: bool, part_named: bool = False) -> float:
    # Curated regions carry no population; rate them like a million-people unit.
    pop = max(c.population, 1_000_000) if c.feature == "region" else c.population
    s = _BASE[c.feature] + math.log10(pop + 10) / 2
    if c.generic:
        s += 0.5 if c.feature in {"admin1", "region"} else -0.5
    elif c.feature in {"admin1", "admin2"} and namesake_city:
        s -= 1.5  # "Moscow" is the city; "Moscow oblast" is the unit
    elif part_named:
        s -= 3.0  # "Scotland" is a loose short form of its country but the primary name of its part
    if c.feature == "city" and c.population >= _WORLD_CITY:
        # a bare "Cairo" or "London" is the world city even where a namesake's country is named
        # and another place lies near the namesake; "London, Ohio" gets its state as container
        s += 1.5
    if c.match == "primary":
        s += 0.5
    elif c.feature == "city":
        s -= 1.0  # a town known by this name only as an alternate is rarely the one meant
    if c.country and c.country in countries:
        s += 2.0
    if c.feature in {"city", "admin2"} and c.match == "primary" and (c.country, c.admin1) in admins:
        s += 1.0
    if anchors and c.feature == "country":
        # A country's point says little; holding the document's other places says much
        # ("Congo" beside "Brazzaville" is the Republic of the Congo).
        s += 1.0 if anchors.holds(c.country) else 0.0
    elif anchors:
        near = anchors.nearest_km(c.lat, c.lon)
        s += 1.0 if near < _NEAR_KM else 0.5 if near < _REACH_KM else 0.0
    if home and c.country == home:
        s += 1.0
    if publisher and c.country == publisher:
        s += 0.5
    return s


def _rank(m: _Mention, countries: set[str], admins: set[tuple[str, str]],
          anchors: _AnchorView, home: str | None,
          publisher: str | None,
          bonus: Callable[[Candidate], float] | None = None,
          shares: list[tuple[Candidate, float]] | None = None) -> tuple[Candidate, float]:
    """The best candidate and its share of the softmax; every candidate's share is appended to
    ``shares`` when given."""
    # A sizeable town of the same name inside the unit ("Moscow", "New York"), or a big city of
    # that name anywhere in the country ("Washington"), is what a bare name usually means; the
    # unit needs its unit word ("Moscow oblast"). A small namesake elsewhere ("Wyoming",
    # Michigan) does not displace a state. A town found only by dropping the unit word ("Monroe"
    # for "Monroe County") displaces nothing: the unit word asked for the unit.
    inside: dict[tuple[str | None, str | None], int] = {}
    big_towns: dict[str | None, int] = {}
    for c in m.candidates:
        if c.feature == "city" and c.match == "primary" and not c.generic:
            inside[(c.country, c.admin1)] = max(inside.get((c.country, c.admin1), 0), c.population)
            big_towns[c.country] = max(big_towns.get(c.country, 0), c.population)
    # A country reached only through an alternate name that is the primary name of one of its
    # own first-level units ("England", "Wales") means that unit: same country, closer point.
    parts = {c.country for c in m.candidates
             if c.feature == "admin1" and c.match == "primary" and not c.generic}
    # "New York City" names the city exactly; the unit found by dropping "City" is a weaker reading.
    exact = any(c.match == "primary" and not c.generic for c in m.candidates)
    # A country's capital outranks a unit or town of its name abroad ("Sofia", "Colombo",
    # "Santiago"), not its own country or unit of that name ("Kuwait", "Washington").
    rivals = {c.country for c in m.candidates if c.feature in {"country", "admin1"} and not c.generic}
    scored = []
    for c in m.candidates:
        if exact and c.generic:
            scored.append((_raw(c, countries, admins, anchors, home, publisher, False) - 2.0, -c.pid, c))
            continue
        town = inside.get((c.country, c.admin1), 0)
        namesake = c.feature in {"admin1", "admin2"} and (
            town >= 50_000 or town >= c.population // 5 or big_towns.get(c.country, 0) >= 500_000)
        part = c.feature == "country" and c.match == "alternate" and c.country in parts
        raw = _raw(c, countries, admins, anchors, home, publisher, namesake, part)
        if c.feature == "city" and c.country not in rivals and _is_capital(c.country, c.name):
            raw += _CAPITAL_BONUS
        if m.definite and c.feature == "region":
            raw += 2.0  # "the Pacific", "the Atlantic": the ocean, not a town of that name
        scored.append((raw + (bonus(c) if bonus else 0.0), -c.pid, c))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    best = scored[0][0]
    weights = [math.exp(_SHARPNESS * (s - best)) for s, _, _ in scored]
    total = sum(weights)
    if shares is not None:
        shares.extend((c, w / total) for (_, _, c), w in zip(scored, weights, strict=True))
    return scored[0][2], 1.0 / total


# Words of public bodies: a unit or city leading an organisation with one of these is its
# jurisdiction ("Illinois Department of Natural Resources", "Buffalo Public Schools"); in a
# newspaper's, a firm's or a university's name it is not taken ("Los Angeles Times").
_PUBLIC_BODIES = {
    "department", "ministry", "minister", "council", "police", "health", "service", "services", "bureau",
    "authority", "board", "government", "agency", "secretary", "governor", "mayor", "commission",
    "schools", "parliament", "assembly", "legislature", "court", "army", "navy", "forces", "office",
    "administration", "directorate", "province", "county", "state", "city", "municipality", "senate",
    "sheriff", "prosecutor", "cabinet", "division", "public", "emergency", "fire", "guard", "committee",
    "district", "sanitation", "education", "corrections", "elections", "housing", "transit", "coroner",
    "attorney", "clerk", "treasurer", "assessor", "commissioners", "aldermen", "selectmen",
    # a jurisdiction's own facilities: "the Wayne County Jail", "the X Parish Detention Center"
    "jail", "detention", "correctional", "courthouse"}


def _jurisdiction(c: Candidate) -> bool:
    """Can this place be what an organisation's name is of? A country, a first- or second-level
    unit or region by its own name ("Jefferson County Sheriff's Office", "St. Tammany Parish
    Fire District"), or a big city ("Mexico City Health Secretary"); never a small town
    ("Defense" in "Defense Department") except through ``_local_body``."""
    if c.generic:  # "Pennsylvania State Department of Agriculture", but no town "Defense"
        return c.feature == "admin1" and c.match == "primary"
    if c.feature == "country":
        return True
    if c.match != "primary":
        return False
    return c.feature in {"admin1", "admin2", "region"} or (c.feature == "city" and c.population >= _POPULOUS)


def _unit_acronym(text: str, c: Candidate) -> bool:
    """A first-level unit's curated letters ("NSW", "QLD") lead its own bodies ("NSW Police", "the
    NSW Government"); a unit's other names that are words ("Federal", "Capital") do not."""
    return c.feature == "admin1" and c.match == "alternate" and not c.generic \
        and text.isupper() and text.isalpha() and len(text) >= 2


def _big_alias(c: Candidate) -> bool:
    """A big city known by this name as an alternate ("Westminster" for the City of Westminster)."""
    return c.feature == "city" and c.match == "alternate" and not c.generic and c.population >= _POPULOUS


# Bodies of local government: a town of the document's area leading one is its jurisdiction
# ("the Decatur City Council", "Tuscaloosa Police Department"), whatever the town's size.
_LOCAL_BODIES = {"council", "police", "fire", "sheriff", "sheriff's", "mayor", "school", "schools",
                 "township", "borough", "commission", "commissioners", "board", "district", "court",
                 "library", "utilities", "aldermen", "selectmen"}


def _local_body(span: Span) -> bool:
    return any(tok.lower_ in _LOCAL_BODIES for tok in span)


# Words of single institutions, often named after people ("Kennedy Elementary School",
# "Lincoln Memorial Hospital"): no jurisdiction.
_INSTITUTIONS = {"elementary", "high", "middle", "primary", "secondary", "junior", "senior", "academy",
                 "college", "university", "hospital", "memorial", "church", "cathedral", "museum"}


_BODIES_OF = {"bank", "church", "institute", "school", "council", "union", "federation", "league"}


_BARE_UNITS = {"county", "parish", "state", "province", "city", "municipality", "region", "division"}


def _public_body_run(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """A proper-noun run that goes on into a public body's name after its first word and is no
    place's name as a whole ("Orange County Sheriff", but not "Kansas City", nor "Wright County
    Eggs": a unit word alone makes no body)."""
    words = {tok.lower_ for tok in doc[start + 1:end]}
    return bool(words & (_PUBLIC_BODIES - _BARE_UNITS)) and not words & _INSTITUTIONS \
        and not gazetteer.lookup(doc[start:end].text)


# Words that describe an organisation as well as naming some unit or town ("Metro Police",
# "Capital Police", "Central Command", "Coast Guard", "Federal Police", "National Guard"): such a
# lead is a jurisdiction only in a country the document names ("Coast Province police" in Kenya).
_DESCRIPTIVE_LEADS = _PART_WORDS | {
    "capital", "central", "federal", "national", "coast", "coastal", "border", "frontier", "highway",
    "city", "metropolitan", "regional", "rural", "island", "islands", "lakes", "highlands", "plateau",
    "valley", "delta", "western", "eastern", "northern", "southern", "interior", "union", "royal", "state"}


def _accept(m: _Mention, c: Candidate, countries: set[str]) -> bool:
    """Entities spaCy called places always pass; other proper nouns need a strong candidate."""
    if m.text.casefold() in _COMPASS and not m.unit:  # "the American South", "the West"
        return False
    if m.text.casefold() in _CELESTIAL and c.population < _POPULOUS:
        return False
    if m.from_entity:  # but a building is no small town known by that name ("City Hall", FAC)
        return not (m.label == "FAC" and c.feature == "city" and c.match == "alternate"
                    and c.population < _POPULOUS)
    if m.unit and not m.in_org and c.feature in {"admin1", "admin2"} and c.match == "primary" \
            and not c.generic:
        return True  # a unit by its name and unit word ("Morehouse parishes"), whatever the tagger said
    if m.in_org:  # a big city by another of its names only in a country the document names
        if m.text.casefold() in _DESCRIPTIVE_LEADS and c.feature != "country" and c.country not in countries:
            return False  # "Metro Police", "Capital Police": a description, not Indonesia's Metro
        return _jurisdiction(c) or m.gated or (_big_alias(c) and c.country in countries) \
            or _unit_acronym(m.text, c)
    if m.label == "NORP" and not (m.locative or m.unit or (  # "the Rapides Parish coroner"
            c.feature == "admin2" and c.match == "primary" and m.text.split()[-1].lower() in _UNIT_WORDS)):
        # a demonym never matches; "the South Caucasus countries" does
        if c.feature in {"country", "region"} and not c.generic:
            return True
        # a name the tagger calls a group that is no demonym ("including Aleppo"): a big place
        return m.text.casefold() not in _demonym_table() and c.match == "primary" and not c.generic \
            and (c.feature == "admin1" or c.population >= _POPULOUS)
    if c.generic and m.label == "ORG" and not m.unit:
        return False  # "Defense Department" is no place even if some town is called "Defense"
    text = m.text
    if text.isupper() and len(text.replace(".", "")) <= 5:  # acronyms: "US", "NSW" yes, "FAO", "EST" no
        if c.feature == "admin1":  # only a curated short form ("NSW"), never a unit that happens to
            return c.match == "alternate" and not c.generic  # be spelled like the acronym ("Est")
        return c.feature in {"country", "region"} and not c.generic
    if c.feature in _STRONG_FEATURES and not (c.feature == "admin1" and c.match == "alternate"):
        return True
    if m.town and c.feature == "city" and not c.generic and c.population >= _POPULOUS:
        return True  # "in Khan Younis", "in Wad Madani": a big city's other spelling
    if c.match == "alternate":  # "Marburg" (virus) is also a name of Maribor: need the country named
        if m.label == "ORG" and not m.locative:  # an organisation's name that a town also bears
            return False
        if m.locative and c.feature == "city" and c.population >= _WORLD_CITY:
            return True  # "in Calcutta", "in Peking": a big city's old or other name
        return c.country in countries and c.population >= 1000
    small = 10_000 if m.label == "ORG" else 1000  # "Congress" is also a hamlet in Arizona
    if m.locative and c.population >= 10_000:  # "fighting in Jabrayil", whatever the tagger said
        return True
    return c.population >= _POPULOUS or (c.country in countries and c.population >= small)


def _foreign_hamlet(c: Candidate, countries: set[str], anchors: _AnchorView,
                   home: str | None) -> bool:
    """A small town abroad, far from every other place of a document that names its countries
    ("Suffolk" in a report on England finds only a Virginia town): a likelier miss than a hit."""
    if c.feature != "city" or c.population >= _POPULOUS or not countries or c.country in countries:
        return False
    if home is not None and c.country == home:
        return False
    return anchors.nearest_km(c.lat, c.lon) >= _REACH_KM


_LIST_JOINERS = {",", "and", "or", "&"}


def _joined(doc: Doc, a: _Mention, b: _Mention) -> bool:
    """Are two mentions separated only by commas and conjunctions?"""
    return b.start > a.end and all(tok.text in _LIST_JOINERS for tok in doc[a.end:b.start])


def _containers(doc: Doc, mentions: Sequence[_Mention],
                first: Sequence[tuple[Candidate, float]]) -> dict[int, int]:
    """Town index -> index of the unit or country written right after it as its container:
    "Buffalo, New York", "Decatur, Ga.", "Tbilisi, Georgia" (one of the town's candidates lies
    in it). A name whose first reading is a country, or a unit before a state abbreviation, is a
    town when the unit after it holds a town of that name ("Lebanon, Tenn.", "Mexico, Mo."). A
    name followed by a list of its own kind is a list member instead ("Washington, Oregon and
    Idaho")."""
    out: dict[int, int] = {}
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        head, unit = first[i][0].feature, first[i + 1][0].feature
        if b.start != a.end + 1 or doc[a.end].text != "," or unit not in {"admin1", "country"}:
            continue
        abbreviated = b.text.replace(" ", "") in _abbreviation_table()
        if head not in {"city", "admin2"} and not (unit == "admin1" and (
                head == "country" or (head == "admin1" and abbreviated))):
            continue
        units = {(c.country, c.admin1) for c in a.candidates if c.feature in {"city", "admin2"} and c.admin1}
        countries = {c.country for c in a.candidates if c.feature in {"city", "admin2"}}
        if not any((c.feature == "admin1" and (c.country, c.name) in units)
                   or (c.feature == "country" and c.country in countries) for c in b.candidates):
            continue
        if i + 2 < len(mentions) and _joined(doc, b, mentions[i + 2]) \
                and first[i + 2][0].feature == first[i + 1][0].feature:
            continue
        out[i] = i + 1
    return out


def _unknown_towns(doc: Doc, mentions: Sequence[_Mention],
                   first: Sequence[tuple[Candidate, float]]) -> list[tuple[int, Candidate]]:
    """Towns written with a container ("<town>, <unit or country>") that holds none of their
    candidates, with that container: the town is one the gazetteer lacks, and its candidates are
    namesakes elsewhere. Only names with town candidates alone ("Washington, Oregon" is a list
    of states), and not before a list of the container's kind."""
    out: list[tuple[int, Candidate]] = []
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        unit = first[i + 1][0]
        if b.start != a.end + 1 or doc[a.end].text != "," or unit.feature not in {"admin1", "country"} \
                or any(c.feature != "city" for c in a.candidates) or a.in_org:
            continue
        units = {(c.country, c.admin1) for c in a.candidates}
        if any((u.country, u.name) in units if u.feature == "admin1" else u.country in {c for c, _ in units}
               for u in b.candidates if u.feature in {"admin1", "country"}):
            continue  # some reading of the container holds the town ("Atlanta, Georgia")
        if i + 2 < len(mentions) and _joined(doc, b, mentions[i + 2]) \
                and first[i + 2][0].feature == unit.feature:
            continue
        out.append((i, unit))
    return out


# Appositives that say where a place is: "Sake, a town 25 km west of Goma", "Ely, a suburb of
# Cardiff", "Kauru, a district in Kaduna state".
_APPOSITIVE_HEADS = {"town", "city", "village", "suburb", "district", "neighbourhood", "neighborhood",
                     "area", "community", "hamlet", "settlement", "municipality", "county", "parish",
                     "province", "region", "port", "camp", "enclave", "township", "borough", "locality"}
_PART_NOUNS = {"suburb", "district", "neighbourhood", "neighborhood", "area", "township", "borough"}
_APPOSITIVE_PREPS = {"of", "in", "near", "outside", "from"}
_DESCRIBED_KM = 100


def _appositives(doc: Doc, mentions: Sequence[_Mention]) -> dict[int, tuple[int, str]]:
    """Mention index -> (index of the place its appositive locates it by, the appositive's
    head noun): "<X>, a <town|suburb|...> [25 km west] of|in|near <Y>", with no verb or comma
    between."""
    out: dict[int, tuple[int, str]] = {}
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if a.end >= len(doc) or doc[a.end].text != "," or not 2 < b.start - a.end <= 10 \
                or doc[b.start - 1].lower_ not in _APPOSITIVE_PREPS:
            continue
        words = doc[a.end + 1:b.start - 1]
        if words[0].lower_ not in {"a", "an", "the"} or any(
                t.text in {",", ";", "(", ")"} or t.pos_ in {"VERB", "AUX"} for t in words):
            continue
        heads = [t.lemma_.lower() for t in words if t.lemma_.lower() in _APPOSITIVE_HEADS]
        if heads:
            out[i] = (i + 1, heads[0])
    return out


def _described_by(c: Candidate, where: Candidate) -> bool:
    """Does the place an appositive names hold the candidate, or lie near it?"""
    if c.feature not in {"city", "admin2"}:
        return False
    if where.feature == "country":
        return c.country == where.country
    if where.feature == "admin1":
        return (c.country, c.admin1) == (where.country, where.name)
    return haversine_km(c.lat, c.lon, where.lat, where.lon) <= _DESCRIBED_KM


def _coordinated(doc: Doc, mentions: Sequence[_Mention], containers: dict[int, int]) -> list[list[int]]:
    """Mention indices grouped into coordinated lists ("Utah, Virginia, Washington and Wyoming"):
    consecutive mentions separated only by commas and conjunctions. A town and its container
    ("Wichita, Kan., and Joplin, Mo.") are one member, listed by the town."""
    held = set(containers.values())
    groups: list[list[int]] = []
    last_end: int | None = None
    for i, m in enumerate(mentions):
        if i in held:
            continue
        if groups and last_end is not None and m.start > last_end \
                and all(tok.text in _LIST_JOINERS for tok in doc[last_end:m.start]):
            groups[-1].append(i)
        else:
            groups.append([i])
        last_end = mentions[containers[i]].end if i in containers else m.end
    return [g for g in groups if len(g) > 1]


def _structure_bonus(mentions: Sequence[_Mention], first: Sequence[tuple[Candidate, float]],
                     group_of: Mapping[int, Sequence[int]], town_of: dict[int, int],
                     containers: dict[int, int], i: int) -> Callable[[Candidate], float] | None:
    """Preferences the sentence's structure gives a mention's candidates.

    - "Buffalo, New York", "Decatur, Ga.": the unit after "<town>," is the one that contains
      one of that town's candidates (New York state, not New York City), and the town is the
      one inside that unit (Decatur, Georgia, not Decatur, Illinois).
    - "Texas, Utah, Washington and Wyoming": members of a list are usually of one kind, so a
      candidate of the kind most of its siblings resolved to is preferred (Washington state).
    """
    kind: str | None = None
    if (group := group_of.get(i)) is not None:  # ``group_of``: each list member's list
        kinds = [first[j][0].feature for j in group if j != i]
        top = max(set(kinds), key=kinds.count)
        if kinds.count(top) * 2 > len(kinds) and top in {"admin1", "country"}:
            kind = top
    units: set[tuple[str | None, str | None]] = set()  # (country, admin1) that hold the town
    countries: set[str | None] = set()
    town = town_of.get(i)  # ``town_of``: container -> the town written before it
    if town is not None:  # this mention is the container of the town before it
        units = {(c.country, c.admin1) for c in mentions[town].candidates
                 if c.feature in {"city", "admin2"} and c.admin1}
        countries = {c.country for c in mentions[town].candidates if c.feature in {"city", "admin2"}}
    inside: set[tuple[str | None, str | None]] = set()  # the container's units and countries
    if i in containers:
        unit = first[containers[i]][0]
        inside = {(unit.country, unit.name if unit.feature == "admin1" else None)}
    if not units and not inside and kind is None:
        return None

    def bonus(c: Candidate) -> float:
        if c.feature == "admin1" and (c.country, c.name) in units:
            return 2.0
        if c.feature == "country" and c.country in countries:
            return 2.0
        if inside and c.feature in {"city", "admin2"} and (
                (c.country, c.admin1) in inside or (c.country, None) in inside):
            return 2.0
        if kind is not None and c.feature == kind:
            return 1.5
        return 0.0

    return bonus


def _to_place(doc: Doc, m: _Mention, c: Candidate, share: float) -> Place:
    span = doc[m.start:m.end]
    conf = 1.0 if m.from_entity else 0.8
    start, end = m.chars if m.chars is not None else (span.start_char, span.end_char)
    return Place(start=start, end=end, text=doc_text(doc)[start:end], name=c.name,
                 geonameid=c.geonameid, country=c.country, admin1=c.admin1, lat=c.lat, lon=c.lon,
                 precision=_PRECISION[c.feature], score=round(min(1.0, share * conf), 3),
                 feature=c.feature, role=m.role, admin1_code=c.admin1_code)


# Document coherence. Each distinct name spreads one unit of belief over the first-level units
# and countries of its candidates, by its first-pass shares ("Rapides Parish" puts all of it on
# Louisiana, "Lafayette" splits it between Louisiana, Indiana...). A unit holding at least
# _FOCUS_UNIT of the other names' belief is in the document's area; a country holding
# _FOCUS_COUNTRY_SHARE of it, and at least _FOCUS_COUNTRY, is the country the document is
# about. Candidates there are preferred: "Alexandria" beside Louisiana's towns is Alexandria,
# Louisiana, not Egypt's. A country outweighing a namesake town a thousandfold keeps its name
# ("exports to Mexico" in a report on Missouri is no Mexico, Missouri).
_FOCUS_UNIT = 0.9
_FOCUS_UNIT_SHARE = 0.3
_FOCUS_COUNTRY = 2.0
_FOCUS_COUNTRY_SHARE = 0.6
_AREA_BONUS = 1.0
_HOME_UNIT_BONUS = 1.0  # the dateline's first-level unit, as ``_AREA_BONUS``
_COUNTRY_BONUS = 2.0
_COUNTRY_SHIELD = 1000


@dataclass(slots=True)
class _Focus:
    units: dict[tuple[str, str], float]  # (country, admin1) -> belief
    countries: dict[str, float]
    own: dict[str, tuple[dict[tuple[str, str], float], dict[str, float]]]  # name -> its part
    # answers by name: every mention of a name asks the same question
    areas: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    focus_countries: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, named: dict[str, list[tuple[Candidate, float]]]) -> _Focus:
        units: dict[tuple[str, str], float] = {}
        countries: dict[str, float] = {}
        own: dict[str, tuple[dict[tuple[str, str], float], dict[str, float]]] = {}
        for key, shares in named.items():
            mine_u: dict[tuple[str, str], float] = {}
            mine_c: dict[str, float] = {}
            for c, w in shares:
                if not c.country:
                    continue
                mine_c[c.country] = mine_c.get(c.country, 0.0) + w
                unit = c.name if c.feature == "admin1" else c.admin1
                if unit and c.feature in {"city", "admin2", "admin1"}:
                    mine_u[(c.country, unit)] = mine_u.get((c.country, unit), 0.0) + w
            own[key] = (mine_u, mine_c)
            for u, w in mine_u.items():
                units[u] = units.get(u, 0.0) + w
            for cc, w in mine_c.items():
                countries[cc] = countries.get(cc, 0.0) + w
        return cls(units, countries, own)

    def area(self, key: str) -> frozenset[tuple[str, str]]:
        """The units the *other* names put the document in: each holds at least _FOCUS_UNIT and
        _FOCUS_UNIT_SHARE of their belief (a list of five states puts a report in none)."""
        if (got := self.areas.get(key)) is not None:
            return got
        mine = self.own.get(key, ({}, {}))[0]
        rest = {u: w - mine.get(u, 0.0) for u, w in self.units.items()}
        floor = max(_FOCUS_UNIT, _FOCUS_UNIT_SHARE * sum(rest.values()))
        got = self.areas[key] = frozenset(u for u, w in rest.items() if w >= floor)
        return got

    def country(self, key: str) -> str | None:
        if key in self.focus_countries:
            return self.focus_countries[key]
        mine = self.own.get(key, ({}, {}))[1]
        rest = {cc: w - mine.get(cc, 0.0) for cc, w in self.countries.items()}
        total = sum(rest.values())
        got = None
        if rest:
            cc, w = max(rest.items(), key=lambda t: (t[1], t[0]))
            got = cc if w >= _FOCUS_COUNTRY and w >= _FOCUS_COUNTRY_SHARE * total else None
        self.focus_countries[key] = got
        return got


def _coherence_bonus(m: _Mention, area: frozenset[tuple[str, str]], country: str | None, countries: set[str],
                     admins: set[tuple[str, str]]) -> Callable[[Candidate], float] | None:
    """The document's area and country count for a town as if the document named them (the
    same weights as a named country and unit in ``_raw``), unless it does name them."""
    area = area - admins
    if country in countries:
        country = None
    if not area and country is None:
        return None
    big = max((c.population for c in m.candidates
               if c.feature == "country" and c.match == "primary" and not c.generic), default=0)
    # A first-level unit or region of the name is its usual meaning: towns do not displace it
    # ("Ontario", "Pacific"); coherence only chooses among towns and foreign countries.
    unit_named = any(
        not c.generic and (c.feature == "region" or (c.feature == "admin1" and c.match == "primary"))
        for c in m.candidates)

    def bonus(c: Candidate) -> float:
        if c.feature not in {"city", "admin2"} or c.generic or unit_named \
                or c.population * _COUNTRY_SHIELD < big:
            return 0.0
        out = 0.0
        if (c.country, c.admin1) in area and c.match == "primary":
            out += _AREA_BONUS
        if c.country == country:
            out += _COUNTRY_BONUS
        return out

    return bonus


def _plus(*bonuses: Callable[[Candidate], float] | None) -> Callable[[Candidate], float] | None:
    given = [b for b in bonuses if b is not None]
    if not given:
        return None
    return lambda c: sum(b(c) for b in given)


def _in_area(c: Candidate, area: AbstractSet[tuple[str, str]]) -> bool:
    return c.feature in {"city", "admin2"} and c.match == "primary" and not c.generic \
        and (c.country, c.admin1) in area


def _area_rescue(m: _Mention, i: int, listed: set[int], focus: _Focus | None,
                 admins: set[tuple[str, str]]) -> list[Candidate]:
    """Candidates of a rejected proper noun that are towns of the document's area, when the name
    stands where places stand: after a place preposition ("near Ball"), in a list with places
    ("Decatur, Tucker and Lithonia"), before a noun ("Pineville police", "a Longview woman") or
    opening a line as a verb's subject ("Decatur approves budget"); the tagger often calls small
    towns persons or organisations. Nothing without an area."""
    if (m.from_entity and m.label in _PLACE_LABELS) or m.in_org:
        return []
    if not (m.locative or i in listed or m.modifier or m.headline):
        return []
    area = (focus.area(m.text.casefold()) if focus is not None else set()) | admins
    return [c for c in m.candidates if _in_area(c, area)]


def _one_sense(mentions: Sequence[_Mention], containers: dict[int, int],
               resolved: list[tuple[int, Candidate, float]]) -> list[tuple[int, Candidate, float]]:
    """One sense per document: a bare repeated name takes the reading of its best-placed mention,
    one written with its container first ("Athens, Greece ... downtown Athens"), else the most
    certain. Mentions written with a container or a unit word keep their own reading."""
    held = set(containers.values())

    def bare(i: int) -> bool:
        return i not in containers and i not in held and not mentions[i].unit

    best: dict[str, tuple[bool, float, Candidate]] = {}
    for i, c, share in resolved:
        key = mentions[i].text.casefold()
        rank = (i in containers, share)
        if key not in best or rank > best[key][:2]:
            best[key] = (*rank, c)
    out = []
    for i, c, share in resolved:
        written, top_share, top = best[mentions[i].text.casefold()]
        m = mentions[i]
        # a town written with its state leads the document's local bodies too ("PARIS, Texas ...
        # the Paris City Council"), though only a big city could be an organisation's by itself
        local = m.in_org and written and top.feature in {"city", "admin2"}
        if bare(i) and top.pid != c.pid and (local or any(k.pid == top.pid for k in m.candidates)):
            c, share = top, top_share
        out.append((i, c, share))
    return out


def _dateline_candidates(gazetteer: Gazetteer, dateline_place: str) -> tuple[str, list[Candidate]]:
    """A dateline's town and its candidates: those inside the units written after it ("Decatur,
    Ga." is Decatur, Georgia; "Paris, Texas" no Paris of France). A town none of whose candidates
    lies in its written unit is one the gazetteer lacks: the unit stands for it ("Minden, Ont.").
    ``_home_unit`` gives the first-level unit so written."""
    name, *regions = (part.strip() for part in dateline_place.split(","))
    cands = gazetteer.lookup(name)
    units: list[Candidate] = []
    for region in regions:
        abbreviation = _abbreviation_table().get(region.replace(" ", ""))
        if abbreviation is not None:
            cc, unit, _ = abbreviation
            units += [c for c in gazetteer.lookup(unit)
                      if c.feature == "admin1" and c.country == cc and c.match == "primary"][:1]
        else:
            units += [c for c in gazetteer.lookup(region)
                      if c.feature in {"admin1", "country"} and not c.generic]
    if not units or not cands:
        return name, cands
    held = {(u.country, u.name if u.feature == "admin1" else None) for u in units}
    inside = [c for c in cands if (c.country, c.admin1) in held or (c.country, None) in held]
    return name, inside or units[:1]


def _home_unit(gazetteer: Gazetteer, dateline_place: str) -> tuple[str, str] | None:
    """The first-level unit a dateline writes after its town ("RICHMOND, Ind." -> Indiana), when
    one holds the town: local news is about its dateline's state, so a county or town of a name
    several states share is first the one there ("the Wayne County jail")."""
    if "," not in dateline_place:
        return None
    _, cands = _dateline_candidates(gazetteer, dateline_place)
    units = {(c.country, c.admin1) for c in cands if c.feature in {"city", "admin2"}}
    if len(units) != 1:
        return None
    ((cc, unit),) = units
    return (cc, unit) if cc and unit else None


def _home_unit_bonus(home_unit: tuple[str, str] | None) -> Callable[[Candidate], float] | None:
    if home_unit is None:
        return None
    return lambda c: _HOME_UNIT_BONUS if c.feature in {"city", "admin2"} and c.match == "primary" \
        and not c.generic and (c.country, c.admin1) == home_unit else 0.0


def _dateline_mention(doc: Doc, mentions: list[_Mention], name: str, cands: Sequence[Candidate],
                      start_char: int) -> list[_Mention]:
    """The dateline's town as a mention of its own, with the candidates its written units leave
    ("KYIV (...) —", which the tagger often leaves untagged in capitals), in place of whatever
    the tagger made of those words."""
    if not any(c.match == "primary" and not c.generic for c in cands) and len(cands) != 1:
        return mentions
    end_char = start_char + len(name)
    if doc_text(doc)[start_char:end_char].casefold() != name.casefold():
        return mentions
    span = doc.char_span(start_char, end_char)
    if span is None or not len(span):
        return mentions
    kept = [m for m in mentions if m.end <= span.start or m.start >= span.end]
    kept.append(_Mention(span.start, span.end, list(cands), True, "GPE", "place", text=span.text))
    return sorted(kept, key=lambda m: m.start)


def _outside_agency(doc: Doc, mentions: list[_Mention], span: tuple[int, int]) -> list[_Mention]:
    """Mentions less those inside the dateline's agency, in parentheses or slashes: a
    publisher's name ("BRUSSELS (Brussels Bulletin) —", "(Bay of Bengal Tribune)") is no place."""
    text = doc_text(doc)[span[0]:span[1]]
    marks: list[tuple[int, int]] = []
    for opener, closer in (("(", ")"), ("/", "/")):
        i = text.find(opener)
        j = text.find(closer, i + 1) if i >= 0 else -1
        if i >= 0 and j > i:
            marks.append((span[0] + i, span[0] + j))
    if not marks:
        return mentions
    return [m for m in mentions
            if not any(a < doc[m.start].idx < b for a, b in marks)]


def extract_places(doc: Doc, gazetteer: Gazetteer, *, dateline_place: str | None = None,
                   dateline_span: tuple[int, int] | None = None,
                   publisher_country: str | None = None, coherence: bool = True) -> list[Place]:
    """Every place mention in ``doc``, resolved, in text order.

    ``dateline_place`` is the dateline's place as the ingest read it, with its units ("Decatur,
    Ga."), and ``dateline_span`` where the dateline starts: the town there is a mention of its own.
    ``coherence=False`` turns the document-coherence resolver off (for ablation): ambiguous names
    then weigh only the countries and first-level units the document names outright.
    """
    mentions = _mentions(doc, gazetteer)
    home: str | None = None
    dateline_cands: list[Candidate] = []
    dateline_name = ""
    if dateline_place:
        dateline_name, dateline_cands = _dateline_candidates(gazetteer, dateline_place)
        if dateline_cands:  # the dateline town's likeliest reading ("COLOMBO" is Sri Lanka's)
            home = _rank(_Mention(0, 0, dateline_cands, True, None, "place"), set(), set(), _NO_ANCHORS,
                         None, publisher_country)[0].country
        if dateline_cands and dateline_span is not None:
            mentions = _dateline_mention(doc, mentions, dateline_name, dateline_cands, dateline_span[0])
    if dateline_span is not None:
        mentions = _outside_agency(doc, mentions, dateline_span)
    home_unit = _home_unit(gazetteer, dateline_place) if dateline_place else None
    # Pass 1: countries the document names outright are the strongest context; a mention never
    # supports itself ("Georgia" alone must not make the country Georgia likelier).
    support: dict[str, set[str]] = {}
    for cc, word in _demonym_countries(doc).items():  # "Azerbaijani forces retook Lachin"
        support.setdefault(cc, set()).add(word)
    for m in mentions:
        top = m.candidates[0]
        if top.feature == "country" and not top.generic and top.country and not m.gated:
            support.setdefault(top.country, set()).add(m.text.casefold())

    known: dict[str, set[str]] = {}  # others(), by name, while ``support`` stays as it is

    def others(m: _Mention) -> set[str]:
        key = m.text.casefold()
        got = known.get(key)
        if got is None:
            got = known[key] = {cc for cc, texts in support.items() if texts - {key}}
        return got

    named: dict[str, list[tuple[Candidate, float]]] = {}
    first = []
    for m in mentions:
        shares: list[tuple[Candidate, float]] = []
        first.append(_rank(m, others(m), set(), _NO_ANCHORS, home, publisher_country, shares=shares))
        if not m.gated:
            named.setdefault(m.text.casefold(), shares)
    for m, (c, share) in zip(mentions, first, strict=True):
        # a unit names its country; so does a town no other country has a namesake of ("Tbilisi,
        # Kutaisi and Batumi" name Georgia, whatever "Washington" says)
        sole = c.feature == "city" and m.from_entity and all(k.country == c.country for k in m.candidates)
        if (c.feature in {"admin1", "region"} or sole) and c.country and share > 0.5 and not m.gated \
                and _accept(m, c, others(m)) and m.text.casefold() not in support.get(c.country, ()):
            support.setdefault(c.country, set()).add(m.text.casefold())
            known.clear()
    # first-level units the document names: a unit read first is asked again now that every
    # country the document names is known ("Georgia" beside Tbilisi is no US state)
    admins = set()
    for (c, _share), m in zip(first, mentions, strict=True):
        if c.feature == "admin1" and c.country and not m.gated:
            again = _rank(m, others(m), set(), _NO_ANCHORS, home, publisher_country)[0]
            if again.feature == "admin1" and again.country:
                admins.add((again.country, again.name))
    focus: _Focus | None = None
    if coherence:
        if dateline_cands and dateline_name.casefold() not in named:
            shares = []
            _rank(_Mention(0, 0, dateline_cands, True, None, "place"), set(), set(), _NO_ANCHORS, home,
                  publisher_country, shares=shares)
            named[dateline_name.casefold()] = shares
        focus = _Focus.of(named)
    # Names kept only inside the document's area ("the Decatur City Council" in a report on
    # Georgia's towns) keep only their candidates there, or go.
    for i, m in enumerate(mentions):
        if m.part:  # "North Dallas": a country or region, or a unit or city in a country the document names
            named_cc = others(m) | ({focus.country(m.text.casefold())} if focus is not None else set())
            m.candidates = [c for c in m.candidates if c.feature in {"country", "region"} or (
                c.country in named_cc and (c.feature != "city" or c.population >= _POPULOUS))
                or (c.feature == "city" and c.population >= _WORLD_CITY)]
            if m.candidates:
                first[i] = _rank(m, others(m), admins, _NO_ANCHORS, home, publisher_country)
        if m.gated:
            area = (focus.area(m.text.casefold()) if focus is not None else set()) \
                | {a for a in admins if a[0] is not None}
            m.candidates = [c for c in m.candidates if _in_area(c, area)]
            if m.candidates:
                first[i] = _rank(m, others(m), admins, _NO_ANCHORS, home, publisher_country)
    kept = [i for i, m in enumerate(mentions) if m.candidates]
    mentions = [mentions[i] for i in kept]
    first = [first[i] for i in kept]
    for i, unit in _unknown_towns(doc, mentions, first):
        # "Stroud, Ontario" where the gazetteer knows no Stroud in Ontario: a place in Ontario,
        # not the namesake in England
        mentions[i].candidates = [unit]
        first[i] = (unit, 1.0)
    described = _appositives(doc, mentions)  # "Sake, a town 25 km west of Goma"
    for i, (j, head) in described.items():
        near = [c for c in mentions[i].candidates if _described_by(c, first[j][0])]
        if near:  # the appositive says which it is: "Lebanon, a city east of Nashville"
            mentions[i].candidates = near
            first[i] = _rank(mentions[i], others(mentions[i]), admins, _NO_ANCHORS, home, publisher_country)
        elif head in _PART_NOUNS and all(c.feature == "city" for c in mentions[i].candidates) \
                and first[j][0].feature != "country":
            # "Ely, a suburb of Cardiff", where the gazetteer knows no Ely near Cardiff: the
            # suburb is placed at its city, not at the namesake elsewhere
            mentions[i].candidates = [first[j][0]]
            first[i] = (first[j][0], 1.0)
    containers = _containers(doc, mentions, first)
    lists = _coordinated(doc, mentions, containers)
    # members of lists with a place the tagger recognized ("Decatur, Tucker and Lithonia"), not
    # of lists of brands or firms
    listed: set[int] = set()
    for group in lists:
        tagged = [mentions[k].from_entity and mentions[k].label in _PLACE_LABELS for k in group]
        listed.update(j for j, own in zip(group, tagged, strict=True) if sum(tagged) - own > 0)
    group_of = {j: group for group in lists for j in group}
    town_of = {u: t for t, u in sorted(containers.items(), reverse=True)}  # container -> its town
    # Pass 2: add closeness to the other places resolved in pass 1, and the document's area.
    # Anchors are the other mentions' confident first-pass places, kept by ``_accept`` under the
    # mention's countries (one set for most mentions: built once per set, not per mention).
    pool = [(mentions[j], c) for j, (c, share) in enumerate(first) if share > 0.5 and c.feature != "country"]
    anchor_sets: dict[frozenset[str], _Anchors] = {}
    resolved: list[tuple[int, Candidate, float]] = []
    for i, m in enumerate(mentions):
        countries = others(m)
        given = frozenset(countries)
        if given not in anchor_sets:
            anchor_sets[given] = _Anchors([(mj.text, c) for mj, c in pool if _accept(mj, c, countries)])
        anchors = anchor_sets[given].without(m.text)
        bonus = _plus(_structure_bonus(mentions, first, group_of, town_of, containers, i),
                      _home_unit_bonus(home_unit))
        if focus is not None:
            key = m.text.casefold()
            bonus = _plus(bonus, _coherence_bonus(m, focus.area(key), focus.country(key), countries, admins))
        c, share = _rank(m, countries, admins, anchors, home, publisher_country, bonus)
        if _foreign_hamlet(c, countries, anchors, home):
            continue
        if m.in_org and not _accept(m, c, countries):
            # an organisation's jurisdiction is one of the candidates that can be one here
            m.candidates = [k for k in m.candidates if _accept(m, k, countries)]
            if not m.candidates:
                continue
            c, share = _rank(m, countries, admins, anchors, home, publisher_country, bonus)
        if _accept(m, c, countries):
            resolved.append((i, c, share))
        elif rescue := _area_rescue(m, i, listed, focus, admins):
            # a name the tagger missed, in a place's position, that is a town of the area
            m.candidates = rescue
            c, share = _rank(m, countries, admins, anchors, home, publisher_country, bonus)
            resolved.append((i, c, share))
    senses = _one_sense(mentions, containers, resolved)
    places = [_to_place(doc, mentions[i], c, share) for i, c, share in senses]
    places += _repeated_names(doc, mentions, senses)
    return sorted(places + _capital_phrases(doc, gazetteer, places), key=lambda p: (p.start, p.end))


def _repeated_names(doc: Doc, mentions: Sequence[_Mention],
                    senses: Sequence[tuple[int, Candidate, float]]) -> list[Place]:
    """Later uses of a name the document already resolved as a place, where the tagger saw a
    common noun and no name ("... around Sake, a town west of Goma. The rebels have besieged
    Sake since February": the second "Sake" a noun), with the same reading; a dateline's
    capitals stand for the name ("FLORENCE, S.C." ... "Florence police"). Only words no entity
    and no other mention holds, not opening a sentence ("Reading the report") unless they modify
    a noun there ("Florence police said"), and not after "a"/"an" or a title, nor joined to a
    following name."""
    sense: dict[str, tuple[_Mention, Candidate, float]] = {}
    for i, c, share in senses:
        m = mentions[i]
        if not m.in_org and not m.part and m.text[:1].isupper():
            for written in {m.text, m.text.title() if m.text.isupper() and len(m.text) > 3 else m.text}:
                sense.setdefault(written, (m, c, share))
    if not sense:
        return []
    by_first: dict[str, list[tuple[str, int]]] = {}  # a name's first word -> the names, in tokens
    for name, (m, _, _) in sense.items():
        size = next((k for k in range(1, m.end - m.start + 1)
                     if doc[m.start:m.start + k].text.casefold() == name.casefold()), 0)
        if size:  # not a name inside a word ("Kan.-based")
            by_first.setdefault(name.split()[0], []).append((name, size))
    covered = np.zeros(len(doc), dtype=bool)
    for m in mentions:
        covered[m.start:m.end] = True
    ids = np.array(sorted(get_string_id(w) for w in by_first), dtype=np.uint64)
    out: list[Place] = []
    for i in _token_hits(doc, ORTH, ids):
        if covered[i]:
            continue  # a mention already (most hits)
        tok = doc[i]
        for name, n in by_first[tok.text]:
            m, c, share = sense[name]
            span = doc[i:i + n]
            if span.text != name or covered[i:i + n].any() or any(t.ent_type_ for t in span) \
                    or all(t.pos_ == "PROPN" for t in span):  # a proper noun was a mention already
                continue
            opens = tok.is_sent_start or _opens_line(doc, i)
            modifies = tok.dep_ == "compound" and tok.head.pos_ == "NOUN" and tok.head.i == i + n
            before = doc[i - 1].lower_.rstrip(".") if i > 0 else ""
            if (opens and not modifies) or before in {"a", "an"} or before in _TITLES:
                continue
            after = doc[i + n] if i + n < len(doc) else None
            if after is not None and ((after.pos_ == "PROPN" and after.text[:1].isupper())
                                      or after.lower_ in _DISEASE_WORDS):
                continue
            covered[i:i + n] = True
            repeat = _Mention(i, i + n, [c], False, None, _role(doc, i, i + n), text=name)
            out.append(_to_place(doc, repeat, c, share))
            break
    return out


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """ISO2 -> the name of its capital, from the actors stage's country table."""
    iso2 = load_lexicon().iso3_to_iso2
    return {iso2[row["iso3"]]: row["capital"] for row in read_table("countries.tsv")
            if row["capital"] and row["iso3"] in iso2 and row["iso3"] not in FORMER_STATES}


_CAPITAL_BONUS = 1.0


@lru_cache(maxsize=4096)
def _is_capital(country: str | None, name: str) -> bool:
    """Is the town of this name its country's capital (the countries table's capital)?"""
    capital = _capitals().get(country or "")
    return capital is not None and normalize_name(capital) == normalize_name(name)


@lru_cache(maxsize=1)
def _capital_names() -> frozenset[str]:
    return frozenset(name.casefold() for name in _capitals().values())


_CAPITAL_ID = np.array([get_string_id("capital")], dtype=np.uint64)


def _capital_phrases(doc: Doc, gazetteer: Gazetteer, found: Sequence[Place]) -> list[Place]:
    """"the Peruvian capital", "the Somali capital": news style for the capital city, resolved to
    that country's capital (not "capital markets", not "capital" as money)."""
    out: list[Place] = []
    demonyms = _demonym_table()
    for i in _token_hits(doc, LOWER, _CAPITAL_ID):
        tok = doc[i]
        if tok.i < 2 or tok.dep_ == "compound" or doc[tok.i - 2].lower_ != "the":
            continue
        adj = doc[tok.i - 1]
        cc = demonyms.get(adj.text.casefold())
        if cc is None or not adj.text[:1].isupper():
            continue
        start, end = adj.idx, tok.idx + len(tok)
        if any(p.start < end and start < p.end for p in found):
            continue
        capital = _capitals().get(cc)
        cands = ([c for c in gazetteer.lookup(capital) if c.country == cc and c.feature == "city"]
                 if capital else [])
        if cands:
            c = cands[0]
            out.append(Place(start=start, end=end, text=doc_text(doc)[start:end], name=c.name,
                             geonameid=c.geonameid, country=c.country, admin1=c.admin1, lat=c.lat, lon=c.lon,
                             precision=_PRECISION[c.feature], score=0.9, feature=c.feature,
                             role="place", method="gazetteer+capital", admin1_code=c.admin1_code))
    return out


def resolve_dateline(gazetteer: Gazetteer, places: Sequence[Place], dateline_place: str,
                     span: tuple[int, int]) -> Place | None:
    """The dateline's place over the dateline's ``span``: as the places stage resolved its town
    (in the document's context, inside the units written after it), else by its name and units."""
    at = next((p for p in places if p.start == span[0] and p.lat is not None), None)
    if at is None:
        return resolve_name(gazetteer, dateline_place, *span)
    return Place(start=span[0], end=span[1], text=dateline_place.split(",")[0].strip(), name=at.name,
                 geonameid=at.geonameid, country=at.country, admin1=at.admin1, lat=at.lat, lon=at.lon,
                 precision=at.precision, score=at.score, feature=at.feature, method="dateline",
                 admin1_code=at.admin1_code)


def resolve_name(gazetteer: Gazetteer, name: str, start: int = 0, end: int = 0,
                 context_countries: Sequence[str] = ()) -> Place | None:
    """Resolve a bare name (a dateline's place, with the units written after it: "Decatur, Ga.")
    to a Place, outside any parsed sentence."""
    name, cands = _dateline_candidates(gazetteer, name)
    if not cands:
        return None
    m = _Mention(0, 0, cands, True, None, "place")
    c, share = _rank(m, set(context_countries), set(), _NO_ANCHORS, None, None)
    return Place(start=start, end=end, text=name, name=c.name, geonameid=c.geonameid, country=c.country,
                 admin1=c.admin1, lat=c.lat, lon=c.lon, precision=_PRECISION[c.feature],
                 score=round(share, 3), feature=c.feature, method="dateline", admin1_code=c.admin1_code)


def _clause_head(tok: Token) -> Token:
    while tok.pos_ not in {"VERB", "AUX"} and tok.head != tok:
        tok = tok.head
    return tok


def _attached_by_prep(tok: Token, verb: Token) -> bool:
    """Is the place token the object of a locative preposition inside ``verb``'s clause?"""
    while tok.dep_ in {"compound", "conj", "appos", "amod", "nmod"} and tok.head != tok:
        tok = tok.head
    for _ in range(3):  # "in the district of Tovuz": of -> district -> in
        if tok.dep_ != "pobj":
            return False
        prep = tok.head
        if prep.lower_ in _CLAUSE_PREPS:
            return _clause_head(prep) == verb
        if prep.lower_ != "of":
            return False
        tok = prep.head
    return False


_SPECIFICITY = {"point": 0, "near": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5}


def event_location(doc: Doc, places: Sequence[Place], trigger_start: int, trigger_end: int,
                   dateline_place: Place | None = None) -> tuple[Place | None, str | None]:
    """The event's place and where it came from: ``clause``, ``sentence``, ``paragraph`` or ``dateline``."""
    span = doc.char_span(trigger_start, trigger_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return (dateline_place, "dateline") if dateline_place else (None, None)
    verb = _clause_head(span.root)
    sent = span.root.sent
    in_sent = [p for p in places if sent.start_char <= p.start and p.end <= sent.end_char]

    def distance(p: Place) -> int:
        return min(abs(p.start - trigger_end), abs(trigger_start - p.end))

    attached = []
    for p in in_sent:
        pspan = doc.char_span(p.start, p.end, alignment_mode="expand")
        if pspan is not None and len(pspan) and _attached_by_prep(pspan.root, verb):
            attached.append(p)
    if attached:
        # the most precise place of the clause ("In Somalia, gunmen attacked a base near Mogadishu")
        return min(attached, key=lambda p: (_SPECIFICITY.get(p.precision, 9), distance(p))), "clause"
    # a place in the cited source's phrase ("officials in Bishkek said") is where the source is
    sources = [(a, b) for a, b in source_spans(sent) if not (a <= trigger_start and trigger_end <= b)]
    located = [p for p in in_sent if p.role == "place"
               and not any(a <= p.start and p.end <= b for a, b in sources)]
    if located:
        return min(located, key=distance), "sentence"
    # the nearest place named earlier in the same paragraph ("... protested in Tbilisi. Police
    # detained 12 demonstrators"): news paragraphs keep their setting until they name another
    text = doc_text(doc)
    para_start = text.rfind("\n\n", 0, trigger_start) + 1
    earlier = [p for p in places if para_start <= p.start and p.end <= sent.start_char and p.role == "place"
               and p.feature != "country"]
    if earlier:
        return max(earlier, key=lambda p: p.start), "paragraph"
    if dateline_place is not None:
        return dateline_place, "dateline"
    return None, None
