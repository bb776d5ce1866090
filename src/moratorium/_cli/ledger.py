"""CLI commands of the ``ledger`` domain: ``moratorium log ...`` and ``moratorium escrow ...``.

Thin: parse, call one library function, render. Only typer is imported at module level (start-up time is
benchmarked); the ledger, SQLAlchemy and cryptography are imported inside the commands. Failed checks raise
``VerificationError`` (exit 1), bad input ``InputError`` (exit 2); ``moratorium.cli.main`` maps them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from moratorium._cli._common import TextFormat

if TYPE_CHECKING:
    from moratorium.ledger.keys import PartyKey, PublicKey
    from moratorium.ledger.sqllog import SqlLog

__all__ = ["register"]

log_app = typer.Typer(
    help="The append-only Merkle log: verify, checkpoint, cosign, prove.", no_args_is_help=True
)
escrow_app = typer.Typer(help="Escrowed declarations: commit now, reveal item by item.", no_args_is_help=True)

LogArg = Annotated[
    str, typer.Argument(help="Log file path or database URL (sqlite:///..., postgresql+psycopg://...).")
]
FormatOpt = Annotated[TextFormat, typer.Option("--format", help="Output format.")]
KeyOpt = Annotated[
    Path, typer.Option("--key", help="Private key file of the acting party.", exists=True, dir_okay=False)
]
LogOpt = Annotated[str, typer.Option("--log", help="Log file path or database URL.")]
RecordedOpt = Annotated[
    str | None, typer.Option("--recorded", help="ISO 8601 time of the entry (default: now).")
]


_EVIDENCE = Path("equivocation.json")


def register(app: typer.Typer) -> None:
    """Add ``log`` and ``escrow`` to the root app."""
    app.add_typer(log_app, name="log")
    app.add_typer(escrow_app, name="escrow")


def _open(url: str) -> SqlLog:
    from moratorium.ledger import open_log

    return open_log(url, create=False)


def _load_key(path: Path) -> PartyKey:
    from moratorium.ledger.keys import PartyKey

    return PartyKey.load(path)


def _load_keyring(path: Path) -> dict[str, PublicKey]:
    """Read ``--keys FILE`` (any form ``read_public_keys`` takes: a list of public keys, ``{"keys": [...]}``, one
    key, a private key file or ``run``'s ``keys.json``) as ``{party: key}``."""
    from moratorium.ledger.keys import read_public_keys

    return {k.party: k for k in read_public_keys(path)}


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode()


def _emit(fmt: TextFormat, data: dict[str, Any], text: str) -> None:
    from moratorium._cli._common import print_json

    if fmt is TextFormat.json:
        print_json(data)
    else:
        typer.echo(text)


@log_app.command("verify")
def log_verify(
    url: LogArg,
    keys: Annotated[
        Path | None, typer.Option("--keys", help="Pin the parties' public keys (JSON list, or run's keys.json).")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Processes to use (0: one per core for big logs).")
    ] = 0,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", exists=True, dir_okay=False,
                     help="Verify against this external signed checkpoint note (e.g. the one `run` writes)."),
    ] = None,
    require_cosigner: Annotated[
        list[str] | None,
        typer.Option("--require-cosigner", help="Party whose cosignature the checkpoint must carry (repeatable)."),
    ] = None,
    allow_unanchored: Annotated[
        bool, typer.Option("--allow-unanchored", help="Accept a log that no checkpoint vouches for (exit 0).")
    ] = False,
    fmt: FormatOpt = TextFormat.text,
) -> None:
    """Re-derive the root, check every signature, stored hash and the latest checkpoint (exit 1 if bad).

    URL may also be a tlog-tiles directory or http(s) prefix (then --keys is needed to verify the checkpoint).
    A log with no checkpoint (stored or given with --checkpoint) is unanchored: its holder could have truncated,
    reordered or replayed it; that is exit 1 unless --allow-unanchored.
    """
    import os

    from moratorium.errors import InputError, VerificationError
    from moratorium.ledger.audit import verify_log

    keyring = _load_keyring(keys) if keys is not None else None
    if _is_tiles(url):
        _verify_tiles(url, keyring, fmt)
        return
    note = None
    if checkpoint is not None:
        try:
            note = checkpoint.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the checkpoint: {exc}", file=str(checkpoint)) from exc
    n = workers or (os.cpu_count() or 1)
    report = verify_log(url, keyring=keyring, workers=n, checkpoint=note, require_cosigners=require_cosigner or ())
    cp, ext = report.checkpoint, report.external
    data = {
        "ok": report.anchored or allow_unanchored,
        "anchored": report.anchored,
        "size": report.size,
        "root": _b64(report.root),
        "checkpoint": None if cp is None else {"origin": cp.origin, "size": cp.size, "root": _b64(cp.root)},
        "cosigners": list(report.cosigners),
        "external_checkpoint": None if ext is None else {"origin": ext.origin, "size": ext.size,
                                                          "root": _b64(ext.root),
                                                          "cosigners": list(report.external_cosigners)},
    }
    line = f"ok: {report.size} entries, root {_b64(report.root)}"
    if cp is not None:
        line += f"; checkpoint {cp.origin} at {cp.size} verified"
        line += f", cosigned by {', '.join(report.cosigners)}" if report.cosigners else ", not cosigned"
    if ext is not None:
        line += f"; external checkpoint {ext.origin} at {ext.size} verified"
        line += (f", cosigned by {', '.join(report.external_cosigners)}" if report.external_cosigners
                 else ", not cosigned")
    if not report.anchored:
        line = line.replace("ok: ", "unanchored: ", 1) + ("; no checkpoint vouches for this log: its holder could "
                                                          "have truncated, reordered or replayed it")
    _emit(fmt, data, line)
    if not report.anchored and not allow_unanchored:
        raise VerificationError("the log is unanchored (no stored checkpoint and no --checkpoint); pass "
                                "--checkpoint FILE, or --allow-unanchored to accept it")


