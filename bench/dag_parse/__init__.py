"""Parse cost of the generated DAG files against astronomer's dag-factory; see bench/README.md."""

from bench.dag_parse.run import main

__all__ = ["main"]
