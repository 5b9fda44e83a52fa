"""Settings of the Gmail attachment extractor (the ``extractor:`` block of a ``gmail_attachment`` source)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from xo_core.extractors import ConnectionId
from xo_core.extractors.arrival import ArrivingInputConfig


class GmailAttachmentExtractorConfig(ArrivingInputConfig):
    """The attachment of a report e-mail received in the run's window; ``wait`` and ``on_missing`` say what a
    late or missing e-mail does (``xo_core.extractors.arrival``)."""

    user_id: str = Field(default="me", description="Gmail userId whose mailbox is searched")
    from_address: str = Field(
        min_length=3,
        pattern=r"^[^\s<>\"(),;:@]+@[^\s<>\"(),;:@]+$",
        description="Address the report e-mail must come from: searched with Gmail's from:, then each message's "
        "From header must hold exactly this address",
    )
    subject: str | None = Field(default=None, description="Text the subject must contain (Gmail subject:)")
    filename_pattern: str = Field(
        default="*.csv", min_length=1, description="Glob the attachment's file name must match, e.g. *.csv"
    )
    pick: Literal["latest", "all"] = Field(
        default="latest", description="latest: only the newest matching e-mail; all: every one in the window"
    )
    require_authentication: Literal["dmarc", "dkim", "none"] = Field(
        default="dmarc",
        description="What Gmail's Authentication-Results must also show for the sender's domain: dmarc (a DMARC "
        "pass), dkim (a DKIM signature of that domain) or none (the exact From address only, which anyone can "
        "write); a message that fails is ignored and listed in the manifest",
    )
    connection_id: ConnectionId = Field(default="gmail_default", description="Airflow connection with the credentials")
