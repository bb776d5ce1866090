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

__all__ = ["claim_source_label", "launcher_json", "render_run", "render_treaty", "safe", "site_json", "system_json",
           "treaty_json"]

MAX_FIELD_CHARS = 400
"""Longest piece of data shown in a table cell or line (a 10 MB title would stall the renderer)."""
# C0 and C1 controls and DEL, but not newline: ANSI escape sequences start with ESC (0x1b) or CSI (0x9b)
_CONTROLS = dict.fromkeys([*range(0, 10), *range(11, 32), 127, *range(128, 160)], "\ufffd")

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


def safe(value: object, limit: int = MAX_FIELD_CHARS) -> str:
    """``value`` as text that is safe to print through rich: control characters (ANSI escapes) replaced, rich
    markup escaped, and cut at ``limit`` characters. Every piece of data from a file or a log goes through it."""
    from rich.markup import escape

    text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters)"
    return escape(text.translate(_CONTROLS))


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

    con.print(f"[bold]{safe(t.name)}[/bold] ({safe(t.id)}, {safe(t.date)})")
    con.print(f"SHA-256 of the canonical form (what adoption entries pin): {t.sha256}")
    con.print(safe(t.summary.strip(), 4 * MAX_FIELD_CHARS))
    con.print("Parties: " + "; ".join(f"{safe(p.id)} ({safe(p.name)})" for p in t.parties))
    if t.item_classes:
        table = Table(title="Item classes")
        for col in ("id", "types", "basing", "range"):
            table.add_column(col)
        for c in t.item_classes:
            table.add_row(safe(c.id), safe("/".join(c.types)), safe("/".join(c.basing)), safe(c.band.label))
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
        table.add_row(safe(o.id), safe(o.party), safe(o.kind), safe(o.zone), safe(scope), safe(period))
    con.print(table)
    for r in t.reciprocity:
        con.print(f"Reciprocity [bold]{safe(r.id)}[/bold]: suspends {safe(', '.join(r.suspends))} while "
                  f"{safe(r.party)} deploys {safe(', '.join([*r.item_classes, *r.launcher_classes]))} in "
                  f"{safe(r.zone)}. {safe(r.description)}")
    for ins in t.verification.inspections:
        quota = ", ".join(f"years {q.first_year}-{q.last_year or ''}: {q.per_year}/yr" for q in ins.quota)
        con.print(f"Inspection [bold]{safe(ins.type)}[/bold]: {safe(ins.description)}"
                  + (f"; quota {quota}" if quota else "")
                  + (f"; notice {ins.notice_h:g} h" if ins.notice_h else "")
                  + (f"; {ins.duration_h:g} h on site" if ins.duration_h else "")
                  + (f" (+{ins.extension_h:g} h)" if ins.extension_h else "")
                  + (f" \\[assumption: {safe(ins.assumption)}]" if ins.assumption else ""))
    if t.readings:
        readings = Table(title="Readings (interpretive choices; default first, `--reading KEY=VALUE` to change)")
        for col in ("reading", "default", "admits", "why"):
            readings.add_column(col, overflow="fold")
        for reading in t.readings:
            readings.add_row(safe(reading.key), safe(reading.default), safe(" | ".join(reading.admits)),
                             safe(reading.description or ""))
        con.print(readings)
    con.print("Sources:")
    for src in t.sources:
        line = (f"  {src.id} {src.title}" + (f" <{src.url}>" if src.url else "")
                + (f" [accessed {src.accessed}]" if src.accessed else "")
                + (f" (confidence: {src.confidence})" if src.confidence else ""))
        con.print(safe(line, 4 * MAX_FIELD_CHARS), soft_wrap=True)


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
        final.add_row(safe(v.party), safe(v.obligation),
                      f"[{_STYLE.get(v.status, '')}]{safe(v.status)}[/]{safe(_perspectives(v))}",
                      v.basis or "-", ", ".join(map(str, v.evidence)) or "-", safe(v.reason))
    con.print(final)


def render_run(con: Console, result: RunResult, out: Path | None, note: str | None = None) -> None:
    from rich.table import Table

    sc = result.scenario
    table = Table(title=f"{safe(sc.name)} — treaty {safe(sc.treaty.id)}", show_lines=True)
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
            f"{safe(new.party)} {safe(new.obligation)}: {safe(old.status) if old else '-'} → "
            f"[{_STYLE.get(new.status, '')}]{safe(new.status)}[/]{safe(_perspectives(new))} "
            f"(evidence {', '.join(map(str, new.evidence)) or '-'})"
            for old, new in step.changes)
        deps = "\n".join(sorted({safe(f"{d.kind}: {d.subject}" + (f" (else {d.status_if})" if d.status_if else ""))
                                 for _, new in step.changes for d in new.depends_on}))
        table.add_row(str(step.seq), safe(step.date), safe(step.author), safe(step.action), changes, deps)
    con.print(table)
    render_verdicts(con, result.verdicts, title="Verdicts at the end of the log")
    con.print("Readings: " + ", ".join(f"{k}={v}" for k, v in result.readings.items())
              + (f"; assuming {', '.join(result.assume_adopted)} adopted" if result.assume_adopted else ""))
    contested = {(d.kind, d.subject): d for s in result.steps for _, v in s.changes for d in v.depends_on
                 if d.status_if}
    if contested:
        con.print("[bold]Where a verdict turns on a contested claim[/bold]")
        for d in contested.values():
            con.print(f" • {safe(d.kind)} {safe(d.subject)} (would make it {safe(d.status_if)}): {safe(d.detail)}")
    for c in sc.covert:
        visits = safe("; ".join(f"{i} drew {', '.join(d) or 'nothing'}" for i, d in c.visits) or "no inspection")
        verdict = f"[bold red]CAUGHT[/] by {safe(c.caught_by)}" if c.caught_by else "[bold]NOT caught[/]"
        con.print(f"Covert: {safe(c.party)} hid {safe(c.system)} in {safe(', '.join(c.units))} at {safe(c.site)} "
                  f"from {safe(c.start)} until {safe(c.until)}. Visits in that window: {visits}. {verdict}. The "
                  f"regime's odds of catching it: {c.detection_probability:.1%} (exact hypergeometric over those "
                  f"visits).")
    if out is not None:
        con.print(f"Log ({len(result.entries)} signed entries) and result written to {safe(out)}/")
    if note is not None:
        import base64

        from moratorium.ledger.checkpoint import Checkpoint, SignedNote

        signed = SignedNote.parse(note)
        cp = Checkpoint.parse(signed.text)
        signers = [s.name for s in signed.signatures]
        con.print(f"Checkpoint {safe(cp.origin)} size {cp.size} root {base64.b64encode(cp.root).decode()} — signed "
                  f"by {safe(signers[0])}, cosigned by {safe(', '.join(signers[1:]) or 'nobody')}; the log verifies "
                  f"(every signature, root, checkpoint).")
