"""DAG processor cost at 100 / 1,000 / 3,000 pipelines (issue 15 points 6 and 7); see bench/README.md."""

from bench.scale.run import main

__all__ = ["main"]
