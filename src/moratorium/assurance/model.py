"""A regime of quota inspections over the years, and the exact odds that it catches one covert deployment.

The model (our synthesis of domain.md §1.4 and §3.3; the parameters are the point, not the defaults):

* ``sites`` sites are open to inspection. In year ``y`` (``0 <= y < Y``) the inspector uses its quota of
  ``quotas[y]`` short-notice inspections, each at a time uniform in the year and at a site drawn with
  probability ``site_weights[s]`` (uniform by default; jointly random selection makes the draw unpredictable).
  Visits are independent, so a site can be visited twice in a year, and a quota may exceed the number of sites
  (INF: 20 a year over a handful of sites).
* The violator deploys covertly at a time uniform in ``[0, Y)`` at a site drawn with ``violator_weights``, and
  the item stays for ``dwell_years`` (``inf``: it stays). A violation is detectable only while it is there.
* Between visits the violator may unload: the item is at the launcher a fraction ``loaded_fraction`` of the
  time, independently of the (unpredictable) visit times. This is Dzhabarov's "loaded a few days after"
  (domain.md §3.3 [S42]): an inspection vouches for the moment it happens, and assurance decays after the
  inspectors leave.
* A visit to the violating site while the item is present looks at ``items_checked`` of ``items_per_site``
  items (the 24 cells of an Aegis Ashore, the canisters of a garrison), ``violating_items`` of which are bad,
  and finds a bad one with the hypergeometric probability ``1 - C(M - r, n) / C(M, n)`` (domain.md §4); it
  recognises it with probability ``recognition`` (e.g. a canister-length measurement that tells a 9M729 from a
  9M728 [S20]).

So one visit to the violating site detects with ``e = recognition · loaded_fraction · P_hypergeometric`` and
one inspection anywhere detects with ``c_s = w_s · e``. With the deployment at ``t0`` the chance of no
detection by ``t`` is, exactly,

    S(t | t0, s) = Π_y (1 - c_s · l_y)^(quotas[y]),   l_y = |[t0, min(t, t0 + dwell, Y)) ∩ [y, y + 1)|,

because each of the year's inspections independently falls in the exposed interval, at site ``s``, and finds
the item. :func:`exact_detection_within` integrates it over ``t0`` (Gauss-Legendre on the pieces where it is
smooth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from moratorium.assurance._validate import require_count, require_positive_float, require_probability
from moratorium.assurance.detection import detection_probability
from moratorium.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["DAYS_PER_YEAR", "RegimeModel", "exact_detection_within"]

DAYS_PER_YEAR = 365.25
_GAUSS_NODES = 48


def _weights(values: tuple[float, ...] | None, sites: int, field_name: str) -> tuple[float, ...]:
    if values is None:
        return tuple([1.0 / sites] * sites)
    if len(values) != sites:
        raise InputError(f"needs one weight per site ({sites}), got {len(values)}", field=field_name)
    checked = [require_positive_float(v, field_name, allow_zero=True) for v in values]
    total = sum(checked)
    if total <= 0:
        raise InputError("must not all be zero", field=field_name)
    return tuple(v / total for v in checked)


@dataclass(frozen=True)
class RegimeModel:
    """Parameters of the inspection regime and of the covert deployment (see the module docstring).

    Attributes
    ----------
    sites : int
        Number of sites open to inspection.
    quotas : tuple of int
        Inspections in each year; ``len(quotas)`` is the horizon ``Y`` in years.
    dwell_years : float
        How long the covert item stays after its deployment (``math.inf``: until the end).
    loaded_fraction : float
        Fraction of the time the item is at the site (unloaded between visits otherwise).
    items_per_site, violating_items, items_checked : int
        ``M``, ``r``, ``n`` of the per-visit hypergeometric item sample.
    recognition : float
        Probability that an examined bad item is recognised as such.
    site_weights, violator_weights : tuple of float, optional
        Where inspections go and where the violator deploys (normalised; uniform when omitted).
    """

    sites: int
    quotas: tuple[int, ...]
    dwell_years: float = math.inf
    loaded_fraction: float = 1.0
    items_per_site: int = 1
    violating_items: int = 1
    items_checked: int = 1
    recognition: float = 1.0
    site_weights: tuple[float, ...] | None = None
    violator_weights: tuple[float, ...] | None = None
    _inspect: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _violate: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        require_count(self.sites, "sites", minimum=1, maximum=10**6)
        if not self.quotas:
            raise InputError("needs at least one year", field="years")
        if len(self.quotas) > 1000:
            raise InputError(f"must be at most 1000 years, got {len(self.quotas)}", field="years")
        for year, quota in enumerate(self.quotas):
            require_count(quota, f"quotas[{year}]", maximum=10**6)
        if not (isinstance(self.dwell_years, int | float) and self.dwell_years > 0):
            raise InputError(f"must be greater than 0, got {self.dwell_years!r}", field="dwell_years")
        require_probability(self.loaded_fraction, "loaded_fraction")
        require_probability(self.recognition, "recognition")
        # Validates M, r, n (r <= M, n <= M) with the field names people see.
        detection_probability(self.items_per_site, self.violating_items, self.items_checked)
        object.__setattr__(self, "_inspect", _weights(self.site_weights, self.sites, "site_weights"))
        object.__setattr__(self, "_violate", _weights(self.violator_weights, self.sites, "violator_weights"))

    @property
    def years(self) -> int:
        """The horizon ``Y`` in years."""
        return len(self.quotas)

    @property
    def item_detection_probability(self) -> float:
        """Hypergeometric chance that one visit's item sample contains a bad item (domain.md §4)."""
        return detection_probability(self.items_per_site, self.violating_items, self.items_checked)

    @property
    def visit_detection_probability(self) -> float:
        """``e``: chance that one visit to the violating site detects the violation."""
        return self.recognition * self.loaded_fraction * self.item_detection_probability

    @property
    def inspection_weights(self) -> tuple[float, ...]:
        """Normalised probability that an inspection goes to each site."""
        return self._inspect

    @property
    def deployment_weights(self) -> tuple[float, ...]:
        """Normalised probability that the violator deploys at each site."""
        return self._violate

    def per_inspection_detection(self) -> dict[float, float]:
        """Distinct values of ``c_s = w_s · e`` with the probability that the violator's site has them."""
        e = self.visit_detection_probability
        table: dict[float, float] = {}
        for w, v in zip(self._inspect, self._violate, strict=True):
            if v > 0:
                key = w * e
                table[key] = table.get(key, 0.0) + v
        return table

    def mean_revisit_days(self) -> float:
        """Mean days between two visits to one site under uniform weights, averaged over the years with a
        quota."""
        total = sum(self.quotas)
        if total == 0:
            return math.inf
        return DAYS_PER_YEAR * self.sites * self.years / total


