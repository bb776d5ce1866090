"""The inspector-violator game: how to spread an inspection quota so that cheating does not pay.

Model (after Avenhaus, von Stengel and Zamir, "Inspection games", Handbook of Game Theory vol. 3 [S54][S55],
and Avenhaus et al., EJOR 1996 [S53]; the concrete parametrisation is our synthesis):

* Sites fall into classes ``i`` (Aegis Ashore sites, GLCM garrisons...), class ``i`` holding ``m_i`` sites.
* The inspector has a quota of ``q`` inspections per period and allocates ``x_i`` of them (in expectation) to
  class ``i``, visiting each of its sites with probability ``x_i / m_i``; a visit to a violating site finds
  the violation with probability ``e_i`` (the per-visit efficiency, e.g. a hypergeometric cell sample). A
  violation at a class-``i`` site is therefore detected with ``p_i = e_i x_i / m_i``. Payoffs are linear in
  ``x``, so the expected allocation is all that matters: any mixed strategy over whole allocations with these
  means (e.g. a jointly random draw with these inclusion probabilities) has the same value.
* The violator either stays legal (payoff 0) or violates at one site of a class ``i``: it gains ``d_i`` if
  undetected and loses ``b_i`` if caught, i.e. ``u_i = d_i (1 - p_i) - b_i p_i``.

Deterrence: violating at class ``i`` does not pay iff ``u_i <= 0`` iff ``p_i >= d_i / (d_i + b_i)``, the
standard condition ``1 - β >= d / (d + b)`` (domain.md §4; d = 1, b = 4 gives 0.20).

Two solution concepts, both solved with ``scipy.optimize.linprog`` (HiGHS):

* **zero-sum**: the inspector minimises the violator's best payoff ``max(0, max_i u_i)``; the violator's
  equilibrium mixed strategy is the LP's dual (the constraint marginals).
* **inspector leadership**: the inspector announces ``x`` and commits to it; the violator best-responds,
  breaking ties in the inspector's favour (strong Stackelberg). Solved by one LP per violator response
  ("multiple LPs", Conitzer and Sandholm 2006): maximise the inspector's payoff subject to that response being
  a best response. The inspector loses ``a`` for a detected violation and ``c > a`` for an undetected one, 0
  if the violator is legal. Leadership deters whenever the quota can reach every threshold, which the zero-sum
  game may not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from moratorium.assurance._validate import require_count, require_positive_float, require_probability
from moratorium.errors import InputError

__all__ = [
    "GameSolution",
    "InspectionGame",
    "MatrixGameSolution",
    "SiteClass",
    "deterrence_threshold",
    "solve_leadership",
    "solve_matrix_game",
    "solve_zero_sum",
]

LEGAL = "legal"
_TOLERANCE = 1e-9


def deterrence_threshold(gain: float, penalty: float) -> float:
    """The least detection probability that deters: ``1 - β >= d / (d + b)`` (domain.md §4).

    Parameters
    ----------
    gain : float
        ``d > 0``, what the violator gains from an undetected violation.
    penalty : float
        ``b > 0``, what it loses when the violation is caught.
    """
    d = require_positive_float(gain, "gain")
    b = require_positive_float(penalty, "penalty")
    return d / (d + b)


@dataclass(frozen=True)
class SiteClass:
    """A class of interchangeable sites in the inspection game.

    Attributes
    ----------
    name : str
        Label, e.g. ``"aegis-ashore"``.
    sites : int
        ``m_i >= 1`` sites in the class.
    gain, penalty : float
        ``d_i`` and ``b_i`` of the violator's payoff.
    efficiency : float
        ``e_i``, probability that one visit to a violating site detects the violation.
    """

    name: str
    sites: int
    gain: float = 1.0
    penalty: float = 4.0
    efficiency: float = 1.0

    def __post_init__(self) -> None:
        if not self.name or self.name == LEGAL:
            raise InputError(f"needs a name other than {LEGAL!r}, got {self.name!r}", field="class")
        require_count(self.sites, f"{self.name}.sites", minimum=1)
        require_positive_float(self.gain, f"{self.name}.gain")
        require_positive_float(self.penalty, f"{self.name}.penalty")
        if require_probability(self.efficiency, f"{self.name}.efficiency") == 0:
            raise InputError("must be greater than 0", field=f"{self.name}.efficiency")

    @property
    def threshold(self) -> float:
        """``d_i / (d_i + b_i)``: the detection probability that deters a violation in this class."""
        return self.gain / (self.gain + self.penalty)

    @property
    def slope(self) -> float:
        """``(d_i + b_i) e_i / m_i``: how much the violator's payoff falls per inspection allocated here."""
        return (self.gain + self.penalty) * self.efficiency / self.sites


