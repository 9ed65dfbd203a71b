"""Benchmarks of the served explainer (run with `make bench`; not timed tests)."""
