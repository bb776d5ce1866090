"""Checklists as data: the shipped files load, carry their sources, and bad files fail with a line number."""

from __future__ import annotations

import pytest

from moratorium.errors import InputError, NotFoundError
from moratorium.regime.checklists import (
    FINDING_CATEGORIES,
    checklist_site_types,
    load_checklist,
    load_checklist_file,
)


def test_shipped_site_types() -> None:
    assert set(checklist_site_types()) >= {"aegis-ashore", "glcm-garrison"}


def test_aegis_ashore() -> None:
    checklist = load_checklist("aegis-ashore")
    assert checklist.synthesis
    cells = checklist.unit_ids()
    assert len(cells) == 24  # 3 Mk-41 launchers x 8 cells (domain.md §3.2)
    assert cells[0] == "launcher-1/cell-1" and cells[-1] == "launcher-3/cell-8"
    ids = {item.id for item in checklist.items}
    assert {"cell-count", "cell-canister", "cell-seal", "weapon-control-software", "support-equipment"} <= ids
    assert checklist.item("cell-canister").per == "unit"
    assert {"S40", "S43"} <= set(checklist.sources)


def test_glcm_garrison() -> None:
    checklist = load_checklist("glcm-garrison")
    assert checklist.units_from_declaration
    with pytest.raises(InputError):
        checklist.unit_ids()
    length = checklist.item("canister-length")
    assert "9M729" in length.check and "S20" in length.sources
    assert {"tel-count", "canister-count", "canister-tag", "canister-seal"} <= {i.id for i in checklist.items}
    assert {"S11", "S12", "S41", "S43"} <= set(checklist.sources)


@pytest.mark.parametrize("site_type", ["aegis-ashore", "glcm-garrison"])
def test_every_item_is_complete(site_type: str) -> None:
    for item in load_checklist(site_type).items:
        assert item.check and item.observable and item.sources
        assert "conforming" in item.findings
        assert set(item.findings) <= set(FINDING_CATEGORIES)


def test_unknown_site_type_and_item() -> None:
    with pytest.raises(NotFoundError):
        load_checklist("submarine")
    with pytest.raises(NotFoundError):
        load_checklist("aegis-ashore").item("nothing")


GOOD = """\
site_type: test
title: Test
synthesis: true
sources: [S12]
units: {kind: box, layout: {box: 2}}
items:
  - id: count
    check: Count.
    observable: Boxes.
    per: site
    findings: [conforming, anomaly]
    sources: [S12]
"""


def test_minimal_file_loads() -> None:
    assert load_checklist_file("test.yaml", text=GOOD).unit_ids() == ("box-1", "box-2")


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("findings: [conforming, anomaly]", "findings: [conforming, suspicious]", 11),
        ("findings: [conforming, anomaly]", "findings: [anomaly]", 11),
        ("sources: [S12]\n", "sources: [nowhere]\n", 4),
        ("per: site", "per: everywhere", 10),
        ("id: count", "id: Count Me", 7),
        ("units: {kind: box, layout: {box: 2}}", "units: {kind: box}", 5),
    ],
)
def test_bad_files_name_file_and_line(old: str, new: str, line: int) -> None:
    with pytest.raises(InputError) as caught:
        load_checklist_file("test.yaml", text=GOOD.replace(old, new, 1))
    assert caught.value.file == "test.yaml"
    assert caught.value.line == line
