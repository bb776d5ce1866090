"""Ledger: canonical signed entries, RFC 9162 Merkle hashing and proofs, checkpoints, escrow, the log."""
