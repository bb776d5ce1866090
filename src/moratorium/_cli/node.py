"""CLI commands of the ``node`` domain (registered by ``moratorium.cli``): ``moratorium serve``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from moratorium.api.node import WitnessConfig

__all__ = ["register"]


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
        key: str = typer.Option(..., "--key", help="The party's private key file (JSON, see `moratorium keygen`)."),
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
        """Run this party's node: its log over HTTP, witnessing the peers, and the web UI at /ui/."""
        import os
        import stat
        import sys

        import uvicorn

        from moratorium.api import build_app
        from moratorium.errors import InputError

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
        try:
            uvicorn.run(fastapi_app, host=host, port=port, log_level="warning")
        finally:
            node.close()
