"""XO_ENV → database names, buckets, object store URL, warehouse backend and connection ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from xo_core.credentials import Connection
from xo_core.environment import environment
from xo_core.errors import ConfigError, CredentialError
from xo_core.storage.factory import object_store_for
from xo_core.storage.s3 import S3ObjectStore
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.factory import warehouse_for
from xo_core.warehouse.snowflake import SnowflakeWarehouse

HOME = Path("/srv/xo")


def test_the_three_environments() -> None:
    local = environment("local", HOME, environ={})
    dev = environment("dev", HOME, environ={})
    prod = environment("prod", HOME, environ={})
    assert (local.database("WBP_DB"), dev.database("WBP_DB"), prod.database("WBP_DB_DEV")) == (
        "WBP_DB_DEV",
        "WBP_DB_DEV",
        "WBP_DB",
    )
    # The bucket names of apps/snowflake-schema/vars/<env>.yml, whose stage reads the stage bucket.
    assert (dev.ingest_bucket, dev.stage_bucket) == ("xo-data-ingest-dev", "xo-data-stage-dev")
    assert (prod.ingest_bucket, prod.stage_bucket, prod.landing_bucket) == (
        "xo-data-ingest",
        "xo-data-stage",
        "xo-data-landing",
    )
    assert (local.warehouse, dev.warehouse, prod.warehouse) == ("duckdb", "snowflake", "snowflake")
    assert (local.warehouse_conn_id, dev.warehouse_conn_id, prod.warehouse_conn_id) == (
        None,
        "snowflake_dev",
        "snowflake_prod",
    )
    assert prod.aws_conn_id == "aws_default" and local.object_store_url == (HOME / "objects").as_uri()


def test_buckets_match_the_migration_vars() -> None:
    import yaml

    from xo_core.environment import repo_root

    root = repo_root()
    assert root is not None
    for name in ("dev", "prod"):
        variables = yaml.safe_load((root / "apps/snowflake-schema/vars" / f"{name}.yml").read_text())
        env = environment(name, HOME, environ={})
        assert (env.ingest_bucket, env.stage_bucket) == (variables["s3_ingest_bucket"], variables["s3_stage_bucket"])


def test_s3_endpoint_region_and_bucket_overrides() -> None:
    environ = {"XO_S3_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "eu-west-1", "XO_STAGE_BUCKET": "acme-stage"}
    env = environment("dev", HOME, environ=environ)
    assert env.object_store_url == "s3://?endpoint_url=http%3A%2F%2F127.0.0.1%3A9&region=eu-west-1"
    assert env.stage_bucket == "acme-stage" and env.ingest_bucket == "xo-data-ingest-dev"
    store = object_store_for(env.object_store_url)
    assert isinstance(store, S3ObjectStore)
    assert store.client.meta.endpoint_url == "http://127.0.0.1:9" and store.client.meta.region_name == "eu-west-1"
    assert environment("prod", HOME, environ={}).object_store_url == "s3://?region=us-east-1"


def test_xo_env_chooses_and_a_typo_is_refused() -> None:
    assert environment(environ={"XO_ENV": "prod", "XO_HOME": "/x"}).name == "prod"
    with pytest.raises(ConfigError, match="XO_ENV must be one of local, dev, prod"):
        environment("production", HOME, environ={})


def test_warehouse_for_each_environment() -> None:
    assert isinstance(warehouse_for(environment("local", HOME, environ={})), DuckDBWarehouse)
    prod = environment("prod", HOME, environ={})
    conn = Connection(
        "snowflake_prod",
        "snowflake",
        login="XO_LOADER",
        password="pw",
        extra={"account": "a", "warehouse": "W", "role": "R"},
    )
    warehouse = warehouse_for(prod, database="WBP_DB", connection=conn)
    assert isinstance(warehouse, SnowflakeWarehouse)
    assert (warehouse.stage, warehouse.stage_url) == ("WBP_DB.BRONZE.XO_STAGE", "s3://xo-data-stage/")
    with pytest.raises(CredentialError, match="snowflake_prod"):
        warehouse_for(prod, database="WBP_DB")
    with pytest.raises(ConfigError, match="per database"):
        warehouse_for(prod, connection=conn)
