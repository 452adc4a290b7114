"""The windows within which two reports may tell one event: one validated, immutable object."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from ..errors import Errors, InputError

__all__ = ["FusionOptions"]


@dataclass(frozen=True, slots=True)
class FusionOptions:
    """Defaults follow ACLED's aggregation rule (same type, actors, day and location) with the
    place radius scaled to how precisely each report names the place; MELTT's looser windows
    (1-2 days, 5 km) are ``days=1``/``town_km=5``.

    - ``days``: how many days apart two reports' date windows may lie (0: they must overlap at
      each date's own precision; a day lies inside the month another report names).
    - ``undated_days``: an event the article does not date happened within this many days
      before its publication date.
    - ``max_span_days``: a report whose date spans more (a year, a season, "since 2020") is too
      vague to join others, except reports naming exactly the same period ("the 1994 ceasefire").
    - ``town_km``: two towns (or points) further apart are different places.
    - ``admin2_km``: a town lies in a second-level unit within this distance of its centre.
    - ``region_km``: a named region (a sea, a valley, a disputed territory) reaches this far.
    - ``border_km``: two places in different countries may name one cross-border event only when
      the reports' parties include those countries, and the places lie within this distance.
    """

    days: int = 0
    undated_days: int = 3
    max_span_days: int = 31
    town_km: float = 10.0
    admin2_km: float = 60.0
    region_km: float = 300.0
    border_km: float = 100.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or value < 0 or (f.name in ("max_span_days", "town_km") and value <= 0):
                raise InputError(Errors.EC060, option=f.name, value=value,
                                 detail="use a finite number of at least 0" if f.name not in
                                 ("max_span_days", "town_km") else "use a number above 0")
            if f.type == "int" and not float(value).is_integer():
                raise InputError(Errors.EC060, option=f.name, value=value, detail="use a whole number")

    def replace(self, **changes: Any) -> FusionOptions:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusionOptions:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
