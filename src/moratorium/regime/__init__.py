"""moratorium.regime (see DESIGN.md)."""
