"""Pydantic models of pipeline configuration, and the loader that reports every problem as PATH:LINE.

``load_pipeline`` / ``load_pipelines`` (in ``loader``) are the entry points; ``PipelineConfig`` is the model.
"""
