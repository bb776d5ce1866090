"""CLI commands of the ``assurance`` domain: ``moratorium assure detect|sample-size|regime|game``.

Thin by design: every option arrives as text, is parsed by ``moratorium.assurance._validate`` (so ``10.5`` or
``1.2`` give a one-line ``InputError`` and exit 2), one library function computes, and this module renders.
Only typer is imported at module level: numpy, scipy and rich load when a command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from moratorium._cli._common import TextFormat

if TYPE_CHECKING:
    from moratorium.assurance import GameSolution, RegimePlan, RegimeSimulation, SiteClass

__all__ = ["register"]

_FORMAT = typer.Option(TextFormat.text, "--format", help="text for people, json for machines")


def register(app: typer.Typer) -> None:
    """Add ``assure`` and its commands to the root app. Import nothing heavy at module level."""
    assure = typer.Typer(
        name="assure",
        help="How much assurance inspections give: detection odds, sample sizes, regimes, games.",
        no_args_is_help=True,
    )
    assure.command("detect")(detect)
    assure.command("sample-size")(sample_size)
    assure.command("regime")(regime)
    assure.command("game")(game)
    app.add_typer(assure, name="assure")


def detect(
    population: str = typer.Option(..., "--population", "-N", help="items that could be inspected (N)"),
    defects: str = typer.Option(..., "--defects", "-r", help="non-compliant items among them (r)"),
    sample: str = typer.Option(..., "--sample", "-n", help="items inspected, drawn without replacement (n)"),
    output: TextFormat = _FORMAT,
) -> None:
    """Exact hypergeometric detection probability 1 - C(N-r, n)/C(N, n)."""
    from moratorium.assurance import detect as compute
    from moratorium.assurance._validate import parse_count

    result = compute(
        parse_count(population, "--population", minimum=1),
        parse_count(defects, "--defects"),
        parse_count(sample, "--sample"),
    )
    if output is TextFormat.json:
        from moratorium._cli._common import print_json

        print_json(result.to_json())
        return
    n, r, big_n = result.sample, result.defects, result.population
    typer.echo(
        f"detection probability: {result.detection_probability:.6f} ({result.detection_probability:.2%})"
    )
    typer.echo(f"  inspecting {n} of {big_n} items, {r} of them non-compliant")
    typer.echo(
        f"  1 - C({big_n - r}, {n}) / C({big_n}, {n}); missed with {result.non_detection_probability:.6f}"
    )


def sample_size(
    population: str = typer.Option(..., "--population", "-N", help="items that could be inspected (N)"),
    defects: str = typer.Option(..., "--defects", "-r", help="smallest number of bad items that matters (M)"),
    confidence: str = typer.Option(..., "--confidence", "-c", help="detection goal 1 - beta, in (0, 1)"),
    output: TextFormat = _FORMAT,
) -> None:
    """Exact minimum sample for a detection goal, beside the IAEA approximation N(1 - beta^(1/M))."""
    from moratorium.assurance import sample_size as compute
    from moratorium.assurance._validate import parse_count, parse_probability

    result = compute(
        parse_count(population, "--population", minimum=1),
        parse_count(defects, "--defects", minimum=1),
        parse_probability(confidence, "--confidence"),
    )
    if output is TextFormat.json:
        from moratorium._cli._common import print_json

        print_json(result.to_json())
        return
    typer.echo(f"sample size: {result.sample_size} (exact hypergeometric minimum)")
    typer.echo(
        f"  IAEA approximation N(1 - beta^(1/M)): {result.iaea_formula:.2f} -> {result.iaea_approximation}"
    )
    typer.echo(
        f"  zero-failure binomial: {result.binomial_approximation}; "
        f"achieved detection probability {result.achieved_detection_probability:.4f}"
    )


def regime(
    treaty: str = typer.Argument(
        ..., help="treaty id (inf-1987, ru-2020-offer...) or a treaty/scenario file"
    ),
    years: str = typer.Option("13", "--years", "-y", help="horizon in treaty years"),
    trials: str = typer.Option("100000", "--trials", "-t", help="simulated covert deployments"),
    seed: str | None = typer.Option(None, "--seed", help="rng seed (default: fresh, printed for reuse)"),
    inspection: str | None = typer.Option(
        None, "--inspection", help="inspection right type (default: first)"
    ),
    sites: str | None = typer.Option(None, "--sites", help="number of sites (default: from the treaty)"),
    dwell_days: str | None = typer.Option(
        None, "--dwell-days", help="days the covert item stays (default: all)"
    ),
    loaded: str = typer.Option(
        "1", "--loaded-fraction", help="share of the time the item is at the launcher"
    ),
    items: str = typer.Option("1", "--items", help="items per site (e.g. 24 Mk-41 cells)"),
    bad_items: str = typer.Option("1", "--bad-items", help="covert items at the violating site"),
    checked: str = typer.Option("1", "--checked", help="items examined per visit"),
    output: TextFormat = _FORMAT,
) -> None:
    """Monte Carlo of a treaty's quota inspections against one covert deployment at a random time and site."""
    import math
    import secrets

    import numpy as np

    from moratorium.assurance import DAYS_PER_YEAR, RegimeModel, cross_check, load_plan, simulate_regime
    from moratorium.assurance._validate import parse_count, parse_probability, require_positive_float

    n_years = parse_count(years, "--years", minimum=1, maximum=1000)
    n_trials = parse_count(trials, "--trials", minimum=1, maximum=10**9)
    rng_seed = parse_count(seed, "--seed") if seed is not None else secrets.randbits(63)
    site_count = parse_count(sites, "--sites", minimum=1) if sites is not None else None
    dwell = math.inf
    if dwell_days is not None:
        dwell = (
            require_positive_float(_parse_float(dwell_days, "--dwell-days"), "--dwell-days") / DAYS_PER_YEAR
        )
    from moratorium.scenario import shipped_scenario_ids

    if treaty in shipped_scenario_ids():  # a shipped scenario's name stands for the treaty it runs under
        from moratorium.scenario import load_scenario

        treaty = load_scenario(treaty).treaty.id
    plan = load_plan(treaty, years=n_years, inspection=inspection, site_count=site_count)
    model = RegimeModel(
        sites=len(plan.sites),
        quotas=plan.quotas,
        dwell_years=dwell,
        loaded_fraction=float(parse_probability(loaded, "--loaded-fraction", open_interval=False)),
        items_per_site=parse_count(items, "--items", minimum=1),
        violating_items=parse_count(bad_items, "--bad-items"),
        items_checked=parse_count(checked, "--checked"),
    )
    simulation = _with_progress(
        lambda progress: simulate_regime(
            model, n_trials, rng=np.random.default_rng(rng_seed), progress=progress
        ),
        n_trials,
        quiet=output is TextFormat.json,
    )
    checks = cross_check(simulation)
    if output is TextFormat.json:
        from moratorium._cli._common import print_json

        print_json(_regime_json(plan, simulation, checks, rng_seed))
        return
    _print_regime(plan, simulation, checks, rng_seed)


