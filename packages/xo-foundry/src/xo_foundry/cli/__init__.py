"""The ``xo-foundry`` command."""
