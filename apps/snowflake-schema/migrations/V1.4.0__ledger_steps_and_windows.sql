-- The ledger records every attempt of every step (extract, stage, load), with the run's DAG, logical date and
-- window bounds, and marks replays. Columns only added, so rows and readers of V1.1.0 keep working; the names
-- and types match ADDED_COLUMNS of xo_core.warehouse.ledger (a test compares them).
{% from 'modules/xo_names.jinja' import client_databases %}
USE ROLE SYSADMIN;
{% for base in client_databases %}
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS STEP VARCHAR;
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS DAG_ID VARCHAR;
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS LOGICAL_DATE TIMESTAMP WITH TIME ZONE;
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS WINDOW_START TIMESTAMP WITH TIME ZONE;
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS WINDOW_END TIMESTAMP WITH TIME ZONE;
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS REPLAY BOOLEAN;
{% endfor %}
