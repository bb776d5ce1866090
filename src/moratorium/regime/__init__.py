"""Regime: entry kinds, replay into regime state, inspections and joint random selection, compliance."""
