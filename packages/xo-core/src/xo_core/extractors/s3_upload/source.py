"""The one registration of this source (found by `xo_core.extractors.registry`)."""

from __future__ import annotations

from xo_core.extractors.base import Extractor
from xo_core.extractors.registry import SourceRegistration
from xo_core.extractors.s3_upload.config import S3UploadExtractorConfig


def _extractor() -> Extractor[S3UploadExtractorConfig]:
    # Imported on use, so listing the sources stays cheap.
    from xo_core.extractors.s3_upload.extractor import S3UploadExtractor

    return S3UploadExtractor()


SOURCE = SourceRegistration(
    source_type="s3_upload",
    title="S3 uploads",
    description="Files uploaded to S3 by people or partners.",
    config=S3UploadExtractorConfig,
    extractor=_extractor,
    # Built unchecked: ${domain} and ${name} are filled in by `xo new pipeline`, then the file is validated.
    example=S3UploadExtractorConfig.model_construct(prefix="uploads/${domain}/${name}/", pattern="${name}_*.csv"),
    table_prefix="S3",
    simulator="xo_sandbox.uploads",
    # No connection: it reads the landing bucket with the environment's AWS credentials.
)
