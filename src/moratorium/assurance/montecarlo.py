"""Monte Carlo of a regime over the years: when, if ever, is one covert deployment caught?

Two samplers of the same model (:class:`moratorium.assurance.model.RegimeModel`), both vectorised with numpy
and driven by a ``numpy.random.Generator`` the caller seeds:

* :func:`simulate_regime` draws the detection time directly by inverting the survival function, a constant
  amount of work per trial whatever the quota: a uniform deployment time, the violator's site, and one
  exponential variate ``E`` (detection happens when the accumulated hazard ``-log S`` reaches ``E``). This is
  the fast path used by the CLI and the benchmark.
* :func:`simulate_visits` plays every inspection of every trial (time, site, the item sample with
  ``Generator.hypergeometric``, loading, recognition). It is slower, shares no arithmetic with the first, and
  is there so that the tests can cross-check the two against each other and against the exact formulas.

Results are aggregated on the fly into :class:`RegimeSimulation` (counts and a one-day histogram of the
delay), so 10⁷ trials need no more memory than one chunk.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from moratorium.assurance._validate import require_count
from moratorium.assurance.model import DAYS_PER_YEAR, RegimeModel, exact_detection_within

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["CrossCheck", "RegimeSimulation", "cross_check", "simulate_regime", "simulate_visits"]

_CHUNK = 1 << 15
"""Trials per vectorised step: large enough that the fixed cost of its numpy calls is small, small enough that
its arrays stay in cache."""
_MAX_C = 1.0 - 2.0**-40
"""A visit that always detects (c = 1) has infinite hazard; capping c keeps the inversion finite."""

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RegimeSimulation:
    """Aggregated outcome of ``trials`` simulated covert deployments.

    Attributes
    ----------
    trials, detected : int
        Trials run and trials whose deployment was caught before the horizon (and while the item was there).
    delay_histogram_days : tuple of int
        ``delay_histogram_days[d]`` trials were caught between ``d`` and ``d + 1`` days after deployment.
    delay_sum_years : float
        Sum of the detection delays, for the mean.
    """

    model: RegimeModel
    trials: int
    detected: int
    delay_histogram_days: tuple[int, ...]
    delay_sum_years: float

    @property
    def detection_probability(self) -> float:
        """Fraction of trials caught before the horizon."""
        return self.detected / self.trials if self.trials else math.nan

    def standard_error(self, probability: float) -> float:
        """Binomial standard error ``sqrt(p (1 - p) / T)`` of a fraction estimated from these trials."""
        if not self.trials:
            return math.nan
        return math.sqrt(max(probability * (1.0 - probability), 0.0) / self.trials)

    def detected_within_days(self, days: int) -> float:
        """Fraction of trials caught less than ``days`` whole days after deployment."""
        if not self.trials:
            return math.nan
        return sum(self.delay_histogram_days[: max(days, 0)]) / self.trials

    @property
    def mean_delay_years(self) -> float:
        """Mean time from deployment to detection among detected trials."""
        return self.delay_sum_years / self.detected if self.detected else math.nan

    def delay_quantile_years(self, q: float) -> float:
        """``q``-quantile of the delay among detected trials, resolved to the day (upper edge of its bin)."""
        if not self.detected:
            return math.nan
        target = q * self.detected
        running = 0
        for day, count in enumerate(self.delay_histogram_days):
            running += count
            if running >= target and count:
                return (day + 1) / DAYS_PER_YEAR
        return len(self.delay_histogram_days) / DAYS_PER_YEAR

    def detected_by_year(self) -> tuple[int, ...]:
        """Detections in the 1st, 2nd... year after deployment."""
        per_year = [0] * self.model.years
        for day, count in enumerate(self.delay_histogram_days):
            per_year[min(int(day / DAYS_PER_YEAR), self.model.years - 1)] += count
        return tuple(per_year)


class _Accumulator:
    def __init__(self, model: RegimeModel) -> None:
        import numpy as np

        self.model = model
        self.trials = 0
        self.detected = 0
        self.delay_sum = 0.0
        self.histogram = np.zeros(int(model.years * DAYS_PER_YEAR) + 2, dtype=np.int64)

    def add(self, trials: int, delays_years: npt.NDArray[np.float64]) -> None:
        """Record a chunk: ``delays_years`` holds the delays of its detected trials only."""
        import numpy as np

        self.trials += trials
        self.detected += int(delays_years.size)
        self.delay_sum += float(delays_years.sum())
        days = (delays_years * DAYS_PER_YEAR).astype(np.int64)
        self.histogram += np.bincount(days, minlength=self.histogram.size)[: self.histogram.size]

    def result(self) -> RegimeSimulation:
        return RegimeSimulation(
            model=self.model,
            trials=self.trials,
            detected=self.detected,
            delay_histogram_days=tuple(int(v) for v in self.histogram),
            delay_sum_years=self.delay_sum,
        )


def _chunks(trials: int, size: int) -> list[int]:
    return [min(size, trials - start) for start in range(0, trials, size)]


def _violator_sites(model: RegimeModel, n: int, rng: np.random.Generator) -> npt.NDArray[np.intp]:
    import numpy as np

    weights = np.asarray(model.deployment_weights)
    if np.all(weights == weights[0]):
        return rng.integers(0, model.sites, size=n)
    drawn: npt.NDArray[np.intp] = np.searchsorted(np.cumsum(weights), rng.random(n) * weights.sum(), side="right")
    return np.minimum(drawn, model.sites - 1)


def simulate_regime(
    model: RegimeModel, trials: int, *, rng: np.random.Generator, progress: Progress | None = None
) -> RegimeSimulation:
    """Simulate ``trials`` covert deployments by inverting the exact survival function (constant work each).

    With ``λ = -log(1 - c)`` per inspection, the hazard accumulated to the end of the deployment year ``y0``
    is ``A0 = -q_y0 log(1 - c (y0 + 1 - t0))`` and each later year adds ``q_y λ``. Given ``E ~ Exp(1)``: if
    ``E <= A0`` the detection falls in year ``y0`` at ``t0 + (1 - exp(-E / q_y0)) / c``; otherwise the year
    is found from the cumulative quotas (a table lookup: which year holds the ``k``-th inspection) and the
    time inside it by the same inversion. The detection
    counts if it comes before the horizon and while the item is there (``t < t0 + dwell``).

    Parameters
    ----------
    model : RegimeModel
    trials : int
        Number of simulated deployments.
    rng : numpy.random.Generator
        The only source of randomness; seed it to reproduce a run.
    progress : callable, optional
        Called with the number of trials finished after each chunk (for a progress bar).
    """
    import numpy as np

    require_count(trials, "trials", minimum=1, maximum=10**10)
    quotas = np.asarray(model.quotas, dtype=np.float64)
    cumulative = np.r_[0.0, np.cumsum(quotas)]
    total = int(cumulative[-1])
    c_site = np.minimum(np.asarray(model.inspection_weights) * model.visit_detection_probability, _MAX_C)
    uniform = bool(np.all(c_site == c_site[0]))  # c does not depend on the violator's site
    tables = _Tables(model, float(c_site[0])) if uniform and total <= 1 << 24 and c_site[0] > 0 else None
    horizon = float(model.years)
    acc = _Accumulator(model)
    done = 0
    for n in _chunks(trials, _CHUNK):
        t0 = rng.random(n) * horizon
        if uniform:
            energy = rng.standard_exponential(n)
            if tables is not None:
                acc.add(n, tables.delays(t0, energy))
            else:
                acc.add(n, np.empty(0))  # no inspection, or none can detect
        else:
            c = c_site[_violator_sites(model, n, rng)]
            energy = rng.standard_exponential(n)
            acc.add(n, _delays(t0, energy, c, quotas, cumulative, model) if total else np.empty(0))
        done += n
        if progress is not None:
            progress(done)
    return acc.result()


class _Tables:
    """Per-year and per-inspection lookup tables for one value of ``c`` (the fast path of :func:`simulate_regime`).

    Indexed by the deployment year ``y0`` (with one padding year) and by ``k = ceil(target)``, the inspection
    count at which the accumulated hazard reaches ``E``; ``k = 0`` and ``k > Σ quotas`` map to a sentinel whose
    year is infinite, so trials never caught need no separate mask.
    """

    def __init__(self, model: RegimeModel, c: float) -> None:
        import numpy as np

        quotas = np.asarray(model.quotas, dtype=np.float64)
        cumulative = np.r_[0.0, np.cumsum(quotas)]
        total = int(cumulative[-1])
        self.years = float(model.years)
        self.dwell = model.dwell_years
        self.c = c
        self.inv_c = 1.0 / c
        log_miss = math.log1p(-c)  # -λ
        self.inv_rate = -1.0 / log_miss
        padded = np.r_[quotas, 1.0]
        self.quota = padded
        self.neg_inv_quota = -1.0 / np.where(padded > 0, padded, 1.0)
        self.year_end = np.arange(1.0, model.years + 2.0)
        self.cumulative_next = np.r_[cumulative[1:], cumulative[-1]]
        year_of = np.repeat(np.arange(model.years), model.quotas)  # year of the u-th inspection, u = k - 1
        self.unit_year = np.r_[np.inf, year_of.astype(np.float64), np.inf]
        self.unit_cumulative = np.r_[0.0, cumulative[year_of], 0.0]
        self.unit_scale = np.r_[0.0, log_miss / quotas[year_of], 0.0]
        self.last = float(total + 1)

    def delays(self, t0: npt.NDArray[np.float64], energy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Delays of the caught trials. Every trial gets the deployment-year time ("soon"); only those whose
        hazard outlasts that year (few, under a real quota) get the later-year inversion, on their subset: the
        cost per trial is a dozen array passes instead of thirty (the same arithmetic, so the same results)."""
        import numpy as np

        year0 = t0.astype(np.intp)
        q0 = self.quota[year0]
        # remaining = E - A0, with A0 = -q0 log(1 - c (y0 + 1 - t0)) the hazard left in the deployment year
        remaining = q0 * np.log1p((t0 - self.year_end[year0]) * self.c)
        remaining += energy
        detect = np.expm1(energy * self.neg_inv_quota[year0])
        detect *= -self.inv_c
        detect += t0
        rest = np.flatnonzero(remaining > 0.0)
        if rest.size:
            target = remaining[rest] * self.inv_rate
            target += self.cumulative_next[year0[rest]]
            k = np.minimum(np.ceil(target), self.last).astype(np.intp)
            later = np.expm1((target - self.unit_cumulative[k]) * self.unit_scale[k])
            later *= -self.inv_c
            later += self.unit_year[k]
            detect[rest] = later
        delay = detect - t0
        caught = detect < self.years
        if math.isfinite(self.dwell):
            caught &= delay < self.dwell
        result: npt.NDArray[np.float64] = delay[caught]
        return result