def _survival(
    model: RegimeModel, c: float, t0: npt.NDArray[np.float64], delay_years: float
) -> npt.NDArray[np.float64]:
    """``S(t0 + delay | t0)`` for one value of ``c`` on an array of deployment times (module docstring)."""
    import numpy as np

    end = np.minimum(t0 + min(delay_years, model.dwell_years), float(model.years))
    log_survival = np.zeros_like(t0)
    for year, quota in enumerate(model.quotas):
        if quota == 0:
            continue
        overlap = np.clip(np.minimum(end, year + 1.0) - np.maximum(t0, float(year)), 0.0, 1.0)
        with np.errstate(divide="ignore"):  # c = 1 over a whole year: survival exactly 0, log -inf
            log_survival += quota * np.log1p(-np.minimum(c * overlap, 1.0))
    result: npt.NDArray[np.float64] = np.exp(log_survival)
    return result


def exact_detection_within(model: RegimeModel, delay_years: float = math.inf) -> float:
    """Exact probability that the covert deployment is detected within ``delay_years`` of its start.

    Averages ``1 - S(t0 + delay | t0, s)`` over the deployment site ``s`` and over ``t0`` uniform in ``[0,
    Y)``. The integrand is smooth between the breakpoints ``y``, ``y - delay`` and ``y - dwell`` (integers
    ``y``), where a 48-point Gauss-Legendre rule is exact for the polynomial pieces of degree up to 95 (quotas
    up to ~45 a year) and accurate to rounding beyond.

    Parameters
    ----------
    model : RegimeModel
    delay_years : float
        ``math.inf`` (default) gives the chance of detection before the regime's horizon ends.
    """
    import numpy as np

    if not delay_years > 0:
        raise InputError(f"must be greater than 0, got {delay_years!r}", field="delay_years")
    horizon = float(model.years)
    points = {0.0, horizon}
    for shift in (0.0, delay_years, model.dwell_years):
        if math.isfinite(shift):
            points.update(y - shift for y in range(model.years + 1) if 0.0 < y - shift < horizon)
    cuts = np.array(sorted(points))
    nodes, weights = np.polynomial.legendre.leggauss(_GAUSS_NODES)
    lows, highs = cuts[:-1], cuts[1:]
    half = (highs - lows)[:, None] / 2.0
    t0 = (lows[:, None] + half * (nodes[None, :] + 1.0)).ravel()
    w = (half * weights[None, :]).ravel()
    missed = sum(
        share * _survival(model, c, t0, delay_years) for c, share in model.per_inspection_detection().items()
    )
    return float(1.0 - np.dot(w, missed) / horizon)
