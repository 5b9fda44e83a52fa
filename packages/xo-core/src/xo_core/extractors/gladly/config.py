"""Settings of the Gladly extractor (the ``extractor:`` block of a ``gladly_api`` source)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from xo_core.extractors import ConnectionId, ExtractorConfig, WindowShape, field_error
from xo_core.extractors.connection_rules import host_problem
from xo_core.suggest import did_you_mean

# The ``metricSet`` enum of Gladly's OpenAPI (developer.gladly.com/rest/#tag/Reports), exactly as documented.
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

# Which ``filters`` each metric set takes, as the Reports API lists them under each filter ("Applies to the
# following metricSets", developer.gladly.com/rest/#tag/Reports). Gladly answers 400 for a filter a report does
# not take ("the phoneNumber filter cannot be applied to the SummaryReport metricSet"); whether it refuses or
# ignores one on a report it does not list is not documented, so validate refuses it either way.
_CONTACT_SUMMARIES = (
    "ContactSummaryReport",
    "ContactSummaryReportV2",
    "ContactSummaryCountsReport",
    "ContactSummaryDurationsReport",
    "ContactSummaryDurationsReportV2",
)
_APPLIES_TO: dict[str, tuple[str, ...]] = {
    "channel": (
        "FirstContactResolutionByAgentV2Report",
        "WorkSessionsReport",
        "WorkSessionsReportV3",
        "ChannelMixReportV2",
        "ContactExportReportV3",
        *_CONTACT_SUMMARIES,
        "TopicHierarchyReport",
        "TopicSummaryReport",
    ),
    "inboxes": (
        "FirstContactResolutionByAgentV2Report",
        "WorkSessionsReport",
        "WorkSessionsReportV3",
        "ChannelMixReportV2",
        "ChannelWaitTimeReport",
        "ChannelWaitTimeReportV2",
        "ContactExportReportV3",
        *_CONTACT_SUMMARIES,
        "ConversationExportReport",
        "ConversationSidekickExportReport",
        "ConversationSummaryReport",
        "TopicHierarchyReport",
        "TopicSummaryReport",
        "TaskExportReport",
        "TaskSummaryReport",
    ),
    "teams": (
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
        "WorkSessionsReport",
        "WorkSessionsReportV3",
        "AnswerUsageByAgentReport",
        "TaskExportReport",
        "TaskSummaryReport",
    ),
    "phoneNumber": ("IVRExecutiveSummaryReportV2", "IvrEndStatesReportV2"),
}
FILTERS_BY_METRIC_SET: dict[str, frozenset[str]] = {
    metric_set: frozenset(name for name, sets in _APPLIES_TO.items() if metric_set in sets)
    for metric_set in GLADLY_METRIC_SETS
}
PHONE_NUMBER_REQUIRED: frozenset[str] = frozenset({"IVRExecutiveSummaryReportV2", "IvrEndStatesReportV2"})

TIME_RANGE_METRIC_SETS: frozenset[str] = frozenset({"ContactExportReportV3"})
"""Metric sets that take ``startAtTime``/``endAtTime`` (a sub-day window). The Reports API names
``AgentSummaryReport`` and ``ContactExportReportV3``; ``AgentSummaryReport`` is not in its ``metricSet`` enum
(``AgentSummary``? unconfirmed), so only ContactExportReportV3 is trusted with sub-day windows. Every other metric
set takes whole days (``startAt``/``endAt``); the work-session-events endpoint always takes times."""

GLADLY_HOSTS = ("gladly.com", "gladly.qa")
"""Gladly's hosts: ``{organization}.gladly.com``, region shards such as ``.us-1.gladly.com``, the sandbox
``{organization}.gladly.qa`` (developer.gladly.com/rest/, servers)."""

REPORTS_PER_MINUTE = 10
REPORTS_AT_ONCE = 2
"""Gladly's limits on report POSTs per organization: 10 a minute, 2 at once (developer.gladly.com/rest/, "Rate
Limit"), whatever number of clients ask."""