def _parse_float(text: str, field: str) -> float:
    from fractions import Fraction

    from moratorium.errors import InputError

    try:
        return float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        raise InputError(f"must be a number, got {text!r}", field=field) from None


def _with_progress(run: Any, total: int, *, quiet: bool) -> RegimeSimulation:
    """Run ``run(progress)`` under a rich progress bar on stderr (none in JSON mode)."""
    if quiet:
        result: RegimeSimulation = run(None)
        return result
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from moratorium._cli._common import console

    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("trials", total=total)
        result = run(lambda done: bar.update(task, completed=done))
    return result


def _regime_json(plan: RegimePlan, simulation: RegimeSimulation, checks: Any, seed: int) -> dict[str, Any]:
    from moratorium.assurance import DAYS_PER_YEAR

    p = simulation.detection_probability
    model = simulation.model
    return {
        "treaty": plan.treaty,
        "inspection": plan.inspection,
        "sites": list(plan.sites),
        "site_rule": plan.site_rule,
        "quotas": list(plan.quotas),
        "assumption": plan.assumption,
        "trials": simulation.trials,
        "seed": seed,
        "detection_probability": p,
        "standard_error": simulation.standard_error(p),
        "visit_detection_probability": model.visit_detection_probability,
        "mean_revisit_days": model.mean_revisit_days(),
        "mean_delay_days": simulation.mean_delay_years * DAYS_PER_YEAR,
        "median_delay_days": simulation.delay_quantile_years(0.5) * DAYS_PER_YEAR,
        "p90_delay_days": simulation.delay_quantile_years(0.9) * DAYS_PER_YEAR,
        "detected_by_year": list(simulation.detected_by_year()),
        "cross_checks": [
            {"check": c.label, "simulated": c.simulated, "exact": c.exact, "z": c.z, "agrees": c.agrees}
            for c in checks
        ],
    }


