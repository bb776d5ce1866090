"""Hypergeometric detection against math.comb, scipy.stats.hypergeom and domain.md §4's published values."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import hypergeom

from moratorium.assurance import (
    detect,
    detection_probability,
    detection_probability_exact,
    non_detection_probability_exact,
)
from moratorium.errors import InputError


@pytest.mark.parametrize(
    ("population", "defects", "sample", "expected", "tolerance"),
    [
        (100, 5, 10, 0.41625, 5e-6),  # domain.md §4 [S47]: "≈41.6%"
        (24, 1, 2, 0.0833, 5e-5),  # 2 of 24 Mk-41 cells
    ],
)
def test_published_detection_probabilities(
    population: int, defects: int, sample: int, expected: float, tolerance: float
) -> None:
    assert detection_probability(population, defects, sample) == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(
    ("population", "defects", "sample", "expected", "tolerance"),
    [
        (100, 5, 15, 0.435683, 5e-7),  # P_non-detect [S49]
        (10, 1, 4, 0.6, 1e-12),  # P_accept [S48]
        (10, 2, 4, 0.3333, 5e-5),  # P_accept [S48]
    ],
)
def test_published_acceptance_probabilities(
    population: int, defects: int, sample: int, expected: float, tolerance: float
) -> None:
    assert float(non_detection_probability_exact(population, defects, sample)) == pytest.approx(
        expected, abs=tolerance
    )


def test_exact_fractions() -> None:
    assert non_detection_probability_exact(10, 1, 4) == Fraction(3, 5)
    assert non_detection_probability_exact(10, 2, 4) == Fraction(1, 3)
    assert detection_probability_exact(24, 1, 2) == Fraction(1, 12)


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(0, n))))
def test_matches_math_comb_and_scipy(case: tuple[int, int, int]) -> None:
    big_n, r, n = case
    expected = 1 - math.comb(big_n - r, n) / math.comb(big_n, n)
    assert detection_probability(big_n, r, n) == pytest.approx(expected, abs=1e-12)
    assert detection_probability(big_n, r, n) == pytest.approx(1 - hypergeom(big_n, r, n).pmf(0), abs=1e-9)


def test_edge_cases() -> None:
    assert detection_probability(10, 0, 10) == 0.0  # nothing to find
    assert detection_probability(10, 3, 0) == 0.0  # nothing inspected
    assert detection_probability(10, 3, 8) == 1.0  # more inspected than good items
    assert detection_probability(1, 1, 1) == 1.0


def test_detect_json_keys() -> None:
    payload = detect(100, 5, 10).to_json()
    assert payload["detection_probability"] == pytest.approx(0.41625, abs=5e-6)
    assert payload["exact"] == "79137/190120"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((10, 11, 2), "defects"),
        ((10, 1, 11), "sample"),
        ((0, 0, 0), "population"),
        ((-5, 1, 1), "population"),
        ((10, -1, 1), "defects"),
        ((10.5, 1, 1), "population"),
        ((10, 1.0, 1), "defects"),
        ((10, True, 1), "defects"),
        ((10, 1, "3"), "sample"),
    ],
)
def test_bad_input_names_the_field(args: tuple[object, object, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        detection_probability(*args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert "\n" not in str(caught.value)


@given(
    st.one_of(st.integers(), st.floats(allow_nan=True), st.text(), st.none(), st.booleans()),
    st.integers(-5, 50),
)
def test_never_anything_but_input_error(population: object, sample: int) -> None:
    try:
        result = detection_probability(population, 1, sample)  # type: ignore[arg-type]
    except InputError:
        return
    assert 0.0 <= result <= 1.0
