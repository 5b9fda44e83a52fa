-- The client databases and their schemas: the medallion layers plus XO_META (the load ledger's home).
-- SYSADMIN owns them, so the standard hierarchy can manage everything built on them.
{% from 'modules/xo_names.jinja' import client_databases, schemas %}
USE ROLE SYSADMIN;
{% for base in client_databases %}
{%- set db = base ~ env_suffix %}
CREATE DATABASE IF NOT EXISTS {{ db }};
{%- for schema in schemas %}
CREATE SCHEMA IF NOT EXISTS {{ db }}.{{ schema }};
{%- endfor %}
{% endfor %}
