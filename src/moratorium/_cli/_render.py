"""Rendering for the spine's commands: rich tables and JSON documents (views only; they compute nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from moratorium.catalog import CapabilityClaim, Claim, Launcher, Site, System
    from moratorium.regime.verdict import Verdict
    from moratorium.scenario.run import RunResult
    from moratorium.treaty import Treaty
    from moratorium.treaty.classify import ClaimClassification

__all__ = ["claim_source_label", "id_column", "launcher_json", "limit_reason", "render_record", "render_run",
           "render_treaty", "render_verdicts", "safe", "site_json", "system_json", "treaty_json"]

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


def id_column(table: Table, name: str, values: Sequence[str]) -> None:
    """Add a column of ids a user must type: never wrapped or cut (the other columns fold first)."""
    table.add_column(name, no_wrap=True, overflow="ignore", min_width=max([len(name), *map(len, values)]))


def _assumption(text: str) -> str:
    return f"[bold yellow]\\[modelling assumption][/] {safe(text)}"


def render_treaty(con: Console, t: Treaty) -> None:
    """``treaty show``: parties (bloc members), item classes, zones, obligations, reciprocity, inspections and
    notification duties; every modelling assumption of the file is marked as such."""
    from rich.padding import Padding
    from rich.table import Table

    con.print(f"[bold]{safe(t.name)}[/bold] ({safe(t.id)}, {safe(t.date)})")
    con.print(f"SHA-256 of the canonical form (what adoption entries pin): {t.sha256}")
    con.print(safe(t.summary.strip(), 4 * MAX_FIELD_CHARS))
    table = Table(title="Parties")
    id_column(table, "id", [p.id for p in t.parties])
    for col in ("name", "kind", "territory / members"):
        table.add_column(col, overflow="fold")
    for p in t.parties:
        table.add_row(p.id, safe(p.name), p.kind, ", ".join(p.members if p.kind == "bloc" else p.countries))
    con.print(table)
    if t.item_classes:
        table = Table(title="Item classes")
        id_column(table, "id", [c.id for c in t.item_classes])
        for col in ("types", "basing", "range"):
            table.add_column(col, overflow="fold")
        for c in t.item_classes:
            table.add_row(c.id, "/".join(c.types), "/".join(c.basing), c.band.label)
        con.print(table)
    table = Table(title=f"Zones (European Russia drawn by '{t.european_russia}', territory taken "
                        f"{t.territorial_view}: choices of this file)")
    id_column(table, "id", [z.id for z in t.zones])
    table.add_column("made of", overflow="fold")
    for z in t.zones:
        parts = [f"countries {', '.join(z.countries)}" if z.countries else "",
                 f"subjects {', '.join(z.subjects)}" if z.subjects else "",
                 f"{z.russia} Russia" if z.russia else "", f"sites {', '.join(z.sites)}" if z.sites else "",
                 "everywhere" if z.everywhere else "",
                 f"except {', '.join(z.exclude_countries)}" if z.exclude_countries else ""]
        made = safe(f"{z.name}: " + "; ".join(x for x in parts if x))
        if z.description:
            made += "\n" + safe(z.description)
        table.add_row(z.id, made)
    con.print(table)
    con.print("[bold]Obligations[/bold]")
    for o in t.obligations:
        scope = ", ".join([*o.systems, *o.item_classes, *o.launcher_classes]) or (
            f"{o.category} <= {o.limit}" if o.kind == "ceiling" else f"{o.category} frozen at {o.freeze_date}")
        period = (f"from {o.period_from}" if o.period_from else "") + (f" until {o.period_until}"
                                                                     if o.period_until else "")
        if o.conditional_on:
            period += f"; only if {', '.join(o.conditional_on)} is adopted"
        con.print(f"  [bold]{safe(o.id)}[/bold]: {o.party} {o.kind} {o.activity} in {safe(o.zone)}"
                  + (f", {period.strip()}" if period else ""))
        con.print(Padding(safe(scope), (0, 0, 0, 6)))
        con.print(Padding(safe(o.description), (0, 0, 0, 6)))
    for r in t.reciprocity:
        con.print(f"Reciprocity [bold]{r.id}[/bold]: suspends {', '.join(r.suspends)} while {r.party} deploys "
                  f"{', '.join([*r.item_classes, *r.launcher_classes])} in {r.zone}. {safe(r.description)}")
    for ins in t.verification.inspections:
        quota = ", ".join(f"years {q.first_year}-{q.last_year or ''}: {q.per_year}/yr" for q in ins.quota)
        con.print(f"Inspection [bold]{ins.type}[/bold] ({', '.join(ins.inspecting)} inspect "
                  f"{', '.join(ins.inspected)} at {', '.join(ins.sites) or 'declared sites'}): "
                  f"{safe(ins.description)}"
                  + (f"; quota {quota}" if quota else "")
                  + (f"; notice {ins.notice_h:g} h" if ins.notice_h else "")
                  + (f"; {ins.duration_h:g} h on site" if ins.duration_h else "")
                  + (f" (+{ins.extension_h:g} h)" if ins.extension_h else "")
                  + (f". {_assumption(ins.assumption)}" if ins.assumption else ""))
    if t.notifications:
        table = Table(title="Notification duties")
        for col in ("event", "deadline", "parties", "what"):
            table.add_column(col, overflow="fold")
        for n in t.notifications:
            when = f"{n.deadline_h:g} h after" if n.deadline_h >= 0 else f"{-n.deadline_h:g} h before"
            table.add_row(n.event, when, ", ".join(n.parties) or "all", safe(n.description))
        con.print(table)
    else:
        con.print("Notification duties: none in this treaty.")
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
        con.print(safe(line, 4 * MAX_FIELD_CHARS))


def _perspectives(v: Verdict) -> str:
    """`` (RU: compliant, NATO: violation)`` where the perspectives differ, else nothing."""
    if len(set(v.perspectives.values())) <= 1:
        return ""
    return " (" + ", ".join(f"{p}: {s}" for p, s in v.perspectives.items()) + ")"


def render_verdicts(con: Console, verdicts: Sequence[Verdict], *, title: str) -> None:
    """The verdict table: joint status with each party's perspective, the basis of a compliant one, why."""
    from rich.table import Table

    final = Table(title=title)
    final.add_column("party", no_wrap=True)
    id_column(final, "obligation", [v.obligation for v in verdicts])
    for col in ("status", "basis", "evidence", "why"):
        final.add_column(col, overflow="fold")
    for v in verdicts:
        final.add_row(safe(v.party), safe(v.obligation),
                      f"[{_STYLE.get(v.status, '')}]{safe(v.status)}[/]{safe(_perspectives(v))}",
                      v.basis or "-", ", ".join(map(str, v.evidence)) or "-", safe(v.reason))
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
            f"{safe(new.party)} {safe(new.obligation)}: {safe(old.status) if old else '-'} → "
            f"[{_STYLE.get(new.status, '')}]{safe(new.status)}[/]{safe(_perspectives(new))} "
            f"(evidence {', '.join(map(str, new.evidence)) or '-'})"
            for old, new in step.changes)
        deps = "\n".join(sorted({f"{d.kind}: {d.subject}" + (f" (else {d.status_if})" if d.status_if else "")
                                 for _, new in step.changes for d in new.depends_on}))
        table.add_row(str(step.seq), safe(step.date), safe(step.author), safe(step.action), changes, safe(deps))
    con.print(table)
    render_verdicts(con, result.verdicts, title="Verdicts at the end of the log")
    con.print("Readings: " + ", ".join(f"{k}={v}" for k, v in result.readings.items())
              + (f"; assuming {', '.join(result.assume_adopted)} adopted" if result.assume_adopted else ""))
    contested = {(d.kind, d.subject): d for s in result.steps for _, v in s.changes for d in v.depends_on
                 if d.status_if}
    if contested:
        con.print("[bold]Where a verdict turns on a contested claim[/bold]")
        for d in contested.values():
            con.print(f" • {safe(d.kind)} {safe(d.subject)} (would make it {d.status_if}): {safe(d.detail)}")
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
        con.print(f"Checkpoint {safe(cp.origin)} size {cp.size} root {base64.b64encode(cp.root).decode()} — signed "
                  f"by {safe(signers[0])}, cosigned by {safe(', '.join(signers[1:]) or 'nobody')}; the log verifies "
                  f"(every signature, root, checkpoint).")


