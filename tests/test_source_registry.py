"""The source registry drives every list of sources: each list a user meets is compared with the registry.

The lists: the JSON Schema editors validate with, `xo new pipeline --source`, the connection shapes `xo setup`
writes into `.env`, the configuration reference and the sources page of the docs, and the simulators. Also: a
source type is spelled in its own connector folder and at most one other source file.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from xo_bosun.cli import SourceType
from xo_bosun.envfile import connection_block
from xo_bosun.pipelines import PipelineInfo, SourceInfo
from xo_bosun.scaffold import render_pipeline
from xo_core.extractors.registry import SourceRegistration, source_types, sources
from xo_foundry.dag_factory.generate import registry_files
from xo_foundry.dag_factory.render import is_generated
from xo_foundry.schemas.json_schema import SCHEMA_FILE
from xo_foundry.schemas.reference import REFERENCE_PAGE
from xo_foundry.schemas.source_catalog import SOURCES_PAGE

ROOT = Path(__file__).resolve().parents[1]
REGISTERED = source_types()
CONNECTORS = Path("packages/xo-core/src/xo_core/extractors")


def test_the_six_sources_are_registered() -> None:
    assert REGISTERED == [
        "bamboohr_api",
        "gladly_api",
        "gmail_attachment",
        "google_sheets",
        "s3_upload",
        "sprout_api",
    ]


def test_committed_generated_files_are_up_to_date() -> None:
    for path, text in registry_files(ROOT).items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `make generate`"


def test_json_schema_source_types_are_the_registry() -> None:
    schema = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    (union,) = schema["properties"]["sources"]["patternProperties"].values()
    assert sorted(union["discriminator"]["mapping"]) == REGISTERED
    tags = [
        schema["$defs"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["source_type"]["const"] for ref in union["oneOf"]
    ]
    assert sorted(tags) == REGISTERED


def test_xo_new_pipeline_offers_the_registry() -> None:
    assert sorted(member.value for member in SourceType) == REGISTERED
    for registration in sources():
        text = render_pipeline("warbyparker", "orders", registration.source_type, "WBP_DB_DEV")
        assert f"    source_type: {registration.source_type}\n" in text
        assert f"target_table: {registration.table_prefix}_ORDERS\n" in text


def test_env_connection_shapes_are_the_registry() -> None:
    info = PipelineInfo(
        domain="warbyparker",
        name="every_source",
        path=Path("every_source.yaml"),
        sources=[SourceInfo(s.source_type, s.source_type, s.connection_id) for s in sources()],
    )
    block = connection_block([info], skip=set())
    shapes = dict(re.findall(r"^# \S+ \((\w+)\), used by: .*\n# JSON: (.*)$", block, flags=re.MULTILINE))
    expected = {s.source_type: s.connection.as_json() for s in sources() if s.connection}
    assert {source_type: json.loads(shape) for source_type, shape in shapes.items()} == expected


def test_docs_list_the_registry() -> None:
    reference = (ROOT / REFERENCE_PAGE).read_text(encoding="utf-8")
    union = reference.split("## Sources (`source_type`)", 1)[1].split("\n### ", 1)[0]
    assert sorted(re.findall(r"^\| `(\w+)` \| \[", union, flags=re.MULTILINE)) == REGISTERED
    page = (ROOT / SOURCES_PAGE).read_text(encoding="utf-8")
    assert sorted(re.findall(r"^\| `(\w+)` \| [^|`]+: ", page, flags=re.MULTILINE)) == REGISTERED  # rows, not header
    nav = (ROOT / "apps/material-mkdocs/mkdocs.yml").read_text(encoding="utf-8")
    assert "reference/sources.md" in nav


@pytest.mark.parametrize("registration", sources(), ids=lambda s: s.source_type)
def test_every_source_names_a_simulator_that_exists(registration: SourceRegistration[Any]) -> None:
    module = importlib.import_module(registration.simulator)
    assert (module.__doc__ or "").strip(), module.__name__


def _spells(path: Path, source_type: str) -> bool:
    """True when a string in the file's code names ``source_type`` (a module path like ``.s3_upload.`` does not)."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(source_type)}(?![\w.])")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.search(node.value)
        for node in ast.walk(tree)
    )


def test_a_source_type_is_spelled_in_its_folder_and_at_most_one_other_file() -> None:
    git = shutil.which("git")
    assert git is not None
    listed = subprocess.run(
        [git, "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    code = [
        Path(p) for p in listed if "tests" not in Path(p).parts and (ROOT / p).is_file() and not is_generated(ROOT / p)
    ]
    for registration in sources():
        folder = CONNECTORS / registration.config.__module__.split(".")[2]
        elsewhere = [p for p in code if not p.is_relative_to(folder) and _spells(ROOT / p, registration.source_type)]
        assert len(elsewhere) <= 1, (registration.source_type, elsewhere)


def test_the_add_a_source_guide_shows_a_registration_as_it_is_in_the_code() -> None:
    guide = (ROOT / "apps/material-mkdocs/docs/guides/add-source.md").read_text(encoding="utf-8")
    example = (ROOT / CONNECTORS / "sheets" / "source.py").read_text(encoding="utf-8")
    assert f"```python\n{example.rstrip()}\n```" in guide
