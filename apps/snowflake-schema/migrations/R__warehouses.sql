-- One warehouse per workload, so loading, dbt and BI never queue behind each other and each
-- shows its own credits. Repeatable: a changed warehouse_size in vars re-runs this script.
{% from 'modules/xo_names.jinja' import warehouses %}
USE ROLE SYSADMIN;
{% for wh in warehouses %}
CREATE WAREHOUSE IF NOT EXISTS {{ wh }}{{ env_suffix }}
    WITH WAREHOUSE_SIZE = '{{ warehouse_size }}' AUTO_SUSPEND = 60 AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE;
-- IF NOT EXISTS leaves an existing warehouse as it is: set the size and suspension here too.
ALTER WAREHOUSE {{ wh }}{{ env_suffix }} SET WAREHOUSE_SIZE = '{{ warehouse_size }}' AUTO_SUSPEND = 60 AUTO_RESUME = TRUE;
{% endfor %}
USE ROLE SECURITYADMIN;
GRANT USAGE ON WAREHOUSE XO_LOADING_WH{{ env_suffix }} TO ROLE XO_LOADER{{ env_suffix }};
GRANT USAGE ON WAREHOUSE XO_TRANSFORMING_WH{{ env_suffix }} TO ROLE XO_TRANSFORMER{{ env_suffix }};
GRANT USAGE ON WAREHOUSE XO_REPORTING_WH{{ env_suffix }} TO ROLE XO_READER{{ env_suffix }};
