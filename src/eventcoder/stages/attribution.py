"""Attribution (who says so) and modality (how the event is claimed).

The chain runs outermost first: the publisher, then cited sources ("according to the
ministry", "Trend reports referring to a source in the Defense Ministry", "police said"), then
a quoted person (kind ``speaker``).

Scope. A cue covers its own sentence. A *reporting frame* -- "according to X", "X reports",
"referring to / citing / quoting X" -- also covers the rest of its paragraph, and when it opens
its paragraph (or sits in the lead) it frames the following paragraphs too, while they
continue the report. It ends at the first later paragraph that either opens a frame of its own
(which then replaces it) or introduces its own absolute date ("Back in July 2020", "from Sept.
to Nov. 2020", "in 1988"): a paragraph that anchors itself in calendar time has left the
reported news for background narrative, which is the publisher's own voice. Relative dates
("on Monday", "to date") do not end a frame: they stay inside the reported news. Plain speech
cues ("X said") are not frames; they cover their own sentence only, where they replace a carried
frame (news writing
re-attributes each quoted claim), or every sentence of a quotation they close.

Names. Pronoun speakers resolve to the most recent person named earlier; a definite
description ("the ministry") resolves to the most recent earlier name with the same head word
("Defense Ministry"); "a source in the country's Defense Ministry" names the institution.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..records import Article, Attribution
from .linguistic import doc_ents, doc_text

__all__ = ["AttributionIndex", "attribution_for", "document_attribution", "is_denial", "modality_for",
           "source_spans", "statement_modality"]

_SPEECH = {"say", "tell", "state", "add", "note", "declare", "stress", "explain", "insist", "allege",
           "assert", "write", "tweet", "emphasize", "emphasise", "underline", "remark", "comment",
           "reiterate", "clarify", "warn", "acknowledge", "admit", "told", "said"}
# verbs that also take plain objects ("announced a ceasefire"): cues only with a clausal complement
_SPEECH_CLAUSAL = {"report", "announce", "claim", "confirm", "deny", "inform", "disclose", "reveal",
                   "estimate", "believe"}
_FRAME_VERBS = {"report", "cite", "quote", "refer"}
_SOURCE_NOUNS = {"source", "official", "spokesman", "spokeswoman", "spokesperson", "representative",
                 "diplomat", "officer", "sources", "officials", "aide", "insider", "person"}
_DOC_NOUNS = {"announcement", "statement", "report", "data", "statistic", "figure", "estimate",
              "release", "communique", "survey", "study", "poll", "document", "message", "letter"}
# heads of definite descriptions that stand for the most recently named organization
_GENERIC_ORGS = {"company", "firm", "group", "organization", "organisation", "agency", "ministry",
                 "department", "carrier", "airline", "automaker", "bank", "manufacturer", "service",
                 "office", "committee", "commission", "council", "movement", "party", "army", "militia"}
_INFORMANTS = {"witness", "eyewitness", "resident", "observer", "analyst", "expert", "activist", "medic",
               "police", "media", "journalist", "correspondent", "monitor", "diplomat", "authority"}
_PRONOUNS = {"he", "she", "him", "her"}
_MONTHS = {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
           "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
           "november", "dec", "december"}
_ORDER = {"instruct", "order", "command", "direct", "tell", "urge", "demand", "require", "oblige",
          "authorize", "authorise", "task", "call", "ask", "request", "charge", "mandate", "decree"}
# order verbs that are orders even without a complement ("the minister instructed ...")
_ORDER_VERBS_ALONE = _ORDER - {"tell", "ask", "call", "set", "charge", "task"}
_PLAN = {"plan", "intend", "schedule", "expect", "aim", "prepare", "decide", "agree", "pledge",
         "promise", "vow", "set", "propose", "seek", "hope", "want", "mean"}
_HYPO_AUX = {"would", "could", "may", "might", "should", "can", "must"}
_THREAT = {"threaten", "warn"}
_NEG_WORDS = {"not", "n't", "never", "no"}
_DENY = {"deny", "refute", "dismiss", "reject"}
# "pushed Armenia to sign": the forced act is the event (stages/events.py, ``_COERCIVE``)
_COERCE_VERBS = {"force", "compel", "push", "coerce", "oblige"}


@dataclass(frozen=True, slots=True)
class AttributionIndex:
    """Per-sentence attribution chains for one document (character offsets only, no spaCy)."""

    publisher: Attribution | None
    sentence_starts: tuple[int, ...]
    frames: tuple[tuple[Attribution, ...], ...]  # cited sources/speakers per sentence
    cues: tuple[tuple[tuple[int, int], ...], ...]  # per frame entry: char span of its cue verb/phrase


@dataclass(slots=True)
class _Cue:
    entries: list[Attribution]
    span: tuple[int, int]
    frame: bool  # a reporting frame that carries over paragraphs


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n\s*", text)]


def _np(tok: Token) -> list[Token]:
    """The name-bearing part of a noun phrase: head plus compounds/adjectives, no determiners."""
    if tok.ent_type_ and tok.ent_iob_ in {"B", "I"}:
        for ent in doc_ents(tok.doc):
            if ent.start <= tok.i < ent.end:
                toks = [t for t in ent if t.dep_ not in {"det", "case"} and t.lower_ not in {"the"}]
                if toks:
                    return toks
    left = [t for t in tok.lefts if t.dep_ in {"compound", "amod", "nmod", "flat"}]
    out: list[Token] = []
    for t in left:
        out.extend(_np(t) if t.dep_ == "compound" else [t])
    return sorted({t.i: t for t in [*out, tok]}.values(), key=lambda t: t.i)


def _text(toks: Sequence[Token]) -> str:
    doc = toks[0].doc
    return doc[toks[0].i:toks[-1].i + 1].text


def _name(span: Span) -> tuple[str, int]:
    """Entity text without a leading article ("the Interior Ministry" -> "Interior Ministry")."""
    toks = list(span)
    while len(toks) > 1 and toks[0].lower_ in {"the", "a", "an"}:
        toks = toks[1:]
    return doc_text(span.doc)[toks[0].idx:span.end_char], toks[0].idx


def _org_name(span: Span) -> tuple[str, int]:
    """An organization with its named possessor ("Russia's Defence Ministry"); a common-noun
    possessor ("the country's Defense Ministry") is dropped as uninformative."""
    name, start = _name(span)
    poss = next((c for c in span.root.children if c.dep_ == "poss" and c.i < span.start), None)
    if poss is not None and poss.pos_ == "PROPN" and poss.ent_type_ in {"GPE", "ORG", "NORP"}:
        start = poss.left_edge.idx if poss.left_edge.pos_ == "PROPN" else poss.idx
        return doc_text(span.doc)[start:span.end_char], start
    return name, start


def _recent_person(doc: Doc, before: int) -> Span | None:
    people = [e for e in doc_ents(doc) if e.label_ == "PERSON" and e.end_char <= before]
    return people[-1] if people else None


def _resolve_definite(doc: Doc, head: Token) -> Span | None:
    """"the ministry" -> the most recent earlier name ending in the same head word;
    "the minister" -> the most recent person introduced with that title ("Defense Minister X")."""
    lemma = head.lemma_.lower()
    best: Span | None = None
    for ent in doc_ents(doc):
        if ent.end_char > head.idx:
            break
        if ent.label_ in {"ORG", "GPE", "NORP", "FAC", "PERSON"} and ent[-1].lemma_.lower() == lemma:
            best = ent
        elif ent.label_ == "PERSON":
            context = doc[max(ent.sent.start, ent.start - 6):ent.start]
            if any(t.lemma_.lower() == lemma or t.lower_ == head.lower_ for t in context):
                best = ent
    # a bare "the ministry" stands for the last organization named; "the interior ministry"
    # names its own institution and must not be bound to an unrelated earlier one
    modified = any(c.dep_ in {"amod", "compound"} for c in head.children)
    if best is None and lemma in _GENERIC_ORGS and not modified:
        orgs = [e for e in doc_ents(doc) if e.label_ == "ORG" and e.end_char <= head.idx]
        best = orgs[-1] if orgs else None
    return best


def _entries(doc: Doc, tok: Token, publisher: str | None) -> list[Attribution]:
    """Attribution entries for the phrase headed by ``tok`` (source and/or speaker)."""
    out: list[Attribution] = []
    if tok.lower_ in _PRONOUNS:
        person = _recent_person(doc, tok.idx)
        return [Attribution(person.text, "speaker", person.start_char, person.end_char)] if person else []
    if tok.lower_ == "it" and tok.dep_ in {"nsubj", "pobj"}:  # "It added that ..." -> the last organization
        orgs = [e for e in doc_ents(doc) if e.label_ == "ORG" and e.end_char <= tok.idx]
        return _drop_publisher([Attribution(_org_name(orgs[-1])[0], "source", tok.idx, tok.idx + 2)],
                               publisher) if orgs else []
    if tok.pos_ == "PRON":
        return []
    # "Fiat's announcement", "a statement from the ministry": the author of the document
    if tok.lemma_.lower() in _DOC_NOUNS:
        author = _child(tok, {"poss"})
        if author is None:
            prep = next((c for c in tok.children
                         if c.dep_ == "prep" and c.lower_ in {"from", "by", "of"}), None)
            author = _child(prep, {"pobj"}) if prep is not None else None
        if author is not None:
            return _entries(doc, author, publisher)
    # "a source in the country's Defense Ministry": name the institution
    if tok.lemma_.lower() in _SOURCE_NOUNS and tok.ent_type_ != "PERSON":
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in {"in", "at", "from", "of", "within", "with"}:
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return _entries(doc, obj, publisher)
    sub = list(tok.subtree)
    # organizations inside the phrase (not its possessor: "Armenia's defence ministry" is one source)
    orgs = [e for e in doc_ents(doc) if e.label_ == "ORG" and e.start >= sub[0].i
            and e.end <= sub[-1].i + 1 and not (e.start <= tok.i < e.end)
            and not (e.root.dep_ == "poss" and e.root.head.i == tok.i)]
    person_ent = next((e for e in doc_ents(doc) if e.label_ == "PERSON" and e.start <= tok.i < e.end), None)
    if person_ent is None:
        person_ent = next((e for e in doc_ents(doc) if e.label_ == "PERSON" and sub[0].i <= e.start
                           and e.end <= sub[-1].i + 1 and any(t.dep_ in {"appos", "compound"} for t in e)),
                          None)
    for org in orgs:
        name, start = _org_name(org)
        out.append(Attribution(name, "source", start, org.end_char))
    if person_ent is not None:
        out.append(Attribution(person_ent.text, "speaker", person_ent.start_char, person_ent.end_char))
        return _drop_publisher(out, publisher)
    if orgs and tok.lemma_.lower() in _SOURCE_NOUNS:
        return _drop_publisher(out, publisher)
    own_org = next((e for e in doc_ents(doc) if e.label_ == "ORG" and e.start <= tok.i < e.end), None)
    if own_org is not None:
        name, start = _org_name(own_org)
        return _drop_publisher([*out, Attribution(name, "source", start, own_org.end_char)], publisher)
    toks = _np(tok)
    has_det = any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in tok.children)
    if has_det and not any(t.pos_ == "PROPN" for t in toks):
        named = _resolve_definite(doc, tok)
        if named is not None:
            kind = "speaker" if named.label_ == "PERSON" else "source"
            out.append(Attribution(_name(named)[0], kind, tok.idx, tok.idx + len(tok.text)))
            return _drop_publisher(out, publisher)
    if tok.lemma_.lower() in _SOURCE_NOUNS and not any(t.pos_ == "PROPN" for t in toks):
        # "a ministry source": the institution word, resolved if it was named before
        inst = [t for t in toks if t.i != tok.i and t.pos_ == "NOUN"]
        if inst:
            named = _resolve_definite(doc, inst[-1])
            if named is not None:
                out.append(Attribution(_name(named)[0], "source", inst[-1].idx,
                                       inst[-1].idx + len(inst[-1].text)))
                return _drop_publisher(out, publisher)
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    out.append(Attribution(doc_text(doc)[start:end], "source", start, end))
    return _drop_publisher(out, publisher)


def _drop_publisher(entries: list[Attribution], publisher: str | None) -> list[Attribution]:
    """The publisher is already outermost: "Trend reports" adds no cited source."""
    if not publisher:
        return entries
    pub = publisher.lower()
    return [e for e in entries if e.name.lower() != pub and not pub.startswith(e.name.lower() + " ")]


def _source_like(cited: Token, verb: Token) -> bool:
    """"referring to a source", "citing the ministry" -- not "referring to the base price"."""
    if verb.head.lemma_.lower() in _SPEECH | _SPEECH_CLAUSAL | {"report"}:
        return True
    lemma = cited.lemma_.lower()
    return (lemma in _SOURCE_NOUNS or lemma in _DOC_NOUNS or lemma in _GENERIC_ORGS or lemma in _INFORMANTS
            or cited.ent_type_ in {"ORG", "PERSON", "NORP", "GPE"} or cited.lower_ in _PRONOUNS)


def _child(tok: Token, deps: set[str]) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _cues(doc: Doc, sent: Span, publisher: str | None) -> list[_Cue]:
    out: list[_Cue] = []
    for tok in sent:
        low, lemma = tok.lower_, tok.lemma_.lower()
        span = (tok.idx, tok.idx + len(tok.text))
        # "according to X"
        if low == "according" and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            obj = _child(to, {"pobj"}) or next((t for t in doc[to.i + 1:sent.end] if t.pos_ in {
                "NOUN", "PROPN", "PRON"}), None)
            if obj is not None:
                out.append(_Cue(_entries(doc, obj, publisher), (tok.idx, to.idx + 2), True))
            continue
        # "X reports referring to Y", "citing Y", "quoting Y"
        if lemma in {"refer", "cite", "quote"} and tok.pos_ == "VERB":
            cited = _child(tok, {"dobj"})
            if cited is None:
                prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "to"), None)
                cited = _child(prep, {"pobj"}) if prep is not None else None
            if cited is not None and _source_like(cited, tok):
                out.append(_Cue(_entries(doc, cited, publisher), span, True))
            continue
        if lemma == "report" and tok.pos_ in {"NOUN", "PROPN", "VERB"}:
            reporter = _child(tok, {"nsubj"}) if tok.pos_ == "VERB" else None
            if reporter is None and tok.pos_ != "VERB":
                reporter = next((c for c in tok.lefts
                                 if c.dep_ in {"compound", "poss"} and c.pos_ == "PROPN"), None)
            if reporter is not None:
                out.append(_Cue(_entries(doc, reporter, publisher), span, True))
            continue
        if tok.pos_ not in {"VERB", "AUX"}:
            continue
        clausal = any(c.dep_ in {"ccomp", "parataxis"} for c in tok.children) or tok.dep_ == "parataxis"
        if lemma in _SPEECH or (lemma in _SPEECH_CLAUSAL and clausal):
            subj = _child(tok, {"nsubj"})
            if subj is None:
                agent = _child(tok, {"agent"})
                subj = _child(agent, {"pobj"}) if agent is not None else None
            if subj is not None:
                out.append(_Cue(_entries(doc, subj, publisher), span, False))
    return out


def source_spans(sent: Span) -> list[tuple[int, int]]:
    """Character spans of the sources a sentence cites: the subject of its speech verbs ("officials
    in Bishkek said", "Tajikistan's border agency said") and the object of "according to". A place
    named there says where the source is, not where the event happened."""
    out: list[tuple[int, int]] = []
    for tok in sent:
        holder: Token | None = None
        if tok.lower_ == "according" and tok.i + 1 < sent.end and sent.doc[tok.i + 1].lower_ == "to":
            holder = _child(sent.doc[tok.i + 1], {"pobj"})
        elif tok.pos_ in {"VERB", "AUX"}:
            lemma = tok.lemma_.lower()
            clausal = any(c.dep_ in {"ccomp", "parataxis"} for c in tok.children) or tok.dep_ == "parataxis"
            if lemma in _SPEECH or (lemma in _SPEECH_CLAUSAL and clausal):
                holder = _child(tok, {"nsubj"})
        if holder is not None:
            out.append((holder.left_edge.idx, holder.right_edge.idx + len(holder.right_edge)))
    return out


def _absolute_date(doc: Doc, start: int, end: int) -> bool:
    """A calendar-anchored DATE (a month name or a year) inside the character range."""
    for ent in doc_ents(doc):
        if ent.start_char >= end:
            break
        if ent.start_char < start or ent.label_ != "DATE":
            continue
        words = [t.lower_.rstrip(".") for t in ent]
        if any(w in _MONTHS for w in words) or any(re.fullmatch(r"(1[5-9]|20)\d\d(s)?", w) for w in words):
            return True
    return False


_Entry = tuple[Attribution, tuple[int, int]]


def _dedupe(entries: Sequence[_Entry]) -> list[_Entry]:
    seen: set[str] = set()
    out = []
    for entry, cue in entries:
        key = entry.name.lower()
        if key not in seen:
            seen.add(key)
            out.append((entry, cue))
    return out


_QUOTE = re.compile(r'[“"]([^“”"\n]{2,3000}?)[”"]')


def _quote_speakers(doc: Doc, sents: list[Span], all_cues: list[list[_Cue]]) -> list[list[_Cue]]:
    """A quotation running over several sentences belongs to the speaker named next to it.

    '"The road is closed. We will reopen it soon," the mayor said.' -- the cue sits in the
    last sentence only; every sentence the quotation overlaps gets it.
    """
    starts = [s.start_char for s in sents]
    extra: list[list[_Cue]] = [[] for _ in sents]
    for match in _QUOTE.finditer(doc_text(doc)):
        q_start, q_end = match.span()
        first = bisect.bisect_right(starts, q_start) - 1
        last = bisect.bisect_right(starts, q_end - 1) - 1
        if first < 0 or first == last:
            continue
        speech = [c for i in (first, last) for c in all_cues[i]
                  if not c.frame and not (q_start <= c.span[0] < q_end)]
        if not speech:
            continue
        for i in range(first, last + 1):
            extra[i].extend(c for c in speech if c not in all_cues[i])
    return extra


def document_attribution(doc: Doc, article: Article) -> AttributionIndex:
    """Attribution chains for every sentence of a document (computed once; see module docstring)."""
    publisher = None
    if article.publisher:
        span = article.publisher_span
        publisher = Attribution(article.publisher, "publisher", span[0] if span else None,
                                span[1] if span else None)
    sents = list(doc.sents)
    para_starts = _paragraph_starts(doc_text(doc))
    para_of = [bisect.bisect_right(para_starts, s.start_char) - 1 for s in sents]
    carried: list[_Entry] = []
    carries_over = False  # whether ``carried`` may continue into the next paragraph
    frames: list[tuple[Attribution, ...]] = []
    cues: list[tuple[tuple[int, int], ...]] = []
    all_cues = [_cues(doc, sent, article.publisher) for sent in sents]
    quoted = _quote_speakers(doc, sents, all_cues)
    for idx in range(len(sents)):
        para = para_of[idx]
        first_in_para = idx == 0 or para_of[idx - 1] != para
        if first_in_para and carried:
            p_start = para_starts[para]
            p_end = para_starts[para + 1] if para + 1 < len(para_starts) else len(doc_text(doc))
            if not carries_over or _absolute_date(doc, p_start, p_end):
                carried = []
        sent_cues = all_cues[idx] + quoted[idx]
        new_frames = [c for c in sent_cues if c.frame and c.entries]
        if new_frames:
            carried = _dedupe([(e, c.span) for c in new_frames for e in c.entries])
            # a frame opening its paragraph (or the lead) frames what follows; one set mid-paragraph
            # covers the rest of its paragraph only
            carries_over = first_in_para or para == para_of[0]
        own = [(e, c.span) for c in sent_cues if not c.frame for e in c.entries]
        # a sentence that names its own speaker ("..., the presidency said") is that speaker's
        # claim, not the carried frame's; a frame set in this very sentence still applies
        inherited = carried if not own or new_frames else []
        chain = _dedupe([*inherited, *own])
        chain.sort(key=lambda ec: 0 if ec[0].kind == "source" else 1)
        frames.append(tuple(e for e, _ in chain))
        cues.append(tuple(c for _, c in chain))
    return AttributionIndex(publisher, tuple(s.start_char for s in sents), tuple(frames), tuple(cues))


def attribution_for(index: AttributionIndex, doc: Doc, trigger_start: int,
                    trigger_end: int) -> tuple[Attribution, ...]:
    """The chain for an event: publisher, then the sources/speakers of the trigger's sentence.

    A cue never attributes its own reporting act: for a trigger that overlaps the cue
    phrase ("the ministry said", "Armenia denied") the chain stops at what frames it.
    """
    head = (index.publisher,) if index.publisher is not None else ()
    if not index.sentence_starts:
        return head
    idx = max(0, bisect.bisect_right(index.sentence_starts, trigger_start) - 1)
    kept = tuple(e for e, (cs, ce) in zip(index.frames[idx], index.cues[idx], strict=True)
                 if not (cs < trigger_end and trigger_start < ce)
                 and not (e.start is not None and e.end is not None and e.start < trigger_end
                          and trigger_start < e.end))
    return head + kept


def _trigger(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return None if span is None or len(span) == 0 else span.root


def _governor(tok: Token) -> Token:
    """The verb whose auxiliaries and complements say how ``tok`` is claimed.

    Conjoined verbs share the first conjunct's ("will visit and sign"); a noun trigger takes
    the verb it is subject or object of ("no ceasefire was agreed").
    """
    node = tok
    while node.dep_ == "conj" and node.head.i != node.i and node.head.pos_ in {"VERB", "AUX", node.pos_}:
        node = node.head
    if node.pos_ in {"NOUN", "PROPN"} and node.dep_ in {"nsubj", "nsubjpass", "dobj"} and \
            node.head.pos_ in {"VERB", "AUX"}:
        return node.head
    return node


def _aux_words(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"}}


def _statement(verb: Token, cited: bool) -> str:
    """reported (a cited source, or the complement of a speech verb) or asserted."""
    if cited:
        return "reported"
    node = verb
    for _ in range(4):
        if node.dep_ in {"ccomp", "parataxis"} and node.head.lemma_.lower() in _SPEECH | _SPEECH_CLAUSAL:
            return "reported"
        if node.head.i == node.i:
            break
        node = node.head
    return "asserted"


def statement_modality(doc: Doc, trigger_start: int, trigger_end: int,
                       attribution: Sequence[Attribution]) -> str:
    """How a statement is claimed (reported or asserted), whatever its content's tense or polarity:
    for events that are statements of intention or refusal ("will not accept" is a REJECT that
    happened)."""
    tok = _trigger(doc, trigger_start, trigger_end)
    cited = any(a.kind in {"source", "speaker"} for a in attribution)
    return _statement(_governor(tok), cited) if tok is not None else "reported" if cited else "asserted"


def is_denial(doc: Doc, trigger_start: int, trigger_end: int) -> bool:
    """The act is the content of a denial ("denied that its jets had bombed", "denied attacking"):
    a claim about a specific occurrence, which a source disputes."""
    tok = _trigger(doc, trigger_start, trigger_end)
    if tok is None:
        return False
    verb = _governor(tok)
    return verb.dep_ in {"ccomp", "xcomp"} and verb.head.lemma_.lower() in _DENY


# Generic and habitual mentions: no specific occurrence.
_HABITUAL = {"usually", "often", "frequently", "regularly", "routinely", "typically", "generally", "always",
             "sometimes", "rarely", "seldom", "commonly", "occasionally", "normally", "traditionally",
             "habitually", "customarily", "repeatedly", "constantly", "continually", "periodically"}
# "for years", "for months", "over the past two years", "in recent years": a span over which a
# thing recurs or holds, not the time of one occurrence
_SPAN_UNITS = {"year", "decade", "month"}
_SPAN_PREPS = {"for", "over", "in"}
# "a rise in attacks", "an increase in arrests": a trend over many occurrences
_TREND_NOUNS = {"rise", "increase", "surge", "spike", "drop", "decline", "fall", "upsurge", "uptick", "jump",
                "wave", "spate"}
_HABIT_VERBS = {"use", "tend"}  # "used to raid", "tend to strike"
_EVERY = {"every", "each"}
_GENERIC_PRED = {"common", "rare", "frequent", "widespread", "routine", "commonplace", "unusual", "uncommon",
                 "typical", "rife", "endemic", "prevalent", "usual", "normal", "familiar", "illegal", "legal",
                 "banned", "forbidden", "prohibited", "punishable", "permitted", "allowed"}
_TREND_VERBS = {"increase", "rise", "decline", "surge", "double", "triple", "drop", "become", "decrease",
                "soar", "spike"}
_GENERIC_DETS = {"any", "such", "every"}
# "the risk of attacks", "fear of reprisals": the noun names a possibility
_MODAL_NOUNS = {"risk", "threat", "fear", "danger", "possibility", "prospect", "spectre", "specter",
                "likelihood", "chance", "potential", "rumour", "rumor", "hope", "idea"}
# "the number of attacks", "the rate of arrests": a statistic over many occurrences
_STAT_NOUNS = {"number", "rate", "level", "frequency", "incidence", "count", "tally", "statistic",
               "statistics", "trend", "history", "culture", "cycle", "record", "share", "proportion",
               "percentage"}


_PART_NOUNS = {"involvement", "role", "part", "participation", "complicity", "responsibility", "experience",
               "expertise", "training"}


# what is prevented, foiled or averted did not happen ("police prevented the march", "troops foiled
# an attack"; but "an attempt to kill him was foiled" tells the attempt)
_PREVENT = {"prevent", "foil", "thwart", "avert", "forestall", "preempt", "pre-empt"}
# "on the eve of a visit", "ahead of the summit", "in the run-up to the talks": still to come
_UPCOMING = {"eve", "run-up", "runup", "ahead", "preparation", "anticipation", "prelude"}


def _prevented(tok: Token, verb: Token) -> bool:
    node = verb if verb.i != tok.i else tok
    if node.dep_ in {"dobj", "nsubjpass"} and node.head.lemma_.lower() in _PREVENT:
        return True
    if tok.dep_ in {"dobj", "nsubjpass"} and tok.head.lemma_.lower() in _PREVENT:
        return True
    # "prevented the protesters from marching"
    return tok.dep_ == "pcomp" and tok.head.lower_ == "from" and tok.head.head.lemma_.lower() in _PREVENT


def _upcoming(tok: Token) -> bool:
    if tok.dep_ != "pobj":
        return False
    prep = tok.head
    owner = prep.head
    return (prep.lower_ in {"of", "to", "for"} and owner.lemma_.lower() in _UPCOMING) or (
        prep.lower_ == "of" and owner.lower_ == "ahead")


def _span(prep: Token) -> bool:
    """"for years", "over the past two years", "in recent months" (but not "for two years": a
    duration of one occurrence, nor "in 2021")."""
    if prep.dep_ != "prep" or prep.lower_ not in _SPAN_PREPS:
        return False
    for obj in prep.children:
        if obj.dep_ != "pobj" or obj.tag_ != "NNS" or obj.lemma_.lower() not in _SPAN_UNITS:
            continue
        mods = {c.lower_ for c in obj.children}
        if prep.lower_ == "for":
            return not any(c.dep_ in {"nummod", "det"} for c in obj.children)
        return bool(mods & {"past", "last", "recent"})
    return False


def _standing(verb: Token) -> bool:
    """A relative clause in the simple present states a standing position or property of its head
    ("Rwanda, which Kinshasa accuses of backing the rebels", "a charge she denies", "Lithuania,
    which hosts many exiles"), not an occurrence."""
    return verb.dep_ == "relcl" and verb.tag_ in {"VBZ", "VBP"} and not any(
        c.dep_ in {"aux", "auxpass"} for c in verb.children)


def _habitual(verb: Token) -> bool:
    if _standing(verb) or (verb.dep_ in {"xcomp", "ccomp"} and _standing(verb.head)):
        return True  # (and "an order, which lets officers order groups to leave")
    for c in verb.children:
        if c.dep_ == "advmod" and c.lower_ in _HABITUAL:
            return True
        if _span(c):
            return True  # "residents complained for months", "had opposed it for years"
        # "every week", "each year", "on Fridays"
        if c.dep_ == "npadvmod" and any(g.dep_ == "det" and g.lower_ in _EVERY for g in c.children):
            return True
        if c.dep_ == "prep" and c.lower_ == "on" and any(
                g.dep_ == "pobj" and g.tag_ == "NNPS" and g.lower_.endswith("days") for g in c.children):
            return True
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_.lower() in _HABIT_VERBS and head.tag_ != "VBN" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _generic_noun(tok: Token) -> str | None:
    """generic or hypothetical for a noun trigger that names a kind, a statistic or a possibility."""
    if any(c.dep_ == "det" and c.lower_ in _GENERIC_DETS for c in tok.children):
        return "generic"  # "any attack on the embassy", "such attacks", "in every police shooting"
    if tok.dep_ == "pobj" and tok.head.lower_ == "of":
        owner = tok.head.head
        lemma = owner.lemma_.lower()
        if lemma in _MODAL_NOUNS:
            return "hypothetical"
        if lemma in _STAT_NOUNS and not (lemma == "number" and any(
                c.dep_ == "det" and c.lower_ in {"a", "an"} for c in owner.children)):
            return "generic"  # "the number of attacks" (but "a number of attacks" counts real ones)
    if tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.lemma_.lower() in _TREND_NOUNS:
        return "generic"  # "a rise in attacks on police"
    bare_plural = tok.tag_ == "NNS" and not any(c.dep_ in {"det", "poss", "nummod"} for c in tok.children)
    if bare_plural and any(c.dep_ == "amod" and c.lower_ == "similar" for c in tok.children):
        return "generic"  # "have held similar protests", "similar attacks have occurred"
    if bare_plural:
        # "Abductions have plagued the region for years", "deaths in demonstrations over the past
        # two years": occurrences summed over a span
        node = tok
        for _ in range(4):
            if node.head.i == node.i:
                break
            node = node.head
            if node.pos_ in {"VERB", "AUX"}:
                if any(_span(c) for c in node.children):
                    return "generic"
                break
    if bare_plural and tok.dep_ in {"nsubj", "nsubjpass"}:
        head = tok.head
        # "Attacks on journalists are common", "Protests have become routine", "Arrests rose"
        preds = {c.lemma_.lower() for c in head.children if c.dep_ in {"acomp", "attr", "oprd"}}
        if preds & _GENERIC_PRED or head.lemma_.lower() in _TREND_VERBS:
            return "generic"
    return None


# verbs whose object exists whatever becomes of the verb ("to end the fighting", "could not stop the
# clashes", "will investigate the killing"): the object's modality is its own
_PRESUPPOSE = {"end", "stop", "halt", "resolve", "settle", "defuse", "quell", "contain", "calm", "ease",
               "de-escalate", "investigate", "probe", "condemn", "denounce", "protest", "mourn", "survive",
               "escape", "flee", "witness", "recall", "remember", "blame", "criticize", "criticise",
               "commemorate"}
# "an attempt to storm the building", "a bid to kill him": an attempted act is an act
_ATTEMPT = {"attempt", "bid", "try"}
# a temporal or conditional clause in the present tense speaks of what has not happened yet
# ("until their demands are met", "before they demobilize", "once the talks resume")
_PENDING_MARKS = {"until", "till", "before", "once", "unless", "if", "when"}
_PRESENT = {"VBP", "VBZ"}
# verbs whose object is an act still to come
_PROMISED = {"promise", "pledge", "vow", "plan", "propose", "seek", "want", "consider", "envisage"}
_CONDITION_MARKS = {"until", "till", "unless", "if"}
_TEMPORAL_MARKS = {"after", "before", "when", "while", "as", "since", "because", "once"}


def _planned_chain(verb: Token) -> bool:
    """"prepared to resume shelling": an act under a chain of to-complements whose top is a plan."""
    node = verb
    for _ in range(3):
        if node.dep_ != "xcomp" or node.head.i == node.i:
            return False
        head = node.head
        if head.lemma_.lower() in _PLAN and head.i != verb.head.i and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            return True
        node = head
    return False


_AIM = {"aim", "target"}


def _aimed(verb: Token) -> bool:
    """"talks aimed at ending the war", "so that marriages are banned": an aim, not an act."""
    if verb.dep_ == "pcomp" and verb.head.lower_ == "at" and verb.head.head.lemma_.lower() in _AIM:
        return True
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    return verb.dep_ == "advcl" and ("so" in marks or "order" in marks) and "as" not in marks


def _pending(verb: Token) -> bool:
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    if verb.dep_ != "advcl" or not marks & _PENDING_MARKS:
        return False
    tags = {verb.tag_} | {c.tag_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}
    if not tags & _PRESENT or tags & {"VBD"}:
        return False
    if marks & _CONDITION_MARKS:
        # a condition or limit in the present is still to come, whatever the main clause's tense
        # ("threatened to stay until the bill is withdrawn", "opposed it until their demands are met")
        return True
    # a present tense under a past main clause is a headline's ("Three killed when gunmen attack bus")
    head = verb.head
    return not (head.tag_ in {"VBD", "VBN"} and not _aux_words(head) & {"will", "would", "shall", "'ll"})


def modality_for(doc: Doc, trigger_start: int, trigger_end: int,
                 attribution: Sequence[Attribution], *, aim_is_act: bool = False) -> str:
    """negated > generic > hypothetical > ordered > planned > reported > asserted, from syntax and
    sources (docs/FORMAT.md, "What is an event"). ``aim_is_act``: an act stated as the purpose of
    another is that act's meaning, not a mere aim ("stayed home to protest" is the protest)."""
    tok = _trigger(doc, trigger_start, trigger_end)
    cited = any(a.kind in {"source", "speaker"} for a in attribution)
    if tok is None:
        return "reported" if cited else "asserted"
    verb = _governor(tok)
    if verb.i != tok.i and verb.lemma_.lower() in _PRESUPPOSE:
        verb = tok  # "efforts to end the fighting", "failed to stop the clashes": the fighting is real
    nodes = [tok] if verb.i == tok.i else [tok, verb]
    for node in nodes:
        words = _aux_words(node)
        if words & _NEG_WORDS or any(c.dep_ == "det" and c.lower_ == "no" for c in node.children):
            return "negated"
    subj = _child(verb, {"nsubj", "nsubjpass"})
    if subj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
        return "negated"  # "No agreement was reached"
    if verb.dep_ in {"ccomp", "xcomp"} and verb.head.lemma_.lower() in _DENY:
        return "negated"
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in {"fail", "refuse"}:
        return "negated"
    if _habitual(verb) or (tok.pos_ == "VERB" and tok.i != verb.i and _habitual(tok)):
        return "generic"  # its own clause's habit too ("..., and activists have gathered every Tuesday")
    part_of = tok.head.head.lemma_.lower() in _PART_NOUNS
    if tok.dep_ in {"pobj", "pcomp"} and tok.head.lower_ == "in" and part_of \
            and not any(c.dep_ in {"det", "poss", "nsubj"} for c in tok.children):
        return "generic"  # "its involvement in killing" (but "his role in the killing" is one)
    if tok.pos_ in {"NOUN", "PROPN"} and (kind := _generic_noun(tok)) is not None:
        return kind
    if _prevented(tok, verb):
        return "negated"
    if _upcoming(tok):
        return "planned"
    if tok.pos_ == "NOUN" and tok.dep_ == "dobj" and tok.head.lemma_.lower() in _PROMISED:
        return "planned"  # "promised more patrols", "plans new sanctions": not yet done
    if _aux_words(verb) & _HYPO_AUX or (verb.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in verb.children)) or _pending(verb):
        return "hypothetical"
    if verb.dep_ in {"xcomp", "ccomp"} and verb.head.lemma_.lower() in _THREAT:
        return "hypothetical"
    if verb.pos_ == "VERB" and verb.lemma_.lower() in _ORDER_VERBS_ALONE:
        return "ordered"
    head = verb.head
    to_inf = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    temporal = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS
                                           for c in verb.children)
    if verb.dep_ in {"xcomp", "ccomp", "advcl", "oprd"} and head.lemma_.lower() in _ORDER and \
            (verb.dep_ != "ccomp" or head.lemma_.lower() != "tell" or to_inf) and not temporal:
        # (but "officers were called to the hotel after a man was punched" orders no punching)
        return "ordered"
    words = _aux_words(verb)
    if words & {"will", "shall", "'ll"} or (verb.dep_ == "xcomp" and head.lemma_.lower() in _PLAN | {
            "go", "be"} and to_inf) or _planned_chain(verb):
        return "planned"
    if not aim_is_act and _aimed(verb):
        return "hypothetical"
    if to_inf and verb.pos_ == "VERB" and not aim_is_act and (
            (verb.dep_ == "advcl" and head.lemma_.lower() not in _COERCE_VERBS)
            or (verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"}
                and head.lemma_.lower() not in _ATTEMPT)):
        # the aim of another act ("fired tear gas to disperse the crowd", "an attempt to storm the
        # building") has not happened as such
        return "hypothetical"
    return _statement(verb, cited)
