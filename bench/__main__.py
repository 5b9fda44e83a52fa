"""`python -m bench [NAME ...]`: run the named benchmarks, or all of them (every ``bench.<name>`` with a main)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _modules() -> list[str]:
    """The bench modules and packages; helpers among them (bench.measure) have no ``main``."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    known = [name for name in _modules() if hasattr(importlib.import_module(f"bench.{name}"), "main")]
    unknown = [name for name in argv if name not in known]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)} (known: {', '.join(known)})", file=sys.stderr)
        return 2
    for name in argv or known:
        print(f"== bench {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