def _print_regime(plan: RegimePlan, simulation: RegimeSimulation, checks: Any, seed: int) -> None:
    from rich.table import Table

    from moratorium._cli._common import console
    from moratorium.assurance import DAYS_PER_YEAR

    out = console()
    out.soft_wrap = True  # long lines are for terminals and pipes alike; tables still fit the width
    model = simulation.model
    p = simulation.detection_probability
    out.print(
        f"[bold]{plan.treaty}[/bold] {plan.inspection}: quotas {', '.join(map(str, plan.quotas))}",
        soft_wrap=True,
    )
    out.print(f"  {len(plan.sites)} sites ({plan.site_rule}): {', '.join(plan.sites)}")
    if plan.assumption:
        out.print(f"  assumption: {plan.assumption}")
    out.print(
        f"  one visit detects with {model.visit_detection_probability:.4f}; "
        f"a site is visited every {model.mean_revisit_days():.0f} days on average"
    )
    out.print(
        f"{simulation.trials:,} covert deployments (seed {seed}): caught before the horizon "
        f"{p:.2%} ± {simulation.standard_error(p):.2%}"
    )
    if simulation.detected:
        out.print(
            f"  time to detection: mean {simulation.mean_delay_years * DAYS_PER_YEAR:.0f} days, "
            f"median {simulation.delay_quantile_years(0.5) * DAYS_PER_YEAR:.0f}, "
            f"90% within {simulation.delay_quantile_years(0.9) * DAYS_PER_YEAR:.0f}"
        )
    table = Table(title="time to detection", title_justify="left")
    for column in ("year after deployment", "caught", "share of trials", "cumulative"):
        table.add_column(column, justify="right")
    running = 0
    for year, count in enumerate(simulation.detected_by_year()):
        running += count
        table.add_row(
            str(year + 1),
            f"{count:,}",
            f"{count / simulation.trials:.2%}",
            f"{running / simulation.trials:.2%}",
        )
    out.print(table)
    checks_table = Table(title="cross-check against the exact formula", title_justify="left")
    for column in ("point estimate", "simulated", "exact", "z", "within 3 sigma"):
        checks_table.add_column(column, justify="right")
    for c in checks:
        checks_table.add_row(
            c.label, f"{c.simulated:.5f}", f"{c.exact:.5f}", f"{c.z:+.2f}", "yes" if c.agrees else "NO"
        )
    out.print(checks_table)


