"""The Astro project: its image matches the locked Airflow, its pins match uv.lock, its DAG folder parses."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "apps" / "airflow" / "xo-pipelines"


def _locked() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return {p["name"]: p["version"] for p in lock["package"]}


def test_every_requirement_is_pinned_to_the_locked_version() -> None:
    locked = _locked()
    pins = [
        line.strip()
        for line in (PROJECT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(pins) >= 5
    for pin in pins:
        name, sep, wanted = pin.partition("==")
        assert sep, f"{pin!r} is not pinned with =="
        assert locked.get(name.lower()) == wanted, f"{pin} but uv.lock has {locked.get(name.lower())}"


def test_the_image_runs_the_locked_airflow_minor_version() -> None:
    first = next(line for line in (PROJECT / "Dockerfile").read_text().splitlines() if line.startswith("FROM "))
    match = re.fullmatch(r"FROM astrocrpublic\.azurecr\.io/runtime:(\d+)\.(\d+)-\d+(-python-(\d+\.\d+))?", first)
    assert match is not None, first
    airflow = _locked()["apache-airflow"]
    assert airflow.split(".")[:2] == [match.group(1), match.group(2)] == version("apache-airflow").split(".")[:2]
    assert match.group(4) in (None, "3.12")


def test_the_settings_example_names_every_connection_without_values() -> None:
    settings = yaml.safe_load((PROJECT / "airflow_settings.yaml.example").read_text())
    connections = {c["conn_id"]: c for c in settings["airflow"]["connections"]}
    used = set(
        re.findall(r"connection_id:\s*(\w+)", "".join(p.read_text() for p in (PROJECT / "configs").rglob("*.yaml")))
    )
    assert {"snowflake_dev", "snowflake_prod", "aws_default"} | used <= set(connections)
    for conn in connections.values():
        assert conn["conn_password"] is None and conn["conn_login"] is None


def test_the_dag_folder_parses_in_a_dagbag() -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT / "dags"), safe_mode=False)
    assert bag.import_errors == {}
    assert "warbyparker_gladly_daily" in bag.dag_ids and len(bag.dag_ids) >= 3
