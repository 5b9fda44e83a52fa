"""The one registration of this source (found by `xo_core.extractors.registry`)."""

from __future__ import annotations

from xo_core.extractors.base import Extractor
from xo_core.extractors.gmail.config import GmailAttachmentExtractorConfig
from xo_core.extractors.registry import ConnectionShape, SourceRegistration


def _extractor() -> Extractor[GmailAttachmentExtractorConfig]:
    # Imported on use, so listing the sources stays cheap.
    from xo_core.extractors.gmail.extractor import GmailAttachmentExtractor

    return GmailAttachmentExtractor()


SOURCE = SourceRegistration(
    source_type="gmail_attachment",
    title="Gmail",
    description="A CSV attached to a report e-mail.",
    config=GmailAttachmentExtractorConfig,
    extractor=_extractor,
    example=GmailAttachmentExtractorConfig(from_address="reports@example.com", subject="Daily Report"),
    table_prefix="GMAIL",
    simulator="xo_sandbox.google.gmail",
    connection=ConnectionShape(
        "google_cloud_platform",
        "gmail.googleapis.com",
        login="<mailbox address>",
        credential="<OAuth refresh token>",
        hosts=("gmail.googleapis.com",),
    ),
)
