"""Scenarios: a treaty plus a dated timeline of party actions, run through a real log into verdicts."""

from moratorium.scenario._load import Scenario, ScenarioStep, load_scenario, shipped_scenario_ids

__all__ = ["Scenario", "ScenarioStep", "load_scenario", "shipped_scenario_ids"]
