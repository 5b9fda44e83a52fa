"""dbt on Snowflake, checked offline (issue 14, point 4).

Every model, snapshot and data test dbt finds in apps/dbt is compiled for the profile's Snowflake target
(`XO_ENV=dev`) with `dbt compile --no-introspect --no-populate-cache`: dbt-snowflake renders every macro for
Snowflake but never opens a connection, so no account is needed (the log proves it). The compiled SQL must then
read as Snowflake SQL: it parses in sqlglot's snowflake dialect, starts like a Snowflake statement, calls only
functions and types Snowflake has, and quotes no name in lower case (DuckDB would find the column, Snowflake
not). sqlglot alone accepts most DuckDB-only SQL (an unknown function parses as an anonymous call), hence the
function and type lists below; a model that needs a function missing from them is either DuckDB-only SQL to
move into an adapter-dispatched macro (macros/timestamps.sql, macros/parse_text.sql) or a Snowflake function to
add here after checking https://docs.snowflake.com/en/sql-reference/functions-all.

The `replace_window` incremental strategy (macros/replace_window.sql) is rendered the way dbt-snowflake's
incremental materialization calls it, for a sample model, and its statements are checked the same way.
Unit tests are not compiled: dbt compiles them only inside `dbt test`/`dbt build`, which reads the input
relations' columns from the warehouse; they run on DuckDB in `make test`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import TokenType

DBT_DIR = Path(__file__).resolve().parents[1] / "apps" / "dbt"
DBT = Path(sys.executable).parent / "dbt"
CHECKED_TYPES = ("model", "snapshot", "test")

# Snowflake's functions that the project's SQL (and SQL like it) calls: every name here is in Snowflake's function
# reference. A name not here fails the check (DuckDB's strftime, try_strptime, list_value, epoch, ...).
# (a word list: one name a line would be a hundred lines)
SNOWFLAKE_FUNCTIONS = frozenset(
    """
    ABS ANY_VALUE ARRAY_AGG ARRAY_CONSTRUCT ARRAY_SIZE AVG BOOLOR_AGG BOOLAND_AGG CAST CEIL COALESCE CONCAT
    CONCAT_WS CONVERT_TIMEZONE COUNT COUNT_IF CURRENT_DATE CURRENT_TIMESTAMP DATE_PART DATE_TRUNC DATEADD
    DATEDIFF DAYOFWEEK DECODE DENSE_RANK DIV0 EQUAL_NULL FIRST_VALUE FLOOR GREATEST HASH IFF IFNULL LAG
    LAST_VALUE LEAD LEAST LENGTH LISTAGG LOWER LPAD LTRIM MAX MAX_BY MD5 MEDIAN MIN MIN_BY MOD NULLIF NVL NVL2
    OBJECT_CONSTRUCT PARSE_JSON PERCENTILE_CONT RANK REGEXP_LIKE REGEXP_REPLACE REGEXP_SUBSTR ROUND ROW_NUMBER
    RPAD RTRIM SHA2 SPLIT_PART STARTSWITH SUBSTR SUBSTRING SUM SYSDATE TIMEADD TIMEDIFF TIMESTAMPADD
    TIMESTAMPDIFF TO_BOOLEAN TO_CHAR TO_DATE TO_DECIMAL TO_DOUBLE TO_NUMBER TO_TIMESTAMP TO_TIMESTAMP_LTZ
    TO_TIMESTAMP_NTZ TO_TIMESTAMP_TZ TO_VARCHAR TRIM TRUNC TRY_CAST TRY_TO_BOOLEAN TRY_TO_DATE TRY_TO_DECIMAL
    TRY_TO_DOUBLE TRY_TO_NUMBER TRY_TO_TIMESTAMP TRY_TO_TIMESTAMP_LTZ TRY_TO_TIMESTAMP_NTZ TRY_TO_TIMESTAMP_TZ
    UPPER UUID_STRING
    """.split()  # noqa: SIM905
)
_T = exp.DataType.Type
SNOWFLAKE_TYPES = frozenset(
    {
        *(_T.TEXT, _T.VARCHAR, _T.CHAR, _T.NCHAR, _T.NVARCHAR, _T.BINARY, _T.VARBINARY, _T.BOOLEAN),
        *(_T.TINYINT, _T.SMALLINT, _T.INT, _T.BIGINT, _T.DECIMAL, _T.DOUBLE, _T.FLOAT),
        *(_T.DATE, _T.TIME, _T.DATETIME, _T.TIMESTAMP, _T.TIMESTAMPNTZ, _T.TIMESTAMPLTZ, _T.TIMESTAMPTZ),
        *(_T.VARIANT, _T.OBJECT, _T.ARRAY, _T.GEOGRAPHY, _T.GEOMETRY, _T.VECTOR),
    }
)
STATEMENT_STARTS = frozenset({"SELECT", "WITH", "(", "INSERT", "DELETE", "MERGE", "UPDATE", "CREATE", "DROP"})


def snowflake_sql_problems(sql: str) -> list[str]:
    """What keeps `sql` from being Snowflake SQL, as messages; empty when it reads as Snowflake SQL."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="snowflake") if s is not None]
        tokens = sqlglot.tokenize(sql, read="snowflake")
    except (ParseError, sqlglot.errors.TokenError) as error:
        return [f"does not parse as Snowflake SQL: {str(error).splitlines()[0]}"]
    problems = [f"not a statement Snowflake knows: {s.sql()[:60]}" for s in statements if isinstance(s, exp.Command)]
    relations = {t.name.upper() for s in statements for t in s.find_all(exp.Table)}
    relations |= {c.alias.upper() for s in statements for c in s.find_all(exp.CTE)}
    previous = None
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        starts = previous is None or previous.token_type == TokenType.SEMICOLON
        if starts and token.token_type != TokenType.SEMICOLON and token.text.upper() not in STATEMENT_STARTS:
            problems.append(f"a statement starts with {token.text!r} (DuckDB's FROM-first?)")
        called = following is not None and following.token_type == TokenType.L_PAREN
        name = token.text.upper()
        if called and token.token_type == TokenType.VAR and name not in relations and name not in SNOWFLAKE_FUNCTIONS:
            problems.append(f"function {name} is not a Snowflake function")
        previous = token
    for statement in statements:
        for data_type in statement.find_all(exp.DataType):
            if data_type.this not in SNOWFLAKE_TYPES:
                problems.append(f"type {data_type.sql()} is not a Snowflake type")
        # DuckDB matches a quoted name to a column whatever its case; Snowflake only to that exact case, and
        # every column here is upper case (BRONZE standardizes them, unquoted names are upper-cased).
        for identifier in statement.find_all(exp.Identifier):
            if identifier.quoted and identifier.this != identifier.this.upper():
                problems.append(f'quoted name "{identifier.this}" is not upper case: Snowflake would not find it')
    return problems