@log_app.command("checkpoint")
def log_checkpoint(
    url: LogArg,
    key: KeyOpt,
    origin: Annotated[
        str, typer.Option("--origin", help="The log's origin line, e.g. example.org/inf-2026.")
    ],
) -> None:
    """Sign a C2SP checkpoint of the log's current size as its operator; print the note."""
    from moratorium.ledger.checkpoint import make_checkpoint

    party_key = _load_key(key)
    with _open(url) as log:
        log.register_key(party_key.public)
        typer.echo(make_checkpoint(log, party_key, origin=origin), nl=False)


@log_app.command("prove")
def log_prove(
    url: LogArg,
    index: Annotated[int, typer.Option("--index", help="Entry sequence number.")],
    size: Annotated[int | None, typer.Option("--size", help="Tree size (default: the current size).")] = None,
    fmt: FormatOpt = TextFormat.text,
) -> None:
    """Print an RFC 9162 inclusion proof of entry INDEX, checked before it is printed.

    URL may also be a tlog-tiles directory or http(s) prefix: the proof is then computed from the tiles alone
    and checked against the root of the served checkpoint."""
    from moratorium.ledger import rfc6962

    if _is_tiles(url):
        _prove_tiles(url, index, size, fmt)
        return
    with _open(url) as log:
        size = log.size if size is None else size
        proof = log.inclusion_proof(index, size)
        root = log.root_hash(size)
        leaf = log.entries(index, index + 1)[0].leaf_data()
    rfc6962.verify_inclusion(rfc6962.hash_leaf(leaf), index, size, proof, root)
    data = {"index": index, "size": size, "leaf_hash": _b64(rfc6962.hash_leaf(leaf)), "root": _b64(root),
            "proof": [_b64(p) for p in proof]}
    _emit(fmt, data, "\n".join(f"{k}: {v}" for k, v in data.items() if k != "proof")
          + "".join(f"\nproof: {_b64(p)}" for p in proof))


@log_app.command("consistency")
def log_consistency(
    url: LogArg,
    size1: Annotated[int, typer.Option("--from", help="The older tree size.")],
    size2: Annotated[int | None, typer.Option("--to", help="The newer tree size (default: current).")] = None,
    fmt: FormatOpt = TextFormat.text,
) -> None:
    """Print an RFC 9162 consistency proof from size S1 to S2, checked before it is printed."""
    from moratorium.ledger import rfc6962

    with _open(url) as log:
        size2 = log.size if size2 is None else size2
        proof = log.consistency_proof(size1, size2)
        root1, root2 = log.root_hash(size1), log.root_hash(size2)
    rfc6962.verify_consistency(size1, size2, proof, root1, root2)
    data = {"size1": size1, "size2": size2, "root1": _b64(root1), "root2": _b64(root2),
            "proof": [_b64(p) for p in proof]}
    _emit(fmt, data, "\n".join(f"{k}: {v}" for k, v in data.items() if k != "proof")
          + "".join(f"\nproof: {_b64(p)}" for p in proof))


