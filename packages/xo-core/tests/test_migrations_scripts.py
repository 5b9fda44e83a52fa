"""Static checks of apps/snowflake-schema: names, versions, SQL that parses, no secrets, env names, RBAC.

Scripts are rendered with schemachange's own Jinja processor and split with its own splitter, so
what is checked here is exactly what a deploy would send.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import sqlglot
import yaml
from schemachange.JinjaTemplateProcessor import JinjaTemplateProcessor
from schemachange.session.Script import get_all_scripts_recursively
from schemachange.sql_splitter import split_sql_statements
from schemachange.version import get_alphanum_key
from sqlglot import exp

from xo_core.warehouse.ledger import ensure_ledger

APP = Path(__file__).resolve().parents[3] / "apps" / "snowflake-schema"
MIGRATIONS = APP / "migrations"
ENVS = ("dev", "prod")
CLIENT_DATABASES = ("WBP_DB", "CND_DB", "CORE_DB")
SCHEMAS = ("BRONZE", "SILVER", "GOLD", "XO_META")
VERSIONED_NAME = re.compile(r"^V(?P<version>\d+\.\d+\.\d+)__[a-z0-9]+(?:_[a-z0-9]+)*\.sql$")
REPEATABLE_NAME = re.compile(r"^R__[a-z0-9]+(?:_[a-z0-9]+)*\.sql$")
# Snowflake DDL that sqlglot 30 reads only as an opaque Command (so only its first words are checked).
SQLGLOT_COMMANDS = {
    "ALTER WAREHOUSE": re.compile(r"^ALTER\s+WAREHOUSE\s", re.I),
    "CREATE ROLE": re.compile(r"^CREATE\s+ROLE\s", re.I),
    "GRANT ROLE": re.compile(r"^GRANT\s+ROLE\s", re.I),
    "GRANT ... ON ALL|FUTURE ...": re.compile(r"^GRANT\s.+\sON\s+(ALL|FUTURE)\s", re.I),
}
SECRET_PATTERNS = {
    "password": re.compile(r"password\s*[=:]", re.I),
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key": re.compile(r"aws_(secret|key_id)\w*\s*[=:]", re.I),
    "stage credentials": re.compile(r"\bCREDENTIALS\s*=", re.I),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "token": re.compile(r"\btoken\s*[=:]\s*\S", re.I),
}


def load_vars(env: str) -> dict[str, Any]:
    """The Jinja variables of one environment, as deploy.sh passes them."""
    return yaml.safe_load((APP / "vars" / f"{env}.yml").read_text(encoding="utf-8"))


def script_paths() -> list[Path]:
    """Every change script under migrations/."""
    return sorted(MIGRATIONS.rglob("*.sql"))


def rendered_statements(env: str) -> Iterator[tuple[str, str]]:
    """(script name, statement) for every statement of every script, rendered for ``env``."""
    processor = JinjaTemplateProcessor(project_root=MIGRATIONS, modules_folder=APP / "modules")
    variables = load_vars(env)
    for path in script_paths():
        content = processor.render(processor.relpath(path), variables)
        for statement in split_sql_statements(content):
            yield path.name, statement


def code_of(statement: str) -> str:
    """A statement without its comments, on one line."""
    without_block = re.sub(r"/\*.*?\*/", " ", statement, flags=re.S)
    without_line = re.sub(r"--[^\n]*", " ", without_block)
    return " ".join(without_line.split()).rstrip(";").strip()


def statements(env: str) -> list[str]:
    """The code of every rendered statement of ``env`` (comment-only fragments dropped)."""
    return [code for _, statement in rendered_statements(env) if (code := code_of(statement))]


def test_script_names_follow_the_pattern_and_schemachange_finds_them_all() -> None:
    names = [path.name for path in script_paths()]
    assert names, "no change scripts found"
    bad = [name for name in names if not (VERSIONED_NAME.match(name) or REPEATABLE_NAME.match(name))]
    assert bad == [], f"names not V<major>.<minor>.<patch>__snake_case.sql or R__snake_case.sql: {bad}"
    config = yaml.safe_load((APP / "schemachange-config.yml").read_text(encoding="utf-8"))
    found = get_all_scripts_recursively(MIGRATIONS, config["version-number-validation-regex"])
    assert sorted(script.name for script in found.values()) == sorted(names)


def test_versions_are_unique_and_strictly_ordered() -> None:
    versions = [m["version"] for path in script_paths() if (m := VERSIONED_NAME.match(path.name))]
    keys = sorted(get_alphanum_key(version) for version in versions)
    # Equal keys would be one version claimed twice (e.g. 1.1.0 and 1.01.0 sort as the same).
    duplicates = [a for a, b in pairwise(keys) if a == b]
    assert duplicates == [], f"versions claimed by more than one script: {duplicates}"
    assert len(versions) >= 3
    assert keys[0] == get_alphanum_key("1.0.0")


@pytest.mark.parametrize("env", ENVS)
def test_every_statement_parses_as_snowflake_sql(env: str) -> None:
    commands_seen: set[str] = set()
    for code in statements(env):
        parsed = sqlglot.parse_one(code, read="snowflake", error_level=sqlglot.ErrorLevel.RAISE)
        if isinstance(parsed, exp.Command):
            kinds = [kind for kind, pattern in SQLGLOT_COMMANDS.items() if pattern.match(code)]
            assert kinds, f"sqlglot could not parse this statement beyond its first word: {code}"
            commands_seen.update(kinds)
    # Keeps the list above true: a kind sqlglot learns to parse, or the scripts stop using, is dropped.
    assert commands_seen == set(SQLGLOT_COMMANDS)


def test_no_file_holds_a_secret() -> None:
    files = [*script_paths(), *(APP / "vars").glob("*.yml"), *(APP / "modules").iterdir()]
    files += [APP / "schemachange-config.yml", APP / "deploy.sh", *(APP / "bootstrap").iterdir()]
    found = [
        f"{path.name}: {label}"
        for path in files
        for label, pattern in SECRET_PATTERNS.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_prod_mentions_no_dev_name() -> None:
    offending = [code for code in statements("prod") if re.search(r"_DEV\b", code, re.I)]
    assert offending == []


def test_dev_mentions_no_unsuffixed_client_database_role_or_warehouse() -> None:
    unsuffixed = re.compile(
        r"\b(?:(?:WBP|CND|CORE)_DB|XO_(?:LOADER|TRANSFORMER|READER|LOADING_WH|TRANSFORMING_WH|REPORTING_WH))"
        r"(?!_DEV)\b"
    )
    dev = statements("dev")
    assert [code for code in dev if unsuffixed.search(code)] == []
    assert any("WBP_DB_DEV.BRONZE" in code for code in dev)


class RecordingSql:
    """Keeps the statements sent to it: how ``ensure_ledger`` defines the ledger table."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Record one statement; DDL returns no rows."""
        self.sent.append(sql)
        return []

    def existing_columns(self, database: str, schema: str, table: str) -> list[str]:
        """No table exists yet: ``ensure_ledger`` creates it whole."""
        return []


