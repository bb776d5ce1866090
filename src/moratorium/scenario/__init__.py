"""moratorium.scenario (see DESIGN.md)."""