@log_app.command("cosign")
def log_cosign(
    url: LogArg,
    key: KeyOpt,
    operator: Annotated[str, typer.Option("--operator", help="Party id of the log operator who signed it.")],
    note: Annotated[
        Path | None, typer.Option("--note", help="Checkpoint note file (default: the latest).")
    ] = None,
    timestamp: Annotated[int | None, typer.Option("--timestamp", help="POSIX time (default: now).")] = None,
    evidence: Annotated[Path, typer.Option("--evidence", help="Where to write a fork proof.")] = _EVIDENCE,
) -> None:
    """Cosign a checkpoint after checking it is consistent with the last one you cosigned."""
    import json
    import time

    from moratorium.errors import InputError
    from moratorium.ledger.checkpoint import ForkProvenError, cosign

    party_key = _load_key(key)
    with _open(url) as log:
        if note is not None:
            text = note.read_text()
        else:
            notes = log.checkpoints()
            if not notes:
                raise InputError("the log has no checkpoint to cosign", file=url)
            text = notes[0]
        log.register_key(party_key.public)
        when = int(time.time()) if timestamp is None else timestamp
        try:
            typer.echo(cosign(log, text, party_key, operator=operator, timestamp=when), nl=False)
        except ForkProvenError as exc:
            evidence.write_text(json.dumps(exc.proof, indent=2) + "\n")
            raise ForkProvenError(f"{exc}; proof written to {evidence}", exc.proof) from exc


@log_app.command("check-equivocation")
def log_check_equivocation(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Equivocation proof (JSON).")],
    keys: Annotated[
        Path | None, typer.Option("--keys", help="Pin the operator's public key (JSON list).")
    ] = None,
) -> None:
    """Exit 0 if FILE proves the operator signed two different roots for one size; 1 if it does not."""
    import json

    from moratorium.errors import InputError
    from moratorium.ledger.checkpoint import check_equivocation

    try:
        proof = json.loads(file.read_text())
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", file=str(file)) from exc
    pinned = None
    if keys is not None:
        pinned = _load_keyring(keys).get(str(proof.get("operator", {}).get("party", "")))
        if pinned is None:
            raise InputError("the proof's operator is not among the pinned keys", file=str(keys))
    a, b = check_equivocation(proof, operator=pinned)
    party = proof["operator"]["party"]
    if pinned is None:
        # Without a pinned key the proof is only self-consistent: anyone can make a key, name it after the
        # operator and sign two roots with it. Say so rather than blame the named party.
        typer.echo(f"equivocation proven for the key inside the file only (named {party!r}, not pinned): "
                   f"{a.origin} at size {a.size} signed with roots {_b64(a.root)} and {_b64(b.root)}; pass "
                   f"--keys with {party}'s public key to prove it was {party}'s key")
    else:
        typer.echo(f"equivocation proven: {a.origin} at size {a.size} signed with roots {_b64(a.root)} "
                   f"and {_b64(b.root)} by {party}'s pinned key {pinned.key_id}")


def _is_tiles(url: str) -> bool:
    from moratorium.ledger.tlog_client import is_tiles_location

    return is_tiles_location(url)


def _tiles_checkpoint(url: str) -> tuple[Any, Any]:
    """The fetcher and the (unverified) checkpoint of a tiles location."""
    from moratorium.errors import VerificationError
    from moratorium.ledger.checkpoint import Checkpoint, SignedNote
    from moratorium.ledger.tlog_client import open_fetcher

    fetcher = open_fetcher(url)
    data = fetcher.get("checkpoint")
    if data is None:
        raise VerificationError(f"{url}: no checkpoint")
    try:
        return fetcher, Checkpoint.parse(SignedNote.parse(data.decode("utf-8")).text)
    except UnicodeDecodeError as exc:
        raise VerificationError(f"{url}/checkpoint is not UTF-8") from exc


def _prove_tiles(url: str, index: int, size: int | None, fmt: TextFormat) -> None:
    from moratorium.ledger import rfc6962
    from moratorium.ledger.tlog_client import TileReader

    fetcher, cp = _tiles_checkpoint(url)
    size = cp.size if size is None else size
    reader = TileReader(fetcher, size)
    root = reader.root_hash()
    if size == cp.size and root != cp.root:
        from moratorium.errors import VerificationError

        raise VerificationError(f"the tiles give root {_b64(root)}, the checkpoint says {_b64(cp.root)}")
    proof = reader.inclusion_proof(index)
    leaf_hash = reader.leaf_hash(index)
    rfc6962.verify_inclusion(leaf_hash, index, size, proof, root)
    data = {"index": index, "size": size, "leaf_hash": _b64(leaf_hash), "root": _b64(root),
            "proof": [_b64(p) for p in proof]}
    _emit(fmt, data, "\n".join(f"{k}: {v}" for k, v in data.items() if k != "proof")
          + "".join(f"\nproof: {_b64(p)}" for p in proof))


