"""Connections stored in AWS Secrets Manager, read with boto3 (``get_secret_value`` of ``<prefix>/<conn_id>``).

The layout is that of Airflow's ``SecretsManagerBackend`` (see the package docstring), so a deployment and a
laptop read the same secrets. A secret that does not exist means "not here" (the next source is asked); any other
failure (access denied, no credentials, throttling) is raised, because silently falling through would hide a
broken deployment behind a confusing "not found".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from xo_core.credentials import Connection, parse_connection
from xo_core.errors import CredentialError, TransientError

SECRETS_PREFIX_VAR = "XO_SECRETS_MANAGER_PREFIX"
_MISSING = frozenset({"ResourceNotFoundException"})
_TRANSIENT = frozenset({"ThrottlingException", "InternalServiceError", "RequestTimeout"})


class SecretsManagerSource:
    """A ``ConnectionSource`` over AWS Secrets Manager; ``client`` is a boto3 ``secretsmanager`` client."""

    def __init__(self, prefix: str = "airflow/connections", *, client: Any = None, region: str | None = None) -> None:
        self.prefix = prefix.strip("/")
        self._client = client
        self._region = region

    def secret_id(self, conn_id: str) -> str:
        return f"{self.prefix}/{conn_id}" if self.prefix else conn_id

    def describe(self, conn_id: str) -> str:
        return f"AWS Secrets Manager secret {self.secret_id(conn_id)!r}"

    def get(self, conn_id: str) -> Connection | None:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        secret_id = self.secret_id(conn_id)
        try:
            answer = self.client().get_secret_value(SecretId=secret_id)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _MISSING:
                return None
            message = f"reading {self.describe(conn_id)}: {code}"
            raise (TransientError(message) if code in _TRANSIENT else CredentialError(message)) from exc
        except NoCredentialsError as exc:
            raise CredentialError(f"reading {self.describe(conn_id)}: no AWS credentials") from exc
        except BotoCoreError as exc:
            raise TransientError(f"reading {self.describe(conn_id)}: {type(exc).__name__}") from exc
        value = answer.get("SecretString")
        if not value:
            raise CredentialError(f"{self.describe(conn_id)} holds no text (SecretString)")
        return parse_connection(conn_id, value)

    def client(self) -> Any:
        """The boto3 client, made on first use (region from ``AWS_REGION`` unless given)."""
        if self._client is None:
            import boto3

            self._client = boto3.client("secretsmanager", region_name=self._region)
        return self._client


def secrets_manager_from_env(environ: Mapping[str, str] | None = None) -> SecretsManagerSource | None:
    """The Secrets Manager source ``XO_SECRETS_MANAGER_PREFIX`` configures, or None when it is not set."""
    environ = os.environ if environ is None else environ
    prefix = environ.get(SECRETS_PREFIX_VAR)
    if not prefix:
        return None
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return SecretsManagerSource(prefix, region=region)
