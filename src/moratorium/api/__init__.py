"""moratorium.api (see DESIGN.md)."""
