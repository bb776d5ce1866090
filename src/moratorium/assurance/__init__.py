"""How much assurance an inspection regime gives: detection odds, sample sizes, inspection games, Monte Carlo.

Layers, safest first:

* :mod:`~moratorium.assurance.detection` — exact hypergeometric ``P_detect = 1 - C(N - r, n) / C(N, n)``;
* :mod:`~moratorium.assurance.sampling` — exact minimum sample, IAEA ``N (1 - β^(1/M))``, zero-failure
  binomial;
* :mod:`~moratorium.assurance.game` — the inspector-violator game (zero-sum and inspector leadership, by LP);
* :mod:`~moratorium.assurance.model` / :mod:`~moratorium.assurance.montecarlo` — a regime over the years, its
  exact detection odds and two independent Monte Carlo samplers;
* :mod:`~moratorium.assurance.plan` — a treaty's inspection right as sites and yearly quotas.

Sources are domain.md §4 (S47-S55); randomness is always a ``numpy.random.Generator`` passed in.
"""

from moratorium.assurance.detection import (
    Detection,
    detect,
    detection_probability,
    detection_probability_exact,
    non_detection_probability_exact,
)
from moratorium.assurance.game import (
    GameSolution,
    InspectionGame,
    MatrixGameSolution,
    SiteClass,
    deterrence_threshold,
    solve_leadership,
    solve_matrix_game,
    solve_zero_sum,
)
from moratorium.assurance.model import DAYS_PER_YEAR, RegimeModel, exact_detection_within
from moratorium.assurance.montecarlo import (
    CrossCheck,
    RegimeSimulation,
    cross_check,
    simulate_regime,
    simulate_visits,
)
from moratorium.assurance.plan import RegimePlan, load_plan, plan_from_treaty, quotas_by_year
from moratorium.assurance.sampling import (
    SampleSize,
    iaea_sample_size,
    minimum_sample_size,
    sample_size,
    zero_failure_sample_size,
)

__all__ = [
    "DAYS_PER_YEAR",
    "CrossCheck",
    "Detection",
    "GameSolution",
    "InspectionGame",
    "MatrixGameSolution",
    "RegimeModel",
    "RegimePlan",
    "RegimeSimulation",
    "SampleSize",
    "SiteClass",
    "cross_check",
    "detect",
    "detection_probability",
    "detection_probability_exact",
    "deterrence_threshold",
    "exact_detection_within",
    "iaea_sample_size",
    "load_plan",
    "minimum_sample_size",
    "non_detection_probability_exact",
    "plan_from_treaty",
    "quotas_by_year",
    "sample_size",
    "simulate_regime",
    "simulate_visits",
    "solve_leadership",
    "solve_matrix_game",
    "solve_zero_sum",
    "zero_failure_sample_size",
]
