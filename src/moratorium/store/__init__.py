"""moratorium.store: SQLAlchemy persistence (SQLite by default, PostgreSQL by URL); see DESIGN.md."""
