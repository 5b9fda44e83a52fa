"""`python -m bench.scale [SIZE ...]`: the scale benchmark at the given pipeline counts (else XO_BENCH_SCALE_SIZES)."""

import sys

from bench.scale.run import main

main([int(arg.replace(",", "")) for arg in sys.argv[1:]] or None)
