"""moratorium.web (see DESIGN.md)."""
