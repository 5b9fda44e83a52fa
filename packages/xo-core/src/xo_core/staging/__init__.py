"""The stage step: server-side copy of an ingested file, an 8 KiB header peek, standardized column names."""

from xo_core.staging.columns import standardize_columns
from xo_core.staging.copy_and_standardize import StagedObject, copy_and_standardize
from xo_core.staging.header import MAX_HEADER_BYTES, peek_header

__all__ = ["MAX_HEADER_BYTES", "StagedObject", "copy_and_standardize", "peek_header", "standardize_columns"]
