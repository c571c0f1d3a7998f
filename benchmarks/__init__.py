"""Benchmarks and attack benches run from the repository (not shipped in the wheel)."""
