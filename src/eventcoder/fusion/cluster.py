"""Units within a document, then precise cores, vague reports attached to them, and a pool.

1. **Units**: the reports of one document that are pairwise compatible are joined first (a
   story names its event several times: "killed ... the shooting ... the attack"). A unit then
   stands for them all, with their common window, finest place and joint parties.
2. **Blocking**: two units of different documents are compared only when they share type,
   realis and a country (of place or party), and their date windows lie within ``days`` (a
   sweep over windows sorted by first day, per block). This is exact, not a heuristic:
   ``match.compatible`` demands the same, so no compatible pair is missed.
3. **Cores**: units dated to a day (or two: ``PRECISE_DAYS``) are clustered among themselves:
   connected components of their compatible pairs (union-find), and within a component the most
   alike pairs joined first, two clusters joining only when every member of one is compatible
   with every member of the other in one consistent orientation (complete linkage).
4. **Attachment**: a vaguely dated unit (a month, "within three days before publication", a
   year) joins the core it fits best: compatible with every member, the most alike. It never
   links two cores: a month-dated report would otherwise chain every event of its month and
   country into one component, which is wrong as fusion and ruinous as work.
5. **Pool**: vague units that fit no core fuse with the vague units of exactly the same window
   (two undated reports published the same day, two reports of "the 1994 ceasefire").

Every decision is local (a core's component; a vague unit and the cores around it; a pool's
window), so the store re-fuses only what a new report touches and Spark fuses blocks apart, with
the same result as one pass. Ties are broken by event ids, so clusters never depend on input
order.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from .match import SAME, compatible, similarity
from .options import FusionOptions
from .reports import Prepared, Unit

__all__ = ["PRECISE_DAYS", "Choice", "Cluster", "Core", "Planned", "assemble", "attachments", "better",
           "candidate_pairs", "choose", "cluster_prepared", "cluster_units", "core_key", "cores", "fit",
           "is_precise", "plan", "pool", "reports_of", "units", "window_key"]

Cluster = list[tuple[Prepared, int]]  # member reports with their orientation (1: sides swapped)
Pair = tuple[float, int, int, int]  # similarity, index, index, orientation mask
T = TypeVar("T", Prepared, Unit)


def _joinable(xs: list[int], ys: list[int], orient: dict[int, int], emap: dict[tuple[int, int], int],
              flip: int) -> bool:
    """Every member of one cluster compatible with every member of the other, in the orientation
    the join gives them (``flip`` turns the second cluster round)."""
    for x in xs:
        for y in ys:
            m = emap.get((x, y) if x < y else (y, x), 0)
            if not m & (1 << (orient[x] ^ orient[y] ^ flip)):
                return False
    return True


def _link(items: Sequence[T], nodes: list[int], pairs: list[Pair]) -> list[list[tuple[T, int]]]:
    """Complete-linkage clusters of ``nodes`` (indices into ``items``) over compatible ``pairs``."""
    if len(nodes) == 1 or not pairs:
        return [[(items[n], 0)] for n in nodes]
    emap = {(min(i, j), max(i, j)): m for _, i, j, m in pairs}
    owner = {n: n for n in nodes}
    members = {n: [n] for n in nodes}
    orient = dict.fromkeys(nodes, 0)

    def order(e: Pair) -> tuple[float, str, str]:
        a, b = items[e[1]].key, items[e[2]].key
        return (-e[0], a, b) if a < b else (-e[0], b, a)

    for _, i, j, m in sorted(pairs, key=order):
        ca, cb = owner[i], owner[j]
        if ca == cb:
            continue
        rel = orient[i] ^ orient[j]
        flips = (rel, rel ^ 1) if m & SAME else (rel ^ 1, rel)
        chosen = next((f for f in flips if _joinable(members[ca], members[cb], orient, emap, f)), None)
        if chosen is None:
            continue
        if len(members[ca]) < len(members[cb]):
            ca, cb = cb, ca
        for y in members[cb]:  # cb joins ca, turned round when the join says so
            owner[y] = ca
            orient[y] ^= chosen
        members[ca].extend(members.pop(cb))
    return [[(items[n], orient[n]) for n in group] for group in members.values()]


def units(prepared: Sequence[Prepared], options: FusionOptions) -> list[Unit]:
    """Each document's reports joined into the events it tells (indices renumbered)."""
    groups: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for p in prepared:
        groups[(p.doc, p.type, p.realis)].append(p.idx)
    out: list[Unit] = []
    for nodes in groups.values():
        pairs: list[Pair] = []
        for a, i in enumerate(nodes):
            for j in nodes[a + 1:]:
                x, y = prepared[i], prepared[j]
                if mask := compatible(x, y, options):
                    pairs.append((similarity(x, y, mask), i, j, mask))
        for members in _link(prepared, nodes, pairs):
            out.append(Unit(members, len(out)))
    return out