def column_definitions(create_sql: str) -> list[tuple[str, str]]:
    """(name, Snowflake type) of each column of a CREATE TABLE statement."""
    parsed = sqlglot.parse_one(create_sql, read="snowflake")
    return [(column.name.upper(), column.args["kind"].sql("snowflake")) for column in parsed.find_all(exp.ColumnDef)]


def test_ledger_table_matches_xo_core_ledger() -> None:
    recorder = RecordingSql()
    ensure_ledger(recorder, "WBP_DB_DEV")
    expected = column_definitions(next(sql for sql in recorder.sent if sql.startswith("CREATE TABLE")))
    ledgers = [code for code in statements("prod") if "XO_META.LOAD_LEDGER" in code and "CREATE TABLE" in code]
    assert len(ledgers) == len(CLIENT_DATABASES)
    added: dict[str, list[tuple[str, str]]] = {}
    for code in statements("prod"):
        if code.startswith("ALTER TABLE") and "XO_META.LOAD_LEDGER ADD COLUMN" in code:
            parsed = sqlglot.parse_one(code, read="snowflake")
            altered = parsed.find(exp.Table)
            assert altered is not None
            added.setdefault(altered.sql("snowflake"), []).extend(
                (c.name.upper(), c.args["kind"].sql("snowflake")) for c in parsed.find_all(exp.ColumnDef)
            )
    assert len(added) == len(CLIENT_DATABASES)
    for ledger in ledgers:
        table = sqlglot.parse_one(ledger, read="snowflake").find(exp.Table)
        assert table is not None
        assert column_definitions(ledger) + added[table.sql("snowflake")] == expected
    assert [name for name, _ in expected][:3] == ["LOAD_ID", "RUN_ID", "TABLE_NAME"]


def role_graph(codes: list[str]) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """Role -> roles granted to it, and (grant statement, grantee) of every privilege grant."""
    inherits: dict[str, set[str]] = {}
    privileges: list[tuple[str, str]] = []
    for code in codes:
        if created := re.match(r"CREATE ROLE IF NOT EXISTS (\w+)", code):
            inherits.setdefault(created[1], set())
        elif role_grant := re.fullmatch(r"GRANT ROLE (\w+) TO ROLE (\w+)", code):
            inherits.setdefault(role_grant[2], set()).add(role_grant[1])
        elif grant := re.fullmatch(r"GRANT (.+) TO ROLE (\w+)", code):
            privileges.append((grant[1], grant[2]))
    return inherits, privileges


