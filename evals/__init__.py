"""Offline evaluation: scenarios as data, scorers, the runner, reports and benchmarks."""
