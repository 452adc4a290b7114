"""When two reports may tell one event, and how alike they are.

``compatible(x, y)`` is a pure function of the two reports and the options; fusion's clusters
are sets of pairwise compatible reports, so the same reports always give the same clusters,
whichever order, machine or store they come from.

Rules (docs/FORMAT.md, "Fused events"):

- same PLOVER type (the mode may differ: an "attack" and a "clash"; a ceasefire the sides agree
  to is reported as an agreement, AGREE, or as the ceasefire, RETREAT/ceasefire: one family), and
  both said to have happened (asserted, reported, denied) or both not (planned, ordered,
  hypothetical);
- for protests, the grievance: two reports that each name what was protested ("against fuel
  prices", "to demand unpaid wages") and share no word of it are two protests, unless both name
  the same specific group (students and students);
- date windows within ``days`` of each other at each date's precision; a report too vague in
  time (wider than ``max_span_days``) only joins reports naming the very same period;
- reports from different documents share a country (of the place or of a party): with nothing
  in common there is nothing to say they are one event;
- places consistent at their precision (see ``places_compatible``); a report placed only in a
  country (or nowhere) joins one placed in a town or province of it only when they also name a
  side alike or give the same toll (``_corroborated``);
- parties consistent: a known country, sector (within the groups of ``sectors_compatible``) or
  named person never conflicts. Another claimant
  may name the sides the other way round (a counter-accusation): that report is ``SWAP``, the
  same event with a disputed actor, when one side is named by both; within one claimant's
  report it would be a retaliation, a second event, so ``SWAP`` needs two claimants.

Within one document, fusion first joins the reports that tell one event (``cluster.units``); those
units are then matched across documents with the same function.
"""

from __future__ import annotations

import math

from ..store.rows import cc2_to_cc3
from .options import FusionOptions
from .reports import Party, Prepared, Unit

__all__ = ["SAME", "SWAP", "compatible", "parties_compatible", "places_compatible", "sectors_compatible",
           "similarity"]

Item = Prepared | Unit
SAME, SWAP = 1, 2  # orientation bits: the reports name the same actor, or each other's actor


# Sectors one side is reported under. State forces (ACLED's actor type 1: military, police, the
# government that commands them) are named "the army", "security forces", "government jets" by
# different outlets; non-state armed groups "militants", "insurgents", "gunmen". A generic
# civilian (CVL: "people", "protesters") may be any specific civilian group ("students",
# "nurses"), but two specific groups are two groups.
_SECTOR_GROUP = {"GOV": "state", "MIL": "state", "COP": "state", "SPY": "state",
                 "REB": "armed", "INS": "armed", "UAF": "armed"}
_CIVILIAN = {"EDU", "HLH", "MED", "LAB", "REF", "REL", "BUS", "AGR", "OPP", "ELI", "NGO"}


def sectors_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b or a == b:
        return True
    group = _SECTOR_GROUP.get(a)
    if group is not None and group == _SECTOR_GROUP.get(b):
        return True
    return (a == "CVL" and b in _CIVILIAN) or (b == "CVL" and a in _CIVILIAN)


def parties_compatible(a: Party | None, b: Party | None) -> bool:
    if a is None or b is None:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if not sectors_compatible(a.sector, b.sector):
        return False
    if a.kind == "person" and b.kind == "person" and a.name and b.name and a.name != b.name:
        # two named people: one may be the other's short form ("Hasanov", "Zakir Hasanov")
        sa, sb = set(a.name.lower().split()), set(b.name.lower().split())
        if not (sa <= sb or sb <= sa):
            return False
    return True


_KM_PER_DEGREE = 6371.0 * math.pi / 180  # along a meridian


def _within(x: Item, y: Item, limit: float) -> bool | None:
    """Whether the two places lie within ``limit`` km (haversine); None when one has no point.
    The latitude difference alone bounds the distance from below, which settles most far pairs
    without trigonometry."""
    a, b = x.loc, y.loc
    if a is None or b is None or a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    if abs(a.lat - b.lat) * _KM_PER_DEGREE > limit:
        return False
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h))) <= limit


def _same_name(x: Item, y: Item) -> bool:
    a, b = x.loc, y.loc
    return a is not None and b is not None and bool(a.name) and (a.name or "").casefold() == (
        b.name or "").casefold()


def places_compatible(x: Item, y: Item, options: FusionOptions) -> bool:
    """Two places may be one event's: the same unit, a town inside the unit the other names, or
    two towns (points) within ``town_km``. A country holds all its places; a region reaches
    ``region_km``; places in two countries only for a cross-border event of those countries."""
    a, b = x.loc, y.loc
    if a is None or b is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    lx, ly = x.level, y.level
    assert lx is not None and ly is not None
    if a.country and b.country and a.country != b.country:
        ca, cb = cc2_to_cc3(a.country), cc2_to_cc3(b.country)
        if not ((ca is not None and ca in y.parties) or (cb is not None and cb in x.parties)):
            return False
        if max(lx, ly) >= 3:  # a region or a country on the other side of a border the parties share
            return True
        return _within(x, y, options.border_km) is True
    if lx > ly:  # x is the finer of the two
        x, y, lx, ly = y, x, ly, lx
        a, b = b, a
    if ly == 4:  # a country (the same, or one of the two is unknown)
        return True
    if ly == 3:
        return _within(x, y, options.region_km) is not False
    if ly == 2:  # a first-level unit: the finer place must lie in it
        if a.admin1_code and b.admin1_code:
            return a.admin1_code == b.admin1_code
        if a.admin1 and b.admin1:
            return a.admin1.casefold() == b.admin1.casefold()
        return _within(x, y, options.region_km) is not False
    if ly == 1:  # a second-level unit
        if lx == 1:
            return _same_name(x, y) or _within(x, y, options.town_km) is True
        if a.admin1_code and b.admin1_code and a.admin1_code != b.admin1_code:
            return False
        return _within(x, y, options.admin2_km) is not False
    near = _within(x, y, options.town_km)
    return _same_name(x, y) if near is None else near


