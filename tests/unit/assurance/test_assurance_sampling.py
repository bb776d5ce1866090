"""Sample sizes: exact minimum, IAEA approximation and zero-failure binomial (domain.md §4)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moratorium.assurance import (
    detection_probability,
    iaea_sample_size,
    minimum_sample_size,
    sample_size,
    zero_failure_sample_size,
)
from moratorium.errors import InputError


@pytest.mark.parametrize(
    ("population", "defects", "beta", "iaea_raw", "iaea", "exact"),
    [
        (100, 5, 0.1, 36.90, 37, 37),
        (100, 10, 0.05, 25.89, 26, 25),  # the n_IAEA - k property [S50]
        (24, 1, 0.1, 21.6, 22, 22),  # one bad Mk-41 cell of 24
    ],
)
def test_published_iaea_cases(
    population: int, defects: int, beta: float, iaea_raw: float, iaea: int, exact: int
) -> None:
    confidence = 1 - Fraction(str(beta))
    assert iaea_sample_size(population, defects, confidence) == pytest.approx(iaea_raw, abs=5e-3)
    result = sample_size(population, defects, confidence)
    assert result.iaea_approximation == iaea
    assert result.sample_size == exact
    assert minimum_sample_size(population, defects, float(confidence)) == exact


def test_zero_failure_binomial_published_value() -> None:
    assert zero_failure_sample_size(0.99, 0.95) == pytest.approx(89.8, abs=0.05)  # [S52]
    assert math.ceil(zero_failure_sample_size(0.99, 0.95)) == 90


def test_goal_met_exactly_counts() -> None:
    # N=10, r=1: inspecting 4 detects with exactly 4/10; a goal of 0.4 is met by n=4, not n=5.
    assert minimum_sample_size(10, 1, 0.4) == 4
    assert minimum_sample_size(10, 1, Fraction(2, 5)) == 4


@given(st.integers(1, 150).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))), st.floats(0.01, 0.99))
def test_exact_minimum_is_minimal(case: tuple[int, int], confidence: float) -> None:
    big_n, r = case
    n = minimum_sample_size(big_n, r, confidence)
    goal = Fraction(repr(confidence))
    assert 1 - Fraction(math.comb(big_n - r, n), math.comb(big_n, n)) >= goal
    if n > 0:
        assert 1 - Fraction(math.comb(big_n - r, n - 1), math.comb(big_n, n - 1)) < goal
    assert detection_probability(big_n, r, n) >= float(goal) - 1e-12


@given(
    st.integers(10, 400).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n // 2))),
    st.sampled_from([0.9, 0.95, 0.2]),
)
def test_iaea_lands_near_exact(case: tuple[int, int], confidence: float) -> None:
    """The INMM paper's property [S50]: exact ∈ {n_IAEA - 3 … n_IAEA} (we allow one more for rounding)."""
    big_n, r = case
    result = sample_size(big_n, r, confidence)
    assert result.iaea_approximation - 4 <= result.sample_size <= result.iaea_approximation


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((10, 11, 0.9), "defects"),
        ((10, 0, 0.9), "defects"),
        ((10, 1, 1.0), "confidence"),
        ((10, 1, 0.0), "confidence"),
        ((10, 1, 1.5), "confidence"),
        ((10, 1, float("nan")), "confidence"),
        ((10, 1, "0.9"), "confidence"),
        ((10.0, 1, 0.9), "population"),
    ],
)
def test_bad_input(args: tuple[object, object, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        sample_size(*args)  # type: ignore[arg-type]
    assert caught.value.field == field