def _verify_tiles(url: str, keyring: dict[str, PublicKey] | None, fmt: TextFormat) -> None:
    from moratorium.errors import InputError
    from moratorium.ledger.tlog_client import follow, open_fetcher

    if not keyring:
        raise InputError("verifying a tiles tree needs the parties' keys: give --keys FILE", field="keys")
    result = follow(open_fetcher(url), keyring)
    cp = result.checkpoint
    data = {"ok": True, "size": cp.size, "root": _b64(cp.root),
            "checkpoint": {"origin": cp.origin, "size": cp.size, "root": _b64(cp.root)},
            "cosigners": result.cosigners}
    line = f"ok: {cp.size} entries, root {_b64(cp.root)}; checkpoint {cp.origin} at {cp.size} verified"
    line += f", cosigned by {', '.join(result.cosigners)}" if result.cosigners else ", not cosigned"
    _emit(fmt, data, line)


@log_app.command("export-tiles")
def log_export_tiles(
    url: LogArg,
    out: Annotated[Path, typer.Argument(help="Directory to write the tiles into (created if needed).",
                                        file_okay=False)],
    key: Annotated[Path | None, typer.Option("--key", help="Sign a fresh checkpoint of the current size with "
                                             "this operator key (default: export the latest stored one).",
                                             exists=True, dir_okay=False)] = None,
    origin: Annotated[str | None, typer.Option("--origin", help="Origin line of that fresh checkpoint.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Processes to use (0: one per core for big "
                                         "logs).")] = 0,
    verify_leaves: Annotated[bool, typer.Option("--verify-leaves", help="Make every tile from the entries, "
                                                "re-hashing each, instead of copying the tiles the log stored as "
                                                "it appended (which `log verify` checks).")] = False,
    fmt: FormatOpt = TextFormat.text,
) -> None:
    """Write the log as C2SP tlog-tiles (checkpoint, tiles, entry bundles) that any static server can serve."""
    import os

    from moratorium.errors import InputError
    from moratorium.ledger.checkpoint import Checkpoint, SignedNote, make_checkpoint
    from moratorium.ledger.tiles import export_tiles

    with _open(url) as log:
        if key is not None:
            party_key = _load_key(key)
            if origin is None:
                raise InputError("--key needs --origin (the log's origin line)", field="origin")
            note = make_checkpoint(log, party_key, origin=origin)
        else:
            notes = log.checkpoints() if origin is None else log.checkpoints(origin=origin)
            if not notes:
                raise InputError("the log has no checkpoint to export: sign one (--key, --origin)", file=url)
            note = max(notes, key=lambda n: Checkpoint.parse(SignedNote.parse(n).text).size)
        report = export_tiles(log, out, note, workers=workers or (os.cpu_count() or 1), verify_leaves=verify_leaves)
    cp = report.checkpoint
    data = {"dir": str(out), "origin": cp.origin, "size": cp.size, "root": _b64(cp.root), "tiles": report.tiles,
            "bundles": report.bundles, "skipped": report.skipped, "bytes": report.bytes_written,
            "verified_leaves": verify_leaves}
    _emit(fmt, data, f"exported {cp.origin} at size {cp.size} to {out}: {report.tiles} tiles, {report.bundles} "
                     f"entry bundles written ({report.skipped} unchanged), root {_b64(cp.root)}")


@log_app.command("follow")
def log_follow(
    url: Annotated[str, typer.Argument(help="tlog-tiles prefix (http(s)://...) or directory.")],
    vkey: Annotated[list[str] | None, typer.Option("--vkey", help="A party's note verifier key "
                                                   "<name>+<id>+<key> (repeatable; `keys vkey` prints it).")] = None,
    state: Annotated[Path | None, typer.Option("--state", help="Remember what was seen here (JSON), and "
                                               "check the next checkpoint is consistent with it.",
                                               dir_okay=False)] = None,
    keys: Annotated[Path | None, typer.Option("--keys", help="The parties' public keys (JSON list).")] = None,
    fmt: FormatOpt = TextFormat.text,
) -> None:
    """Fetch the checkpoint and tiles, verify the note, consistency with the last state and every entry's
    signature, and print the new entries (exit 1 on any failed check)."""
    from moratorium.errors import InputError
    from moratorium.ledger.checkpoint import parse_vkey
    from moratorium.ledger.tlog_client import FollowState, follow, open_fetcher

    previous = FollowState.load(state) if state is not None and state.exists() else None
    texts = list(vkey or []) or (list(previous.vkeys) if previous is not None else [])
    keyring = {k.party: k for k in (parse_vkey(t)[0] for t in texts)}
    if keys is not None:
        keyring.update(_load_keyring(keys))
    if not keyring:
        raise InputError("give the log's verifier key: --vkey VKEY (or --keys FILE)", field="vkey")
    result = follow(open_fetcher(url), keyring, previous, vkeys=texts)
    if state is not None and result.state is not None:
        result.state.save(state)
    cp = result.checkpoint
    new = result.entries
    data = {"origin": cp.origin, "size": cp.size, "root": _b64(cp.root), "cosigners": result.cosigners,
            "entries": [{"seq": seq, **e.to_json()} for seq, e in new]}
    lines = [f"{seq}\t{e.entry.author}\t{e.entry.kind}\t{e.entry.effective}" for seq, e in new]
    summary = f"ok: {cp.origin} at size {cp.size}, {len(new)} new entries verified"
    summary += f", cosigned by {', '.join(result.cosigners)}" if result.cosigners else ""
    _emit(fmt, data, "\n".join([*lines, summary]))


