"""CLI commands of the ``node`` domain (registered by ``moratorium.cli``): ``moratorium serve`` and
``moratorium node submit|import|status``, which sign entries with a party's key and post them to its node."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from moratorium._cli._common import TextFormat

if TYPE_CHECKING:
    from moratorium.api.node import WitnessConfig
    from moratorium.ledger.entry import SignedEntry
    from moratorium.ledger.keys import PartyKey

__all__ = ["register"]

node_app = typer.Typer(help="Use a running party node: post signed entries, import a scenario, read its state.",
                       no_args_is_help=True)

UrlArg = Annotated[str, typer.Argument(metavar="URL", help="the node's base URL, e.g. http://127.0.0.1:8000")]
KeyOpt = Annotated[Path, typer.Option("--key", help="the party's private key file (moratorium keys generate)")]


def _peer_line(url: str) -> tuple[str, bool]:
    """One start-up line about a peer: its party and log size, or why it cannot be reached."""
    import httpx

    try:
        info = httpx.get(url.rstrip("/") + "/v1/node", timeout=2.0).json()
        return f"  peer {url}: {info.get('party')}, {info.get('size')} entries, treaty {info.get('treaty')}", True
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return f"  warning: peer {url} is unreachable now ({type(exc).__name__}); the node retries it on sync", False


def _entry_file(path: Path, key: PartyKey) -> SignedEntry:
    """An entry file: a signed entry (``{"entry", "signature"}``, as ``/v1/entries`` takes) posted as it is, or
    an entry to sign with ``key`` — ``kind``, ``body`` and ``effective`` (or ``date``, as in scenario files);
    ``author``/``by`` default to the key's party and ``recorded`` to ``effective``."""
    from moratorium._yamlfile import load_yaml
    from moratorium.errors import InputError
    from moratorium.ledger.entry import Entry, SignedEntry
    from moratorium.ledger.keys import sign_entry

    data, _ = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError("an entry file holds one object", file=str(path))
    if "signature" in data:
        return SignedEntry.from_json(data)
    known = {"author", "by", "kind", "effective", "date", "recorded", "body"}
    extra = sorted(set(data) - known)
    if extra:
        raise InputError(f"unknown key(s) {', '.join(extra)}; an entry has {', '.join(sorted(known))}",
                         file=str(path))
    for name in ("kind",):
        if name not in data:
            raise InputError("missing", file=str(path), field=name)
    effective = data.get("effective", data.get("date"))
    if effective is None:
        raise InputError("missing (the date the fact took effect)", file=str(path), field="effective")
    author = str(data.get("author", data.get("by", key.party)))
    try:
        entry = Entry(author=author, kind=str(data["kind"]), effective=str(effective),
                      recorded=str(data.get("recorded", effective)), body=data.get("body") or {})
    except InputError as exc:
        raise InputError(exc.message, file=str(path), field=exc.field) from exc
    return sign_entry(entry, key)


@node_app.command("submit")
def node_submit(url: UrlArg, key: KeyOpt,
                entry_file: Annotated[Path, typer.Argument(metavar="ENTRY", help="ENTRY.yaml or ENTRY.json")],
                ) -> None:
    """Sign ENTRY with --key and append it to the node at URL (prints its sequence number)."""
    from moratorium.api.client import NodeClient
    from moratorium.ledger.keys import PartyKey

    party_key = PartyKey.load(key)
    signed = _entry_file(entry_file, party_key)
    client = NodeClient(url, party_key)
    try:
        answer = client.submit(signed)
    finally:
        client.close()
    if answer.seq is None:
        typer.echo(f"{url}: already holds this entry ({answer.detail})")
    else:
        typer.echo(f"{url}: appended {signed.entry.kind} by {signed.entry.author} as entry {answer.seq}")


@node_app.command("import")
def node_import(url: UrlArg, key: KeyOpt,
                scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="a shipped scenario or a file")],
                ) -> None:
    """Sign the --key party's entries of SCENARIO and append them to its node at URL (re-running skips what the
    node already holds); the other parties' entries belong on their own nodes."""
    from moratorium.api.client import NodeClient
    from moratorium.errors import InputError
    from moratorium.ledger.keys import PartyKey, sign_entry
    from moratorium.scenario import load_scenario

    party_key = PartyKey.load(key)
    loaded = load_scenario(scenario)
    parties = [p.id for p in loaded.treaty.parties]
    if party_key.party not in parties:
        raise InputError(f"the key is {party_key.party}'s; the scenario's parties are {', '.join(parties)}",
                         file=str(key), field="party")
    client = NodeClient(url, party_key)
    try:
        info = client.read("/v1/node")
        if info.get("party") != party_key.party:
            raise InputError(f"{url} is {info.get('party')}'s node; its entries must be signed by that party's key",
                             file=str(key), field="party")
        if info.get("treaty") != loaded.treaty.id:
            typer.echo(f"warning: {url} operates under {info.get('treaty')}, the scenario under "
                       f"{loaded.treaty.id}", err=True)
        mine = [step.entry for step in loaded.steps if step.entry.author == party_key.party]
        added = held = 0
        for entry in mine:
            answer = client.submit(sign_entry(entry, party_key))
            added, held = (added + 1, held) if answer.seq is not None else (added, held + 1)
    finally:
        client.close()
    others = len(loaded.steps) - len(mine)
    typer.echo(f"{url}: imported {added} of {party_key.party}'s {len(mine)} entries of {loaded.id}"
               + (f" ({held} already there)" if held else "")
               + (f"; the other {others} belong on the other parties' nodes" if others else ""))