def candidate_pairs(items: Sequence[Unit], options: FusionOptions) -> Iterator[tuple[Unit, Unit]]:
    """Every pair of units of different documents that may be compatible, each once."""
    days, max_span = options.days, options.max_span_days
    sweep: dict[tuple[str, bool, str], list[Unit]] = defaultdict(list)
    exact: dict[tuple[str, bool, str, int, int], list[Unit]] = defaultdict(list)
    for u in items:
        if u.first is None or u.last is None:
            continue
        wide = u.last - u.first + 1 > max_span
        for a in u.anchors:
            if wide:
                exact[(u.type, u.realis, a, u.first, u.last)].append(u)
            else:
                sweep[(u.type, u.realis, a)].append(u)

    def once(x: Unit, y: Unit, a: str) -> bool:
        # a pair sharing several countries is yielded in the block of the smallest one
        return x.doc != y.doc and (len(x.anchors) == 1 or len(y.anchors) == 1
                                   or min(x.anchors & y.anchors) == a)

    for key, group in exact.items():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if once(x, y, key[2]):
                    yield x, y
    for (_, _, a), group in sweep.items():
        group.sort(key=lambda u: (u.first, u.idx))
        n = len(group)
        for i in range(n):
            x = group[i]
            assert x.last is not None
            limit = x.last + days
            for j in range(i + 1, n):
                y = group[j]
                if y.first > limit:  # type: ignore[operator]  # swept units all have windows
                    break
                if once(x, y, a):
                    yield x, y


class _Edges:
    """Compatible pairs in flat arrays (a million reports give millions of pairs)."""

    def __init__(self) -> None:
        self.a, self.b = array("q"), array("q")
        self.score, self.mask = array("d"), array("b")

    def add(self, i: int, j: int, score: float, mask: int) -> None:
        self.a.append(i)
        self.b.append(j)
        self.score.append(score)
        self.mask.append(mask)


