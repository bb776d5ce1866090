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
