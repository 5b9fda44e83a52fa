"""Settings of the Gladly extractor (the ``extractor:`` block of a ``gladly_api`` source)."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import Field, field_validator, model_validator

from xo_core.extractors import ExtractorConfig, field_error

# The ``metricSet`` enum of Gladly's OpenAPI (source-apis.md §1.2), exactly as documented.
GLADLY_METRIC_SETS: frozenset[str] = frozenset(
    {
        # Agent reports
        "AgentAwayTimeReport",
        "AgentAvailableTimeReportV2",
        "AgentDurationsReport",
        "AgentDurationsReportV2",
        "AgentLoginTimeReport",
        "AgentSummary",
        "AgentSummaryV2",
        "AgentSummaryGlanceReport",
        "AgentSummaryGlanceReportV2",
        "AgentTimestampsReport",
        "FirstContactResolutionByAgentV2Report",
        "PaymentsByAgentReport",
        # Work sessions
        "WorkSessionEventsReportV3",
        "WorkSessionEventsReportV4",
        "WorkSessionsReport",
        "WorkSessionsReportV3",
        # Answers and channels
        "AnswerUsageReport",
        "AnswerUsageByAgentReport",
        "ChannelMixReportV2",
        "ChannelWaitTimeReport",
        "ChannelWaitTimeReportV2",
        # Contacts
        "ContactExportReportV3",
        "ContactSummaryReport",
        "ContactSummaryReportV2",
        "ContactSummaryCountsReport",
        "ContactSummaryDurationsReport",
        "ContactSummaryDurationsReportV2",
        "ContactTimestampsReport",
        # Conversations
        "ConversationExportReport",
        "ConversationSidekickExportReport",
        "ConversationSummaryReport",
        "ConversationTimestampsReport",
        # IVR and other summaries
        "AbandonedCallsInIVRReport",
        "AutoThrottleMissedConversationsReport",
        "IVRExecutiveSummaryReportV2",
        "IvrEndStatesReportV2",
        "PaymentsSummaryReport",
        "ProactiveVoiceSummaryReport",
        "TopicHierarchyReport",
        # Tasks and topics
        "TaskExportReport",
        "TaskSummaryReport",
        "TaskTimestampsReport",
        "TopicSummaryReport",
        # Self-service and AI
        "AutoThrottleChangesReport",
        "ChatDisplayPctChangesReport",
        "HelpCenterAnswerSearchReport",
        "HelpCenterAnswerUsageReport",
        "QuickActionsUsageReport",
        "SelfServiceThreadsReport",
        "SidekickAssistsByClassificationTopicReport",
        "GladAppAnswerSearchReport",
        "GladAppAnswerUsageReport",
        "GladAppContactPointsReport",
        "GladlyAISessionsDetailReport",
        "GladlyAISessionsDetailWithMessagesReport",
    }
)

GladlyChannel = Literal[
    "allChannels", "chat", "email", "fbMessenger", "sms", "twitter", "voice", "whatsapp", "instagramDirect"
]


class GladlyExtractorConfig(ExtractorConfig):
    """One Gladly report (``endpoint: reports`` with a ``metric_set``) or the work-session events endpoint."""

    endpoint: Literal["reports", "work_session_events"] = Field(
        default="reports",
        description="reports: POST /api/v1/reports with metric_set; "
        "work_session_events: POST /api/v1/reports/work-session-events",
    )
    metric_set: str | None = Field(
        default=None,
        description="Gladly metricSet, e.g. ContactTimestampsReport (required for endpoint reports)",
    )
    channel: GladlyChannel | None = Field(
        default=None, description="filters.channel of the report; omitted means all channels"
    )
    inboxes: list[str] = Field(default=[], description="filters.inboxes: inbox ids; empty means every inbox")
    host: str | None = Field(
        default=None,
        description="Override of the Gladly host or base URL, e.g. acme.us-1.gladly.com "
        "(default: the host of the connection)",
    )
    row_cap: int = Field(
        default=100_000,
        ge=1,
        description="Row count at which Gladly silently truncates a report; reaching it fails the extraction",
    )
    connection_id: str = Field(default="gladly_default", description="Airflow connection with the credentials")

    @field_validator("metric_set")
    @classmethod
    def _documented_metric_set(cls, value: str | None) -> str | None:
        if value is not None and value not in GLADLY_METRIC_SETS:
            close = difflib.get_close_matches(value, sorted(GLADLY_METRIC_SETS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown metric_set {value!r}{hint}")
        return value

    @model_validator(mode="after")
    def _metric_set_matches_endpoint(self) -> GladlyExtractorConfig:
        if self.endpoint == "reports" and self.metric_set is None:
            raise field_error("metric_set", "field required when endpoint is 'reports'", None)
        if self.endpoint == "work_session_events" and self.metric_set is not None:
            raise field_error("metric_set", "not used with endpoint 'work_session_events' (remove it)", self.metric_set)
        return self
