"""moratorium.assurance (see DESIGN.md)."""
