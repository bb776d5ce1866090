"""CLI commands that tie verdicts to the signed record: ``treaty hash``, ``catalog sign``, ``log verdicts``,
``sensitivity``.

Module level imports typer only (start-up time is benchmarked); each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moratorium._cli._common import TableFormat, console, print_json

__all__ = ["register"]


def treaty_hash(treaty: Annotated[str, typer.Argument(metavar="FILE|ID",
                                                      help="a shipped treaty id or a file")]) -> None:
    """Print the SHA-256 of the treaty's canonical form (RFC 8785 of the validated model): what adoption entries
    pin. Comments, key order and YAML style do not change it."""
    from moratorium.treaty import load_treaty

    typer.echo(load_treaty(treaty).sha256)


def catalog_sign(
    party: Annotated[str, typer.Option("--party", help="the party signing (e.g. RU, NATO)")],
    key: Annotated[Path, typer.Option("--key", help="the party's private key file", dir_okay=False)],
    log: Annotated[str, typer.Option("--log", help="log file path or database URL")],
    only: Annotated[str | None, typer.Option("--only", help="comma-separated claim keys SUBJECT/ID (default: "
                                                            "the claims whose claimant is the party)")] = None,
    claimant: Annotated[list[str] | None, typer.Option("--claimant", help="also endorse this claimant's "
                                                                          "claims (repeatable)")] = None,
    effective: Annotated[str | None, typer.Option("--effective", help="date of the entries (default: "
                                                                      "today, UTC)")] = None,
) -> None:
    """Import reference-catalogue claims into a log by signing them: the party's own claims, or third parties'
    it endorses. Verdicts count only claims in the log."""
    import datetime

    from moratorium.catalog import load_catalog
    from moratorium.errors import InputError
    from moratorium.ledger import open_log
    from moratorium.ledger.entry import Entry
    from moratorium.ledger.keys import PartyKey, sign_entry
    from moratorium.regime.claims import catalog_claims

    signer = PartyKey.load(key)
    if signer.party != party:
        raise InputError(f"the key is {signer.party}'s, not {party}'s", field="--key")
    keys = {k.strip() for k in only.split(",") if k.strip()} if only else None
    claimants = None if keys is not None and not claimant else {party, *(claimant or [])}
    bodies = catalog_claims(load_catalog(), claimants=claimants, only=keys)
    if not bodies:
        raise InputError(f"no catalogue claim by {', '.join(sorted(claimants or []))}; name claimants with "
                         f"--claimant or claims with --only", field="--party")
    when = effective or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = [sign_entry(Entry(author=party, kind="claim", effective=when, recorded=when, body=b), signer)
               for b in bodies]
    with open_log(log) as target:
        target.register_key(signer.public)
        target.append_many(entries)
    typer.echo(f"signed {len(entries)} claims as {party} into {log}")


def log_verdicts(
    log: Annotated[str, typer.Argument(metavar="LOG", help="log file path or database URL")],
    treaty: Annotated[str, typer.Option("--treaty", metavar="FILE|ID", help="the treaty the log adopted")],
    reading: Annotated[list[str] | None, typer.Option("--reading", metavar="KEY=VALUE",
                                                      help="override a reading (repeatable)")] = None,
    assume_adopted: Annotated[list[str] | None, typer.Option("--assume-adopted", metavar="PARTY")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
) -> None:
    """Compute the verdicts of a stored log (the same function ``run`` and the node use). Refused, naming both
    hashes, if the log adopted a different text of the treaty."""
    from moratorium.ledger import open_log
    from moratorium.regime.compliance import default_reach, timeline
    from moratorium.scenario.run import inputs_json
    from moratorium.treaty import load_treaty
    from moratorium.treaty.readings import parse_assignments, resolve

    model = load_treaty(treaty)
    applied = resolve(model, parse_assignments(reading or []))
    with open_log(log, create=False) as source:
        entries = list(source.entries())
    _, verdicts = timeline(model, entries, reach=default_reach(model), readings=applied,
                           assume_adopted=assume_adopted or ())
    if fmt is TableFormat.json:
        print_json({"treaty": model.id, "entries": len(entries),
                    "inputs": inputs_json(model, entries, applied, assume_adopted or ()),
                    "verdicts": [v.to_json() for v in verdicts]})
        return
    from moratorium._cli._render import render_verdicts

    render_verdicts(console(), verdicts, title=f"Verdicts of {log} under {model.id} ({len(entries)} entries)")


def sensitivity(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="a shipped scenario's name or a file")],
    assume_adopted: Annotated[list[str] | None, typer.Option("--assume-adopted", metavar="PARTY")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
) -> None:
    """Run every reading the scenario's treaty admits and list, per verdict, which readings flip it and to what."""
    from moratorium.regime.compliance import default_reach
    from moratorium.regime.sensitivity import sensitivity as run_sensitivity
    from moratorium.scenario import load_scenario

    loaded = load_scenario(scenario)  # validated and signed while loading; sensitivity replays it per reading
    for party in assume_adopted or ():
        loaded.treaty.party(party)  # NotFoundError naming the parties
    entries = tuple(step.signed for step in loaded.steps)
    report = run_sensitivity(loaded.treaty, entries, reach=default_reach(loaded.treaty),
                             assume_adopted=assume_adopted or ())
    if fmt is TableFormat.json:
        print_json(report.to_json())
        return
    from rich.table import Table

    table = Table(title=f"Readings that flip a verdict — {loaded.id} under {loaded.treaty.id}")
    for col in ("party", "obligation", "status (defaults)", "flipped by", "to", "first at"):
        table.add_column(col, overflow="fold")
    for v in report.verdicts:
        flips = report.flips.get((v.party, v.obligation), ())
        if not flips:
            table.add_row(v.party, v.obligation, v.status, "no reading", "-", "-")
        for i, f in enumerate(flips):
            table.add_row(v.party if i == 0 else "", v.obligation if i == 0 else "", v.status if i == 0 else "",
                          f"{f.reading}={f.value}",
                          f"{f.status} {_views(f.perspectives)} (default: {f.default_status} "
                          f"{_views(f.default_perspectives)})",
                          f"seq {f.seq}, {f.date}")
    console().print(table)
    console().print("Defaults: " + ", ".join(f"{k}={v}" for k, v in report.readings.items()))


def _views(perspectives: tuple[tuple[str, str], ...]) -> str:
    return "[" + ", ".join(f"{p}: {s}" for p, s in perspectives) + "]"


def register(app: typer.Typer) -> None:
    """Add the record commands to the root app and its ``treaty``, ``catalog`` and ``log`` groups."""
    from moratorium._cli import ledger, spine

    spine.treaty_app.command("hash")(treaty_hash)
    spine.catalog_app.command("sign")(catalog_sign)
    ledger.log_app.command("verdicts")(log_verdicts)
    app.command("sensitivity")(sensitivity)