@dataclass(frozen=True)
class InspectionGame:
    """Site classes and the inspector's quota ``q`` (inspections per period; need not be whole)."""

    classes: tuple[SiteClass, ...]
    quota: float

    def __post_init__(self) -> None:
        if not self.classes:
            raise InputError("needs at least one site class", field="classes")
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise InputError(f"class names must be distinct, got {names}", field="classes")
        require_positive_float(self.quota, "quota", allow_zero=True)

    @property
    def deterrence_quota(self) -> float | None:
        """Least quota that deters everywhere, ``Σ m_i t_i / e_i``; ``None`` if some ``e_i < t_i``."""
        if any(c.efficiency < c.threshold for c in self.classes):
            return None
        return sum(c.sites * c.threshold / c.efficiency for c in self.classes)


@dataclass(frozen=True)
class GameSolution:
    """An equilibrium of the inspection game.

    Attributes
    ----------
    version : {"zero-sum", "inspector-leadership"}
    inspections : tuple of float
        Expected inspections allocated to each class, in the game's class order.
    detection_probabilities : tuple of float
        ``p_i = e_i x_i / m_i`` for a violation in each class.
    violator_strategy : tuple of (str, float)
        Probability of ``"legal"`` and of violating in each class.
    violator_payoff, inspector_payoff : float
        Expected payoffs at the equilibrium.
    deterred : bool
        True when the violator's equilibrium behaviour is legal with certainty.
    """

    version: Literal["zero-sum", "inspector-leadership"]
    classes: tuple[str, ...]
    inspections: tuple[float, ...]
    detection_probabilities: tuple[float, ...]
    violator_strategy: tuple[tuple[str, float], ...]
    violator_payoff: float
    inspector_payoff: float
    deterred: bool
    thresholds: tuple[float, ...]
    deterrence_quota: float | None

    def to_json(self) -> dict[str, object]:
        """Plain JSON for ``moratorium assure game --format json``."""
        return {
            "version": self.version,
            "inspections": dict(zip(self.classes, self.inspections, strict=True)),
            "detection_probabilities": dict(zip(self.classes, self.detection_probabilities, strict=True)),
            "deterrence_thresholds": dict(zip(self.classes, self.thresholds, strict=True)),
            "violator_strategy": dict(self.violator_strategy),
            "violator_payoff": self.violator_payoff,
            "inspector_payoff": self.inspector_payoff,
            "deterred": self.deterred,
            "deterrence_quota": self.deterrence_quota,
        }


@dataclass(frozen=True)
class MatrixGameSolution:
    """Optimal mixed strategies of a finite zero-sum game; ``value`` is paid by the column to the row
    player."""

    row_strategy: tuple[float, ...]
    column_strategy: tuple[float, ...]
    value: float


def _linprog(**kwargs: Any) -> Any:
    from scipy.optimize import linprog

    result = linprog(method="highs", **kwargs)
    if result.status != 0:  # pragma: no cover - our LPs are feasible and bounded by construction
        raise RuntimeError(f"linprog failed: {result.message}")
    return result


def _clean(values: Sequence[float]) -> tuple[float, ...]:
    """Round solver noise (1e-12, -0.0) away so printed strategies read as people expect."""
    return tuple(0.0 if abs(v) < _TOLERANCE else round(float(v), 12) for v in values)


