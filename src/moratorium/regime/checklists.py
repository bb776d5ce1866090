"""Inspection checklists per site type, shipped as YAML data (``regime/checklists/<site-type>.yaml``).

A checklist says, for one kind of site, what inspectors check, what they observe, and which findings each item can
produce: ``conforming``, ``anomaly``, ``ambiguity`` (an open question for the consultative commission) or
``access-denied``. Items marked ``per: unit`` are checked on each unit the jointly random selection draws (the 24
cells of an Aegis Ashore, the declared canisters of a garrison); ``per: site`` items once per visit.

The shipped lists are our synthesis of domain.md §3.3 and the sources each file cites (S11, S12, S20, S40, S41,
S43...), marked ``synthesis: true``; they are not a negotiated protocol. Files are validated with pydantic and
errors name the file, line and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from itertools import product
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from moratorium.errors import InputError, NotFoundError

__all__ = [
    "FINDING_CATEGORIES",
    "Checklist",
    "ChecklistItem",
    "checklist_site_types",
    "load_checklist",
    "load_checklist_file",
]

FINDING_CATEGORIES = ("conforming", "anomaly", "ambiguity", "access-denied")
FindingCategory = Literal["conforming", "anomaly", "ambiguity", "access-denied"]
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SOURCE = re.compile(r"^S\d+b?$")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    check: str = Field(min_length=1)
    observable: str = Field(min_length=1)
    per: Literal["site", "unit"]
    findings: list[FindingCategory] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"must be lower-case words joined by '-', got {value!r}")
        return value

    @field_validator("findings")
    @classmethod
    def _findings_distinct(cls, value: list[str]) -> list[str]:
        if "conforming" not in value:
            raise ValueError("every item must be able to conform")
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a category")
        return value

    @field_validator("sources")
    @classmethod
    def _source_ids(cls, value: list[str]) -> list[str]:
        bad = [s for s in value if not _SOURCE.match(s)]
        if bad:
            raise ValueError(f"must be domain.md source ids like S12, got {bad}")
        return value


class _Units(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    layout: dict[str, int] | None = None
    from_declaration: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> _Units:
        if (self.layout is None) == (not self.from_declaration):
            raise ValueError("give either a layout or from_declaration: true")
        if self.layout is not None and any(n < 1 for n in self.layout.values()):
            raise ValueError("layout counts must be at least 1")
        return self


class _ChecklistFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    site_type: str
    title: str
    synthesis: bool
    sources: list[str] = Field(min_length=1)
    units: _Units
    items: list[_Item] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _source_ids(cls, value: list[str]) -> list[str]:
        return _Item._source_ids(value)

    @model_validator(mode="after")
    def _distinct_ids(self) -> _ChecklistFile:
        cited = sorted({s for item in self.items for s in item.sources} - set(self.sources))
        if cited:
            raise ValueError(f"items cite sources missing from the file's list: {', '.join(cited)}")
        ids = [i.id for i in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate item ids: {', '.join(duplicates)}")
        return self


@dataclass(frozen=True)
class ChecklistItem:
    """One thing inspectors check: what, how it shows, and which findings it can produce."""

    id: str
    check: str
    observable: str
    per: Literal["site", "unit"]
    findings: tuple[FindingCategory, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Checklist:
    """The checklist of one site type.

    Attributes
    ----------
    unit_kind : str
        What a selectable unit is (``mk41-cell``, ``canister``).
    unit_layout : tuple of (str, int)
        Fixed layout, e.g. ``(("launcher", 3), ("cell", 8))``; empty when units come from the declaration.
    synthesis : bool
        True when the list is our synthesis rather than a negotiated protocol.
    """

    site_type: str
    title: str
    synthesis: bool
    sources: tuple[str, ...]
    unit_kind: str
    unit_layout: tuple[tuple[str, int], ...]
    units_from_declaration: bool
    items: tuple[ChecklistItem, ...]

    def unit_ids(self) -> tuple[str, ...]:
        """Ids of the fixed units in layout order (``launcher-1/cell-1`` ... ``launcher-3/cell-8``).

        Raises ``InputError`` when units come from the host's declaration instead (a garrison's canisters).
        """
        if self.units_from_declaration:
            raise InputError(f"{self.site_type}: units come from the declaration, not the checklist")
        names = [name for name, _ in self.unit_layout]
        ranges = [range(1, count + 1) for _, count in self.unit_layout]
        return tuple(
            "/".join(f"{n}-{i}" for n, i in zip(names, combo, strict=True)) for combo in product(*ranges)
        )

    def item(self, item_id: str) -> ChecklistItem:
        """The item with id ``item_id`` (``NotFoundError`` otherwise)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFoundError(f"{self.site_type} has no checklist item {item_id!r}", field="item")


def _build(doc: _ChecklistFile) -> Checklist:
    return Checklist(
        site_type=doc.site_type,
        title=doc.title,
        synthesis=doc.synthesis,
        sources=tuple(doc.sources),
        unit_kind=doc.units.kind,
        unit_layout=tuple((doc.units.layout or {}).items()),
        units_from_declaration=doc.units.from_declaration,
        items=tuple(
            ChecklistItem(
                id=i.id,
                check=i.check,
                observable=i.observable,
                per=i.per,
                findings=tuple(i.findings),
                sources=tuple(i.sources),
            )
            for i in doc.items
        ),
    )


def load_checklist_file(path: Path | str, *, text: str | None = None) -> Checklist:
    """Load and validate a checklist file; errors read ``FILE:LINE: field: message``."""
    from moratorium._yamlfile import load_yaml, validate

    data, lines = load_yaml(path, text=text)
    return _build(validate(_ChecklistFile, data, file=str(path), lines=lines))


def checklist_site_types() -> tuple[str, ...]:
    """Site types with a shipped checklist."""
    folder = resources.files("moratorium.regime") / "checklists"
    return tuple(sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")))


def load_checklist(site_type: str) -> Checklist:
    """The shipped checklist for ``site_type`` (``aegis-ashore``, ``glcm-garrison``)."""
    known = checklist_site_types()
    if site_type not in known:
        raise NotFoundError(
            f"no checklist for site type {site_type!r}; known: {', '.join(known)}", field="site_type"
        )
    ref = resources.files("moratorium.regime") / "checklists" / f"{site_type}.yaml"
    checklist = load_checklist_file(
        f"regime/checklists/{site_type}.yaml", text=ref.read_text(encoding="utf-8")
    )
    if checklist.site_type != site_type:
        raise InputError(
            f"declares site_type {checklist.site_type!r}", file=f"regime/checklists/{site_type}.yaml"
        )
    return checklist