def reachable(role: str, inherits: dict[str, set[str]]) -> set[str]:
    """The role and every role it inherits, directly or not."""
    seen, todo = {role}, [role]
    while todo:
        for child in inherits.get(todo.pop(), set()) - seen:
            seen.add(child)
            todo.append(child)
    return seen


def privileges_of(role: str, inherits: dict[str, set[str]], privileges: list[tuple[str, str]]) -> set[str]:
    """Every privilege clause a role holds, its own and inherited."""
    roles = reachable(role, inherits)
    return {clause for clause, grantee in privileges if grantee in roles}


@pytest.mark.parametrize("env", ENVS)
def test_roles_give_each_function_its_layers_and_roll_up_to_sysadmin(env: str) -> None:
    sfx = load_vars(env)["env_suffix"]
    inherits, privileges = role_graph(statements(env))
    created = {role for role in inherits if role != "SYSADMIN"}
    assert len(created) == len(CLIENT_DATABASES) * len(SCHEMAS) * 2 + 3
    assert created <= reachable("SYSADMIN", inherits), "a custom role is outside the SYSADMIN hierarchy"

    loader = privileges_of(f"XO_LOADER{sfx}", inherits, privileges)
    transformer = privileges_of(f"XO_TRANSFORMER{sfx}", inherits, privileges)
    reader = privileges_of(f"XO_READER{sfx}", inherits, privileges)
    for base in CLIENT_DATABASES:
        db = base + sfx
        write_future = "INSERT, UPDATE, DELETE, TRUNCATE ON FUTURE TABLES IN SCHEMA {}"
        read_future = "SELECT ON FUTURE TABLES IN SCHEMA {}"
        assert write_future.format(f"{db}.BRONZE") in loader
        assert write_future.format(f"{db}.XO_META") in loader
        assert f"USAGE ON STAGE {db}.BRONZE.XO_STAGE" in loader
        assert f"USAGE ON FILE FORMAT {db}.BRONZE.XO_CSV" in loader
        assert write_future.format(f"{db}.SILVER") not in loader
        assert read_future.format(f"{db}.BRONZE") in transformer
        assert write_future.format(f"{db}.BRONZE") not in transformer
        assert write_future.format(f"{db}.SILVER") in transformer
        assert write_future.format(f"{db}.GOLD") in transformer
        assert read_future.format(f"{db}.GOLD") in reader
        assert f"USAGE ON SCHEMA {db}.GOLD" in reader
        assert read_future.format(f"{db}.XO_META") in reader  # the dashboards' pipeline-health page
        assert not any(f"{db}.BRONZE" in p or f"{db}.SILVER" in p or "INSERT" in p for p in reader)
    assert f"USAGE ON WAREHOUSE XO_LOADING_WH{sfx}" in loader
    assert f"USAGE ON WAREHOUSE XO_TRANSFORMING_WH{sfx}" in transformer
    assert {p for p in reader if "WAREHOUSE" in p} == {f"USAGE ON WAREHOUSE XO_REPORTING_WH{sfx}"}


@pytest.mark.parametrize("env", ENVS)
def test_warehouses_and_stage_take_their_settings_from_vars(env: str) -> None:
    variables = load_vars(env)
    codes = statements(env)
    warehouses = [code for code in codes if code.startswith("CREATE WAREHOUSE")]
    assert len(warehouses) == 3
    for code in warehouses:
        assert f"WAREHOUSE_SIZE = '{variables['warehouse_size']}'" in code
        assert "AUTO_SUSPEND = 60" in code
    stages = [code for code in codes if code.startswith("CREATE OR REPLACE STAGE")]
    assert len(stages) == len(CLIENT_DATABASES)
    for code in stages:
        assert f"URL = 's3://{variables['s3_stage_bucket']}/'" in code
        assert f"STORAGE_INTEGRATION = {variables['storage_integration']}" in code


def test_the_stage_file_format_has_the_options_the_loader_sends_inline() -> None:
    """The named XO_CSV format and the loader's inline options must read a file the same way."""
    from xo_core.warehouse.snowflake.statements import CSV_FILE_FORMAT

    script = (
        Path(__file__).resolve().parents[3] / "apps/snowflake-schema/migrations/R__bronze_file_format_and_stage.sql"
    )
    body = script.read_text().split("FILE FORMAT {{ db }}.BRONZE.XO_CSV", 1)[1].split(";", 1)[0]
    migration = sorted(" ".join(line.split()) for line in body.strip().splitlines())
    inline = sorted(re.findall(r"[A-Z_]+ = (?:\([^)]*\)|'[^']*'|\S+)", CSV_FILE_FORMAT))
    assert migration == inline
