"""Benchmarks: `python -m bench [name ...]` (make bench) runs them and writes bench/results/."""
