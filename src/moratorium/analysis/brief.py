"""One-page briefings: a comparison of proposals (``write_briefing``) and the state of a scenario's record on a
date (``brief``), as printable A4 HTML with embedded PNG maps, and a PDF printed from the same page (``_pdf``).

Views only: every figure comes from ``compare``, ``regime.compliance``, ``geo`` and ``warning``, and the page
names its source under each table.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from moratorium.analysis._deployments import Deployment, deployments_at, treaty_party
from moratorium.analysis._map import SOURCES as MAP_SOURCES
from moratorium.analysis._map import MapLayer, small_map
from moratorium.analysis.compare import Comparison, reading_claim
from moratorium.analysis.warning import STRIKE_TYPES, warning_minutes
from moratorium.catalog import Catalog, load_catalog
from moratorium.errors import InputError
from moratorium.scenario import Scenario
from moratorium.treaty import Treaty

__all__ = ["brief", "brief_html", "briefing_html", "write_briefing"]

_CSS = """
@page { size: A4; margin: 8mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font: 6.6pt/1.22 "DejaVu Sans", Arial, sans-serif; color: #111; width: 194mm; }
h1 { font-size: 10.5pt; margin: 0 0 1mm; }
h2 { font-size: 7.6pt; margin: 1.6mm 0 0.6mm; border-bottom: 0.3mm solid #999; }
p { margin: 0.4mm 0; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.2mm solid #bbb; padding: 0.2mm 0.8mm; vertical-align: top; text-align: left; }
th { background: #eee; }
.nw { white-space: nowrap; }
.maps { display: grid; grid-template-columns: repeat(var(--cols), 1fr); gap: 1mm; }
.maps figure { margin: 0; }
.maps img { width: 100%; display: block; border: 0.2mm solid #999; }
.maps figcaption { font-size: 5.7pt; line-height: 1.15; }
.src { color: #555; font-size: 5.6pt; margin: 0.3mm 0 0; }
.banned { background: #f6c9c9; } .contested { background: #ecd3f0; } .permitted { background: #d3ecd5; }
.out-of-scope { color: #777; } .violation { background: #f6c9c9; } .compliant { background: #d3ecd5; }
.unverified, .disputed { background: #ecd3f0; } .suspended { background: #f7ecc0; } .not-in-force { color: #777; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm; }
.cols img { width: 100%; display: block; }
footer { margin-top: 1.2mm; font-size: 5.4pt; color: #444; }
"""


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_CSS}</style></head><body>{body}</body></html>\n")


def _strike(catalog: Catalog, d: Deployment) -> bool:
    s = catalog.systems.get(d.system or "")
    return s is not None and s.type in STRIKE_TYPES and bool(s.ranges_km)


def _extent(layers: Sequence[MapLayer]) -> tuple[float, float, float, float]:
    from moratorium.geo.rings import range_ring

    xs, ys = [], []
    for layer in layers:
        for part in range_ring(layer.lat, layer.lon, layer.range_km, n_vertices=90).parts:
            xs += [p[0] for p in part]
            ys += [p[1] for p in part]
    if not xs:
        return (-25.0, 150.0, -5.0, 78.0)
    return (max(-30.0, min(xs)), min(160.0, max(xs)), max(-15.0, min(ys)), min(80.0, max(ys)))


def _capital_points(held: set[str]) -> list[tuple[str, float, float, bool]]:
    from moratorium.geo.targets import load_targets

    return [(t.name, t.lat, t.lon, f"{t.name}/{t.country}" in held) for t in load_targets("capitals").targets]


def _by_item(dep_ids: Sequence[str]) -> str:
    """``["a/9m729", "b/9m729", "c/x"]`` -> ``"9m729 at a, b; x at c"`` (deployment ids are SITE/ITEM[/...])."""
    groups: dict[str, list[str]] = {}
    for dep in dep_ids:
        site, _, item = dep.partition("/")
        groups.setdefault(item, []).append(site)
    return "; ".join(f"{item} at {', '.join(sites)}" for item, sites in groups.items())


def _warnings_cell(ws: Sequence[dict[str, Any]]) -> str:
    groups: dict[tuple[str, str], list[str]] = {}
    for w in ws:
        groups.setdefault((w["from"], w["profile"]), []).append(f"{w['capital'].split('/')[0]} {w['minutes']:.1f}")
    return "; ".join(f"{', '.join(caps)} min from {src} ({profile})" for (src, profile), caps in groups.items())


def _constrains(t: Treaty) -> str:
    """One line: who may not do what, where (obligations grouped by kind, activity, items and zone)."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for ob in t.obligations:
        bands = [t.item_class(c).band for c in ob.item_classes]
        items = ", ".join([*ob.systems, *ob.launcher_classes]
                          + ([f"INF-band {min(b.min_km for b in bands):g}-{max(b.max_km for b in bands):g} km"]
                             if bands else [])) or (ob.category or "")
        zone = t.zone(ob.zone).name + (f" in reach of {ob.reach_of}" if ob.reach_of else "")
        groups.setdefault((ob.kind, ob.activity, items, zone), []).append(ob.party)
    return "; ".join(f"{'+'.join(dict.fromkeys(ps))}: {kind} {activity} {items} ({zone})"
                     for (kind, activity, items, zone), ps in groups.items())


def briefing_html(c: Comparison, *, catalog: Catalog | None = None) -> str:
    """The comparison as one printable A4 page (maps embedded as PNG)."""
    catalog = catalog or c.catalog or load_catalog()
    doc: dict[str, Any] = c.to_json()
    ids = [t.id for t in c.treaties]
    all_layers: dict[str, list[MapLayer]] = {}
    for tr in c.treaties:
        layers = []
        for d in c.deployments:
            if not _strike(catalog, d):
                continue
            claim = reading_claim(catalog.systems[d.system or ""], "longest")
            per_claim = {r["claim"]: r["status"] for r in c.status[(d.id, tr.id)].claims}
            layers.append(MapLayer(d.place.lat, d.place.lon, claim.value, d.id,
                                   per_claim.get(claim.id) == "banned"))
        all_layers[tr.id] = layers
    extent = _extent([x for ls in all_layers.values() for x in ls])
    cols = min(len(ids), 4)
    figures = []
    for tr in c.treaties:
        by = doc["reach"][tr.id]["by_reading"]
        held = {x for side in by["longest"].values() for x in side["held_after"]}
        png = small_map(all_layers[tr.id], extent=extent, title=f"{tr.id}: what it removes",
                        capitals=_capital_points(held), width_in=7.6 / cols, height_in=0.64 * 7.6 / cols)
        banned = sum(1 for d in c.deployments if c.status[(d.id, tr.id)].status == "banned")
        removed = sum(len(s["removed"]) for s in by["longest"].values())
        before = sum(len(s["held_before"]) for s in by["longest"].values())
        removed_lo = sum(len(s["removed"]) for s in by["shortest"].values())
        figures.append(f"<figure>{_img(png, f'map of what {tr.id} removes')}<figcaption><b>{escape(tr.name)}</b>: "
                       f"bans {banned} deployment(s); takes {removed} of {before} side-capital pairs out of reach "
                       f"(longest claims; {removed_lo} on the shortest). <i>Constrains:</i> "
                       f"{escape(_constrains(tr))}.</figcaption></figure>")
    head = "".join(f"<th>{escape(t)}</th>" for t in ids)
    rows = []
    nowhere = [d["id"] for d in doc["deployments"]
               if all(d["by_treaty"][t]["status"] == "out-of-scope" for t in ids)]
    # deployments of one item whose row would read the same under every treaty share a row ("9m729 at a, b")
    grouped: dict[tuple[str, str, bool, tuple[tuple[str, str], ...]], list[str]] = {}
    for d in doc["deployments"]:
        if d["id"] in nowhere:
            continue
        cells = []
        for t in ids:
            st = d["by_treaty"][t]
            split = ""
            if st["status"] == "contested":
                yes = sorted({r["claimant"] for r in st["claims"] if r["status"] == "banned"})
                split = f": banned on {', '.join(yes)}" if yes else ""
            cells.append((st["status"], st["status"] + split))
        item = d["id"].partition("/")[2]
        grouped.setdefault((item, d["party"], bool(d["established"]), tuple(cells)), []).append(d["id"])
    for (_, party, established, row_cells), dep_ids in grouped.items():
        tag = "" if established else " <i>(alleged)</i>"
        tds = "".join(f'<td class="{escape(cls)} nw">{escape(text)}</td>' for cls, text in row_cells)
        rows.append(f"<tr><td>{escape(_by_item(dep_ids))}{tag}</td><td>{escape(party)}</td>{tds}</tr>")
    reach_rows = []
    for t in ids:
        by = doc["reach"][t]["by_reading"]
        for side, hi in by["longest"].items():
            lo = by["shortest"][side]
            names = ", ".join(x.split("/")[0] for x in hi["removed"][:5]) + (" …" if len(hi["removed"]) > 5
                                                                            else "")
            reach_rows.append(f"<tr><td class=\"nw\">{escape(t)}</td><td>{escape(side)}</td>"
                              f"<td>{len(lo['held_before'])} → {len(lo['held_after'])}</td>"
                              f"<td>{len(hi['held_before'])} → {len(hi['held_after'])}</td>"
                              f"<td>{hi['population_removed']:,}</td><td>{escape(names)}</td></tr>")
    warn_rows = []
    for t in ids:
        ws = sorted((w for ws in doc["warning"][t]["longest"].values() for w in ws), key=lambda w: w["minutes"])
        cell = _warnings_cell(ws[:3]) or "no capital of another party in reach"
        warn_rows.append(f"<tr><td class=\"nw\">{escape(t)}</td><td>{escape(cell)}</td></tr>")
    ver_rows = []
    for t in ids:
        # zones no inspection right reaches (no visit, no site) share one row per treaty
        idle = [v for v in doc["verification"][t] if not v["covered_sites"] and not v["visits_per_year"]]
        for v in doc["verification"][t]:
            if v in idle:
                continue
            ver_rows.append(
                f"<tr><td class=\"nw\">{escape(t)}</td><td>{escape(v['party'])}</td><td>{escape(v['zone'])}</td>"
                f"<td>{len(v['covered_sites'])}/{len(v['known_sites'])} "
                f"({100 * v['known_share']:.0f}%): {escape(', '.join(v['covered_sites']) or 'none')}</td>"
                f"<td>{100 * v['declared_share']:.0f}% of {len(v['declared_sites'])}</td>"
                f"<td>{v['visits_per_year']}</td><td>{v['inspector_days_per_year']:g}</td>"
                f"<td>{v['detection_probability_1y']:.1%}</td></tr>")
        if idle:
            zones = ", ".join(f"{v['party']} {v['zone']} (0/{len(v['known_sites'])} known, "
                              f"{len(v['declared_sites'])} declared)" for v in idle)
            ver_rows.append(f"<tr><td class=\"nw\">{escape(t)}</td><td colspan=\"4\">no inspection right reaches: "
                            f"{escape(zones)}</td><td>0</td><td>0</td><td>{0.0:.1%}</td></tr>")
    readings = []
    for t in doc["treaties"]:
        by_split: dict[tuple[str, ...], list[str]] = {}
        for r in t["readings"]:
            if r["reading"] == "claims":
                dep = next(d for d in doc["deployments"] if d["id"] == r["deployment"])
                rows_t = dep["by_treaty"][t["id"]]["claims"]
                claims_for = tuple(sorted({x["claimant"] for x in rows_t if x["status"] == "banned"}))
                by_split.setdefault(claims_for, []).append(r["deployment"])
        for claims_for, dep_ids in by_split.items():
            readings.append(f"<li>{escape(t['id'])}: {escape(_by_item(dep_ids))} banned only on "
                            f"{escape(', '.join(claims_for) or 'no single')} claims</li>")
        for r in t["readings"]:
            if r["reading"] == "claims":
                continue
            else:
                readings.append(f"<li>{escape(t['id'])}: {escape(r['deployment'])} {escape(r['from'])} → "
                                f"{escape(r['to'])} if {escape(r['reading'])}</li>")
    systems = sorted({d.system for d in c.deployments if d.system})
    claim_src = "; ".join(f"{s}: " + ", ".join(f"{k.claimant} {k.value:g}" for k in catalog.systems[s].ranges_km[:6])
                          for s in systems if catalog.systems[s].ranges_km)
    treaty_src = "; ".join(f"{t.id} — " + ", ".join(f"{s.id} {s.title[:48]}" for s in t.sources[:4])
                           for t in c.treaties)
    assumptions = doc["verification"][ids[0]][0]["assumptions"] if doc["verification"][ids[0]] else []
    body = f"""
<h1>Proposals side by side: {escape(', '.join(ids))}</h1>
<p>{escape(c.scenario.name)}: the {len(c.deployments)} deployments of the record on <b>{escape(c.date)}</b>,
each treaty's terms applied as if in force for every party. Status per deployment: banned by every counted claim,
contested (some claims), permitted (in scope, not banned there) or out of scope.</p>
<div class="maps" style="--cols:{cols}">{''.join(figures)}</div>
<p class="src">Maps: {escape(MAP_SOURCES)}; each ring is the system's longest counted range claim.</p>
<h2>Which deployments each treaty would ban</h2>
<table><tr><th>deployment</th><th>party</th>{head}</tr>{''.join(rows)}</table>
<p class="src">Out of scope of every treaty compared: {escape(', '.join(nowhere) or 'none')}.</p>
<p class="src">Source: the scenario's signed log ({escape(c.scenario.path)}) replayed to {escape(c.date)};
classification by moratorium.regime.matching over the range and capability claims of catalog/data/*.yaml.</p>
<h2>Foreign capitals each side holds in reach, before → after the bans</h2>
<table><tr><th>treaty</th><th>side</th><th>shortest claims</th><th>longest claims</th><th>people removed</th>
<th>capitals removed (longest claims)</th></tr>{''.join(reach_rows)}</table>
<p class="src">Source: GeoNames national capitals within each claim's range (WGS84 geodesics, pyproj/Karney);
own side and host country left out.</p>
<div class="cols"><div>
<h2>Shortest warning left to the other parties' capitals</h2>
<table><tr><th>treaty</th><th>capital, minutes, profile, from</th></tr>{''.join(warn_rows)}</table>
<p class="src">Source: moratorium.geo.flight (Keplerian minimum-energy/depressed, boost-glide and cruise at
sourced speeds; no boost phase), longest claims.</p>
</div><div>
<h2>Readings that change a status</h2><ul style="margin:0;padding-left:3mm">{''.join(readings) or '<li>none</li>'}</ul>
</div></div>
<h2>Verification: the pledged zone's known sites the inspection rights reach</h2>
<table><tr><th>treaty</th><th>party</th><th>zone</th><th>known sites reached</th><th>declared</th><th>visits/yr</th>
<th>inspector-days</th><th>P(detect in 1 y)</th></tr>{''.join(ver_rows)}</table>
<p class="src">Source: each treaty's verification.inspections (quota year 1; team 10 and 24 h where unset, as
INF); assurance exact (moratorium.assurance.model): {escape('; '.join(assumptions[:4]))}.</p>
<footer><b>Sources.</b> Treaties: {escape(treaty_src)}. Range claims (km): {escape(claim_src)}.</footer>
"""
    return _page(f"moratorium compare {' '.join(ids)}", body)


def _write_html_pdf(out_dir: Path, name: str, html: str) -> list[Path]:
    from moratorium.analysis._pdf import print_pdf

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("exists and is not a directory", file=str(out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        page = out_dir / f"{name}.html"
        page.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(out_dir)) from exc
    written = [page]
    pdf = print_pdf(page, out_dir / f"{name}.pdf")
    if pdf is not None:
        written.append(pdf)
    return written


def write_briefing(c: Comparison, out_dir: Path) -> list[Path]:
    """Write ``briefing.html`` and, when Chromium is available, ``briefing.pdf`` into ``out_dir``."""
    return _write_html_pdf(out_dir, "briefing", briefing_html(c))


def brief_html(scenario: Scenario, *, at: str | None = None, catalog: Catalog | None = None) -> str:
    """The state of ``scenario``'s record on ``at`` as one printable A4 page: deployments, verdicts with what
    would change them, contested claims, and a reach and warning-time map."""
    from moratorium.geo.geodesy import distance_km
    from moratorium.geo.targets import load_targets
    from moratorium.regime.claims import view
    from moratorium.regime.compliance import evaluate

    base = catalog or load_catalog()
    treaty = scenario.treaty
    date, st, deps = deployments_at(scenario, at)
    catalog = view(base, st.claims, None)  # the record decides: the claims signed by the date
    reach_fn = None
    if any(ob.kind == "reach-ban" for ob in treaty.obligations):
        from moratorium.geo.territory import TerritoryDistance

        reach_fn = TerritoryDistance()
    verdicts = evaluate(treaty, st, catalog=base, reach=reach_fn)
    v_rows: list[str] = []
    contested: dict[tuple[str, str], str] = {}
    for v in verdicts:
        ifs = "; ".join(dict.fromkeys(f"{dep.status_if} if {dep.kind} {dep.subject} holds"
                                      for dep in v.depends_on if dep.status_if))
        views = ", ".join(f"{p}: {s}" for p, s in v.perspectives.items())
        v_rows.append(f'<tr><td>{escape(v.party)}</td><td>{escape(v.obligation)}</td>'
                      f'<td class="{escape(v.status)}">{escape(v.status)}</td><td>{escape(views) or "-"}</td>'
                      f"<td>{escape(v.reason[:160])}</td>"
                      f"<td>{escape(ifs) or '-'}</td><td>{escape(', '.join(map(str, v.evidence)) or '-')}</td></tr>")
        for dep in v.depends_on:
            if dep.status_if:
                contested.setdefault((dep.kind, dep.subject), dep.detail)
    d_rows = []
    for d in deps:
        d_rows.append(f"<tr><td>{escape(d.id)}</td><td>{escape(d.party)}</td><td>{d.count}</td>"
                      f"<td>{'established' if d.established else 'alleged'} ({escape(d.source_kind)})</td>"
                      f"<td>{escape(d.source or 'entries ' + ', '.join(map(str, d.evidence)))}</td></tr>")
    capitals = load_targets("capitals").targets
    layers: list[MapLayer] = []
    best: dict[str, tuple[float, str, str, str]] = {}
    for d in deps:
        if not _strike(catalog, d):
            continue
        system = catalog.systems[d.system or ""]
        claim = reading_claim(system, "longest")
        layers.append(MapLayer(d.place.lat, d.place.lon, claim.value, d.id, False))
        party = treaty_party(treaty, d)
        own = set(party.territory) if party else set()
        targets = [t for t in capitals if any(t.country in p.territory for p in treaty.parties)
                   and t.country not in own]
        if not targets:
            continue
        dist = distance_km(d.place.lat, d.place.lon, [t.lat for t in targets], [t.lon for t in targets])
        for t, km in zip(targets, dist, strict=True):
            if float(km) > claim.value:
                continue
            profiles = warning_minutes(system, float(km))
            if not profiles:
                continue
            p = min(profiles, key=lambda x: x.minutes)
            key = f"{t.name}/{t.country}"
            if key not in best or p.minutes < best[key][0]:
                best[key] = (p.minutes, p.profile, d.id, claim.id)
    png = small_map(layers, extent=_extent(layers), title=f"{scenario.id}: reach on {date} (longest claims)",
                    capitals=_capital_points(set(best)), width_in=3.8, height_in=2.5,
                    legend="rings: longest counted range claim of each deployment; blue squares: the parties' "
                           "capitals in reach")
    w_rows = "".join(f"<tr><td>{escape(k.split('/')[0])}</td><td>{m:.1f}</td><td>{escape(prof)}</td>"
                     f"<td>{escape(dep)} ({escape(cl)})</td></tr>"
                     for k, (m, prof, dep, cl) in sorted(best.items(), key=lambda kv: kv[1][0])[:10])
    c_rows = "".join(f"<li><b>{escape(k)} {escape(s)}</b>: {escape(detail[:200])}</li>"
                     for (k, s), detail in list(contested.items())[:6])
    body = f"""
<h1>The record on {escape(date)}: {escape(scenario.name)}</h1>
<p>Treaty <b>{escape(treaty.id)}</b> ({escape(treaty.name)}); {st.size} signed entries up to {escape(date)}.
Verdicts by moratorium.regime.compliance (same log, same verdict), jointly and as each party reads the claims
it signed; a verdict turns on a claim where "would be" says so.</p>
<h2>Verdicts, and what would change them</h2>
<table><tr><th>party</th><th>obligation</th><th>status</th><th>as each party reads the record</th><th>why</th>
<th>would be</th><th>evidence</th></tr>
{''.join(v_rows)}</table>
<h2>Deployments</h2>
<table><tr><th>deployment</th><th>party</th><th>count</th><th>standing</th><th>source</th></tr>{''.join(d_rows)}</table>
<p class="src">Source: the scenario's entries ({escape(scenario.path)}), each with its public sources.</p>
<div class="cols" style="grid-template-columns: 1.3fr 1fr"><div>{_img(png, 'reach and warning map')}
<p class="src">{escape(MAP_SOURCES)}. Blue squares: the parties' capitals in reach.</p></div><div>
<h2>Shortest warning to the parties' capitals</h2>
<table><tr><th>capital</th><th>min</th><th>profile</th><th>from (claim)</th></tr>{w_rows}</table>
<p class="src">Source: moratorium.geo.flight; longest range claims; no boost phase.</p></div></div>
<h2>Contested claims</h2><ul style="margin:0;padding-left:3mm">{c_rows or '<li>none</li>'}</ul>
<footer><b>Sources.</b> Treaty: {escape('; '.join(f'{s.id} {s.title}' for s in treaty.sources))}.</footer>
"""
    return _page(f"moratorium brief {scenario.id} {date}", body)


def brief(scenario: Scenario, out_dir: Path, *, at: str | None = None) -> list[Path]:
    """Write ``brief.html`` and, when Chromium is available, ``brief.pdf`` into ``out_dir``."""
    return _write_html_pdf(out_dir, "brief", brief_html(scenario, at=at))
