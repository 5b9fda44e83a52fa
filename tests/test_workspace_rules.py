"""The seed's dependency rule, checked on what each package declares: packages depend on xo-core only."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for p in (ROOT / "packages").glob("*/pyproject.toml"))


def _xo_dependencies(pyproject: Path) -> set[str]:
    deps = tomllib.loads(pyproject.read_text())["project"].get("dependencies", [])
    names = {re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0] for d in deps}
    return {n for n in names if n.startswith("xo-")}


def test_the_five_packages_exist() -> None:
    assert [p.name for p in PACKAGES] == ["xo-bosun", "xo-core", "xo-foundry", "xo-lens", "xo-sandbox"]


def test_packages_depend_on_xo_core_only() -> None:
    for package in PACKAGES:
        allowed = set() if package.name in {"xo-core", "xo-bosun"} else {"xo-core"}
        assert _xo_dependencies(package / "pyproject.toml") <= allowed, package.name


def test_every_package_bans_importing_its_siblings() -> None:
    for package in PACKAGES:
        banned = tomllib.loads((package / "ruff.toml").read_text())["lint"]["flake8-tidy-imports"]["banned-api"]
        siblings = {p.name.replace("-", "_") for p in PACKAGES if p != package} - (
            set() if package.name in {"xo-core", "xo-bosun"} else {"xo_core"}
        )
        assert siblings <= set(banned), package.name


def test_python_is_pinned_to_312() -> None:
    assert (ROOT / ".python-version").read_text().strip() == "3.12"
    for pyproject in [ROOT / "pyproject.toml", *(p / "pyproject.toml" for p in PACKAGES)]:
        assert tomllib.loads(pyproject.read_text())["project"]["requires-python"] == "==3.12.*", pyproject


def _tracked_text_files() -> list[Path]:
    import shutil
    import subprocess

    git = shutil.which("git") or "git"
    listed = subprocess.run([git, "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    kept = (".py", ".sql", ".yml", ".yaml", ".md", ".j2", ".toml", ".cfg")
    return [ROOT / line for line in listed.splitlines() if line.endswith(kept) and (ROOT / line).is_file()]


def test_every_document_a_file_names_is_in_the_repo() -> None:
    # A comment that cites a document outside the repo leaves its reader nowhere: cite the vendor's public page
    # or a file of this repo. Every Markdown file named in code, SQL, YAML or docs must exist here.
    names = {p.name for p in ROOT.rglob("*.md") if ".venv" not in p.parts and "node_modules" not in p.parts}
    cited = re.compile(r"(?<![\w/.-])([\w-]+\.md)\b")
    outside = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in _tracked_text_files()
        for name in cited.findall(path.read_text(encoding="utf-8", errors="replace"))
        if name not in names
    }
    assert not outside, sorted(outside)


def test_no_test_reads_an_absolute_path_of_one_machine() -> None:
    machine = re.compile(r"""["'](/work/|/root/|/home/|/Users/)""")
    tests = [p for p in _tracked_text_files() if p.suffix == ".py" and "tests" in p.parts]
    assert not [str(p.relative_to(ROOT)) for p in tests if machine.search(p.read_text(encoding="utf-8"))]
