"""Pydantic models of pipeline configuration."""
