-- The load ledger, one row per load attempt. The columns and types match
-- xo_core.warehouse.ledger (a test compares them), whose ensure_ledger creates the same table.
{% from 'modules/xo_names.jinja' import client_databases %}
USE ROLE SYSADMIN;
{% for base in client_databases %}
CREATE TABLE IF NOT EXISTS {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER (
    LOAD_ID VARCHAR,
    RUN_ID VARCHAR,
    TABLE_NAME VARCHAR,
    FILES VARCHAR,
    ROWS_LOADED BIGINT,
    EXPECTED_ROWS BIGINT,
    STATUS VARCHAR,
    ERROR VARCHAR,
    STARTED_AT TIMESTAMP WITH TIME ZONE,
    FINISHED_AT TIMESTAMP WITH TIME ZONE,
    QUERY_IDS VARCHAR
);
{% endfor %}
