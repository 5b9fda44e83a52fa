"""Loaders: move staged files into a warehouse layer through the ``Warehouse`` interface."""