def _delays(
    t0: npt.NDArray[np.float64],
    energy: npt.NDArray[np.float64],
    c: npt.NDArray[np.float64],
    quotas: npt.NDArray[np.float64],
    cumulative: npt.NDArray[np.float64],
    model: RegimeModel,
) -> npt.NDArray[np.float64]:
    """Detection delays of the caught trials of one chunk when ``c`` differs by site (general path)."""
    import numpy as np

    years = model.years
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        year0 = np.minimum(t0.astype(np.intp), years - 1)
        q0 = quotas[year0]
        log_miss = np.log1p(-c)  # log(1 - c) = -λ
        hazard0 = -q0 * np.log1p(-c * (year0 + 1.0 - t0))
        first = energy <= hazard0
        target = cumulative[year0 + 1] - (energy - hazard0) / log_miss
        year = np.searchsorted(cumulative, target, side="left") - 1
        inside = year < years
        year = np.minimum(year, years - 1)
        t_later = year - np.expm1((target - cumulative[year]) / quotas[year] * log_miss) / c
        t_first = t0 - np.expm1(-energy / q0) / c
        t_detect = np.where(first, t_first, t_later)
        caught = (first | inside) & (t_detect < years) & (c > 0)
        if math.isfinite(model.dwell_years):
            caught &= t_detect < t0 + model.dwell_years
        delays: npt.NDArray[np.float64] = (t_detect - t0)[caught]
    return delays