def solve_matrix_game(payoff: Sequence[Sequence[float]]) -> MatrixGameSolution:
    """Solve a finite two-person zero-sum game by linear programming (von Neumann's minimax theorem).

    Parameters
    ----------
    payoff : sequence of sequences of float
        ``A[i][j]``, paid to the row player (who maximises) when row ``i`` meets column ``j``.

    Returns
    -------
    MatrixGameSolution
        Row strategy from ``max v s.t. xᵀA >= v, Σx = 1, x >= 0``; column strategy from the mirror LP.
    """
    import numpy as np

    matrix = np.asarray(payoff, dtype=float)
    if matrix.ndim != 2 or matrix.size == 0 or not np.all(np.isfinite(matrix)):
        raise InputError("must be a non-empty rectangular matrix of finite numbers", field="payoff")
    rows, columns = matrix.shape
    # Row player: variables (x_1..x_m, v); minimise -v subject to v - (xᵀA)_j <= 0.
    row = _linprog(
        c=np.r_[np.zeros(rows), -1.0],
        A_ub=np.c_[-matrix.T, np.ones(columns)],
        b_ub=np.zeros(columns),
        A_eq=np.r_[np.ones(rows), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * rows + [(None, None)],
    )
    column = _linprog(
        c=np.r_[np.zeros(columns), 1.0],
        A_ub=np.c_[matrix, -np.ones(rows)],
        b_ub=np.zeros(rows),
        A_eq=np.r_[np.ones(columns), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * columns + [(None, None)],
    )
    return MatrixGameSolution(
        row_strategy=_clean(row.x[:rows]),
        column_strategy=_clean(column.x[:columns]),
        value=float(-row.fun),
    )


def _violator_payoffs(game: InspectionGame, inspections: Sequence[float]) -> list[float]:
    return [c.gain - c.slope * x for c, x in zip(game.classes, inspections, strict=True)]


def _allocation_bounds(game: InspectionGame) -> list[tuple[float, float]]:
    # A site is visited at most once a period, so a class takes at most m_i inspections and p_i <= e_i.
    return [(0.0, float(c.sites)) for c in game.classes]


def _solution(
    game: InspectionGame,
    version: Literal["zero-sum", "inspector-leadership"],
    inspections: Sequence[float],
    strategy: Sequence[float],
    inspector_payoff: float,
) -> GameSolution:
    inspections = _clean(inspections)
    strategy = _clean(strategy)
    payoffs = _violator_payoffs(game, inspections)
    violator_payoff = sum(s * u for s, u in zip(strategy[1:], payoffs, strict=True))
    return GameSolution(
        version=version,
        classes=tuple(c.name for c in game.classes),
        inspections=inspections,
        detection_probabilities=_clean(
            [min(1.0, c.efficiency * x / c.sites) for c, x in zip(game.classes, inspections, strict=True)]
        ),
        violator_strategy=tuple(zip((LEGAL, *(c.name for c in game.classes)), strategy, strict=True)),
        violator_payoff=_clean([violator_payoff])[0],
        inspector_payoff=_clean([inspector_payoff])[0],
        deterred=strategy[0] >= 1.0 - 1e-9,
        thresholds=tuple(c.threshold for c in game.classes),
        deterrence_quota=game.deterrence_quota,
    )


def solve_zero_sum(game: InspectionGame) -> GameSolution:
    """Zero-sum equilibrium: the inspector minimises the violator's best payoff ``max(0, max_i u_i(x))``.

    LP over ``(x_1..x_K, v)``: minimise ``v`` s.t. ``v >= 0``, ``v >= d_i - (d_i + b_i) e_i x_i / m_i``,
    ``Σ x_i <= q``, ``0 <= x_i <= m_i``. The violator's equilibrium strategy (legal, class 1..K) is the
    vector of multipliers of the ``v >= ...`` rows, which sum to 1 (stationarity in ``v``).
    """
    import numpy as np

    k = len(game.classes)
    slopes = np.array([c.slope for c in game.classes])
    gains = np.array([c.gain for c in game.classes])
    a_ub = np.zeros((k + 2, k + 1))
    a_ub[0, k] = -1.0  # 0 - v <= 0: legal behaviour earns 0
    a_ub[1 : k + 1, :k] = -np.diag(slopes)  # d_i - slope_i x_i - v <= 0
    a_ub[1 : k + 1, k] = -1.0
    a_ub[k + 1, :k] = 1.0  # Σ x_i <= q
    b_ub = np.r_[0.0, -gains, game.quota]
    result = _linprog(
        c=np.r_[np.zeros(k), 1.0], A_ub=a_ub, b_ub=b_ub, bounds=[*_allocation_bounds(game), (None, None)]
    )
    strategy = np.maximum(-np.asarray(result.ineqlin.marginals[: k + 1]), 0.0)
    total = strategy.sum()
    strategy = strategy / total if total > 0 else np.r_[1.0, np.zeros(k)]
    value = float(result.fun)
    return _solution(game, "zero-sum", result.x[:k], strategy.tolist(), -value)


def solve_leadership(
    game: InspectionGame, *, loss_detected: float = 1.0, loss_undetected: float = 10.0
) -> GameSolution:
    """Inspector-leadership (strong Stackelberg) equilibrium by one LP per violator response.

    Parameters
    ----------
    game : InspectionGame
    loss_detected : float
        ``a >= 0``: the inspector's loss when a violation happens and is caught (a crisis, but an exposed
        one).
    loss_undetected : float
        ``c > a``: its loss when a violation goes undetected.

    Notes
    -----
    For the response "legal" the LP finds the smallest allocation with every ``u_i(x) <= 0``; it is feasible
    exactly when ``q >= Σ m_i t_i / e_i`` (the deterrence quota). Otherwise, for each class ``j`` the LP
    maximises ``p_j`` subject to ``u_j(x) >= 0`` and ``u_j(x) >= u_i(x)``; the inspector's payoff is ``-c + (c
    - a) p_j``.
    """
    import numpy as np

    a = require_positive_float(loss_detected, "loss_detected", allow_zero=True)
    c_loss = require_positive_float(loss_undetected, "loss_undetected")
    if c_loss <= a:
        raise InputError(f"must exceed loss_detected ({a}), got {c_loss}", field="loss_undetected")
    k = len(game.classes)
    slopes = np.array([c.slope for c in game.classes])
    gains = np.array([c.gain for c in game.classes])
    bounds = _allocation_bounds(game)
    quota_row = np.ones((1, k))

    # Response "legal": u_i(x) <= 0 for all i, i.e. slope_i x_i >= d_i; use as little quota as needed.
    deter = _try_linprog(
        c=np.ones(k),
        A_ub=np.vstack([-np.diag(slopes), quota_row]),
        b_ub=np.r_[-gains, game.quota],
        bounds=bounds,
    )
    if deter is not None:
        return _solution(game, "inspector-leadership", deter.x, [1.0] + [0.0] * k, 0.0)

    best: tuple[float, int, Any] | None = None
    for j in range(k):
        rows = [quota_row[0]]
        rhs = [game.quota]
        own = np.zeros(k)
        own[j] = slopes[j]
        rows.append(own)  # u_j >= 0  <=>  slope_j x_j <= d_j
        rhs.append(gains[j])
        for i in range(k):
            if i != j:  # u_j >= u_i  <=>  slope_j x_j - slope_i x_i <= d_j - d_i
                row = own.copy()
                row[i] = -slopes[i]
                rows.append(row)
                rhs.append(gains[j] - gains[i])
        objective = np.zeros(k)
        objective[j] = -game.classes[j].efficiency / game.classes[j].sites  # maximise p_j
        found = _try_linprog(c=objective, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds)
        if found is None:
            continue
        detection = min(1.0, -float(found.fun))
        payoff = -c_loss + (c_loss - a) * detection
        if best is None or payoff > best[0] + _TOLERANCE:
            best = (payoff, j, found)
    assert best is not None, "some class is always a best response when deterrence fails"
    payoff, j, found = best
    strategy = np.zeros(k + 1)
    strategy[j + 1] = 1.0
    return _solution(game, "inspector-leadership", found.x, strategy.tolist(), payoff)


def _try_linprog(**kwargs: Any) -> Any | None:
    from scipy.optimize import linprog

    result = linprog(method="highs", **kwargs)
    return result if result.status == 0 else None
