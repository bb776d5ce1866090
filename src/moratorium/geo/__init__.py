"""moratorium.geo (see DESIGN.md)."""
