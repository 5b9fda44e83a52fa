-- One-time setup per environment, run by an ACCOUNTADMIN before the first deploy (README).
-- Not a migration: schemachange needs the admin database and a warehouse before it can record
-- anything. The storage integration itself is created by hand (its AWS trust setup is interactive).
USE ROLE SYSADMIN;
CREATE DATABASE IF NOT EXISTS {{ admin_database }} COMMENT = 'schemachange change history of the XO-Data schema';
-- schemachange reads and writes its change history on this warehouse (SNOWFLAKE_WAREHOUSE).
CREATE WAREHOUSE IF NOT EXISTS XO_DEPLOY_WH{{ env_suffix }}
    WITH WAREHOUSE_SIZE = 'XSMALL' AUTO_SUSPEND = 60 AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE;
USE ROLE ACCOUNTADMIN;
-- Stages are created by SYSADMIN, which therefore needs the integration.
GRANT USAGE ON INTEGRATION {{ storage_integration }} TO ROLE SYSADMIN;
