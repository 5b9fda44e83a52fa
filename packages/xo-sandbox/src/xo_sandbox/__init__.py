"""Local simulators of the source APIs (Gladly first), run by the embedded default, the demo and the tests."""
