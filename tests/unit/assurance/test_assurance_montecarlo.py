"""The regime Monte Carlo: both samplers against the exact formulas within 3 sigma, and against each other."""

from __future__ import annotations

import math

import numpy as np
import pytest

from moratorium.assurance import (
    DAYS_PER_YEAR,
    RegimeModel,
    cross_check,
    detection_probability,
    exact_detection_within,
    simulate_regime,
    simulate_visits,
)
from moratorium.errors import InputError

INF_QUOTAS = (20,) * 3 + (15,) * 5 + (10,) * 5

MODELS = {
    "inf-like": RegimeModel(sites=6, quotas=INF_QUOTAS),
    "aegis-cells": RegimeModel(
        sites=2, quotas=(2,) * 5, items_per_site=24, violating_items=2, items_checked=4
    ),
    "reload-and-dwell": RegimeModel(
        sites=3, quotas=(4, 0, 6), dwell_years=90 / DAYS_PER_YEAR, loaded_fraction=0.5, recognition=0.9
    ),
    "weighted": RegimeModel(sites=4, quotas=(3, 5), site_weights=(1, 2, 3, 4), violator_weights=(4, 0, 1, 1)),
}


def test_inf_quota_total() -> None:
    assert sum(INF_QUOTAS) == 185  # domain.md §1.4 [S9]


def test_one_year_one_visit_matches_closed_form() -> None:
    """One site, one inspection a year, item stays: P(detect in the deployment year) = E[1 - t0] = 1/2."""
    model = RegimeModel(sites=1, quotas=(1,))
    assert exact_detection_within(model) == pytest.approx(0.5, abs=1e-12)


def test_full_years_match_the_binomial() -> None:
    """Deployed at t0, caught within one year with a yearly quota q spread over N sites: exact closed form.

    For a violation present over the rest of year 0 and the first part of year 1, the integral has the closed form
    ``1 - ∫_0^1 (1 - c(1 - s))^q (1 - c s)^q ds``; with q = 1 that is ``c - c²/6 ...``; we check numerically.
    """
    c_sites, q = 5, 3
    model = RegimeModel(sites=c_sites, quotas=(q, q, q))
    c = 1 / c_sites
    s = np.linspace(0, 1, 200_001)
    integrand = (1 - c * (1 - s)) ** q * (1 - c * s) ** q
    missed = float(np.trapezoid(integrand, s))
    # deployments in years 0 and 1 have a full year ahead; in year 2 only the rest of the year
    missed_last = float(np.trapezoid((1 - c * (1 - s)) ** q, s))
    expected = 1 - (2 * missed + missed_last) / 3
    assert exact_detection_within(model, 1.0) == pytest.approx(expected, abs=1e-8)


def test_visit_probability_is_hypergeometric() -> None:
    model = MODELS["aegis-cells"]
    assert model.visit_detection_probability == pytest.approx(detection_probability(24, 2, 4))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fast_sampler_agrees_with_exact_within_3_sigma(name: str) -> None:
    simulation = simulate_regime(MODELS[name], 200_000, rng=np.random.default_rng(20_260_101))
    checks = cross_check(simulation)
    assert checks, "there is always a horizon check"
    for check in checks:
        assert check.agrees, check


@pytest.mark.parametrize("name", sorted(MODELS))
def test_visit_by_visit_sampler_agrees_with_exact_within_3_sigma(name: str) -> None:
    # Seeds are fixed so the suite is deterministic. Across the 32 checks of these two tests a fresh seed breaks
    # 3 sigma somewhere about 8% of the time by chance alone (seed 7 does, at z = 3.0 on one check; at 10x the
    # trials every seed we tried sits within 1 sigma, so there is no bias).
    simulation = simulate_visits(MODELS[name], 20_000, rng=np.random.default_rng(8))
    for check in cross_check(simulation):
        assert check.agrees, check


def test_samplers_agree_on_the_delay_distribution() -> None:
    from scipy.stats import ks_2samp

    model = MODELS["inf-like"]
    fast = simulate_regime(model, 20_000, rng=np.random.default_rng(1))
    slow = simulate_visits(model, 20_000, rng=np.random.default_rng(2))

    def days(simulation: object) -> np.ndarray:
        histogram = np.asarray(simulation.delay_histogram_days)  # type: ignore[attr-defined]
        return np.repeat(np.arange(histogram.size), histogram)

    assert ks_2samp(days(fast), days(slow)).pvalue > 0.001


def test_seeded_runs_repeat() -> None:
    model = MODELS["reload-and-dwell"]
    first = simulate_regime(model, 10_000, rng=np.random.default_rng(3))
    again = simulate_regime(model, 10_000, rng=np.random.default_rng(3))
    assert first == again


def test_progress_reports_every_chunk() -> None:
    seen: list[int] = []
    simulate_regime(MODELS["inf-like"], 150_000, rng=np.random.default_rng(0), progress=seen.append)
    assert seen[-1] == 150_000
    assert seen == sorted(seen)


def test_no_quota_never_detects() -> None:
    simulation = simulate_regime(RegimeModel(sites=2, quotas=(0, 0)), 1000, rng=np.random.default_rng(0))
    assert simulation.detected == 0
    assert math.isnan(simulation.mean_delay_years)
    assert exact_detection_within(RegimeModel(sites=2, quotas=(0, 0))) == 0.0


def test_certain_visits_detect_at_the_first_inspection() -> None:
    """One site, every inspection detects: the delay is the wait for the next inspection, never beyond a year."""
    model = RegimeModel(sites=1, quotas=(12,) * 2)
    simulation = simulate_regime(model, 50_000, rng=np.random.default_rng(5))
    assert simulation.delay_quantile_years(1.0) <= 1.0
    for check in cross_check(simulation):
        assert check.agrees, check


def test_summaries() -> None:
    simulation = simulate_regime(MODELS["inf-like"], 50_000, rng=np.random.default_rng(9))
    assert sum(simulation.detected_by_year()) == simulation.detected
    assert 0 < simulation.delay_quantile_years(0.5) <= simulation.delay_quantile_years(0.9)
    assert simulation.detected_within_days(10**6) == simulation.detection_probability


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sites": 0, "quotas": (1,)},
        {"sites": 2, "quotas": ()},
        {"sites": 2, "quotas": (-1,)},
        {"sites": 2, "quotas": (1.5,)},
        {"sites": 2, "quotas": (1,), "dwell_years": 0},
        {"sites": 2, "quotas": (1,), "loaded_fraction": 1.5},
        {"sites": 2, "quotas": (1,), "items_per_site": 3, "violating_items": 4},
        {"sites": 2, "quotas": (1,), "site_weights": (1.0,)},
        {"sites": 2, "quotas": (1,), "site_weights": (0.0, 0.0)},
    ],
)
def test_bad_models(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        RegimeModel(**kwargs)  # type: ignore[arg-type]


def test_bad_trials() -> None:
    with pytest.raises(InputError):
        simulate_regime(MODELS["inf-like"], 0, rng=np.random.default_rng(0))
