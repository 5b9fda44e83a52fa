"""The documentation site builds with ``mkdocs build --strict`` and lists every module of every package."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]
SITE = REPO / "apps" / "material-mkdocs"
MKDOCS = Path(sys.executable).parent / "mkdocs"


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xo_docs_module_tables", SITE / "hooks" / "module_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_site_builds_strict_without_network(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(SITE / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        env={"PATH": str(MKDOCS.parent), "NO_MKDOCS_2_WARNING": "1", "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    reference = (tmp_path / "site" / "reference" / "configuration" / "index.html").read_text(encoding="utf-8")
    assert 'id="gladlyextractorconfig"' in reference
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home
    assert "then run the main job on the embedded default" in home  # included from examples/shell/readme.sh


def test_every_page_is_in_the_nav() -> None:
    config = (SITE / "mkdocs.yml").read_text(encoding="utf-8")
    pages = [p.relative_to(SITE / "docs").as_posix() for p in (SITE / "docs").rglob("*.md")]
    assert pages
    missing = [page for page in pages if f" {page}" not in config and f"- {page}" not in config]
    assert missing == []


def test_module_tables_list_every_module() -> None:
    hook = _hook()
    for package in ("xo-core", "xo-foundry", "xo-lens", "xo-bosun", "xo-sandbox"):
        root = REPO / "packages" / package / "src" / package.replace("-", "_")
        table = hook.module_table(package)
        for path in root.rglob("*.py"):
            if path.name != "__init__.py":
                dotted = ".".join(path.relative_to(root.parent).with_suffix("").parts)
                assert f"| `{dotted}` |" in table, dotted
    page = hook.on_page_markdown("# x\n\n<!-- modules xo-core -->\n")
    assert "| `xo_core.errors` | The one error tree of XO-Data. |" in page
    with pytest.raises(ValueError, match="no package"):
        hook.module_table("xo-nothing")


def test_simulators_page_lists_every_fault_kind() -> None:
    from xo_sandbox.bamboohr.faults import FAULT_KINDS as BAMBOOHR
    from xo_sandbox.gladly.faults import FAULT_KINDS as GLADLY
    from xo_sandbox.google.faults import GOOGLE_FAULT_KINDS as GOOGLE
    from xo_sandbox.sprout.faults import FAULT_KINDS as SPROUT

    rows = {
        line.split("|")[1].strip(): line
        for line in (SITE / "docs" / "guides" / "simulators.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ")
    }
    for name, kinds in (("Gladly", GLADLY), ("Sprout Social", SPROUT), ("Gmail", GOOGLE), ("BambooHR", BAMBOOHR)):
        assert [kind for kind in kinds if f"`{kind}`" not in rows[name]] == [], name
