"""moratorium.catalog (see DESIGN.md)."""
