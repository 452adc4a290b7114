"""Units within a document, blocking, connected components and clusters across documents.

1. **Units**: the reports of one document that are pairwise compatible are joined first (a
   story names its event several times: "killed ... the shooting ... the attack"). A unit then
   stands for them all, with their common window, finest place and joint parties.
2. **Blocking**: two units of different documents are compared only when they share type,
   realis and a country (of place or party), and their date windows lie within ``days`` (a
   sweep over windows sorted by first day, per block). This is exact, not a heuristic:
   ``match.compatible`` demands the same, so no compatible pair is missed. Cost grows with the
   number of units times the units of one block open on the same days.
3. **Components** of the graph of compatible pairs (union-find). Clusters never cross them, so a
   component can be clustered alone: the store re-clusters only the components a new report
   touches, and Spark clusters components in parallel, with the same result as one pass.
4. **Clusters**: within a component the most alike pairs are joined first, and two clusters join
   only when every member of one is compatible with every member of the other in one consistent
   orientation (complete linkage): no chaining of Monday to Tuesday to Wednesday. Ties are broken
   by event ids, so clusters never depend on input order.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TypeVar

from .match import SAME, compatible, similarity
from .options import FusionOptions
from .reports import Prepared, Unit

__all__ = ["Cluster", "candidate_pairs", "cluster_prepared", "cluster_units", "components", "units"]

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


def components(items: Sequence[Unit], options: FusionOptions) -> tuple[list[list[int]], list[list[Pair]]]:
    """Connected components of units (indices into ``items``) with their compatible pairs."""
    parent = list(range(len(items)))
    edges = _Edges()
    for x, y in candidate_pairs(items, options):
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
    pairs: list[list[Pair]] = [[] for _ in comps]
    for k in range(len(edges.a)):
        i = edges.a[k]
        pairs[number[_find(parent, i)]].append((edges.score[k], i, edges.b[k], edges.mask[k]))
    return comps, pairs


def cluster_units(items: Sequence[Unit], options: FusionOptions) -> list[Cluster]:
    """Clusters of the units' member reports."""
    out: list[Cluster] = []
    for nodes, pairs in zip(*components(items, options), strict=True):
        for group in _link(items, nodes, pairs):
            out.append([(p, o ^ uo) for u, uo in group for p, o in u.members])
    return out


def cluster_prepared(prepared: Sequence[Prepared], options: FusionOptions) -> list[Cluster]:
    return cluster_units(units(prepared, options), options)
