"""Entities and canonical actors: who is named, and which country and sector they stand for.

An actor phrase is resolved from the words inside it, by rules that hold for any news text:
country names, demonyms and capitals ("Azerbaijani", "Moscow") give the country (ISO-3);
agent nouns ("army", "Armed Forces", "ministry", "police", "rebels") give the sector;
a PERSON entity gives a named person, whose title and rank are the title words before the name
and whose later mentions ("Hasanov", "the minister", "he") are tied back to the full mention.
A phrase with a sector but no country of its own ("the Defense Ministry", "a source in the
country's Defense Ministry") takes the document's main country: the most mentioned one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from spacy.tokens import Doc, Span, Token

from ..actordict import ActorDictionary
from ..records import ActorRef, Entity
from ..resources import read_table
from .linguistic import doc_text, ents_in

__all__ = ["ActorLexicon", "ActorResolver", "extract_entities", "load_lexicon"]

_MAX_NGRAM = 6
_PRONOUNS_PERSON = {"he", "she", "him", "her"}
_ADVERSARIAL = {"opposing", "enemy", "rival", "hostile", "foreign", "opponent", "adversary", "invading"}
_CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp", "punct", "cc", "conj", "appos", "parataxis"}


def _is_acronym(form: str) -> bool:
    core = form.removeprefix("the ")
    return len(core) <= 6 and core.replace(".", "").isupper()


@dataclass(frozen=True, slots=True)
class ActorLexicon:
    """Lower-cased surface form -> ISO-3 (countries) and -> (sector, is_title) (agents)."""

    countries: dict[str, str]
    country_names: dict[str, str]  # iso3 -> English name
    iso3_to_iso2: dict[str, str]
    iso2_to_iso3: dict[str, str]
    agents: dict[str, tuple[str, bool]]
    organizations: dict[str, tuple[str, str, str | None]]  # acronym as written, or casefolded name
    max_country_words: int
    max_agent_words: int
    max_org_words: int


# Entries of the country table withdrawn from ISO 3166-1 (now in ISO 3166-3) that GeoNames still lists.
FORMER_STATES = {"ANT", "SCG"}
_NAME_PARTICLES = {"da", "de", "do", "dos", "das", "del", "di", "du", "la", "el"}
_BACKERS = {"backed", "supported", "funded", "sponsored", "armed", "trained"}


@lru_cache(maxsize=1)
def load_lexicon() -> ActorLexicon:
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    iso3_to_iso2: dict[str, str] = {}
    for row in read_table("countries.tsv"):
        iso3 = row["iso3"]
        names[iso3] = row["name"]
        iso3_to_iso2[iso3] = row["iso2"]
        # a former state's capital names its successor ("Belgrade" is Serbia, not Serbia and Montenegro)
        capital = row["capital"] if iso3 not in FORMER_STATES else ""
        forms = [row["name"], capital, *filter(None, row["aliases"].split("|"))]
        for form in forms:
            if form:
                countries.setdefault(form.lower(), iso3)
    # hand-written demonyms win over generated aliases on conflict
    for row in read_table("demonyms.tsv"):
        for form in row["names"].split("|"):
            countries[form.lower()] = row["iso3"]
    for iso3, name in names.items():
        countries[name.lower()] = iso3
        countries.setdefault("the " + name.lower(), iso3)
    agents: dict[str, tuple[str, bool]] = {}
    for row in read_table("agents.tsv"):
        agents[row["phrase"].lower()] = (row["sector"], row["title"] == "1")
    organizations: dict[str, tuple[str, str, str | None]] = {}
    for row in read_table("organizations.tsv"):
        entry = (row["name"], row["sector"], row["country"] or None)
        for form in [row["name"], *filter(None, row["aliases"].split("|"))]:
            # acronyms match with their case ("IS", never the verb "is"); names without it
            key = form if _is_acronym(form) else form.casefold()
            organizations[key] = entry
            if not form.startswith("the "):
                organizations["the " + key] = entry
    return ActorLexicon(
        countries=countries,
        country_names=names,
        iso3_to_iso2=iso3_to_iso2,
        iso2_to_iso3={v: k for k, v in iso3_to_iso2.items()},
        agents=agents,
        organizations=organizations,
        max_country_words=max(len(k.split()) for k in countries),
        max_agent_words=max(len(k.split()) for k in agents),
        max_org_words=max(len(k.split()) for k in organizations),
    )


def extract_entities(doc: Doc) -> list[Entity]:
    return [Entity(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    title: str | None
    rank: str | None
    country: str | None
    sector: str | None
    start: int


_Hit = TypeVar("_Hit", bound=tuple[Any, ...])
_V = TypeVar("_V")


def _nearest(hits: Sequence[_Hit], i: int) -> _Hit:
    """The (start, end, ...) token match closest to token ``i`` (0 when it contains it)."""
    return min(hits, key=lambda h: 0 if h[0] <= i < h[1] else min(abs(h[0] - i), abs(h[1] - 1 - i)))


def _organization(
    name: str,
    country: str | None,
    sector: str | None,
    start: int,
    end: int,
    text: str,
    score: float,
    method: str,
) -> ActorRef:
    return ActorRef(
        name=name,
        country=country,
        sector=sector,
        title=None,
        start=start,
        end=end,
        text=text,
        kind="organization",
        score=score,
        method=method,
    )


def _phrase(doc: Doc, i: int, j: int) -> str:
    return doc_text(doc)[doc[i].idx : doc[j].idx + len(doc[j])].lower()


class ActorResolver:
    """Resolves actor phrases of one document; built once per document."""

    def __init__(
        self,
        doc: Doc,
        lexicon: ActorLexicon | None = None,
        *,
        dictionary: ActorDictionary | None = None,
        on: dt.date | None = None,
    ) -> None:
        self.doc = doc
        self.lex = lexicon or load_lexicon()
        self.dictionary = dictionary
        self.on = on  # the date roles are looked up at (the publication date)
        self._country_hits = self._scan_countries(0, len(doc))
        counts = Counter(iso for _, _, iso in self._country_hits)
        first: dict[str, int] = {}
        for s, _, iso in self._country_hits:
            first.setdefault(iso, s)
        self.main_country: str | None = min(counts, key=lambda c: (-counts[c], first[c])) if counts else None
        self.persons: list[_Person] = self._collect_persons()

    # ---- scanning -------------------------------------------------------------------
    def _longest_matches(
        self,
        lo: int,
        hi: int,
        max_words: int,
        starts: Callable[[int], bool],
        lookup: Callable[[str], _V | None],
    ) -> list[tuple[int, int, _V]]:
        """Left-to-right longest matches over tokens [lo, hi): (start_tok, end_tok, value).

        ``starts(i)`` says whether a match may begin at token i; ``lookup`` gets the surface text.
        """
        doc, text = self.doc, doc_text(self.doc)
        hits: list[tuple[int, int, _V]] = []
        i = lo
        while i < hi:
            found = None
            if starts(i):
                for n in range(min(max_words + 2, hi - i), 0, -1):
                    j = i + n - 1
                    value = lookup(text[doc[i].idx : doc[j].idx + len(doc[j])])
                    if value is not None:
                        found = (i, j + 1, value)
                        break
            if found:
                hits.append(found)
                i = found[1]
            else:
                i += 1
        return hits

    def _scan_countries(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Country names/demonyms (case-insensitive, possessive "'s" allowed): (start, end, iso3)."""
        doc, countries = self.doc, self.lex.countries

        def starts(i: int) -> bool:
            tok = doc[i]
            return (tok.is_title or tok.is_upper or tok.lower_ == "the") and not tok.is_punct

        def lookup(surface: str) -> str | None:
            key = surface.lower()
            iso = countries.get(key)
            if iso is None and key.endswith("'s"):
                iso = countries.get(key[:-2].rstrip())
            return iso

        hits = self._longest_matches(lo, hi, self.lex.max_country_words, starts, lookup)
        # "Mocimboa da Praia", "Santa Cruz de la Sierra": a name ending in a capital's name, joined
        # by a particle, is a place of its own, not that capital's country
        # "Rwanda-backed rebels", "Iran-funded militias": the country stands behind the group, it is
        # not the group's own
        return [(s, e, iso) for s, e, iso in hits
                if not (s >= 2 and doc[s - 1].lower_ in _NAME_PARTICLES and doc[s - 2].is_title)
                and not (e + 1 < len(doc) and doc[e].text == "-" and doc[e + 1].lower_ in _BACKERS)]

    def _scan_organizations(self, lo: int, hi: int) -> list[tuple[int, int, tuple[str, str, str | None]]]:
        """Named organizations, matched with their case ("IS" but not "is")."""
        doc, orgs = self.doc, self.lex.organizations

        def starts(i: int) -> bool:
            tok = doc[i]
            capital_next = i + 1 < hi and (doc[i + 1].is_title or doc[i + 1].is_upper)
            return (
                tok.is_title
                or tok.is_upper
                or tok.like_num
                or tok.lower_ in {"al", "al-"}
                or (tok.lower_ == "the" and capital_next)
            )

        def lookup(surface: str) -> tuple[str, str, str | None] | None:
            return orgs.get(surface) or orgs.get(surface.casefold())

        return self._longest_matches(lo, hi, self.lex.max_org_words, starts, lookup)

    def _scan_agents(self, tokens: list[Token]) -> list[tuple[int, int, str, bool]]:
        """Agent phrases among ``tokens`` (contiguous run), longest first: (i, j, sector, is_title)."""
        lex = self.lex
        out: list[tuple[int, int, str, bool]] = []
        k = 0
        n_tok = len(tokens)
        while k < n_tok:
            best = None
            for n in range(min(lex.max_agent_words + 2, n_tok - k), 0, -1):
                seg = tokens[k : k + n]
                key_text = _phrase(self.doc, seg[0].i, seg[-1].i)
                key_lemma = " ".join(t.lemma_.lower() for t in seg)
                hit = lex.agents.get(key_text) or lex.agents.get(key_lemma)
                if hit and hit[1] and n == 1 and seg[0].pos_ == "ADJ" and seg[0].is_lower:
                    hit = None  # an adjective, not a rank: "a major highway", "a general strike"
                if hit:
                    best = (seg[0].i, seg[-1].i + 1, hit[0], hit[1])
                    break
            if best:
                out.append(best)
                k += best[1] - best[0]
            else:
                k += 1
        return out

    def _collect_persons(self) -> list[_Person]:
        persons: list[_Person] = []
        self.persons = persons  # _match_person reads the list while it grows
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or self._is_country(ent.text):
                continue
            name = ent.text.strip()
            if name.endswith("'s") or name.endswith("’s"):
                name = name[:-2]
            known = self._match_person(name)
            title, rank, sector, country = self._title_before(ent)
            if known is not None and title is None:
                continue
            if known is not None:
                title = title or known.title
                country = country or known.country
                name = known.name if len(known.name) > len(name) else name
            listed = self._listed(name)
            if listed is not None:  # the actor dictionary fills what the text leaves out
                country = country or listed.country
                sector = sector or listed.sector
            persons.append(_Person(name, title, rank, country, sector, ent.start_char))
        return persons

    def _listed(self, name: str) -> _Person | None:
        """A person of the actor dictionary, with the role held at the document's date."""
        if self.dictionary is None:
            return None
        hit = self.dictionary.lookup(name, self.on)
        if hit is None:
            return None
        canonical, role = hit
        return _Person(canonical, None, None, role.country, role.sector, -1)

    def _new_person(self, name: str, start: int) -> _Person:
        listed = self._listed(name)
        return _Person(
            name, None, None, listed.country if listed else None, listed.sector if listed else None, start
        )

    def _is_country(self, text: str) -> bool:
        t = text.lower()
        return t in self.lex.countries or (t.endswith("'s") and t[:-2] in self.lex.countries)

    def _title_before(self, ent: Span) -> tuple[str | None, str | None, str | None, str | None]:
        """Title words directly before a name: 'Defense Minister Colonel-General Zakir Hasanov'."""
        doc = self.doc
        j = ent.start - 1
        lo = j
        while lo >= 0 and doc[lo].ent_type_ != "PERSON":
            t = doc[lo]
            hyphen = (
                t.text == "-"
                or (lo > 0 and doc[lo - 1].text == "-")
                or (lo + 1 < len(doc) and doc[lo + 1].text == "-")
            )
            if t.is_title or t.is_upper or hyphen or t.lower_ in {"of", "the"}:
                lo -= 1
                continue
            # an apposition of titles: "the Azerbaijani President, Supreme Commander ... Name"
            if t.text == "," and lo > 0 and self.lex.agents.get(doc[lo - 1].lower_, ("", False))[1]:
                lo -= 1
                continue
            break
        lo += 1
        while lo <= j and doc[lo].lower_ in {"of", "the", ","}:
            lo += 1
        if lo > j:
            return None, None, None, None
        tokens = [doc[k] for k in range(lo, j + 1)]
        agents = self._scan_agents(tokens)
        titles = [a for a in agents if a[3]]
        if not titles:
            return None, None, None, None
        military_ranks = [
            a for a in titles if a[2] == "MIL" and "minister" not in _phrase(doc, a[0], a[1] - 1)
        ]
        civil = [a for a in titles if a not in military_ranks]
        main = (civil or titles)[0]
        title = doc[main[0] : main[1]].text
        rank = doc[military_ranks[0][0] : military_ranks[0][1]].text if military_ranks and civil else None
        sector = "GOV" if civil and main[2] != "MIL" else main[2]
        countries = self._scan_countries(max(0, lo - 3), j + 1)
        country = countries[-1][2] if countries else None
        return title, rank, sector, country

    def _match_person(self, name: str) -> _Person | None:
        parts = name.split()
        for p in reversed(getattr(self, "persons", [])):
            pp = p.name.split()
            if p.name == name or (len(parts) == 1 and pp and pp[-1] == parts[0]):
                return p
        return None

    def _person_before(self, offset: int, title_word: str | None = None) -> _Person | None:
        best = None
        for p in self.persons:
            if p.start >= offset:
                break
            if title_word is None or (p.title and title_word in p.title.lower()):
                best = p
        return best

    # ---- public -----------------------------------------------------------------------
    def phrase_tokens(self, head: Token, *, keep_of: bool = True) -> list[Token]:
        """Tokens of the noun phrase headed by ``head``, without its clauses and most PPs."""
        keep: list[Token] = [head]
        stack = list(head.children)
        while stack:
            t = stack.pop()
            if t.dep_ in _CLAUSE_DEPS:
                continue
            if t.dep_ == "prep" and not (keep_of and t.lower_ == "of" and t.head == head):
                continue
            keep.append(t)
            stack.extend(t.children)
        return sorted(keep, key=lambda t: t.i)

    def resolve(self, head: Token, *, fallback_country: str | None = None) -> ActorRef | None:
        """Canonical actor for the phrase headed by ``head`` (None when nothing is known)."""
        doc = self.doc
        tokens = self.phrase_tokens(head)
        lo, hi = tokens[0].i, tokens[-1].i
        while lo < hi and doc[lo].lower_ in {"the", "a", "an", ",", "and"}:
            lo += 1
        start, end = doc[lo].idx, doc[hi].idx + len(doc[hi])
        text = doc_text(doc)[start:end]
        low = head.lower_
        # pronouns: he/she -> the last person named before
        if head.pos_ == "PRON":
            if low in _PRONOUNS_PERSON:
                p = self._person_before(head.idx)
                if p:
                    return self._person_ref(p, start, end, text, score=0.5, method="coreference")
            return None
        # a named person inside the phrase
        for ent in ents_in(doc, lo, hi + 1):
            if ent.label_ == "PERSON" and not self._is_country(ent.text):
                name = ent.text[:-2] if ent.text.endswith("'s") else ent.text
                p = self._match_person(name) or self._new_person(name, ent.start_char)
                return self._person_ref(p, start, end, text, score=0.8, method="ner+dictionary")
        # a later mention by surname the model did not tag ("Ruiz met ...")
        if head.pos_ == "PROPN" and not head.ent_type_ and lo == hi:
            known = self._match_person(head.text)
            if known is not None and known.start < head.idx:
                return self._person_ref(known, start, end, text, score=0.6, method="coreference")
        # "the Azerbaijani President, Supreme Commander-in-Chief ... Ilham Aliyev": a title
        # phrase whose apposition names the person stands for that person
        for c in head.children:
            if c.dep_ != "appos":
                continue
            for ent in ents_in(doc, c.left_edge.i, c.right_edge.i + 1):
                if ent.label_ == "PERSON" and not self._is_country(ent.text):
                    p = self._match_person(ent.text) or self._new_person(ent.text, ent.start_char)
                    return self._person_ref(p, start, end, text, score=0.7, method="ner+apposition")
        span_tokens = [doc[k] for k in range(lo, hi + 1)]
        # the match nearest the head names the actor: "Russian forces" in "KYIV, Ukraine - Russian
        # forces", "positions of the Azerbaijani army"
        orgs = self._scan_organizations(lo, hi + 1)
        if orgs:
            _, _, (o_name, o_sector, o_country) = _nearest(orgs, head.i)
            return _organization(o_name, o_country, o_sector, start, end, text, 0.8, "dictionary")
        countries = self._scan_countries(lo, hi + 1)
        agents = self._scan_agents(span_tokens)
        country = _nearest(countries, head.i)[2] if countries else None
        sector = None
        title = None
        if agents:
            nearest = _nearest(agents, head.i)
            sector = nearest[2]
            if nearest[3]:
                title = doc[nearest[0] : nearest[1]].text
        # "its aircraft", "their troops": the possessor is the group the governing clause is about
        # ("The Syrian army denied that its aircraft had bombed a market")
        owner = self._possessor(head) if country is None else None
        if owner is not None:  # its members are of its kind: "their fighters" of a paramilitary force
            country, sector = owner.country, owner.sector or sector
        # "the minister" / "the president": the last titled person with that title word
        if title and country is None and tokens[0].lower_ == "the":
            p = self._person_before(head.idx, title_word=head.lower_)
            if p:
                return self._person_ref(p, start, end, text, score=0.6, method="coreference")
        if country is None and sector is None:
            if head.ent_type_ in {"ORG", "NORP"} and head.pos_ == "PROPN":
                return _organization(text, None, None, start, end, text, 0.4, "ner")
            return None
        method = "dictionary"
        score = 0.8 if country and sector else 0.6
        if country is None and sector is not None:
            # an own-side institution named without its country takes the document's (or the
            # caller's) country: "the Defense Ministry", "the army"; an adversary ("the opposing
            # forces", "enemy troops") or an indefinite group ("gunmen") does not
            adversarial = any(t.lower_ in _ADVERSARIAL for t in span_tokens)
            definite = (
                tokens[0].lower_ in {"the", "its", "their", "our"}
                or any(t.dep_ == "poss" for t in span_tokens)
                or doc[lo].pos_ == "PROPN"
            )
            if fallback_country is not None and not adversarial:
                country, method, score = fallback_country, "dictionary+context-country", 0.5
            elif definite and not adversarial and self.main_country:
                country, method, score = self.main_country, "dictionary+document-country", 0.5
            else:
                score = 0.4
        name = self.lex.country_names.get(country, "") if country else ""
        if sector:
            name = f"{name} {sector}".strip()
        kind = "country" if sector is None else "organization"
        return ActorRef(
            name=name or text,
            country=country,
            sector=sector,
            title=title,
            start=start,
            end=end,
            text=text,
            kind=kind,
            score=score,
            method=method,
        )

    def _possessor(self, head: Token) -> ActorRef | None:
        """The group an "its"/"their" before ``head`` stands for: the subject of the nearest
        governing clause that names one, before the pronoun."""
        if not any(c.dep_ == "poss" and c.lower_ in {"its", "their"} for c in head.children):
            return None
        for anc in head.ancestors:
            subj = next((c for c in anc.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subj is None or subj.i >= head.i or head in subj.subtree or subj.pos_ == "PRON":
                continue
            ref = self.resolve(subj)
            if ref is not None and ref.country and ref.kind != "person":
                return ref
        return None

    def _person_ref(
        self, p: _Person, start: int, end: int, text: str, *, score: float, method: str
    ) -> ActorRef:
        country = p.country or self.main_country
        return ActorRef(
            name=p.name,
            country=country,
            sector=p.sector,
            title=p.title,
            start=start,
            end=end,
            text=text,
            kind="person",
            score=score,
            method=method,
            rank=p.rank,
        )

    def split_joint(self, ref: ActorRef) -> tuple[ActorRef, ActorRef] | None:
        """ "Chinese and Indian troops", "Israel and Hamas": two sides named in one phrase ->
        (first side, second side), each with the phrase's sector; None when it names one country."""
        hits = [
            (s, e, iso)
            for s, e, iso in self._country_hits
            if self.doc[s].idx >= ref.start and self.doc[e - 1].idx + len(self.doc[e - 1]) <= ref.end
        ]
        isos = list(dict.fromkeys(iso for _, _, iso in hits))
        if len(isos) < 2 or ref.kind == "person":
            return None
        sides = []
        for iso in isos[:2]:
            s, e, _ = next(h for h in hits if h[2] == iso)
            start, end = self.doc[s].idx, self.doc[e - 1].idx + len(self.doc[e - 1])
            name = f"{self.lex.country_names.get(iso, iso)} {ref.sector or ''}".strip()
            sides.append(
                ActorRef(
                    name=name,
                    country=iso,
                    sector=ref.sector,
                    title=None,
                    start=start,
                    end=end,
                    text=doc_text(self.doc)[start:end],
                    kind="country" if ref.sector is None else "organization",
                    score=ref.score,
                    method=ref.method + "+split",
                )
            )
        return sides[0], sides[1]

    def iso2(self, iso3: str | None) -> str | None:
        return self.lex.iso3_to_iso2.get(iso3) if iso3 else None

    def iso3(self, iso2: str | None) -> str | None:
        return self.lex.iso2_to_iso3.get(iso2) if iso2 else None
