"""Scenario files: a treaty, a seed for demo keys, and a dated timeline of party actions.

Loading validates everything before anything is written: YAML shape (pydantic), dates in order, every entry body,
and that each author may make each entry (by a dry replay); errors name ``FILE:LINE: field``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from moratorium import dates
from moratorium._yamlfile import date_text, file_field, load_yaml, locate, validate
from moratorium.errors import InputError, NotFoundError
from moratorium.ledger.entry import Entry, SignedEntry
from moratorium.scenario._inspections import CovertAction, CovertOutcome, PlannedInspection, inspection_entries, outcome
from moratorium.treaty import Treaty, load_treaty

__all__ = ["Scenario", "ScenarioStep", "load_scenario", "shipped_scenario_ids"]

_DATE = r"^\d{4}-\d{2}(-\d{2})?$"



class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: str = Field(pattern=_DATE)
    recorded: str | None = Field(default=None, pattern=_DATE)
    by: str
    kind: str
    body: dict[str, Any] = {}

    _d = field_validator("date", "recorded", mode="before")(date_text)


class _ClaimImport(BaseModel):
    """A party importing the reference catalogue's claims by signing them (its own, or third parties' it endorses)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    by: str
    claimants: list[str] = []
    only: list[str] | None = None
    date: str | None = Field(default=None, pattern=_DATE)

    _d = field_validator("date", mode="before")(date_text)


class _ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    treaty: str
    seed: str = Field(min_length=1)
    claims: list[_ClaimImport] = []
    timeline: list[_Step] = Field(min_length=1)
    inspections: list[PlannedInspection] = []
    covert: list[CovertAction] = []


@dataclass(frozen=True)
class ScenarioStep:
    """One entry of a scenario, signed with its author's demo key, and the file line it comes from."""

    signed: SignedEntry
    line: int | None

    @property
    def entry(self) -> Entry:
        return self.signed.entry


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    treaty: Treaty
    seed: str
    steps: tuple[ScenarioStep, ...]
    path: str
    covert: tuple[CovertOutcome, ...] = ()