REPORT_LATENCY = timedelta(hours=1)
"""Gladly's reports run about an hour behind (help.gladly.com/docs/why-is-my-reporting-data-not-current)."""

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
    teams: list[str] = Field(default=[], description="filters.teams: team ids; empty means every team")
    phone_number: str | None = Field(
        default=None,
        pattern=r"^\+[1-9]\d{1,14}$",
        description="filters.phoneNumber (E.164), required by IVRExecutiveSummaryReportV2 and IvrEndStatesReportV2",
    )
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
    connection_id: ConnectionId = Field(default="gladly_default", description="Airflow connection with the credentials")
    pool_slots: int = Field(
        default=REPORTS_AT_ONCE,
        ge=1,
        le=REPORTS_AT_ONCE,
        description="Slots of the Airflow pool named after connection_id that every Gladly task of this connection "
        "shares, in every DAG: Gladly runs at most 2 report requests at once per organization",
    )

    @field_validator("host")
    @classmethod
    def _a_gladly_host(cls, value: str | None) -> str | None:
        # A config must not be able to send the connection's credentials elsewhere: Gladly's own hosts, https only
        # (the simulators are reached through the connection of the local environment, never through this field).
        problem = None if value is None else host_problem(value, GLADLY_HOSTS, loopback=False)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("metric_set")
    @classmethod
    def _documented_metric_set(cls, value: str | None) -> str | None:
        if value is not None and value not in GLADLY_METRIC_SETS:
            raise ValueError(f"unknown metric_set {value!r}{did_you_mean(value, GLADLY_METRIC_SETS)}")
        return value

    @model_validator(mode="after")
    def _metric_set_matches_endpoint(self) -> GladlyExtractorConfig:
        if self.endpoint == "reports" and self.metric_set is None:
            raise field_error("metric_set", "field required when endpoint is 'reports'", None)
        if self.endpoint == "work_session_events" and self.metric_set is not None:
            raise field_error("metric_set", "not used with endpoint 'work_session_events' (remove it)", self.metric_set)
        taken = FILTERS_BY_METRIC_SET.get(self.metric_set or "", frozenset())
        what = f"metric_set {self.metric_set}" if self.metric_set else "endpoint work_session_events"
        for field, api_name, value in (
            ("channel", "channel", self.channel),
            ("inboxes", "inboxes", self.inboxes),
            ("teams", "teams", self.teams),
            ("phone_number", "phoneNumber", self.phone_number),
        ):
            if value and api_name not in taken:
                raise field_error(field, f"{what} does not take filters.{api_name} (remove it)", value)
        if self.metric_set in PHONE_NUMBER_REQUIRED and not self.phone_number:
            raise field_error("phone_number", f"field required by metric_set {self.metric_set}", None)
        return self

    def pool(self) -> tuple[str, int]:
        """One pool per Gladly connection (so per organization), named after it: its tasks never exceed Gladly's
        2 report requests at once, in whatever DAGs they run."""
        return self.connection_id, self.pool_slots

    def window_problems(self, window: WindowShape) -> list[tuple[str, str]]:
        """Sub-day windows only where Gladly takes times; never a lag shorter than the reports' latency."""
        problems: list[tuple[str, str]] = []
        takes_times = self.endpoint == "work_session_events" or self.metric_set in TIME_RANGE_METRIC_SETS
        if not window.whole_days and not takes_times:
            problems.append(
                (
                    "metric_set",
                    f"{self.metric_set} takes whole days only (startAt/endAt), but the window is not whole days: "
                    "use a daily window, endpoint work_session_events, or a metric set that takes times "
                    f"({', '.join(sorted(TIME_RANGE_METRIC_SETS))})",
                )
            )
        if not window.whole_days and window.lag < REPORT_LATENCY:
            problems.append(
                (
                    "lag",
                    "Gladly's reports run about one hour behind: an intraday lag under 1 hour reads incomplete data",
                )
            )
        return problems
