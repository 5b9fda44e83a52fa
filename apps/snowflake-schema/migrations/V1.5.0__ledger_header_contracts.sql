-- Header contracts: a stage row records the standardized header it read (COLUMNS, a JSON list) and, when that
-- header drifted from the source's contract, the drift (DRIFT, JSON: policy, expected, gone, added). The columns
-- of the last good load are the contract of a source that declares none. Columns only added, so rows and readers
-- of V1.4.0 keep working; the names and types match ADDED_COLUMNS of xo_core.warehouse.ledger (a test compares them).
{% from 'modules/xo_names.jinja' import client_databases %}
USE ROLE SYSADMIN;
{% for base in client_databases %}
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS COLUMNS VARCHAR;
ALTER TABLE {{ base ~ env_suffix }}.XO_META.LOAD_LEDGER ADD COLUMN IF NOT EXISTS DRIFT VARCHAR;
{% endfor %}
