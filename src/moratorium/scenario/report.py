"""The run report: what the terminal says, on one page that prints on A4 — the verdicts with their perspectives,
basis and what they depend on, the checkpoint and whether the log verifies, the inspections' caught-or-not
headline with its exact odds, a verdict timeline chart (``scenario._timeline``) and the reach of every deployed
or alleged missile, per range claim.

Views only (``DESIGN.md``): the maps come from ``moratorium.geo.maps`` (matplotlib PNG, self-contained Leaflet
HTML) and the figures from ``moratorium.geo.reach``; nothing here decides a verdict. One ring is drawn per range
claim of each system reported at a site (interceptors and air-defence missiles are left out: their range is not a
reach to ground targets), so the reader sees where the answer depends on whose claim is believed.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moratorium.geo.reach import ReachResult
    from moratorium.scenario.run import RunResult

__all__ = ["timeline_json", "write_report"]

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


def timeline_json(result: RunResult) -> list[dict[str, Any]]:
    """The run's timeline with each change carrying its verdict's JSON keys (``perspectives``, ``basis`` and
    ``depends_on`` when the verdict has them)."""
    out = []
    for step in result.steps:
        item: dict[str, Any] = dict(step.to_json())
        changes = []
        for change, (_, new) in zip(item["changes"], step.changes, strict=True):
            v = new.to_json()
            changes.append({**change, **{k: v[k] for k in ("perspectives", "basis", "depends_on") if k in v}})
        item["changes"] = changes
        out.append(item)
    return out


def _status(status: str) -> str:
    return f'<span class="status status-{escape(status)}">{escape(status)}</span>'


def _perspectives(v: dict[str, Any]) -> str:
    persp = v.get("perspectives")
    if not isinstance(persp, dict) or not persp:
        return "—"
    return "<br>".join(f"{escape(str(p))}: {_status(str(s))}" for p, s in persp.items())


def _deps(deps: list[dict[str, Any]]) -> str:
    return "<br>".join(
        f"{escape(d['kind'])}: {escape(d['subject'])}"
        + (f" <em>(else {escape(str(d['status_if']))})</em>" if d.get("status_if") else "") for d in deps) or "—"


def _verification(out_dir: Path, result: RunResult) -> str:
    """The checkpoint and whether the written log verifies (re-checked here, from the file)."""
    import base64 as b64

    from moratorium.errors import Error
    from moratorium.ledger.checkpoint import Checkpoint, SignedNote

    note_path, log_path = out_dir / "checkpoint.txt", out_dir / "log.sqlite"
    if not note_path.exists() or not log_path.exists():
        return "<p>No log was written with this report.</p>"
    try:
        signed = SignedNote.parse(note_path.read_text())
        cp = Checkpoint.parse(signed.text)
    except Error as exc:
        return f'<p class="bad">checkpoint.txt does not parse: {escape(str(exc))}</p>'
    signers = [s.name for s in signed.signatures]
    try:
        from moratorium.ledger.audit import verify_log

        report = verify_log(str(log_path), keyring=result.keyring)
        verdict = (f'<span class="ok">verifies</span>: {report.size} entries, every signature, the Merkle root and '
                   f"the checkpoint" + (f", cosigned by {escape(', '.join(report.cosigners))}"
                                        if report.cosigners else ", not cosigned"))
    except Error as exc:
        verdict = f'<span class="bad">does NOT verify</span>: {escape(str(exc))}'
    return (f"<p>Checkpoint <code>{escape(cp.origin)}</code> at size {cp.size}, root "
            f"<code>{b64.b64encode(cp.root).decode()}</code>, signed by {escape(signers[0])}"
            f"{', cosigned by ' + escape(', '.join(signers[1:])) if len(signers) > 1 else ''}. The log {verdict}. "
            f"Check it yourself: <code>moratorium log verify log.sqlite --keys keys.json</code>.</p>")


def _inspections(result: RunResult) -> str:
    from fractions import Fraction

    rows = []
    for c in result.scenario.covert:
        odds = Fraction(c.detection_probability).limit_denominator(100_000)
        exact = f" = {odds.numerator}/{odds.denominator}" if odds.denominator > 1 else ""
        visits = "; ".join(f"{escape(i)} drew {escape(', '.join(d) or 'nothing')}" for i, d in c.visits)
        head = (f'<strong class="bad">CAUGHT</strong> by {escape(c.caught_by)}' if c.caught_by
                else "<strong>NOT caught</strong>")
        rows.append(f'<p class="headline">{head}: {escape(c.party)} hid {escape(c.system)} in '
                    f"{escape(', '.join(c.units))} at {escape(c.site)} from {escape(c.start)} until "
                    f"{escape(c.until)}. The regime's odds of catching it: <strong>{c.detection_probability:.1%}"
                    f"{exact}</strong> (exact hypergeometric over the visits in that window: "
                    f"{visits or 'no inspection'}).</p>")
    return "".join(rows)


_CSS = """body{font:14px sans-serif;margin:2em;color:#111} table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left} th{background:#f3f3f3}
.status{padding:0 4px;border-radius:3px;color:#fff;white-space:nowrap}
.status-compliant{background:#2e8b57}.status-violation{background:#c0392b}.status-suspended{background:#e0a800}
.status-unverified{background:#9b59b6}.status-needs-analysis{background:#17a2b8}
.status-not-in-force{background:#9e9e9e} .ok{color:#2e7d32;font-weight:bold} .bad{color:#b71c1c;font-weight:bold}
code{font-size:90%;word-break:break-all} img{max-width:100%} tr:target{background:#fff6c0}
@media print{@page{size:A4;margin:14mm} body{margin:0;font-size:9.5pt} a{color:inherit;text-decoration:none}
h2{break-after:avoid} tr,img,svg,.headline{break-inside:avoid} img{max-height:240mm}
.screen-only{display:none}}"""


def write_report(result: RunResult, out_dir: Path) -> list[Path]:
    """Write ``map-<system>.png`` (shortest and longest claim per site), ``map.html`` (every claim, interactive),
    ``timeline.png`` and ``timeline.csv`` (the verdict timeline) and ``report.html``, which embeds the chart and
    the PNGs and links the HTML map."""
    from moratorium.geo.maps import layers_from_results, render_html, render_png, system_name
    from moratorium.scenario import _timeline

    results = _reach_results(result)
    sites, rings, hits = layers_from_results(results)
    title = f"{result.scenario.name}: reach per range claim"
    render_html(out_dir / "map.html", sites=sites, rings=rings, targets=hits, title=title)
    written = [out_dir / "map.html"]
    images = []
    for system, subset in sorted(_extremes(results).items()):
        s_sites, s_rings, s_hits = layers_from_results(subset)
        path = out_dir / f"map-{system}.png"
        name = system_name(system) or system
        png = render_png(path, sites=s_sites, rings=s_rings, targets=s_hits,
                         title=f"{name}: shortest and longest range claim at each site")
        images.append(f'<h3>{escape(name)}</h3><img alt="reach of {escape(name)}" '
                      f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')
        written.append(path)
    steps = timeline_json(result)
    lanes = _timeline.lanes(steps)
    svg = _timeline.timeline_svg(lanes, href=lambda span, lane: f"#entry-{span.seq}")
    _timeline.timeline_png(lanes, out_dir / "timeline.png")
    (out_dir / "timeline.csv").write_text(_timeline.timeline_csv(steps), encoding="utf-8", newline="")
    (out_dir / "timeline.csvt").write_text(_timeline.CSVT + "\n", encoding="utf-8")  # column types for GDAL
    written += [out_dir / "timeline.png", out_dir / "timeline.csv", out_dir / "timeline.csvt"]
    rows = []
    for step, item in zip(result.steps, steps, strict=True):
        changes = "<br>".join(f"{escape(c['party'])} {escape(c['obligation'])}: {escape(c['from'] or '-')} → "
                              f"{_status(c['to'])}" for c in item["changes"])
        unique = {(d["kind"], d["subject"]): d for c in item["changes"] for d in c.get("depends_on") or []}
        deps = _deps(sorted(unique.values(), key=lambda d: (d["kind"], d["subject"])))
        rows.append(f'<tr id="entry-{step.seq}"><td>{step.seq}</td><td>{escape(step.date)}</td>'
                    f"<td>{escape(step.author)}</td><td>{escape(step.action)}</td><td>{changes}</td>"
                    f"<td>{deps}</td></tr>")
    verdict_rows = []
    for verdict in result.verdicts:
        v = verdict.to_json()
        evidence = " ".join(f'<a href="#entry-{e}">{e}</a>' for e in v["evidence"]) or "—"
        basis = v.get("basis")
        verdict_rows.append(
            f'<tr class="verdict"><td>{escape(v["party"])}</td><td>{escape(v["obligation"])}</td>'
            f"<td>{_status(v['status'])}</td><td>{_perspectives(v)}</td>"
            f"<td>{escape(str(basis)) if basis else '—'}</td><td>{evidence}</td>"
            f"<td>{_deps(v.get('depends_on') or [])}</td><td>{escape(v.get('reason') or '')}</td></tr>")
    contested = {(d.kind, d.subject): d for s in result.steps for _, v in s.changes for d in v.depends_on
                 if d.status_if}
    contested_html = "".join(f"<li><strong>{escape(d.kind)} {escape(d.subject)}</strong> (would make it "
                             f"{_status(d.status_if or '')}): {escape(d.detail)}</li>" for d in contested.values())
    reach_rows = "".join(
        f"<tr><td>{escape(r.site.name)}</td><td>{escape(system_name(r.choice.system) or '')}</td>"
        f"<td>{escape(r.choice.claim or '')} ({escape(r.choice.claimant or '')})</td>"
        f"<td>{r.choice.range_km:,.0f}</td><td>{len(r.hits)}</td></tr>"
        for r in results)
    inspections = _inspections(result)
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(result.scenario.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head><body>
<h1>{escape(result.scenario.name)}</h1>
<p>Treaty <code>{escape(result.scenario.treaty.id)}</code>; {len(result.entries)} signed entries.
<span class="screen-only">Interactive map (offline): <a href="map.html">map.html</a>; the timeline as
<a href="timeline.png">PNG</a> and <a href="timeline.csv">CSV</a>.</span></p>
<h2>The record</h2>
{_verification(out_dir, result)}
{"<h2>Inspections</h2>" + inspections if inspections else ""}
<h2>Verdicts at the end of the log</h2>
<table class="verdicts"><tr><th>party</th><th>obligation</th><th>status</th><th>perspectives</th><th>basis</th>
<th>evidence</th><th>depends on</th><th>why</th></tr>{"".join(verdict_rows)}</table>
{"<h2>Where a verdict turns on a contested claim</h2><ul>" + contested_html + "</ul>" if contested_html else ""}
<h2>Verdicts over time</h2>
<p>One lane per party and obligation (per perspective where the parties' views differ); each dot is the entry
that changed the verdict and links to it below.</p>
{svg}
<h2>Timeline of verdict changes</h2>
<table class="timeline"><tr><th>seq</th><th>date</th><th>by</th><th>action</th><th>changes</th><th>depends on</th></tr>
{"".join(rows)}</table>
<h2>Reach per claim (national capitals in range)</h2>
<table><tr><th>site</th><th>system</th><th>claim</th><th>range km</th><th>capitals</th></tr>{reach_rows}</table>
{"".join(images)}
</body></html>
"""
    (out_dir / "report.html").write_text(html, encoding="utf-8")
    return [*written, out_dir / "report.html"]
