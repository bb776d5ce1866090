"""The run report: the verdict timeline and the reach of every deployed or alleged missile, per range claim.

Views only (``DESIGN.md``): the maps come from ``moratorium.geo.maps`` (matplotlib PNG, self-contained Leaflet
HTML) and the figures from ``moratorium.geo.reach``; nothing here decides a verdict. One ring is drawn per range
claim of each system reported at a site (interceptors and air-defence missiles are left out: their range is not a
reach to ground targets), so the reader sees where the answer depends on whose claim is believed.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moratorium.geo.reach import ReachResult
    from moratorium.scenario.run import RunResult

__all__ = ["write_report"]

_STRIKE_TYPES = ("ballistic", "cruise", "glide")


def _reach_results(result: RunResult) -> list[ReachResult]:
    from moratorium.catalog import load_catalog
    from moratorium.geo.reach import SitePoint, reach, resolve_ranges

    catalog = load_catalog()
    seen: set[tuple[str, str]] = set()
    results: list[ReachResult] = []
    for signed in result.entries:
        body = signed.entry.body
        site_id = body.get("site")
        if signed.entry.kind not in ("deployment", "observation") or not isinstance(site_id, str):
            continue
        for item in body.get("items", []):
            system_id = item.get("system")
            if not system_id or (site_id, system_id) in seen:
                continue
            system = catalog.system(system_id)
            if system.type not in _STRIKE_TYPES:
                continue
            seen.add((site_id, system_id))
            site = catalog.site(site_id)
            point = SitePoint(lat=site.lat, lon=site.lon, name=site.name, id=site.id, country=site.country)
            for choice in resolve_ranges(system=system_id, all_claims=True, catalog=catalog):
                results.append(reach(point, choice, targets="capitals"))
    return results


def _extremes(results: list[ReachResult]) -> dict[str, list[ReachResult]]:
    """Per system: for each site, the shortest and the longest claim (the span of the dispute), for a readable PNG."""
    by: dict[tuple[str, str], list[ReachResult]] = {}
    for r in results:
        by.setdefault((r.choice.system or "", r.site.name), []).append(r)
    out: dict[str, list[ReachResult]] = {}
    for (system, _), rs in by.items():
        ranked = sorted(rs, key=lambda r: r.choice.range_km)
        out.setdefault(system, []).extend(ranked[:1] + ranked[-1:] if len(ranked) > 1 else ranked)
    return out


def write_report(result: RunResult, out_dir: Path) -> list[Path]:
    """Write ``map-<system>.png`` (shortest and longest claim per site), ``map.html`` (every claim, interactive)
    and ``report.html``, which embeds the PNGs and links the HTML map."""
    from moratorium.geo.maps import layers_from_results, render_html, render_png

    results = _reach_results(result)
    sites, rings, hits = layers_from_results(results)
    title = f"{result.scenario.name}: reach per range claim"
    render_html(out_dir / "map.html", sites=sites, rings=rings, targets=hits, title=title)
    written = [out_dir / "map.html"]
    images = []
    for system, subset in sorted(_extremes(results).items()):
        s_sites, s_rings, s_hits = layers_from_results(subset)
        path = out_dir / f"map-{system}.png"
        png = render_png(path, sites=s_sites, rings=s_rings, targets=s_hits,
                         title=f"{system}: shortest and longest range claim at each site")
        images.append(f'<h3>{escape(system)}</h3><img alt="reach of {escape(system)}" style="max-width:100%" '
                      f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')
        written.append(path)
    rows = []
    for step in result.steps:
        changes = "<br>".join(f"{escape(n.party)} {escape(n.obligation)}: {escape(o.status if o else '-')} → "
                              f"<b>{escape(n.status)}</b>" for o, n in step.changes)
        rows.append(f"<tr><td>{step.seq}</td><td>{escape(step.date)}</td><td>{escape(step.author)}</td>"
                    f"<td>{escape(step.action)}</td><td>{changes}</td></tr>")
    reach_rows = "".join(
        f"<tr><td>{escape(r.site.name)}</td><td>{escape(r.choice.system or '')}</td>"
        f"<td>{escape(r.choice.claim or '')} ({escape(r.choice.claimant or '')})</td>"
        f"<td>{r.choice.range_km:,.0f}</td><td>{len(r.hits)}</td></tr>"
        for r in results)
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>body{{font:14px sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 6px;vertical-align:top}}</style></head><body>
<h1>{escape(result.scenario.name)}</h1>
<p>Treaty <code>{escape(result.scenario.treaty.id)}</code>; {len(result.entries)} signed entries.
Interactive map (offline): <a href="map.html">map.html</a>.</p>
{"".join(images)}
<h2>Reach per claim (national capitals in range)</h2>
<table><tr><th>site</th><th>system</th><th>claim</th><th>range km</th><th>capitals</th></tr>{reach_rows}</table>
<h2>Timeline of verdict changes</h2>
<table><tr><th>seq</th><th>date</th><th>by</th><th>action</th><th>changes</th></tr>{"".join(rows)}</table>
</body></html>
"""
    (out_dir / "report.html").write_text(html, encoding="utf-8")
    return [*written, out_dir / "report.html"]
