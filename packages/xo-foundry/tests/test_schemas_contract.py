"""The ``contract:`` block of a source: a bad one is reported as PATH:LINE: dotted.field: message, and the
``on_drift`` a source gets when it sets none depends on its load strategy."""

from __future__ import annotations

from pathlib import Path

import pytest

from xo_foundry.schemas.contract import header_contract
from xo_foundry.schemas.errors import ConfigErrors
from xo_foundry.schemas.loader import load_pipeline

VALID = """\
dag:
  domain: warbyparker
  pipeline_name: s3_uploads
  pipeline_type: snowflake_load
  schedule: "30 8 * * *"
  time_window:
    refresh_type: daily
    lag: { days: 1 }
    timezone: "America/New_York"
globals:
  snowflake:
    database: WBP_DB_DEV
    schema: BRONZE
sources:
  qa_scores:
    source_type: s3_upload
    load_strategy: full_refresh
    extractor:
      prefix: uploads/warbyparker/qa_scores/
      pattern: "qa_scores_{yyyymmdd}.csv"
    snowflake:
      target_table: S3_QA_SCORES
    contract:
      columns: [EVALUATION_ID, SCORE]
      on_drift: fail
"""
CONTRACT = "sources.qa_scores.contract"
COLUMN = "^[A-Z_][A-Z0-9_]*$"

CASES: list[tuple[str, tuple[str, str], list[str]]] = [
    (
        "unknown policy",
        ("on_drift: fail", "on_drift: ignore"),
        [f"p.yaml:25: {CONTRACT}.on_drift: Input should be 'fail', 'evolve' or 'warn'"],
    ),
    (
        "misspelt key",
        ("on_drift: fail", "on_drfit: fail"),
        [f"p.yaml:25: {CONTRACT}.on_drfit: unknown field 'on_drfit' (did you mean 'on_drift'?)"],
    ),
    (
        "a vendor's column name instead of the standardized one",
        ("[EVALUATION_ID, SCORE]", "[EVALUATION_ID, Agent Email]"),
        [
            f"p.yaml:24: {CONTRACT}.columns.1: 'Agent Email' is not a BRONZE column name (UPPERCASE, "
            f"matching {COLUMN}): write 'AGENT_EMAIL'"
        ],
    ),
    (
        "a column twice",
        ("[EVALUATION_ID, SCORE]", "[EVALUATION_ID, SCORE, EVALUATION_ID]"),
        [f"p.yaml:24: {CONTRACT}.columns: columns listed twice: EVALUATION_ID"],
    ),
    (
        "a metadata column",
        ("[EVALUATION_ID, SCORE]", "[EVALUATION_ID, _XO_RUN_ID]"),
        [f"p.yaml:24: {CONTRACT}.columns: _XO_RUN_ID: the loader's own metadata column(s), not a source column"],
    ),
    (
        "no columns",
        ("[EVALUATION_ID, SCORE]", "[]"),
        [f"p.yaml:24: {CONTRACT}.columns: needs at least 1 entry, got 0"],
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_contract_is_reported_where_it_is(
    edit: tuple[str, str], expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert VALID.count(edit[0]) == 1, edit
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(VALID.replace(*edit))
    with pytest.raises(ConfigErrors) as caught:
        load_pipeline(Path("p.yaml"), root=tmp_path)
    assert [str(p) for p in caught.value.problems] == expected


@pytest.mark.parametrize(
    ("strategy", "on_drift"),
    [
        ("full_refresh", "fail"),
        ("{kind: incremental, unique_key: [EVALUATION_ID]}", "warn"),
        ("{kind: historical, unique_key: [EVALUATION_ID]}", "warn"),
    ],
)
def test_without_a_contract_the_load_strategy_picks_on_drift(tmp_path: Path, strategy: str, on_drift: str) -> None:
    text = VALID.split("    contract:")[0].replace("load_strategy: full_refresh", f"load_strategy: {strategy}")
    (tmp_path / "p.yaml").write_text(text)
    source = load_pipeline(tmp_path / "p.yaml", root=tmp_path).sources["qa_scores"]
    contract = header_contract(source)
    assert (contract.on_drift, contract.columns) == (on_drift, None)


def test_a_declared_contract_is_kept_as_written(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(VALID.replace("on_drift: fail", "on_drift: evolve"))
    contract = header_contract(load_pipeline(tmp_path / "p.yaml", root=tmp_path).sources["qa_scores"])
    assert (contract.on_drift, contract.columns) == ("evolve", ("EVALUATION_ID", "SCORE"))
