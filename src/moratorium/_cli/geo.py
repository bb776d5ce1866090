"""CLI commands of the ``geo`` domain (registered by ``moratorium.cli``): ``reach``, ``reach diff``, ``map``,
``zones which`` and ``zones sensitivity``.

Only typer is imported at module level; numpy, pyproj, shapely and matplotlib load inside the commands.
Coordinates are ``LAT,LON`` in decimal degrees; a negative latitude needs no ``--``
(``moratorium zones which -15.4,130.3``).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from moratorium._cli._common import TableFormat

if TYPE_CHECKING:
    from moratorium.geo.reach import RangeChoice, ReachResult

__all__ = ["register"]


class ReachFormat(StrEnum):
    """``--format`` of ``moratorium reach``."""

    table = "table"
    json = "json"
    geojson = "geojson"
    kml = "kml"
    csv = "csv"


class TargetSet(StrEnum):
    """``--targets``: national capitals, or capitals and every place of 15,000+ people."""

    capitals = "capitals"
    cities = "cities"


SiteOpt = Annotated[str | None, typer.Option("--site", help="catalogue site id or LAT,LON")]
SystemOpt = Annotated[str | None, typer.Option("--system", help="catalogue system id (e.g. 9m729)")]
TargetsOpt = Annotated[TargetSet, typer.Option("--targets", help="capitals or cities (>= 15,000 people)")]
MinPopOpt = Annotated[int, typer.Option("--min-population", help="keep targets with at least N people")]


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _reach_table(result: ReachResult) -> None:
    from rich.table import Table

    from moratorium._cli._common import console

    site = result.site
    table = Table(title=f"{site.name} ({site.lat:g}, {site.lon:g}): {result.choice.label}, "
                        f"{len(result.hits)} {result.targets} in range, population {result.population:,}")
    for col in ("name", "country", "population", "capital", "distance_km", "flight_time_min"):
        table.add_column(col, justify="right" if col not in {"name", "country"} else "left")
    for h in result.hits:
        table.add_row(h.name, h.country, f"{h.population:,}", "yes" if h.is_capital else "",
                      f"{h.distance_km:,.3f}", "" if h.flight_time_min is None else f"{h.flight_time_min:.1f}")
    console().print(table)


def _render_reach(result: ReachResult, fmt: ReachFormat) -> None:
    from moratorium._cli._common import print_json
    from moratorium.geo import export

    if fmt is ReachFormat.json:
        print_json(result.as_records())
    elif fmt is ReachFormat.geojson:
        print_json(export.to_geojson(result))
    elif fmt is ReachFormat.kml:
        _write(export.to_kml(result))
    elif fmt is ReachFormat.csv:
        sys.stdout.write(export.to_csv(result))
    else:
        _reach_table(result)


def _reverse(target: str | None, range_km: float | None, fmt: ReachFormat) -> None:
    from moratorium._cli._common import console, print_json
    from moratorium.errors import InputError
    from moratorium.geo.reach import resolve_target, reverse_reach

    if target is None or range_km is None:
        raise InputError("reach --reverse needs --target NAME|LAT,LON and --range-km R")
    result = reverse_reach(resolve_target(target), range_km)
    if fmt is ReachFormat.json:
        print_json(result.as_dict())
    elif fmt is ReachFormat.geojson:
        feats = [{"type": "Feature", "geometry": result.ring().geojson_geometry(),
                  "properties": {"role": "area", "range_km": result.range_km, "target": result.target.name}}]
        feats += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                   "properties": {"role": "site", "id": s.id, "name": s.name,
                                  "distance_km": round(s.distance_km, 3)}} for s in result.sites]
        print_json({"type": "FeatureCollection", "features": feats})
    elif fmt is ReachFormat.table:
        from rich.table import Table

        table = Table(title=f"catalogue sites within {result.range_km:g} km of {result.target.name}: "
                            f"{len(result.sites)}")
        for col in ("id", "name", "country", "distance_km"):
            table.add_column(col)
        for s in result.sites:
            table.add_row(s.id, s.name, s.country, f"{s.distance_km:,.3f}")
        console().print(table)
    else:
        raise InputError(f"reach --reverse: --format {fmt.value} is not supported (table, json, geojson)")


def _claim_or_km(text: str, system: str | None) -> RangeChoice:
    from moratorium.geo.reach import resolve_ranges

    try:
        km = float(text)
    except ValueError:
        return resolve_ranges(system=system, claims=(text,))[0]
    return resolve_ranges(range_km=km)[0]


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app. Import nothing heavy at module level."""
    reach_app = typer.Typer(help="Targets within range of a site, per range claim.", invoke_without_command=True)
    zones_app = typer.Typer(help="Zones and the definitions of European Russia.", no_args_is_help=True)

    @reach_app.callback(invoke_without_command=True)
    def reach_cmd(
        ctx: typer.Context,
        site: SiteOpt = None,
        system: SystemOpt = None,
        claim: Annotated[str | None, typer.Option("--claim", help="claim id or claimant (default: longest)")]
        = None,
        range_km: Annotated[float | None, typer.Option("--range-km", help="range in km instead of a claim")]
        = None,
        targets: TargetsOpt = TargetSet.capitals,
        min_population: MinPopOpt = 0,
        fmt: Annotated[ReachFormat, typer.Option("--format", help="output format")] = ReachFormat.table,
        reverse: Annotated[bool, typer.Option("--reverse", help="sites from which --target is in range")]
        = False,
        target: Annotated[str | None, typer.Option("--target", help="with --reverse: place name or LAT,LON")]
        = None,
    ) -> None:
        """Which targets are within range of --site under --system's --claim (or --range-km)."""
        if ctx.invoked_subcommand is not None:
            return
        from moratorium.errors import InputError
        from moratorium.geo.reach import reach, resolve_ranges, resolve_site

        if reverse:
            _reverse(target, range_km, fmt)
            return
        if site is None:
            raise InputError("reach needs --site SITE_ID|LAT,LON (or --reverse --target ...)")
        choice = resolve_ranges(system=system, claims=(claim,) if claim else (), range_km=range_km)[0]
        result = reach(resolve_site(site), choice, targets=targets.value, min_population=min_population)
        _render_reach(result, fmt)

    @reach_app.command("diff")
    def reach_diff_cmd(
        a: Annotated[str, typer.Argument(help="first claim (id or claimant) or range in km")],
        b: Annotated[str, typer.Argument(help="second claim (id or claimant) or range in km")],
        site: SiteOpt = None,
        system: SystemOpt = None,
        targets: TargetsOpt = TargetSet.capitals,
        min_population: MinPopOpt = 0,
        fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    ) -> None:
        """Targets and population gained and lost going from range A to range B (claims or km)."""
        from moratorium._cli._common import console, print_json
        from moratorium.errors import InputError
        from moratorium.geo.reach import reach, reach_diff, resolve_site

        if site is None:
            raise InputError("reach diff needs --site SITE_ID|LAT,LON")
        point = resolve_site(site)
        ra, rb = (reach(point, _claim_or_km(x, system), targets=targets.value, min_population=min_population)
                  for x in (a, b))
        diff = reach_diff(ra, rb)
        if fmt is TableFormat.json:
            print_json(diff.as_dict())
            return
        out = console()
        out.print(f"{point.name}: {ra.choice.label} -> {rb.choice.label}")
        out.print(f"  {targets.value} in range: {len(ra.hits)} -> {len(rb.hits)}; "
                  f"population {ra.population:,} -> {rb.population:,}")
        out.print(f"  gained {len(diff.gained)} (population {diff.population_gained:,}): "
                  + (", ".join(h.name for h in diff.gained[:40]) or "none")
                  + (" ..." if len(diff.gained) > 40 else ""))
        out.print(f"  lost {len(diff.lost)} (population {diff.population_lost:,}): "
                  + (", ".join(h.name for h in diff.lost[:40]) or "none"))

    @app.command("map")
    def map_cmd(
        out: Annotated[Path, typer.Option("--out", help="FILE.png or FILE.html (FILE.geojson and FILE.kml are "
                                                     "written beside it); or FILE.geojson / FILE.kml alone")],
        site: Annotated[list[str], typer.Option("--site", help="catalogue site id or LAT,LON (repeatable)")],
        system: SystemOpt = None,
        claim: Annotated[list[str] | None, typer.Option("--claim", help="claim (repeatable; default: all)")]
        = None,
        range_km: Annotated[list[float] | None, typer.Option("--range-km", help="range in km (repeatable)")]
        = None,
        targets: TargetsOpt = TargetSet.capitals,
        min_population: MinPopOpt = 0,
    ) -> None:
        """Draw sites, one range ring per claim and the targets in range, offline, to PNG or HTML; the rings and
        targets also go to GeoJSON and KML for GIS tools."""
        from moratorium.errors import InputError
        from moratorium.geo import maps
        from moratorium.geo.reach import reach, resolve_ranges, resolve_site

        suffix = out.suffix.lower()
        if suffix not in {".png", ".html", ".htm", ".geojson", ".kml"}:
            raise InputError(f"--out: {out} must end in .png, .html, .geojson or .kml")
        if not out.parent.is_dir():
            raise InputError(f"no such directory: {out.parent}", field="--out")
        choices: list[RangeChoice] = []
        for km in range_km or []:
            choices += resolve_ranges(range_km=km)
        if system is not None:
            choices += resolve_ranges(system=system, claims=tuple(claim or ()), all_claims=not claim)
        elif claim:
            raise InputError("--claim needs --system")
        if not choices:
            raise InputError("map needs --system SYSTEM_ID or --range-km R")
        points = [resolve_site(s) for s in site]
        results = [reach(p, c, targets=targets.value, min_population=min_population)
                   for p in points for c in choices]
        sites_, rings, hits = maps.layers_from_results(results)
        title = ", ".join(p.name for p in points) + (f": {maps.system_name(system)}" if system else "")
        import json

        from moratorium.geo import export

        layer = "reach " + (system or "ranges")
        written = []
        if suffix == ".png":
            maps.render_png(out, sites=sites_, rings=rings, targets=hits, title=title)
            written.append(out)
        elif suffix in {".html", ".htm"}:
            maps.render_html(out, sites=sites_, rings=rings, targets=hits, title=title)
            written.append(out)
        try:
            if suffix in {".png", ".html", ".htm", ".geojson"}:
                path = out.with_suffix(".geojson")
                path.write_text(json.dumps(export.results_geojson(results, name=layer), ensure_ascii=False),
                                encoding="utf-8")
                written.append(path)
            if suffix in {".png", ".html", ".htm", ".kml"}:
                path = out.with_suffix(".kml")
                path.write_text(export.results_kml(results, name=layer), encoding="utf-8")
                written.append(path)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", field="--out") from exc
        print(f"wrote {', '.join(map(str, written))} ({len(rings)} ring(s), {len(hits)} target(s) in range)",
              file=sys.stderr)

    # ignore_unknown_options: a negative latitude (-33.9,18.4) is the point, not an unknown option
    @zones_app.command("which", context_settings={"ignore_unknown_options": True})
    def zones_which(
        point: Annotated[str, typer.Argument(metavar="LAT,LON", help="LAT,LON in decimal degrees")],
        treaty_id: Annotated[str | None, typer.Option("--treaty", help="also test the point against this "
                                                      "treaty's own zones (id or file)")] = None,
        fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    ) -> None:
        """Country, federal subject and European/Asian Russia under every definition at LAT,LON."""
        from dataclasses import asdict

        from moratorium._cli._common import print_json
        from moratorium.geo.geodesy import parse_lat_lon
        from moratorium.geo.zones import which

        lat, lon = parse_lat_lon(point)
        loc = which(lat, lon)
        zones: list[tuple[str, str, bool]] = []
        if treaty_id is not None:
            from moratorium.treaty import load_treaty
            from moratorium.treaty.zones import Place, in_zone

            treaty = load_treaty(treaty_id)
            place = Place(country=loc.country or "", lat=lat, lon=lon, subject=loc.subject)
            zones = [(z.id, z.name, in_zone(place, z, treaty)) for z in treaty.zones]
        if fmt is TableFormat.json:
            doc = asdict(loc)
            if treaty_id is not None:
                doc["treaty_zones"] = {zid: inside for zid, _, inside in zones}
            print_json(doc)
            return
        where = loc.country or "no country (at sea)"
        if loc.country and not loc.inside:
            where += " (nearest coast)"
        print(f"{lat:g},{lon:g}: {where}" + (f", subject {loc.subject}" if loc.subject else ""))
        for definition, part in loc.parts.items():
            print(f"  {definition:18} {part}")
        if treaty_id is not None:
            print(f"zones of {treaty_id}" + (f" (European Russia: {treaty.european_russia})" if loc.parts else ""))
            for zid, name, inside in zones:
                print(f"  {'in    ' if inside else 'not in'} {zid}: {name}")

    @zones_app.command("export")
    def zones_export(
        treaty_id: Annotated[str, typer.Option("--treaty", help="the treaty whose zones to export (id or file)")]
        = "ru-2020-offer",
        countries: Annotated[bool, typer.Option("--countries", help="export the country outlines instead")]
        = False,
        out: Annotated[Path | None, typer.Option("--out", help="FILE.geojson (default: standard output)")] = None,
    ) -> None:
        """A treaty's zones (or the countries) as RFC 7946 GeoJSON polygons, for GIS tools."""
        import json

        from moratorium.errors import InputError

        if out is not None and out.suffix.lower() not in {".geojson", ".json"}:
            raise InputError(f"--out: {out} must end in .geojson")
        if countries:
            from moratorium.geo.maps import countries_geojson

            text = countries_geojson()
        else:
            from moratorium.geo.export import zones_geojson
            from moratorium.treaty import load_treaty

            treaty = load_treaty(treaty_id)
            text = json.dumps(zones_geojson(treaty.zones, european_russia=treaty.european_russia,
                                            treaty_id=treaty.id, territory=treaty.territorial_view),
                              ensure_ascii=False)
        if out is None:
            _write(text)
            return
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", file=str(out), field="--out") from exc
        print(f"wrote {out}", file=sys.stderr)

    @zones_app.command("sensitivity")
    def zones_sensitivity(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
        """Catalogue sites in Russia and their part under each definition; flags the ones that change."""
        from moratorium._cli._common import console, print_json
        from moratorium.geo.zones import DEFINITIONS, sensitivity

        rows = sensitivity()
        if fmt is TableFormat.json:
            data: list[dict[str, Any]] = [{"site": r.site_id, "name": r.name, "subject": r.subject,
                                           "parts": r.parts, "changes": r.changes} for r in rows]
            print_json(data)
            return
        from rich.table import Table

        table = Table(title="European or Asian Russia, by definition (* = depends on the definition)")
        table.add_column("site")
        table.add_column("subject")
        for d in DEFINITIONS:
            table.add_column(d)
        for r in rows:
            table.add_row(("* " if r.changes else "  ") + r.site_id, r.subject or "",
                          *(r.parts[d].replace("-russia", "") for d in DEFINITIONS))
        console().print(table)

    app.add_typer(reach_app, name="reach")
    app.add_typer(zones_app, name="zones")
