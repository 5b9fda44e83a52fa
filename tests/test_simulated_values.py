"""Every value the configuration reference allows for an enumerated extractor setting reaches the simulators and
is served, or refused with a clear "not simulated" answer that names the value and the simulated ones; the
simulators page of the docs lists the simulated Gladly metric sets.

The values come from where the reference gets them (the ``Literal`` types of each source's settings model and
``reference.EXTRA_ALLOWED``); the base settings of each source are those of a committed pipeline that the demo
runs, so only the one setting under test differs from a working pipeline.
"""

from __future__ import annotations

import typing
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest

from xo_core.credentials import parse_connection
from xo_core.errors import TerminalError
from xo_core.extractors.base import ExtractRequest
from xo_core.extractors.gladly.config import FILTERS_BY_METRIC_SET, PHONE_NUMBER_REQUIRED
from xo_core.extractors.registry import SourceRegistration, sources
from xo_core.storage.local import LocalObjectStore
from xo_foundry.schemas.loader import load_pipelines
from xo_foundry.schemas.reference import EXTRA_ALLOWED
from xo_sandbox.gladly.params import RENDERED_METRIC_SETS
from xo_sandbox.sandboxes import Sandboxes

REPO = Path(__file__).resolve().parents[1]
SIMULATORS_PAGE = REPO / "apps" / "material-mkdocs" / "docs" / "guides" / "simulators.md"
ZONE = "America/New_York"
# A recent day: the Gmail simulator's mailbox holds the last 120 days.
DAY = date.today() - timedelta(days=3)


def _enumerated(model: type[Any]) -> dict[str, list[str]]:
    """Each setting of ``model`` with a closed set of values, and the values, as the reference lists them."""
    found: dict[str, list[str]] = {}
    for name, info in model.model_fields.items():
        options = [a for a in (info.annotation, *typing.get_args(info.annotation)) if typing.get_origin(a) is Literal]
        if options:
            found[name] = [str(v) for v in typing.get_args(options[0])]
        extra = EXTRA_ALLOWED.get((model.__name__, name))
        if extra is not None:
            found[name] = extra()
    return found


def _working_settings() -> dict[str, dict[str, Any]]:
    """The extractor settings of the first committed pipeline of each source type."""
    result = load_pipelines()
    assert result.ok, result.problems
    found: dict[str, dict[str, Any]] = {}
    for config in result.pipelines.values():
        for source in config.sources.values():
            found.setdefault(source.source_type, source.extractor.model_dump(exclude_defaults=True))
    return found


def _cases() -> list[tuple[str, str, str]]:
    return [
        (source.source_type, name, value)
        for source in sources()
        if source.connection_id is not None  # the sources a simulator serves over HTTP
        for name, values in _enumerated(source.config).items()
        for value in values
    ]


def _settings(source_type: str, base: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    """``base`` with ``name: value`` and whatever else that value requires to be a valid config."""
    settings = {**base, name: value}
    if source_type == "gladly_api":
        if name == "endpoint" and value == "work_session_events":
            settings.pop("metric_set", None)
        if name == "channel":  # a filter a report takes (Gladly refuses one it does not)
            settings["metric_set"] = min(m for m, taken in FILTERS_BY_METRIC_SET.items() if "channel" in taken)
        if settings.get("metric_set") in PHONE_NUMBER_REQUIRED:
            settings["phone_number"] = "+15555550100"
    if source_type == "bamboohr_api" and name == "report" and value == "custom":
        settings["fields"] = ["id", "firstName", "lastName"]
    return settings


CASES = _cases()


def test_the_cases_cover_the_reference() -> None:
    gladly = {(n, v) for t, n, v in CASES if t == "gladly_api"}
    assert {("metric_set", m) for m in RENDERED_METRIC_SETS} <= gladly
    assert len([1 for n, _ in gladly if n == "metric_set"]) > 50


@pytest.mark.slow
def test_every_allowed_value_is_served_or_refused_as_not_simulated(tmp_path: Path, sandboxes: Sandboxes) -> None:
    working = _working_settings()
    connections = sandboxes.connection_env()
    zone = ZoneInfo(ZONE)
    start = datetime.combine(DAY, time(), zone)
    store = LocalObjectStore(tmp_path)
    registrations: dict[str, SourceRegistration[Any]] = {s.source_type: s for s in sources()}
    served: set[tuple[str, str, str]] = set()
    refused: dict[tuple[str, str, str], str] = {}
    for index, (source_type, name, value) in enumerate(CASES):
        source = registrations[source_type]
        config = source.config.model_validate(_settings(source_type, working[source_type], name, value))
        conn_id = str(config.connection_id)
        request = ExtractRequest(
            source_name=f"case_{index}",
            config=config,
            window_start=start,
            window_end=start + timedelta(days=1),
            timezone=ZONE,
            connection=parse_connection(conn_id, connections[f"AIRFLOW_CONN_{conn_id.upper()}"]),
            store=store,
            bucket="ingest",
            key=f"case_{index}/data.csv",
            run_id=f"run-{index}",
        )
        try:
            source.extractor().extract(request)
        except TerminalError as error:
            refused[(source_type, name, value)] = str(error)
            continue
        assert store.get_bytes("ingest", f"case_{index}/data.csv"), (source_type, name, value)
        served.add((source_type, name, value))

    simulated = ", ".join(RENDERED_METRIC_SETS)
    for (source_type, name, value), message in refused.items():
        # Only metric sets are ever refused (a channel is refused through the metric set that takes it).
        assert source_type == "gladly_api", (name, value, message)
        named = value if name == "metric_set" else min(m for m, t in FILTERS_BY_METRIC_SET.items() if "channel" in t)
        assert f"metricSet {named} is not simulated by xo-sandbox (simulated: {simulated})" in message
    assert {v for t, n, v in served if n == "metric_set"} == set(RENDERED_METRIC_SETS)


def test_the_simulators_page_lists_the_simulated_metric_sets() -> None:
    page = SIMULATORS_PAGE.read_text(encoding="utf-8")
    assert "not simulated" in page
    for metric_set in RENDERED_METRIC_SETS:
        assert f"`{metric_set}`" in page
