"""Offline maps: a PNG and a self-contained HTML page with no network references."""

from __future__ import annotations

import re
from pathlib import Path

from moratorium.geo import maps
from moratorium.geo.reach import ReachHit, SitePoint, reach, resolve_ranges, resolve_site


def _layers() -> tuple[list[SitePoint], list[maps.MapRing], list[ReachHit]]:
    site = resolve_site("kamyshlov")
    results = [reach(site, c) for c in resolve_ranges(system="9m729", claims=("ru-mod", "us"))]
    return maps.layers_from_results(results)


def test_png(tmp_path: Path) -> None:
    sites, rings, targets = _layers()
    assert len(rings) == 2 and len(sites) == 1
    out = tmp_path / "m.png"
    data = maps.render_png(out, sites=sites, rings=rings, targets=targets)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and out.read_bytes() == data and len(data) > 20_000


def test_html_is_self_contained(tmp_path: Path) -> None:
    sites, rings, targets = _layers()
    html = maps.render_html(tmp_path / "m.html", sites=sites, rings=rings, targets=targets)
    assert "L.map(" in html and "Riga" in html and "Kamyshlov" in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)
    assert "tile.openstreetmap" not in html and "L.tileLayer(" not in html
    assert (tmp_path / "m.html").read_text(encoding="utf-8") == html


def test_html_escapes_script_end_tags() -> None:
    sites, rings, targets = _layers()
    html = maps.render_html(None, sites=sites, rings=rings, targets=targets, title="</script><b>x")
    assert "</script><b>" not in html


def _boxes(fig: object) -> tuple[object, list[object], list[object]]:
    from matplotlib.text import Annotation

    ax, side = fig.axes  # type: ignore[attr-defined]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)]
    legends = [lg.get_window_extent(renderer) for lg in side.findobj(lambda a: type(a).__name__ == "Legend")]
    return ax.get_window_extent(renderer), labels, legends


def test_png_labels_do_not_collide_and_legends_do_not_cover_the_map() -> None:
    site = resolve_site("chernyakhovsk")
    results = [reach(site, c, targets="capitals") for c in resolve_ranges(system="9m729", all_claims=True)]
    sites, rings, targets = maps.layers_from_results(results)
    fig = maps._draw(sites=sites, rings=rings, targets=targets, title=None, dpi=110)
    frame, labels, legends = _boxes(fig)
    assert len(labels) >= 25  # Europe's crowded capitals: many are labelled...
    for i, a in enumerate(labels):  # ...and no two labels overlap
        for b in labels[i + 1:]:
            assert not a.overlaps(b)  # type: ignore[attr-defined]
    assert len(legends) == 2 and not any(lg.overlaps(frame) for lg in legends)  # type: ignore[attr-defined]


def test_png_projection_makes_a_5500_km_ring_a_circle_around_the_site() -> None:
    """Regression: on the plain lon/lat map a 5,500 km ring was a smear across the world, not a circle."""
    import numpy as np

    site = resolve_site("kamyshlov")
    sites, rings, targets = maps.layers_from_results([reach(site, resolve_ranges(range_km=5500)[0])])
    fig = maps._draw(sites=sites, rings=rings, targets=targets, title=None, dpi=60)
    ax = fig.axes[0]
    ring_line = max(ax.lines, key=lambda ln: len(ln.get_xdata()))
    r = np.hypot(ring_line.get_xdata(), ring_line.get_ydata())
    assert np.allclose(r, 5_500_000, rtol=1e-6)  # aeqd centred on the site: geodesic distance is the radius
    x0, x1 = ax.get_xlim()
    assert x1 - x0 < 2 * 5_500_000 * 1.2


def test_titles_name_systems_not_ids() -> None:
    assert maps.system_name("9m729") != "9m729" and "9M729" in (maps.system_name("9m729") or "")
    site = resolve_site("kamyshlov")
    _, rings, _ = maps.layers_from_results([reach(site, resolve_ranges(system="9m729", claims=("us",))[0])])
    assert "9M729" in rings[0].label and "2,500 km" in rings[0].label
