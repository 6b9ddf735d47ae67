"""Audit: the append-only, hash-chained record of decisions."""
