"""moratorium: verify reciprocal arms-control moratoria between parties that do not trust each other.

Everything that matters under an agreement is a signed entry in an append-only Merkle log; declared holdings,
inspections, compliance verdicts and maps are pure functions of the treaty file and that log
(see ``DESIGN.md``).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
