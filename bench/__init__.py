"""Benchmarks, run on demand (not tests): `python -m bench` runs every one, `python -m bench NAME` one of them.

Each benchmark is a module or package of ``bench`` with a ``main() -> None``; its figures go in bench/README.md.
"""
