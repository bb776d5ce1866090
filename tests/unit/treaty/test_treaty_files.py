"""Shipped treaties load; every kind of bad treaty file gives one FILE:LINE: field: message error."""

from __future__ import annotations

import pytest

from moratorium.errors import InputError, NotFoundError
from moratorium.treaty import load_treaty, load_treaty_text, shipped_treaty_ids

MINIMAL = """\
id: t
name: T
summary: s
date: 2020-01-01
sources: [{id: S1, title: x}]
parties:
  - {id: RU, name: Russia, countries: [RUS]}
  - {id: NATO, name: NATO, kind: bloc, members: [USA, POL]}
item_classes:
  - {id: glcm-shorter, name: a, types: [cruise], basing: [ground], range_km: {min: 500, max: 1000}}
  - {id: glcm-intermediate, name: b, types: [cruise], basing: [ground],
     range_km: {min: 1000, max: 5500, min_inclusive: false}}
zones:
  - {id: europe, name: Europe, countries: [POL], russia: european}
obligations:
  - {id: ob, party: RU, kind: ban, zone: europe, item_classes: [glcm-shorter], description: d}
"""


def test_all_shipped_treaties_validate() -> None:
    ids = shipped_treaty_ids()
    assert {"inf-1987", "ru-2020-offer", "us-2022-nonpaper", "ru-2021-draft", "asia-pacific-trilateral",
            "new-start-freeze"} <= set(ids)
    for tid in ids:
        treaty = load_treaty(tid)
        assert treaty.id == tid
        assert treaty.sources, tid


def test_inf_quota_and_windows() -> None:
    right = load_treaty("inf-1987").verification.right("short-notice")
    assert right is not None
    assert [right.quota_for_year(y) for y in (1, 3, 4, 8, 9, 13, 14)] == [20, 20, 15, 15, 10, 10, 0]
    assert sum(right.quota_for_year(y) or 0 for y in range(1, 14)) == 185  # domain.md §1.4
    assert (right.notice_h, right.duration_h, right.extension_h, right.team_size) == (9, 24, 8, 10)


def test_inf_band_edges_follow_article_ii() -> None:
    treaty = load_treaty("inf-1987")
    shorter, intermediate = treaty.item_class("glcm-shorter").band, treaty.item_class("glcm-intermediate").band
    assert shorter.contains(500) and shorter.contains(1000) and not shorter.contains(499.999)
    assert not intermediate.contains(1000) and intermediate.contains(1000.001) and intermediate.contains(5500)
    assert not intermediate.contains(5500.001)


def test_trilateral_model_has_three_parties() -> None:
    assert [p.id for p in load_treaty("asia-pacific-trilateral").parties] == ["RU", "US", "CN"]


def test_minimal_file_loads() -> None:
    treaty = load_treaty_text(MINIMAL, label="t.yaml")
    assert treaty.obligation("ob").zone == "europe"


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("name: T\n", "name: [T\n", 3, None, "malformed YAML"),
        ("party: RU, kind: ban", "party: XX, kind: ban", 16, "obligations[0].party", "unknown party 'XX'"),
        ("zone: europe, item_classes", "zone: asia, item_classes", 16, "obligations[0].zone", "unknown zone"),
        ("item_classes: [glcm-shorter], description", "item_classes: [nope], description", 16,
         "obligations[0].item_classes[0]", "unknown item class"),
        ("range_km: {min: 500, max: 1000}", "range_km: {min: 500, max: 1200}", 12, "item_classes[1].range_km",
         "overlaps"),
        ("range_km: {min: 500, max: 1000}", "range_km: {min: 900, max: 600}", 10, "item_classes[0].range_km",
         "inverted"),
        ("date: 2020-01-01", "date: yesterday", 4, "date", "String should match"),
        ("kind: ban, zone", "kind: embargo, zone", 16, "obligations[0].kind", "Input should be"),
        ("countries: [POL], russia", "countries: [POL], sites: [atlantis], russia", 14, "zones[0].sites[0]",
         "unknown site 'atlantis'"),
        ("countries: [RUS]}", "countries: [RUS]}\n  - {id: RU, name: again, countries: [RUS]}", 8,
         "parties[1].id", "duplicate id"),
    ],
)
def test_bad_treaty_files_name_file_line_and_field(old: str, new: str, line: int, field: str | None,
                                                   message: str) -> None:
    assert old in MINIMAL
    with pytest.raises(InputError) as info:
        load_treaty_text(MINIMAL.replace(old, new, 1), label="bad.yaml")
    err = info.value
    assert (err.file, err.line) == ("bad.yaml", line), str(err)
    assert err.field == field, str(err)
    assert message in err.message
    assert str(err).startswith(f"bad.yaml:{line}: ")


def test_unknown_treaty_id() -> None:
    with pytest.raises(NotFoundError, match="unknown treaty 'nope'"):
        load_treaty("nope")


def test_period_dates_out_of_order() -> None:
    text = MINIMAL.replace("description: d}", "description: d, period: {from: 2021-01-01, until: 2020-01-01}}")
    with pytest.raises(InputError, match="before it starts") as info:
        load_treaty_text(text, label="p.yaml")
    assert info.value.line == 16
