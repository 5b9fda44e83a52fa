-- Privileges of the access roles on the databases and schemas of the versioned scripts.
-- Snowflake ignores a grant that already exists, so re-running this changes nothing. FUTURE grants
-- cover tables created later (by the loader or dbt); ALL covers the ones that exist now.
-- SECURITYADMIN runs this: schema-level FUTURE grants need the MANAGE GRANTS privilege.
{% from 'modules/xo_names.jinja' import client_databases, schemas %}
USE ROLE SECURITYADMIN;
{% for base in client_databases %}
{%- set db = base ~ env_suffix %}
{%- for schema in schemas %}
{%- set ro = db ~ '_' ~ schema ~ '_RO' %}
{%- set rw = db ~ '_' ~ schema ~ '_RW' %}
GRANT USAGE ON DATABASE {{ db }} TO ROLE {{ ro }};
GRANT USAGE ON SCHEMA {{ db }}.{{ schema }} TO ROLE {{ ro }};
GRANT SELECT ON ALL TABLES IN SCHEMA {{ db }}.{{ schema }} TO ROLE {{ ro }};
GRANT SELECT ON FUTURE TABLES IN SCHEMA {{ db }}.{{ schema }} TO ROLE {{ ro }};
GRANT SELECT ON ALL VIEWS IN SCHEMA {{ db }}.{{ schema }} TO ROLE {{ ro }};
GRANT SELECT ON FUTURE VIEWS IN SCHEMA {{ db }}.{{ schema }} TO ROLE {{ ro }};
-- RW inherits RO; the loader's TRUNCATE + COPY INTO and dbt's builds need the rest.
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {{ db }}.{{ schema }} TO ROLE {{ rw }};
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON FUTURE TABLES IN SCHEMA {{ db }}.{{ schema }} TO ROLE {{ rw }};
GRANT CREATE TABLE, CREATE VIEW ON SCHEMA {{ db }}.{{ schema }} TO ROLE {{ rw }};
{%- endfor %}
{% endfor %}
