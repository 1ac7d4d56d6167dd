"""Benchmarks of bpss-kg: run on demand (not in the test suite); results go to docs/."""
