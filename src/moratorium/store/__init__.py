"""moratorium.store (see DESIGN.md)."""