def game(
    site_class: Annotated[
        list[str],
        typer.Option(
            "--class", help="NAME:SITES[:GAIN:PENALTY[:EFFICIENCY]], repeatable (e.g. garrison:4:1:4)"
        ),
    ],
    quota: str = typer.Option(..., "--quota", "-q", help="inspections per period to spread over the classes"),
    gain: str = typer.Option("1", "--gain", "-d", help="violator's gain if undetected (default for classes)"),
    penalty: str = typer.Option(
        "4", "--penalty", "-b", help="violator's loss if caught (default for classes)"
    ),
    mode: str = typer.Option("both", "--mode", help="zero-sum, leadership or both"),
    loss_detected: str = typer.Option("1", "--loss-detected", help="inspector's loss, violation caught"),
    loss_undetected: str = typer.Option("10", "--loss-undetected", help="inspector's loss, violation missed"),
    output: TextFormat = _FORMAT,
) -> None:
    """Inspector-violator game: equilibrium allocation of the quota and the deterrence threshold d/(d+b)."""
    from moratorium.assurance import InspectionGame, solve_leadership, solve_zero_sum
    from moratorium.errors import InputError

    if mode not in ("zero-sum", "leadership", "both"):
        raise InputError(f"must be zero-sum, leadership or both, got {mode!r}", field="--mode")
    classes = tuple(
        _site_class(text, _parse_float(gain, "--gain"), _parse_float(penalty, "--penalty"))
        for text in site_class
    )
    the_game = InspectionGame(classes=classes, quota=_parse_float(quota, "--quota"))
    solutions: list[GameSolution] = []
    if mode in ("zero-sum", "both"):
        solutions.append(solve_zero_sum(the_game))
    if mode in ("leadership", "both"):
        solutions.append(
            solve_leadership(
                the_game,
                loss_detected=_parse_float(loss_detected, "--loss-detected"),
                loss_undetected=_parse_float(loss_undetected, "--loss-undetected"),
            )
        )
    if output is TextFormat.json:
        from moratorium._cli._common import print_json

        print_json(
            {
                "quota": the_game.quota,
                "deterrence_quota": the_game.deterrence_quota,
                "classes": [
                    {
                        "name": c.name,
                        "sites": c.sites,
                        "gain": c.gain,
                        "penalty": c.penalty,
                        "efficiency": c.efficiency,
                        "deterrence_threshold": c.threshold,
                    }
                    for c in classes
                ],
                "solutions": [s.to_json() for s in solutions],
            }
        )
        return
    _print_game(the_game.quota, the_game.deterrence_quota, classes, solutions)


def _site_class(text: str, gain: float, penalty: float) -> SiteClass:
    from moratorium.assurance import SiteClass
    from moratorium.assurance._validate import parse_count
    from moratorium.errors import InputError

    parts = text.split(":")
    if not 2 <= len(parts) <= 5 or len(parts) == 3:
        raise InputError(f"must be NAME:SITES[:GAIN:PENALTY[:EFFICIENCY]], got {text!r}", field="--class")
    name = parts[0].strip()
    sites = parse_count(parts[1], f"--class {name}: sites", minimum=1)
    if len(parts) >= 4:
        gain, penalty = (
            _parse_float(parts[2], f"--class {name}: gain"),
            _parse_float(parts[3], f"--class {name}: penalty"),
        )
    efficiency = _parse_float(parts[4], f"--class {name}: efficiency") if len(parts) == 5 else 1.0
    return SiteClass(name=name, sites=sites, gain=gain, penalty=penalty, efficiency=efficiency)


def _print_game(
    quota: float, deterrence_quota: float | None, classes: Any, solutions: list[GameSolution]
) -> None:
    from rich.table import Table

    from moratorium._cli._common import console

    out = console()
    out.soft_wrap = True  # long lines are for terminals and pipes alike; tables still fit the width
    for c in classes:
        out.print(
            f"{c.name}: {c.sites} sites, gain {c.gain:g}, penalty {c.penalty:g}, efficiency {c.efficiency:g}; "
            f"deterred when detection >= d/(d+b) = {c.threshold:.4f}"
        )
    needed = (
        "unreachable (efficiency below threshold)" if deterrence_quota is None else f"{deterrence_quota:.4g}"
    )
    out.print(f"quota {quota:g}; quota that deters everywhere: {needed}")
    for solution in solutions:
        table = Table(title=f"{solution.version} equilibrium", title_justify="left")
        for column in ("class", "inspections", "detection probability", "violator plays"):
            table.add_column(column, justify="right")
        strategy = dict(solution.violator_strategy)
        table.add_row("legal", "", "", f"{strategy['legal']:.4f}")
        for name, x, p in zip(
            solution.classes, solution.inspections, solution.detection_probabilities, strict=True
        ):
            table.add_row(name, f"{x:.4f}", f"{p:.4f}", f"{strategy[name]:.4f}")
        out.print(table)
        verdict = "deterred" if solution.deterred else "not deterred"
        out.print(
            f"  violator payoff {solution.violator_payoff:+.4f}, inspector payoff "
            f"{solution.inspector_payoff:+.4f}: {verdict}",
            soft_wrap=True,
        )
