"""Run a scenario: sign each action with its party's demo key, append it to a real log, replay into verdicts.

``run_scenario`` computes; ``write_run`` writes the log and the result into a directory (everything is written
into a staging directory and moved into place only once complete, so a failure leaves nothing half-written; a
directory holding files a run did not write is refused, see ``scenario._outdir``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moratorium.ledger.audit import AuditReport
from moratorium.ledger.entry import SignedEntry
from moratorium.ledger.keys import PartyKey, PublicKey, verify_entry
from moratorium.ledger.memory import MemoryLog
from moratorium.regime.compliance import ReachAnalysis, TimelineStep, default_reach, timeline
from moratorium.regime.verdict import Verdict
from moratorium.scenario._load import Scenario
from moratorium.treaty import Treaty
from moratorium.treaty.readings import resolve

__all__ = ["RunResult", "demo_keys", "inputs_json", "result_json", "run_scenario", "write_log", "write_run"]


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    entries: tuple[SignedEntry, ...]
    steps: tuple[TimelineStep, ...]
    verdicts: tuple[Verdict, ...]
    keyring: dict[str, PublicKey]
    readings: Mapping[str, str] = field(default_factory=dict)
    assume_adopted: tuple[str, ...] = ()


def demo_keys(scenario: Scenario) -> dict[str, PartyKey]:
    """Each party's demo key, derived from the scenario's seed (deterministic, for demonstrations only)."""
    return {p.id: PartyKey.derive(p.id, scenario.seed) for p in scenario.treaty.parties}


def run_scenario(scenario: Scenario, *, reach: ReachAnalysis | bool | None = True,
                 readings: Mapping[str, str] | None = None, assume_adopted: Sequence[str] = ()) -> RunResult:
    """Sign and log every action of ``scenario`` and compute the verdict timeline.

    ``readings`` override the treaty's default readings (``moratorium.treaty.readings``); ``assume_adopted`` names
    parties treated as having adopted the treaty (a counterfactual for ``conditional_on`` obligations).

    ``reach``: the reach analysis for reach-defined obligations; True (the default) uses
    ``moratorium.geo.territory.TerritoryDistance`` (exact WGS84 geodesics to Natural Earth borders) when the
    treaty has such an obligation; None leaves those verdicts at ``needs-analysis``.
    """
    if reach is True:
        reach = default_reach(scenario.treaty)
    elif reach is False:
        reach = None
    applied = resolve(scenario.treaty, readings)
    for party in assume_adopted:
        scenario.treaty.party(party)  # NotFoundError naming the parties
    keys = demo_keys(scenario)
    keyring = {party: key.public for party, key in keys.items()}
    log = MemoryLog(verifier=lambda signed: verify_entry(signed, keyring))
    for step in scenario.steps:
        log.append(step.signed)  # signed with the demo keys when the scenario was loaded
    entries = tuple(log.entries())
    steps, verdicts = timeline(scenario.treaty, entries, reach=reach, readings=applied,
                               assume_adopted=assume_adopted)
    return RunResult(scenario=scenario, entries=entries, steps=tuple(steps), verdicts=tuple(verdicts),
                     keyring=keyring, readings=applied, assume_adopted=tuple(assume_adopted))


def inputs_json(treaty: Treaty, entries: Sequence[SignedEntry], readings: Mapping[str, str],
                assume_adopted: Sequence[str] = ()) -> dict[str, Any]:
    """What a verdict was computed from: the treaty's canonical hash, the digest of the claims in the log, the
    engine's version, the installed dependency set (``requirements.lock``'s hash when installed from it) and the
    readings. Two installs computing from the same record print the same block."""
    from moratorium._provenance import engine_version, lock_sha256
    from moratorium.regime.claims import claims_digest
    from moratorium.regime.state import replay

    st = replay(treaty, entries)
    out: dict[str, Any] = {"treaty_sha256": treaty.sha256, "claims_sha256": claims_digest(st.claims),
                           "engine_version": engine_version(), "lock_sha256": lock_sha256(),
                           "readings": dict(readings)}
    if assume_adopted:
        out["assume_adopted"] = list(assume_adopted)
    return out


def result_json(result: RunResult) -> dict[str, Any]:
    """The ``moratorium run --format json`` document."""
    deps = {(v.party, v.obligation, s.seq): v for s in result.steps for _, v in s.changes}
    timeline_json = []
    for step in result.steps:
        item = step.to_json()
        for change in item["changes"]:  # type: ignore[attr-defined]
            verdict = deps[(change["party"], change["obligation"], step.seq)]
            change["depends_on"] = [d.to_json() for d in verdict.depends_on]
        timeline_json.append(item)
    return {
        "scenario": result.scenario.id,
        "treaty": result.scenario.treaty.id,
        "inputs": inputs_json(result.scenario.treaty, result.entries, result.readings, result.assume_adopted),
        "entries": len(result.entries),
        "timeline": timeline_json,
        "verdicts": [v.to_json() for v in result.verdicts],
        "covert": [c.to_json() for c in result.scenario.covert],
    }


def _checkpoint_time(result: RunResult) -> int:
    """Cosignature timestamp: midnight UTC of the last entry's date (time is a parameter, never the clock)."""
    import datetime as dt

    last = result.entries[-1].entry.effective[:10]
    parts = [int(p) for p in last.split("-")] + [1, 1]
    day = dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)
    return int(day.timestamp())


def write_log(result: RunResult, url: str) -> tuple[str, AuditReport]:
    """Append the run's entries to a persistent log at ``url``, checkpoint it as the operator (the treaty's
    first party), have every other party cosign, and audit it. Returns the cosigned note and the audit."""
    from moratorium.ledger import open_log
    from moratorium.ledger.audit import verify_log
    from moratorium.ledger.checkpoint import cosign, make_checkpoint

    keys = demo_keys(result.scenario)
    operator = result.scenario.treaty.parties[0].id
    origin = f"moratorium.example/{result.scenario.id}"
    with open_log(url) as log:
        for key in keys.values():
            log.register_key(key.public)
        log.append_many(result.entries)
        note = make_checkpoint(log, keys[operator], origin=origin)
        for party, key in keys.items():
            if party != operator:
                note = cosign(log, note, key, operator=operator, timestamp=_checkpoint_time(result))
    report = verify_log(url, keyring=result.keyring)
    return note, report


def write_run(result: RunResult, out_dir: Path) -> str:
    """Write the log (``log.sqlite``, checkpointed and cosigned), ``checkpoint.txt``, ``result.json``,
    ``entries.jsonl`` (the log's leaves), ``keys.json`` (public keys) and the report with its maps
    (``report.html``, ``map.png``, ``map.html``) into ``out_dir``; return the note."""
    from moratorium.scenario import _outdir

    out_dir = Path(out_dir)
    staging = _outdir.prepare(out_dir)  # refuses a directory holding files a run did not write
    try:
        (staging / "result.json").write_text(json.dumps(result_json(result), indent=2) + "\n")
        with (staging / "entries.jsonl").open("wb") as handle:
            for signed in result.entries:
                handle.write(signed.leaf_data() + b"\n")
        keys = {party: key.to_json() for party, key in result.keyring.items()}
        (staging / "keys.json").write_text(json.dumps(keys, indent=2) + "\n")
        note, _ = write_log(result, str(staging / "log.sqlite"))
        (staging / "checkpoint.txt").write_text(note)
        from moratorium.scenario.report import write_report

        write_report(result, staging)
        _outdir.install(staging, out_dir)
        return note
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

