"""moratorium.treaty (see DESIGN.md)."""
