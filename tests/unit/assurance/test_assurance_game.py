"""The inspection game: LP solutions against hand-solved cases and the deterrence threshold."""

from __future__ import annotations

import pytest

from moratorium.assurance import (
    InspectionGame,
    SiteClass,
    deterrence_threshold,
    solve_leadership,
    solve_matrix_game,
    solve_zero_sum,
)
from moratorium.errors import InputError


def test_deterrence_threshold_published_value() -> None:
    assert deterrence_threshold(1, 4) == pytest.approx(0.20)  # domain.md §4


def test_two_by_two_matrix_game_by_hand() -> None:
    # [[a, b], [c, d]] = [[3, -1], [-2, 1]] has no saddle point; with D = a - b - c + d = 7 the row player plays
    # (d - c)/D = 3/7, the column player (d - b)/D = 2/7, and the value is (ad - bc)/D = 1/7.
    solution = solve_matrix_game([[3, -1], [-2, 1]])
    assert solution.row_strategy == pytest.approx((3 / 7, 4 / 7))
    assert solution.column_strategy == pytest.approx((2 / 7, 5 / 7))
    assert solution.value == pytest.approx(1 / 7)


def test_matrix_game_with_saddle_point() -> None:
    solution = solve_matrix_game([[2, 3], [1, 0]])
    assert solution.row_strategy == pytest.approx((1, 0))
    assert solution.column_strategy == pytest.approx((1, 0))
    assert solution.value == pytest.approx(2)


def test_symmetric_inspection_game_by_hand() -> None:
    # Two classes of 4 sites, quota 1, d=1, b=4: u_i = 1 - 5 x_i / 4. Equalising gives x = 1/2 each, u = 3/8 > 0:
    # the violator cheats, half the time in each class.
    game = InspectionGame((SiteClass("a", 4), SiteClass("b", 4)), quota=1)
    solution = solve_zero_sum(game)
    assert solution.inspections == pytest.approx((0.5, 0.5))
    assert solution.violator_payoff == pytest.approx(3 / 8)
    assert dict(solution.violator_strategy) == pytest.approx({"legal": 0.0, "a": 0.5, "b": 0.5})
    assert not solution.deterred


def test_asymmetric_zero_sum_strategy_makes_inspector_indifferent() -> None:
    game = InspectionGame(
        (
            SiteClass("aegis", 2, gain=2, penalty=3),
            SiteClass("garrison", 4, gain=1, penalty=1, efficiency=0.8),
        ),
        quota=1,
    )
    solution = solve_zero_sum(game)
    x_a, _ = solution.inspections
    # Equal payoffs 2 - 2.5 x_a = 1 - 0.4 x_g with x_a + x_g = 1 give x_a = 14/29.
    assert x_a == pytest.approx(14 / 29)
    assert solution.violator_payoff == pytest.approx(2 - 2.5 * 14 / 29)
    strategy = dict(solution.violator_strategy)
    # The violator's mix equalises the inspector's marginal gains: y_a * 2.5 = y_g * 0.4.
    assert strategy["aegis"] * 2.5 == pytest.approx(strategy["garrison"] * 0.4)
    assert strategy["aegis"] + strategy["garrison"] == pytest.approx(1)


def test_quota_at_the_deterrence_threshold_deters() -> None:
    game = InspectionGame((SiteClass("a", 4), SiteClass("b", 4)), quota=1.6)
    assert game.deterrence_quota == pytest.approx(1.6)  # 2 classes x 4 sites x 0.2
    for solution in (solve_zero_sum(game), solve_leadership(game)):
        assert solution.deterred
        assert min(solution.detection_probabilities) >= 0.2 - 1e-9


def test_leadership_below_threshold_picks_a_pure_best_response() -> None:
    game = InspectionGame((SiteClass("a", 4), SiteClass("b", 4)), quota=1)
    solution = solve_leadership(game, loss_detected=1, loss_undetected=10)
    strategy = dict(solution.violator_strategy)
    assert sorted(strategy.values()) == [0.0, 0.0, 1.0]
    assert solution.inspector_payoff == pytest.approx(-10 + 9 * 0.125)


def test_unreachable_deterrence() -> None:
    game = InspectionGame((SiteClass("a", 1, gain=4, penalty=1, efficiency=0.5),), quota=100)
    assert game.deterrence_quota is None
    assert not solve_leadership(game).deterred


@pytest.mark.parametrize(
    "make",
    [
        lambda: SiteClass("a", 0),
        lambda: SiteClass("a", 1, gain=0),
        lambda: SiteClass("a", 1, efficiency=1.5),
        lambda: SiteClass("legal", 1),
        lambda: InspectionGame((), quota=1),
        lambda: InspectionGame((SiteClass("a", 1), SiteClass("a", 2)), quota=1),
        lambda: InspectionGame((SiteClass("a", 1),), quota=-1),
        lambda: solve_leadership(
            InspectionGame((SiteClass("a", 1),), quota=1), loss_detected=5, loss_undetected=1
        ),
        lambda: solve_matrix_game([]),
    ],
)
def test_bad_games(make: object) -> None:
    with pytest.raises(InputError):
        make()  # type: ignore[operator]
