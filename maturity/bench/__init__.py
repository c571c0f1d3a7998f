"""Benchmarks that print figures (`flask --app maturity bench …`); an entry point,
so it may build apps of its own for worker processes."""
