"""Where a task finds a connection: Airflow first (metastore, ``AIRFLOW_CONN_*``, secrets backends such as AWS
Secrets Manager), then the environment and ``.env`` for runs outside Airflow (``xo-foundry run --direct``), then
AWS Secrets Manager when ``XO_SECRETS_MANAGER_PREFIX`` is set (``xo_core.secrets``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xo_core.credentials import Connection, ConnectionSource, local_sources, resolve_connection
from xo_core.secrets.aws import secrets_manager_from_env


class AirflowConnectionSource:
    """Airflow's own lookup, which consults every secrets backend the deployment configured."""

    def describe(self, conn_id: str) -> str:
        return f"Airflow connection {conn_id!r} (secrets backends, AIRFLOW_CONN_{conn_id.upper()}, metastore)"

    def get(self, conn_id: str) -> Connection | None:
        from airflow.sdk import Connection as AirflowConnection
        from airflow.sdk.exceptions import AirflowNotFoundException

        try:
            found = AirflowConnection.get(conn_id)
        except AirflowNotFoundException:
            return None
        return Connection(
            conn_id=conn_id,
            conn_type=found.conn_type or "",
            host=found.host or "",
            login=found.login or "",
            password=found.password or "",
            port=found.port,
            schema=found.schema or "",
            extra=found.extra_dejson,
        )


def in_airflow(context: Mapping[str, Any]) -> bool:
    """True when the context comes from an Airflow task instance (not a direct run)."""
    return "ti" in context


def connection_for(conn_id: str, context: Mapping[str, Any]) -> Connection:
    """The connection, or a CredentialError that names every place looked."""
    sources: list[ConnectionSource] = [AirflowConnectionSource()] if in_airflow(context) else []
    sources.extend(local_sources())
    secrets_manager = secrets_manager_from_env()
    if secrets_manager is not None:
        sources.append(secrets_manager)
    return resolve_connection(conn_id, sources)
