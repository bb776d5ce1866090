"""Issue 14, item 7: YAML and input limits: alias bombs, quadratic checks, absurd numbers, unknown codes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from moratorium._yamlfile import MAX_ALIAS_NODES, load_yaml
from moratorium.errors import InputError
from moratorium.treaty import load_treaty_text
from moratorium.treaty._load import _first_band_overlap
from moratorium.treaty._model import RangeBand

DATA = Path(__file__).parents[3] / "src/moratorium/treaty/data"
INF = (DATA / "inf-1987.yaml").read_text()

BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    assert len(BOMB) < 500
    with pytest.raises(InputError, match=f"more than {MAX_ALIAS_NODES:,} nodes") as info:
        load_yaml("bomb.yaml", text=BOMB)
    assert info.value.file == "bomb.yaml" and info.value.line is not None


def test_a_few_aliases_are_still_fine() -> None:
    value, _ = load_yaml("ok.yaml", text="base: &b {x: 1}\nuse: [*b, *b, *b]\n")
    assert value["use"] == [{"x": 1}] * 3


def _quadratic(classes: list[tuple[list[str], list[str], RangeBand]]) -> tuple[int, int] | None:
    for i, (ta, ba, a) in enumerate(classes):
        for j in range(i):
            tb, bb, b = classes[j]
            if set(ta) & set(tb) and set(ba) & set(bb) and a.overlaps(b):
                return i, j
    return None


@pytest.mark.parametrize("seed", range(40))
def test_band_overlap_check_agrees_with_the_pairwise_check(seed: int) -> None:
    rng = random.Random(seed)
    classes = []
    for _ in range(rng.randint(1, 40)):
        lo = rng.choice([0, 500, 1000, 1500, 5500]) + rng.choice([0, 0, 250])
        hi = lo + rng.choice([250, 500, 1000])
        band = RangeBand(lo, hi, rng.random() < 0.5, rng.random() < 0.5)
        classes.append((rng.sample(["ballistic", "cruise", "glide"], rng.randint(1, 2)),
                        rng.sample(["ground", "sea", "air"], rng.randint(1, 2)), band))
    assert _first_band_overlap(classes) == _quadratic(classes)


def test_band_overlap_check_of_3000_classes_is_near_linear() -> None:
    # 3,000 adjacent, non-overlapping bands of one type and basing took 48 s with the pairwise check
    classes = [(["ballistic"], ["ground"], RangeBand(float(i), float(i + 1), True, False)) for i in range(3000)]
    random.Random(1).shuffle(classes)
    assert _first_band_overlap(classes) is None
    classes.append((["ballistic"], ["ground"], RangeBand(10.5, 10.7)))
    assert _first_band_overlap(classes) is not None


@pytest.mark.parametrize(("old", "new", "field"), [
    ("notice_h: 9", "notice_h: .nan", "notice_h"),
    ("notice_h: 9", "notice_h: .inf", "notice_h"),
    ("notice_h: 9", "notice_h: -9", "notice_h"),
    ("duration_h: 24", "duration_h: 1e12", "duration_h"),
    ("deadline_h: 48", "deadline_h: .nan", "deadline_h"),
    ('{years: "1-3", per_year: 20}', '{years: "1-99999999", per_year: 20}', "years"),
    ('{years: "1-3", per_year: 20}', '{years: "1-3", per_year: 1e30}', "per_year"),
    ("max: 5500, min_inclusive: false", "max: .inf, min_inclusive: false", "max"),
    ("countries: [USA]", "countries: [XYZ]", "countries"),
    ("date: 1987-12-08", "date: 1987-02-30", "date"),
])
def test_absurd_numbers_and_unknown_codes_are_refused_with_file_line(old: str, new: str, field: str) -> None:
    assert old in INF, old
    with pytest.raises(InputError) as info:
        load_treaty_text(INF.replace(old, new, 1), label="t.yaml")
    err = info.value
    assert err.file == "t.yaml" and err.line is not None
    assert field in (err.field or "") or field in err.message, str(err)
    assert INF.replace(old, new, 1).splitlines()[err.line - 1].find(new.split(":")[0].strip("{ ")) >= 0, str(err)


def test_country_code_list_matches_the_shipped_natural_earth_layer() -> None:
    from moratorium.geo import _data

    assert _data.country_codes() == frozenset(_data.country_names())
