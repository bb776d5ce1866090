"""CLI commands of the spine: ``treaty``, ``catalog``, ``classify``, ``keys``, ``run``.

Module level imports typer only; every command imports what it needs when it runs (start-up time is benchmarked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moratorium._cli._common import TableFormat, TextFormat, console, print_json

__all__ = ["register"]

treaty_app = typer.Typer(help="Treaty files: list the shipped ones, show one, check a file.", no_args_is_help=True)
catalog_app = typer.Typer(help="The reference catalogue: systems, sites, every figure a sourced claim.",
                          no_args_is_help=True)
keys_app = typer.Typer(help="Party keys (Ed25519).", no_args_is_help=True)


@treaty_app.command("list")
def treaty_list(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """List the shipped treaties."""
    from moratorium.treaty import list_treaties

    rows = list_treaties()
    if fmt is TableFormat.json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:<26} {row['date']:<11} {row['name']}")


@treaty_app.command("show")
def treaty_show(treaty_id: Annotated[str, typer.Argument(metavar="ID")],
                fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text) -> None:
    """Show a treaty: parties, item classes, zones, obligations, reciprocity, verification."""
    from moratorium._cli._render import render_treaty, treaty_json
    from moratorium.treaty import load_treaty

    treaty = load_treaty(treaty_id)
    if fmt is TextFormat.json:
        print_json(treaty_json(treaty))
    else:
        render_treaty(console(), treaty)


@treaty_app.command("check")
def treaty_check(path: Annotated[Path, typer.Argument(metavar="FILE")]) -> None:
    """Validate a treaty file: exit 0 if valid, 2 with FILE:LINE: field: message if not."""
    from moratorium.treaty import load_treaty

    treaty = load_treaty(path if path.suffix in (".yaml", ".yml") or path.exists() else str(path))
    typer.echo(f"{path}: ok ({treaty.id}: {len(treaty.parties)} parties, {len(treaty.obligations)} obligations)")


@catalog_app.command("systems")
def catalog_systems(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """Missile systems with every range claim."""
    from moratorium._cli._render import system_json
    from moratorium.catalog import load_catalog

    systems = list(load_catalog().systems.values())
    if fmt is TableFormat.json:
        print_json([system_json(s) for s in systems])
        return
    from rich.table import Table

    table = Table(title="Missile systems (ranges in km, by claimant)")
    for col in ("id", "name", "type", "basing", "range claims"):
        table.add_column(col)
    for s in systems:
        table.add_row(s.id, s.name, s.type, "/".join(s.basing), "\n".join(c.label for c in s.ranges_km))
    console().print(table)


@catalog_app.command("sites")
def catalog_sites(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """Sites with approximate coordinates and their sourced role."""
    from moratorium._cli._render import site_json
    from moratorium.catalog import load_catalog

    sites = list(load_catalog().sites.values())
    if fmt is TableFormat.json:
        print_json([site_json(s) for s in sites])
        return
    from rich.table import Table

    table = Table(title="Sites (coordinates approximate, unverified gazetteer centroids)")
    for col in ("id", "country", "subject", "lat", "lon", "role"):
        table.add_column(col)
    for s in sites:
        table.add_row(s.id, s.country, s.subject or "", f"{s.lat:.2f}", f"{s.lon:.2f}", s.role)
    console().print(table)


@catalog_app.command("show")
def catalog_show(key: Annotated[str, typer.Argument(metavar="ID")],
                 fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text) -> None:
    """Show one system, launcher or site with all its claims and sources."""
    from moratorium._cli._render import launcher_json, site_json, system_json
    from moratorium.catalog import load_catalog
    from moratorium.errors import NotFoundError

    cat = load_catalog()
    if key in cat.systems:
        doc = system_json(cat.systems[key])
    elif key in cat.launchers:
        doc = launcher_json(cat.launchers[key])
    elif key in cat.sites:
        doc = site_json(cat.sites[key])
    else:
        raise NotFoundError(f"no system, launcher or site {key!r}", field="ID")
    if fmt is TextFormat.json:
        print_json(doc)
        return
    import yaml

    typer.echo(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110).rstrip())


def classify(system_id: Annotated[str, typer.Argument(metavar="SYSTEM")],
             treaty_id: Annotated[str, typer.Option("--treaty", help="treaty id or file")] = "inf-1987",
             fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """For each range claim of SYSTEM: the treaty item class it falls in and whether the treaty limits it."""
    from moratorium.catalog import load_catalog
    from moratorium.treaty import load_treaty
    from moratorium.treaty.classify import classify_system

    system = load_catalog().system(system_id)
    rows = classify_system(system, load_treaty(treaty_id))
    if fmt is TableFormat.json:
        print_json([r.to_json() for r in rows])
        return
    from rich.table import Table

    table = Table(title=f"{system.name} under {treaty_id}")
    for col in ("claim", "claimant", "range km", "item class", "status", "source"):
        table.add_column(col)
    for r in rows:
        q = f"{r.qualifier} " if r.qualifier else ""
        status = r.status + ("" if r.counted else " (not counted)")
        table.add_row(r.claim, r.claimant, f"{q}{r.range_km:g}" + (" (unverified)" if r.unverified else ""),
                      r.item_class or "-", status, r.source)
    console().print(table)


@keys_app.command("generate")
def keys_generate(party: Annotated[str, typer.Option("--party", help="party id, e.g. RU or NATO")],
                  out: Annotated[Path, typer.Option("--out", help="private key file to create (mode 0600)")]) -> None:
    """Generate an Ed25519 key for a party; the private key file is written with mode 0600."""
    import re

    from moratorium.errors import InputError
    from moratorium.ledger.keys import PartyKey

    if not re.fullmatch(r"[A-Z][A-Z0-9-]*", party):
        raise InputError("a party id is upper-case letters, digits and dashes (e.g. RU, NATO)", field="--party")
    key = PartyKey.generate(party)
    key.save(out)
    typer.echo(f"wrote {out} (party {party}, key id {key.public.key_id}, public key "
               f"{key.public.to_json()['public_key']})")


def run(scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="a shipped scenario's name or a file")],
        out: Annotated[Path | None, typer.Option("--out", help="directory for the log and the result")] = None,
        reading: Annotated[list[str] | None, typer.Option("--reading", metavar="KEY=VALUE",
                                                          help="override one of the treaty's readings "
                                                               "(repeatable), e.g. trigger=while")] = None,
        assume_adopted: Annotated[list[str] | None, typer.Option(
            "--assume-adopted", metavar="PARTY", help="treat PARTY as having adopted the treaty (a "
                                                      "counterfactual: 'if NATO had accepted')")] = None,
        fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text) -> None:
    """Run a scenario through a signed log and print the timeline of verdict changes."""
    from moratorium.scenario import load_scenario
    from moratorium.scenario.run import result_json, run_scenario, write_run
    from moratorium.treaty.readings import parse_assignments

    loaded = load_scenario(scenario)
    result = run_scenario(loaded, readings=parse_assignments(reading or []), assume_adopted=assume_adopted or ())
    note = write_run(result, out) if out is not None else None
    if fmt is TextFormat.json:
        print_json(result_json(result))
        return
    from moratorium._cli._render import render_run

    render_run(console(), result, out, note)


def register(app: typer.Typer) -> None:
    """Add the spine's commands to the root app."""
    app.add_typer(treaty_app, name="treaty")
    app.add_typer(catalog_app, name="catalog")
    app.add_typer(keys_app, name="keys")
    app.command("classify")(classify)
    app.command("run")(run)