@dataclass(frozen=True)
class Compiled:
    manifest: dict[str, Any]
    log: str

    def nodes(self, *resource_types: str) -> dict[str, dict[str, Any]]:
        return {
            uid: node
            for uid, node in self.manifest["nodes"].items()
            if node["resource_type"] in resource_types and node["package_name"] == "xo_data"
        }


def _dbt_compile(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`dbt compile` for the Snowflake target of apps/dbt with no account: target and logs under `work`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SNOWFLAKE_", "XO_", "DBT_"))}
    # Placeholders: the profile requires an account and a user; nothing connects to them.
    env |= {"XO_ENV": "dev", "XO_HOME": str(work / "xo-home"), "SNOWFLAKE_ACCOUNT": "xo-offline-check"}
    env |= {"SNOWFLAKE_USER": "xo-offline-check", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [str(DBT), "compile", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    command += ["--target", "dev", "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    command += ["--no-introspect", "--no-populate-cache", *args]
    return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False)


def _compile_project(work: Path, *args: str) -> Compiled:
    result = _dbt_compile(work, *args)
    assert result.returncode == 0, f"dbt compile for Snowflake failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return Compiled(manifest, (work / "logs" / "dbt.log").read_text())


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    """The whole project compiled for Snowflake, the relations of other pipelines taken as present."""
    return _compile_project(tmp_path_factory.mktemp("dbt-snowflake"))


OPTIONAL_RELATION = "macro.xo_data.xo_optional_relation"


def _macros_called(manifest: dict[str, Any], node: dict[str, Any]) -> set[str]:
    """Every macro a node calls, directly or through other macros."""
    seen: set[str] = set()
    todo = list(node["depends_on"]["macros"])
    while todo:
        macro = todo.pop()
        if macro not in seen:
            seen.add(macro)
            todo += manifest["macros"].get(macro, {}).get("depends_on", {}).get("macros", [])
    return seen


def _problems_of(nodes: dict[str, dict[str, Any]]) -> list[str]:
    return [f"{uid}: {p}" for uid, node in sorted(nodes.items()) for p in snowflake_sql_problems(node["compiled_code"])]


@pytest.mark.slow
def test_every_model_snapshot_and_test_compiles_for_snowflake_without_a_connection(compiled: Compiled) -> None:
    models = compiled.nodes("model")
    model_files = {p.stem for p in (DBT_DIR / "models").rglob("*.sql")}
    assert {node["name"] for node in models.values()} == model_files
    snapshot_files = {p.stem for p in (DBT_DIR / "snapshots").rglob("*.sql")}
    assert snapshot_files <= {node["name"] for node in compiled.nodes("snapshot").values()}
    nodes = compiled.nodes(*CHECKED_TYPES)
    assert [uid for uid, node in nodes.items() if not node.get("compiled_code")] == []
    assert {node["database"] for node in models.values()} == {"WBP_DB_DEV", "CND_DB_DEV", "CORE_DB_DEV"}
    assert "Opening a new connection" not in compiled.log  # dbt-snowflake logs this before it connects


@pytest.mark.slow
def test_compiled_sql_of_every_model_snapshot_and_test_is_snowflake_sql(compiled: Compiled) -> None:
    nodes = compiled.nodes(*CHECKED_TYPES)
    assert _problems_of(nodes) == []
    # the Snowflake variants of the dispatched macros were the ones rendered
    assert any("convert_timezone('UTC', to_timestamp_tz(" in n["compiled_code"] for n in nodes.values())


@pytest.mark.slow
def test_models_compile_for_snowflake_when_other_pipelines_relations_are_missing(tmp_path: Path) -> None:
    missing = _compile_project(tmp_path, "--select", "resource_type:model", "--vars", "{xo_offline_relations: missing}")
    models = missing.nodes("model")
    assert _problems_of(models) == []
    stand_ins = {n["name"] for n in models.values() if "where 1 = 0" in n["compiled_code"]}
    callers = {n["name"] for n in models.values() if OPTIONAL_RELATION in _macros_called(missing.manifest, n)}
    assert "rpt_email_daily" in callers
    assert stand_ins == callers


# dbt-snowflake's incremental materialization: a temporary table of the model's SQL, then the strategy's SQL
# with the same argument dict it builds (macros/materializations/incremental.sql of dbt-snowflake).
_STRATEGY_SQL = """
{{ config(window_column=var('xo_sample')['window_column']) }}
{%- if execute -%}
{%- set sample = var('xo_sample') -%}
{%- set target = api.Relation.create(database=sample['database'], schema=sample['schema'],
                                     identifier=sample['identifier'], type='table') -%}
{%- set temp = make_temp_relation(target).incorporate(type='table') -%}
{%- set columns = [] -%}
{%- for name in sample['columns'] -%}{%- do columns.append(api.Column.create(name, 'varchar')) -%}{%- endfor -%}
{%- set strategy = adapter.get_incremental_strategy_macro(context, 'replace_window') -%}
{{ create_table_as(True, temp, sample['sql']) }}
{{ strategy({'target_relation': target, 'temp_relation': temp, 'unique_key': sample['unique_key'],
             'dest_columns': columns, 'incremental_predicates': none}) }}
{%- endif -%}
"""


@pytest.mark.slow
def test_replace_window_statements_are_snowflake_sql(compiled: Compiled, tmp_path: Path) -> None:
    # the replace_window model with the most key columns (CONTACT_TIMESTAMPS today)
    windowed = [
        n for n in compiled.nodes("model").values() if n["config"].get("incremental_strategy") == "replace_window"
    ]
    model = min(windowed, key=lambda n: (-len(n["config"]["unique_key"]), n["name"]))
    relation = f"{model['database']}.{model['schema']}.{model['alias']}"
    select = sqlglot.parse_one(model["compiled_code"], read="snowflake")
    assert isinstance(select, exp.Query)
    sample = {
        "database": model["database"],
        "schema": model["schema"],
        "identifier": model["alias"],
        "unique_key": model["config"]["unique_key"],
        "window_column": model["config"]["window_column"],
        "columns": select.named_selects,
        "sql": model["compiled_code"],
    }
    args = ["--quiet", "--output", "json", "--vars", json.dumps({"xo_sample": sample}), "--inline", _STRATEGY_SQL]
    result = _dbt_compile(tmp_path, *args)
    assert result.returncode == 0, result.stdout[-4000:]
    sql = json.loads(result.stdout)["compiled"]
    assert snowflake_sql_problems(sql) == []
    statements = [s for s in sqlglot.parse(sql, read="snowflake") if s is not None]
    assert [type(s).__name__ for s in statements] == ["Create", "Delete", "Delete", "Insert"]
    assert statements[0].args["properties"].find(exp.TemporaryProperty) is not None
    tables = [s.find(exp.Table) for s in statements]
    assert [t.sql("snowflake") for t in tables if t] == [f"{relation}__dbt_tmp", relation, relation, relation]
    assert "Opening a new connection" not in (tmp_path / "logs" / "dbt.log").read_text()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("select try_strptime(a, '%m/%d/%Y') from t", "function TRY_STRPTIME is not a Snowflake function"),
        ("select strftime(a, '%Y') from t", "function STRFTIME is not a Snowflake function"),
        ("select timezone('UTC', a) from t", "function TIMEZONE is not a Snowflake function"),
        ("select list_value(1, 2)", "function LIST_VALUE is not a Snowflake function"),
        ("from t select a", "a statement starts with 'from' (DuckDB's FROM-first?)"),
        ("select cast(a as hugeint) from t", "type INT128 is not a Snowflake type"),
        ("select cast(a as uuid) from t", "type UUID is not a Snowflake type"),
        ("select a from t where", "does not parse as Snowflake SQL"),
        ('select "event_at" from t', 'quoted name "event_at" is not upper case'),
    ],
)
def test_duckdb_only_sql_is_rejected(sql: str, problem: str) -> None:
    problems = snowflake_sql_problems(sql)
    assert problems and problems[0].startswith(problem), problems


def test_snowflake_sql_is_accepted() -> None:
    sql = """
        with t as (select 1 as A)
        select cast(convert_timezone('UTC', to_timestamp_tz(A)) as timestamp_ntz) as AT,
               try_to_date(trim(B), 'MM/DD/YYYY') as D, cast(C as varchar) as C
        from t qualify row_number() over (partition by A order by A) = 1;
        insert into T (A) select A from t
    """
    assert snowflake_sql_problems(sql) == []
