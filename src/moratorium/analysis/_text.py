"""Plain-text rendering of a comparison and of warning times (rich tables; views only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from moratorium.analysis.compare import Comparison
    from moratorium.analysis.warning import WarningResult
    from moratorium.geo.flight import FlightProfile

__all__ = ["render_comparison", "render_warning"]

_STYLE = {"banned": "bold red", "contested": "magenta", "permitted": "green", "out-of-scope": "dim"}


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def render_comparison(con: Console, c: Comparison) -> None:
    from rich.table import Table

    doc: dict[str, Any] = c.to_json()
    ids = [t.id for t in c.treaties]
    con.print(f"[bold]{c.scenario.name}[/bold] — deployments on {c.date}, under "
              + ", ".join(ids) + " (each treaty's terms applied as if in force for every party)")
    what = Table(title="What each treaty constrains")
    for col in ("treaty", "party", "kind", "activity", "items", "zone"):
        what.add_column(col, overflow="fold")
    for t in doc["treaties"]:
        for ob in t["constrains"]:
            items = ", ".join([f"{c['id']} {c['range']}" for c in ob["item_classes"]] + ob["systems"]
                              + ob["launcher_classes"]) or (ob["category"] or "")
            zone = ob["zone"]["name"] + (f" (within reach of {ob['reach_of']})" if ob["reach_of"] else "")
            what.add_row(t["id"], ob["party"], ob["kind"], ob["activity"], items, zone)
        for r in t["reciprocity"]:
            what.add_row(t["id"], r["party"], "reciprocity", "deploy", f"suspends {', '.join(r['suspends'])}",
                         r["zone"])
    con.print(what)
    table = Table(title="Which deployments each treaty would ban", show_lines=False)
    table.add_column("deployment")
    table.add_column("party")
    for t in ids:
        table.add_column(t)
    for d in doc["deployments"]:
        cells = []
        for t in ids:
            s = d["by_treaty"][t]["status"]
            cells.append(f"[{_STYLE.get(s, '')}]{s}[/]")
        tag = "" if d["established"] else " (alleged)"
        table.add_row(d["id"] + tag, d["party"], *cells)
    con.print(table)
    reach = Table(title="Foreign capitals in reach: before → after the treaty's bans (shortest / longest claims)")
    for col in ("treaty", "side", "shortest", "longest", "removed (longest)"):
        reach.add_column(col, overflow="fold")
    for t in ids:
        by = doc["reach"][t]["by_reading"]
        for side in by["longest"]:
            lo, hi = by["shortest"][side], by["longest"][side]
            removed = ", ".join(x.split("/")[0] for x in hi["removed"][:8]) + (" …" if len(hi["removed"]) > 8
                                                                             else "")
            reach.add_row(t, side, f"{len(lo['held_before'])} → {len(lo['held_after'])}",
                          f"{len(hi['held_before'])} → {len(hi['held_after'])}",
                          f"{len(hi['removed'])} ({hi['population_removed']:,} people) {removed}")
    con.print(reach)
    warn = Table(title="Shortest warning to the other parties' capitals from what each treaty leaves in place "
                       "(longest claims)")
    for col in ("treaty", "capital", "minutes", "profile", "from"):
        warn.add_column(col)
    for t in ids:
        rows = [w for ws in doc["warning"][t]["longest"].values() for w in ws]
        rows.sort(key=lambda w: w["minutes"])
        if not rows:
            warn.add_row(t, "none in reach", "", "", "")
        for w in rows[:5]:
            warn.add_row(t, w["capital"].split("/")[0], f"{w['minutes']:.1f}", w["profile"],
                         f"{w['from']} ({w['claim']})")
    con.print(warn)
    ver = Table(title="Verification: share of the pledged zone's sites the inspection rights reach")
    for col in ("treaty", "party", "zone", "known sites", "declared", "visits/yr", "inspector-days", "P(detect, 1 y)"):
        ver.add_column(col, overflow="fold")
    for t in ids:
        for v in doc["verification"][t]:
            ver.add_row(t, v["party"], v["zone"],
                        f"{len(v['covered_sites'])}/{len(v['known_sites'])} ({_pct(v['known_share'])}): "
                        + (", ".join(v["covered_sites"]) or "none"),
                        f"{_pct(v['declared_share'])} of {len(v['declared_sites'])}", str(v["visits_per_year"]),
                        f"{v['inspector_days_per_year']:g}", f"{v['detection_probability_1y']:.1%}")
    con.print(ver)
    con.print("Assurance assumes: " + "; ".join(doc["verification"][ids[0]][0]["assumptions"][:4])
              if doc["verification"][ids[0]] else "")
    for t in doc["treaties"]:
        for r in t["readings"]:
            if r["reading"] == "claims":
                split = ", ".join(f"{k}: {v}" for k, v in r["by_claim"].items())
                con.print(f" • {t['id']}: {r['deployment']} turns on the range claim ({split})")
            else:
                con.print(f" • {t['id']}: {r['deployment']} is {r['from']}; with {r['reading']} it would be "
                          f"{r['to']}")


def render_warning(con: Console, w: WarningResult) -> None:
    from rich.table import Table

    table = Table(title=f"Warning from {w.site.name} ({w.system.name}, {w.system.type})")
    for col in ("target", "km", "claim", "in reach", "profile: minutes"):
        table.add_column(col, overflow="fold")
    for r in w.rows:
        table.add_row(f"{r.target} ({r.country})", f"{r.distance_km:,.0f}",
                      f"{r.claimant} {r.claim}: {r.range_km:g} km", "yes" if r.in_reach else "no",
                      "; ".join(f"{p.profile} {p.minutes:.1f}" for p in r.profiles))
    con.print(table)
    seen: dict[str, FlightProfile] = {}
    for r in w.rows:
        for p in r.profiles:
            seen.setdefault(p.profile, p)
    for name, p in seen.items():
        con.print(f"[bold]{name}[/bold]: " + "; ".join(p.assumptions)
                  + (f" [speed: {p.speed_source}]" if p.speed_source else ""))
