"""Benchmarks of the store (not part of the app library, not run by CI)."""
