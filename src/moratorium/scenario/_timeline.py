"""The verdict timeline chart: one lane per (party, obligation), coloured by status over time, one lane per
perspective where the parties' perspectives differ, each change marked and linked to the entry that made it.

Views only: the lanes are read from the timeline JSON that ``moratorium run --format json`` prints (each change
``{party, obligation, to, perspectives?}`` at a step ``{seq, date, author, action}``), so the same code draws
the report's SVG, its PNG and the node dashboard's chart. Dates may be day or month precision (``2021-02``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

__all__ = ["COLOURS", "CSVT", "CSV_COLUMNS", "Lane", "Span", "lanes", "timeline_csv", "timeline_png", "timeline_svg"]

COLOURS = {"compliant": "#2e8b57", "violation": "#c0392b", "suspended": "#e0a800", "disputed": "#e67e22",
           "unverified": "#9b59b6", "needs-analysis": "#17a2b8", "not-in-force": "#bdbdbd"}
"""One colour per verdict status (``regime.verdict.Status``). Where the parties' views differ the chart draws a
lane per view, so ``disputed`` shows only where a view is missing from the record."""
_OTHER = "#777777"


@dataclass(frozen=True)
class Span:
    """``status`` from ``start`` until ``end`` (exclusive), set by the entry ``seq`` (``action``)."""

    start: dt.date
    end: dt.date
    status: str
    seq: int
    action: str
    author: str = ""


@dataclass(frozen=True)
class Lane:
    """The verdict of ``party`` under ``obligation`` over time; ``perspective`` names whose view it is when the
    parties' views differ (None: one view)."""

    party: str
    obligation: str
    perspective: str | None
    spans: tuple[Span, ...]

    @property
    def title(self) -> str:
        return f"{self.party} {self.obligation}" + (f" (as {self.perspective} sees it)" if self.perspective else "")


def _day(text: str) -> dt.date:
    parts = [int(p) for p in str(text)[:10].split("-") if p.isdigit()]
    parts += [1] * (3 - len(parts))
    return dt.date(parts[0], max(1, min(parts[1], 12)), max(1, min(parts[2], 28)))


