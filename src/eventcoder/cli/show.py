"""``eventcoder show``: the events of a coded file as a table a person can read."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Iterable

from ..errors import Errors, ExitCode, InputError
from ..output import read_results
from ..records import ActorRef, DocumentResult, Event

__all__ = ["format_events", "run_show"]


def _actor(ref: ActorRef | None) -> str:
    if ref is None:
        return "-"
    parts = [ref.name]
    if ref.title and ref.kind == "person":
        parts.insert(0, ref.title)
    code = "/".join(x for x in (ref.country, ref.sector) if x)
    return " ".join(parts) + (f" [{code}]" if code and ref.kind == "person" else "")


def _date(ev: Event) -> str:
    if ev.date is None or ev.date.value is None:
        return "-"
    return f"{ev.date.value} ({ev.date.precision or '?'}, {ev.date.source})"


def _place(ev: Event) -> str:
    if ev.location is None:
        return "-"
    where = ev.location.name + (f", {ev.location.country}" if ev.location.country else "")
    return f"{where} ({ev.location.precision})"


def _quantities(ev: Event) -> str:
    items = [
        f"{q.value if q.value is not None else q.text} {q.of or q.unit or ''}".strip() for q in ev.quantities
    ]
    if ev.fatalities:
        best = ev.fatalities.get("best")
        items.append(f"fatalities: {best if best is not None else ev.fatalities.get('text')}")
    return "; ".join(items) or "-"


def format_events(docs: Iterable[DocumentResult], width: int = 100) -> str:
    out: list[str] = []
    label_w = 12
    body_w = max(30, width - label_w - 2)
    for doc in docs:
        head = f"== {doc.id}"
        if doc.title:
            head += f" - {doc.title}"
        meta = ", ".join(x for x in (doc.publisher, doc.published, doc.url) if x)
        out.append(head + (f" ({meta})" if meta else ""))
        if doc.status != "ok":
            out.append(
                f"   FAILED {doc.error.code if doc.error else ''}: {doc.error.message if doc.error else ''}"
            )
            out.append("")
            continue
        if not doc.events:
            out.append("   no events found")
        for n, ev in enumerate(doc.events, 1):
            rows = [
                (
                    "type",
                    f"{ev.type}"
                    + (f" / {ev.mode}" if ev.mode else "")
                    + (f"  (CAMEO {ev.cameo})" if ev.cameo else "")
                    + (f"  ACLED: {ev.acled}" if ev.acled else ""),
                ),
                ("who", f"{_actor(ev.actor)} -> {_actor(ev.recipient)}"),
                ("when", _date(ev)),
                ("where", _place(ev)),
                ("how many", _quantities(ev)),
                (
                    "source",
                    " > ".join(a.name for a in ev.attribution)
                    + f"  [{ev.modality}]"
                    + (f"  ordered by {_actor(ev.ordered_by)}" if ev.ordered_by else ""),
                ),
                ("sentence", doc.text[ev.sentence.start : ev.sentence.end].strip()),
            ]
            out.append(f'-- event {n}: "{ev.trigger.text}"  confidence {ev.confidence:.2f}')
            for label, value in rows:
                lines = textwrap.wrap(value, body_w) or ["-"]
                out.append(f"   {label:<{label_w}}{lines[0]}")
                out.extend(f"   {'':<{label_w}}{line}" for line in lines[1:])
        out.append("")
    return "\n".join(out)


def run_show(args: argparse.Namespace) -> int:
    try:
        docs = list(read_results(args.file))
    except FileNotFoundError:
        raise InputError(Errors.EC022, what=args.file) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            Errors.EC028,
            value=args.file,
            option="FILE",
            detail=f"not a JSONL file written by 'eventcoder code' ({exc})",
        ) from None
    width = args.width or shutil.get_terminal_size((100, 20)).columns
    sys.stdout.write(format_events(docs, width) + "\n")
    return ExitCode.OK
