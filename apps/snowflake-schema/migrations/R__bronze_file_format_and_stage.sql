-- The CSV file format and the external stage on the stage bucket that COPY INTO reads, in each
-- database's BRONZE. CREATE OR REPLACE drops the grants on the replaced objects, so they are granted
-- again in this same script (and R__grants.sql does not need to run after it).
-- SYSADMIN needs USAGE on the storage integration (bootstrap/account_setup.sql grants it).
{% from 'modules/xo_names.jinja' import client_databases %}
{% for base in client_databases %}
{%- set db = base ~ env_suffix %}
USE ROLE SYSADMIN;
-- PARSE_HEADER is not set: it cannot be combined with SKIP_HEADER. The options are the ones the loader sends
-- inline (xo_core/warehouse/snowflake/statements.py): backslashes and \N stay text, as in DuckDB.
CREATE OR REPLACE FILE FORMAT {{ db }}.BRONZE.XO_CSV
    TYPE = CSV
    FIELD_DELIMITER = ','
    SKIP_HEADER = 1
    FIELD_OPTIONALLY_ENCLOSED_BY = '"'
    ESCAPE = NONE
    ESCAPE_UNENCLOSED_FIELD = NONE
    EMPTY_FIELD_AS_NULL = TRUE
    NULL_IF = ()
    ENCODING = 'UTF8'
    ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE;
CREATE OR REPLACE STAGE {{ db }}.BRONZE.XO_STAGE
    URL = 's3://{{ s3_stage_bucket }}/'
    STORAGE_INTEGRATION = {{ storage_integration }}
    FILE_FORMAT = {{ db }}.BRONZE.XO_CSV;
USE ROLE SECURITYADMIN;
GRANT USAGE ON FILE FORMAT {{ db }}.BRONZE.XO_CSV TO ROLE {{ db }}_BRONZE_RO;
GRANT USAGE ON STAGE {{ db }}.BRONZE.XO_STAGE TO ROLE {{ db }}_BRONZE_RW;
{% endfor %}
