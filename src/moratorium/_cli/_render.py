"""Rendering for the spine's commands: rich tables and JSON documents (views only; they compute nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from moratorium.catalog import CapabilityClaim, Claim, Launcher, Site, System
    from moratorium.regime.verdict import Verdict
    from moratorium.scenario.run import RunResult
    from moratorium.treaty import Treaty

__all__ = ["claim_source_label", "launcher_json", "render_run", "render_treaty", "site_json", "system_json",
           "treaty_json"]

_STYLE = {"compliant": "green", "violation": "bold red", "suspended": "yellow", "unverified": "magenta",
          "disputed": "bold magenta",
          "needs-analysis": "cyan", "not-in-force": "dim"}


def claim_source_label(c: Claim | CapabilityClaim) -> str:
    """One line naming a claim's source: title, publication date, address, the day it was checked, and its
    confidence where the catalogue marks one (``... [accessed 2026-12-01] (confidence: low)``)."""
    label = c.source_ref.label
    return label + (f" (confidence: {c.confidence})" if c.confidence else "")


def _with_labels(claims: list[dict[str, Any]], models: Sequence[Claim | CapabilityClaim]) -> None:
    for doc, claim in zip(claims, models, strict=True):
        doc["source_label"] = claim_source_label(claim)


def system_json(s: System) -> dict[str, Any]:
    """``asdict`` of the system; each claim also carries ``source_label`` (source, date, accessed, confidence)."""
    doc = asdict(s)
    _with_labels(doc["ranges_km"], s.ranges_km)
    _with_labels(doc["speeds_kmh"], s.speeds_kmh)
    return doc


def launcher_json(lnc: Launcher) -> dict[str, Any]:
    """``asdict`` of the launcher; each capability claim also carries ``source_label``."""
    doc = asdict(lnc)
    for system, claims in lnc.can_fire.items():
        _with_labels(doc["can_fire"][system], claims)
    return doc


def site_json(s: Site) -> dict[str, Any]:
    """``asdict`` of the site, with ``source_labels`` (one line per source) and its ``confidence``."""
    doc = asdict(s)
    doc["source_labels"] = [r.label for r in s.source_refs] or list(s.sources)
    return doc


def treaty_json(t: Treaty) -> dict[str, Any]:
    doc = asdict(t)
    for ic in doc["item_classes"]:
        band = ic.pop("band")
        ic["range_km"] = band
    return doc


def render_treaty(con: Console, t: Treaty) -> None:
    from rich.table import Table

    con.print(f"[bold]{t.name}[/bold] ({t.id}, {t.date})")
    con.print(f"SHA-256 of the canonical form (what adoption entries pin): {t.sha256}")
    con.print(t.summary.strip())
    con.print("Parties: " + "; ".join(f"{p.id} ({p.name})" for p in t.parties))
    if t.item_classes:
        table = Table(title="Item classes")
        for col in ("id", "types", "basing", "range"):
            table.add_column(col)
        for c in t.item_classes:
            table.add_row(c.id, "/".join(c.types), "/".join(c.basing), c.band.label)
        con.print(table)
    table = Table(title="Obligations")
    for col in ("id", "party", "kind", "zone", "scope", "period"):
        table.add_column(col)
    for o in t.obligations:
        scope = ", ".join([*o.systems, *o.item_classes, *o.launcher_classes]) or (
            f"{o.category} <= {o.limit}" if o.kind == "ceiling" else f"{o.category} frozen at {o.freeze_date}")
        period = f"{o.period_from or ''}..{o.period_until or ''}"
        if o.conditional_on:
            period += f"; only if {', '.join(o.conditional_on)} is adopted"
        table.add_row(o.id, o.party, o.kind, o.zone, scope, period)
    con.print(table)
    for r in t.reciprocity:
        con.print(f"Reciprocity [bold]{r.id}[/bold]: suspends {', '.join(r.suspends)} while {r.party} deploys "
                  f"{', '.join([*r.item_classes, *r.launcher_classes])} in {r.zone}. {r.description}")
    for ins in t.verification.inspections:
        quota = ", ".join(f"years {q.first_year}-{q.last_year or ''}: {q.per_year}/yr" for q in ins.quota)
        con.print(f"Inspection [bold]{ins.type}[/bold]: {ins.description}"
                  + (f"; quota {quota}" if quota else "")
                  + (f"; notice {ins.notice_h:g} h" if ins.notice_h else "")
                  + (f"; {ins.duration_h:g} h on site" if ins.duration_h else "")
                  + (f" (+{ins.extension_h:g} h)" if ins.extension_h else "")
                  + (f" [assumption: {ins.assumption}]" if ins.assumption else ""))
    if t.readings:
        readings = Table(title="Readings (interpretive choices; default first, `--reading KEY=VALUE` to change)")
        for col in ("reading", "default", "admits", "why"):
            readings.add_column(col, overflow="fold")
        for reading in t.readings:
            readings.add_row(reading.key, reading.default, " | ".join(reading.admits), reading.description or "")
        con.print(readings)
    con.print("Sources: " + "; ".join(f"{s.id} {s.title}" for s in t.sources))


def _perspectives(v: Verdict) -> str:
    """`` (RU: compliant, NATO: violation)`` where the perspectives differ, else nothing."""
    if len(set(v.perspectives.values())) <= 1:
        return ""
    return " (" + ", ".join(f"{p}: {s}" for p, s in v.perspectives.items()) + ")"


def render_verdicts(con: Console, verdicts: Sequence[Verdict], *, title: str) -> None:
    """The verdict table: joint status with each party's perspective, the basis of a compliant one, why."""
    from rich.table import Table

    final = Table(title=title)
    for col in ("party", "obligation", "status", "basis", "evidence", "why"):
        final.add_column(col, overflow="fold")
    for v in verdicts:
        final.add_row(v.party, v.obligation, f"[{_STYLE.get(v.status, '')}]{v.status}[/]{_perspectives(v)}",
                      v.basis or "-", ", ".join(map(str, v.evidence)) or "-", v.reason)
    con.print(final)


