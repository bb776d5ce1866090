"""Attribute sampling: the chance that inspecting ``n`` of ``N`` items finds at least one of ``r`` bad ones.

An inspector draws ``n`` items at random without replacement from a population of ``N``, of which ``r`` are
non-compliant (a Tomahawk canister in a Mk-41 cell, a 9M729 canister among declared 9M728s). The number of bad
items in the sample is hypergeometric, and the violation is detected when it is at least one::

    P_detect = 1 - C(N - r, n) / C(N, n)

(domain.md §4, sources S47-S49). We compute the ratio with exact integers and reduce it to a float only at the
end, so that the published test values (N=100, r=5, n=10 → 0.41625) hold to the last digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from moratorium.assurance._validate import require_count
from moratorium.errors import InputError

__all__ = [
    "Detection",
    "detect",
    "detection_probability",
    "detection_probability_exact",
    "non_detection_probability_exact",
]


def _checked(population: object, defects: object, sample: object) -> tuple[int, int, int]:
    big_n = require_count(population, "population", minimum=1)
    r = require_count(defects, "defects")
    n = require_count(sample, "sample")
    if r > big_n:
        raise InputError(f"cannot exceed the population ({big_n}), got {r}", field="defects")
    if n > big_n:
        raise InputError(f"cannot exceed the population ({big_n}), got {n}", field="sample")
    return big_n, r, n


def non_detection_probability_exact(population: int, defects: int, sample: int) -> Fraction:
    """Exact probability that a random sample of ``sample`` items contains none of the ``defects`` bad ones.

    Parameters
    ----------
    population : int
        ``N``, the number of items that could be inspected (at least 1).
    defects : int
        ``r``, how many of them are non-compliant (``0 <= r <= N``).
    sample : int
        ``n``, how many distinct items the inspector examines (``0 <= n <= N``).

    Returns
    -------
    fractions.Fraction
        ``C(N - r, n) / C(N, n)``, the hypergeometric probability of zero bad items in the sample
        (domain.md §4 [S47][S49]). ``math.comb`` returns 0 when ``n > N - r``: detection is then certain.

    Raises
    ------
    moratorium.errors.InputError
        If a value is not a whole number, is negative, or ``r`` or ``n`` exceeds ``N``.
    """
    big_n, r, n = _checked(population, defects, sample)
    return Fraction(math.comb(big_n - r, n), math.comb(big_n, n))


def detection_probability_exact(population: int, defects: int, sample: int) -> Fraction:
    """Exact ``P_detect = 1 - C(N - r, n) / C(N, n)`` as a ``Fraction`` (domain.md §4 [S47])."""
    return 1 - non_detection_probability_exact(population, defects, sample)


def detection_probability(population: int, defects: int, sample: int) -> float:
    """``P_detect = 1 - C(N - r, n) / C(N, n)`` as a float, computed exactly and rounded once.

    Examples
    --------
    >>> detection_probability(100, 5, 10)  # domain.md §4 test vector [S47]
    0.41624763307384804
    """
    return float(detection_probability_exact(population, defects, sample))


@dataclass(frozen=True)
class Detection:
    """One attribute-sampling case and its answer, as the CLI reports it.

    Attributes
    ----------
    population, defects, sample : int
        ``N``, ``r`` and ``n`` of the hypergeometric model.
    detection_probability : float
        ``1 - C(N - r, n) / C(N, n)``.
    non_detection_probability : float
        ``C(N - r, n) / C(N, n)``, the inspector's risk β for this sample.
    exact : fractions.Fraction
        ``detection_probability`` as an exact fraction.
    """

    population: int
    defects: int
    sample: int
    detection_probability: float
    non_detection_probability: float
    exact: Fraction

    def to_json(self) -> dict[str, object]:
        """The JSON object of ``moratorium assure detect --format json``."""
        return {
            "detection_probability": self.detection_probability,
            "non_detection_probability": self.non_detection_probability,
            "exact": f"{self.exact.numerator}/{self.exact.denominator}",
            "population": self.population,
            "defects": self.defects,
            "sample": self.sample,
            "model": "hypergeometric: 1 - C(N-r, n)/C(N, n)",
        }


def detect(population: int, defects: int, sample: int) -> Detection:
    """Evaluate the hypergeometric detection model for one case (see :func:`detection_probability`)."""
    miss = non_detection_probability_exact(population, defects, sample)
    hit = 1 - miss
    return Detection(
        population=int(population),
        defects=int(defects),
        sample=int(sample),
        detection_probability=float(hit),
        non_detection_probability=float(miss),
        exact=hit,
    )
