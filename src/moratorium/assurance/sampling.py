"""Sample-size design: how many items must be inspected to reach a detection goal.

Three answers to "how many of ``N`` must I look at to catch ``R`` bad items with probability ``C``?":

* the **exact** minimum ``n`` with ``1 - C(N - R, n) / C(N, n) >= C`` (hypergeometric, domain.md §4 [S47]);
* the **IAEA** attribute-sampling approximation ``n = N (1 - β^(1/R))`` with ``β = 1 - C``, which the INMM
  paper [S50] shows lands within a few items of the exact answer (exact ∈ {n_IAEA - 3 … n_IAEA});
* the **zero-failure binomial** ``n = ln(1 - C) / ln(reliability)`` [S52], the with-replacement limit, here
  with reliability ``1 - R/N``.

Standard IAEA detection goals are 1 - β = 0.9 ("high") and 0.2 ("low") [S51].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from moratorium.assurance._validate import require_count, require_open_probability
from moratorium.errors import InputError

__all__ = [
    "SampleSize",
    "iaea_sample_size",
    "minimum_sample_size",
    "sample_size",
    "zero_failure_sample_size",
]


def _checked(population: object, defects: object) -> tuple[int, int]:
    big_n = require_count(population, "population", minimum=1)
    r = require_count(defects, "defects", minimum=1)
    if r > big_n:
        raise InputError(f"cannot exceed the population ({big_n}), got {r}", field="defects")
    return big_n, r


def minimum_sample_size(population: int, defects: int, confidence: float | Fraction) -> int:
    """The exact smallest sample ``n`` whose detection probability reaches ``confidence``.

    Parameters
    ----------
    population : int
        ``N`` items that could be inspected.
    defects : int
        ``R >= 1``, the smallest number of bad items that matters (the IAEA's ``M``).
    confidence : float or fractions.Fraction
        The detection goal ``1 - β``, strictly between 0 and 1. A float is read as the decimal it prints as
        (``0.9`` is exactly 9/10), so a goal met exactly counts as met.

    Returns
    -------
    int
        The least ``n`` with ``C(N - R, n) / C(N, n) <= 1 - confidence``. Non-detection falls as ``n`` grows
        and is 0 at ``n = N - R + 1``, so the answer always exists; it is found by bisection on exact
        integers: ``q · C(N - R, n) <= p · C(N, n)`` with ``β = p / q``.

    Raises
    ------
    moratorium.errors.InputError
        For non-integers, ``R < 1``, ``R > N``, or a confidence outside (0, 1).
    """
    big_n, r = _checked(population, defects)
    beta = 1 - require_open_probability(confidence, "confidence")
    p, q = beta.numerator, beta.denominator

    def meets_goal(n: int) -> bool:
        return q * math.comb(big_n - r, n) <= p * math.comb(big_n, n)

    low, high = 0, big_n - r + 1  # meets_goal(high) holds: C(N - R, N - R + 1) = 0
    while low < high:
        middle = (low + high) // 2
        if meets_goal(middle):
            high = middle
        else:
            low = middle + 1
    return low


def iaea_sample_size(population: int, defects: int, confidence: float | Fraction) -> float:
    """The IAEA attribute-sampling formula ``n = N (1 - β^(1/M))`` with ``β = 1 - confidence`` (unrounded).

    Source: domain.md §4, IAEA practice as discussed in [S50]. N=100, M=5, β=0.1 gives 36.90.
    """
    big_n, r = _checked(population, defects)
    beta = float(1 - require_open_probability(confidence, "confidence"))
    return float(big_n * (1.0 - math.pow(beta, 1.0 / r)))


def zero_failure_sample_size(confidence: float | Fraction, reliability: float | Fraction) -> float:
    """Zero-failure binomial sample size ``n = ln(1 - confidence) / ln(reliability)`` (unrounded) [S52].

    Sampling with replacement from a population whose items are good with probability ``reliability``; 99%
    confidence at 95% reliability gives 89.8, i.e. 90 items.
    """
    goal = float(require_open_probability(confidence, "confidence"))
    good = float(require_open_probability(reliability, "reliability"))
    return math.log(1.0 - goal) / math.log(good)


@dataclass(frozen=True)
class SampleSize:
    """The answers of :func:`sample_size` side by side.

    Attributes
    ----------
    sample_size : int
        The exact hypergeometric minimum.
    iaea_approximation : int
        ``ceil(N (1 - β^(1/R)))``; ``iaea_formula`` is the unrounded value.
    binomial_approximation : int
        ``ceil(ln β / ln(1 - R/N))``, or ``population`` when every item is bad (``R = N``);
        ``binomial_formula`` is the unrounded value (``None`` in that case).
    achieved_detection_probability : float
        The detection probability of the exact sample (at least ``confidence``).
    """

    population: int
    defects: int
    confidence: float
    sample_size: int
    iaea_approximation: int
    iaea_formula: float
    binomial_approximation: int
    binomial_formula: float | None
    achieved_detection_probability: float

    def to_json(self) -> dict[str, object]:
        """The JSON object of ``moratorium assure sample-size --format json``."""
        return {
            "sample_size": self.sample_size,
            "iaea_approximation": self.iaea_approximation,
            "iaea_formula": self.iaea_formula,
            "binomial_approximation": self.binomial_approximation,
            "binomial_formula": self.binomial_formula,
            "achieved_detection_probability": self.achieved_detection_probability,
            "population": self.population,
            "defects": self.defects,
            "confidence": self.confidence,
        }


def _ceil(value: float) -> int:
    # 36.000000000000004 from a rounding error in β^(1/M) should still read 36.
    return math.ceil(round(value, 9))


def sample_size(population: int, defects: int, confidence: float | Fraction) -> SampleSize:
    """Exact minimum sample, IAEA approximation and zero-failure binomial for one detection goal."""
    from moratorium.assurance.detection import detection_probability

    exact = minimum_sample_size(population, defects, confidence)
    big_n, r = _checked(population, defects)
    goal = require_open_probability(confidence, "confidence")
    iaea = iaea_sample_size(big_n, r, goal)
    binomial: float | None = None
    binomial_n = big_n
    if r < big_n:
        binomial = zero_failure_sample_size(goal, Fraction(big_n - r, big_n))
        binomial_n = _ceil(binomial)
    return SampleSize(
        population=big_n,
        defects=r,
        confidence=float(goal),
        sample_size=exact,
        iaea_approximation=min(_ceil(iaea), big_n),
        iaea_formula=iaea,
        binomial_approximation=binomial_n,
        binomial_formula=binomial,
        achieved_detection_probability=detection_probability(big_n, r, exact),
    )
