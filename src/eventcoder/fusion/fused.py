"""A cluster of reports as one ``FusedEvent``: what they all allow, and where they disagree.

- **id**: ``fe-`` + sha256 of the cluster's first report (earliest publication date, then
  document id, then position in the document). Reports that join later leave it unchanged; it
  moves only when a report that sorts before every member joins (an earlier article coded
  later), or the first report leaves (its article re-coded without it). The same reports always
  give the same id.
- **date**: the intersection of the members' windows (an undated report bounds it by its
  publication date); no value when no member dates the event.
- **location**: the most precise member place (places of a cluster are consistent by
  construction); ties go to the place most claimants name.
- **actor/recipient**: the orientation most documents give; reports naming the sides the other
  way round are ``swapped`` and make the actor ``disputed``.
- **fatalities/injured**: low = the smallest figure, high = the largest, best = the lower median
  of each claimant's latest figure (always a figure some source gave).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from statistics import median_low
from typing import Any

from ..records import (
    Claim,
    Conflict,
    Counts,
    FusedDate,
    FusedEvent,
    FusedParty,
    FusedPlace,
    FusedReport,
    Sources,
)
from .cluster import Cluster
from .reports import Party, Prepared, Report, merge_parties

__all__ = ["fused_event", "fused_id"]

_MODALITY_ORDER = ("asserted", "reported", "negated", "ordered", "planned", "hypothetical")
_JOINT = {"CONSULT", "AGREE", "COOPERATE"}


def fused_id(first_event_id: str) -> str:
    return "fe-" + hashlib.sha256(f"fused\x1f{first_event_id}".encode()).hexdigest()[:20]


def _order(r: Report) -> tuple[str, str, int, str]:
    return (r.published or "9999-12-31", r.doc_id, r.trigger_start or 0, r.event_id)


def _party_label(p: Party | None) -> str | None:
    if p is None:
        return None
    return p.name or " ".join(x for x in (p.country, p.sector) if x) or None


def _fused_party(parties: Sequence[Party | None], disputed: bool) -> FusedParty | None:
    p = merge_parties(parties)
    return None if p is None else FusedParty(p.name, p.country, p.sector, p.title, disputed)


def _day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _named_period(lo: int, hi: int) -> tuple[str, str]:
    a, b = dt.date.fromordinal(lo), dt.date.fromordinal(hi)
    if lo == hi:
        return a.isoformat(), "day"
    if a.day == 1 and (b + dt.timedelta(days=1)).day == 1 and (a.year, a.month) == (b.year, b.month):
        return f"{a.year:04d}-{a.month:02d}", "month"
    if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
        return f"{a.year:04d}", "year"
    return f"{a.isoformat()}/{b.isoformat()}", "range"


def _date(members: Sequence[Prepared]) -> FusedDate:
    windows = [(p.first, p.last) for p in members if p.first is not None and p.last is not None]
    if not windows:
        return FusedDate(None, None, None, None)
    lo, hi = max(w[0] for w in windows), min(w[1] for w in windows)
    explicit = [(p.first, p.last) for p in members
                if p.explicit and p.first is not None and p.last is not None]
    if lo > hi:  # reports days apart (options.days > 0): the days they span
        spans = explicit or windows
        lo, hi = min(w[0] for w in spans), max(w[1] for w in spans)
    if not explicit:  # no report dates it: only the bounds its publication dates give
        return FusedDate(None, None, _day(lo), _day(hi))
    value, precision = _named_period(lo, hi)
    return FusedDate(value, precision, _day(lo), _day(hi))


def _location(members: Sequence[Prepared]) -> FusedPlace | None:
    located = [p for p in members if p.loc is not None]
    if not located:
        return None
    finest = min(p.level or 0 for p in located)
    best = [p for p in located if (p.level or 0) == finest]
    claims: Counter[tuple[Any, ...]] = Counter()
    for p in best:
        assert p.loc is not None
        claims[(p.loc.geonameid, p.loc.name)] += 1
    top = min(claims, key=lambda k: (-claims[k], str(k[1]), k[0] or 0))
    chosen = min((p for p in best if (p.loc.geonameid, p.loc.name) == top),  # type: ignore[union-attr]
                 key=lambda p: _order(p.report))
    loc = chosen.loc
    assert loc is not None
    return FusedPlace(loc.name, loc.geonameid, loc.country, loc.admin1, loc.admin1_code, loc.lat, loc.lon,
                      loc.precision, chosen.report.event_id)


def _figure(c: tuple[Any, Any, Any] | None) -> Any:
    if c is None:
        return None
    low, best, high = c
    return best if best is not None else low if low is not None else high


def _counts(reports: Sequence[Report], get: Callable[[Report], tuple[Any, Any, Any] | None]) -> Counts | None:
    given = [(r, c) for r in reports if (c := get(r)) is not None and _figure(c) is not None]
    if not given:
        return None
    lows = [c[0] if c[0] is not None else _figure(c) for _, c in given]
    highs = [c[2] if c[2] is not None else _figure(c) for _, c in given]
    latest: dict[str, tuple[tuple[str, str, int, str], Any]] = {}
    for r, c in given:
        key = _order(r)
        if r.claimant not in latest or key > latest[r.claimant][0]:
            latest[r.claimant] = (key, _figure(c))
    best = median_low(sorted(v for _, v in latest.values()))
    return Counts(low=min(lows), best=best, high=max(highs))


def _claims(reports: Sequence[Report], value: Callable[[Report], Any]) -> tuple[Claim, ...]:
    groups: dict[Any, list[Report]] = defaultdict(list)
    for r in reports:
        v = value(r)
        if v is not None:
            groups[v].append(r)
    if len(groups) < 2:
        return ()  # no disagreement: no claims to list
    return tuple(
        Claim(v, tuple(dict.fromkeys(r.claimant for r in rs)), tuple(r.event_id for r in rs))
        for v, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
    )


def _conflict(field: str, claims: tuple[Claim, ...]) -> list[Conflict]:
    return [Conflict(field, claims)] if len(claims) > 1 else []


def _conflicts(reports: Sequence[Report], prepared: Sequence[Prepared], swapped: bool) -> list[Conflict]:
    out: list[Conflict] = []
    out += _conflict("fatalities", _claims(reports, lambda r: _figure(r.fatalities)))
    out += _conflict("injured", _claims(reports, lambda r: _figure(r.injured)))
    if swapped:
        out += _conflict("actor", _claims(reports, lambda r: _party_label(r.actor)))
        out += _conflict("recipient", _claims(reports, lambda r: _party_label(r.recipient)))
    out += _conflict("date", _claims([p.report for p in prepared if p.explicit and p.first == p.last],
                                     lambda r: r.date_value[:10] if r.date_value else None))
    out += _conflict("location", _claims([p.report for p in prepared if p.loc is not None and p.level == 0],
                                         lambda r: r.location.name if r.location else None))
    out += _conflict("modality", _claims(reports, lambda r: "negated" if r.modality == "negated"
                                         else "affirmed"))
    return out


def fused_event(cluster: Cluster) -> FusedEvent:
    members = sorted(cluster, key=lambda m: _order(m[0].report))
    reports = [p.report for p, _ in members]
    first = reports[0]
    # the orientation most documents give is the fused one (ties: the first report's); one
    # document tells one side's version, however many sources it quotes
    by_orientation: dict[int, set[str]] = {0: set(), 1: set()}
    for p, o in members:
        by_orientation[o].add(p.report.doc_id)
    flip = members[0][1] if len(by_orientation[0]) == len(by_orientation[1]) else int(
        len(by_orientation[1]) > len(by_orientation[0]))
    swapped = {p.report.event_id for p, o in members if o != flip}
    actors = [(r.recipient if r.event_id in swapped else r.actor) for r in reports]
    recipients = [(r.actor if r.event_id in swapped else r.recipient) for r in reports]
    # for a meeting, a deal or joint work, naming the sides the other way round disputes nothing
    disputed = bool(swapped) and first.type not in _JOINT and any(a is not None for a in actors + recipients)

    modes = Counter(r.mode for r in reports if r.mode)  # (the types of one family may differ)
    mode = min(modes, key=lambda m: (-modes[m], m)) if modes else None
    typed = next((r for r in reports if r.mode == mode), first)
    modalities = Counter(r.modality for r in reports)
    modality = min(modalities, key=lambda m: (-modalities[m], _MODALITY_ORDER.index(m)
                                               if m in _MODALITY_ORDER else 9))
    best_conf: dict[str, float] = {}
    for r in reports:
        best_conf[r.claimant] = max(best_conf.get(r.claimant, 0.0), r.confidence)
    miss = 1.0
    for c in best_conf.values():
        miss *= 1.0 - min(max(c, 0.0), 0.99)

    prepared = [p for p, _ in members]
    conflicts = _conflicts(reports, prepared, disputed) if len(reports) > 1 else []
    publishers = {(r.publisher or "").casefold() or f"[{r.doc_id}]" for r in reports}

    cited = {r.cited_source.casefold() for r in reports if r.cited_source}
    names = tuple(sorted({n for r in reports for n in (r.publisher, r.cited_source) if n}, key=str.casefold))
    types = Counter(r.type for r in reports)
    return FusedEvent(
        id=fused_id(first.event_id),
        type=first.type if types[first.type] == max(types.values()) else types.most_common(1)[0][0],
        mode=mode,
        cameo=typed.cameo,
        acled=typed.acled,
        actor=_fused_party(actors, disputed),
        recipient=_fused_party(recipients, disputed),
        date=_date(prepared),
        location=_location(prepared),
        documents=tuple(dict.fromkeys(r.doc_id for r in reports)),
        reports=tuple(
            FusedReport(
                event_id=r.event_id, doc_id=r.doc_id, publisher=r.publisher, published=r.published,
                cited_source=r.cited_source, attribution=r.attribution, modality=r.modality,
                orientation="swapped" if r.event_id in swapped else "as-fused", trigger=r.trigger,
                trigger_start=r.trigger_start, trigger_end=r.trigger_end, sentence=r.sentence,
                date=r.date_value, date_precision=r.date_precision, date_source=r.date_source,
                location=r.location.name if r.location else None,
                location_precision=r.location.precision if r.location else None,
                actor=_party_label(r.actor), recipient=_party_label(r.recipient),
                fatalities=_figure(r.fatalities), injured=_figure(r.injured), url=r.url,
            )
            for r in reports
        ),
        sources=Sources(documents=len({r.doc_id for r in reports}), publishers=len(publishers),
                        cited=len(cited), names=names),
        fatalities=_counts(reports, lambda r: r.fatalities),
        injured=_counts(reports, lambda r: r.injured),
        conflicts=tuple(conflicts),
        modality=modality,
        confidence=round(1.0 - miss, 3),
    )