def _find(parent: list[int], i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


PRECISE_DAYS = 2  # a window of at most this many days dates a core; wider ones attach to cores
Core = list[tuple[Unit, int]]  # units with their orientation in the cluster


def is_precise(u: Unit) -> bool:
    return u.first is not None and u.last is not None and u.last - u.first < PRECISE_DAYS


def _reindex(items: Sequence[Unit]) -> None:
    for k, u in enumerate(items):
        u.idx = k


def _grouped(items: Sequence[Unit], pairs: Iterator[tuple[Unit, Unit]],
             options: FusionOptions) -> list[list[tuple[Unit, int]]]:
    """Components of ``items`` over the compatible ones of ``pairs``, each clustered by complete
    linkage (``items`` indexed 0..n-1)."""
    parent = list(range(len(items)))
    edges = _Edges()
    for x, y in pairs:
        mask = compatible(x, y, options)
        if not mask:
            continue
        i, j = x.idx, y.idx
        edges.add(i, j, similarity(x, y, mask), mask)
        ri, rj = _find(parent, i), _find(parent, j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    number: dict[int, int] = {}
    comps: list[list[int]] = []
    for i in range(len(items)):
        root = _find(parent, i)
        if root not in number:
            number[root] = len(comps)
            comps.append([])
        comps[number[root]].append(i)
    per: list[list[Pair]] = [[] for _ in comps]
    for k in range(len(edges.a)):
        i = edges.a[k]
        per[number[_find(parent, i)]].append((edges.score[k], i, edges.b[k], edges.mask[k]))
    out: list[list[tuple[Unit, int]]] = []
    for nodes, comp_pairs in zip(comps, per, strict=True):
        out.extend(_link(items, nodes, comp_pairs))
    return out


def cores(precise: Sequence[Unit], options: FusionOptions) -> list[Core]:
    """The clusters of precisely dated units (renumbers ``idx``)."""
    _reindex(precise)
    return _grouped(precise, candidate_pairs(precise, options), options)


def core_key(core: Core) -> str:
    return min(u.key for u, _ in core)


def fit(v: Unit, core: Core, options: FusionOptions) -> tuple[float, int] | None:
    """(similarity, orientation) of the vague unit ``v`` joining ``core``: it must be compatible
    with every member, in one orientation, and from none of their documents (a document's own
    reports were joined or kept apart already); None when it does not fit."""
    masks = []
    for u, o in core:
        if u.doc == v.doc:
            return None
        m = compatible(v, u, options)
        if not m:
            return None
        masks.append((similarity(v, u, m), m, o, u.key))
    best_sim, best_mask, best_o, _ = max(masks, key=lambda t: (t[0], t[3]))
    rel = 0 if best_mask & SAME else 1  # v as the most alike member names the sides
    for flip in (best_o ^ rel, best_o ^ rel ^ 1):
        if all(m & (1 << (o ^ flip)) for _, m, o, _ in masks):
            return best_sim, flip
    return None


Choice = tuple[str, int, float]  # the core's key, the orientation there, how well it fits


def better(a: Choice, b: Choice | None) -> bool:
    """``a`` beats ``b``: it fits better, or as well a core of smaller key."""
    return b is None or (a[2], _neg(a[0])) > (b[2], _neg(b[0]))


def choose(v: Unit, candidates: Iterable[tuple[str, Core]], options: FusionOptions) -> Choice | None:
    """The core the vague unit joins: the best fitting one, ties to the smaller key; None when
    none fits."""
    best: Choice | None = None
    for key, core in candidates:
        got = fit(v, core, options)
        if got is not None and better((key, got[1], got[0]), best):
            best = (key, got[1], got[0])
    return best


def _neg(key: str) -> tuple[int, ...]:
    """A sort key that orders strings in reverse (the smaller key wins a tie under max)."""
    return tuple(-ord(c) for c in key)


def window_key(u: Unit) -> tuple[str, bool, int | None, int | None]:
    return (u.type, u.realis, u.first, u.last)


def pool(vague: Sequence[Unit], options: FusionOptions) -> list[list[tuple[Unit, int]]]:
    """Clusters of the vague units no core took: only units of the very same window fuse (renumbers
    ``idx``)."""
    groups: dict[tuple[str, bool, int | None, int | None], list[Unit]] = defaultdict(list)
    for u in vague:
        groups[window_key(u)].append(u)
    out: list[list[tuple[Unit, int]]] = []
    for key, group in groups.items():
        _reindex(group)
        if key[2] is None or len(group) == 1:
            out.extend([(u, 0)] for u in group)
            continue
        pairs = ((x, y) for i, x in enumerate(group) for y in group[i + 1:]
                 if x.doc != y.doc and x.anchors & y.anchors)
        out.extend(_grouped(group, pairs, options))
    return out


def attachments(vague: Sequence[Unit], found: Sequence[Core],
                options: FusionOptions) -> dict[str, Choice]:
    """Each vague unit's core (by key) and orientation, for the vague units that fit one."""
    keyed = [(core_key(c), c) for c in found]
    core_of: dict[str, int] = {}
    precise: list[Unit] = []
    for k, (_, c) in enumerate(keyed):
        for u, _ in c:
            core_of[u.key] = k
            precise.append(u)
    both = [*precise, *vague]
    _reindex(both)
    near: dict[str, set[int]] = defaultdict(set)
    for x, y in candidate_pairs(both, options):
        px, py = x.key in core_of, y.key in core_of
        if px != py:
            v, p = (y, x) if px else (x, y)
            near[v.key].add(core_of[p.key])
    out: dict[str, Choice] = {}
    for v in vague:
        got = choose(v, (keyed[k] for k in sorted(near.get(v.key, ()))), options)
        if got is not None:
            out[v.key] = got
    return out


Planned = list[tuple[str | None, list[tuple[Unit, int]]]]  # (core key or None for the pool, units)


def assemble(found: Sequence[Core], vague: Sequence[Unit], attached: dict[str, Choice],
             pooled: Sequence[list[tuple[Unit, int]]]) -> Planned:
    """Each cluster's units: cores with the vague units they took, then the pool."""
    by_core: dict[str, list[tuple[Unit, int]]] = {core_key(c): list(c) for c in found}
    for v in vague:
        if v.key in attached:
            key, flip, _ = attached[v.key]
            by_core[key].append((v, flip))
    return [*((k, g) for k, g in by_core.items()), *((None, g) for g in pooled)]


def reports_of(group: Sequence[tuple[Unit, int]]) -> Cluster:
    return [(p, o ^ uo) for u, uo in group for p, o in u.members]


def plan(items: Sequence[Unit], options: FusionOptions) -> tuple[Planned, dict[str, Choice]]:
    """The clusters of ``items``, as units: cores (with the vague units they took) and the pool;
    and the choice of every vague unit a core took."""
    precise = [u for u in items if is_precise(u)]
    vague = [u for u in items if not is_precise(u)]
    found = cores(precise, options)
    attached = attachments(vague, found, options)
    pooled = pool([v for v in vague if v.key not in attached], options)
    return assemble(found, vague, attached, pooled), attached


def cluster_units(items: Sequence[Unit], options: FusionOptions) -> list[Cluster]:
    """Clusters of the units' member reports."""
    return [reports_of(group) for _, group in plan(items, options)[0]]


def cluster_prepared(prepared: Sequence[Prepared], options: FusionOptions) -> list[Cluster]:
    return cluster_units(units(prepared, options), options)
