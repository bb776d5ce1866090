"""CLI commands of the spine: ``treaty``, ``catalog``, ``classify``, ``keys``, ``run``.

Module level imports typer only; every command imports what it needs when it runs (start-up time is benchmarked).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from moratorium._cli._common import TableFormat, TextFormat, console, print_json

if TYPE_CHECKING:
    from moratorium.ledger.keys import PublicKey

__all__ = ["register"]

treaty_app = typer.Typer(help="Treaty files: list the shipped ones, show one, check a file.", no_args_is_help=True)
catalog_app = typer.Typer(help="The reference catalogue: systems, sites, every figure a sourced claim.",
                          no_args_is_help=True)
keys_app = typer.Typer(help="Party keys (Ed25519).", no_args_is_help=True)
scenario_app = typer.Typer(help="Scenario files: a treaty and a dated timeline of party actions.",
                           no_args_is_help=True)


def _shipped_scenarios() -> list[str]:
    """The shipped scenarios' names, read from the package directory (cheap: no YAML, no pydantic at start-up)."""
    folder = Path(__file__).resolve().parent.parent / "scenario" / "data"
    return sorted(p.stem for p in folder.glob("*.yaml"))


SHIPPED = ", ".join(_shipped_scenarios())


@treaty_app.command("list")
def treaty_list(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """List the shipped treaties."""
    from moratorium.treaty import list_treaties

    rows = list_treaties()
    if fmt is TableFormat.json:
        print_json(rows)
        return
    import shutil
    import textwrap

    width = shutil.get_terminal_size((100, 24)).columns
    id_w = max(len(r["id"]) for r in rows) if rows else 0
    indent = id_w + 14
    for row in rows:  # the id is never cut; the name is shortened to the terminal width
        name = textwrap.shorten(row["name"], width=max(20, width - indent - 1), placeholder="…")
        typer.echo(f"{row['id']:<{id_w}}  {row['date']:<10}  {name}")


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
    from moratorium._cli._render import render_record

    render_record(console(), f"{doc.get('name', key)} ({key})", doc)


def classify(system_id: Annotated[str, typer.Argument(metavar="SYSTEM")],
             treaty_id: Annotated[str, typer.Option("--treaty", help="treaty id or file")] = "inf-1987",
             fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """For each range claim of SYSTEM: the treaty item class it falls in and whether the treaty limits it."""
    from moratorium.catalog import load_catalog
    from moratorium.treaty import load_treaty
    from moratorium.treaty.classify import classify_system

    system = load_catalog().system(system_id)
    treaty = load_treaty(treaty_id)
    rows = classify_system(system, treaty)
    if fmt is TableFormat.json:
        print_json([r.to_json() for r in rows])
        return
    from rich.table import Table

    from moratorium._cli._render import id_column, limit_reason

    table = Table(title=f"{system.name} under {treaty_id}")
    id_column(table, "claim", [r.claim for r in rows])
    table.add_column("by", no_wrap=True)
    table.add_column("range km", overflow="fold", max_width=18)
    id_column(table, "item class", [r.item_class or "-" for r in rows])
    table.add_column("status: why", overflow="fold", ratio=1)
    for i, r in enumerate(rows, start=1):
        q = f"{r.qualifier} " if r.qualifier else ""
        table.add_row(r.claim, r.claimant, f"{q}{r.range_km:g}" + (" (unverified)" if r.unverified else "")
                      + f" [{i}]", r.item_class or "-",
                      f"{'yes' if r.limited else 'no'}: {limit_reason(r, system, treaty)} ({r.status}"
                      + ("" if r.counted else ", not counted") + ")")
    con = console()
    con.print(table)
    for i, r in enumerate(rows, start=1):  # sources under the table: the columns people compare stay readable
        con.print(f"[{i}] {r.claim}: {r.source}" + (f" ({r.note})" if r.note else ""), markup=False)


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


def _public_keys(path: Path) -> list[PublicKey]:
    """The public keys in KEYFILE: a party's private key file (``keys generate``), a public key JSON object, or
    ``run``'s keys.json (``{party: public key}``: every party's key)."""
    from moratorium.ledger.keys import read_public_keys

    return read_public_keys(path)


KeyFileArg = Annotated[Path, typer.Argument(metavar="KEYFILE",
                                            help="a private key file, a public key JSON or run's keys.json")]


@keys_app.command("public")
def keys_public(path: KeyFileArg, fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text) -> None:
    """Print a party's public key (base64), its key id and its C2SP note verifier key."""
    from moratorium.ledger.checkpoint import vkey

    keys = _public_keys(path)
    if fmt is TextFormat.json:
        docs = [{**k.to_json(), "key_id": k.key_id, "vkey": vkey(k.party, k.raw)} for k in keys]
        print_json(docs[0] if len(docs) == 1 else docs)
        return
    typer.echo("\n\n".join(f"party       {k.party}\nkey id      {k.key_id}\n"
                           f"public key  {k.to_json()['public_key']}\nnote vkey   {vkey(k.party, k.raw)}"
                           for k in keys))


@keys_app.command("vkey")
def keys_vkey(path: KeyFileArg) -> None:
    """Print the party's C2SP signed-note verifier key (``name+keyid+base64``), for note verifiers (one line per
    party for run's keys.json)."""
    from moratorium.ledger.checkpoint import vkey

    typer.echo("\n".join(vkey(k.party, k.raw) for k in _public_keys(path)))


@scenario_app.command("list")
def scenario_list(fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table) -> None:
    """List the shipped scenarios (run one with `moratorium run NAME`)."""
    from moratorium.scenario import load_scenario

    rows = []
    for name in _shipped_scenarios():
        sc = load_scenario(name)
        rows.append({"id": sc.id, "treaty": sc.treaty.id, "entries": len(sc.steps), "name": sc.name})
    if fmt is TableFormat.json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']}  (treaty {row['treaty']}, {row['entries']} entries)\n    {row['name']}")


def run(scenario: Annotated[str, typer.Argument(metavar="SCENARIO",
                                                help=f"a shipped scenario ({SHIPPED}) or a scenario file")],
        out: Annotated[Path | None, typer.Option("--out", help="directory for the log, keys.json, result.json and "
                                                 "report.html with its maps; one holding files a run did not write "
                                                 "is left alone (the run writes into a fresh subdirectory)")]
        = None,
        reading: Annotated[list[str] | None, typer.Option("--reading", metavar="KEY=VALUE",
                                                          help="override one of the treaty's readings "
                                                               "(repeatable), e.g. trigger=while")] = None,
        assume_adopted: Annotated[list[str] | None, typer.Option(
            "--assume-adopted", metavar="PARTY", help="treat PARTY as having adopted the treaty (a "
                                                      "counterfactual: 'if NATO had accepted')")] = None,
        fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text) -> None:
    """Run a scenario through a signed log and print the timeline of verdict changes.

    Shipped scenarios: `moratorium scenario list`."""
    from moratorium.scenario import load_scenario
    from moratorium.scenario.run import result_json, run_scenario, write_run
    from moratorium.treaty.readings import parse_assignments

    loaded = load_scenario(scenario)
    result = run_scenario(loaded, readings=parse_assignments(reading or []), assume_adopted=assume_adopted or ())
    note = None
    if out is not None:
        import signal

        from moratorium.scenario import _outdir

        out, why = _outdir.choose(out, name=loaded.id)
        if why:
            typer.echo(f"note: {why}", err=True)

        def _terminate(signum: int, frame: object) -> None:
            raise SystemExit(128 + signum)  # unwinds through write_run, which removes its staging directory

        signal.signal(signal.SIGTERM, _terminate)
        note = write_run(result, out)
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
    app.add_typer(scenario_app, name="scenario")
    app.command("classify")(classify)
    app.command("run")(run)