def compatible(x: Item, y: Item, options: FusionOptions) -> int:
    """The orientations (``SAME | SWAP`` bits) in which ``x`` and ``y`` may tell one event; 0
    when they cannot."""
    if x.type != y.type or x.realis != y.realis:
        return 0
    same_doc = x.doc == y.doc
    if same_doc and x.mode and y.mode and x.mode != y.mode:
        return 0  # two kinds of force in one story ("shot ... also abducted") are two acts
    xf, xl, yf, yl = x.first, x.last, y.first, y.last
    if xf is None or yf is None or xl is None or yl is None:
        if not same_doc:  # undated and unpublished: nothing bounds it in time
            return 0
    else:
        if max(xf, yf) - min(xl, yl) > options.days:
            return 0
        wide = options.max_span_days
        if (xl - xf >= wide or yl - yf >= wide) and (xf != yf or xl != yl):
            return 0
    if not same_doc and not (x.anchors & y.anchors):
        return 0
    mask = 0
    if parties_compatible(x.actor, y.actor) and parties_compatible(x.recipient, y.recipient):
        mask |= SAME
    if (not (x.claimants & y.claimants)
            and parties_compatible(x.actor, y.recipient) and parties_compatible(x.recipient, y.actor)
            and (_same_side(x.actor, y.recipient) or _same_side(x.recipient, y.actor))):
        mask |= SWAP
    if not mask or not places_compatible(x, y, options):
        return 0
    if not same_doc and _coarse(x) != _coarse(y) and not _corroborated(x, y, mask):
        return 0  # a country (or no place) against a town: something more must say it is the one
    if x.issue and y.issue and not (x.issue & y.issue) and not _same_group(x.actor, y.actor):
        return 0  # two protests in one city on one day, by different people about different things
    return mask


def _same_group(a: Party | None, b: Party | None) -> bool:
    """The same specific group of protesters ("students" and "students"): their grievance told in
    other words ("university funding", "the education budget") does not make two protests."""
    return (a is not None and b is not None and bool(a.sector) and a.sector == b.sector
            and a.sector != "CVL")


def _coarse(u: Item) -> bool:
    return u.loc is None or (u.level or 0) >= 3


def _specific(a: Party | None, b: Party | None) -> bool:
    """One side named alike by both, beyond "civilians of X": a country with an armed or state
    sector, or the same named person."""
    if a is None or b is None:
        return False
    if a.kind == "person" and b.kind == "person":
        return bool(a.name) and a.name == b.name
    return (bool(a.country) and a.country == b.country and bool(a.sector) and bool(b.sector)
            and "CVL" not in (a.sector, b.sector) and sectors_compatible(a.sector, b.sector))


def _corroborated(x: Item, y: Item, mask: int) -> bool:
    """When one report places the event only in a country (or nowhere) and the other in a town or
    province, the country holds every same-day event of its type: they are taken as one only when
    they also name a side alike or give the same toll ("country only when nothing finer is known")."""
    if x.figure is not None and x.figure == y.figure:
        return True
    if mask & SAME and (_specific(x.actor, y.actor) or _specific(x.recipient, y.recipient)):
        return True
    return bool(mask & SWAP) and (_specific(x.actor, y.recipient) or _specific(x.recipient, y.actor))


def _same_side(a: Party | None, b: Party | None) -> bool:
    """Both known and one side: what makes two reports' opposite roles a counter-claim rather
    than two unrelated acts ("the army attacked" and "rebels attacked" say nothing of each other)."""
    if a is None or b is None:
        return False
    if a.country and b.country:
        return a.country == b.country
    return bool(a.sector) and a.sector == b.sector and a.name == b.name


def _party_score(a: Party | None, b: Party | None) -> float:
    if a is None or b is None:
        return 0.0
    s = 0.0
    if a.country and a.country == b.country:
        s += 0.5
    if a.sector and a.sector == b.sector:
        s += 0.25
    if a.kind == "person" and b.kind == "person" and a.name == b.name:
        s += 0.5
    return s


def similarity(x: Item, y: Item, mask: int) -> float:
    """How alike two compatible reports are: the order in which clusters grow (the most alike
    pairs first), so that a vague report joins the event it fits best."""
    s = 0.0
    if x.explicit and y.explicit:
        s += 2.0 if (x.first, x.last) == (y.first, y.last) else 1.0
    if x.loc is not None and y.loc is not None:
        same = (x.loc.geonameid is not None and x.loc.geonameid == y.loc.geonameid) or _same_name(x, y)
        s += 2.0 if same else 1.0 - 0.2 * abs((x.level or 0) - (y.level or 0))
    if mask & SAME:
        s += _party_score(x.actor, y.actor) + _party_score(x.recipient, y.recipient)
    else:
        s += _party_score(x.actor, y.recipient) + _party_score(x.recipient, y.actor) - 0.5
    if x.figure is not None and x.figure == y.figure:
        s += 0.5
    if x.doc == y.doc:
        s += 0.5
    if x.mode and x.mode == y.mode:
        s += 0.25
    return s
