"""Connection sources beyond the environment and ``.env`` (see ``xo_core.credentials``).

``aws.SecretsManagerSource`` reads connections stored in AWS Secrets Manager for runs outside Airflow
(``xo-foundry run --direct``, scripts). Inside Airflow the same secrets are read by Airflow itself, through the
Amazon provider's ``SecretsManagerBackend``; both use one layout, so one secret serves both:

    secret name   <prefix>/<conn_id>           e.g. airflow/connections/snowflake_prod
    secret value  a connection URI             snowflake://XO_LOADER:pw@/BRONZE?account=...&warehouse=...
                  or JSON                      {"conn_type": "snowflake", "login": "XO_LOADER", "password": "…",
                                                "schema": "BRONZE", "extra": {"account": "…", "role": "…"}}

Airflow deployment (Astro: environment variables of the deployment; needs
``apache-airflow-providers-amazon`` in the image's requirements.txt)::

    AIRFLOW__SECRETS__BACKEND=airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend
    AIRFLOW__SECRETS__BACKEND_KWARGS={"connections_prefix": "airflow/connections",
                                      "variables_prefix": null, "config_prefix": null}

Outside Airflow set ``XO_SECRETS_MANAGER_PREFIX=airflow/connections`` (the region is ``AWS_REGION``; boto3's
``AWS_ENDPOINT_URL_SECRETS_MANAGER`` points it at another endpoint).
"""

from xo_core.secrets.aws import SECRETS_PREFIX_VAR, SecretsManagerSource, secrets_manager_from_env

__all__ = ["SECRETS_PREFIX_VAR", "SecretsManagerSource", "secrets_manager_from_env"]
