"""Command groups of the ``moratorium`` CLI, one module per domain; each exposes ``register(app)``."""