def simulate_visits(
    model: RegimeModel, trials: int, *, rng: np.random.Generator, progress: Progress | None = None
) -> RegimeSimulation:
    """Simulate ``trials`` deployments visit by visit: the slow, independent check of :func:`simulate_regime`.

    Every inspection gets a uniform time in its year and a site from ``site_weights``; a visit to the
    violating site while the item is there (after ``t0``, before ``t0 + dwell``) checks ``n`` of ``M`` items
    with ``Generator.hypergeometric(r, M - r, n)``, and detects if that finds a bad item, the item is loaded
    at that moment and the inspectors recognise it. Memory is ``O(chunk x Σ quotas)``.
    """
    import numpy as np

    require_count(trials, "trials", minimum=1, maximum=10**8)
    slot_year = np.repeat(np.arange(model.years, dtype=np.float64), model.quotas)
    k = slot_year.size
    weights = np.cumsum(model.inspection_weights)
    horizon = float(model.years)
    m, r, n_checked = model.items_per_site, model.violating_items, model.items_checked
    acc = _Accumulator(model)
    done = 0
    for n in _chunks(trials, max(1, (1 << 22) // max(k, 1))):
        t0 = rng.random(n) * horizon
        target = _violator_sites(model, n, rng)
        if k == 0:
            acc.add(n, np.empty(0))
            done += n
            continue
        times = slot_year[None, :] + rng.random((n, k))
        sites = np.searchsorted(weights, rng.random((n, k)) * weights[-1], side="right").clip(
            0, model.sites - 1
        )
        exposed = (
            (sites == target[:, None]) & (times >= t0[:, None]) & (times < (t0 + model.dwell_years)[:, None])
        )
        rows, cols = np.nonzero(exposed)
        found = (
            rng.hypergeometric(r, m - r, n_checked, size=rows.size) > 0 if m > r else np.ones(rows.size, bool)
        )
        found &= rng.random(rows.size) < model.loaded_fraction
        found &= rng.random(rows.size) < model.recognition
        first = np.full(n, np.inf)
        np.minimum.at(first, rows[found], times[rows[found], cols[found]])
        caught = first < horizon
        acc.add(n, (first - t0)[caught])
        done += n
        if progress is not None:
            progress(done)
    return acc.result()


@dataclass(frozen=True)
class CrossCheck:
    """One point estimate of a simulation beside its exact value.

    ``z = (simulated - exact) / standard_error``; the estimate agrees when ``|z| <= 3``.
    """

    label: str
    delay_years: float
    simulated: float
    standard_error: float
    exact: float

    @property
    def z(self) -> float:
        """Standardised difference (0 when both are certain and equal)."""
        if self.standard_error == 0:
            return 0.0 if math.isclose(self.simulated, self.exact, abs_tol=1e-12) else math.inf
        return (self.simulated - self.exact) / self.standard_error

    @property
    def agrees(self) -> bool:
        """Whether the simulated value lies within 3 sigma of the exact one."""
        return abs(self.z) <= 3.0


def cross_check(
    simulation: RegimeSimulation, delays_days: tuple[int, ...] = (30, 91, 365)
) -> tuple[CrossCheck, ...]:
    """Compare the simulated chance of detection within a few delays and by the horizon with the exact one.

    The standard error is that of the exact probability, ``sqrt(p (1 - p) / T)``, so the 3 sigma test does
    not shrink when the simulation happens to land on 0 or 1.
    """
    model = simulation.model
    checks = []
    for days in delays_days:
        if days / DAYS_PER_YEAR >= model.years:
            continue
        exact = exact_detection_within(model, days / DAYS_PER_YEAR)
        checks.append(
            CrossCheck(
                label=f"detected within {days} days",
                delay_years=days / DAYS_PER_YEAR,
                simulated=simulation.detected_within_days(days),
                standard_error=simulation.standard_error(exact),
                exact=exact,
            )
        )
    exact = exact_detection_within(model)
    checks.append(
        CrossCheck(
            label=f"detected within the {model.years}-year horizon",
            delay_years=math.inf,
            simulated=simulation.detection_probability,
            standard_error=simulation.standard_error(exact),
            exact=exact,
        )
    )
    return tuple(checks)
