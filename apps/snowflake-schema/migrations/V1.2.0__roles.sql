-- Access roles (one read-only and one read-write role per database and schema) and the functional
-- roles people and services use. SECURITYADMIN creates them (it inherits USERADMIN) so it owns them.
-- The hierarchy: access roles -> functional roles -> SYSADMIN; every RW access role also goes to
-- SYSADMIN directly so no custom role is left outside the hierarchy.
{% from 'modules/xo_names.jinja' import client_databases, schemas %}
USE ROLE SECURITYADMIN;
{% for base in client_databases %}
{%- set db = base ~ env_suffix %}
{%- for schema in schemas %}
CREATE ROLE IF NOT EXISTS {{ db }}_{{ schema }}_RO COMMENT = 'Access role: read {{ db }}.{{ schema }}';
CREATE ROLE IF NOT EXISTS {{ db }}_{{ schema }}_RW COMMENT = 'Access role: read and write {{ db }}.{{ schema }}';
GRANT ROLE {{ db }}_{{ schema }}_RO TO ROLE {{ db }}_{{ schema }}_RW;
GRANT ROLE {{ db }}_{{ schema }}_RW TO ROLE SYSADMIN;
{%- endfor %}
{% endfor %}
CREATE ROLE IF NOT EXISTS XO_LOADER{{ env_suffix }} COMMENT = 'Loads files from the stage into BRONZE and writes the load ledger';
CREATE ROLE IF NOT EXISTS XO_TRANSFORMER{{ env_suffix }} COMMENT = 'Builds SILVER and GOLD from BRONZE (dbt)';
CREATE ROLE IF NOT EXISTS XO_READER{{ env_suffix }} COMMENT = 'Reads GOLD (BI and analysts)';
{% for base in client_databases %}
{%- set db = base ~ env_suffix %}
GRANT ROLE {{ db }}_BRONZE_RW TO ROLE XO_LOADER{{ env_suffix }};
GRANT ROLE {{ db }}_XO_META_RW TO ROLE XO_LOADER{{ env_suffix }};
GRANT ROLE {{ db }}_BRONZE_RO TO ROLE XO_TRANSFORMER{{ env_suffix }};
GRANT ROLE {{ db }}_SILVER_RW TO ROLE XO_TRANSFORMER{{ env_suffix }};
GRANT ROLE {{ db }}_GOLD_RW TO ROLE XO_TRANSFORMER{{ env_suffix }};
GRANT ROLE {{ db }}_GOLD_RO TO ROLE XO_READER{{ env_suffix }};
{% endfor %}
GRANT ROLE XO_LOADER{{ env_suffix }} TO ROLE SYSADMIN;
GRANT ROLE XO_TRANSFORMER{{ env_suffix }} TO ROLE SYSADMIN;
GRANT ROLE XO_READER{{ env_suffix }} TO ROLE SYSADMIN;