def lanes(timeline: Sequence[Mapping[str, Any]], *, until: str | None = None) -> list[Lane]:
    """The lanes of a run's timeline (``result_json(...)["timeline"]``), in order of first appearance."""
    events: dict[tuple[str, str], list[tuple[dt.date, Mapping[str, Any], Mapping[str, Any]]]] = {}
    last = None
    for step in timeline:
        day = _day(step["date"])
        last = day if last is None or day > last else last
        for change in step.get("changes", []):
            events.setdefault((change["party"], change["obligation"]), []).append((day, step, change))
    if last is None:
        return []
    end = max(_day(until), last) if until else last
    end = end + dt.timedelta(days=max(30, (end - min(e[0][0] for e in events.values())).days // 40))
    out: list[Lane] = []
    for (party, obligation), evs in events.items():
        views: set[str] = set()
        for _, _, change in evs:
            persp = change.get("perspectives") or {}
            if isinstance(persp, Mapping) and len(set(persp.values())) > 1:
                views |= set(persp)
        choices: list[str | None] = [*sorted(views)] or [None]
        for view in choices:
            spans = []
            for i, (day, step, change) in enumerate(evs):
                nxt = evs[i + 1][0] if i + 1 < len(evs) else end
                persp = change.get("perspectives") or {}
                status = str(persp.get(view, change.get("to"))) if view else str(change.get("to"))
                spans.append(Span(day, max(nxt, day), status, int(step["seq"]), str(step.get("action", "")),
                                  str(step.get("author", ""))))
            out.append(Lane(party, obligation, view, tuple(spans)))
    return out


def _axis(ls: Sequence[Lane]) -> tuple[dt.date, dt.date]:
    start = min(s.start for lane in ls for s in lane.spans)
    end = max(s.end for lane in ls for s in lane.spans)
    return start, max(end, start + dt.timedelta(days=1))


def timeline_svg(ls: Sequence[Lane], *, href: Callable[[Span, Lane], str] | None = None,
                 width: int = 960) -> str:
    """An inline SVG chart (no script): lanes of coloured spans, a dot per change linked by ``href``."""
    if not ls:
        return '<p class="timeline-empty">No verdict changed.</p>'
    label_w, lane_h, top = 300, 20, 24
    start, end = _axis(ls)
    span_days = (end - start).days
    plot_w = width - label_w - 10

    def x(day: dt.date) -> float:
        return label_w + plot_w * (day - start).days / span_days

    height = top + lane_h * len(ls) + 40
    parts = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="verdict timeline" font-family="sans-serif" font-size="11">']
    for year in range(start.year + 1, end.year + 1):
        xx = x(dt.date(year, 1, 1))
        parts.append(f'<line x1="{xx:.1f}" y1="{top - 4}" x2="{xx:.1f}" y2="{top + lane_h * len(ls)}" '
                     f'stroke="#ddd"/><text x="{xx:.1f}" y="{top - 8}" text-anchor="middle">{year}</text>')
    for i, lane in enumerate(ls):
        y = top + i * lane_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(lane.title)}</text>')
        for s in lane.spans:
            x0, x1 = x(s.start), x(s.end)
            parts.append(f'<rect class="span status-{escape(s.status)}" x="{x0:.1f}" y="{y + 3}" '
                         f'width="{max(x1 - x0, 1.0):.1f}" height="{lane_h - 6}" '
                         f'fill="{COLOURS.get(s.status, _OTHER)}"><title>{escape(lane.title)}: {escape(s.status)} '
                         f'from {s.start.isoformat()} (entry {s.seq}: {escape(s.action)})</title></rect>')
        for s in lane.spans:
            dot = (f'<circle class="event" cx="{x(s.start):.1f}" cy="{y + lane_h / 2}" r="4" fill="#fff" '
                   f'stroke="#222" stroke-width="1.5"><title>entry {s.seq} ({s.start.isoformat()}, '
                   f'{escape(s.author)}): {escape(s.action)} → {escape(s.status)}</title></circle>')
            link = href(s, lane) if href else None
            parts.append(f'<a href="{escape(link)}">{dot}</a>' if link else dot)
    ly = top + lane_h * len(ls) + 22
    lx = label_w
    for status, colour in COLOURS.items():
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="{ly}">{status}</text>')
        lx += 22 + 6 * len(status)
    parts.append(f'<circle cx="{lx + 6}" cy="{ly - 4}" r="4" fill="#fff" stroke="#222" stroke-width="1.5"/>'
                 f'<text x="{lx + 14}" y="{ly}">entry that changed it</text></svg>')
    return "".join(parts)


def timeline_png(ls: Sequence[Lane], out: str | Path | None = None, *, dpi: int = 110) -> bytes:
    """The same chart as a PNG (matplotlib, Agg); written to ``out`` if given."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    def date2num(day: dt.date) -> float:  # matplotlib's date axis: days since its epoch, 1970-01-01
        return float((day - dt.date(1970, 1, 1)).days)

    fig = Figure(figsize=(11, 1.2 + 0.32 * max(len(ls), 1)), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, lane in enumerate(reversed(ls)):
        for s in lane.spans:
            ax.broken_barh([(date2num(s.start), max(date2num(s.end) - date2num(s.start), 1.0))], (i + 0.15, 0.7),
                           facecolors=COLOURS.get(s.status, _OTHER))
            ax.plot(date2num(s.start), i + 0.5, "o", markerfacecolor="white", markeredgecolor="#222",
                    markersize=5)
    ax.set_yticks([i + 0.5 for i in range(len(ls))], [lane.title for lane in reversed(ls)], fontsize=7)
    ax.set_ylim(0, max(len(ls), 1))
    ax.xaxis_date()
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#ddd")
    ax.set_title("Verdicts over time (dots: the entries that changed them)", fontsize=9)
    ax.legend(handles=[Patch(color=c, label=s) for s, c in COLOURS.items()], fontsize=6.5, ncol=6,
              loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(ls) > 3 else -0.3), frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


CSV_COLUMNS = ("seq", "date", "author", "kind", "action", "party", "obligation", "from", "to", "evidence")
CSVT = '"Integer","String","String","String","String","String","String","String","String","String"'
"""The ``.csvt`` line GDAL reads for the column types of :func:`timeline_csv` (dates may be month precision)."""


def timeline_csv(timeline: Sequence[Mapping[str, Any]]) -> str:
    """The verdict changes, one row each (RFC 4180, header row :data:`CSV_COLUMNS`; ``evidence`` is the entry
    sequence numbers separated by spaces)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for step in timeline:
        for c in step.get("changes", []):
            writer.writerow([step["seq"], step["date"], step.get("author", ""), step.get("kind", ""),
                             step.get("action", ""), c["party"], c["obligation"], c.get("from") or "", c["to"],
                             " ".join(str(e) for e in c.get("evidence", []))])
    return buf.getvalue()
