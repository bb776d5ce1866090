"""Greedy label placement for the PNG maps: no label overlaps another label or a labelled point's marker.

Labels are placed in priority order (0 first: sites, then capitals in range, then the rest); each tries eight
positions around its point and takes the first whose box, measured by the renderer, is inside the axes and
clear of every box already taken. A label of priority 0 that finds no clear place is drawn at its first position
anyway (a site must be named); any other is left out. Deterministic: same input, same picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Label", "place"]

# (dx, dy) in points, with the alignment that puts the text on that side of the point
_CANDIDATES = (
    (4, 2, "left", "bottom"), (4, -2, "left", "top"), (-4, 2, "right", "bottom"), (-4, -2, "right", "top"),
    (0, 5, "center", "bottom"), (0, -5, "center", "top"), (7, 0, "left", "center"), (-7, 0, "right", "center"),
)


@dataclass(frozen=True)
class Label:
    """A text to put near the point (``x``, ``y``) in data coordinates."""

    x: float
    y: float
    text: str
    priority: int = 1
    fontsize: float = 7.0
    bold: bool = False
    colour: str = "black"


def place(ax: Any, labels: Sequence[Label], *, marker_pt: float = 3.0, avoid: Sequence[Any] = ()) -> list[Any]:
    """Annotate ``ax`` with as many of ``labels`` as fit without overlaps; return the text artists drawn.

    ``avoid``: further artists (a scale bar, its caption) that no label may cover. Call after the axes limits
    and aspect are final: boxes are measured in display coordinates.
    """
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    pad = marker_pt * fig.dpi / 72.0
    taken: list[Any] = []
    for lab in labels:  # every labelled point's marker is an obstacle
        px, py = ax.transData.transform((lab.x, lab.y))
        taken.append(Bbox.from_extents(px - pad, py - pad, px + pad, py + pad))
    markers = list(taken)
    taken += [a.get_window_extent(renderer) for a in avoid]
    drawn = []
    for index in sorted(range(len(labels)), key=lambda i: (labels[i].priority, i)):
        lab = labels[index]
        own = markers[index]
        chosen = None
        for dx, dy, ha, va in _CANDIDATES:
            text = ax.annotate(lab.text, (lab.x, lab.y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                               va=va, fontsize=lab.fontsize, color=lab.colour, zorder=9,
                               fontweight="bold" if lab.bold else "normal")
            box = text.get_window_extent(renderer).expanded(1.04, 1.08)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(o) for o in taken if o is not own):
                chosen = (text, box)
                break
            text.remove()
        if chosen is None and lab.priority == 0:
            dx, dy, ha, va = _CANDIDATES[0]
            text = ax.annotate(lab.text, (lab.x, lab.y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                               va=va, fontsize=lab.fontsize, color=lab.colour, zorder=9,
                               fontweight="bold" if lab.bold else "normal")
            chosen = (text, text.get_window_extent(renderer))
        if chosen is not None:
            drawn.append(chosen[0])
            taken.append(chosen[1])
    return drawn