def render_record(con: Console, title: str, doc: dict[str, Any]) -> None:
    """``catalog show``: one system, launcher or site as a table of its fields, each list of claims as a table of
    claims (value, claimant, source, date) rather than raw YAML."""
    import json

    from rich.table import Table

    doc = json.loads(json.dumps(doc, default=str))  # tuples become lists
    con.print(f"[bold]{safe(title)}[/bold]")
    fields = Table(show_header=False, box=None, pad_edge=False)
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value", overflow="fold")
    claim_tables = []
    for key, value in doc.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) and "claimant" in v for v in value):
            claim_tables.append((key, value))
        elif isinstance(value, dict) and value and all(isinstance(v, list) for v in value.values()):
            for sub, claims in value.items():
                claim_tables.append((f"{key}: {sub}", claims))
        elif isinstance(value, list):
            fields.add_row(key, safe(", ".join(map(str, value))))
        else:
            fields.add_row(key, safe(str(value)))
    con.print(fields)
    notes: list[str] = []
    for key, claims in claim_tables:
        table = Table(title=key.replace("_", " "), title_justify="left")
        id_column(table, "claim", [str(c.get("id") or "") for c in claims])
        for col in ("value", "claimant", "date"):
            table.add_column(col, overflow="fold")
        for c in claims:
            value = c.get("value")
            shown = f"{c.get('qualifier') + ' ' if c.get('qualifier') else ''}{value:g}" if isinstance(
                value, int | float) and not isinstance(value, bool) else str(value)
            notes.append(f"{c.get('id') or c.get('claimant')}: {c.get('source') or 'no source'}"
                         + (f" ({c['note']})" if c.get("note") else ""))
            table.add_row(str(c.get("id") or ""), safe(shown) + f" [{len(notes)}]",
                          safe(str(c.get("claimant") or "")), safe(str(c.get("date") or "")))
        con.print(table)
    for i, note in enumerate(notes, start=1):  # sources as footnotes: the compared columns stay readable
        con.print(f"[{i}] {note}", markup=False)


def limit_reason(row: ClaimClassification, system: System, treaty: Treaty) -> str:
    """Why ``classify`` says a row is (not) limited: the obligation naming the system, or the item class and
    the obligations that limit it, or the band the range falls outside of."""
    named = [o.id for o in treaty.obligations if system.id in o.systems]
    if named:
        return f"named by {_ids(named)}"
    if row.item_class is None:
        if "ground" not in system.basing:
            return "not ground-launched"
        bands = [c.band.label for c in treaty.item_classes if system.type in c.types]
        return "outside every band" if bands else f"no item class for {system.type} missiles"
    ic = next(c for c in treaty.item_classes if c.id == row.item_class)
    by: list[str] = [o.id for o in treaty.obligations if row.item_class in o.item_classes]
    by += [o.id for o in treaty.obligations for lc in o.launcher_classes
           if row.item_class in treaty.launcher_class(lc).fires and o.id not in by]
    return f"by {_ids(by)}" if by else f"{ic.id} is limited by no obligation"


def _ids(ids: Sequence[str]) -> str:
    return ids[0] + (f" +{len(ids) - 1} more" if len(ids) > 1 else "")
