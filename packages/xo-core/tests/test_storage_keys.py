"""Ingest and stage keys: one layout, every segment checked."""

from __future__ import annotations

import pytest

from xo_core.errors import ConfigError
from xo_core.storage.keys import ingest_key, stage_key


def test_layout() -> None:
    args = ("warbyparker", "gladly", "full_refresh", "2025-01-15T0800Z", "contact_timestamps.csv")
    assert ingest_key(*args) == "warbyparker/gladly/full_refresh/2025-01-15T0800Z/contact_timestamps.csv"
    assert stage_key(*args) == ingest_key(*args)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("WarbyParker", "gladly", "full_refresh", "2025-01-15", "x.csv"), "domain"),
        (("wbp", "../etc", "full_refresh", "2025-01-15", "x.csv"), "source"),
        (("wbp", "gladly", "full refresh", "2025-01-15", "x.csv"), "load_strategy"),
        (("wbp", "gladly", "full_refresh", "2025/01/15", "x.csv"), "window_label"),
        (("wbp", "gladly", "full_refresh", "..", "x.csv"), "window_label"),
        (("wbp", "gladly", "full_refresh", "2025-01-15", ""), "filename"),
        (("wbp", "gladly", "full_refresh", "2025-01-15", "Report.CSV"), "filename"),
    ],
)
def test_bad_segments_are_refused(args: tuple[str, str, str, str, str], field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ingest_key(*args)
    assert caught.value.field == field
    with pytest.raises(ConfigError):
        stage_key(*args)
