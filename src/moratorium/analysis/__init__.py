"""Analyses that join the pieces: proposals side by side (``compare``), minutes of warning (``warning``) and
one-page briefings from a scenario (``brief``). Above ``scenario``, ``regime``, ``geo`` and ``assurance``;
imports no server or CLI code.
"""

from moratorium.analysis.compare import READINGS, Comparison, compare
from moratorium.analysis.warning import TargetWarning, WarningResult, warning

__all__ = ["READINGS", "Comparison", "TargetWarning", "WarningResult", "compare", "warning"]
