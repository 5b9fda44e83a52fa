"""Validate a pipeline config with the real loader, and see how a mistake is reported."""

import tempfile
from pathlib import Path

from xo_foundry.schemas.errors import ConfigErrors
from xo_foundry.schemas.loader import load_pipeline

example = Path(__file__).parent.parent / "pipelines" / "warbyparker" / "gladly_daily.yaml"
pipeline = load_pipeline(example)
print(pipeline.dag_id, "→", pipeline.target("contact_timestamps"))
assert pipeline.target("contact_timestamps") == "WBP_DB_DEV.BRONZE.GLADLY_CONTACT_TIMESTAMPS"

# A typo in a key is an error (every model forbids unknown keys), placed at its file and line.
with tempfile.TemporaryDirectory() as folder:
    broken = Path(folder) / "broken.yaml"
    broken.write_text(example.read_text().replace("metric_set:", "metricset:"))
    try:
        load_pipeline(broken)
    except ConfigErrors as errors:
        for problem in errors.problems:
            print(problem)  # e.g. .../broken.yaml:21: sources.contact_timestamps.extractor.metricset: ...
        assert any("metricset" in str(problem) for problem in errors.problems)
    else:
        raise AssertionError("the typo was not reported")
