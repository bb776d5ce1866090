"""Entry kinds and their bodies (validated with pydantic), and who may author which entry.

Kinds of the spine: ``treaty-adoption``, ``treaty-withdrawal``, ``declaration``, ``deployment``, ``withdrawal``
(of forces from a site), ``notification``, ``observation``. Inspection kinds (``inspection-request``,
``nonce-commitment``, ``nonce-reveal``, ``inspection-report``) and escrow kinds (``declaration-commitment``,
``declaration-reveal``) are registered here as well so replay can refuse anything unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from moratorium.errors import InputError, NotFoundError
from moratorium.regime.claims import CLAIM_KINDS
from moratorium.regime.inspections import KINDS as INSPECTION_KINDS

__all__ = ["KINDS", "ItemModel", "SiteRef", "TreatyMismatchError", "authorize", "parse_body"]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Body(_Base):
    """Every entry body may carry a human title and its public sources."""

    title: str | None = None
    sources: list[str] = []


class InlineSite(_Base):
    name: str
    country: str = Field(pattern=r"^[A-Z]{3}$")
    subject: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


SiteRef = str | InlineSite


class ItemModel(_Base):
    system: str | None = None
    launcher: str | None = None
    count: int = Field(default=1, ge=0)
    note: str | None = None


class TreatyRef(_Body):
    treaty: str
    statement: str | None = None
    treaty_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    """The SHA-256 of the treaty's canonical form (``moratorium treaty hash``): the exact text adopted."""


class Declaration(_Body):
    statement: str | None = None
    counts: dict[str, int] = {}
    holdings: list[Deployment] = []


class Deployment(_Body):
    site: SiteRef
    items: list[ItemModel] = Field(min_length=1)
    operator: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    note: str | None = None


class Withdrawal(_Body):
    site: SiteRef
    note: str | None = None


class Notification(_Body):
    event: str = Field(min_length=1)
    site: SiteRef | None = None
    items: list[ItemModel] = []
    use: Literal["test", "combat", "exercise"] | None = None
    planned_from: str | None = None
    text: str | None = None


class Observation(_Body):
    party: str
    site: SiteRef
    items: list[ItemModel] = Field(min_length=1)
    source: str = Field(min_length=1)
    confidence: Literal["low", "medium", "high"]
    note: str | None = None


class Opaque(_Body):
    """Bodies validated by their own package (inspections, escrow)."""

    model_config = ConfigDict(extra="allow", frozen=True)


Declaration.model_rebuild()

KINDS: dict[str, type[BaseModel]] = {
    "treaty-adoption": TreatyRef,
    "treaty-withdrawal": TreatyRef,
    "declaration": Declaration,
    "deployment": Deployment,
    "withdrawal": Withdrawal,
    "notification": Notification,
    "observation": Observation,
    "declaration-commitment": Opaque,
    "declaration-reveal": Opaque,
    **INSPECTION_KINDS,
    **CLAIM_KINDS,
}


def parse_body(kind: str, body: Mapping[str, Any], *, seq: int | None = None) -> BaseModel:
    """Validate an entry body; ``InputError`` naming the entry's sequence number and the field."""
    model = KINDS.get(kind)
    if model is None:
        raise InputError(f"unknown entry kind {kind!r}; known: {', '.join(KINDS)}", seq=seq, field="kind")
    try:
        return model.model_validate(dict(body))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("function-", "str", "InlineSite")))
        raise InputError(err["msg"].removeprefix("Value error, "), seq=seq,
                         field=f"body.{loc}" if loc else "body") from None


class TreatyMismatchError(InputError):
    """An entry adopts a treaty text other than the one the log is evaluated against (names both hashes)."""


def authorize(author: str, kind: str, body: BaseModel, *, parties: set[str], treaty_id: str,
              seq: int | None = None, treaty_sha256: str = "") -> None:
    """Refuse an entry its author may not make (``InputError``): only parties write; each party reports its
    own forces; observations are about another party; adoption names this treaty."""
    if author not in parties:
        raise NotFoundError(f"author {author!r} is not a party to {treaty_id} ({', '.join(sorted(parties))})",
                            seq=seq, field="author")
    if isinstance(body, TreatyRef) and body.treaty != treaty_id:
        raise InputError(f"names treaty {body.treaty!r}, but this log is under {treaty_id!r}", seq=seq,
                         field="body.treaty")
    if isinstance(body, TreatyRef) and body.treaty_sha256 and treaty_sha256 and body.treaty_sha256 != treaty_sha256:
        raise TreatyMismatchError(
            f"adopted treaty {body.treaty} has SHA-256 {body.treaty_sha256}, but the treaty given has "
            f"{treaty_sha256}: evaluate the log against the text it adopted", seq=seq, field="body.treaty_sha256")
    if isinstance(body, Observation):
        if body.party not in parties:
            raise NotFoundError(f"observed party {body.party!r} is not a party", seq=seq, field="body.party")
        if body.party == author:
            raise InputError("a party declares its own forces; an observation is about another party",
                             seq=seq, field="body.party")
