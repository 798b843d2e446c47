"""Speed and quality benchmarks; ``python -m benchmarks.run`` prints every table."""