def render_run(con: Console, result: RunResult, out: Path | None, note: str | None = None) -> None:
    from rich.table import Table

    sc = result.scenario
    table = Table(title=f"{sc.name} — treaty {sc.treaty.id}", show_lines=True)
    for col in ("seq", "date", "by", "action", "verdict changes", "depends on"):
        table.add_column(col, overflow="fold")
    claims = [s for s in result.steps if s.kind == "claim" and not s.changes]
    if claims:
        signers = sorted({s.author for s in claims})
        table.add_row(f"{claims[0].seq}-{claims[-1].seq}" if len(claims) > 1 else str(claims[0].seq),
                      claims[0].date, ", ".join(signers),
                      f"{len(claims)} catalogue claims signed or endorsed into the record", "", "")
    for step in result.steps:
        if step in claims:
            continue
        changes = "\n".join(
            f"{new.party} {new.obligation}: {old.status if old else '-'} → "
            f"[{_STYLE.get(new.status, '')}]{new.status}[/]{_perspectives(new)} "
            f"(evidence {', '.join(map(str, new.evidence)) or '-'})"
            for old, new in step.changes)
        deps = "\n".join(sorted({f"{d.kind}: {d.subject}" + (f" (else {d.status_if})" if d.status_if else "")
                                 for _, new in step.changes for d in new.depends_on}))
        table.add_row(str(step.seq), step.date, step.author, step.action, changes, deps)
    con.print(table)
    render_verdicts(con, result.verdicts, title="Verdicts at the end of the log")
    con.print("Readings: " + ", ".join(f"{k}={v}" for k, v in result.readings.items())
              + (f"; assuming {', '.join(result.assume_adopted)} adopted" if result.assume_adopted else ""))
    contested = {(d.kind, d.subject): d for s in result.steps for _, v in s.changes for d in v.depends_on
                 if d.status_if}
    if contested:
        con.print("[bold]Where a verdict turns on a contested claim[/bold]")
        for d in contested.values():
            con.print(f" • {d.kind} {d.subject} (would make it {d.status_if}): {d.detail}")
    for c in sc.covert:
        visits = "; ".join(f"{i} drew {', '.join(d) or 'nothing'}" for i, d in c.visits) or "no inspection"
        verdict = f"[bold red]CAUGHT[/] by {c.caught_by}" if c.caught_by else "[bold]NOT caught[/]"
        con.print(f"Covert: {c.party} hid {c.system} in {', '.join(c.units)} at {c.site} from {c.start} until "
                  f"{c.until}. Visits in that window: {visits}. {verdict}. The regime's odds of catching it: "
                  f"{c.detection_probability:.1%} (exact hypergeometric over those visits).")
    if out is not None:
        con.print(f"Log ({len(result.entries)} signed entries) and result written to {out}/")
    if note is not None:
        import base64

        from moratorium.ledger.checkpoint import Checkpoint, SignedNote

        signed = SignedNote.parse(note)
        cp = Checkpoint.parse(signed.text)
        signers = [s.name for s in signed.signatures]
        con.print(f"Checkpoint {cp.origin} size {cp.size} root {base64.b64encode(cp.root).decode()} — signed by "
                  f"{signers[0]}, cosigned by {', '.join(signers[1:]) or 'nobody'}; the log verifies (every "
                  f"signature, root, checkpoint).")