def _now() -> str:
    import datetime

    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _append(url: str, key: PartyKey, kind: str, body: dict[str, Any], recorded: str | None) -> int:
    from moratorium.ledger.entry import Entry
    from moratorium.ledger.keys import sign_entry

    when = recorded or _now()
    from moratorium.ledger import open_log

    with open_log(url) as log:
        log.register_key(key.public)
        entry = Entry(author=key.party, kind=kind, effective=when, recorded=when, body=body)
        return log.append(sign_entry(entry, key))




@escrow_app.command("commit")
def escrow_commit(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Declaration: JSON list of items.")
    ],
    url: LogOpt,
    key: KeyOpt,
    secrets_out: Annotated[Path, typer.Option("--secrets", help="Where to write the (private) salts.")],
    pad_to: Annotated[int | None, typer.Option("--pad-to", help="Pad to this many commitments.")] = None,
    recorded: RecordedOpt = None,
) -> None:
    """Commit to a declaration: append its Merkle root to the log, keep the salts in --secrets."""
    import json
    import os

    from moratorium.errors import InputError
    from moratorium.ledger.escrow import COMMIT_KIND, commit

    try:
        obj: Any = json.loads(file.read_text())
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", file=str(file)) from exc
    items = obj.get("items") if isinstance(obj, dict) else obj
    if not isinstance(items, list):
        raise InputError("a declaration is a JSON list of items (or {\"items\": [...]})", file=str(file))
    esc = commit(items, pad_to=pad_to)
    try:
        fd = os.open(secrets_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InputError(f"cannot create the secrets file: {exc.strerror}", file=str(secrets_out)) from exc
    with os.fdopen(fd, "w") as handle:
        json.dump(esc.to_json(), handle, indent=2)
    seq = _append(url, _load_key(key), COMMIT_KIND, esc.commitment_body(), recorded)
    typer.echo(f"committed {len(items)} items as {esc.size} leaves: entry {seq}, root {_b64(esc.root)}")


@escrow_app.command("reveal")
def escrow_reveal(
    item_ids: Annotated[list[str], typer.Argument(help="Ids of the items to reveal.")],
    url: LogOpt,
    key: KeyOpt,
    secrets_file: Annotated[Path, typer.Option("--secrets", exists=True, dir_okay=False, help="Salts file.")],
    commitment: Annotated[int, typer.Option("--commitment", help="Sequence number of the commitment entry.")],
    recorded: RecordedOpt = None,
) -> None:
    """Reveal committed items (item, salt, inclusion proof) as log entries."""
    import json

    from moratorium.ledger.escrow import REVEAL_KIND, Escrow

    esc = Escrow.from_json(json.loads(secrets_file.read_text()))
    party_key = _load_key(key)
    reveals = [esc.reveal(item_id) for item_id in item_ids]
    for item_id, reveal in zip(item_ids, reveals, strict=True):
        seq = _append(url, party_key, REVEAL_KIND, reveal.to_body(commitment), recorded)
        typer.echo(f"revealed {item_id}: entry {seq}")


@escrow_app.command("verify")
def escrow_verify(url: LogArg, fmt: FormatOpt = TextFormat.text) -> None:
    """Check every reveal in the log against its commitment (exit 1 naming the first bad entry)."""
    from moratorium.ledger.escrow import verify_escrow_entries

    with _open(url) as log:
        verified = verify_escrow_entries(log.entries())
    _emit(fmt, {"ok": True, "reveals": [{"seq": s, "item": i} for s, i in verified]},
          f"ok: {len(verified)} reveals verified" + "".join(f"\n  entry {s}: {i}" for s, i in verified))