@node_app.command("status")
def node_status(url: UrlArg, fmt: Annotated[TextFormat, typer.Option("--format")] = TextFormat.text) -> None:
    """The node's party, key, treaty, log size and checkpoint, its peers and the verdicts it derives."""
    from moratorium._cli._common import print_json
    from moratorium.api.client import NodeClient

    client = NodeClient(url)
    try:
        doc = client.status()
    finally:
        client.close()
    if fmt is TextFormat.json:
        print_json(doc)
        return
    info: dict[str, Any] = doc["node"]
    lines = [f"{url}: party {info['party']} (key {info['key_id']}), treaty {info['treaty']}, "
             f"{info['size']} entries"]
    cp = doc["checkpoint"]
    if cp:
        lines.append(f"  checkpoint size {cp.get('size')}, signed by {', '.join(cp.get('signers', []))}")
    for peer in info.get("peers", []):
        state = f"error: {peer['error']}" if peer.get("error") else (
            f"{peer.get('mirrored_size')} entries mirrored, cosigned at {peer.get('cosigned_size')}")
        lines.append(f"  peer {peer['url']} ({peer.get('party') or '?'}): {state}")
    verdicts = doc["verdicts"]
    lines.append(f"  verdicts at {verdicts.get('now') or '(empty log)'}:")
    for v in verdicts.get("verdicts", []):
        lines.append(f"    {v['party']:<6} {v['obligation']:<34} {v['status']}")
    typer.echo("\n".join(lines))


def _witness(text: str) -> WitnessConfig:
    """``VKEY@URL`` as a ``WitnessConfig``; ``InputError`` naming the option otherwise."""
    from moratorium.api.node import WitnessConfig
    from moratorium.errors import InputError
    from moratorium.ledger.checkpoint import parse_vkey

    vkey, at, url = text.partition("@")
    if not at or not url.startswith(("http://", "https://")):
        raise InputError(f"--witness is VKEY@URL with an http(s) URL, got {text!r}", field="witness")
    return WitnessConfig(key=parse_vkey(vkey)[0], url=url.rstrip("/"))


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app. Import nothing heavy at module level."""

    @app.command()
    def serve(
        party: str = typer.Option(..., "--party", help="This node's party id (must match the key file)."),
        key: str = typer.Option(..., "--key", help="The party's private key file (`moratorium keys generate`)."),
        db: str = typer.Option(..., "--db", help="The party's log: a SQLite path or a postgresql+psycopg:// URL."),
        peer: list[str] = typer.Option([], "--peer", help="A peer node's base URL (repeatable)."),  # noqa: B008
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
        treaty: str = typer.Option("ru-2020-offer", "--treaty", help="The treaty id the node operates under."),
        sync_interval: float = typer.Option(10.0, "--sync-interval", min=0.0,
                                            help="Seconds between background syncs with the peers (0: off)."),
        witness: list[str] = typer.Option([], "--witness", help="A C2SP witness to submit checkpoints to, "  # noqa: B008
                                          "as VKEY@URL (its verifier key, its submission prefix; repeatable)."),
        authority: list[str] = typer.Option(  # noqa: B008
            [], "--authority",
            help="host[:port] clients reach this node by (repeatable; default: --host:--port, and localhost for a "
                 "loopback --host). Signed requests addressed elsewhere are refused."),
    ) -> None:
        """Run this party's node: its log over HTTP, witnessing the peers, the web UI at /ui/ and the API docs
        at /docs. Post entries to it with `moratorium node submit` or `moratorium node import`; read it with
        `moratorium node status URL`."""
        import os
        import stat
        import sys

        import uvicorn

        from moratorium.api import build_app
        from moratorium.errors import InputError
        from moratorium.ledger.checkpoint import vkey

        try:
            mode = os.stat(key).st_mode
        except OSError as exc:
            raise InputError(f"cannot read key file: {exc.strerror}", file=key) from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            print(f"warning: {key}: the private key file is readable by other users (mode {stat.S_IMODE(mode):o}); "
                  f"chmod 600 it", file=sys.stderr)
        authorities: tuple[str, ...] | None = tuple(authority)
        if not authority:
            if host in ("0.0.0.0", "::", ""):  # every interface: the names clients use are not known here
                authorities = None
            else:
                names = [host, "localhost"] if host in ("127.0.0.1", "::1", "localhost") else [host]
                names += ["127.0.0.1"] if host == "localhost" else []
                authorities = tuple(f"[{h}]:{port}" if ":" in h else f"{h}:{port}" for h in names)
        witnesses = [_witness(w) for w in witness]
        fastapi_app, node = build_app(treaty_id=treaty, key_file=key, db_url=db, peers=tuple(peer),
                                      sync_interval_s=sync_interval, authorities=authorities)
        node.witnesses.extend(witnesses)
        if node.party != party:
            node.close()
            raise InputError(f"the key file is {node.party}'s key, not {party}'s", file=key, field="party")
        base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
        public = node.key.public
        lines = [f"moratorium node for {node.party} at {base}/ (UI {base}/ui/, API docs {base}/docs)",
                 f"  party {node.party}, key id {public.key_id}, note key {vkey(public.party, public.raw)}",
                 f"  treaty {node.treaty.id}; log {node.own.size} entries in {db}"]
        lines += [_peer_line(url)[0] for url in peer] or ["  no peers (--peer URL to witness one)"]
        typer.echo("\n".join(lines), err=True)
        try:
            uvicorn.run(fastapi_app, host=host, port=port, log_level="warning")
        finally:
            node.close()

    app.add_typer(node_app, name="node")