def shipped_scenario_ids() -> list[str]:
    folder = resources.files("moratorium.scenario") / "data"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name or a scenario file by path, fully validated."""
    key = str(name_or_path)
    if key in shipped_scenario_ids():
        ref = resources.files("moratorium.scenario") / "data" / f"{key}.yaml"
        label, text = f"scenario/data/{key}.yaml", ref.read_text(encoding="utf-8")
    else:
        path = Path(key)
        if not path.exists() and path.suffix not in (".yaml", ".yml"):
            raise NotFoundError(f"unknown scenario {key!r}; shipped: {', '.join(shipped_scenario_ids())} "
                                f"(or give a file path)", field="scenario")
        label = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such file", file=label) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read: {exc}", file=label) from exc
    data, lines = load_yaml(label, text=text)
    doc = validate(_ScenarioFile, data, file=label, lines=lines)
    treaty_ref: str | Path = doc.treaty
    if doc.treaty.endswith((".yaml", ".yml")) and not Path(doc.treaty).is_absolute() and label == str(name_or_path):
        beside = Path(label).parent / doc.treaty  # a treaty path is relative to the scenario file
        treaty_ref = beside if beside.exists() or not Path(doc.treaty).exists() else doc.treaty
    try:
        treaty = load_treaty(treaty_ref)
    except InputError as exc:
        if exc.file is None:
            raise InputError(exc.message, file=label, line=locate(lines, ("treaty",)), field="treaty") from None
        raise
    timeline: list[tuple[Entry, int | None]] = []
    claim_entries = _claim_entries(doc, label, lines)
    previous = ""
    for i, step in enumerate(doc.timeline):
        line = locate(lines, ("timeline", i))
        if step.date < previous:
            raise InputError(f"dates out of order: {step.date} comes after {previous}", file=label,
                             line=locate(lines, ("timeline", i, "date")), field=f"timeline[{i}].date")
        previous = step.date
        body = step.body
        if step.kind in ("treaty-adoption", "treaty-withdrawal"):
            pinned = body.get("treaty_sha256")
            if pinned is None:
                body = {**body, "treaty_sha256": treaty.sha256}  # the entry pins the exact text adopted
            elif pinned != treaty.sha256:
                raise InputError(f"pins treaty SHA-256 {pinned}, but {treaty.id} hashes to {treaty.sha256}",
                                 file=label, line=locate(lines, ("timeline", i, "body", "treaty_sha256")),
                                 field=f"timeline[{i}].body.treaty_sha256")
        try:
            entry = Entry(author=step.by, kind=step.kind, effective=step.date, recorded=step.recorded or step.date,
                          body=body)
        except InputError as exc:
            raise InputError(exc.message, file=label, line=line,
                             field=f"timeline[{i}].{file_field(exc.field)}") from None
        timeline.append((entry, line))
    return _play(doc, treaty, claim_entries + timeline, label, lines, n_claims=len(claim_entries))


def _claim_entries(doc: _ScenarioFile, label: str,
                   lines: dict[tuple[str | int, ...], int]) -> list[tuple[Entry, int | None]]:
    """The catalogue claims each ``claims:`` import signs, as entries dated at the start of the record."""
    from moratorium.catalog import load_catalog
    from moratorium.regime.claims import catalog_claims

    out: list[tuple[Entry, int | None]] = []
    start = doc.timeline[0].date
    for i, imp in enumerate(doc.claims):
        line = locate(lines, ("claims", i))
        try:
            bodies = catalog_claims(load_catalog(), claimants=set(imp.claimants) if imp.claimants else None,
                                    only=set(imp.only) if imp.only is not None else None)
        except InputError as exc:
            raise InputError(exc.message, file=label, line=line, field=f"claims[{i}].only") from None
        if not bodies:
            raise InputError(f"imports no claim (claimants {', '.join(imp.claimants) or 'any'})", file=label,
                             line=line, field=f"claims[{i}]")
        date = imp.date or start
        if dates.earlier(start, date):
            raise InputError(f"claims are imported at the start of the record ({start}) or before, not {date}",
                             file=label, line=locate(lines, ("claims", i, "date")), field=f"claims[{i}].date")
        out.extend((Entry(author=imp.by, kind="claim", effective=date, recorded=date, body=body), line)
                   for body in bodies)
    out.sort(key=lambda item: item[0].effective)
    return out


def _play(doc: _ScenarioFile, treaty: Treaty, timeline: list[tuple[Entry, int | None]], label: str,
          lines: dict[tuple[str | int, ...], int], *, n_claims: int = 0) -> Scenario:
    """Replay the timeline, signed with the demo keys (so inspection draws bind the same log root as the real run),
    expanding planned inspections into their entries as their dates come; every error names its file line."""
    from moratorium.ledger.keys import PartyKey, sign_entry
    from moratorium.regime import selection
    from moratorium.regime.checklists import load_checklist
    from moratorium.regime.state import Replayer

    keys: dict[str, PartyKey] = {}
    replayer = Replayer(treaty)
    for i, action in enumerate(doc.covert):
        if action.site not in replayer.catalog.sites:
            raise NotFoundError(f"unknown site {action.site!r}", file=label,
                                line=locate(lines, ("covert", i, "site")), field=f"covert[{i}].site")
    steps: list[ScenarioStep] = []
    draws: dict[str, tuple[str, ...]] = {}
    unit_counts: dict[str, int] = {}

    def apply(entry: Entry, line: int | None, where: str) -> int:
        seq = len(steps)
        try:
            key = keys.setdefault(entry.author, PartyKey.derive(entry.author, doc.seed))
            signed = sign_entry(entry, key)  # refuses a body that cannot be canonicalised (NaN, 1e16...)
            replayer.apply(seq, signed)
        except InputError as exc:
            path: list[str | int] = [where.split("[")[0], int(where.split("[")[1].rstrip("]"))]
            if where.startswith("claims"):
                raise type(exc)(exc.message, file=label, line=line,
                                field=f"{where}: claim {entry.body.get('subject')}/{entry.body.get('id')}"
                                      f"{'.' + exc.field if exc.field else ''}") from None
            if exc.field and where.startswith("timeline"):
                for part in (file_field(exc.field) or "").replace("]", "").replace("[", ".").split("."):
                    path.append(int(part) if part.isdigit() else part)
            field = f"{where}.{file_field(exc.field) if where.startswith('timeline') else exc.field}" \
                if exc.field else where
            raise type(exc)(exc.message, file=label, line=locate(lines, path), field=field) from None
        steps.append(ScenarioStep(signed=signed, line=line))
        return seq

    events: list[tuple[str, int, int]] = [(entry.effective, 0, i) for i, (entry, _) in enumerate(timeline)]
    events += [(plan.date, 1, i) for i, plan in enumerate(doc.inspections)]
    for _, source, i in sorted(events):
        if source == 0:
            apply(*timeline[i], f"claims[{i}]" if i < n_claims else f"timeline[{i - n_claims}]")
            continue
        plan, where = doc.inspections[i], f"inspections[{i}]"
        line = locate(lines, ("inspections", i))
        for stage in ("request", "commit", "reveal"):
            for entry in inspection_entries(plan, seed=doc.seed, stage=stage):
                apply(entry, line, where)
        record = replayer.state.inspections[plan.id]
        drawn: tuple[str, ...] = ()
        if record.units:
            seed_bytes = selection.seed(nonces={p: n for p, n in record.reveals.items()},
                                        checkpoint_root=record.root_at_request,
                                        checkpoint_size=record.size_at_request, context=plan.id)
            drawn = tuple(record.units[k] for k in selection.draw_indices(seed_bytes, record.sample,
                                                                           len(record.units)))
        draws[plan.id], unit_counts[plan.id] = drawn, len(record.units)
        site_type = replayer.catalog.site(plan.site).type
        unit_check = next((it.id for it in load_checklist(site_type).items if it.per == "unit"), "unit")
        report = inspection_entries(plan, seed=doc.seed, stage="report", drawn=drawn, covert=list(doc.covert),
                                    unit_check=unit_check)[0]
        report_seq = apply(report, line, where)
        apply(Entry(author=plan.inspected, kind="inspection-countersign", effective=report.effective,
                    recorded=report.recorded, body={"inspection": plan.id, "report": report_seq}), line, where)
    covert = tuple(outcome(action, list(doc.inspections), draws, unit_counts) for action in doc.covert)
    return Scenario(id=doc.id, name=doc.name, treaty=treaty, seed=doc.seed, steps=tuple(steps), path=label,
                    covert=covert)
